package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/survey"
)

func TestServicePlanWalkedOnThePages(t *testing.T) {
	f := newServicePlanFixture(t)
	ta := f.ta
	official := ta.account(survey.RoleOfficial)
	forum := ta.account(survey.RoleForum)
	must := func(a account, path string, v url.Values, want int, texts ...string) (string, http.Header) {
		t.Helper()
		code, b, h := ta.page("POST", path, a, v)
		if code != want {
			t.Fatalf("POST %s: got %d; want %d\n%s", path, code, want, b)
		}
		for _, s := range texts {
			if !strings.Contains(string(b), s) {
				t.Errorf("POST %s: got no %q on the page", path, s)
			}
		}
		return string(b), h
	}
	must(official, "/serviceplan/ny", url.Values{"period": {"2027"}}, http.StatusUnprocessableEntity, "Skriv perioden som två år", `aria-invalid="true"`)
	_, h := must(official, "/serviceplan/ny", url.Values{"period": {"2027-2028"}}, http.StatusSeeOther)
	page := h.Get("Location")
	if !strings.HasPrefix(page, "/serviceplan/") {
		t.Fatalf("got Location %q; want the new plan's page", page)
	}
	code, b, _ := ta.page("GET", page, official, nil)
	checkPage(t, code, b, []string{"Kommunikationer och vägar", `href="/planer/` + f.abyPlan + `"`, "Åby 2026", "Ansök om lägre hastighet",
		`action="` + page + `/punkter/` + f.roads + `"`, "Lämna utkastet till forumets granskning"}, []string{"Mät trafiken"})

	item := page + "/punkter/" + f.roads
	must(official, item, url.Values{"goal": {"Säkra skolvägar"}, "department": {"nope"}, "actions": {f.joint}}, http.StatusUnprocessableEntity, "Förvaltningen finns inte")
	must(official, item, url.Values{"goal": {"Säkra skolvägar"}, "department": {f.dept}, "actions": {f.joint}}, http.StatusSeeOther)
	must(official, page+"/granska", nil, http.StatusSeeOther)
	agendaItem := f.agendaItem(t, strings.TrimPrefix(page, "/serviceplan/"))
	must(forum, page+"/anta", url.Values{"meeting_item": {agendaItem}}, http.StatusSeeOther)

	code, b, _ = ta.page("GET", page+"/skicka", official, nil)
	checkPage(t, code, b, []string{"Skicka serviceplanen till kommunfullmäktige?", `name="diary_number"`, `name="confirm" value="yes"`}, nil)
	must(official, page+"/skicka", url.Values{"date": {"2026-03-09"}, "diary_number": {"KS 1"}}, http.StatusOK, "Skicka serviceplanen till kommunfullmäktige?") // not confirmed: asks again
	must(official, page+"/skicka", url.Values{"confirm": {"yes"}, "date": {"2026-03-09"}}, http.StatusUnprocessableEntity, "Ange diarienumret")
	must(official, page+"/skicka", url.Values{"confirm": {"yes"}, "date": {"2026-03-09"}, "diary_number": {"KS 2026/14"}}, http.StatusSeeOther)
	must(official, item, url.Values{"goal": {"Efteråt"}}, http.StatusConflict, "inte i det läget längre")
	must(official, page+"/beslut", url.Values{"confirm": {"yes"}, "date": {"2026-03-10"}, "paragraph": {"§ 45"}}, http.StatusSeeOther)

	code, b, _ = ta.page("GET", page, forum, nil)
	checkPage(t, code, b, []string{"Säkra skolvägar", "Samhällsbyggnad", "KS 2026/14", "§ 45", "2028-03-10", "Test official",
		`href="/moten/`, `#punkt-` + agendaItem + `">Vårforum 2026 2026-04-15: Serviceplanen</a>`}, []string{"Lämna utkastet", `/punkter/`})
	code, b, _ = ta.page("GET", page+"/dokument", forum, nil)
	checkPage(t, code, b, []string{"Innehåll", `<ol><li><a href="#punkt-`, "Säkra skolvägar", "Åby 2026, prioritering 1"}, []string{"main-nav"})

	_, h = must(official, page+"/revidera", url.Values{"period": {"2028–2029"}}, http.StatusSeeOther)
	if loc := h.Get("Location"); loc != page+"?version=2" {
		t.Errorf("after revising: got Location %q; want %s?version=2", loc, page)
	}
	must(official, item, url.Values{"goal": {"Säkra skolvägar för alla"}, "department": {f.dept}, "actions": {f.joint}}, http.StatusSeeOther)
	code, b, _ = ta.page("GET", page+"/andringar?from=1", forum, nil)
	checkPage(t, code, b, []string{"Ändrade punkter", "Säkra skolvägar för alla", "<del>Säkra skolvägar</del>"}, nil)

	code, b, _ = ta.page("GET", "/serviceplan", forum, nil)
	checkPage(t, code, b, []string{"2027–2028", "version 2: utkast", "2028-03-10"}, []string{`action="/serviceplan/ny"`})
	code, b, _ = ta.page("GET", page, account{}, nil, "Cookie", "lang=en; "+sessionCookie+"="+forum.session)
	checkPage(t, code, b, []string{"Development and service plan", "Comes from", "Items", "draft"}, []string{"Kommer från"})

	rep := ta.account(survey.RoleRepresentative, "aby")
	if code, _, _ := ta.page("POST", page+"/granska", rep, nil); code != http.StatusForbidden {
		t.Errorf("a representative reviewing: got %d; want 403", code)
	}
	code, b, _ = ta.page("GET", "/att-gora", rep, nil)
	if code != 200 || strings.Contains(string(b), `href="/serviceplan"`) {
		t.Errorf("a representative's header: got %d, a service plan link %v; want none (officials and the forum have it)", code, strings.Contains(string(b), `href="/serviceplan"`))
	}
}

func TestTodoShowsServicePlansWaitingAndTheirRevision(t *testing.T) {
	f := newServicePlanFixture(t)
	ta := f.ta
	p := f.create(t)
	base := "/api/v1/service-plans/" + p.ID
	for _, step := range []struct {
		path string
		body any
	}{{"/review", nil}, {"/adopt", nil}, {"/send", map[string]any{"date": "2026-03-09", "diary_number": "KS 2026/14"}}} {
		ta.mustDo("POST", base+step.path, f.official, step.body, 200)
	}
	todo := func(role string) string {
		t.Helper()
		code, b, _ := ta.page("GET", "/att-gora", ta.account(role), nil)
		if code != 200 {
			t.Fatalf("att göra: got %d; want 200", code)
		}
		return string(b)
	}
	if got := todo(survey.RoleOfficial); !strings.Contains(got, "Väntar på fullmäktiges beslut: 2027–2028") || !strings.Contains(got, "KS 2026/14") {
		t.Errorf("a sent plan: got no waiting entry with its diary number on the official's list")
	}
	if got := todo(survey.RoleForum); strings.Contains(got, "Väntar på fullmäktiges beslut") {
		t.Errorf("the forum member's list: got the official's entry; want none")
	}
	ta.mustDo("POST", base+"/decide", f.official, map[string]any{"date": "2026-03-10", "paragraph": "§ 45"}, 200)
	tests := []struct {
		now         time.Time
		shown, late bool
	}{
		{time.Date(2027, 12, 9, 12, 0, 0, 0, time.UTC), false, false},
		{time.Date(2027, 12, 10, 12, 0, 0, 0, time.UTC), true, false},
		{time.Date(2028, 3, 11, 12, 0, 0, 0, time.UTC), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.now.Format("2006-01-02"), func(t *testing.T) {
			ta.now = tt.now
			got := todo(survey.RoleOfficial)
			if strings.Contains(got, "Serviceplanen ska revideras: 2027–2028") != tt.shown || strings.Contains(got, "Väntar på fullmäktiges beslut") {
				t.Errorf("got the revision shown %v; want %v (and nothing waiting)", !tt.shown, tt.shown)
			}
			if tt.shown && strings.Contains(got, "Revideras senast 2028-03-10 – <strong>") != tt.late {
				t.Errorf("got late %v; want %v", !tt.late, tt.late)
			}
		})
	}
}
