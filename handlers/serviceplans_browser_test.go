package handlers

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/forankra/forankra/survey"
)

// TestServicePlanPagesInTheBrowser visits every page of the service plan at
// the phone's 360 px — the list, a draft with its edit forms, the
// confirmation pages of sending and of the decision, a plan in force, its
// printable document and the diff between versions — as an official: no
// axe-core violation, nothing wider than the screen.
func TestServicePlanPagesInTheBrowser(t *testing.T) {
	tab := newTab(t)
	axeScript(t)
	f := newServicePlanFixture(t)
	ta := f.ta
	draft := f.create(t)
	sent := f.create(t)
	base := "/api/v1/service-plans/" + sent.ID
	for _, step := range []struct {
		path string
		body any
	}{{"/review", nil}, {"/adopt", nil}} {
		ta.mustDo("POST", base+step.path, f.official, step.body, 200)
	}
	adopted := sent.ID
	decided := f.create(t)
	base = "/api/v1/service-plans/" + decided.ID
	for _, step := range []struct {
		path string
		body any
	}{{"/review", nil}, {"/adopt", map[string]any{"meeting_item": f.agendaItem(t, decided.ID)}}, {"/send", map[string]any{"date": "2026-03-09", "diary_number": "KS 2026/14"}},
		{"/decide", map[string]any{"date": "2026-03-10", "paragraph": "§ 45"}}, {"/revise", nil}} {
		ta.mustDo("POST", base+step.path, f.official, step.body, map[bool]int{true: 201, false: 200}[step.path == "/revise"])
	}
	ta.mustDo("PUT", base+"/items/"+f.roads, f.official, map[string]any{"goal": "Säkra skolvägar i alla byar"}, 200)
	official := ta.member(survey.RoleOfficial)
	server := ta.serve()
	signInTab(t, tab, server, official)
	for _, p := range []struct{ path, name string }{
		{"/serviceplan", "the service plans"},
		{"/serviceplan/" + draft.ID, "a draft with its edit forms"},
		{"/serviceplan/" + adopted + "/skicka", "the confirmation of sending"},
		{"/serviceplan/" + decided.ID + "?version=1", "a plan in force"},
		{"/serviceplan/" + decided.ID, "its revision as a draft"},
		{"/serviceplan/" + decided.ID + "/dokument?version=1", "the printable document"},
		{"/serviceplan/" + decided.ID + "/andringar?from=1", "what changed between the versions"},
		{"/att-gora", "Att göra"},
	} {
		scanURL(t, tab, server+p.path, p.name)
		if w := eval[int](t, tab, "document.documentElement.scrollWidth"); w > phoneWidth {
			t.Errorf("%s: got %d px wide; want at most %d", p.name, w, phoneWidth)
		}
	}
	t.Run("the document prints on A4: a cover, the contents and the items on pages of their own", func(t *testing.T) {
		scanURL(t, tab, server+"/serviceplan/"+decided.ID+"/dokument?version=1", "the printable document")
		yes := true
		res, err := chromedp.Call(tab, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes})
		if err != nil {
			t.Fatalf("print: %v", err)
		}
		pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(res.Data, -1))
		if pages < 3 || !bytes.HasPrefix(res.Data, []byte("%PDF")) {
			t.Errorf("got a PDF of %d pages (%d bytes); want at least 3: the cover, the contents, the items", pages, len(res.Data))
		}
		if out := os.Getenv("FORANKRA_SERVICE_PLAN_PDF"); out != "" {
			_ = os.WriteFile(out, res.Data, 0o644)
		}
		// The printed text, page by page: the cover alone on page 1, the
		// contents alone on page 2 giving each item's page (each has a page
		// of its own here; see TestServicePlanDocumentPrintsPageNumbers),
		// the items after it in their order, and every page's footer
		// numbering it "n / N" (an @page margin box).
		text := pdfText(t, res.Data)
		if len(text) != pages {
			t.Fatalf("got %d pages of text; want the PDF's %d", len(text), pages)
		}
		footer := regexp.MustCompile(`(\d+) ?/ ?(\d+)\s*$`)
		for i, pg := range text {
			m := footer.FindStringSubmatch(pg)
			if m == nil || m[1] != strconv.Itoa(i+1) || m[2] != strconv.Itoa(pages) {
				t.Errorf("page %d: got the footer %q; want %d / %d", i+1, m, i+1, pages)
			}
		}
		if !strings.Contains(text[0], "Utvecklings- och serviceplan") || strings.Contains(text[0], "Innehåll") {
			t.Errorf("page 1: got %q; want the cover alone", text[0])
		}
		toc := text[1]
		first, second := strings.Index(toc, "1. Kommunikationer och vägar · sidan 3"), strings.Index(toc, "2. Skola och barnomsorg · sidan 4")
		if !strings.Contains(toc, "Innehåll") || first < 0 || second < first {
			t.Errorf("page 2: got %q; want the contents with the items numbered in order", toc)
		}
		rest := strings.Join(text[2:], "\f")
		if a, b := strings.Index(rest, "1. Kommunikationer och vägar"), strings.Index(rest, "2. Skola och barnomsorg"); a < 0 || b < a {
			t.Errorf("pages 3–: got the items at %d and %d; want both, in order, after the contents", a, b)
		}
	})
}

// pdfText is a PDF's text a page at a time, read with pdftotext (Debian's
// poppler-utils); without it the test cannot read the print and is skipped
// (failed in CI, whose script installs it).
func pdfText(t *testing.T, pdf []byte) []string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		skipOrFail(t, "pdftotext is not installed (apt-get install poppler-utils): the printed text cannot be read")
	}
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(out), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

// TestServicePlanDocumentPrintsPageNumbers prints the document with the
// roads item's goal grown to the longest that still gets a page of its own
// (docPageBudget), and one sentence longer: at the limit the contents give
// each item's page and the PDF has each heading on that page, the item
// whole on it; past it the items flow and the contents have no page
// numbers (only the footers do).
func TestServicePlanDocumentPrintsPageNumbers(t *testing.T) {
	tab := newTab(t)
	f := newServicePlanFixture(t)
	ta := f.ta
	p := f.create(t)
	base := "/api/v1/service-plans/" + p.ID
	sentence := "Kommunen och byarna gör skolvägarna säkra med belysning och sänkt hastighet. " // 77 characters
	paged := func(goal string) bool {
		t.Helper()
		ta.mustDo("PUT", base+"/items/"+f.roads, f.official, map[string]any{"goal": goal}, 200)
		_, doc := ta.do("GET", base+"/document", f.official, nil)
		return strings.Contains(string(doc), `class="sp-doc sp-paged"`)
	}
	n := 0
	for paged(strings.Repeat(sentence, n+1)) {
		if n++; n > 40 {
			t.Fatal("got every goal paged; want the budget to end somewhere")
		}
	}
	if n == 0 {
		t.Fatal("got no goal paged; want a sentence or more to fit")
	}
	atLimit, past := strings.Repeat(sentence, n), strings.Repeat(sentence, n+1)
	official := ta.member(survey.RoleOfficial)
	server := ta.serve()
	signInTab(t, tab, server, official)
	for _, tt := range []struct {
		name  string
		goal  string
		paged bool
	}{{"at the limit", atLimit, true}, {"past it", past, false}} {
		t.Run(tt.name, func(t *testing.T) {
			if got := paged(tt.goal); got != tt.paged {
				t.Fatalf("got paged %v; want %v", got, tt.paged)
			}
			mustDo(t, tab, chromedp.Navigate(server+"/serviceplan/"+p.ID+"/dokument"))
			yes := true
			res, err := chromedp.Call(tab, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes})
			if err != nil {
				t.Fatalf("print: %v", err)
			}
			if out := os.Getenv("FORANKRA_SERVICE_PLAN_PDF"); out != "" {
				_ = os.WriteFile(strings.TrimSuffix(out, ".pdf")+"-"+strings.ReplaceAll(tt.name, " ", "-")+".pdf", res.Data, 0o644)
			}
			text := pdfText(t, res.Data)
			heading := map[string]int{}
			for i, pg := range text {
				for _, h := range []string{"1. Kommunikationer och vägar", "2. Skola och barnomsorg"} {
					if i > 1 && strings.Contains(pg, h) {
						heading[h] = i + 1
					}
				}
			}
			toc := text[1]
			if !tt.paged {
				if strings.Contains(toc, "sidan") || heading["1. Kommunikationer och vägar"] != 3 {
					t.Errorf("past the limit: got the contents %q, the first item on page %d; want no page numbers in the contents, the items from page 3", toc, heading["1. Kommunikationer och vägar"])
				}
				return
			}
			if len(text) != 4 {
				t.Fatalf("got %d pages; want 4: the cover, the contents, a page an item", len(text))
			}
			t.Logf("at the limit: a goal of %d characters; page 3 has %d lines of text", len([]rune(tt.goal)), strings.Count(strings.TrimRight(text[2], "\n "), "\n")+1)
			for h, want := range map[string]int{"1. Kommunikationer och vägar": 3, "2. Skola och barnomsorg": 4} {
				if !strings.Contains(toc, h+" · sidan "+strconv.Itoa(want)) || heading[h] != want {
					t.Errorf("%s: got the contents %q and the heading on page %d; want both saying page %d", h, toc, heading[h], want)
				}
			}
			if !strings.Contains(text[2], "Bby 2026, prioritering 1") || !strings.Contains(strings.Join(strings.Fields(text[2]), " "), strings.TrimSpace(strings.Fields(sentence)[0])) {
				t.Errorf("page 3: got %q; want the roads item whole, its last source too", text[2])
			}
		})
	}
}
