package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// fundForm is a failed form of the staff pages: which form, its errors,
// and a refusal that concerns no single field.
type fundForm struct {
	Name   string
	Errors formErrors
	Notice string
}

// failed turns an operation's error into the form to show again: 422 with
// the fields, 409 with the ledger's own words; anything else is the
// error handler's.
func failed(name string, err error) (int, fundForm, bool) {
	var verr *survey.ValidationError
	switch {
	case errors.As(err, &verr):
		fe := formErrors{By: map[string]string{}, List: verr.Fields}
		for _, f := range verr.Fields {
			fe.By[f.Field] = f.Message
		}
		return fiber.StatusUnprocessableEntity, fundForm{Name: name, Errors: fe}, true
	case errors.Is(err, survey.ErrConflict), errors.Is(err, survey.ErrClosed):
		return fiber.StatusConflict, fundForm{Name: name, Notice: errorText(err)}, true
	}
	return 0, fundForm{}, false
}

// kronorField reads whole kronor from a form field ("12 500" too).
func kronorField(c *fiber.Ctx, field string, v *survey.ValidationError) int64 {
	s := strings.NewReplacer(" ", "", "\u00a0", "", "kr", "").Replace(c.FormValue(field))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		v.Add(field, "Skriv ett belopp i hela kronor")
	}
	return n
}

// fundsStaffData is /fonder: the years and the form for a new one.
type fundsStaffData struct {
	Funds       []fundView
	ManageFunds bool
	Form        fundForm
	Year        int
}

func (s *server) fundsStaffPage(c *fiber.Ctx) error {
	return s.renderFundsStaff(c, fiber.StatusOK, fundForm{})
}

func (s *server) renderFundsStaff(c *fiber.Ctx, status int, form fundForm) error {
	cx, cancel := ctx(c)
	defer cancel()
	funds, err := s.funds.ListFunds(cx)
	if err != nil {
		return err
	}
	d := fundsStaffData{ManageFunds: survey.Can(currentUser(c), survey.ManageFunds), Form: form, Year: survey.DateOf(s.now()).Year}
	for _, f := range funds {
		l, err := s.funds.FundLedger(cx, f)
		if err != nil {
			return err
		}
		d.Funds = append(d.Funds, newFundView(f, l))
	}
	return render(c, status, "funds_staff", "Hantera bygdepeng", d)
}

// fundCreateSubmit is POST /fonder: a year with up to five sources.
func (s *server) fundCreateSubmit(c *fiber.Ctx) error {
	v := &survey.ValidationError{}
	year, _ := strconv.Atoi(c.FormValue("year"))
	in := survey.NewFund{Year: year, BasicGrantSEK: kronorField(c, "basic_grant_sek", v),
		ApplicationCloses: c.FormValue("application_closes"), ReportDue: c.FormValue("report_due")}
	for i := range 5 {
		name := strings.TrimSpace(c.FormValue("source_name_" + strconv.Itoa(i)))
		amount := kronorField(c, "source_amount_"+strconv.Itoa(i), v)
		if name == "" && amount == 0 {
			continue
		}
		in.Sources = append(in.Sources, survey.FundSourceInput{Kind: c.FormValue("source_kind_" + strconv.Itoa(i)), Name: name, AmountSEK: amount})
	}
	var err error = v.Err()
	if err == nil {
		cx, cancel := ctx(c)
		defer cancel()
		_, err = s.startFund(cx, currentUser(c), in)
	}
	if err != nil {
		if status, form, ok := failed("fund", err); ok {
			return s.renderFundsStaff(c, status, form)
		}
		return err
	}
	return c.Redirect("/fonder/"+strconv.Itoa(year), fiber.StatusSeeOther)
}

// fundStaffData is /fonder/{year}: the figures, the basic grants, the
// applications, the ledger, with the forms the user may use.
type fundStaffData struct {
	Fund         fundView
	Basic        []basicGrantView
	Applications []applicationView
	Ledger       []survey.LedgerEntry
	Reversed     map[string]bool
	// Who and when of each entry: the account's name and the Stockholm date.
	People, Dates map[string]string
	Villages      []survey.Village
	FocusAreas    []survey.FocusArea
	Names         names
	ManageFunds   bool
	Decide        bool
	Apply         bool
	Form          fundForm
}

func (s *server) fundStaffPage(c *fiber.Ctx) error {
	return s.renderFundStaff(c, fiber.StatusOK, fundForm{})
}

func (s *server) renderFundStaff(c *fiber.Ctx, status int, form fundForm) error {
	cx, cancel := ctx(c)
	defer cancel()
	f, l, err := s.fundAndLedger(c, cx)
	if err != nil {
		return err
	}
	apps, l, err := s.applications(cx, f, l)
	if err != nil {
		return err
	}
	basic, err := s.basicGrants(cx, f, l)
	if err != nil {
		return err
	}
	n, err := s.names(cx)
	if err != nil {
		return err
	}
	villages, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return err
	}
	u := currentUser(c)
	d := fundStaffData{Fund: newFundView(f, l), Basic: basic, Applications: apps, Ledger: l.Entries, Reversed: map[string]bool{},
		FocusAreas: areas, Names: n, ManageFunds: survey.Can(u, survey.ManageFunds), Decide: survey.Can(u, survey.DecideApplications), Form: form}
	users, err := s.users.List(cx)
	if err != nil {
		return err
	}
	d.People, d.Dates = map[string]string{}, map[string]string{}
	for _, u := range users {
		d.People[u.ID] = u.Name
	}
	for _, e := range l.Entries {
		if e.Kind == survey.EntryReverse {
			d.Reversed[e.Reverses] = true
		}
		d.Dates[e.ID] = survey.DateOf(e.At).String()
	}
	for _, v := range villages {
		if survey.Can(u, survey.ApplyForFunds, v.Slug) {
			d.Villages = append(d.Villages, v)
		}
	}
	d.Apply = len(d.Villages) > 0
	return render(c, status, "fund_staff", "Bygdepeng "+strconv.Itoa(f.Year), d)
}

// fundPost runs a POST of the fund page and shows the page again when it
// is refused, or goes back to it.
func (s *server) fundPost(form string, op func(c *fiber.Ctx, f *survey.Fund) (string, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cx, cancel := ctx(c)
		defer cancel()
		f, err := s.loadFund(cx, c)
		if err != nil {
			return err
		}
		next, err := op(c, f)
		if err != nil {
			if status, ff, ok := failed(form, err); ok {
				if strings.Contains(c.Path(), "/ansokningar/") {
					return s.renderApplication(c, status, ff)
				}
				return s.renderFundStaff(c, status, ff)
			}
			return err
		}
		if next == "" {
			next = "/fonder/" + strconv.Itoa(f.Year)
			if id := c.Params("id"); id != "" {
				next += "/ansokningar/" + id
			}
		}
		return c.Redirect(next, fiber.StatusSeeOther)
	}
}

func (s *server) basicApproveSubmit() fiber.Handler {
	return s.fundPost("basic-approve", func(c *fiber.Ctx, f *survey.Fund) (string, error) {
		cx, cancel := ctx(c)
		defer cancel()
		_, err := s.approveBasic(cx, currentUser(c), f, c.Params("slug"))
		return "", err
	})
}

func (s *server) basicPaySubmit() fiber.Handler {
	return s.fundPost("basic-pay", func(c *fiber.Ctx, f *survey.Fund) (string, error) {
		cx, cancel := ctx(c)
		defer cancel()
		_, err := s.payBasic(cx, currentUser(c), f, c.Params("slug"))
		return "", err
	})
}

func (s *server) basicOverrideSubmit() fiber.Handler {
	return s.fundPost("override", func(c *fiber.Ctx, f *survey.Fund) (string, error) {
		cx, cancel := ctx(c)
		defer cancel()
		_, err := s.overrideBasic(cx, currentUser(c), f, c.Params("slug"), survey.ReasonInput{Reason: c.FormValue("reason")})
		return "", err
	})
}

func (s *server) applicationCreateSubmit() fiber.Handler {
	return s.fundPost("application", func(c *fiber.Ctx, f *survey.Fund) (string, error) {
		v := &survey.ValidationError{}
		in := survey.NewApplication{Village: c.FormValue("village"), FocusArea: c.FormValue("focus_area"), Title: c.FormValue("title"),
			Description: c.FormValue("description"), AmountSEK: kronorField(c, "amount_sek", v), CofinancingSEK: kronorField(c, "cofinancing_sek", v)}
		if err := v.Err(); err != nil {
			return "", err
		}
		cx, cancel := ctx(c)
		defer cancel()
		a, err := s.newApplication(cx, currentUser(c), f, in)
		if err != nil {
			return "", err
		}
		return "/fonder/" + strconv.Itoa(f.Year) + "/ansokningar/" + a.ID, nil
	})
}

// applicationData is /fonder/{year}/ansokningar/{id}.
type applicationData struct {
	Fund         fundView
	App          applicationView
	Names        names
	AreaName     string
	MayApply     bool
	Decide       bool
	Form         fundForm
	SuggestedSEK int64
	// GrantItems are the agenda items that put the application on a
	// meeting's agenda (the grant form's choices); GrantedAt is the one
	// it was granted at.
	GrantItems []agendaChoice
	GrantedAt  *agendaChoice
}

func (s *server) applicationPage(c *fiber.Ctx) error {
	return s.renderApplication(c, fiber.StatusOK, fundForm{})
}

func (s *server) renderApplication(c *fiber.Ctx, status int, form fundForm) error {
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
	l, err := s.funds.FundLedger(cx, f)
	if err != nil {
		return err
	}
	n, err := s.names(cx)
	if err != nil {
		return err
	}
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return err
	}
	u := currentUser(c)
	d := applicationData{Fund: newFundView(f, l), App: v, Names: n, Form: form, MayApply: survey.Can(u, survey.ApplyForFunds, v.Village),
		Decide: survey.Can(u, survey.DecideApplications, v.Village), SuggestedSEK: min(v.AmountSEK, max(l.Remaining(), 0))}
	for _, a := range areas {
		if a.Slug == v.FocusArea {
			d.AreaName = a.Name
		}
	}
	if d.Decide && v.Undecided() || v.MeetingItem != "" {
		if d.GrantItems, err = s.agendaChoices(cx, survey.Link{Kind: survey.LinkApplication, ID: v.ID}); err != nil {
			return err
		}
		d.GrantedAt = chosenItem(v.MeetingItem, d.GrantItems)
	}
	return render(c, status, "fund_application", v.Title, d)
}

// applicationSubmit is a POST of the application page: the step with the
// form's fields.
func (s *server) applicationSubmit(form string) fiber.Handler {
	return s.fundPost(form, func(c *fiber.Ctx, f *survey.Fund) (string, error) {
		cx, cancel := ctx(c)
		defer cancel()
		u, id := currentUser(c), c.Params("id")
		v := &survey.ValidationError{}
		var err error
		switch form {
		case "submit":
			_, err = s.submitApplication(cx, u, f, id, noBody{})
		case "grant":
			in := survey.GrantInput{AmountSEK: kronorField(c, "amount_sek", v), MeetingItem: strings.TrimSpace(c.FormValue("meeting_item"))}
			if err = v.Err(); err == nil {
				_, err = s.grantApplication(cx, u, f, id, in)
			}
		case "reject":
			_, err = s.rejectApplication(cx, u, f, id, survey.ReasonInput{Reason: c.FormValue("reason")})
		case "pay":
			_, err = s.payApplication(cx, u, f, id, noBody{})
		case "report":
			in := survey.AppReportInput{Text: c.FormValue("text"), SpentSEK: kronorField(c, "spent_sek", v)}
			if err = v.Err(); err == nil {
				_, err = s.reportApplication(cx, u, f, id, in)
			}
		case "close":
			_, err = s.closeApplication(cx, u, f, id, noBody{})
		}
		return "", err
	})
}

// reverseData is the confirmation page of a reversal.
type reverseData struct {
	Fund  fundView
	Entry survey.LedgerEntry
	Names names
	Form  fundForm
}

// reverseConfirmPage is GET /fonder/{year}/huvudbok/{id}/rattelse: what the
// reversal will undo, and the reason it needs.
func (s *server) reverseConfirmPage(c *fiber.Ctx) error {
	return s.renderReverse(c, fiber.StatusOK, fundForm{})
}

func (s *server) renderReverse(c *fiber.Ctx, status int, form fundForm) error {
	cx, cancel := ctx(c)
	defer cancel()
	f, l, err := s.fundAndLedger(c, cx)
	if err != nil {
		return err
	}
	e, ok := l.Entry(c.Params("id"))
	if !ok {
		return fiber.ErrNotFound
	}
	n, err := s.names(cx)
	if err != nil {
		return err
	}
	return render(c, status, "fund_reverse", "Rätta posten?", reverseData{Fund: newFundView(f, l), Entry: e, Names: n, Form: form})
}

// reverseSubmit is POST /fonder/{year}/huvudbok/{id}/rattelse.
func (s *server) reverseSubmit(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	f, err := s.loadFund(cx, c)
	if err != nil {
		return err
	}
	if _, err := s.reverseEntry(cx, currentUser(c), f, c.Params("id"), survey.ReasonInput{Reason: c.FormValue("reason")}); err != nil {
		if status, form, ok := failed("reverse", err); ok {
			return s.renderReverse(c, status, form)
		}
		return err
	}
	return c.Redirect("/fonder/"+strconv.Itoa(f.Year)+"#huvudbok", fiber.StatusSeeOther)
}
