package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/forankra/forankra/survey"
)

func TestAProposalIsEditedUntilItIsSentOnRemiss(t *testing.T) {
	ta := newTestApp(t)
	_, proposal := ta.remissSetup()
	off := ta.account(survey.RoleOfficial)
	path := "/forslag/" + proposal + "/andra"
	if code, page, _ := ta.page("GET", path, off, nil); code != 200 || !strings.Contains(string(page), `value="Brygga vid badplatsen"`) || !strings.Contains(string(page), `action="`+path+`"`) {
		t.Errorf("edit page: got %d; want 200 with the form filled in", code)
	}
	cases := []struct {
		name      string
		form      url.Values
		want      int
		wantTitle string
	}{
		{"an empty title is refused", url.Values{"title": {" "}, "body": {"Text"}, "received": {"2026-02-01"}}, 422, "Brygga vid badplatsen"},
		{"a received date in the future is refused", url.Values{"title": {"Brygga"}, "body": {"Text"}, "received": {"2027-01-01"}}, 422, "Brygga vid badplatsen"},
		{"title and text change", url.Values{"title": {"Brygga och badstege"}, "body": {"Bygg en brygga med stege."}, "received": {"2026-02-01"}}, 303, "Brygga och badstege"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, _ := ta.page("POST", path, off, tc.form); code != tc.want {
				t.Errorf("got %d; want %d", code, tc.want)
			}
			_, b := ta.do("GET", "/api/v1/proposals/"+proposal, off.token, nil)
			if got := decode[map[string]any](t, b)["title"]; got != tc.wantTitle {
				t.Errorf("got title %v; want %q", got, tc.wantTitle)
			}
		})
	}
	t.Run("once sent on remiss it cannot change", func(t *testing.T) {
		if code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", off.token, map[string]any{"villages": []string{"aby"}, "deadline": "2026-03-31"}); code != http.StatusCreated {
			t.Fatalf("remiss: got %d %s", code, b)
		}
		if code, _, _ := ta.page("POST", path, off, url.Values{"title": {"Sent ändrad"}, "body": {"X"}}); code != http.StatusConflict {
			t.Errorf("got %d; want 409", code)
		}
		if _, page, _ := ta.page("GET", "/forslag/"+proposal, off, nil); strings.Contains(string(page), path) {
			t.Error("got an edit link on a proposal on remiss; want none")
		}
	})
}

func TestADecisionIsCorrectedAndTheOldOneKeptInTheLog(t *testing.T) {
	ta := newTestApp(t)
	_, proposal := ta.remissSetup()
	off := ta.account(survey.RoleOfficial)
	path := "/forslag/" + proposal + "/beslut/andra"
	if code, _, _ := ta.page("POST", path, off, url.Values{"outcome": {"approved"}, "date": {"2026-03-09"}}); code != http.StatusConflict {
		t.Errorf("correcting before any decision: got %d; want 409", code)
	}
	if code, _, _ := ta.page("POST", "/forslag/"+proposal+"/beslut", off, url.Values{"outcome": {"rejected"}, "text": {"Avslag."}, "date": {"2026-03-09"}}); code != http.StatusSeeOther {
		t.Fatalf("decide: got %d; want 303", code)
	}
	if _, page, _ := ta.page("GET", "/forslag/"+proposal, off, nil); !strings.Contains(string(page), `action="`+path+`"`) || !strings.Contains(string(page), "Avslag.") {
		t.Error("got no correction form filled with the decision on a decided proposal")
	}
	cases := []struct {
		name        string
		form        url.Values
		want        int
		wantOutcome string
	}{
		{"a date before the proposal came in is refused", url.Values{"outcome": {"approved"}, "date": {"2025-01-01"}}, 422, "rejected"},
		{"an unknown outcome is refused", url.Values{"outcome": {"maybe"}, "date": {"2026-03-09"}}, 422, "rejected"},
		{"the outcome and text are corrected", url.Values{"outcome": {"partly_approved"}, "text": {"Bifall i del."}, "date": {"2026-03-09"}}, 303, "partly_approved"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, _ := ta.page("POST", path, off, tc.form); code != tc.want {
				t.Errorf("got %d; want %d", code, tc.want)
			}
			_, b := ta.do("GET", "/api/v1/proposals/"+proposal, off.token, nil)
			d, _ := decode[map[string]any](t, b)["decision"].(map[string]any)
			if d["outcome"] != tc.wantOutcome {
				t.Errorf("got outcome %v; want %s", d["outcome"], tc.wantOutcome)
			}
		})
	}
	_, page, _ := ta.page("GET", "/admin/logg", ta.account(survey.RoleAdmin), nil)
	if p := string(page); !strings.Contains(p, "beslut rättat") || !strings.Contains(p, "före: rejected den 2026-03-09: Avslag.") {
		t.Error("got a log without the correction and the old decision")
	}
}

func TestTheProposalListSearchesAndPages(t *testing.T) {
	ta := newTestApp(t)
	off := ta.account(survey.RoleOfficial)
	for i := 1; i <= 27; i++ {
		title, body := fmt.Sprintf("Förslag %02d", i), "Text."
		if i == 9 {
			title, body = "Gatubelysning", "Lampor längs byvägen."
		}
		if code, b := ta.do("POST", "/api/v1/proposals", off.token, map[string]any{"title": title, "body": body}); code != http.StatusCreated {
			t.Fatalf("register: got %d %s", code, b)
		}
	}
	cases := []struct {
		name, query   string
		want, notWant []string
	}{
		{"the first page shows 25 of 27", "", []string{"Sida 1 av 2", "sida=2"}, nil},
		{"a word of the text is found", "?q=BYV%C3%84GEN", []string{"Gatubelysning", "1 förslag"}, []string{"Förslag 01"}},
		{"a search that finds nothing says so", "?q=finnsinte", []string{"Inga förslag matchar sökningen."}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := ta.page("GET", "/forslag"+tc.query, off, nil)
			checkPage(t, code, page, tc.want, tc.notWant)
			if n := strings.Count(string(page), `<td><a href="/forslag/`); n > pageSize {
				t.Errorf("got %d rows; want at most %d", n, pageSize)
			}
		})
	}
}
