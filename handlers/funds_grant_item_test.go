package handlers

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/forankra/forankra/survey"
)

// The grant form offers the agenda items that put the application on a
// meeting's agenda as a select; free text is refused beside the field
// (422), and a granted application names its meeting and item with a link.
func TestGrantFormOffersTheApplicationsAgendaItems(t *testing.T) {
	ta := plansApp(t)
	official := ta.user(survey.RoleOfficial)
	rep := ta.user(survey.RoleRepresentative, "aby")
	ta.mustDo("POST", "/api/v1/funds", official, fundBody(2026, 20000), 201)
	a := submittedApplication(t, ta, rep, 2026, 5000)
	other := submittedApplication(t, ta, rep, 2026, 4000)
	m := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/meetings", official, meetingBody("aby"), 201))
	agenda := func(title, app string) string {
		return decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/meetings/"+m.ID+"/agenda", official,
			map[string]any{"title": title, "link": map[string]any{"kind": "application", "id": app}}, 201)).ID
	}
	item, ofOther := agenda("Belysningen", a.ID), agenda("Den andra", other.ID)
	forum := ta.account(survey.RoleForum)
	page := "/fonder/2026/ansokningar/" + a.ID
	code, b, _ := ta.page("GET", page, forum, nil)
	checkPage(t, code, b, []string{`<select id="meeting_item" name="meeting_item">`, `<option value="` + item + `">Vårforum 2026 2026-04-15: Belysningen</option>`}, []string{`value="` + ofOther + `"`})

	code, b, _ = ta.page("POST", page+"/bevilja", forum, url.Values{"amount_sek": {"5000"}, "meeting_item": {"Forum i april, punkt 4"}})
	if code != http.StatusUnprocessableEntity {
		t.Errorf("free text: got %d; want 422", code)
	}
	checkPage(t, http.StatusOK, b, []string{"Punkten finns inte på något mötes dagordning med den här ansökan", `aria-invalid="true"`}, nil)
	if code, _, _ := ta.page("POST", page+"/bevilja", forum, url.Values{"amount_sek": {"5000"}, "meeting_item": {item}}); code != http.StatusSeeOther {
		t.Fatalf("the application's item: got %d; want 303", code)
	}
	code, b, _ = ta.page("GET", page, forum, nil)
	checkPage(t, code, b, []string{`<a href="/moten/` + m.ID + `#punkt-` + item + `">Vårforum 2026 2026-04-15: Belysningen</a>`}, []string{`<select id="meeting_item"`})
}
