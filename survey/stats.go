package survey

import (
	"math"
	"sort"
)

// This file holds the numeric side of the comparison (STATS.md): the
// chi-square test of independence with Cramér's V, Kruskal–Wallis for
// numbers, and the consensus score. Every function answers degenerate input
// (nothing counted, a single category, all values tied) with "no difference"
// rather than NaN or Inf, because the figures end up in JSON.

// gammaQ is the regularized upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a),
// for a > 0. It follows Numerical Recipes §6.2: the series for P(a, x) when
// x < a+1, where it converges fast, and Lentz's continued fraction for Q
// otherwise.
func gammaQ(a, x float64) float64 {
	switch {
	case math.IsNaN(a) || math.IsNaN(x) || a <= 0:
		return math.NaN()
	case x <= 0:
		return 1
	case math.IsInf(x, 1):
		return 0
	}
	if x < a+1 {
		return 1 - gammaSeries(a, x)
	}
	return gammaContinuedFraction(a, x)
}

const (
	gammaEpsilon = 1e-15   // relative accuracy of the series and the fraction
	gammaTiny    = 1e-300  // stands in for zero in Lentz's method
	gammaMaxIter = 100_000 // the series needs about √a terms; this is never reached in practice
)

// gammaPrefactor is x^a e^(−x) / Γ(a), computed in logs to stay finite.
func gammaPrefactor(a, x float64) float64 {
	lg, _ := math.Lgamma(a)
	return math.Exp(-x + a*math.Log(x) - lg)
}

// gammaSeries is P(a, x) by its series; x < a+1.
func gammaSeries(a, x float64) float64 {
	ap, del := a, 1/a
	sum := del
	for i := 0; i < gammaMaxIter; i++ {
		ap++
		del *= x / ap
		sum += del
		if math.Abs(del) < math.Abs(sum)*gammaEpsilon {
			break
		}
	}
	return math.Min(1, sum*gammaPrefactor(a, x))
}

// gammaContinuedFraction is Q(a, x) by its continued fraction; x ≥ a+1.
func gammaContinuedFraction(a, x float64) float64 {
	b := x + 1 - a
	c := 1 / gammaTiny
	d := 1 / b
	h := d
	for i := 1; i < gammaMaxIter; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < gammaTiny {
			d = gammaTiny
		}
		c = b + an/c
		if math.Abs(c) < gammaTiny {
			c = gammaTiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < gammaEpsilon {
			break
		}
	}
	return math.Max(0, math.Min(1, gammaPrefactor(a, x)*h))
}

// ChiSquareSF is the chi-square distribution's survival function: the
// probability that a chi-square variable with df degrees of freedom is at
// least x, Q(df/2, x/2). With no degrees of freedom, or x ≤ 0 or NaN, there is
// no evidence of anything and it returns 1.
func ChiSquareSF(x float64, df int) float64 {
	if df < 1 || !(x > 0) {
		return 1
	}
	return gammaQ(float64(df)/2, x/2)
}

// ChiSquareResult is Pearson's chi-square test of independence on a table.
type ChiSquareResult struct {
	Chi2 float64
	DF   int
	P    float64
	// CramersV is √(χ² / (N · min(r−1, c−1))), from 0 (no association) to 1.
	CramersV float64
	// CramersVCorrected is Bergsma's (2013) bias-corrected Ṽ, which does not
	// grow with the number of cells the way V does in small samples.
	CramersVCorrected float64
	// N is the table's total; Rows and Cols count the rows and columns left
	// after dropping those that are all zero.
	N          float64
	Rows, Cols int
}

// Tested reports whether the table had at least two non-empty rows and
// columns, so that there was something to test.
func (r ChiSquareResult) Tested() bool { return r.DF > 0 }

// ChiSquare runs Pearson's chi-square test of independence on a table of
// counts (rows: villages, columns: categories). Rows and columns that are all
// zero are dropped first; missing cells of ragged rows, negative and
// non-finite cells count as zero. When fewer than two rows or columns remain
// there is no association to measure: χ² = 0, df = 0, p = 1, V = Ṽ = 0.
func ChiSquare(table [][]float64) ChiSquareResult {
	cols := 0
	for _, row := range table {
		cols = max(cols, len(row))
	}
	cell := func(i, j int) float64 {
		if j >= len(table[i]) {
			return 0
		}
		v := table[i][j]
		if !(v > 0) || math.IsInf(v, 1) {
			return 0
		}
		return v
	}
	rowSums := make([]float64, len(table))
	colSums := make([]float64, cols)
	n := 0.0
	for i := range table {
		for j := 0; j < cols; j++ {
			v := cell(i, j)
			rowSums[i] += v
			colSums[j] += v
			n += v
		}
	}
	var rows, columns []int
	for i, s := range rowSums {
		if s > 0 {
			rows = append(rows, i)
		}
	}
	for j, s := range colSums {
		if s > 0 {
			columns = append(columns, j)
		}
	}
	res := ChiSquareResult{P: 1, N: n, Rows: len(rows), Cols: len(columns)}
	r, c := float64(len(rows)), float64(len(columns))
	if len(rows) < 2 || len(columns) < 2 {
		return res
	}
	chi2 := 0.0
	for _, i := range rows {
		for _, j := range columns {
			e := rowSums[i] * colSums[j] / n
			d := cell(i, j) - e
			chi2 += d * d / e
		}
	}
	res.Chi2 = chi2
	res.DF = (len(rows) - 1) * (len(columns) - 1)
	res.P = ChiSquareSF(chi2, res.DF)
	res.CramersV = clamp01(math.Sqrt(chi2 / (n * math.Min(r-1, c-1))))
	if n > 1 {
		phi2 := math.Max(0, chi2/n-(r-1)*(c-1)/(n-1))
		rt := r - (r-1)*(r-1)/(n-1)
		ct := c - (c-1)*(c-1)/(n-1)
		// With very few respondents the corrected dimensions can shrink to
		// one or below; there is then no room for an association to show.
		if k := math.Min(rt-1, ct-1); k > 0 {
			res.CramersVCorrected = clamp01(math.Sqrt(phi2 / k))
		}
	}
	return res
}

// KruskalWallisResult is the Kruskal–Wallis H test on groups of numbers.
type KruskalWallisResult struct {
	// H is the statistic before the tie correction; TieCorrection is
	// C = 1 − Σ(t³ − t)/(N³ − N); HCorrected is H′ = H/C, the one tested.
	H, TieCorrection, HCorrected float64
	DF                           int
	P                            float64
	// Epsilon2 is the effect size ε² = H′/(N − 1), from 0 to 1.
	Epsilon2 float64
	// RankSums are the groups' sums of midranks, in the order given.
	RankSums []float64
	N        int
}

// KruskalWallis tests whether groups of numbers come from the same
// distribution. Each group is a histogram, value → count, so that a tally of
// thousands of answers costs as much as its distinct values; ties get
// midranks and the tie correction. Empty groups take no part (df counts the
// others) and NaN values are ignored. Fewer than two non-empty groups, or all
// values equal (H undefined), mean no difference: H′ = 0, p = 1.
func KruskalWallis(groups []map[float64]int) KruskalWallisResult {
	total := map[float64]int{}
	sizes := make([]int, len(groups))
	n, nonEmpty := 0, 0
	for g, h := range groups {
		for v, c := range h {
			if c > 0 && !math.IsNaN(v) {
				total[v] += c
				sizes[g] += c
			}
		}
		n += sizes[g]
		if sizes[g] > 0 {
			nonEmpty++
		}
	}
	values := make([]float64, 0, len(total))
	for v := range total {
		values = append(values, v)
	}
	sort.Float64s(values)

	// The midrank of a value shared by t answers after `below` smaller ones
	// is below + (t+1)/2.
	midrank := make(map[float64]float64, len(values))
	below, ties := 0, 0.0
	for _, v := range values {
		t := float64(total[v])
		midrank[v] = float64(below) + (t+1)/2
		ties += t*t*t - t
		below += total[v]
	}
	res := KruskalWallisResult{RankSums: make([]float64, len(groups)), N: n, P: 1, TieCorrection: 1}
	sum := 0.0
	for g, h := range groups {
		for v, c := range h {
			if c > 0 && !math.IsNaN(v) {
				res.RankSums[g] += float64(c) * midrank[v]
			}
		}
		if sizes[g] > 0 {
			sum += res.RankSums[g] * res.RankSums[g] / float64(sizes[g])
		}
	}
	if nonEmpty < 2 || n < 2 {
		return res
	}
	nf := float64(n)
	res.DF = nonEmpty - 1
	res.H = math.Max(0, 12/(nf*(nf+1))*sum-3*(nf+1))
	res.TieCorrection = 1 - ties/(nf*nf*nf-nf)
	if res.TieCorrection <= 0 {
		res.H = 0 // every answer the same value: nothing to rank
		return res
	}
	res.HCorrected = res.H / res.TieCorrection
	res.P = ChiSquareSF(res.HCorrected, res.DF)
	res.Epsilon2 = clamp01(res.HCorrected / (nf - 1))
	return res
}

// HistogramMean is the mean of the values of a histogram (value → count).
// ok is false when it counts nothing. The mean is kept as a running
// weighted average, m ← m·(1−w) + v·w, rather than a sum divided by n, so
// that values near ±1e308 do not overflow to ±Inf; the values are taken in
// order so that the result does not depend on the map's.
func HistogramMean(h map[float64]int) (mean float64, ok bool) {
	values := make([]float64, 0, len(h))
	for v, c := range h {
		if c > 0 && !math.IsNaN(v) && !math.IsInf(v, 0) {
			values = append(values, v)
		}
	}
	if len(values) == 0 {
		return 0, false
	}
	sort.Float64s(values)
	n := 0
	for _, v := range values {
		n += h[v]
		w := float64(h[v]) / float64(n)
		mean = mean*(1-w) + v*w
	}
	return math.Max(-math.MaxFloat64, math.Min(math.MaxFloat64, mean)), true
}

// HistogramMedian is the median of the values of a histogram (value → count):
// the middle value, or the mean of the two middle values when the count is
// even. ok is false when it counts nothing.
func HistogramMedian(h map[float64]int) (median float64, ok bool) {
	values := make([]float64, 0, len(h))
	n := 0
	for v, c := range h {
		if c > 0 && !math.IsNaN(v) && !math.IsInf(v, 0) {
			values = append(values, v)
			n += c
		}
	}
	if n == 0 {
		return 0, false
	}
	sort.Float64s(values)
	// at returns the value at 0-based position k of the sorted answers.
	at := func(k int) float64 {
		for _, v := range values {
			if k < h[v] {
				return v
			}
			k -= h[v]
		}
		return values[len(values)-1]
	}
	if n%2 == 1 {
		return at(n / 2), true
	}
	return at(n/2-1)/2 + at(n/2)/2, true // halves first: no overflow near ±1e308
}

// ConsensusScore is Pol.is's group-informed consensus: the geometric mean
// over villages of (a_g + 1)/(n_g + 2), where chose[g] = a_g of the village's
// n[g] respondents chose the category. The +1/+2 prior keeps a small village
// from swinging the score to 0 or 1. Extra entries of the longer slice are
// ignored; with no villages the score is 0.
func ConsensusScore(chose, n []int) float64 {
	k := min(len(chose), len(n))
	if k == 0 {
		return 0
	}
	logs := 0.0
	for g := 0; g < k; g++ {
		a, m := max(0, chose[g]), max(0, n[g])
		a = min(a, m)
		logs += math.Log(float64(a+1) / float64(m+2))
	}
	return math.Exp(logs / float64(k))
}

func clamp01(f float64) float64 {
	if !(f > 0) {
		return 0
	}
	return math.Min(1, f)
}

// ChiSquareCritical is the chi-square distribution's upper quantile: the x
// with ChiSquareSF(x, df) = alpha, found by bisection. It is 0 when df < 1 or
// alpha is not in (0, 1).
func ChiSquareCritical(alpha float64, df int) float64 {
	if df < 1 || !(alpha > 0 && alpha < 1) {
		return 0
	}
	lo, hi := 0.0, float64(df)+10
	for ChiSquareSF(hi, df) > alpha {
		lo, hi = hi, hi*2
	}
	for i := 0; i < 200 && hi-lo > 1e-12*hi; i++ {
		mid := (lo + hi) / 2
		if ChiSquareSF(mid, df) > alpha {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// NoncentralChiSquareSF is P(X > x) for X noncentral chi-square with df
// degrees of freedom and noncentrality lambda: the Poisson(λ/2) mixture
// Σₖ e^(−λ/2) (λ/2)ᵏ / k! · Q((df + 2k)/2, x/2). The sum starts at the
// Poisson weights' mode and walks both ways until the terms fall below
// 1e−15, so that a large λ, whose first weights underflow, is summed where
// its mass is.
func NoncentralChiSquareSF(x float64, df int, lambda float64) float64 {
	if df < 1 || math.IsNaN(x) || math.IsNaN(lambda) {
		return math.NaN()
	}
	if !(x > 0) {
		return 1
	}
	if !(lambda > 0) {
		return ChiSquareSF(x, df)
	}
	mu := lambda / 2
	term := func(k int) float64 {
		lg, _ := math.Lgamma(float64(k) + 1)
		w := math.Exp(-mu + float64(k)*math.Log(mu) - lg)
		return w * gammaQ(float64(df)/2+float64(k), x/2)
	}
	mode := int(math.Floor(mu))
	sum := term(mode)
	for k := mode + 1; k < mode+gammaMaxIter; k++ {
		t := term(k)
		sum += t
		if t < 1e-15 {
			break
		}
	}
	for k := mode - 1; k >= 0; k-- {
		t := term(k)
		sum += t
		if t < 1e-15 {
			break
		}
	}
	return clamp01(sum)
}

// Effects the power of a comparison is judged against (STATS.md): a medium
// effect, Cohen's w = 0.3 for categories (w² = 0.09) and ε² = 0.08 for
// numbers.
const (
	PowerW2       = 0.09
	PowerEpsilon2 = 0.08
	// MinPower is the power a comparison needs before "no difference" may be
	// read as agreement.
	MinPower = 0.8
)

// CategoryPower is the power of a chi-square test with df degrees of freedom
// on n respondents at level alpha to detect a medium effect (w = 0.3):
// P(X > χ²₁₋α(df)) with X noncentral χ²(df, n · 0.09).
func CategoryPower(n float64, df int, alpha float64) float64 {
	if df < 1 || !(n > 0) {
		return 0
	}
	return NoncentralChiSquareSF(ChiSquareCritical(alpha, df), df, n*PowerW2)
}

// NumberPower is the power of Kruskal–Wallis on n answers in groups groups at
// level alpha to detect ε² = 0.08: as CategoryPower with df = groups − 1 and
// λ = (n − 1) · 0.08.
func NumberPower(n float64, groups int, alpha float64) float64 {
	df := groups - 1
	if df < 1 || !(n > 1) {
		return 0
	}
	return NoncentralChiSquareSF(ChiSquareCritical(alpha, df), df, (n-1)*PowerEpsilon2)
}
