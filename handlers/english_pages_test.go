package handlers

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/forankra/forankra/survey"
)

// TestEnglishPagesShowNoSwedishStatusWords signs in with English chosen
// and reads the pages that show statuses, verdicts and anchoring: none may
// show a Swedish status word.
func TestEnglishPagesShowNoSwedishStatusWords(t *testing.T) {
	ta := plansApp(t)
	walkedPlan(t, ta)
	admin := ta.account("admin")
	code, b := ta.do("POST", "/api/v1/proposals", admin.token, map[string]any{"title": "Brygga", "body": "Bygg en brygga.", "received": "2025-04-01"})
	if code != http.StatusCreated {
		t.Fatalf("register: got %d %s", code, b)
	}
	p := decode[map[string]any](t, b)["id"].(string)
	ta.mustDo("POST", "/api/v1/proposals/"+p+"/remiss", admin.token, map[string]any{"villages": []string{"aby", "bby"}, "deadline": "2026-03-31"}, 201)
	_, b = ta.do("GET", "/api/v1/surveys", admin.token, nil)
	sv := decode[[]map[string]any](t, b)[0]["id"].(string)
	_, b = ta.do("GET", "/api/v1/remisses", admin.token, nil)
	rm := decode[[]map[string]any](t, b)[0]["id"].(string)
	swedish := regexp.MustCompile(`>[^<]*\b(utkast|öppen|stängd|tillstyrker|avstyrker|pågår|planerad|inlämnad|antagen|Nära ett år|svar saknas|dagar kvar|för få svar)\b[^<]*<`)
	for _, path := range []string{"/att-gora", "/enkater", "/enkater/" + sv, "/forslag", "/forslag/" + p, "/remisser", "/remisser/" + rm,
		"/planer", "/planer/aby-2026", "/forum", "/forum/surveys/" + sv, "/forum/planer"} {
		t.Run(path, func(t *testing.T) {
			code, b, _ := ta.page("GET", path, admin, nil, "Cookie", "lang=en; "+sessionCookie+"="+admin.session)
			if code != http.StatusOK {
				t.Fatalf("got %d; want 200", code)
			}
			page := string(b)
			if i := strings.Index(page, "<main"); i >= 0 {
				page = page[i:]
			}
			for _, m := range swedish.FindAllStringSubmatch(page, 5) {
				t.Errorf("got Swedish %q in %q", m[1], m[0])
			}
		})
	}
}

// TestFieldErrorsBesideTheirFieldsAreInEnglish: the message printed next to
// a field (not only the list at the top of the form) is in the page's
// language.
func TestFieldErrorsBesideTheirFieldsAreInEnglish(t *testing.T) {
	ta := plansApp(t)
	official := ta.account(survey.RoleOfficial)
	rep := ta.account(survey.RoleRepresentative, "aby")
	tests := []struct {
		name, path string
		who        account
		form       url.Values
		field, en  string
	}{
		{"a meeting that ends before it starts", "/moten/ny", official, url.Values{"kind": {"forum"}, "title": {"Vårforum"}, "starts": {"2026-04-15T18:00"},
			"ends": {"2026-04-15T17:00"}, "villages": {"aby"}}, "ends", "The meeting must end after it starts"},
		{"a matter raised in the future", "/arenden/ny", rep, url.Values{"village": {"aby"}, "title": {"Vägen"}, "raised_on": {"2026-04-01"}},
			"raised_on", "The date may not be in the future"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("_csrf", tt.who.csrf)
			code, page, _ := ta.page("POST", tt.path, account{}, tt.form, "Cookie", "lang=en; "+sessionCookie+"="+tt.who.session)
			want := `id="` + tt.field + `-err">` + tt.en + `</p>`
			if code != http.StatusUnprocessableEntity || !strings.Contains(string(page), want) {
				t.Errorf("got %d; want 422 with %q beside the field", code, want)
			}
		})
	}
}
