package handlers

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The forum tests sign in through these helpers only, so that how the
// pages sign a user in is decided in this one file: the API takes the
// bearer token, the pages the session cookie.

// member is a signed-in user of the forum tests; the zero member is
// anonymous.
type member struct {
	account
	token string // for the API
}

// member makes a user of the role, bound to the villages.
func (ta *testApp) member(role string, villages ...string) member {
	ta.t.Helper()
	a := ta.account(role, villages...)
	return member{account: a, token: a.token}
}

// pageGet fetches a page as the member, with any extra cookies.
func (ta *testApp) pageGet(path string, m member, cookies ...*http.Cookie) (int, []byte, http.Header) {
	ta.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if m.session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: m.session})
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := ta.app.Test(req, -1)
	if err != nil {
		ta.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// signInTab gives the browser tab the member's session cookie.
func signInTab(t *testing.T, tab context.Context, base string, m member) {
	t.Helper()
	yes := true
	if _, err := chromedp.Call(tab, network.SetCookie, network.SetCookieParams{Name: sessionCookie, Value: m.session, URL: base, HTTPOnly: &yes}); err != nil {
		t.Fatalf("browser: %v", err)
	}
}
