package storage_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
)

var spNow = time.Date(2027, 3, 10, 10, 0, 0, 0, time.UTC)

func adoptedServicePlan(t *testing.T, store *storage.ServicePlans) *survey.ServicePlan {
	t.Helper()
	ctx := context.Background()
	p := &survey.ServicePlan{Period: "2027–2028", Status: survey.ServiceDraft, Created: spNow,
		Items: []survey.ServiceItem{{ID: "vag", FocusArea: "vag", Villages: []string{"aby"}, Share: 1, Kind: survey.AreaCommon,
			Actions: []string{}, Sources: []survey.ServiceSource{{Plan: "aby-2026", Priority: "p1", Village: "aby", Year: 2026, Rank: 1}}}}}
	if err := store.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() error{
		func() error { return p.Review(spNow, "u1") },
		func() error { return p.Adopt(survey.ServiceAdoptInput{}, spNow, "u2") },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
		if err := store.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func TestServicePlanRoundTrips(t *testing.T) {
	store := storage.NewServicePlans(dbtest.New(t))
	ctx := context.Background()
	p := adoptedServicePlan(t, store)
	got, err := store.Version(ctx, p.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != survey.ServiceAdopted || got.Rev != 2 || len(got.History) != 2 || got.Adoption == nil || got.Adoption.By != "u2" {
		t.Errorf("got %+v; want the adopted plan at revision 2 with its history", got)
	}
	if len(got.Items) != 1 || got.Items[0].Sources[0].Plan != "aby-2026" {
		t.Errorf("got items %+v; want the item with its source", got.Items)
	}
	if _, err := store.Versions(ctx, "nope"); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("an unknown plan: got %v; want ErrNotFound", err)
	}
}

// Two officials send the same adopted plan at the same moment, with
// different diary numbers: exactly one send lands, the other is a conflict,
// and the stored plan carries the winner's number.
func TestConcurrentSendsLetOneIn(t *testing.T) {
	store := storage.NewServicePlans(dbtest.New(t))
	ctx := context.Background()
	p := adoptedServicePlan(t, store)
	const senders = 6
	var wg sync.WaitGroup
	errs := make([]error, senders)
	numbers := []string{"KS 1", "KS 2", "KS 3", "KS 4", "KS 5", "KS 6"}
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine, err := store.Version(ctx, p.ID, 1)
			if err != nil {
				errs[i] = err
				return
			}
			mine.Rev = p.Rev // all read the same revision
			if errs[i] = mine.Send(survey.ServiceSendInput{Date: "2027-03-09", DiaryNumber: numbers[i]}, spNow, "u"); errs[i] != nil {
				return
			}
			errs[i] = store.Save(ctx, mine)
		}()
	}
	wg.Wait()
	exactlyOneWon(t, "send", errs)
	got, err := store.Version(ctx, p.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		if e == nil && (got.Sending == nil || got.Sending.DiaryNumber != numbers[i]) {
			t.Errorf("got sending %+v; want the winner's number %s", got.Sending, numbers[i])
		}
	}
	if got.Status != survey.ServiceSent || got.Rev != p.Rev+1 || len(got.History) != 3 {
		t.Errorf("got status %s at revision %d with %d steps; want sent once at %d with 3", got.Status, got.Rev, len(got.History), p.Rev+1)
	}
}

// Two officials revise the plan in force at once: one new version.
func TestConcurrentRevisionsMakeOneVersion(t *testing.T) {
	store := storage.NewServicePlans(dbtest.New(t))
	ctx := context.Background()
	p := adoptedServicePlan(t, store)
	if err := p.Send(survey.ServiceSendInput{Date: "2027-03-09", DiaryNumber: "KS 1"}, spNow, "u"); err != nil {
		t.Fatal(err)
	}
	if err := p.Decide(survey.ServiceDecideInput{Date: "2027-03-10", Paragraph: "§ 4"}, spNow, "u"); err != nil {
		t.Fatal(err)
	}
	if err := store.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	const revisers = 5
	var wg sync.WaitGroup
	errs := make([]error, revisers)
	for i := range revisers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next, err := p.Revise("", p.Items, spNow, "u")
			if err == nil {
				err = store.AddVersion(ctx, next)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	exactlyOneWon(t, "revise", errs)
	versions, err := store.Versions(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || versions[1].Status != survey.ServiceDraft || versions[0].Status != survey.ServiceInForce {
		t.Fatalf("got %d versions; want the plan in force and one draft", len(versions))
	}
	next := versions[1]
	for _, step := range []func() error{
		func() error { return next.Review(spNow, "u") },
		func() error { return next.Adopt(survey.ServiceAdoptInput{}, spNow, "u") },
		func() error {
			return next.Send(survey.ServiceSendInput{Date: "2027-03-10", DiaryNumber: "KS 9"}, spNow, "u")
		},
		func() error {
			return next.Decide(survey.ServiceDecideInput{Date: "2027-03-10", Paragraph: "§ 9"}, spNow, "u")
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
		if err := store.Save(ctx, next); err != nil {
			t.Fatal(err)
		}
	}
	all, err := store.List(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("got %d plans, %v; want 1", len(all), err)
	}
	if all[0][0].Status != survey.ServiceSuperseded || all[0][1].Status != survey.ServiceInForce {
		t.Errorf("got %s and %s; want the first superseded by the decided revision", all[0][0].Status, all[0][1].Status)
	}
}

// The demo has the service plan in force, decided 22 months ago from the
// villages' current plans, and its revision drafted.
func TestDemoHasAServicePlanInForceAndARevision(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if _, err := storage.SeedDemo(ctx, db, survey.NewDemo(now, 1), "ett-långt-demolösenord", now); err != nil {
		t.Fatal(err)
	}
	all, err := storage.NewServicePlans(db).List(ctx)
	if err != nil || len(all) != 1 || len(all[0]) != 2 {
		t.Fatalf("got %d plans, %v; want one with two versions", len(all), err)
	}
	v1, v2 := all[0][0], all[0][1]
	if v1.Status != survey.ServiceInForce || v2.Status != survey.ServiceDraft {
		t.Errorf("got %s and %s; want in_force and a draft", v1.Status, v2.Status)
	}
	if due, _ := v1.RevisionDue(); !v1.RevisionShown(now) || due.String() != "2027-01-20" {
		t.Errorf("got revision due %s, shown %v; want 2027-01-20, shown in Att göra", due, v1.RevisionShown(now))
	}
	if len(v1.Items) < 3 || len(v1.Items[0].Sources) == 0 || v1.Items[0].Goal == "" {
		t.Errorf("got items %+v; want several, each with sources, the first with a goal", v1.Items)
	}
	if v1.Adoption == nil || v1.Adoption.MeetingItem == "" {
		t.Fatalf("got adoption %+v; want it at a meeting's agenda item", v1.Adoption)
	}
	it, err := storage.NewMeetings(db).ItemByID(ctx, v1.Adoption.MeetingItem)
	if err != nil || it.Link == nil || it.Link.Kind != survey.LinkServicePlan || it.Link.ID != v1.ID {
		t.Errorf("got the adoption's item %+v, %v; want one that puts the plan on the agenda", it, err)
	}
	if d := survey.DiffServicePlans(v1, v2); len(d.Changed) == 0 {
		t.Errorf("got no change between the versions; want the revised goal")
	}
}

func draftServicePlan(period string) *survey.ServicePlan {
	return &survey.ServicePlan{Period: period, Status: survey.ServiceDraft, Created: spNow,
		Items: []survey.ServiceItem{{ID: "vag", FocusArea: "vag", Villages: []string{"aby"}, Actions: []string{}, Sources: []survey.ServiceSource{}}}}
}

// Ten officials create the plan for one period at the same moment, the
// dash written in several ways: one plan is stored, the others are refused
// naming period — FerretDB has no transactions, the period's _id claim
// decides.
func TestConcurrentServicePlansForOnePeriodStoreOne(t *testing.T) {
	store := storage.NewServicePlans(dbtest.New(t))
	ctx := context.Background()
	spellings := []string{"2027–2028", "2027-2028", "2027 - 2028", "2027—2028"}
	const creators = 10
	errs := make([]error, creators)
	var wg sync.WaitGroup
	for i := range creators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = store.Create(ctx, draftServicePlan(spellings[i%len(spellings)]))
		}()
	}
	wg.Wait()
	exactlyOneWon(t, "create", errs)
	for i, err := range errs {
		var r *survey.Refusal
		if err != nil && (!errors.As(err, &r) || r.Field != "period") {
			t.Errorf("creator %d: got %v; want the refusal naming period", i, err)
		}
	}
	all, err := store.List(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("got %d plans, %v; want 1", len(all), err)
	}
	if err := store.Create(ctx, draftServicePlan("2029-2030")); err != nil {
		t.Errorf("another period: got %v; want it stored", err)
	}
}

// A period claimed by a plan that was never stored (the process stopped in
// between) blocks the period for a while, then a new plan takes it over.
func TestAStalePeriodClaimIsTakenOver(t *testing.T) {
	db := dbtest.New(t)
	store := storage.NewServicePlans(db)
	ctx := context.Background()
	if err := storage.ClaimServicePeriodForTest(ctx, db, "2027-2028", "ghost", spNow.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := store.Create(ctx, draftServicePlan("2027–2028")); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("a minute after the claim: got %v; want ErrConflict", err)
	}
	later := draftServicePlan("2027–2028")
	later.Created = spNow.Add(5 * time.Minute)
	if err := store.Create(ctx, later); err != nil {
		t.Errorf("five minutes after the claim: got %v; want the stale claim taken over", err)
	}
	if err := store.Create(ctx, draftServicePlan("2027-2028")); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("after the takeover: got %v; want ErrConflict (the new plan has it)", err)
	}
}
