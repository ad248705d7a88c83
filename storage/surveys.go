package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// colSurveyRevisions holds one document per save of a survey, its _id
// "<survey>/r<n>": the claim that makes one of two simultaneous saves win.
const colSurveyRevisions = "survey_revisions"

// Surveys stores survey definitions and their status. Every save claims the
// survey's next revision by inserting "<survey>/r<n>" (with the whole survey)
// into survey_revisions before it replaces the survey document: of two saves
// made on the same revision one wins and the other is ErrSurveyChanged,
// without transactions (FerretDB lets several conditional replaces on _id +
// status through at once). The survey document is a copy of its newest
// claim; a read that finds a newer claim than its copy (a crash between the
// two writes) rolls forward. A survey stored before revisions is revision 0.
type Surveys struct {
	db        *DB
	col, revs *mongo.Collection
}

// NewSurveys returns the survey store of db.
func NewSurveys(db *DB) *Surveys {
	return &Surveys{db: db, col: db.col(colSurveys), revs: db.col(colSurveyRevisions)}
}

// ErrSurveyChanged is a save made on an older revision than the stored one:
// someone else saved the survey in between. It wraps survey.ErrConflict.
var ErrSurveyChanged = fmt.Errorf("enkäten har sparats av någon annan medan du arbetade: %w", survey.ErrConflict)

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
	Revision    int           `bson:"revision"`
}

// surveyRevisionDoc is one claimed save: the survey as that save left it.
type surveyRevisionDoc struct {
	ID     string    `bson:"_id"`
	Survey surveyDoc `bson:"survey"`
	At     time.Time `bson:"at"`
}

func revisionKey(id string, rev int) string { return id + "/r" + strconv.Itoa(rev) }

func toSurveyDoc(s *survey.Survey) surveyDoc {
	qs := make([]questionDoc, len(s.Questions))
	for i, q := range s.Questions {
		qs[i] = questionDoc(q)
	}
	return surveyDoc{ID: s.ID, Title: s.Title, Description: s.Description, Villages: s.Villages,
		Access: s.Access, Questions: qs, Status: s.Status, CreatedBy: s.CreatedBy,
		Created: s.Created, Opened: s.Opened, Closed: s.Closed, OpensAt: s.OpensAt, ClosesAt: s.ClosesAt,
		Revision: s.Revision}
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
		Created: d.Created, Opened: d.Opened, Closed: d.Closed, OpensAt: d.OpensAt, ClosesAt: d.ClosesAt,
		Revision: d.Revision}
}

// NewID returns a fresh id for a stored entity.
func NewID() string { return primitive.NewObjectID().Hex() }

// Create stores a new survey, giving it an id.
func (s *Surveys) Create(ctx context.Context, sv *survey.Survey) error {
	sv.ID, sv.Revision = NewID(), 0
	if _, err := s.col.InsertOne(ctx, toSurveyDoc(sv)); err != nil {
		return fmt.Errorf("spara enkät: %w", translate(err))
	}
	return nil
}

// Get returns one survey at its newest revision.
func (s *Surveys) Get(ctx context.Context, id string) (*survey.Survey, error) {
	var d surveyDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, fmt.Errorf("enkät %q: %w", id, translate(err))
	}
	d, err := s.rollForward(ctx, d)
	if err != nil {
		return nil, err
	}
	return d.survey(), nil
}

// rollForward brings d up to the newest claimed revision: a save that
// claimed its revision but did not reach the survey document (a crash in
// between, or a slower saver) is copied over. Each step is one _id lookup.
func (s *Surveys) rollForward(ctx context.Context, d surveyDoc) (surveyDoc, error) {
	rolled := false
	for {
		var next surveyRevisionDoc
		err := s.revs.FindOne(ctx, bson.M{"_id": revisionKey(d.ID, d.Revision+1)}).Decode(&next)
		if errors.Is(err, mongo.ErrNoDocuments) {
			break
		}
		if err != nil {
			return d, fmt.Errorf("enkät %q: %w", d.ID, translate(err))
		}
		d, rolled = next.Survey, true
	}
	if rolled {
		if err := s.store(ctx, d); err != nil {
			return d, err
		}
	}
	return d, nil
}

// store writes d as the survey document unless a newer revision is there
// already (not atomic on FerretDB, which is why a read rolls forward).
func (s *Surveys) store(ctx context.Context, d surveyDoc) error {
	filter := bson.M{"_id": d.ID, "$or": bson.A{
		bson.M{"revision": bson.M{"$lt": d.Revision}},
		bson.M{"revision": bson.M{"$exists": false}},
	}}
	if _, err := s.col.ReplaceOne(ctx, filter, d); err != nil {
		return fmt.Errorf("spara enkät: %w", translate(err))
	}
	return nil
}

// Save stores a changed survey as the revision after sv.Revision, the one it
// was read at, and moves sv.Revision on. When someone else saved the survey
// since (the next revision is claimed already) nothing is stored and the
// error is ErrSurveyChanged: two people saving, publishing or closing the
// same survey at once cannot both land, and neither is silently lost.
func (s *Surveys) Save(ctx context.Context, sv *survey.Survey) error {
	next := *sv
	next.Revision = sv.Revision + 1
	d := toSurveyDoc(&next)
	_, err := s.revs.InsertOne(ctx, surveyRevisionDoc{ID: revisionKey(sv.ID, next.Revision), Survey: d, At: time.Now().UTC()})
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("enkät %q revision %d: %w", sv.ID, next.Revision, ErrSurveyChanged)
	}
	if err != nil {
		return fmt.Errorf("spara enkät: %w", translate(err))
	}
	// The claim is the save; the survey document follows it.
	sv.Revision = next.Revision
	return s.store(ctx, d)
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
	if err := s.rollListForward(ctx, docs); err != nil {
		return nil, err
	}
	out := make([]*survey.Survey, len(docs))
	for i, d := range docs {
		out[i] = d.survey()
	}
	return out, nil
}

// rollListForward rolls forward the listed surveys that have a newer claim
// than their document: one query for the whole list, by _id. The claims
// grow with every save, and FerretDB answers an _id $in by reading the whole
// collection, so on the embedded server the query is made in SQL on the _id
// index (as a recovery reads a batch); on MongoDB $in uses the _id index.
func (s *Surveys) rollListForward(ctx context.Context, docs []surveyDoc) error {
	if len(docs) == 0 {
		return nil
	}
	keys := make([]string, len(docs))
	for i, d := range docs {
		keys[i] = revisionKey(d.ID, d.Revision+1)
	}
	behind, err := s.db.presentIDsSQL(ctx, colSurveyRevisions, keys)
	if errors.Is(err, errNoSQL) {
		behind, err = s.presentClaims(ctx, keys)
	}
	if err != nil {
		return fmt.Errorf("lista enkäter: %w", translate(err))
	}
	if len(behind) == 0 {
		return nil
	}
	for i, d := range docs {
		if behind[revisionKey(d.ID, d.Revision+1)] {
			if docs[i], err = s.rollForward(ctx, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// presentClaims returns which of the revision claims keys exist, in one
// _id $in query.
func (s *Surveys) presentClaims(ctx context.Context, keys []string) (map[string]bool, error) {
	cur, err := s.revs.Find(ctx, bson.M{"_id": bson.M{"$in": keys}}, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return nil, err
	}
	var found []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &found); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(found))
	for _, f := range found {
		out[f.ID] = true
	}
	return out, nil
}

// ApplySchedules opens and closes the surveys whose set time has come and
// returns those it changed. Every instance may run it at once: each change
// is saved as the survey's next revision, so of the instances (and any
// official saving the same survey) one wins; the losers leave it, and a
// change still due is made at the next tick.
func (s *Surveys) ApplySchedules(ctx context.Context, now time.Time) ([]*survey.Survey, error) {
	q := bson.M{"$or": bson.A{
		bson.M{"status": survey.Draft, "opens_at": bson.M{"$lte": now.UTC()}},
		bson.M{"status": survey.Open, "closes_at": bson.M{"$lte": now.UTC()}},
	}}
	cur, err := s.col.Find(ctx, q, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return nil, fmt.Errorf("schemalagda enkäter: %w", translate(err))
	}
	var due []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &due); err != nil {
		return nil, fmt.Errorf("schemalagda enkäter: %w", translate(err))
	}
	var changed []*survey.Survey
	for _, d := range due {
		sv, err := s.Get(ctx, d.ID) // at its newest revision
		if err != nil {
			return changed, err
		}
		if !sv.ApplySchedule(now) {
			continue
		}
		err = s.Save(ctx, sv)
		if errors.Is(err, survey.ErrConflict) {
			continue // another instance, or an official, saved it first
		}
		if err != nil {
			return changed, err
		}
		changed = append(changed, sv)
	}
	return changed, nil
}
