package handlers

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/forankra/forankra/survey"
)

// shortOnSheet finds the short link printed on a code sheet or survey page.
var shortOnSheet = regexp.MustCompile(`example\.com/e/([` + survey.CodeAlphabet + `]{6})`)

func TestCodeSheetPrintsAShortLinkThatLeadsToThePhonePage(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	id := ta.codeSurvey(adm.token)
	code, page, _ := ta.page("POST", "/enkater/"+id+"/koder", adm, url.Values{"village": {"aby"}, "count": {"2"}})
	if code != http.StatusCreated {
		t.Fatalf("got %d %.300s; want 201", code, page)
	}
	m := shortOnSheet.FindAllStringSubmatch(string(page), -1)
	if len(m) != 2 || m[0][1] != m[1][1] {
		t.Fatalf("got short links %v on the sheet of 2 codes; want the same one on each", m)
	}
	if strings.Contains(string(page), "/s/"+id+"/aby<") {
		t.Errorf("got the long address printed on the sheet; want only the short one")
	}
	if got := len("example.com/e/" + m[0][1]); got > 25 {
		t.Errorf("got a printed address of %d characters; want at most 25", got)
	}
	short := m[0][1]
	t.Run("the survey page shows the same short link", func(t *testing.T) {
		_, page, _ := ta.page("GET", "/enkater/"+id, adm, nil)
		if !strings.Contains(string(page), "example.com/e/"+short) {
			t.Errorf("got no %s on the survey page", short)
		}
	})
	t.Run("the API lists it", func(t *testing.T) {
		code, b := ta.do("GET", "/api/v1/surveys/"+id+"/short-links", adm.token, nil)
		got := decode[struct {
			Links []struct{ Village, Code, URL string }
		}](t, b)
		if code != 200 || len(got.Links) != 2 || got.Links[0].Village != "aby" || got.Links[0].Code != short || got.Links[1].Code == short {
			t.Errorf("got %d %s; want aby's %s and another for backby", code, b, short)
		}
	})
	for _, tc := range []struct{ name, path, want string }{
		{"typed as printed", "/e/" + short, "/s/" + id + "/aby"},
		{"typed in small letters with a dash", "/e/" + strings.ToLower(short[:3]+"-"+short[3:]), "/s/" + id + "/aby"},
		{"with a code from the QR", "/e/" + short + "?code=ABCD-EFGH", "/s/" + id + "/aby?code=ABCD-EFGH"},
	} {
		t.Run("the short link "+tc.name+" leads to the phone page", func(t *testing.T) {
			r := ta.raw("GET", tc.path, "")
			if r.code != http.StatusFound || r.header.Get("Location") != tc.want {
				t.Errorf("got %d to %q; want 302 to %q", r.code, r.header.Get("Location"), tc.want)
			}
		})
	}
	for _, path := range []string{"/e/AAAAAA", "/e/ab", "/e/" + short + "0"} {
		if r := ta.raw("GET", path, ""); r.code != http.StatusNotFound {
			t.Errorf("GET %s: got %d; want 404", path, r.code)
		}
	}
}
