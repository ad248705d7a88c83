package handlers

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

var hiddenField = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// hidden returns the hidden fields of a page.
func hidden(page []byte) url.Values {
	out := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(string(page), -1) {
		out.Set(m[1], html.UnescapeString(m[2]))
	}
	return out
}

// phoneValues fetches a phone page and adds its nonce and signed token to
// the answers, as a browser posting the form would.
func (ta *testApp) phoneValues(path string, answers url.Values) url.Values {
	ta.t.Helper()
	code, b := ta.do("GET", path, "", nil)
	if code != http.StatusOK {
		ta.t.Fatalf("GET %s: got %d; want 200", path, code)
	}
	h := hidden(b)
	out := url.Values{}
	for k, v := range answers {
		out[k] = v
	}
	out.Set("nonce", h.Get("nonce"))
	out.Set("_token", h.Get("_token"))
	return out
}

// account is a user made directly in storage, with a bearer token and a
// page session.
type account struct {
	user    survey.User
	token   string
	session string
	csrf    string
}

// account creates a user with a token and a session.
func (ta *testApp) account(role string, villages ...string) account {
	ta.t.Helper()
	cx := context.Background()
	email := role + "-" + storage.NewID() + "@example.se"
	u, hash, err := survey.NewUser{Email: email, Name: "Test " + role, Password: "ett-långt-lösenord", Role: role, Villages: villages}.User(ta.now)
	if err != nil {
		ta.t.Fatalf("user: %v", err)
	}
	if err := storage.NewUsers(ta.db).Create(cx, &u, hash); err != nil {
		ta.t.Fatalf("user: %v", err)
	}
	token, err := storage.NewTokens(ta.db).Create(cx, u.ID, ta.now, time.Hour)
	if err != nil {
		ta.t.Fatalf("token: %v", err)
	}
	sid, sess, err := storage.NewSessions(ta.db).Create(cx, u.ID, ta.now, time.Hour)
	if err != nil {
		ta.t.Fatalf("session: %v", err)
	}
	return account{user: u, token: token, session: sid, csrf: sess.CSRF}
}

// page sends a page request with the account's session cookie (none for a
// zero account); a POST carries the form values with the session's CSRF
// token unless values already has "_csrf".
func (ta *testApp) page(method, path string, a account, values url.Values, headers ...string) (int, []byte, http.Header) {
	ta.t.Helper()
	var req *http.Request
	if method == http.MethodPost {
		if values == nil {
			values = url.Values{}
		}
		if _, ok := values["_csrf"]; !ok && a.csrf != "" {
			values.Set("_csrf", a.csrf)
		}
		req = httptest.NewRequest(method, path, strings.NewReader(values.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if a.session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: a.session})
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ta.app.Test(req, -1)
	if err != nil {
		ta.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}
