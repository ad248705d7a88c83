package survey

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Matter statuses (ärenden): registered → forwarded → answered → confirmed;
// a reopened matter goes back to forwarded.
const (
	MatterRegistered = "registered"
	MatterForwarded  = "forwarded"
	MatterAnswered   = "answered"
	MatterConfirmed  = "confirmed"
)

// MatterStatuses lists the statuses in their order, for filters and forms.
var MatterStatuses = []string{MatterRegistered, MatterForwarded, MatterAnswered, MatterConfirmed}

// Moves of a matter: what a step does.
const (
	MoveRegister    = "register"
	MoveForward     = "forward"
	MoveAnswer      = "answer"
	MoveConfirm     = "confirm"
	MoveReopen      = "reopen"
	MoveAutoConfirm = "auto_confirm" // the service, 30 days after an unconfirmed answer
)

// Sources a matter can come from.
const (
	SourceAction          = "action"
	SourceRemiss          = "remiss"
	SourceMeetingDecision = "meeting_decision"
)

// The clock's periods, in days.
const (
	// MatterFeedbackDays is the default time from raised_on (or a reopening)
	// to feedback_due.
	MatterFeedbackDays = 30
	// MatterLevel2Days is how long past feedback_due a matter stays at level
	// 1 before level 2.
	MatterLevel2Days = 14
	// MatterAutoConfirmDays is how long an answer waits for the group's
	// confirmation before the service confirms it.
	MatterAutoConfirmDays = 30
)

// ServiceActor is the "by" of steps the service takes by itself.
const ServiceActor = "service"

// MatterSource is where a matter came from: an action of a plan, a remiss
// round, or a forum meeting's decision.
type MatterSource struct {
	Kind string `json:"kind" validate:"required,oneof=action remiss meeting_decision"`
	ID   string `json:"id" validate:"required,max=100"`
}

// MatterStep is one step of a matter, kept for ever: who, when, what, and
// the text that went with it.
type MatterStep struct {
	At          time.Time `json:"at"`
	By          string    `json:"by"`
	Move        string    `json:"move"`
	From        string    `json:"from,omitempty"`
	To          string    `json:"to"`
	Text        string    `json:"text,omitempty"`
	Department  string    `json:"department,omitempty"`
	FeedbackDue Date      `json:"feedback_due"`
}

// Matter is something a village's group raised with the municipality, with
// a feedback date and every step taken.
type Matter struct {
	ID          string        `json:"id"`
	Ref         string        `json:"ref"`
	Village     string        `json:"village"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	FocusArea   string        `json:"focus_area,omitempty"`
	Department  string        `json:"department,omitempty"`
	Source      *MatterSource `json:"source,omitempty"`
	Status      string        `json:"status"`
	RaisedOn    Date          `json:"raised_on"`
	FeedbackDue Date          `json:"feedback_due"`
	RaisedBy    string        `json:"raised_by"`
	// Round counts the reopenings: each gives the clock a new round, whose
	// reminders are owed afresh.
	Round int          `json:"round"`
	Steps []MatterStep `json:"steps"`
	// Reminders lists the levels whose reminders are queued, per round.
	Reminders []MatterReminder `json:"reminders"`
	// AgendaOwed is set when level 2 owes the next forum meeting an agenda
	// item that has not been added yet.
	AgendaOwed bool `json:"agenda_owed"`
	// OwedRounds are the rounds whose agenda item is still owed.
	OwedRounds []int     `json:"-"`
	Created    time.Time `json:"created"`
}

// MatterReminder says that a level's reminders of a round are queued.
type MatterReminder struct {
	Round int `json:"round"`
	Level int `json:"level"`
}

// Reminded reports whether the level's reminders of the current round are
// queued.
func (m *Matter) Reminded(level int) bool {
	for _, r := range m.Reminders {
		if r.Round == m.Round && r.Level == level {
			return true
		}
	}
	return false
}

// NewMatter is what a representative or an official sends to raise a
// matter (and what a forum decision raises).
type NewMatter struct {
	Village     string        `json:"village" validate:"required,max=100"`
	Title       string        `json:"title" validate:"required,max=300"`
	Description string        `json:"description" validate:"max=10000"`
	FocusArea   string        `json:"focus_area" validate:"max=100"`
	Department  string        `json:"department" validate:"max=100"`
	Source      *MatterSource `json:"source"`
	RaisedOn    string        `json:"raised_on"`
	FeedbackDue string        `json:"feedback_due"`
}

// MatterChecks tells Matter what exists: the focus areas, the departments,
// and a matter's source. A nil func accepts everything.
type MatterChecks struct {
	FocusArea, Department func(string) bool
	Source                func(MatterSource) bool
}

// Matter validates the request at now and returns the matter to store, with
// its first step. raised_on defaults to today and may not be in the future;
// feedback_due defaults to raised_on + 30 days and may not be before it.
// The ref is given by storage.
func (n NewMatter) Matter(known MatterChecks, now time.Time, by string) (*Matter, error) {
	n.Title, n.Description = strings.TrimSpace(n.Title), strings.TrimSpace(n.Description)
	v := &ValidationError{}
	Check(v, n)
	if strings.ContainsAny(n.Title, "\r\n") {
		v.Add("title", "Rubriken får inte ha radbrytningar")
	}
	if n.FocusArea != "" && known.FocusArea != nil && !known.FocusArea(n.FocusArea) {
		v.Add("focus_area", "Fokusområdet finns inte")
	}
	if n.Department != "" && known.Department != nil && !known.Department(n.Department) {
		v.Add("department", "Förvaltningen finns inte")
	}
	if s := n.Source; s != nil {
		switch {
		case !oneOf(s.Kind, SourceAction, SourceRemiss, SourceMeetingDecision):
			v.Add("source.kind", "Ska vara action, remiss eller meeting_decision")
		case strings.TrimSpace(s.ID) == "" || len(s.ID) > 100:
			v.Add("source.id", "Ange vad ärendet kommer från")
		case known.Source != nil && !known.Source(*s):
			v.Add("source.id", "Det som ärendet sägs komma från finns inte")
		}
	}
	raised := pastDate(v, "raised_on", n.RaisedOn, now, "Datumet får inte ligga i framtiden")
	due := raised.AddDays(MatterFeedbackDays)
	if n.FeedbackDue != "" {
		d, err := ParseDate(n.FeedbackDue)
		switch {
		case err != nil:
			v.Add("feedback_due", "Skriv datumet som ÅÅÅÅ-MM-DD")
		case d.Before(raised):
			v.Add("feedback_due", "Återkopplingsdagen kan inte ligga före dagen ärendet väcktes")
		default:
			due = d
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	m := &Matter{Village: n.Village, Title: n.Title, Description: n.Description, FocusArea: n.FocusArea,
		Department: n.Department, Source: n.Source, Status: MatterRegistered, RaisedOn: raised, FeedbackDue: due,
		RaisedBy: by, Reminders: []MatterReminder{}, Created: now.UTC()}
	m.Steps = []MatterStep{{At: now.UTC(), By: by, Move: MoveRegister, To: MatterRegistered, Department: n.Department, FeedbackDue: due}}
	return m, nil
}

func oneOf(s string, options ...string) bool {
	for _, o := range options {
		if s == o {
			return true
		}
	}
	return false
}

// MatterRef is the reference of the year's n-th matter: 2026-001.
func MatterRef(year, n int) string { return fmt.Sprintf("%04d-%03d", year, n) }

// MatterMove is a step someone asks for: forward (department), answer
// (text), confirm, reopen (reason, in Text).
type MatterMove struct {
	Department string `json:"department" validate:"max=100"`
	Text       string `json:"text" validate:"max=10000"`
	Reason     string `json:"reason" validate:"max=10000"`
}

// matterMove is one row of the matter's lifecycle: the statuses it starts
// from, where it goes, and the field it needs.
type matterMove struct {
	from  []string
	to    string
	needs string
}

// matterTransitions is the matter's lifecycle in one table.
var matterTransitions = map[string]matterMove{
	MoveForward:     {from: []string{MatterRegistered, MatterForwarded}, to: MatterForwarded, needs: "department"},
	MoveAnswer:      {from: []string{MatterForwarded}, to: MatterAnswered, needs: "text"},
	MoveConfirm:     {from: []string{MatterAnswered}, to: MatterConfirmed},
	MoveReopen:      {from: []string{MatterAnswered}, to: MatterForwarded, needs: "reason"},
	MoveAutoConfirm: {from: []string{MatterAnswered}, to: MatterConfirmed},
}

// Step applies move to the matter at now by by and returns the step to
// keep. A move the matter's status does not allow is ErrConflict; a missing
// field is a validation error naming it. A reopening starts a new round of
// the clock: feedback_due becomes today + 30 days.
func (m *Matter) Step(move string, in MatterMove, knownDepartment func(string) bool, now time.Time, by string) (MatterStep, error) {
	t, ok := matterTransitions[move]
	if !ok {
		return MatterStep{}, fmt.Errorf("okänt steg %q: %w", move, ErrNotFound)
	}
	in.Department, in.Text, in.Reason = strings.TrimSpace(in.Department), strings.TrimSpace(in.Text), strings.TrimSpace(in.Reason)
	v := &ValidationError{}
	Check(v, in)
	if err := v.Err(); err != nil {
		return MatterStep{}, err
	}
	if !oneOf(m.Status, t.from...) {
		return MatterStep{}, fmt.Errorf("ett ärende som är %s kan inte %s: %w", m.Status, move, ErrConflict)
	}
	step := MatterStep{At: now.UTC(), By: by, Move: move, From: m.Status, To: t.to, FeedbackDue: m.FeedbackDue}
	switch t.needs {
	case "department":
		switch {
		case in.Department == "":
			v.Add("department", "Ange förvaltningen som ärendet skickas till")
		case knownDepartment != nil && !knownDepartment(in.Department):
			v.Add("department", "Förvaltningen finns inte")
		}
		step.Department = in.Department
	case "text":
		if in.Text == "" {
			v.Add("text", "Skriv svaret till gruppen")
		}
		step.Text = in.Text
	case "reason":
		if in.Reason == "" {
			v.Add("reason", "Ange varför ärendet öppnas igen")
		}
		step.Text = in.Reason
		step.FeedbackDue = DateOf(now).AddDays(MatterFeedbackDays)
	}
	if err := v.Err(); err != nil {
		return MatterStep{}, err
	}
	m.Apply(step)
	return step, nil
}

// Apply changes the matter as the step says (storage replays steps with it).
func (m *Matter) Apply(s MatterStep) {
	m.Status = s.To
	if s.Department != "" {
		m.Department = s.Department
	}
	if s.Move == MoveReopen {
		m.Round++
		m.FeedbackDue = s.FeedbackDue
	}
	m.Steps = append(m.Steps, s)
}

// lastAnswer is when the matter was last answered.
func (m *Matter) lastAnswer() (time.Time, bool) {
	for i := len(m.Steps) - 1; i >= 0; i-- {
		if m.Steps[i].Move == MoveAnswer {
			return m.Steps[i].At, true
		}
	}
	return time.Time{}, false
}

// Escalation is the matter's level at now, computed from its dates and
// status: 0 while it is answered or confirmed or not yet past feedback_due;
// 1 from the day after feedback_due; 2 from MatterLevel2Days days after
// that.
func (m *Matter) Escalation(now time.Time) int {
	if m.Status == MatterAnswered || m.Status == MatterConfirmed {
		return 0
	}
	late := m.FeedbackDue.DaysUntil(DateOf(now))
	switch {
	case late > MatterLevel2Days:
		return 2
	case late > 0:
		return 1
	}
	return 0
}

// Overdue reports whether the matter is past its feedback date unanswered.
func (m *Matter) Overdue(now time.Time) bool { return m.Escalation(now) > 0 }

// AutoConfirmDue reports whether the service should confirm the matter at
// now: answered, and unconfirmed for MatterAutoConfirmDays days.
func (m *Matter) AutoConfirmDue(now time.Time) bool {
	at, ok := m.lastAnswer()
	return m.Status == MatterAnswered && ok && DateOf(at).DaysUntil(DateOf(now)) >= MatterAutoConfirmDays
}

// Reminder recipients.
const (
	RemindDepartment = "department"
	RemindContact    = "contact"
	RemindHead       = "head"
)

// Recipient is someone a reminder goes to.
type Recipient struct {
	Kind  string // RemindDepartment, RemindContact, RemindHead
	Key   string // tells recipients of one kind apart in the message id (a user id)
	Email string
	Name  string
}

// ReminderID is the outbox id of the reminder of a level to a recipient:
// the same matter, round, level and recipient always give the same id, so
// that however many instances and runs queue it, it is stored once.
func ReminderID(m *Matter, level int, r Recipient) string {
	id := "matter/" + m.ID + "/r" + strconv.Itoa(m.Round) + "/" + strconv.Itoa(level) + "/" + r.Kind
	if r.Key != "" {
		id += "/" + r.Key
	}
	return id
}

// Reminder is the message of a level to a recipient, with its deterministic
// id; base (the service's public address) starts the link.
func Reminder(m *Matter, level int, r Recipient, villageName, departmentName, base string, now time.Time) OutboxMessage {
	link := strings.TrimSuffix(base, "/") + "/arenden/" + m.ID
	late := m.FeedbackDue.DaysUntil(DateOf(now))
	dep := departmentName
	if dep == "" {
		dep = "ingen förvaltning ännu"
	}
	var subject, text string
	switch level {
	case 1:
		subject = fmt.Sprintf("Påminnelse: ärende %s väntar på svar", m.Ref)
		text = fmt.Sprintf("Ärende %s, ”%s”, från %s skulle ha fått återkoppling senast %s och är nu %d dagar sent.\nFörvaltning: %s.\n\nSvara gruppen här: %s",
			m.Ref, m.Title, villageName, m.FeedbackDue, late, dep, link)
	default:
		subject = fmt.Sprintf("Eskalerat: ärende %s har inte fått svar", m.Ref)
		text = fmt.Sprintf("Ärende %s, ”%s”, från %s skulle ha fått återkoppling senast %s och är nu %d dagar sent, trots påminnelse.\nFörvaltning: %s.\nÄrendet tas upp på nästa forummöte.\n\nSe ärendet här: %s",
			m.Ref, m.Title, villageName, m.FeedbackDue, late, dep, link)
	}
	greeting := "Hej!"
	if r.Name != "" {
		greeting = "Hej " + r.Name + "!"
	}
	return OutboxMessage{ID: ReminderID(m, level, r), To: r.Email, ToName: r.Name, Subject: subject,
		Body: greeting + "\n\n" + text + "\n\nHälsningar\nFörankra\n", Village: m.Village, Status: MessageQueued, Created: now.UTC()}
}

// Kinds of notices about a matter.
const (
	MatterNoticeRaised   = "raised"   // to the contact person (or the officials)
	MatterNoticeAnswered = "answered" // to the village's representatives
)

// MatterNotice is the message of a matter's raising or answer to a person.
func MatterNotice(kind string, m *Matter, to *User, villageName, base string, now time.Time) OutboxMessage {
	link := strings.TrimSuffix(base, "/") + "/arenden/" + m.ID
	var subject, text string
	switch kind {
	case MatterNoticeAnswered:
		subject = fmt.Sprintf("Svar på ärende %s: ”%s”", m.Ref, m.Title)
		answer := ""
		for i := len(m.Steps) - 1; i >= 0; i-- {
			if m.Steps[i].Move == MoveAnswer {
				answer = m.Steps[i].Text
				break
			}
		}
		text = fmt.Sprintf("Kommunen har svarat på ärende %s från %s:\n\n%s\n\nBekräfta svaret, eller öppna ärendet igen om svaret inte räcker, här: %s\nSvaret räknas som bekräftat om %d dagar.",
			m.Ref, villageName, answer, link, MatterAutoConfirmDays)
	default:
		subject = fmt.Sprintf("Nytt ärende %s: ”%s”", m.Ref, m.Title)
		text = fmt.Sprintf("%s har väckt ärende %s, ”%s”.\nÅterkoppling senast %s.\n\nSe och skicka vidare ärendet här: %s",
			villageName, m.Ref, m.Title, m.FeedbackDue, link)
	}
	return OutboxMessage{To: to.Email, ToName: to.Name, Subject: subject,
		Body: "Hej " + to.Name + "!\n\n" + text + "\n\nHälsningar\nFörankra\n", Village: m.Village, Status: MessageQueued, Created: now.UTC()}
}

// DepartmentFigures are a department's public figures over a period: how
// many matters it got, the share answered on time and the median days to
// answer. No names.
type DepartmentFigures struct {
	Department string `json:"department"`
	Name       string `json:"name"`
	Matters    int    `json:"matters"`
	Answered   int    `json:"answered"`
	OnTime     int    `json:"answered_on_time"`
	// Late counts the matters past their feedback date still unanswered.
	Late       int      `json:"unanswered_late"`
	OnTimeRate *float64 `json:"on_time_share"`
	MedianDays *float64 `json:"median_days_to_answer"`
}

// DepartmentStats computes each department's figures from the matters
// raised in the 12 months up to now. A matter counts for the department it
// is with; answered on time means its first answer came on or before the
// feedback date it had then; days to answer run from raised_on to that
// answer. The share on time is of the matters whose outcome is known:
// answered, or unanswered past their feedback date. A department without matters is listed with zeros and no shares.
func DepartmentStats(departments []Department, matters []Matter, now time.Time) []DepartmentFigures {
	since := DateOf(now).AddDays(-365)
	byDep := map[string][]int{}
	out := make([]DepartmentFigures, 0, len(departments))
	idx := map[string]int{}
	for _, d := range departments {
		idx[d.ID] = len(out)
		out = append(out, DepartmentFigures{Department: d.ID, Name: d.Name})
	}
	for i := range matters {
		m := &matters[i]
		k, ok := idx[m.Department]
		if !ok || m.RaisedOn.Before(since) {
			continue
		}
		f := &out[k]
		f.Matters++
		answered, due := firstAnswer(m)
		if answered.IsZero() {
			if m.FeedbackDue.Before(DateOf(now)) {
				f.Late++ // past due unanswered: late whatever comes
			}
			continue
		}
		f.Answered++
		if !due.Before(answered) {
			f.OnTime++
		}
		byDep[m.Department] = append(byDep[m.Department], m.RaisedOn.DaysUntil(answered))
	}
	for i := range out {
		f := &out[i]
		if n := f.Answered + f.Late; n > 0 {
			r := float64(f.OnTime) / float64(n)
			f.OnTimeRate = &r
		}
		if days := byDep[f.Department]; len(days) > 0 {
			sort.Ints(days)
			var med float64
			if n := len(days); n%2 == 1 {
				med = float64(days[n/2])
			} else {
				med = float64(days[n/2-1]+days[n/2]) / 2
			}
			f.MedianDays = &med
		}
	}
	return out
}

// firstAnswer is the date of the matter's first answer and the feedback date
// it was measured against (zero when never answered).
func firstAnswer(m *Matter) (Date, Date) {
	for _, s := range m.Steps {
		if s.Move == MoveAnswer {
			return DateOf(s.At), s.FeedbackDue
		}
	}
	return Date{}, Date{}
}
