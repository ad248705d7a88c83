package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
)

var planNow = time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC)

func TestFocusAreasAreSeededOnlyAtTheFirstStart(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	plans := storage.NewPlans(db)
	if err := plans.EnsureFocusAreas(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := plans.FocusAreas(ctx)
	if err != nil || len(got) != len(survey.DefaultFocusAreas) {
		t.Fatalf("after the first start: got %d areas, %v; want %d", len(got), err, len(survey.DefaultFocusAreas))
	}
	fa, _ := survey.NewFocusArea{Name: "Trygghet"}.FocusArea()
	if err := plans.AddFocusArea(ctx, &fa); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("an area that exists: got %v; want ErrConflict", err)
	}
	if err := storage.NewPlans(db).EnsureFocusAreas(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := plans.FocusAreas(ctx); len(again) != len(got) {
		t.Errorf("after a second start: got %d areas; want %d", len(again), len(got))
	}
}

func newDraft(t *testing.T, plans *storage.Plans) *survey.Plan {
	t.Helper()
	p := &survey.Plan{Village: "hogsjo", Year: 2026, Version: 1, Status: survey.PlanDraft, Priorities: []survey.Priority{}, Saved: planNow}
	if err := plans.CreatePlan(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOnePlanPerVillageAndYear(t *testing.T) {
	plans := storage.NewPlans(dbtest.New(t))
	newDraft(t, plans)
	again := &survey.Plan{Village: "hogsjo", Year: 2026, Version: 1, Status: survey.PlanDraft}
	if err := plans.CreatePlan(context.Background(), again); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("a second plan for Högsjö 2026: got %v; want ErrConflict", err)
	}
}

// Two representatives save the same draft at the same moment, both on
// version 1: exactly one save lands, the other is a conflict, and every
// landed version is kept.
func TestConcurrentSavesOfOneDraftLetOneIn(t *testing.T) {
	db := dbtest.New(t)
	plans := storage.NewPlans(db)
	ctx := context.Background()
	newDraft(t, plans)
	const savers = 8
	var wg sync.WaitGroup
	errs := make([]error, savers)
	for i := range savers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := plans.Plan(ctx, "hogsjo-2026")
			if err != nil {
				errs[i] = err
				return
			}
			p.Version = 1 // everyone read version 1
			edit := survey.PlanEdit{Version: 1, Summary: fmt.Sprintf("sparad av %d", i)}
			if err := p.Apply(edit, func(string) bool { return true }, storage.NewID, planNow, fmt.Sprint(i)); err != nil {
				errs[i] = err
				return
			}
			errs[i] = plans.SavePlan(ctx, p)
		}()
	}
	wg.Wait()
	exactlyOneWon(t, "saver", errs)
	p, err := plans.Plan(ctx, "hogsjo-2026")
	if err != nil || p.Version != 2 {
		t.Fatalf("stored: got %+v, %v; want version 2", p, err)
	}
	versions, err := plans.PlanVersions(ctx, "hogsjo-2026")
	if err != nil || len(versions) != 2 || versions[1].Summary != p.Summary {
		t.Errorf("versions: got %d, %v; want 2 with the winner's text last", len(versions), err)
	}
}

func TestAPlanVersionClaimedBeforeACrashIsRolledForward(t *testing.T) {
	db := dbtest.New(t)
	plans := storage.NewPlans(db)
	ctx := context.Background()
	p := newDraft(t, plans)
	// A save whose version reached plan_versions but not the plan document.
	p.Version, p.Summary = 2, "efter kraschen"
	if err := plans.SavePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	stale := &survey.Plan{ID: p.ID, Village: p.Village, Year: p.Year, Version: 1, Status: survey.PlanDraft}
	if err := storage.ReplacePlanDocForTest(ctx, db, stale); err != nil {
		t.Fatal(err)
	}
	got, err := plans.Plan(ctx, p.ID)
	if err != nil || got.Version != 2 || got.Summary != "efter kraschen" {
		t.Errorf("got %+v, %v; want version 2 rolled forward", got, err)
	}
}

func TestConcurrentActionChangesLetOneIn(t *testing.T) {
	plans := storage.NewPlans(dbtest.New(t))
	ctx := context.Background()
	a := &survey.PlanAction{Plan: "hogsjo-2026", Village: "hogsjo", Title: "Röja stigen", Owner: survey.OwnerGroup,
		Due: survey.Month{Year: 2026, Month: time.June}, Status: survey.ActionPlanned}
	if err := plans.AddAction(ctx, a); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, _, err := plans.Action(ctx, a.ID)
			if err != nil {
				errs[i] = err
				return
			}
			const n = 0 // everyone read the action before any change
			got.Status = survey.ActionPlanned
			h, err := got.Change(survey.ActionChange{Status: survey.ActionInProgress, Note: fmt.Sprint(i)}, planNow, "u")
			if err != nil {
				errs[i] = err
				return
			}
			errs[i] = plans.ChangeAction(ctx, got, n, h)
		}()
	}
	wg.Wait()
	exactlyOneWon(t, "change", errs)
	got, n, err := plans.Action(ctx, a.ID)
	if err != nil || n != 1 || got.Status != survey.ActionInProgress {
		t.Errorf("stored: got %+v, %d changes, %v; want in_progress after 1 change", got, n, err)
	}
	h, err := plans.ActionHistory(ctx, a.ID)
	if err != nil || len(h) != 1 || h[0].From != survey.ActionPlanned || h[0].To != survey.ActionInProgress {
		t.Errorf("history: got %+v, %v; want planned → in_progress", h, err)
	}
}

// exactlyOneWon fails unless one of the simultaneous writers succeeded and
// every other got survey.ErrConflict.
func exactlyOneWon(t *testing.T, writer string, errs []error) {
	t.Helper()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, survey.ErrConflict):
			t.Errorf("%s %d: got %v; want nil or ErrConflict", writer, i, err)
		}
	}
	if won != 1 {
		t.Fatalf("got %d of %d landed; want exactly 1", won, len(errs))
	}
}
