package survey

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Statuses of the municipal development and service plan (kommunal
// utvecklings- och serviceplan): the forum drafts and reviews it, adopts it,
// the municipality sends it to the council, the council decides it and it is
// in force until a newer version is decided.
const (
	ServiceDraft       = "draft"
	ServiceForumReview = "forum_review"
	ServiceAdopted     = "adopted"
	ServiceSent        = "sent"
	ServiceInForce     = "in_force"
	// ServiceSuperseded is computed: an in-force version with a newer
	// version decided after it (see MarkSuperseded).
	ServiceSuperseded = "superseded"
)

// RevisionMonths is how long a decided service plan runs before its revision
// is due.
const RevisionMonths = 24

// RevisionWarningMonths is how long before the revision is due it shows in
// "Att göra".
const RevisionWarningMonths = 3

// Period is the years a service plan covers, e.g. 2027–2028.
type Period struct {
	From, To int
}

// ParsePeriod reads "2027–2028" (en dash, hyphen or em dash, spaces
// allowed): at most four years, from 2000 to 2100.
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	for _, dash := range []string{"–", "—", "-"} {
		from, to, ok := strings.Cut(s, dash)
		if !ok {
			continue
		}
		a, errA := strconv.Atoi(strings.TrimSpace(from))
		b, errB := strconv.Atoi(strings.TrimSpace(to))
		if errA != nil || errB != nil || a < 2000 || b > 2100 || b < a || b-a > 3 {
			break
		}
		return Period{From: a, To: b}, nil
	}
	return Period{}, fmt.Errorf("perioden %q: skriv två år, t.ex. 2027–2028", s)
}

// String writes the period with an en dash: "2027–2028".
func (p Period) String() string { return fmt.Sprintf("%d–%d", p.From, p.To) }

// Next is the period of the same length that follows p.
func (p Period) Next() Period { n := p.To - p.From + 1; return Period{From: p.From + n, To: p.To + n} }

// ServicePlan is one version of the municipal development and service plan.
// Every version is kept; a revision is a new version with the same ID.
type ServicePlan struct {
	ID      string        `json:"id"`
	Version int           `json:"version"`
	Period  string        `json:"period"`
	Status  string        `json:"status"`
	Items   []ServiceItem `json:"items"`
	// Adoption, Sending and Decision are filled by the transitions.
	Adoption *ServiceAdoption `json:"adoption,omitempty"`
	Sending  *ServiceSending  `json:"sending,omitempty"`
	Decision *ServiceDecision `json:"decision,omitempty"`
	History  []ServiceStep    `json:"history"`
	Created  time.Time        `json:"created"`
	// Rev counts the writes of this version: a write is made on the Rev it
	// read, so that of two at once one lands (storage's conditional update).
	Rev int `json:"-"`
}

// ServiceItem is one item of the service plan: a focus area the villages'
// plans name, with the villages, share and kind of the forum's matrix, the
// goal and department the forum writes, the municipality's actions, and the
// priorities of the plans it came from.
type ServiceItem struct {
	ID         string          `json:"id"`
	FocusArea  string          `json:"focus_area"`
	Villages   []string        `json:"villages"`
	Share      float64         `json:"share"`
	Kind       string          `json:"kind"`
	Goal       string          `json:"goal"`
	Department string          `json:"department"`
	Actions    []string        `json:"actions"`
	Sources    []ServiceSource `json:"sources"`
}

// ServiceSource is where a line of the service plan came from: a priority of
// a village's plan.
type ServiceSource struct {
	Plan     string `json:"plan"`
	Priority string `json:"priority"`
	Village  string `json:"village"`
	Year     int    `json:"year"`
	Rank     int    `json:"rank"`
	Label    string `json:"label,omitempty"`
}

// ServiceAdoption is the forum's adoption of the plan.
type ServiceAdoption struct {
	At          time.Time `json:"at"`
	By          string    `json:"by"`
	MeetingItem string    `json:"meeting_item,omitempty"`
}

// ServiceSending is the plan's sending to the council.
type ServiceSending struct {
	Date        Date   `json:"date"`
	DiaryNumber string `json:"diary_number"`
}

// ServiceDecision is the council's decision (kommunfullmäktige).
type ServiceDecision struct {
	Date      Date   `json:"date"`
	Paragraph string `json:"paragraph"`
}

// ServiceStep is one change of state: who, when, from and to.
type ServiceStep struct {
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	From string    `json:"from"`
	To   string    `json:"to"`
}

// RevisionDue is the day the revision is due: the decision date plus
// RevisionMonths. False until the plan is decided.
func (p *ServicePlan) RevisionDue() (Date, bool) {
	if p.Decision == nil {
		return Date{}, false
	}
	d := p.Decision.Date
	t := time.Date(d.Year, d.Month+RevisionMonths, d.Day, 12, 0, 0, 0, time.UTC)
	if t.Day() != d.Day { // 29 February plus two years: the last of February
		t = time.Date(t.Year(), t.Month(), 0, 12, 0, 0, 0, time.UTC)
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, true
}

// RevisionShown reports whether the revision shows in "Att göra" at now:
// from RevisionWarningMonths before it is due, while the plan is in force.
func (p *ServicePlan) RevisionShown(now time.Time) bool {
	due, ok := p.RevisionDue()
	if !ok || p.Status != ServiceInForce {
		return false
	}
	from := time.Date(due.Year, due.Month-RevisionWarningMonths, due.Day, 0, 0, 0, 0, Stockholm)
	return !now.Before(from)
}

// Editable reports whether the items may change: only in draft and forum
// review; after that, only in a new version.
func (p *ServicePlan) Editable() bool {
	return p.Status == ServiceDraft || p.Status == ServiceForumReview
}

// GenerateServiceItems makes the items of a service plan from the villages'
// current plans: one per focus area the plans name, in the order of the
// forum's matrix (FocusMatrix), each with the priorities it came from and the
// plans' actions that the municipality owns alone or jointly. carry is the
// previous version's items: their goal, department and actions are kept for
// the focus areas that remain.
func GenerateServiceItems(plans []*Plan, actions []PlanAction, carry []ServiceItem) []ServiceItem {
	prev := map[string]ServiceItem{}
	for _, it := range carry {
		prev[it.ID] = it
	}
	rows := FocusMatrix(RanksOf(plans))
	items := make([]ServiceItem, 0, len(rows))
	for _, row := range rows {
		it := ServiceItem{ID: row.FocusArea, FocusArea: row.FocusArea, Share: row.Share, Kind: row.Kind,
			Villages: make([]string, 0, len(row.Villages)), Actions: []string{}, Sources: []ServiceSource{}}
		for v := range row.Villages {
			it.Villages = append(it.Villages, v)
		}
		sort.Strings(it.Villages)
		under := map[string]bool{}
		for _, p := range plans {
			for _, pr := range p.Priorities {
				if pr.FocusArea == row.FocusArea {
					it.Sources = append(it.Sources, ServiceSource{Plan: p.ID, Priority: pr.ID, Village: p.Village, Year: p.Year, Rank: pr.Rank, Label: pr.Label})
					under[p.ID+"\x00"+pr.ID] = true
				}
			}
		}
		sort.Slice(it.Sources, func(i, j int) bool { return it.Sources[i].Village < it.Sources[j].Village })
		departments := map[string]int{}
		for _, a := range actions {
			if a.Owner == OwnerGroup || a.Status == ActionDropped || !under[a.Plan+"\x00"+a.Priority] {
				continue
			}
			it.Actions = append(it.Actions, a.ID)
			if a.Department != "" {
				departments[a.Department]++
			}
		}
		it.Department = mostNamed(departments)
		if old, ok := prev[it.ID]; ok {
			it.Goal = old.Goal
			if old.Department != "" {
				it.Department = old.Department
			}
			it.Actions = union(old.Actions, it.Actions)
		}
		items = append(items, it)
	}
	return items
}

// RanksOf is the villages' plans as the matrix reads them: each focus area's
// rank per village.
func RanksOf(plans []*Plan) []VillageRanks {
	ranks := make([]VillageRanks, len(plans))
	for i, p := range plans {
		r := map[string]int{}
		for _, pr := range p.Priorities {
			r[pr.FocusArea] = pr.Rank
		}
		ranks[i] = VillageRanks{Village: p.Village, Ranks: r}
	}
	return ranks
}

// mostNamed is the key with the highest count (the smallest key on a tie),
// or "".
func mostNamed(counts map[string]int) string {
	best, n := "", 0
	for k, c := range counts {
		if c > n || c == n && k < best {
			best, n = k, c
		}
	}
	return best
}

func union(a, b []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// NewServicePlan is the body of POST /service-plans.
type NewServicePlan struct {
	Period string `json:"period"`
}

// Check validates the request and returns the period, written with an en
// dash.
func (n NewServicePlan) Check() (string, error) {
	v := &ValidationError{}
	if strings.TrimSpace(n.Period) == "" {
		v.Add("period", "Ange perioden, t.ex. 2027–2028")
		return "", v.Err()
	}
	p, err := ParsePeriod(n.Period)
	if err != nil {
		v.Add("period", "Skriv perioden som två år, t.ex. 2027–2028 (högst fyra år)")
		return "", v.Err()
	}
	return p.String(), nil
}

// ServiceItemEdit is the body of PUT .../items/{item}: the fields the forum
// writes. A field left out (null) is kept as it is.
type ServiceItemEdit struct {
	Goal       *string   `json:"goal"`
	Department *string   `json:"department"`
	Actions    *[]string `json:"actions"`
}

// Limits of an item's fields.
const (
	maxGoal        = 5000
	maxItemActions = 100
)

// EditItem changes an item's goal, department and actions. department
// reports whether a department exists; action reports an action's owner and
// whether it exists. Invalid fields are a validation error naming them; an
// unknown item ErrNotFound; a plan past forum review ErrConflict.
func (p *ServicePlan) EditItem(id string, in ServiceItemEdit, department func(string) bool, action func(string) (string, bool)) error {
	v := &ValidationError{}
	if in.Goal != nil {
		goal := strings.TrimSpace(*in.Goal)
		in.Goal = &goal
		if utf8.RuneCountInString(goal) > maxGoal {
			v.Add("goal", fmt.Sprintf("Högst %d tecken", maxGoal))
		}
	}
	if in.Department != nil {
		d := strings.TrimSpace(*in.Department)
		in.Department = &d
		if d != "" && !department(d) {
			v.Add("department", "Förvaltningen finns inte")
		}
	}
	if in.Actions != nil {
		ids := union(nil, *in.Actions)
		in.Actions = &ids
		if len(ids) > maxItemActions {
			v.Add("actions", fmt.Sprintf("Högst %d åtgärder", maxItemActions))
		}
		for i, a := range ids {
			owner, ok := action(a)
			field := fmt.Sprintf("actions[%d]", i)
			switch {
			case !ok:
				v.Add(field, "Åtgärden finns inte")
			case owner == OwnerGroup:
				v.Add(field, "Bara kommunens och gemensamma åtgärder hör till serviceplanen")
			}
			if len(v.Fields) > 20 {
				break
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	idx := -1
	for i := range p.Items {
		if p.Items[i].ID == id {
			idx = i
		}
	}
	if idx < 0 {
		return fmt.Errorf("punkten %q: %w", id, ErrNotFound)
	}
	if !p.Editable() {
		return fmt.Errorf("serviceplanen är %s: punkter ändras bara i en ny version: %w", p.Status, ErrConflict)
	}
	it := &p.Items[idx]
	if in.Goal != nil {
		it.Goal = *in.Goal
	}
	if in.Department != nil {
		it.Department = *in.Department
	}
	if in.Actions != nil {
		it.Actions = *in.Actions
	}
	return nil
}

// ServiceAdoptInput is the body of POST .../adopt: the forum meeting's agenda
// item where it was adopted, when there is one.
type ServiceAdoptInput struct {
	MeetingItem string `json:"meeting_item" validate:"max=80"`
}

// ServiceSendInput is the body of POST .../send.
type ServiceSendInput struct {
	Date        string `json:"date"`
	DiaryNumber string `json:"diary_number" validate:"max=60"`
}

// ServiceDecideInput is the body of POST .../decide.
type ServiceDecideInput struct {
	Date      string `json:"date"`
	Paragraph string `json:"paragraph" validate:"max=60"`
}

// serviceTransitions is the service plan's lifecycle in one table.
var serviceTransitions = map[string]struct{ from, to string }{
	"review": {ServiceDraft, ServiceForumReview},
	"adopt":  {ServiceForumReview, ServiceAdopted},
	"send":   {ServiceAdopted, ServiceSent},
	"decide": {ServiceSent, ServiceInForce},
}

func (p *ServicePlan) transition(name string, now time.Time, by string) error {
	t := serviceTransitions[name]
	if p.Status != t.from {
		return fmt.Errorf("serviceplanen är %s och kan inte gå till %s: %w", p.Status, t.to, ErrConflict)
	}
	p.History = append(p.History, ServiceStep{At: now.UTC(), By: by, From: p.Status, To: t.to})
	p.Status = t.to
	return nil
}

// Review hands the draft to the forum for review.
func (p *ServicePlan) Review(now time.Time, by string) error { return p.transition("review", now, by) }

// Adopt records the forum's adoption.
func (p *ServicePlan) Adopt(in ServiceAdoptInput, now time.Time, by string) error {
	in.MeetingItem = strings.TrimSpace(in.MeetingItem)
	v := &ValidationError{}
	Check(v, in)
	if err := v.Err(); err != nil {
		return err
	}
	if err := p.transition("adopt", now, by); err != nil {
		return err
	}
	p.Adoption = &ServiceAdoption{At: now.UTC(), By: by, MeetingItem: in.MeetingItem}
	return nil
}

// Send records that the plan went to the council on a day that is not in
// the future, under a diary number.
func (p *ServicePlan) Send(in ServiceSendInput, now time.Time, by string) error {
	in.DiaryNumber = strings.TrimSpace(in.DiaryNumber)
	v := &ValidationError{}
	Check(v, in)
	date := requiredPastDate(v, "date", in.Date, now, "Ange när planen skickades")
	if in.DiaryNumber == "" {
		v.Add("diary_number", "Ange diarienumret")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := p.transition("send", now, by); err != nil {
		return err
	}
	p.Sending = &ServiceSending{Date: date, DiaryNumber: in.DiaryNumber}
	return nil
}

// Decide records the council's decision: its date (not before the sending,
// not in the future) and paragraph. The plan is in force from then and its
// revision is due RevisionMonths later.
func (p *ServicePlan) Decide(in ServiceDecideInput, now time.Time, by string) error {
	in.Paragraph = strings.TrimSpace(in.Paragraph)
	v := &ValidationError{}
	Check(v, in)
	date := requiredPastDate(v, "date", in.Date, now, "Ange beslutsdatumet")
	if p.Sending != nil && v.For("date") == "" && date.Before(p.Sending.Date) {
		v.Add("date", "Beslutet kan inte komma före den dag planen skickades ("+p.Sending.Date.String()+")")
	}
	if in.Paragraph == "" {
		v.Add("paragraph", "Ange paragrafen i protokollet, t.ex. § 45")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := p.transition("decide", now, by); err != nil {
		return err
	}
	p.Decision = &ServiceDecision{Date: date, Paragraph: in.Paragraph}
	return nil
}

// requiredPastDate reads a date that must be given and not be in the future.
func requiredPastDate(v *ValidationError, field, raw string, now time.Time, missing string) Date {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		v.Add(field, missing)
		return Date{}
	}
	return pastDate(v, field, raw, now, "Datumet får inte ligga i framtiden")
}

// Revise starts the next version from the newest one p: allowed once p has
// been sent (before that the draft itself changes). period is the new
// version's period ("" keeps p's); items are its generated items.
func (p *ServicePlan) Revise(period string, items []ServiceItem, now time.Time, by string) (*ServicePlan, error) {
	if period == "" {
		period = p.Period
	} else {
		var err error
		if period, err = (NewServicePlan{Period: period}).Check(); err != nil {
			return nil, err
		}
	}
	if p.Status != ServiceSent && p.Status != ServiceInForce && p.Status != ServiceSuperseded {
		return nil, fmt.Errorf("version %d är %s: ändra den i stället för att göra en ny: %w", p.Version, p.Status, ErrConflict)
	}
	return &ServicePlan{ID: p.ID, Version: p.Version + 1, Period: period, Status: ServiceDraft, Items: items,
		History: []ServiceStep{{At: now.UTC(), By: by, To: ServiceDraft}}, Created: now.UTC()}, nil
}

// MarkSuperseded sets the status of every in-force version that a newer
// version was decided after to ServiceSuperseded. versions are one plan's,
// in any order.
func MarkSuperseded(versions []*ServicePlan) {
	newest := 0
	for _, v := range versions {
		if v.Decision != nil && v.Version > newest {
			newest = v.Version
		}
	}
	for _, v := range versions {
		if v.Status == ServiceInForce && v.Version < newest {
			v.Status = ServiceSuperseded
		}
	}
}

// ServiceItemChange is one item that differs between two versions.
type ServiceItemChange struct {
	ID        string       `json:"id"`
	FocusArea string       `json:"focus_area"`
	Before    *ServiceItem `json:"before,omitempty"`
	After     *ServiceItem `json:"after,omitempty"`
	// Fields names what changed: villages, share, kind, goal, department,
	// actions, sources.
	Fields []string `json:"fields,omitempty"`
}

// ServicePlanDiff is what changed from one version to another.
type ServicePlanDiff struct {
	From    int                 `json:"from"`
	To      int                 `json:"to"`
	Added   []ServiceItemChange `json:"added"`
	Removed []ServiceItemChange `json:"removed"`
	Changed []ServiceItemChange `json:"changed"`
}

// DiffServicePlans compares two versions item by item (by id).
func DiffServicePlans(from, to *ServicePlan) ServicePlanDiff {
	d := ServicePlanDiff{From: from.Version, To: to.Version, Added: []ServiceItemChange{}, Removed: []ServiceItemChange{}, Changed: []ServiceItemChange{}}
	before := map[string]ServiceItem{}
	for _, it := range from.Items {
		before[it.ID] = it
	}
	seen := map[string]bool{}
	for _, it := range to.Items {
		after := it
		seen[it.ID] = true
		old, ok := before[it.ID]
		if !ok {
			d.Added = append(d.Added, ServiceItemChange{ID: it.ID, FocusArea: it.FocusArea, After: &after})
			continue
		}
		var fields []string
		for _, f := range []struct {
			name string
			same bool
		}{
			{"villages", sameStrings(old.Villages, it.Villages)}, {"share", old.Share == it.Share}, {"kind", old.Kind == it.Kind},
			{"goal", old.Goal == it.Goal}, {"department", old.Department == it.Department},
			{"actions", sameStrings(old.Actions, it.Actions)}, {"sources", sameSources(old.Sources, it.Sources)},
		} {
			if !f.same {
				fields = append(fields, f.name)
			}
		}
		if len(fields) > 0 {
			d.Changed = append(d.Changed, ServiceItemChange{ID: it.ID, FocusArea: it.FocusArea, Before: &old, After: &after, Fields: fields})
		}
	}
	for _, it := range from.Items {
		if !seen[it.ID] {
			old := it
			d.Removed = append(d.Removed, ServiceItemChange{ID: it.ID, FocusArea: it.FocusArea, Before: &old})
		}
	}
	return d
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameSources(a, b []ServiceSource) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// PeriodKey is the period as a service plan claims it: "2027-2028",
// "2027 – 2028" and "2027–2028" are one period, written with an en dash.
// A period that cannot be read is its trimmed self.
func PeriodKey(period string) string {
	if p, err := ParsePeriod(period); err == nil {
		return p.String()
	}
	return strings.TrimSpace(period)
}

// PeriodTaken refuses a second service plan for a period: there is one
// plan a period, and its new versions are made by revising it (409 naming
// period).
func PeriodTaken(period string) error {
	return RefuseField(ErrConflict, "period", "Det finns redan en serviceplan för %s. Gör en ny version av den (revidera) i stället", PeriodKey(period))
}
