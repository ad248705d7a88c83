package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// TestStaffPagesInTheBrowser signs in through the real form, builds and
// opens a survey, makes codes and visits every staff page in Chromium, with
// an axe-core scan (WCAG 2.1 A/AA) of each and no CSP violation or script
// error allowed.
func TestStaffPagesInTheBrowser(t *testing.T) {
	tab := newTab(t)
	axeScript(t)
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	for _, name := range []string{"Åby", "Bäckby"} {
		if code, b := ta.do("POST", "/api/v1/villages", adm.token, map[string]any{"name": name}); code != http.StatusCreated {
			t.Fatalf("village: got %d %s", code, b)
		}
	}
	base := ta.serve()
	at := func(path string) string {
		return fmt.Sprintf(`location.pathname === %q && document.readyState === 'complete'`, path)
	}
	submit := func(form string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(`form[action$="` + form + `"] button[type=submit]`))
	}

	scanURL(t, tab, base+"/logga-in", "the sign-in page")
	mustDo(t, tab, chromedp.SendKeys(chromedp.ID("email"), adm.user.Email), chromedp.SendKeys(chromedp.ID("password"), "fel lösenord!"), submit("/logga-in"))
	waitFor(t, tab, "the sign-in error", `document.getElementById('signin-error') && document.readyState === 'complete'`, 10*time.Second)
	scanPage(t, tab, "the sign-in page with an error")
	mustDo(t, tab, chromedp.SendKeys(chromedp.ID("password"), "ett-långt-lösenord"), submit("/logga-in"))
	waitFor(t, tab, "the start page Att göra", at("/att-gora"), 10*time.Second)
	scanPage(t, tab, "the start page Att göra")
	mustDo(t, tab, chromedp.Click(chromedp.CSS(`.main-nav a[href="/enkater"]`)))
	waitFor(t, tab, "the survey list", at("/enkater"), 10*time.Second)
	scanPage(t, tab, "the survey list")

	scanURL(t, tab, base+"/konto", "the account page")
	mustDo(t, tab, chromedp.SendKeys(chromedp.ID("current_password"), "ett-långt-lösenord"), chromedp.SendKeys(chromedp.ID("password"), "password12"), submit("/konto/losenord"))
	waitFor(t, tab, "the account page's errors", `document.getElementById('password-err') && document.readyState === 'complete'`, 10*time.Second)
	scanPage(t, tab, "the account page with an error")

	scanURL(t, tab, base+"/enkater/ny", "the new survey page")
	mustDo(t, tab, chromedp.SendKeys(chromedp.ID("title"), "Byns framtid"), chromedp.Click(chromedp.ID("village-aby")), submit("/enkater/ny"))
	waitFor(t, tab, "the builder", `/^\/enkater\/[0-9a-f]{24}$/.test(location.pathname) && document.readyState === 'complete'`, 10*time.Second)
	path := eval[string](t, tab, "location.pathname")
	scanPage(t, tab, "the builder of an empty draft")
	mustDo(t, tab, chromedp.SendKeys(chromedp.ID("prompt"), "Vad är viktigast?"), chromedp.SendKeys(chromedp.ID("options"), "Skolan\nVägen"), submit("/fragor"))
	waitFor(t, tab, "the first question", `document.getElementById('q-q1') && document.readyState === 'complete'`, 10*time.Second)
	mustDo(t, tab, submit("/fragor"))
	waitFor(t, tab, "the question form's errors", `document.getElementById('prompt-err') && document.readyState === 'complete'`, 10*time.Second)
	scanPage(t, tab, "the builder with errors")
	mustDo(t, tab, submit("/oppna"))
	waitFor(t, tab, "the open survey", `document.querySelector('a[href$="/stang"]') && document.readyState === 'complete'`, 10*time.Second)
	if w := eval[int](t, tab, "document.querySelector('img.qr').naturalWidth"); w != 200 {
		t.Errorf("got a QR image %d px wide; want it drawn at 200 (allowed by the CSP)", w)
	}
	scanPage(t, tab, "the open survey's page")
	scanURL(t, tab, base+path+"/fritext", "the free-text page")
	scanURL(t, tab, base+path+"/papper/aby", "the paper response page")

	code, b := ta.do("POST", "/api/v1/surveys", adm.token, map[string]any{"title": "Med kod", "villages": []string{"aby"}, "access": "code",
		"questions": []map[string]any{{"key": "q1", "type": "likert", "prompt": "Bra?"}}})
	if code != http.StatusCreated {
		t.Fatalf("code survey: got %d %s", code, b)
	}
	codeSurvey := "/enkater/" + decode[map[string]any](t, b)["id"].(string)
	scanURL(t, tab, base+codeSurvey+"/koder", "the codes page")
	mustDo(t, tab, chromedp.SetValue(chromedp.ID("count"), "3"), submit("/koder"))
	waitFor(t, tab, "the code sheet", `document.querySelectorAll('.codecard img').length === 3 && document.readyState === 'complete'`, 10*time.Second)
	scanPage(t, tab, "the code sheet")

	// A resident types the first card's short link, as printed (no scheme),
	// with the card's code, as the QR code holds it: the short link leads to
	// the phone page and the code is filled in.
	link := eval[string](t, tab, `'http://' + document.querySelector('.codecard .cc-link').textContent.trim() + '?code=' + encodeURIComponent(document.querySelector('.codecard .cc-code strong').textContent.trim())`)
	if !strings.Contains(link, "/e/") {
		t.Errorf("got the printed link %s; want the short /e/ link", link)
	}
	codeID := strings.TrimPrefix(codeSurvey, "/enkater/")
	if code, b := ta.do("POST", "/api/v1/surveys/"+codeID+"/open", adm.token, nil); code != http.StatusOK {
		t.Fatalf("open the code survey: got %d %s", code, b)
	}
	mustDo(t, tab, chromedp.Navigate(link))
	waitFor(t, tab, "the phone page with its code", `document.getElementById('code') && document.getElementById('code').value !== '' && document.readyState === 'complete'`, 10*time.Second)
	mustDo(t, tab, chromedp.Click(chromedp.ID("q-q1-4")), chromedp.Click(chromedp.CSS("main form button[type=submit]")))
	waitFor(t, tab, "the thank-you page", `location.pathname.endsWith('/tack') && document.readyState === 'complete'`, 10*time.Second)
	if n, err := storage.NewResponses(ta.db).Count(context.Background(), codeID); err != nil || n != 1 {
		t.Errorf("got %d responses (%v) after answering from the QR link; want 1", n, err)
	}
	mustDo(t, tab, chromedp.Navigate(base+"/enkater"))

	for _, p := range []string{"/admin/byar", "/admin/anvandare", "/admin/logg"} {
		scanURL(t, tab, base+p, p)
	}
	mustDo(t, tab, submit("/logga-ut"))
	waitFor(t, tab, "the start page", at("/"), 10*time.Second)
}
