package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// Audit actions of the service plan.
const (
	auditServicePlanCreated  = "service_plan.created"
	auditServiceItemChanged  = "service_plan.item_changed"
	auditServicePlanReviewed = "service_plan.reviewed"
	auditServicePlanAdopted  = "service_plan.adopted"
	auditServicePlanSent     = "service_plan.sent"
	auditServicePlanDecided  = "service_plan.decided"
	auditServicePlanRevised  = "service_plan.revised"
)

// servicePlanView is a version as the API shows it: with its revision date
// (computed from the decision) and every version of the plan.
type servicePlanView struct {
	*survey.ServicePlan
	RevisionDue survey.Date          `json:"revision_due"`
	Versions    []servicePlanVersion `json:"versions"`
}

// servicePlanVersion is one version in a plan's list of versions.
type servicePlanVersion struct {
	Version int    `json:"version"`
	Period  string `json:"period"`
	Status  string `json:"status"`
}

func newServicePlanView(p *survey.ServicePlan, versions []*survey.ServicePlan) servicePlanView {
	v := servicePlanView{ServicePlan: p, Versions: make([]servicePlanVersion, len(versions))}
	v.RevisionDue, _ = p.RevisionDue()
	for i, o := range versions {
		v.Versions[i] = servicePlanVersion{Version: o.Version, Period: o.Period, Status: o.Status}
	}
	return v
}

// serviceItems generates the items from the villages' current plans (each
// village's newest submitted or acknowledged plan) and their actions, keeping
// the forum's goals, departments and actions of carry.
func (s *server) serviceItems(cx context.Context, carry []survey.ServiceItem) ([]survey.ServiceItem, error) {
	plans, err := s.currentPlans(cx, 0)
	if err != nil {
		return nil, err
	}
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{})
	if err != nil {
		return nil, err
	}
	return survey.GenerateServiceItems(plans, actions, carry), nil
}

// createServicePlan generates a new plan's first version.
func (s *server) createServicePlan(cx context.Context, u *survey.User, in survey.NewServicePlan) (*survey.ServicePlan, error) {
	period, err := in.Check()
	if err != nil {
		return nil, err
	}
	items, err := s.serviceItems(cx, nil)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	p := &survey.ServicePlan{Period: period, Status: survey.ServiceDraft, Items: items, Created: now,
		History: []survey.ServiceStep{{At: now, By: u.ID, To: survey.ServiceDraft}}}
	if err := s.servicePlans.Create(cx, p); err != nil {
		return nil, err
	}
	s.record(cx, u, auditServicePlanCreated, "service_plan/"+p.ID, "v1 "+p.Period+", "+strconv.Itoa(len(items))+" punkter")
	return p, nil
}

// servicePlanVersions reads a plan's versions and the one asked for: the
// newest, or ?version=.
func (s *server) servicePlanVersions(cx context.Context, c *fiber.Ctx) (*survey.ServicePlan, []*survey.ServicePlan, error) {
	versions, err := s.servicePlans.Versions(cx, c.Params("id"))
	if err != nil {
		return nil, nil, err
	}
	p := versions[len(versions)-1]
	if raw := c.Query("version"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > len(versions) {
			return nil, nil, fieldError("version", "Versionen finns inte")
		}
		p = versions[n-1]
	}
	return p, versions, nil
}

// editServiceItem changes an item of the newest version.
func (s *server) editServiceItem(cx context.Context, u *survey.User, id, item string, in survey.ServiceItemEdit) (*survey.ServicePlan, error) {
	versions, err := s.servicePlans.Versions(cx, id)
	if err != nil {
		return nil, err
	}
	p := versions[len(versions)-1]
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, d := range deps {
		known[d.ID] = true
	}
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{})
	if err != nil {
		return nil, err
	}
	owners := map[string]string{}
	for _, a := range actions {
		owners[a.ID] = a.Owner
	}
	owner := func(id string) (string, bool) { o, ok := owners[id]; return o, ok }
	if err := p.EditItem(item, in, func(d string) bool { return known[d] }, owner); err != nil {
		return nil, err
	}
	if err := s.servicePlans.Save(cx, p); err != nil {
		return nil, err
	}
	s.record(cx, u, auditServiceItemChanged, "service_plan/"+p.ID, "v"+strconv.Itoa(p.Version)+" "+item)
	return p, nil
}

// servicePlanSteps are the transitions: the status each starts from, and
// its audit action.
var servicePlanSteps = map[string]struct{ from, audit string }{
	"review": {survey.ServiceDraft, auditServicePlanReviewed},
	"adopt":  {survey.ServiceForumReview, auditServicePlanAdopted},
	"send":   {survey.ServiceAdopted, auditServicePlanSent},
	"decide": {survey.ServiceSent, auditServicePlanDecided},
}

// stepServicePlan applies a transition to the newest version in the status
// it starts from (a sent version can be decided while its revision is
// drafted), or to the newest version, which refuses it with ErrConflict.
func (s *server) stepServicePlan(cx context.Context, u *survey.User, id, name string, step func(p *survey.ServicePlan) error) (*survey.ServicePlan, error) {
	versions, err := s.servicePlans.Versions(cx, id)
	if err != nil {
		return nil, err
	}
	t := servicePlanSteps[name]
	p := versions[len(versions)-1]
	for _, v := range versions {
		if v.Status == t.from {
			p = v
		}
	}
	if err := step(p); err != nil {
		return nil, err
	}
	if err := s.servicePlans.Save(cx, p); err != nil {
		return nil, err
	}
	detail := "v" + strconv.Itoa(p.Version) + " " + p.Status
	switch {
	case p.Sending != nil && name == "send":
		detail += ", " + p.Sending.Date.String() + ", dnr " + p.Sending.DiaryNumber
	case p.Decision != nil && name == "decide":
		detail += ", " + p.Decision.Date.String() + " " + p.Decision.Paragraph
		for _, v := range versions {
			if v.Version < p.Version && v.Status == survey.ServiceInForce {
				detail += ", ersätter v" + strconv.Itoa(v.Version)
			}
		}
	case p.Adoption != nil && name == "adopt" && p.Adoption.MeetingItem != "":
		detail += ", " + p.Adoption.MeetingItem
	}
	s.record(cx, u, t.audit, "service_plan/"+p.ID, detail)
	return p, nil
}

// reviseServicePlan makes the next version of a plan that has been sent: its
// items generated again from the villages' current plans, with the forum's
// work on the areas that remain.
func (s *server) reviseServicePlan(cx context.Context, u *survey.User, id, period string) (*survey.ServicePlan, error) {
	versions, err := s.servicePlans.Versions(cx, id)
	if err != nil {
		return nil, err
	}
	last := versions[len(versions)-1]
	items, err := s.serviceItems(cx, last.Items)
	if err != nil {
		return nil, err
	}
	next, err := last.Revise(period, items, s.now(), u.ID)
	if err != nil {
		return nil, err
	}
	if err := s.servicePlans.AddVersion(cx, next); err != nil {
		return nil, err
	}
	s.record(cx, u, auditServicePlanRevised, "service_plan/"+next.ID, "v"+strconv.Itoa(next.Version)+" "+next.Period)
	return next, nil
}

// servicePlanJSON answers with the plan's version and its list of versions.
func (s *server) servicePlanJSON(c *fiber.Ctx, cx context.Context, status int, p *survey.ServicePlan) error {
	versions, err := s.servicePlans.Versions(cx, p.ID)
	if err != nil {
		return err
	}
	for _, v := range versions {
		if v.Version == p.Version {
			p = v // with its status as computed (superseded)
		}
	}
	return c.Status(status).JSON(newServicePlanView(p, versions))
}

func (s *server) apiCreateServicePlan(c *fiber.Ctx) error {
	var in survey.NewServicePlan
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.createServicePlan(cx, currentUser(c), in)
	if err != nil {
		return err
	}
	return s.servicePlanJSON(c, cx, fiber.StatusCreated, p)
}

func (s *server) apiListServicePlans(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	all, err := s.servicePlans.List(cx)
	if err != nil {
		return err
	}
	out := make([]servicePlanView, len(all))
	for i, versions := range all {
		out[i] = newServicePlanView(versions[len(versions)-1], versions)
	}
	return c.JSON(out)
}

func (s *server) apiGetServicePlan(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, versions, err := s.servicePlanVersions(cx, c)
	if err != nil {
		return err
	}
	return c.JSON(newServicePlanView(p, versions))
}

// DecodeServiceItemEdit reads the body of PUT .../items/{item}.
func decodeServiceItemEdit(c *fiber.Ctx) (survey.ServiceItemEdit, error) {
	var in survey.ServiceItemEdit
	err := decodeJSON(c, &in)
	return in, err
}

func (s *server) apiEditServiceItem(c *fiber.Ctx) error {
	in, err := decodeServiceItemEdit(c)
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.editServiceItem(cx, currentUser(c), c.Params("id"), c.Params("item"), in)
	if err != nil {
		return err
	}
	return s.servicePlanJSON(c, cx, fiber.StatusOK, p)
}

// apiServicePlanStep is the API's handler of a transition: body is the
// request it reads (nil for none), step the change.
func (s *server) apiServicePlanStep(name string, body func() any, step func(p *survey.ServicePlan, in any, u *survey.User) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in := body()
		if in != nil && len(c.Body()) > 0 {
			if err := decodeJSON(c, in); err != nil {
				return err
			}
		}
		cx, cancel := ctx(c)
		defer cancel()
		u := currentUser(c)
		p, err := s.stepServicePlan(cx, u, c.Params("id"), name, func(p *survey.ServicePlan) error { return step(p, in, u) })
		if err != nil {
			return err
		}
		return s.servicePlanJSON(c, cx, fiber.StatusOK, p)
	}
}

func (s *server) apiReviewServicePlan() fiber.Handler {
	return s.apiServicePlanStep("review", func() any { return nil },
		func(p *survey.ServicePlan, _ any, u *survey.User) error { return p.Review(s.now(), u.ID) })
}

func (s *server) apiAdoptServicePlan(c *fiber.Ctx) error {
	var in survey.ServiceAdoptInput
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.adoptServicePlan(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return s.servicePlanJSON(c, cx, fiber.StatusOK, p)
}

// adoptServicePlan records the forum's adoption: the meeting item, when
// one is named, must be an agenda item that puts this service plan on a
// meeting's agenda (422 naming meeting_item otherwise), as a bygdepeng
// grant's must put its application there.
func (s *server) adoptServicePlan(cx context.Context, u *survey.User, id string, in survey.ServiceAdoptInput) (*survey.ServicePlan, error) {
	in.MeetingItem = strings.TrimSpace(in.MeetingItem)
	if in.MeetingItem != "" {
		if _, err := s.servicePlans.Versions(cx, id); err != nil {
			return nil, err // an unknown plan is 404, not its item's 422
		}
		it, err := s.meetings.ItemByID(cx, in.MeetingItem)
		switch {
		case isNotFound(err) || (err == nil && (it.Link == nil || it.Link.Kind != survey.LinkServicePlan || it.Link.ID != id)):
			return nil, fieldError("meeting_item", "Punkten finns inte på något mötes dagordning med den här serviceplanen")
		case err != nil:
			return nil, err
		}
	}
	return s.stepServicePlan(cx, u, id, "adopt", func(p *survey.ServicePlan) error { return p.Adopt(in, s.now(), u.ID) })
}

// agendaChoice is an agenda item that links a record (a service plan, an
// application): a choice of the forms that name the item a decision was
// made at, and how a record names that item.
type agendaChoice struct {
	ID, Label, Href string
}

// agendaChoices lists the agenda items that link l, each named by its
// meeting, day and title.
func (s *server) agendaChoices(cx context.Context, l survey.Link) ([]agendaChoice, error) {
	items, err := s.meetings.ItemsLinking(cx, l)
	if err != nil {
		return nil, err
	}
	out := make([]agendaChoice, 0, len(items))
	meetings := map[string]*survey.Meeting{}
	for _, it := range items {
		m, ok := meetings[it.Meeting]
		if !ok {
			if m, err = s.meetings.Meeting(cx, it.Meeting); err != nil && !isNotFound(err) {
				return nil, err
			}
			meetings[it.Meeting] = m
		}
		if m == nil {
			continue
		}
		out = append(out, agendaChoice{ID: it.ID, Label: m.Title + " " + survey.DateOf(m.Starts).String() + ": " + it.Title,
			Href: "/moten/" + m.ID + "#punkt-" + it.ID})
	}
	return out, nil
}

// chosenItem is the choice of id, or one named by the id alone (an item
// that is gone, or stored before items were checked); nil for "".
func chosenItem(id string, choices []agendaChoice) *agendaChoice {
	if id == "" {
		return nil
	}
	for i := range choices {
		if choices[i].ID == id {
			return &choices[i]
		}
	}
	return &agendaChoice{ID: id, Label: id}
}

func (s *server) apiSendServicePlan() fiber.Handler {
	return s.apiServicePlanStep("send", func() any { return &survey.ServiceSendInput{} },
		func(p *survey.ServicePlan, in any, u *survey.User) error {
			return p.Send(*in.(*survey.ServiceSendInput), s.now(), u.ID)
		})
}

func (s *server) apiDecideServicePlan() fiber.Handler {
	return s.apiServicePlanStep("decide", func() any { return &survey.ServiceDecideInput{} },
		func(p *survey.ServicePlan, in any, u *survey.User) error {
			return p.Decide(*in.(*survey.ServiceDecideInput), s.now(), u.ID)
		})
}

// reviseInput is the body of POST .../revise: the new version's period,
// when it differs.
type reviseInput struct {
	Period string `json:"period"`
}

func (s *server) apiReviseServicePlan(c *fiber.Ctx) error {
	var in reviseInput
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.reviseServicePlan(cx, currentUser(c), c.Params("id"), in.Period)
	if err != nil {
		return err
	}
	return s.servicePlanJSON(c, cx, fiber.StatusCreated, p)
}

// servicePlanDiff compares version ?from= (default the one before) with
// ?to= (default the newest).
func (s *server) servicePlanDiff(cx context.Context, c *fiber.Ctx) (survey.ServicePlanDiff, []*survey.ServicePlan, error) {
	versions, err := s.servicePlans.Versions(cx, c.Params("id"))
	if err != nil {
		return survey.ServicePlanDiff{}, nil, err
	}
	version := func(field string, def int) (int, error) {
		raw := c.Query(field)
		if raw == "" {
			return def, nil
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > len(versions) {
			return 0, fieldError(field, fmt.Sprintf("Ange en version från 1 till %d", len(versions)))
		}
		return n, nil
	}
	to, err := version("to", len(versions))
	if err != nil {
		return survey.ServicePlanDiff{}, nil, err
	}
	from, err := version("from", max(1, to-1))
	if err != nil {
		return survey.ServicePlanDiff{}, nil, err
	}
	return survey.DiffServicePlans(versions[from-1], versions[to-1]), versions, nil
}

func (s *server) apiServicePlanDiff(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	d, _, err := s.servicePlanDiff(cx, c)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// servicePlanTitle is how pages name a version: "Serviceplan 2027–2028,
// version 2".
func servicePlanTitle(lang string, p *survey.ServicePlan) string {
	return strings.TrimSpace(translate(lang, "Utvecklings- och serviceplan") + " " + p.Period)
}
