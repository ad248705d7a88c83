package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
)

var t0 = time.Date(2026, 3, 10, 9, 0, 30, 0, time.UTC)

func TestLimitsCountEveryConcurrentHitOnce(t *testing.T) {
	db := dbtest.New(t)
	limits := storage.NewLimits(db)
	ctx := context.Background()
	var wg sync.WaitGroup
	var counted atomic.Int32
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := limits.Claim(ctx, "k", time.Minute, t0, 40)
			if err != nil {
				t.Errorf("claim: %v", err)
			}
			if n <= 40 {
				counted.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := counted.Load(); n != 40 {
		t.Errorf("got %d; want 40 (FerretDB loses concurrent $inc, so events are documents)", n)
	}
	if n, _ := limits.Claim(ctx, "k", time.Minute, t0.Add(30*time.Second), 40); n != 1 {
		t.Errorf("the next window: got event %d; want the first", n)
	}
	if n, err := limits.Sweep(ctx, t0.Add(time.Minute)); err != nil || n != 40 {
		t.Errorf("sweep: got %d (%v); want 40", n, err)
	}
}

func TestOnlyOneOfManyConcurrentClaimsOfACodeWins(t *testing.T) {
	db := dbtest.New(t)
	codes := storage.NewCodes(db)
	ctx := context.Background()
	made, err := codes.Make(ctx, "s1", "aby", 1, t0)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var wins, conflicts atomic.Int32
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := codes.Claim(ctx, "s1", "aby", made[0], fmt.Sprint("r", i), t0)
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, survey.ErrConflict):
				conflicts.Add(1)
			default:
				t.Errorf("claim: %v", err)
			}
		}(i)
	}
	wg.Wait()
	if wins.Load() != 1 || conflicts.Load() != 19 {
		t.Errorf("got %d wins and %d conflicts; want 1 and 19", wins.Load(), conflicts.Load())
	}
}

func TestSessionsExpireAndAreSwept(t *testing.T) {
	db := dbtest.New(t)
	sessions := storage.NewSessions(db)
	ctx := context.Background()
	short, _, err := sessions.Create(ctx, "u1", t0, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	long, sess, _ := sessions.Create(ctx, "u1", t0, time.Hour)
	if got, err := sessions.Get(ctx, long, t0); err != nil || got.CSRF != sess.CSRF || got.User != "u1" {
		t.Errorf("got %+v, %v; want the session", got, err)
	}
	if _, err := sessions.Get(ctx, short, t0.Add(time.Minute)); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("expired: got %v; want ErrNotFound", err)
	}
	if n, _ := sessions.Sweep(ctx, t0.Add(2*time.Hour)); n != 1 {
		t.Errorf("sweep: got %d; want 1 (the other was deleted on read)", n)
	}
}

func TestCodesAreClaimedOnceAndOnlyForTheirVillage(t *testing.T) {
	db := dbtest.New(t)
	codes := storage.NewCodes(db)
	ctx := context.Background()
	made, err := codes.Make(ctx, "s1", "aby", 2, t0)
	if err != nil || len(made) != 2 {
		t.Fatalf("got %v, %v; want 2 codes", made, err)
	}
	tests := []struct {
		name, village, code, response string
		want                          error
	}{
		{"another village", "backby", made[0], "r1", survey.ErrForbidden},
		{"an unknown code", "aby", "ABCD-EFGH", "r1", survey.ErrForbidden},
		{"garbage", "aby", "!!", "r1", survey.ErrForbidden},
		{"the first claim", "aby", made[0], "r1", nil},
		{"the same response again", "aby", made[0], "r1", nil},
		{"another response", "aby", made[0], "r2", survey.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := codes.Claim(ctx, "s1", tt.village, tt.code, tt.response, t0); !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Errorf("got %v; want %v", err, tt.want)
			}
		})
	}
	t.Run("codes of one survey do not open another", func(t *testing.T) {
		if _, err := codes.Claim(ctx, "s2", "aby", made[1], "r3", t0); !errors.Is(err, survey.ErrForbidden) {
			t.Errorf("got %v; want ErrForbidden", err)
		}
	})
	counts, _ := codes.Counts(ctx, "s1", []string{"aby"})
	if counts["aby"] != (storage.CodeCount{Made: 2, Used: 1}) {
		t.Errorf("got %+v; want 2 made, 1 used", counts["aby"])
	}
}

// What an attacker sends at random is a miss: each must be an index read,
// whatever the number stored (10,000 of each here; a scan of them took
// 60–400 ms before the embedded server's _id index).
func TestMissesAnAttackerSendsDoNotScan(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 10,000 codes, sessions, tokens and links")
	}
	db := dbtest.New(t)
	ctx := context.Background()
	codes, sessions, tokens, links := storage.NewCodes(db), storage.NewSessions(db), storage.NewTokens(db), storage.NewPasswordLinks(db)
	if _, err := codes.Make(ctx, "s1", "aby", 10000, t0); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, db)
	for _, name := range []string{"sessions", "tokens", "password_links"} {
		for i := 0; i < 10000; i += 1000 {
			docs := make([]any, 0, 1000)
			for j := i; j < i+1000; j++ {
				docs = append(docs, bson.M{"_id": storage.HashSecret(fmt.Sprint(name, j)), "user": "u1", "expires": t0.Add(time.Hour)})
			}
			if _, err := raw.Collection(name).InsertMany(ctx, docs); err != nil {
				t.Fatal(err)
			}
		}
	}
	dbtest.IndexIDs(t)
	tests := []struct {
		name string
		miss func(i int) error
		want error
	}{
		{"a wrong one-time code", func(i int) error {
			_, err := codes.Claim(ctx, "s1", "aby", survey.NewCode(), fmt.Sprint("r", i), t0)
			return err
		}, survey.ErrForbidden},
		{"an unknown session", func(i int) error { _, err := sessions.Get(ctx, fmt.Sprint("okänd-", i), t0); return err }, survey.ErrNotFound},
		{"an unknown token", func(i int) error { _, err := tokens.User(ctx, fmt.Sprint("okänd-", i), t0); return err }, survey.ErrNotFound},
		{"an unknown password link", func(i int) error { _, err := links.Peek(ctx, fmt.Sprint("okänd-", i), t0); return err }, survey.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			times := make([]time.Duration, 0, 21)
			for i := range cap(times) {
				start := time.Now()
				if err := tt.miss(i); !errors.Is(err, tt.want) {
					t.Fatalf("got %v; want %v", err, tt.want)
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			if p50 := times[len(times)/2]; p50 > 20*time.Millisecond {
				t.Errorf("got p50 %v; want under 20 ms", p50)
			}
		})
	}
}
