package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/event"
)

func TestScheduledSurveysChangeOnceWhenInstancesRaceToApplyThem(t *testing.T) {
	db := dbtest.New(t)
	surveys := storage.NewSurveys(db)
	ctx := context.Background()
	mk := func(status string, opens, closes *time.Time) *survey.Survey {
		sv, _ := survey.NewDraft(survey.Details{Title: "T", Villages: []string{"aby"}})
		_ = sv.AddQuestion(survey.Question{Key: "a", Type: survey.Likert, Prompt: "A"})
		if status == survey.Open {
			_ = sv.Open(t0)
		}
		sv.OpensAt, sv.ClosesAt, sv.Created = opens, closes, t0
		if err := surveys.Create(ctx, sv); err != nil {
			t.Fatal(err)
		}
		return sv
	}
	past, future := t0.Add(-time.Minute), t0.Add(time.Hour)
	toOpen := mk(survey.Draft, &past, nil)
	toClose := mk(survey.Open, nil, &past)
	later := mk(survey.Draft, &future, nil)

	var mu sync.Mutex
	changes := map[string]int{}
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := surveys.ApplySchedules(ctx, t0)
			if err != nil {
				t.Errorf("apply: %v", err)
			}
			mu.Lock()
			for _, sv := range got {
				changes[sv.ID]++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	cases := []struct {
		name    string
		id      string
		status  string
		changes int
	}{
		{"a draft past its opening time is opened once", toOpen.ID, survey.Open, 1},
		{"an open survey past its closing time is closed once", toClose.ID, survey.Closed, 1},
		{"a draft whose time has not come stays a draft", later.ID, survey.Draft, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sv, err := surveys.Get(ctx, tc.id)
			if err != nil || sv.Status != tc.status || changes[tc.id] != tc.changes {
				t.Errorf("got %s changed %d times (%v); want %s changed %d", sv.Status, changes[tc.id], err, tc.status, tc.changes)
			}
		})
	}
}

// TestOneOfEightSimultaneousSurveySavesWins: eight people save the same
// draft, read at the same revision, at once. FerretDB let several
// conditional replaces through; the revision claim lets exactly one in.
func TestOneOfEightSimultaneousSurveySavesWins(t *testing.T) {
	db := dbtest.New(t)
	surveys := storage.NewSurveys(db)
	ctx := context.Background()
	sv, _ := survey.NewDraft(survey.Details{Title: "T", Villages: []string{"aby"}})
	if err := surveys.Create(ctx, sv); err != nil {
		t.Fatal(err)
	}
	const savers = 8
	for round := 0; round < 5; round++ {
		read, err := surveys.Get(ctx, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		errs := make([]error, savers)
		titles := make([]string, savers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < savers; i++ {
			mine := *read
			titles[i] = "Runda " + strconv.Itoa(round) + " av " + strconv.Itoa(i)
			mine.Title = titles[i]
			wg.Add(1)
			go func(i int, mine *survey.Survey) {
				defer wg.Done()
				<-start
				errs[i] = surveys.Save(ctx, mine)
			}(i, &mine)
		}
		close(start)
		wg.Wait()
		winner, conflicts := -1, 0
		for i, err := range errs {
			switch {
			case err == nil:
				if winner >= 0 {
					t.Errorf("round %d: got savers %d and %d both stored; want one", round, winner, i)
				}
				winner = i
			case errors.Is(err, survey.ErrConflict):
				conflicts++
			default:
				t.Errorf("round %d: saver %d: got %v; want nil or ErrConflict", round, i, err)
			}
		}
		if winner < 0 || conflicts != savers-1 {
			t.Fatalf("round %d: got winner %d and %d conflicts; want one winner and %d conflicts", round, winner, conflicts, savers-1)
		}
		got, err := surveys.Get(ctx, sv.ID)
		if err != nil || got.Title != titles[winner] || got.Revision != read.Revision+1 {
			t.Errorf("round %d: got stored %q revision %d (%v); want the winner's %q revision %d", round, got.Title, got.Revision, err, titles[winner], read.Revision+1)
		}
	}
}

func TestASurveySaveHalfDoneIsRolledForward(t *testing.T) {
	db := dbtest.New(t)
	surveys := storage.NewSurveys(db)
	ctx := context.Background()
	sv, _ := survey.NewDraft(survey.Details{Title: "Före", Villages: []string{"aby"}})
	if err := surveys.Create(ctx, sv); err != nil {
		t.Fatal(err)
	}
	// Stored before revisions: no revision field at all reads as 0.
	if err := storage.UnsetSurveyRevisionForTest(ctx, db, sv.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := surveys.Get(ctx, sv.ID); err != nil || got.Revision != 0 || got.Title != "Före" {
		t.Fatalf("an old survey: got %+v, %v; want revision 0", got, err)
	}
	crashed := *sv
	crashed.Title = "Efter"
	if err := storage.ClaimSurveyRevisionForTest(ctx, db, &crashed); err != nil {
		t.Fatal(err)
	}
	list, err := surveys.List(ctx, storage.SurveyFilter{})
	if err != nil || len(list) != 1 || list[0].Title != "Efter" || list[0].Revision != 1 {
		t.Errorf("list after a half-done save: got %v, %v; want the claimed save, revision 1", list, err)
	}
	got, err := surveys.Get(ctx, sv.ID)
	if err != nil || got.Title != "Efter" || got.Revision != 1 {
		t.Errorf("get after a half-done save: got %q revision %d, %v; want \"Efter\" revision 1", got.Title, got.Revision, err)
	}
	// A save from before the half-done one is stale; one from after lands.
	if err := surveys.Save(ctx, sv); !errors.Is(err, storage.ErrSurveyChanged) {
		t.Errorf("save on revision 0: got %v; want ErrSurveyChanged", err)
	}
	got.Title = "Sist"
	if err := surveys.Save(ctx, got); err != nil || got.Revision != 2 {
		t.Errorf("save on revision 1: got %v revision %d; want stored as 2", err, got.Revision)
	}
}

// On the embedded server a list checks its surveys' claims in SQL on the _id
// index, not with an _id $in that FerretDB answers by reading every claim
// ever made: listing asks FerretDB nothing of survey_revisions however many
// saves there were, and still rolls a half-done save forward.
func TestListingSurveysReadsNoClaimThroughFerretDB(t *testing.T) {
	var mu sync.Mutex
	finds := map[string]int{}
	monitor := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if e.CommandName != "find" {
			return
		}
		col, _ := e.Command.Lookup("find").StringValueOK()
		mu.Lock()
		finds[col]++
		mu.Unlock()
	}}
	db := dbtest.New(t, storage.WithCommandMonitor(monitor))
	surveys := storage.NewSurveys(db)
	ctx := context.Background()
	var last *survey.Survey
	for i := range 3 {
		sv, _ := survey.NewDraft(survey.Details{Title: fmt.Sprintf("Enkät %d", i), Villages: []string{"aby"}})
		if err := surveys.Create(ctx, sv); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			if err := surveys.Save(ctx, sv); err != nil {
				t.Fatal(err)
			}
		}
		last = sv
	}
	crashed := *last
	crashed.Title = "Efter"
	if err := storage.ClaimSurveyRevisionForTest(ctx, db, &crashed); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	clear(finds)
	mu.Unlock()
	list, err := surveys.List(ctx, storage.SurveyFilter{})
	titles := map[string]string{}
	for _, sv := range list {
		titles[sv.ID] = sv.Title
	}
	if err != nil || len(list) != 3 || titles[last.ID] != "Efter" {
		t.Fatalf("got %v, %v; want 3 surveys, the last rolled forward to \"Efter\"", titles, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if finds["survey_revisions"] != 2 {
		// two, by _id: the roll-forward reads the half-done claim and finds
		// no claim after it; none for the list itself
		t.Errorf("got %d finds on survey_revisions; want 2 (the roll-forward's, by _id)", finds["survey_revisions"])
	}
}
