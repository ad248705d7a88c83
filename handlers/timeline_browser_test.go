package handlers

import (
	"testing"

	"github.com/forankra/forankra/survey"
)

// TestTimelineAndReportInTheBrowser visits the village's timeline and the
// yearly report at the phone's 360 px, as a resident without an account and
// as the village's representative: nothing wider than the screen, no
// axe-core violation.
func TestTimelineAndReportInTheBrowser(t *testing.T) {
	tab := newTab(t)
	axeScript(t)
	ta := plansApp(t)
	rep := ta.member(survey.RoleRepresentative, "aby")
	villageRecords(t, ta, rep.token)
	// Money on the timeline and in the report.
	official, forum := ta.user(survey.RoleOfficial), ta.user(survey.RoleForum)
	ta.mustDo("POST", "/api/v1/funds", official, fundBody(2026, 100000), 201)
	a := submittedApplication(t, ta, rep.token, 2026, 9000)
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a.ID+"/grant", forum, map[string]any{"amount_sek": 8000}, 200)
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a.ID+"/pay", official, nil, 200)
	base := ta.serve()
	pages := []struct{ path, name string }{
		{"/byar/aby/tidslinje", "a village's timeline"},
		{"/byar/aby/tidslinje?kind=plan&limit=2", "a filtered page of a timeline"},
		{"/byar/cby/tidslinje", "an empty timeline"},
		{"/arsrapport/2026", "the yearly report"},
		{"/arsrapport/2024", "a yearly report without records"},
	}
	check := func(who string) {
		for _, p := range pages {
			scanURL(t, tab, base+p.path, p.name+" "+who)
			if w := eval[int](t, tab, "document.documentElement.scrollWidth"); w > phoneWidth {
				t.Errorf("%s %s: got %d px wide; want at most %d", p.name, who, w, phoneWidth)
			}
		}
	}
	check("for anyone")
	signInTab(t, tab, base, rep)
	check("for the village's representative")
}
