package handlers

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// The demo's money: this year's fund with its sources, one village eligible
// and one blocked with the reason, applications in several states, and a
// ledger whose recount equals its figures.
func TestDemoFundShowsEligibleAndBlockedVillages(t *testing.T) {
	ta := newTestApp(t)
	ta.now = time.Date(2026, 5, 15, 9, 0, 0, 0, time.UTC)
	if _, err := storage.SeedDemo(context.Background(), ta.db, survey.NewDemo(ta.now, 1), "ett-långt-lösenord", ta.now); err != nil {
		t.Fatal(err)
	}
	got := basicGrants(t, ta, 2026)
	statuses := map[string]int{}
	for _, b := range got {
		statuses[b.Status]++
	}
	if statuses[survey.BasicEligible] == 0 || statuses[survey.BasicBlocked] == 0 {
		t.Errorf("demo basic grants: got %+v; want at least one eligible and one blocked village", got)
	}
	if h := got["hogsjo"]; h.Status != survey.BasicBlocked || !slices.Contains(h.Reasons, survey.ReasonUnreported) {
		t.Errorf("hogsjo: got %+v; want blocked because last year's investment is not reported", h)
	}
	seen := map[string]bool{}
	for _, a := range decode[[]appJSON](t, ta.mustDo("GET", "/api/v1/funds/2026/applications", ta.user(survey.RoleForum), nil, 200)) {
		seen[a.Status] = true
	}
	for _, want := range []string{survey.AppDraft, survey.AppSubmitted, survey.AppPaid, survey.AppRejected} {
		if !seen[want] {
			t.Errorf("demo applications: no %s one in %v", want, seen)
		}
	}
	for _, year := range []int{2025, 2026} {
		checkRecount(t, ta, year)
	}
}
