package handlers

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/forankra/forankra/charts"
)

// TestEveryChartTextHasEnglish draws every kind of chart, in every state
// (no villages, too few answers, shown), asking the catalog for each text
// through a recorder: a chart text without English fails, and an English
// chart carries no Swedish of its own.
func TestEveryChartTextHasEnglish(t *testing.T) {
	asked := map[string]bool{}
	record := charts.Text(func(sv string) string {
		asked[sv] = true
		return translate("en", sv)
	})
	shown := []charts.LikertVillage{{Label: "Åby", N: 12, Shown: true, Shares: [5]float64{.1, .2, .3, .2, .2}}, {Label: "Bby", N: 2}}
	all := []charts.Chart{
		charts.Likert{Title: "Bra buss?", Text: record},
		charts.Likert{Title: "Bra buss?", Villages: shown, Text: record},
		charts.Categorical{Text: record},
		charts.Categorical{Villages: []charts.CategoricalVillage{{Label: "Åby"}}, Text: record},
		charts.Categorical{Kind: charts.Single, Options: []string{"Skola", "Väg"}, Villages: []charts.CategoricalVillage{{Label: "Åby", N: 9, Shown: true, Shares: []float64{.5, .5}}, {Label: "Bby", N: 1}}, Text: record},
		charts.Categorical{Kind: charts.Multi, Options: []string{"Skola", "Väg"}, Villages: []charts.CategoricalVillage{{Label: "Åby", N: 9, Shown: true, Shares: []float64{.5, .7}}, {Label: "Bby", N: 1}}, Text: record},
		charts.Categorical{Kind: charts.RankFirst, Options: []string{"Skola", "Väg"}, Villages: []charts.CategoricalVillage{{Label: "Åby", N: 9, Shown: true, Shares: []float64{.5, .5}}}, Text: record},
		charts.Rank{Text: record},
		charts.Rank{Options: []string{"Skola", "Väg"}, Villages: []charts.RankVillage{{Label: "Åby", N: 9, Shown: true, MeanRanks: []float64{1.2, 0}}, {Label: "Bby", N: 1}}, Text: record},
		charts.FocusAreas{Text: record},
		charts.FocusAreas{Plans: 1, Areas: []charts.FocusArea{{Label: "Vägar", Villages: 1, Kind: charts.FocusUnique}}, Text: record},
		charts.FocusAreas{Plans: 3, Areas: []charts.FocusArea{{Label: "Vägar", Villages: 3, Kind: charts.FocusCommon}, {Label: "Skola", Villages: 2, Kind: charts.FocusRankedDifferently}, {Label: "Bredband", Villages: 1, Kind: charts.FocusSome}}, Text: record},
		charts.Remiss{Text: record},
		charts.Remiss{Villages: []charts.RemissVillage{{Label: "Åby", Stance: charts.ParseStance("support")}}, Text: record},
		charts.Remiss{Villages: []charts.RemissVillage{{Label: "Åby", Stance: charts.ParseStance("oppose")}, {Label: "Bby"}}, Text: record},
	}
	for _, ch := range all {
		var buf bytes.Buffer
		if err := ch.Render(&buf, charts.Options{Format: charts.SVG}); err != nil {
			t.Fatalf("%T: %v", ch, err)
		}
		for _, swedish := range []string{"för få svar", "Inga byar", "Andel per by", "instämmer", "tillfrågad", " av ", "planer", "Medelplacering"} {
			if strings.Contains(buf.String(), swedish) || strings.Contains(ch.AltText(), swedish) {
				t.Errorf("%T in English: got %q in %.300s", ch, swedish, ch.AltText())
			}
		}
	}
	if len(asked) < 30 {
		t.Fatalf("the charts asked for %d texts; want every text of every chart (is Text passed on?)", len(asked))
	}
	var missing []string
	for sv := range asked {
		if _, ok := catalog.english[sv]; !ok {
			missing = append(missing, sv)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no English in locales/en.json for the chart text %q", m)
	}
}
