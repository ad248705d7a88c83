package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/survey"
)

// A meeting walked through its life on the pages: planned on /moten/ny,
// an item added, invited, held, minutes and a decision that becomes an
// action, approved; /moten keeps upcoming and past apart.
func TestMeetingPagesThroughItsLife(t *testing.T) {
	ta := plansApp(t)
	official := ta.account(survey.RoleOfficial)
	rep := ta.account(survey.RoleRepresentative, "aby")
	other := ta.account(survey.RoleRepresentative, "cby")
	planID, prio := meetingPlan(t, ta, rep.token)

	code, page, _ := ta.page("POST", "/moten/ny", official, url.Values{"kind": {"forum"}, "title": {"Vårforum"}, "starts": {"2026-04-15T18:00"},
		"ends": {"2026-04-15T17:00"}, "villages": {"aby", "bby"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(page), "Mötet måste sluta efter att det har börjat") || !strings.Contains(string(page), `value="Vårforum"`) {
		t.Fatalf("an end before the start: got %d; want 422 with the message and the form kept", code)
	}
	code, _, h := ta.page("POST", "/moten/ny", official, url.Values{"kind": {"forum"}, "title": {"Vårforum"}, "starts": {"2026-04-15T18:00"},
		"ends": {"2026-04-15T21:00"}, "place": {"Bygdegården"}, "villages": {"aby", "bby"}, "guests": {"Regionen\nLänsstyrelsen"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/moten/") {
		t.Fatalf("plan a meeting: got %d %q; want 303 to the meeting", code, h.Get("Location"))
	}
	path := h.Get("Location")
	id := strings.TrimPrefix(path, "/moten/")

	code, page, _ = ta.page("GET", path, official, nil)
	checkPage(t, code, page, []string{"Vårforum", "2026-04-15 18:00–21:00", "Bygdegården", "Regionen", "Skicka kallelsen", "Ny punkt"}, []string{"Justera protokollet"})
	code, _, _ = ta.page("POST", path+"/punkter", official, url.Values{"title": {"Bredbandet"}, "link_kind": {"plan"}, "link_id": {planID}})
	if code != http.StatusSeeOther {
		t.Fatalf("add an item: got %d; want 303", code)
	}
	code, page, _ = ta.page("POST", path+"/punkter", official, url.Values{"title": {"Fel"}, "link_kind": {"plan"}, "link_id": {"nope"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(page), "Det som punkten länkar till finns inte") {
		t.Errorf("a link to nothing: got %d; want 422 with the message", code)
	}
	code, page, _ = ta.page("GET", path, rep, nil)
	checkPage(t, code, page, []string{"Bredbandet", "Lokal utvecklingsplan 2026"}, []string{"Skicka kallelsen", "Ny punkt"})
	if code, _, _ := ta.page("GET", path, other, nil); code != http.StatusForbidden {
		t.Errorf("another village's representative: got %d; want 403", code)
	}
	code, page, _ = ta.page("GET", "/att-gora", rep, nil)
	checkPage(t, code, page, []string{"Kommande möten", "Vårforum"}, nil)
	code, page, _ = ta.page("GET", "/att-gora", other, nil)
	checkPage(t, code, page, []string{"Inga kommande möten."}, []string{"Vårforum"})
	if code, _, _ := ta.page("POST", path+"/kalla", rep, url.Values{}); code != http.StatusForbidden {
		t.Errorf("a representative invites: got %d; want 403", code)
	}

	for _, step := range []struct {
		path string
		form url.Values
	}{
		{"/kalla", url.Values{}},
		{"/hallet", url.Values{"present": {"aby"}}},
	} {
		if code, page, _ := ta.page("POST", path+step.path, official, step.form); code != http.StatusSeeOther {
			t.Fatalf("%s: got %d %s; want 303", step.path, code, page)
		}
	}
	if code, _, _ := ta.page("POST", path+"/kalla", official, url.Values{}); code != http.StatusConflict {
		t.Errorf("invite a held meeting: got %d; want 409", code)
	}
	v := decode[meetingJSON](t, ta.mustDo("GET", "/api/v1/meetings/"+id, official.token, nil, 200))
	item := v.Agenda[0].ID
	if code, _, _ := ta.page("POST", path+"/punkter/"+item+"/protokoll", official, url.Values{"text": {"Operatören svarar i maj."}}); code != http.StatusSeeOther {
		t.Fatalf("minutes: got %d; want 303", code)
	}
	code, page, _ = ta.page("POST", path+"/punkter/"+item+"/beslut", official, url.Values{"text": {"Bjud in operatören"}, "becomes": {"action"},
		"target": {planID + "|" + prio}, "title": {""}, "owner": {"municipality"}, "responsible": {"Näringslivskontoret"}, "due": {"2026-06"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(page), "Måste fyllas i") {
		t.Errorf("an action without a title: got %d; want 422 with the message", code)
	}
	code, _, _ = ta.page("POST", path+"/punkter/"+item+"/beslut", official, url.Values{"text": {"Bjud in operatören"}, "becomes": {"action"},
		"target": {planID + "|" + prio}, "title": {"Möte med operatören"}, "owner": {"municipality"}, "responsible": {"Näringslivskontoret"}, "due": {"2026-06"}})
	if code != http.StatusSeeOther {
		t.Fatalf("a decision that becomes an action: got %d; want 303", code)
	}
	code, page, _ = ta.page("GET", path, official, nil)
	checkPage(t, code, page, []string{"Operatören svarar i maj.", "Bjud in operatören", "blev åtgärd", "Justera protokollet", "Plan och prioritering"}, nil)
	if code, _, _ := ta.page("POST", path+"/justera", official, url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("approve: got %d; want 303", code)
	}
	code, page, _ = ta.page("GET", path, official, nil)
	checkPage(t, code, page, []string{"protokollet justerat"}, []string{"Skriv protokoll", "Justera protokollet"})

	// /moten: upcoming and past apart; after the end it moves to past.
	code, page, _ = ta.page("GET", "/moten", rep, nil)
	checkPage(t, code, page, []string{"Kommande möten", "Vårforum", "Inga tidigare möten."}, []string{"Planera ett möte"})
	ta.now = time.Date(2026, 4, 15, 19, 30, 0, 0, time.UTC) // 21:30 in Stockholm: ended
	fresh := ta.account(survey.RoleOfficial)
	code, page, _ = ta.page("GET", "/moten", fresh, nil)
	checkPage(t, code, page, []string{"Inga kommande möten.", "Vårforum", "Planera ett möte"}, nil)
	if i, j := strings.Index(string(page), "Tidigare möten"), strings.Index(string(page), "Vårforum"); i < 0 || j < i {
		t.Errorf("the ended meeting is not under past meetings")
	}
}
