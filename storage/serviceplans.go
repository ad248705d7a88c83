package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

const (
	colServicePlans = "service_plans"
	// colServicePeriods holds one claim a period: its _id is the period
	// ("2027–2028"), its plan the one service plan for it.
	colServicePeriods = "service_plan_periods"
)

// staleClaim is how old a period's claim must be, with no plan stored
// under it, before a new plan may take it over: the claim of a process that
// stopped between claiming and storing.
const staleClaim = 2 * time.Minute

// ServicePlans stores the municipal development and service plan, append
// only: a version is claimed by the unique _id "<id>/v<n>" (of two revisions
// made at once one lands), and every change of it is a new document claimed
// by "<id>/v<n>/r<k>", the version as it is after its k-th change (of two
// officials sending on the same revision one wins, the other is
// survey.ErrConflict, and nothing of it is written). FerretDB has no
// transactions and its conditional updates are not atomic under concurrency;
// unique _id claims are. The collection is small — a handful of versions
// every second year, a few dozen changes each — so reads take it whole for
// one plan and keep each version's newest change.
//
// There is one plan a period: a plan claims each period its versions cover
// by the unique _id of a document in service_plan_periods, so of two
// officials creating a plan for 2027–2028 at the same moment one gets it and
// the other is survey.PeriodTaken (409 naming period).
type ServicePlans struct {
	col, periods *mongo.Collection
}

// NewServicePlans returns the service plan store of db.
func NewServicePlans(db *DB) *ServicePlans {
	return &ServicePlans{col: db.col(colServicePlans), periods: db.col(colServicePeriods)}
}

// periodClaimDoc is a period's claim.
type periodClaimDoc struct {
	Key  string    `bson:"_id"`
	Plan string    `bson:"plan"`
	At   time.Time `bson:"at"`
}

// claimPeriod claims p's period for plan p.ID at p.Created: fresh reports
// that this call made the claim (false when p's plan held it already). A
// period held by another plan is survey.PeriodTaken; so is one that a plan
// stored before claims existed uses (the collection is small, so it is
// read whole).
func (s *ServicePlans) claimPeriod(ctx context.Context, p *survey.ServicePlan) (fresh bool, err error) {
	key := survey.PeriodKey(p.Period)
	var docs []servicePlanDoc
	if err := findAll(ctx, s.col, bson.M{}, nil, &docs); err != nil {
		return false, fmt.Errorf("serviceplanernas perioder: %w", err)
	}
	for _, d := range docs {
		if d.Plan != p.ID && survey.PeriodKey(d.Period) == key {
			return false, survey.PeriodTaken(key)
		}
	}
	for attempt := 0; attempt < 2; attempt++ {
		_, err := s.periods.InsertOne(ctx, periodClaimDoc{Key: key, Plan: p.ID, At: p.Created})
		if err == nil {
			return true, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return false, fmt.Errorf("serviceplanens period: %w", translate(err))
		}
		var held periodClaimDoc
		if err := s.periods.FindOne(ctx, bson.M{"_id": key}).Decode(&held); err != nil {
			if errors.Is(err, mongo.ErrNoDocuments) {
				continue // released in between: try again
			}
			return false, fmt.Errorf("serviceplanens period: %w", translate(err))
		}
		if held.Plan == p.ID {
			return false, nil
		}
		// A claim whose plan was never stored (its process stopped in
		// between) is given up once it is old; the delete names the stale
		// plan, so it never removes a claim someone has made since.
		n, err := s.col.CountDocuments(ctx, bson.M{"plan": held.Plan})
		if err != nil {
			return false, fmt.Errorf("serviceplanens period: %w", translate(err))
		}
		if n > 0 || p.Created.Sub(held.At) < staleClaim {
			return false, survey.PeriodTaken(key)
		}
		if _, err := s.periods.DeleteOne(ctx, bson.M{"_id": key, "plan": held.Plan}); err != nil {
			return false, fmt.Errorf("serviceplanens period: %w", translate(err))
		}
	}
	return false, survey.PeriodTaken(key)
}

// releasePeriod gives up a claim this plan made when its plan could not be
// stored (best effort: a claim left behind goes stale).
func (s *ServicePlans) releasePeriod(ctx context.Context, p *survey.ServicePlan) {
	_, _ = s.periods.DeleteOne(ctx, bson.M{"_id": survey.PeriodKey(p.Period), "plan": p.ID})
}

type serviceSourceDoc struct {
	Plan     string `bson:"plan"`
	Priority string `bson:"priority"`
	Village  string `bson:"village"`
	Year     int    `bson:"year"`
	Rank     int    `bson:"rank"`
	Label    string `bson:"label,omitempty"`
}

type serviceItemDoc struct {
	ID         string             `bson:"id"`
	FocusArea  string             `bson:"focus_area"`
	Villages   []string           `bson:"villages"`
	Share      float64            `bson:"share"`
	Kind       string             `bson:"kind"`
	Goal       string             `bson:"goal"`
	Department string             `bson:"department"`
	Actions    []string           `bson:"actions"`
	Sources    []serviceSourceDoc `bson:"sources"`
}

type serviceStepDoc struct {
	At   time.Time `bson:"at"`
	By   string    `bson:"by"`
	From string    `bson:"from"`
	To   string    `bson:"to"`
}

type servicePlanDoc struct {
	Key         string           `bson:"_id"`
	Plan        string           `bson:"plan"`
	Version     int              `bson:"version"`
	Period      string           `bson:"period"`
	Status      string           `bson:"status"`
	Rev         int              `bson:"rev"`
	Items       []serviceItemDoc `bson:"items"`
	AdoptedAt   *time.Time       `bson:"adopted_at,omitempty"`
	AdoptedBy   string           `bson:"adopted_by,omitempty"`
	MeetingItem string           `bson:"meeting_item,omitempty"`
	SentOn      string           `bson:"sent_on,omitempty"`
	DiaryNumber string           `bson:"diary_number,omitempty"`
	DecidedOn   string           `bson:"decided_on,omitempty"`
	Paragraph   string           `bson:"paragraph,omitempty"`
	History     []serviceStepDoc `bson:"history"`
	Created     time.Time        `bson:"created"`
}

// servicePlanKey is the _id of a version after its rev-th change: the
// version's own claim for rev 0.
func servicePlanKey(id string, version, rev int) string {
	key := id + "/v" + strconv.Itoa(version)
	if rev > 0 {
		key += "/r" + strconv.Itoa(rev)
	}
	return key
}

func toServicePlanDoc(p *survey.ServicePlan, rev int) servicePlanDoc {
	d := servicePlanDoc{Key: servicePlanKey(p.ID, p.Version, rev), Plan: p.ID, Version: p.Version, Period: p.Period, Status: p.Status,
		Rev: rev, Items: make([]serviceItemDoc, len(p.Items)), History: make([]serviceStepDoc, len(p.History)), Created: p.Created}
	for i, it := range p.Items {
		d.Items[i] = serviceItemDoc{ID: it.ID, FocusArea: it.FocusArea, Villages: it.Villages, Share: it.Share, Kind: it.Kind,
			Goal: it.Goal, Department: it.Department, Actions: it.Actions, Sources: make([]serviceSourceDoc, len(it.Sources))}
		for j, s := range it.Sources {
			d.Items[i].Sources[j] = serviceSourceDoc(s)
		}
	}
	for i, h := range p.History {
		d.History[i] = serviceStepDoc(h)
	}
	if a := p.Adoption; a != nil {
		at := a.At
		d.AdoptedAt, d.AdoptedBy, d.MeetingItem = &at, a.By, a.MeetingItem
	}
	if s := p.Sending; s != nil {
		d.SentOn, d.DiaryNumber = s.Date.String(), s.DiaryNumber
	}
	if s := p.Decision; s != nil {
		d.DecidedOn, d.Paragraph = s.Date.String(), s.Paragraph
	}
	return d
}

func (d servicePlanDoc) servicePlan() *survey.ServicePlan {
	p := &survey.ServicePlan{ID: d.Plan, Version: d.Version, Period: d.Period, Status: d.Status, Rev: d.Rev,
		Items: make([]survey.ServiceItem, len(d.Items)), History: make([]survey.ServiceStep, len(d.History)), Created: d.Created}
	for i, it := range d.Items {
		p.Items[i] = survey.ServiceItem{ID: it.ID, FocusArea: it.FocusArea, Villages: nonNil(it.Villages), Share: it.Share, Kind: it.Kind,
			Goal: it.Goal, Department: it.Department, Actions: nonNil(it.Actions), Sources: make([]survey.ServiceSource, len(it.Sources))}
		for j, s := range it.Sources {
			p.Items[i].Sources[j] = survey.ServiceSource(s)
		}
	}
	for i, h := range d.History {
		p.History[i] = survey.ServiceStep(h)
	}
	if d.AdoptedAt != nil {
		p.Adoption = &survey.ServiceAdoption{At: *d.AdoptedAt, By: d.AdoptedBy, MeetingItem: d.MeetingItem}
	}
	if d.SentOn != "" {
		date, _ := survey.ParseDate(d.SentOn)
		p.Sending = &survey.ServiceSending{Date: date, DiaryNumber: d.DiaryNumber}
	}
	if d.DecidedOn != "" {
		date, _ := survey.ParseDate(d.DecidedOn)
		p.Decision = &survey.ServiceDecision{Date: date, Paragraph: d.Paragraph}
	}
	return p
}

// Create stores version 1 of a new service plan, giving it an id. The
// period must be free: a plan for it exists already, or is being created at
// the same moment, is survey.PeriodTaken and nothing is stored.
func (s *ServicePlans) Create(ctx context.Context, p *survey.ServicePlan) error {
	p.ID, p.Version, p.Rev = NewID(), 1, 0
	if _, err := s.claimPeriod(ctx, p); err != nil {
		return err
	}
	if _, err := s.col.InsertOne(ctx, toServicePlanDoc(p, 0)); err != nil {
		s.releasePeriod(ctx, p)
		return fmt.Errorf("spara serviceplan: %w", translate(err))
	}
	return nil
}

// AddVersion stores a new version p.Version of an existing plan: its _id is
// the claim, so of two revisions made at once one lands and the other is
// survey.ErrConflict. A version for a period another plan has is
// survey.PeriodTaken.
func (s *ServicePlans) AddVersion(ctx context.Context, p *survey.ServicePlan) error {
	p.Rev = 0
	fresh, err := s.claimPeriod(ctx, p)
	if err != nil {
		return err
	}
	if _, err := s.col.InsertOne(ctx, toServicePlanDoc(p, 0)); err != nil {
		if fresh {
			s.releasePeriod(ctx, p)
		}
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("en ny version har redan gjorts: %w", survey.ErrConflict)
		}
		return fmt.Errorf("spara serviceplan: %w", translate(err))
	}
	return nil
}

// Save stores a changed version as its next revision after p.Rev, the one it
// was read at: the revision's _id is the claim, so a change made in between
// (another official's send, an edit) makes this one survey.ErrConflict and
// nothing of it is written. On success p.Rev is the new revision.
func (s *ServicePlans) Save(ctx context.Context, p *survey.ServicePlan) error {
	if _, err := s.col.InsertOne(ctx, toServicePlanDoc(p, p.Rev+1)); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("serviceplanen ändrades samtidigt av någon annan: %w", survey.ErrConflict)
		}
		return fmt.Errorf("spara serviceplan: %w", translate(err))
	}
	p.Rev++
	return nil
}

// Version returns one version of a plan as it is after its newest change.
func (s *ServicePlans) Version(ctx context.Context, id string, version int) (*survey.ServicePlan, error) {
	versions, err := s.Versions(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, v := range versions {
		if v.Version == version {
			return v, nil
		}
	}
	return nil, fmt.Errorf("serviceplan %q version %d: %w", id, version, survey.ErrNotFound)
}

// Versions lists every version of a plan, oldest first, each as after its
// newest change and the superseded ones marked; an unknown plan is
// survey.ErrNotFound.
func (s *ServicePlans) Versions(ctx context.Context, id string) ([]*survey.ServicePlan, error) {
	var docs []servicePlanDoc
	if err := findAll(ctx, s.col, bson.M{"plan": id}, nil, &docs); err != nil {
		return nil, fmt.Errorf("serviceplanens versioner: %w", err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("serviceplan %q: %w", id, survey.ErrNotFound)
	}
	return newestRevisions(docs)[0], nil
}

// newestRevisions groups the documents by plan and version, keeps each
// version's newest revision and marks the superseded ones: plans newest
// first, versions oldest first.
func newestRevisions(docs []servicePlanDoc) [][]*survey.ServicePlan {
	type key struct {
		plan    string
		version int
	}
	newest := map[key]servicePlanDoc{}
	for _, d := range docs {
		k := key{d.Plan, d.Version}
		if have, ok := newest[k]; !ok || d.Rev > have.Rev {
			newest[k] = d
		}
	}
	byPlan := map[string][]*survey.ServicePlan{}
	for _, d := range newest {
		byPlan[d.Plan] = append(byPlan[d.Plan], d.servicePlan())
	}
	out := make([][]*survey.ServicePlan, 0, len(byPlan))
	for _, versions := range byPlan {
		sort.Slice(versions, func(i, j int) bool { return versions[i].Version < versions[j].Version })
		survey.MarkSuperseded(versions)
		out = append(out, versions)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i][0].Created, out[j][0].Created
		if !a.Equal(b) {
			return a.After(b)
		}
		return out[i][0].ID < out[j][0].ID
	})
	return out
}

// List returns every plan's versions (oldest first), the plans newest
// first: the whole collection, which is small.
func (s *ServicePlans) List(ctx context.Context) ([][]*survey.ServicePlan, error) {
	var docs []servicePlanDoc
	if err := findAll(ctx, s.col, bson.M{}, nil, &docs); err != nil {
		return nil, fmt.Errorf("lista serviceplaner: %w", err)
	}
	return newestRevisions(docs), nil
}
