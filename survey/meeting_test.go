package survey

import (
	"errors"
	"testing"
	"time"
)

func meetingCatalogue() Catalogue {
	in := func(ids ...string) func(string) bool {
		return func(id string) bool {
			for _, x := range ids {
				if x == id {
					return true
				}
			}
			return false
		}
	}
	return Catalogue{Village: in("aby", "bby"), FocusArea: in("bredband"), Department: in("d1")}
}

func TestNewMeetingChecksEveryField(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	ok := NewMeeting{Kind: "forum", Title: "Vårforum", Starts: "2026-04-15T18:00", Ends: "2026-04-15T21:00",
		Place: "Bygdegården", Themes: []string{"bredband"}, Villages: []string{"aby", "bby", "aby"}, Departments: []string{"d1"}}
	tests := []struct {
		name  string
		edit  func(n *NewMeeting)
		field string
	}{
		{"a complete meeting is accepted", func(n *NewMeeting) {}, ""},
		{"an unknown kind is refused", func(n *NewMeeting) { n.Kind = "party" }, "kind"},
		{"a title is required", func(n *NewMeeting) { n.Title = "  " }, "title"},
		{"a start that is not a time is refused", func(n *NewMeeting) { n.Starts = "soon" }, "starts"},
		{"an end before the start is refused", func(n *NewMeeting) { n.Ends = "2026-04-15T17:00" }, "ends"},
		{"an end equal to the start is refused", func(n *NewMeeting) { n.Ends = n.Starts }, "ends"},
		{"an unknown village is refused", func(n *NewMeeting) { n.Villages = []string{"aby", "xby"} }, "villages[1]"},
		{"an unknown focus area is refused", func(n *NewMeeting) { n.Themes = []string{"skola"} }, "themes[0]"},
		{"an unknown department is refused", func(n *NewMeeting) { n.Departments = []string{"d9"} }, "departments[0]"},
		{"RFC 3339 times are accepted", func(n *NewMeeting) { n.Starts, n.Ends = "2026-04-15T16:00:00Z", "2026-04-15T19:00:00Z" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := ok
			tt.edit(&n)
			m, err := n.Meeting(meetingCatalogue(), now, "u1")
			var v *ValidationError
			if tt.field == "" {
				if err != nil {
					t.Fatalf("got %v; want no error", err)
				}
				if m.Status != MeetingPlanned || len(m.Villages) != 2 {
					t.Errorf("got status %q villages %v; want planned with aby, bby once", m.Status, m.Villages)
				}
				return
			}
			if !errors.As(err, &v) || v.For(tt.field) == "" {
				t.Errorf("got %v; want an error on %s", err, tt.field)
			}
		})
	}
}

func TestMeetingTimesAreStockholmWallClock(t *testing.T) {
	got, err := ParseMeetingTime("2026-04-15T18:00")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 4, 15, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("got %v; want %v (18:00 in Stockholm summer time)", got.UTC(), want)
	}
}

func TestMeetingStepsFollowTheTable(t *testing.T) {
	tests := []struct {
		status, step, want string
	}{
		{MeetingPlanned, "invite", MeetingInvited},
		{MeetingInvited, "held", MeetingHeld},
		{MeetingHeld, "approve", MeetingMinutesApproved},
		{MeetingPlanned, "held", ""},
		{MeetingPlanned, "approve", ""},
		{MeetingInvited, "invite", ""},
		{MeetingMinutesApproved, "approve", ""},
	}
	for _, tt := range tests {
		t.Run(tt.status+" "+tt.step, func(t *testing.T) {
			_, to, err := MeetingStep(&Meeting{Status: tt.status}, tt.step)
			if tt.want == "" {
				if !errors.Is(err, ErrConflict) {
					t.Errorf("got %q, %v; want ErrConflict", to, err)
				}
				return
			}
			if err != nil || to != tt.want {
				t.Errorf("got %q, %v; want %q", to, err, tt.want)
			}
		})
	}
}

func TestAgendaAndMinutesOpenInTheirStatuses(t *testing.T) {
	for _, tt := range []struct {
		status         string
		agenda, minute bool
	}{
		{MeetingPlanned, true, false},
		{MeetingInvited, true, false},
		{MeetingHeld, false, true},
		{MeetingMinutesApproved, false, false},
	} {
		m := &Meeting{Status: tt.status}
		if got := m.MayChangeAgenda() == nil; got != tt.agenda {
			t.Errorf("%s: agenda open %v; want %v", tt.status, got, tt.agenda)
		}
		if got := m.MayWriteMinutes() == nil; got != tt.minute {
			t.Errorf("%s: minutes open %v; want %v", tt.status, got, tt.minute)
		}
	}
}

func TestAttendanceOnlyOfInvitedVillages(t *testing.T) {
	m := &Meeting{Villages: []string{"aby", "bby"}}
	got, err := Attendance{Present: []string{"bby", "bby"}}.Check(m)
	if err != nil || len(got) != 1 || got[0] != "bby" {
		t.Errorf("got %v, %v; want [bby]", got, err)
	}
	var v *ValidationError
	if _, err := (Attendance{Present: []string{"cby"}}).Check(m); !errors.As(err, &v) || v.For("present[0]") == "" {
		t.Errorf("got %v; want an error on present[0]", err)
	}
}

func TestNextForumIsTheEarliestNotStarted(t *testing.T) {
	now := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	at := func(days int) time.Time { return now.AddDate(0, 0, days) }
	ms := []*Meeting{
		{ID: "started", Kind: MeetingForum, Status: MeetingInvited, Starts: at(-1), Ends: at(1)},
		{ID: "theme", Kind: MeetingTheme, Status: MeetingPlanned, Starts: at(2), Ends: at(3)},
		{ID: "held", Kind: MeetingForum, Status: MeetingHeld, Starts: at(3), Ends: at(4)},
		{ID: "later", Kind: MeetingForum, Status: MeetingPlanned, Starts: at(30), Ends: at(31)},
		{ID: "next", Kind: MeetingForum, Status: MeetingInvited, Starts: at(10), Ends: at(11)},
	}
	if got := NextForum(ms, now); got == nil || got.ID != "next" {
		t.Errorf("got %v; want next", got)
	}
	if got := NextForum(ms[:3], now); got != nil {
		t.Errorf("got %v; want none", got.ID)
	}
}

func TestUpcomingNeverListsAnEndedMeeting(t *testing.T) {
	now := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	ms := []*Meeting{
		{ID: "ended", Ends: now},
		{ID: "running", Starts: now.Add(-time.Hour), Ends: now.Add(time.Second)},
		{ID: "past", Ends: now.Add(-time.Hour)},
	}
	got := Upcoming(ms, now)
	if len(got) != 1 || got[0].ID != "running" {
		t.Errorf("got %d meetings; want only the running one", len(got))
	}
}

func TestDecisionNeedsText(t *testing.T) {
	now := time.Now()
	if _, err := (NewDecision{Text: " "}).MeetingDecision("d", now, "u"); err == nil {
		t.Error("got no error; want one for an empty text")
	}
	if _, err := (NewDecision{Text: "x", Becomes: "party"}).MeetingDecision("d", now, "u"); err == nil {
		t.Error("got no error; want one for an unknown becomes")
	}
	d, err := NewDecision{Text: "Bygg en brygga", Becomes: BecomesAction}.MeetingDecision("d", now, "u")
	if err != nil || d.Created == nil || d.Created.Kind != BecomesAction {
		t.Errorf("got %+v, %v; want a decision that becomes an action", d, err)
	}
}
