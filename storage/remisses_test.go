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

var remissNow = time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)

// sendRound stores a proposal and an open round for villages a, b, c with the
// deadline given.
func sendRound(t *testing.T, db *storage.DB, deadline string) (*survey.Proposal, *survey.Remiss) {
	t.Helper()
	ctx := context.Background()
	p, err := survey.NewProposal{Title: "Badplats", Body: "Bygg en brygga"}.Proposal(remissNow, "u")
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.NewProposals(db).Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	r, err := survey.NewRemiss{Villages: []string{"a", "b", "c"}, Deadline: deadline}.Remiss(p, remissNow, "u")
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.NewRemisses(db).Create(ctx, r); err != nil {
		t.Fatal(err)
	}
	return p, r
}

func answerFor(r *survey.Remiss, village, stance, by string, at time.Time) *survey.RemissAnswer {
	return &survey.RemissAnswer{Remiss: r.ID, Village: village, Stance: stance, Motivation: "för att " + by,
		Anchoring: survey.Anchoring{Method: survey.AnchorMeeting, Participants: 12}, AnsweredBy: by, AnsweredAt: at}
}

func TestConcurrentAnswersForOneVillageKeepEveryVersion(t *testing.T) {
	db := dbtest.New(t)
	_, r := sendRound(t, db, "2026-03-31")
	store := storage.NewRemisses(db)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := store.Answer(context.Background(), r, answerFor(r, "a", survey.StanceSupport, fmt.Sprint("rep", i), remissNow))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	stored := 0
	for err := range errs {
		switch {
		case err == nil:
			stored++
		case errors.Is(err, survey.ErrConflict):
			// lost the race five times over; nothing was overwritten
		default:
			t.Fatalf("got %v; want nil or ErrConflict", err)
		}
	}
	answers, err := store.Answers(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 1 {
		t.Fatalf("got %d answers; want 1", len(answers))
	}
	if got := len(answers[0].History); got != stored-1 {
		t.Errorf("got %d replaced versions; want %d (every stored answer but the current one)", got, stored-1)
	}
	seen := map[string]bool{answers[0].AnsweredBy: true}
	for _, h := range answers[0].History {
		if seen[h.AnsweredBy] {
			t.Errorf("version by %s kept twice", h.AnsweredBy)
		}
		seen[h.AnsweredBy] = true
	}
}

func TestAnswerDocumentsFollowTheRound(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		change func(t *testing.T, store *storage.Remisses, r *survey.Remiss)
		at     time.Time
		want   error
	}{
		{"an open round takes an answer", func(*testing.T, *storage.Remisses, *survey.Remiss) {}, remissNow, nil},
		{"a closed round refuses it", func(t *testing.T, store *storage.Remisses, r *survey.Remiss) {
			if err := r.Close(remissNow, "u"); err != nil {
				t.Fatal(err)
			}
			if err := store.Close(ctx, r); err != nil {
				t.Fatal(err)
			}
		}, remissNow, survey.ErrClosed},
		{"the first second after the deadline day refuses it", func(*testing.T, *storage.Remisses, *survey.Remiss) {},
			time.Date(2026, 3, 31, 22, 0, 0, 0, time.UTC), survey.ErrClosed},
		{"a moved deadline takes it again", func(t *testing.T, store *storage.Remisses, r *survey.Remiss) {
			if _, err := r.MoveDeadline(survey.DeadlineChange{Deadline: "2026-04-10"}, remissNow); err != nil {
				t.Fatal(err)
			}
			if err := store.MoveDeadline(ctx, r); err != nil {
				t.Fatal(err)
			}
		}, time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC), nil},
		{"an answer the round's close overtook is removed", func(t *testing.T, store *storage.Remisses, r *survey.Remiss) {
			// Another request closes the round at 09:00; this one read it open
			// and answers at 09:00:01.
			closed := *r
			if err := closed.Close(remissNow, "u"); err != nil {
				t.Fatal(err)
			}
			if err := store.Close(ctx, &closed); err != nil {
				t.Fatal(err)
			}
		}, remissNow.Add(time.Second), survey.ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := dbtest.New(t)
			_, r := sendRound(t, db, "2026-03-31")
			store := storage.NewRemisses(db)
			tt.change(t, store, r)
			_, err := store.Answer(ctx, r, answerFor(r, "b", survey.StanceOppose, "rep", tt.at))
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("got %v; want %v", err, tt.want)
			}
			current, err := store.Get(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			answers, err := store.Answers(ctx, current)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(answers), map[bool]int{true: 1, false: 0}[tt.want == nil]; got != want {
				t.Errorf("got %d answers kept; want %d", got, want)
			}
		})
	}
	t.Run("closing twice is a conflict", func(t *testing.T) {
		db := dbtest.New(t)
		_, r := sendRound(t, db, "2026-03-31")
		store := storage.NewRemisses(db)
		_ = r.Close(remissNow, "u")
		if err := store.Close(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := store.Close(ctx, r); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("got %v; want ErrConflict", err)
		}
		got, err := store.Get(ctx, r.ID)
		if err != nil || got.Status != survey.RemissClosed || got.ClosedAt == nil {
			t.Errorf("got %+v, %v; want a closed round with closed_at", got, err)
		}
	})
}

func TestProposalDecisionIsStoredOnce(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	p, _ := sendRound(t, db, "2026-03-31")
	store := storage.NewProposals(db)
	if err := p.Decide(survey.DecisionInput{Outcome: survey.OutcomeAnswered, Text: "Besvarat"}, nil, remissNow, "u"); err != nil {
		t.Fatal(err)
	}
	if err := store.Decide(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := store.Decide(ctx, p); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("second decision: got %v; want ErrConflict", err)
	}
	if err := store.SetStatus(ctx, p.ID, survey.ProposalOnRemiss); err != nil {
		t.Fatal(err)
	}
	got, err := store.Get(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != survey.ProposalDecided || got.Decision == nil || got.Decision.Date.String() != "2026-03-20" {
		t.Errorf("got status %s, decision %+v; want decided on 2026-03-20", got.Status, got.Decision)
	}
}

func TestAuditListsTheNewestEntriesFirst(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	audit := storage.NewAudit(db)
	for i := range 3 {
		e := survey.AuditEntry{At: remissNow.Add(time.Duration(i) * time.Minute), Actor: "u", Action: fmt.Sprint("a", i), Target: "t"}
		if err := audit.Add(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := audit.List(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Action != "a2" || got[1].Action != "a1" {
		t.Errorf("got %+v; want a2 then a1", got)
	}
}
