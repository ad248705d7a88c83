package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Responses stores residents' responses and keeps each village's tally equal
// to a recount of them.
//
// Without transactions (FerretDB has none) a response and its tally are two
// writes, made safe against crashes like this: the response is inserted
// marked pending; the tally takes the increment only if the response's id is
// not yet in its applied list (one atomic update that also adds the id); then
// the pending mark and the applied entry are removed. Replaying a pending
// response (RecoverPending) is therefore harmless, and a crash at any point
// neither loses nor double-counts an answer.
type Responses struct {
	responses *mongo.Collection
	tallies   *mongo.Collection
	surveys   *Surveys
}

// NewResponses returns the response store of db.
func NewResponses(db *DB) *Responses {
	return &Responses{responses: db.col(colResponses), tallies: db.col(colTallies), surveys: NewSurveys(db)}
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
	Pending   bool                 `bson:"pending,omitempty"`
}

func toResponseDoc(r *survey.Response) responseDoc {
	answers := make(map[string]answerDoc, len(r.Answers))
	for k, a := range r.Answers {
		answers[k] = answerDoc(a)
	}
	return responseDoc{ID: r.ID, Survey: r.Survey, Village: r.Village, Channel: r.Channel,
		Answers: answers, Submitted: r.Submitted, Pending: true}
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
// same idempotency key): nothing new is stored for it.
func (s *Responses) Add(ctx context.Context, subs []Submission) (created []bool, err error) {
	if len(subs) == 0 {
		return nil, nil
	}
	docs := make([]any, len(subs))
	for i, sub := range subs {
		docs[i] = toResponseDoc(sub.Response)
	}
	created = make([]bool, len(subs))
	for i := range created {
		created[i] = true
	}
	_, err = s.responses.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return nil, fmt.Errorf("spara svar: %w", translate(err))
			}
			created[we.Index] = false
		}
	} else if err != nil {
		return nil, fmt.Errorf("spara svar: %w", translate(err))
	}
	var fresh []Submission
	for i, sub := range subs {
		if created[i] {
			fresh = append(fresh, sub)
		}
	}
	if err := s.count(ctx, fresh); err != nil {
		// The responses are stored and pending: RecoverPending counts them.
		return nil, err
	}
	return created, nil
}

type tallyKey struct{ survey, village string }

func tallyID(surveyID, village string) string { return surveyID + ":" + village }

// count applies the tally increments of stored, pending responses and then
// clears their pending marks.
func (s *Responses) count(ctx context.Context, subs []Submission) error {
	if len(subs) == 0 {
		return nil
	}
	type group struct {
		inc bson.M
		ids []string
	}
	groups := map[tallyKey]*group{}
	var order []tallyKey
	ids := make([]string, 0, len(subs))
	for _, sub := range subs {
		r := sub.Response
		k := tallyKey{r.Survey, r.Village}
		g := groups[k]
		if g == nil {
			g = &group{inc: bson.M{}}
			groups[k] = g
			order = append(order, k)
		}
		for path, n := range survey.Increments(sub.Survey, r.Answers) {
			cur, _ := g.inc[path].(int)
			g.inc[path] = cur + n
		}
		g.ids = append(g.ids, r.ID)
		ids = append(ids, r.ID)
	}
	for _, k := range order {
		g := groups[k]
		_, err := s.tallies.UpdateOne(ctx,
			bson.M{"_id": tallyID(k.survey, k.village), "applied": bson.M{"$nin": g.ids}},
			bson.M{
				"$inc":         g.inc,
				"$addToSet":    bson.M{"applied": bson.M{"$each": g.ids}},
				"$setOnInsert": bson.M{"survey": k.survey, "village": k.village},
			},
			options.Update().SetUpsert(true))
		// A duplicate key means the tally exists and already holds these ids.
		if err != nil && !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("räkna svar: %w", translate(err))
		}
	}
	if _, err := s.responses.UpdateMany(ctx, bson.M{"_id": bson.M{"$in": ids}}, bson.M{"$unset": bson.M{"pending": ""}}); err != nil {
		return fmt.Errorf("räkna svar: %w", translate(err))
	}
	for _, k := range order {
		if _, err := s.tallies.UpdateOne(ctx, bson.M{"_id": tallyID(k.survey, k.village)},
			bson.M{"$pullAll": bson.M{"applied": groups[k].ids}}); err != nil {
			return fmt.Errorf("räkna svar: %w", translate(err))
		}
	}
	return nil
}

// RecoverPending counts responses left pending by a crash or an outage
// (submitted before olderThan), one at a time. It returns how many it found.
func (s *Responses) RecoverPending(ctx context.Context, olderThan time.Time) (int, error) {
	cur, err := s.responses.Find(ctx, bson.M{"pending": true, "submitted": bson.M{"$lt": olderThan}})
	if err != nil {
		return 0, fmt.Errorf("leta efter oräknade svar: %w", translate(err))
	}
	defer cur.Close(ctx)
	surveys := map[string]*survey.Survey{}
	n := 0
	for cur.Next(ctx) {
		var d responseDoc
		if err := cur.Decode(&d); err != nil {
			return n, fmt.Errorf("läsa svar: %w", err)
		}
		sv, ok := surveys[d.Survey]
		if !ok {
			if sv, err = s.surveys.Get(ctx, d.Survey); err != nil {
				return n, err
			}
			surveys[d.Survey] = sv
		}
		r := d.response()
		if err := s.count(ctx, []Submission{{Survey: sv, Response: &r}}); err != nil {
			return n, err
		}
		n++
	}
	return n, translate(cur.Err())
}

type questionTallyDoc struct {
	N        int            `bson:"n"`
	Counts   map[string]int `bson:"c,omitempty"`
	RankSums map[string]int `bson:"r,omitempty"`
}

type tallyDoc struct {
	ID        string                      `bson:"_id"`
	Survey    string                      `bson:"survey"`
	Village   string                      `bson:"village"`
	Responses int                         `bson:"responses"`
	Questions map[string]questionTallyDoc `bson:"q"`
	Applied   []string                    `bson:"applied"`
}

func (d tallyDoc) tally() survey.Tally {
	t := survey.Tally{Survey: d.Survey, Village: d.Village, Responses: d.Responses,
		Questions: make(map[string]survey.QuestionTally, len(d.Questions))}
	for k, q := range d.Questions {
		t.Questions[k] = survey.QuestionTally(q)
	}
	return t
}

// Tallies returns the survey's tallies, one per village that has responses.
// It reads one small document per village, whatever the number of responses.
func (s *Responses) Tallies(ctx context.Context, surveyID string) ([]survey.Tally, error) {
	cur, err := s.tallies.Find(ctx, bson.M{"survey": surveyID})
	if err != nil {
		return nil, fmt.Errorf("läsa räkningar: %w", translate(err))
	}
	docs := make([]tallyDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("läsa räkningar: %w", translate(err))
	}
	out := make([]survey.Tally, len(docs))
	for i, d := range docs {
		out[i] = d.tally()
	}
	return out, nil
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
	cur, err := s.responses.Find(ctx, bson.M{"survey": surveyID}, options.Find().SetSort(bson.D{{Key: "submitted", Value: 1}, {Key: "_id", Value: 1}}))
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
func (s *Responses) Recount(ctx context.Context, sv *survey.Survey) (map[string]*survey.Tally, error) {
	out := map[string]*survey.Tally{}
	err := s.Each(ctx, sv.ID, func(r survey.Response) error {
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

// RepairTallies replaces the survey's tallies with a recount. Run it when no
// responses are arriving for the survey (a response stored during the recount
// could otherwise be missed); Verify is safe at any time.
func (s *Responses) RepairTallies(ctx context.Context, sv *survey.Survey) error {
	counts, err := s.Recount(ctx, sv)
	if err != nil {
		return err
	}
	if _, err := s.tallies.DeleteMany(ctx, bson.M{"survey": sv.ID}); err != nil {
		return fmt.Errorf("rensa räkningar: %w", translate(err))
	}
	for village, t := range counts {
		qs := make(map[string]questionTallyDoc, len(t.Questions))
		for k, q := range t.Questions {
			qs[k] = questionTallyDoc(q)
		}
		doc := tallyDoc{ID: tallyID(sv.ID, village), Survey: sv.ID, Village: village,
			Responses: t.Responses, Questions: qs, Applied: []string{}}
		if _, err := s.tallies.InsertOne(ctx, doc); err != nil {
			return fmt.Errorf("spara räkning: %w", translate(err))
		}
	}
	return nil
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
