package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
)

func newMeeting(t *testing.T, s *storage.Meetings, kind, status string, starts time.Time) *survey.Meeting {
	t.Helper()
	m := &survey.Meeting{Kind: kind, Title: kind + " " + starts.Format("2006-01-02"), Starts: starts, Ends: starts.Add(3 * time.Hour),
		Status: status, Villages: []string{"aby"}, Created: time.Now()}
	if err := s.CreateMeeting(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Two officials add items at once: every item gets a place of its own and
// the agenda is numbered 1..n without gaps or repeats.
func TestItemsAddedAtOnceEachGetAPlace(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	const writers = 8
	stores := []*storage.Meetings{storage.NewMeetings(db), storage.NewMeetings(db)} // two instances
	m := newMeeting(t, stores[0], survey.MeetingForum, survey.MeetingPlanned, time.Now().Add(48*time.Hour))
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it := &survey.AgendaItem{Title: fmt.Sprintf("punkt %d", i), Added: time.Now()}
			errs[i] = stores[i%2].AddItem(ctx, m.ID, it)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: got %v; want nil", i, err)
		}
	}
	agenda, err := stores[0].Agenda(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(agenda) != writers {
		t.Fatalf("got %d items; want %d", len(agenda), writers)
	}
	seen := map[string]bool{}
	for i, it := range agenda {
		if it.Position != i+1 || seen[it.ID] {
			t.Errorf("item %d: got position %d (seen %v); want %d once", i, it.Position, seen[it.ID], i+1)
		}
		seen[it.ID] = true
	}
}

func TestAddToNextForumAddsOnceUnderOneKey(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	a, b := storage.NewMeetings(db), storage.NewMeetings(db) // two instances
	now := time.Now()
	item := survey.AgendaItem{Title: "Ärende 2026-001 utan svar", Link: &survey.Link{Kind: survey.LinkMatter, ID: "m1"}, Added: now}

	if _, _, err := a.AddToNextForum(ctx, now, "matter/m1/level2", item); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("without a meeting: got %v; want ErrNotFound", err)
	}
	newMeeting(t, a, survey.MeetingForum, survey.MeetingHeld, now.Add(24*time.Hour))    // held: not next
	newMeeting(t, a, survey.MeetingTheme, survey.MeetingPlanned, now.Add(24*time.Hour)) // a theme meeting: not next
	newMeeting(t, a, survey.MeetingForum, survey.MeetingInvited, now.Add(-time.Hour))   // started
	later := newMeeting(t, a, survey.MeetingForum, survey.MeetingPlanned, now.Add(60*24*time.Hour))
	next := newMeeting(t, a, survey.MeetingForum, survey.MeetingPlanned, now.Add(30*24*time.Hour))

	const callers = 6
	var wg sync.WaitGroup
	got := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := []*storage.Meetings{a, b}[i%2]
			m, it, err := s.AddToNextForum(ctx, now, "matter/m1/level2", item)
			errs[i] = err
			if err == nil {
				got[i] = m.ID + "/" + it.ID
			}
		}()
	}
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || got[i] != got[0] {
			t.Errorf("caller %d: got %q, %v; want %q", i, got[i], errs[i], got[0])
		}
	}
	agenda, err := a.Agenda(ctx, next.ID)
	if err != nil || len(agenda) != 1 || agenda[0].Link == nil || agenda[0].Link.ID != "m1" {
		t.Fatalf("next meeting's agenda: got %+v, %v; want the one matter item", agenda, err)
	}
	// A meeting planned earlier later on does not take the key a second time.
	newMeeting(t, a, survey.MeetingForum, survey.MeetingPlanned, now.Add(10*24*time.Hour))
	m, _, err := b.AddToNextForum(ctx, now, "matter/m1/level2", item)
	if err != nil || m.ID != next.ID {
		t.Errorf("again: got %v, %v; want the first meeting %s", m, err, next.ID)
	}
	for _, id := range []string{later.ID} {
		if ag, _ := a.Agenda(ctx, id); len(ag) != 0 {
			t.Errorf("meeting %s: got %d items; want none", id, len(ag))
		}
	}
	if _, _, err := a.AddToNextForum(ctx, now, "matter/m2/level2", item); err != nil {
		t.Errorf("another key: got %v; want it added", err)
	}
}

func TestMeetingStepsTakenAtOnceLetOneIn(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	s := storage.NewMeetings(db)
	m := newMeeting(t, s, survey.MeetingForum, survey.MeetingPlanned, time.Now().Add(time.Hour))
	const writers = 4
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.StepMeeting(ctx, m.ID, survey.MeetingPlanned, survey.MeetingInvited, map[string]any{"invited_at": time.Now()})
		}()
	}
	wg.Wait()
	exactlyOneWon(t, "inviter", errs)
	got, err := s.Meeting(ctx, m.ID)
	if err != nil || got.Status != survey.MeetingInvited || got.InvitedAt == nil {
		t.Errorf("got %+v, %v; want invited with a time", got, err)
	}
	if err := s.StepMeeting(ctx, "nope", survey.MeetingPlanned, survey.MeetingInvited, nil); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("unknown meeting: got %v; want ErrNotFound", err)
	}
}

func TestDecisionsAreFoundByIDWithTheirItem(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	s := storage.NewMeetings(db)
	m := newMeeting(t, s, survey.MeetingForum, survey.MeetingHeld, time.Now())
	it := &survey.AgendaItem{Title: "Bredband", Added: time.Now()}
	if err := s.AddItem(ctx, m.ID, it); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMinutes(ctx, m.ID, it.ID, "Diskuterades.", 0); err != nil {
		t.Fatal(err)
	}
	d := &survey.MeetingDecision{ID: storage.NewID(), Text: "Kommunen frågar operatören", Becomes: survey.BecomesAction,
		Created: &survey.Ref{Kind: survey.BecomesAction, ID: "a1"}, At: time.Now()}
	if err := s.AddDecision(ctx, m.ID, it.ID, d); err != nil {
		t.Fatal(err)
	}
	ref, err := s.Decision(ctx, d.ID)
	if err != nil || ref.Meeting != m.ID || ref.Item != it.ID || ref.Decision.Created.ID != "a1" {
		t.Errorf("got %+v, %v; want the decision under its item", ref, err)
	}
	got, err := s.Item(ctx, m.ID, it.ID)
	if err != nil || got.Minutes != "Diskuterades." || len(got.Decisions) != 1 {
		t.Errorf("got %+v, %v; want the minutes and one decision", got, err)
	}
	if err := s.SetMinutes(ctx, "other", it.ID, "x", 1); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("item of another meeting: got %v; want ErrNotFound", err)
	}
}

// The demo has the held meeting that adopted the service plan (22 months
// before the last one or more), a held meeting with minutes and a decision
// that became an action (linked both ways), and an upcoming forum meeting in
// April or October that AddToNextForum finds.
func TestDemoMeetings(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 16, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC),
	} {
		t.Run(now.Format("2006-01-02"), func(t *testing.T) {
			db := dbtest.New(t)
			ctx := context.Background()
			if _, err := storage.SeedDemo(ctx, db, survey.NewDemo(now, 1), "ett-långt-lösenord", now); err != nil {
				t.Fatal(err)
			}
			s := storage.NewMeetings(db)
			list, err := s.ListMeetings(ctx)
			if err != nil || len(list) != 3 {
				t.Fatalf("got %d meetings, %v; want 3", len(list), err)
			}
			adopting, held, next := list[0], list[1], list[2]
			if items, err := s.Agenda(ctx, adopting.ID); err != nil || adopting.Status != survey.MeetingHeld || len(items) != 1 || items[0].Link == nil || items[0].Link.Kind != survey.LinkServicePlan {
				t.Errorf("the oldest: got %s with %+v, %v; want the held meeting with the service plan on its agenda", adopting.Status, items, err)
			}
			if held.Status != survey.MeetingMinutesApproved || !held.Ended(now) || len(held.Present) == 0 {
				t.Errorf("held: got %+v; want an ended meeting with its minutes approved and attendance", held)
			}
			if m := survey.DateOf(next.Starts).Month; next.Status != survey.MeetingPlanned || next.Started(now) || m != time.April && m != time.October {
				t.Errorf("next: got %s %v; want a planned forum meeting in April or October, not started", next.Status, next.Starts)
			}
			agenda, err := s.Agenda(ctx, held.ID)
			if err != nil || len(agenda) != 3 || agenda[0].Minutes == "" || len(agenda[0].Decisions) != 2 {
				t.Fatalf("held agenda: got %+v, %v; want three items with minutes, the first with two decisions", agenda, err)
			}
			// The bygdepeng application the forum granted there: the grant
			// names the item that puts it on the agenda.
			if l := agenda[2].Link; l == nil || l.Kind != survey.LinkApplication {
				t.Errorf("the third item: got %+v; want it to link an application", agenda[2])
			} else if a, err := storage.NewFunds(db).Application(ctx, l.ID); err != nil || a.MeetingItem != agenda[2].ID {
				t.Errorf("the application %s: got %+v, %v; want it granted at item %s", l.ID, a, err, agenda[2].ID)
			}
			d := agenda[0].Decisions[0]
			a, _, err := storage.NewPlans(db).Action(ctx, d.Created.ID)
			if err != nil || a.Source == nil || a.Source.ID != d.ID {
				t.Errorf("the decision's action: got %+v, %v; want it naming the decision", a, err)
			}
			m, _, err := s.AddToNextForum(ctx, now, "demo-test", survey.AgendaItem{Title: "x", Added: now})
			if err != nil || m.ID != next.ID {
				t.Errorf("AddToNextForum: got %v, %v; want the demo's next meeting", m, err)
			}
		})
	}
}

// TestMinutesEditedAndApprovedAtOnce: four officials save an item's minutes
// and one approves them, all on the revision they read, at the same moment.
// Exactly one lands: either the approval, and the approved minutes are the
// ones it read, or one edit, and the meeting is still held with that text.
// Never an edit after the approval, never an approval of unread minutes.
func TestMinutesEditedAndApprovedAtOnce(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	s := storage.NewMeetings(db)
	outcomes := map[string]int{}
	for round := 0; round < 8; round++ {
		m := newMeeting(t, s, survey.MeetingForum, survey.MeetingHeld, time.Now())
		it := &survey.AgendaItem{Title: "Bredband", Added: time.Now()}
		if err := s.AddItem(ctx, m.ID, it); err != nil {
			t.Fatal(err)
		}
		if err := s.SetMinutes(ctx, m.ID, it.ID, "Läst", 0); err != nil {
			t.Fatal(err)
		}
		read, err := s.Meeting(ctx, m.ID)
		if err != nil || read.MinutesRevision != 1 {
			t.Fatalf("got revision %d, %v; want 1 after one edit", read.MinutesRevision, err)
		}
		const editors = 4
		errs := make([]error, editors+1)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i <= editors; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				if i == editors {
					errs[i] = s.ApproveMinutes(ctx, m.ID, read.MinutesRevision, time.Now())
					return
				}
				errs[i] = s.SetMinutes(ctx, m.ID, it.ID, fmt.Sprintf("Redigerad %d", i), read.MinutesRevision)
			}(i)
		}
		close(start)
		wg.Wait()
		exactlyOneWon(t, "minutes writer or approver", errs)
		got, err := s.Meeting(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		item, err := s.Item(ctx, m.ID, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case errs[editors] == nil:
			outcomes["approved"]++
			if got.Status != survey.MeetingMinutesApproved || got.ApprovedAt == nil || item.Minutes != "Läst" {
				t.Errorf("round %d: approval won: got %s, minutes %q; want approved with the minutes it read (\"Läst\")", round, got.Status, item.Minutes)
			}
		default:
			outcomes["edited"]++
			won := -1
			for i, err := range errs[:editors] {
				if err == nil {
					won = i
				}
			}
			if got.Status != survey.MeetingHeld || item.Minutes != fmt.Sprintf("Redigerad %d", won) || got.MinutesRevision != 2 {
				t.Errorf("round %d: edit %d won: got %s, minutes %q, revision %d; want held with its text at revision 2", round, won, got.Status, item.Minutes, got.MinutesRevision)
			}
		}
		if got.Status == survey.MeetingMinutesApproved {
			if err := s.SetMinutes(ctx, m.ID, it.ID, "För sent", got.MinutesRevision); !errors.Is(err, survey.ErrConflict) {
				t.Errorf("round %d: an edit after the approval: got %v; want ErrConflict", round, err)
			}
		}
	}
	t.Logf("outcomes over the rounds: %v", outcomes)
}

// TestADecisionAfterTheApprovalIsRefused: decisions take their place in the
// same sequence: an approval on the revision before a decision is stale,
// and no decision is added to approved minutes.
func TestADecisionAfterTheApprovalIsRefused(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	s := storage.NewMeetings(db)
	m := newMeeting(t, s, survey.MeetingForum, survey.MeetingHeld, time.Now())
	it := &survey.AgendaItem{Title: "Vägar", Added: time.Now()}
	if err := s.AddItem(ctx, m.ID, it); err != nil {
		t.Fatal(err)
	}
	if err := s.ClaimDecision(ctx, m.ID, it.ID, storage.NewID(), 0); err != nil {
		t.Fatalf("decision on revision 0: %v", err)
	}
	if err := s.ApproveMinutes(ctx, m.ID, 0, time.Now()); !errors.Is(err, storage.ErrMinutesChanged) {
		t.Errorf("approval of revision 0 after a decision: got %v; want ErrMinutesChanged", err)
	}
	if err := s.ApproveMinutes(ctx, m.ID, 1, time.Now()); err != nil {
		t.Fatalf("approval of revision 1: %v", err)
	}
	if err := s.ClaimDecision(ctx, m.ID, it.ID, storage.NewID(), 2); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("decision after the approval: got %v; want ErrConflict", err)
	}
}
