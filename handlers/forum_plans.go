package handlers

import (
	"bytes"
	"context"
	"sort"
	"strconv"

	"github.com/forankra/forankra/charts"
	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// plansMatrix is the forum's view of the villages' current plans: the
// focus-area matrix, and the overdue actions per village and department.
type plansMatrix struct {
	Year      int
	Villages  []survey.Village
	Areas     []matrixRow
	ByVillage []overdueCount
	ByDept    []overdueCount
}

// matrixRow is one focus area of the matrix with each village's rank.
type matrixRow struct {
	survey.AreaRow
	Name  string
	Ranks []int // in the order of Villages; 0 where the plan does not name it
}

// overdueCount is how many actions of a village or department are overdue,
// of how many open.
type overdueCount struct {
	Name           string
	Overdue, Total int
}

func (s *server) plansMatrix(cx context.Context, year int) (plansMatrix, error) {
	m := plansMatrix{Year: year}
	plans, err := s.currentPlans(cx, year)
	if err != nil {
		return m, err
	}
	all, err := s.villages.List(cx)
	if err != nil {
		return m, err
	}
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return m, err
	}
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return m, err
	}
	names := map[string]string{}
	for _, a := range areas {
		names[a.ID] = a.Name
	}
	villageName := map[string]string{}
	for _, v := range all {
		villageName[v.Slug] = v.Name
	}
	current := map[string]bool{}
	for _, p := range plans {
		current[p.ID] = true
		for _, v := range all {
			if v.Slug == p.Village {
				m.Villages = append(m.Villages, v)
			}
		}
	}
	sort.Slice(m.Villages, func(i, j int) bool { return m.Villages[i].Name < m.Villages[j].Name })
	for _, row := range survey.FocusMatrix(survey.RanksOf(plans)) {
		mr := matrixRow{AreaRow: row, Name: names[row.FocusArea]}
		if mr.Name == "" {
			mr.Name = row.FocusArea
		}
		for _, v := range m.Villages {
			mr.Ranks = append(mr.Ranks, row.Villages[v.Slug])
		}
		m.Areas = append(m.Areas, mr)
	}
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{})
	if err != nil {
		return m, err
	}
	byVillage, byDept := map[string]*overdueCount{}, map[string]*overdueCount{}
	deptName := map[string]string{}
	for _, d := range deps {
		deptName[d.ID] = d.Name
	}
	now := s.now()
	count := func(set map[string]*overdueCount, key, name string, a *survey.PlanAction) {
		c := set[key]
		if c == nil {
			c = &overdueCount{Name: name}
			set[key] = c
		}
		c.Total++
		if a.Overdue(now) {
			c.Overdue++
		}
	}
	for i := range actions {
		a := &actions[i]
		if !current[a.Plan] || a.Status == survey.ActionDone || a.Status == survey.ActionDropped {
			continue
		}
		count(byVillage, a.Village, villageName[a.Village], a)
		if a.Department != "" {
			count(byDept, a.Department, deptName[a.Department], a)
		}
	}
	m.ByVillage, m.ByDept = sortedCounts(byVillage), sortedCounts(byDept)
	return m, nil
}

func sortedCounts(set map[string]*overdueCount) []overdueCount {
	out := make([]overdueCount, 0, len(set))
	for _, c := range set {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Overdue != out[j].Overdue {
			return out[i].Overdue > out[j].Overdue
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// requestedMatrix is the matrix of the year in ?year= (every village's
// newest plan when absent).
func (s *server) requestedMatrix(c *fiber.Ctx) (plansMatrix, error) {
	year, err := matrixYear(c)
	if err != nil {
		return plansMatrix{}, err
	}
	cx, cancel := ctx(c)
	defer cancel()
	return s.plansMatrix(cx, year)
}

// matrixYear reads ?year=; 0 (every village's newest plan) when absent.
func matrixYear(c *fiber.Ctx) (int, error) {
	raw := c.Query("year")
	if raw == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(raw)
	if err != nil || y < 2000 || y > 2100 {
		return 0, fieldError("year", "Ange ett år, t.ex. 2026")
	}
	return y, nil
}

func (s *server) forumPlansPage(c *fiber.Ctx) error {
	m, err := s.requestedMatrix(c)
	if err != nil {
		return err
	}
	query := ""
	if m.Year != 0 {
		query = "?year=" + strconv.Itoa(m.Year)
	}
	return render(c, fiber.StatusOK, "forum_plans", "Byarnas planer", fiber.Map{"M": m, "Query": query, "Alt": focusChart(m, lang(c)).AltText()})
}

func focusChart(m plansMatrix, lang string) charts.FocusAreas {
	f := charts.FocusAreas{Plans: len(m.Villages), Text: chartText(lang)}
	for _, a := range m.Areas {
		f.Areas = append(f.Areas, charts.FocusArea{Label: a.Name, Villages: len(a.Villages), Kind: charts.ParseFocusKind(a.Kind)})
	}
	return f
}

// forumPlansChart draws the matrix: GET /forum/planer/diagram.{png,svg}.
func (s *server) forumPlansChart(c *fiber.Ctx) error {
	format, err := charts.ParseFormat(c.Params("format"))
	if err != nil {
		return fiber.ErrNotFound
	}
	m, err := s.requestedMatrix(c)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := focusChart(m, lang(c)).Render(&b, charts.Options{Format: format, Width: 720, Scale: 2}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, format.ContentType())
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b.Bytes())
}

// matrixTable is the matrix as rows of a file: one row per focus area, a
// column per village with its rank.
func matrixTable(m plansMatrix) ([]string, [][]any) {
	header := []string{"fokusområde", "slag", "andel av planerna", "byar"}
	for _, v := range m.Villages {
		header = append(header, v.Name)
	}
	rows := make([][]any, 0, len(m.Areas))
	for _, a := range m.Areas {
		row := []any{a.Name, a.Kind, a.Share, len(a.Villages)}
		for _, r := range a.Ranks {
			if r == 0 {
				row = append(row, nil)
			} else {
				row = append(row, r)
			}
		}
		rows = append(rows, row)
	}
	return header, rows
}

// forumPlansFile answers /forum/planer.csv and .xlsx.
func (s *server) forumPlansFile(c *fiber.Ctx) error {
	format := c.Params("format")
	if format != "csv" && format != "xlsx" {
		return fiber.ErrNotFound
	}
	m, err := s.requestedMatrix(c)
	if err != nil {
		return err
	}
	header, rows := matrixTable(m)
	return sendExport(c, format, "byarnas-planer", "Fokusområden", header, rows)
}
