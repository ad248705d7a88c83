package handlers

import (
	"net/http"
	"testing"

	"github.com/forankra/forankra/survey"
)

// TestMatterPagesInTheBrowser visits every page of matters at the phone's
// 360 px: nothing wider than the screen, no axe-core violation — the public
// department figures without an account, the list, the form and a matter
// with each role's forms (an official's forward and answer, a
// representative's confirm and reopen), and Att göra with matters.
func TestMatterPagesInTheBrowser(t *testing.T) {
	tab := newTab(t)
	axeScript(t)
	ta, dep := mattersApp(t)
	off := ta.member(survey.RoleOfficial)
	rep := ta.member(survey.RoleRepresentative, "aby")
	late := decode[matterJSON](t, ta.mustDo("POST", "/api/v1/matters", off.token, map[string]any{"village": "aby", "title": "Gatlyktorna längs landsvägen mellan Åby och kyrkan är trasiga", "description": "De har varit släckta sedan oktober.\nFlera har klagat.", "raised_on": "2026-01-05"}, http.StatusCreated))
	answered := decode[matterJSON](t, ta.mustDo("POST", "/api/v1/matters", rep.token, map[string]any{"village": "aby", "title": "Busshållplatsen"}, http.StatusCreated))
	ta.mustDo("POST", "/api/v1/matters/"+answered.ID+"/forward", off.token, map[string]any{"department": dep}, http.StatusOK)
	ta.mustDo("POST", "/api/v1/matters/"+answered.ID+"/answer", off.token, map[string]any{"text": "Hållplatsen flyttas i maj."}, http.StatusOK)
	base := ta.serve()
	check := func(path, name string) {
		t.Helper()
		scanURL(t, tab, base+path, name)
		if w := eval[int](t, tab, "document.documentElement.scrollWidth"); w > phoneWidth {
			t.Errorf("%s: got %d px wide; want at most %d", name, w, phoneWidth)
		}
	}
	check("/forvaltningar", "the public department figures")
	check("/forvaltningar?lang=en", "the public department figures in English")
	signInTab(t, tab, base, off)
	for _, p := range []struct{ path, name string }{
		{"/arenden", "the matters list"},
		{"/arenden?overdue=true&status=registered", "the matters list filtered"},
		{"/arenden/ny", "the form that raises a matter"},
		{"/arenden/" + late.ID, "an escalated matter with the official's forms"},
		{"/att-gora", "Att göra with matters"},
	} {
		check(p.path, p.name)
	}
	signInTab(t, tab, base, rep)
	check("/arenden/"+answered.ID, "an answered matter with the representative's forms")
	check("/att-gora", "Att göra with an answer to confirm")
}
