package handlers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// Audit actions of plans and actions.
const (
	auditFocusAreaAdded  = "plan.focus_area_added"
	auditDepartmentAdded = "plan.department_added"
	auditPlanCreated     = "plan.created"
	auditPlanSaved       = "plan.saved"
	auditPlanAdopted     = "plan.adopted"
	auditPlanSubmitted   = "plan.submitted"
	auditPlanAcked       = "plan.acknowledged"
	auditActionAdded     = "action.added"
	auditActionChanged   = "action.changed"
	auditPlanAnchored    = "plan.anchored"
)

// planView is a plan as the API shows it: with its actions and the progress
// computed from them.
type planView struct {
	*survey.Plan
	Actions  []actionView    `json:"actions"`
	Progress survey.Progress `json:"progress"`
}

// actionView is an action with whether it is overdue now.
type actionView struct {
	survey.PlanAction
	Overdue bool `json:"overdue"`
}

func (s *server) actionViews(actions []survey.PlanAction) []actionView {
	now := s.now()
	out := make([]actionView, len(actions))
	for i, a := range actions {
		out[i] = actionView{PlanAction: a, Overdue: a.Overdue(now)}
	}
	return out
}

func (s *server) planView(cx context.Context, p *survey.Plan) (planView, error) {
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{Plan: p.ID})
	if err != nil {
		return planView{}, err
	}
	return planView{Plan: p, Actions: s.actionViews(actions), Progress: survey.ProgressOf(actions, s.now())}, nil
}

func (s *server) listFocusAreas(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return err
	}
	return c.JSON(areas)
}

func (s *server) createFocusArea(c *fiber.Ctx) error {
	var in survey.NewFocusArea
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	fa, err := in.FocusArea()
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	if err := s.plans.AddFocusArea(cx, &fa); err != nil {
		if errors.Is(err, survey.ErrConflict) {
			return fieldError("name", "Fokusområdet finns redan")
		}
		return err
	}
	s.record(cx, currentUser(c), auditFocusAreaAdded, "focus_area/"+fa.ID, fa.Name)
	return c.Status(fiber.StatusCreated).JSON(fa)
}

func (s *server) listDepartments(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return err
	}
	return c.JSON(deps)
}

func (s *server) createDepartment(c *fiber.Ctx) error {
	var in survey.NewDepartment
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := in.Department()
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	if err := s.plans.AddDepartment(cx, &d); err != nil {
		return err
	}
	s.record(cx, currentUser(c), auditDepartmentAdded, "department/"+d.ID, d.Name)
	return c.Status(fiber.StatusCreated).JSON(d)
}

// newPlanInput is the body of POST /villages/{slug}/plans.
type newPlanInput struct {
	Year int `json:"year" validate:"required,min=2000,max=2100"`
}

func (s *server) createPlan(c *fiber.Ctx) error {
	var in newPlanInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.startPlan(cx, currentUser(c), c.Params("slug"), in)
	if err != nil {
		return err
	}
	view, err := s.planView(cx, p)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(view)
}

// startPlan starts a village's plan for a year: a copy of its latest earlier
// plan (priorities and the actions still open) when there is one.
func (s *server) startPlan(cx context.Context, u *survey.User, slug string, in newPlanInput) (*survey.Plan, error) {
	v := &survey.ValidationError{}
	survey.Check(v, in)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := allow(u, survey.ManagePlan, slug); err != nil {
		return nil, err
	}
	if _, err := s.villages.Get(cx, slug); err != nil {
		return nil, err
	}
	plans, err := s.plans.ListPlans(cx, slug)
	if err != nil {
		return nil, err
	}
	var earlier *survey.Plan
	for _, p := range plans {
		if p.Year < in.Year && (earlier == nil || p.Year > earlier.Year) {
			earlier = p
		}
	}
	p := &survey.Plan{Village: slug, Year: in.Year, Version: 1, Status: survey.PlanDraft, Priorities: []survey.Priority{}, SavedBy: u.ID, Saved: s.now().UTC()}
	if earlier != nil {
		if earlier, err = s.plans.Plan(cx, earlier.ID); err != nil {
			return nil, err
		}
		p = earlier.NextYear(in.Year, s.now(), u.ID)
	}
	if err := s.plans.CreatePlan(cx, p); err != nil {
		if errors.Is(err, survey.ErrConflict) {
			return nil, survey.RefuseField(survey.ErrConflict, "year", "Byn har redan en plan för %d; öppna den i stället", in.Year)
		}
		return nil, err
	}
	if earlier != nil {
		if err := s.copyOpenActions(cx, earlier, p); err != nil {
			return nil, err
		}
	}
	s.record(cx, u, auditPlanCreated, "plan/"+p.ID, strconv.Itoa(p.Year))
	return p, nil
}

// copyOpenActions carries the actions of from that are neither done nor
// dropped over to the new year's plan.
func (s *server) copyOpenActions(cx context.Context, from, to *survey.Plan) error {
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{Plan: from.ID})
	if err != nil {
		return err
	}
	for _, a := range actions {
		if a.Status == survey.ActionDone || a.Status == survey.ActionDropped {
			continue
		}
		a.ID, a.Plan = "", to.ID
		if err := s.plans.AddAction(cx, &a); err != nil {
			return err
		}
	}
	return nil
}

func (s *server) listVillagePlans(c *fiber.Ctx) error {
	slug := c.Params("slug")
	if err := authorize(c, survey.ReadPlans, slug); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	plans, err := s.plans.ListPlans(cx, slug)
	if err != nil {
		return err
	}
	return c.JSON(plans)
}

// loadPlan reads a plan and checks the action for its village.
func (s *server) loadPlan(c *fiber.Ctx, cx context.Context, a survey.Action) (*survey.Plan, error) {
	p, err := s.plans.Plan(cx, c.Params("id"))
	if err != nil {
		return nil, err
	}
	if err := authorize(c, a, p.Village); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *server) getPlan(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.loadPlan(c, cx, survey.ReadPlans)
	if err != nil {
		return err
	}
	view, err := s.planView(cx, p)
	if err != nil {
		return err
	}
	return c.JSON(view)
}

// conflictWithCurrent answers a save made on an old version: 409 with the
// plan as it is now, so that the page can show both and nothing is lost.
func (s *server) conflictWithCurrent(c *fiber.Ctx, cx context.Context, id string, cause error) error {
	current, err := s.plans.Plan(cx, id)
	if err != nil {
		return err
	}
	view, err := s.planView(cx, current)
	if err != nil {
		return err
	}
	return staleConflict(c, view, errorText(cause))
}

// errorText is the Swedish message of a domain error, without the sentinel.
func errorText(err error) string {
	var refusal *survey.Refusal
	if errors.As(err, &refusal) {
		return refusal.Message
	}
	text := err.Error()
	if i := strings.LastIndex(text, ": "); i > 0 {
		text = text[:i]
	}
	return strings.ToUpper(text[:1]) + text[1:]
}

func (s *server) updatePlan(c *fiber.Ctx) error {
	var in survey.PlanEdit
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.savePlan(cx, currentUser(c), c.Params("id"), in)
	if errors.Is(err, errStaleVersion) {
		return s.conflictWithCurrent(c, cx, c.Params("id"), err)
	}
	if err != nil {
		return err
	}
	view, err := s.planView(cx, p)
	if err != nil {
		return err
	}
	return c.JSON(view)
}

// errStaleVersion marks a save made on an older version than the stored one.
var errStaleVersion = fmt.Errorf("planen har sparats av någon annan medan du skrev: %w", survey.ErrConflict)

// savePlan saves a draft made on version in.Version; a save on an older
// version is errStaleVersion.
func (s *server) savePlan(cx context.Context, u *survey.User, id string, in survey.PlanEdit) (*survey.Plan, error) {
	p, err := s.plans.Plan(cx, id)
	if err != nil {
		return nil, err
	}
	if err := allow(u, survey.ManagePlan, p.Village); err != nil {
		return nil, err
	}
	known, err := s.focusAreaSet(cx)
	if err != nil {
		return nil, err
	}
	stale := in.Version != p.Version && p.Status == survey.PlanDraft
	if err := p.Apply(in, known, storage.NewID, s.now(), u.ID); err != nil {
		if stale && errors.Is(err, survey.ErrConflict) {
			return nil, errStaleVersion
		}
		return nil, err
	}
	if err := s.plans.SavePlan(cx, p); err != nil {
		if errors.Is(err, survey.ErrConflict) {
			return nil, errStaleVersion
		}
		return nil, err
	}
	s.record(cx, u, auditPlanSaved, "plan/"+p.ID, "version "+strconv.Itoa(p.Version))
	return p, nil
}

func (s *server) focusAreaSet(cx context.Context) (func(string) bool, error) {
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, a := range areas {
		set[a.ID] = true
	}
	return func(id string) bool { return set[id] }, nil
}

// planStep is one transition of a plan: the action it needs, the body it
// reads, the change, the audit entry; the API's handler of it.
func (s *server) planStep(a survey.Action, audit string, body func() any, step func(p *survey.Plan, in any, now time.Time, by string) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in := body()
		if in != nil && len(c.Body()) > 0 {
			if err := decodeJSON(c, in); err != nil {
				return err
			}
		}
		cx, cancel := ctx(c)
		defer cancel()
		p, err := s.stepPlan(cx, currentUser(c), c.Params("id"), a, audit, func(p *survey.Plan, now time.Time, by string) error {
			return step(p, in, now, by)
		})
		if err != nil {
			return err
		}
		view, err := s.planView(cx, p)
		if err != nil {
			return err
		}
		return c.JSON(view)
	}
}

// stepPlan applies a transition to the stored plan as a new version.
func (s *server) stepPlan(cx context.Context, u *survey.User, id string, a survey.Action, audit string, step func(p *survey.Plan, now time.Time, by string) error) (*survey.Plan, error) {
	p, err := s.plans.Plan(cx, id)
	if err != nil {
		return nil, err
	}
	if err := allow(u, a, p.Village); err != nil {
		return nil, err
	}
	if err := step(p, s.now(), u.ID); err != nil {
		return nil, err
	}
	p.Version++
	p.SavedBy, p.Saved = u.ID, s.now().UTC()
	if err := s.plans.SavePlan(cx, p); err != nil {
		return nil, err
	}
	s.record(cx, u, audit, "plan/"+p.ID, p.Status)
	if p.Status == survey.PlanAcknowledged {
		s.notifyPlanAcknowledged(cx, p)
	}
	return p, nil
}

func (s *server) adoptPlan() fiber.Handler {
	return s.planStep(survey.ManagePlan, auditPlanAdopted, func() any { return &survey.AdoptInput{} },
		func(p *survey.Plan, in any, now time.Time, _ string) error {
			return p.Adopt(*in.(*survey.AdoptInput), now)
		})
}

func (s *server) submitPlan() fiber.Handler {
	return s.planStep(survey.ManagePlan, auditPlanSubmitted, func() any { return nil },
		func(p *survey.Plan, _ any, now time.Time, _ string) error { return p.Submit(now) })
}

func (s *server) acknowledgePlan() fiber.Handler {
	return s.planStep(survey.AcknowledgePlan, auditPlanAcked, func() any { return &survey.AcknowledgeInput{} },
		func(p *survey.Plan, in any, now time.Time, by string) error {
			return p.Acknowledge(*in.(*survey.AcknowledgeInput), now, by)
		})
}

func (s *server) planVersions(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.loadPlan(c, cx, survey.ReadPlans)
	if err != nil {
		return err
	}
	versions, err := s.plans.PlanVersions(cx, p.ID)
	if err != nil {
		return err
	}
	return c.JSON(versions)
}

func (s *server) planDiff(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.loadPlan(c, cx, survey.ReadPlans)
	if err != nil {
		return err
	}
	v := &survey.ValidationError{}
	version := func(field string, def int) int {
		raw := c.Query(field)
		if raw == "" {
			return def
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > p.Version {
			v.Add(field, "Ange en version mellan 1 och "+strconv.Itoa(p.Version))
		}
		return n
	}
	from, to := version("from", max(1, p.Version-1)), version("to", p.Version)
	if err := v.Err(); err != nil {
		return err
	}
	d, err := s.versionDiff(cx, p, from, to)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// planVersionDiff is what changed between two versions of a plan: its text
// and, between the two saves, its actions.
type planVersionDiff struct {
	survey.PlanDiff
	Actions survey.ActionsDiff `json:"actions"`
}

func (s *server) versionDiff(cx context.Context, p *survey.Plan, from, to int) (planVersionDiff, error) {
	a, err := s.plans.PlanVersion(cx, p.ID, from)
	if err != nil {
		return planVersionDiff{}, err
	}
	b, err := s.plans.PlanVersion(cx, p.ID, to)
	if err != nil {
		return planVersionDiff{}, err
	}
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{Plan: p.ID})
	if err != nil {
		return planVersionDiff{}, err
	}
	ids := make([]string, len(actions))
	for i, a := range actions {
		ids[i] = a.ID
	}
	history, err := s.plans.ActionChanges(cx, ids)
	if err != nil {
		return planVersionDiff{}, err
	}
	since := a.Saved
	if from == 1 && to > 1 {
		since = time.Time{} // version 1 is the start: everything since counts
	}
	until := b.Saved
	if to == p.Version {
		until = s.now() // the newest version: what happened to the actions since, too
	}
	return planVersionDiff{PlanDiff: survey.Diff(a, b), Actions: survey.DiffActions(actions, history, since, until)}, nil
}

func (s *server) createAction(c *fiber.Ctx) error {
	var in survey.NewAction
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	a, err := s.addAction(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(actionView{PlanAction: *a, Overdue: a.Overdue(s.now())})
}

// addAction adds an action under a priority of a plan.
func (s *server) addAction(cx context.Context, u *survey.User, planID string, in survey.NewAction) (*survey.PlanAction, error) {
	p, err := s.plans.Plan(cx, planID)
	if err != nil {
		return nil, err
	}
	if err := allow(u, survey.ManagePlan, p.Village); err != nil {
		return nil, err
	}
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return nil, err
	}
	a, err := in.Action(p, func(id string) bool {
		for _, d := range deps {
			if d.ID == id {
				return true
			}
		}
		return false
	}, s.now())
	if err != nil {
		return nil, err
	}
	if err := s.plans.AddAction(cx, a); err != nil {
		return nil, err
	}
	s.record(cx, u, auditActionAdded, "action/"+a.ID, a.Title)
	return a, nil
}

// mayChangeAction: the village's group changes its actions; officials (and
// admin) set the status of the municipality's and the joint ones too.
func mayChangeAction(u *survey.User, a *survey.PlanAction) bool {
	if a.Owner != survey.OwnerGroup && survey.Can(u, survey.AcknowledgePlan) {
		return true
	}
	return survey.Can(u, survey.ManagePlan, a.Village)
}

func (s *server) changeAction(c *fiber.Ctx) error {
	var in survey.ActionChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	a, err := s.moveAction(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(actionView{PlanAction: *a, Overdue: a.Overdue(s.now())})
}

// moveAction applies a transition to an action and keeps the change.
func (s *server) moveAction(cx context.Context, u *survey.User, id string, in survey.ActionChange) (*survey.PlanAction, error) {
	a, n, err := s.plans.Action(cx, id)
	if err != nil {
		return nil, err
	}
	if !mayChangeAction(u, a) {
		return nil, survey.ErrForbidden
	}
	h, err := a.Change(in, s.now(), u.ID)
	if err != nil {
		return nil, err
	}
	if err := s.plans.ChangeAction(cx, a, n, h); err != nil {
		return nil, err
	}
	s.record(cx, u, auditActionChanged, "action/"+a.ID, h.From+" → "+h.To)
	return a, nil
}

func (s *server) actionHistory(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	a, _, err := s.plans.Action(cx, c.Params("id"))
	if err != nil {
		return err
	}
	if err := authorize(c, survey.ReadPlans, a.Village); err != nil {
		return err
	}
	h, err := s.plans.ActionHistory(cx, a.ID)
	if err != nil {
		return err
	}
	return c.JSON(h)
}

func (s *server) listActions(c *fiber.Ctx) error {
	f := storage.ActionFilter{Village: c.Query("village"), Status: c.Query("status"), Department: c.Query("department")}
	overdue := c.Query("overdue") == "true"
	cx, cancel := ctx(c)
	defer cancel()
	actions, err := s.plans.ListActions(cx, f)
	if err != nil {
		return err
	}
	views := s.actionViews(actions)
	out := make([]actionView, 0, len(views))
	for _, v := range views {
		if !overdue || v.Overdue {
			out = append(out, v)
		}
	}
	return c.JSON(out)
}

// currentPlans is each village's newest current plan, for the year when
// given, in the order of ListPlans.
func (s *server) currentPlans(cx context.Context, year int) ([]*survey.Plan, error) {
	plans, err := s.plans.ListPlans(cx, "")
	if err != nil {
		return nil, err
	}
	return survey.CurrentPlans(plans, year), nil
}

// currentPlan is the village's current plan, read whole by its _id, or nil.
func (s *server) currentPlan(cx context.Context, village string) (*survey.Plan, error) {
	plans, err := s.plans.ListPlans(cx, village)
	if err != nil {
		return nil, err
	}
	current := survey.CurrentPlans(plans, 0)
	if len(current) == 0 {
		return nil, nil
	}
	return s.plans.Plan(cx, current[0].ID)
}

func (s *server) forumFocusAreas(c *fiber.Ctx) error {
	year, err := matrixYear(c)
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	plans, err := s.currentPlans(cx, year)
	if err != nil {
		return err
	}
	villages := make([]string, len(plans))
	for i, p := range plans {
		villages[i] = p.Village
	}
	return c.JSON(fiber.Map{"villages": villages, "areas": survey.FocusMatrix(survey.RanksOf(plans))})
}

// publicVillage is what anyone may read of a village: its current plan with
// the actions and progress, and its open surveys.
func (s *server) publicVillage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	v, err := s.villages.Get(cx, c.Params("slug"))
	if err != nil {
		return err
	}
	out := fiber.Map{"village": v, "plan": nil}
	p, err := s.currentPlan(cx, v.Slug)
	if err != nil {
		return err
	}
	if p != nil {
		view, err := s.planView(cx, p)
		if err != nil {
			return err
		}
		// The public reads what the group decided, not which accounts typed it.
		view.SavedBy = ""
		if view.Acknowledgement != nil {
			ack := *view.Acknowledgement
			ack.By = ""
			view.Acknowledgement = &ack
		}
		out["plan"] = view
	}
	surveys, err := s.surveys.List(cx, storage.SurveyFilter{Village: v.Slug, Status: survey.Open})
	if err != nil {
		return err
	}
	open := make([]fiber.Map, 0, len(surveys))
	for _, sv := range surveys {
		open = append(open, fiber.Map{"id": sv.ID, "title": sv.Title, "link": "/s/" + sv.ID + "/" + v.Slug})
	}
	out["open_surveys"] = open
	return c.JSON(out)
}

// anchoringSuggestions is the evidence the records offer for a plan: the
// village's surveys opened in the last 12 months with their responses and
// participation per 100 inhabitants, and the remiss answers the group gave
// in that time with how they were anchored.
func (s *server) anchoringSuggestions(cx context.Context, p *survey.Plan) ([]survey.Anchor, error) {
	v, err := s.villages.Get(cx, p.Village)
	if err != nil {
		return nil, err
	}
	since := s.now().AddDate(-1, 0, 0)
	out := []survey.Anchor{}
	surveys, err := s.surveys.List(cx, storage.SurveyFilter{Village: v.Slug})
	if err != nil {
		return nil, err
	}
	for _, sv := range surveys {
		if sv.Opened == nil || sv.Opened.Before(since) {
			continue
		}
		tallies, err := s.responses.Tallies(cx, sv.ID)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, t := range tallies {
			if t.Village == v.Slug {
				n += t.Responses
			}
		}
		// Labels are stored as shown here, in Swedish; pages and the API
		// give them in English through their patterns in the catalog.
		label := fmt.Sprintf("%s: %d svar", sv.Title, n)
		if v.Population > 0 {
			label = fmt.Sprintf("%s: %d svar (%s per 100 invånare)", sv.Title, n, survey.FormatNumber(math.Round(float64(n)*1000/float64(v.Population))/10))
		}
		out = append(out, survey.Anchor{Kind: survey.AnchorKindSurvey, Ref: sv.ID, Label: label, Date: survey.DateOf(*sv.Opened), Participants: n})
	}
	answers, err := s.groupAnswers(cx, v.Slug)
	if err != nil {
		return nil, err
	}
	for _, ga := range answers {
		a := ga.Answer
		if a.AnsweredAt.Before(since) {
			continue
		}
		out = append(out, survey.Anchor{Kind: survey.AnchorKindRemiss, Ref: a.Remiss, Date: survey.DateOf(a.AnsweredAt),
			Label:        fmt.Sprintf("Remissvar: %s (%s)", ga.Title, labels[a.Anchoring.Method]),
			Participants: a.Anchoring.Participants})
	}
	return out, nil
}

func (s *server) planAnchoringSuggestions(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.loadPlan(c, cx, survey.ReadPlans)
	if err != nil {
		return err
	}
	out, err := s.anchoringSuggestions(cx, p)
	if err != nil {
		return err
	}
	for i := range out {
		out[i].Label = translate(apiLang(c), out[i].Label)
	}
	return c.JSON(out)
}

func (s *server) attachAnchoring(c *fiber.Ctx) error {
	var in survey.AnchorInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.attach(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p.Anchoring[len(p.Anchoring)-1])
}

// attach adds anchoring evidence to a plan as a new version.
func (s *server) attach(cx context.Context, u *survey.User, id string, in survey.AnchorInput) (*survey.Plan, error) {
	p, err := s.plans.Plan(cx, id)
	if err != nil {
		return nil, err
	}
	suggested, err := s.anchoringSuggestions(cx, p)
	if err != nil {
		return nil, err
	}
	return s.stepPlan(cx, u, id, survey.ManagePlan, auditPlanAnchored, func(p *survey.Plan, now time.Time, _ string) error {
		return p.Attach(in, suggested, now)
	})
}
