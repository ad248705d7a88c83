package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/forankra/forankra/survey"
)

// The ledger's refusals speak the reader's language: the overspend, a
// payment of what is not granted and a reversal of a reversal answer in
// English with Accept-Language: en (the amounts as written), in Swedish
// without, and an English page shows the overspend in English.
func TestLedgerRefusalsInEnglish(t *testing.T) {
	ta := plansApp(t)
	official, forum := ta.user(survey.RoleOfficial), ta.user(survey.RoleForum)
	rep := ta.user(survey.RoleRepresentative, "aby")
	ta.mustDo("POST", "/api/v1/funds", official, fundBody(2026, 10000), 201)
	a1 := submittedApplication(t, ta, rep, 2026, 8000)
	g := decode[appJSON](t, ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/grant", forum, map[string]any{"amount_sek": 8000}, 200))
	a2 := submittedApplication(t, ta, rep, 2026, 5000)
	rev := decode[survey.LedgerEntry](t, ta.mustDo("POST", "/api/v1/funds/2026/ledger/"+g.Entry+"/reverse", official, map[string]any{"reason": "Fel"}, 201))
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/grant", forum, map[string]any{"amount_sek": 8000}, 200)
	left := survey.Kronor(2000) // "2 000 kr", with no-break spaces
	en := []string{"Accept-Language", "en"}
	tests := []struct {
		name, path string
		body       any
		headers    []string
		code       int
		want       string
	}{
		{"the overspend", "/api/v1/funds/2026/applications/" + a2.ID + "/grant", map[string]any{"amount_sek": 5000}, en, 409, "Only " + left + " is left of the bygdepeng of 2026"},
		{"the overspend in Swedish", "/api/v1/funds/2026/applications/" + a2.ID + "/grant", map[string]any{"amount_sek": 5000}, nil, 409, "Det finns bara " + left + " kvar i 2026 års bygdepeng"},
		{"paying what is not granted", "/api/v1/funds/2026/applications/" + a2.ID + "/pay", nil, en, 409, "Only a granted application can be paid out"},
		{"reversing a reversal", "/api/v1/funds/2026/ledger/" + rev.ID + "/reverse", map[string]any{"reason": "Igen"}, en, 409, "A reversal cannot be reversed; book the entry again"},
		{"reversing an unknown entry", "/api/v1/funds/2026/ledger/2026-99/reverse", map[string]any{"reason": "Igen"}, en, 404, `There is no entry "2026-99"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			who := forum
			if strings.Contains(tt.path, "/ledger/") || strings.HasSuffix(tt.path, "/pay") {
				who = official
			}
			code, b := ta.do("POST", tt.path, who, tt.body, tt.headers...)
			if e := decode[apiError](t, b); code != tt.code || e.Error != tt.want {
				t.Errorf("got %d %q; want %d %q", code, e.Error, tt.code, tt.want)
			}
		})
	}
	a := ta.account(survey.RoleForum)
	code, page, _ := ta.page("POST", "/fonder/2026/ansokningar/"+a2.ID+"/bevilja", account{}, url.Values{"amount_sek": {"5000"}, "_csrf": {a.csrf}},
		"Cookie", "lang=en; "+sessionCookie+"="+a.session)
	if code != http.StatusConflict {
		t.Errorf("the English page: got %d; want 409", code)
	}
	checkPage(t, http.StatusOK, page, []string{"Only " + left + " is left of the bygdepeng of 2026"}, []string{"Det finns bara"})
}
