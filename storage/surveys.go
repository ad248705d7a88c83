package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Surveys stores survey definitions and their status.
type Surveys struct{ col *mongo.Collection }

// NewSurveys returns the survey store of db.
func NewSurveys(db *DB) *Surveys { return &Surveys{col: db.col(colSurveys)} }

type questionDoc struct {
	Key      string   `bson:"key"`
	Type     string   `bson:"type"`
	Prompt   string   `bson:"prompt"`
	Help     string   `bson:"help,omitempty"`
	Options  []string `bson:"options,omitempty"`
	Required bool     `bson:"required"`
	Min      *float64 `bson:"min,omitempty"`
	Max      *float64 `bson:"max,omitempty"`
}

type surveyDoc struct {
	ID          string        `bson:"_id"`
	Title       string        `bson:"title"`
	Description string        `bson:"description"`
	Villages    []string      `bson:"villages"`
	Access      string        `bson:"access"`
	Questions   []questionDoc `bson:"questions"`
	Status      string        `bson:"status"`
	CreatedBy   string        `bson:"created_by"`
	Created     time.Time     `bson:"created"`
	Opened      *time.Time    `bson:"opened,omitempty"`
	Closed      *time.Time    `bson:"closed,omitempty"`
	OpensAt     *time.Time    `bson:"opens_at,omitempty"`
	ClosesAt    *time.Time    `bson:"closes_at,omitempty"`
}

func toSurveyDoc(s *survey.Survey) surveyDoc {
	qs := make([]questionDoc, len(s.Questions))
	for i, q := range s.Questions {
		qs[i] = questionDoc(q)
	}
	return surveyDoc{ID: s.ID, Title: s.Title, Description: s.Description, Villages: s.Villages,
		Access: s.Access, Questions: qs, Status: s.Status, CreatedBy: s.CreatedBy,
		Created: s.Created, Opened: s.Opened, Closed: s.Closed, OpensAt: s.OpensAt, ClosesAt: s.ClosesAt}
}

func (d surveyDoc) survey() *survey.Survey {
	qs := make([]survey.Question, len(d.Questions))
	for i, q := range d.Questions {
		qs[i] = survey.Question(q)
	}
	villages := d.Villages
	if villages == nil {
		villages = []string{}
	}
	return &survey.Survey{ID: d.ID, Title: d.Title, Description: d.Description, Villages: villages,
		Access: d.Access, Questions: qs, Status: d.Status, CreatedBy: d.CreatedBy,
		Created: d.Created, Opened: d.Opened, Closed: d.Closed, OpensAt: d.OpensAt, ClosesAt: d.ClosesAt}
}

// NewID returns a fresh id for a stored entity.
func NewID() string { return primitive.NewObjectID().Hex() }

// Create stores a new survey, giving it an id.
func (s *Surveys) Create(ctx context.Context, sv *survey.Survey) error {
	sv.ID = NewID()
	if _, err := s.col.InsertOne(ctx, toSurveyDoc(sv)); err != nil {
		return fmt.Errorf("spara enkät: %w", translate(err))
	}
	return nil
}

// Get returns one survey.
func (s *Surveys) Get(ctx context.Context, id string) (*survey.Survey, error) {
	var d surveyDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, fmt.Errorf("enkät %q: %w", id, translate(err))
	}
	return d.survey(), nil
}

// Replace stores a changed survey, but only if its status is still
// expectStatus: two officials acting at once cannot both win.
func (s *Surveys) Replace(ctx context.Context, sv *survey.Survey, expectStatus string) error {
	res, err := s.col.ReplaceOne(ctx, bson.M{"_id": sv.ID, "status": expectStatus}, toSurveyDoc(sv))
	if err != nil {
		return fmt.Errorf("spara enkät: %w", translate(err))
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("enkäten ändrades samtidigt: %w", survey.ErrConflict)
	}
	return nil
}

// SurveyFilter narrows List; empty fields match everything.
type SurveyFilter struct {
	Village string
	Status  string
	// Villages, when not nil, keeps surveys addressed to at least one of them.
	Villages []string
}

// List returns surveys, newest first.
func (s *Surveys) List(ctx context.Context, f SurveyFilter) ([]*survey.Survey, error) {
	q := bson.M{}
	if f.Village != "" {
		q["villages"] = f.Village
	}
	if f.Villages != nil {
		q["villages"] = bson.M{"$in": f.Villages}
		if f.Village != "" {
			q["$and"] = bson.A{bson.M{"villages": f.Village}}
		}
	}
	if f.Status != "" {
		q["status"] = f.Status
	}
	cur, err := s.col.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "created", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("lista enkäter: %w", translate(err))
	}
	docs := make([]surveyDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("lista enkäter: %w", translate(err))
	}
	out := make([]*survey.Survey, len(docs))
	for i, d := range docs {
		out[i] = d.survey()
	}
	return out, nil
}

// ApplySchedules opens and closes the surveys whose set time has come and
// returns those it changed. Every instance may run it at once: a change is
// first claimed by inserting its key (survey, new status, set time) as an
// _id, and only the instance whose insert succeeds stores it; FerretDB's
// replace with a status filter alone let two through.
func (s *Surveys) ApplySchedules(ctx context.Context, now time.Time) ([]*survey.Survey, error) {
	q := bson.M{"$or": bson.A{
		bson.M{"status": survey.Draft, "opens_at": bson.M{"$lte": now.UTC()}},
		bson.M{"status": survey.Open, "closes_at": bson.M{"$lte": now.UTC()}},
	}}
	cur, err := s.col.Find(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("schemalagda enkäter: %w", translate(err))
	}
	docs := make([]surveyDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("schemalagda enkäter: %w", translate(err))
	}
	var changed []*survey.Survey
	for _, d := range docs {
		sv := d.survey()
		before, key := sv.Status, sv.ID
		if d.OpensAt != nil && before == survey.Draft {
			key += ":open:" + d.OpensAt.UTC().Format(time.RFC3339Nano)
		}
		if d.ClosesAt != nil {
			key += ":close:" + d.ClosesAt.UTC().Format(time.RFC3339Nano)
		}
		if !sv.ApplySchedule(now) {
			continue
		}
		_, err := s.col.Database().Collection(colScheduled).InsertOne(ctx, bson.M{"_id": key, "at": now.UTC()})
		if err = translate(err); errors.Is(err, survey.ErrConflict) {
			continue // another instance claimed it
		}
		if err != nil {
			return changed, fmt.Errorf("schemalagd ändring: %w", err)
		}
		err = s.Replace(ctx, sv, before)
		if errors.Is(err, survey.ErrConflict) {
			continue // another instance, or an official, changed it first
		}
		if err != nil {
			return changed, err
		}
		changed = append(changed, sv)
	}
	return changed, nil
}
