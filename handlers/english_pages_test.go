package handlers

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
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
