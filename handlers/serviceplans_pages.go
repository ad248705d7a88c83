package handlers

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// spListRow is one plan on /serviceplan: its newest version, and the
// version in force when there is one.
type spListRow struct {
	Newest, InForce *survey.ServicePlan
	RevisionDue     survey.Date
}

// spListData is /serviceplan.
type spListData struct {
	Plans     []spListRow
	CanManage bool
	Period    string
	Errors    formErrors
}

func (s *server) servicePlansPage(c *fiber.Ctx) error {
	return s.renderServicePlans(c, fiber.StatusOK, "", formErrors{})
}

func (s *server) renderServicePlans(c *fiber.Ctx, status int, period string, fe formErrors) error {
	cx, cancel := ctx(c)
	defer cancel()
	all, err := s.servicePlans.List(cx)
	if err != nil {
		return err
	}
	year := survey.DateOf(s.now()).Year
	if period == "" {
		period = survey.Period{From: year + 1, To: year + 2}.String()
	}
	d := spListData{CanManage: survey.Can(currentUser(c), survey.ManageServicePlan), Period: period, Errors: fe}
	for _, versions := range all {
		row := spListRow{Newest: versions[len(versions)-1]}
		for _, v := range versions {
			if v.Status == survey.ServiceInForce {
				row.InForce = v
				row.RevisionDue, _ = v.RevisionDue()
			}
		}
		d.Plans = append(d.Plans, row)
	}
	return render(c, status, "serviceplans", "Utvecklings- och serviceplan", d)
}

func (s *server) newServicePlanSubmit(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.createServicePlan(cx, currentUser(c), survey.NewServicePlan{Period: c.FormValue("period")})
	if err != nil {
		if fe, ok := newFormErrors(err); ok {
			return s.renderServicePlans(c, fiber.StatusUnprocessableEntity, c.FormValue("period"), fe)
		}
		var taken *survey.Refusal
		if errors.As(err, &taken) && taken.Field == "period" {
			return s.renderServicePlans(c, fiber.StatusConflict, c.FormValue("period"), formErrorsOf("period", taken.Message))
		}
		return err
	}
	return c.Redirect("/serviceplan/"+p.ID, fiber.StatusSeeOther)
}

// spAction is an action as the service plan shows it.
type spAction struct {
	ID, Title, Village, Status, Owner string
	Due                               survey.Month
	Linked                            bool
}

// spSource is a source with the names it is shown with.
type spSource struct {
	survey.ServiceSource
	VillageName, Area string
}

// spItem is an item of the plan's page and document, with names resolved.
type spItem struct {
	survey.ServiceItem
	Number         int
	Name           string
	VillageNames   []string
	DepartmentName string
	Linked         []spAction
	// Candidates are the municipality's and joint actions under the item's
	// sources, and those linked: the edit form's choices.
	Candidates []spAction
	Sources    []spSource
	// Page is the item's printed page when the document is paged.
	Page int
}

// spNames are the catalogues a page resolves ids with, read once.
type spNames struct {
	areas, villages, departments map[string]string
	actions                      map[string]survey.PlanAction
	Departments                  []survey.Department
}

func (s *server) servicePlanNames(cx context.Context) (spNames, error) {
	n := spNames{areas: map[string]string{}, villages: map[string]string{}, departments: map[string]string{}, actions: map[string]survey.PlanAction{}}
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return n, err
	}
	for _, a := range areas {
		n.areas[a.ID] = a.Name
	}
	vs, err := s.villages.List(cx)
	if err != nil {
		return n, err
	}
	for _, v := range vs {
		n.villages[v.Slug] = v.Name
	}
	if n.Departments, err = s.plans.Departments(cx); err != nil {
		return n, err
	}
	for _, d := range n.Departments {
		n.departments[d.ID] = d.Name
	}
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{})
	if err != nil {
		return n, err
	}
	for _, a := range actions {
		n.actions[a.ID] = a
	}
	return n, nil
}

func orID(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// items resolves the names of p's items.
func (n spNames) items(p *survey.ServicePlan) []spItem {
	out := make([]spItem, len(p.Items))
	for i, it := range p.Items {
		row := spItem{ServiceItem: it, Number: i + 1, Name: orID(n.areas, it.FocusArea), DepartmentName: n.departments[it.Department]}
		for _, v := range it.Villages {
			row.VillageNames = append(row.VillageNames, orID(n.villages, v))
		}
		linked := map[string]bool{}
		view := func(id string) spAction {
			a := n.actions[id]
			title := a.Title
			if title == "" {
				title = id
			}
			return spAction{ID: id, Title: title, Village: n.villages[a.Village], Status: a.Status, Owner: a.Owner, Due: a.Due, Linked: linked[id]}
		}
		for _, id := range it.Actions {
			linked[id] = true
			row.Linked = append(row.Linked, view(id))
		}
		under := map[string]bool{}
		for _, src := range it.Sources {
			under[src.Plan+"\x00"+src.Priority] = true
			row.Sources = append(row.Sources, spSource{ServiceSource: src, VillageName: orID(n.villages, src.Village), Area: row.Name})
		}
		var more []spAction
		for _, a := range n.actions {
			if !linked[a.ID] && a.Owner != survey.OwnerGroup && a.Status != survey.ActionDropped && under[a.Plan+"\x00"+a.Priority] {
				more = append(more, view(a.ID))
			}
		}
		sort.Slice(more, func(i, j int) bool {
			if more[i].Title != more[j].Title {
				return more[i].Title < more[j].Title
			}
			return more[i].ID < more[j].ID
		})
		row.Candidates = append(append(row.Candidates, row.Linked...), more...)
		out[i] = row
	}
	return out
}

// spPageData is /serviceplan/{id}.
type spPageData struct {
	Plan        *survey.ServicePlan
	Versions    []*survey.ServicePlan
	Newest      bool
	Items       []spItem
	Departments []survey.Department
	History     []spStep
	RevisionDue survey.Date
	NextPeriod  string
	CanEdit     bool
	CanReview   bool
	CanAdopt    bool
	CanSend     bool
	CanDecide   bool
	CanRevise   bool
	// AdoptItems are the agenda items that put the plan on a meeting's
	// agenda (the adoption form's choices); Adopted is the one it was
	// adopted at.
	AdoptItems []agendaChoice
	Adopted    *agendaChoice
	// ErrItem is the item whose form was refused, with Errors.
	ErrItem string
	Errors  formErrors
	Notice  string
}

// spStep is a change of state with the name of who made it.
type spStep struct {
	survey.ServiceStep
	Name string
}

func (s *server) servicePlanPage(c *fiber.Ctx) error {
	return s.renderServicePlan(c, fiber.StatusOK, "", formErrors{}, "")
}

func (s *server) renderServicePlan(c *fiber.Ctx, status int, errItem string, fe formErrors, notice string) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, versions, err := s.servicePlanVersions(cx, c)
	if err != nil {
		return err
	}
	n, err := s.servicePlanNames(cx)
	if err != nil {
		return err
	}
	people, err := s.userNames(cx)
	if err != nil {
		return err
	}
	u := currentUser(c)
	manage := survey.Can(u, survey.ManageServicePlan)
	newest := p.Version == len(versions)
	d := spPageData{Plan: p, Versions: versions, Newest: newest, Items: n.items(p), Departments: n.Departments,
		ErrItem: errItem, Errors: fe, Notice: notice,
		CanEdit:   manage && p.Editable(),
		CanReview: manage && p.Status == survey.ServiceDraft,
		CanAdopt:  survey.Can(u, survey.AdoptServicePlan) && p.Status == survey.ServiceForumReview,
		CanSend:   manage && p.Status == survey.ServiceAdopted,
		CanDecide: manage && p.Status == survey.ServiceSent,
		CanRevise: manage && newest && (p.Status == survey.ServiceSent || p.Status == survey.ServiceInForce)}
	d.RevisionDue, _ = p.RevisionDue()
	if d.CanAdopt || p.Adoption != nil && p.Adoption.MeetingItem != "" {
		if d.AdoptItems, err = s.agendaChoices(cx, survey.Link{Kind: survey.LinkServicePlan, ID: p.ID}); err != nil {
			return err
		}
		d.Adopted = adoptedAt(p, d.AdoptItems)
	}
	if period, err := survey.ParsePeriod(p.Period); err == nil {
		d.NextPeriod = period.Next().String()
	}
	for _, h := range p.History {
		d.History = append(d.History, spStep{ServiceStep: h, Name: people[h.By]})
	}
	return render(c, status, "serviceplan", servicePlanTitle(lang(c), p), d)
}

// adoptedAt is the agenda item of items that p was adopted at, or nil.
func adoptedAt(p *survey.ServicePlan, items []agendaChoice) *agendaChoice {
	if p.Adoption == nil {
		return nil
	}
	return chosenItem(p.Adoption.MeetingItem, items)
}

// userNames maps account ids to names, for who made a change.
func (s *server) userNames(cx context.Context) (map[string]string, error) {
	users, err := s.users.List(cx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(users))
	for _, u := range users {
		out[u.ID] = u.Name
	}
	return out, nil
}

func (s *server) serviceItemSubmit(c *fiber.Ctx) error {
	goal, dep := c.FormValue("goal"), c.FormValue("department")
	var actions []string
	if args := c.Request().PostArgs(); args != nil {
		for _, v := range args.PeekMulti("actions") {
			actions = append(actions, string(v))
		}
	}
	if actions == nil {
		actions = []string{}
	}
	item := c.Params("item")
	cx, cancel := ctx(c)
	defer cancel()
	_, err := s.editServiceItem(cx, currentUser(c), c.Params("id"), item, survey.ServiceItemEdit{Goal: &goal, Department: &dep, Actions: &actions})
	if err != nil {
		return s.servicePlanPageError(c, item, err)
	}
	return c.Redirect("/serviceplan/"+c.Params("id")+"#punkt-"+item, fiber.StatusSeeOther)
}

// servicePlanPageError shows the plan again with why a form was refused: a
// field's message beside it, or a conflict as a notice.
func (s *server) servicePlanPageError(c *fiber.Ctx, item string, err error) error {
	if fe, ok := newFormErrors(err); ok {
		return s.renderServicePlan(c, fiber.StatusUnprocessableEntity, item, fe, "")
	}
	var refusal *survey.Refusal
	if errors.As(err, &refusal) && refusal.Field != "" {
		// A revision for a period another plan has.
		return s.renderServicePlan(c, fiber.StatusConflict, item, formErrorsOf(refusal.Field, refusal.Message), "")
	}
	if errors.Is(err, survey.ErrConflict) {
		return s.renderServicePlan(c, fiber.StatusConflict, "", formErrors{}, "Serviceplanen är inte i det läget längre. Läs in sidan igen.")
	}
	return err
}

func (s *server) servicePlanReviewSubmit(c *fiber.Ctx) error {
	u := currentUser(c)
	return s.servicePlanStepPage(c, "review", func(p *survey.ServicePlan) error { return p.Review(s.now(), u.ID) })
}

func (s *server) servicePlanAdoptSubmit(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	in := survey.ServiceAdoptInput{MeetingItem: c.FormValue("meeting_item")}
	if _, err := s.adoptServicePlan(cx, currentUser(c), c.Params("id"), in); err != nil {
		return s.servicePlanPageError(c, "", err)
	}
	return c.Redirect("/serviceplan/"+c.Params("id"), fiber.StatusSeeOther)
}

func (s *server) servicePlanStepPage(c *fiber.Ctx, name string, step func(p *survey.ServicePlan) error) error {
	cx, cancel := ctx(c)
	defer cancel()
	if _, err := s.stepServicePlan(cx, currentUser(c), c.Params("id"), name, step); err != nil {
		return s.servicePlanPageError(c, "", err)
	}
	return c.Redirect("/serviceplan/"+c.Params("id"), fiber.StatusSeeOther)
}

// spStepForm is the confirmation page of sending and of the council's
// decision: what happens, the fields it needs, and the errors.
type spStepForm struct {
	Plan                 *survey.ServicePlan
	Question, Detail     string
	Action, Button, Back string
	Fields               []spField
	Errors               formErrors
}

// spField is one text field of the confirmation page.
type spField struct {
	Name, Label, Value, Hint string
	Max                      int
}

// servicePlanSendPage and servicePlanDecidePage are GET /serviceplan/{id}/skicka
// and /beslut: the confirmation with the fields the step needs.
func (s *server) servicePlanSendPage(c *fiber.Ctx) error {
	return s.renderStepForm(c, "send", fiber.StatusOK, formErrors{})
}

func (s *server) servicePlanDecidePage(c *fiber.Ctx) error {
	return s.renderStepForm(c, "decide", fiber.StatusOK, formErrors{})
}

func (s *server) renderStepForm(c *fiber.Ctx, name string, status int, fe formErrors) error {
	cx, cancel := ctx(c)
	defer cancel()
	versions, err := s.servicePlans.Versions(cx, c.Params("id"))
	if err != nil {
		return err
	}
	var p *survey.ServicePlan
	for _, v := range versions {
		if v.Status == servicePlanSteps[name].from {
			p = v
		}
	}
	if p == nil {
		return c.Redirect("/serviceplan/"+c.Params("id"), fiber.StatusSeeOther)
	}
	today := survey.DateOf(s.now()).String()
	value := func(field, def string) string {
		if v := c.FormValue(field); v != "" {
			return v
		}
		return def
	}
	base := "/serviceplan/" + p.ID
	f := spStepForm{Plan: p, Back: base, Errors: fe}
	if name == "send" {
		f.Question, f.Button, f.Action = "Skicka serviceplanen till kommunfullmäktige?", "Skicka till fullmäktige", base+"/skicka"
		f.Detail = "När planen är skickad kan punkterna inte längre ändras. Ändringar görs då i en ny version."
		f.Fields = []spField{{Name: "date", Label: "Skickad den (ÅÅÅÅ-MM-DD)", Value: value("date", today), Max: 10},
			{Name: "diary_number", Label: "Diarienummer", Value: value("diary_number", ""), Hint: "t.ex. KS 2027/112", Max: 60}}
	} else {
		f.Question, f.Button, f.Action = "Registrera fullmäktiges beslut?", "Registrera beslutet", base+"/beslut"
		f.Detail = "Planen gäller från beslutet. Den ska revideras inom två år; en äldre version som gäller ersätts."
		f.Fields = []spField{{Name: "date", Label: "Beslutsdatum (ÅÅÅÅ-MM-DD)", Value: value("date", today), Max: 10},
			{Name: "paragraph", Label: "Paragraf i protokollet", Value: value("paragraph", ""), Hint: "t.ex. § 45", Max: 60}}
	}
	return render(c, status, "serviceplan_step", f.Question, f)
}

func (s *server) servicePlanSendSubmit(c *fiber.Ctx) error {
	u := currentUser(c)
	in := survey.ServiceSendInput{Date: c.FormValue("date"), DiaryNumber: c.FormValue("diary_number")}
	return s.stepFormSubmit(c, "send", func(p *survey.ServicePlan) error { return p.Send(in, s.now(), u.ID) })
}

func (s *server) servicePlanDecideSubmit(c *fiber.Ctx) error {
	u := currentUser(c)
	in := survey.ServiceDecideInput{Date: c.FormValue("date"), Paragraph: c.FormValue("paragraph")}
	return s.stepFormSubmit(c, "decide", func(p *survey.ServicePlan) error { return p.Decide(in, s.now(), u.ID) })
}

// stepFormSubmit acts only on a confirmed post; without the confirmation
// it shows the confirmation page.
func (s *server) stepFormSubmit(c *fiber.Ctx, name string, step func(p *survey.ServicePlan) error) error {
	if !confirmed(c) {
		return s.renderStepForm(c, name, fiber.StatusOK, formErrors{})
	}
	cx, cancel := ctx(c)
	defer cancel()
	if _, err := s.stepServicePlan(cx, currentUser(c), c.Params("id"), name, step); err != nil {
		if fe, ok := newFormErrors(err); ok {
			return s.renderStepForm(c, name, fiber.StatusUnprocessableEntity, fe)
		}
		return s.servicePlanPageError(c, "", err)
	}
	return c.Redirect("/serviceplan/"+c.Params("id"), fiber.StatusSeeOther)
}

func (s *server) servicePlanReviseSubmit(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	next, err := s.reviseServicePlan(cx, currentUser(c), c.Params("id"), strings.TrimSpace(c.FormValue("period")))
	if err != nil {
		return s.servicePlanPageError(c, "", err)
	}
	return c.Redirect("/serviceplan/"+next.ID+"?version="+strconv.Itoa(next.Version), fiber.StatusSeeOther)
}

// spDocument is the printable document of a version.
type spDocument struct {
	Plan        *survey.ServicePlan
	Adopted     *agendaChoice
	Items       []spItem
	RevisionDue survey.Date
	// Paged: every item fits a page of its own (docPageBudget), so each
	// starts a new page and the contents give its page (Items[i].Page):
	// the cover is page 1, the contents page 2. Chromium has no
	// target-counter; the numbers are sound only because the breaks are
	// the document's own.
	Paged bool
}

// docPageBudget is how many line units an item may take for the document
// to give it a page of its own: an A4 page within the print margins holds
// some 44 lines of 11 pt text at line height 1.5, of some 88 characters in
// a list; the estimate counts 70 characters a line and the budget leaves
// a fifth of the page, so that an item within it fits whatever the words
// (TestServicePlanDocumentPrintsPageNumbers prints one at the limit: it
// fills some three quarters of the page).
const (
	docPageBudget = 36
	docLineChars  = 70
	// docMaxItems is how many items the contents list on their one page.
	docMaxItems = 30
)

// docLines estimates the line units of an item on the printed page: its
// heading, the kind line, four subheadings and what is under them.
func docLines(it spItem) int {
	lines := func(s string) int { return max(1, (utf8.RuneCountInString(s)+docLineChars-1)/docLineChars) }
	n := 3 + 8 + 4 // the heading (two lines' height and its space), four subheadings, the spaces between blocks
	n += lines(it.FocusArea + strings.Join(it.VillageNames, ", ") + "gemensamt, lika viktigt · 100,0 % av byarna: ")
	n += lines(it.Goal) + lines(it.DepartmentName)
	if len(it.Linked) == 0 {
		n++
	}
	for _, a := range it.Linked {
		n += lines(a.Title + a.Village + " () – planerad, senast 2026-09")
	}
	for _, src := range it.Sources {
		n += lines(src.VillageName + src.Label + " 2026, prioritering 1: ")
	}
	return n
}

// paginate gives every item a page of its own when each fits one.
func (d *spDocument) paginate() {
	if len(d.Items) == 0 || len(d.Items) > docMaxItems {
		return
	}
	for _, it := range d.Items {
		if docLines(it) > docPageBudget {
			return
		}
	}
	d.Paged = true
	for i := range d.Items {
		d.Items[i].Page = 3 + i
	}
}

// servicePlanDocument is the printable A4 page: GET /serviceplan/{id}/dokument
// and /api/v1/service-plans/{id}/document.
func (s *server) servicePlanDocument(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, _, err := s.servicePlanVersions(cx, c)
	if err != nil {
		return err
	}
	n, err := s.servicePlanNames(cx)
	if err != nil {
		return err
	}
	d := spDocument{Plan: p, Items: n.items(p)}
	d.RevisionDue, _ = p.RevisionDue()
	d.paginate()
	if p.Adoption != nil && p.Adoption.MeetingItem != "" {
		items, err := s.agendaChoices(cx, survey.Link{Kind: survey.LinkServicePlan, ID: p.ID})
		if err != nil {
			return err
		}
		d.Adopted = adoptedAt(p, items)
	}
	return render(c, fiber.StatusOK, "serviceplan_document", servicePlanTitle(lang(c), p), d)
}

// servicePlanDiffPage is GET /serviceplan/{id}/andringar.
func (s *server) servicePlanDiffPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	d, versions, err := s.servicePlanDiff(cx, c)
	if err != nil {
		return err
	}
	n, err := s.servicePlanNames(cx)
	if err != nil {
		return err
	}
	p := versions[d.To-1]
	return render(c, fiber.StatusOK, "serviceplan_diff", servicePlanTitle(lang(c), p), fiber.Map{
		"Plan": p, "Versions": versions, "Diff": d, "Areas": n.areas, "Villages": n.villages, "Departments": n.departments})
}

// todoServicePlan is the service plan's part of "Att göra": plans in force
// whose revision is due within three months (or past), and versions sent and
// waiting for the council's decision.
type todoServicePlan struct {
	Revise  []todoRevision
	Waiting []*survey.ServicePlan
}

// todoRevision is a plan in force with its revision date.
type todoRevision struct {
	*survey.ServicePlan
	Due  survey.Date
	Late bool
}

// todoServicePlans fills the part for those who manage the service plan,
// from one read of the (small) collection.
func (s *server) todoServicePlans(cx context.Context, u *survey.User, d *todoData) error {
	if !survey.Can(u, survey.ManageServicePlan) {
		return nil
	}
	all, err := s.servicePlans.List(cx)
	if err != nil {
		return err
	}
	now := s.now()
	sp := &todoServicePlan{}
	for _, versions := range all {
		for _, v := range versions {
			switch {
			case v.RevisionShown(now):
				due, _ := v.RevisionDue()
				sp.Revise = append(sp.Revise, todoRevision{ServicePlan: v, Due: due, Late: due.Before(survey.DateOf(now))})
			case v.Status == survey.ServiceSent:
				sp.Waiting = append(sp.Waiting, v)
			}
		}
	}
	d.ServicePlan = sp
	return nil
}
