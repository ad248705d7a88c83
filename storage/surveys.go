package storage

import (
	"context"
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
}

func toSurveyDoc(s *survey.Survey) surveyDoc {
	qs := make([]questionDoc, len(s.Questions))
	for i, q := range s.Questions {
		qs[i] = questionDoc(q)
	}
	return surveyDoc{ID: s.ID, Title: s.Title, Description: s.Description, Villages: s.Villages,
		Access: s.Access, Questions: qs, Status: s.Status, CreatedBy: s.CreatedBy,
		Created: s.Created, Opened: s.Opened, Closed: s.Closed}
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
		Created: d.Created, Opened: d.Opened, Closed: d.Closed}
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
