package handlers

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// FuzzEditingAPI sends arbitrary bodies to every decoder of the editing
// API — details, a question, the schedule, a village, a proposal, a
// decision — as an administrator: the answer is never a server error.
func FuzzEditingAPI(f *testing.F) {
	f.Add(uint8(0), []byte(`{"title":"Ny","villages":["aby"],"access":"code"}`))
	f.Add(uint8(1), []byte(`{"type":"single","prompt":"P","options":["a","b"],"min":1e308}`))
	f.Add(uint8(2), []byte(`{"opens_at":"2026-05-01T08:00","closes_at":"2026-05-02T08:00+02:00"}`))
	f.Add(uint8(2), []byte(`{"opens_at":null,"closes_at":"2026-13-45T25:61"}`))
	f.Add(uint8(3), []byte(`{"population":-9223372036854775808,"name":"\u0000"}`))
	f.Add(uint8(4), []byte(`{"title":"x","received":"9999-99-99"}`))
	f.Add(uint8(5), []byte(`{"outcome":{"$ne":1},"date":[1]}`))
	app, _, db := fuzzAppDB(f)
	cx := context.Background()
	now := time.Now()
	u, hash, err := survey.NewUser{Email: "admin@example.se", Name: "Admin", Password: "ett-långt-lösenord", Role: survey.RoleAdmin}.User(now)
	if err != nil {
		f.Fatal(err)
	}
	if err := storage.NewUsers(db).Create(cx, &u, hash); err != nil {
		f.Fatal(err)
	}
	token, err := storage.NewTokens(db).Create(cx, u.ID, now, time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	sv := &survey.Survey{Status: survey.Draft, Created: now}
	if err := sv.Apply(survey.Definition{Title: "Utkast", Villages: []string{"aby"}, Questions: []survey.Question{{Key: "q1", Type: survey.Likert, Prompt: "Bra?"}}}); err != nil {
		f.Fatal(err)
	}
	if err := storage.NewSurveys(db).Create(cx, sv); err != nil {
		f.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/api/v1/proposals", strings.NewReader(`{"title":"Brygga","body":"Bygg."}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := app.Test(req, -1)
	if err != nil || resp.StatusCode != 201 {
		f.Fatalf("register a proposal: %v %v", resp.StatusCode, err)
	}
	var p struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		f.Fatal(err)
	}
	resp.Body.Close()
	routes := []struct{ method, path string }{
		{"PATCH", "/api/v1/surveys/" + sv.ID}, {"PUT", "/api/v1/surveys/" + sv.ID + "/questions/q1"}, {"PUT", "/api/v1/surveys/" + sv.ID + "/schedule"},
		{"PATCH", "/api/v1/villages/aby"}, {"PATCH", "/api/v1/proposals/" + p.ID}, {"PUT", "/api/v1/proposals/" + p.ID + "/decision"},
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		r := routes[int(route)%len(routes)]
		req := httptest.NewRequest(r.method, r.path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		if code := statusOf(t, app, req); code >= 500 {
			t.Fatalf("%s %s: got %d for %q; want < 500", r.method, r.path, code, body)
		}
	})
}
