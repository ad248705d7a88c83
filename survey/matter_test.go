package survey

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// matterToday is noon in Stockholm on 2026-05-04.
var matterToday = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

func TestNewMatterValidates(t *testing.T) {
	known := MatterChecks{
		FocusArea:  func(s string) bool { return s == "trygghet" },
		Department: func(s string) bool { return s == "teknik" },
		Source:     func(s MatterSource) bool { return s.ID == "a1" },
	}
	tests := []struct {
		name      string
		in        NewMatter
		wantField string
		wantDue   string
	}{
		{"a matter raised today is due in 30 days", NewMatter{Village: "hogsjo", Title: "Gatlyktor"}, "", "2026-06-03"},
		{"a matter from the paper register runs from its date", NewMatter{Village: "hogsjo", Title: "Väg", RaisedOn: "2026-03-05"}, "", "2026-04-04"},
		{"a given feedback date is kept", NewMatter{Village: "hogsjo", Title: "Väg", FeedbackDue: "2026-05-20"}, "", "2026-05-20"},
		{"raised_on in the future is refused", NewMatter{Village: "hogsjo", Title: "Väg", RaisedOn: "2026-05-05"}, "raised_on", ""},
		{"raised_on not a date is refused", NewMatter{Village: "hogsjo", Title: "Väg", RaisedOn: "5 maj"}, "raised_on", ""},
		{"feedback before raising is refused", NewMatter{Village: "hogsjo", Title: "Väg", FeedbackDue: "2026-05-01"}, "feedback_due", ""},
		{"a title is needed", NewMatter{Village: "hogsjo", Title: "  "}, "title", ""},
		{"a village is needed", NewMatter{Title: "Väg"}, "village", ""},
		{"an unknown department is refused", NewMatter{Village: "hogsjo", Title: "Väg", Department: "skola"}, "department", ""},
		{"an unknown focus area is refused", NewMatter{Village: "hogsjo", Title: "Väg", FocusArea: "rymd"}, "focus_area", ""},
		{"a source that does not exist is refused", NewMatter{Village: "hogsjo", Title: "Väg", Source: &MatterSource{Kind: SourceAction, ID: "zz"}}, "source.id", ""},
		{"a source of an unknown kind is refused", NewMatter{Village: "hogsjo", Title: "Väg", Source: &MatterSource{Kind: "survey", ID: "a1"}}, "source.kind", ""},
		{"a known source is kept", NewMatter{Village: "hogsjo", Title: "Väg", Source: &MatterSource{Kind: SourceAction, ID: "a1"}}, "", "2026-06-03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tt.in.Matter(known, matterToday, "u1")
			if tt.wantField != "" {
				var v *ValidationError
				if !errors.As(err, &v) || v.For(tt.wantField) == "" {
					t.Fatalf("got %v; want a validation error on %s", err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v; want none", err)
			}
			if m.Status != MatterRegistered || m.FeedbackDue.String() != tt.wantDue || len(m.Steps) != 1 || m.Steps[0].By != "u1" {
				t.Errorf("got status %s, due %s, steps %+v; want registered, %s, one step by u1", m.Status, m.FeedbackDue, m.Steps, tt.wantDue)
			}
		})
	}
}

func newTestMatter(t *testing.T, raised string) *Matter {
	t.Helper()
	m, err := NewMatter{Village: "hogsjo", Title: "Väg", RaisedOn: raised}.Matter(MatterChecks{}, matterToday, "rep")
	if err != nil {
		t.Fatal(err)
	}
	m.ID, m.Ref = "2026-001", "2026-001"
	return m
}

func TestMatterTransitions(t *testing.T) {
	type move struct {
		move string
		in   MatterMove
	}
	forward := move{MoveForward, MatterMove{Department: "teknik"}}
	answer := move{MoveAnswer, MatterMove{Text: "Lyktorna lagas i juni."}}
	tests := []struct {
		name      string
		before    []move
		next      move
		wantErr   error
		wantField string
		want      string
	}{
		{"a registered matter is forwarded", nil, forward, nil, "", MatterForwarded},
		{"a forwarded matter is forwarded again elsewhere", []move{forward}, forward, nil, "", MatterForwarded},
		{"a forwarded matter is answered", []move{forward}, answer, nil, "", MatterAnswered},
		{"an answered matter is confirmed", []move{forward, answer}, move{MoveConfirm, MatterMove{}}, nil, "", MatterConfirmed},
		{"an answered matter is reopened with a reason", []move{forward, answer}, move{MoveReopen, MatterMove{Reason: "Inget hände"}}, nil, "", MatterForwarded},
		{"the service confirms an answered matter", []move{forward, answer}, move{MoveAutoConfirm, MatterMove{}}, nil, "", MatterConfirmed},
		{"a registered matter cannot be answered", nil, answer, ErrConflict, "", ""},
		{"a registered matter cannot be confirmed", nil, move{MoveConfirm, MatterMove{}}, ErrConflict, "", ""},
		{"a forwarded matter cannot be reopened", []move{forward}, move{MoveReopen, MatterMove{Reason: "x"}}, ErrConflict, "", ""},
		{"a confirmed matter cannot be reopened", []move{forward, answer, {MoveConfirm, MatterMove{}}}, move{MoveReopen, MatterMove{Reason: "x"}}, ErrConflict, "", ""},
		{"a confirmed matter cannot be answered", []move{forward, answer, {MoveConfirm, MatterMove{}}}, answer, ErrConflict, "", ""},
		{"forwarding needs a department", nil, move{MoveForward, MatterMove{}}, nil, "department", ""},
		{"forwarding needs a known department", nil, move{MoveForward, MatterMove{Department: "skola"}}, nil, "department", ""},
		{"answering needs a text", []move{forward}, move{MoveAnswer, MatterMove{Text: " "}}, nil, "text", ""},
		{"reopening needs a reason", []move{forward, answer}, move{MoveReopen, MatterMove{}}, nil, "reason", ""},
		{"an unknown move is not found", nil, move{"close", MatterMove{}}, ErrNotFound, "", ""},
	}
	known := func(s string) bool { return s == "teknik" }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMatter(t, "")
			for _, b := range tt.before {
				if _, err := m.Step(b.move, b.in, known, matterToday, "o1"); err != nil {
					t.Fatalf("before: %s: %v", b.move, err)
				}
			}
			steps := len(m.Steps)
			_, err := m.Step(tt.next.move, tt.next.in, known, matterToday, "o1")
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("got %v; want %v", err, tt.wantErr)
				}
			case tt.wantField != "":
				var v *ValidationError
				if !errors.As(err, &v) || v.For(tt.wantField) == "" {
					t.Errorf("got %v; want a validation error on %s", err, tt.wantField)
				}
			case err != nil:
				t.Errorf("got %v; want none", err)
			case m.Status != tt.want || len(m.Steps) != steps+1:
				t.Errorf("got status %s with %d steps; want %s with %d", m.Status, len(m.Steps), tt.want, steps+1)
			}
			if err != nil && len(m.Steps) != steps {
				t.Errorf("a refused step: got %d steps; want %d (nothing kept)", len(m.Steps), steps)
			}
		})
	}
}

func TestReopenStartsANewRoundWithANewFeedbackDate(t *testing.T) {
	m := newTestMatter(t, "2026-03-01")
	for _, s := range []struct {
		move string
		in   MatterMove
	}{{MoveForward, MatterMove{Department: "teknik"}}, {MoveAnswer, MatterMove{Text: "Klart"}}, {MoveReopen, MatterMove{Reason: "Inte klart"}}} {
		if _, err := m.Step(s.move, s.in, nil, matterToday, "o1"); err != nil {
			t.Fatal(err)
		}
	}
	if m.Round != 1 || m.FeedbackDue.String() != "2026-06-03" || m.Status != MatterForwarded || m.Department != "teknik" {
		t.Errorf("got round %d, due %s, status %s, department %s; want 1, 2026-06-03, forwarded, teknik", m.Round, m.FeedbackDue, m.Status, m.Department)
	}
	if got := m.Escalation(matterToday); got != 0 {
		t.Errorf("a reopened matter with a new date: got level %d; want 0", got)
	}
}

func TestEscalationFromDatesAndState(t *testing.T) {
	at := func(date string) time.Time {
		d, _ := ParseDate(date)
		return d.Start().Add(12 * time.Hour)
	}
	tests := []struct {
		name   string
		raised string
		moves  []string
		now    string
		want   int
	}{
		{"not yet due", "2026-04-04", nil, "2026-05-04", 0},
		{"due today is not yet late", "2026-04-04", nil, "2026-05-04", 0},
		{"the day after the feedback date is level 1", "2026-04-03", nil, "2026-05-04", 1},
		{"14 days past the feedback date is still level 1", "2026-03-21", nil, "2026-05-04", 1},
		{"15 days past the feedback date is level 2", "2026-03-20", nil, "2026-05-04", 2},
		{"raised 60 days ago is level 2 at once", "2026-03-05", nil, "2026-05-04", 2},
		{"forwarded and late still escalates", "2026-03-05", []string{MoveForward}, "2026-05-04", 2},
		{"an answered matter does not escalate", "2026-03-05", []string{MoveForward, MoveAnswer}, "2026-05-04", 0},
		{"a confirmed matter does not escalate", "2026-03-05", []string{MoveForward, MoveAnswer, MoveConfirm}, "2026-05-04", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMatter(t, tt.raised)
			for _, mv := range tt.moves {
				if _, err := m.Step(mv, MatterMove{Department: "teknik", Text: "svar"}, nil, matterToday, "o1"); err != nil {
					t.Fatal(err)
				}
			}
			if got := m.Escalation(at(tt.now)); got != tt.want {
				t.Errorf("got level %d; want %d", got, tt.want)
			}
			if got := m.Overdue(at(tt.now)); got != (tt.want > 0) {
				t.Errorf("got overdue %v; want %v", got, tt.want > 0)
			}
		})
	}
}

func TestAutoConfirmAfter30DaysUnconfirmed(t *testing.T) {
	m := newTestMatter(t, "")
	answered := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	for _, mv := range []string{MoveForward, MoveAnswer} {
		if _, err := m.Step(mv, MatterMove{Department: "teknik", Text: "svar"}, nil, answered, "o1"); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		days int
		want bool
	}{{0, false}, {29, false}, {30, true}, {45, true}} {
		if got := m.AutoConfirmDue(answered.AddDate(0, 0, tt.days)); got != tt.want {
			t.Errorf("%d days after the answer: got %v; want %v", tt.days, got, tt.want)
		}
	}
	fresh := newTestMatter(t, "2026-01-01")
	if fresh.AutoConfirmDue(answered.AddDate(0, 0, 60)) {
		t.Errorf("an unanswered matter: got auto-confirm due; want not")
	}
}

func TestReminderIDsAreDeterministicPerRoundLevelAndRecipient(t *testing.T) {
	m := newTestMatter(t, "2026-03-01")
	dep := Recipient{Kind: RemindDepartment, Email: "teknik@kommun.se"}
	contact := Recipient{Kind: RemindContact, Key: "u7", Email: "anna@kommun.se", Name: "Anna"}
	if got, want := ReminderID(m, 1, dep), "matter/2026-001/r0/1/department"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	if got, want := ReminderID(m, 2, contact), "matter/2026-001/r0/2/contact/u7"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	m.Round = 1
	if got, want := ReminderID(m, 1, dep), "matter/2026-001/r1/1/department"; got != want {
		t.Errorf("after a reopening: got %q; want %q", got, want)
	}
	msg := Reminder(m, 2, contact, "Högsjö", "Teknik", "https://forankra.example.se/", matterToday)
	if !strings.Contains(msg.Subject, "2026-001") || !strings.Contains(msg.Body, "https://forankra.example.se/arenden/2026-001") || msg.To != "anna@kommun.se" {
		t.Errorf("got subject %q, to %q, body %q; want the ref, the address and a full link", msg.Subject, msg.To, msg.Body)
	}
}

func TestDepartmentStatsFromTheRecords(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	deps := []Department{{ID: "d1", Name: "Teknik"}, {ID: "d2", Name: "Skola"}}
	mk := func(dep, raised string, answerAfter int) Matter {
		m, err := NewMatter{Village: "hogsjo", Title: "x", RaisedOn: raised, Department: dep}.Matter(MatterChecks{}, now, "rep")
		if err != nil {
			t.Fatal(err)
		}
		if answerAfter >= 0 {
			at := m.RaisedOn.Start().AddDate(0, 0, answerAfter).Add(12 * time.Hour)
			for _, mv := range []string{MoveForward, MoveAnswer} {
				if _, err := m.Step(mv, MatterMove{Department: dep, Text: "svar"}, nil, at, "o1"); err != nil {
					t.Fatal(err)
				}
			}
		}
		return *m
	}
	matters := []Matter{
		mk("d1", "2026-06-01", 10), // on time, 10 days
		mk("d1", "2026-06-01", 40), // late, 40 days
		mk("d1", "2026-09-01", 20), // on time, 20 days
		mk("d1", "2026-10-01", -1), // unanswered and late
		mk("d1", "2026-11-25", -1), // unanswered, not yet due: not counted in the share
		mk("d1", "2025-06-01", 5),  // older than 12 months
	}
	got := DepartmentStats(deps, matters, now)
	if len(got) != 2 {
		t.Fatalf("got %d departments; want 2", len(got))
	}
	d1 := got[0]
	if d1.Matters != 5 || d1.Answered != 3 || d1.OnTime != 2 || d1.Late != 1 {
		t.Errorf("Teknik: got %d matters, %d answered, %d on time, %d late; want 5, 3, 2, 1", d1.Matters, d1.Answered, d1.OnTime, d1.Late)
	}
	if d1.OnTimeRate == nil || *d1.OnTimeRate != 0.5 || d1.MedianDays == nil || *d1.MedianDays != 20 {
		t.Errorf("Teknik: got share %v, median %v; want 0.5 and 20", d1.OnTimeRate, d1.MedianDays)
	}
	if d2 := got[1]; d2.Matters != 0 || d2.OnTimeRate != nil || d2.MedianDays != nil {
		t.Errorf("Skola: got %+v; want no matters and no shares", d2)
	}
}
