package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// heldMeeting stores a held forum meeting with one agenda item whose
// minutes say "Läst"; it returns the meeting's and the item's ids.
func (ta *testApp) heldMeeting() (string, string) {
	ta.t.Helper()
	cx := context.Background()
	s := storage.NewMeetings(ta.db)
	m := &survey.Meeting{Kind: survey.MeetingForum, Title: "Forum", Starts: ta.now.Add(-3 * time.Hour), Ends: ta.now.Add(-time.Hour),
		Status: survey.MeetingHeld, Villages: []string{"aby"}, Created: ta.now}
	if err := s.CreateMeeting(cx, m); err != nil {
		ta.t.Fatal(err)
	}
	it := &survey.AgendaItem{Title: "Bredband", Added: ta.now}
	if err := s.AddItem(cx, m.ID, it); err != nil {
		ta.t.Fatal(err)
	}
	if err := s.SetMinutes(cx, m.ID, it.ID, "Läst", 0); err != nil {
		ta.t.Fatal(err)
	}
	return m.ID, it.ID
}

// TestMinutesEditAndApprovalAtOnceThroughTheAPI: one official saves an
// item's minutes while another approves, both on the revision they read.
// One is 200 and the other 409 with the meeting as it is now: the approved
// minutes are the ones the approver read, or the edit is in held minutes.
func TestMinutesEditAndApprovalAtOnceThroughTheAPI(t *testing.T) {
	ta := newTestApp(t)
	editor, approver := ta.user(survey.RoleOfficial), ta.user(survey.RoleOfficial)
	outcomes := map[string]int{}
	for round := 0; round < 6; round++ {
		id, item := ta.heldMeeting()
		path := "/api/v1/meetings/" + id
		read := decode[struct {
			Revision int `json:"minutes_revision"`
		}](t, ta.mustDo("GET", path, approver, nil, 200))
		var editCode, approveCode int
		var editBody, approveBody []byte
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			editCode, editBody = ta.do("PUT", path+"/items/"+item+"/minutes", editor, map[string]any{"text": "Ändrad", "revision": read.Revision})
		}()
		go func() {
			defer wg.Done()
			<-start
			approveCode, approveBody = ta.do("POST", path+"/approve", approver, nil, "If-Match", `"`+strconv.Itoa(read.Revision)+`"`)
		}()
		close(start)
		wg.Wait()
		it, err := storage.NewMeetings(ta.db).Item(context.Background(), id, item)
		if err != nil {
			t.Fatal(err)
		}
		m, err := storage.NewMeetings(ta.db).Meeting(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case approveCode == 200 && editCode == 409:
			outcomes["approved"]++
			// The edit lost the claim (409 with current) or read the
			// approved meeting (409, wrong state).
			if m.Status != survey.MeetingMinutesApproved || it.Minutes != "Läst" {
				t.Errorf("round %d: approval won: got %s with %q, edit answered %s; want approved with the minutes read", round, m.Status, it.Minutes, editBody)
			}
		case editCode == 200 && approveCode == 409:
			outcomes["edited"]++
			if m.Status != survey.MeetingHeld || it.Minutes != "Ändrad" || !strings.Contains(string(approveBody), `"current"`) {
				t.Errorf("round %d: edit won: got %s with %q, approval answered %s; want held with the edit, the approval 409 with current", round, m.Status, it.Minutes, approveBody)
			}
		default:
			t.Errorf("round %d: got edit %d %s, approval %d %s; want one 200 and one 409", round, editCode, editBody, approveCode, approveBody)
		}
	}
	t.Logf("outcomes: %v", outcomes)
}

// TestAStaleMinutesFormKeepsWhatWasTyped: minutes typed on a page read
// before someone else's save are not saved over it; the page answers 409
// with the saved minutes and the typed text in the form.
func TestAStaleMinutesFormKeepsWhatWasTyped(t *testing.T) {
	ta := newTestApp(t)
	off := ta.account(survey.RoleOfficial)
	id, item := ta.heldMeeting()
	_, page, _ := ta.page("GET", "/moten/"+id, off, nil)
	if !strings.Contains(string(page), `name="revision" value="1"`) {
		t.Fatalf("got a meeting page without the minutes revision 1")
	}
	if code, b, _ := ta.page("POST", "/moten/"+id+"/punkter/"+item+"/protokoll", off, url.Values{"text": {"Annas text"}, "revision": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("anna: got %d %s", code, b)
	}
	code, page, _ := ta.page("POST", "/moten/"+id+"/punkter/"+item+"/protokoll", off, url.Values{"text": {"Bertils text"}, "revision": {"1"}})
	for _, want := range []string{"Protokollet har ändrats av någon annan", "Annas text", "Bertils text", `name="revision" value="2"`} {
		if code != http.StatusConflict || !strings.Contains(string(page), want) {
			t.Errorf("got %d; want 409 with %q", code, want)
		}
	}
	if code, _, _ := ta.page("POST", "/moten/"+id+"/justera", off, url.Values{"revision": {"1"}}); code != http.StatusConflict {
		t.Errorf("approving minutes read at revision 1: got %d; want 409", code)
	}
	if it, _ := storage.NewMeetings(ta.db).Item(context.Background(), id, item); it.Minutes != "Annas text" {
		t.Errorf("got minutes %q; want Anna's", it.Minutes)
	}
}
