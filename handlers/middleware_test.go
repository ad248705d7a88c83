package handlers

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/survey"
)

func TestForwardedHostCountsOnlyBehindAConfiguredProxy(t *testing.T) {
	for _, tc := range []struct {
		name, proxyHeader string
		wantLink          string
		refused           string
	}{
		{"no proxy configured", "", "http://example.com/s/", "evil.example"},
		{"behind a proxy", "X-Forwarded-For", "https://forankra.kommun.se/s/", "http://example.com/s/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ta := newTestApp(t)
			ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now }, ProxyHeader: tc.proxyHeader})
			adm := ta.account(survey.RoleAdmin)
			id := ta.openSurvey(adm.token)
			host := "evil.example"
			if tc.proxyHeader != "" {
				host = "forankra.kommun.se"
			}
			code, page, _ := ta.page("GET", "/enkater/"+id, adm, nil, "X-Forwarded-Host", host, "X-Forwarded-Proto", "https")
			if code != http.StatusOK {
				t.Fatalf("got %d %.300s; want 200", code, page)
			}
			if !strings.Contains(string(page), tc.wantLink+id) {
				t.Errorf("got a page without the link %q; want it", tc.wantLink+id)
			}
			if strings.Contains(string(page), tc.refused) {
				t.Errorf("got a page with %q; want none", tc.refused)
			}
		})
	}
}

func TestAPIAcceptsOnlyTheJSONContentType(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	for i, tc := range []struct {
		contentType string
		want        int
	}{
		{"application/jsonp", http.StatusUnsupportedMediaType},
		{"application/json-seq", http.StatusUnsupportedMediaType},
		{"application/jsonx; charset=utf-8", http.StatusUnsupportedMediaType},
		{"text/plain", http.StatusUnsupportedMediaType},
		{"", http.StatusUnsupportedMediaType},
		{"application/json", http.StatusCreated},
		{"application/json; charset=utf-8", http.StatusCreated},
		{"Application/JSON", http.StatusCreated},
	} {
		t.Run(tc.contentType, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/api/v1/villages", strings.NewReader(`{"name":"By `+string(rune('A'+i))+`"}`))
			req.Header.Set("Content-Type", tc.contentType)
			req.Header.Set("Authorization", "Bearer "+adm.token)
			code, body := sendJSON(t, ta, req)
			if code != tc.want {
				t.Errorf("got %d %+v; want %d", code, body, tc.want)
			}
			if tc.want >= 400 && body.Error == "" {
				t.Errorf("got %+v; want the JSON error shape", body)
			}
		})
	}
}

// sendJSON sends req and decodes the answer as the API's error shape; a
// body that is not JSON fails the test.
func sendJSON(t *testing.T, ta *testApp, req *http.Request) (int, errorBody) {
	t.Helper()
	resp, err := ta.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body errorBody
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || json.Unmarshal(b, &body) != nil {
		t.Errorf("got Content-Type %q, body %.200s; want JSON", ct, b)
	}
	return resp.StatusCode, body
}

func TestMalformedMultipartBodyGetsTheJSONErrorInTheAPI(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = ta.app.Listener(ln) }()
	t.Cleanup(func() { _ = ta.app.Shutdown() })
	for _, path := range []string{"/api/v1/villages", "/api/v1/tokens", "/api/v1/proposals"} {
		t.Run(path, func(t *testing.T) {
			req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+path, strings.NewReader("--x\r\ngarbage\r\n\r\n--x--\r\n"))
			req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
			req.Header.Set("Authorization", "Bearer "+adm.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			var body errorBody
			if resp.StatusCode < 400 || resp.StatusCode >= 500 {
				t.Errorf("got %d; want a 4xx", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || json.Unmarshal(b, &body) != nil || body.Error == "" {
				t.Errorf("got %d, Content-Type %q, body %.200s; want the JSON error shape", resp.StatusCode, ct, b)
			}
		})
	}
}
