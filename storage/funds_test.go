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

var fundNow = time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC)

func testFund(t *testing.T, funds *storage.Funds, total int64) *survey.Fund {
	t.Helper()
	f, err := survey.NewFund{Year: 2026, BasicGrantSEK: 6000, ApplicationCloses: "2026-09-30", ReportDue: "2027-03-31",
		Sources: []survey.SourceInput{{Name: "Kommunen", AmountSEK: total}}}.Fund(fundNow, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if err := funds.CreateFund(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestOneFundAYear(t *testing.T) {
	funds := storage.NewFunds(dbtest.New(t))
	f := testFund(t, funds, 1000)
	if err := funds.CreateFund(context.Background(), f); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("a second fund for 2026: got %v; want ErrConflict", err)
	}
	got, err := funds.Fund(context.Background(), 2026)
	if err != nil || got.TotalSEK() != 1000 || got.ReportDue.String() != "2027-03-31" {
		t.Errorf("read back: got %+v, %v", got, err)
	}
	if _, err := funds.Fund(context.Background(), 2025); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("a year without a fund: got %v; want ErrNotFound", err)
	}
}

// Two stores on one database (two instances) append allocations of 1 000 kr
// at once against 10 000 kr: exactly ten land, in one gapless sequence.
func TestConcurrentAppendsNeverOverspend(t *testing.T) {
	db := dbtest.New(t)
	stores := []*storage.Funds{storage.NewFunds(db), storage.NewFunds(db)}
	f := testFund(t, stores[0], 10000)
	var wg sync.WaitGroup
	errs := make([]error, 30)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = stores[i%2].Append(context.Background(), f, func(l survey.Ledger) (survey.LedgerEntry, error) {
				return l.Next(survey.EntryInput{Kind: survey.EntryAllocate, Village: "aby", AmountSEK: 1000, Ref: survey.ApplicationRef(string(rune('a' + i)))}, fundNow)
			})
		}()
	}
	wg.Wait()
	landed := 0
	for i, err := range errs {
		switch {
		case err == nil:
			landed++
		case !errors.Is(err, survey.ErrOverspend):
			t.Errorf("append %d: got %v; want nil or ErrOverspend", i, err)
		}
	}
	l, err := stores[1].FundLedger(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if landed != 10 || len(l.Entries) != 10 || l.Remaining() != 0 || l.Sum() != l.Totals() {
		t.Errorf("got %d landed, %d entries, %d left, sum %+v vs totals %+v; want 10, 10, 0 and equal", landed, len(l.Entries), l.Remaining(), l.Sum(), l.Totals())
	}
	for i, e := range l.Entries {
		if e.N != i+1 {
			t.Errorf("entry %d has n %d; want a gapless sequence", i, e.N)
		}
	}
}

// A change claimed but not copied (a crash between the two writes) is not
// lost: reads roll it forward, and a change made on the old revision is
// refused.
func TestApplicationChangeSurvivesACrashBetweenItsWrites(t *testing.T) {
	db := dbtest.New(t)
	funds := storage.NewFunds(db)
	ctx := context.Background()
	f := testFund(t, funds, 10000)
	a := &survey.Application{Fund: f.Year, Village: "aby", FocusArea: "trygghet", Title: "Lampor", AmountSEK: 500, Status: survey.AppDraft, Created: fundNow}
	if err := funds.CreateApplication(ctx, a); err != nil {
		t.Fatal(err)
	}
	stale := *a
	if err := a.Submit(f, fundNow); err != nil {
		t.Fatal(err)
	}
	if err := storage.ClaimApplicationRevisionForTest(ctx, db, a); err != nil {
		t.Fatal(err)
	}
	list, err := funds.ListApplications(ctx, f.Year)
	if err != nil || len(list) != 1 || list[0].Status != survey.AppSubmitted {
		t.Fatalf("list after the crash: got %+v, %v; want the submitted application", list, err)
	}
	got, err := funds.Application(ctx, a.ID)
	if err != nil || got.Status != survey.AppSubmitted || got.Rev != 2 {
		t.Fatalf("read after the crash: got %+v, %v; want submitted at revision 2", got, err)
	}
	stale.Title = "Ändrad"
	if err := funds.SaveApplication(ctx, &stale); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("a change on the old revision: got %v; want ErrConflict", err)
	}
}
