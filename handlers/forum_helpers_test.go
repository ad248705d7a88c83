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
// pages sign a user in (a bearer token today, the session cookie of the
// auth pages later) is decided in this one file.

// member is a signed-in user of the forum tests; the zero member is
// anonymous.
type member struct {
	token string // for the API
}

// member makes a user of the role, bound to the villages.
func (ta *testApp) member(role string, villages ...string) member {
	ta.t.Helper()
	return member{token: ta.user(role, villages...)}
}

// pageGet fetches a page as the member, with any extra cookies.
func (ta *testApp) pageGet(path string, m member, cookies ...*http.Cookie) (int, []byte, http.Header) {
	ta.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if m.token != "" {
		req.Header.Set("Authorization", "Bearer "+m.token)
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

// signInTab makes every request of the browser tab come from the member.
func signInTab(t *testing.T, tab context.Context, base string, m member) {
	t.Helper()
	if _, err := chromedp.Call(tab, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("browser: %v", err)
	}
	if _, err := chromedp.Call(tab, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": "Bearer " + m.token}}); err != nil {
		t.Fatalf("browser: %v", err)
	}
}
