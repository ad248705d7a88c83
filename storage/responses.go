package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	db *DB
	// legacy is the one collection that held every survey's responses
	// before each survey got its own; MigrateLegacy empties it.
	legacy  *mongo.Collection
	tallies *mongo.Collection
	deltas  *mongo.Collection
	pending *mongo.Collection
	leases  *mongo.Collection
	surveys *Surveys

	mu      sync.Mutex
	settled []string      // markers of counted batches, to delete (FlushMarkers)
	owed    []*owedCount  // counts of stored batches, to write (writeCounts)
	lease   leases        // batch ids (leases.go)
	inert   []inertMarker // markers of retired leases, to delete (sweepMarkers)

	legacyEmpty atomic.Bool // seen empty once: nothing writes to it again
}

// NewResponses returns the response store of db.
func NewResponses(db *DB) *Responses {
	return &Responses{db: db, legacy: db.col(colResponses), tallies: db.col(colTallies),
		deltas: db.col(colDeltas), pending: db.col(colPending), leases: db.col(colLeases),
		surveys: NewSurveys(db)}
}

type answerDoc struct {
	Option  string   `bson:"o,omitempty" json:"o,omitempty"`
	Options []string `bson:"os,omitempty" json:"os,omitempty"`
	Number  *float64 `bson:"n,omitempty" json:"n,omitempty"`
	Text    string   `bson:"t,omitempty" json:"t,omitempty"`
}

type responseDoc struct {
	ID      string `bson:"_id"`
	Survey  string `bson:"survey"`
	Village string `bson:"village"`
	Channel string `bson:"channel"`
	// Packed is the answers as one JSON string ({"q1":{"o":"Ja"},…}). The
	// database never looks inside them (the counts are kept as tallies), and
	// FerretDB converts every field and subdocument of a document on insert:
	// one string instead of a subdocument per answer doubled the documents
	// an InsertMany stores per second (3,400 → 7,000 on 2 cores).
	Packed string `bson:"a,omitempty"`
	// Answers are the answers as stored before they were packed: read, no
	// longer written.
	Answers   map[string]answerDoc `bson:"answers,omitempty"`
	Submitted time.Time            `bson:"submitted"`
	// Batch is the id of the batch that stored the response.
	Batch string `bson:"batch,omitempty"`
}

func toResponseDoc(r *survey.Response, batch string) (responseDoc, error) {
	answers := make(map[string]answerDoc, len(r.Answers))
	for k, a := range r.Answers {
		answers[k] = answerDoc(a)
	}
	packed, err := json.Marshal(answers)
	if err != nil {
		return responseDoc{}, fmt.Errorf("spara svar: %w", err)
	}
	return responseDoc{ID: r.ID, Survey: r.Survey, Village: r.Village, Channel: r.Channel,
		Packed: string(packed), Submitted: r.Submitted, Batch: batch}, nil
}

func (d responseDoc) response() (survey.Response, error) {
	stored := d.Answers
	if d.Packed != "" {
		if err := json.Unmarshal([]byte(d.Packed), &stored); err != nil {
			return survey.Response{}, fmt.Errorf("läsa svar %s: %w", d.ID, err)
		}
	}
	answers := make(map[string]survey.Answer, len(stored))
	for k, a := range stored {
		answers[k] = survey.Answer(a)
	}
	return survey.Response{ID: d.ID, Survey: d.Survey, Village: d.Village, Channel: d.Channel,
		Answers: answers, Submitted: d.Submitted}, nil
}

// surveyResponses is the collection of one survey's responses. Each survey
// has its own, so that reading a survey's responses (the CSV export, a
// recount) reads only them: FerretDB answers every filter but an _id by
// scanning the whole collection.
func surveyResponses(db *DB, surveyID string) *mongo.Collection {
	return db.col(colResponses + "_" + surveyID)
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
	// SameRequest asks that a response stored before under the same id (a
	// retry) was stored from the same village and answers; if not, the
	// submission fails with ErrKeyReused.
	SameRequest bool
}

// ErrKeyReused is the failure of a submission whose idempotency key was
// used before for another response.
var ErrKeyReused = fmt.Errorf("nyckeln har använts för ett annat svar: %w", survey.ErrConflict)

// requestDigest is what tells a retry from another request under the same
// idempotency key: a digest of the response's village and answers.
func requestDigest(r *survey.Response) string {
	h := sha256.New()
	h.Write([]byte(r.Village))
	for _, k := range slices.Sorted(maps.Keys(r.Answers)) {
		a := r.Answers[k]
		fmt.Fprintf(h, "\x00%s\x00%s\x00%q\x00%s", k, a.Option, a.Options, a.Text)
		if a.Number != nil {
			fmt.Fprintf(h, "\x00%v", *a.Number)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
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
	legacy, err := s.legacyOf(ctx, surveyID)
	if err != nil {
		return err
	}
	opts := options.Find()
	if sort != nil && len(legacy) == 0 {
		opts.SetSort(sort)
	}
	cur, err := surveyResponses(s.db, surveyID).Find(ctx, bson.M{}, opts)
	if err != nil {
		return fmt.Errorf("läsa svar: %w", translate(err))
	}
	defer cur.Close(ctx)
	if len(legacy) > 0 {
		// Until MigrateLegacy has moved them: both, sorted here.
		// Read after the legacy ones, so a response being moved is seen
		// at least once; seen twice, it is kept once.
		docs := make([]responseDoc, 0)
		if err := cur.All(ctx, &docs); err != nil {
			return fmt.Errorf("läsa svar: %w", translate(err))
		}
		docs = slices.DeleteFunc(docs, func(d responseDoc) bool { return isMarker(d.ID) })
		moved := make(map[string]bool, len(docs))
		for _, d := range docs {
			moved[d.ID] = true
		}
		for _, d := range legacy {
			if !moved[d.ID] {
				docs = append(docs, d)
			}
		}
		if sort != nil {
			slices.SortFunc(docs, func(a, b responseDoc) int {
				if c := a.Submitted.Compare(b.Submitted); c != 0 {
					return c
				}
				return strings.Compare(a.ID, b.ID)
			})
		}
		for _, d := range docs {
			r, err := d.response()
			if err != nil {
				return err
			}
			if err := f(r); err != nil {
				return err
			}
		}
		return nil
	}
	for cur.Next(ctx) {
		var d responseDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("läsa svar: %w", err)
		}
		if isMarker(d.ID) {
			continue // a batch's marker (counting.go), not a response
		}
		r, err := d.response()
		if err != nil {
			return err
		}
		if err := f(r); err != nil {
			return err
		}
	}
	return translate(cur.Err())
}

// legacyOf returns the survey's responses still in the legacy collection:
// none, at the cost of one read without a filter, once it is empty.
func (s *Responses) legacyOf(ctx context.Context, surveyID string) ([]responseDoc, error) {
	if s.legacyEmpty.Load() {
		return nil, nil
	}
	err := s.legacy.FindOne(ctx, bson.M{}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		s.legacyEmpty.Store(true)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("läsa svar: %w", translate(err))
	}
	cur, err := s.legacy.Find(ctx, bson.M{"survey": surveyID})
	if err != nil {
		return nil, fmt.Errorf("läsa svar: %w", translate(err))
	}
	docs := make([]responseDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("läsa svar: %w", translate(err))
	}
	return docs, nil
}

// Get returns one stored response of the survey: a read by _id.
func (s *Responses) Get(ctx context.Context, surveyID, id string) (survey.Response, error) {
	if isMarker(id) {
		return survey.Response{}, fmt.Errorf("läsa svar: %w", survey.ErrNotFound)
	}
	var d responseDoc
	err := surveyResponses(s.db, surveyID).FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) && !s.legacyEmpty.Load() {
		err = s.legacy.FindOne(ctx, bson.M{"_id": id, "survey": surveyID}).Decode(&d)
	}
	if err != nil {
		return survey.Response{}, fmt.Errorf("läsa svar: %w", translate(err))
	}
	return d.response()
}

// MigrateLegacy moves the responses of the legacy collection, where every
// survey's responses were kept before each survey got its own collection,
// into their surveys' collections, and returns how many it moved. Their
// tallies are unchanged: they were counted when stored. Run RecoverPending
// first, so that batches left unfinished by the version that wrote them are
// counted from where that version left them.
func (s *Responses) MigrateLegacy(ctx context.Context) (int, error) {
	moved := 0
	for {
		cur, err := s.legacy.Find(ctx, bson.M{}, options.Find().SetLimit(500))
		if err != nil {
			return moved, fmt.Errorf("flytta svar: %w", translate(err))
		}
		docs := make([]responseDoc, 0)
		if err := cur.All(ctx, &docs); err != nil {
			return moved, fmt.Errorf("flytta svar: %w", translate(err))
		}
		if len(docs) == 0 {
			s.legacyEmpty.Store(true)
			return moved, nil
		}
		bySurvey := map[string][]any{}
		ids := make([]string, len(docs))
		for i, d := range docs {
			bySurvey[d.Survey] = append(bySurvey[d.Survey], d)
			ids[i] = d.ID
		}
		for sv, group := range bySurvey {
			_, err := surveyResponses(s.db, sv).InsertMany(ctx, group, options.InsertMany().SetOrdered(false))
			if err := onlyDuplicates(err); err != nil {
				return moved, fmt.Errorf("flytta svar: %w", translate(err))
			}
		}
		if _, err := s.legacy.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}}); err != nil {
			return moved, fmt.Errorf("flytta svar: %w", translate(err))
		}
		moved += len(docs)
	}
}

// onlyDuplicates returns err unless it says only that documents were there
// already.
func onlyDuplicates(err error) error {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return err
	}
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return err
		}
	}
	return nil
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
