package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// phoneRun is one resident on the 10-question phone page in the browser.
type phoneRun struct {
	ta   *testApp
	tab  context.Context
	base string
	id   string // the survey
	page string // the village link
}

func newPhoneRun(t *testing.T) *phoneRun {
	tab := newTab(t) // first, so a missing browser skips before any setup
	ta := newTestApp(t)
	id := ta.openTenQuestions(ta.user("admin"))
	base := ta.serve()
	return &phoneRun{ta: ta, tab: tab, base: base, id: id, page: base + "/s/" + id + "/aby"}
}

// stored returns the responses the database holds for the survey.
func (p *phoneRun) stored(t *testing.T) []survey.Response {
	t.Helper()
	var out []survey.Response
	err := storage.NewResponses(p.ta.db).Each(context.Background(), p.id, func(r survey.Response) error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatalf("responses: %v", err)
	}
	return out
}

// wantStoredOnce checks that exactly one response is stored, with the
// answers that answerByPointer gives.
func (p *phoneRun) wantStoredOnce(t *testing.T) {
	t.Helper()
	rs := p.stored(t)
	if len(rs) != 1 {
		t.Fatalf("got %d stored responses; want exactly 1", len(rs))
	}
	r := rs[0]
	got := fmt.Sprintf("village=%s channel=%s bor=%s viktigast=%v buss=%v ordning=%v km=%v bredband=%s ovrigt=%q",
		r.Village, r.Channel, r.Answers["bor"].Option, r.Answers["viktigast"].Options, deref(r.Answers["buss"].Number),
		r.Answers["ordning"].Options, deref(r.Answers["km"].Number), r.Answers["bredband"].Option, r.Answers["ovrigt"].Text)
	want := `village=aby channel=web bor=2–10 år viktigast=[Skolan Affären] buss=4 ordning=[Belysning Gång- och cykelväg Badplats Samlingslokal] km=12.5 bredband=Vet inte ovrigt="Mer belysning vid skolan"`
	if got != want {
		t.Errorf("got stored %s; want %s", got, want)
	}
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// answerByPointer answers every question type as a finger would: taps on
// radios and checkboxes, the keyboard for selects and text. It needs no
// JavaScript in the page.
func (p *phoneRun) answerByPointer(t *testing.T) {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Click(chromedp.ID("q-bor-1")),       // single: 2–10 år
		chromedp.Click(chromedp.ID("q-viktigast-0")), // multi: Skolan
		chromedp.Click(chromedp.ID("q-viktigast-3")), // multi: Affären
		chromedp.Click(chromedp.ID("q-buss-4")),      // likert: 4
		chromedp.Click(chromedp.ID("q-bredband-2")),  // single: Vet inte
		chromedp.SendKeys(chromedp.ID("q-km-n"), "12,5"),
		chromedp.SendKeys(chromedp.ID("q-ovrigt-t"), "Mer belysning vid skolan"),
	}
	// rank: Belysning 1, Gång- och cykelväg 2, Badplats 3, Samlingslokal 4
	for i, place := range []int{2, 1, 3, 4} {
		steps = append(steps, chromedp.Focus(chromedp.ID(fmt.Sprintf("q-ordning-%d", i))),
			chromedp.KeyEvent(strings.Repeat(kb.ArrowDown, place)))
	}
	mustDo(t, p.tab, steps...)
}

const (
	savedText     = "Sparat – skickas när du har täckning"
	thanksArrived = `location.pathname.endsWith('/tack') && document.querySelector('.thanks') && document.readyState === 'complete'`
)

func TestPhoneSurveyInTheBrowser(t *testing.T) {
	needBrowser(t)
	t.Run("a resident opens the village link, answers every question type and is thanked", func(t *testing.T) {
		p := newPhoneRun(t)
		var mu sync.Mutex
		var posts []string
		_ = chromedp.Listen(p.tab, func(ev any) {
			if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request.Method == "POST" {
				mu.Lock()
				posts = append(posts, string(e.Type))
				mu.Unlock()
			}
		})
		mustDo(t, p.tab, chromedp.Navigate(p.page))
		if w := eval[int](t, p.tab, "document.documentElement.clientWidth"); w != phoneWidth {
			t.Errorf("got a viewport %d px wide; want %d", w, phoneWidth)
		}
		if sw := eval[int](t, p.tab, "document.documentElement.scrollWidth"); sw > phoneWidth {
			t.Errorf("got a page %d px wide at a %d px viewport; want no sideways scrolling", sw, phoneWidth)
		}
		p.answerByPointer(t)
		mustDo(t, p.tab, chromedp.Click(chromedp.CSS("form.survey button[type=submit]")))
		waitFor(t, p.tab, "the thank-you page", thanksArrived, 10*time.Second)
		p.wantStoredOnce(t)
		if left := eval[int](t, p.tab, "localStorage.length"); left != 0 {
			t.Errorf("got %d items left in localStorage after sending; want 0", left)
		}
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(posts, []string{"Fetch"}) {
			t.Errorf("got POST requests of types %v; want one sent by the script's fetch", posts)
		}
	})

	t.Run("answers survive a reload before sending", func(t *testing.T) {
		p := newPhoneRun(t)
		mustDo(t, p.tab, chromedp.Navigate(p.page))
		p.answerByPointer(t)
		waitFor(t, p.tab, "the answers saved on the phone", `(localStorage.getItem('forankra:`+p.id+`/aby') || '').includes('belysning')`, 5*time.Second)
		mustDo(t, p.tab, chromedp.Reload())
		waitFor(t, p.tab, "the answers restored", `document.getElementById('q-ovrigt-t').value === 'Mer belysning vid skolan' && document.getElementById('q-bor-1').checked && document.getElementById('q-ordning-1').value === '1'`, 5*time.Second)
		mustDo(t, p.tab, chromedp.Click(chromedp.CSS("form.survey button[type=submit]")))
		waitFor(t, p.tab, "the thank-you page", thanksArrived, 10*time.Second)
		p.wantStoredOnce(t)
	})

	t.Run("with the network cut before sending, the answers wait and arrive once when it returns", func(t *testing.T) {
		p := newPhoneRun(t)
		mustDo(t, p.tab, chromedp.Navigate(p.page))
		p.answerByPointer(t)
		setOffline(t, p.tab, true)
		mustDo(t, p.tab, chromedp.Click(chromedp.CSS("form.survey button[type=submit]")))
		waitFor(t, p.tab, "the saved message", `document.getElementById('save-status').textContent === '`+savedText+`'`, 10*time.Second)
		if role := eval[string](t, p.tab, "document.getElementById('save-status').getAttribute('role')"); role != "status" {
			t.Errorf("got the message in role %q; want a live region with role status", role)
		}
		if n := len(p.stored(t)); n != 0 {
			t.Fatalf("got %d stored responses while offline; want 0", n)
		}
		setOffline(t, p.tab, false) // the online event sends the queued answers
		waitFor(t, p.tab, "the thank-you page after the network returned", thanksArrived, 15*time.Second)
		p.wantStoredOnce(t)
		mustDo(t, p.tab, chromedp.Navigate(p.page)) // a later visit sends nothing again
		time.Sleep(300 * time.Millisecond)
		if n := len(p.stored(t)); n != 1 {
			t.Errorf("got %d stored responses after another visit; want still 1", n)
		}
		if left := eval[int](t, p.tab, "localStorage.length"); left != 0 {
			t.Errorf("got %d items left in localStorage; want 0", left)
		}
	})

	t.Run("when the reply is lost after the server stored the answers, a resend on the next load stores nothing new", func(t *testing.T) {
		p := newPhoneRun(t)
		mustDo(t, p.tab, chromedp.Navigate(p.page))
		p.answerByPointer(t)
		loseFirstPostReply(t, p.tab)
		mustDo(t, p.tab, chromedp.Click(chromedp.CSS("form.survey button[type=submit]")))
		waitFor(t, p.tab, "the saved message", `document.getElementById('save-status').textContent === '`+savedText+`'`, 10*time.Second)
		if n := len(p.stored(t)); n != 1 {
			t.Fatalf("got %d stored responses after the lost reply; want 1 (the server had stored it)", n)
		}
		mustDo(t, p.tab, chromedp.Reload()) // the next load sends the queued answers with the same nonce
		waitFor(t, p.tab, "the thank-you page after the resend", thanksArrived, 15*time.Second)
		p.wantStoredOnce(t)
	})

	t.Run("when the phone cannot store anything the form posts itself", func(t *testing.T) {
		p := newPhoneRun(t)
		if _, err := chromedp.Call(p.tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError') }`,
		}); err != nil {
			t.Fatal(err)
		}
		mustDo(t, p.tab, chromedp.Navigate(p.page))
		p.answerByPointer(t)
		mustDo(t, p.tab, chromedp.Click(chromedp.CSS("form.survey button[type=submit]")))
		waitFor(t, p.tab, "the thank-you page", thanksArrived, 10*time.Second)
		p.wantStoredOnce(t)
	})

	t.Run("with JavaScript off the form still sends and thanks", func(t *testing.T) {
		p := newPhoneRun(t)
		disableScript(t, p.tab)
		mustDo(t, p.tab, chromedp.Navigate(p.page))
		p.answerByPointer(t)
		if saved := eval[int](t, p.tab, "localStorage.length"); saved != 0 {
			t.Fatalf("got %d items in localStorage; want none, as no script runs", saved)
		}
		mustDo(t, p.tab, chromedp.Click(chromedp.CSS("form.survey button[type=submit]")))
		mustDo(t, p.tab, chromedp.WaitReady(chromedp.CSS(".thanks")))
		loc, _ := chromedp.Run(p.tab, chromedp.Location())
		if !strings.HasSuffix(loc, "/tack") {
			t.Errorf("got %s; want the thank-you page", loc)
		}
		p.wantStoredOnce(t)
	})

	t.Run("with JavaScript off a missing answer shows the server's errors", func(t *testing.T) {
		p := newPhoneRun(t)
		disableScript(t, p.tab)
		mustDo(t, p.tab, chromedp.Navigate(p.page), chromedp.Click(chromedp.CSS("form.survey button[type=submit]")))
		mustDo(t, p.tab, chromedp.WaitReady(chromedp.ID("errors")))
		text, err := chromedp.Run(p.tab, chromedp.Text(chromedp.ID("errors")))
		if err != nil || !strings.Contains(text, "Hur länge har du bott i byn?") {
			t.Errorf("got error summary %q (%v); want it to name the first required question", text, err)
		}
	})
}

// loseFirstPostReply lets the first POST reach the server and then drops its
// reply, as a connection that dies on the way back does.
func loseFirstPostReply(t *testing.T, tab context.Context) {
	t.Helper()
	paused := chromedp.Events(tab, fetch.RequestPaused)
	if _, err := chromedp.Call(tab, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/s/*", RequestStage: fetch.RequestStageResponse}}}); err != nil {
		t.Fatalf("fetch.enable: %v", err)
	}
	var once sync.Once
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			if ev.Request.Method == "POST" {
				lost := false
				once.Do(func() {
					lost = true
					_, _ = chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionReset})
				})
				if lost {
					continue
				}
			}
			_, _ = chromedp.Call(tab, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		}
	}()
}

func TestPhonePageByKeyboardAlone(t *testing.T) {
	p := newPhoneRun(t)
	mustDo(t, p.tab, chromedp.Navigate(p.page))
	// What to press when Tab lands on a control; the other controls are passed.
	press := map[string]string{
		"q-bor-0":       kb.ArrowDown, // radio group: moves to and picks 2–10 år
		"q-viktigast-0": " ",          // checkbox: Skolan
		"q-viktigast-3": " ",          // checkbox: Affären
		"q-buss-1":      strings.Repeat(kb.ArrowRight, 3),
		"q-ordning-0":   strings.Repeat(kb.ArrowDown, 2),
		"q-ordning-1":   kb.ArrowDown,
		"q-ordning-2":   strings.Repeat(kb.ArrowDown, 3),
		"q-ordning-3":   strings.Repeat(kb.ArrowDown, 4),
		"q-km-n":        "12,5",
		"q-bredband-0":  strings.Repeat(kb.ArrowDown, 2),
		"q-ovrigt-t":    "Mer belysning vid skolan",
	}
	var reached []string
	noOutline := map[string]bool{}
	for i := 0; i < 80; i++ {
		mustDo(t, p.tab, chromedp.KeyEvent(kb.Tab))
		id := eval[string](t, p.tab, "document.activeElement.id || document.activeElement.tagName")
		reached = append(reached, id)
		if eval[string](t, p.tab, "getComputedStyle(document.activeElement).outlineStyle") == "none" {
			noOutline[id] = true
		}
		if id == "BUTTON" {
			break
		}
		if keys, ok := press[id]; ok {
			mustDo(t, p.tab, chromedp.KeyEvent(keys))
		}
	}
	for _, key := range []string{"bor", "viktigast", "buss", "trygg", "ordning", "km", "bredband", "mote", "framtid", "ovrigt"} {
		if !slices.ContainsFunc(reached, func(id string) bool { return strings.HasPrefix(id, "q-"+key+"-") }) {
			t.Errorf("question %s: Tab never reached it (reached %v); want every question reachable", key, reached)
		}
	}
	if len(noOutline) > 0 {
		t.Errorf("got no visible focus outline on %v; want one on every control", noOutline)
	}
	if reached[len(reached)-1] != "BUTTON" {
		t.Fatalf("Tab never reached the send button (reached %v)", reached)
	}
	mustDo(t, p.tab, chromedp.KeyEvent(kb.Enter))
	waitFor(t, p.tab, "the thank-you page", thanksArrived, 10*time.Second)
	p.wantStoredOnce(t)
}

func TestPhonePagesPassTheAccessibilityScan(t *testing.T) {
	p := newPhoneRun(t)
	axeScript(t) // skip early without axe-core
	t.Run("the empty phone page", func(t *testing.T) {
		mustDo(t, p.tab, chromedp.Navigate(p.page))
		scanPage(t, p.tab, "the empty phone page")
	})
	t.Run("the phone page with errors, announced and linked", func(t *testing.T) {
		mustDo(t, p.tab, chromedp.Navigate(p.page), chromedp.Click(chromedp.CSS("form.survey button[type=submit]")))
		// The script posts, gets 422 and lets the form post itself so the server's errors show.
		waitFor(t, p.tab, "the error summary", `document.getElementById('errors') && document.readyState === 'complete'`, 10*time.Second)
		waitFor(t, p.tab, "the error summary to take focus", `document.activeElement && document.activeElement.id === 'errors'`, 5*time.Second)
		if role := eval[string](t, p.tab, "document.getElementById('errors').getAttribute('role')"); role != "alert" {
			t.Errorf("got the error summary in role %q; want alert", role)
		}
		broken := eval[[]string](t, p.tab, `[...document.querySelectorAll('fieldset.has-error')].filter(f =>
			!(f.getAttribute('aria-describedby') || '').split(' ').some(id => id.startsWith('e-') && document.getElementById(id))).map(f => f.id)`)
		if len(broken) > 0 {
			t.Errorf("got questions %v whose error is not linked by aria-describedby; want every error linked", broken)
		}
		if n := eval[int](t, p.tab, "document.querySelectorAll('fieldset.has-error').length"); n != 2 {
			t.Errorf("got %d questions marked in error; want 2 (the required ones)", n)
		}
		scanPage(t, p.tab, "the phone page with errors")
	})
	t.Run("the offline message", func(t *testing.T) {
		mustDo(t, p.tab, chromedp.Navigate(p.page))
		p.answerByPointer(t)
		setOffline(t, p.tab, true)
		mustDo(t, p.tab, chromedp.Click(chromedp.CSS("form.survey button[type=submit]")))
		waitFor(t, p.tab, "the saved message", `document.getElementById('save-status').textContent !== ''`, 10*time.Second)
		scanPage(t, p.tab, "the phone page with the offline message")
		setOffline(t, p.tab, false)
		waitFor(t, p.tab, "the thank-you page", thanksArrived, 15*time.Second)
	})
	t.Run("the thank-you page", func(t *testing.T) {
		scanURL(t, p.tab, p.page+"/tack", "the thank-you page")
	})
}

func TestPhonePageLoadsInThreeRequests(t *testing.T) {
	p := newPhoneRun(t)
	var mu sync.Mutex
	var urls []string
	var encoded float64
	if err := chromedp.Listen(p.tab, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			urls = append(urls, strings.TrimPrefix(e.Request.URL, p.base))
		case *network.EventLoadingFinished:
			encoded += e.EncodedDataLength
		}
	}); err != nil {
		t.Fatal(err)
	}
	mustDo(t, p.tab, chromedp.Navigate(p.page))
	waitFor(t, p.tab, "the page loaded", "document.readyState === 'complete'", 5*time.Second)
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	t.Logf("requests: %v; %.0f bytes over the wire (headers included)", urls, encoded)
	if len(urls) > 3 {
		t.Errorf("got %d requests for the phone page; want the page and at most 2 assets", len(urls))
	}
	for _, u := range urls {
		if strings.HasPrefix(u, "http") {
			t.Errorf("got a request to %s; want only the service's own origin", u)
		}
	}
	if encoded > maxPhoneWeight {
		t.Errorf("got %.0f bytes over the wire; want at most %d", encoded, maxPhoneWeight)
	}
}
