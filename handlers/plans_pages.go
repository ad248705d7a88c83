package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// plansListRow is one plan on /planer.
type plansListRow struct {
	Plan     *survey.Plan
	Village  string
	Progress survey.Progress
}

// plansListData is /planer: every plan, and the villages the user may start
// a plan for.
type plansListData struct {
	Plans    []plansListRow
	Villages []survey.Village
	Year     int
	Errors   formErrors
}

func (s *server) plansPage(c *fiber.Ctx) error {
	return s.renderPlans(c, fiber.StatusOK, formErrors{})
}

func (s *server) renderPlans(c *fiber.Ctx, status int, fe formErrors) error {
	cx, cancel := ctx(c)
	defer cancel()
	plans, err := s.plans.ListPlans(cx, "")
	if err != nil {
		return err
	}
	villages, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{})
	if err != nil {
		return err
	}
	names := map[string]string{}
	u := currentUser(c)
	d := plansListData{Year: survey.DateOf(s.now()).Year, Errors: fe}
	for _, v := range villages {
		names[v.Slug] = v.Name
		if survey.Can(u, survey.ManagePlan, v.Slug) {
			d.Villages = append(d.Villages, v)
		}
	}
	for _, p := range plans {
		var own []survey.PlanAction
		for _, a := range actions {
			if a.Plan == p.ID {
				own = append(own, a)
			}
		}
		d.Plans = append(d.Plans, plansListRow{Plan: p, Village: names[p.Village], Progress: survey.ProgressOf(own, s.now())})
	}
	return render(c, status, "plans", "Utvecklingsplaner", d)
}

func (s *server) newPlanSubmit(c *fiber.Ctx) error {
	year, err := strconv.Atoi(strings.TrimSpace(c.FormValue("year")))
	if err != nil {
		return s.renderPlans(c, fiber.StatusUnprocessableEntity, formErrorsOf("year", "Ange ett år, t.ex. 2027"))
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.startPlan(cx, currentUser(c), c.FormValue("village"), newPlanInput{Year: year})
	if err != nil {
		if fe, ok := newFormErrors(err); ok {
			return s.renderPlans(c, fiber.StatusUnprocessableEntity, fe)
		}
		if errors.Is(err, survey.ErrConflict) {
			return s.renderPlans(c, fiber.StatusConflict, formErrorsOf("year", "Byn har redan en plan för det året"))
		}
		return err
	}
	return c.Redirect("/planer/"+p.ID, fiber.StatusSeeOther)
}

// formErrorsOf is one field's error, for a page.
func formErrorsOf(field, msg string) formErrors {
	return formErrors{By: map[string]string{field: msg}, List: []survey.FieldError{{Field: field, Message: msg}}}
}

// priorityForm is one row of the plan's form.
type priorityForm struct {
	Index                           int
	ID, FocusArea, Label, Rationale string
	Rank                            string
	Horizon                         string
}

// planPageData is /planer/{id}.
type planPageData struct {
	Plan        *survey.Plan
	Village     survey.Village
	Priorities  []priorityRow
	Progress    survey.Progress
	Areas       []survey.FocusArea
	Departments []survey.Department
	Form        []priorityForm
	Summary     string
	// Version is the version the form was written on.
	Version int
	// Current is the stored plan when a save was made on an older version:
	// the page shows it beside what the user wrote, so nothing is lost.
	Current   *survey.Plan
	Suggested []survey.Anchor
	CanAnchor bool
	CanEdit   bool
	CanAck    bool
	CanAct    bool
	Errors    formErrors
	Statuses  []string
	ActionErr string
}

func (s *server) planPage(c *fiber.Ctx) error {
	return s.renderPlan(c, c.Params("id"), fiber.StatusOK, nil, formErrors{}, "")
}

// renderPlan shows a plan; posted is the user's form when a save failed.
func (s *server) renderPlan(c *fiber.Ctx, id string, status int, posted *survey.PlanEdit, fe formErrors, actionErr string) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.plans.Plan(cx, id)
	if err != nil {
		return err
	}
	u := currentUser(c)
	v, err := s.villages.Get(cx, p.Village)
	if err != nil {
		return err
	}
	d := planPageData{Plan: p, Village: v, Errors: fe, ActionErr: actionErr,
		CanEdit:  p.Status == survey.PlanDraft && survey.Can(u, survey.ManagePlan, p.Village),
		CanAct:   survey.Can(u, survey.ManagePlan, p.Village) || survey.Can(u, survey.AcknowledgePlan),
		CanAck:   p.Status == survey.PlanSubmitted && survey.Can(u, survey.AcknowledgePlan),
		Statuses: []string{survey.ActionInProgress, survey.ActionDone, survey.ActionPostponed, survey.ActionDropped}}
	d.CanAnchor = (p.Status == survey.PlanDraft || p.Status == survey.PlanAdopted) && survey.Can(u, survey.ManagePlan, p.Village)
	if d.CanAnchor {
		all, err := s.anchoringSuggestions(cx, p)
		if err != nil {
			return err
		}
		for _, a := range all {
			attached := false
			for _, have := range p.Anchoring {
				attached = attached || have.Kind == a.Kind && have.Ref == a.Ref
			}
			if !attached {
				d.Suggested = append(d.Suggested, a)
			}
		}
	}
	if d.Areas, err = s.plans.FocusAreas(cx); err != nil {
		return err
	}
	if d.Departments, err = s.plans.Departments(cx); err != nil {
		return err
	}
	if d.Priorities, d.Progress, err = s.priorityRows(cx, p, d.Areas); err != nil {
		return err
	}
	d.Version, d.Summary = p.Version, p.Summary
	edit := posted
	if edit == nil {
		edit = &survey.PlanEdit{Version: p.Version, Summary: p.Summary}
		for _, pr := range p.Priorities {
			edit.Priorities = append(edit.Priorities, survey.PriorityInput(pr))
		}
	} else if posted.Version != p.Version && fe.List == nil {
		// A save on an older version: keep what was written, on the current
		// version, and show the current plan beside it.
		d.Current, d.Version, d.Summary = p, p.Version, posted.Summary
	} else {
		d.Summary = posted.Summary
	}
	for i, in := range edit.Priorities {
		d.Form = append(d.Form, priorityForm{Index: i, ID: in.ID, FocusArea: in.FocusArea, Rank: rankText(in.Rank),
			Label: in.Label, Rationale: in.Rationale, Horizon: in.Horizon})
	}
	for i := len(d.Form); i < len(edit.Priorities)+2; i++ {
		d.Form = append(d.Form, priorityForm{Index: i, Horizon: survey.HorizonYear})
	}
	return render(c, status, "plan", v.Name+" "+strconv.Itoa(p.Year), d)
}

func rankText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// postedPlan reads the plan's form: the version it was written on, the
// summary and the rows of priorities (rows left without a focus area are
// not priorities).
func postedPlan(c *fiber.Ctx) (survey.PlanEdit, formErrors) {
	var edit survey.PlanEdit
	edit.Version, _ = strconv.Atoi(c.FormValue("version"))
	edit.Summary = c.FormValue("summary")
	rows, _ := strconv.Atoi(c.FormValue("rows"))
	rows = min(max(rows, 0), 30)
	fe := formErrors{By: map[string]string{}}
	for i := range rows {
		f := func(name string) string { return strings.TrimSpace(c.FormValue(fmt.Sprintf("p%d_%s", i, name))) }
		if f("area") == "" {
			continue
		}
		rank, err := strconv.Atoi(f("rank"))
		if err != nil {
			field := fmt.Sprintf("priorities[%d].rank", len(edit.Priorities))
			fe.By[field] = "Ange platsen som ett heltal"
			fe.List = append(fe.List, survey.FieldError{Field: field, Message: "Ange platsen som ett heltal"})
		}
		edit.Priorities = append(edit.Priorities, survey.PriorityInput{ID: f("id"), FocusArea: f("area"), Rank: rank,
			Label: f("label"), Rationale: f("rationale"), Horizon: f("horizon")})
	}
	return edit, fe
}

func (s *server) planSubmit(c *fiber.Ctx) error {
	edit, fe := postedPlan(c)
	if len(fe.List) > 0 {
		return s.renderPlan(c, c.Params("id"), fiber.StatusUnprocessableEntity, &edit, fe, "")
	}
	cx, cancel := ctx(c)
	defer cancel()
	_, err := s.savePlan(cx, currentUser(c), c.Params("id"), edit)
	switch {
	case errors.Is(err, errStaleVersion):
		return s.renderPlan(c, c.Params("id"), fiber.StatusConflict, &edit, formErrors{}, "")
	case err != nil:
		if fe, ok := newFormErrors(err); ok {
			return s.renderPlan(c, c.Params("id"), fiber.StatusUnprocessableEntity, &edit, fe, "")
		}
		return err
	}
	return c.Redirect("/planer/"+c.Params("id")+"?sparat=1", fiber.StatusSeeOther)
}

// planAdoptSubmit, planSubmitSubmit and planAckSubmit are the page forms of
// the plan's transitions.
func (s *server) planAdoptSubmit(c *fiber.Ctx) error {
	in := survey.AdoptInput{Date: strings.TrimSpace(c.FormValue("date")), Method: c.FormValue("method")}
	in.Participants, _ = strconv.Atoi(strings.TrimSpace(c.FormValue("participants")))
	return s.planTransitionPage(c, survey.ManagePlan, auditPlanAdopted, func(p *survey.Plan) error { return p.Adopt(in, s.now()) })
}

func (s *server) planSendSubmit(c *fiber.Ctx) error {
	return s.planTransitionPage(c, survey.ManagePlan, auditPlanSubmitted, func(p *survey.Plan) error { return p.Submit(s.now()) })
}

func (s *server) planAckSubmit(c *fiber.Ctx) error {
	in := survey.AcknowledgeInput{Comment: c.FormValue("comment")}
	u := currentUser(c)
	return s.planTransitionPage(c, survey.AcknowledgePlan, auditPlanAcked, func(p *survey.Plan) error { return p.Acknowledge(in, s.now(), u.ID) })
}

func (s *server) planTransitionPage(c *fiber.Ctx, a survey.Action, audit string, step func(p *survey.Plan) error) error {
	cx, cancel := ctx(c)
	defer cancel()
	_, err := s.stepPlan(cx, currentUser(c), c.Params("id"), a, audit, func(p *survey.Plan, _ time.Time, _ string) error { return step(p) })
	if err != nil {
		if fe, ok := newFormErrors(err); ok {
			return s.renderPlan(c, c.Params("id"), fiber.StatusUnprocessableEntity, nil, fe, "")
		}
		if errors.Is(err, survey.ErrConflict) {
			return s.renderPlan(c, c.Params("id"), fiber.StatusConflict, nil, formErrors{}, "Planen är inte i det läget längre. Läs in sidan igen.")
		}
		return err
	}
	return c.Redirect("/planer/"+c.Params("id"), fiber.StatusSeeOther)
}

func (s *server) actionAddSubmit(c *fiber.Ctx) error {
	in := survey.NewAction{Priority: c.FormValue("priority"), Title: c.FormValue("title"), Owner: c.FormValue("owner"),
		Responsible: c.FormValue("responsible"), Department: c.FormValue("department"), Due: strings.TrimSpace(c.FormValue("due"))}
	if raw := strings.TrimSpace(c.FormValue("cost_sek")); raw != "" {
		cost, err := strconv.ParseInt(strings.ReplaceAll(raw, " ", ""), 10, 64)
		if err != nil {
			return s.renderPlan(c, c.Params("id"), fiber.StatusUnprocessableEntity, nil, formErrorsOf("cost_sek", "Ange kostnaden i hela kronor"), "")
		}
		in.CostSEK = cost
	}
	cx, cancel := ctx(c)
	defer cancel()
	if _, err := s.addAction(cx, currentUser(c), c.Params("id"), in); err != nil {
		if fe, ok := newFormErrors(err); ok {
			return s.renderPlan(c, c.Params("id"), fiber.StatusUnprocessableEntity, nil, fe, "")
		}
		return err
	}
	return c.Redirect("/planer/"+c.Params("id")+"#atgarder", fiber.StatusSeeOther)
}

func (s *server) actionChangeSubmit(c *fiber.Ctx) error {
	in := survey.ActionChange{Status: c.FormValue("status"), DoneOn: strings.TrimSpace(c.FormValue("done_on")),
		DoneBy: c.FormValue("done_by"), Due: strings.TrimSpace(c.FormValue("due")), Reason: c.FormValue("reason"), Note: c.FormValue("note")}
	cx, cancel := ctx(c)
	defer cancel()
	a, err := s.moveAction(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		cur, _, gerr := s.plans.Action(cx, c.Params("id"))
		if gerr != nil {
			return gerr
		}
		msg := ""
		if fe, ok := newFormErrors(err); ok {
			for _, f := range fe.List {
				msg += f.Message + ". "
			}
		} else if errors.Is(err, survey.ErrConflict) {
			msg = "Åtgärden kan inte gå till det läget från där den är nu."
		} else {
			return err
		}
		return s.renderPlan(c, cur.Plan, fiber.StatusUnprocessableEntity, nil, formErrors{}, cur.Title+": "+msg)
	}
	return c.Redirect("/planer/"+a.Plan+"#a-"+a.ID, fiber.StatusSeeOther)
}

// kronor writes whole kronor the Swedish way: "12 500 kr" (with no-break
// spaces, so that a number never wraps).
func kronor(n int64) string { return survey.Kronor(n) }

// planVersionsPage shows what changed between two versions of a plan.
func (s *server) planVersionsPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.plans.Plan(cx, c.Params("id"))
	if err != nil {
		return err
	}
	v, err := s.villages.Get(cx, p.Village)
	if err != nil {
		return err
	}
	from, _ := strconv.Atoi(c.Query("from"))
	to, _ := strconv.Atoi(c.Query("to"))
	if to < 1 || to > p.Version {
		to = p.Version
	}
	if from < 1 || from >= to {
		from = max(1, to-1)
	}
	diff, err := s.versionDiff(cx, p, from, to)
	if err != nil {
		return err
	}
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, fa := range areas {
		names[fa.ID] = fa.Name
	}
	versions := make([]int, p.Version)
	for i := range versions {
		versions[i] = i + 1
	}
	return render(c, fiber.StatusOK, "plan_diff", v.Name+" "+strconv.Itoa(p.Year), fiber.Map{
		"Plan": p, "Village": v, "Diff": diff.PlanDiff, "Actions": diff.Actions, "Names": names, "Versions": versions, "From": from, "To": to})
}

// anchorSubmit attaches evidence to the plan from its page.
func (s *server) anchorSubmit(c *fiber.Ctx) error {
	in := survey.AnchorInput{Kind: c.FormValue("kind"), Ref: c.FormValue("ref"), Label: c.FormValue("label"), Date: strings.TrimSpace(c.FormValue("date"))}
	in.Participants, _ = strconv.Atoi(strings.TrimSpace(c.FormValue("participants")))
	cx, cancel := ctx(c)
	defer cancel()
	if _, err := s.attach(cx, currentUser(c), c.Params("id"), in); err != nil {
		if fe, ok := newFormErrors(err); ok {
			return s.renderPlan(c, c.Params("id"), fiber.StatusUnprocessableEntity, nil, fe, "")
		}
		return err
	}
	return c.Redirect("/planer/"+c.Params("id")+"#forankring", fiber.StatusSeeOther)
}
