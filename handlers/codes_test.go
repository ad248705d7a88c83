package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// codeSurvey makes villages aby and backby and an open survey with access
// "code" for both.
func (ta *testApp) codeSurvey(token string) string {
	ta.t.Helper()
	for _, name := range []string{"Åby", "Bäckby"} {
		ta.do("POST", "/api/v1/villages", token, map[string]any{"name": name})
	}
	def := map[string]any{"title": "Med kod", "villages": []string{"aby", "backby"}, "access": "code",
		"questions": []map[string]any{{"key": "q1", "type": "likert", "prompt": "Bra?", "required": true}}}
	code, b := ta.do("POST", "/api/v1/surveys", token, def)
	if code != http.StatusCreated {
		ta.t.Fatalf("create: got %d %s", code, b)
	}
	id := decode[map[string]any](ta.t, b)["id"].(string)
	if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/open", token, nil); code != 200 {
		ta.t.Fatalf("open: got %d %s", code, b)
	}
	return id
}

var codeShape = regexp.MustCompile(`^[ABCDEFGHJKMNPQRSTWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTWXYZ2-9]{4}$`)

func TestOneTimeCodesAreGoodForOneResponseEach(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	id := ta.codeSurvey(adm.token)
	code, b := ta.do("POST", "/api/v1/surveys/"+id+"/codes", adm.token, map[string]any{"village": "aby", "count": 3})
	if code != http.StatusCreated {
		t.Fatalf("codes: got %d %s; want 201", code, b)
	}
	codes := decode[struct{ Codes []string }](t, b).Codes
	seen := map[string]bool{}
	for _, c := range codes {
		if !codeShape.MatchString(c) || seen[c] {
			t.Errorf("got code %q; want a unique ABCD-EFGH without look-alikes", c)
		}
		seen[c] = true
	}
	if len(codes) != 3 {
		t.Fatalf("got %d codes; want 3", len(codes))
	}
	respond := func(code string, headers ...string) (int, []byte) {
		body := map[string]any{"village": "aby", "answers": map[string]any{"q1": 4}}
		if code != "" {
			body["code"] = code
		}
		return ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", body, headers...)
	}
	tests := []struct {
		name    string
		code    string
		headers []string
		status  int
	}{
		{"no code", "", nil, 403},
		{"a wrong code", "ABCD-EFGH", nil, 403},
		{"a code for another village", "", nil, 403}, // filled in below
		{"the first use of a code", codes[0], nil, 201},
		{"the second use of the code", codes[0], nil, 409},
		{"a code typed in lower case with a space", strings.ToLower(strings.Replace(codes[1], "-", " ", 1)), nil, 201},
		{"a retry with the same Idempotency-Key", codes[2], []string{"Idempotency-Key", "k1"}, 201},
		{"the same retry again", codes[2], []string{"Idempotency-Key", "k1"}, 201},
		{"the code under another key", codes[2], []string{"Idempotency-Key", "k2"}, 409},
	}
	_, b = ta.do("POST", "/api/v1/surveys/"+id+"/codes", adm.token, map[string]any{"village": "backby", "count": 1})
	tests[2].code = decode[struct{ Codes []string }](t, b).Codes[0]
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s answers %d", tt.name, tt.status), func(t *testing.T) {
			if code, b := respond(tt.code, tt.headers...); code != tt.status {
				t.Errorf("got %d %s; want %d", code, b, tt.status)
			}
		})
	}
	t.Run("three responses are stored", func(t *testing.T) {
		_, b := ta.do("GET", "/api/v1/surveys/"+id, adm.token, nil)
		if got := decode[map[string]any](t, b)["responses"]; got != float64(3) {
			t.Errorf("got %v; want 3", got)
		}
	})
	t.Run("no plain code is stored anywhere", func(t *testing.T) {
		for _, c := range append(codes, tests[2].code) {
			for _, form := range []string{c, strings.ReplaceAll(c, "-", "")} {
				if in, err := ta.db.Containing(context.Background(), form); err != nil || len(in) > 0 {
					t.Errorf("got %q in %v (%v); want it nowhere", form, in, err)
				}
			}
		}
	})
	t.Run("the audit log has the count, not the codes", func(t *testing.T) {
		_, b := ta.do("GET", "/api/v1/audit", adm.token, nil)
		if !strings.Contains(string(b), "3 koder för aby") || strings.Contains(string(b), codes[0]) {
			t.Errorf("got %s; want the count and no code", b)
		}
	})
}

func TestCodeRequestsAreChecked(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	id := ta.codeSurvey(adm.token)
	def := allTypes("aby")
	_, b := ta.do("POST", "/api/v1/surveys", adm.token, def)
	linkID := decode[map[string]any](t, b)["id"].(string)
	tests := []struct {
		name, survey string
		body         map[string]any
		status       int
	}{
		{"no count", id, map[string]any{"village": "aby"}, 422},
		{"2001 codes", id, map[string]any{"village": "aby", "count": 2001}, 422},
		{"a village not in the survey", id, map[string]any{"village": "nowhere", "count": 1}, 422},
		{"a survey open to anyone with the link", linkID, map[string]any{"village": "aby", "count": 1}, 409},
		{"an unknown survey", "nosuch", map[string]any{"village": "aby", "count": 1}, 404},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s answers %d", tt.name, tt.status), func(t *testing.T) {
			if code, b := ta.do("POST", "/api/v1/surveys/"+tt.survey+"/codes", adm.token, tt.body); code != tt.status {
				t.Errorf("got %d %s; want %d", code, b, tt.status)
			}
		})
	}
	t.Run("a representative makes codes for their own village only", func(t *testing.T) {
		rep := ta.account(survey.RoleRepresentative, "aby")
		if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/codes", rep.token, map[string]any{"village": "aby", "count": 1}); code != 403 {
			// the survey also asks backby: managing it needs both villages
			t.Errorf("got %d %s; want 403", code, b)
		}
	})
}

func TestPhonePageTakesACodeAndKeepsTheAnswersOnRefusal(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	id := ta.codeSurvey(adm.token)
	_, b := ta.do("POST", "/api/v1/surveys/"+id+"/codes", adm.token, map[string]any{"village": "aby", "count": 1})
	code1 := decode[struct{ Codes []string }](t, b).Codes[0]
	path := "/s/" + id + "/aby"
	t.Run("?code= fills in the code", func(t *testing.T) {
		_, page := ta.do("GET", path+"?code="+url.QueryEscape(code1), "", nil)
		if !strings.Contains(string(page), `value="`+code1+`"`) {
			t.Errorf("got a page without the code filled in")
		}
	})
	tests := []struct {
		name   string
		code   string
		status int
		want   string
	}{
		{"a wrong code", "ABCD-EFGH", 403, "Koden stämmer inte"},
		{"no code", "", 403, "Skriv in engångskoden"},
		{"the right code", code1, 303, ""},
		{"the code again", code1, 409, "Koden har redan använts"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s answers %d", tt.name, tt.status), func(t *testing.T) {
			code, page, _ := ta.form(path, ta.phoneValues(path, url.Values{"code": {tt.code}, "q_q1": {"4"}}))
			if code != tt.status {
				t.Fatalf("got %d; want %d", code, tt.status)
			}
			if tt.want != "" && (!strings.Contains(string(page), tt.want) || !strings.Contains(string(page), `value="4" checked`)) {
				t.Errorf("got a page without %q and the answer kept", tt.want)
			}
		})
	}
}

func TestCodeSheetShowsTheCodesOnceWithQRCodes(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	id := ta.codeSurvey(adm.token)
	code, page, _ := ta.page("POST", "/enkater/"+id+"/koder", adm, url.Values{"village": {"aby"}, "count": {"4"}})
	if code != http.StatusCreated {
		t.Fatalf("got %d %.300s; want 201", code, page)
	}
	s := string(page)
	codes := regexp.MustCompile(`<strong>([A-Z2-9]{4}-[A-Z2-9]{4})</strong>`).FindAllStringSubmatch(s, -1)
	if len(codes) != 4 || strings.Count(s, `src="data:image/png;base64,`) != 4 || !strings.Contains(s, "Koderna visas bara den här gången") {
		t.Fatalf("got %d codes and %d QR images; want 4 of each and the notice that they are shown once", len(codes), strings.Count(s, "data:image/png"))
	}
	t.Run("a code from the sheet answers the survey", func(t *testing.T) {
		body := map[string]any{"village": "aby", "code": codes[0][1], "answers": map[string]any{"q1": 2}}
		if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", body); code != 201 {
			t.Errorf("got %d %s; want 201", code, b)
		}
	})
	t.Run("the codes page afterwards shows counts, not codes", func(t *testing.T) {
		_, page, _ := ta.page("GET", "/enkater/"+id+"/koder", adm, nil)
		if strings.Contains(string(page), codes[1][1]) || !strings.Contains(string(page), `<td class="n">4</td><td class="n">1</td>`) {
			t.Errorf("got a page with a code or without 4 made, 1 used")
		}
	})
}

func TestUnconfirmedClaimsAreReleasedWhenTheResponseIsMissing(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	id := ta.codeSurvey(adm.token)
	codes := storage.NewCodes(ta.db)
	made, err := codes.Make(context.Background(), id, "aby", 1, ta.now)
	if err != nil {
		t.Fatal(err)
	}
	// A crash after the claim and before the response was stored.
	if _, err := codes.Claim(context.Background(), id, "aby", made[0], "lost-response", ta.now); err != nil {
		t.Fatal(err)
	}
	if n, err := codes.ReleaseOrphans(context.Background(), ta.now.Add(time.Minute)); err != nil || n != 1 {
		t.Fatalf("got %d released (%v); want 1", n, err)
	}
	body := map[string]any{"village": "aby", "code": made[0], "answers": map[string]any{"q1": 3}}
	if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", body); code != 201 {
		t.Errorf("after release: got %d %s; want 201", code, b)
	}
}

func TestReplayedPhoneFormWithASecondCodeKeepsThatCodeAndSaysSo(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	id := ta.codeSurvey(adm.token)
	_, b := ta.do("POST", "/api/v1/surveys/"+id+"/codes", adm.token, map[string]any{"village": "aby", "count": 2})
	codes := decode[struct{ Codes []string }](t, b).Codes
	path := "/s/" + id + "/aby"
	first := ta.phoneValues(path, url.Values{"code": {codes[0]}, "q_q1": {"4"}})
	if code, _, _ := ta.form(path, first); code != http.StatusSeeOther {
		t.Fatalf("first: got %d; want 303", code)
	}
	replay := url.Values{}
	for k, v := range first {
		replay[k] = v
	}
	replay.Set("code", codes[1])
	replay.Set("q_q1", "2")
	for _, tc := range []struct {
		name   string
		values url.Values
		want   int
		text   string
	}{
		{"the same form again with the same code is the same answer", first, http.StatusSeeOther, ""},
		{"the same form with a second code", replay, http.StatusConflict, "Svaren här sparades inte och koden är inte använd"},
		{"the second code on a fresh form", ta.phoneValues(path, url.Values{"code": {codes[1]}, "q_q1": {"2"}}), http.StatusSeeOther, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := ta.form(path, tc.values)
			if code != tc.want || !strings.Contains(string(page), tc.text) {
				t.Errorf("got %d %.200s; want %d saying %q", code, page, tc.want, tc.text)
			}
		})
	}
}
