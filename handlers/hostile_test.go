package handlers

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// hostileBodies are what an attacker or a broken client might send.
var hostileBodies = []struct {
	name, contentType string
	body              []byte
}{
	{"an operator object", "application/json", []byte(`{"$gt": ""}`)},
	{"operators in every field", "application/json", []byte(`{"village":{"$gt":""},"code":{"$ne":null},"answers":{"$where":"1","q1":{"$gt":""}},"title":{"$ne":""},"villages":["$where"],"questions":[{"key":"$gt","type":{"$ne":1},"prompt":"?"}],"email":{"$gt":""},"password":{"$gt":""},"name":{"$regex":".*"}}`)},
	{"dotted and dollar keys", "application/json", []byte(`{"village":"aby","answers":{"q1.x":"Skola","$set":{"a":1},"q3":4}}`)},
	{"nesting 10,000 deep", "application/json", bytes.Repeat([]byte("["), 10000)},
	{"nesting in a string is fine but long", "application/json", []byte(`{"title":"` + strings.Repeat("[", 5000) + `"}`)},
	{"a body over the limit", "application/json", append(append([]byte(`{"title":"`), bytes.Repeat([]byte("a"), 300<<10)...), '"', '}')},
	{"invalid UTF-8", "application/json", []byte("{\"title\":\"\xff\xfe\"}")},
	{"null", "application/json", []byte("null")},
	{"an array", "application/json", []byte("[]")},
	{"a huge number", "application/json", []byte(`{"village":"aby","answers":{"q1":"Skola","q3":1e999,"q5":-1e999}}`)},
	{"two values", "application/json", []byte(`{} {}`)},
	{"nothing", "application/json", nil},
	{"a form with operators", "application/x-www-form-urlencoded", []byte("q_q1[$gt]=&village[$ne]=x&nonce=" + strings.Repeat("n", 500))},
	{"a form over the limit", "application/x-www-form-urlencoded", bytes.Repeat([]byte("q_q6=aaaa&"), 30<<10)},
	{"plain text", "text/plain", []byte("hej")},
	{"a multipart lie", "multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"q_q1\"\r\n\r\nSkola\r\n--x")},
}

// TestNothingAClientSendsGivesAServerError throws hostile bodies at every
// route, signed in as an administrator and anonymously: every answer is
// below 500.
func TestNothingAClientSendsGivesAServerError(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.openSurvey(admin)
	params := strings.NewReplacer(":id", id, ":survey", id, ":village", "aby", ":code", "en", "*", "style.css", ":key", "q1")
	type route struct{ method, path string }
	var routes []route
	seen := map[route]bool{}
	for _, r := range ta.app.GetRoutes(true) {
		if r.Method == "HEAD" || r.Method == "USE" || r.Method == "CONNECT" || r.Method == "TRACE" {
			continue
		}
		rt := route{r.Method, params.Replace(r.Path)}
		if !seen[rt] {
			seen[rt] = true
			routes = append(routes, rt)
		}
	}
	// Revoking the token goes last, so the others run signed in.
	sort.SliceStable(routes, func(i, j int) bool { return routes[i].method != "DELETE" && routes[j].method == "DELETE" })
	if len(routes) < 10 {
		t.Fatalf("found %d routes; want the whole app", len(routes))
	}
	base := serve(t, ta.app)
	for _, rt := range routes {
		for _, token := range []string{"", admin} {
			for _, hb := range hostileBodies {
				req, _ := http.NewRequest(rt.method, base+rt.path, bytes.NewReader(hb.body))
				req.Header.Set("Content-Type", hb.contentType)
				req.Header.Set("Idempotency-Key", strings.Repeat("k", 300))
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				code, b, err := sendHTTP(req)
				if err != nil && len(hb.body) > 256<<10 {
					continue // refused while the body was still being sent: the 413 came first
				}
				if err != nil || code >= 500 {
					t.Errorf("%s %s with %s (signed in: %v): got %d %.200s (%v); want < 500", rt.method, rt.path, hb.name, token != "", code, b, err)
				}
			}
		}
	}
}

// TestHostileSubmissionsAreRefusedClearly checks the answers that matter on
// the submit path: injection, size and depth are client errors with their
// own statuses, and nothing is stored.
func TestHostileSubmissionsAreRefusedClearly(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.openSurvey(admin)
	path := "/api/v1/surveys/" + id + "/responses"
	tests := []struct {
		name string
		body string
		want int
	}{
		{"an operator as the village is malformed", `{"village":{"$gt":""},"answers":{"q1":"Skola","q3":4}}`, http.StatusBadRequest},
		{"an operator as an answer is refused", `{"village":"aby","answers":{"q1":{"$gt":""},"q3":4}}`, http.StatusUnprocessableEntity},
		{"a dollar key in the answers is refused", `{"village":"aby","answers":{"$where":"1","q1":"Skola","q3":4}}`, http.StatusUnprocessableEntity},
		{"a dotted key in the answers is refused", `{"village":"aby","answers":{"q1.c.0":"Skola","q1":"Skola","q3":4}}`, http.StatusUnprocessableEntity},
		{"an unknown top-level operator is refused", `{"$set":{"village":"aby"},"village":"aby","answers":{"q1":"Skola","q3":4}}`, http.StatusBadRequest},
		{"deep nesting is refused", `{"village":"aby","answers":{"q6":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}`, http.StatusBadRequest},
		{"an oversized body is too large", `{"village":"aby","answers":{"q6":"` + strings.Repeat("a", 300<<10) + `"}}`, http.StatusRequestEntityTooLarge},
	}
	base := serve(t, ta.app)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == http.StatusRequestEntityTooLarge {
				// The service refuses on the declared length and closes; a
				// client still uploading may see a reset instead of the
				// answer, so only the headers are sent.
				if code := declareLength(t, base, path, len(tt.body)); code != tt.want {
					t.Errorf("got %d; want %d", code, tt.want)
				}
				return
			}
			req, _ := http.NewRequest("POST", base+path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			code, b, err := sendHTTP(req)
			if err != nil {
				t.Fatal(err)
			}
			if code != tt.want {
				t.Errorf("got %d %.300s; want %d", code, b, tt.want)
			}
		})
	}
	code, b := ta.do("GET", "/api/v1/surveys/"+id, admin, nil)
	if code != http.StatusOK {
		t.Fatalf("get survey: got %d %s", code, b)
	}
	if n := decode[map[string]any](t, b)["responses"]; n != float64(0) {
		t.Errorf("got %v responses stored; want 0", n)
	}
}

// serve runs the app on real HTTP on 127.0.0.1 (app.Test cannot show a 413:
// the body limit is enforced while reading from the connection).
func serve(t *testing.T, app interface {
	Listener(net.Listener) error
	Shutdown() error
}) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String()
}

// sendHTTP sends a request over the network and returns status and body.
func sendHTTP(req *http.Request) (int, []byte, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// declareLength posts only the headers of a JSON body of n bytes to base+path
// over a raw connection and returns the status the service answers with.
func declareLength(t *testing.T, base, path string, n int) int {
	t.Helper()
	host := strings.TrimPrefix(base, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", path, host, n)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
