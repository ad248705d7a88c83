package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
)

func TestCommitterStoresConcurrentSubmissionsExactlyOnce(t *testing.T) {
	db := dbtest.New(t)
	responses := storage.NewResponses(db)
	sv := openSurvey(t, db)
	c := storage.NewCommitter(responses, storage.CommitterOptions{MaxBatch: 16})
	defer c.Close(context.Background())
	const n = 80
	created := make([]bool, 2*n)
	errs := make([]error, 2*n)
	var wg sync.WaitGroup
	for i := range 2 * n { // every id twice, at the same time
		wg.Add(1)
		go func() {
			defer wg.Done()
			village := []string{"aby", "bby"}[i%n%2]
			created[i], errs[i] = c.Submit(context.Background(), response(sv, fmt.Sprintf("r%03d", i%n), village, i%n))
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || errs[i+n] != nil {
			t.Fatalf("r%03d: got errors %v, %v; want none", i, errs[i], errs[i+n])
		}
		if created[i] == created[i+n] {
			t.Errorf("r%03d: got created %v and %v; want exactly one created", i, created[i], created[i+n])
		}
	}
	if got, _ := responses.Count(context.Background(), sv.ID); got != n {
		t.Errorf("got %d counted; want %d", got, n)
	}
	if st := c.Stats(); st.Submissions != 2*n || st.Batches < 2*n/16 || st.Batches > 2*n {
		t.Errorf("got %+v; want %d submissions in %d to %d batches of at most 16", st, 2*n, 2*n/16, 2*n)
	}
	if ok, err := responses.VerifyTallies(context.Background(), sv); !ok || err != nil {
		t.Errorf("got tallies equal to a recount = %v, %v; want true", ok, err)
	}
}

func TestCommitterFailsOnlyTheBadDocument(t *testing.T) {
	db := dbtest.New(t)
	responses := storage.NewResponses(db)
	sv := openSurvey(t, db)
	c := storage.NewCommitter(responses, storage.CommitterOptions{MaxWait: 50 * time.Millisecond})
	defer c.Close(context.Background())
	bad := response(sv, "bad", "aby", 1)
	bad.Response.Answers["q6"] = survey.Answer{Text: strings.Repeat("x", 17<<20)} // over 16 MiB: no server takes it
	subs := []storage.Submission{response(sv, "good1", "aby", 2), bad, response(sv, "good2", "bby", 3)}
	errs := make([]error, len(subs))
	var wg sync.WaitGroup
	for i, sub := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.Submit(context.Background(), sub)
		}()
	}
	wg.Wait()
	if errs[1] == nil {
		t.Errorf("the oversized document: got no error; want one")
	}
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("the good documents: got %v, %v; want stored", errs[0], errs[2])
	}
	if got, _ := responses.Count(context.Background(), sv.ID); got != 2 {
		t.Errorf("got %d counted; want 2", got)
	}
}

func TestCommitterCloseWritesWhatWasQueued(t *testing.T) {
	db := dbtest.New(t)
	responses := storage.NewResponses(db)
	sv := openSurvey(t, db)
	c := storage.NewCommitter(responses, storage.CommitterOptions{MaxBatch: 4})
	const n = 40
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = c.Submit(context.Background(), response(sv, fmt.Sprintf("c%02d", i), "aby", i))
		}()
	}
	time.Sleep(5 * time.Millisecond)
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	stored := 0
	for i, err := range results {
		switch {
		case err == nil:
			stored++
		case !errors.Is(err, storage.ErrStopping):
			t.Errorf("c%02d: got %v; want stored or refused as stopping", i, err)
		}
	}
	if got, _ := responses.Count(context.Background(), sv.ID); got != stored {
		t.Errorf("got %d counted; want the %d answered as stored", got, stored)
	}
	if _, err := c.Submit(context.Background(), response(sv, "late", "aby", 1)); !errors.Is(err, storage.ErrStopping) {
		t.Errorf("after Close: got %v; want ErrStopping", err)
	}
}

func TestCommitterSkipsCallersThatGaveUp(t *testing.T) {
	db := dbtest.New(t)
	responses := storage.NewResponses(db)
	sv := openSurvey(t, db)
	c := storage.NewCommitter(responses, storage.CommitterOptions{})
	defer c.Close(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Submit(ctx, response(sv, "gone", "aby", 1)); !errors.Is(err, survey.ErrUnavailable) {
		t.Errorf("got %v; want unavailable", err)
	}
	time.Sleep(20 * time.Millisecond)
	if got, _ := responses.Count(context.Background(), sv.ID); got != 0 {
		t.Errorf("got %d counted; want 0", got)
	}
}

func TestFoldKeepsTalliesExact(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	responses := storage.NewResponses(db)
	sv := openSurvey(t, db)
	for i := range 12 {
		if _, err := responses.Add(ctx, []storage.Submission{response(sv, fmt.Sprintf("f%02d", i), []string{"aby", "bby"}[i%2], i)}); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := responses.Tallies(ctx, sv.ID)
	for range 2 { // twice: folding again changes nothing
		if err := responses.Fold(ctx, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := responses.Tallies(ctx, sv.ID)
	if len(after) != len(before) {
		t.Fatalf("got %d village tallies after folding; want %d", len(after), len(before))
	}
	for i := range before {
		if !survey.SameTally(before[i], after[i]) {
			t.Errorf("village %s: got %+v after folding; want %+v", before[i].Village, after[i], before[i])
		}
	}
	if _, err := responses.Add(ctx, []storage.Submission{response(sv, "f99", "aby", 99)}); err != nil {
		t.Fatal(err)
	}
	if ok, err := responses.VerifyTallies(ctx, sv); !ok || err != nil {
		t.Errorf("folded tally plus a new delta: got %v, %v; want equal to a recount", ok, err)
	}
}

// A batch's callers are answered once its responses are stored; its counts
// are written with the next batch's marker. Until then the instance reads
// them from memory, another instance does not see them yet, a crash leaves
// the marker for recovery, and a write after the recovery counts nothing twice.
func TestOwedCountsAreReadAtOnceAndCountedOnceAfterACrash(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	responses := storage.NewResponses(db)
	sv := openSurvey(t, db)
	subs := []storage.Submission{response(sv, "o1", "aby", 1), response(sv, "o2", "bby", 2)}
	for i, r := range storage.AddOwingForTest(ctx, responses, subs) {
		if r.Err != nil || !r.Created {
			t.Fatalf("submission %d: got %+v; want created", i, r)
		}
	}
	other := storage.NewResponses(db) // another instance, or this one after a crash
	for _, tt := range []struct {
		name string
		r    *storage.Responses
		want int
	}{
		{"the instance that stored them reads its owed counts", responses, 2},
		{"another instance sees only written counts", other, 0},
	} {
		if n, err := tt.r.Count(ctx, sv.ID); n != tt.want || err != nil {
			t.Errorf("%s: got %d, %v; want %d", tt.name, n, err, tt.want)
		}
	}
	if ok, err := responses.VerifyTallies(ctx, sv); !ok || err != nil {
		t.Errorf("owed counts: got tallies equal to a recount = %v, %v; want true", ok, err)
	}
	// The crash: other recovers the batch from its marker.
	if n, err := other.RecoverPending(ctx, time.Now().Add(time.Second)); n != 2 || err != nil {
		t.Fatalf("recovery: got %d, %v; want 2, nil", n, err)
	}
	// The first instance writes its owed counts after all: a duplicate.
	if err := storage.WriteCountsForTest(ctx, responses); err != nil {
		t.Fatalf("owed counts after a recovery: got %v; want nil", err)
	}
	if err := other.Fold(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*storage.Responses{responses, other} {
		if n, err := r.Count(ctx, sv.ID); n != 2 || err != nil {
			t.Errorf("after recovery and the late write: got %d, %v; want 2", n, err)
		}
		if ok, err := r.VerifyTallies(ctx, sv); !ok || err != nil {
			t.Errorf("after recovery and the late write: got tallies equal to a recount = %v, %v; want true", ok, err)
		}
	}
	if n, err := other.RecoverPending(ctx, time.Now().Add(time.Second)); n != 0 || err != nil {
		t.Errorf("a second recovery: got %d, %v; want 0, nil", n, err)
	}
}

// A batch as large as the last one, with nothing announced on its way, is
// written at once rather than after the quiet spell (a tenth of MaxWait:
// 100 ms here): a lone submission after a lone one waits for nobody.
func TestCommitterWritesAtOnceWhatIsAsMuchAsLastTime(t *testing.T) {
	db := dbtest.New(t)
	responses := storage.NewResponses(db)
	sv := openSurvey(t, db)
	c := storage.NewCommitter(responses, storage.CommitterOptions{MaxWait: time.Second})
	defer c.Close(context.Background())
	times := make([]time.Duration, 0, 5)
	for i := range cap(times) {
		start := time.Now()
		if _, err := c.Submit(context.Background(), response(sv, fmt.Sprint("lone-", i), "aby", i)); err != nil {
			t.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	if p50 := times[len(times)/2]; p50 >= 80*time.Millisecond {
		t.Errorf("got p50 %v for a lone submission after a lone one; want under 80 ms (the quiet spell is 100 ms)", p50)
	}
}
