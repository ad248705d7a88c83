package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// start runs the service on a free port with the given environment and
// returns its base URL and a function that stops it and returns run's error.
func start(t *testing.T, env map[string]string, args ...string) (string, func() error) {
	t.Helper()
	base, stop, _ := startOut(t, env, args...)
	return base, stop
}

// startOut is start that also returns what the service printed so far that
// is not a log line (the demo's sign-in text).
func startOut(t *testing.T, env map[string]string, args ...string) (string, func() error, func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, pw)
		pw.Close()
	}()
	var mu sync.Mutex
	var printed strings.Builder
	out := func() string { mu.Lock(); defer mu.Unlock(); return printed.String() }
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				mu.Lock()
				printed.WriteString(sc.Text() + "\n")
				mu.Unlock()
				continue
			}
			if line.Msg == "listening" {
				addr <- line.Addr
			}
		}
	}()
	select {
	case a := <-addr:
		return "http://" + a, func() error { cancel(); return <-done }, out
	case err := <-done:
		cancel()
		t.Fatalf("run ended before listening: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("the service did not start within a minute")
	}
	return "", nil, nil
}

func post(t *testing.T, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestServiceKeepsItsDataAcrossRestarts(t *testing.T) {
	env := map[string]string{
		"FORANKRA_DATA_DIR":       t.TempDir(),
		"FORANKRA_ADMIN_EMAIL":    "admin@example.se",
		"FORANKRA_ADMIN_PASSWORD": "ett långt lösenord",
	}
	base, stop := start(t, env)
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(base + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: got %v, %v; want 200", path, resp, err)
		}
		resp.Body.Close()
	}
	code, tok := post(t, base+"/api/v1/tokens", "", `{"email":"Admin@Example.se","password":"ett långt lösenord"}`)
	if code != 201 {
		t.Fatalf("sign in: got %d %v; want 201", code, tok)
	}
	token := tok["token"].(string)
	if code, v := post(t, base+"/api/v1/villages", token, `{"name":"Österåker","population":260}`); code != 201 || v["slug"] != "osteraker" {
		t.Fatalf("create village: got %d %v; want 201 osteraker", code, v)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: got %v; want nil", err)
	}

	base, stop = start(t, env)
	defer stop()
	req, _ := http.NewRequest("GET", base+"/api/v1/villages", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var villages []map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&villages)
	if resp.StatusCode != 200 || len(villages) != 1 || villages[0]["name"] != "Österåker" {
		t.Errorf("after restart: got %d %v; want the village and a token still valid", resp.StatusCode, villages)
	}
}

// README: "set FORANKRA_ADMIN_PASSWORD to choose it instead" — the
// password alone, with -demo, is the demo accounts' password.
func TestDemoTakesItsPasswordFromTheEnvironment(t *testing.T) {
	const password = "ett-eget-långt-demolösenord"
	env := map[string]string{"FORANKRA_DATA_DIR": t.TempDir(), "FORANKRA_ADMIN_PASSWORD": password}
	base, stop, out := startOut(t, env, "-demo")
	defer stop()
	if !strings.Contains(out(), "password: the value of FORANKRA_ADMIN_PASSWORD") {
		t.Errorf("printed: got %q; want it to name the variable", out())
	}
	for _, email := range []string{"admin@demo.forankra.se", "forum@demo.forankra.se"} {
		if code, b := post(t, base+"/api/v1/tokens", "", `{"email":"`+email+`","password":"`+password+`"}`); code != 201 {
			t.Errorf("sign in as %s with the variable's password: got %d %v; want 201", email, code, b)
		}
	}
}

func TestDemoSeedsOnceAndPrintsHowToSignIn(t *testing.T) {
	env := map[string]string{"FORANKRA_DATA_DIR": t.TempDir()}
	base, stop, out := startOut(t, env, "-demo")
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Service och framtid i byarna") || !strings.Contains(string(b), "Högsjö") {
		t.Errorf("start page: got %d; want the demo survey listed under its villages", resp.StatusCode)
	}
	m := regexp.MustCompile(`password \(shown only now\): (\S+)`).FindStringSubmatch(out())
	if m == nil {
		t.Fatalf("printed: got %q; want the demo password", out())
	}
	token := func(base, email string) string {
		code, tok := post(t, base+"/api/v1/tokens", "", `{"email":"`+email+`","password":"`+m[1]+`"}`)
		if code != 201 {
			t.Fatalf("sign in as %s with the printed password: got %d %v; want 201", email, code, tok)
		}
		return tok["token"].(string)
	}
	for _, u := range []string{"admin@demo.forankra.se", "hogsjo@demo.forankra.se", "forum@demo.forankra.se"} {
		if !strings.Contains(out(), u) {
			t.Errorf("printed: got %q; want the account %s listed", out(), u)
		}
		token(base, u)
	}
	counts := func(base string) map[string]int {
		tok := token(base, "admin@demo.forankra.se")
		got := map[string]int{}
		for _, path := range []string{"/api/v1/surveys", "/api/v1/proposals", "/api/v1/remisses", "/api/v1/users", "/api/v1/villages", "/api/v1/actions", "/api/v1/service-plans"} {
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var list []json.RawMessage
			if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			resp.Body.Close()
			got[path] = len(list)
		}
		return got
	}
	first := counts(base)
	if first["/api/v1/proposals"] < 5 || first["/api/v1/remisses"] < 4 || first["/api/v1/users"] < 6 || first["/api/v1/actions"] < 10 || first["/api/v1/service-plans"] != 1 {
		t.Errorf("seeded: got %v; want proposals, rounds, an account per role, action plans and the service plan", first)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	base, stop, out = startOut(t, env, "-demo")
	defer stop()
	if strings.Contains(out(), "password") {
		t.Errorf("second start printed %q; want no new password", out())
	}
	if second := counts(base); !maps.Equal(first, second) {
		t.Errorf("after a second -demo start: got %v; want %v (nothing added)", second, first)
	}
}

func TestBadConfigurationIsRefused(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"a min-n of zero", map[string]string{"FORANKRA_MIN_N": "0"}, nil},
		{"an unknown flag", nil, []string{"-nosuch"}},
		{"a short admin password", map[string]string{"FORANKRA_ADMIN_EMAIL": "a@b.se", "FORANKRA_ADMIN_PASSWORD": "kort"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env == nil {
				tt.env = map[string]string{}
			}
			tt.env["FORANKRA_DATA_DIR"] = t.TempDir()
			err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, tt.args...), func(k string) string { return tt.env[k] }, io.Discard)
			if err == nil {
				t.Error("got nil; want an error")
			}
		})
	}
}
