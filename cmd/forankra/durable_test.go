package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestKillNineMidLoadLosesNothingAndCountsNothingTwice runs the service on
// the embedded database, loads it with concurrent clients that each send an
// Idempotency-Key, kills it with SIGKILL in the middle, starts it again on the
// same data and retries every request: each retry must get 201 with the id of
// the first, and the database must hold exactly one response per key with
// tallies equal to a recount.
func TestKillNineMidLoadLosesNothingAndCountsNothingTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the service as a process")
	}
	const (
		requests = 1200
		clients  = 16
		killAt   = 300 // successful submissions before the kill
	)
	dataDir := filepath.Join(t.TempDir(), "data")
	addr := freeAddr(t)
	first := startProc(t, addr, "FORANKRA_DATA_DIR="+dataDir)
	token := first.signIn()
	surveyID := first.openSurvey(token)
	path := "/api/v1/surveys/" + surveyID + "/responses"

	// The first load, killed in the middle.
	var ok atomic.Int64
	var seenMu sync.Mutex
	seen := map[string]string{} // key → id answered before the kill
	var next atomic.Int64
	killed := make(chan struct{})
	var killOnce sync.Once
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= requests {
					return
				}
				select {
				case <-killed:
					return
				default:
				}
				k := key("load", i)
				code, b, err := call("POST", first.base+path, "", responseBody(i), "Idempotency-Key", k)
				if err != nil || code != http.StatusCreated {
					continue // the kill: retried below
				}
				var out struct{ ID string }
				_ = json.Unmarshal(b, &out)
				seenMu.Lock()
				seen[k] = out.ID
				seenMu.Unlock()
				if ok.Add(1) == killAt {
					killOnce.Do(func() {
						first.kill()
						close(killed)
					})
				}
			}
		}()
	}
	wg.Wait()
	killOnce.Do(func() { first.kill(); close(killed) })
	if n := ok.Load(); n < killAt {
		t.Fatalf("only %d submissions succeeded before the kill; want at least %d\n%s", n, killAt, first.out)
	}

	// Start again on the same data and retry every request of the load.
	second := startProc(t, addr, "FORANKRA_DATA_DIR="+dataDir)
	next.Store(0)
	var failures atomic.Int64
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= requests {
					return
				}
				k := key("load", i)
				code, b, err := call("POST", second.base+path, "", responseBody(i), "Idempotency-Key", k)
				var out struct{ ID string }
				_ = json.Unmarshal(b, &out)
				seenMu.Lock()
				before, answered := seen[k]
				seenMu.Unlock()
				switch {
				case err != nil || code != http.StatusCreated:
					t.Errorf("retry of %s: got %d %s (%v); want 201", k, code, b, err)
				case answered && out.ID != before:
					t.Errorf("retry of %s: got id %s; want the first answer's %s", k, out.ID, before)
				case out.ID != wantID(surveyID, k):
					t.Errorf("retry of %s: got id %s; want %s", k, out.ID, wantID(surveyID, k))
				default:
					continue
				}
				if failures.Add(1) > 10 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.Fatalf("service output:\n%s", second.out)
	}
	if got := second.storedCount(second.signIn(), surveyID); got != requests {
		t.Errorf("responses reported by the service: got %d; want %d", got, requests)
	}

	// A graceful stop, then the database itself: one response per key, and
	// the tallies equal a recount.
	second.stop()
	emb := startDB(t, dataDir, "127.0.0.1:0")
	defer emb.Stop()
	verifyDirect(t, emb.URI(), "forankra", surveyID, requests)
}

// TestRestartAfterKillNineAnswersAtOnceAndCountsExactly stores many
// responses, kills the service with SIGKILL in the middle of a keyed load
// and starts it again on the same data: it must answer /healthz within 2 s
// while it counts the unfinished batches in the background, take the
// clients' retries meanwhile, and end with counts equal to what is stored.
// FORANKRA_TEST_STORED sets how many responses are stored first (3,000 by
// default; the figure in the README was measured with 20,000).
func TestRestartAfterKillNineAnswersAtOnceAndCountsExactly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the service as a process")
	}
	stored := 3000
	if v, err := strconv.Atoi(os.Getenv("FORANKRA_TEST_STORED")); err == nil && v > 0 {
		stored = v
	}
	const (
		requests = 1200
		clients  = 16
		killAt   = 200
	)
	dataDir := filepath.Join(t.TempDir(), "data")
	addr := freeAddr(t)
	first := startProc(t, addr, "FORANKRA_DATA_DIR="+dataDir)
	token := first.signIn()
	surveyID := first.openSurvey(token)
	path := "/api/v1/surveys/" + surveyID + "/responses"
	fillStart := time.Now()
	parallel(stored, clients, func(i int) bool {
		code, b, err := call("POST", first.base+path, "", responseBody(i), "Idempotency-Key", key("fill", i))
		if err != nil || code != http.StatusCreated {
			t.Errorf("fill %d: got %d %s (%v); want 201", i, code, b, err)
			return false
		}
		return true
	})
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("stored %d responses in %v", stored, time.Since(fillStart).Round(time.Millisecond))

	// The load, killed in the middle: its batches in flight stay pending.
	var ok atomic.Int64
	var killOnce sync.Once
	kill := func() { killOnce.Do(first.kill) }
	parallel(requests, clients, func(i int) bool {
		code, _, err := call("POST", first.base+path, "", responseBody(i), "Idempotency-Key", key("load", i))
		if err == nil && code == http.StatusCreated && ok.Add(1) == killAt {
			kill()
		}
		return err == nil
	})
	kill()
	if n := ok.Load(); n < killAt {
		t.Fatalf("only %d submissions succeeded before the kill; want at least %d\n%s", n, killAt, first.out)
	}

	second := startProc(t, addr, "FORANKRA_DATA_DIR="+dataDir)
	if second.ready > 2*time.Second {
		t.Errorf("after the kill with %d responses stored: /healthz answered %v after the start; want within 2 s\n%s", stored, second.ready, second.out)
	}
	// The retries, while recovery may still run.
	retryStart := time.Now()
	parallel(requests, clients, func(i int) bool {
		k := key("load", i)
		code, b, err := call("POST", second.base+path, "", responseBody(i), "Idempotency-Key", k)
		var out struct{ ID string }
		_ = json.Unmarshal(b, &out)
		if err != nil || code != http.StatusCreated || out.ID != wantID(surveyID, k) {
			t.Errorf("retry of %s: got %d %s (%v); want 201 with id %s", k, code, b, err, wantID(surveyID, k))
			return false
		}
		return true
	})
	retried := time.Since(retryStart)
	token = second.signIn()
	want := stored + requests
	deadline := time.Now().Add(60 * time.Second)
	got := second.storedCount(token, surveyID)
	for got != want && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		got = second.storedCount(token, surveyID)
	}
	if got != want {
		t.Errorf("responses reported by the service: got %d; want %d\n%s", got, want, second.out)
	}
	t.Logf("with %d stored: /healthz after %v; %d retries took %v; counts exact %v after the retries began",
		stored, second.ready.Round(time.Millisecond), requests, retried.Round(time.Millisecond), time.Since(retryStart).Round(time.Millisecond))
	for _, line := range strings.Split(second.out.String(), "\n") {
		if strings.Contains(line, "recovered pending responses") {
			t.Log(line)
		}
	}

	second.stop()
	emb := startDB(t, dataDir, "127.0.0.1:0")
	defer emb.Stop()
	verifyDirect(t, emb.URI(), "forankra", surveyID, want)
}

// parallel calls f for 0..n-1 from clients goroutines, until f returns
// false more than ten times.
func parallel(n, clients int, f func(i int) bool) {
	var next, failures atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || failures.Load() > 10 {
					return
				}
				if !f(i) {
					failures.Add(1)
				}
			}
		}()
	}
	wg.Wait()
}
