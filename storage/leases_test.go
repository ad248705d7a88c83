package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
)

// A crash during a batch's one ordered insert leaves its marker and a
// prefix of its responses, and no delta: a recovery by another instance
// (or after a restart) counts exactly the responses stored, once, and
// retires the lease once nobody takes ids from it; readers of the
// survey's responses never see the marker.
func TestACrashMidInsertIsCountedFromTheLeasesMarker(t *testing.T) {
	for _, tt := range []struct {
		name   string
		stored int // of 6; -1: the lease alone, no marker
	}{
		{"lease written, no marker", -1},
		{"marker, no response", 0},
		{"marker and half the responses", 3},
		{"marker and every response", 6},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := dbtest.New(t)
			ctx := context.Background()
			sv := openSurvey(t, db)
			crashed := storage.NewResponses(db)
			var subs []storage.Submission
			for i := range 6 {
				subs = append(subs, response(sv, fmt.Sprint("c", i), []string{"aby", "bby"}[i%2], i))
			}
			batch, err := storage.CrashedBatchForTest(ctx, crashed, subs, tt.stored)
			if err != nil {
				t.Fatal(err)
			}
			want := max(tt.stored, 0)
			if tt.stored >= 0 {
				if _, err := storage.NewResponses(db).Get(ctx, sv.ID, "batch:"+batch); !errors.Is(err, survey.ErrNotFound) {
					t.Errorf("Get of the marker's id: got %v; want ErrNotFound", err)
				}
			}
			n := 0
			if err := storage.NewResponses(db).Each(ctx, sv.ID, func(survey.Response) error { n++; return nil }); err != nil || n != want {
				t.Errorf("Each before recovery: got %d responses, %v; want %d", n, err, want)
			}
			other := storage.NewResponses(db)
			// Within the lease's time of use: counted, the lease kept.
			if got, err := other.RecoverPending(ctx, time.Now().Add(time.Second)); got != want || err != nil {
				t.Fatalf("recovery: got %d, %v; want %d, nil", got, err, want)
			}
			if got, err := other.Count(ctx, sv.ID); got != want || err != nil {
				t.Errorf("count after recovery: got %d, %v; want %d", got, err, want)
			}
			if got, err := other.RecoverPending(ctx, time.Now().Add(time.Second)); got != 0 || err != nil {
				t.Errorf("a second recovery: got %d, %v; want 0, nil", got, err)
			}
			// Past it: the lease and its marker retired.
			if got, err := other.RecoverPending(ctx, time.Now().Add(time.Hour)); got != 0 || err != nil {
				t.Errorf("a recovery past the lease: got %d, %v; want 0, nil", got, err)
			}
			if leases, markers, err := storage.LeaseDocsForTest(ctx, db, sv.ID); leases != 0 || markers != 0 || err != nil {
				t.Errorf("after the lease's recovery: got %d leases, %d markers, %v; want none", leases, markers, err)
			}
			if err := other.Fold(ctx, time.Now()); err != nil {
				t.Fatal(err)
			}
			if got, err := other.Count(ctx, sv.ID); got != want || err != nil {
				t.Errorf("count after folding: got %d, %v; want %d", got, err, want)
			}
			if ok, err := other.VerifyTallies(ctx, sv); !ok || err != nil {
				t.Errorf("tallies: got equal to a recount = %v, %v; want true", ok, err)
			}
		})
	}
}

// A lease whose ids were never used (the process died right after writing
// it) costs a recovery a read by _id per id, a few at a time: little.
func TestALeaseWithUnusedIdsCostsRecoveryLittle(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	sv := openSurvey(t, db)
	// Stored responses in the survey, so that a probe is not of an empty
	// collection.
	r := storage.NewResponses(db)
	var subs []storage.Submission
	for i := range 200 {
		subs = append(subs, response(sv, fmt.Sprint("s", i), "aby", i))
	}
	if _, err := r.Add(ctx, subs); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.CrashedBatchForTest(ctx, storage.NewResponses(db), subs[:1], -1); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if n, err := storage.NewResponses(db).RecoverPending(ctx, time.Now().Add(time.Hour)); n != 0 || err != nil {
		t.Fatalf("recovery: got %d, %v; want 0, nil", n, err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("recovery of an unused lease took %v; want well under 2 s", took)
	}
	if leases, markers, err := storage.LeaseDocsForTest(ctx, db, sv.ID); leases != 0 || markers != 0 || err != nil {
		t.Errorf("after recovery: got %d leases, %d markers, %v; want none", leases, markers, err)
	}
	if n, err := r.Count(ctx, sv.ID); n != 200 || err != nil {
		t.Errorf("count: got %d, %v; want 200", n, err)
	}
}

// An ordered insert stops at a duplicate: the rest of the batch is
// inserted after it, each submission keeps its own outcome, a retry with
// the same body is found and another body under the key refused, and each
// new response is counted once; Add leaves no lease or marker behind.
func TestADuplicateInTheMiddleOfABatch(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	sv := openSurvey(t, db)
	r := storage.NewResponses(db)
	first := []storage.Submission{response(sv, "d1", "aby", 1), response(sv, "d2", "bby", 2)}
	if _, err := r.Add(ctx, first); err != nil {
		t.Fatal(err)
	}
	retry := response(sv, "d1", "aby", 1)
	retry.SameRequest = true
	reused := response(sv, "d2", "aby", 3)
	reused.SameRequest = true
	batch := []storage.Submission{response(sv, "n1", "aby", 4), retry, response(sv, "n2", "bby", 5), reused, response(sv, "n3", "aby", 6)}
	results := r.AddEach(ctx, batch)
	for i, want := range []struct {
		created bool
		err     error
	}{{true, nil}, {false, nil}, {true, nil}, {false, storage.ErrKeyReused}, {true, nil}} {
		if results[i].Created != want.created || !errors.Is(results[i].Err, want.err) {
			t.Errorf("submission %d: got %+v; want created %v, err %v", i, results[i], want.created, want.err)
		}
	}
	if err := r.FlushMarkers(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Count(ctx, sv.ID); n != 5 || err != nil {
		t.Errorf("count: got %d, %v; want 5", n, err)
	}
	if ok, err := r.VerifyTallies(ctx, sv); !ok || err != nil {
		t.Errorf("tallies: got equal to a recount = %v, %v; want true", ok, err)
	}
	if leases, markers, err := storage.LeaseDocsForTest(ctx, db, sv.ID); leases != 0 || markers != 0 || err != nil {
		t.Errorf("after Add: got %d leases, %d markers, %v; want none", leases, markers, err)
	}
}
