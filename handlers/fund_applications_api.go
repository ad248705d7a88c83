package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// applicationView is an application as the API shows it: the status with
// the money from the ledger.
type applicationView struct {
	*survey.Application
	Status      string      `json:"status"`
	GrantedSEK  int64       `json:"granted_sek"`
	PaidSEK     int64       `json:"paid_sek"`
	ReturnedSEK int64       `json:"returned_sek"`
	ReportDue   survey.Date `json:"report_due"`
	Entry       string      `json:"entry,omitempty"`
}

// Undecided reports whether the forum may still grant or reject the
// application: submitted, on an agenda or not yet.
func (v applicationView) Undecided() bool {
	return v.Status == survey.AppSubmitted || v.Status == survey.AppOnAgenda
}

// newApplicationView shows a with its money from the ledger; onAgenda: an
// agenda item links it.
func newApplicationView(f *survey.Fund, a *survey.Application, l survey.Ledger, onAgenda bool) applicationView {
	m := l.Ref(survey.ApplicationRef(a.ID))
	v := applicationView{Application: a, Status: a.Shown(m, onAgenda), GrantedSEK: m.AllocatedSEK, PaidSEK: m.PaidSEK,
		ReturnedSEK: m.ReturnedSEK, ReportDue: a.ReportDue(f, m)}
	if m.Allocation != nil {
		v.Entry = m.Allocation.ID
	}
	return v
}

// reconcile makes a stored application agree with the ledger, which is
// where money is decided (see survey.Application.Reconcile): a grant whose
// second write did not happen is rolled forward, an allocation that lost to
// a rejection is reversed, a reversed allocation makes the application
// undecided again. It returns the ledger as it is afterwards.
func (s *server) reconcile(cx context.Context, f *survey.Fund, a *survey.Application, l survey.Ledger) (survey.Ledger, error) {
	for range 3 {
		m := l.Ref(survey.ApplicationRef(a.ID))
		fix := a.Reconcile(m)
		var err error
		switch fix {
		case "":
			return l, nil
		case "grant", "ungrant":
			_ = a.Step(fix)
			if fix == "grant" && m.Allocation.MeetingItem != "" {
				a.MeetingItem = m.Allocation.MeetingItem
			}
			err = s.funds.SaveApplication(cx, a)
		case "reverse":
			_, err = s.funds.Append(cx, f, func(l survey.Ledger) (survey.LedgerEntry, error) {
				return l.Next(survey.EntryInput{Kind: survey.EntryReverse, Reverses: m.Allocation.ID,
					Reason: "Ansökan avslogs samtidigt som den beviljades"}, s.now())
			})
		}
		if err != nil && !errors.Is(err, survey.ErrConflict) {
			return l, err
		}
		if err == nil {
			s.record(cx, nil, auditLedgerReconciled, "application/"+a.ID, fix)
		}
		// Read both again: someone else may have fixed it first.
		fresh, err := s.funds.Application(cx, a.ID)
		if err != nil {
			return l, err
		}
		*a = *fresh
		if l, err = s.funds.FundLedger(cx, f); err != nil {
			return l, err
		}
	}
	return l, nil
}

// reconciledApplication reads an application of fund f, reconciled with the
// ledger.
func (s *server) reconciledApplication(cx context.Context, f *survey.Fund, id string) (applicationView, error) {
	a, err := s.funds.Application(cx, id)
	if err != nil {
		return applicationView{}, err
	}
	if a.Fund != f.Year {
		return applicationView{}, fmt.Errorf("ansökan %q i %d: %w", id, f.Year, survey.ErrNotFound)
	}
	l, err := s.funds.FundLedger(cx, f)
	if err != nil {
		return applicationView{}, err
	}
	if l, err = s.reconcile(cx, f, a, l); err != nil {
		return applicationView{}, err
	}
	items, err := s.meetings.ItemsLinking(cx, survey.Link{Kind: survey.LinkApplication, ID: a.ID})
	if err != nil {
		return applicationView{}, err
	}
	return newApplicationView(f, a, l, len(items) > 0), nil
}

// applications lists a fund's applications, reconciled with its ledger.
func (s *server) applications(cx context.Context, f *survey.Fund, l survey.Ledger) ([]applicationView, survey.Ledger, error) {
	apps, err := s.funds.ListApplications(cx, f.Year)
	if err != nil {
		return nil, l, err
	}
	onAgenda, err := s.meetings.Linked(cx, survey.LinkApplication)
	if err != nil {
		return nil, l, err
	}
	out := make([]applicationView, 0, len(apps))
	for _, a := range apps {
		if a.Reconcile(l.Ref(survey.ApplicationRef(a.ID))) != "" {
			if l, err = s.reconcile(cx, f, a, l); err != nil {
				return nil, l, err
			}
		}
		out = append(out, newApplicationView(f, a, l, onAgenda[a.ID]))
	}
	return out, l, nil
}

func (s *server) listApplications(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	f, l, err := s.fundAndLedger(c, cx)
	if err != nil {
		return err
	}
	out, _, err := s.applications(cx, f, l)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *server) getApplication(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	f, err := s.loadFund(cx, c)
	if err != nil {
		return err
	}
	v, err := s.reconciledApplication(cx, f, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *server) createApplication(c *fiber.Ctx) error {
	var in survey.NewApplication
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	f, err := s.loadFund(cx, c)
	if err != nil {
		return err
	}
	a, err := s.newApplication(cx, currentUser(c), f, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(newApplicationView(f, a, survey.Ledger{}, false))
}

// newApplication stores a draft for a village the user applies for.
func (s *server) newApplication(cx context.Context, u *survey.User, f *survey.Fund, in survey.NewApplication) (*survey.Application, error) {
	if err := allow(u, survey.ApplyForFunds, in.Village); err != nil {
		return nil, err
	}
	known, err := s.focusAreaSet(cx)
	if err != nil {
		return nil, err
	}
	a, err := in.Application(f, known, s.now(), u.ID)
	if err != nil {
		return nil, err
	}
	if _, err := s.villages.Get(cx, a.Village); err != nil {
		if isNotFound(err) {
			return nil, fieldError("village", "Byn finns inte")
		}
		return nil, err
	}
	if err := s.funds.CreateApplication(cx, a); err != nil {
		return nil, err
	}
	s.record(cx, u, auditAppCreated, "application/"+a.ID, a.Title)
	return a, nil
}

// applicationStep reads an application of the route's fund reconciled,
// checks the action for its village, changes it and stores the change on
// the revision it was read at.
func (s *server) applicationStep(cx context.Context, u *survey.User, f *survey.Fund, id string, a survey.Action, audit string,
	step func(a *survey.Application, m survey.RefMoney) error) (applicationView, error) {
	v, err := s.reconciledApplication(cx, f, id)
	if err != nil {
		return v, err
	}
	if err := allow(u, a, v.Village); err != nil {
		return v, err
	}
	l, err := s.funds.FundLedger(cx, f)
	if err != nil {
		return v, err
	}
	app := v.Application
	if err := step(app, l.Ref(survey.ApplicationRef(app.ID))); err != nil {
		return v, err
	}
	if err := s.funds.SaveApplication(cx, app); err != nil {
		return v, err
	}
	s.record(cx, u, audit, "application/"+app.ID, app.Status)
	return s.reconciledApplication(cx, f, id)
}

func (s *server) submitApplication(cx context.Context, u *survey.User, f *survey.Fund, id string, _ noBody) (applicationView, error) {
	return s.applicationStep(cx, u, f, id, survey.ApplyForFunds, auditAppSubmitted, func(a *survey.Application, _ survey.RefMoney) error {
		return a.Submit(f, s.now())
	})
}

func (s *server) rejectApplication(cx context.Context, u *survey.User, f *survey.Fund, id string, in survey.ReasonInput) (applicationView, error) {
	v, err := s.applicationStep(cx, u, f, id, survey.DecideApplications, auditAppRejected, func(a *survey.Application, _ survey.RefMoney) error {
		return a.Reject(in)
	})
	return v, err
}

func (s *server) reportApplication(cx context.Context, u *survey.User, f *survey.Fund, id string, in survey.AppReportInput) (applicationView, error) {
	return s.applicationStep(cx, u, f, id, survey.ApplyForFunds, auditAppReported, func(a *survey.Application, m survey.RefMoney) error {
		return a.AddReport(in, m, s.now(), u.ID)
	})
}

func (s *server) closeApplication(cx context.Context, u *survey.User, f *survey.Fund, id string, _ noBody) (applicationView, error) {
	return s.applicationStep(cx, u, f, id, survey.DecideApplications, auditAppClosed, func(a *survey.Application, _ survey.RefMoney) error {
		return a.Close(s.now())
	})
}

// grantApplication allocates money to a submitted application. The ledger
// append is the decision: it refuses more than what is left (409, nothing
// written) also against grants at the same moment on other instances. The
// application is marked granted afterwards; if it was rejected in between,
// the allocation is reversed and the grant is 409.
func (s *server) grantApplication(cx context.Context, u *survey.User, f *survey.Fund, id string, in survey.GrantInput) (applicationView, error) {
	v, err := s.reconciledApplication(cx, f, id)
	if err != nil {
		return v, err
	}
	if err := allow(u, survey.DecideApplications, v.Village); err != nil {
		return v, err
	}
	a := v.Application
	if err := a.CheckGrant(in); err != nil {
		return v, err
	}
	if in.MeetingItem != "" {
		// The item of the forum meeting that decided the grant: one that
		// is there and puts this application on the agenda.
		it, err := s.meetings.ItemByID(cx, in.MeetingItem)
		switch {
		case isNotFound(err) || (err == nil && (it.Link == nil || it.Link.Kind != survey.LinkApplication || it.Link.ID != a.ID)):
			return v, &survey.ValidationError{Fields: []survey.FieldError{{Field: "meeting_item", Message: "Punkten finns inte på något mötes dagordning med den här ansökan"}}}
		case err != nil:
			return v, err
		}
	}
	e, err := s.funds.Append(cx, f, func(l survey.Ledger) (survey.LedgerEntry, error) {
		return l.Next(survey.EntryInput{Kind: survey.EntryAllocate, Village: a.Village, AmountSEK: in.AmountSEK,
			Ref: survey.ApplicationRef(a.ID), MeetingItem: in.MeetingItem, By: u.ID}, s.now())
	})
	if err != nil {
		return v, err
	}
	s.record(cx, u, auditAppGranted, "application/"+a.ID, e.ID+" "+survey.Kronor(e.AmountSEK))
	_ = a.Step("grant")
	if in.MeetingItem != "" {
		a.MeetingItem = in.MeetingItem
	}
	if err := s.funds.SaveApplication(cx, a); err != nil && !errors.Is(err, survey.ErrConflict) {
		return v, err // the next read rolls the grant forward
	}
	v, err = s.reconciledApplication(cx, f, id)
	if err != nil {
		return v, err
	}
	if v.Entry != e.ID {
		return v, survey.Refuse(survey.ErrConflict, "Ansökan avslogs samtidigt; beviljandet är rättat")
	}
	return v, nil
}

// payApplication pays out a granted application's allocation.
func (s *server) payApplication(cx context.Context, u *survey.User, f *survey.Fund, id string, _ noBody) (applicationView, error) {
	v, err := s.reconciledApplication(cx, f, id)
	if err != nil {
		return v, err
	}
	if err := allow(u, survey.DecideApplications, v.Village); err != nil {
		return v, err
	}
	if v.Application.Status != survey.AppGranted {
		return v, survey.Refuse(survey.ErrConflict, "Bara en beviljad ansökan kan betalas ut")
	}
	e, err := s.funds.Append(cx, f, func(l survey.Ledger) (survey.LedgerEntry, error) {
		return l.Next(survey.EntryInput{Kind: survey.EntryPay, Ref: survey.ApplicationRef(id), By: u.ID}, s.now())
	})
	if err != nil {
		return v, err
	}
	s.record(cx, u, auditAppPaid, "application/"+id, e.ID+" "+survey.Kronor(e.AmountSEK))
	return s.reconciledApplication(cx, f, id)
}

// returnInput is the body of .../return: paid money the group gives back.
type returnInput struct {
	AmountSEK int64 `json:"amount_sek" validate:"required,min=1"`
}

// returnApplication records money given back: it is available again.
func (s *server) returnApplication(cx context.Context, u *survey.User, f *survey.Fund, id string, in returnInput) (applicationView, error) {
	val := &survey.ValidationError{}
	survey.Check(val, in)
	if err := val.Err(); err != nil {
		return applicationView{}, err
	}
	v, err := s.reconciledApplication(cx, f, id)
	if err != nil {
		return v, err
	}
	if err := allow(u, survey.DecideApplications, v.Village); err != nil {
		return v, err
	}
	e, err := s.funds.Append(cx, f, func(l survey.Ledger) (survey.LedgerEntry, error) {
		return l.Next(survey.EntryInput{Kind: survey.EntryReturn, Village: v.Village, AmountSEK: in.AmountSEK, Ref: survey.ApplicationRef(id), By: u.ID}, s.now())
	})
	if err != nil {
		return v, err
	}
	s.record(cx, u, auditAppReturned, "application/"+id, e.ID+" "+survey.Kronor(e.AmountSEK))
	return s.reconciledApplication(cx, f, id)
}

// applicationAPI is a POST on an application with a body of type T.
func applicationAPI[T any](s *server, status int, op func(cx context.Context, u *survey.User, f *survey.Fund, id string, in T) (applicationView, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in T
		if len(c.Body()) > 0 { // the steps without fields may come without a body
			if err := decodeJSON(c, &in); err != nil {
				return err
			}
		}
		cx, cancel := ctx(c)
		defer cancel()
		f, err := s.loadFund(cx, c)
		if err != nil {
			return err
		}
		v, err := op(cx, currentUser(c), f, c.Params("id"), in)
		if err != nil {
			return moneyConflict(c, err)
		}
		return c.Status(status).JSON(v)
	}
}

// noBody is the body of steps that take none.
type noBody struct{}
