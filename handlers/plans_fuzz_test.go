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

// FuzzPlanAPI sends arbitrary bodies to every decoder of plans — a save, an
// adoption, anchoring, a new action, an action's change — as the village's
// representative: the answer is never a server error.
func FuzzPlanAPI(f *testing.F) {
	f.Add(uint8(0), []byte(`{"version":1,"summary":"x","priorities":[{"focus_area":"trygghet","rank":1,"horizon":"year"}]}`))
	f.Add(uint8(1), []byte(`{"date":"2026-01-01","method":"meeting","participants":3}`))
	f.Add(uint8(2), []byte(`{"kind":"meeting","label":"Stormöte","date":"2026-01-01","participants":9}`))
	f.Add(uint8(3), []byte(`{"priority":"p","title":"t","owner":"group","responsible":"r","due":"2026-05","cost_sek":5}`))
	f.Add(uint8(4), []byte(`{"status":"done","done_on":"2026-01-01","done_by":"x"}`))
	f.Add(uint8(0), []byte(`{"version":{"$gt":0},"priorities":[{"rank":1e400}]}`))
	app, _, db := fuzzAppDB(f)
	cx := context.Background()
	plans := storage.NewPlans(db)
	if err := plans.EnsureFocusAreas(cx); err != nil {
		f.Fatal(err)
	}
	now := time.Now()
	u, hash, err := survey.NewUser{Email: "rep@example.se", Name: "Rep", Password: "ett-långt-lösenord", Role: survey.RoleRepresentative, Villages: []string{"aby"}}.User(now)
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
	p := &survey.Plan{Village: "aby", Year: 2026, Version: 1, Status: survey.PlanDraft, Priorities: []survey.Priority{{ID: "p", FocusArea: "trygghet", Rank: 1, Horizon: survey.HorizonYear}}}
	if err := plans.CreatePlan(cx, p); err != nil {
		f.Fatal(err)
	}
	a := &survey.PlanAction{Plan: p.ID, Village: "aby", Priority: "p", Title: "t", Owner: survey.OwnerGroup, Due: survey.Month{Year: 2026, Month: 5}, Status: survey.ActionPlanned}
	if err := plans.AddAction(cx, a); err != nil {
		f.Fatal(err)
	}
	routes := []struct{ method, path string }{
		{"PUT", "/api/v1/plans/aby-2026"}, {"POST", "/api/v1/plans/aby-2026/adopt"}, {"POST", "/api/v1/plans/aby-2026/anchoring"},
		{"POST", "/api/v1/plans/aby-2026/actions"}, {"PATCH", "/api/v1/actions/" + a.ID},
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
