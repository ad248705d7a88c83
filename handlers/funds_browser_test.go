package handlers

import (
	"testing"

	"github.com/forankra/forankra/survey"
)

// TestFundPagesInTheBrowser visits every page of the bygdepeng at the
// phone's 360 px: nothing wider than the screen, no axe-core violation, as
// a resident without an account, an official and the village's
// representative.
func TestFundPagesInTheBrowser(t *testing.T) {
	tab := newTab(t)
	axeScript(t)
	ta := plansApp(t)
	walkedPlan(t, ta)
	official := ta.member(survey.RoleOfficial)
	rep := ta.member(survey.RoleRepresentative, "aby")
	ta.mustDo("POST", "/api/v1/funds", official.token, fundBody(2026, 250000), 201)
	ta.mustDo("POST", "/api/v1/funds/2026/basic-grants/aby/approve", official.token, nil, 200)
	granted := submittedApplication(t, ta, rep.token, 2026, 45000)
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+granted.ID+"/grant", official.token, map[string]any{"amount_sek": 40000}, 200)
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+granted.ID+"/pay", official.token, nil, 200)
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+granted.ID+"/report", rep.token, map[string]any{"text": "Lamporna lyser vid busshållplatsen sedan oktober.", "spent_sek": 39500}, 200)
	waiting := submittedApplication(t, ta, rep.token, 2026, 12500)
	base := ta.serve()
	check := func(path, name string) {
		t.Helper()
		scanURL(t, tab, base+path, name)
		if w := eval[int](t, tab, "document.documentElement.scrollWidth"); w > phoneWidth {
			t.Errorf("%s: got %d px wide; want at most %d", name, w, phoneWidth)
		}
	}
	check("/bygdepeng", "the public years")
	check("/bygdepeng/2026", "a year's public money with its charts and tables")
	signInTab(t, tab, base, official)
	for _, p := range []struct{ path, name string }{
		{"/fonder", "the staff's years with the form for a new one"},
		{"/fonder/2026", "a year's basic grants, applications and ledger"},
		{"/fonder/2026/ansokningar/" + waiting.ID, "an application waiting for a decision"},
		{"/fonder/2026/ansokningar/" + granted.ID, "a reported application"},
		{"/fonder/2026/huvudbok/2026-1/rattelse", "the confirmation of a reversal"},
		{"/att-gora", "Att göra with the bygdepeng's work"},
	} {
		check(p.path, p.name)
	}
}
