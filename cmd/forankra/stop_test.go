package main

import (
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestGracefulStopStoresEveryAnsweredSubmission sends SIGTERM in the middle
// of a load: the process exits cleanly, and the database holds exactly the
// submissions that were answered 201 (none answered and lost, none stored
// without an answer).
func TestGracefulStopStoresEveryAnsweredSubmission(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the service as a process")
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	svc := startProc(t, freeAddr(t), "FORANKRA_DATA_DIR="+dataDir)
	token := svc.signIn()
	surveyID := svc.openSurvey(token)
	path := svc.base + "/api/v1/surveys/" + surveyID + "/responses"
	var answered, next atomic.Int64
	var once sync.Once
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= 3000 {
					return
				}
				code, _, err := call("POST", path, "", responseBody(i), "Idempotency-Key", key("stop", i))
				if err != nil {
					return // the listener is closed: the stop has begun
				}
				if code == http.StatusCreated && answered.Add(1) == 200 {
					once.Do(func() { _ = svc.cmd.Process.Signal(syscall.SIGTERM) })
				}
			}
		}()
	}
	wg.Wait()
	select {
	case <-svc.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the service did not stop in 30 s")
	}
	if code := svc.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code: got %d; want 0\n%s", code, svc.out)
	}
	emb := startDB(t, dataDir, "127.0.0.1:0")
	defer emb.Stop()
	verifyDirect(t, emb.URI(), "forankra", surveyID, int(answered.Load()))
}

// TestGracefulStopIsNotHeldByAConnectionThatSentNothing opens connections
// that never send a request, as an HTTP client's pool does when it dials a
// spare connection under load, and stops the service: it must exit cleanly
// at once, not wait out the read timeout (30 s, longer than the stop's 20 s).
func TestGracefulStopIsNotHeldByAConnectionThatSentNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the service as a process")
	}
	addr := freeAddr(t)
	svc := startProc(t, addr, "FORANKRA_DATA_DIR="+filepath.Join(t.TempDir(), "data"))
	for range 3 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
	}
	// A keep-alive connection that did carry a request stays open too.
	if code, _, err := call("GET", svc.base+"/healthz", "", nil); err != nil || code != http.StatusOK {
		t.Fatalf("healthz: got %d (%v); want 200", code, err)
	}
	time.Sleep(200 * time.Millisecond) // the connections are being served
	start := time.Now()
	svc.stop()
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("graceful stop with idle connections: took %v; want under 5 s", took.Round(time.Millisecond))
	}
}
