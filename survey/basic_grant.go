package survey

import "time"

// Basic grant statuses of a village for a fund year.
const (
	BasicPending  = "pending"  // a rule cannot be decided yet: last year's report is not due yet
	BasicEligible = "eligible" // every rule holds (or an override says so)
	BasicBlocked  = "blocked"  // a rule fails
	BasicApproved = "approved" // allocated in the ledger
	BasicPaid     = "paid"     // paid out in the ledger
)

// The Swedish reasons of the four rules (handlers/locales has the English).
const (
	ReasonNoPlan      = "Årets utvecklingsplan är inte inlämnad"
	ReasonUnchanged   = "Årets plan är inte uppdaterad sedan förra årets"
	ReasonNoAnchoring = "Ingen förankring med invånare de senaste 12 månaderna (enkät med tillräckligt många svar, stormöte med deltagare eller remissvar förankrat vid stormöte; ett styrelsemöte räknas inte)"
	ReasonUnreported  = "Förra årets investeringar är inte återrapporterade"
	ReasonNotYetDue   = "Förra årets investeringar är inte återrapporterade än, men rapporten är inte försenad"
	ReasonPlanned     = "Åtgärder som skulle göras förra året står fortfarande som planerade"
)

// AnchorEvent is one time the group met the village's residents, read from
// the records: a village survey with its responses, a meeting with its
// participants (the plan's adoption or its anchoring evidence), a remiss
// answer with how it was anchored.
type AnchorEvent struct {
	Kind         string // survey, meeting, remiss
	Method       string // for remiss answers and adoptions: meeting, board, survey
	Date         Date
	Participants int
}

// BasicGrantRecords are the records the four rules read for a village.
type BasicGrantRecords struct {
	Year int
	// Plan is the village's plan for Year (its newest version), Previous
	// its latest plan of an earlier year; nil when there is none.
	Plan, Previous *Plan
	Events         []AnchorEvent
	// LastYear are the village's applications to last year's fund with
	// their money; LastFund is that fund (nil when there was none).
	LastYear      []Application
	LastYearMoney map[string]RefMoney
	LastFund      *Fund
	Actions       []PlanAction
	MinN          int
}

// BasicGrantCheck is the result of the four rules for one village.
type BasicGrantCheck struct {
	Eligible bool
	Pending  bool
	Reasons  []string
}

// CheckBasicGrant applies the four rules of the basic grant at now:
//  1. this year's plan is submitted and changed since last year's (a
//     group's first plan counts as changed);
//  2. at least one anchoring event with residents in the last 12 months: a
//     village survey with at least MinN responses, an open meeting
//     (stormöte) with participants, or a remiss answer anchored at an open
//     meeting — a board meeting alone does not count;
//  3. last year's paid investments are reported (pending while the report
//     is not yet due);
//  4. no action due last year is still planned.
func CheckBasicGrant(r BasicGrantRecords, now time.Time) BasicGrantCheck {
	var out BasicGrantCheck
	blocked := false
	fail := func(reason string) { out.Reasons = append(out.Reasons, reason); blocked = true }
	switch {
	case r.Plan == nil || r.Plan.Status != PlanSubmitted && r.Plan.Status != PlanAcknowledged:
		fail(ReasonNoPlan)
	case r.Previous != nil && !planChanged(r.Previous, r.Plan):
		fail(ReasonUnchanged)
	}
	if !anchored(r.Events, r.MinN, now) {
		fail(ReasonNoAnchoring)
	}
	pending := false
	for _, a := range r.LastYear {
		if a.Status != AppGranted || r.LastYearMoney[a.ID].PaidSEK == 0 {
			continue
		}
		if r.LastFund != nil && now.Before(r.LastFund.ReportDue.End()) {
			if !pending {
				out.Reasons = append(out.Reasons, ReasonNotYetDue)
			}
			pending = true
			continue
		}
		fail(ReasonUnreported)
		break
	}
	for _, a := range r.Actions {
		if a.Status == ActionPlanned && a.Due.Year == r.Year-1 {
			fail(ReasonPlanned)
			break
		}
	}
	if out.Reasons == nil {
		out.Reasons = []string{}
	}
	out.Eligible = !blocked && !pending
	out.Pending = !blocked && pending
	return out
}

// planChanged reports whether this year's plan differs from last year's in
// its summary or priorities.
func planChanged(prev, cur *Plan) bool {
	d := Diff(prev, cur)
	return d.SummaryChanged || len(d.Added)+len(d.Removed)+len(d.Changed) > 0
}

// anchored reports whether an event with residents happened in the 12
// months up to now.
func anchored(events []AnchorEvent, minN int, now time.Time) bool {
	today := DateOf(now)
	since := DateOf(now.AddDate(-1, 0, 0))
	for _, e := range events {
		if e.Date.IsZero() || e.Date.Before(since) || today.Before(e.Date) {
			continue
		}
		switch {
		case e.Kind == AnchorKindSurvey && e.Participants >= minN:
			return true
		case e.Kind == AnchorKindMeeting && (e.Method == "" || e.Method == AnchorMeeting) && e.Participants > 0:
			return true
		case e.Kind == AnchorKindRemiss && e.Method == AnchorMeeting:
			return true
		}
	}
	return false
}

// BasicStatus is a village's basic grant status: the ledger's (approved,
// paid) first, then an override, then the rules.
func BasicStatus(c BasicGrantCheck, m RefMoney, overridden bool) string {
	switch {
	case m.PaidSEK > 0:
		return BasicPaid
	case m.Allocation != nil:
		return BasicApproved
	case c.Eligible || overridden:
		return BasicEligible
	case c.Pending:
		return BasicPending
	}
	return BasicBlocked
}

// Override is an official's decision that a village gets its basic grant
// although a rule fails.
type Override struct {
	Fund    int       `json:"fund"`
	Village string    `json:"village"`
	Reason  string    `json:"reason"`
	By      string    `json:"-"`
	At      time.Time `json:"at"`
}
