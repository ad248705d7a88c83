package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

const (
	colFocusAreas    = "focus_areas"
	colDepartments   = "departments"
	colPlans         = "plans"
	colPlanVersions  = "plan_versions"
	colActions       = "actions"
	colActionChanges = "action_changes"
)

// Plans stores local development plans with every version, their actions
// with every change, and the catalogues they use. Every write that two people
// could make at once claims a unique _id first — the plan's next version, the
// action's next change — so that of two saves made on the same version one
// wins and the other is survey.ErrConflict, without transactions. The plan
// and action documents are copies of their newest claim; a read that finds a
// newer claim than its copy (a crash between the two writes) rolls forward.
type Plans struct {
	focus, departments, plans, versions, actions, changes, meta *mongo.Collection
}

// NewPlans returns the plan store of db.
func NewPlans(db *DB) *Plans {
	return &Plans{focus: db.col(colFocusAreas), departments: db.col(colDepartments), plans: db.col(colPlans),
		versions: db.col(colPlanVersions), actions: db.col(colActions), changes: db.col(colActionChanges), meta: db.col(colMeta)}
}

// PlanID is the id of a village's plan for a year: one plan per village and
// year is a unique _id.
func PlanID(village string, year int) string { return village + "-" + strconv.Itoa(year) }

type focusAreaDoc struct {
	Slug string `bson:"_id"`
	Name string `bson:"name"`
}

// EnsureFocusAreas creates the default catalogue at the first start only: a
// marker claimed by _id makes a later start (or a second instance) add
// nothing, so an area an official removed stays removed.
func (s *Plans) EnsureFocusAreas(ctx context.Context) error {
	_, err := s.meta.InsertOne(ctx, bson.M{"_id": "focus_areas_seeded"})
	if mongo.IsDuplicateKeyError(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("fokusområden: %w", translate(err))
	}
	for _, name := range survey.DefaultFocusAreas {
		fa, err := survey.NewFocusArea{Name: name}.FocusArea()
		if err != nil {
			return err
		}
		if err := s.AddFocusArea(ctx, &fa); err != nil && !errors.Is(err, survey.ErrConflict) {
			return err
		}
	}
	return nil
}

// AddFocusArea stores a focus area; a taken slug is survey.ErrConflict.
func (s *Plans) AddFocusArea(ctx context.Context, fa *survey.FocusArea) error {
	fa.ID = fa.Slug
	if _, err := s.focus.InsertOne(ctx, focusAreaDoc{Slug: fa.Slug, Name: fa.Name}); err != nil {
		return fmt.Errorf("spara fokusområde: %w", translate(err))
	}
	return nil
}

// FocusAreas lists the catalogue by name (a small collection).
func (s *Plans) FocusAreas(ctx context.Context) ([]survey.FocusArea, error) {
	var docs []focusAreaDoc
	if err := findAll(ctx, s.focus, bson.M{}, options.Find().SetSort(bson.D{{Key: "name", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("lista fokusområden: %w", err)
	}
	out := make([]survey.FocusArea, len(docs))
	for i, d := range docs {
		out[i] = survey.FocusArea{ID: d.Slug, Slug: d.Slug, Name: d.Name}
	}
	return out, nil
}

// findAll runs a find and decodes every document into out.
func findAll(ctx context.Context, col *mongo.Collection, filter any, opts *options.FindOptions, out any) error {
	cur, err := col.Find(ctx, filter, opts)
	if err != nil {
		return translate(err)
	}
	return translate(cur.All(ctx, out))
}

type priorityDoc struct {
	ID        string `bson:"id"`
	FocusArea string `bson:"focus_area"`
	Rank      int    `bson:"rank"`
	Label     string `bson:"label"`
	Rationale string `bson:"rationale"`
	Horizon   string `bson:"horizon"`
}

type anchorDoc struct {
	Kind         string `bson:"kind"`
	Ref          string `bson:"ref,omitempty"`
	Label        string `bson:"label"`
	Date         string `bson:"date"`
	Participants int    `bson:"participants"`
}

type planDoc struct {
	ID          string        `bson:"_id"`
	Plan        string        `bson:"plan"`
	Village     string        `bson:"village"`
	Year        int           `bson:"year"`
	Version     int           `bson:"version"`
	Status      string        `bson:"status"`
	Summary     string        `bson:"summary"`
	Priorities  []priorityDoc `bson:"priorities"`
	AdoptedOn   string        `bson:"adopted_on,omitempty"`
	AdoptMethod string        `bson:"adopt_method,omitempty"`
	Adopters    int           `bson:"adopters,omitempty"`
	Anchoring   []anchorDoc   `bson:"anchoring"`
	SubmittedAt *time.Time    `bson:"submitted_at,omitempty"`
	AckBy       string        `bson:"ack_by,omitempty"`
	AckAt       *time.Time    `bson:"ack_at,omitempty"`
	AckComment  string        `bson:"ack_comment,omitempty"`
	SavedBy     string        `bson:"saved_by"`
	Saved       time.Time     `bson:"saved"`
}

func toPlanDoc(id string, p *survey.Plan) planDoc {
	d := planDoc{ID: id, Plan: p.ID, Village: p.Village, Year: p.Year, Version: p.Version, Status: p.Status,
		Summary: p.Summary, Priorities: make([]priorityDoc, len(p.Priorities)), SubmittedAt: p.SubmittedAt,
		SavedBy: p.SavedBy, Saved: p.Saved}
	for i, pr := range p.Priorities {
		d.Priorities[i] = priorityDoc(pr)
	}
	d.Anchoring = make([]anchorDoc, len(p.Anchoring))
	for i, a := range p.Anchoring {
		d.Anchoring[i] = anchorDoc{Kind: a.Kind, Ref: a.Ref, Label: a.Label, Date: a.Date.String(), Participants: a.Participants}
	}
	if a := p.Adoption; a != nil {
		d.AdoptedOn, d.AdoptMethod, d.Adopters = a.Date.String(), a.Method, a.Participants
	}
	if a := p.Acknowledgement; a != nil {
		at := a.At
		d.AckBy, d.AckAt, d.AckComment = a.By, &at, a.Comment
	}
	return d
}

func (d planDoc) plan() *survey.Plan {
	p := &survey.Plan{ID: d.Plan, Village: d.Village, Year: d.Year, Version: d.Version, Status: d.Status,
		Summary: d.Summary, Priorities: make([]survey.Priority, len(d.Priorities)), SubmittedAt: d.SubmittedAt,
		SavedBy: d.SavedBy, Saved: d.Saved}
	for i, pr := range d.Priorities {
		p.Priorities[i] = survey.Priority(pr)
	}
	p.Anchoring = make([]survey.Anchor, len(d.Anchoring))
	for i, a := range d.Anchoring {
		date, _ := survey.ParseDate(a.Date)
		p.Anchoring[i] = survey.Anchor{Kind: a.Kind, Ref: a.Ref, Label: a.Label, Date: date, Participants: a.Participants}
	}
	if d.AdoptMethod != "" {
		date, _ := survey.ParseDate(d.AdoptedOn)
		p.Adoption = &survey.Adoption{Date: date, Method: d.AdoptMethod, Participants: d.Adopters}
	}
	if d.AckAt != nil {
		p.Acknowledgement = &survey.Acknowledgement{By: d.AckBy, At: *d.AckAt, Comment: d.AckComment}
	}
	return p
}

func versionKey(plan string, version int) string { return plan + "/v" + strconv.Itoa(version) }

// CreatePlan stores version 1 of a new plan; a second plan for the same
// village and year is survey.ErrConflict.
func (s *Plans) CreatePlan(ctx context.Context, p *survey.Plan) error {
	p.ID = PlanID(p.Village, p.Year)
	if _, err := s.plans.InsertOne(ctx, toPlanDoc(p.ID, p)); err != nil {
		return fmt.Errorf("spara plan: %w", translate(err))
	}
	if _, err := s.versions.InsertOne(ctx, toPlanDoc(versionKey(p.ID, p.Version), p)); err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("spara planversion: %w", translate(err))
	}
	return nil
}

// SavePlan stores p as its version p.Version, which must be the stored
// version plus one: the version's unique _id lets one of two simultaneous
// saves in and makes the other survey.ErrConflict.
func (s *Plans) SavePlan(ctx context.Context, p *survey.Plan) error {
	if _, err := s.versions.InsertOne(ctx, toPlanDoc(versionKey(p.ID, p.Version), p)); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("planen har sparats av någon annan: %w", survey.ErrConflict)
		}
		return fmt.Errorf("spara planversion: %w", translate(err))
	}
	if _, err := s.plans.ReplaceOne(ctx, bson.M{"_id": p.ID}, toPlanDoc(p.ID, p)); err != nil {
		return fmt.Errorf("spara plan: %w", translate(err))
	}
	return nil
}

// Plan returns the newest version of a plan.
func (s *Plans) Plan(ctx context.Context, id string) (*survey.Plan, error) {
	var d planDoc
	if err := s.plans.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, fmt.Errorf("plan %q: %w", id, translate(err))
	}
	// A save that claimed its version but did not reach the plan document
	// (a crash in between) is rolled forward. plan_versions is small.
	for {
		var next planDoc
		err := s.versions.FindOne(ctx, bson.M{"_id": versionKey(id, d.Version+1)}).Decode(&next)
		if errors.Is(err, mongo.ErrNoDocuments) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("plan %q: %w", id, translate(err))
		}
		next.ID = id
		if _, err := s.plans.ReplaceOne(ctx, bson.M{"_id": id}, next); err != nil {
			return nil, fmt.Errorf("plan %q: %w", id, translate(err))
		}
		d = next
	}
	return d.plan(), nil
}

// PlanVersion returns one saved version of a plan.
func (s *Plans) PlanVersion(ctx context.Context, id string, version int) (*survey.Plan, error) {
	var d planDoc
	if err := s.versions.FindOne(ctx, bson.M{"_id": versionKey(id, version)}).Decode(&d); err != nil {
		return nil, fmt.Errorf("plan %q version %d: %w", id, version, translate(err))
	}
	return d.plan(), nil
}

// PlanVersions lists every saved version of a plan, oldest first.
func (s *Plans) PlanVersions(ctx context.Context, id string) ([]*survey.Plan, error) {
	var docs []planDoc
	if err := findAll(ctx, s.versions, bson.M{"plan": id}, options.Find().SetSort(bson.D{{Key: "version", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("planversioner: %w", err)
	}
	out := make([]*survey.Plan, len(docs))
	for i, d := range docs {
		out[i] = d.plan()
	}
	return out, nil
}

// ListPlans lists the plans of a village (all villages when empty), newest
// year first. The plans collection holds one document per village and year.
func (s *Plans) ListPlans(ctx context.Context, village string) ([]*survey.Plan, error) {
	filter := bson.M{}
	if village != "" {
		filter["village"] = village
	}
	var docs []planDoc
	if err := findAll(ctx, s.plans, filter, options.Find().SetSort(bson.D{{Key: "year", Value: -1}, {Key: "village", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("lista planer: %w", err)
	}
	out := make([]*survey.Plan, len(docs))
	for i, d := range docs {
		out[i] = d.plan()
	}
	return out, nil
}

type actionDoc struct {
	ID          string `bson:"_id"`
	Plan        string `bson:"plan"`
	Village     string `bson:"village"`
	Priority    string `bson:"priority"`
	Title       string `bson:"title"`
	Owner       string `bson:"owner"`
	Responsible string `bson:"responsible"`
	Department  string `bson:"department,omitempty"`
	Due         string `bson:"due"`
	CostSEK     int64  `bson:"cost_sek"`
	Status      string `bson:"status"`
	DoneOn      string `bson:"done_on,omitempty"`
	DoneBy      string `bson:"done_by,omitempty"`
	Reason      string `bson:"reason,omitempty"`
	// Source is what the action was made from (a meeting decision).
	Source *linkDoc `bson:"source,omitempty"`
	// Changes counts the changes made: the next one claims Changes + 1.
	Changes int       `bson:"changes"`
	Created time.Time `bson:"created"`
}

// actionChangeDoc is one change of an action, with the action as it was
// after the change (so that a change claimed before a crash rolls forward).
type actionChangeDoc struct {
	ID     string    `bson:"_id"`
	Action string    `bson:"action"`
	N      int       `bson:"n"`
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`
	From   string    `bson:"from"`
	To     string    `bson:"to"`
	Note   string    `bson:"note,omitempty"`
	After  actionDoc `bson:"after"`
}

func toActionDoc(a *survey.PlanAction, changes int) actionDoc {
	var src *linkDoc
	if a.Source != nil {
		src = &linkDoc{Kind: a.Source.Kind, ID: a.Source.ID}
	}
	return actionDoc{Source: src, ID: a.ID, Plan: a.Plan, Village: a.Village, Priority: a.Priority, Title: a.Title, Owner: a.Owner,
		Responsible: a.Responsible, Department: a.Department, Due: a.Due.String(), CostSEK: a.CostSEK, Status: a.Status,
		DoneOn: a.DoneOn.String(), DoneBy: a.DoneBy, Reason: a.Reason, Changes: changes, Created: a.Created}
}

func (d actionDoc) action() (*survey.PlanAction, int) {
	due, _ := survey.ParseMonth(d.Due)
	done, _ := survey.ParseDate(d.DoneOn)
	var src *survey.Ref
	if d.Source != nil {
		src = &survey.Ref{Kind: d.Source.Kind, ID: d.Source.ID}
	}
	return &survey.PlanAction{Source: src, ID: d.ID, Plan: d.Plan, Village: d.Village, Priority: d.Priority, Title: d.Title, Owner: d.Owner,
		Responsible: d.Responsible, Department: d.Department, Due: due, CostSEK: d.CostSEK, Status: d.Status,
		DoneOn: done, DoneBy: d.DoneBy, Reason: d.Reason, Created: d.Created}, d.Changes
}

func changeKey(action string, n int) string { return action + "/c" + strconv.Itoa(n) }

// AddAction stores a new action.
func (s *Plans) AddAction(ctx context.Context, a *survey.PlanAction) error {
	if a.ID == "" {
		a.ID = NewID()
	}
	if _, err := s.actions.InsertOne(ctx, toActionDoc(a, 0)); err != nil {
		return fmt.Errorf("spara åtgärd: %w", translate(err))
	}
	return nil
}

// Action returns an action and the number of changes it has had (the
// revision a change must be made on).
func (s *Plans) Action(ctx context.Context, id string) (*survey.PlanAction, int, error) {
	var d actionDoc
	if err := s.actions.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, 0, fmt.Errorf("åtgärd %q: %w", id, translate(err))
	}
	for {
		var next actionChangeDoc
		err := s.changes.FindOne(ctx, bson.M{"_id": changeKey(id, d.Changes+1)}).Decode(&next)
		if errors.Is(err, mongo.ErrNoDocuments) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("åtgärd %q: %w", id, translate(err))
		}
		if _, err := s.actions.ReplaceOne(ctx, bson.M{"_id": id}, next.After); err != nil {
			return nil, 0, fmt.Errorf("åtgärd %q: %w", id, translate(err))
		}
		d = next.After
	}
	a, n := d.action()
	return a, n, nil
}

// ChangeAction stores a's change h, made on revision n (the count Action
// returned): of two changes made on one revision one lands and the other is
// survey.ErrConflict. Every change is kept.
func (s *Plans) ChangeAction(ctx context.Context, a *survey.PlanAction, n int, h survey.ActionHistory) error {
	after := toActionDoc(a, n+1)
	c := actionChangeDoc{ID: changeKey(a.ID, n+1), Action: a.ID, N: n + 1, At: h.At, By: h.By, From: h.From, To: h.To, Note: h.Note, After: after}
	if _, err := s.changes.InsertOne(ctx, c); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("åtgärden ändrades samtidigt av någon annan: %w", survey.ErrConflict)
		}
		return fmt.Errorf("spara ändring: %w", translate(err))
	}
	if _, err := s.actions.ReplaceOne(ctx, bson.M{"_id": a.ID}, after); err != nil {
		return fmt.Errorf("spara åtgärd: %w", translate(err))
	}
	return nil
}

// ActionHistory lists the changes of an action, oldest first.
func (s *Plans) ActionHistory(ctx context.Context, id string) ([]survey.ActionHistory, error) {
	var docs []actionChangeDoc
	if err := findAll(ctx, s.changes, bson.M{"action": id}, options.Find().SetSort(bson.D{{Key: "n", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("åtgärdens historik: %w", err)
	}
	out := make([]survey.ActionHistory, len(docs))
	for i, d := range docs {
		out[i] = survey.ActionHistory{At: d.At, By: d.By, From: d.From, To: d.To, Note: d.Note}
	}
	return out, nil
}

// ActionFilter narrows ListActions; empty fields match every action.
type ActionFilter struct {
	Plan, Village, Status, Department string
}

// ListActions lists actions by due month. The actions collection holds the
// villages' action plans: hundreds of documents, not residents' data.
func (s *Plans) ListActions(ctx context.Context, f ActionFilter) ([]survey.PlanAction, error) {
	filter := bson.M{}
	for k, v := range map[string]string{"plan": f.Plan, "village": f.Village, "status": f.Status, "department": f.Department} {
		if v != "" {
			filter[k] = v
		}
	}
	var docs []actionDoc
	if err := findAll(ctx, s.actions, filter, options.Find().SetSort(bson.D{{Key: "due", Value: 1}, {Key: "_id", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("lista åtgärder: %w", err)
	}
	out := make([]survey.PlanAction, len(docs))
	for i, d := range docs {
		a, _ := d.action()
		out[i] = *a
	}
	return out, nil
}

type departmentDoc struct {
	ID        string `bson:"_id"`
	Name      string `bson:"name"`
	Email     string `bson:"email"`
	HeadEmail string `bson:"head_email,omitempty"`
}

// AddDepartment stores a department.
func (s *Plans) AddDepartment(ctx context.Context, d *survey.Department) error {
	d.ID = NewID()
	if _, err := s.departments.InsertOne(ctx, departmentDoc(*d)); err != nil {
		return fmt.Errorf("spara förvaltning: %w", translate(err))
	}
	return nil
}

// Departments lists the departments by name (a small collection).
func (s *Plans) Departments(ctx context.Context) ([]survey.Department, error) {
	var docs []departmentDoc
	if err := findAll(ctx, s.departments, bson.M{}, options.Find().SetSort(bson.D{{Key: "name", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("lista förvaltningar: %w", err)
	}
	out := make([]survey.Department, len(docs))
	for i, d := range docs {
		out[i] = survey.Department(d)
	}
	return out, nil
}

// ActionChanges lists the changes of every action of a plan, oldest first
// (the plan's own actions: a small collection read once).
func (s *Plans) ActionChanges(ctx context.Context, actionIDs []string) (map[string][]survey.ActionHistory, error) {
	var docs []actionChangeDoc
	if err := findAll(ctx, s.changes, bson.M{"action": bson.M{"$in": actionIDs}}, options.Find().SetSort(bson.D{{Key: "n", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("åtgärdernas historik: %w", err)
	}
	out := map[string][]survey.ActionHistory{}
	for _, d := range docs {
		out[d.Action] = append(out[d.Action], survey.ActionHistory{At: d.At, By: d.By, From: d.From, To: d.To, Note: d.Note})
	}
	return out, nil
}

// VersionsOf lists every saved version of the plans, oldest first per plan,
// in one read (a village's plans: a few documents a year each).
func (s *Plans) VersionsOf(ctx context.Context, planIDs []string) (map[string][]*survey.Plan, error) {
	out := map[string][]*survey.Plan{}
	if len(planIDs) == 0 {
		return out, nil
	}
	var docs []planDoc
	if err := findAll(ctx, s.versions, bson.M{"plan": bson.M{"$in": planIDs}}, options.Find().SetSort(bson.D{{Key: "plan", Value: 1}, {Key: "version", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("planversioner: %w", err)
	}
	for _, d := range docs {
		out[d.Plan] = append(out[d.Plan], d.plan())
	}
	return out, nil
}
