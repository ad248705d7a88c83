package handlers

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/forankra/forankra/survey"
)

// TestMeetingPagesInTheBrowser visits the meeting pages at the phone's
// 360 px — the list, the new meeting form, a planned meeting with its
// forms, a held one with the minutes and decision forms opened, and an
// approved one — as an official and as a representative: nothing wider
// than the screen, no axe-core violation.
func TestMeetingPagesInTheBrowser(t *testing.T) {
	tab := newTab(t)
	axeScript(t)
	ta := plansApp(t)
	official := ta.member(survey.RoleOfficial)
	rep := ta.member(survey.RoleRepresentative, "aby")
	planID, prio := meetingPlan(t, ta, rep.token)
	newMeeting := func(title string) string {
		b := meetingBody("aby", "bby")
		b["title"] = title
		m := decode[meetingJSON](t, ta.mustDo("POST", "/api/v1/meetings", official.token, b, 201))
		ta.mustDo("POST", "/api/v1/meetings/"+m.ID+"/agenda", official.token, map[string]any{"title": "Bredbandet", "link": map[string]any{"kind": "plan", "id": planID}}, 201)
		return m.ID
	}
	planned, held, approved := newMeeting("Vårforum"), newMeeting("Tematräff om vägar"), newMeeting("Höstforum")
	for _, id := range []string{held, approved} {
		ta.mustDo("POST", "/api/v1/meetings/"+id+"/invite", official.token, nil, 200)
		ta.mustDo("POST", "/api/v1/meetings/"+id+"/held", official.token, map[string]any{"present": []string{"aby"}}, 200)
		item := decode[meetingJSON](t, ta.mustDo("GET", "/api/v1/meetings/"+id, official.token, nil, 200)).Agenda[0].ID
		ta.mustDo("PUT", "/api/v1/meetings/"+id+"/items/"+item+"/minutes", official.token, map[string]any{"text": "Operatören svarar i maj."}, 200)
		ta.mustDo("POST", "/api/v1/meetings/"+id+"/items/"+item+"/decisions", official.token, map[string]any{"text": "Bjud in operatören", "becomes": "action",
			"plan": planID, "priority": prio, "title": "Möte med operatören", "owner": "municipality", "responsible": "Näringslivskontoret", "due": "2026-06"}, 201)
	}
	ta.mustDo("POST", "/api/v1/meetings/"+approved+"/approve", official.token, nil, 200)
	base := ta.serve()
	check := func(name string) {
		t.Helper()
		if w := eval[int](t, tab, "document.documentElement.scrollWidth"); w > phoneWidth {
			t.Errorf("%s: got %d px wide; want at most %d", name, w, phoneWidth)
			t.Log(eval[string](t, tab, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 360).map(e => e.tagName+"."+e.className+": "+e.outerHTML.slice(0,120)).join("\n")`))
		}
	}
	signInTab(t, tab, base, official)
	for _, p := range []struct{ path, name string }{
		{"/moten", "the meetings list"},
		{"/moten/ny", "the new meeting form"},
		{"/moten/" + planned, "a planned meeting with its agenda form"},
		{"/moten/" + approved, "a meeting with its minutes approved"},
		{"/att-gora", "Att göra with the upcoming meetings"},
	} {
		scanURL(t, tab, base+p.path, p.name)
		check(p.name)
	}
	// The held meeting with every details element open, so that axe and the
	// width check see the minutes and decision forms.
	mustDo(t, tab, chromedp.Navigate(base+"/moten/"+held))
	eval[int](t, tab, `document.querySelectorAll("details").forEach(d => d.open = true), document.querySelectorAll("details[open]").length`)
	scanPage(t, tab, "a held meeting with its forms open")
	check("a held meeting with its forms open")

	signInTab(t, tab, base, rep)
	scanURL(t, tab, base+"/moten/"+approved, "a meeting as a representative")
	check("a meeting as a representative")
}
