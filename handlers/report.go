package handlers

import (
	"context"
	"strconv"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// Years a yearly report may be asked for.
const (
	firstReportYear = 2000
	lastReportYear  = 2100
)

func reportYear(c *fiber.Ctx) (int, error) {
	year, err := strconv.Atoi(c.Params("year"))
	if err != nil || year < firstReportYear || year > lastReportYear {
		return 0, malformed("year", "Ange ett år mellan 2000 och 2100")
	}
	return year, nil
}

// yearReport computes the yearly report from the records: the actions (a
// small collection, read once), the departments, the surveys (small) and the
// tallies of those open in the year (by _id, never the responses), the
// remiss rounds, their answers and the proposals, the matters (small, read
// once each), and the year's fund with its ledger.
func (s *server) yearReport(cx context.Context, year int) (survey.YearReport, error) {
	in := survey.YearReportInput{Tallies: map[string][]survey.Tally{}, Proposals: map[string]*survey.Proposal{}}
	var err error
	if in.Actions, err = s.plans.ListActions(cx, storage.ActionFilter{Status: survey.ActionDone}); err != nil {
		return survey.YearReport{}, err
	}
	if _, in.Departments, err = s.departmentNames(cx); err != nil {
		return survey.YearReport{}, err
	}
	surveys, err := s.surveys.List(cx, storage.SurveyFilter{})
	if err != nil {
		return survey.YearReport{}, err
	}
	for _, sv := range surveys {
		if !survey.SurveyInYear(sv, year) {
			continue
		}
		in.Surveys = append(in.Surveys, sv)
		if in.Tallies[sv.ID], err = s.responses.Tallies(cx, sv.ID); err != nil {
			return survey.YearReport{}, err
		}
	}
	rounds, err := s.remiss.remisses.List(cx, storage.RemissFilter{})
	if err != nil {
		return survey.YearReport{}, err
	}
	for _, r := range rounds {
		if survey.RemissInYear(r, year) {
			in.Rounds = append(in.Rounds, r)
		}
	}
	if len(in.Rounds) > 0 {
		if in.Answers, err = s.remiss.remisses.Answers(cx, in.Rounds...); err != nil {
			return survey.YearReport{}, err
		}
		proposals, err := s.remiss.proposals.List(cx)
		if err != nil {
			return survey.YearReport{}, err
		}
		for _, p := range proposals {
			in.Proposals[p.ID] = p
		}
	}
	if in.Matters, err = s.matters.List(cx, storage.MatterFilter{}); err != nil {
		return survey.YearReport{}, err
	}
	// Money: the year's bygdepeng, from its ledger; none when the year has
	// no fund.
	f, err := s.funds.Fund(cx, year)
	switch {
	case isNotFound(err):
	case err != nil:
		return survey.YearReport{}, err
	default:
		l, err := s.funds.FundLedger(cx, f)
		if err != nil {
			return survey.YearReport{}, err
		}
		in.Fund = &l
	}
	return survey.BuildYearReport(year, s.cfg.MinN, in), nil
}

// yearReportAPI is GET /api/v1/public/reports/{year}: anyone.
func (s *server) yearReportAPI(c *fiber.Ctx) error {
	year, err := reportYear(c)
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	rep, err := s.yearReport(cx, year)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// yearReportData is what /arsrapport/{year} shows: the report and the names
// of its villages.
type yearReportData struct {
	survey.YearReport
	Villages map[string]string
	Outcomes map[string]string
	Stances  []string
	Owners   []string
	Prev     int
	Next     int
}

// yearReportPage is the yearly report as a page anyone may read and print
// on A4.
func (s *server) yearReportPage(c *fiber.Ctx) error {
	year, err := reportYear(c)
	if err != nil {
		return renderError(c, fiber.StatusBadRequest, "Ange ett år mellan 2000 och 2100")
	}
	cx, cancel := ctx(c)
	defer cancel()
	rep, err := s.yearReport(cx, year)
	if err != nil {
		return err
	}
	n, err := s.names(cx)
	if err != nil {
		return err
	}
	d := yearReportData{YearReport: rep, Villages: n.Village, Outcomes: n.Outcome, Stances: survey.Stances,
		Owners: []string{survey.OwnerGroup, survey.OwnerMunicipality, survey.OwnerJoint}}
	if year > firstReportYear {
		d.Prev = year - 1
	}
	if year < lastReportYear {
		d.Next = year + 1
	}
	return render(c, fiber.StatusOK, "report", translate(lang(c), "Årsrapport")+" "+strconv.Itoa(year), d)
}

// yearReportNow sends /arsrapport to this year's report (Stockholm).
func (s *server) yearReportNow(c *fiber.Ctx) error {
	return c.Redirect("/arsrapport/"+strconv.Itoa(survey.DateOf(s.now()).Year), fiber.StatusSeeOther)
}
