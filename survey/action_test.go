package survey

import (
	"errors"
	"testing"
	"time"
)

func TestActionTransitions(t *testing.T) {
	now := time.Date(2026, 5, 10, 10, 0, 0, 0, time.UTC)
	due := Month{Year: 2026, Month: time.June}
	tests := []struct {
		name     string
		from     string
		change   ActionChange
		want     string // status after, or "" for an error
		conflict bool
		field    string
	}{
		{"planned starts", ActionPlanned, ActionChange{Status: ActionInProgress}, ActionInProgress, false, ""},
		{"planned cannot be done at once", ActionPlanned, ActionChange{Status: ActionDone, DoneOn: "2026-05-01", DoneBy: "Anna"}, "", true, ""},
		{"in progress is done with when and who", ActionInProgress, ActionChange{Status: ActionDone, DoneOn: "2026-05-01", DoneBy: "Anna"}, ActionDone, false, ""},
		{"done needs done_on", ActionInProgress, ActionChange{Status: ActionDone, DoneBy: "Anna"}, "", false, "done_on"},
		{"done needs done_by", ActionInProgress, ActionChange{Status: ActionDone, DoneOn: "2026-05-01"}, "", false, "done_by"},
		{"done cannot be in the future", ActionInProgress, ActionChange{Status: ActionDone, DoneOn: "2026-06-01", DoneBy: "Anna"}, "", false, "done_on"},
		{"postponed needs a later due", ActionPlanned, ActionChange{Status: ActionPostponed, Due: "2026-06"}, "", false, "due"},
		{"postponed to a later month", ActionInProgress, ActionChange{Status: ActionPostponed, Due: "2026-09"}, ActionPostponed, false, ""},
		{"dropped needs a reason", ActionPlanned, ActionChange{Status: ActionDropped}, "", false, "reason"},
		{"dropped with a reason", ActionInProgress, ActionChange{Status: ActionDropped, Reason: "Ingen markägare"}, ActionDropped, false, ""},
		{"postponed resumes", ActionPostponed, ActionChange{Status: ActionInProgress}, ActionInProgress, false, ""},
		{"done is final", ActionDone, ActionChange{Status: ActionInProgress}, "", true, ""},
		{"dropped is final", ActionDropped, ActionChange{Status: ActionPlanned}, "", true, ""},
		{"an unknown status", ActionPlanned, ActionChange{Status: "finished"}, "", false, "status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &PlanAction{Status: tt.from, Due: due}
			h, err := a.Change(tt.change, now, "u1")
			var v *ValidationError
			switch {
			case tt.want != "":
				if err != nil || a.Status != tt.want || h.From != tt.from || h.To != tt.want || h.By != "u1" {
					t.Errorf("got %v, status %s, history %+v; want %s", err, a.Status, h, tt.want)
				}
			case tt.conflict:
				if !errors.Is(err, ErrConflict) || a.Status != tt.from {
					t.Errorf("got %v, status %s; want ErrConflict and no change", err, a.Status)
				}
			default:
				if !errors.As(err, &v) || v.For(tt.field) == "" || a.Status != tt.from {
					t.Errorf("got %v; want a validation error naming %s and no change", err, tt.field)
				}
			}
		})
	}
}

func TestOverdueAndProgressAreComputed(t *testing.T) {
	may := Month{Year: 2026, Month: time.May}
	actions := []PlanAction{
		{Status: ActionDone, Due: may},
		{Status: ActionPlanned, Due: may},
		{Status: ActionInProgress, Due: Month{Year: 2026, Month: time.June}},
		{Status: ActionDropped, Due: may},
	}
	tests := []struct {
		at   time.Time
		want Progress
	}{
		// 31 May 23:30 in Stockholm is still May: nothing overdue.
		{time.Date(2026, 5, 31, 21, 30, 0, 0, time.UTC), Progress{Done: 1, Total: 3, Overdue: 0}},
		// 1 June 00:30 in Stockholm: May has ended.
		{time.Date(2026, 5, 31, 22, 30, 0, 0, time.UTC), Progress{Done: 1, Total: 3, Overdue: 1}},
		{time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC), Progress{Done: 1, Total: 3, Overdue: 2}},
	}
	for _, tt := range tests {
		if got := ProgressOf(actions, tt.at); got != tt.want {
			t.Errorf("at %s: got %+v; want %+v", tt.at, got, tt.want)
		}
	}
}

func TestParseMonth(t *testing.T) {
	for _, s := range []string{"2026-13", "2026-1", "26-01", "2026-01-01", ""} {
		if _, err := ParseMonth(s); err == nil {
			t.Errorf("ParseMonth(%q): got nil; want an error", s)
		}
	}
	if m, err := ParseMonth("2026-02"); err != nil || m.String() != "2026-02" {
		t.Errorf("ParseMonth(2026-02): got %v, %v", m, err)
	}
}
