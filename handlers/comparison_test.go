package handlers

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The data set of the comparison tests: 153 residents of four villages, the
// fourth with only 3 responses (under the default min_n of 5).
var (
	fourVillages = []struct {
		name, slug string
		population int
		n          int
	}{
		{"Älvby", "alvby", 400, 60},
		{"Bergsjö", "bergsjo", 1000, 50},
		{"Kärrtorp", "karrtorp", 250, 40},
		{"Dalen", "dalen", 200, 3},
	}
	// single: Ja, Nej, Vet ej per village.
	singleCounts = [][]int{{40, 12, 8}, {15, 25, 10}, {10, 20, 10}, {2, 1, 0}}
	// likert: answers 1..5 per village.
	likertCounts = [][]int{{3, 5, 10, 22, 20}, {2, 5, 8, 20, 15}, {2, 3, 7, 15, 13}, {1, 0, 0, 1, 1}}
	// multi: how many respondents chose each combination, per village.
	multiChoices = [][]struct {
		options []string
		count   int
	}{
		{{[]string{"Bad"}, 30}, {[]string{"Bad", "Kyrka"}, 20}, {[]string{"Gård"}, 10}},
		{{[]string{"Bad"}, 10}, {[]string{"Kyrka"}, 25}, {[]string{"Kyrka", "Gård"}, 15}},
		{{[]string{"Bad"}, 15}, {[]string{"Bad", "Gård"}, 10}, {[]string{"Kyrka"}, 15}},
		{{[]string{"Bad"}, 3}},
	}
)

var singleOptions = []string{"Ja", "Nej", "Vet ej"}
var multiOptions = []string{"Bad", "Kyrka", "Gård"}

// fourVillageSurvey creates the villages and an open survey, posts the 153
// responses through the API and returns the survey id.
func (ta *testApp) fourVillageSurvey(admin string) string {
	ta.t.Helper()
	var slugs []string
	for _, v := range fourVillages {
		if code, b := ta.do("POST", "/api/v1/villages", admin, map[string]any{"name": v.name, "slug": v.slug, "population": v.population}); code != http.StatusCreated {
			ta.t.Fatalf("create village %s: got %d %s; want 201", v.name, code, b)
		}
		slugs = append(slugs, v.slug)
	}
	def := map[string]any{
		"title": "Bygdens prioriteringar", "description": "", "villages": slugs, "access": "link",
		"questions": []map[string]any{
			{"key": "skola", "type": "single", "prompt": "Ska skolan byggas ut?", "options": singleOptions},
			{"key": "buss", "type": "likert", "prompt": "Bussen behövs."},
			{"key": "plats", "type": "multi", "prompt": "Vilka platser använder du?", "options": multiOptions, "max": 3},
			{"key": "ovrigt", "type": "text", "prompt": "Något mer?", "max": 200},
		},
	}
	code, b := ta.do("POST", "/api/v1/surveys", admin, def)
	if code != http.StatusCreated {
		ta.t.Fatalf("create survey: got %d %s; want 201", code, b)
	}
	id := decode[map[string]any](ta.t, b)["id"].(string)
	if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/open", admin, nil); code != http.StatusOK {
		ta.t.Fatalf("open: got %d %s; want 200", code, b)
	}
	for g, v := range fourVillages {
		var singles []string
		for j, c := range singleCounts[g] {
			for range c {
				singles = append(singles, singleOptions[j])
			}
		}
		var likerts []int
		for j, c := range likertCounts[g] {
			for range c {
				likerts = append(likerts, j+1)
			}
		}
		var multis [][]string
		for _, mc := range multiChoices[g] {
			for range mc.count {
				multis = append(multis, mc.options)
			}
		}
		if len(singles) != v.n || len(likerts) != v.n || len(multis) != v.n {
			ta.t.Fatalf("test data of %s: %d, %d, %d answers; want %d", v.slug, len(singles), len(likerts), len(multis), v.n)
		}
		for i := range v.n {
			answers := map[string]any{"skola": singles[i], "buss": likerts[i], "plats": multis[i]}
			if i < 4 {
				answers["ovrigt"] = "Hälsningar från " + v.name
			}
			if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", map[string]any{"village": v.slug, "answers": answers}); code != http.StatusCreated {
				ta.t.Fatalf("response %d of %s: got %d %s; want 201", i, v.slug, code, b)
			}
		}
		// One village a minute: all come from one test address, and a
		// limit on submissions a minute per address must not stop them.
		ta.now = ta.now.Add(time.Minute)
	}
	return id
}

// Independent figures: Pearson's chi-square written out here, and p from
// the closed forms of the chi-square survival function for df 2 and 4.
func handChiSquare(table [][]float64) (chi2 float64, df int, v float64) {
	rows, cols := len(table), len(table[0])
	colSum := make([]float64, cols)
	rowSum := make([]float64, rows)
	total := 0.0
	for i := range table {
		for j := range table[i] {
			rowSum[i] += table[i][j]
			colSum[j] += table[i][j]
			total += table[i][j]
		}
	}
	used := 0
	for j := range colSum {
		if colSum[j] == 0 {
			continue
		}
		used++
		for i := range table {
			e := rowSum[i] * colSum[j] / total
			chi2 += (table[i][j] - e) * (table[i][j] - e) / e
		}
	}
	df = (rows - 1) * (used - 1)
	k := math.Min(float64(rows-1), float64(used-1))
	return chi2, df, math.Sqrt(chi2 / (total * k))
}

func handP(chi2 float64, df int) float64 {
	switch df {
	case 2:
		return math.Exp(-chi2 / 2)
	case 4:
		return math.Exp(-chi2/2) * (1 + chi2/2)
	}
	panic("handP: only df 2 and 4")
}

func handVerdict(p, v, alpha float64) string {
	if p < alpha && v >= 0.15 {
		return "differ"
	}
	return "agree"
}

type comparedQuestion struct {
	Key       string   `json:"key"`
	Type      string   `json:"type"`
	Verdict   string   `json:"verdict"`
	Majority  *string  `json:"majority"`
	Consensus *float64 `json:"consensus"`
	Chi2      *float64 `json:"chi2"`
	DF        *int     `json:"df"`
	P         *float64 `json:"p"`
	CramersV  *float64 `json:"cramers_v"`
	Villages  []struct {
		Slug     string             `json:"slug"`
		N        int                `json:"n"`
		Shown    bool               `json:"shown"`
		Shares   map[string]float64 `json:"shares"`
		Agree    *float64           `json:"agree"`
		Disagree *float64           `json:"disagree"`
		Mean     *float64           `json:"mean"`
	} `json:"villages"`
	Raw json.RawMessage `json:"-"`
}

type comparedBody struct {
	Survey   string `json:"survey"`
	MinN     int    `json:"min_n"`
	Villages []struct {
		Slug   string   `json:"slug"`
		N      int      `json:"n"`
		Per100 *float64 `json:"per_100"`
	} `json:"villages"`
	Questions []comparedQuestion `json:"questions"`
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestComparisonOf153ResidentsMatchesAHandComputation(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.fourVillageSurvey(admin)

	code, b := ta.do("GET", "/api/v1/surveys/"+id+"/comparison", admin, nil)
	if code != http.StatusOK {
		t.Fatalf("got %d %s; want 200", code, b)
	}
	got := decode[comparedBody](t, b)
	if got.Survey != id || got.MinN != 5 {
		t.Errorf("got survey %q min_n %d; want %q and 5", got.Survey, got.MinN, id)
	}
	t.Run("every village is counted, with responses per 100 inhabitants", func(t *testing.T) {
		if len(got.Villages) != 4 {
			t.Fatalf("got %d villages; want 4", len(got.Villages))
		}
		for i, v := range fourVillages {
			g := got.Villages[i]
			want := float64(v.n) * 100 / float64(v.population)
			if g.Slug != v.slug || g.N != v.n || g.Per100 == nil || !near(*g.Per100, want) {
				t.Errorf("got %s n=%d per_100=%v; want %s n=%d per_100=%v", g.Slug, g.N, g.Per100, v.slug, v.n, want)
			}
		}
	})
	questions := map[string]comparedQuestion{}
	for _, q := range got.Questions {
		questions[q.Key] = q
	}
	// The raw JSON of each question, to see which keys a hidden village has.
	var raw struct {
		Questions []struct {
			Key      string                       `json:"key"`
			Villages []map[string]json.RawMessage `json:"villages"`
		} `json:"questions"`
	}
	_ = json.Unmarshal(b, &raw)

	t.Run("the small village is hidden in every question", func(t *testing.T) {
		for _, q := range raw.Questions {
			d := q.Villages[3]
			if string(d["slug"]) != `"dalen"` || string(d["shown"]) != "false" || string(d["n"]) != "3" && q.Key != "ovrigt" {
				t.Errorf("%s: got %v; want dalen with n 3, not shown", q.Key, d)
			}
			for _, key := range []string{"shares", "agree", "disagree", "mean", "median", "mean_rank"} {
				if _, ok := d[key]; ok {
					t.Errorf("%s: hidden village has %q; want no figures", q.Key, key)
				}
			}
		}
	})

	shown := func(counts [][]int) [][]float64 {
		var out [][]float64
		for _, row := range counts[:3] {
			var r []float64
			for _, c := range row {
				r = append(r, float64(c))
			}
			out = append(out, r)
		}
		return out
	}
	t.Run("single: shares, chi-square, p, V and verdict", func(t *testing.T) {
		q := questions["skola"]
		table := shown(singleCounts)
		chi2, df, v := handChiSquare(table)
		p := handP(chi2, df)
		if q.Chi2 == nil || !near(*q.Chi2, chi2) || q.DF == nil || *q.DF != df || q.P == nil || !near(*q.P, p) || q.CramersV == nil || !near(*q.CramersV, v) {
			t.Errorf("got chi2 %v df %v p %v V %v; want %v %v %v %v", ptr(q.Chi2), ptrInt(q.DF), ptr(q.P), ptr(q.CramersV), chi2, df, p, v)
		}
		if want := handVerdict(p, v, 0.05); q.Verdict != want || want != "differ" {
			t.Errorf("got verdict %s; want %s (and the data set made to differ)", q.Verdict, want)
		}
		for g := range 3 {
			for j, o := range singleOptions {
				want := float64(singleCounts[g][j]) / float64(fourVillages[g].n)
				if got := q.Villages[g].Shares[o]; !near(got, want) {
					t.Errorf("%s %s: got share %v; want %v", fourVillages[g].slug, o, got, want)
				}
			}
		}
		// Ja: 65 of 150 shown respondents, not more than half: no majority.
		if q.Majority != nil {
			t.Errorf("got majority %q; want none (65 of 150)", *q.Majority)
		}
	})
	t.Run("likert: agree, disagree, mean, majority, consensus and verdict", func(t *testing.T) {
		q := questions["buss"]
		var table [][]float64
		chose, sizes := []float64{}, []float64{}
		for g := range 3 {
			c := likertCounts[g]
			n := float64(fourVillages[g].n)
			table = append(table, []float64{float64(c[0] + c[1]), float64(c[2]), float64(c[3] + c[4])})
			va := q.Villages[g]
			mean := float64(c[0]*1+c[1]*2+c[2]*3+c[3]*4+c[4]*5) / n
			if va.Agree == nil || !near(*va.Agree, float64(c[3]+c[4])/n) || va.Disagree == nil || !near(*va.Disagree, float64(c[0]+c[1])/n) || va.Mean == nil || !near(*va.Mean, mean) {
				t.Errorf("%s: got agree %v disagree %v mean %v; want %v %v %v", va.Slug, ptr(va.Agree), ptr(va.Disagree), ptr(va.Mean), float64(c[3]+c[4])/n, float64(c[0]+c[1])/n, mean)
			}
			chose = append(chose, float64(c[3]+c[4]))
			sizes = append(sizes, n)
		}
		chi2, df, v := handChiSquare(table)
		p := handP(chi2, df)
		if q.P == nil || !near(*q.P, p) || q.Verdict != handVerdict(p, v, 0.05) || q.Verdict != "agree" {
			t.Errorf("got p %v verdict %s; want %v %s (and the data set made to agree)", ptr(q.P), q.Verdict, p, handVerdict(p, v, 0.05))
		}
		if q.Majority == nil || *q.Majority != "agree" {
			t.Errorf("got majority %v; want agree (105 of 150)", q.Majority)
		}
		product := 1.0
		for g := range chose {
			product *= (chose[g] + 1) / (sizes[g] + 2)
		}
		if want := math.Pow(product, 1.0/3); q.Consensus == nil || !near(*q.Consensus, want) {
			t.Errorf("got consensus %v; want %v", ptr(q.Consensus), want)
		}
	})
	t.Run("multi: shares of respondents and the most significant option against 0.05/3", func(t *testing.T) {
		q := questions["plats"]
		minP, minV := 2.0, 0.0
		for j, o := range multiOptions {
			var table [][]float64
			for g := range 3 {
				chosen := 0
				for _, mc := range multiChoices[g] {
					for _, x := range mc.options {
						if x == o {
							chosen += mc.count
						}
					}
				}
				n := fourVillages[g].n
				table = append(table, []float64{float64(chosen), float64(n - chosen)})
				if got, want := q.Villages[g].Shares[o], float64(chosen)/float64(n); !near(got, want) {
					t.Errorf("%s %s: got share %v; want %v", fourVillages[g].slug, o, got, want)
				}
			}
			chi2, df, v := handChiSquare(table)
			if p := handP(chi2, df); p < minP {
				minP, minV = p, v
			}
			_ = j
		}
		if q.P == nil || !near(*q.P, minP) || q.Verdict != handVerdict(minP, minV, 0.05/3) {
			t.Errorf("got p %v verdict %s; want %v %s", ptr(q.P), q.Verdict, minP, handVerdict(minP, minV, 0.05/3))
		}
	})
	t.Run("free text is never compared or broken down", func(t *testing.T) {
		q := questions["ovrigt"]
		if q.Verdict != "none" {
			t.Errorf("got verdict %s; want none", q.Verdict)
		}
		for _, v := range q.Villages {
			if v.Shown || v.Shares != nil {
				t.Errorf("%s: got shown %v shares %v; want nothing", v.Slug, v.Shown, v.Shares)
			}
		}
	})
}

func ptr(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func ptrInt(i *int) any {
	if i == nil {
		return nil
	}
	return *i
}

func TestMinNCanOnlyBeRaised(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.fourVillageSurvey(admin)
	tests := []struct {
		query  string
		status int
		hidden []string // slugs not shown in the single question
	}{
		{"", 200, []string{"dalen"}},
		{"?min_n=5", 200, []string{"dalen"}},
		{"?min_n=45", 200, []string{"karrtorp", "dalen"}},
		{"?min_n=2", 422, nil},
		{"?min_n=0", 422, nil},
		{"?min_n=-1", 422, nil},
		{"?min_n=tre", 400, nil},
		{"?min_n=1000000", 422, nil},
	}
	for _, tt := range tests {
		t.Run("comparison"+tt.query+" answers "+http.StatusText(tt.status), func(t *testing.T) {
			code, b := ta.do("GET", "/api/v1/surveys/"+id+"/comparison"+tt.query, admin, nil)
			if code != tt.status {
				t.Fatalf("got %d %s; want %d", code, b, tt.status)
			}
			if code != 200 {
				if e := decode[apiError](t, b); len(e.Errors) != 1 || e.Errors[0].Field != "min_n" {
					t.Errorf("got %s; want an error about min_n", b)
				}
				return
			}
			var hidden []string
			for _, v := range decode[comparedBody](t, b).Questions[0].Villages {
				if !v.Shown {
					hidden = append(hidden, v.Slug)
				}
			}
			if strings.Join(hidden, ",") != strings.Join(tt.hidden, ",") {
				t.Errorf("got hidden %v; want %v", hidden, tt.hidden)
			}
		})
	}
}

func TestComparisonExportsHideSmallVillages(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.fourVillageSurvey(admin)

	t.Run("the CSV has a BOM, and one row without figures per question for the small village", func(t *testing.T) {
		code, b := ta.do("GET", "/api/v1/surveys/"+id+"/comparison.csv", admin, nil)
		if code != http.StatusOK {
			t.Fatalf("got %d %s; want 200", code, b)
		}
		if !bytes.HasPrefix(b, []byte("\ufeff")) {
			t.Errorf("got no UTF-8 BOM")
		}
		records := readCSV(t, b)
		col := map[string]int{}
		for i, h := range records[0] {
			col[h] = i
		}
		dalen, alvbyJa := 0, ""
		for _, r := range records[1:] {
			if r[col["by"]] == "dalen" {
				dalen++
				if r[col["visas"]] != "nej" || r[col["mått"]] != "" || r[col["värde"]] != "" {
					t.Errorf("got row %v; want dalen without figures", r)
				}
			}
			if r[col["fråga"]] == "skola" && r[col["by"]] == "alvby" && r[col["kategori"]] == "Ja" {
				alvbyJa = r[col["värde"]]
			}
		}
		if dalen != 4 {
			t.Errorf("got %d rows for dalen; want 4, one per question", dalen)
		}
		if alvbyJa != "0,666667" {
			t.Errorf("got Älvby's share of Ja %q; want 0,666667 (40 of 60)", alvbyJa)
		}
	})
	t.Run("the JSON download is the comparison as a file", func(t *testing.T) {
		resp := ta.raw("GET", "/api/v1/surveys/"+id+"/comparison.json", admin)
		if resp.code != 200 || !strings.Contains(resp.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("got %d %v; want 200 with an attachment", resp.code, resp.header)
		}
		if got := decode[comparedBody](t, resp.body); len(got.Questions) != 4 {
			t.Errorf("got %d questions; want 4", len(got.Questions))
		}
	})
	t.Run("the XLSX is a workbook", func(t *testing.T) {
		resp := ta.raw("GET", "/api/v1/surveys/"+id+"/comparison.xlsx", admin)
		if resp.code != 200 || resp.header.Get("Content-Type") != mimeXLSX || !bytes.HasPrefix(resp.body, []byte("PK")) {
			t.Fatalf("got %d %s starting %q; want 200, %s, a zip", resp.code, resp.header.Get("Content-Type"), resp.body[:min(4, len(resp.body))], mimeXLSX)
		}
		book, err := excelize.OpenReader(bytes.NewReader(resp.body))
		if err != nil {
			t.Fatalf("open workbook: %v", err)
		}
		defer book.Close()
		rows, _ := book.GetRows("Jämförelse")
		share, _ := book.GetCellValue("Jämförelse", "S2")
		if len(rows) < 2 || rows[1][13] != "alvby" || rows[1][17] != "Ja" || !strings.HasPrefix(share, "0.666") {
			t.Errorf("got first row %v (value %q); want Älvby's share of Ja as a number", rows[1], share)
		}
		for _, r := range rows[1:] {
			if r[13] == "dalen" && (r[15] != "nej" || len(r) < 19 || r[16]+r[17]+r[18] != "") {
				t.Errorf("got %v; want dalen without figures", r)
			}
		}
		people, _ := book.GetRows("Deltagande")
		if len(people) != 5 || people[4][0] != "dalen" || people[4][2] != "3" {
			t.Errorf("got participation %v; want four villages, dalen with 3", people)
		}
	})
	t.Run("an unchanged comparison answers 304 to its ETag", func(t *testing.T) {
		first := ta.raw("GET", "/api/v1/surveys/"+id+"/comparison", admin)
		tag := first.header.Get("ETag")
		if tag == "" {
			t.Fatal("got no ETag")
		}
		code, _ := ta.do("GET", "/api/v1/surveys/"+id+"/comparison", admin, nil, "If-None-Match", tag)
		if code != http.StatusNotModified {
			t.Errorf("got %d; want 304", code)
		}
		ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", map[string]any{"village": "alvby", "answers": map[string]any{"skola": "Ja"}})
		if code, _ := ta.do("GET", "/api/v1/surveys/"+id+"/comparison", admin, nil, "If-None-Match", tag); code != http.StatusOK {
			t.Errorf("after a new response got %d; want 200", code)
		}
	})
}

func TestComparisonIsForThoseWhoMayReadTheSurvey(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.fourVillageSurvey(admin)
	if code, b := ta.do("POST", "/api/v1/villages", admin, map[string]any{"name": "Långtbortom"}); code != http.StatusCreated {
		t.Fatalf("create village: got %d %s", code, b)
	}
	users := []struct {
		who    string
		member member
		want   int
	}{
		{"an anonymous caller", member{}, 401},
		{"a representative of an unrelated village", ta.member("representative", "langtbortom"), 403},
		{"a representative of one of the villages", ta.member("representative", "karrtorp"), 200},
		{"a forum member", ta.member("forum"), 200},
		{"a politician", ta.member("politician"), 200},
	}
	paths := []string{"/comparison", "/comparison.csv", "/comparison.json", "/comparison.xlsx", "/responses.csv", "/charts/skola.png"}
	for _, u := range users {
		for _, p := range paths {
			t.Run(u.who+" gets "+http.StatusText(u.want)+" from "+p, func(t *testing.T) {
				if code, b := ta.do("GET", "/api/v1/surveys/"+id+p, u.member.token, nil); code != u.want {
					t.Errorf("got %d %s; want %d", code, b, u.want)
				}
			})
		}
		for _, p := range []string{"/forum/surveys/" + id, "/forum/surveys/" + id + "/charts/buss.svg", "/forum/surveys/" + id + "/comparison.csv", "/forum/surveys/" + id + "/comparison.xlsx", "/forum/surveys/" + id + "/comparison.json"} {
			t.Run(u.who+" gets "+http.StatusText(u.want)+" from "+p, func(t *testing.T) {
				if code, _, _ := ta.pageGet(p, u.member); code != u.want {
					t.Errorf("got %d; want %d", code, u.want)
				}
			})
		}
	}
	t.Run("an unknown survey is 404", func(t *testing.T) {
		if code, _ := ta.do("GET", "/api/v1/surveys/nope/comparison", admin, nil); code != 404 {
			t.Errorf("got %d; want 404", code)
		}
	})
}

type rawResponse struct {
	code   int
	header http.Header
	body   []byte
}

// raw sends a GET and keeps the headers.
func (ta *testApp) raw(method, path, token string) rawResponse {
	ta.t.Helper()
	req, _ := http.NewRequest(method, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := ta.app.Test(req, -1)
	if err != nil {
		ta.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return rawResponse{resp.StatusCode, resp.Header, buf.Bytes()}
}

func TestComparisonOfHugeNumbersKeepsMeansAndSaysUnclear(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	for _, slug := range []string{"norrby", "soderby"} {
		if code, b := ta.do("POST", "/api/v1/villages", admin, map[string]any{"name": slug, "slug": slug}); code != http.StatusCreated {
			t.Fatalf("create village: got %d %s; want 201", code, b)
		}
	}
	code, b := ta.do("POST", "/api/v1/surveys", admin, map[string]any{
		"title": "Stora tal", "description": "", "villages": []string{"norrby", "soderby"}, "access": "link",
		"questions": []map[string]any{{"key": "tal", "type": "number", "prompt": "Ett stort tal"}},
	})
	if code != http.StatusCreated {
		t.Fatalf("create survey: got %d %s; want 201", code, b)
	}
	id := decode[map[string]any](t, b)["id"].(string)
	if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/open", admin, nil); code != http.StatusOK {
		t.Fatalf("open: got %d %s; want 200", code, b)
	}
	for _, village := range []string{"norrby", "soderby"} {
		for i := range 6 {
			v := 1e308
			if i%2 == 1 {
				v = 1.7e308
			}
			if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", map[string]any{"village": village, "answers": map[string]any{"tal": v}}); code != http.StatusCreated {
				t.Fatalf("response: got %d %s; want 201", code, b)
			}
		}
	}
	t.Run("the JSON keeps each village's mean and median and says unclear", func(t *testing.T) {
		code, b := ta.do("GET", "/api/v1/surveys/"+id+"/comparison", admin, nil)
		if code != http.StatusOK {
			t.Fatalf("got %d %s; want 200", code, b)
		}
		q := decode[map[string]any](t, b)["questions"].([]any)[0].(map[string]any)
		if q["verdict"] != "unclear" {
			t.Errorf("got verdict %v; want unclear (12 answers)", q["verdict"])
		}
		for _, v := range q["villages"].([]any) {
			v := v.(map[string]any)
			for _, figure := range []string{"mean", "median"} {
				if got, _ := v[figure].(float64); math.Abs(got-1.35e308) > 1e295 {
					t.Errorf("%s: got %s %v; want 1.35e308", v["slug"], figure, v[figure])
				}
			}
		}
	})
	t.Run("the CSV writes the huge figures, the power and the verdict in words, no Inf", func(t *testing.T) {
		code, b := ta.do("GET", "/api/v1/surveys/"+id+"/comparison.csv", admin, nil)
		if code != http.StatusOK {
			t.Fatalf("got %d %s; want 200", code, b)
		}
		body := string(b)
		for _, bad := range []string{"Inf", "NaN"} {
			if strings.Contains(body, bad) {
				t.Errorf("got %q in the CSV; want none", bad)
			}
		}
		reader := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
		reader.Comma = ';'
		records, err := reader.ReadAll()
		if err != nil {
			t.Fatalf("read CSV: %v", err)
		}
		col := map[string]int{}
		for i, h := range records[0] {
			col[h] = i
		}
		r := records[1]
		if r[col["utfall"]] != "unclear" || r[col["utfall_text"]] != "för få svar för att säga om byarna tycker lika" || r[col["styrka"]] == "" {
			t.Errorf("got verdict %q, %q, power %q; want unclear in code and words, with the power", r[col["utfall"]], r[col["utfall_text"]], r[col["styrka"]])
		}
		if r[col["mått"]] != "medel" || !strings.HasPrefix(r[col["värde"]], "1,35E+308") {
			t.Errorf("got %s %q; want medel 1,35E+308", r[col["mått"]], r[col["värde"]])
		}
	})
}
