package handlers

import (
	"context"

	"github.com/forankra/forankra/survey"
)

// fundTodo is one line of "Att göra" about the bygdepeng.
type fundTodo struct {
	Year    int
	ID      string // the application; empty for a basic grant
	Title   string
	Village string
	Due     survey.Date
	Overdue bool
}

// todoFunds adds the bygdepeng's work: reports due for the user's villages
// (or all, for those who decide), applications waiting for a decision, and
// the newest year's basic grants that may be approved. Funds are read
// whole: one a year.
func (s *server) todoFunds(cx context.Context, u *survey.User, d *todoData) error {
	d.DecideApplications = survey.Can(u, survey.DecideApplications)
	d.ManageFunds = survey.Can(u, survey.ManageFunds)
	d.ApplyForFunds = survey.Can(u, survey.ApplyForFunds)
	if !d.DecideApplications && !d.ManageFunds && !d.ApplyForFunds {
		return nil
	}
	funds, err := s.funds.ListFunds(cx)
	if err != nil {
		return err
	}
	today := survey.DateOf(s.now())
	for i, f := range funds {
		l, err := s.funds.FundLedger(cx, f)
		if err != nil {
			return err
		}
		apps, l, err := s.applications(cx, f, l)
		if err != nil {
			return err
		}
		for _, a := range apps {
			row := fundTodo{Year: f.Year, ID: a.ID, Title: a.Title, Village: a.Village, Due: a.ReportDue}
			switch {
			case a.Undecided() && d.DecideApplications:
				d.FundDecide = append(d.FundDecide, row)
			case a.Status == survey.AppPaid && (survey.Can(u, survey.ApplyForFunds, a.Village) || d.DecideApplications):
				row.Overdue = a.ReportDue.Before(today)
				d.FundReports = append(d.FundReports, row)
			}
		}
		if i > 0 || !d.ManageFunds {
			continue
		}
		basic, err := s.basicGrants(cx, f, l)
		if err != nil {
			return err
		}
		for _, b := range basic {
			if b.Status == survey.BasicEligible {
				d.FundApprove = append(d.FundApprove, fundTodo{Year: f.Year, Title: b.Name, Village: b.Village})
			}
		}
	}
	return nil
}
