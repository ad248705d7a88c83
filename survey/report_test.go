package survey

import (
	"testing"
	"time"
)

func TestBuildYearReportCountsTheYearsRecords(t *testing.T) {
	day := func(y int, m time.Month, d int) Date { return Date{Year: y, Month: m, Day: d} }
	at := func(y int, m time.Month, d int) *time.Time {
		t := time.Date(y, m, d, 10, 0, 0, 0, Stockholm)
		return &t
	}
	in := YearReportInput{
		Actions: []PlanAction{
			{ID: "a1", Village: "aby", Title: "Belysning", Owner: OwnerGroup, Status: ActionDone, DoneOn: day(2026, 3, 1), DoneBy: "Anna Andersson", Responsible: "Anna Andersson"},
			{ID: "a2", Village: "aby", Title: "Busshållplats", Owner: OwnerMunicipality, Department: "d1", Status: ActionDone, DoneOn: day(2026, 5, 1)},
			{ID: "a3", Village: "bby", Title: "Fiber", Owner: OwnerJoint, Department: "d1", Status: ActionDone, DoneOn: day(2026, 12, 31)},
			{ID: "a4", Village: "bby", Title: "Förra året", Owner: OwnerGroup, Status: ActionDone, DoneOn: day(2025, 12, 31)},
			{ID: "a5", Village: "bby", Title: "Pågår", Owner: OwnerGroup, Status: ActionInProgress},
		},
		Departments: map[string]string{"d1": "Samhällsbyggnad"},
		Surveys: []*Survey{
			{ID: "s1", Title: "Vägen", Villages: []string{"aby", "bby"}, Status: Closed, Opened: at(2026, 2, 1), Closed: at(2026, 2, 20)},
			{ID: "s2", Title: "Över nyår", Villages: []string{"aby"}, Status: Closed, Opened: at(2025, 12, 1), Closed: at(2026, 1, 10)},
			{ID: "s3", Title: "Förra året", Villages: []string{"aby"}, Status: Closed, Opened: at(2025, 3, 1), Closed: at(2025, 4, 1)},
			{ID: "s4", Title: "Utkast", Villages: []string{"aby"}, Status: Draft},
			{ID: "s5", Title: "Öppen", Villages: []string{"bby"}, Status: Open, Opened: at(2026, 11, 1)},
		},
		Tallies: map[string][]Tally{
			"s1": {{Village: "aby", Responses: 12}, {Village: "bby", Responses: 4}},
			"s2": {{Village: "aby", Responses: 5}},
			"s5": {{Village: "bby", Responses: 30}},
		},
		Rounds: []*Remiss{
			{ID: "r1", Proposal: "p1", Villages: []string{"aby", "bby", "cby"}, Sent: time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC), Deadline: day(2026, 5, 1)},
			{ID: "r2", Proposal: "p2", Villages: []string{"aby"}, Sent: time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC), Deadline: day(2025, 5, 1)},
		},
		Answers: []RemissAnswer{
			{Remiss: "r1", Village: "aby", Stance: StanceSupport},
			{Remiss: "r1", Village: "bby", Stance: StanceOppose},
			{Remiss: "r2", Village: "aby", Stance: StanceSupport},
		},
		Proposals: map[string]*Proposal{"p1": {ID: "p1", Title: "Cykelväg", Decision: &Decision{Outcome: OutcomeApproved}}, "p2": {ID: "p2", Title: "Gammalt"}},
	}
	rep := BuildYearReport(2026, 5, in)

	t.Run("actions done in the year, by owner, department and village", func(t *testing.T) {
		a := rep.Actions
		if a.Done != 3 || len(a.List) != 3 {
			t.Fatalf("got %d done (%d listed); want 3", a.Done, len(a.List))
		}
		for owner, want := range map[string]int{OwnerGroup: 1, OwnerMunicipality: 1, OwnerJoint: 1} {
			if a.ByOwner[owner] != want {
				t.Errorf("%s: got %d; want %d", owner, a.ByOwner[owner], want)
			}
		}
		if len(a.ByDepartment) != 1 || a.ByDepartment[0].Name != "Samhällsbyggnad" || a.ByDepartment[0].N != 2 {
			t.Errorf("got departments %+v; want Samhällsbyggnad 2", a.ByDepartment)
		}
		if len(a.ByVillage) != 2 || a.ByVillage[0].Key != "aby" || a.ByVillage[0].N != 2 {
			t.Errorf("got villages %+v; want aby 2 first", a.ByVillage)
		}
		if a.List[0].Title != "Belysning" || a.List[2].Title != "Fiber" {
			t.Errorf("got %q … %q; want by day", a.List[0].Title, a.List[2].Title)
		}
	})
	t.Run("surveys open in the year, villages under min_n neither shown nor summed", func(t *testing.T) {
		s := rep.Surveys
		if s.Count != 3 {
			t.Fatalf("got %d surveys; want 3 (s1, s2 over new year, s5 open)", s.Count)
		}
		byID := map[string]ReportSurvey{}
		for _, r := range s.List {
			byID[r.ID] = r
		}
		s1 := byID["s1"]
		if s1.Responses != 12 || s1.UnderMinN != 1 || s1.Villages[1].Responses != nil || *s1.Villages[0].Responses != 12 {
			t.Errorf("got s1 %d responses, %d under min_n; want 12 shown, bby hidden", s1.Responses, s1.UnderMinN)
		}
		if s.Responses != 12+5+30 {
			t.Errorf("got %d responses in all; want 47", s.Responses)
		}
		if _, ok := byID["s3"]; ok {
			t.Error("got last year's survey; want it left out")
		}
	})
	t.Run("remiss rounds sent in the year with their stances and decisions", func(t *testing.T) {
		r := rep.Remisses
		if r.Rounds != 1 || r.Asked != 3 || r.Answers != 2 {
			t.Fatalf("got %d rounds, %d asked, %d answers; want 1, 3, 2", r.Rounds, r.Asked, r.Answers)
		}
		if r.Counts[StanceSupport] != 1 || r.Counts[StanceOppose] != 1 || r.Counts[StanceNoOpinion] != 0 {
			t.Errorf("got counts %v; want one support, one oppose", r.Counts)
		}
		if row := r.List[0]; row.Proposal != "Cykelväg" || row.Outcome != OutcomeApproved || row.Answered != 2 {
			t.Errorf("got %+v; want Cykelväg approved with 2 answers", row)
		}
	})
	t.Run("money and matters stay unset without their records", func(t *testing.T) {
		if rep.Money != nil || rep.Matters != nil {
			t.Errorf("got money %v, matters %v; want nil", rep.Money, rep.Matters)
		}
	})
}

func TestSurveyInYear(t *testing.T) {
	at := func(y int, m time.Month, d int) *time.Time {
		t := time.Date(y, m, d, 0, 30, 0, 0, Stockholm)
		return &t
	}
	tests := []struct {
		name string
		sv   Survey
		want bool
	}{
		{"never opened", Survey{Status: Draft}, false},
		{"opened on new year's day", Survey{Status: Open, Opened: at(2026, 1, 1)}, true},
		{"opened the next year", Survey{Status: Open, Opened: at(2027, 1, 1)}, false},
		{"closed on new year's day", Survey{Status: Closed, Opened: at(2025, 6, 1), Closed: at(2026, 1, 1)}, true},
		{"closed the year before", Survey{Status: Closed, Opened: at(2025, 6, 1), Closed: at(2025, 12, 31)}, false},
		{"reopened after it was closed", Survey{Status: Open, Opened: at(2025, 6, 1), Closed: at(2025, 7, 1)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SurveyInYear(&tt.sv, 2026); got != tt.want {
				t.Errorf("got %v; want %v", got, tt.want)
			}
		})
	}
}
