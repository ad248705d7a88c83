package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
)

// binary is the service built once for the tests that run it as a process.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "forankra-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "forankra")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

const (
	adminEmail    = "admin@example.se"
	adminPassword = "ett-långt-lösenord"
)

// proc is one running service process.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	out  *syncBuffer
	done chan struct{}
	// ready is how long the process took from its start to its first
	// 200 on /healthz (to within the 50 ms between polls).
	ready time.Duration
}

// syncBuffer collects a process's output for failure messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freeAddr returns a 127.0.0.1 address with a port free at the moment.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startProc runs the service on addr with the extra environment and waits
// until it answers /healthz. The process is killed when the test ends.
func startProc(t *testing.T, addr string, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), "FORANKRA_ADDR="+addr, "FORANKRA_ADMIN_EMAIL="+adminEmail,
		"FORANKRA_ADMIN_PASSWORD="+adminPassword, "FORANKRA_SUBMIT_LIMIT=0")
	cmd.Env = append(cmd.Env, env...)
	p := &proc{t: t, cmd: cmd, base: "http://" + addr, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	startedAt := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start: %v", err)
	}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.ready = time.Since(startedAt)
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("the service exited at start:\n%s", p.out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the service did not start in 30 s:\n%s", p.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill stops the process with SIGKILL, as a crash would.
func (p *proc) kill() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.done
}

// stop asks the process to stop gracefully and waits for it.
func (p *proc) stop() {
	p.t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.t.Fatalf("the service did not stop in 30 s:\n%s", p.out)
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		p.t.Errorf("graceful stop: got exit code %d; want 0\n%s", code, p.out)
	}
}

var client = &http.Client{Timeout: 20 * time.Second}

// call sends a JSON request and returns the status and body; a transport
// error is status 0.
func call(method, u, token string, body any, headers ...string) (int, []byte, error) {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// mustCall is call that fails the test on a transport error or another status.
func (p *proc) mustCall(method, path, token string, body any, want int) []byte {
	p.t.Helper()
	code, b, err := call(method, p.base+path, token, body)
	if err != nil || code != want {
		p.t.Fatalf("%s %s: got %d %s (%v); want %d", method, path, code, b, err, want)
	}
	return b
}

// signIn returns a bearer token of the bootstrapped administrator.
func (p *proc) signIn() string {
	p.t.Helper()
	b := p.mustCall("POST", "/api/v1/tokens", "", map[string]string{"email": adminEmail, "password": adminPassword}, http.StatusCreated)
	var out struct{ Token string }
	if err := json.Unmarshal(b, &out); err != nil || out.Token == "" {
		p.t.Fatalf("token: %s", b)
	}
	return out.Token
}

// openSurvey creates two villages and an open survey for them; it returns
// the survey's id.
func (p *proc) openSurvey(token string) string {
	p.t.Helper()
	for _, name := range []string{"Åby", "Bäckby"} {
		p.mustCall("POST", "/api/v1/villages", token, map[string]any{"name": name}, http.StatusCreated)
	}
	def := map[string]any{
		"title": "Byns framtid", "villages": []string{"aby", "backby"}, "access": "link",
		"questions": []map[string]any{
			{"key": "q1", "type": "single", "prompt": "Viktigast?", "options": []string{"Skola", "Väg", "Buss"}, "required": true},
			{"key": "q2", "type": "likert", "prompt": "Bussen är bra."},
			{"key": "q3", "type": "text", "prompt": "Övrigt?", "max": 200},
		},
	}
	b := p.mustCall("POST", "/api/v1/surveys", token, def, http.StatusCreated)
	var sv struct{ ID string }
	if err := json.Unmarshal(b, &sv); err != nil || sv.ID == "" {
		p.t.Fatalf("survey: %s", b)
	}
	p.mustCall("POST", "/api/v1/surveys/"+sv.ID+"/open", token, nil, http.StatusOK)
	return sv.ID
}

// responseBody is the i-th test response, the same body for the same i.
func responseBody(i int) map[string]any {
	villages := []string{"aby", "backby"}
	options := []string{"Skola", "Väg", "Buss"}
	return map[string]any{"village": villages[i%2], "answers": map[string]any{
		"q1": options[i%3], "q2": 1 + i%5, "q3": fmt.Sprintf("svar %d", i)}}
}

// storedCount is the number of responses the service reports for the survey.
func (p *proc) storedCount(token, surveyID string) int {
	p.t.Helper()
	b := p.mustCall("GET", "/api/v1/surveys/"+surveyID, token, nil, http.StatusOK)
	var sv struct{ Responses *int }
	if err := json.Unmarshal(b, &sv); err != nil || sv.Responses == nil {
		p.t.Fatalf("survey: %s", b)
	}
	return *sv.Responses
}

// verifyDirect opens the database behind the service and checks that it
// holds want responses and that the tallies equal a recount.
func verifyDirect(t *testing.T, uri, dbName, surveyID string, want int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db, err := storage.Connect(ctx, uri, dbName, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	sv, err := storage.NewSurveys(db).Get(ctx, surveyID)
	if err != nil {
		t.Fatal(err)
	}
	responses := storage.NewResponses(db)
	recount, err := responses.Recount(ctx, sv)
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for _, tally := range recount {
		stored += tally.Responses
	}
	if stored != want {
		t.Errorf("stored responses: got %d; want %d", stored, want)
	}
	ok, err := responses.VerifyTallies(ctx, sv)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Errorf("the tallies differ from a recount of the stored responses")
	}
}

// startDB starts an embedded FerretDB on a TCP address that stays the same
// across restarts, for tests that take the database away.
func startDB(t *testing.T, dir, addr string) *storage.Embedded {
	t.Helper()
	var emb *storage.Embedded
	var err error
	for range 50 { // the port may linger for a moment after a stop
		emb, err = storage.StartEmbeddedTCP(dir, addr, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err == nil {
			return emb
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("start the database on %s: %v", addr, err)
	return nil
}

// mongoURI is the connection string of a database on addr.
func mongoURI(addr string) string {
	return (&url.URL{Scheme: "mongodb", Host: addr, Path: "/"}).String()
}

// key is the Idempotency-Key of the i-th request of a load.
func key(load string, i int) string { return fmt.Sprintf("%s-%05d", load, i) }

// wantID is the id a response with this key must get.
func wantID(surveyID, k string) string { return storage.ResponseID(surveyID, k) }
