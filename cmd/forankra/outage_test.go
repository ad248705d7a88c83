package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDatabaseOutageGives503AndRecovers runs the service against a database
// the test controls, takes the database away and brings it back on the same
// address: while it is away /readyz and submissions answer 503 within
// seconds (the phone page in Swedish, with the resident's answers kept), and
// afterwards the service works again by itself.
func TestDatabaseOutageGives503AndRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the service as a process")
	}
	dbDir := filepath.Join(t.TempDir(), "db")
	dbAddr := freeAddr(t)
	emb := startDB(t, dbDir, dbAddr)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			emb.Stop()
		}
	})
	svc := startProc(t, freeAddr(t), "MONGODB_URI="+mongoURI(dbAddr), "FORANKRA_DB=outage")
	token := svc.signIn()
	surveyID := svc.openSurvey(token)
	api := "/api/v1/surveys/" + surveyID + "/responses"
	phone := "/s/" + surveyID + "/aby"
	svc.mustCall("POST", api, "", responseBody(0), http.StatusCreated)
	page := string(svc.mustCall("GET", phone, "", nil, http.StatusOK))
	nonce := regexp.MustCompile(`name="nonce" value="([^"]+)"`).FindStringSubmatch(page)
	if nonce == nil {
		t.Fatalf("no nonce in the phone page:\n%s", page)
	}

	svc.stopDB(t, emb)
	stopped = true

	t.Run("readyz says the database is away", func(t *testing.T) {
		start := time.Now()
		code, b, err := call("GET", svc.base+"/readyz", "", nil)
		if err != nil || code != http.StatusServiceUnavailable {
			t.Errorf("got %d %s (%v); want 503", code, b, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v; want a few seconds at most", d)
		}
	})
	t.Run("a JSON submission gets 503 with the API's error shape", func(t *testing.T) {
		start := time.Now()
		code, b, err := call("POST", svc.base+api, "", responseBody(1), "Idempotency-Key", "outage-1")
		if err != nil || code != http.StatusServiceUnavailable {
			t.Fatalf("got %d %s (%v); want 503", code, b, err)
		}
		if d := time.Since(start); d > 8*time.Second {
			t.Errorf("took %v; want a few seconds at most", d)
		}
		var body struct{ Error string }
		if json.Unmarshal(b, &body) != nil || !strings.Contains(body.Error, "databasen") {
			t.Errorf("got body %s; want a JSON error about the database", b)
		}
	})
	t.Run("the phone page keeps the answers and explains in Swedish", func(t *testing.T) {
		form := url.Values{"nonce": {nonce[1]}, "q_q1": {"Buss"}, "q_q2": {"4"}, "q_q3": {"Mitt eget svar om bussen"}}
		req, _ := http.NewRequest("POST", svc.base+phone, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		html := string(b)
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("got %d; want 503", resp.StatusCode)
		}
		for _, want := range []string{"inte når databasen", "Dina svar finns kvar", "Mitt eget svar om bussen", nonce[1]} {
			if !strings.Contains(html, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
	})
	t.Run("healthz still says the process is up", func(t *testing.T) {
		if code, b, err := call("GET", svc.base+"/healthz", "", nil); err != nil || code != http.StatusOK {
			t.Errorf("got %d %s (%v); want 200", code, b, err)
		}
	})

	emb = startDB(t, dbDir, dbAddr)
	stopped = false

	t.Run("the service recovers by itself", func(t *testing.T) {
		deadline := time.Now().Add(20 * time.Second)
		for {
			code, _, _ := call("GET", svc.base+"/readyz", "", nil)
			if code == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("readyz still %d after 20 s", code)
			}
			time.Sleep(200 * time.Millisecond)
		}
		// The same key again: stored once, whether or not the first try
		// reached the database.
		for range 2 {
			code, b, err := call("POST", svc.base+api, "", responseBody(1), "Idempotency-Key", "outage-1")
			if err != nil || code != http.StatusCreated {
				t.Fatalf("got %d %s (%v); want 201", code, b, err)
			}
		}
		if got := svc.storedCount(token, surveyID); got != 2 {
			t.Errorf("responses: got %d; want 2", got)
		}
	})
	svc.stop()
	verifyDirect(t, mongoURI(dbAddr), "outage", surveyID, 2)
}

// stopDB stops the database under the service and waits until the service
// notices (its idle connections are closed by the server within seconds).
func (p *proc) stopDB(t *testing.T, emb interface{ Stop() }) {
	t.Helper()
	done := make(chan struct{})
	go func() { emb.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the database did not stop in 30 s")
	}
}
