package survey

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Action statuses of an action plan (handlingsplan).
const (
	ActionPlanned    = "planned"
	ActionInProgress = "in_progress"
	ActionDone       = "done"
	ActionPostponed  = "postponed"
	ActionDropped    = "dropped"
)

// Owners of an action.
const (
	OwnerGroup        = "group"
	OwnerMunicipality = "municipality"
	OwnerJoint        = "joint"
)

// Month is a calendar month, written YYYY-MM.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 {
		return Month{}, fmt.Errorf("månad %q: skriv ÅÅÅÅ-MM", s)
	}
	return Month{Year: t.Year(), Month: t.Month()}, nil
}

// String writes the month as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// MarshalJSON writes "YYYY-MM", or null when unset.
func (m Month) MarshalJSON() ([]byte, error) {
	if m.Year == 0 {
		return []byte("null"), nil
	}
	return []byte(`"` + m.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM" (or null).
func (m *Month) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = Month{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseMonth(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// End is the first instant after the month in Stockholm.
func (m Month) End() time.Time { return time.Date(m.Year, m.Month+1, 1, 0, 0, 0, 0, Stockholm) }

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || m.Year == o.Year && m.Month < o.Month
}

// MonthOf is the month of instant t in Stockholm.
func MonthOf(t time.Time) Month {
	y, mo, _ := t.In(Stockholm).Date()
	return Month{Year: y, Month: mo}
}

// PlanAction is one action of a village's action plan, under a priority.
type PlanAction struct {
	ID          string `json:"id"`
	Plan        string `json:"plan"`
	Village     string `json:"village"`
	Priority    string `json:"priority"`
	Title       string `json:"title"`
	Owner       string `json:"owner"`
	Responsible string `json:"responsible"`
	Department  string `json:"department,omitempty"`
	Due         Month  `json:"due"`
	CostSEK     int64  `json:"cost_sek"`
	Status      string `json:"status"`
	DoneOn      Date   `json:"done_on"`
	DoneBy      string `json:"done_by,omitempty"`
	Reason      string `json:"reason,omitempty"`
	// Source is what the action was made from, e.g. a meeting decision.
	Source *Ref `json:"source,omitempty"`
	// Created is when the action was added, for the plan's diff.
	Created time.Time `json:"created"`
}

// Overdue reports whether the action's due month has ended at now and it is
// neither done nor dropped. It is computed, never stored.
func (a *PlanAction) Overdue(now time.Time) bool {
	if a.Status == ActionDone || a.Status == ActionDropped {
		return false
	}
	return !now.Before(a.Due.End())
}

// Progress is computed from the actions: done of total (dropped ones do not
// count), and how many are overdue.
type Progress struct {
	Done    int `json:"done"`
	Total   int `json:"total"`
	Overdue int `json:"overdue"`
}

// ProgressOf counts the actions at now.
func ProgressOf(actions []PlanAction, now time.Time) Progress {
	var p Progress
	for i := range actions {
		a := &actions[i]
		if a.Status == ActionDropped {
			continue
		}
		p.Total++
		if a.Status == ActionDone {
			p.Done++
		}
		if a.Overdue(now) {
			p.Overdue++
		}
	}
	return p
}

// ActionChange is the request of PATCH /actions/{id}: a transition with the
// fields it needs.
type ActionChange struct {
	Status string `json:"status" validate:"required,oneof=planned in_progress done postponed dropped"`
	DoneOn string `json:"done_on"`
	DoneBy string `json:"done_by" validate:"max=200"`
	Due    string `json:"due"`
	Reason string `json:"reason" validate:"max=2000"`
	Note   string `json:"note" validate:"max=2000"`
}

// actionTransitions is the action's lifecycle in one table: from → to, and
// the fields the move needs (checked in Change).
var actionTransitions = map[string]map[string][]string{
	ActionPlanned:    {ActionInProgress: nil, ActionPostponed: {"due"}, ActionDropped: {"reason"}},
	ActionInProgress: {ActionDone: {"done_on", "done_by"}, ActionPostponed: {"due"}, ActionDropped: {"reason"}},
	ActionPostponed:  {ActionInProgress: nil},
}

// ActionHistory is one change of an action: who, when, from → to, and a note.
type ActionHistory struct {
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	From string    `json:"from"`
	To   string    `json:"to"`
	Note string    `json:"note,omitempty"`
}

// Change applies a transition at now by by and returns the history entry. A
// transition that the table does not allow is ErrConflict; a missing field
// that it needs is a validation error naming the field.
func (a *PlanAction) Change(in ActionChange, now time.Time, by string) (ActionHistory, error) {
	in.DoneBy, in.Reason, in.Note = strings.TrimSpace(in.DoneBy), strings.TrimSpace(in.Reason), strings.TrimSpace(in.Note)
	v := &ValidationError{}
	Check(v, in)
	if err := v.Err(); err != nil {
		return ActionHistory{}, err
	}
	needs, ok := actionTransitions[a.Status][in.Status]
	if !ok {
		return ActionHistory{}, fmt.Errorf("en åtgärd som är %s kan inte bli %s: %w", a.Status, in.Status, ErrConflict)
	}
	var doneOn Date
	var due Month
	for _, field := range needs {
		switch field {
		case "done_on":
			doneOn = pastDate(v, "done_on", in.DoneOn, now, "Datumet får inte ligga i framtiden")
			if in.DoneOn == "" {
				v.Add("done_on", "Ange när åtgärden blev klar")
			}
		case "done_by":
			if in.DoneBy == "" {
				v.Add("done_by", "Ange vem som gjorde åtgärden")
			}
		case "due":
			m, err := ParseMonth(in.Due)
			switch {
			case in.Due == "":
				v.Add("due", "Ange den nya månaden")
			case err != nil:
				v.Add("due", "Skriv månaden som ÅÅÅÅ-MM")
			case !a.Due.Before(m):
				v.Add("due", "Den nya månaden måste komma efter den gamla")
			}
			due = m
		case "reason":
			if in.Reason == "" {
				v.Add("reason", "Ange varför åtgärden stryks")
			}
		}
	}
	if err := v.Err(); err != nil {
		return ActionHistory{}, err
	}
	h := ActionHistory{At: now.UTC(), By: by, From: a.Status, To: in.Status, Note: in.Note}
	a.Status = in.Status
	switch in.Status {
	case ActionDone:
		a.DoneOn, a.DoneBy = doneOn, in.DoneBy
	case ActionPostponed:
		a.Due = due
	case ActionDropped:
		a.Reason = in.Reason
	}
	return h, nil
}

// ActionsDiff is what happened to a plan's actions between two moments:
// the actions added, and every change of state.
type ActionsDiff struct {
	Added   []PlanAction    `json:"added"`
	Changed []ActionChanged `json:"changed"`
}

// ActionChanged is one change of state of an action.
type ActionChanged struct {
	Action string `json:"action"`
	Title  string `json:"title"`
	ActionHistory
}

// DiffActions lists the actions added and the changes made after since and
// at or before until.
func DiffActions(actions []PlanAction, history map[string][]ActionHistory, since, until time.Time) ActionsDiff {
	d := ActionsDiff{Added: []PlanAction{}, Changed: []ActionChanged{}}
	in := func(t time.Time) bool { return t.After(since) && !t.After(until) }
	for _, a := range actions {
		if in(a.Created) {
			d.Added = append(d.Added, a)
		}
		for _, h := range history[a.ID] {
			if in(h.At) {
				d.Changed = append(d.Changed, ActionChanged{Action: a.ID, Title: a.Title, ActionHistory: h})
			}
		}
	}
	sort.Slice(d.Changed, func(i, j int) bool { return d.Changed[i].At.Before(d.Changed[j].At) })
	return d
}
