package charts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleLikert is a realistic likert comparison of five villages.
var sampleLikert = Likert{
	Title: "Kommunen bör satsa på bredband före vägunderhåll",
	Villages: []LikertVillage{
		{Label: "Baggetorp", N: 34, Shown: true, Shares: [5]float64{0.06, 0.09, 0.15, 0.35, 0.35}},
		{Label: "Högsjö", N: 21, Shown: true, Shares: [5]float64{0.24, 0.19, 0.19, 0.24, 0.14}},
		{Label: "Ärla", N: 3, Shown: false},
		{Label: "Östra Vingåker med omnejd och Säfstaholms slottsområde", N: 58, Shown: true, Shares: [5]float64{0.03, 0.05, 0.12, 0.40, 0.40}},
		{Label: "Läppe", N: 12, Shown: true, Shares: [5]float64{0.50, 0.25, 0.08, 0.09, 0.08}},
	},
}

var sampleSingle = Categorical{
	Title:   "Hur tar du dig oftast till tätorten?",
	Kind:    Single,
	Options: []string{"Bil", "Buss", "Cykel", "Samåkning", "Annat"},
	Villages: []CategoricalVillage{
		{Label: "Baggetorp", N: 34, Shown: true, Shares: []float64{0.62, 0.18, 0.06, 0.09, 0.05}},
		{Label: "Högsjö", N: 21, Shown: true, Shares: []float64{0.48, 0.33, 0.10, 0.05, 0.04}},
		{Label: "Ärla", N: 2, Shown: false},
		{Label: "Läppe", N: 12, Shown: true, Shares: []float64{0.83, 0, 0, 0.17, 0}},
	},
}

var sampleMulti = Categorical{
	Title:   "Vilken service saknar du i byn?",
	Kind:    Multi,
	Options: []string{"Livsmedelsbutik", "Postombud", "Laddstolpe", "Samlingslokal"},
	Villages: []CategoricalVillage{
		{Label: "Baggetorp", N: 34, Shown: true, Shares: []float64{0.71, 0.44, 0.29, 0.12}},
		{Label: "Högsjö", N: 21, Shown: true, Shares: []float64{0.38, 0.52, 0.62, 0.05}},
		{Label: "Ärla", N: 4, Shown: false},
	},
}

var sampleRank = Rank{
	Title:   "Rangordna satsningarna",
	Options: []string{"Skola", "Vägar", "Bredband", "Äldreomsorg"},
	Villages: []RankVillage{
		{Label: "Baggetorp", N: 34, Shown: true, MeanRanks: []float64{1.8, 2.9, 2.2, 3.1}},
		{Label: "Högsjö", N: 21, Shown: true, MeanRanks: []float64{2.4, 1.6, 3.5, 2.5}},
		{Label: "Ärla", N: 4, Shown: false},
	},
}

var sampleRemiss = Remiss{
	Title: "Medborgarförslag: Cykelväg mellan Baggetorp och Högsjö",
	Villages: []RemissVillage{
		{Label: "Baggetorp", Stance: StanceSupport},
		{Label: "Högsjö", Stance: StanceSupportWithChanges},
		{Label: "Ärla", Stance: StanceOppose},
		{Label: "Läppe", Stance: StanceNoOpinion},
		{Label: "Östra Vingåker med omnejd och Säfstaholms slottsområde", Stance: StanceSupport},
		{Label: "Sköldinge", Stance: StanceNone},
	},
}

// TestWriteSamples writes the sample charts to $CHARTS_SAMPLES, to look at.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("CHARTS_SAMPLES")
	if dir == "" {
		t.Skip("set CHARTS_SAMPLES to a directory to write sample charts")
	}
	charts := map[string]Chart{
		"likert": sampleLikert, "single": sampleSingle, "multi": sampleMulti,
		"rankfirst": Categorical{Title: "Viktigast för byn", Kind: RankFirst, Options: sampleRank.Options, Villages: sampleSingle.Villages},
		"rank":      sampleRank, "remiss": sampleRemiss,
	}
	for _, tc := range allCases() {
		charts["edge-"+strings.NewReplacer(" ", "-", ",", "").Replace(tc.name)] = tc.chart
	}
	for name, c := range charts {
		for _, f := range []Format{PNG, SVG} {
			out, err := os.Create(filepath.Join(dir, name+"."+f.String()))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Render(out, Options{Format: f}); err != nil {
				t.Errorf("%s.%s: %v", name, f, err)
			}
			out.Close()
		}
	}
	// A sharp PNG for a phone screen, at twice the pixels.
	out, err := os.Create(filepath.Join(dir, "likert@2x.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := sampleLikert.Render(out, Options{Scale: 2}); err != nil {
		t.Error(err)
	}
}
