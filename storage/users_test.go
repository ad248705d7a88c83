package storage_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
)

func TestAPasswordLinkIsUsedOnceAndExpires(t *testing.T) {
	db := dbtest.New(t)
	links := storage.NewPasswordLinks(db)
	ctx := context.Background()
	cases := []struct {
		name      string
		at        time.Duration // when the link is used, after it was made
		usedTwice bool
		want      error
	}{
		{name: "a fresh link is used", at: time.Minute},
		{name: "a link used a second time is not found", at: time.Minute, usedTwice: true, want: survey.ErrNotFound},
		{name: "an expired link is not found", at: 2 * time.Hour, want: survey.ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			secret, err := links.Create(ctx, "u1", "reset", t0, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if tc.usedTwice {
				if _, err := links.Consume(ctx, secret, t0.Add(tc.at)); err != nil {
					t.Fatalf("first use: %v", err)
				}
			}
			l, err := links.Consume(ctx, secret, t0.Add(tc.at))
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Errorf("got %v; want %v", err, tc.want)
				}
				return
			}
			if err != nil || l.User != "u1" || l.Purpose != "reset" {
				t.Errorf("got %+v, %v; want the link of u1 for reset", l, err)
			}
		})
	}
	t.Run("only the hash of the secret is stored", func(t *testing.T) {
		secret, _ := links.Create(ctx, "u2", "invite", t0, time.Hour)
		if where, err := db.Containing(ctx, secret); err != nil || len(where) != 0 {
			t.Errorf("got the secret in %v (%v); want it nowhere", where, err)
		}
	})
}

func TestOnlyOneOfTwoConcurrentUsesOfALinkWins(t *testing.T) {
	db := dbtest.New(t)
	links := storage.NewPasswordLinks(db)
	ctx := context.Background()
	for round := 0; round < 5; round++ {
		secret, err := links.Create(ctx, "u1", "invite", t0, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var wins, misses atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := links.Consume(ctx, secret, t0.Add(time.Minute))
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, survey.ErrNotFound):
					misses.Add(1)
				default:
					t.Errorf("consume: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if wins.Load() != 1 || misses.Load() != 1 {
			t.Errorf("round %d: got %d wins and %d misses; want 1 and 1", round, wins.Load(), misses.Load())
		}
	}
}
