package survey

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// comparedSurvey has one question of every type. Its villages: norrby, sodra
// and vasterby with 50 responses each, liten with 3 (below min_n) and tom
// with none.
func comparedSurvey() *Survey {
	three, twoHundred, thousand := 3.0, 200.0, 1000.0
	zero := 0.0
	return &Survey{
		ID:       "s1",
		Title:    "Byarnas framtid",
		Villages: []string{"norrby", "sodra", "vasterby", "liten", "tom"},
		Questions: []Question{
			{Key: "ja", Type: Single, Prompt: "Ska skolan vara kvar?", Options: []string{"Ja", "Nej", "Vet ej"}},
			{Key: "satsa", Type: Multi, Prompt: "Vad ska kommunen satsa på?", Options: []string{"Skola", "Väg", "Bredband"}, Max: &three},
			{Key: "nojd", Type: Likert, Prompt: "Jag är nöjd med kollektivtrafiken"},
			{Key: "viktigast", Type: Rank, Prompt: "Ordna efter vikt", Options: []string{"Skola", "Väg", "Bredband"}},
			{Key: "avstand", Type: Number, Prompt: "Hur många km till närmaste affär?", Min: &zero, Max: &twoHundred},
			{Key: "ovrigt", Type: Text, Prompt: "Något mer?", Max: &thousand},
		},
	}
}

// respond parses one response's answers as the API would.
func respond(t *testing.T, s *Survey, answers map[string]any) map[string]Answer {
	t.Helper()
	raw := map[string]json.RawMessage{}
	for k, v := range answers {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		raw[k] = b
	}
	parsed, err := s.ParseAnswers(raw)
	if err != nil {
		t.Fatalf("ParseAnswers(%v): %v", answers, err)
	}
	return parsed
}

// villageTally builds a village's tally from 50 responses. single follows
// STATS.md's 3×3 table; multi and number differ between villages by design,
// likert and rank are alike everywhere.
func villageTally(t *testing.T, s *Survey, slug string, ja, nej, bredband int, shift float64) Tally {
	t.Helper()
	tally := Tally{Survey: s.ID, Village: slug}
	for i := 0; i < 50; i++ {
		single := "Vet ej"
		switch {
		case i < ja:
			single = "Ja"
		case i < ja+nej:
			single = "Nej"
		}
		multi := []string{"Väg"}
		if i < 25 {
			multi = []string{"Skola"}
		}
		if i < bredband {
			multi = append(multi, "Bredband")
		}
		// Likert 5:15, 4:15, 3:10, 2:5, 1:5.
		likert := 1
		switch {
		case i < 15:
			likert = 5
		case i < 30:
			likert = 4
		case i < 40:
			likert = 3
		case i < 45:
			likert = 2
		}
		rank := []string{"Väg", "Skola", "Bredband"}
		switch {
		case i >= 40:
			rank = []string{"Bredband", "Väg", "Skola"}
		case i >= 30:
			rank = []string{"Skola", "Bredband", "Väg"}
		}
		answers := map[string]any{
			"ja": single, "satsa": multi, "nojd": likert, "viktigast": rank,
			"avstand": float64(i%10) + shift,
		}
		if i%2 == 0 {
			answers["ovrigt"] = "Fler bussar, tack"
		}
		tally.Add(s, respond(t, s, answers))
	}
	return tally
}

func comparedTallies(t *testing.T, s *Survey) []Tally {
	t.Helper()
	liten := Tally{Survey: s.ID, Village: "liten"}
	for i := 0; i < 3; i++ {
		liten.Add(s, respond(t, s, map[string]any{
			"ja": "Nej", "satsa": []string{"Väg"}, "nojd": 1,
			"viktigast": []string{"Bredband", "Väg", "Skola"}, "avstand": 150, "ovrigt": "Glöm inte oss",
		}))
	}
	return []Tally{
		villageTally(t, s, "norrby", 30, 10, 40, 0),
		villageTally(t, s, "sodra", 20, 20, 10, 5),
		villageTally(t, s, "vasterby", 10, 25, 10, 10),
		liten,
	}
}

var comparedVillages = []Village{
	{Slug: "norrby", Name: "Norrby", Population: 500},
	{Slug: "sodra", Name: "Södra byn", Population: 200},
	{Slug: "vasterby", Name: "Västerby", Population: 1000},
	{Slug: "liten", Name: "Lillån"},
	{Slug: "tom", Name: "Tomtebo", Population: 40},
}

func question(t *testing.T, c Comparison, key string) QuestionComparison {
	t.Helper()
	for _, q := range c.Questions {
		if q.Key == key {
			return q
		}
	}
	t.Fatalf("question %q missing", key)
	return QuestionComparison{}
}

func checkNear(t *testing.T, what string, got *float64, want, tol float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = null; want %.6f", what, want)
		return
	}
	if !near(*got, want, tol) {
		t.Errorf("%s = %.6f; want %.6f", what, *got, want)
	}
}

func TestCompareEndToEnd(t *testing.T) {
	s := comparedSurvey()
	c := Compare(s, comparedVillages, comparedTallies(t, s), 5)

	t.Run("the villages are the survey's, in its order, with responses per 100 inhabitants", func(t *testing.T) {
		want := []ComparedVillage{
			{Slug: "norrby", Name: "Norrby", N: 50, Population: 500, Per100: number(10)},
			{Slug: "sodra", Name: "Södra byn", N: 50, Population: 200, Per100: number(25)},
			{Slug: "vasterby", Name: "Västerby", N: 50, Population: 1000, Per100: number(5)},
			{Slug: "liten", Name: "Lillån", N: 3},
			{Slug: "tom", Name: "Tomtebo", N: 0, Population: 40, Per100: number(0)},
		}
		if !reflect.DeepEqual(c.Villages, want) {
			t.Errorf("villages = %+v; want %+v", c.Villages, want)
		}
		if c.Survey != "s1" || c.MinN != 5 {
			t.Errorf("survey, min_n = %q, %d; want %q, %d", c.Survey, c.MinN, "s1", 5)
		}
	})

	t.Run("questions keep the survey's order", func(t *testing.T) {
		var got []string
		for _, q := range c.Questions {
			got = append(got, q.Key)
		}
		if want := []string{"ja", "satsa", "nojd", "viktigast", "avstand", "ovrigt"}; !reflect.DeepEqual(got, want) {
			t.Errorf("keys = %v; want %v", got, want)
		}
	})

	t.Run("small and silent villages are hidden in every question", func(t *testing.T) {
		for _, q := range c.Questions {
			for _, v := range q.Villages {
				small := v.Slug == "liten" || v.Slug == "tom"
				if small && (v.Shown || v.Shares != nil || v.Mean != nil || v.Median != nil || v.Agree != nil || v.MeanRank != nil) {
					t.Errorf("%s/%s = %+v; want only n, not shown", q.Key, v.Slug, v)
				}
				if wantN := map[string]int{"liten": 3, "tom": 0}[v.Slug]; small && v.N != wantN {
					t.Errorf("%s/%s n = %d; want %d", q.Key, v.Slug, v.N, wantN)
				}
			}
		}
	})

	t.Run("the single question reproduces the 3×3 table of STATS.md and differs", func(t *testing.T) {
		q := question(t, c, "ja")
		checkNear(t, "chi2", q.Chi2, 17.7922, 5e-5)
		if q.DF == nil || *q.DF != 4 {
			t.Errorf("df = %v; want 4", q.DF)
		}
		checkNear(t, "p", q.P, 0.001355, 5e-7)
		checkNear(t, "cramers_v", q.CramersV, 0.2435, 5e-5)
		checkNear(t, "cramers_v_corrected", q.CramersVCorrected, 0.2157, 5e-5)
		if q.Verdict != VerdictDiffer {
			t.Errorf("verdict = %q; want %q", q.Verdict, VerdictDiffer)
		}
		// Pooled: Ja 60, Nej 55, Vet ej 35 of 150: no majority; Ja is most
		// chosen, by 30, 20 and 10 of 50.
		if q.Majority != nil {
			t.Errorf("majority = %q; want null", *q.Majority)
		}
		checkNear(t, "consensus", q.Consensus, math.Cbrt(31.0/52*21.0/52*11.0/52), 1e-12)
		want := map[string]float64{"Ja": 0.6, "Nej": 0.2, "Vet ej": 0.2}
		if got := q.Villages[0].Shares; !reflect.DeepEqual(got, want) {
			t.Errorf("norrby shares = %v; want %v", got, want)
		}
	})

	t.Run("the multi question differs on one option against a Bonferroni threshold", func(t *testing.T) {
		q := question(t, c, "satsa")
		if len(q.Options) != 3 {
			t.Fatalf("options = %+v; want 3 tests", q.Options)
		}
		// Bredband: (40, 10 / 10, 40 / 10, 40): χ² = 50 on 2 df, p = e^−25.
		bb := q.Options[2]
		if bb.Option != "Bredband" || !near(bb.Chi2, 50, 1e-9) || bb.DF != 2 || !near(bb.P, math.Exp(-25), 1e-15) || !near(bb.CramersV, math.Sqrt(1.0/3), 1e-12) {
			t.Errorf("Bredband test = %+v; want χ² 50, df 2, p e^−25, V 0.5774", bb)
		}
		for _, o := range q.Options[:2] {
			if o.Chi2 != 0 || o.P != 1 {
				t.Errorf("%s test = %+v; want χ² 0, p 1 (villages alike)", o.Option, o)
			}
		}
		checkNear(t, "p", q.P, math.Exp(-25), 1e-15)
		checkNear(t, "chi2", q.Chi2, 50, 1e-9)
		checkNear(t, "alpha", q.Alpha, 0.05/3, 1e-15)
		if q.Verdict != VerdictDiffer {
			t.Errorf("verdict = %q; want %q", q.Verdict, VerdictDiffer)
		}
		// Skola and Väg 75 of 150 each: exactly half is no majority.
		if q.Majority != nil {
			t.Errorf("majority = %q; want null", *q.Majority)
		}
		checkNear(t, "consensus", q.Consensus, 26.0/52, 1e-12)
		want := map[string]float64{"Skola": 0.5, "Väg": 0.5, "Bredband": 0.8}
		if got := q.Villages[0].Shares; !reflect.DeepEqual(got, want) {
			t.Errorf("norrby shares = %v; want %v", got, want)
		}
	})

	t.Run("the likert question agrees, tested on three categories", func(t *testing.T) {
		q := question(t, c, "nojd")
		if q.Verdict != VerdictAgree || q.DF == nil || *q.DF != 4 {
			t.Errorf("verdict, df = %q, %v; want %q, 4 (3 villages × 3 categories)", q.Verdict, q.DF, VerdictAgree)
		}
		checkNear(t, "p", q.P, 1, 1e-12)
		if q.Majority == nil || *q.Majority != LikertAgree {
			t.Errorf("majority = %v; want %q", q.Majority, LikertAgree)
		}
		checkNear(t, "consensus", q.Consensus, 31.0/52, 1e-12)
		v := q.Villages[1]
		want := map[string]float64{"1": 0.1, "2": 0.1, "3": 0.2, "4": 0.3, "5": 0.3}
		if !reflect.DeepEqual(v.Shares, want) {
			t.Errorf("shares = %v; want %v", v.Shares, want)
		}
		checkNear(t, "agree", v.Agree, 0.6, 1e-12)
		checkNear(t, "disagree", v.Disagree, 0.2, 1e-12)
		checkNear(t, "mean", v.Mean, 3.6, 1e-12)
		checkNear(t, "median", v.Median, 4, 0)
	})

	t.Run("the rank question tests the first choice and gives mean ranks", func(t *testing.T) {
		q := question(t, c, "viktigast")
		if q.Verdict != VerdictAgree {
			t.Errorf("verdict = %q; want %q", q.Verdict, VerdictAgree)
		}
		if q.Majority == nil || *q.Majority != "Väg" {
			t.Errorf("majority = %v; want Väg", q.Majority)
		}
		v := q.Villages[2]
		wantFirst := map[string]float64{"Väg": 0.6, "Skola": 0.2, "Bredband": 0.2}
		if !reflect.DeepEqual(v.FirstShare, wantFirst) || !reflect.DeepEqual(v.Shares, wantFirst) {
			t.Errorf("first_share, shares = %v, %v; want %v", v.FirstShare, v.Shares, wantFirst)
		}
		wantRank := map[string]float64{"Skola": 2, "Väg": 1.6, "Bredband": 2.4}
		if !reflect.DeepEqual(v.MeanRank, wantRank) {
			t.Errorf("mean_rank = %v; want %v", v.MeanRank, wantRank)
		}
	})

	t.Run("the number question uses Kruskal–Wallis in place of chi-square", func(t *testing.T) {
		q := question(t, c, "avstand")
		groups := make([]map[float64]int, 3)
		for g, shift := range []float64{0, 5, 10} {
			groups[g] = map[float64]int{}
			for i := 0; i < 10; i++ {
				groups[g][float64(i)+shift] = 5
			}
		}
		kw := KruskalWallis(groups)
		checkNear(t, "h", q.H, kw.HCorrected, 1e-9)
		checkNear(t, "epsilon2", q.Epsilon2, kw.Epsilon2, 1e-12)
		checkNear(t, "p", q.P, kw.P, 1e-15)
		if q.Chi2 != nil || q.CramersV != nil || q.CramersVCorrected != nil || q.Majority != nil || q.Consensus != nil {
			t.Errorf("chi2, V, Ṽ, majority, consensus = %v, %v, %v, %v, %v; want all null", q.Chi2, q.CramersV, q.CramersVCorrected, q.Majority, q.Consensus)
		}
		if q.DF == nil || *q.DF != 2 || q.Verdict != VerdictDiffer {
			t.Errorf("df, verdict = %v, %q; want 2, %q", q.DF, q.Verdict, VerdictDiffer)
		}
		for g, want := range []float64{4.5, 9.5, 14.5} {
			checkNear(t, q.Villages[g].Slug+" mean", q.Villages[g].Mean, want, 1e-12)
			checkNear(t, q.Villages[g].Slug+" median", q.Villages[g].Median, want, 1e-12)
		}
	})

	t.Run("free text is not compared and shows only n", func(t *testing.T) {
		q := question(t, c, "ovrigt")
		if q.Verdict != VerdictNone || q.P != nil || q.Majority != nil {
			t.Errorf("verdict, p, majority = %q, %v, %v; want none, null, null", q.Verdict, q.P, q.Majority)
		}
		want := []VillageAnswers{{Slug: "norrby", N: 25}, {Slug: "sodra", N: 25}, {Slug: "vasterby", N: 25}, {Slug: "liten", N: 3}, {Slug: "tom"}}
		if !reflect.DeepEqual(q.Villages, want) {
			t.Errorf("villages = %+v; want %+v", q.Villages, want)
		}
	})

	t.Run("the JSON has the shape of API.md and no NaN", func(t *testing.T) {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
		if strings.Contains(string(b), "NaN") || strings.Contains(string(b), "Inf") {
			t.Fatalf("JSON contains NaN or Inf: %s", b)
		}
		var doc struct {
			Villages  []map[string]any `json:"villages"`
			Questions []map[string]any `json:"questions"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if _, ok := doc.Villages[3]["per_100"]; ok {
			t.Errorf("liten has per_100 %v; want it absent (population unknown)", doc.Villages[3]["per_100"])
		}
		for _, q := range doc.Questions {
			for _, key := range []string{"key", "type", "prompt", "verdict", "majority", "consensus", "chi2", "df", "p", "cramers_v", "cramers_v_corrected", "villages"} {
				if _, ok := q[key]; !ok {
					t.Errorf("question %v lacks %q", q["key"], key)
				}
			}
			_, hasH := q["h"]
			_, hasEpsilon := q["epsilon2"]
			if isNumber := q["type"] == Number; hasH != isNumber || hasEpsilon != isNumber {
				t.Errorf("question %v has h, epsilon2 = %v, %v; want %v", q["key"], hasH, hasEpsilon, isNumber)
			}
			if _, ok := q["options"]; ok != (q["type"] == Multi) {
				t.Errorf("question %v has options = %v; want %v", q["key"], ok, q["type"] == Multi)
			}
			for _, v := range q["villages"].([]any) {
				v := v.(map[string]any)
				if v["shown"] == false && len(v) != 3 {
					t.Errorf("question %v, hidden village %v = %v; want only slug, n, shown", q["key"], v["slug"], v)
				}
			}
		}
	})
}

// singleTally is a village's tally of one single question with the given
// counts per option.
func singleTally(slug string, counts ...int) Tally {
	qt := QuestionTally{Counts: map[string]int{}}
	for i, c := range counts {
		qt.N += c
		if c > 0 {
			qt.Counts[strconv.Itoa(i)] = c
		}
	}
	return Tally{Village: slug, Responses: qt.N, Questions: map[string]QuestionTally{"q": qt}}
}

func TestCompareVerdicts(t *testing.T) {
	s := &Survey{ID: "s", Villages: []string{"a", "b", "c"}, Questions: []Question{
		{Key: "q", Type: Single, Prompt: "?", Options: []string{"Ja", "Nej", "Vet ej"}},
	}}
	tests := []struct {
		name     string
		tallies  []Tally
		minN     int
		verdict  string
		majority string // "" for null
	}{
		{
			name:    "a significant but small difference is agreement",
			tallies: []Tally{singleTally("a", 1100, 900), singleTally("b", 1000, 1000)},
			minN:    5,
			verdict: VerdictAgree, majority: "Ja",
		},
		{
			name:    "a large but uncertain difference is unclear",
			tallies: []Tally{singleTally("a", 4, 2), singleTally("b", 2, 4)},
			minN:    5,
			verdict: VerdictUnclear,
		},
		{
			name:    "133 answers on 4 df without a difference may agree",
			tallies: []Tally{singleTally("a", 15, 15, 14), singleTally("b", 15, 15, 15), singleTally("c", 15, 14, 15)},
			minN:    5,
			verdict: VerdictAgree,
		},
		{
			name:    "132 answers on 4 df without a difference are unclear",
			tallies: []Tally{singleTally("a", 15, 15, 14), singleTally("b", 15, 15, 14), singleTally("c", 15, 14, 15)},
			minN:    5,
			verdict: VerdictUnclear,
		},
		{
			name:    "villages answering alike unanimously agree without a test",
			tallies: []Tally{singleTally("a", 30), singleTally("b", 40), singleTally("c", 50)},
			minN:    5,
			verdict: VerdictAgree, majority: "Ja",
		},
		{
			name:    "28 unanimous answers are too few to call agreement",
			tallies: []Tally{singleTally("a", 7), singleTally("b", 9), singleTally("c", 12)},
			minN:    5,
			verdict: VerdictUnclear, majority: "Ja",
		},
		{
			name:    "one village over min_n is too few to compare",
			tallies: []Tally{singleTally("a", 30, 20), singleTally("b", 2, 2)},
			minN:    5,
			verdict: VerdictInsufficient,
		},
		{
			name:    "no tallies at all are too few to compare",
			minN:    5,
			verdict: VerdictInsufficient,
		},
		{
			name:    "min_n 0 falls back to the default and hides a village of four",
			tallies: []Tally{singleTally("a", 30, 20), singleTally("b", 3, 1)},
			minN:    0,
			verdict: VerdictInsufficient,
		},
		{
			name:    "a lower min_n lets a village of four take part",
			tallies: []Tally{singleTally("a", 30, 20), singleTally("b", 0, 4)},
			minN:    4,
			verdict: VerdictDiffer, majority: "Ja",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Compare(s, nil, tt.tallies, tt.minN).Questions[0]
			if q.Verdict != tt.verdict {
				t.Errorf("verdict = %q; want %q (p %v, V ≥ %v: %v)", q.Verdict, tt.verdict, pValue(q), MinCramersV, q.CramersV != nil && *q.CramersV >= MinCramersV)
			}
			got := ""
			if q.Majority != nil {
				got = *q.Majority
			}
			if got != tt.majority {
				t.Errorf("majority = %q; want %q", got, tt.majority)
			}
			if _, err := json.Marshal(q); err != nil {
				t.Errorf("json.Marshal: %v", err)
			}
		})
	}
}

func TestCompareVillageList(t *testing.T) {
	s := &Survey{ID: "s", Villages: []string{"b", "a", "b"}, Questions: []Question{
		{Key: "q", Type: Single, Prompt: "?", Options: []string{"Ja", "Nej"}},
	}}
	tallies := []Tally{singleTally("z", 3, 3), singleTally("a", 5, 1), singleTally("y", 1, 0), singleTally("a", 1, 5)}
	c := Compare(s, []Village{{Slug: "a", Name: "Ån"}}, tallies, 5)

	t.Run("the survey's villages come first, then tallied strangers by slug", func(t *testing.T) {
		var got []string
		for _, v := range c.Villages {
			got = append(got, v.Slug)
		}
		if want := []string{"b", "a", "y", "z"}; !reflect.DeepEqual(got, want) {
			t.Errorf("slugs = %v; want %v", got, want)
		}
	})
	t.Run("two tallies of one village are added up", func(t *testing.T) {
		a := c.Questions[0].Villages[1]
		if a.N != 12 || !reflect.DeepEqual(a.Shares, map[string]float64{"Ja": 0.5, "Nej": 0.5}) {
			t.Errorf("a = %+v; want n 12, shares ½ and ½", a)
		}
		if c.Villages[1].N != 12 {
			t.Errorf("a's responses = %d; want 12", c.Villages[1].N)
		}
		if tallies[1].Questions["q"].Counts["0"] != 5 {
			t.Errorf("the first tally of a was changed: %v", tallies[1].Questions["q"])
		}
	})
	t.Run("an unknown village is named by its slug", func(t *testing.T) {
		if got := c.Villages[0].Name; got != "b" {
			t.Errorf("name = %q; want %q", got, "b")
		}
		if got := c.Villages[1].Name; got != "Ån" {
			t.Errorf("name = %q; want %q", got, "Ån")
		}
	})
}

func TestCompareNeverGivesNaNOnRandomTallies(t *testing.T) {
	s := comparedSurvey()
	rng := rand.New(rand.NewPCG(5, 6))
	codes := map[string][]string{
		"ja": {"0", "1", "2"}, "satsa": {"0", "1", "2"}, "viktigast": {"0", "1", "2"},
		"nojd":    {"1", "2", "3", "4", "5"},
		"avstand": {NumberCode(0), NumberCode(2.5), NumberCode(7), NumberCode(-1), "x-not-a-number"},
	}
	for i := 0; i < 500; i++ {
		var tallies []Tally
		for _, slug := range s.Villages[:1+rng.IntN(len(s.Villages))] {
			tally := Tally{Village: slug, Responses: rng.IntN(40), Questions: map[string]QuestionTally{}}
			for _, q := range s.Questions {
				// Counts drawn apart from n, so that they may not even add
				// up: a damaged tally must not break the page either.
				qt := QuestionTally{N: rng.IntN(12), Counts: map[string]int{}, RankSums: map[string]int{}}
				for _, code := range codes[q.Key] {
					if rng.IntN(3) > 0 {
						qt.Counts[code] = rng.IntN(12)
						qt.RankSums[code] = rng.IntN(40)
					}
				}
				tally.Questions[q.Key] = qt
			}
			tallies = append(tallies, tally)
		}
		c := Compare(s, nil, tallies, 1+rng.IntN(6))
		if _, err := json.Marshal(c); err != nil {
			t.Fatalf("json.Marshal of the comparison of %+v: %v", tallies, err)
		}
	}
}

func TestCompareWithoutSurveyIsEmpty(t *testing.T) {
	c := Compare(nil, nil, nil, 5)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"survey":"","min_n":5,"villages":[],"questions":[]}`; got != want {
		t.Errorf("JSON = %s; want %s", got, want)
	}
}

// fixed builds a compared question with the given verdict and figures; a
// negative effect means "not tested".
func fixed(key, verdict string, effect, p float64, numeric bool, consensus *float64) QuestionComparison {
	q := QuestionComparison{Key: key, Verdict: verdict, Consensus: consensus}
	if effect >= 0 {
		q.P = number(p)
		if numeric {
			q.Epsilon2 = number(effect)
		} else {
			q.CramersV = number(effect)
		}
	}
	return q
}

func keys(qs []QuestionComparison) []string {
	out := []string{}
	for _, q := range qs {
		out = append(out, q.Key)
	}
	return out
}

func TestOrdering(t *testing.T) {
	c := Comparison{Questions: []QuestionComparison{
		fixed("text", VerdictNone, -1, 0, false, nil),
		fixed("few", VerdictInsufficient, -1, 0, false, nil),
		fixed("weak-agree", VerdictAgree, 0.05, 0.6, false, number(0.8)),
		fixed("strong-differ", VerdictDiffer, 0.40, 0.001, false, number(0.3)),
		fixed("number-differ", VerdictDiffer, 0.20, 0.01, true, nil),
		fixed("big-but-unsure", VerdictUnclear, 0.30, 0.2, false, number(0.5)),
		fixed("same-v-smaller-p", VerdictDiffer, 0.20, 0.0001, false, number(0.4)),
		fixed("number-agree", VerdictAgree, 0.01, 0.7, true, nil),
		fixed("few-2", VerdictInsufficient, -1, 0, false, nil),
		fixed("strong-consensus", VerdictAgree, 0.02, 0.9, false, number(0.9)),
	}}
	before := keys(c.Questions)

	t.Run("most divided first: differences by effect then p, then the unclear, then agreement, then the rest in survey order", func(t *testing.T) {
		want := []string{"strong-differ", "same-v-smaller-p", "number-differ", "big-but-unsure", "weak-agree", "strong-consensus", "number-agree", "few", "few-2", "text"}
		if got := keys(c.Divided()); !reflect.DeepEqual(got, want) {
			t.Errorf("Divided() = %v; want %v", got, want)
		}
	})
	t.Run("agreed questions by consensus, numbers last", func(t *testing.T) {
		want := []string{"strong-consensus", "weak-agree", "number-agree"}
		if got := keys(c.Agreed()); !reflect.DeepEqual(got, want) {
			t.Errorf("Agreed() = %v; want %v", got, want)
		}
	})
	t.Run("sorting leaves the comparison in survey order", func(t *testing.T) {
		if got := keys(c.Questions); !reflect.DeepEqual(got, before) {
			t.Errorf("questions = %v; want %v", got, before)
		}
	})
}
