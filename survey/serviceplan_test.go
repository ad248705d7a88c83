package survey

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"2027–2028", "2027–2028", true},
		{"2027-2028", "2027–2028", true},
		{" 2027 — 2028 ", "2027–2028", true},
		{"2027–2027", "2027–2027", true},
		{"2028–2027", "", false},
		{"2027–2032", "", false},
		{"1999–2000", "", false},
		{"2027", "", false},
		{"tjugo–tjugoett", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePeriod(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("got error %v; want ok %v", err, tt.ok)
			}
			if tt.ok && p.String() != tt.want {
				t.Errorf("got %q; want %q", p.String(), tt.want)
			}
		})
	}
	if got := (Period{From: 2027, To: 2028}).Next().String(); got != "2029–2030" {
		t.Errorf("Next: got %q; want 2029–2030", got)
	}
}

func servicePlansFixture() ([]*Plan, []PlanAction) {
	plans := []*Plan{
		{ID: "aby-2026", Village: "aby", Year: 2026, Priorities: []Priority{{ID: "a1", FocusArea: "vag", Rank: 1, Label: "Vägen"}, {ID: "a2", FocusArea: "skola", Rank: 2}}},
		{ID: "bby-2026", Village: "bby", Year: 2026, Priorities: []Priority{{ID: "b1", FocusArea: "vag", Rank: 2}}},
	}
	actions := []PlanAction{
		{ID: "x1", Plan: "aby-2026", Priority: "a1", Owner: OwnerMunicipality, Department: "sbf", Status: ActionPlanned},
		{ID: "x2", Plan: "aby-2026", Priority: "a1", Owner: OwnerGroup, Status: ActionPlanned},
		{ID: "x3", Plan: "bby-2026", Priority: "b1", Owner: OwnerJoint, Department: "sbf", Status: ActionInProgress},
		{ID: "x4", Plan: "bby-2026", Priority: "b1", Owner: OwnerMunicipality, Status: ActionDropped},
		{ID: "x5", Plan: "aby-2025", Priority: "a1", Owner: OwnerMunicipality, Status: ActionPlanned},
	}
	return plans, actions
}

func TestGenerateServiceItemsFollowsTheMatrixAndItsSources(t *testing.T) {
	plans, actions := servicePlansFixture()
	items := GenerateServiceItems(plans, actions, nil)
	if len(items) != 2 {
		t.Fatalf("got %d items; want 2 (one per focus area named)", len(items))
	}
	vag, skola := items[0], items[1]
	tests := []struct {
		name      string
		got, want any
	}{
		{"the shared area comes first", vag.FocusArea, "vag"},
		{"its villages", vag.Villages, []string{"aby", "bby"}},
		{"its share", vag.Share, 1.0},
		{"its kind", vag.Kind, AreaCommon},
		{"the municipality's and joint actions, not the group's, dropped or other plans'", vag.Actions, []string{"x1", "x3"}},
		{"the department most of its actions name", vag.Department, "sbf"},
		{"the sources", vag.Sources, []ServiceSource{{Plan: "aby-2026", Priority: "a1", Village: "aby", Year: 2026, Rank: 1, Label: "Vägen"}, {Plan: "bby-2026", Priority: "b1", Village: "bby", Year: 2026, Rank: 2}}},
		{"a unique area", skola.Kind, AreaUnique},
		{"a unique area's villages", skola.Villages, []string{"aby"}},
		{"an item without actions has an empty list", skola.Actions, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !equalJSON(tt.got, tt.want) {
				t.Errorf("got %v; want %v", tt.got, tt.want)
			}
		})
	}
}

func TestGenerateServiceItemsCarriesTheForumsWork(t *testing.T) {
	plans, actions := servicePlansFixture()
	carry := []ServiceItem{{ID: "vag", Goal: "Plogning före 07", Department: "tekn", Actions: []string{"x9"}}, {ID: "gone", Goal: "Borta"}}
	items := GenerateServiceItems(plans, actions, carry)
	if len(items) != 2 {
		t.Fatalf("got %d items; want 2 (an area no plan names any more is not carried)", len(items))
	}
	if got := items[0]; got.Goal != "Plogning före 07" || got.Department != "tekn" || !equalJSON(got.Actions, []string{"x9", "x1", "x3"}) {
		t.Errorf("got goal %q, department %q, actions %v; want the carried goal, department and actions with the new ones", got.Goal, got.Department, got.Actions)
	}
}

var spNow = time.Date(2027, 3, 10, 12, 0, 0, 0, Stockholm)

func draftServicePlan() *ServicePlan {
	return &ServicePlan{ID: "sp", Version: 1, Period: "2027–2028", Status: ServiceDraft, Items: []ServiceItem{{ID: "vag", FocusArea: "vag", Actions: []string{}}}}
}

func TestServicePlanLifecycle(t *testing.T) {
	p := draftServicePlan()
	steps := []struct {
		name string
		do   func() error
		want string
	}{
		{"review", func() error { return p.Review(spNow, "u1") }, ServiceForumReview},
		{"adopt", func() error { return p.Adopt(ServiceAdoptInput{MeetingItem: "m1/i2"}, spNow, "u2") }, ServiceAdopted},
		{"send", func() error {
			return p.Send(ServiceSendInput{Date: "2027-03-01", DiaryNumber: "KS 2027/12"}, spNow, "u1")
		}, ServiceSent},
		{"decide", func() error { return p.Decide(ServiceDecideInput{Date: "2027-03-09", Paragraph: "§ 45"}, spNow, "u1") }, ServiceInForce},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: got %v; want nil", s.name, err)
		}
		if p.Status != s.want {
			t.Fatalf("%s: got status %s; want %s", s.name, p.Status, s.want)
		}
	}
	if len(p.History) != 4 || p.History[1].By != "u2" || p.History[3].To != ServiceInForce {
		t.Errorf("got history %+v; want four steps with who", p.History)
	}
	due, ok := p.RevisionDue()
	if !ok || due.String() != "2029-03-09" {
		t.Errorf("got revision due %v %v; want 2029-03-09", due, ok)
	}
	if p.Adoption.MeetingItem != "m1/i2" || p.Sending.DiaryNumber != "KS 2027/12" || p.Decision.Paragraph != "§ 45" {
		t.Errorf("got %+v %+v %+v; want the recorded adoption, sending and decision", p.Adoption, p.Sending, p.Decision)
	}
	if err := p.Review(spNow, "u1"); !errors.Is(err, ErrConflict) {
		t.Errorf("review of a plan in force: got %v; want ErrConflict", err)
	}
}

func TestServicePlanTransitionsRefuseWhatTheTableDoesNot(t *testing.T) {
	tests := []struct {
		name   string
		status string
		do     func(p *ServicePlan) error
	}{
		{"adopt a draft", ServiceDraft, func(p *ServicePlan) error { return p.Adopt(ServiceAdoptInput{}, spNow, "u") }},
		{"send a draft", ServiceDraft, func(p *ServicePlan) error {
			return p.Send(ServiceSendInput{Date: "2027-03-01", DiaryNumber: "KS 1"}, spNow, "u")
		}},
		{"decide an adopted plan", ServiceAdopted, func(p *ServicePlan) error {
			return p.Decide(ServiceDecideInput{Date: "2027-03-01", Paragraph: "§ 1"}, spNow, "u")
		}},
		{"review a sent plan", ServiceSent, func(p *ServicePlan) error { return p.Review(spNow, "u") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := draftServicePlan()
			p.Status = tt.status
			if err := tt.do(p); !errors.Is(err, ErrConflict) {
				t.Errorf("got %v; want ErrConflict", err)
			}
			if p.Status != tt.status {
				t.Errorf("got status %s; want it unchanged %s", p.Status, tt.status)
			}
		})
	}
}

func TestServicePlanSendAndDecideNameTheirFields(t *testing.T) {
	sent := func() *ServicePlan {
		p := draftServicePlan()
		p.Status, p.Sending = ServiceSent, &ServiceSending{Date: Date{2027, time.March, 1}, DiaryNumber: "KS 1"}
		return p
	}
	tests := []struct {
		name  string
		do    func() error
		field string
	}{
		{"send without a date", func() error {
			p := draftServicePlan()
			p.Status = ServiceAdopted
			return p.Send(ServiceSendInput{DiaryNumber: "KS 1"}, spNow, "u")
		}, "date"},
		{"send without a diary number", func() error {
			p := draftServicePlan()
			p.Status = ServiceAdopted
			return p.Send(ServiceSendInput{Date: "2027-03-01"}, spNow, "u")
		}, "diary_number"},
		{"send in the future", func() error {
			p := draftServicePlan()
			p.Status = ServiceAdopted
			return p.Send(ServiceSendInput{Date: "2027-04-01", DiaryNumber: "KS 1"}, spNow, "u")
		}, "date"},
		{"decide without a paragraph", func() error { return sent().Decide(ServiceDecideInput{Date: "2027-03-05"}, spNow, "u") }, "paragraph"},
		{"decide before it was sent", func() error {
			return sent().Decide(ServiceDecideInput{Date: "2027-02-05", Paragraph: "§ 3"}, spNow, "u")
		}, "date"},
		{"decide on a malformed date", func() error {
			return sent().Decide(ServiceDecideInput{Date: "5 mars", Paragraph: "§ 3"}, spNow, "u")
		}, "date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v *ValidationError
			err := tt.do()
			if !errors.As(err, &v) || v.For(tt.field) == "" {
				t.Errorf("got %v; want a validation error naming %s", err, tt.field)
			}
		})
	}
}

func TestServicePlanItemsChangeOnlyUntilSent(t *testing.T) {
	dept := func(id string) bool { return id == "sbf" }
	act := func(id string) (string, bool) {
		owners := map[string]string{"m": OwnerMunicipality, "g": OwnerGroup}
		o, ok := owners[id]
		return o, ok
	}
	str := func(s string) *string { return &s }
	ids := func(s ...string) *[]string { return &s }
	tests := []struct {
		name   string
		status string
		item   string
		in     ServiceItemEdit
		want   error
		field  string
	}{
		{"a draft's goal changes", ServiceDraft, "vag", ServiceItemEdit{Goal: str("Mål"), Department: str("sbf"), Actions: ids("m", "m")}, nil, ""},
		{"in forum review too", ServiceForumReview, "vag", ServiceItemEdit{Goal: str("Mål")}, nil, ""},
		{"an adopted plan's items do not", ServiceAdopted, "vag", ServiceItemEdit{Goal: str("Mål")}, ErrConflict, ""},
		{"a sent plan's items do not", ServiceSent, "vag", ServiceItemEdit{Goal: str("Mål")}, ErrConflict, ""},
		{"an unknown item", ServiceDraft, "nope", ServiceItemEdit{Goal: str("Mål")}, ErrNotFound, ""},
		{"an unknown department", ServiceDraft, "vag", ServiceItemEdit{Department: str("x")}, nil, "department"},
		{"an unknown action", ServiceDraft, "vag", ServiceItemEdit{Actions: ids("m", "zz")}, nil, "actions[1]"},
		{"the group's own action", ServiceDraft, "vag", ServiceItemEdit{Actions: ids("g")}, nil, "actions[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := draftServicePlan()
			p.Status = tt.status
			err := p.EditItem(tt.item, tt.in, dept, act)
			switch {
			case tt.field != "":
				var v *ValidationError
				if !errors.As(err, &v) || v.For(tt.field) == "" {
					t.Errorf("got %v; want a validation error naming %s", err, tt.field)
				}
			case tt.want != nil:
				if !errors.Is(err, tt.want) {
					t.Errorf("got %v; want %v", err, tt.want)
				}
			case err != nil:
				t.Errorf("got %v; want nil", err)
			}
		})
	}
	p := draftServicePlan()
	if err := p.EditItem("vag", ServiceItemEdit{Goal: str("  Mål  "), Actions: ids("m", "m")}, dept, act); err != nil {
		t.Fatal(err)
	}
	if err := p.EditItem("vag", ServiceItemEdit{Department: str("sbf")}, dept, act); err != nil {
		t.Fatal(err)
	}
	if it := p.Items[0]; it.Goal != "Mål" || it.Department != "sbf" || !equalJSON(it.Actions, []string{"m"}) {
		t.Errorf("got %+v; want the goal trimmed, the department set and one action, the goal kept when left out", it)
	}
}

func TestServicePlanReviseAndSupersede(t *testing.T) {
	p := draftServicePlan()
	if _, err := p.Revise("", nil, spNow, "u"); !errors.Is(err, ErrConflict) {
		t.Errorf("revise a draft: got %v; want ErrConflict", err)
	}
	p.Status, p.Decision = ServiceInForce, &ServiceDecision{Date: Date{2027, time.March, 9}, Paragraph: "§ 1"}
	if _, err := p.Revise("2030", nil, spNow, "u"); err == nil {
		t.Errorf("revise with a malformed period: got nil; want a validation error")
	}
	next, err := p.Revise("2029-2030", []ServiceItem{}, spNow, "u")
	if err != nil {
		t.Fatal(err)
	}
	if next.ID != "sp" || next.Version != 2 || next.Status != ServiceDraft || next.Period != "2029–2030" {
		t.Errorf("got %+v; want version 2 of sp, a draft for 2029–2030", next)
	}
	MarkSuperseded([]*ServicePlan{p, next})
	if p.Status != ServiceInForce {
		t.Errorf("with the revision only drafted: got %s; want in_force", p.Status)
	}
	next.Status, next.Decision = ServiceInForce, &ServiceDecision{Date: Date{2029, time.March, 1}, Paragraph: "§ 9"}
	MarkSuperseded([]*ServicePlan{next, p})
	if p.Status != ServiceSuperseded || next.Status != ServiceInForce {
		t.Errorf("got %s and %s; want the old version superseded, the new in force", p.Status, next.Status)
	}
}

func TestRevisionDueAndShown(t *testing.T) {
	tests := []struct {
		decided Date
		due     string
		now     time.Time
		shown   bool
	}{
		{Date{2027, time.March, 9}, "2029-03-09", time.Date(2028, 12, 8, 12, 0, 0, 0, Stockholm), false},
		{Date{2027, time.March, 9}, "2029-03-09", time.Date(2028, 12, 9, 0, 30, 0, 0, Stockholm), true},
		{Date{2028, time.February, 29}, "2030-02-28", time.Date(2030, 3, 1, 12, 0, 0, 0, Stockholm), true},
	}
	for _, tt := range tests {
		t.Run(tt.decided.String(), func(t *testing.T) {
			p := &ServicePlan{Status: ServiceInForce, Decision: &ServiceDecision{Date: tt.decided}}
			due, _ := p.RevisionDue()
			if due.String() != tt.due {
				t.Errorf("got due %s; want %s", due, tt.due)
			}
			if got := p.RevisionShown(tt.now); got != tt.shown {
				t.Errorf("got shown %v at %s; want %v", got, tt.now, tt.shown)
			}
		})
	}
}

func TestDiffServicePlans(t *testing.T) {
	from := &ServicePlan{Version: 1, Items: []ServiceItem{
		{ID: "vag", Goal: "A", Villages: []string{"aby"}}, {ID: "skola", Goal: "S"}}}
	to := &ServicePlan{Version: 2, Items: []ServiceItem{
		{ID: "vag", Goal: "B", Villages: []string{"aby", "bby"}}, {ID: "trygghet"}}}
	d := DiffServicePlans(from, to)
	if len(d.Added) != 1 || d.Added[0].ID != "trygghet" {
		t.Errorf("got added %+v; want trygghet", d.Added)
	}
	if len(d.Removed) != 1 || d.Removed[0].ID != "skola" {
		t.Errorf("got removed %+v; want skola", d.Removed)
	}
	if len(d.Changed) != 1 || !equalJSON(d.Changed[0].Fields, []string{"villages", "goal"}) {
		t.Errorf("got changed %+v; want vag with villages and goal", d.Changed)
	}
	if same := DiffServicePlans(from, from); len(same.Added)+len(same.Removed)+len(same.Changed) != 0 {
		t.Errorf("a version against itself: got %+v; want no changes", same)
	}
}

// equalJSON compares two values by their JSON (slices, structs and numbers
// alike).
func equalJSON(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(x) == string(y)
}
