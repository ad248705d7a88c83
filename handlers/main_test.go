package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

func TestMain(m *testing.M) {
	code := dbtest.Main(m)
	stopBrowser()
	os.Exit(code)
}

// testApp is the whole service on a fresh database, with a clock the test
// controls.
type testApp struct {
	t   *testing.T
	app *fiber.App
	db  *storage.DB
	now time.Time
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	ta := &testApp{t: t, db: dbtest.New(t), now: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now }})
	return ta
}

// user creates an account directly in storage and returns a bearer token for it.
func (ta *testApp) user(role string, villages ...string) string {
	ta.t.Helper()
	ctx := context.Background()
	email := role + "-" + storage.NewID() + "@example.se"
	u, hash, err := survey.NewUser{Email: email, Name: "Test " + role, Password: "ett-långt-lösenord", Role: role, Villages: villages}.User(ta.now)
	if err != nil {
		ta.t.Fatalf("user: %v", err)
	}
	if err := storage.NewUsers(ta.db).Create(ctx, &u, hash); err != nil {
		ta.t.Fatalf("user: %v", err)
	}
	token, err := storage.NewTokens(ta.db).Create(ctx, u.ID, ta.now, time.Hour)
	if err != nil {
		ta.t.Fatalf("token: %v", err)
	}
	return token
}

// do sends a request with an optional JSON body and bearer token, and
// returns the status and body.
func (ta *testApp) do(method, path, token string, body any, headers ...string) (int, []byte) {
	ta.t.Helper()
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
			ta.t.Fatalf("marshal: %v", err)
		}
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return ta.send(req)
}

// form posts an HTML form.
func (ta *testApp) form(path string, values url.Values) (int, []byte, http.Header) {
	ta.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := ta.app.Test(req, -1)
	if err != nil {
		ta.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func (ta *testApp) send(req *http.Request) (int, []byte) {
	ta.t.Helper()
	resp, err := ta.app.Test(req, -1)
	if err != nil {
		ta.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// decode unmarshals a JSON body or fails the test.
func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

// checkPage fails unless the page answered 200 with every text of want and
// none of notWant.
func checkPage(t *testing.T, code int, page []byte, want, notWant []string) {
	t.Helper()
	if code != 200 {
		t.Fatalf("got %d; want 200", code)
	}
	for _, w := range want {
		if !strings.Contains(string(page), w) {
			t.Errorf("got a page without %q", w)
		}
	}
	for _, w := range notWant {
		if strings.Contains(string(page), w) {
			t.Errorf("got a page with %q; want it not shown", w)
		}
	}
}
