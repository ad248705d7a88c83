package survey

import (
	"strings"
	"testing"
	"time"
)

func TestCheckBasicGrant(t *testing.T) {
	now := time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC)
	submitted := func(summary string) *Plan {
		return &Plan{Year: 2026, Status: PlanSubmitted, Summary: summary, Priorities: []Priority{{ID: "p1", FocusArea: "trygghet", Rank: 1}}}
	}
	last := &Plan{Year: 2025, Status: PlanAcknowledged, Summary: "Förra året", Priorities: []Priority{{ID: "p1", FocusArea: "trygghet", Rank: 1}}}
	lastFund := &Fund{Year: 2025, ReportDue: Date{2026, time.March, 31}}
	paid := map[string]RefMoney{"x": {AllocatedSEK: 1, PaidSEK: 1, Allocation: &LedgerEntry{}}}
	base := func() BasicGrantRecords {
		return BasicGrantRecords{Year: 2026, Plan: submitted("I år"), Previous: last, MinN: 5, LastFund: lastFund, LastYearMoney: paid,
			Events: []AnchorEvent{{Kind: AnchorKindMeeting, Method: AnchorMeeting, Date: Date{2026, time.March, 1}, Participants: 30}}}
	}
	tests := []struct {
		name    string
		edit    func(*BasicGrantRecords)
		status  string
		reasons []string
	}{
		{"every rule holds", func(*BasicGrantRecords) {}, BasicEligible, nil},
		{"a first plan counts as changed", func(r *BasicGrantRecords) { r.Previous = nil }, BasicEligible, nil},
		{"no plan this year", func(r *BasicGrantRecords) { r.Plan = nil }, BasicBlocked, []string{ReasonNoPlan}},
		{"a plan not yet submitted", func(r *BasicGrantRecords) { r.Plan.Status = PlanAdopted }, BasicBlocked, []string{ReasonNoPlan}},
		{"a plan unchanged since last year", func(r *BasicGrantRecords) { r.Plan.Summary = last.Summary }, BasicBlocked, []string{ReasonUnchanged}},
		{"only a board meeting", func(r *BasicGrantRecords) {
			r.Events = []AnchorEvent{{Kind: AnchorKindMeeting, Method: AnchorBoard, Date: Date{2026, time.March, 1}, Participants: 6}}
		}, BasicBlocked, []string{ReasonNoAnchoring}},
		{"a meeting more than 12 months ago", func(r *BasicGrantRecords) { r.Events[0].Date = Date{2025, time.April, 1} }, BasicBlocked, []string{ReasonNoAnchoring}},
		{"a survey below min_n", func(r *BasicGrantRecords) {
			r.Events = []AnchorEvent{{Kind: AnchorKindSurvey, Date: Date{2026, time.January, 10}, Participants: 4}}
		}, BasicBlocked, []string{ReasonNoAnchoring}},
		{"a survey with min_n responses", func(r *BasicGrantRecords) {
			r.Events = []AnchorEvent{{Kind: AnchorKindSurvey, Date: Date{2026, time.January, 10}, Participants: 5}}
		}, BasicEligible, nil},
		{"a remiss answer anchored at an open meeting", func(r *BasicGrantRecords) {
			r.Events = []AnchorEvent{{Kind: AnchorKindRemiss, Method: AnchorMeeting, Date: Date{2025, time.November, 2}}}
		}, BasicEligible, nil},
		{"a remiss answer anchored by the board", func(r *BasicGrantRecords) {
			r.Events = []AnchorEvent{{Kind: AnchorKindRemiss, Method: AnchorBoard, Date: Date{2025, time.November, 2}}}
		}, BasicBlocked, []string{ReasonNoAnchoring}},
		{"last year's investment paid and not reported", func(r *BasicGrantRecords) {
			r.LastYear = []Application{{ID: "x", Status: AppGranted}}
		}, BasicBlocked, []string{ReasonUnreported}},
		{"last year's investment reported", func(r *BasicGrantRecords) {
			r.LastYear = []Application{{ID: "x", Status: AppReported}}
		}, BasicEligible, nil},
		{"last year's report not yet due", func(r *BasicGrantRecords) {
			r.LastYear = []Application{{ID: "x", Status: AppGranted}}
			r.LastFund = &Fund{Year: 2025, ReportDue: Date{2026, time.June, 30}}
		}, BasicPending, []string{ReasonNotYetDue}},
		{"an action due last year still planned", func(r *BasicGrantRecords) {
			r.Actions = []PlanAction{{Status: ActionPlanned, Due: Month{2025, time.October}}, {Status: ActionDone, Due: Month{2025, time.May}}}
		}, BasicBlocked, []string{ReasonPlanned}},
		{"an action due this year still planned", func(r *BasicGrantRecords) {
			r.Actions = []PlanAction{{Status: ActionPlanned, Due: Month{2026, time.October}}}
		}, BasicEligible, nil},
		{"every rule fails", func(r *BasicGrantRecords) {
			r.Plan, r.Events = nil, nil
			r.LastYear = []Application{{ID: "x", Status: AppGranted}}
			r.Actions = []PlanAction{{Status: ActionPlanned, Due: Month{2025, time.October}}}
		}, BasicBlocked, []string{ReasonNoPlan, ReasonNoAnchoring, ReasonUnreported, ReasonPlanned}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.edit(&r)
			c := CheckBasicGrant(r, now)
			if got := BasicStatus(c, RefMoney{}, false); got != tt.status || strings.Join(c.Reasons, "|") != strings.Join(tt.reasons, "|") {
				t.Errorf("got %s %q; want %s %q", got, c.Reasons, tt.status, tt.reasons)
			}
		})
	}
	blocked := CheckBasicGrant(BasicGrantRecords{Year: 2026}, now)
	for _, tt := range []struct {
		name       string
		money      RefMoney
		overridden bool
		want       string
	}{
		{"an override makes a blocked village eligible", RefMoney{}, true, BasicEligible},
		{"a live allocation is approved", RefMoney{AllocatedSEK: 6000, Allocation: &LedgerEntry{}}, false, BasicApproved},
		{"a payment is paid", RefMoney{AllocatedSEK: 6000, PaidSEK: 6000, Allocation: &LedgerEntry{}}, false, BasicPaid},
	} {
		if got := BasicStatus(blocked, tt.money, tt.overridden); got != tt.want {
			t.Errorf("%s: got %s; want %s", tt.name, got, tt.want)
		}
	}
}
