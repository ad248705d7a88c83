package handlers

import (
	"bytes"
	"context"
	"sort"
	"strconv"

	"github.com/forankra/forankra/charts"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// publicGrant is one allocation as anyone may read it: who got what for
// what, what was paid and reported. No account names.
type publicGrant struct {
	Village     string        `json:"village"`
	VillageName string        `json:"village_name"`
	Kind        string        `json:"kind"` // basic or investment
	Title       string        `json:"title"`
	FocusArea   string        `json:"focus_area,omitempty"`
	FocusName   string        `json:"focus_area_name,omitempty"`
	GrantedSEK  int64         `json:"granted_sek"`
	PaidSEK     int64         `json:"paid_sek"`
	ReturnedSEK int64         `json:"returned_sek"`
	Status      string        `json:"status"`
	Report      *publicReport `json:"report"`
	ReportDue   survey.Date   `json:"report_due"`
	Entry       string        `json:"entry"`
	MeetingItem string        `json:"meeting_item,omitempty"`
}

// publicReport is what a group reported, without who typed it.
type publicReport struct {
	Text     string      `json:"text"`
	SpentSEK int64       `json:"spent_sek"`
	Date     survey.Date `json:"date"`
}

// moneyRow is a sum per village or focus area.
type moneyRow struct {
	Key        string `json:"key"`
	Name       string `json:"name"`
	GrantedSEK int64  `json:"granted_sek"`
	PaidSEK    int64  `json:"paid_sek"`
}

// publicFundData is the public money of a year.
type publicFundData struct {
	fundView
	Grants      []publicGrant `json:"grants"`
	ByVillage   []moneyRow    `json:"by_village"`
	ByFocusArea []moneyRow    `json:"by_focus_area"`
}

// publicFundOf gathers a year's public figures: the fund, every live
// allocation with its payment and report, and the sums per village and per
// focus area (investments only).
func (s *server) publicFundOf(cx context.Context, f *survey.Fund) (publicFundData, error) {
	l, err := s.funds.FundLedger(cx, f)
	if err != nil {
		return publicFundData{}, err
	}
	apps, l, err := s.applications(cx, f, l)
	if err != nil {
		return publicFundData{}, err
	}
	n, err := s.names(cx)
	if err != nil {
		return publicFundData{}, err
	}
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return publicFundData{}, err
	}
	areaName := map[string]string{}
	for _, a := range areas {
		areaName[a.Slug] = a.Name
	}
	out := publicFundData{fundView: newFundView(f, l), Grants: []publicGrant{}, ByVillage: []moneyRow{}, ByFocusArea: []moneyRow{}}
	byVillage, byArea := map[string]*moneyRow{}, map[string]*moneyRow{}
	sum := func(m map[string]*moneyRow, key, name string, granted, paid int64) {
		r, ok := m[key]
		if !ok {
			r = &moneyRow{Key: key, Name: name}
			m[key] = r
		}
		r.GrantedSEK += granted
		r.PaidSEK += paid
	}
	appByRef := map[string]applicationView{}
	for _, a := range apps {
		appByRef[survey.ApplicationRef(a.ID)] = a
	}
	seen := map[string]bool{}
	for _, e := range l.Entries {
		if e.Kind != survey.EntryAllocate || seen[e.Ref] {
			continue
		}
		m := l.Ref(e.Ref)
		if m.Allocation == nil || m.Allocation.ID != e.ID {
			continue
		}
		seen[e.Ref] = true
		g := publicGrant{Village: e.Village, VillageName: n.Village[e.Village], GrantedSEK: m.AllocatedSEK, PaidSEK: m.PaidSEK,
			ReturnedSEK: m.ReturnedSEK, Entry: e.ID, MeetingItem: e.MeetingItem}
		if a, ok := appByRef[e.Ref]; ok {
			g.Kind, g.Title, g.FocusArea, g.FocusName, g.Status, g.ReportDue = "investment", a.Title, a.FocusArea, areaName[a.FocusArea], a.Status, a.ReportDue
			if r := a.Report; r != nil {
				g.Report = &publicReport{Text: r.Text, SpentSEK: r.SpentSEK, Date: survey.DateOf(r.At)}
			}
			sum(byArea, a.FocusArea, areaName[a.FocusArea], m.AllocatedSEK, m.PaidSEK)
		} else {
			g.Kind, g.Title, g.Status = "basic", "Grundbidrag", survey.BasicApproved
			if m.PaidSEK > 0 {
				g.Status = survey.BasicPaid
			}
		}
		sum(byVillage, e.Village, n.Village[e.Village], m.AllocatedSEK, m.PaidSEK)
		out.Grants = append(out.Grants, g)
	}
	for _, m := range []struct {
		from map[string]*moneyRow
		to   *[]moneyRow
	}{{byVillage, &out.ByVillage}, {byArea, &out.ByFocusArea}} {
		for _, r := range m.from {
			*m.to = append(*m.to, *r)
		}
		sort.Slice(*m.to, func(i, j int) bool { return (*m.to)[i].Name < (*m.to)[j].Name })
	}
	return out, nil
}

func (s *server) publicFund(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	f, err := s.loadFund(cx, c)
	if err != nil {
		return err
	}
	out, err := s.publicFundOf(cx, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// publicFundExport answers /api/v1/public/funds/{year}.csv and .xlsx: one
// row per grant.
func (s *server) publicFundExport(c *fiber.Ctx) error {
	format := c.Params("format")
	if format != "csv" && format != "xlsx" {
		return fiber.ErrNotFound
	}
	cx, cancel := ctx(c)
	defer cancel()
	f, err := s.loadFund(cx, c)
	if err != nil {
		return err
	}
	out, err := s.publicFundOf(cx, f)
	if err != nil {
		return err
	}
	header := []string{"by", "slag", "vad", "fokusområde", "beviljat (kr)", "utbetalt (kr)", "återbetalt (kr)", "läge", "redovisat använt (kr)", "återrapport", "post"}
	rows := make([][]any, 0, len(out.Grants))
	for _, g := range out.Grants {
		kind := "grundbidrag"
		if g.Kind == "investment" {
			kind = "investering"
		}
		var spent any
		text := ""
		if g.Report != nil {
			spent, text = g.Report.SpentSEK, g.Report.Text
		}
		rows = append(rows, []any{g.VillageName, kind, g.Title, g.FocusName, g.GrantedSEK, g.PaidSEK, g.ReturnedSEK, label("sv", g.Status), spent, text, g.Entry})
	}
	return sendExport(c, format, "bygdepeng-"+strconv.Itoa(f.Year), "Bygdepeng "+strconv.Itoa(f.Year), header, rows)
}

// fundsIndexPage is GET /bygdepeng: every year with its total and what is
// left. No account.
func (s *server) fundsIndexPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	funds, err := s.funds.ListFunds(cx)
	if err != nil {
		return err
	}
	rows := make([]fundView, 0, len(funds))
	for _, f := range funds {
		l, err := s.funds.FundLedger(cx, f)
		if err != nil {
			return err
		}
		rows = append(rows, newFundView(f, l))
	}
	return render(c, fiber.StatusOK, "funds", "Bygdepeng", rows)
}

// fundYearPage is the data of /bygdepeng/{year}.
type fundYearPage struct {
	publicFundData
	VillageAlt, FocusAlt string
}

func moneyChart(rows []moneyRow, lang string) charts.Money {
	m := charts.Money{Rows: make([]charts.MoneyRow, len(rows)), Text: chartText(lang)}
	for i, r := range rows {
		m.Rows[i] = charts.MoneyRow{Label: r.Name, GrantedSEK: r.GrantedSEK, PaidSEK: r.PaidSEK}
	}
	return m
}

// fundYearPublicPage is GET /bygdepeng/{year}: how much and from where, who
// got what for what, what is left, what was reported.
func (s *server) fundYearPublicPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	f, err := s.loadFund(cx, c)
	if err != nil {
		return err
	}
	d, err := s.publicFundOf(cx, f)
	if err != nil {
		return err
	}
	p := fundYearPage{publicFundData: d, VillageAlt: moneyChart(d.ByVillage, lang(c)).AltText(), FocusAlt: moneyChart(d.ByFocusArea, lang(c)).AltText()}
	return render(c, fiber.StatusOK, "fund_public", "Bygdepeng "+strconv.Itoa(f.Year), p)
}

// fundChart draws /bygdepeng/{year}/diagram/{byar|fokusomraden}.svg.
func (s *server) fundChart(c *fiber.Ctx) error {
	format, err := charts.ParseFormat(c.Params("format"))
	if err != nil {
		return fiber.ErrNotFound
	}
	cx, cancel := ctx(c)
	defer cancel()
	f, err := s.loadFund(cx, c)
	if err != nil {
		return err
	}
	d, err := s.publicFundOf(cx, f)
	if err != nil {
		return err
	}
	var rows []moneyRow
	switch c.Params("by") {
	case "byar":
		rows = d.ByVillage
	case "fokusomraden":
		rows = d.ByFocusArea
	default:
		return fiber.ErrNotFound
	}
	var b bytes.Buffer
	if err := moneyChart(rows, lang(c)).Render(&b, charts.Options{Format: format, Width: 640, Scale: 2}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, format.ContentType())
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b.Bytes())
}
