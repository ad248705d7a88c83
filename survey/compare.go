package survey

import (
	"math"
	"sort"
	"strconv"
)

// Verdicts of a question's comparison.
const (
	VerdictAgree        = "agree"        // the villages answer alike
	VerdictDiffer       = "differ"       // significant, and an effect worth telling
	VerdictUnclear      = "unclear"      // too few answers to tell whether the villages differ
	VerdictInsufficient = "insufficient" // fewer than two villages reach min_n
	VerdictNone         = "none"         // free text: never compared
)

// Thresholds of the comparison (STATS.md).
const (
	// DefaultMinN is the fewest answers a village needs for its figures to be
	// shown and to take part in the test.
	DefaultMinN = 5
	// Alpha is the significance level; multi questions divide it by their
	// number of options.
	Alpha = 0.05
	// MinCramersV and MinEpsilon2 are the smallest effects called a difference.
	MinCramersV = 0.15
	MinEpsilon2 = 0.04
)

// The three likert categories of the test and of the majority: 1–2, 3, 4–5.
const (
	LikertDisagree = "disagree"
	LikertNeutral  = "neutral"
	LikertAgree    = "agree"
)

// Comparison is where the villages of a survey agree or differ, question by
// question (GET /api/v1/surveys/{id}/comparison).
type Comparison struct {
	Survey    string               `json:"survey"`
	MinN      int                  `json:"min_n"`
	Villages  []ComparedVillage    `json:"villages"`
	Questions []QuestionComparison `json:"questions"`
}

// ComparedVillage is a village of the survey and how many of its residents
// responded.
type ComparedVillage struct {
	Slug       string `json:"slug"`
	Name       string `json:"name"`
	N          int    `json:"n"`
	Population int    `json:"population,omitempty"`
	// Per100 is responses per 100 inhabitants; absent when the population is
	// unknown.
	Per100 *float64 `json:"per_100,omitempty"`
}

// QuestionComparison compares the villages' answers to one question. The
// fields of API.md (verdict to cramers_v_corrected) are always present, null
// when they do not apply; the additions of one type (h and epsilon2 for
// number, options for multi) are absent elsewhere.
type QuestionComparison struct {
	Key     string `json:"key"`
	Type    string `json:"type"`
	Prompt  string `json:"prompt"`
	Verdict string `json:"verdict"`
	// Majority is the category that more than half of all shown respondents
	// chose: an option, or LikertDisagree/Neutral/Agree. Null when there is
	// none, for numbers and text, and when fewer than two villages are shown.
	Majority *string `json:"majority"`
	// Consensus is ConsensusScore over the shown villages for the majority
	// category, or when there is none for the category the shown respondents
	// chose most often. Null for numbers and text, and when fewer than two
	// villages are shown.
	Consensus *float64 `json:"consensus"`

	Chi2              *float64 `json:"chi2"`
	DF                *int     `json:"df"`
	P                 *float64 `json:"p"`
	CramersV          *float64 `json:"cramers_v"`
	CramersVCorrected *float64 `json:"cramers_v_corrected"`
	// H is the tie-corrected Kruskal–Wallis statistic H′ and Epsilon2 its
	// effect size (number questions).
	H        *float64 `json:"h,omitempty"`
	Epsilon2 *float64 `json:"epsilon2,omitempty"`
	// Alpha is the threshold p was held against: Alpha, or for multi
	// Alpha divided by the number of options.
	Alpha *float64 `json:"alpha,omitempty"`
	// Power is the test's power to detect a medium effect (STATS.md); agree
	// needs at least MinPower, and below it a question without a difference
	// is unclear. Null when the question was not tested.
	Power *float64 `json:"power"`
	// Options holds a multi question's test per option; the question's own
	// figures are those of the option with the smallest p.
	Options []OptionTest `json:"options,omitempty"`

	Villages []VillageAnswers `json:"villages"`
}

// OptionTest is the chi-square test of one option of a multi question: did
// the villages choose it equally often?
type OptionTest struct {
	Option   string  `json:"option"`
	Chi2     float64 `json:"chi2"`
	DF       int     `json:"df"`
	P        float64 `json:"p"`
	CramersV float64 `json:"cramers_v"`
}

// VillageAnswers is one village's answers to one question. A village that is
// not shown (fewer than min_n answers, or a text question) has only its n.
type VillageAnswers struct {
	Slug  string `json:"slug"`
	N     int    `json:"n"`
	Shown bool   `json:"shown"`
	// Shares is keyed by option text, or "1".."5" for likert. For rank it is
	// the share ranking each option first, as is FirstShare.
	Shares   map[string]float64 `json:"shares,omitempty"`
	Agree    *float64           `json:"agree,omitempty"`
	Disagree *float64           `json:"disagree,omitempty"`
	Mean     *float64           `json:"mean,omitempty"`
	Median   *float64           `json:"median,omitempty"`
	// MeanRank is each option's mean position, 1 = best (rank).
	MeanRank   map[string]float64 `json:"mean_rank,omitempty"`
	FirstShare map[string]float64 `json:"first_share,omitempty"`
}

// Compare compares the villages' answers to each question of s from their
// tallies (one a village; several for one village are added up). villages
// gives names and populations. A village takes part in a question only with
// at least minN answers to it; minN below 1 means DefaultMinN, so that a
// forgotten setting never exposes small villages.
//
// The villages listed are the survey's, in its order, then any village that
// has a tally but is not in the survey, by slug. A village without a tally
// has n = 0.
func Compare(s *Survey, villages []Village, tallies []Tally, minN int) Comparison {
	if minN < 1 {
		minN = DefaultMinN
	}
	c := Comparison{MinN: minN, Villages: []ComparedVillage{}, Questions: []QuestionComparison{}}
	if s == nil {
		return c
	}
	c.Survey = s.ID

	bySlug := make(map[string]Tally, len(tallies))
	for _, t := range tallies {
		if prev, ok := bySlug[t.Village]; ok {
			t = addTallies(prev, t)
		}
		bySlug[t.Village] = t
	}
	var slugs []string
	listed := map[string]bool{}
	for _, slug := range s.Villages {
		if !listed[slug] {
			listed[slug] = true
			slugs = append(slugs, slug)
		}
	}
	var extra []string
	for slug := range bySlug {
		if !listed[slug] {
			extra = append(extra, slug)
		}
	}
	sort.Strings(extra)
	slugs = append(slugs, extra...)

	known := make(map[string]Village, len(villages))
	for _, v := range villages {
		known[v.Slug] = v
	}
	for _, slug := range slugs {
		cv := ComparedVillage{Slug: slug, Name: slug, N: bySlug[slug].Responses}
		if v, ok := known[slug]; ok {
			cv.Name = v.Name
			if v.Population > 0 {
				cv.Population = v.Population
				cv.Per100 = number(float64(cv.N) * 100 / float64(v.Population))
			}
		}
		c.Villages = append(c.Villages, cv)
	}

	for i := range s.Questions {
		q := &s.Questions[i]
		counts := make([]QuestionTally, len(slugs))
		for j, slug := range slugs {
			counts[j] = bySlug[slug].Questions[q.Key]
		}
		c.Questions = append(c.Questions, compareQuestion(q, slugs, counts, minN))
	}
	return c
}

// addTallies returns the sum of two tallies of one village, leaving both as
// they are.
func addTallies(a, b Tally) Tally {
	sum := Tally{Survey: a.Survey, Village: a.Village, Responses: a.Responses + b.Responses, Questions: map[string]QuestionTally{}}
	addMap := func(dst map[string]int, src map[string]int) map[string]int {
		if len(src) == 0 {
			return dst
		}
		if dst == nil {
			dst = map[string]int{}
		}
		for k, v := range src {
			dst[k] += v
		}
		return dst
	}
	for _, t := range []Tally{a, b} {
		for key, qt := range t.Questions {
			s := sum.Questions[key]
			s.N += qt.N
			s.Counts = addMap(s.Counts, qt.Counts)
			s.RankSums = addMap(s.RankSums, qt.RankSums)
			sum.Questions[key] = s
		}
	}
	return sum
}

// compareQuestion compares one question; counts[i] is village slugs[i]'s tally.
func compareQuestion(q *Question, slugs []string, counts []QuestionTally, minN int) QuestionComparison {
	qc := QuestionComparison{Key: q.Key, Type: q.Type, Prompt: q.Prompt, Villages: make([]VillageAnswers, len(slugs))}
	var shown []QuestionTally
	for i, slug := range slugs {
		va := VillageAnswers{Slug: slug, N: counts[i].N}
		if q.Type != Text && counts[i].N >= minN {
			va.Shown = true
			q.figures(&va, counts[i])
			shown = append(shown, counts[i])
		}
		qc.Villages[i] = va
	}
	switch {
	case q.Type == Text:
		qc.Verdict = VerdictNone
		return qc
	case len(shown) < 2:
		qc.Verdict = VerdictInsufficient
		return qc
	}

	if q.Type == Number {
		groups := make([]map[float64]int, len(shown))
		for g, qt := range shown {
			groups[g] = numberHistogram(qt)
		}
		kw := KruskalWallis(groups)
		qc.H, qc.DF, qc.P, qc.Epsilon2 = number(kw.HCorrected), &kw.DF, number(kw.P), number(kw.Epsilon2)
		qc.Alpha = number(Alpha)
		power := NumberPower(float64(kw.N), len(shown), Alpha)
		qc.Power = number(power)
		qc.Verdict = verdict(kw.P < Alpha && kw.Epsilon2 >= MinEpsilon2, power)
		return qc
	}

	names := q.categories()
	table := make([][]float64, len(shown))
	for g, qt := range shown {
		table[g] = q.categoryCounts(qt)
	}
	alpha := Alpha
	test := ChiSquareResult{P: 1}
	if q.Type == Multi && len(names) > 0 {
		// One chose/did-not table per option; the question stands or falls
		// with its most significant option, against a Bonferroni threshold.
		alpha = Alpha / float64(len(names))
		for j, name := range names {
			two := make([][]float64, len(shown))
			for g, qt := range shown {
				two[g] = []float64{table[g][j], float64(qt.N) - table[g][j]}
			}
			r := ChiSquare(two)
			qc.Options = append(qc.Options, OptionTest{Option: name, Chi2: r.Chi2, DF: r.DF, P: r.P, CramersV: r.CramersV})
			if j == 0 || r.P < test.P {
				test = r
			}
		}
	} else {
		test = ChiSquare(table)
	}
	qc.Chi2, qc.DF, qc.P = number(test.Chi2), &test.DF, number(test.P)
	qc.CramersV, qc.CramersVCorrected = number(test.CramersV), number(test.CramersVCorrected)
	qc.Alpha = number(alpha)
	// A table whose answers all fell in one category has no df of its own;
	// its power is judged as the smallest table's, one df.
	power := CategoryPower(test.N, max(1, test.DF), alpha)
	qc.Power = number(power)
	qc.Verdict = verdict(test.P < alpha && test.CramersV >= MinCramersV, power)
	qc.Majority, qc.Consensus = majority(names, table, shown)
	return qc
}

// verdict is differ for a difference worth telling, agree when there is
// none and the test had the power to see one, and unclear otherwise: no
// significant difference is not agreement when there were too few answers.
func verdict(differ bool, power float64) string {
	switch {
	case differ:
		return VerdictDiffer
	case power >= MinPower:
		return VerdictAgree
	}
	return VerdictUnclear
}

// majority finds the category more than half of all shown respondents chose
// (for multi, where several can pass, the most chosen of them) and scores
// the consensus on it, or on the most chosen category when there is no
// majority. Ties go to the category listed first.
func majority(names []string, table [][]float64, shown []QuestionTally) (*string, *float64) {
	if len(names) == 0 {
		return nil, nil
	}
	pooled := make([]float64, len(names))
	n := 0
	for g, row := range table {
		for j := range names {
			pooled[j] += row[j]
		}
		n += shown[g].N
	}
	top := 0
	for j := range pooled {
		if pooled[j] > pooled[top] {
			top = j
		}
	}
	chose, sizes := make([]int, len(shown)), make([]int, len(shown))
	for g := range shown {
		chose[g], sizes[g] = int(table[g][top]), shown[g].N
	}
	var name *string
	if n > 0 && pooled[top] > float64(n)/2 {
		name = &names[top]
	}
	return name, number(ConsensusScore(chose, sizes))
}

// categories names the columns of q's test table: the options, or for likert
// the three groups of LikertDisagree, LikertNeutral and LikertAgree.
func (q *Question) categories() []string {
	if q.Type == Likert {
		return []string{LikertDisagree, LikertNeutral, LikertAgree}
	}
	return q.Options
}

// categoryCounts is a village's row of q's test table: per option (for rank,
// ranked first), or likert's 1–2, 3 and 4–5.
func (q *Question) categoryCounts(qt QuestionTally) []float64 {
	if q.Type == Likert {
		c := func(code string) float64 { return float64(qt.Counts[code]) }
		return []float64{c("1") + c("2"), c("3"), c("4") + c("5")}
	}
	row := make([]float64, len(q.Options))
	for i := range q.Options {
		row[i] = float64(qt.Counts[strconv.Itoa(i)])
	}
	return row
}

// figures fills in a shown village's figures; qt.N > 0.
func (q *Question) figures(va *VillageAnswers, qt QuestionTally) {
	n := float64(qt.N)
	switch q.Type {
	case Single, Multi, Rank:
		va.Shares = make(map[string]float64, len(q.Options))
		for i, o := range q.Options {
			va.Shares[o] = float64(qt.Counts[strconv.Itoa(i)]) / n
		}
		if q.Type == Rank {
			va.FirstShare = make(map[string]float64, len(q.Options))
			va.MeanRank = make(map[string]float64, len(q.Options))
			for i, o := range q.Options {
				va.FirstShare[o] = va.Shares[o]
				va.MeanRank[o] = float64(qt.RankSums[strconv.Itoa(i)]) / n
			}
		}
	case Likert:
		va.Shares = make(map[string]float64, 5)
		h := map[float64]int{}
		for v := 1; v <= 5; v++ {
			code := strconv.Itoa(v)
			va.Shares[code] = float64(qt.Counts[code]) / n
			h[float64(v)] = qt.Counts[code]
		}
		va.Disagree = number(va.Shares["1"] + va.Shares["2"])
		va.Agree = number(va.Shares["4"] + va.Shares["5"])
		va.Mean, va.Median = histogramFigures(h)
	case Number:
		va.Mean, va.Median = histogramFigures(numberHistogram(qt))
	}
}

func histogramFigures(h map[float64]int) (mean, median *float64) {
	if m, ok := HistogramMean(h); ok {
		mean = number(m)
	}
	if m, ok := HistogramMedian(h); ok {
		median = number(m)
	}
	return mean, median
}

// numberHistogram decodes a number question's counts (NumberCode → count).
func numberHistogram(qt QuestionTally) map[float64]int {
	h := make(map[float64]int, len(qt.Counts))
	for code, c := range qt.Counts {
		if v, ok := ParseNumberCode(code); ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			h[v] += c
		}
	}
	return h
}

// number points at f, or is nil when f is NaN or infinite: encoding/json
// refuses those, and a figure that cannot be computed is better absent.
func number(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// Effect is the question's effect size, Cramér's V (ε² for numbers), and
// whether the question was tested at all.
func (qc QuestionComparison) Effect() (float64, bool) {
	switch {
	case qc.Epsilon2 != nil:
		return *qc.Epsilon2, true
	case qc.CramersV != nil:
		return *qc.CramersV, true
	}
	return 0, false
}

// verdictOrder puts differences first, then the questions too uncertain to
// call (they may yet differ), then agreement, then the questions that could
// not be or are not compared.
var verdictOrder = map[string]int{VerdictDiffer: 0, VerdictUnclear: 1, VerdictAgree: 2, VerdictInsufficient: 3, VerdictNone: 4}

// Divided returns every question ordered most divided first, for the forum
// page: the differing questions, then the unclear ones, then the agreeing
// ones, each by effect
// (Cramér's V, ε² for numbers) from large to small and then by p from small
// to large; then the questions with too few answers and the free-text ones,
// in survey order. c is left as it is.
func (c Comparison) Divided() []QuestionComparison {
	qs := append([]QuestionComparison(nil), c.Questions...)
	sort.SliceStable(qs, func(i, j int) bool {
		a, b := qs[i], qs[j]
		if verdictOrder[a.Verdict] != verdictOrder[b.Verdict] {
			return verdictOrder[a.Verdict] < verdictOrder[b.Verdict]
		}
		ea, testedA := a.Effect()
		eb, testedB := b.Effect()
		if !testedA || !testedB {
			return false
		}
		if ea != eb {
			return ea > eb
		}
		return pValue(a) < pValue(b)
	})
	return qs
}

// Agreed returns the questions the villages agree on, the strongest
// consensus first; numbers, which have no consensus score, follow by effect
// from small to large. Ties keep survey order. c is left as it is.
func (c Comparison) Agreed() []QuestionComparison {
	var qs []QuestionComparison
	for _, q := range c.Questions {
		if q.Verdict == VerdictAgree {
			qs = append(qs, q)
		}
	}
	sort.SliceStable(qs, func(i, j int) bool {
		a, b := qs[i], qs[j]
		if (a.Consensus == nil) != (b.Consensus == nil) {
			return a.Consensus != nil
		}
		if a.Consensus != nil && *a.Consensus != *b.Consensus {
			return *a.Consensus > *b.Consensus
		}
		ea, _ := a.Effect()
		eb, _ := b.Effect()
		if ea != eb {
			return ea < eb
		}
		return pValue(a) > pValue(b)
	})
	return qs
}

// pValue is the question's p, or 1 when it was not tested.
func pValue(qc QuestionComparison) float64 {
	if qc.P == nil {
		return 1
	}
	return *qc.P
}
