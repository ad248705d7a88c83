package survey

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Proposal statuses, in the order a proposal passes through them.
const (
	ProposalReceived     = "received"      // registered, not yet sent out
	ProposalOnRemiss     = "on_remiss"     // at least one round takes answers
	ProposalRemissClosed = "remiss_closed" // every round has ended
	ProposalDecided      = "decided"       // the decision is recorded
)

// Decision outcomes.
const (
	OutcomeApproved       = "approved"
	OutcomeRejected       = "rejected"
	OutcomePartlyApproved = "partly_approved"
	OutcomeAnswered       = "answered"
)

// Outcomes lists the decision outcomes, for forms and validation.
var Outcomes = []string{OutcomeApproved, OutcomePartlyApproved, OutcomeRejected, OutcomeAnswered}

// Remiss round statuses.
const (
	RemissOpen   = "open"
	RemissClosed = "closed"
)

// Stances a village group takes in its remiss answer.
const (
	StanceSupport            = "support"              // tillstyrker
	StanceSupportWithChanges = "support_with_changes" // tillstyrker med ändringar
	StanceOppose             = "oppose"               // avstyrker
	StanceNoOpinion          = "no_opinion"           // inget att invända
)

// Stances lists every stance in the order summaries show them.
var Stances = []string{StanceSupport, StanceSupportWithChanges, StanceOppose, StanceNoOpinion}

// Anchoring methods: how a group anchored its answer in the village.
const (
	AnchorMeeting = "meeting" // stormöte
	AnchorSurvey  = "survey"  // enkät
	AnchorBoard   = "board"   // styrelsemöte
	AnchorNone    = "none"
)

// AnchorMethods lists the anchoring methods, for forms and validation.
var AnchorMethods = []string{AnchorMeeting, AnchorSurvey, AnchorBoard, AnchorNone}

// The one-year rule: a council is expected to decide on a citizen proposal
// within a year of receiving it.
const (
	// YearRuleNearDays is how many days of waiting make a proposal "near" a year.
	YearRuleNearDays = 300
	YearRuleNear     = "near" // waited YearRuleNearDays or more, not yet a year
	YearRuleOver     = "over" // waited more than a year
)

// Limits of proposals and remiss rounds.
const (
	MaxProposalBody   = 20000
	MaxMotivation     = 10000
	MaxParticipants   = 100000
	MaxRemissVillages = 200
)

// Proposal is a citizen proposal (medborgarförslag) to the council.
type Proposal struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
	// SubmittedBy names the citizen who submitted it; optional, and erased on
	// request (it is the only personal data kept about them).
	SubmittedBy string    `json:"submitted_by,omitempty"`
	Received    Date      `json:"received"`
	Status      string    `json:"status"`
	Decision    *Decision `json:"decision,omitempty"`
	CreatedBy   string    `json:"created_by,omitempty"`
	Created     time.Time `json:"created"`
	// DaysWaiting and YearRule are computed when read (see Waiting).
	DaysWaiting int    `json:"days_waiting"`
	YearRule    string `json:"year_rule,omitempty"`
}

// Decision is the council's decision on a proposal.
type Decision struct {
	Outcome    string    `json:"outcome"`
	Text       string    `json:"text"`
	Date       Date      `json:"date"`
	RecordedBy string    `json:"recorded_by,omitempty"`
	Recorded   time.Time `json:"recorded"`
}

// NewProposal is what an official sends to register a proposal.
type NewProposal struct {
	Title       string `json:"title" validate:"required,max=300"`
	Body        string `json:"body" validate:"required,max=20000"`
	SubmittedBy string `json:"submitted_by" validate:"max=200"`
	Received    string `json:"received"`
}

// Proposal validates the request and returns the proposal to store. The
// received date defaults to today and may not lie in the future.
func (np NewProposal) Proposal(now time.Time, by string) (*Proposal, error) {
	np.Title = strings.TrimSpace(np.Title)
	np.Body = strings.TrimSpace(np.Body)
	np.SubmittedBy = strings.TrimSpace(np.SubmittedBy)
	v := &ValidationError{}
	Check(v, np)
	if strings.ContainsAny(np.Title, "\r\n") {
		// The title goes into the subject of reminder e-mails.
		v.Add("title", "Rubriken får inte innehålla radbrytningar")
	}
	received := pastDate(v, "received", np.Received, now, "Datumet får inte ligga i framtiden")
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &Proposal{Title: np.Title, Body: np.Body, SubmittedBy: np.SubmittedBy, Received: received,
		Status: ProposalReceived, CreatedBy: by, Created: now.UTC()}, nil
}

// Edit changes a proposal's title, text, submitter and received date. It may
// change until it is sent on remiss or decided: after that, villages have
// answered what it said.
func (p *Proposal) Edit(in NewProposal, rounds []*Remiss, now time.Time) error {
	if len(rounds) > 0 || p.Decision != nil {
		return fmt.Errorf("förslaget har skickats på remiss eller beslutats och kan inte längre ändras: %w", ErrConflict)
	}
	np, err := in.Proposal(now, p.CreatedBy)
	if err != nil {
		return err
	}
	p.Title, p.Body, p.SubmittedBy, p.Received = np.Title, np.Body, np.SubmittedBy, np.Received
	return nil
}

// pastDate reads an optional calendar date that may not lie after today
// (Stockholm): empty is today; a problem is recorded in v under field.
func pastDate(v *ValidationError, field, raw string, now time.Time, future string) Date {
	today := DateOf(now)
	if raw == "" {
		return today
	}
	d, err := ParseDate(raw)
	switch {
	case err != nil:
		v.Add(field, "Skriv datumet som ÅÅÅÅ-MM-DD")
	case today.Before(d):
		v.Add(field, future)
	default:
		return d
	}
	return today
}

// Waiting returns how many days the proposal has waited for its decision (up
// to the decision's date once decided) and the one-year flag: YearRuleOver
// after a year, YearRuleNear from YearRuleNearDays days, else "". A decided
// proposal is flagged only if it was decided late.
func (p *Proposal) Waiting(now time.Time) (int, string) {
	until := DateOf(now)
	if p.Decision != nil {
		until = p.Decision.Date
	}
	days := p.Received.DaysUntil(until)
	anniversary := Date{Year: p.Received.Year + 1, Month: p.Received.Month, Day: p.Received.Day}
	anniversary = DateOf(anniversary.Start()) // 29 February + 1 year is 1 March
	switch {
	case anniversary.Before(until):
		return days, YearRuleOver
	case p.Decision == nil && days >= YearRuleNearDays:
		return days, YearRuleNear
	}
	return days, ""
}

// Refresh sets the computed fields: the status that follows from the rounds
// (a round whose deadline passed has ended even if nobody closed it) and the
// waiting time.
func (p *Proposal) Refresh(rounds []*Remiss, now time.Time) {
	p.Status = ProposalStatus(p, rounds, now)
	p.DaysWaiting, p.YearRule = p.Waiting(now)
}

// ProposalStatus is the status of p given its rounds at now.
func ProposalStatus(p *Proposal, rounds []*Remiss, now time.Time) string {
	if p.Decision != nil {
		return ProposalDecided
	}
	if len(rounds) == 0 {
		return ProposalReceived
	}
	for _, r := range rounds {
		if r.Accepting(now) == nil {
			return ProposalOnRemiss
		}
	}
	return ProposalRemissClosed
}

// EraseSubmitter removes the only personal data kept about the citizen.
func (p *Proposal) EraseSubmitter() { p.SubmittedBy = "" }

// DecisionInput is what an official sends to record the decision.
type DecisionInput struct {
	Outcome string `json:"outcome" validate:"required,oneof=approved rejected partly_approved answered"`
	Text    string `json:"text" validate:"max=20000"`
	Date    string `json:"date"`
}

// Decide records the decision: once only, not while a round still takes
// answers, dated between the day it was received and today (today when no
// date is given).
func (p *Proposal) Decide(in DecisionInput, rounds []*Remiss, now time.Time, by string) error {
	d, err := p.decision(in, now, by)
	if err != nil {
		return err
	}
	if p.Decision != nil {
		return fmt.Errorf("förslaget är redan beslutat: %w", ErrConflict)
	}
	for _, r := range rounds {
		if r.Accepting(now) == nil {
			return fmt.Errorf("en remissrunda tar fortfarande emot svar; stäng den först: %w", ErrConflict)
		}
	}
	p.Decision, p.Status = d, ProposalDecided
	return nil
}

// decision checks the input as a decision on p.
func (p *Proposal) decision(in DecisionInput, now time.Time, by string) (*Decision, error) {
	in.Text = strings.TrimSpace(in.Text)
	v := &ValidationError{}
	Check(v, in)
	date := pastDate(v, "date", in.Date, now, "Beslutsdatumet får inte ligga i framtiden")
	if v.For("date") == "" && date.Before(p.Received) {
		v.Add("date", "Beslutsdatumet får inte ligga före dagen förslaget kom in")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &Decision{Outcome: in.Outcome, Text: in.Text, Date: date, RecordedBy: by, Recorded: now.UTC()}, nil
}

// CorrectDecision replaces a recorded decision (a typing error, a wrong
// date) and returns the one it replaced, for the audit log to keep.
func (p *Proposal) CorrectDecision(in DecisionInput, now time.Time, by string) (Decision, error) {
	if p.Decision == nil {
		return Decision{}, fmt.Errorf("förslaget har inget beslut att rätta: %w", ErrConflict)
	}
	d, err := p.decision(in, now, by)
	if err != nil {
		return Decision{}, err
	}
	old := *p.Decision
	p.Decision = d
	return old, nil
}

// Remiss is one consultation round: a proposal sent to village groups for
// their answers by a deadline.
type Remiss struct {
	ID       string   `json:"id"`
	Proposal string   `json:"proposal"`
	Villages []string `json:"villages"`
	// Deadline is the last day to answer: answers are taken until the end of
	// that day in Stockholm.
	Deadline Date   `json:"deadline"`
	Question string `json:"question,omitempty"`
	// Surveys links a village to a resident survey that anchors its answer.
	Surveys  map[string]string `json:"surveys,omitempty"`
	Status   string            `json:"status"`
	SentBy   string            `json:"sent_by,omitempty"`
	Sent     time.Time         `json:"sent"`
	ClosedAt *time.Time        `json:"closed_at,omitempty"`
	ClosedBy string            `json:"closed_by,omitempty"`
}

// NewRemiss is what an official sends to put a proposal on remiss.
type NewRemiss struct {
	Villages []string          `json:"villages" validate:"required,min=1,max=200,dive,required"`
	Deadline string            `json:"deadline"`
	Question string            `json:"question" validate:"max=5000"`
	Surveys  map[string]string `json:"surveys" validate:"max=200"`
}

// CheckDeadline reads a deadline: a date that is not already past in
// Stockholm (today is allowed: answers are taken until the end of the day).
func CheckDeadline(v *ValidationError, s string, now time.Time) Date {
	if s == "" {
		v.Add("deadline", "Ange sista svarsdag")
		return Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		v.Add("deadline", "Skriv datumet som ÅÅÅÅ-MM-DD")
		return Date{}
	}
	if !now.Before(d.End()) {
		v.Add("deadline", "Sista svarsdagen har redan passerat")
		return Date{}
	}
	return d
}

// Remiss validates the request and returns the round to send for proposal p.
// Whether the villages and surveys exist is the caller's question.
func (nr NewRemiss) Remiss(p *Proposal, now time.Time, by string) (*Remiss, error) {
	nr.Question = strings.TrimSpace(nr.Question)
	v := &ValidationError{}
	Check(v, nr)
	deadline := CheckDeadline(v, nr.Deadline, now)
	seen := map[string]bool{}
	for i, slug := range nr.Villages {
		if seen[slug] {
			v.Add(fmt.Sprintf("villages[%d]", i), "Byn finns redan med")
		}
		seen[slug] = true
	}
	for village, id := range nr.Surveys {
		switch {
		case !seen[village]:
			v.Add("surveys."+village, "Byn ingår inte i remissen")
		case strings.TrimSpace(id) == "":
			v.Add("surveys."+village, "Ange enkätens id")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if p.Decision != nil {
		return nil, fmt.Errorf("förslaget är redan beslutat: %w", ErrConflict)
	}
	surveys := map[string]string{}
	for k, id := range nr.Surveys {
		surveys[k] = strings.TrimSpace(id)
	}
	return &Remiss{Proposal: p.ID, Villages: nr.Villages, Deadline: deadline, Question: nr.Question,
		Surveys: surveys, Status: RemissOpen, SentBy: by, Sent: now.UTC()}, nil
}

// Accepting returns nil while the round takes answers, and an error wrapping
// ErrClosed once it was closed or its deadline day has ended in Stockholm.
func (r *Remiss) Accepting(now time.Time) error {
	if r.Status == RemissClosed {
		return fmt.Errorf("remissrundan är stängd: %w", ErrClosed)
	}
	if !now.Before(r.Deadline.End()) {
		return fmt.Errorf("sista svarsdagen %s har passerat: %w", r.Deadline, ErrClosed)
	}
	return nil
}

// CurrentStatus is the round's status at now: closed once the deadline passed.
func (r *Remiss) CurrentStatus(now time.Time) string {
	if r.Accepting(now) != nil {
		return RemissClosed
	}
	return RemissOpen
}

// DaysLeft is the number of days from today (Stockholm) to the deadline: 0 on
// the last day, negative once it passed.
func (r *Remiss) DaysLeft(now time.Time) int { return DateOf(now).DaysUntil(r.Deadline) }

// HasVillage reports whether the village is consulted in the round.
func (r *Remiss) HasVillage(slug string) bool {
	for _, v := range r.Villages {
		if v == slug {
			return true
		}
	}
	return false
}

// DeadlineChange is what an official sends to move a round's deadline.
type DeadlineChange struct {
	Deadline string `json:"deadline"`
}

// MoveDeadline moves the deadline, later or earlier but not into the past. A
// round that was closed cannot be moved.
func (r *Remiss) MoveDeadline(in DeadlineChange, now time.Time) (Date, error) {
	v := &ValidationError{}
	d := CheckDeadline(v, in.Deadline, now)
	if err := v.Err(); err != nil {
		return Date{}, err
	}
	if r.Status == RemissClosed {
		return Date{}, fmt.Errorf("remissrundan är stängd: %w", ErrConflict)
	}
	old := r.Deadline
	r.Deadline = d
	return old, nil
}

// Close ends the round at once; closing a closed round is a conflict.
func (r *Remiss) Close(now time.Time, by string) error {
	if r.Status == RemissClosed {
		return fmt.Errorf("remissrundan är redan stängd: %w", ErrConflict)
	}
	t := now.UTC()
	r.Status, r.ClosedAt, r.ClosedBy = RemissClosed, &t, by
	return nil
}

// Anchoring says how a group anchored its answer in the village.
type Anchoring struct {
	Method       string `json:"method" validate:"required,oneof=meeting survey board none"`
	Participants int    `json:"participants" validate:"min=0,max=100000"`
}

// RemissAnswer is a village group's answer to a round: the current version,
// with every version it replaced.
type RemissAnswer struct {
	Remiss         string    `json:"remiss,omitempty"`
	Village        string    `json:"village"`
	Stance         string    `json:"stance"`
	Motivation     string    `json:"motivation"`
	Anchoring      Anchoring `json:"anchoring"`
	AnsweredBy     string    `json:"answered_by,omitempty"`
	AnsweredByName string    `json:"answered_by_name,omitempty"`
	AnsweredAt     time.Time `json:"answered_at"`
	// History holds the replaced versions, oldest first.
	History []AnswerVersion `json:"history"`
}

// AnswerVersion is a replaced answer: what it said, who gave it and when, and
// who replaced it when.
type AnswerVersion struct {
	Stance         string    `json:"stance"`
	Motivation     string    `json:"motivation"`
	Anchoring      Anchoring `json:"anchoring"`
	AnsweredBy     string    `json:"answered_by,omitempty"`
	AnsweredByName string    `json:"answered_by_name,omitempty"`
	AnsweredAt     time.Time `json:"answered_at"`
	ReplacedBy     string    `json:"replaced_by,omitempty"`
	ReplacedAt     time.Time `json:"replaced_at"`
}

// AnswerInput is what a representative sends to answer a round.
type AnswerInput struct {
	Village    string     `json:"village" validate:"required,max=60"`
	Stance     string     `json:"stance" validate:"required,oneof=support support_with_changes oppose no_opinion"`
	Motivation string     `json:"motivation" validate:"max=10000"`
	Anchoring  *Anchoring `json:"anchoring"`
}

// Answer validates the input against the round and returns the answer to
// store. A motivation is needed unless the group has nothing to add
// (no_opinion); anchoring defaults to "none".
func (r *Remiss) Answer(in AnswerInput, now time.Time, by *User) (*RemissAnswer, error) {
	in.Motivation = strings.TrimSpace(in.Motivation)
	v := &ValidationError{}
	Check(v, in)
	if in.Motivation == "" && in.Stance != StanceNoOpinion && v.For("stance") == "" {
		v.Add("motivation", "Motivera ställningstagandet")
	}
	anchoring := Anchoring{Method: AnchorNone}
	if in.Anchoring != nil {
		anchoring = *in.Anchoring
	}
	if in.Village != "" && v.For("village") == "" && !r.HasVillage(in.Village) {
		v.Add("village", "Byn ingår inte i remissrundan")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.Accepting(now); err != nil {
		return nil, err
	}
	a := &RemissAnswer{Remiss: r.ID, Village: in.Village, Stance: in.Stance, Motivation: in.Motivation,
		Anchoring: anchoring, AnsweredAt: now.UTC(), History: []AnswerVersion{}}
	if by != nil {
		a.AnsweredBy, a.AnsweredByName = by.ID, by.Name
	}
	return a, nil
}

// Version returns the answer as a replaced version.
func (a *RemissAnswer) Version(replacedBy string, replacedAt time.Time) AnswerVersion {
	return AnswerVersion{Stance: a.Stance, Motivation: a.Motivation, Anchoring: a.Anchoring,
		AnsweredBy: a.AnsweredBy, AnsweredByName: a.AnsweredByName, AnsweredAt: a.AnsweredAt,
		ReplacedBy: replacedBy, ReplacedAt: replacedAt.UTC()}
}

// RemissSummary is the compilation of a round (remissammanställning) for the
// politicians.
type RemissSummary struct {
	Remiss string `json:"remiss"`
	// Proposal is the proposal's id; its title, text and dates follow.
	Proposal         string         `json:"proposal"`
	ProposalTitle    string         `json:"proposal_title"`
	ProposalBody     string         `json:"proposal_body"`
	ProposalReceived Date           `json:"proposal_received"`
	Villages         []string       `json:"villages"`
	Question         string         `json:"question,omitempty"`
	Deadline         Date           `json:"deadline"`
	Status           string         `json:"status"`
	DaysLeft         int            `json:"days_left"`
	Counts           map[string]int `json:"counts"`
	Answers          []RemissAnswer `json:"answers"`
	Missing          []string       `json:"missing"`
	Answered         []string       `json:"answered"`
}

// Summarize compiles the round's answers at now: counts for every stance
// (zero included), answers in the round's village order, and the villages
// that have not answered.
func Summarize(p *Proposal, r *Remiss, answers []RemissAnswer, now time.Time) RemissSummary {
	s := RemissSummary{Remiss: r.ID, Proposal: p.ID, ProposalTitle: p.Title, ProposalBody: p.Body,
		ProposalReceived: p.Received, Villages: r.Villages, Question: r.Question,
		Deadline: r.Deadline, Status: r.CurrentStatus(now), DaysLeft: r.DaysLeft(now),
		Counts: map[string]int{}, Answers: []RemissAnswer{}, Missing: []string{}, Answered: []string{}}
	for _, st := range Stances {
		s.Counts[st] = 0
	}
	byVillage := map[string]RemissAnswer{}
	for _, a := range answers {
		byVillage[a.Village] = a
	}
	order := map[string]int{}
	for i, v := range r.Villages {
		order[v] = i
		a, ok := byVillage[v]
		if !ok {
			s.Missing = append(s.Missing, v)
			continue
		}
		if a.History == nil {
			a.History = []AnswerVersion{}
		}
		s.Counts[a.Stance]++
		s.Answers = append(s.Answers, a)
		s.Answered = append(s.Answered, v)
	}
	sort.SliceStable(s.Answers, func(i, j int) bool { return order[s.Answers[i].Village] < order[s.Answers[j].Village] })
	return s
}

// Outbox message statuses.
const (
	MessageQueued = "queued" // waiting; stays so when no mail server is configured
	MessageSent   = "sent"
	MessageFailed = "failed"
)

// RetryDelays are the waits before a failed message is tried again: after
// the first failed attempt 1 minute, then 5 minutes, 30 minutes and 2 hours.
// The fifth failure is final: the message stays failed with its last error.
var RetryDelays = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}

// MaxAttempts is how many times a message is tried in all.
var MaxAttempts = len(RetryDelays) + 1

// NextAttemptAfter is when a message whose attempt number attempt (1 for
// the first) failed at is tried again, and false when that was the last.
func NextAttemptAfter(attempt int, at time.Time) (time.Time, bool) {
	if attempt < 1 || attempt > len(RetryDelays) {
		return time.Time{}, false
	}
	return at.Add(RetryDelays[attempt-1]), true
}

// OutboxMessage is an e-mail the service owes someone, kept so that officials
// can see what was sent, and what could not be.
type OutboxMessage struct {
	ID       string     `json:"id"`
	To       string     `json:"to"`
	ToName   string     `json:"to_name,omitempty"`
	Subject  string     `json:"subject"`
	Body     string     `json:"body"`
	Remiss   string     `json:"remiss,omitempty"`
	Village  string     `json:"village,omitempty"`
	Status   string     `json:"status"`
	Created  time.Time  `json:"created"`
	Sent     *time.Time `json:"sent,omitempty"`
	Error    string     `json:"error,omitempty"`
	Attempts int        `json:"attempts"`
	// NextAttempt is when a failed message is tried again; GaveUp is set
	// once it has failed every attempt (see RetryDelays) and is left failed.
	NextAttempt *time.Time `json:"next_attempt,omitempty"`
	GaveUp      bool       `json:"gave_up,omitempty"`
	// Attachments go with the message as files (a meeting's .ics).
	Attachments []Attachment `json:"attachments,omitempty"`
	// Meeting is the meeting an invitation is for.
	Meeting string `json:"meeting,omitempty"`
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"-"`
}

// Kinds of remiss messages to a village's representative.
const (
	NoticeSent     = "sent"     // a new round asks the village
	NoticeMoved    = "moved"    // the round's deadline moved
	NoticeClosed   = "closed"   // the round was closed before its deadline
	NoticeReminder = "reminder" // the village has not answered yet
)

// Notice is the message of the given kind to a representative of the
// village (villageName is how people write it: Högsjö, not hogsjo);
// publicURL (the service's public address) starts the link to the answer
// form or, for a closed round, to the inbox.
func Notice(kind string, p *Proposal, r *Remiss, village, villageName string, to *User, publicURL string, now time.Time) OutboxMessage {
	days := r.DaysLeft(now)
	var left string
	switch {
	case days == 0:
		left = "Sista svarsdagen är i dag."
	case days == 1:
		left = "Det är 1 dag kvar."
	default:
		left = fmt.Sprintf("Det är %d dagar kvar.", days)
	}
	base := strings.TrimSuffix(publicURL, "/")
	answer := fmt.Sprintf("%s/remisser/%s/svara/%s", base, r.ID, village)
	var subject, text string
	switch kind {
	case NoticeSent:
		subject = "Ny remiss: ”" + p.Title + "”"
		text = fmt.Sprintf("Kommunen vill ha svar från %s på medborgarförslaget ”%s”.\nSista svarsdag: %s (svar tas emot till midnatt). %s\n\nLäs och svara här: %s",
			villageName, p.Title, r.Deadline, left, answer)
	case NoticeMoved:
		subject = "Ny sista svarsdag: ”" + p.Title + "”"
		text = fmt.Sprintf("Sista svarsdag för remissen om medborgarförslaget ”%s” är nu %s (svar tas emot till midnatt). %s\n\nSvara för %s här: %s",
			p.Title, r.Deadline, left, villageName, answer)
	case NoticeClosed:
		subject = "Remissen är stängd: ”" + p.Title + "”"
		text = fmt.Sprintf("Kommunen har stängt remissen om medborgarförslaget ”%s”. Inga fler svar tas emot från %s.\n\nDina remisser: %s/remisser",
			p.Title, villageName, base)
	default:
		subject = "Påminnelse: remiss om ”" + p.Title + "”"
		text = fmt.Sprintf("Kommunen väntar på svar från %s på remissen om medborgarförslaget ”%s”.\nSista svarsdag: %s (svar tas emot till midnatt). %s\n\nSvara här: %s",
			villageName, p.Title, r.Deadline, left, answer)
	}
	body := fmt.Sprintf("Hej %s!\n\n%s\n\nHälsningar\nFörankra\n", to.Name, text)
	return OutboxMessage{To: to.Email, ToName: to.Name, Subject: subject,
		Body: body, Remiss: r.ID, Village: village, Status: MessageQueued, Created: now.UTC()}
}
