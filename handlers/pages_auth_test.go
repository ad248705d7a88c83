package handlers

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/survey"
)

func TestOpenLinkSubmissionsAreRateLimitedPerAddress(t *testing.T) {
	ta := newTestApp(t)
	ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now }, SubmitLimit: 3})
	adm := ta.account(survey.RoleAdmin)
	id := ta.openSurvey(adm.token)
	body := `{"village":"aby","answers":{"q1":"Skola","q3":5}}`
	for i := 1; i <= 3; i++ {
		if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", body); code != 201 {
			t.Fatalf("response %d: got %d %s; want 201", i, code, b)
		}
	}
	t.Run("the API answers 429 in JSON past the limit", func(t *testing.T) {
		code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", body)
		if code != http.StatusTooManyRequests || !strings.Contains(string(b), `"error"`) {
			t.Errorf("got %d %s; want 429 JSON", code, b)
		}
	})
	t.Run("the phone page answers 429 with a Swedish notice and the answers kept", func(t *testing.T) {
		path := "/s/" + id + "/aby"
		code, page, _ := ta.form(path, ta.phoneValues(path, url.Values{"q_q1": {"Buss"}, "q_q3": {"2"}}))
		if code != http.StatusTooManyRequests || !strings.Contains(string(page), "Vänta en minut") || !strings.Contains(string(page), `value="Buss" checked`) {
			t.Errorf("got %d; want 429 with the notice and the answers", code)
		}
	})
	t.Run("the next minute takes responses again", func(t *testing.T) {
		ta.now = ta.now.Add(time.Minute)
		if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", body); code != 201 {
			t.Errorf("got %d %s; want 201", code, b)
		}
	})
	t.Run("no address is stored in the counters", func(t *testing.T) {
		if in, _ := ta.db.Containing(t.Context(), "0.0.0.0"); len(in) > 0 {
			t.Errorf("got the test client's address in %v; want it nowhere", in)
		}
	})
}

func TestSubmitLimitCanBeTurnedOff(t *testing.T) {
	ta := newTestApp(t)
	ta.app = New(Config{DB: ta.db, Now: func() time.Time { return ta.now }, SubmitLimit: -1})
	adm := ta.account(survey.RoleAdmin)
	id := ta.openSurvey(adm.token)
	for i := 0; i < 5; i++ {
		if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", `{"village":"aby","answers":{"q1":"Skola","q3":5}}`); code != 201 {
			t.Fatalf("response %d: got %d %s; want 201", i, code, b)
		}
	}
}

func TestStalePhoneFormIsShownAgainWithTheAnswers(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	id := ta.openSurvey(adm.token)
	path := "/s/" + id + "/aby"
	values := ta.phoneValues(path, url.Values{"q_q1": {"Väg"}, "q_q3": {"5"}, "q_q6": {"Mer buss"}})
	ta.now = ta.now.Add(phoneTokenTTL + time.Minute)
	code, page, _ := ta.form(path, values)
	s := string(page)
	if code != http.StatusForbidden || !strings.Contains(s, "för gammalt") || !strings.Contains(s, "Mer buss") || !strings.Contains(s, `value="Väg" checked`) {
		t.Fatalf("got %d; want 403 with a notice and the answers kept", code)
	}
	t.Run("sending the re-shown form again stores the response", func(t *testing.T) {
		h := hidden(page)
		values.Set("_token", h.Get("_token"))
		values.Set("nonce", h.Get("nonce"))
		if code, _, _ := ta.form(path, values); code != http.StatusSeeOther {
			t.Errorf("got %d; want 303", code)
		}
	})
	t.Run("a forged token is refused the same way", func(t *testing.T) {
		values.Set("_token", "x.y")
		if code, _, _ := ta.form(path, values); code != http.StatusForbidden {
			t.Errorf("got %d; want 403", code)
		}
	})
}

var location = regexp.MustCompile(`^/enkater/([0-9a-f]{24})$`)

func TestAnOfficialBuildsAndOpensASurveyInThePages(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	for _, name := range []string{"Åby", "Bäckby"} {
		if code, _, _ := ta.page("POST", "/admin/byar", adm, url.Values{"name": {name}}); code != http.StatusSeeOther {
			t.Fatalf("village %s: got %d; want 303", name, code)
		}
	}
	off := ta.account(survey.RoleOfficial)
	t.Run("a draft without a title is shown again with the error linked to the field", func(t *testing.T) {
		code, page, _ := ta.page("POST", "/enkater/ny", off, url.Values{"villages": {"aby"}, "access": {"link"}})
		if code != 422 || !strings.Contains(string(page), `aria-describedby="title-err"`) || !strings.Contains(string(page), `href="#title"`) {
			t.Errorf("got %d; want 422 with the error summary and linked field error", code)
		}
	})
	code, _, h := ta.page("POST", "/enkater/ny", off, url.Values{"title": {"Byns framtid"}, "villages": {"aby", "backby"}, "access": {"link"}})
	m := location.FindStringSubmatch(h.Get("Location"))
	if code != http.StatusSeeOther || m == nil {
		t.Fatalf("create: got %d to %q; want 303 to the survey", code, h.Get("Location"))
	}
	id := m[1]
	questions := []url.Values{
		{"prompt": {"Viktigast?"}, "type": {"single"}, "options": {"Skola\nVäg\nBuss"}, "required": {"on"}},
		{"prompt": {"Vilka använder du?"}, "type": {"multi"}, "options": {"Bad\nKyrka"}, "max": {"2"}},
		{"prompt": {"Bussen är bra."}, "type": {"likert"}},
		{"prompt": {"Ordna."}, "type": {"rank"}, "options": {"A\nB"}},
		{"prompt": {"År i byn?"}, "type": {"number"}, "min": {"0"}, "max": {"120"}, "key": {"ar"}},
		{"prompt": {"Övrigt?"}, "type": {"text"}, "max": {"500"}},
	}
	for _, q := range questions {
		if code, page, _ := ta.page("POST", "/enkater/"+id+"/fragor", off, q); code != http.StatusSeeOther {
			t.Fatalf("add %s: got %d %.300s; want 303", q.Get("type"), code, page)
		}
	}
	t.Run("a question with one option is refused with the field named", func(t *testing.T) {
		code, page, _ := ta.page("POST", "/enkater/"+id+"/fragor", off, url.Values{"prompt": {"X"}, "type": {"single"}, "options": {"Bara en"}})
		if code != 422 || !strings.Contains(string(page), `id="options-err"`) || !strings.Contains(string(page), "Bara en") {
			t.Errorf("got %d; want 422 with the options error and the typed options kept", code)
		}
	})
	t.Run("a number typed with a decimal comma is read", func(t *testing.T) {
		if code, _, _ := ta.page("POST", "/enkater/"+id+"/fragor", off, url.Values{"prompt": {"Pris?"}, "type": {"number"}, "max": {"2,5"}}); code != 303 {
			t.Errorf("got %d; want 303", code)
		}
	})
	steps := []struct{ path, want string }{
		{"/fragor/q7/ta-bort", "q1,q2,q3,q4,ar,q6"},
		{"/fragor/q2/upp", "q2,q1,q3,q4,ar,q6"},
		{"/fragor/q6/ner", "q2,q1,q3,q4,ar,q6"}, // the last stays last
		{"/fragor/q3/ner", "q2,q1,q4,q3,ar,q6"},
	}
	for _, st := range steps {
		t.Run("POST "+st.path+" gives the order "+st.want, func(t *testing.T) {
			if code, _, _ := ta.page("POST", "/enkater/"+id+st.path, off, url.Values{"confirm": {"yes"}}); code != http.StatusSeeOther {
				t.Fatalf("got %d; want 303", code)
			}
			_, b := ta.do("GET", "/api/v1/surveys/"+id, off.token, nil)
			var keys []string
			for _, q := range decode[survey.Survey](t, b).Questions {
				keys = append(keys, q.Key)
			}
			if got := strings.Join(keys, ","); got != st.want {
				t.Errorf("got %s; want %s", got, st.want)
			}
		})
	}
	if code, _, _ := ta.page("POST", "/enkater/"+id+"/oppna", off, url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("open: got %d; want 303", code)
	}
	t.Run("the open survey's page has links, QR codes and the count", func(t *testing.T) {
		code, page, _ := ta.page("GET", "/enkater/"+id, off, nil)
		s := string(page)
		if code != 200 || strings.Count(s, `class="qr" src="data:image/png;base64,`) != 2 || !strings.Contains(s, "/s/"+id+"/backby") || !strings.Contains(s, "<strong>0</strong>") {
			t.Errorf("got %d; want links and a QR code for each village and 0 responses", code)
		}
		if strings.Contains(s, `action="/enkater/`+id+`/fragor"`) {
			t.Error("got the add-question form on an open survey; want none")
		}
	})
	t.Run("a paper response is stored with channel paper", func(t *testing.T) {
		path := "/enkater/" + id + "/papper/aby"
		code, page, _ := ta.page("GET", path, off, nil)
		if code != 200 {
			t.Fatalf("paper page: got %d; want 200", code)
		}
		values := url.Values{"nonce": {hidden(page).Get("nonce")}, "q_q1": {"Buss"}, "q_q3": {"4"}}
		if code, _, h := ta.page("POST", path, off, values); code != 303 || !strings.Contains(h.Get("Location"), "sparat=1") {
			t.Fatalf("got %d to %q; want 303 back to the paper page", code, h.Get("Location"))
		}
		_, csv := ta.do("GET", "/api/v1/surveys/"+id+"/responses.csv", off.token, nil)
		if !strings.Contains(string(csv), "aby;paper") {
			t.Errorf("got CSV %s; want a paper response", csv)
		}
	})
	t.Run("a politician may not enter paper responses", func(t *testing.T) {
		if code, _, _ := ta.page("GET", "/enkater/"+id+"/papper/aby", ta.account(survey.RolePolitician), nil); code != 403 {
			t.Errorf("got %d; want 403", code)
		}
	})
	t.Run("the survey is closed from its page and the audit log says who", func(t *testing.T) {
		if code, _, _ := ta.page("POST", "/enkater/"+id+"/stang", off, url.Values{"confirm": {"yes"}}); code != 303 {
			t.Fatalf("close: got %d; want 303", code)
		}
		_, page, _ := ta.page("GET", "/admin/logg", adm, nil)
		for _, want := range []string{"enkät öppnad", "enkät stängd", off.user.Email} {
			if !strings.Contains(string(page), want) {
				t.Errorf("got an audit page without %s", want)
			}
		}
	})
}

func TestASurveyWithoutQuestionsCannotOpen(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	ta.page("POST", "/admin/byar", adm, url.Values{"name": {"Åby"}})
	_, _, h := ta.page("POST", "/enkater/ny", adm, url.Values{"title": {"Tom"}, "villages": {"aby"}, "access": {"code"}})
	id := location.FindStringSubmatch(h.Get("Location"))[1]
	code, page, _ := ta.page("POST", "/enkater/"+id+"/oppna", adm, url.Values{})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(page), "minst en fråga") {
		t.Errorf("got %d; want 422 with the reason", code)
	}
	if strings.Contains(string(page), `action="/enkater/`+id+`/oppna"`) {
		t.Error("got the open button on a draft without questions; want it hidden")
	}
}

func TestRepresentativesBuildSurveysForTheirOwnVillagesOnly(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	for _, name := range []string{"Åby", "Bäckby"} {
		ta.page("POST", "/admin/byar", adm, url.Values{"name": {name}})
	}
	rep := ta.account(survey.RoleRepresentative, "aby")
	_, page, _ := ta.page("GET", "/enkater/ny", rep, nil)
	if !strings.Contains(string(page), `value="aby"`) || strings.Contains(string(page), `value="backby"`) {
		t.Errorf("got a form offering other villages; want only the representative's own")
	}
	tests := []struct {
		villages []string
		want     int
	}{{[]string{"aby"}, 303}, {[]string{"backby"}, 403}, {[]string{"aby", "backby"}, 403}}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("a survey for %v answers %d", tt.villages, tt.want), func(t *testing.T) {
			if code, _, _ := ta.page("POST", "/enkater/ny", rep, url.Values{"title": {"T"}, "villages": tt.villages, "access": {"link"}}); code != tt.want {
				t.Errorf("got %d; want %d", code, tt.want)
			}
		})
	}
	t.Run("the API agrees", func(t *testing.T) {
		for _, tt := range tests {
			def := allTypes(tt.villages...)
			want := map[int]int{303: 201, 403: 403}[tt.want]
			if code, b := ta.do("POST", "/api/v1/surveys", rep.token, def); code != want {
				t.Errorf("%v: got %d %s; want %d", tt.villages, code, b, want)
			}
		}
	})
	t.Run("the list shows the representative's villages' surveys only", func(t *testing.T) {
		ta.do("POST", "/api/v1/surveys", adm.token, allTypes("backby"))
		_, b := ta.do("GET", "/api/v1/surveys", rep.token, nil)
		for _, sv := range decode[[]survey.Survey](t, b) {
			if !sv.HasVillage("aby") {
				t.Errorf("got survey for %v; want only aby's", sv.Villages)
			}
		}
	})
}

func TestBodiesOverTheLimitAre413(t *testing.T) {
	// app.Test reports fasthttp's refusal as an error, so this test serves
	// on a real socket.
	ta := newTestApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = ta.app.Listener(ln) }()
	t.Cleanup(func() { _ = ta.app.Shutdown() })
	// Only the headers are sent: the service refuses on the declared length
	// and may close the connection before a client could write the body,
	// which would make a full upload fail with a reset instead of the answer.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/surveys/x/responses HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", ln.Addr(), 300<<10)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), `"error"`) {
		t.Errorf("got %d %.200s; want 413 JSON", resp.StatusCode, b)
	}
	if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("got headers %v; want the security headers on the 413 too", resp.Header)
	}
}

func TestSecurityHeadersAreOnSignedInPages(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	for _, path := range []string{"/logga-in", "/enkater", "/admin/anvandare", "/admin/logg"} {
		req, _ := http.NewRequest("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: adm.session})
		resp, err := ta.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: got %d; want 200", path, resp.StatusCode)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: got headers %v; want CSP, nosniff and Referrer-Policy", path, resp.Header)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: got Cache-Control %q; want no-store", path, resp.Header.Get("Cache-Control"))
		}
		if s := string(body); strings.Contains(s, "<script") || strings.Contains(s, "style=") {
			t.Errorf("%s: got inline script or style; want none", path)
		}
	}
}

func TestThePublicAddressIsPrintedAndTrustedAsOrigin(t *testing.T) {
	ta := newTestApp(t)
	ta.app = New(Config{DB: ta.db, Now: func() time.Time { return ta.now }, PublicURL: "https://forankra.kommun.se/"})
	adm := ta.account(survey.RoleAdmin)
	id := ta.openSurvey(adm.token)
	_, page, _ := ta.page("GET", "/enkater/"+id, adm, nil)
	if !strings.Contains(string(page), `href="https://forankra.kommun.se/s/`+id+`/aby"`) {
		t.Errorf("got a page without the public link; want it")
	}
	// A proxy that rewrites Host, and a browser that sends Origin only.
	if code, _, _ := ta.page("POST", "/admin/byar", adm, url.Values{"name": {"Cby"}}, "Origin", "https://forankra.kommun.se"); code != http.StatusSeeOther {
		t.Errorf("a post from the public origin: got %d; want 303", code)
	}
}

func TestSignedInPagesRenderInEnglish(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	id := ta.openSurvey(adm.token)
	codeID := ta.codeSurvey(adm.token)
	for _, path := range []string{"/enkater", "/enkater/ny", "/enkater/" + id, "/enkater/" + codeID + "/koder",
		"/enkater/" + id + "/papper/aby", "/admin/byar", "/admin/anvandare", "/admin/logg", "/logga-in"} {
		t.Run(path, func(t *testing.T) {
			req, _ := http.NewRequest("GET", path, nil)
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: adm.session})
			req.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
			resp, err := ta.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(b), `<html lang="en">`) || !strings.Contains(string(b), "Sign out") && path != "/logga-in" {
				t.Errorf("got %d; want 200 in English with the sign-out button", resp.StatusCode)
			}
		})
	}
}

// A title with a right-to-left override shows on the pages without it: the
// text reads in the order it was typed.
func TestBidiControlsAreRemovedFromPages(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	for _, name := range []string{"Åby", "Bäckby"} {
		ta.do("POST", "/api/v1/villages", adm.token, map[string]any{"name": name})
	}
	code, b := ta.do("POST", "/api/v1/surveys", adm.token, map[string]any{"title": "Faktura\u202eexe.pdf", "villages": []string{"aby"},
		"questions": []map[string]any{{"key": "q1", "type": "text", "prompt": "Säg\u2067 något\u2069"}}})
	if code != http.StatusCreated {
		t.Fatalf("create: got %d %s", code, b)
	}
	id := decode[map[string]any](t, b)["id"].(string)
	ta.do("POST", "/api/v1/surveys/"+id+"/open", adm.token, nil)
	for _, path := range []string{"/enkater/" + id, "/s/" + id + "/aby"} {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: adm.session})
		code, page := ta.send(req)
		if code != http.StatusOK {
			t.Fatalf("%s: got %d", path, code)
		}
		for _, r := range []string{"\u202e", "\u2067", "\u2069"} {
			if strings.Contains(string(page), r) {
				t.Errorf("%s: got the control %U in the page; want it removed", path, []rune(r)[0])
			}
		}
		if !strings.Contains(string(page), "Fakturaexe.pdf") {
			t.Errorf("%s: got no title without the override", path)
		}
	}
}
