package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/forankra/forankra/survey"
)

// staffLinks are the same-site page links of the current page a visitor
// follows: not language switches, downloads, charts or residents' pages.
const staffLinks = `[...new Set([...document.querySelectorAll('main a[href], header a[href], nav a[href]')]
	.map(a => new URL(a.href, location.href)).filter(u => u.origin === location.origin)
	.map(u => u.pathname).filter(p => !/^\/(lang|s|static)\//.test(p) && !/\.(csv|xlsx|json|png|svg|ics|pdf)$/.test(p) && p !== '/' && p !== '/logga-in'))]`

// TestEveryRoleReachesItsWorkFromTheHeader signs in as each role, starts at
// "Att göra" and follows links (from the header, then from the pages the
// header leads to), and on every staff page reached checks that nothing is
// wider than the 360 px viewport and that axe-core finds no violation.
func TestEveryRoleReachesItsWorkFromTheHeader(t *testing.T) {
	needBrowser(t)
	axeScript(t)
	ta := newTestApp(t)
	admin, proposal := ta.remissSetup()
	official := ta.user("official")
	code, b := ta.do("POST", "/api/v1/surveys", admin, surveyTitled("Busstider och belysning längs landsvägen mellan byarna", "aby", "backby"))
	if code != http.StatusCreated {
		t.Fatalf("create survey: got %d %s; want 201", code, b)
	}
	if code, b := ta.do("POST", "/api/v1/surveys/"+decode[map[string]any](t, b)["id"].(string)+"/open", admin, nil); code != http.StatusOK {
		t.Fatalf("open: got %d %s; want 200", code, b)
	}
	if code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official,
		map[string]any{"villages": []string{"aby", "backby", "cby"}, "deadline": "2026-03-20"}); code != http.StatusCreated {
		t.Fatalf("send remiss: got %d %s; want 201", code, b)
	}
	base := ta.serve()
	for _, tt := range []struct {
		role     string
		villages []string
		mustSee  []string // pages of the role's work that must be reached
	}{
		{survey.RoleAdmin, nil, []string{"/att-gora", "/enkater", "/forslag", "/remisser", "/forum", "/admin/byar", "/admin/anvandare", "/admin/logg", "/arenden", "/arenden/ny"}},
		{survey.RoleOfficial, nil, []string{"/att-gora", "/enkater", "/enkater/ny", "/forslag", "/forslag/ny", "/remisser", "/forum", "/moten", "/moten/ny", "/arenden", "/arenden/ny"}},
		{survey.RoleRepresentative, []string{"aby"}, []string{"/att-gora", "/enkater", "/forslag", "/remisser", "/remisser/*/svara/aby", "/forum", "/arenden", "/arenden/ny", "/fonder"}},
		{survey.RolePolitician, nil, []string{"/att-gora", "/enkater", "/forslag", "/forum", "/moten"}},
		{survey.RoleForum, nil, []string{"/att-gora", "/enkater", "/forslag", "/forum"}},
	} {
		t.Run("a "+tt.role+" reaches every page of the work from the header", func(t *testing.T) {
			// A tab of its own per role: the tab's deadline bounds one
			// role's walk, which grows with every page the header leads to.
			tab := newTab(t)
			m := ta.member(tt.role, tt.villages...)
			mustDo(t, tab, chromedp.Navigate(base+"/logga-in"))
			signInTab(t, tab, base, m)
			mustDo(t, tab, chromedp.Navigate(base+"/att-gora"))
			header := eval[[]string](t, tab, `[...document.querySelectorAll('.main-nav a, .sub-nav a')].map(a => new URL(a.href).pathname)`)
			seen := map[string]bool{}
			queue := append([]string{"/att-gora"}, header...)
			for depth := 0; depth < 3 && len(queue) > 0; depth++ {
				var next []string
				for _, p := range queue {
					if seen[p] || len(seen) > 30 {
						continue
					}
					seen[p] = true
					mustDo(t, tab, chromedp.Navigate(base+p))
					for _, l := range eval[[]string](t, tab, staffLinks) {
						if !seen[l] {
							next = append(next, l)
						}
					}
				}
				queue = next
			}
			for p := range seen {
				mustDo(t, tab, chromedp.Navigate(base+p))
				if sw := eval[int](t, tab, "document.documentElement.scrollWidth"); sw > phoneWidth {
					wide := eval[string](t, tab, `[...document.querySelectorAll('main *, header *')].filter(e => e.getBoundingClientRect().right > `+
						`document.documentElement.clientWidth + 1 && !e.closest('[role=region]')).slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 30)).join(' | ')`)
					t.Errorf("%s: got a page %d px wide at a %d px viewport; want ≤ %d (too wide: %s)", p, sw, phoneWidth, phoneWidth, wide)
				}
				scanPage(t, tab, tt.role+" "+p)
			}
			for _, want := range tt.mustSee {
				if !reached(seen, want) {
					t.Errorf("got no way from the header to %s; reached %v", want, pathsOf(seen))
				}
			}
		})
	}
}

// reached reports whether a path matching the pattern (* for one segment)
// was visited.
func reached(seen map[string]bool, pattern string) bool {
	want := strings.Split(pattern, "/")
	for p := range seen {
		got := strings.Split(p, "/")
		if len(got) != len(want) {
			continue
		}
		ok := true
		for i := range want {
			if want[i] != "*" && want[i] != got[i] {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func pathsOf(m map[string]bool) []string {
	var out []string
	for k := range m {
		u, _ := url.PathUnescape(k)
		out = append(out, u)
	}
	return out
}
