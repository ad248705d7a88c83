package handlers

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestRemissPagesPassTheAccessibilityScan opens every remiss page in the
// browser at the phone viewport, with content and with form errors, and has
// axe-core check it against WCAG 2.1 A and AA. The user signs in with a
// session cookie, as in a real browser.
func TestRemissPagesPassTheAccessibilityScan(t *testing.T) {
	tab := newTab(t)
	ta := newTestApp(t)
	_, proposal := ta.remissSetup()
	off := ta.member("official")
	official := off.token
	_, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official, map[string]any{"villages": []string{"aby", "backby", "cby"}, "deadline": "2026-03-31", "question": "Behövs bryggan?"})
	remiss := decode[map[string]any](t, b)["id"].(string)
	repm := ta.member("representative", "aby")
	rep := repm.token
	for _, stance := range []string{"support", "oppose"} {
		ta.do("POST", "/api/v1/remisses/"+remiss+"/answers", rep, map[string]any{"village": "aby", "stance": stance, "motivation": "Därför", "anchoring": map[string]any{"method": "meeting", "participants": 12}})
	}
	ta.user("representative", "backby")
	ta.do("POST", "/api/v1/remisses/"+remiss+"/reminders", official, nil)
	base := ta.serve()

	signInTab(t, tab, base, off)
	for _, p := range []struct{ path, name string }{
		{"/forslag", "the proposals list"},
		{"/forslag/ny", "the new proposal form"},
		{"/forslag/" + proposal, "a proposal with a round and the forms"},
		{"/remisser", "the official's remiss list"},
		{"/remisser/" + remiss, "the follow-up page with the outbox"},
		{"/remisser/" + remiss + "/sammanstallning", "the printable summary"},
	} {
		scanURL(t, tab, base+p.path, p.name)
	}
	mustDo(t, tab, chromedp.Navigate(base+"/forslag/ny"), chromedp.Click("main button[type=submit]"))
	waitFor(t, tab, "the error summary", `document.querySelector(".errors")`, 5e9)
	scanPage(t, tab, "the new proposal form with errors")

	signInTab(t, tab, base, repm)
	scanURL(t, tab, base+"/remisser", "the representative's inbox")
	scanURL(t, tab, base+"/remisser/"+remiss+"/svara/aby", "the answer form with the current answer and history")
	mustDo(t, tab, chromedp.Click(`#st-support`), chromedp.Click(`#m-meeting`), chromedp.Click("main form button[type=submit]"))
	waitFor(t, tab, "the saved notice", `document.querySelector(".ok")`, 5e9)
	scanPage(t, tab, "the answer form after saving")
	eval[bool](t, tab, `(document.getElementById("f-motivation").value = "", document.getElementById("f-anchoring-participants").value = "många", true)`)
	mustDo(t, tab, chromedp.Click(`#st-oppose`), chromedp.Click("main form button[type=submit]"))
	waitFor(t, tab, "the error summary", `document.querySelector(".errors")`, 5e9)
	scanPage(t, tab, "the answer form with errors")
	if n := eval[int](t, tab, `document.querySelectorAll(".errors li").length`); n != 2 {
		t.Errorf("got %d errors in the summary; want 2 (motivation, participants)", n)
	}
}
