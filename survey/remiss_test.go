package survey

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// local is a wall-clock time in Stockholm.
func local(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, Stockholm)
}

func TestRemissTakesAnswersUntilTheEndOfTheDeadlineDayInStockholm(t *testing.T) {
	// 2026: summer time starts Sunday 29 March 02:00 and ends Sunday 25 October 03:00.
	tests := []struct {
		name     string
		deadline string
		now      time.Time
		open     bool
	}{
		{"the last second of the day summer time starts is in time", "2026-03-29", local(2026, 3, 29, 23, 59, 59), true},
		{"midnight after the day summer time starts is late", "2026-03-29", local(2026, 3, 30, 0, 0, 0), false},
		{"that midnight is 22:00 UTC, not 23:00", "2026-03-29", time.Date(2026, 3, 29, 21, 59, 59, 0, time.UTC), true},
		{"22:00 UTC on the day summer time starts is already late", "2026-03-29", time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC), false},
		{"the last second of the day before summer time is in time", "2026-03-28", local(2026, 3, 28, 23, 59, 59), true},
		{"midnight before summer time starts is late", "2026-03-28", time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC), false},
		{"the last second of the day summer time ends is in time", "2026-10-25", local(2026, 10, 25, 23, 59, 59), true},
		{"that second is 22:59:59 UTC", "2026-10-25", time.Date(2026, 10, 25, 22, 59, 59, 0, time.UTC), true},
		{"midnight after the day summer time ends is late", "2026-10-25", local(2026, 10, 26, 0, 0, 0), false},
		{"23:00 UTC on the day summer time ends is late", "2026-10-25", time.Date(2026, 10, 25, 23, 0, 0, 0, time.UTC), false},
		{"the repeated hour 02:30 of the day summer time ends is in time", "2026-10-25", time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), true},
		{"the morning of the deadline day is in time", "2026-06-15", local(2026, 6, 15, 8, 0, 0), true},
		{"a day after the deadline is late", "2026-06-15", local(2026, 6, 16, 12, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Remiss{Status: RemissOpen, Deadline: mustDate(t, tt.deadline)}
			err := r.Accepting(tt.now)
			if got := err == nil; got != tt.open {
				t.Fatalf("Accepting(%s) for deadline %s: got open=%v (%v); want %v", tt.now.Format(time.RFC3339), tt.deadline, got, err, tt.open)
			}
			if err != nil && !errors.Is(err, ErrClosed) {
				t.Errorf("got %v; want an ErrClosed", err)
			}
		})
	}
}

func TestDeadlineIsRefusedOnceItsDayHasEnded(t *testing.T) {
	tests := []struct {
		name     string
		deadline string
		now      time.Time
		ok       bool
	}{
		{"today is allowed at the last second", "2026-03-29", local(2026, 3, 29, 23, 59, 59), true},
		{"yesterday is refused just after midnight across the spring change", "2026-03-29", local(2026, 3, 30, 0, 0, 0), false},
		{"yesterday is refused just after midnight across the autumn change", "2026-10-25", local(2026, 10, 26, 0, 0, 0), false},
		{"a past year is refused", "2025-01-10", local(2026, 3, 1, 12, 0, 0), false},
		{"a future date is allowed", "2026-04-30", local(2026, 3, 1, 12, 0, 0), true},
		{"a date that is not in the calendar is refused", "2026-02-30", local(2026, 1, 1, 12, 0, 0), false},
		{"a date in another format is refused", "30/4/2026", local(2026, 1, 1, 12, 0, 0), false},
		{"no date is refused", "", local(2026, 1, 1, 12, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &ValidationError{}
			CheckDeadline(v, tt.deadline, tt.now)
			if got := v.For("deadline") == ""; got != tt.ok {
				t.Fatalf("deadline %q at %s: got ok=%v (%q); want %v", tt.deadline, tt.now, got, v.For("deadline"), tt.ok)
			}
		})
	}
	t.Run("sending with a past deadline names the field deadline", func(t *testing.T) {
		_, err := NewRemiss{Villages: []string{"a"}, Deadline: "2026-03-01"}.Remiss(&Proposal{}, local(2026, 3, 2, 0, 0, 1), "u")
		var verr *ValidationError
		if !errors.As(err, &verr) || verr.For("deadline") == "" {
			t.Fatalf("got %v; want a validation error on deadline", err)
		}
	})
	t.Run("moving to a past deadline names the field deadline", func(t *testing.T) {
		r := &Remiss{Status: RemissOpen, Deadline: mustDate(t, "2026-04-01")}
		_, err := r.MoveDeadline(DeadlineChange{Deadline: "2026-03-01"}, local(2026, 3, 2, 0, 0, 1))
		var verr *ValidationError
		if !errors.As(err, &verr) || verr.For("deadline") == "" {
			t.Fatalf("got %v; want a validation error on deadline", err)
		}
		if got := r.Deadline.String(); got != "2026-04-01" {
			t.Errorf("got deadline %s after a refused move; want 2026-04-01", got)
		}
	})
}

func TestDaysLeftCountsCalendarDaysInStockholm(t *testing.T) {
	tests := []struct {
		deadline string
		now      time.Time
		want     int
	}{
		{"2026-03-29", local(2026, 3, 29, 23, 59, 0), 0},
		{"2026-03-30", local(2026, 3, 28, 0, 30, 0), 2},
		{"2026-10-26", local(2026, 10, 24, 23, 30, 0), 2},
		{"2026-03-29", local(2026, 3, 31, 9, 0, 0), -2},
		// 23:30 UTC on 28 March is already 29 March in Stockholm.
		{"2026-03-29", time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC), 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("deadline %s at %s leaves %d days", tt.deadline, tt.now.Format(time.RFC3339), tt.want), func(t *testing.T) {
			r := &Remiss{Deadline: mustDate(t, tt.deadline)}
			if got := r.DaysLeft(tt.now); got != tt.want {
				t.Errorf("got %d; want %d", got, tt.want)
			}
		})
	}
}

func TestOneYearRuleFlagsProposalsNearAndPastAYear(t *testing.T) {
	now := local(2026, 11, 25, 12, 0, 0)
	tests := []struct {
		name     string
		received string
		decided  string
		days     int
		flag     string
	}{
		{"received today has waited no days", "2026-11-25", "", 0, ""},
		{"299 days is not flagged", "2026-01-30", "", 299, ""},
		{"300 days is near a year", "2026-01-29", "", 300, YearRuleNear},
		{"exactly a year is near, not past", "2025-11-25", "", 365, YearRuleNear},
		{"a year and a day is past a year", "2025-11-24", "", 366, YearRuleOver},
		{"decided within the year is not flagged", "2025-01-10", "2025-12-01", 325, ""},
		{"decided after a year is flagged as late", "2024-01-10", "2025-06-01", 508, YearRuleOver},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Proposal{Received: mustDate(t, tt.received)}
			if tt.decided != "" {
				p.Decision = &Decision{Date: mustDate(t, tt.decided)}
			}
			days, flag := p.Waiting(now)
			if days != tt.days || flag != tt.flag {
				t.Errorf("got %d days, flag %q; want %d, %q", days, flag, tt.days, tt.flag)
			}
		})
	}
}

func TestAnswerIsCheckedAgainstTheRound(t *testing.T) {
	now := local(2026, 4, 1, 12, 0, 0)
	open := &Remiss{ID: "r1", Status: RemissOpen, Villages: []string{"aby", "backby"}, Deadline: mustDate(t, "2026-04-30")}
	rep := &User{ID: "u1", Name: "Rep"}
	tests := []struct {
		name  string
		in    AnswerInput
		field string // "" when accepted
	}{
		{"a full answer is accepted", AnswerInput{Village: "aby", Stance: StanceSupport, Motivation: "Bra", Anchoring: &Anchoring{Method: AnchorMeeting, Participants: 40}}, ""},
		{"no opinion needs no motivation", AnswerInput{Village: "aby", Stance: StanceNoOpinion}, ""},
		{"an unknown stance names stance", AnswerInput{Village: "aby", Stance: "maybe", Motivation: "x"}, "stance"},
		{"a missing stance names stance", AnswerInput{Village: "aby", Motivation: "x"}, "stance"},
		{"support without motivation names motivation", AnswerInput{Village: "aby", Stance: StanceOppose}, "motivation"},
		{"an unknown anchoring method is refused", AnswerInput{Village: "aby", Stance: StanceSupport, Motivation: "x", Anchoring: &Anchoring{Method: "phone"}}, "anchoring.method"},
		{"negative participants are refused", AnswerInput{Village: "aby", Stance: StanceSupport, Motivation: "x", Anchoring: &Anchoring{Method: AnchorBoard, Participants: -1}}, "anchoring.participants"},
		{"a village outside the round is refused", AnswerInput{Village: "cby", Stance: StanceSupport, Motivation: "x"}, "village"},
		{"no village is refused", AnswerInput{Stance: StanceSupport, Motivation: "x"}, "village"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := open.Answer(tt.in, now, rep)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("got %v; want accepted", err)
				}
				if a.AnsweredBy != "u1" || !a.AnsweredAt.Equal(now) || a.Anchoring.Method == "" {
					t.Errorf("got %+v; want answered by u1 at %s with an anchoring method", a, now)
				}
				return
			}
			var verr *ValidationError
			if !errors.As(err, &verr) || verr.For(tt.field) == "" {
				t.Fatalf("got %v; want a validation error on %s", err, tt.field)
			}
		})
	}
	t.Run("a closed round refuses a valid answer as closed", func(t *testing.T) {
		closed := *open
		if err := closed.Close(now, "u2"); err != nil {
			t.Fatal(err)
		}
		_, err := closed.Answer(AnswerInput{Village: "aby", Stance: StanceSupport, Motivation: "x"}, now, rep)
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("got %v; want ErrClosed", err)
		}
		if err := closed.Close(now, "u2"); !errors.Is(err, ErrConflict) {
			t.Errorf("closing twice: got %v; want ErrConflict", err)
		}
	})
}

func TestProposalStatusFollowsItsRounds(t *testing.T) {
	now := local(2026, 4, 1, 12, 0, 0)
	open := &Remiss{Status: RemissOpen, Deadline: mustDate(t, "2026-04-30")}
	passed := &Remiss{Status: RemissOpen, Deadline: mustDate(t, "2026-03-31")}
	closed := &Remiss{Status: RemissClosed, Deadline: mustDate(t, "2026-04-30")}
	tests := []struct {
		name   string
		rounds []*Remiss
		want   string
	}{
		{"without rounds it is received", nil, ProposalReceived},
		{"an open round puts it on remiss", []*Remiss{closed, open}, ProposalOnRemiss},
		{"a closed round closes the remiss", []*Remiss{closed}, ProposalRemissClosed},
		{"a passed deadline closes the remiss", []*Remiss{passed}, ProposalRemissClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Proposal{Received: mustDate(t, "2026-01-01")}
			if got := ProposalStatus(p, tt.rounds, now); got != tt.want {
				t.Errorf("got %s; want %s", got, tt.want)
			}
		})
	}
	t.Run("a decision cannot be recorded while a round is open", func(t *testing.T) {
		p := &Proposal{Received: mustDate(t, "2026-01-01")}
		err := p.Decide(DecisionInput{Outcome: OutcomeApproved, Text: "Bifall"}, []*Remiss{open}, now, "u")
		if !errors.Is(err, ErrConflict) {
			t.Fatalf("got %v; want ErrConflict", err)
		}
	})
	t.Run("a decision makes it decided, once", func(t *testing.T) {
		p := &Proposal{Received: mustDate(t, "2026-01-01")}
		if err := p.Decide(DecisionInput{Outcome: OutcomeApproved, Text: "Bifall", Date: "2026-03-31"}, []*Remiss{closed}, now, "u"); err != nil {
			t.Fatal(err)
		}
		if got := ProposalStatus(p, []*Remiss{closed}, now); got != ProposalDecided {
			t.Errorf("got %s; want decided", got)
		}
		if err := p.Decide(DecisionInput{Outcome: OutcomeRejected}, nil, now, "u"); !errors.Is(err, ErrConflict) {
			t.Errorf("deciding twice: got %v; want ErrConflict", err)
		}
	})
	t.Run("a decision dated in the future or before receipt names date", func(t *testing.T) {
		for _, date := range []string{"2026-04-02", "2025-12-31", "igår"} {
			p := &Proposal{Received: mustDate(t, "2026-01-01")}
			err := p.Decide(DecisionInput{Outcome: OutcomeApproved, Date: date}, nil, now, "u")
			var verr *ValidationError
			if !errors.As(err, &verr) || verr.For("date") == "" {
				t.Errorf("date %s: got %v; want a validation error on date", date, err)
			}
		}
	})
}

func TestSummaryCountsEveryStanceAndListsTheMissing(t *testing.T) {
	now := local(2026, 4, 1, 12, 0, 0)
	r := &Remiss{ID: "r", Status: RemissOpen, Villages: []string{"a", "b", "c"}, Deadline: mustDate(t, "2026-04-03")}
	answers := []RemissAnswer{
		{Village: "c", Stance: StanceOppose},
		{Village: "a", Stance: StanceOppose, History: []AnswerVersion{{Stance: StanceSupport}}},
	}
	s := Summarize(&Proposal{}, r, answers, now)
	want := map[string]int{StanceSupport: 0, StanceSupportWithChanges: 0, StanceOppose: 2, StanceNoOpinion: 0}
	for k, n := range want {
		if got, ok := s.Counts[k]; !ok || got != n {
			t.Errorf("counts[%s]: got %d (present %v); want %d", k, got, ok, n)
		}
	}
	if len(s.Missing) != 1 || s.Missing[0] != "b" {
		t.Errorf("missing: got %v; want [b]", s.Missing)
	}
	if len(s.Answers) != 2 || s.Answers[0].Village != "a" || s.Answers[1].Village != "c" {
		t.Errorf("answers: got %+v; want a then c", s.Answers)
	}
	if s.DaysLeft != 2 || s.Status != RemissOpen {
		t.Errorf("got %d days left, status %s; want 2, open", s.DaysLeft, s.Status)
	}
	if len(s.Answers[1].History) != 0 || s.Answers[1].History == nil {
		t.Errorf("got history %v; want an empty list", s.Answers[1].History)
	}
}

func TestDatesParseOnlyCalendarDays(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"2026-02-28", true}, {"2028-02-29", true}, {"2026-02-29", false}, {"2026-1-5", false}, {"2026-01-05T00:00:00Z", false}, {"", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q parses: %v", tt.in, tt.ok), func(t *testing.T) {
			d, err := ParseDate(tt.in)
			if got := err == nil; got != tt.ok {
				t.Fatalf("got ok=%v (%v); want %v", got, err, tt.ok)
			}
			if tt.ok && d.String() != tt.in {
				t.Errorf("got %s; want %s", d, tt.in)
			}
		})
	}
}
