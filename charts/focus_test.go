package charts

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
)

func TestFocusAreasRenders(t *testing.T) {
	f := FocusAreas{Plans: 5, Areas: []FocusArea{
		{Label: "Kommunikationer och vägar", Villages: 5, Kind: FocusCommon},
		{Label: "Skola och barnomsorg", Villages: 3, Kind: FocusRankedDifferently},
		{Label: "Trygghet", Villages: 1, Kind: FocusUnique},
	}}
	var b bytes.Buffer
	if err := f.Render(&b, Options{Width: 640}); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil || img.Bounds().Dx() != 640 {
		t.Fatalf("png: got %v, %v; want 640 px wide", img.Bounds(), err)
	}
	var svg bytes.Buffer
	if err := f.Render(&svg, Options{Format: SVG, Width: 360}); err != nil || !strings.Contains(svg.String(), "Trygghet") {
		t.Errorf("svg: got %v and no area label", err)
	}
	alt := f.AltText()
	for _, want := range []string{"5 planer", "Kommunikationer och vägar: 5 av 5, gemensamt, lika viktigt", "Trygghet: 1 av 5, bara en by"} {
		if !strings.Contains(alt, want) {
			t.Errorf("alt text %q: want %q", alt, want)
		}
	}
	if got := (FocusAreas{}).AltText(); !strings.Contains(got, "Inga inlämnade planer") {
		t.Errorf("empty alt text: got %q", got)
	}
	if err := (FocusAreas{}).Render(&b, Options{}); err != nil {
		t.Errorf("empty chart: %v", err)
	}
}

func TestParseFocusKind(t *testing.T) {
	for code, want := range map[string]FocusKind{"common": FocusCommon, "ranked_differently": FocusRankedDifferently, "unique": FocusUnique, "some": FocusSome, "x": FocusSome} {
		if got := ParseFocusKind(code); got != want {
			t.Errorf("ParseFocusKind(%q): got %v; want %v", code, got, want)
		}
	}
}
