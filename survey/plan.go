package survey

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Plan statuses: a local development plan is written as a draft, adopted by
// the village's group, submitted to the municipality and acknowledged there.
const (
	PlanDraft        = "draft"
	PlanAdopted      = "adopted"
	PlanSubmitted    = "submitted"
	PlanAcknowledged = "acknowledged"
)

// Horizons of a priority.
const (
	HorizonYear = "year" // this year
	HorizonLong = "long" // longer than a year
)

// Plan is a village's local development plan (lokal utvecklingsplan) for a
// year. Every saved version is kept; Version counts the saves.
type Plan struct {
	ID              string           `json:"id"`
	Village         string           `json:"village"`
	Year            int              `json:"year"`
	Version         int              `json:"version"`
	Status          string           `json:"status"`
	Summary         string           `json:"summary"`
	Priorities      []Priority       `json:"priorities"`
	Adoption        *Adoption        `json:"adoption,omitempty"`
	Acknowledgement *Acknowledgement `json:"acknowledgement,omitempty"`
	Anchoring       []Anchor         `json:"anchoring"`
	SubmittedAt     *time.Time       `json:"submitted_at,omitempty"`
	SavedBy         string           `json:"saved_by,omitempty"`
	Saved           time.Time        `json:"saved"`
}

// Priority is one focus area the village puts forward, with its rank.
type Priority struct {
	ID        string `json:"id"`
	FocusArea string `json:"focus_area"`
	Rank      int    `json:"rank"`
	Label     string `json:"label"`
	Rationale string `json:"rationale"`
	Horizon   string `json:"horizon"`
}

// Adoption is how the group adopted the plan.
type Adoption struct {
	Date         Date   `json:"date"`
	Method       string `json:"method"`
	Participants int    `json:"participants"`
}

// Acknowledgement is the official's receipt of a submitted plan.
type Acknowledgement struct {
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Comment string    `json:"comment"`
}

// PlanEdit is a save of a draft: the version it was made on, and the text.
type PlanEdit struct {
	Version    int             `json:"version" validate:"required,min=1"`
	Summary    string          `json:"summary" validate:"max=20000"`
	Priorities []PriorityInput `json:"priorities" validate:"max=30,dive"`
}

// PriorityInput is one priority of a save; an empty ID makes a new one.
type PriorityInput struct {
	ID        string `json:"id" validate:"max=40"`
	FocusArea string `json:"focus_area" validate:"required,max=60"`
	Rank      int    `json:"rank" validate:"required,min=1,max=30"`
	Label     string `json:"label" validate:"max=200"`
	Rationale string `json:"rationale" validate:"max=5000"`
	Horizon   string `json:"horizon" validate:"required,oneof=year long"`
}

// Apply validates a save made on version edit.Version and applies it: only a
// draft changes, and only from its current version — a save made on an older
// one is ErrConflict so that nothing written in between is lost. known
// reports whether a focus area exists; newID names new priorities.
func (p *Plan) Apply(edit PlanEdit, known func(string) bool, newID func() string, now time.Time, by string) error {
	edit.Summary = strings.TrimSpace(edit.Summary)
	v := &ValidationError{}
	Check(v, edit)
	ranks, areas := map[int]bool{}, map[string]bool{}
	for i, in := range edit.Priorities {
		field := fmt.Sprintf("priorities[%d]", i)
		if in.FocusArea != "" && !known(in.FocusArea) {
			v.Add(field+".focus_area", "Fokusområdet finns inte")
		}
		if areas[in.FocusArea] && in.FocusArea != "" {
			v.Add(field+".focus_area", "Fokusområdet finns redan i planen")
		}
		areas[in.FocusArea] = true
		if ranks[in.Rank] && in.Rank > 0 {
			v.Add(field+".rank", "Två prioriteringar kan inte ha samma plats")
		}
		ranks[in.Rank] = true
	}
	if err := v.Err(); err != nil {
		return err
	}
	if p.Status != PlanDraft {
		return fmt.Errorf("bara ett utkast kan ändras: %w", ErrConflict)
	}
	if edit.Version != p.Version {
		return fmt.Errorf("planen har sparats av någon annan (version %d, din ändring gjordes på version %d): %w", p.Version, edit.Version, ErrConflict)
	}
	prio := make([]Priority, 0, len(edit.Priorities))
	for _, in := range edit.Priorities {
		id := in.ID
		if id == "" {
			id = newID()
		}
		prio = append(prio, Priority{ID: id, FocusArea: in.FocusArea, Rank: in.Rank, Label: strings.TrimSpace(in.Label),
			Rationale: strings.TrimSpace(in.Rationale), Horizon: in.Horizon})
	}
	sort.SliceStable(prio, func(i, j int) bool { return prio[i].Rank < prio[j].Rank })
	p.Summary, p.Priorities = edit.Summary, prio
	p.Version++
	p.SavedBy, p.Saved = by, now.UTC()
	return nil
}

// AdoptInput is how the group adopted the plan.
type AdoptInput struct {
	Date         string `json:"date"`
	Method       string `json:"method" validate:"required,oneof=meeting board survey"`
	Participants int    `json:"participants" validate:"min=0,max=100000"`
}

// AcknowledgeInput is the official's comment on a submitted plan.
type AcknowledgeInput struct {
	Comment string `json:"comment" validate:"max=5000"`
}

// planTransitions is the plan's lifecycle in one table: the status a
// transition starts from and the one it leads to.
var planTransitions = map[string]struct{ from, to string }{
	"adopt":       {PlanDraft, PlanAdopted},
	"submit":      {PlanAdopted, PlanSubmitted},
	"acknowledge": {PlanSubmitted, PlanAcknowledged},
}

// transition moves the plan along the table, or is ErrConflict.
func (p *Plan) transition(name string) error {
	t := planTransitions[name]
	if p.Status != t.from {
		return fmt.Errorf("planen är %s och kan inte gå till %s: %w", p.Status, t.to, ErrConflict)
	}
	p.Status = t.to
	return nil
}

// Adopt records that the group adopted the plan, on a day that is not in the
// future.
func (p *Plan) Adopt(in AdoptInput, now time.Time) error {
	v := &ValidationError{}
	Check(v, in)
	date := pastDate(v, "date", in.Date, now, "Datumet får inte ligga i framtiden")
	if in.Method == AnchorMeeting && in.Participants == 0 && v.For("participants") == "" {
		v.Add("participants", "Ange hur många som deltog i stormötet")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := p.transition("adopt"); err != nil {
		return err
	}
	p.Adoption = &Adoption{Date: date, Method: in.Method, Participants: in.Participants}
	return nil
}

// Submit sends the adopted plan to the municipality.
func (p *Plan) Submit(now time.Time) error {
	if err := p.transition("submit"); err != nil {
		return err
	}
	t := now.UTC()
	p.SubmittedAt = &t
	return nil
}

// Acknowledge records the official's receipt of the submitted plan.
func (p *Plan) Acknowledge(in AcknowledgeInput, now time.Time, by string) error {
	in.Comment = strings.TrimSpace(in.Comment)
	v := &ValidationError{}
	Check(v, in)
	if err := v.Err(); err != nil {
		return err
	}
	if err := p.transition("acknowledge"); err != nil {
		return err
	}
	p.Acknowledgement = &Acknowledgement{By: by, At: now.UTC(), Comment: in.Comment}
	return nil
}

// IsCurrent reports whether the group has submitted p (or it was
// acknowledged): only such a plan is a village's current plan.
func (p *Plan) IsCurrent() bool {
	return p.Status == PlanSubmitted || p.Status == PlanAcknowledged
}

// CurrentPlans is each village's newest current plan (of year, when not 0),
// in the order the villages first appear in plans.
func CurrentPlans(plans []*Plan, year int) []*Plan {
	best := map[string]*Plan{}
	var order []string
	for _, p := range plans {
		if !p.IsCurrent() || year != 0 && p.Year != year {
			continue
		}
		if b, ok := best[p.Village]; !ok || p.Year > b.Year {
			if !ok {
				order = append(order, p.Village)
			}
			best[p.Village] = p
		}
	}
	out := make([]*Plan, 0, len(order))
	for _, v := range order {
		out = append(out, best[v])
	}
	return out
}

// NextYear is the draft for year that starts as a copy of p: its summary and
// priorities (the actions still open are the caller's to copy).
func (p *Plan) NextYear(year int, now time.Time, by string) *Plan {
	prio := append([]Priority{}, p.Priorities...)
	return &Plan{Village: p.Village, Year: year, Version: 1, Status: PlanDraft, Summary: p.Summary,
		Priorities: prio, Anchoring: []Anchor{}, SavedBy: by, Saved: now.UTC()}
}

// PriorityChange is one priority that differs between two versions.
type PriorityChange struct {
	ID     string    `json:"id"`
	Before *Priority `json:"before,omitempty"`
	After  *Priority `json:"after,omitempty"`
	// Fields names what changed: focus_area, rank, label, rationale, horizon.
	Fields []string `json:"fields,omitempty"`
}

// PlanDiff is what changed from one version of a plan to another.
type PlanDiff struct {
	From           int              `json:"from"`
	To             int              `json:"to"`
	SummaryBefore  string           `json:"summary_before,omitempty"`
	SummaryAfter   string           `json:"summary_after,omitempty"`
	SummaryChanged bool             `json:"summary_changed"`
	Added          []PriorityChange `json:"added"`
	Removed        []PriorityChange `json:"removed"`
	Changed        []PriorityChange `json:"changed"`
}

// Diff compares two versions of a plan, priority by priority (by id).
func Diff(from, to *Plan) PlanDiff {
	d := PlanDiff{From: from.Version, To: to.Version, SummaryChanged: from.Summary != to.Summary,
		Added: []PriorityChange{}, Removed: []PriorityChange{}, Changed: []PriorityChange{}}
	if d.SummaryChanged {
		d.SummaryBefore, d.SummaryAfter = from.Summary, to.Summary
	}
	before := map[string]Priority{}
	for _, pr := range from.Priorities {
		before[pr.ID] = pr
	}
	seen := map[string]bool{}
	for _, pr := range to.Priorities {
		after := pr
		seen[pr.ID] = true
		old, ok := before[pr.ID]
		if !ok {
			d.Added = append(d.Added, PriorityChange{ID: pr.ID, After: &after})
			continue
		}
		var fields []string
		for _, f := range []struct {
			name string
			same bool
		}{
			{"focus_area", old.FocusArea == pr.FocusArea}, {"rank", old.Rank == pr.Rank}, {"label", old.Label == pr.Label},
			{"rationale", old.Rationale == pr.Rationale}, {"horizon", old.Horizon == pr.Horizon},
		} {
			if !f.same {
				fields = append(fields, f.name)
			}
		}
		if len(fields) > 0 {
			d.Changed = append(d.Changed, PriorityChange{ID: pr.ID, Before: &old, After: &after, Fields: fields})
		}
	}
	for _, pr := range from.Priorities {
		if !seen[pr.ID] {
			old := pr
			d.Removed = append(d.Removed, PriorityChange{ID: pr.ID, Before: &old})
		}
	}
	return d
}

// Kinds of anchoring evidence.
const (
	AnchorKindSurvey  = "survey"  // a village survey
	AnchorKindRemiss  = "remiss"  // a remiss answer the group gave
	AnchorKindMeeting = "meeting" // a meeting with residents
)

// Anchor is one piece of evidence that the plan is anchored in the village:
// a survey with its responses, a remiss answer, a meeting with participants.
type Anchor struct {
	Kind         string `json:"kind"`
	Ref          string `json:"ref,omitempty"`
	Label        string `json:"label"`
	Date         Date   `json:"date"`
	Participants int    `json:"participants"`
}

// AnchorInput is what the group attaches: a suggestion (kind and ref), or a
// meeting with its date and participants.
type AnchorInput struct {
	Kind         string `json:"kind" validate:"required,oneof=survey remiss meeting"`
	Ref          string `json:"ref" validate:"max=80"`
	Label        string `json:"label" validate:"max=200"`
	Date         string `json:"date"`
	Participants int    `json:"participants" validate:"min=0,max=100000"`
}

// Attach adds evidence to a plan that is not yet submitted. suggested is the
// evidence the records offer: a survey or remiss is attached from there (its
// figures are the records', not typed); a meeting is typed in.
func (p *Plan) Attach(in AnchorInput, suggested []Anchor, now time.Time) error {
	in.Label = strings.TrimSpace(in.Label)
	v := &ValidationError{}
	Check(v, in)
	var a Anchor
	switch {
	case v.For("kind") != "":
	case in.Kind == AnchorKindMeeting:
		date := pastDate(v, "date", in.Date, now, "Datumet får inte ligga i framtiden")
		if in.Label == "" {
			v.Add("label", "Skriv vilket möte det var")
		}
		if in.Participants == 0 && v.For("participants") == "" {
			v.Add("participants", "Ange hur många som deltog")
		}
		a = Anchor{Kind: in.Kind, Label: in.Label, Date: date, Participants: in.Participants}
	default:
		found := false
		for _, s := range suggested {
			if s.Kind == in.Kind && s.Ref == in.Ref {
				a, found = s, true
			}
		}
		if !found {
			v.Add("ref", "Finns inte bland byns underlag")
		}
	}
	for _, have := range p.Anchoring {
		if a.Kind != AnchorKindMeeting && have.Kind == a.Kind && have.Ref == a.Ref && v.For("ref") == "" {
			v.Add("ref", "Underlaget finns redan med")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if p.Status != PlanDraft && p.Status != PlanAdopted {
		return fmt.Errorf("underlag läggs till innan planen lämnas in: %w", ErrConflict)
	}
	p.Anchoring = append(p.Anchoring, a)
	return nil
}
