package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/forankra/forankra/survey"
)

// A representative raises a matter on the page (from the paper register),
// an official forwards and answers it there, the representative confirms
// it; the list shows the escalation in words and the public page the
// department's figures without names.
func TestMatterPagesWalkAMatter(t *testing.T) {
	ta, dep := mattersApp(t)
	rep := ta.account(survey.RoleRepresentative, "aby")
	off := ta.account(survey.RoleOfficial)
	code, page, _ := ta.page("GET", "/arenden/ny", rep, nil)
	checkPage(t, code, page, []string{`name="raised_on"`, `name="_csrf"`, "Åby"}, []string{"Bby"})
	code, page, _ = ta.page("POST", "/arenden/ny", rep, url.Values{"village": {"aby"}, "title": {"Vägen"}, "raised_on": {"2026-04-01"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(page), "Datumet får inte ligga i framtiden") || !strings.Contains(string(page), `value="Vägen"`) {
		t.Fatalf("a future date: got %d, want 422 with the message and the title kept", code)
	}
	code, _, h := ta.page("POST", "/arenden/ny", rep, url.Values{"village": {"aby"}, "title": {"Vägen"}, "raised_on": {"2026-01-05"}})
	if code != http.StatusSeeOther || h.Get("Location") != "/arenden/2026-001" {
		t.Fatalf("raise: got %d to %q; want 303 to /arenden/2026-001", code, h.Get("Location"))
	}
	code, page, _ = ta.page("GET", "/arenden", off, nil)
	checkPage(t, code, page, []string{"2026-001", "Vägen", "Nivå 2: till förvaltningschefen och forumet"}, nil)
	code, page, _ = ta.page("GET", "/arenden/2026-001", off, nil)
	checkPage(t, code, page, []string{"/arenden/2026-001/vidare", "Registrerat"}, []string{"/arenden/2026-001/bekrafta"})
	for _, step := range []struct {
		path string
		who  account
		form url.Values
	}{
		{"/arenden/2026-001/vidare", off, url.Values{"department": {dep}}},
		{"/arenden/2026-001/svar", off, url.Values{"text": {"Vägen hyvlas i maj."}}},
		{"/arenden/2026-001/bekrafta", rep, url.Values{}},
	} {
		if code, _, _ := ta.page("POST", step.path, step.who, step.form); code != http.StatusSeeOther {
			t.Fatalf("%s: got %d; want 303", step.path, code)
		}
	}
	code, page, _ = ta.page("POST", "/arenden/2026-001/svar", off, url.Values{"text": {"igen"}})
	if code != http.StatusConflict || !strings.Contains(string(page), "Ärendet är inte i det läget längre") {
		t.Errorf("answering a confirmed matter: got %d; want 409 with the reason", code)
	}
	code, page, _ = ta.page("GET", "/arenden/2026-001", rep, nil)
	checkPage(t, code, page, []string{"Vägen hyvlas i maj.", "Bekräftat av gruppen", off.user.Name}, []string{"/arenden/2026-001/svar"})
	code, page, _ = ta.page("GET", "/forvaltningar", account{}, nil)
	checkPage(t, code, page, []string{"Teknik", "Ärenden per förvaltning"}, []string{off.user.Name, "teknik@example.se"})
	code, page, _ = ta.page("GET", "/arenden?status=confirmed&lang=en", off, nil)
	checkPage(t, code, page, []string{"2026-001"}, nil)
}

func TestDepartmentStatsArePublicAndNameNoOne(t *testing.T) {
	ta, dep := mattersApp(t)
	off := ta.account(survey.RoleOfficial)
	m := decode[matterJSON](t, ta.mustDo("POST", "/api/v1/matters", off.token, map[string]any{"village": "aby", "title": "T", "raised_on": "2026-03-01"}, http.StatusCreated))
	ta.mustDo("POST", "/api/v1/matters/"+m.ID+"/forward", off.token, map[string]any{"department": dep}, http.StatusOK)
	ta.mustDo("POST", "/api/v1/matters/"+m.ID+"/answer", off.token, map[string]any{"text": "Klart"}, http.StatusOK)
	b := ta.mustDo("GET", "/api/v1/departments/stats", "", nil, http.StatusOK)
	got := decode[struct {
		Departments []survey.DepartmentFigures `json:"departments"`
	}](t, b)
	if len(got.Departments) != 1 || got.Departments[0].Matters != 1 || got.Departments[0].OnTime != 1 || *got.Departments[0].MedianDays != 9 {
		t.Errorf("got %s; want Teknik with 1 matter answered on time in 9 days", b)
	}
	for _, secret := range []string{off.user.Name, off.user.Email, off.user.ID, "teknik@example.se", "chef@example.se"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("got %s; want no %q in public figures", b, secret)
		}
	}
}

func TestTodoListsMattersByRole(t *testing.T) {
	ta, dep := mattersApp(t)
	off := ta.account(survey.RoleOfficial)
	rep := ta.account(survey.RoleRepresentative, "aby")
	late := decode[matterJSON](t, ta.mustDo("POST", "/api/v1/matters", off.token, map[string]any{"village": "aby", "title": "Gammalt ärende", "raised_on": "2026-01-02", "department": dep}, http.StatusCreated))
	done := decode[matterJSON](t, ta.mustDo("POST", "/api/v1/matters", off.token, map[string]any{"village": "aby", "title": "Besvarat ärende"}, http.StatusCreated))
	ta.mustDo("POST", "/api/v1/matters/"+done.ID+"/forward", off.token, map[string]any{"department": dep}, http.StatusOK)
	ta.mustDo("POST", "/api/v1/matters/"+done.ID+"/answer", off.token, map[string]any{"text": "Klart"}, http.StatusOK)
	code, page, _ := ta.page("GET", "/att-gora", off, nil)
	checkPage(t, code, page, []string{"/arenden/" + late.ID, "Nivå 2: till förvaltningschefen och forumet", "Teknik: 1"}, []string{"/arenden/" + done.ID})
	code, page, _ = ta.page("GET", "/att-gora", rep, nil)
	checkPage(t, code, page, []string{"Besvarade ärenden att bekräfta", "/arenden/" + done.ID}, []string{"/arenden/" + late.ID})
}

func TestAdminMarksAContactPersonOnTheUserPage(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	off := ta.account(survey.RoleOfficial)
	code, page, _ := ta.page("GET", "/admin/anvandare/"+off.user.ID, adm, nil)
	checkPage(t, code, page, []string{`name="contact_person"`}, nil)
	form := url.Values{"role": {"official"}, "active": {"on"}, "contact_person": {"on"}}
	if code, _, _ := ta.page("POST", "/admin/anvandare/"+off.user.ID, adm, form); code != http.StatusSeeOther {
		t.Fatalf("mark: got %d; want 303", code)
	}
	users := decode[[]survey.User](t, ta.mustDo("GET", "/api/v1/users", adm.token, nil, http.StatusOK))
	for _, u := range users {
		if got := u.ContactPerson; got != (u.ID == off.user.ID) {
			t.Errorf("%s: got contact_person %v; want %v", u.Email, got, u.ID == off.user.ID)
		}
	}
	ta.mustDo("PATCH", "/api/v1/users/"+adm.user.ID, adm.token, map[string]any{"role": "admin", "contact_person": true}, http.StatusOK)
	rep := ta.account(survey.RoleRepresentative, "aby")
	ta.mustDo("PATCH", "/api/v1/users/"+rep.user.ID, adm.token, map[string]any{"contact_person": true}, http.StatusUnprocessableEntity)
}
