package survey

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

var planNow = time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC)

func knownAreas(id string) bool { return id == "vagar" || id == "skola" || id == "bredband" }

func counter() func() string {
	n := 0
	return func() string { n++; return fmt.Sprintf("p%d", n) }
}

func TestPlanSaveOnAnOldVersionIsAConflict(t *testing.T) {
	p := &Plan{Village: "hogsjo", Year: 2026, Version: 1, Status: PlanDraft}
	ids := counter()
	first := PlanEdit{Version: 1, Summary: "Vägar först", Priorities: []PriorityInput{{FocusArea: "vagar", Rank: 1, Horizon: HorizonYear}}}
	if err := p.Apply(first, knownAreas, ids, planNow, "anna"); err != nil {
		t.Fatalf("first save: %v", err)
	}
	if p.Version != 2 || len(p.Priorities) != 1 || p.Priorities[0].ID != "p1" {
		t.Fatalf("after the first save: got version %d, %+v; want version 2 with one new priority", p.Version, p.Priorities)
	}
	second := PlanEdit{Version: 1, Summary: "Skolan först", Priorities: []PriorityInput{{FocusArea: "skola", Rank: 1, Horizon: HorizonLong}}}
	if err := p.Apply(second, knownAreas, ids, planNow, "lars"); !errors.Is(err, ErrConflict) {
		t.Errorf("a save made on version 1 after version 2: got %v; want ErrConflict", err)
	}
	if p.Summary != "Vägar först" || p.Version != 2 {
		t.Errorf("after the refused save: got %q version %d; want the first save kept", p.Summary, p.Version)
	}
}

func TestPlanSaveValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  PlanEdit
		field string
	}{
		{"an unknown focus area", PlanEdit{Version: 1, Priorities: []PriorityInput{{FocusArea: "rymden", Rank: 1, Horizon: HorizonYear}}}, "priorities[0].focus_area"},
		{"two priorities of one rank", PlanEdit{Version: 1, Priorities: []PriorityInput{{FocusArea: "vagar", Rank: 1, Horizon: HorizonYear}, {FocusArea: "skola", Rank: 1, Horizon: HorizonYear}}}, "priorities[1].rank"},
		{"a focus area twice", PlanEdit{Version: 1, Priorities: []PriorityInput{{FocusArea: "vagar", Rank: 1, Horizon: HorizonYear}, {FocusArea: "vagar", Rank: 2, Horizon: HorizonYear}}}, "priorities[1].focus_area"},
		{"no horizon", PlanEdit{Version: 1, Priorities: []PriorityInput{{FocusArea: "vagar", Rank: 1}}}, "priorities[0].horizon"},
		{"no version", PlanEdit{Summary: "x"}, "version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Plan{Version: 1, Status: PlanDraft}
			err := p.Apply(tt.edit, knownAreas, counter(), planNow, "anna")
			var v *ValidationError
			if !errors.As(err, &v) || v.For(tt.field) == "" {
				t.Errorf("got %v; want a validation error for %s", err, tt.field)
			}
		})
	}
}

func TestPlanLifecycle(t *testing.T) {
	p := &Plan{Version: 3, Status: PlanDraft}
	if err := p.Submit(planNow); !errors.Is(err, ErrConflict) {
		t.Errorf("submit a draft: got %v; want ErrConflict", err)
	}
	var v *ValidationError
	if err := p.Adopt(AdoptInput{Method: AnchorMeeting}, planNow); !errors.As(err, &v) || v.For("participants") == "" {
		t.Errorf("adopt at a meeting without participants: got %v; want participants named", err)
	}
	if err := p.Adopt(AdoptInput{Method: AnchorMeeting, Participants: 31, Date: "2026-04-20"}, planNow); !errors.As(err, &v) || v.For("date") == "" {
		t.Errorf("adopt on a future day: got %v; want date named", err)
	}
	steps := []struct {
		name string
		do   func() error
		want string
	}{
		{"adopt", func() error {
			return p.Adopt(AdoptInput{Method: AnchorMeeting, Participants: 31, Date: "2026-04-12"}, planNow)
		}, PlanAdopted},
		{"submit", func() error { return p.Submit(planNow) }, PlanSubmitted},
		{"acknowledge", func() error { return p.Acknowledge(AcknowledgeInput{Comment: " Tack! "}, planNow, "karin") }, PlanAcknowledged},
	}
	for _, s := range steps {
		if err := s.do(); err != nil || p.Status != s.want {
			t.Fatalf("%s: got %v, status %s; want %s", s.name, err, p.Status, s.want)
		}
	}
	if p.Adoption.Participants != 31 || p.Adoption.Date.String() != "2026-04-12" || p.Acknowledgement.Comment != "Tack!" {
		t.Errorf("records: got %+v, %+v", p.Adoption, p.Acknowledgement)
	}
	if err := p.Apply(PlanEdit{Version: 3}, knownAreas, counter(), planNow, "anna"); !errors.Is(err, ErrConflict) {
		t.Errorf("save an acknowledged plan: got %v; want ErrConflict", err)
	}
	if err := p.Acknowledge(AcknowledgeInput{}, planNow, "karin"); !errors.Is(err, ErrConflict) {
		t.Errorf("acknowledge twice: got %v; want ErrConflict", err)
	}
}

func TestDiffNamesAddedRemovedAndChangedPriorities(t *testing.T) {
	from := &Plan{Version: 2, Summary: "A", Priorities: []Priority{
		{ID: "p1", FocusArea: "vagar", Rank: 1, Horizon: HorizonYear},
		{ID: "p2", FocusArea: "skola", Rank: 2, Horizon: HorizonYear},
	}}
	to := &Plan{Version: 4, Summary: "B", Priorities: []Priority{
		{ID: "p1", FocusArea: "vagar", Rank: 2, Horizon: HorizonLong},
		{ID: "p3", FocusArea: "bredband", Rank: 1, Horizon: HorizonYear},
	}}
	d := Diff(from, to)
	if !d.SummaryChanged || d.SummaryBefore != "A" || d.SummaryAfter != "B" {
		t.Errorf("summary: got %+v", d)
	}
	if len(d.Added) != 1 || d.Added[0].ID != "p3" {
		t.Errorf("added: got %+v; want p3", d.Added)
	}
	if len(d.Removed) != 1 || d.Removed[0].ID != "p2" {
		t.Errorf("removed: got %+v; want p2", d.Removed)
	}
	if len(d.Changed) != 1 || fmt.Sprint(d.Changed[0].Fields) != "[rank horizon]" {
		t.Errorf("changed: got %+v; want p1's rank and horizon", d.Changed)
	}
	if same := Diff(to, to); same.SummaryChanged || len(same.Added)+len(same.Removed)+len(same.Changed) != 0 {
		t.Errorf("a version against itself: got %+v; want no change", same)
	}
}

func TestNextYearCopiesThePlanAsADraft(t *testing.T) {
	p := &Plan{Village: "hogsjo", Year: 2026, Version: 5, Status: PlanAcknowledged, Summary: "S",
		Priorities: []Priority{{ID: "p1", FocusArea: "vagar", Rank: 1, Horizon: HorizonLong}}}
	n := p.NextYear(2027, planNow, "anna")
	if n.Year != 2027 || n.Version != 1 || n.Status != PlanDraft || n.Summary != "S" || len(n.Priorities) != 1 {
		t.Errorf("got %+v; want a draft copy for 2027", n)
	}
	n.Priorities[0].Rank = 9
	if p.Priorities[0].Rank != 1 {
		t.Error("changing the copy changed the original")
	}
}
