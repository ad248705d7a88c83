package storage_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
)

// claimAll makes n concurrent claims of key, each through its own Limits
// (as on n instances, so no claim is helped by another's guess), and returns
// the numbers given.
func claimAll(t *testing.T, db *storage.DB, key string, n, max int) []int {
	t.Helper()
	got := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			num, err := storage.NewLimits(db).Claim(context.Background(), key, time.Minute, t0, max)
			if err != nil {
				t.Errorf("claim: %v", err)
			}
			got[i] = num
		}()
	}
	wg.Wait()
	sort.Ints(got)
	return got
}

func TestConcurrentClaimsGetUniqueNumbers(t *testing.T) {
	db := dbtest.New(t)
	tests := []struct {
		name        string
		key         string
		claims, max int
		wantUnder   int // claims that got a number ≤ max
	}{
		{"of 60 claims with a limit of 10 exactly 10 are under it", "capped", 60, 10, 10},
		{"30 claims without a limit are all numbered", "open", 30, 0, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := claimAll(t, db, tt.key, tt.claims, tt.max)
			seen := map[int]bool{}
			under := 0
			for _, n := range got {
				if tt.max == 0 || n <= tt.max {
					if seen[n] {
						t.Errorf("number %d given twice: %v", n, got)
					}
					seen[n] = true
					under++
				} else if n != tt.max+1 {
					t.Errorf("got %d past the limit; want %d", n, tt.max+1)
				}
			}
			if under != tt.wantUnder {
				t.Errorf("got %d claims under the limit (%v); want %d", under, got, tt.wantUnder)
			}
		})
	}
}

func TestAReleasedNumberIsClaimedAgainAndWindowsStartAfresh(t *testing.T) {
	db := dbtest.New(t)
	limits := storage.NewLimits(db)
	ctx := context.Background()
	claim := func(at time.Time) int {
		t.Helper()
		n, err := limits.Claim(ctx, "k", time.Minute, at, 3)
		if err != nil {
			t.Fatalf("claim: %v", err)
		}
		return n
	}
	for want := 1; want <= 4; want++ {
		if got := claim(t0); got != want {
			t.Fatalf("claim %d: got %d; want %d", want, got, want)
		}
	}
	if err := limits.Release(ctx, "k", time.Minute, t0, 2); err != nil {
		t.Fatalf("release: %v", err)
	}
	if got := claim(t0); got != 2 {
		t.Errorf("after releasing 2: got %d; want 2", got)
	}
	if got := claim(t0); got != 4 {
		t.Errorf("full again: got %d; want 4", got)
	}
	if got := claim(t0.Add(time.Minute)); got != 1 {
		t.Errorf("the next window: got %d; want 1", got)
	}
	if n, err := limits.Sweep(ctx, t0.Add(time.Minute)); err != nil || n != 3 {
		t.Errorf("sweep: got %d (%v); want the 3 events of the ended window", n, err)
	}
}
