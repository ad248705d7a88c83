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

var matterNow = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

func raise(t *testing.T, matters *storage.Matters, title string) *survey.Matter {
	t.Helper()
	m, err := survey.NewMatter{Village: "hogsjo", Title: title}.Matter(survey.MatterChecks{}, matterNow, "rep")
	if err != nil {
		t.Fatal(err)
	}
	if err := matters.Create(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMatterRefsCountWithinTheYear(t *testing.T) {
	matters := storage.NewMatters(dbtest.New(t))
	for i, want := range []string{"2026-001", "2026-002", "2026-003"} {
		if got := raise(t, matters, fmt.Sprint("ärende ", i)); got.Ref != want || got.ID != want {
			t.Errorf("matter %d: got ref %q id %q; want %q", i, got.Ref, got.ID, want)
		}
	}
	m, _ := survey.NewMatter{Village: "hogsjo", Title: "nytt år"}.Matter(survey.MatterChecks{}, matterNow.AddDate(1, 0, 0), "rep")
	if err := matters.Create(context.Background(), m); err != nil || m.Ref != "2027-001" {
		t.Errorf("the first matter of 2027: got %q, %v; want 2027-001", m.Ref, err)
	}
}

// Many matters raised at the same moment each get their own ref, with no
// gap: the ref is the _id, claimed by insert.
func TestSimultaneousRaisesNeverShareARef(t *testing.T) {
	matters := storage.NewMatters(dbtest.New(t))
	const raisers = 12
	refs := make([]string, raisers)
	errs := make([]error, raisers)
	var wg sync.WaitGroup
	for i := range raisers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, _ := survey.NewMatter{Village: "hogsjo", Title: fmt.Sprint("samtidigt ", i)}.Matter(survey.MatterChecks{}, matterNow, "rep")
			errs[i] = matters.Create(context.Background(), m)
			refs[i] = m.Ref
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range raisers {
		if errs[i] != nil {
			t.Fatalf("raise %d: got %v; want none", i, errs[i])
		}
		if seen[refs[i]] {
			t.Errorf("got ref %s twice; want every ref once", refs[i])
		}
		seen[refs[i]] = true
	}
	for n := 1; n <= raisers; n++ {
		if ref := survey.MatterRef(2026, n); !seen[ref] {
			t.Errorf("got no matter %s; want refs 001–%03d without a gap", ref, raisers)
		}
	}
	list, err := matters.List(context.Background(), storage.MatterFilter{})
	if err != nil || len(list) != raisers {
		t.Errorf("got %d matters stored, %v; want %d", len(list), err, raisers)
	}
}

// Two officials answer the same forwarded matter at once: one answer
// lands, the other is a conflict, and the matter has one answer step.
func TestTwoOfficialsAnsweringAtOnceOneWins(t *testing.T) {
	matters := storage.NewMatters(dbtest.New(t))
	ctx := context.Background()
	m := raise(t, matters, "gatlyktor")
	m, rev, _ := matters.Get(ctx, m.ID)
	step, err := m.Step(survey.MoveForward, survey.MatterMove{Department: "teknik"}, nil, matterNow, "official")
	if err != nil {
		t.Fatal(err)
	}
	if err := matters.Step(ctx, m, rev, step); err != nil {
		t.Fatal(err)
	}
	const officials = 6
	errs := make([]error, officials)
	var wg sync.WaitGroup
	for i := range officials {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, rev, err := matters.Get(ctx, m.ID)
			if err != nil {
				errs[i] = err
				return
			}
			step, err := m.Step(survey.MoveAnswer, survey.MatterMove{Text: fmt.Sprint("svar ", i)}, nil, matterNow, fmt.Sprint("official", i))
			if err != nil {
				errs[i] = err
				return
			}
			errs[i] = matters.Step(ctx, m, rev, step)
		}()
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, survey.ErrConflict):
			t.Errorf("official %d: got %v; want nil or ErrConflict", i, err)
		}
	}
	if won != 1 {
		t.Errorf("got %d answers landed; want exactly 1", won)
	}
	got, rev, _ := matters.Get(ctx, m.ID)
	answers := 0
	for _, s := range got.Steps {
		if s.Move == survey.MoveAnswer {
			answers++
		}
	}
	if got.Status != survey.MatterAnswered || answers != 1 || rev != 3 || len(got.Steps) != 3 {
		t.Errorf("got status %s, %d answers, rev %d, %d steps; want answered, 1, 3, 3", got.Status, answers, rev, len(got.Steps))
	}
}

func TestQueueOnceStoresAMessageOnce(t *testing.T) {
	db := dbtest.New(t)
	outbox := storage.NewOutbox(db)
	ctx := context.Background()
	msg := survey.OutboxMessage{ID: "matter/2026-001/r0/1/department", To: "teknik@kommun.se", Subject: "2026-001", Status: survey.MessageQueued, Created: matterNow}
	const instances = 5
	queued := make([]bool, instances)
	errs := make([]error, instances)
	var wg sync.WaitGroup
	for i := range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			queued[i], errs[i] = outbox.QueueOnce(ctx, msg)
		}()
	}
	wg.Wait()
	n := 0
	for i := range instances {
		if errs[i] != nil {
			t.Fatalf("instance %d: got %v; want none", i, errs[i])
		}
		if queued[i] {
			n++
		}
	}
	list, _ := outbox.List(ctx, "")
	if n != 1 || len(list) != 1 {
		t.Errorf("got %d queued answers and %d stored; want 1 and 1", n, len(list))
	}
	if _, err := outbox.QueueOnce(ctx, survey.OutboxMessage{To: "x@y.se"}); err == nil {
		t.Errorf("a message without an id: got no error; want one")
	}
}

func TestMatterRemindersAndAgendaAreKept(t *testing.T) {
	matters := storage.NewMatters(dbtest.New(t))
	ctx := context.Background()
	m := raise(t, matters, "väg")
	for i := range 2 { // twice: kept once
		first, err := matters.Reminded(ctx, m.ID, 0, 1, matterNow)
		if err != nil || first != (i == 0) {
			t.Fatalf("record %d: got %v, %v; want %v", i, first, err, i == 0)
		}
		if first, err = matters.OweAgenda(ctx, m.ID, 0, matterNow); err != nil || first != (i == 0) {
			t.Fatalf("agenda %d: got %v, %v; want %v", i, first, err, i == 0)
		}
	}
	got, _, _ := matters.Get(ctx, m.ID)
	if len(got.Reminders) != 1 || !got.Reminded(1) || got.Reminded(2) || !got.AgendaOwed {
		t.Errorf("got reminders %v, agenda owed %v; want level 1 once and owed", got.Reminders, got.AgendaOwed)
	}
	if first, err := matters.AgendaAdded(ctx, m.ID, 0); err != nil || !first {
		t.Fatalf("the item added: got %v, %v; want true", first, err)
	}
	if list, _ := matters.List(ctx, storage.MatterFilter{}); len(list) != 1 || list[0].AgendaOwed {
		t.Errorf("after the item was added: got %+v; want one matter owing nothing", list)
	}
}

// A crash after a step's claim and before the matter's copy: the next read
// rolls the claimed step forward, and a step on the old revision is a
// conflict, not a second answer.
func TestAClaimedStepRollsForwardAfterACrash(t *testing.T) {
	db := dbtest.New(t)
	matters := storage.NewMatters(db)
	ctx := context.Background()
	m := raise(t, matters, "krasch")
	m, rev, _ := matters.Get(ctx, m.ID)
	if _, err := m.Step(survey.MoveForward, survey.MatterMove{Department: "teknik"}, nil, matterNow, "o1"); err != nil {
		t.Fatal(err)
	}
	if err := storage.ClaimMatterStepForTest(ctx, db, m, rev); err != nil {
		t.Fatal(err)
	}
	list, err := matters.List(ctx, storage.MatterFilter{Status: survey.MatterForwarded})
	if err != nil || len(list) != 1 || list[0].Department != "teknik" || len(list[0].Steps) != 2 {
		t.Fatalf("after the crash: got %+v, %v; want the forwarded matter with 2 steps", list, err)
	}
	old, _, _ := matters.Get(ctx, m.ID)
	old.Status, old.Steps = survey.MatterRegistered, old.Steps[:1] // a reader who had the old revision
	st, err := old.Step(survey.MoveForward, survey.MatterMove{Department: "skola"}, nil, matterNow, "o2")
	if err != nil {
		t.Fatal(err)
	}
	if err := matters.Step(ctx, old, rev, st); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("a step on the old revision: got %v; want ErrConflict", err)
	}
	got, gotRev, _ := matters.Get(ctx, m.ID)
	if got.Department != "teknik" || gotRev != 2 {
		t.Errorf("got department %q at revision %d; want teknik at 2", got.Department, gotRev)
	}
}

func TestDemoHasMattersInEveryStateAndOneEscalated(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	if err := storage.NewPlans(db).EnsureFocusAreas(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.SeedDemo(ctx, db, survey.NewDemo(matterNow, 1), "ett-långt-demolösenord", matterNow); err != nil {
		t.Fatal(err)
	}
	list, err := storage.NewMatters(db).List(ctx, storage.MatterFilter{})
	if err != nil {
		t.Fatal(err)
	}
	statuses, levels := map[string]int{}, map[int]int{}
	for _, m := range list {
		statuses[m.Status]++
		levels[m.Escalation(matterNow)]++
	}
	for _, s := range survey.MatterStatuses {
		if statuses[s] == 0 {
			t.Errorf("got no demo matter %s; want one in every state (got %v)", s, statuses)
		}
	}
	if levels[2] != 1 {
		t.Errorf("got levels %v; want one matter at level 2", levels)
	}
	users, _ := storage.NewUsers(db).List(ctx)
	contacts := 0
	for _, u := range users {
		if u.ContactPerson {
			contacts++
		}
	}
	if contacts != 1 {
		t.Errorf("got %d contact persons; want the demo official", contacts)
	}
}
