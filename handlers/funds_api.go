package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// Audit actions of the bygdepeng.
const (
	auditFundCreated      = "fund.created"
	auditBasicApproved    = "fund.basic_grant_approved"
	auditBasicPaid        = "fund.basic_grant_paid"
	auditBasicOverridden  = "fund.basic_grant_overridden"
	auditAppCreated       = "fund.application_created"
	auditAppSubmitted     = "fund.application_submitted"
	auditAppGranted       = "fund.application_granted"
	auditAppRejected      = "fund.application_rejected"
	auditAppPaid          = "fund.application_paid"
	auditAppReported      = "fund.application_reported"
	auditAppClosed        = "fund.application_closed"
	auditAppReturned      = "fund.application_returned"
	auditEntryReversed    = "fund.entry_reversed"
	auditLedgerReconciled = "fund.reconciled"
)

// fundView is a fund with its figures, all computed from the ledger.
type fundView struct {
	Year              int                 `json:"year"`
	TotalSEK          int64               `json:"total_sek"`
	BasicGrantsSEK    int64               `json:"basic_grants_sek"`
	AllocatedSEK      int64               `json:"allocated_sek"`
	PaidSEK           int64               `json:"paid_sek"`
	ReturnedSEK       int64               `json:"returned_sek"`
	RemainingSEK      int64               `json:"remaining_sek"`
	Sources           []survey.FundSource `json:"sources"`
	BasicGrantSEK     int64               `json:"basic_grant_sek"`
	ApplicationCloses survey.Date         `json:"application_closes"`
	ReportDue         survey.Date         `json:"report_due"`
	Entries           int                 `json:"entries"`
}

func newFundView(f *survey.Fund, l survey.Ledger) fundView {
	t := l.Totals()
	return fundView{Year: f.Year, TotalSEK: f.TotalSEK(), BasicGrantsSEK: t.BasicGrantsSEK, AllocatedSEK: t.AllocatedSEK,
		PaidSEK: t.PaidSEK, ReturnedSEK: t.ReturnedSEK, RemainingSEK: l.Remaining(), Sources: f.Sources,
		BasicGrantSEK: f.BasicGrantSEK, ApplicationCloses: f.ApplicationCloses, ReportDue: f.ReportDue, Entries: len(l.Entries)}
}

// loadFund reads the fund of the route's :year; a year that is no number is
// 404 like a year without a fund.
func (s *server) loadFund(cx context.Context, c *fiber.Ctx) (*survey.Fund, error) {
	year, err := strconv.Atoi(c.Params("year"))
	if err != nil || year < 1 || year > 9999 {
		return nil, fmt.Errorf("år %q: %w", c.Params("year"), survey.ErrNotFound)
	}
	return s.funds.Fund(cx, year)
}

// fundAndLedger reads the route's fund and its ledger.
func (s *server) fundAndLedger(c *fiber.Ctx, cx context.Context) (*survey.Fund, survey.Ledger, error) {
	f, err := s.loadFund(cx, c)
	if err != nil {
		return nil, survey.Ledger{}, err
	}
	l, err := s.funds.FundLedger(cx, f)
	return f, l, err
}

func (s *server) createFund(c *fiber.Ctx) error {
	var in survey.NewFund
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	f, err := s.startFund(cx, currentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(newFundView(f, survey.Ledger{Year: f.Year, TotalSEK: f.TotalSEK()}))
}

// startFund validates and stores a new fund year.
func (s *server) startFund(cx context.Context, u *survey.User, in survey.NewFund) (*survey.Fund, error) {
	if err := allow(u, survey.ManageFunds); err != nil {
		return nil, err
	}
	f, err := in.Fund(s.now(), u.ID)
	if err != nil {
		return nil, err
	}
	if err := s.funds.CreateFund(cx, f); err != nil {
		if errors.Is(err, survey.ErrConflict) {
			return nil, fieldError("year", fmt.Sprintf("Det finns redan en bygdepeng för %d", f.Year))
		}
		return nil, err
	}
	s.record(cx, u, auditFundCreated, fundTarget(f.Year), survey.Kronor(f.TotalSEK()))
	return f, nil
}

func fundTarget(year int) string { return "fund/" + strconv.Itoa(year) }

func (s *server) listFunds(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	funds, err := s.funds.ListFunds(cx)
	if err != nil {
		return err
	}
	out := make([]fundView, 0, len(funds))
	for _, f := range funds {
		l, err := s.funds.FundLedger(cx, f)
		if err != nil {
			return err
		}
		out = append(out, newFundView(f, l))
	}
	return c.JSON(out)
}

func (s *server) getFund(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	f, l, err := s.fundAndLedger(c, cx)
	if err != nil {
		return err
	}
	return c.JSON(newFundView(f, l))
}

func (s *server) getLedger(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	_, l, err := s.fundAndLedger(c, cx)
	if err != nil {
		return err
	}
	return c.JSON(l.Entries)
}

// moneyConflict answers a refusal of the ledger with its own message (how
// much is left, what must be reversed first) rather than the generic one.
func moneyConflict(c *fiber.Ctx, err error) error {
	if errors.Is(err, survey.ErrConflict) || errors.Is(err, survey.ErrClosed) {
		return c.Status(fiber.StatusConflict).JSON(errorBody{Error: translate(apiLang(c), errorText(err))})
	}
	return err
}

func (s *server) reverseEntryAPI(c *fiber.Ctx) error {
	var in survey.ReasonInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	f, err := s.loadFund(cx, c)
	if err != nil {
		return err
	}
	e, err := s.reverseEntry(cx, currentUser(c), f, c.Params("id"), in)
	if err != nil {
		return moneyConflict(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

// reverseEntry appends the reversal of entry id, then brings an application
// whose allocation it undid back to undecided.
func (s *server) reverseEntry(cx context.Context, u *survey.User, f *survey.Fund, id string, in survey.ReasonInput) (survey.LedgerEntry, error) {
	if err := allow(u, survey.ManageFunds); err != nil {
		return survey.LedgerEntry{}, err
	}
	if err := in.Check(); err != nil {
		return survey.LedgerEntry{}, err
	}
	e, err := s.funds.Append(cx, f, func(l survey.Ledger) (survey.LedgerEntry, error) {
		return l.Next(survey.EntryInput{Kind: survey.EntryReverse, Reverses: id, Reason: in.Reason, By: u.ID}, s.now())
	})
	if err != nil {
		return e, err
	}
	s.record(cx, u, auditEntryReversed, fundTarget(f.Year)+"/ledger/"+id, in.Reason)
	if appID, ok := strings.CutPrefix(e.Ref, survey.RefApplicationPrefix); ok {
		if _, err := s.reconciledApplication(cx, f, appID); err != nil {
			return e, err
		}
	}
	return e, nil
}

// basicGrantView is a village's basic grant for a fund year.
type basicGrantView struct {
	Village   string           `json:"village"`
	Name      string           `json:"name"`
	Eligible  bool             `json:"eligible"`
	Reasons   []string         `json:"reasons"`
	ReasonsEN []string         `json:"reasons_en"`
	Status    string           `json:"status"`
	AmountSEK int64            `json:"amount_sek"`
	PaidSEK   int64            `json:"paid_sek"`
	Override  *survey.Override `json:"override,omitempty"`
	Entry     string           `json:"entry,omitempty"`
}

// basicGrants checks every village's basic grant from the records: plans,
// actions, surveys, remiss answers and last year's applications, each read
// once (small collections) — the tallies per survey of the last 12 months.
func (s *server) basicGrants(cx context.Context, f *survey.Fund, l survey.Ledger) ([]basicGrantView, error) {
	villages, err := s.villages.List(cx)
	if err != nil {
		return nil, err
	}
	plans, err := s.plans.ListPlans(cx, "")
	if err != nil {
		return nil, err
	}
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{})
	if err != nil {
		return nil, err
	}
	overrides, err := s.funds.Overrides(cx, f.Year)
	if err != nil {
		return nil, err
	}
	last, err := s.lastYear(cx, f.Year-1)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]basicGrantView, 0, len(villages))
	for _, v := range villages {
		r := survey.BasicGrantRecords{Year: f.Year, MinN: s.cfg.MinN, LastFund: last.fund, LastYearMoney: last.money}
		for _, p := range plans {
			switch {
			case p.Village != v.Slug:
			case p.Year == f.Year:
				r.Plan = p
			case p.Year < f.Year && (r.Previous == nil || p.Year > r.Previous.Year):
				r.Previous = p
			}
		}
		for _, a := range actions {
			if a.Village == v.Slug {
				r.Actions = append(r.Actions, a)
			}
		}
		for _, a := range last.apps {
			if a.Village == v.Slug {
				r.LastYear = append(r.LastYear, *a)
			}
		}
		if r.Events, err = s.anchorEvents(cx, v.Slug, r.Plan, r.Previous); err != nil {
			return nil, err
		}
		check := survey.CheckBasicGrant(r, now)
		m := l.Ref(survey.BasicRef(v.Slug))
		o, overridden := overrides[v.Slug]
		view := basicGrantView{Village: v.Slug, Name: v.Name, Eligible: check.Eligible || overridden, Reasons: check.Reasons,
			Status: survey.BasicStatus(check, m, overridden), AmountSEK: f.BasicGrantSEK, PaidSEK: m.PaidSEK}
		for _, reason := range check.Reasons {
			view.ReasonsEN = append(view.ReasonsEN, translate("en", reason))
		}
		if view.ReasonsEN == nil {
			view.ReasonsEN = []string{}
		}
		if overridden {
			view.Override = &o
		}
		if m.Allocation != nil {
			view.AmountSEK, view.Entry = m.AllocatedSEK, m.Allocation.ID
		}
		out = append(out, view)
	}
	return out, nil
}

// lastYearRecords are last year's fund, applications and their money.
type lastYearRecords struct {
	fund  *survey.Fund
	apps  []*survey.Application
	money map[string]survey.RefMoney
}

func (s *server) lastYear(cx context.Context, year int) (lastYearRecords, error) {
	out := lastYearRecords{money: map[string]survey.RefMoney{}}
	f, err := s.funds.Fund(cx, year)
	if isNotFound(err) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	l, err := s.funds.FundLedger(cx, f)
	if err != nil {
		return out, err
	}
	apps, err := s.funds.ListApplications(cx, year)
	if err != nil {
		return out, err
	}
	out.fund, out.apps = f, apps
	for _, a := range apps {
		out.money[a.ID] = l.Ref(survey.ApplicationRef(a.ID))
	}
	return out, nil
}

// anchorEvents are the times the village's group met residents, from the
// records: its surveys with their responses, the meetings that adopted its
// plans or that the plan names as evidence, and its remiss answers with how
// they were anchored.
func (s *server) anchorEvents(cx context.Context, slug string, plans ...*survey.Plan) ([]survey.AnchorEvent, error) {
	var out []survey.AnchorEvent
	since := s.now().AddDate(-1, 0, -1)
	surveys, err := s.surveys.List(cx, storage.SurveyFilter{Village: slug})
	if err != nil {
		return nil, err
	}
	for _, sv := range surveys {
		if sv.Opened == nil || sv.Opened.Before(since) {
			continue
		}
		tallies, err := s.responses.Tallies(cx, sv.ID)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, t := range tallies {
			if t.Village == slug {
				n += t.Responses
			}
		}
		out = append(out, survey.AnchorEvent{Kind: survey.AnchorKindSurvey, Date: survey.DateOf(*sv.Opened), Participants: n})
	}
	for _, p := range plans {
		if p == nil {
			continue
		}
		if a := p.Adoption; a != nil {
			out = append(out, survey.AnchorEvent{Kind: survey.AnchorKindMeeting, Method: a.Method, Date: a.Date, Participants: a.Participants})
		}
		for _, a := range p.Anchoring {
			if a.Kind == survey.AnchorKindMeeting {
				out = append(out, survey.AnchorEvent{Kind: survey.AnchorKindMeeting, Date: a.Date, Participants: a.Participants})
			}
		}
	}
	answers, err := s.groupAnswers(cx, slug)
	if err != nil {
		return nil, err
	}
	for _, ga := range answers {
		a := ga.Answer
		out = append(out, survey.AnchorEvent{Kind: survey.AnchorKindRemiss, Method: a.Anchoring.Method, Date: survey.DateOf(a.AnsweredAt), Participants: a.Anchoring.Participants})
	}
	return out, nil
}

func (s *server) listBasicGrants(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	f, l, err := s.fundAndLedger(c, cx)
	if err != nil {
		return err
	}
	out, err := s.basicGrants(cx, f, l)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// basicGrantOf is one village's basic grant view.
func (s *server) basicGrantOf(cx context.Context, f *survey.Fund, slug string) (basicGrantView, error) {
	l, err := s.funds.FundLedger(cx, f)
	if err != nil {
		return basicGrantView{}, err
	}
	all, err := s.basicGrants(cx, f, l)
	if err != nil {
		return basicGrantView{}, err
	}
	for _, b := range all {
		if b.Village == slug {
			return b, nil
		}
	}
	return basicGrantView{}, fmt.Errorf("by %q: %w", slug, survey.ErrNotFound)
}

// approveBasic allocates an eligible village's basic grant; the ledger
// refuses a second allocation and one larger than what is left.
func (s *server) approveBasic(cx context.Context, u *survey.User, f *survey.Fund, slug string) (survey.LedgerEntry, error) {
	if err := allow(u, survey.ManageFunds); err != nil {
		return survey.LedgerEntry{}, err
	}
	b, err := s.basicGrantOf(cx, f, slug)
	if err != nil {
		return survey.LedgerEntry{}, err
	}
	if b.Status == survey.BasicBlocked || b.Status == survey.BasicPending {
		return survey.LedgerEntry{}, survey.Refuse(survey.ErrConflict, "Byn uppfyller inte villkoren för grundbidrag")
	}
	e, err := s.funds.Append(cx, f, func(l survey.Ledger) (survey.LedgerEntry, error) {
		return l.Next(survey.EntryInput{Kind: survey.EntryAllocate, Village: slug, AmountSEK: f.BasicGrantSEK, Ref: survey.BasicRef(slug), By: u.ID}, s.now())
	})
	if err != nil {
		return e, err
	}
	s.record(cx, u, auditBasicApproved, fundTarget(f.Year)+"/basic/"+slug, e.ID)
	return e, nil
}

// payBasic pays out an approved basic grant.
func (s *server) payBasic(cx context.Context, u *survey.User, f *survey.Fund, slug string) (survey.LedgerEntry, error) {
	if err := allow(u, survey.ManageFunds); err != nil {
		return survey.LedgerEntry{}, err
	}
	if _, err := s.villages.Get(cx, slug); err != nil {
		return survey.LedgerEntry{}, err
	}
	e, err := s.funds.Append(cx, f, func(l survey.Ledger) (survey.LedgerEntry, error) {
		return l.Next(survey.EntryInput{Kind: survey.EntryPay, Ref: survey.BasicRef(slug), By: u.ID}, s.now())
	})
	if err != nil {
		return e, err
	}
	s.record(cx, u, auditBasicPaid, fundTarget(f.Year)+"/basic/"+slug, e.ID)
	return e, nil
}

// overrideBasic records that a village gets its basic grant although a rule
// fails, with the reason (audited).
func (s *server) overrideBasic(cx context.Context, u *survey.User, f *survey.Fund, slug string, in survey.ReasonInput) (survey.Override, error) {
	if err := allow(u, survey.ManageFunds); err != nil {
		return survey.Override{}, err
	}
	if err := in.Check(); err != nil {
		return survey.Override{}, err
	}
	if _, err := s.villages.Get(cx, slug); err != nil {
		return survey.Override{}, err
	}
	o := survey.Override{Fund: f.Year, Village: slug, Reason: in.Reason, By: u.ID, At: s.now().UTC()}
	if err := s.funds.AddOverride(cx, o); err != nil {
		return o, err
	}
	s.record(cx, u, auditBasicOverridden, fundTarget(f.Year)+"/basic/"+slug, in.Reason)
	return o, nil
}

// basicStep is a POST on a village's basic grant: approve or pay.
func (s *server) basicStep(step func(cx context.Context, u *survey.User, f *survey.Fund, slug string) (survey.LedgerEntry, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cx, cancel := ctx(c)
		defer cancel()
		f, err := s.loadFund(cx, c)
		if err != nil {
			return err
		}
		if _, err := step(cx, currentUser(c), f, c.Params("slug")); err != nil {
			return moneyConflict(c, err)
		}
		b, err := s.basicGrantOf(cx, f, c.Params("slug"))
		if err != nil {
			return err
		}
		return c.JSON(b)
	}
}

func (s *server) overrideBasicAPI(c *fiber.Ctx) error {
	var in survey.ReasonInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	f, err := s.loadFund(cx, c)
	if err != nil {
		return err
	}
	if _, err := s.overrideBasic(cx, currentUser(c), f, c.Params("slug"), in); err != nil {
		return moneyConflict(c, err)
	}
	b, err := s.basicGrantOf(cx, f, c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(b)
}
