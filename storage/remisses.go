package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collections of the remiss feature.
const (
	colProposals     = "proposals"
	colRemisses      = "remisses"
	colRemissAnswers = "remiss_answers"
	colOutbox        = "outbox"
	colDecisions     = "proposal_decisions"
)

// ensureRemissIndexes creates the indexes of proposals, rounds, answers and
// the outbox.
func (d *DB) ensureRemissIndexes(ctx context.Context) error {
	idx := map[string][]mongo.IndexModel{
		colProposals:     {{Keys: bson.D{{Key: "received", Value: -1}}}},
		colRemisses:      {{Keys: bson.D{{Key: "proposal", Value: 1}}}, {Keys: bson.D{{Key: "villages", Value: 1}}}},
		colRemissAnswers: {{Keys: bson.D{{Key: "remiss", Value: 1}, {Key: "village", Value: 1}, {Key: "version", Value: -1}}}},
		colOutbox:        {{Keys: bson.D{{Key: "remiss", Value: 1}}}, {Keys: bson.D{{Key: "status", Value: 1}}}},
	}
	for name, models := range idx {
		// One at a time: FerretDB v1.24 panics on createIndexes with several
		// indexes that all exist already (a restart).
		for _, m := range models {
			if _, err := d.col(name).Indexes().CreateOne(ctx, m); err != nil {
				return fmt.Errorf("index för %s: %w", name, translate(err))
			}
		}
	}
	return nil
}

// Proposals stores citizen proposals and their decisions.
type Proposals struct{ col, decisions *mongo.Collection }

// NewProposals returns the proposal store of db.
func NewProposals(db *DB) *Proposals {
	return &Proposals{col: db.col(colProposals), decisions: db.col(colDecisions)}
}

type decisionDoc struct {
	Outcome    string    `bson:"outcome"`
	Text       string    `bson:"text"`
	Date       string    `bson:"date"`
	RecordedBy string    `bson:"recorded_by"`
	Recorded   time.Time `bson:"recorded"`
}

type proposalDoc struct {
	ID          string       `bson:"_id"`
	Title       string       `bson:"title"`
	Body        string       `bson:"body"`
	SubmittedBy string       `bson:"submitted_by"`
	Received    string       `bson:"received"` // YYYY-MM-DD sorts as a date
	Status      string       `bson:"status"`
	Decision    *decisionDoc `bson:"decision,omitempty"`
	CreatedBy   string       `bson:"created_by"`
	Created     time.Time    `bson:"created"`
}

func toProposalDoc(p *survey.Proposal) proposalDoc {
	d := proposalDoc{ID: p.ID, Title: p.Title, Body: p.Body, SubmittedBy: p.SubmittedBy, Received: p.Received.String(),
		Status: p.Status, CreatedBy: p.CreatedBy, Created: p.Created}
	if p.Decision != nil {
		d.Decision = &decisionDoc{Outcome: p.Decision.Outcome, Text: p.Decision.Text, Date: p.Decision.Date.String(),
			RecordedBy: p.Decision.RecordedBy, Recorded: p.Decision.Recorded}
	}
	return d
}

func (d proposalDoc) proposal() *survey.Proposal {
	received, _ := survey.ParseDate(d.Received)
	p := &survey.Proposal{ID: d.ID, Title: d.Title, Body: d.Body, SubmittedBy: d.SubmittedBy, Received: received,
		Status: d.Status, CreatedBy: d.CreatedBy, Created: d.Created}
	if d.Decision != nil {
		date, _ := survey.ParseDate(d.Decision.Date)
		p.Decision = &survey.Decision{Outcome: d.Decision.Outcome, Text: d.Decision.Text, Date: date,
			RecordedBy: d.Decision.RecordedBy, Recorded: d.Decision.Recorded}
	}
	return p
}

// Create stores a new proposal, giving it an id.
func (s *Proposals) Create(ctx context.Context, p *survey.Proposal) error {
	p.ID = NewID()
	if _, err := s.col.InsertOne(ctx, toProposalDoc(p)); err != nil {
		return fmt.Errorf("spara förslag: %w", translate(err))
	}
	return nil
}

// Get returns one proposal.
func (s *Proposals) Get(ctx context.Context, id string) (*survey.Proposal, error) {
	var d proposalDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, fmt.Errorf("förslag %q: %w", id, translate(err))
	}
	return d.proposal(), nil
}

// List returns every proposal, the most recently received first.
func (s *Proposals) List(ctx context.Context) ([]*survey.Proposal, error) {
	cur, err := s.col.Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "received", Value: -1}, {Key: "created", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("lista förslag: %w", translate(err))
	}
	docs := make([]proposalDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("lista förslag: %w", translate(err))
	}
	out := make([]*survey.Proposal, len(docs))
	for i, d := range docs {
		out[i] = d.proposal()
	}
	return out, nil
}

// undecided matches proposals without a decision.
var undecided = bson.M{"$in": bson.A{survey.ProposalReceived, survey.ProposalOnRemiss, survey.ProposalRemissClosed}}

// SetStatus records the status that follows from the proposal's rounds; a
// decided proposal keeps its status.
func (s *Proposals) SetStatus(ctx context.Context, id, status string) error {
	_, err := s.col.UpdateOne(ctx, bson.M{"_id": id, "status": undecided}, bson.M{"$set": bson.M{"status": status}})
	if err != nil {
		return fmt.Errorf("spara förslagets status: %w", translate(err))
	}
	return nil
}

// Decide stores the decision of p, unless a decision was stored first
// (survey.ErrConflict). The decision is first claimed by inserting it under
// the proposal's id in a collection of its own: a unique id lets only one of
// two simultaneous decisions in, where a conditional update on FerretDB
// would let both through. A claim whose copy onto the proposal failed is
// completed by the next attempt.
func (s *Proposals) Decide(ctx context.Context, p *survey.Proposal) error {
	d := toProposalDoc(p)
	claim := d.Decision
	_, err := s.decisions.InsertOne(ctx, bson.M{"_id": p.ID, "decision": claim})
	conflict := mongo.IsDuplicateKeyError(err)
	if err != nil && !conflict {
		return fmt.Errorf("spara beslut: %w", translate(err))
	}
	if conflict {
		var stored struct {
			Decision *decisionDoc `bson:"decision"`
		}
		if err := s.decisions.FindOne(ctx, bson.M{"_id": p.ID}).Decode(&stored); err != nil {
			return fmt.Errorf("läsa beslut: %w", translate(err))
		}
		claim = stored.Decision
	}
	_, err = s.col.UpdateOne(ctx, bson.M{"_id": p.ID}, bson.M{"$set": bson.M{"decision": claim, "status": survey.ProposalDecided}})
	if err != nil {
		return fmt.Errorf("spara beslut: %w", translate(err))
	}
	if conflict {
		return fmt.Errorf("förslaget är redan beslutat: %w", survey.ErrConflict)
	}
	return nil
}

// CorrectDecision stores a corrected decision over the recorded one, in the
// claim and on the proposal.
func (s *Proposals) CorrectDecision(ctx context.Context, p *survey.Proposal) error {
	d := toProposalDoc(p)
	if _, err := s.decisions.UpdateOne(ctx, bson.M{"_id": p.ID}, bson.M{"$set": bson.M{"decision": d.Decision}}); err != nil {
		return fmt.Errorf("rätta beslut: %w", translate(err))
	}
	res, err := s.col.UpdateOne(ctx, bson.M{"_id": p.ID}, bson.M{"$set": bson.M{"decision": d.Decision}})
	if err != nil {
		return fmt.Errorf("rätta beslut: %w", translate(err))
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("förslag %q: %w", p.ID, survey.ErrNotFound)
	}
	return nil
}

// Update stores a proposal's changed title, text, submitter and received date.
func (s *Proposals) Update(ctx context.Context, p *survey.Proposal) error {
	d := toProposalDoc(p)
	res, err := s.col.UpdateOne(ctx, bson.M{"_id": p.ID}, bson.M{"$set": bson.M{"title": d.Title, "body": d.Body, "submitted_by": d.SubmittedBy, "received": d.Received}})
	if err != nil {
		return fmt.Errorf("spara förslag: %w", translate(err))
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("förslag %q: %w", p.ID, survey.ErrNotFound)
	}
	return nil
}

// EraseSubmitter removes the name of the citizen who submitted the proposal.
func (s *Proposals) EraseSubmitter(ctx context.Context, id string) error {
	res, err := s.col.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"submitted_by": ""}})
	if err != nil {
		return fmt.Errorf("radera förslagsställare: %w", translate(err))
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("förslag %q: %w", id, survey.ErrNotFound)
	}
	return nil
}

// Remisses stores remiss rounds and the villages' answers.
//
// FerretDB has no transactions, and its conditional updates are a read and a
// write that another writer can come between (seen with eight concurrent
// answers: seven versions were lost). So an answer is never updated in place:
// every version is a new document whose id is round/village/version number.
// Two people answering for the same village at once both try to insert the
// next number; the unique _id lets exactly one win, and the other retries with
// the number after. The current answer is the highest version, the history
// all below it. Inserts are atomic on every server, so no version is lost.
type Remisses struct {
	rounds  *mongo.Collection
	answers *mongo.Collection
}

// NewRemisses returns the remiss store of db.
func NewRemisses(db *DB) *Remisses {
	return &Remisses{rounds: db.col(colRemisses), answers: db.col(colRemissAnswers)}
}

type remissDoc struct {
	ID       string            `bson:"_id"`
	Proposal string            `bson:"proposal"`
	Villages []string          `bson:"villages"`
	Deadline string            `bson:"deadline"`
	Question string            `bson:"question"`
	Surveys  map[string]string `bson:"surveys"`
	Status   string            `bson:"status"`
	SentBy   string            `bson:"sent_by"`
	Sent     time.Time         `bson:"sent"`
	ClosedAt *time.Time        `bson:"closed_at,omitempty"`
	ClosedBy string            `bson:"closed_by,omitempty"`
}

func toRemissDoc(r *survey.Remiss) remissDoc {
	return remissDoc{ID: r.ID, Proposal: r.Proposal, Villages: r.Villages, Deadline: r.Deadline.String(), Question: r.Question,
		Surveys: r.Surveys, Status: r.Status, SentBy: r.SentBy, Sent: r.Sent, ClosedAt: r.ClosedAt, ClosedBy: r.ClosedBy}
}

func (d remissDoc) remiss() *survey.Remiss {
	deadline, _ := survey.ParseDate(d.Deadline)
	villages, surveys := d.Villages, d.Surveys
	if villages == nil {
		villages = []string{}
	}
	if surveys == nil {
		surveys = map[string]string{}
	}
	return &survey.Remiss{ID: d.ID, Proposal: d.Proposal, Villages: villages, Deadline: deadline, Question: d.Question,
		Surveys: surveys, Status: d.Status, SentBy: d.SentBy, Sent: d.Sent, ClosedAt: d.ClosedAt, ClosedBy: d.ClosedBy}
}

type anchoringDoc struct {
	Method       string `bson:"method"`
	Participants int    `bson:"participants"`
}

// answerVersionDoc is one version of a village's answer to a round.
type answerVersionDoc struct {
	ID             string       `bson:"_id"` // round/village/version, version zero-padded
	Remiss         string       `bson:"remiss"`
	Village        string       `bson:"village"`
	Version        int          `bson:"version"`
	Stance         string       `bson:"stance"`
	Motivation     string       `bson:"motivation"`
	Anchoring      anchoringDoc `bson:"anchoring"`
	AnsweredBy     string       `bson:"answered_by"`
	AnsweredByName string       `bson:"answered_by_name"`
	AnsweredAt     time.Time    `bson:"answered_at"`
}

func versionID(remissID, village string, version int) string {
	return fmt.Sprintf("%s/%s/%06d", remissID, village, version)
}

// Create stores a new round, giving it an id.
func (s *Remisses) Create(ctx context.Context, r *survey.Remiss) error {
	r.ID = NewID()
	if _, err := s.rounds.InsertOne(ctx, toRemissDoc(r)); err != nil {
		return fmt.Errorf("spara remissrunda: %w", translate(err))
	}
	return nil
}

// Get returns one round.
func (s *Remisses) Get(ctx context.Context, id string) (*survey.Remiss, error) {
	var d remissDoc
	if err := s.rounds.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, fmt.Errorf("remissrunda %q: %w", id, translate(err))
	}
	return d.remiss(), nil
}

// RemissFilter narrows List; empty fields match everything.
type RemissFilter struct {
	Proposal string
	// Proposals, when not nil, keeps the rounds of these proposals.
	Proposals []string
	// Villages, when not nil, keeps rounds sent to at least one of them.
	Villages []string
}

// List returns rounds, the most recently sent first.
func (s *Remisses) List(ctx context.Context, f RemissFilter) ([]*survey.Remiss, error) {
	q := bson.M{}
	if f.Proposal != "" {
		q["proposal"] = f.Proposal
	}
	if f.Proposals != nil {
		q["proposal"] = bson.M{"$in": f.Proposals}
	}
	if f.Villages != nil {
		q["villages"] = bson.M{"$in": f.Villages}
	}
	cur, err := s.rounds.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "sent", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("lista remissrundor: %w", translate(err))
	}
	docs := make([]remissDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("lista remissrundor: %w", translate(err))
	}
	out := make([]*survey.Remiss, len(docs))
	for i, d := range docs {
		out[i] = d.remiss()
	}
	return out, nil
}

// MoveDeadline stores r's new deadline while the round is open.
func (s *Remisses) MoveDeadline(ctx context.Context, r *survey.Remiss) error {
	res, err := s.rounds.UpdateOne(ctx, bson.M{"_id": r.ID, "status": survey.RemissOpen},
		bson.M{"$set": bson.M{"deadline": r.Deadline.String()}})
	if err != nil {
		return fmt.Errorf("flytta svarsdag: %w", translate(err))
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("remissrundan är stängd: %w", survey.ErrConflict)
	}
	return nil
}

// Close stores r as closed, unless it already was (survey.ErrConflict).
func (s *Remisses) Close(ctx context.Context, r *survey.Remiss) error {
	res, err := s.rounds.UpdateOne(ctx, bson.M{"_id": r.ID, "status": survey.RemissOpen},
		bson.M{"$set": bson.M{"status": survey.RemissClosed, "closed_at": r.ClosedAt, "closed_by": r.ClosedBy}})
	if err != nil {
		return fmt.Errorf("stäng remissrunda: %w", translate(err))
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("remissrundan är redan stängd: %w", survey.ErrConflict)
	}
	return nil
}

// maxAnswerRetries bounds the retries when several people answer for the
// same village at the same moment.
const maxAnswerRetries = 20

// Answer stores a as the newest version of its village's answer to the round
// r and reports whether it replaced an earlier one. The round is read again
// after the write: if it was closed in between (at or before a.AnsweredAt),
// the version is removed and the answer is survey.ErrClosed. (Should that
// removal fail, Answers still leaves the version out: it counts only answers
// given before the round ended.)
func (s *Remisses) Answer(ctx context.Context, r *survey.Remiss, a *survey.RemissAnswer) (bool, error) {
	if err := r.Accepting(a.AnsweredAt); err != nil {
		return false, err
	}
	var id string
	var version int
	for try := 0; ; try++ {
		if try == maxAnswerRetries {
			return false, fmt.Errorf("svaret ändrades samtidigt av någon annan: %w", survey.ErrConflict)
		}
		var last answerVersionDoc
		err := s.answers.FindOne(ctx, bson.M{"remiss": r.ID, "village": a.Village},
			options.FindOne().SetSort(bson.D{{Key: "version", Value: -1}})).Decode(&last)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return false, fmt.Errorf("läsa remissvar: %w", translate(err))
		}
		version = last.Version + 1
		id = versionID(r.ID, a.Village, version)
		d := answerVersionDoc{ID: id, Remiss: r.ID, Village: a.Village, Version: version, Stance: a.Stance,
			Motivation: a.Motivation, Anchoring: anchoringDoc(a.Anchoring), AnsweredBy: a.AnsweredBy,
			AnsweredByName: a.AnsweredByName, AnsweredAt: a.AnsweredAt.UTC()}
		_, err = s.answers.InsertOne(ctx, d)
		if err == nil {
			break
		}
		if !mongo.IsDuplicateKeyError(err) {
			return false, fmt.Errorf("spara remissvar: %w", translate(err))
		}
	}
	now, err := s.Get(ctx, r.ID)
	if err != nil {
		return false, err
	}
	if !counts(now, a.AnsweredAt) {
		_, _ = s.answers.DeleteOne(ctx, bson.M{"_id": id})
		return false, fmt.Errorf("remissrundan stängdes: %w", survey.ErrClosed)
	}
	return version > 1, nil
}

// counts reports whether an answer given at t counts in round r: before the
// end of the deadline day and before the round was closed.
func counts(r *survey.Remiss, t time.Time) bool {
	if !t.Before(r.Deadline.End()) {
		return false
	}
	return r.ClosedAt == nil || t.Before(*r.ClosedAt)
}

// Answers returns the villages' current answers to the rounds (for those
// that answered), each with the versions it replaced, oldest first.
func (s *Remisses) Answers(ctx context.Context, rounds ...*survey.Remiss) ([]survey.RemissAnswer, error) {
	ids := make([]string, len(rounds))
	byID := make(map[string]*survey.Remiss, len(rounds))
	for i, r := range rounds {
		ids[i], byID[r.ID] = r.ID, r
	}
	cur, err := s.answers.Find(ctx, bson.M{"remiss": bson.M{"$in": ids}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("läsa remissvar: %w", translate(err))
	}
	docs := make([]answerVersionDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("läsa remissvar: %w", translate(err))
	}
	out := make([]survey.RemissAnswer, 0)
	var current *survey.RemissAnswer
	for _, d := range docs {
		if !counts(byID[d.Remiss], d.AnsweredAt) {
			continue
		}
		if current != nil && current.Remiss == d.Remiss && current.Village == d.Village {
			current.History = append(current.History, current.Version(d.AnsweredBy, d.AnsweredAt))
		} else {
			if current != nil {
				out = append(out, *current)
			}
			current = &survey.RemissAnswer{Remiss: d.Remiss, Village: d.Village, History: []survey.AnswerVersion{}}
		}
		current.Stance, current.Motivation, current.Anchoring = d.Stance, d.Motivation, survey.Anchoring(d.Anchoring)
		current.AnsweredBy, current.AnsweredByName, current.AnsweredAt = d.AnsweredBy, d.AnsweredByName, d.AnsweredAt
	}
	if current != nil {
		out = append(out, *current)
	}
	return out, nil
}

// Outbox keeps the e-mail the service owes people until it is sent, and
// afterwards as a record.
type Outbox struct{ col *mongo.Collection }

// NewOutbox returns the outbox of db.
func NewOutbox(db *DB) *Outbox { return &Outbox{col: db.col(colOutbox)} }

type messageDoc struct {
	ID       string     `bson:"_id"`
	To       string     `bson:"to"`
	ToName   string     `bson:"to_name"`
	Subject  string     `bson:"subject"`
	Body     string     `bson:"body"`
	Remiss   string     `bson:"remiss"`
	Village  string     `bson:"village"`
	Status   string     `bson:"status"`
	Created  time.Time  `bson:"created"`
	Sent     *time.Time `bson:"sent,omitempty"`
	Error    string     `bson:"error"`
	Attempts int        `bson:"attempts"`
	// NextAttempt is when a failed message is tried again; GaveUp marks one
	// that failed every attempt of survey.RetryDelays.
	NextAttempt *time.Time `bson:"next_attempt,omitempty"`
	GaveUp      bool       `bson:"gave_up,omitempty"`
	// Attachments and Meeting: a meeting's invitation and its .ics.
	Attachments []survey.Attachment `bson:"attachments,omitempty"`
	Meeting     string              `bson:"meeting,omitempty"`
}

// Queue stores messages, giving each an id.
func (s *Outbox) Queue(ctx context.Context, msgs []survey.OutboxMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	docs := make([]any, len(msgs))
	for i := range msgs {
		m := &msgs[i]
		m.ID = NewID()
		docs[i] = messageDoc(*m)
	}
	if _, err := s.col.InsertMany(ctx, docs); err != nil {
		return fmt.Errorf("lägga i utkorgen: %w", translate(err))
	}
	return nil
}

// List returns a round's messages (every message when remissID is ""), the
// newest first.
func (s *Outbox) List(ctx context.Context, remissID string) ([]survey.OutboxMessage, error) {
	q := bson.M{}
	if remissID != "" {
		q["remiss"] = remissID
	}
	cur, err := s.col.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "created", Value: -1}}).SetLimit(500))
	if err != nil {
		return nil, fmt.Errorf("läsa utkorgen: %w", translate(err))
	}
	docs := make([]messageDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("läsa utkorgen: %w", translate(err))
	}
	out := make([]survey.OutboxMessage, len(docs))
	for i, d := range docs {
		out[i] = survey.OutboxMessage(d)
	}
	return out, nil
}
