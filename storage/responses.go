package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Responses stores residents' responses and keeps each village's tally equal
// to a recount of them. How the counting stays exact through crashes without
// transactions is told in counting.go.
type Responses struct {
	responses *mongo.Collection
	tallies   *mongo.Collection
	deltas    *mongo.Collection
	pending   *mongo.Collection
	surveys   *Surveys

	mu      sync.Mutex
	settled []string // markers of counted batches, to delete (FlushMarkers)
}

// NewResponses returns the response store of db.
func NewResponses(db *DB) *Responses {
	return &Responses{responses: db.col(colResponses), tallies: db.col(colTallies),
		deltas: db.col(colDeltas), pending: db.col(colPending), surveys: NewSurveys(db)}
}

type answerDoc struct {
	Option  string   `bson:"o,omitempty"`
	Options []string `bson:"os,omitempty"`
	Number  *float64 `bson:"n,omitempty"`
	Text    string   `bson:"t,omitempty"`
}

type responseDoc struct {
	ID        string               `bson:"_id"`
	Survey    string               `bson:"survey"`
	Village   string               `bson:"village"`
	Channel   string               `bson:"channel"`
	Answers   map[string]answerDoc `bson:"answers"`
	Submitted time.Time            `bson:"submitted"`
	// Batch is the id of the batch that stored the response.
	Batch string `bson:"batch,omitempty"`
}

func toResponseDoc(r *survey.Response, batch string) responseDoc {
	answers := make(map[string]answerDoc, len(r.Answers))
	for k, a := range r.Answers {
		answers[k] = answerDoc(a)
	}
	return responseDoc{ID: r.ID, Survey: r.Survey, Village: r.Village, Channel: r.Channel,
		Answers: answers, Submitted: r.Submitted, Batch: batch}
}

func (d responseDoc) response() survey.Response {
	answers := make(map[string]survey.Answer, len(d.Answers))
	for k, a := range d.Answers {
		answers[k] = survey.Answer(a)
	}
	return survey.Response{ID: d.ID, Survey: d.Survey, Village: d.Village, Channel: d.Channel,
		Answers: answers, Submitted: d.Submitted}
}

// ResponseID returns the id of a response: derived from the idempotency key
// when there is one, so that a retry finds the first response, else fresh.
func ResponseID(surveyID, idempotencyKey string) string {
	if idempotencyKey == "" {
		return NewID()
	}
	sum := sha256.Sum256([]byte(surveyID + "\x00" + idempotencyKey))
	return "k" + hex.EncodeToString(sum[:15])
}

// Submission is one response to store, with the survey it answers.
type Submission struct {
	Survey   *survey.Survey
	Response *survey.Response
}

// Add stores the responses and counts them, exactly once each. created[i] is
// false when a response with the same id was stored before (a retry with the
// same idempotency key): nothing new is stored for it. The first failure of
// any response fails the call; AddEach reports failures one by one.
func (s *Responses) Add(ctx context.Context, subs []Submission) (created []bool, err error) {
	results := s.AddEach(ctx, subs)
	created = make([]bool, len(results))
	for i, r := range results {
		if r.Err != nil {
			return nil, r.Err
		}
		created[i] = r.Created
	}
	// Outside a committer nobody flushes the batch's marker later.
	if err := s.FlushMarkers(ctx); err != nil {
		return nil, err
	}
	return created, nil
}

// AddResult is what became of one submission of a batch.
type AddResult struct {
	// Created is false when a response with the same id was stored before.
	Created bool
	// Err is this submission's failure; the others of the batch may still
	// have been stored.
	Err error
}

// Count returns the number of stored responses of a survey, from its tallies.
func (s *Responses) Count(ctx context.Context, surveyID string) (int, error) {
	ts, err := s.Tallies(ctx, surveyID)
	n := 0
	for _, t := range ts {
		n += t.Responses
	}
	return n, err
}

// Each calls f for every stored response of the survey, oldest first.
func (s *Responses) Each(ctx context.Context, surveyID string, f func(survey.Response) error) error {
	return s.each(ctx, surveyID, bson.D{{Key: "submitted", Value: 1}, {Key: "_id", Value: 1}}, f)
}

func (s *Responses) each(ctx context.Context, surveyID string, sort bson.D, f func(survey.Response) error) error {
	opts := options.Find()
	if sort != nil {
		opts.SetSort(sort)
	}
	cur, err := s.responses.Find(ctx, bson.M{"survey": surveyID}, opts)
	if err != nil {
		return fmt.Errorf("läsa svar: %w", translate(err))
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d responseDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("läsa svar: %w", err)
		}
		if err := f(d.response()); err != nil {
			return err
		}
	}
	return translate(cur.Err())
}

// Recount counts the survey's stored responses from scratch, per village.
// It reads them in stored order: a sort would be done in memory by FerretDB.
func (s *Responses) Recount(ctx context.Context, sv *survey.Survey) (map[string]*survey.Tally, error) {
	out := map[string]*survey.Tally{}
	err := s.each(ctx, sv.ID, nil, func(r survey.Response) error {
		t := out[r.Village]
		if t == nil {
			t = &survey.Tally{Survey: sv.ID, Village: r.Village}
			out[r.Village] = t
		}
		t.Add(sv, r.Answers)
		return nil
	})
	return out, err
}

// VerifyTallies reports whether the survey's stored tallies equal a recount
// of its responses.
func (s *Responses) VerifyTallies(ctx context.Context, sv *survey.Survey) (bool, error) {
	counts, err := s.Recount(ctx, sv)
	if err != nil {
		return false, err
	}
	stored, err := s.Tallies(ctx, sv.ID)
	if err != nil {
		return false, err
	}
	if len(stored) != len(counts) {
		return false, nil
	}
	for _, t := range stored {
		c, ok := counts[t.Village]
		if !ok || !survey.SameTally(t, *c) {
			return false, nil
		}
	}
	return true, nil
}
