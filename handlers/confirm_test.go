package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/forankra/forankra/survey"
)

func TestIrreversibleActionsAskOnAPageFirst(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	_, proposal := ta.remissSetup()
	code, b := ta.do("POST", "/api/v1/surveys", adm.token, map[string]any{"title": "Öppen", "villages": []string{"aby"},
		"questions": []map[string]any{{"key": "q1", "type": "likert", "prompt": "Bra?"}}})
	if code != http.StatusCreated {
		t.Fatalf("survey: got %d %s", code, b)
	}
	open := decode[map[string]any](t, b)["id"].(string)
	if code, b := ta.do("POST", "/api/v1/surveys/"+open+"/open", adm.token, nil); code != http.StatusOK {
		t.Fatalf("open: got %d %s", code, b)
	}
	code, b = ta.do("POST", "/api/v1/surveys", adm.token, map[string]any{"title": "Utkast", "villages": []string{"aby"},
		"questions": []map[string]any{{"key": "q1", "type": "likert", "prompt": "Bra buss?"}, {"key": "q2", "type": "likert", "prompt": "Bra väg?"}}})
	if code != http.StatusCreated {
		t.Fatalf("draft: got %d %s", code, b)
	}
	draft := decode[map[string]any](t, b)["id"].(string)
	code, b = ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", adm.token, map[string]any{"villages": []string{"aby"}, "deadline": "2026-03-31"})
	if code != http.StatusCreated {
		t.Fatalf("remiss: got %d %s", code, b)
	}
	remiss := decode[map[string]any](t, b)["id"].(string)

	cases := []struct {
		name, path, subject string
		// done reads whether the action happened.
		done func() bool
	}{
		{"closing a survey", "/enkater/" + open + "/stang", "Öppen", func() bool {
			_, b := ta.do("GET", "/api/v1/surveys/"+open, adm.token, nil)
			return decode[survey.Survey](t, b).Status == survey.Closed
		}},
		{"removing a question", "/enkater/" + draft + "/fragor/q2/ta-bort", "Bra väg?", func() bool {
			_, b := ta.do("GET", "/api/v1/surveys/"+draft, adm.token, nil)
			return len(decode[survey.Survey](t, b).Questions) == 1
		}},
		{"erasing the submitter's name", "/forslag/" + proposal + "/radera-namn", "Brygga vid badplatsen", func() bool {
			_, b := ta.do("GET", "/api/v1/proposals/"+proposal, adm.token, nil)
			return !strings.Contains(string(b), "Anna Andersson")
		}},
		{"closing a remiss round", "/remisser/" + remiss + "/stang", "Brygga vid badplatsen", func() bool {
			_, b := ta.do("GET", "/api/v1/remisses/"+remiss, adm.token, nil)
			return decode[map[string]any](t, b)["status"] == survey.RemissClosed
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name+" shows a confirmation page with a form that posts confirm", func(t *testing.T) {
			code, page, _ := ta.page("GET", tc.path, adm, nil)
			p := string(page)
			if code != 200 || !strings.Contains(p, `action="`+tc.path+`"`) || !strings.Contains(p, `name="confirm" value="yes"`) || !strings.Contains(p, tc.subject) {
				t.Errorf("got %d; want 200 with a form to %s carrying confirm and naming %q", code, tc.path, tc.subject)
			}
		})
		t.Run(tc.name+" does not happen on a POST without confirm", func(t *testing.T) {
			code, page, _ := ta.page("POST", tc.path, adm, url.Values{})
			if code != 200 || !strings.Contains(string(page), `name="confirm" value="yes"`) {
				t.Errorf("got %d; want 200 with the confirmation form", code)
			}
			if tc.done() {
				t.Error("got the action done; want nothing changed")
			}
		})
		t.Run(tc.name+" happens once confirmed", func(t *testing.T) {
			if code, _, _ := ta.page("POST", tc.path, adm, url.Values{"confirm": {"yes"}}); code != http.StatusSeeOther {
				t.Errorf("got %d; want 303", code)
			}
			if !tc.done() {
				t.Error("got nothing done; want the action done")
			}
		})
	}
}
