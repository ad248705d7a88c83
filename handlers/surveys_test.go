package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// allTypes is a survey definition with one question of every type.
func allTypes(villages ...string) map[string]any {
	return map[string]any{
		"title": "Byns framtid", "description": "Vad tycker du?", "villages": villages, "access": "link",
		"questions": []map[string]any{
			{"key": "q1", "type": "single", "prompt": "Viktigast?", "options": []string{"Skola", "Väg", "Buss"}, "required": true},
			{"key": "q2", "type": "multi", "prompt": "Vilka använder du?", "options": []string{"Bad", "Kyrka", "Gård"}, "max": 2},
			{"key": "q3", "type": "likert", "prompt": "Bussen är bra.", "required": true},
			{"key": "q4", "type": "rank", "prompt": "Ordna.", "options": []string{"A", "B", "C"}},
			{"key": "q5", "type": "number", "prompt": "År i byn?", "min": 0, "max": 120},
			{"key": "q6", "type": "text", "prompt": "Övrigt?", "max": 20},
		},
	}
}

type apiError struct {
	Error  string `json:"error"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// openSurvey makes villages a and b, a survey of every type for them, and opens it.
func (ta *testApp) openSurvey(token string) string {
	ta.t.Helper()
	return ta.openSurveyOf(token, allTypes("aby", "backby"))
}

// openSurveyOf makes the villages Åby and Bäckby, creates the survey
// definition (addressed to them) and opens it; it returns the survey's id.
func (ta *testApp) openSurveyOf(token string, definition map[string]any) string {
	ta.t.Helper()
	for _, name := range []string{"Åby", "Bäckby"} {
		if code, b := ta.do("POST", "/api/v1/villages", token, map[string]any{"name": name}); code != http.StatusCreated {
			ta.t.Fatalf("create village %s: got %d %s; want 201", name, code, b)
		}
	}
	code, b := ta.do("POST", "/api/v1/surveys", token, definition)
	if code != http.StatusCreated {
		ta.t.Fatalf("create survey: got %d %s; want 201", code, b)
	}
	id := decode[map[string]any](ta.t, b)["id"].(string)
	if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/open", token, nil); code != http.StatusOK {
		ta.t.Fatalf("open: got %d %s; want 200", code, b)
	}
	return id
}

func TestVillageSlugsAreFoldedFromSwedishNames(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	tests := []struct {
		name, slug, want string
		status           int
	}{
		{"Österåker", "", "osteraker", 201},
		{"Högsjö Gård", "", "hogsjo-gard", 201},
		{"Läppe", "lappe-by", "lappe-by", 201},
		{"Österåker igen", "osteraker", "", 422},
		{"", "", "", 422},
		{"Fel", "Fel Slug", "", 422},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q with slug %q answers %d", tt.name, tt.slug, tt.status), func(t *testing.T) {
			code, b := ta.do("POST", "/api/v1/villages", admin, map[string]any{"name": tt.name, "slug": tt.slug})
			if code != tt.status {
				t.Fatalf("got %d %s; want %d", code, b, tt.status)
			}
			if tt.want != "" {
				if got := decode[map[string]any](t, b)["slug"]; got != tt.want {
					t.Errorf("got slug %v; want %s", got, tt.want)
				}
			}
		})
	}
}

func TestResponsesAreValidatedAgainstEveryQuestion(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.openSurvey(admin)
	valid := `"q1":"Skola","q2":["Bad"],"q3":4,"q4":["B","A","C"],"q5":12.5,"q6":"Bra"`
	tests := []struct {
		name   string
		body   string
		status int
		field  string
	}{
		{"a valid response is stored", `{"village":"aby","answers":{` + valid + `}}`, 201, ""},
		{"an empty list for an optional multi is stored as not answered", `{"village":"aby","answers":{"q1":"Väg","q2":[],"q3":3}}`, 201, ""},
		{"an empty list for an optional rank is stored as not answered", `{"village":"aby","answers":{"q1":"Väg","q3":3,"q4":[]}}`, 201, ""},
		{"an option not offered is refused", `{"village":"aby","answers":{"q1":"Annat","q3":3}}`, 422, "answers.q1"},
		{"too many choices are refused", `{"village":"aby","answers":{"q1":"Väg","q2":["Bad","Kyrka","Gård"],"q3":3}}`, 422, "answers.q2"},
		{"a likert of 6 is refused", `{"village":"aby","answers":{"q1":"Väg","q3":6}}`, 422, "answers.q3"},
		{"a likert of 2.5 is refused", `{"village":"aby","answers":{"q1":"Väg","q3":2.5}}`, 422, "answers.q3"},
		{"an incomplete ranking is refused", `{"village":"aby","answers":{"q1":"Väg","q3":3,"q4":["A","B"]}}`, 422, "answers.q4"},
		{"a number out of range is refused", `{"village":"aby","answers":{"q1":"Väg","q3":3,"q5":121}}`, 422, "answers.q5"},
		{"a too long text is refused", `{"village":"aby","answers":{"q1":"Väg","q3":3,"q6":"` + strings.Repeat("å", 21) + `"}}`, 422, "answers.q6"},
		{"a missing required answer is refused", `{"village":"aby","answers":{"q3":3}}`, 422, "answers.q1"},
		{"an unknown question is refused", `{"village":"aby","answers":{"q1":"Väg","q3":3,"q9":"x"}}`, 422, "answers.q9"},
		{"a village outside the survey is refused", `{"village":"ingenby","answers":{"q1":"Väg","q3":3}}`, 422, "village"},
		{"an operator object is refused", `{"village":"aby","answers":{"q1":{"$gt":""},"q3":3}}`, 422, "answers.q1"},
		{"a wrong type in the body is refused", `{"village":["aby"],"answers":{}}`, 400, "village"},
		{"an unknown field is refused", `{"village":"aby","answers":{"q1":"Väg","q3":3},"name":"Anna"}`, 400, "name"},
		{"broken JSON is refused", `{"village":"aby",`, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", tt.body)
			if code != tt.status {
				t.Fatalf("got %d %s; want %d", code, b, tt.status)
			}
			if tt.field == "" {
				return
			}
			e := decode[apiError](t, b)
			found := false
			for _, fe := range e.Errors {
				found = found || fe.Field == tt.field
			}
			if !found {
				t.Errorf("got errors %s; want one for field %s", b, tt.field)
			}
		})
	}
}

func TestUnknownSurveysAndVillagesAre404(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.openSurvey(admin)
	tests := []struct{ method, path, body string }{
		{"POST", "/api/v1/surveys/nosuch/responses", `{"village":"aby","answers":{}}`},
		{"GET", "/api/v1/surveys/nosuch", ""},
		{"GET", "/s/nosuch/aby", ""},
		{"GET", "/s/" + id + "/nosuch", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			if code, b := ta.do(tt.method, tt.path, admin, body); code != http.StatusNotFound {
				t.Errorf("got %d %s; want 404", code, b)
			}
		})
	}
}

func TestIdempotencyKeyStoresOneResponse(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.openSurvey(admin)
	body := `{"village":"aby","answers":{"q1":"Skola","q3":5}}`
	var ids []string
	for i := 0; i < 3; i++ {
		code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", body, "Idempotency-Key", "abc-123")
		if code != http.StatusCreated {
			t.Fatalf("attempt %d: got %d %s; want 201", i, code, b)
		}
		ids = append(ids, decode[map[string]string](t, b)["id"])
	}
	if ids[0] != ids[1] || ids[1] != ids[2] {
		t.Errorf("got ids %v; want the same id three times", ids)
	}
	code, b := ta.do("GET", "/api/v1/surveys/"+id, admin, nil)
	if got := decode[map[string]any](t, b)["responses"]; code != 200 || got != float64(1) {
		t.Errorf("got %d responses (%d); want 1", got, code)
	}
}

func TestIdempotencyKeyWithAnotherBodyIsRefused(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.openSurvey(admin)
	path := "/api/v1/surveys/" + id + "/responses"
	first := `{"village":"aby","answers":{"q1":"Skola","q3":5}}`
	code, b := ta.do("POST", path, "", first, "Idempotency-Key", "k-1")
	if code != http.StatusCreated {
		t.Fatalf("first: got %d %s; want 201", code, b)
	}
	firstID := decode[map[string]string](t, b)["id"]
	tests := []struct {
		name, body string
		want       int
	}{
		{"the same body again returns the first id", first, http.StatusCreated},
		{"the same answers in another order are the same body", `{"answers":{"q3":5,"q1":"Skola"},"village":"aby"}`, http.StatusCreated},
		{"another option under the key is refused", `{"village":"aby","answers":{"q1":"Väg","q3":5}}`, http.StatusUnprocessableEntity},
		{"another number under the key is refused", `{"village":"aby","answers":{"q1":"Skola","q3":4}}`, http.StatusUnprocessableEntity},
		{"an answer added under the key is refused", `{"village":"aby","answers":{"q1":"Skola","q3":5,"q6":"mer"}}`, http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ta.do("POST", path, "", tt.body, "Idempotency-Key", "k-1")
			if code != tt.want {
				t.Fatalf("got %d %s; want %d", code, b, tt.want)
			}
			if code == http.StatusCreated {
				if got := decode[map[string]string](t, b)["id"]; got != firstID {
					t.Errorf("got id %s; want the first %s", got, firstID)
				}
				return
			}
			e := decode[errorBody](t, b)
			if e.Error == "" || len(e.Errors) != 1 || e.Errors[0].Field != "Idempotency-Key" {
				t.Errorf("got error body %s; want the API error shape naming Idempotency-Key", b)
			}
		})
	}
	code, b = ta.do("GET", "/api/v1/surveys/"+id, admin, nil)
	if got := decode[map[string]any](t, b)["responses"]; code != 200 || got != float64(1) {
		t.Errorf("got %v responses (%d); want 1", got, code)
	}
}

func TestClosedSurveyRefusesResponsesWith409(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.openSurvey(admin)
	if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/close", admin, nil); code != 200 {
		t.Fatalf("close: got %d %s; want 200", code, b)
	}
	code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", `{"village":"aby","answers":{"q1":"Skola","q3":5}}`)
	if code != http.StatusConflict {
		t.Errorf("got %d %s; want 409", code, b)
	}
	if code, _ := ta.do("PUT", "/api/v1/surveys/"+id, admin, allTypes("aby")); code != http.StatusConflict {
		t.Errorf("editing a closed survey: got %d; want 409", code)
	}
	if code, _ := ta.do("POST", "/api/v1/surveys/"+id+"/close", admin, nil); code != http.StatusConflict {
		t.Errorf("closing twice: got %d; want 409", code)
	}
}

func TestSignedInRoutesRefuseAnonymousCallers(t *testing.T) {
	ta := newTestApp(t)
	for _, route := range []struct{ method, path string }{
		{"GET", "/api/v1/villages"}, {"POST", "/api/v1/villages"}, {"POST", "/api/v1/surveys"},
		{"GET", "/api/v1/surveys"}, {"POST", "/api/v1/surveys/x/open"}, {"GET", "/api/v1/surveys/x/responses.csv"},
	} {
		t.Run(route.method+" "+route.path, func(t *testing.T) {
			if code, b := ta.do(route.method, route.path, "", nil); code != http.StatusUnauthorized {
				t.Errorf("got %d %s; want 401", code, b)
			}
			if code, _ := ta.do(route.method, route.path, "not-a-token", nil); code != http.StatusUnauthorized {
				t.Errorf("with a bad token: got %d; want 401", code)
			}
		})
	}
}

func TestTokensAreIssuedForRightPasswordOnly(t *testing.T) {
	ta := newTestApp(t)
	ta.user("admin") // another user, so the store is not empty
	code, _ := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": "nobody@example.se", "password": "ett-långt-lösenord"})
	if code != http.StatusUnauthorized {
		t.Errorf("unknown email: got %d; want 401", code)
	}
}

func TestPhonePageKeepsAnswersAndThanks(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.openSurvey(admin)
	code, b := ta.do("GET", "/s/"+id+"/aby", "", nil)
	if code != 200 || !strings.Contains(string(b), "Instämmer helt") || !strings.Contains(string(b), `<fieldset`) {
		t.Fatalf("phone page: got %d; want 200 with a likert fieldset", code)
	}
	t.Run("a form missing a required answer is shown again with the answers kept", func(t *testing.T) {
		code, b, _ := ta.form("/s/"+id+"/aby", ta.phoneValues("/s/"+id+"/aby", url.Values{"q_q3": {"4"}, "q_q6": {"Hej byn"}}))
		page := string(b)
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("got %d; want 422", code)
		}
		for _, want := range []string{`id="e-q1"`, `value="4" checked`, "Hej byn", `href="#q-q1"`} {
			if !strings.Contains(page, want) {
				t.Errorf("got a page without %s; want it", want)
			}
		}
	})
	t.Run("a valid form is stored once and thanked", func(t *testing.T) {
		values := ta.phoneValues("/s/"+id+"/aby", url.Values{"q_q1": {"Väg"}, "q_q2": {"Bad", "Gård"}, "q_q3": {"2"},
			"q_q4_0": {"3"}, "q_q4_1": {"1"}, "q_q4_2": {"2"}, "q_q5": {"7,5"}})
		for i := 0; i < 2; i++ {
			code, _, h := ta.form("/s/"+id+"/aby", values)
			if code != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "/tack") {
				t.Fatalf("got %d to %q; want 303 to the thank-you page", code, h.Get("Location"))
			}
		}
		_, b := ta.do("GET", "/api/v1/surveys/"+id, admin, nil)
		if got := decode[map[string]any](t, b)["responses"]; got != float64(1) {
			t.Errorf("got %v responses; want 1 (the nonce makes a resubmission the same response)", got)
		}
		_, csv := ta.do("GET", "/api/v1/surveys/"+id+"/responses.csv", admin, nil)
		if !strings.Contains(string(csv), "aby;web") || !strings.Contains(string(csv), ";7,5;") {
			t.Errorf("got CSV %s; want the form's response", csv)
		}
	})
}

func TestSecurityHeadersAreOnEveryResponse(t *testing.T) {
	ta := newTestApp(t)
	for _, path := range []string{"/", "/api/v1/villages", "/healthz", "/nosuch"} {
		req, _ := http.NewRequest("GET", path, nil)
		resp, err := ta.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("%s: got no %s; want one", path, h)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: got CSP %q; want frame-ancestors none and no unsafe-inline", path, csp)
		}
	}
}
