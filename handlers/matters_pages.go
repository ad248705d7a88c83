package handlers

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// mattersPageSize is how many matters the list shows a page.
const mattersPageSize = 50

// matterRow is a matter on the list page.
type matterRow struct {
	matterView
	VillageName, DepartmentName string
}

// mattersView is the list page: filters, the matters and what the user may
// do.
type mattersView struct {
	Rows                               []matterRow
	Villages                           []survey.Village
	Departments                        []survey.Department
	Statuses                           []string
	Village, Status, Department        string
	Overdue, CanRaise                  bool
	Page, Pages                        int
	PrevQuery, NextQuery, FilterActive string
}

// matterNames reads village and department names once.
func (s *server) matterNames(cx context.Context) ([]survey.Village, []survey.Department, map[string]string, map[string]string, error) {
	villages, err := s.villages.List(cx)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	deps, dn, err := s.departmentNames(cx)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	vn := map[string]string{}
	for _, v := range villages {
		vn[v.Slug] = v.Name
	}
	return villages, deps, vn, dn, nil
}

// departmentNames reads the departments once (a small collection), with
// their names by id.
func (s *server) departmentNames(cx context.Context) ([]survey.Department, map[string]string, error) {
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return nil, nil, err
	}
	dn := map[string]string{}
	for _, d := range deps {
		dn[d.ID] = d.Name
	}
	return deps, dn, nil
}

func (s *server) mattersPage(c *fiber.Ctx) error {
	u := currentUser(c)
	v := mattersView{Statuses: survey.MatterStatuses, Village: c.Query("village"), Status: c.Query("status"),
		Department: c.Query("department"), Overdue: c.Query("overdue") == "true", CanRaise: survey.Can(u, survey.RaiseMatter)}
	if v.Status != "" && !contains(survey.MatterStatuses, v.Status) {
		v.Status = ""
	}
	cx, cancel := ctx(c)
	defer cancel()
	villages, deps, vn, dn, err := s.matterNames(cx)
	if err != nil {
		return err
	}
	v.Departments = deps
	for _, vil := range villages {
		if survey.Can(u, survey.ReadMatters, vil.Slug) {
			v.Villages = append(v.Villages, vil)
		}
	}
	list, err := s.visibleMatters(cx, u, storage.MatterFilter{Village: v.Village, Status: v.Status, Department: v.Department})
	if err != nil {
		return err
	}
	var rows []matterRow
	for i := range list {
		mv := s.matterView(&list[i])
		if v.Overdue && !mv.Overdue {
			continue
		}
		rows = append(rows, matterRow{matterView: mv, VillageName: vn[mv.Village], DepartmentName: dn[mv.Department]})
	}
	v.Pages = max(1, (len(rows)+mattersPageSize-1)/mattersPageSize)
	v.Page = min(max(1, c.QueryInt("sida", 1)), v.Pages)
	from := (v.Page - 1) * mattersPageSize
	v.Rows = rows[from:min(len(rows), from+mattersPageSize)]
	q := "village=" + v.Village + "&status=" + v.Status + "&department=" + v.Department
	if v.Overdue {
		q += "&overdue=true"
	}
	v.PrevQuery, v.NextQuery = q+"&sida="+strconv.Itoa(v.Page-1), q+"&sida="+strconv.Itoa(v.Page+1)
	return render(c, fiber.StatusOK, "matters", "Ärenden", v)
}

// newMatterView is the form that raises a matter.
type newMatterView struct {
	Villages    []survey.Village
	Departments []survey.Department
	FocusAreas  []survey.FocusArea
	In          survey.NewMatter
	Today       string
	Errors      formErrors
}

func (s *server) renderNewMatter(c *fiber.Ctx, status int, in survey.NewMatter, fe formErrors) error {
	cx, cancel := ctx(c)
	defer cancel()
	villages, deps, _, _, err := s.matterNames(cx)
	if err != nil {
		return err
	}
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return err
	}
	v := newMatterView{Departments: deps, FocusAreas: areas, In: in, Today: survey.DateOf(s.now()).String(), Errors: fe}
	for _, vil := range villages {
		if survey.Can(currentUser(c), survey.RaiseMatter, vil.Slug) {
			v.Villages = append(v.Villages, vil)
		}
	}
	return render(c, status, "matter_new", "Nytt ärende", v)
}

func (s *server) newMatterPage(c *fiber.Ctx) error {
	return s.renderNewMatter(c, fiber.StatusOK, survey.NewMatter{}, formErrors{})
}

func (s *server) newMatterSubmit(c *fiber.Ctx) error {
	in := survey.NewMatter{Village: c.FormValue("village"), Title: c.FormValue("title"), Description: c.FormValue("description"),
		FocusArea: c.FormValue("focus_area"), Department: c.FormValue("department"), RaisedOn: strings.TrimSpace(c.FormValue("raised_on"))}
	cx, cancel := ctx(c)
	defer cancel()
	m, err := s.raiseMatter(cx, currentUser(c), in)
	if err != nil {
		if fe, ok := newFormErrors(err); ok {
			return s.renderNewMatter(c, fiber.StatusUnprocessableEntity, in, fe)
		}
		return err
	}
	return c.Redirect("/arenden/"+m.ID, fiber.StatusSeeOther)
}

// matterPageView is a matter's page: its steps as a timeline and the forms
// the user may use.
type matterPageView struct {
	matterView
	VillageName, DepartmentName string
	Departments                 []survey.Department
	Names                       map[string]string // user id → name, for the steps
	CanHandle, CanConfirm       bool
	Problem                     string
}

func (s *server) renderMatter(c *fiber.Ctx, status int, problem string) error {
	cx, cancel := ctx(c)
	defer cancel()
	u := currentUser(c)
	m, _, err := s.loadMatter(cx, u, c.Params("id"), survey.ReadMatters)
	if err != nil {
		return err
	}
	_, deps, vn, dn, err := s.matterNames(cx)
	if err != nil {
		return err
	}
	users, err := s.users.List(cx)
	if err != nil {
		return err
	}
	names := map[string]string{survey.ServiceActor: translate(lang(c), "Förankra (automatiskt)")}
	for _, x := range users {
		names[x.ID] = x.Name
	}
	v := matterPageView{matterView: s.matterView(m), VillageName: vn[m.Village], DepartmentName: dn[m.Department],
		Departments: deps, Names: names, CanHandle: survey.Can(u, survey.HandleMatter, m.Village),
		CanConfirm: survey.Can(u, survey.ConfirmMatter, m.Village), Problem: problem}
	return render(c, status, "matter", "Ärende", v)
}

func (s *server) matterPage(c *fiber.Ctx) error { return s.renderMatter(c, fiber.StatusOK, "") }

// matterStepSubmit is a matter page's form for a move.
func (s *server) matterStepSubmit(move string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in := survey.MatterMove{Department: c.FormValue("department"), Text: c.FormValue("text"), Reason: c.FormValue("reason")}
		cx, cancel := ctx(c)
		defer cancel()
		if _, err := s.stepMatter(cx, currentUser(c), c.Params("id"), move, in); err != nil {
			if fe, ok := newFormErrors(err); ok {
				msg := ""
				for _, f := range fe.List {
					msg += f.Message + ". "
				}
				return s.renderMatter(c, fiber.StatusUnprocessableEntity, msg)
			}
			if errors.Is(err, survey.ErrConflict) {
				return s.renderMatter(c, fiber.StatusConflict, "Ärendet är inte i det läget längre. Läs sidan igen och försök på nytt.")
			}
			return err
		}
		return c.Redirect("/arenden/"+c.Params("id"), fiber.StatusSeeOther)
	}
}

// departmentStats computes the public figures from the records.
func (s *server) departmentStats(cx context.Context) ([]survey.DepartmentFigures, error) {
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return nil, err
	}
	matters, err := s.matters.List(cx, storage.MatterFilter{})
	if err != nil {
		return nil, err
	}
	return survey.DepartmentStats(deps, matters, s.now()), nil
}

// departmentStatsAPI is GET /api/v1/departments/stats: public, no names.
func (s *server) departmentStatsAPI(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	stats, err := s.departmentStats(cx)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"since": survey.DateOf(s.now()).AddDays(-365), "until": survey.DateOf(s.now()), "departments": stats})
}

// departmentsPage is /forvaltningar: the same figures for everyone.
func (s *server) departmentsPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	stats, err := s.departmentStats(cx)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "departments", "Förvaltningarnas svar", fiber.Map{
		"Since": survey.DateOf(s.now()).AddDays(-365), "Until": survey.DateOf(s.now()), "Departments": stats})
}

// todoMatters is the matters' part of "Att göra": for the contact person
// and officials the open matters by feedback date and level and the
// overdue ones per department; for representatives the answers waiting for
// their confirmation.
type todoMatters struct {
	Handle, Confirm []matterRow
	LateByDept      []deptCount
	CanHandle       bool
}

// deptCount is a department's number of overdue matters.
type deptCount struct {
	Name  string
	Count int
}

func (s *server) todoMatters(cx context.Context, u *survey.User, d *todoData) error {
	handle := survey.Can(u, survey.HandleMatter)
	confirm := u.Role == survey.RoleRepresentative && survey.Can(u, survey.ConfirmMatter, u.Villages...)
	if !handle && !confirm {
		return nil
	}
	list, err := s.visibleMatters(cx, u, storage.MatterFilter{})
	if err != nil {
		return err
	}
	// The village names are the page's (one read of the villages for every list).
	deps, dn, err := s.departmentNames(cx)
	if err != nil {
		return err
	}
	vn := d.Names.Village
	t := &todoMatters{CanHandle: handle}
	late := map[string]int{}
	for i := range list {
		row := matterRow{matterView: s.matterView(&list[i]), VillageName: vn[list[i].Village], DepartmentName: dn[list[i].Department]}
		switch {
		case handle && (row.Status == survey.MatterRegistered || row.Status == survey.MatterForwarded):
			t.Handle = append(t.Handle, row)
			if row.Overdue {
				late[row.Department]++
			}
		case confirm && row.Status == survey.MatterAnswered && u.HasVillage(row.Village):
			t.Confirm = append(t.Confirm, row)
		}
	}
	sort.SliceStable(t.Handle, func(i, j int) bool {
		a, b := t.Handle[i], t.Handle[j]
		if a.Escalation != b.Escalation {
			return a.Escalation > b.Escalation
		}
		return a.FeedbackDue.Before(b.FeedbackDue)
	})
	for _, dep := range deps {
		if n := late[dep.ID]; n > 0 {
			t.LateByDept = append(t.LateByDept, deptCount{Name: dep.Name, Count: n})
		}
	}
	if n := late[""]; n > 0 {
		t.LateByDept = append(t.LateByDept, deptCount{Name: translate("sv", "Ingen förvaltning"), Count: n})
	}
	d.Matters = t
	return nil
}
