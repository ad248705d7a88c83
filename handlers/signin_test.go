package handlers

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
)

// signInApp is a test app that takes the client's address from
// X-Forwarded-For and counts the passwords it hashes at sign-in.
func signInApp(t *testing.T) (*testApp, *atomic.Int64) {
	t.Helper()
	checks := &atomic.Int64{}
	ta := &testApp{t: t, db: dbtest.New(t), now: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return ta.now }, ProxyHeader: "X-Forwarded-For",
		PasswordChecked: func() { checks.Add(1) }})
	return ta, checks
}

// tokenFrom is POST /api/v1/tokens from addr; it returns the status and the
// Retry-After header. Safe from several goroutines.
func (ta *testApp) tokenFrom(addr, email, password string) (int, string) {
	body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
	req := httptest.NewRequest("POST", "/api/v1/tokens", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := ta.app.Test(req, -1)
	if err != nil {
		ta.t.Errorf("POST /api/v1/tokens: %v", err)
		return 0, ""
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

const rightPassword = "ett-långt-lösenord"

func TestAHundredParallelGuessesGetAtMostTenChecked(t *testing.T) {
	ta, checks := signInApp(t)
	a := ta.account(survey.RoleOfficial)
	var wg sync.WaitGroup
	codes := make([]int, 100)
	retry := make([]string, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			password := fmt.Sprintf("gissning-nummer-%d", i)
			if i == 90 {
				password = rightPassword // the attacker's lucky guess comes late
			}
			codes[i], retry[i] = ta.tokenFrom("10.0.0.1", a.user.Email, password)
		}()
	}
	wg.Wait()
	t.Logf("%d of 100 parallel guesses had their password checked", checks.Load())
	if n := checks.Load(); n < 1 || n > maxSignInPair {
		t.Errorf("got %d passwords checked; want 1 to %d", n, maxSignInPair)
	}
	for i, code := range codes {
		switch {
		case code == http.StatusTooManyRequests:
			if s, err := strconv.Atoi(retry[i]); err != nil || s < 1 || s > int(signInWindow/time.Second) {
				t.Errorf("guess %d: got 429 with Retry-After %q; want 1 to %d seconds", i, retry[i], int(signInWindow/time.Second))
			}
		case code != http.StatusUnauthorized && !(i == 90 && code == http.StatusCreated):
			t.Errorf("guess %d: got %d; want 401 or 429", i, code)
		}
	}
	tests := []struct {
		name, addr string
		want       int
	}{
		{"the right password from the hammering address waits for the window", "10.0.0.1", http.StatusTooManyRequests},
		{"the right password from another address signs in", "10.0.0.2", http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := ta.tokenFrom(tt.addr, a.user.Email, rightPassword); got != tt.want {
				t.Errorf("got %d; want %d", got, tt.want)
			}
		})
	}
	t.Run("after the window the hammering address may try again", func(t *testing.T) {
		ta.now = ta.now.Add(signInWindow)
		if got, _ := ta.tokenFrom("10.0.0.1", a.user.Email, rightPassword); got != http.StatusCreated {
			t.Errorf("got %d; want 201", got)
		}
	})
}

func TestTheOwnerSignsInFromAnotherAddressWhileOneHammers(t *testing.T) {
	tests := []struct {
		name  string
		email func(owner string, i int) string
	}{
		{"guesses at the owner's account", func(owner string, _ int) string { return owner }},
		{"guesses at random emails", func(_ string, i int) string { return fmt.Sprintf("slump-%d@example.se", i) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta, _ := signInApp(t)
			a := ta.account(survey.RoleOfficial)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var bad atomic.Int64
			var n atomic.Int64
			for w := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; ; i += 16 {
						select {
						case <-stop:
							return
						default:
						}
						n.Add(1)
						if code, _ := ta.tokenFrom("10.0.0.1", tt.email(a.user.Email, i), "gissning-gissning"); code != http.StatusUnauthorized && code != http.StatusTooManyRequests {
							bad.Add(1)
						}
					}
				}()
			}
			time.Sleep(300 * time.Millisecond) // the hammering is under way
			code, _ := ta.tokenFrom("10.0.0.2", a.user.Email, rightPassword)
			close(stop)
			wg.Wait()
			if code != http.StatusCreated {
				t.Errorf("the owner from another address: got %d after %d guesses; want 201", code, n.Load())
			}
			if bad.Load() > 0 {
				t.Errorf("got %d guesses answered other than 401 or 429; want none", bad.Load())
			}
		})
	}
}

func TestATownHallsAddressLocksNoAccount(t *testing.T) {
	ta, _ := signInApp(t)
	colleague := ta.account(survey.RoleOfficial)
	// 36 people behind one address mistype their passwords (or one of them
	// tries random emails): more than the old limit of 30 for an address.
	for i := range 36 {
		if code, _ := ta.tokenFrom("192.0.2.7", fmt.Sprintf("person-%d@kommun.se", i), "fel-lösenord-igen"); code != http.StatusUnauthorized && code != http.StatusTooManyRequests {
			t.Fatalf("attempt %d: got %d; want 401 or 429", i, code)
		}
	}
	if got, _ := ta.tokenFrom("192.0.2.7", colleague.user.Email, rightPassword); got != http.StatusCreated {
		t.Errorf("a colleague behind the same address: got %d; want 201", got)
	}
}

func TestSignInDelayGrowsWithAttemptsAndStaysBounded(t *testing.T) {
	tests := []struct {
		name             string
		account, address int
		want             time.Duration
	}{
		{"the first attempts wait for nothing", 1, 1, 0},
		{"the free attempts of an account", freeSignInsAccount, freeSignInsAddress, 0},
		{"one past the account's free attempts", freeSignInsAccount + 1, 1, 250 * time.Millisecond},
		{"one past the address's free attempts", 1, freeSignInsAddress + 1, 50 * time.Millisecond},
		{"a flood waits at most the ceiling", 10_000, 10_000, maxSignInDelay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := signInDelay(tt.account, tt.address); got != tt.want {
				t.Errorf("got %v; want %v", got, tt.want)
			}
		})
	}
}

func TestTheSignInPageSaysWhenToComeBack(t *testing.T) {
	ta, _ := signInApp(t)
	a := ta.account(survey.RoleOfficial)
	for range maxSignInPair {
		ta.tokenFrom("10.0.0.1", a.user.Email, "gissning-gissning")
	}
	form, cookies := ta.signInForm()
	form.Set("email", a.user.Email)
	form.Set("password", rightPassword)
	resp, body := ta.postWithCookies("/logga-in", form, cookies, "X-Forwarded-For", "10.0.0.1")
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "För många misslyckade försök") {
		t.Errorf("got %d; want 429 with a Swedish message", resp.StatusCode)
	}
	if got, want := resp.Header.Get("Retry-After"), strconv.Itoa(int(signInWindow/time.Second)); got != want {
		t.Errorf("Retry-After: got %q; want %q (the window began at the test's start)", got, want)
	}
}
