package survey

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// finite reports whether none of the figures is NaN or infinite.
func finite(fs ...float64) bool {
	for _, f := range fs {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}

func TestChiSquareSF(t *testing.T) {
	tests := []struct {
		name string
		x    float64
		df   int
		want float64
		tol  float64
	}{
		// STATS.md test vectors.
		{"the 5% critical value of 1 df gives 0.05", 3.841459, 1, 0.05, 1e-6},
		{"the 5% critical value of 2 df gives 0.05", 5.991465, 2, 0.05, 1e-6},
		{"the 5% critical value of 4 df gives 0.05", 9.487729, 4, 0.05, 1e-6},
		{"10 on 3 df gives 0.0185661355", 10, 3, 0.0185661355, 1e-9},
		{"1 on 1 df gives 0.3173105079", 1, 1, 0.3173105079, 1e-9},
		// Closed forms: 2 df is exp(−x/2); the continued fraction branch.
		{"2 df is exp(-x/2) far in the tail", 60, 2, math.Exp(-30), 1e-25},
		{"the 5% critical value of 100 df gives 0.05", 124.342113, 100, 0.05, 1e-6},
		{"a large df near its mean is about one half", 1000, 1000, 0.4940, 1e-3},
		// Degenerate input is "no evidence".
		{"zero gives 1", 0, 3, 1, 0},
		{"a negative statistic gives 1", -2, 3, 1, 0},
		{"NaN gives 1", math.NaN(), 3, 1, 0},
		{"no degrees of freedom give 1", 5, 0, 1, 0},
		{"infinity gives 0", math.Inf(1), 3, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ChiSquareSF(tt.x, tt.df); !near(got, tt.want, tt.tol) {
				t.Errorf("ChiSquareSF(%v, %d) = %.10g; want %.10g", tt.x, tt.df, got, tt.want)
			}
		})
	}
}

func TestGammaQAgreesWithItsClosedFormForAEqualOne(t *testing.T) {
	// Q(1, x) = e^(−x), on both sides of the series/fraction switch at x = a+1.
	for _, x := range []float64{0.01, 0.5, 1.9, 2, 2.1, 7, 30} {
		if got, want := gammaQ(1, x), math.Exp(-x); !near(got, want, 1e-13) {
			t.Errorf("gammaQ(1, %v) = %.15g; want %.15g", x, got, want)
		}
	}
}

func TestChiSquare(t *testing.T) {
	tests := []struct {
		name                 string
		table                [][]float64
		chi2                 float64
		df                   int
		p, v, vCorrected     float64
		rows, cols           int
		chi2Tol, pTol, vTols float64
	}{
		{
			name:  "three villages answering Ja, Nej, Vet ej differ as in STATS.md",
			table: [][]float64{{30, 10, 10}, {20, 20, 10}, {10, 25, 15}},
			chi2:  1370.0 / 77, df: 4, p: 0.001355, v: 0.2435, vCorrected: 0.2157,
			rows: 3, cols: 3, chi2Tol: 1e-9, pTol: 5e-7, vTols: 5e-5,
		},
		{
			// Ṽ = √((4.25/34 − 1/33) / (1 − 1/33)) = 0.3125 by hand.
			name:  "the 2×2 table of STATS.md",
			table: [][]float64{{12, 5}, {6, 11}},
			chi2:  4.25, df: 1, p: 0.039250, v: 0.3536, vCorrected: 0.3125,
			rows: 2, cols: 2, chi2Tol: 1e-9, pTol: 5e-7, vTols: 5e-5,
		},
		{
			name:  "a category nobody chose is dropped before counting df",
			table: [][]float64{{30, 0, 10, 10}, {20, 0, 20, 10}, {10, 0, 25, 15}},
			chi2:  1370.0 / 77, df: 4, p: 0.001355, v: 0.2435, vCorrected: 0.2157,
			rows: 3, cols: 3, chi2Tol: 1e-9, pTol: 5e-7, vTols: 5e-5,
		},
		{
			name:  "a village with no answers is dropped before counting df",
			table: [][]float64{{12, 5}, {0, 0}, {6, 11}},
			chi2:  4.25, df: 1, p: 0.039250, v: 0.3536, vCorrected: 0.3125,
			rows: 2, cols: 2, chi2Tol: 1e-9, pTol: 5e-7, vTols: 5e-5,
		},
		{
			name:  "identical villages show no association",
			table: [][]float64{{10, 20}, {10, 20}},
			chi2:  0, df: 1, p: 1, v: 0, vCorrected: 0,
			rows: 2, cols: 2, chi2Tol: 1e-12, pTol: 1e-12, vTols: 1e-12,
		},
		{
			name:  "everyone choosing the same category leaves one column and no test",
			table: [][]float64{{7, 0}, {9, 0}},
			chi2:  0, df: 0, p: 1, v: 0, vCorrected: 0,
			rows: 2, cols: 1,
		},
		{
			name:  "a single village leaves one row and no test",
			table: [][]float64{{7, 3}},
			chi2:  0, df: 0, p: 1, v: 0, vCorrected: 0,
			rows: 1, cols: 2,
		},
		{
			name:  "an empty table gives no test",
			table: nil,
			chi2:  0, df: 0, p: 1, v: 0, vCorrected: 0,
		},
		{
			name:  "an all-zero table gives no test",
			table: [][]float64{{0, 0}, {0, 0}},
			chi2:  0, df: 0, p: 1, v: 0, vCorrected: 0,
		},
		{
			name:  "two respondents who differ completely give V = 1 and no room for Ṽ",
			table: [][]float64{{1, 0}, {0, 1}},
			chi2:  2, df: 1, p: ChiSquareSF(2, 1), v: 1, vCorrected: 0,
			rows: 2, cols: 2, chi2Tol: 1e-12, pTol: 1e-12, vTols: 1e-12,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ChiSquare(tt.table)
			if !near(got.Chi2, tt.chi2, tt.chi2Tol) {
				t.Errorf("chi2 = %.6f; want %.6f", got.Chi2, tt.chi2)
			}
			if got.DF != tt.df {
				t.Errorf("df = %d; want %d", got.DF, tt.df)
			}
			if !near(got.P, tt.p, tt.pTol) {
				t.Errorf("p = %.7f; want %.7f", got.P, tt.p)
			}
			if !near(got.CramersV, tt.v, tt.vTols) {
				t.Errorf("V = %.5f; want %.5f", got.CramersV, tt.v)
			}
			if !near(got.CramersVCorrected, tt.vCorrected, tt.vTols) {
				t.Errorf("Ṽ = %.5f; want %.5f", got.CramersVCorrected, tt.vCorrected)
			}
			if got.Rows != tt.rows || got.Cols != tt.cols {
				t.Errorf("table left = %d×%d; want %d×%d", got.Rows, got.Cols, tt.rows, tt.cols)
			}
			if got.Tested() != (tt.df > 0) {
				t.Errorf("Tested() = %v; want %v", got.Tested(), tt.df > 0)
			}
		})
	}
}

func TestChiSquareNeverGivesNaNOnRandomTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		rows, cols := 1+rng.IntN(6), 1+rng.IntN(6)
		table := make([][]float64, rows)
		for r := range table {
			table[r] = make([]float64, cols)
			for c := range table[r] {
				// Mostly small counts, with many zeros, as in small villages.
				if rng.IntN(3) > 0 {
					table[r][c] = float64(rng.IntN(1 + rng.IntN(40)))
				}
			}
		}
		got := ChiSquare(table)
		if !finite(got.Chi2, got.P, got.CramersV, got.CramersVCorrected) {
			t.Fatalf("ChiSquare(%v) = %+v; want finite figures", table, got)
		}
		if got.P < 0 || got.P > 1 || got.CramersV < 0 || got.CramersV > 1 || got.CramersVCorrected < 0 || got.CramersVCorrected > 1 {
			t.Fatalf("ChiSquare(%v) = %+v; want p, V and Ṽ within [0, 1]", table, got)
		}
	}
}

// histogram turns a list of answers into value → count.
func histogram(values ...float64) map[float64]int {
	h := map[float64]int{}
	for _, v := range values {
		h[v]++
	}
	return h
}

func TestKruskalWallis(t *testing.T) {
	tests := []struct {
		name                  string
		groups                []map[float64]int
		rankSums              []float64
		h, c, hCorrected, p   float64
		df                    int
		epsilon2              float64
		hTol, pTol, effectTol float64
	}{
		{
			name: "three villages A, B, C of STATS.md",
			groups: []map[float64]int{
				histogram(1, 2, 2, 3), histogram(3, 4, 4, 5), histogram(2, 3, 5, 5),
			},
			rankSums: []float64{13, 34, 31},
			h:        4.961538, c: 0.954545, hCorrected: 5.197802, df: 2, p: 0.074355,
			epsilon2: 5.197802 / 11,
			hTol:     5e-7, pTol: 5e-7, effectTol: 1e-6,
		},
		{
			name: "an empty village takes no part and does not count in df",
			groups: []map[float64]int{
				histogram(1, 2, 2, 3), {}, histogram(3, 4, 4, 5), histogram(2, 3, 5, 5),
			},
			rankSums: []float64{13, 0, 34, 31},
			h:        4.961538, c: 0.954545, hCorrected: 5.197802, df: 2, p: 0.074355,
			epsilon2: 5.197802 / 11,
			hTol:     5e-7, pTol: 5e-7, effectTol: 1e-6,
		},
		{
			// Ranks 1–3 and 4–6: H = 12/42 · (36+225)/3 − 21 = 27/7, no ties.
			name:     "fully separated villages without ties",
			groups:   []map[float64]int{histogram(1, 2, 3), histogram(10, 20, 30)},
			rankSums: []float64{6, 15},
			h:        27.0 / 7, c: 1, hCorrected: 27.0 / 7, df: 1, p: ChiSquareSF(27.0/7, 1),
			epsilon2: 27.0 / 7 / 5,
			hTol:     1e-12, pTol: 1e-12, effectTol: 1e-12,
		},
		{
			name:     "every answer the same value is no difference",
			groups:   []map[float64]int{{4: 6}, {4: 9}},
			rankSums: []float64{6 * 8, 9 * 8},
			h:        0, c: 0, hCorrected: 0, df: 1, p: 1,
		},
		{
			name:     "a single village is no test",
			groups:   []map[float64]int{histogram(1, 2, 3)},
			rankSums: []float64{6},
			h:        0, c: 1, hCorrected: 0, df: 0, p: 1,
		},
		{
			name:     "no answers at all is no test",
			groups:   []map[float64]int{{}, nil},
			rankSums: []float64{0, 0},
			h:        0, c: 1, hCorrected: 0, df: 0, p: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := KruskalWallis(tt.groups)
			for g := range tt.rankSums {
				if !near(got.RankSums[g], tt.rankSums[g], 1e-9) {
					t.Errorf("rank sum of group %d = %v; want %v", g, got.RankSums[g], tt.rankSums[g])
				}
			}
			if !near(got.H, tt.h, tt.hTol) {
				t.Errorf("H = %.6f; want %.6f", got.H, tt.h)
			}
			if !near(got.TieCorrection, tt.c, tt.hTol) {
				t.Errorf("C = %.6f; want %.6f", got.TieCorrection, tt.c)
			}
			if !near(got.HCorrected, tt.hCorrected, tt.hTol) {
				t.Errorf("H′ = %.6f; want %.6f", got.HCorrected, tt.hCorrected)
			}
			if got.DF != tt.df {
				t.Errorf("df = %d; want %d", got.DF, tt.df)
			}
			if !near(got.P, tt.p, tt.pTol) {
				t.Errorf("p = %.6f; want %.6f", got.P, tt.p)
			}
			if !near(got.Epsilon2, tt.epsilon2, tt.effectTol) {
				t.Errorf("ε² = %.6f; want %.6f", got.Epsilon2, tt.epsilon2)
			}
		})
	}
}

func TestKruskalWallisNeverGivesNaNOnRandomHistograms(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 3000; i++ {
		groups := make([]map[float64]int, 1+rng.IntN(5))
		for g := range groups {
			groups[g] = map[float64]int{}
			for k := rng.IntN(6); k > 0; k-- {
				// Few distinct values, so that ties are the rule.
				groups[g][float64(rng.IntN(4))] += rng.IntN(30)
			}
		}
		got := KruskalWallis(groups)
		if !finite(got.H, got.HCorrected, got.TieCorrection, got.P, got.Epsilon2) {
			t.Fatalf("KruskalWallis(%v) = %+v; want finite figures", groups, got)
		}
		if got.P < 0 || got.P > 1 || got.Epsilon2 < 0 || got.Epsilon2 > 1 {
			t.Fatalf("KruskalWallis(%v) = %+v; want p and ε² within [0, 1]", groups, got)
		}
	}
}

func TestHistogramMeanAndMedian(t *testing.T) {
	tests := []struct {
		name         string
		h            map[float64]int
		mean, median float64
		ok           bool
	}{
		{"an odd count takes the middle value", histogram(1, 2, 2, 3, 10), 3.6, 2, true},
		{"an even count averages the two middle values", histogram(1, 2, 4, 5), 3, 3, true},
		{"the two middle values may share a bar", map[float64]int{1: 1, 3: 2, 8: 1}, 3.75, 3, true},
		{"the median may fall between two bars", map[float64]int{2: 3, 6: 3}, 4, 4, true},
		{"a single answer is its own mean and median", map[float64]int{-7.5: 1}, -7.5, -7.5, true},
		{"zero counts are ignored", map[float64]int{1: 2, 100: 0}, 1, 1, true},
		{"an empty histogram has neither", map[float64]int{}, 0, 0, false},
		{"a nil histogram has neither", nil, 0, 0, false},
		{"values near the largest float keep their mean and median", map[float64]int{1e308: 2, 1.7e308: 2}, 1.35e308, 1.35e308, true},
		{"values near the largest negative float keep theirs", map[float64]int{-1e308: 3, -1.7e308: 1}, -1.175e308, -1e308, true},
		{"huge values of both signs average to zero", map[float64]int{-1.7e308: 1, 1.7e308: 1}, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mean, ok := HistogramMean(tt.h)
			if ok != tt.ok || !near(mean, tt.mean, 1e-12*math.Max(1, math.Abs(tt.mean))) {
				t.Errorf("HistogramMean = %v, %v; want %v, %v", mean, ok, tt.mean, tt.ok)
			}
			median, ok := HistogramMedian(tt.h)
			if ok != tt.ok || !near(median, tt.median, 1e-12*math.Max(1, math.Abs(tt.median))) {
				t.Errorf("HistogramMedian = %v, %v; want %v, %v", median, ok, tt.median, tt.ok)
			}
		})
	}
}

func TestConsensusScore(t *testing.T) {
	tests := []struct {
		name     string
		chose, n []int
		want     float64
	}{
		{"three villages of 10 with 8, 5 and 2 in the majority give 0.454280", []int{8, 5, 2}, []int{10, 10, 10}, 0.454280},
		{"one village is its own smoothed share", []int{3}, []int{4}, 4.0 / 6},
		{"unanimous villages approach but never reach 1", []int{50, 50}, []int{50, 50}, 51.0 / 52},
		{"no villages give 0", nil, nil, 0},
		{"extra entries of the longer slice are ignored", []int{8, 5, 2, 9}, []int{10, 10, 10}, 0.454280},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ConsensusScore(tt.chose, tt.n); !near(got, tt.want, 5e-7) {
				t.Errorf("ConsensusScore(%v, %v) = %.6f; want %.6f", tt.chose, tt.n, got, tt.want)
			}
		})
	}
}

func TestPowerFollowsTheTestVectorsOfStatsMD(t *testing.T) {
	tests := []struct {
		name string
		got  func() float64
		want float64
	}{
		{"N = 12 on 4 df has power 0.110427", func() float64 { return CategoryPower(12, 4, Alpha) }, 0.110427},
		{"N = 133 on 4 df has power 0.801304", func() float64 { return CategoryPower(133, 4, Alpha) }, 0.801304},
		{"N = 132 on 4 df has power 0.797909", func() float64 { return CategoryPower(132, 4, Alpha) }, 0.797909},
		{"N = 88 on 1 df has power 0.803527", func() float64 { return CategoryPower(88, 1, Alpha) }, 0.803527},
		{"N = 87 on 1 df has power 0.799056", func() float64 { return CategoryPower(87, 1, Alpha) }, 0.799056},
		{"N = 107 on 2 df has power 0.799795", func() float64 { return CategoryPower(107, 2, Alpha) }, 0.799795},
		{"N = 200 on 12 df has power 0.818388", func() float64 { return CategoryPower(200, 12, Alpha) }, 0.818388},
		{"numbers, 3 villages, N = 123 have power 0.805406", func() float64 { return NumberPower(123, 3, Alpha) }, 0.805406},
		{"numbers, 3 villages, N = 20 have power 0.180203", func() float64 { return NumberPower(20, 3, Alpha) }, 0.180203},
		{"the 5% critical value of 4 df is 9.487729", func() float64 { return ChiSquareCritical(0.05, 4) }, 9.487729},
		{"no noncentrality is the central distribution", func() float64 { return NoncentralChiSquareSF(3.841459, 1, 0) }, 0.05},
		{"100,000 respondents have all the power there is", func() float64 { return CategoryPower(100_000, 4, Alpha) }, 1},
		{"no respondents have no power", func() float64 { return CategoryPower(0, 4, Alpha) }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(); !near(got, tt.want, 1e-6) {
				t.Errorf("got %.7f; want %.6f", got, tt.want)
			}
		})
	}
}

// BenchmarkCategoryPower is the power of the largest comparisons the service
// sees: the sum over Poisson weights grows with √λ.
func BenchmarkCategoryPower(b *testing.B) {
	for _, n := range []float64{12, 1000, 100_000} {
		b.Run(strconv.FormatFloat(n, 'f', 0, 64)+" respondents", func(b *testing.B) {
			for range b.N {
				CategoryPower(n, 12, Alpha/8)
			}
		})
	}
}
