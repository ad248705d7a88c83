package survey

import (
	"fmt"
	"strings"
	"time"
)

// Kinds of forum meetings.
const (
	MeetingForum    = "forum"    // the forum's meeting, about twice a year
	MeetingTheme    = "theme"    // a theme meeting (tematräff)
	MeetingStorting = "storting" // the yearly storting
)

// Meeting statuses: planned, the invitations sent, held (attendance taken),
// the minutes approved.
const (
	MeetingPlanned         = "planned"
	MeetingInvited         = "invited"
	MeetingHeld            = "held"
	MeetingMinutesApproved = "minutes_approved"
)

// SeatsPerVillage is how many representatives of one group are invited to
// and may attend a meeting: two seats per group.
const SeatsPerVillage = 2

// Kinds of agenda links: what an agenda item is about.
const (
	LinkMatter      = "matter"
	LinkPlan        = "plan"
	LinkProposal    = "proposal"
	LinkApplication = "application"
	LinkServicePlan = "service_plan"
)

// What a decision becomes.
const (
	BecomesAction = "action"
	BecomesMatter = "matter"
)

// Meeting is a forum meeting, theme meeting or storting.
type Meeting struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	Starts      time.Time `json:"starts"`
	Ends        time.Time `json:"ends"`
	Place       string    `json:"place"`
	Themes      []string  `json:"themes"`
	Villages    []string  `json:"villages"`
	Departments []string  `json:"departments"`
	Guests      []string  `json:"guests"`
	Status      string    `json:"status"`
	// Present lists the villages whose representatives attended.
	Present    []string   `json:"present"`
	InvitedAt  *time.Time `json:"invited_at,omitempty"`
	HeldAt     *time.Time `json:"held_at,omitempty"`
	ApprovedAt *time.Time `json:"approved_at,omitempty"`
	CreatedBy  string     `json:"-"`
	Created    time.Time  `json:"created"`
	// MinutesRevision counts the changes of the minutes (texts, decisions,
	// the approval); a change or an approval may name the one it was made on.
	MinutesRevision int `json:"minutes_revision"`
}

// Ended reports whether the meeting's end has passed at now.
func (m *Meeting) Ended(now time.Time) bool { return !now.Before(m.Ends) }

// Started reports whether the meeting has begun at now.
func (m *Meeting) Started(now time.Time) bool { return !now.Before(m.Starts) }

// Invites reports whether the village is invited.
func (m *Meeting) Invites(village string) bool {
	for _, v := range m.Villages {
		if v == village {
			return true
		}
	}
	return false
}

// NewMeeting is the request that plans a meeting. Starts and ends are
// RFC 3339 times, or YYYY-MM-DDTHH:MM read in Stockholm (a form's
// datetime-local).
type NewMeeting struct {
	Kind        string   `json:"kind" validate:"required,oneof=forum theme storting"`
	Title       string   `json:"title" validate:"required,max=300"`
	Starts      string   `json:"starts" validate:"required,max=40"`
	Ends        string   `json:"ends" validate:"required,max=40"`
	Place       string   `json:"place" validate:"max=300"`
	Themes      []string `json:"themes" validate:"max=20,dive,max=60"`
	Villages    []string `json:"villages" validate:"max=200,dive,max=60"`
	Departments []string `json:"departments" validate:"max=50,dive,max=40"`
	Guests      []string `json:"guests" validate:"max=50,dive,max=200"`
}

// ParseMeetingTime reads an RFC 3339 time, or YYYY-MM-DDTHH:MM (seconds
// optional) as a Stockholm wall-clock time.
func ParseMeetingTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, Stockholm); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("tid %q: skriv ÅÅÅÅ-MM-DDTTT:MM", s)
}

// Catalogue tells a new meeting which villages, focus areas and departments
// exist.
type Catalogue struct {
	Village, FocusArea, Department func(string) bool
}

// Meeting validates the request and returns the planned meeting.
func (n NewMeeting) Meeting(known Catalogue, now time.Time, by string) (*Meeting, error) {
	n.Title, n.Place = strings.TrimSpace(n.Title), strings.TrimSpace(n.Place)
	v := &ValidationError{}
	Check(v, n)
	var starts, ends time.Time
	var err error
	if n.Starts != "" {
		if starts, err = ParseMeetingTime(n.Starts); err != nil {
			v.Add("starts", "Skriv tiden som ÅÅÅÅ-MM-DDTTT:MM")
		}
	}
	if n.Ends != "" {
		if ends, err = ParseMeetingTime(n.Ends); err != nil {
			v.Add("ends", "Skriv tiden som ÅÅÅÅ-MM-DDTTT:MM")
		}
	}
	if !starts.IsZero() && !ends.IsZero() && !ends.After(starts) {
		v.Add("ends", "Mötet måste sluta efter att det har börjat")
	}
	themes := checkSet(v, "themes", n.Themes, known.FocusArea, "Fokusområdet finns inte")
	villages := checkSet(v, "villages", n.Villages, known.Village, "Byn finns inte")
	deps := checkSet(v, "departments", n.Departments, known.Department, "Förvaltningen finns inte")
	guests := make([]string, 0, len(n.Guests))
	for _, g := range n.Guests {
		if g = strings.TrimSpace(g); g != "" {
			guests = append(guests, g)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &Meeting{Kind: n.Kind, Title: n.Title, Starts: starts.UTC(), Ends: ends.UTC(), Place: n.Place,
		Themes: themes, Villages: villages, Departments: deps, Guests: guests, Status: MeetingPlanned,
		Present: []string{}, CreatedBy: by, Created: now.UTC()}, nil
}

// checkSet checks that every id is known and returns them without repeats.
func checkSet(v *ValidationError, field string, ids []string, known func(string) bool, msg string) []string {
	out, seen := make([]string, 0, len(ids)), map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if known == nil || !known(id) {
			v.Add(fmt.Sprintf("%s[%d]", field, i), msg)
			continue
		}
		out = append(out, id)
	}
	return out
}

// meetingTransitions is the meeting's lifecycle in one table: the status a
// step starts from and the one it leads to.
var meetingTransitions = map[string]struct{ from, to string }{
	"invite":  {MeetingPlanned, MeetingInvited},
	"held":    {MeetingInvited, MeetingHeld},
	"approve": {MeetingHeld, MeetingMinutesApproved},
}

// MeetingStep returns the status a step leads to from the meeting's status,
// or ErrConflict when the meeting is not in the status the step starts from.
func MeetingStep(m *Meeting, step string) (from, to string, err error) {
	t, ok := meetingTransitions[step]
	if !ok {
		return "", "", fmt.Errorf("okänt steg %q: %w", step, ErrConflict)
	}
	if m.Status != t.from {
		return "", "", fmt.Errorf("mötet är %s och kan inte bli %s: %w", m.Status, t.to, ErrConflict)
	}
	return t.from, t.to, nil
}

// NextMeetingStatus is the status that follows status in the lifecycle,
// or "" at its end.
func NextMeetingStatus(status string) string {
	for _, t := range meetingTransitions {
		if t.from == status {
			return t.to
		}
	}
	return ""
}

// Attendance is the request of POST /meetings/{id}/held: the villages whose
// representatives came.
type Attendance struct {
	Present []string `json:"present" validate:"max=200,dive,max=60"`
}

// Check validates the attendance against the meeting: only invited
// villages can be present.
func (a Attendance) Check(m *Meeting) ([]string, error) {
	v := &ValidationError{}
	Check(v, a)
	present := checkSet(v, "present", a.Present, m.Invites, "Byn var inte kallad till mötet")
	if err := v.Err(); err != nil {
		return nil, err
	}
	return present, nil
}

// MayChangeAgenda reports whether items can still be added: before the
// meeting is held.
func (m *Meeting) MayChangeAgenda() error {
	if m.Status != MeetingPlanned && m.Status != MeetingInvited {
		return fmt.Errorf("dagordningen ändras bara innan mötet hålls: %w", ErrConflict)
	}
	return nil
}

// MayWriteMinutes reports whether minutes and decisions can be written:
// once the meeting is held and until its minutes are approved.
func (m *Meeting) MayWriteMinutes() error {
	if m.Status != MeetingHeld {
		return fmt.Errorf("protokoll skrivs när mötet har hållits och innan det justerats: %w", ErrConflict)
	}
	return nil
}

// Link names what an agenda item is about.
type Link struct {
	Kind string `json:"kind" validate:"required,oneof=matter plan proposal application service_plan"`
	ID   string `json:"id" validate:"required,max=80"`
}

// Ref names a record by kind and id: what an action was made from (a
// meeting decision), what a decision became (an action or a matter).
type Ref struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// AgendaItem is one item of a meeting's agenda, in order, with its minutes
// and decisions.
type AgendaItem struct {
	ID        string            `json:"id"`
	Meeting   string            `json:"meeting"`
	Position  int               `json:"position"`
	Title     string            `json:"title"`
	Link      *Link             `json:"link,omitempty"`
	Minutes   string            `json:"minutes"`
	Decisions []MeetingDecision `json:"decisions"`
	AddedBy   string            `json:"-"`
	Added     time.Time         `json:"added"`
}

// NewAgendaItem is the request that adds an item to an agenda.
type NewAgendaItem struct {
	Title string `json:"title" validate:"required,max=300"`
	Link  *Link  `json:"link"`
}

// Item validates the request; exists reports whether a link's object is
// there (nil accepts any).
func (n NewAgendaItem) Item(exists func(Link) bool, now time.Time, by string) (*AgendaItem, error) {
	n.Title = strings.TrimSpace(n.Title)
	v := &ValidationError{}
	Check(v, n)
	if n.Link != nil && v.For("link.kind") == "" && v.For("link.id") == "" && exists != nil && !exists(*n.Link) {
		v.Add("link.id", "Det som punkten länkar till finns inte")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &AgendaItem{Title: n.Title, Link: n.Link, Decisions: []MeetingDecision{}, AddedBy: by, Added: now.UTC()}, nil
}

// MinutesInput is the request that writes an item's minutes.
type MinutesInput struct {
	Text string `json:"text" validate:"max=20000"`
	// Revision, when given, is the minutes_revision the text was written on.
	Revision *int `json:"revision"`
}

// MeetingDecision is one decision taken under an agenda item, and what it became:
// an action or a matter that records the decision as its source.
type MeetingDecision struct {
	ID      string    `json:"id"`
	Text    string    `json:"text"`
	Becomes string    `json:"becomes,omitempty"`
	Created *Ref      `json:"created,omitempty"`
	By      string    `json:"-"`
	At      time.Time `json:"at"`
}

// NewDecision is the text of a decision and what it becomes; the fields of
// the action or matter to create come with it in the same request.
type NewDecision struct {
	Text    string `json:"text" validate:"required,max=5000"`
	Becomes string `json:"becomes" validate:"omitempty,oneof=action matter"`
}

// MeetingDecision validates the request and returns the decision.
func (n NewDecision) MeetingDecision(id string, now time.Time, by string) (*MeetingDecision, error) {
	n.Text = strings.TrimSpace(n.Text)
	v := &ValidationError{}
	Check(v, n)
	if err := v.Err(); err != nil {
		return nil, err
	}
	d := &MeetingDecision{ID: id, Text: n.Text, Becomes: n.Becomes, By: by, At: now.UTC()}
	if n.Becomes != "" {
		d.Created = &Ref{Kind: n.Becomes}
	}
	return d, nil
}

// NextForum picks the earliest forum meeting, planned or invited, that has
// not started at now; nil when there is none.
func NextForum(meetings []*Meeting, now time.Time) *Meeting {
	var next *Meeting
	for _, m := range meetings {
		if m.Kind != MeetingForum || (m.Status != MeetingPlanned && m.Status != MeetingInvited) || m.Started(now) {
			continue
		}
		if next == nil || m.Starts.Before(next.Starts) || m.Starts.Equal(next.Starts) && m.ID < next.ID {
			next = m
		}
	}
	return next
}

// Upcoming keeps the meetings whose end has not passed at now, in their
// order.
func Upcoming(meetings []*Meeting, now time.Time) []*Meeting {
	out := make([]*Meeting, 0, len(meetings))
	for _, m := range meetings {
		if !m.Ended(now) {
			out = append(out, m)
		}
	}
	return out
}
