package survey

import "testing"

func TestFocusMatrixKinds(t *testing.T) {
	plans := []VillageRanks{
		{Village: "a", Ranks: map[string]int{"vagar": 1, "skola": 1, "bredband": 3, "trygghet": 2}},
		{Village: "b", Ranks: map[string]int{"vagar": 2, "skola": 4, "bredband": 1}},
		{Village: "c", Ranks: map[string]int{"vagar": 1, "omsorg": 1, "bredband": 2}},
		{Village: "d", Ranks: map[string]int{"vagar": 2, "trygghet": 1}},
	}
	want := map[string]struct {
		kind  string
		share float64
	}{
		"vagar":    {AreaCommon, 1},               // all four, ranks 1–2
		"bredband": {AreaRankedDifferently, 0.75}, // three, ranks 1–3
		"skola":    {AreaRankedDifferently, 0.5},  // half, ranks 1 and 4
		"trygghet": {AreaCommon, 0.5},             // half, ranks 1–2
		"omsorg":   {AreaUnique, 0.25},
	}
	rows := FocusMatrix(plans)
	if len(rows) != len(want) {
		t.Fatalf("got %d rows; want %d", len(rows), len(want))
	}
	for _, r := range rows {
		w := want[r.FocusArea]
		if r.Kind != w.kind || r.Share != w.share {
			t.Errorf("%s: got %s, share %v; want %s, share %v", r.FocusArea, r.Kind, r.Share, w.kind, w.share)
		}
	}
	if rows[0].FocusArea != "vagar" || rows[1].FocusArea != "bredband" {
		t.Errorf("order: got %s, %s first; want the most shared first", rows[0].FocusArea, rows[1].FocusArea)
	}
}

func TestFocusMatrixSomeAndSinglePlan(t *testing.T) {
	tests := []struct {
		name  string
		plans []VillageRanks
		area  string
		want  string
	}{
		{"two of five villages is some", []VillageRanks{
			{Village: "a", Ranks: map[string]int{"x": 1}}, {Village: "b", Ranks: map[string]int{"x": 1}},
			{Village: "c", Ranks: map[string]int{"y": 1}}, {Village: "d", Ranks: map[string]int{"y": 2}},
			{Village: "e", Ranks: map[string]int{"z": 1}}}, "x", AreaSome},
		{"the only plan's area is common to all plans", []VillageRanks{{Village: "a", Ranks: map[string]int{"x": 1}}}, "x", AreaCommon},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range FocusMatrix(tt.plans) {
				if r.FocusArea == tt.area && r.Kind != tt.want {
					t.Errorf("got %s; want %s", r.Kind, tt.want)
				}
			}
		})
	}
}

func TestNewFocusAreaNeedsAName(t *testing.T) {
	if _, err := (NewFocusArea{Name: "  "}).FocusArea(); err == nil {
		t.Error("blank name: got nil; want a validation error")
	}
	fa, err := NewFocusArea{Name: " Kultur i Österåker "}.FocusArea()
	if err != nil || fa.Slug != "kultur-i-osteraker" || fa.Name != "Kultur i Österåker" {
		t.Errorf("got %+v, %v; want slug kultur-i-osteraker", fa, err)
	}
}
