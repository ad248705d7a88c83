package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// clockOf is another instance's clock on the test app's database.
func clockOf(ta *testApp) *Clock {
	return NewClock(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now },
		MailURL: "https://forankra.example.se"})
}

// outboxIDs lists the ids of the outbox's matter messages, sorted.
func outboxIDs(t *testing.T, ta *testApp) []string {
	t.Helper()
	msgs, err := storage.NewOutbox(ta.db).List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range msgs {
		if strings.HasPrefix(m.ID, "matter/") {
			ids = append(ids, m.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// A matter moved in from the paper register, raised 60 days ago and
// forwarded, reaches level 2 on the first run: one reminder to the
// department, one to its head, one per level to the contact person, and an
// agenda item owed. Two instances running the clock at once, again and
// again, queue each reminder once.
func TestTwoInstancesSendEachReminderOnce(t *testing.T) {
	ta, dep := mattersApp(t)
	off := ta.account(survey.RoleOfficial)
	ta.mustDo("PATCH", "/api/v1/users/"+off.user.ID, ta.account(survey.RoleAdmin).token, map[string]any{"contact_person": true}, http.StatusOK)
	m := decode[matterJSON](t, ta.mustDo("POST", "/api/v1/matters", off.token, map[string]any{"village": "aby", "title": "Vägen", "raised_on": "2026-01-09"}, http.StatusCreated))
	ta.mustDo("POST", "/api/v1/matters/"+m.ID+"/forward", off.token, map[string]any{"department": dep}, http.StatusOK)
	clocks := []*Clock{clockOf(ta), clockOf(ta)}
	var wg sync.WaitGroup
	errs := make([]error, 2*3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = clocks[i%2].Escalate(context.Background(), ta.now)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	want := []string{
		"matter/2026-001/r0/1/contact/" + off.user.ID,
		"matter/2026-001/r0/1/department",
		"matter/2026-001/r0/2/contact/" + off.user.ID,
		"matter/2026-001/r0/2/head",
	}
	if got := outboxIDs(t, ta); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got reminders %v; want each of %v once", got, want)
	}
	msgs, _ := storage.NewOutbox(ta.db).List(context.Background(), "")
	for _, msg := range msgs {
		switch msg.ID {
		case "matter/2026-001/r0/1/department":
			if msg.To != "teknik@example.se" || !strings.Contains(msg.Subject, "2026-001") || !strings.Contains(msg.Body, "https://forankra.example.se/arenden/2026-001") {
				t.Errorf("the department's reminder: got to %q, %q, %q; want its mail, the ref and a full link", msg.To, msg.Subject, msg.Body)
			}
		case "matter/2026-001/r0/2/head":
			if msg.To != "chef@example.se" || !strings.Contains(msg.Subject, "2026-001") {
				t.Errorf("the head's reminder: got to %q, %q; want the head and the ref", msg.To, msg.Subject)
			}
		}
	}
	got := decode[matterJSON](t, ta.mustDo("GET", "/api/v1/matters/"+m.ID, off.token, nil, http.StatusOK))
	if got.Escalation != 2 {
		t.Errorf("got escalation %d; want 2", got.Escalation)
	}
	stored, _, _ := storage.NewMatters(ta.db).Get(context.Background(), m.ID)
	if !stored.AgendaOwed || !stored.Reminded(1) || !stored.Reminded(2) {
		t.Errorf("got agenda owed %v, reminded %v; want owed, levels 1 and 2", stored.AgendaOwed, stored.Reminders)
	}
	entries, _ := storage.NewAudit(ta.db).Before(context.Background(), "", 200)
	reminded := 0
	for _, e := range entries {
		if e.Action == auditMatterReminded {
			reminded++
		}
	}
	if reminded != 2 {
		t.Errorf("got %d audit entries of reminders; want 2 (one a level)", reminded)
	}
}

// The clock moves with the days: nothing before the feedback date, level 1
// the day after, level 2 fifteen days after; a reopening starts a new round
// whose reminders are owed afresh; an answer left 30 days is confirmed.
func TestTheClockFollowsTheDays(t *testing.T) {
	ta, dep := mattersApp(t)
	off := ta.account(survey.RoleOfficial) // no contact person marked: every official
	rep := ta.account(survey.RoleRepresentative, "aby")
	m := decode[matterJSON](t, ta.mustDo("POST", "/api/v1/matters", rep.token, map[string]any{"village": "aby", "title": "Bussen"}, http.StatusCreated))
	ta.mustDo("POST", "/api/v1/matters/"+m.ID+"/forward", off.token, map[string]any{"department": dep}, http.StatusOK)
	clock := clockOf(ta)
	day := func(d string) time.Time {
		date, _ := survey.ParseDate(d)
		return date.Start().Add(8 * time.Hour)
	}
	steps := []struct {
		name string
		at   string
		want int // reminders in the outbox after the run
	}{
		{"on the feedback date nothing is sent", "2026-04-09", 0},
		{"the day after, level 1 to the department and the official", "2026-04-10", 2},
		{"a week later nothing more", "2026-04-17", 2},
		{"fifteen days after the date, level 2 to the head and the official", "2026-04-24", 4},
		{"and never again", "2026-05-30", 4},
	}
	for _, st := range steps {
		if _, err := clock.Escalate(context.Background(), day(st.at)); err != nil {
			t.Fatal(err)
		}
		if got := len(outboxIDs(t, ta)); got != st.want {
			t.Errorf("%s: got %d reminders; want %d", st.name, got, st.want)
		}
	}
	fresh := func(u survey.User) string { // tokens of the accounts at the moved clock
		token, err := storage.NewTokens(ta.db).Create(context.Background(), u.ID, ta.now, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	ta.now = day("2026-05-30")
	off.token, rep.token = fresh(off.user), fresh(rep.user)
	ta.mustDo("POST", "/api/v1/matters/"+m.ID+"/answer", off.token, map[string]any{"text": "Bussen går igen."}, http.StatusOK)
	ta.mustDo("POST", "/api/v1/matters/"+m.ID+"/reopen", rep.token, map[string]any{"reason": "Den går inte."}, http.StatusOK)
	if _, err := clock.Escalate(context.Background(), day("2026-07-01")); err != nil { // new date 2026-06-29
		t.Fatal(err)
	}
	ids := outboxIDs(t, ta)
	if len(ids) != 6 || !contains(ids, "matter/2026-001/r1/1/department") {
		t.Errorf("after the reopened matter's new date passed: got %v; want round 1's level 1 added", ids)
	}
	ta.now = day("2026-07-02")
	off.token = fresh(off.user)
	ta.mustDo("POST", "/api/v1/matters/"+m.ID+"/answer", off.token, map[string]any{"text": "Nu går den."}, http.StatusOK)
	for _, at := range []string{"2026-07-31", "2026-08-01"} {
		run, err := clock.Escalate(context.Background(), day(at))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"2026-07-31": 0, "2026-08-01": 1}[at]
		if run.Confirmed != want {
			t.Errorf("%s: got %d confirmed; want %d", at, run.Confirmed, want)
		}
	}
	got := decode[matterJSON](t, ta.mustDo("GET", "/api/v1/matters/"+m.ID, off.token, nil, http.StatusOK))
	if last := got.Steps[len(got.Steps)-1]; got.Status != survey.MatterConfirmed || last.Move != survey.MoveAutoConfirm || last.By != survey.ServiceActor {
		t.Errorf("got %s, last step %+v; want confirmed by the service", got.Status, last)
	}
}

// Two instances auto-confirming at once: one step, one audit entry.
func TestAutoConfirmHappensOnceWithTwoInstances(t *testing.T) {
	ta, dep := mattersApp(t)
	off := ta.account(survey.RoleOfficial)
	m := decode[matterJSON](t, ta.mustDo("POST", "/api/v1/matters", off.token, map[string]any{"village": "aby", "title": "Skolskjuts"}, http.StatusCreated))
	ta.mustDo("POST", "/api/v1/matters/"+m.ID+"/forward", off.token, map[string]any{"department": dep}, http.StatusOK)
	ta.mustDo("POST", "/api/v1/matters/"+m.ID+"/answer", off.token, map[string]any{"text": "Ordnat."}, http.StatusOK)
	later := ta.now.AddDate(0, 0, 31)
	var wg sync.WaitGroup
	runs := make([]ClockRun, 4)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if runs[i], err = clockOf(ta).Escalate(context.Background(), later); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	confirmed := 0
	for _, r := range runs {
		confirmed += r.Confirmed
	}
	got := decode[matterJSON](t, ta.mustDo("GET", "/api/v1/matters/"+m.ID, off.token, nil, http.StatusOK))
	if confirmed != 1 || got.Status != survey.MatterConfirmed || len(got.Steps) != 4 {
		t.Errorf("got %d confirmations, status %s, %d steps; want 1, confirmed, 4", confirmed, got.Status, len(got.Steps))
	}
}

// Level 2 owes the next forum meeting an agenda item. With no meeting
// planned it stays owed; once one is planned, the next runs — two
// instances at once, again and again — put it on that agenda once, linked
// to the matter.
func TestLevel2PutsTheMatterOnTheNextForumAgendaOnce(t *testing.T) {
	ta, dep := mattersApp(t)
	off := ta.account(survey.RoleOfficial)
	m := decode[matterJSON](t, ta.mustDo("POST", "/api/v1/matters", off.token, map[string]any{"village": "aby", "title": "Vägen", "raised_on": "2026-01-09", "department": dep}, http.StatusCreated))
	clocks := []*Clock{clockOf(ta), clockOf(ta)}
	run, err := clocks[0].Escalate(context.Background(), ta.now)
	if err != nil || run.AgendaOwed != 1 || run.AgendaAdded != 0 {
		t.Fatalf("with no meeting planned: got %+v, %v; want the item owed, none added", run, err)
	}
	if got := decode[struct {
		AgendaOwed bool `json:"agenda_owed"`
	}](t, ta.mustDo("GET", "/api/v1/matters/"+m.ID, off.token, nil, http.StatusOK)); !got.AgendaOwed {
		t.Errorf("got agenda_owed false; want true while no meeting is planned")
	}
	meeting := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/meetings", off.token, map[string]any{"kind": "forum", "title": "Forum i april",
		"starts": "2026-04-20T18:00", "ends": "2026-04-20T21:00", "place": "Bygdegården"}, http.StatusCreated))
	var wg sync.WaitGroup
	runs := make([]ClockRun, 6)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if runs[i], err = clocks[i%2].Escalate(context.Background(), ta.now); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	items, err := storage.NewMeetings(ta.db).Agenda(context.Background(), meeting.ID)
	if err != nil {
		t.Fatal(err)
	}
	linked := 0
	for _, it := range items {
		if it.Link != nil && it.Link.Kind == "matter" && it.Link.ID == m.ID {
			linked++
			if !strings.Contains(it.Title, m.Ref) {
				t.Errorf("got item %q; want the matter's ref in it", it.Title)
			}
		}
	}
	if linked != 1 {
		t.Errorf("got %d agenda items for the matter; want 1", linked)
	}
	stored, _, _ := storage.NewMatters(ta.db).Get(context.Background(), m.ID)
	if stored.AgendaOwed {
		t.Errorf("after the item was added: got agenda_owed; want nothing owed")
	}
}
