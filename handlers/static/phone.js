// Förankra phone page: keeps the resident's answers on the phone and sends
// them when there is a connection. The form works without this script; the
// hidden nonce makes a resend the same response on the server.
(function () {
  var f = document.querySelector('form[data-autosave]'), S
  try { S = window.localStorage } catch (x) {}
  if (!f || !S || !window.fetch || !window.URLSearchParams || !window.FormData) return
  var k = 'forankra:' + f.getAttribute('data-autosave'), qk = k + ':queued',
    st = document.getElementById('save-status'), busy = 0, timer, e
  function get (key) { try { return S.getItem(key) } catch (x) { return null } }
  function put (key, v) { try { v == null ? S.removeItem(key) : S.setItem(key, v) } catch (x) {} }
  function body () { return new URLSearchParams(new FormData(f)).toString() }
  function say (t) { if (st) st.textContent = t || '' }
  // fill sets the form's controls to the answers in s, a urlencoded form.
  function fill (s) {
    var p = new URLSearchParams(s), i, el, v
    for (i = 0; (el = f.elements[i]); i++) {
      if (!el.name || !p.has(el.name)) {
        if (el.type === 'checkbox' || el.type === 'radio') el.checked = false
        continue
      }
      v = p.getAll(el.name)
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = v.indexOf(el.value) >= 0
      else if (!(el.name === 'code' && el.value)) el.value = v[0]
    }
  }
  function send () {
    var b = get(qk)
    if (!b || busy) return
    busy = 1
    clearTimeout(timer)
    fetch(f.action, { method: 'POST', body: new URLSearchParams(b), credentials: 'same-origin' }).then(function (r) {
      busy = 0
      if (r.ok) {
        put(qk); put(k)
        location.href = r.url
      } else if (r.status >= 500 || r.status === 429) {
        throw r
      } else {
        // The server refused the answers: let it show why, on its own page.
        put(qk); fill(b); f.submit()
      }
    })['catch'](function () {
      busy = 0
      say(st && st.getAttribute('data-queued'))
      timer = setTimeout(send, 30000)
    })
  }
  f.addEventListener('submit', function (ev) {
    var b = body()
    put(qk, b)
    if (get(qk) !== b) return // nowhere to keep it: the browser posts the form itself
    ev.preventDefault()
    send()
  })
  function save () { put(k, body()) }
  f.addEventListener('input', save)
  f.addEventListener('change', save)
  addEventListener('online', send)
  var q = get(qk), d = get(k)
  if (q) {
    fill(q)
    say(st && st.getAttribute('data-queued'))
    send()
  } else if (d) fill(d)
  if ((e = document.getElementById('errors'))) e.focus()
})()
