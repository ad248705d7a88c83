package handlers

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

var olderLink = regexp.MustCompile(`href="(/admin/logg\?fore=[0-9a-f]{24})"`)

func TestTheAuditLogPagesByCursorWithNamesAndSwedishTime(t *testing.T) {
	ta := newTestApp(t) // 2026-03-10 09:00 UTC = 10:00 in Stockholm
	adm := ta.account(survey.RoleAdmin)
	_, proposal := ta.remissSetup() // registers a proposal: proposal.registered
	log := storage.NewAudit(ta.db)
	for i := 0; i < 2*auditPageSize+5; i++ {
		if err := log.Add(context.Background(), survey.AuditEntry{At: ta.now, Actor: adm.user.ID, Email: adm.user.Email, Action: survey.AuditSignIn, Target: adm.user.ID}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	path, pages, rows := "/admin/logg", 0, 0
	for path != "" && pages < 5 {
		code, page, _ := ta.page("GET", path, adm, nil)
		if code != 200 {
			t.Fatalf("%s: got %d; want 200", path, code)
		}
		p := string(page)
		n := strings.Count(p, "<tr><td><time")
		if n > auditPageSize {
			t.Errorf("%s: got %d rows; want at most %d", path, n, auditPageSize)
		}
		rows += n
		pages++
		for _, id := range regexp.MustCompile(`fore=([0-9a-f]{24})`).FindAllStringSubmatch(p, -1) {
			if seen[id[1]] {
				t.Errorf("got the cursor %s twice; want every page to move on", id[1])
			}
			seen[id[1]] = true
		}
		if pages == 1 {
			for _, want := range []string{"2026-03-10 10:00", "Test admin (" + adm.user.Email + ")", "inloggning"} {
				if !strings.Contains(p, want) {
					t.Errorf("first page: got no %q", want)
				}
			}
		}
		path = ""
		if m := olderLink.FindStringSubmatch(p); m != nil {
			path = m[1]
		}
	}
	// 105 sign-ins, the proposal, and the accounts' and villages' entries of the setup.
	if pages != 3 || rows < 2*auditPageSize+6 {
		t.Errorf("got %d rows on %d pages; want all of at least %d on 3", rows, pages, 2*auditPageSize+6)
	}
	t.Run("the oldest page names the proposal and says what happened in Swedish", func(t *testing.T) {
		code, last, _ := ta.page("GET", "/admin/logg?fore="+lastCursor(t, ta, adm), adm, nil)
		p := string(last)
		if code != 200 || !strings.Contains(p, "förslag registrerat") || !strings.Contains(p, "Brygga vid badplatsen") || strings.Contains(p, "proposal.registered") || strings.Contains(p, ">"+proposal+"<") {
			t.Errorf("got %d; want the proposal by title with a Swedish label, not its key or id", code)
		}
	})
	t.Run("a malformed cursor is 400", func(t *testing.T) {
		if code, _, _ := ta.page("GET", "/admin/logg?fore="+strings.Repeat("x", 100), adm, nil); code != 400 {
			t.Errorf("got %d; want 400", code)
		}
	})
}

// lastCursor follows the log's pages to the cursor of its last page.
func lastCursor(t *testing.T, ta *testApp, adm account) string {
	t.Helper()
	path, cursor := "/admin/logg", ""
	for i := 0; i < 10 && path != ""; i++ {
		_, page, _ := ta.page("GET", path, adm, nil)
		path = ""
		if m := olderLink.FindStringSubmatch(string(page)); m != nil {
			path, cursor = m[1], strings.TrimPrefix(m[1], "/admin/logg?fore=")
		}
	}
	return cursor
}
