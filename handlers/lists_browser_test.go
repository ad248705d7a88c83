package handlers

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/forankra/forankra/survey"
)

// TestListFormsAndPagersInTheBrowser opens every list with a search or
// filter form and a pager at the phone's 360 px: no axe-core violation,
// nothing wider than the screen, the form's fields full width and their
// text at least 16 px, the pager's links 44 px high with a focus ring that
// shows.
func TestListFormsAndPagersInTheBrowser(t *testing.T) {
	tab := newTab(t)
	axeScript(t)
	ta := newTestApp(t)
	adm := ta.member(survey.RoleAdmin)
	if code, b := ta.do("POST", "/api/v1/villages", adm.token, map[string]any{"name": "Åby"}); code != http.StatusCreated {
		t.Fatalf("village: got %d %s", code, b)
	}
	// More than a page (25) of surveys, accounts and proposals, and more
	// than a page (50) of audit entries.
	for i := 0; i < 27; i++ {
		ta.mustDo("POST", "/api/v1/surveys", adm.token, surveyTitled(fmt.Sprintf("Enkät om en mycket lång sak nummer %d", i), "aby"), 201)
		ta.mustDo("POST", "/api/v1/proposals", adm.token, map[string]any{"title": fmt.Sprintf("Förslag %d", i), "body": "x"}, 201)
		ta.mustDo("POST", "/api/v1/users", adm.token, map[string]any{"email": fmt.Sprintf("u%d@example.se", i), "name": fmt.Sprintf("Användare %d", i),
			"password": "ett-långt-lösenord", "role": "forum"}, 201)
	}
	base := ta.serve()
	signInTab(t, tab, base, adm)
	for _, p := range []struct {
		path, name string
		pager      bool
	}{
		{"/enkater", "the survey list", true},
		{"/enkater?sida=2&q=lång", "the survey list searched, page 2", true},
		{"/admin/anvandare", "the accounts", true},
		{"/forslag", "the proposals", true},
		{"/remisser", "the remiss inbox", false},
		{"/admin/logg", "the audit log", true},
	} {
		t.Run(p.name, func(t *testing.T) {
			scanURL(t, tab, base+p.path, p.name)
			if w := eval[int](t, tab, "document.documentElement.scrollWidth"); w > phoneWidth {
				t.Errorf("got %d px wide; want at most %d", w, phoneWidth)
			}
			if p.path != "/admin/logg" {
				got := eval[[]float64](t, tab, `(() => { const f = document.querySelector('form.filters'), i = f.querySelector('input[type=search]');
					return [i.getBoundingClientRect().width / f.clientWidth, parseFloat(getComputedStyle(i).fontSize), f.querySelector('button').getBoundingClientRect().height]; })()`)
				if got[0] < 0.8 || got[1] < 16 || got[2] < 44 {
					t.Errorf("got the search field %.0f %% of its form, text %.0f px, button %.0f px high; want at least 80 %%, 16 px, 44 px", got[0]*100, got[1], got[2])
				}
			}
			if !p.pager {
				return
			}
			got := eval[[]string](t, tab, `(() => { const a = document.querySelector('nav.pager a'); if (!a) return ['none'];
				const h = a.getBoundingClientRect().height; a.focus(); const s = getComputedStyle(a);
				return [String(h), s.outlineStyle, s.outlineWidth, s.boxShadow]; })()`)
			if got[0] == "none" {
				t.Fatalf("got no pager link; want one")
			}
			var h float64
			fmt.Sscan(got[0], &h)
			if h < 44 || got[1] == "none" || got[2] == "0px" || got[3] == "none" {
				t.Errorf("got a pager link %v px high, focused with outline %s %s and shadow %s; want 44 px and a visible ring", got[0], got[1], got[2], got[3])
			}
		})
	}
}
