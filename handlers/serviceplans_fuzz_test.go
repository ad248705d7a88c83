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

// FuzzServicePlanAPI sends arbitrary bodies to every decoder of the service
// plan — an item's edit (the main one), a new plan, adoption, sending, the
// decision, a revision — as an official: the answer is never a server error,
// and an edit the API accepted is stored as it answered.
func FuzzServicePlanAPI(f *testing.F) {
	f.Add(uint8(0), []byte(`{"goal":"Säkra vägar","department":"","actions":[]}`))
	f.Add(uint8(0), []byte(`{"goal":null,"actions":null}`))
	f.Add(uint8(0), []byte(`{"actions":["a","a","b"],"department":{"$ne":1}}`))
	f.Add(uint8(0), []byte(`{"goal":"\u202e","actions":[1]}`))
	f.Add(uint8(1), []byte(`{"period":"2027–2028"}`)) // the fixture's own: 409
	f.Add(uint8(1), []byte(`{"period":"2031 - 2032"}`))
	f.Add(uint8(2), []byte(`{"meeting_item":"m/3"}`))
	f.Add(uint8(3), []byte(`{"date":"2026-01-01","diary_number":"KS 1"}`))
	f.Add(uint8(4), []byte(`{"date":"2026-13-01","paragraph":"§ 1"}`))
	f.Add(uint8(5), []byte(`{"period":"9999-1"}`))
	app, _, db := fuzzAppDB(f)
	cx := context.Background()
	now := time.Now()
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
	store := storage.NewServicePlans(db)
	p := &survey.ServicePlan{Period: "2027–2028", Status: survey.ServiceDraft, Created: now,
		Items: []survey.ServiceItem{{ID: "trygghet", FocusArea: "trygghet", Villages: []string{"aby"}, Actions: []string{}, Sources: []survey.ServiceSource{}}}}
	if err := store.Create(cx, p); err != nil {
		f.Fatal(err)
	}
	// An agenda item that puts the plan on a meeting's agenda: what an
	// adoption names.
	meetings := storage.NewMeetings(db)
	m := &survey.Meeting{Kind: survey.MeetingForum, Title: "Forum", Starts: now, Ends: now.Add(time.Hour), Themes: []string{}, Villages: []string{},
		Departments: []string{}, Guests: []string{}, Present: []string{}, Status: survey.MeetingPlanned, Created: now}
	if err := meetings.CreateMeeting(cx, m); err != nil {
		f.Fatal(err)
	}
	item := &survey.AgendaItem{Title: "Serviceplanen", Link: &survey.Link{Kind: survey.LinkServicePlan, ID: p.ID}, Decisions: []survey.MeetingDecision{}, Added: now}
	if err := meetings.AddItem(cx, m.ID, item); err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(2), []byte(`{"meeting_item":"`+item.ID+`"}`))
	f.Add(uint8(2), []byte(`{"meeting_item":"`+item.ID+`x"}`))
	base := "/api/v1/service-plans/" + p.ID
	routes := []struct{ method, path string }{
		{"PUT", base + "/items/trygghet"}, {"POST", "/api/v1/service-plans"}, {"POST", base + "/adopt"},
		{"POST", base + "/send"}, {"POST", base + "/decide"}, {"POST", base + "/revise"},
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		r := routes[int(route)%len(routes)]
		req := httptest.NewRequest(r.method, r.path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		code := statusOf(t, app, req)
		if code >= 500 {
			t.Fatalf("%s %s: got %d for %q; want < 500", r.method, r.path, code, body)
		}
		if r.method == "PUT" && code == 200 {
			stored, err := store.Version(cx, p.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			if it := stored.Items[0]; it.Actions == nil || len(it.Goal) > 4*5000 {
				t.Fatalf("accepted %q: stored %+v; want a list of actions and a goal within its limit", body, it)
			}
		}
	})
}
