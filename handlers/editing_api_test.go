package handlers

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/forankra/forankra/survey"
)

// TestEditingAPIAnswersLikeItsPages walks every editing route of the API: a
// change that lands, a bad field named in a 422, and the wrong state in a 409.
func TestEditingAPIAnswersLikeItsPages(t *testing.T) {
	ta := newTestApp(t)
	admin, decided := ta.remissSetup()
	if code, b := ta.do("POST", "/api/v1/proposals/"+decided+"/decision", admin, map[string]any{"outcome": "approved", "text": "Bifall", "date": "2026-03-01"}); code != 200 {
		t.Fatalf("decide: got %d %s", code, b)
	}
	newProposal := func() string {
		code, b := ta.do("POST", "/api/v1/proposals", admin, map[string]any{"title": "Lekplats", "body": "En lekplats i Åby.", "received": "2026-02-01"})
		if code != http.StatusCreated {
			t.Fatalf("register: got %d %s", code, b)
		}
		return decode[map[string]any](t, b)["id"].(string)
	}
	sent := newProposal()
	if code, b := ta.do("POST", "/api/v1/proposals/"+sent+"/remiss", admin, map[string]any{"villages": []string{"aby"}, "deadline": "2026-03-31"}); code != http.StatusCreated {
		t.Fatalf("remiss: got %d %s", code, b)
	}
	draft := func() string {
		code, b := ta.do("POST", "/api/v1/surveys", admin, map[string]any{"title": "Utkast", "villages": []string{"aby"},
			"questions": []map[string]any{{"key": "q1", "type": "single", "prompt": "Viktigast?", "options": []string{"Skola", "Väg"}}}})
		if code != http.StatusCreated {
			t.Fatalf("create: got %d %s", code, b)
		}
		return decode[map[string]any](t, b)["id"].(string)
	}
	opened := func() string {
		id := draft()
		if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/open", admin, nil); code != 200 {
			t.Fatalf("open: got %d %s", code, b)
		}
		return id
	}
	open, closed := opened(), opened()
	if code, b := ta.do("POST", "/api/v1/surveys/"+closed+"/close", admin, nil); code != 200 {
		t.Fatalf("close: got %d %s", code, b)
	}

	tests := []struct {
		name, method, path string
		body               any
		want               int
		field              string // the field a 422 names
		check              func(t *testing.T, got map[string]any)
	}{
		{"a draft's title changes", "PATCH", "/api/v1/surveys/" + draft(), map[string]any{"title": "Ny titel"}, 200, "",
			func(t *testing.T, got map[string]any) {
				if got["title"] != "Ny titel" || got["villages"].([]any)[0] != "aby" {
					t.Errorf("got %v; want the new title and the old villages", got)
				}
			}},
		{"an empty title is refused", "PATCH", "/api/v1/surveys/" + draft(), map[string]any{"title": ""}, 422, "title", nil},
		{"an unknown access is refused", "PATCH", "/api/v1/surveys/" + draft(), map[string]any{"access": "alla"}, 422, "access", nil},
		{"an open survey's details are a conflict", "PATCH", "/api/v1/surveys/" + open, map[string]any{"title": "Sent"}, 409, "", nil},
		{"a draft's question changes in place", "PUT", "/api/v1/surveys/" + draft() + "/questions/q1",
			map[string]any{"type": "single", "prompt": "Vad är viktigast?", "options": []string{"Skola", "Väg", "Buss"}}, 200, "",
			func(t *testing.T, got map[string]any) {
				q := got["questions"].([]any)[0].(map[string]any)
				if q["key"] != "q1" || q["prompt"] != "Vad är viktigast?" || len(q["options"].([]any)) != 3 {
					t.Errorf("got %v; want q1 with the new prompt and 3 options", q)
				}
			}},
		{"a question without options is refused", "PUT", "/api/v1/surveys/" + draft() + "/questions/q1", map[string]any{"type": "single", "prompt": "P"}, 422, "options", nil},
		{"an unknown question is not found", "PUT", "/api/v1/surveys/" + draft() + "/questions/q9", map[string]any{"type": "likert", "prompt": "P"}, 404, "", nil},
		{"an open survey's question is a conflict", "PUT", "/api/v1/surveys/" + open + "/questions/q1", map[string]any{"type": "likert", "prompt": "P"}, 409, "", nil},
		{"a draft is scheduled in Stockholm time", "PUT", "/api/v1/surveys/" + draft() + "/schedule", map[string]any{"opens_at": "2026-04-01T08:00", "closes_at": "2026-04-30T20:00"}, 200, "",
			func(t *testing.T, got map[string]any) {
				if got["opens_at"] != "2026-04-01T06:00:00Z" || got["closes_at"] != "2026-04-30T18:00:00Z" {
					t.Errorf("got opens_at %v, closes_at %v; want 06:00 and 18:00 UTC (CEST)", got["opens_at"], got["closes_at"])
				}
			}},
		{"a closing time in the past is refused", "PUT", "/api/v1/surveys/" + draft() + "/schedule", map[string]any{"closes_at": "2026-03-01T08:00"}, 422, "closes_at", nil},
		{"a time that is no time is refused", "PUT", "/api/v1/surveys/" + draft() + "/schedule", map[string]any{"opens_at": "i morgon"}, 422, "opens_at", nil},
		{"an open survey gets no opening time", "PUT", "/api/v1/surveys/" + open + "/schedule", map[string]any{"opens_at": "2026-04-01T08:00"}, 422, "opens_at", nil},
		{"a closed survey gets no schedule", "PUT", "/api/v1/surveys/" + closed + "/schedule", map[string]any{"closes_at": "2026-04-01T08:00"}, 409, "", nil},
		{"a closed survey is copied to a draft", "POST", "/api/v1/surveys/" + closed + "/copy", nil, 201, "",
			func(t *testing.T, got map[string]any) {
				if got["status"] != survey.Draft || !strings.HasPrefix(got["title"].(string), "Kopia av ") || got["id"] == closed {
					t.Errorf("got %v; want a new draft titled Kopia av …", got)
				}
			}},
		{"a village's population changes, its name stays", "PATCH", "/api/v1/villages/aby", map[string]any{"population": 312}, 200, "",
			func(t *testing.T, got map[string]any) {
				if got["population"] != 312.0 || got["name"] != "Åby" || got["slug"] != "aby" {
					t.Errorf("got %v; want Åby (aby) with 312", got)
				}
			}},
		{"a negative population is refused", "PATCH", "/api/v1/villages/aby", map[string]any{"population": -1}, 422, "population", nil},
		{"an unknown village is not found", "PATCH", "/api/v1/villages/ingenby", map[string]any{"population": 1}, 404, "", nil},
		{"a proposal not yet sent is corrected", "PATCH", "/api/v1/proposals/" + newProposal(), map[string]any{"title": "Lekplats vid skolan"}, 200, "",
			func(t *testing.T, got map[string]any) {
				if got["title"] != "Lekplats vid skolan" || got["body"] != "En lekplats i Åby." {
					t.Errorf("got %v; want the new title and the old body", got)
				}
			}},
		{"an empty body is refused", "PATCH", "/api/v1/proposals/" + newProposal(), map[string]any{"body": ""}, 422, "body", nil},
		{"a proposal sent on remiss is a conflict", "PATCH", "/api/v1/proposals/" + sent, map[string]any{"title": "Sent"}, 409, "", nil},
		{"a decision is corrected", "PUT", "/api/v1/proposals/" + decided + "/decision", map[string]any{"outcome": "partly_approved", "text": "Delvis", "date": "2026-03-02"}, 200, "",
			func(t *testing.T, got map[string]any) {
				if d := got["decision"].(map[string]any); d["outcome"] != "partly_approved" || d["text"] != "Delvis" {
					t.Errorf("got decision %v; want partly_approved, Delvis", d)
				}
			}},
		{"an unknown outcome is refused", "PUT", "/api/v1/proposals/" + decided + "/decision", map[string]any{"outcome": "kanske"}, 422, "outcome", nil},
		{"a proposal without a decision is a conflict", "PUT", "/api/v1/proposals/" + newProposal() + "/decision", map[string]any{"outcome": "approved"}, 409, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, b := ta.do(tc.method, tc.path, admin, tc.body)
			if code != tc.want {
				t.Fatalf("%s %s: got %d %s; want %d", tc.method, tc.path, code, b, tc.want)
			}
			if tc.field != "" {
				if e := decode[apiError](t, b); len(e.Errors) == 0 || e.Errors[0].Field != tc.field {
					t.Errorf("got %s; want the error to name %s", b, tc.field)
				}
			}
			if tc.check != nil {
				var got map[string]any
				if err := json.Unmarshal(b, &got); err != nil {
					t.Fatal(err)
				}
				tc.check(t, got)
			}
		})
	}
	t.Run("the audit log keeps the replaced decision", func(t *testing.T) {
		_, b := ta.do("GET", "/api/v1/audit", admin, nil)
		if !strings.Contains(string(b), "före: approved den 2026-03-01: Bifall; nu: partly_approved den 2026-03-02: Delvis") {
			t.Errorf("got no entry with the old decision in %.400s", b)
		}
	})
}
