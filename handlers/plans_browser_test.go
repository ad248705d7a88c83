package handlers

import (
	"testing"

	"github.com/forankra/forankra/survey"
)

// TestPlanPagesInTheBrowser visits every page of plans at the phone's 360 px:
// nothing wider than the screen, no axe-core violation, as a representative
// writing the plan, an official and a resident without an account.
func TestPlanPagesInTheBrowser(t *testing.T) {
	tab := newTab(t)
	axeScript(t)
	ta := plansApp(t)
	walkedPlan(t, ta)
	rep := ta.member(survey.RoleRepresentative, "bby")
	ta.mustDo("POST", "/api/v1/villages/bby/plans", rep.token, map[string]any{"year": 2026}, 201)
	ta.mustDo("PUT", "/api/v1/plans/bby-2026", rep.token, map[string]any{"version": 1, "summary": "Bby vill ha fiber.",
		"priorities": []map[string]any{{"focus_area": "bredband-och-mobiltackning", "rank": 1, "label": "Fiber till alla", "horizon": "long"}}}, 200)
	base := ta.serve()
	pages := []struct{ path, name string }{
		{"/byar", "the villages' index"},
		{"/byar/aby", "a village's public page"},
	}
	for _, p := range pages {
		scanURL(t, tab, base+p.path, p.name)
		if w := eval[int](t, tab, "document.documentElement.scrollWidth"); w > phoneWidth {
			t.Errorf("%s: got %d px wide; want at most %d", p.name, w, phoneWidth)
		}
	}
	signInTab(t, tab, base, rep)
	for _, p := range []struct{ path, name string }{
		{"/planer", "the plans list"},
		{"/planer/bby-2026", "a draft plan with its form"},
		{"/planer/aby-2026", "a submitted plan"},
		{"/planer/aby-2026/versioner", "what changed in a plan"},
		{"/forum/planer", "the forum's matrix of plans"},
	} {
		scanURL(t, tab, base+p.path, p.name)
		if w := eval[int](t, tab, "document.documentElement.scrollWidth"); w > phoneWidth {
			t.Errorf("%s: got %d px wide; want at most %d", p.name, w, phoneWidth)
		}
	}
}
