package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
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
