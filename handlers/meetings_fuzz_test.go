package handlers

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// FuzzMeetingAPI sends arbitrary bodies to every decoder of meetings — a
// new meeting, an agenda item, attendance, minutes, a decision (with the
// action or matter it becomes) — as an official: the answer is never a
// server error.
func FuzzMeetingAPI(f *testing.F) {
	f.Add(uint8(0), []byte(`{"kind":"forum","title":"F","starts":"2026-04-15T18:00","ends":"2026-04-15T21:00","villages":["aby"],"themes":["trygghet"]}`))
	f.Add(uint8(0), []byte(`{"kind":"theme","title":"F","starts":"2026-04-15T18:00:00+02:00","ends":"2026-04-15T17:00","guests":[""]}`))
	f.Add(uint8(1), []byte(`{"title":"Punkt","link":{"kind":"plan","id":"aby-2026"}}`))
	f.Add(uint8(1), []byte(`{"title":"Punkt","link":{"kind":"matter","id":"2026-001"}}`))
	f.Add(uint8(2), []byte(`{"present":["aby","nope"]}`))
	f.Add(uint8(3), []byte(`{"text":"Protokoll"}`))
	f.Add(uint8(4), []byte(`{"text":"B","becomes":"action","plan":"aby-2026","priority":"p","title":"t","owner":"group","responsible":"r","due":"2026-05"}`))
	f.Add(uint8(4), []byte(`{"text":"B","becomes":"matter","village":"aby","title":"t","focus_area":"x"}`))
	f.Add(uint8(4), []byte(`{"text":{"$gt":""},"becomes":"action","plan":"../x","cost_sek":1e400}`))
	app, _, db := fuzzAppDB(f)
	cx := context.Background()
	now := time.Now()
	plans := storage.NewPlans(db)
	if err := plans.EnsureFocusAreas(cx); err != nil {
		f.Fatal(err)
	}
	p := &survey.Plan{Village: "aby", Year: 2026, Version: 1, Status: survey.PlanDraft, Priorities: []survey.Priority{{ID: "p", FocusArea: "trygghet", Rank: 1, Horizon: survey.HorizonYear}}}
	if err := plans.CreatePlan(cx, p); err != nil {
		f.Fatal(err)
	}
	u, hash, err := survey.NewUser{Email: "official@example.se", Name: "Official", Password: "ett-långt-lösenord", Role: survey.RoleOfficial}.User(now)
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
	meetings := storage.NewMeetings(db)
	newMeeting := func(status string) (string, string) {
		m := &survey.Meeting{Kind: survey.MeetingForum, Title: "F", Starts: now.Add(time.Hour), Ends: now.Add(2 * time.Hour), Villages: []string{"aby"}, Status: status, Created: now}
		if err := meetings.CreateMeeting(cx, m); err != nil {
			f.Fatal(err)
		}
		it := &survey.AgendaItem{Title: "P", Added: now}
		if err := meetings.AddItem(cx, m.ID, it); err != nil {
			f.Fatal(err)
		}
		return m.ID, it.ID
	}
	planned, _ := newMeeting(survey.MeetingPlanned)
	invited, _ := newMeeting(survey.MeetingInvited)
	held, item := newMeeting(survey.MeetingHeld)
	routes := []struct{ method, path string }{
		{"POST", "/api/v1/meetings"}, {"POST", "/api/v1/meetings/" + planned + "/agenda"}, {"POST", "/api/v1/meetings/" + invited + "/held"},
		{"PUT", "/api/v1/meetings/" + held + "/items/" + item + "/minutes"}, {"POST", "/api/v1/meetings/" + held + "/items/" + item + "/decisions"},
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
