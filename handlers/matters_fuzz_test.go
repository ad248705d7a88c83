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

// FuzzMatterAPI sends arbitrary bodies to every decoder of matters — a new
// matter and each step — as an official: the answer is never a server
// error. The committed seeds run in every test run; CI adds no fuzz time.
func FuzzMatterAPI(f *testing.F) {
	f.Add(uint8(0), []byte(`{"village":"aby","title":"Gatlyktor","description":"d","raised_on":"2026-01-01"}`))
	f.Add(uint8(0), []byte(`{"village":"aby","title":"t","source":{"kind":"action","id":"x"},"feedback_due":"2026-13-40"}`))
	f.Add(uint8(0), []byte(`{"village":"aby","title":"t","source":{"kind":"remiss"},"focus_area":{"$gt":""}}`))
	f.Add(uint8(0), []byte(`{"village":"aby","title":"t","source":null,"raised_on":"9999-12-31"}`))
	f.Add(uint8(1), []byte(`{"department":"teknik"}`))
	f.Add(uint8(2), []byte(`{"text":"Svar"}`))
	f.Add(uint8(3), []byte(`{}`))
	f.Add(uint8(4), []byte(`{"reason":["x"]}`))
	f.Add(uint8(1), []byte(`{"department":1e400}`))
	app, _, db := fuzzAppDB(f)
	cx := context.Background()
	now := time.Now()
	u, hash, err := survey.NewUser{Email: "off-matters@example.se", Name: "Off", Password: "ett-långt-lösenord", Role: survey.RoleOfficial}.User(now)
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
	m, err := survey.NewMatter{Village: "aby", Title: "Fuzz"}.Matter(survey.MatterChecks{}, now, u.ID)
	if err != nil {
		f.Fatal(err)
	}
	if err := storage.NewMatters(db).Create(cx, m); err != nil {
		f.Fatal(err)
	}
	routes := []string{"/api/v1/matters", "/api/v1/matters/" + m.ID + "/forward", "/api/v1/matters/" + m.ID + "/answer",
		"/api/v1/matters/" + m.ID + "/confirm", "/api/v1/matters/" + m.ID + "/reopen"}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		path := routes[int(route)%len(routes)]
		req := httptest.NewRequest("POST", path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		if code := statusOf(t, app, req); code >= 500 {
			t.Fatalf("POST %s: got %d for %q; want < 500", path, code, body)
		}
	})
}
