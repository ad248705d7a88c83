package handlers

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/forankra/forankra/charts"
	"github.com/forankra/forankra/survey"
)

func TestChartsAreValidPNGAndSVG(t *testing.T) {
	ta := newTestApp(t)
	member := ta.member("admin")
	admin := member.token
	id := ta.fourVillageSurvey(admin)
	for _, key := range []string{"skola", "buss", "plats"} {
		get := func(path string) rawResponse {
			if strings.HasPrefix(path, "/forum/") {
				code, body, header := ta.pageGet(path, member)
				return rawResponse{code, header, body}
			}
			return ta.raw("GET", path, admin)
		}
		for _, base := range []string{"/api/v1/surveys/" + id + "/charts/", "/forum/surveys/" + id + "/charts/"} {
			t.Run(base+key+".png is a PNG", func(t *testing.T) {
				r := get(base + key + ".png")
				if r.code != 200 || r.header.Get("Content-Type") != "image/png" {
					t.Fatalf("got %d %s; want 200 image/png", r.code, r.header.Get("Content-Type"))
				}
				img, err := png.Decode(bytes.NewReader(r.body))
				if err != nil {
					t.Fatalf("decode PNG: %v", err)
				}
				if w := img.Bounds().Dx(); w != 2*charts.DefaultWidth {
					t.Errorf("got %d pixels wide; want %d (twice the CSS width)", w, 2*charts.DefaultWidth)
				}
			})
			t.Run(base+key+".svg is an SVG that names the small village as too few", func(t *testing.T) {
				r := get(base + key + ".svg")
				if r.code != 200 || r.header.Get("Content-Type") != "image/svg+xml" {
					t.Fatalf("got %d %s; want 200 image/svg+xml", r.code, r.header.Get("Content-Type"))
				}
				dec := xml.NewDecoder(bytes.NewReader(r.body))
				var root string
				text := ""
				for {
					tok, err := dec.Token()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("parse SVG: %v", err)
					}
					switch x := tok.(type) {
					case xml.StartElement:
						if root == "" {
							root = x.Name.Local
						}
					case xml.CharData:
						text += string(x)
					}
				}
				if root != "svg" || !strings.Contains(text, "Dalen") || !strings.Contains(text, "för få svar") {
					t.Errorf("got root %q and text %q; want an svg naming Dalen with för få svar", root, text)
				}
			})
		}
	}
	t.Run("width is honoured and checked", func(t *testing.T) {
		r := ta.raw("GET", "/api/v1/surveys/"+id+"/charts/skola.png?width=600&scale=1", admin)
		img, err := png.Decode(bytes.NewReader(r.body))
		if err != nil || img.Bounds().Dx() != 600 {
			t.Errorf("got %v, err %v; want 600 pixels wide", img, err)
		}
		if code, _ := ta.do("GET", "/api/v1/surveys/"+id+"/charts/skola.png?width=10", admin, nil); code != 400 {
			t.Errorf("width=10: got %d; want 400", code)
		}
	})
	tests := []struct {
		path  string
		token string
		want  int
	}{
		{"ovrigt.png", admin, 404},    // free text has no chart
		{"finnsinte.svg", admin, 404}, // no such question
		{"skola.gif", admin, 404},
		{"skola", admin, 404},
		{"skola.png", "", 401},
		{"skola.png", ta.user("representative", "nagonannan"), 403},
		{"skola.svg", ta.user("representative", "dalen"), 200},
	}
	for _, tt := range tests {
		t.Run(tt.path+" answers "+http.StatusText(tt.want), func(t *testing.T) {
			if code, b := ta.do("GET", "/api/v1/surveys/"+id+"/charts/"+tt.path, tt.token, nil); code != tt.want {
				t.Errorf("got %d %s; want %d", code, b, tt.want)
			}
		})
	}
	t.Run("an unchanged chart answers 304 to its ETag, a new response changes it", func(t *testing.T) {
		tag := ta.raw("GET", "/api/v1/surveys/"+id+"/charts/buss.svg", admin).header.Get("ETag")
		if code, _ := ta.do("GET", "/api/v1/surveys/"+id+"/charts/buss.svg", admin, nil, "If-None-Match", tag); tag == "" || code != 304 {
			t.Errorf("got %d for ETag %q; want 304", code, tag)
		}
		ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", map[string]any{"village": "bergsjo", "answers": map[string]any{"buss": 5}})
		if code, _ := ta.do("GET", "/api/v1/surveys/"+id+"/charts/buss.svg", admin, nil, "If-None-Match", tag); code != 200 {
			t.Errorf("got %d; want 200 after a new response", code)
		}
	})
}

func TestChartsDrawHiddenVillagesAsTooFew(t *testing.T) {
	n := func(f float64) *float64 { return &f }
	cmp := survey.Comparison{MinN: 5, Villages: []survey.ComparedVillage{{Slug: "a", Name: "Åby"}, {Slug: "b", Name: "Byn"}}}
	tests := []struct {
		name string
		def  survey.Question
		q    survey.QuestionComparison
	}{
		{"likert", survey.Question{Key: "l", Type: survey.Likert}, survey.QuestionComparison{Key: "l", Type: survey.Likert, Villages: []survey.VillageAnswers{
			{Slug: "a", N: 10, Shown: true, Shares: map[string]float64{"1": .1, "2": .1, "3": .2, "4": .3, "5": .3}, Agree: n(.6)}, {Slug: "b", N: 2}}}},
		{"single", survey.Question{Key: "s", Type: survey.Single, Options: []string{"Ja", "Nej"}}, survey.QuestionComparison{Key: "s", Type: survey.Single, Villages: []survey.VillageAnswers{
			{Slug: "a", N: 10, Shown: true, Shares: map[string]float64{"Ja": .7, "Nej": .3}}, {Slug: "b", N: 2}}}},
		{"rank", survey.Question{Key: "r", Type: survey.Rank, Options: []string{"X", "Y"}}, survey.QuestionComparison{Key: "r", Type: survey.Rank, Villages: []survey.VillageAnswers{
			{Slug: "a", N: 10, Shown: true, MeanRank: map[string]float64{"X": 1.2, "Y": 1.8}}, {Slug: "b", N: 2}}}},
	}
	for _, tt := range tests {
		t.Run("a "+tt.name+" chart has the shown village's figures and none of the hidden one's", func(t *testing.T) {
			ch, ok := chartOf(cmp, &tt.def, tt.q, "sv")
			if !ok {
				t.Fatal("got no chart")
			}
			switch c := ch.(type) {
			case charts.Likert:
				if got := c.Villages[0].Shares; got != [5]float64{.1, .1, .2, .3, .3} || c.Villages[1].Shown || c.Villages[1].Shares != [5]float64{} || c.Villages[0].Label != "Åby" {
					t.Errorf("got %+v; want Åby's shares and Byn hidden", c.Villages)
				}
			case charts.Categorical:
				if len(c.Villages[0].Shares) != 2 || c.Villages[0].Shares[0] != .7 || c.Villages[1].Shown || c.Villages[1].Shares != nil {
					t.Errorf("got %+v; want Åby's shares and Byn hidden", c.Villages)
				}
			case charts.Rank:
				if len(c.Villages[0].MeanRanks) != 2 || c.Villages[0].MeanRanks[1] != 1.8 || c.Villages[1].Shown || c.Villages[1].MeanRanks != nil {
					t.Errorf("got %+v; want Åby's mean ranks and Byn hidden", c.Villages)
				}
			default:
				t.Errorf("got %T", ch)
			}
			if alt := ch.AltText(); !strings.Contains(alt, "Byn") {
				t.Errorf("got alt %q; want it to name Byn", alt)
			}
		})
	}
	t.Run("numbers and free text have no chart", func(t *testing.T) {
		for _, typ := range []string{survey.Number, survey.Text} {
			if _, ok := chartOf(cmp, &survey.Question{Key: "x", Type: typ}, survey.QuestionComparison{Key: "x", Type: typ}, "sv"); ok {
				t.Errorf("%s: got a chart; want none", typ)
			}
		}
	})
}

func TestForumSurveyPageShowsWhereVillagesDifferAndAgree(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.member("admin")
	id := ta.fourVillageSurvey(admin.token)
	code, b, _ := ta.pageGet("/forum/surveys/"+id, admin)
	if code != 200 {
		t.Fatalf("got %d %s; want 200", code, b)
	}
	page := string(b)
	at := func(s string) int {
		i := strings.Index(page, s)
		if i < 0 {
			t.Errorf("page lacks %q", s)
		}
		return i
	}
	t.Run("the differing question comes under Här skiljer sig byarna, the agreeing one under Här är byarna överens", func(t *testing.T) {
		differ, skola, agree, buss := at("Här skiljer sig byarna"), at("Ska skolan byggas ut?"), at("Här är byarna överens"), at("Bussen behövs.")
		if !(differ < skola && skola < agree && agree < buss) {
			t.Errorf("got positions %d %d %d %d; want them in that order", differ, skola, agree, buss)
		}
		at("Byarna svarar olika (p")
		at("Byarna är överens")
	})
	t.Run("each chart is an img with alt text and a size", func(t *testing.T) {
		for _, key := range []string{"skola", "buss", "plats"} {
			src := `src="/forum/surveys/` + id + `/charts/` + key + `.svg"`
			i := at(src)
			if i < 0 {
				continue
			}
			tag := page[strings.LastIndex(page[:i], "<img"):]
			tag = tag[:strings.Index(tag, ">")]
			for _, attr := range []string{`alt="`, `width="`, `height="`} {
				if !strings.Contains(tag, attr) {
					t.Errorf("%s: got %s; want %s", key, tag, attr)
				}
			}
		}
	})
	t.Run("a desktop gets each chart drawn to the column, a phone to its width", func(t *testing.T) {
		for _, key := range []string{"skola", "buss", "plats"} {
			at(`<source media="(min-width: 45rem)" srcset="/forum/surveys/` + id + `/charts/` + key + `.svg?width=672" width="672"`)
			at(`src="/forum/surveys/` + id + `/charts/` + key + `.svg" alt="`)
		}
		at(`width="328"`)
	})
	t.Run("tables have captions, header scopes and decimal commas", func(t *testing.T) {
		at(`<div class="table-wrap" role="region" aria-labelledby="cap-skola" tabindex="0">`)
		at(`<caption id="cap-skola">Andel som valt varje alternativ, i procent</caption>`)
		at(`<th scope="row">Älvby</th><td class="n">60</td><td class="n">66,7 %</td>`)
	})
	t.Run("the small village shows no breakdown", func(t *testing.T) {
		if n := strings.Count(page, `<th scope="row">Dalen</th><td class="n">3</td><td colspan`); n != 3 {
			t.Errorf("got %d rows of Dalen with too few answers; want 3 (single, likert, multi)", n)
		}
		questions := page[strings.Index(page, "Här skiljer sig byarna"):]
		if strings.Contains(questions, `<th scope="row">Dalen</th><td class="n">3</td><td class="n">`) {
			t.Error("got figures for Dalen; want none")
		}
	})
	t.Run("free text is not broken down by village", func(t *testing.T) {
		if strings.Contains(page, "Hälsningar") {
			t.Error("got the free text on the page")
		}
		at("15 svar med fritext. Fritext visas aldrig per by.")
	})
	t.Run("participation per 100 inhabitants marks the quiet village", func(t *testing.T) {
		at(`<th scope="row">Älvby</th><td class="n">60</td><td class="n">400</td><td class="n">15,0</td>`)
		at(`<tr class="quiet"><th scope="row">Dalen</th><td class="n">3</td><td class="n">200</td><td class="n">1,5</td>`)
	})
}

func TestForumDashboardListsReadableSurveys(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.fourVillageSurvey(admin)
	ta.do("POST", "/api/v1/villages", admin, map[string]any{"name": "Annanby"})
	tests := []struct {
		who    string
		member member
		status int
		listed bool
	}{
		{"a forum member", ta.member("forum"), 200, true},
		{"a representative of one of the villages", ta.member("representative", "alvby"), 200, true},
		{"a representative of another village", ta.member("representative", "annanby"), 200, false},
		{"an anonymous caller", member{}, 401, false},
	}
	for _, tt := range tests {
		t.Run(tt.who+" gets "+http.StatusText(tt.status), func(t *testing.T) {
			code, b, _ := ta.pageGet("/forum", tt.member)
			if code != tt.status {
				t.Fatalf("got %d; want %d", code, tt.status)
			}
			if got := strings.Contains(string(b), `href="/forum/surveys/`+id+`"`); got != tt.listed {
				t.Errorf("got the survey listed %v; want %v", got, tt.listed)
			}
			if code == 200 && !strings.Contains(string(b), "Remissrundor") {
				t.Error("got no section for remiss rounds")
			}
		})
	}
}

func TestForumPageLaysOutEveryQuestionType(t *testing.T) {
	ta := newTestApp(t)
	member := ta.member("admin")
	admin := member.token
	id := ta.openSurvey(admin)
	for i := range 12 {
		for _, village := range []string{"aby", "backby"} {
			answers := map[string]any{"q1": []string{"Skola", "Väg", "Buss"}[i%3], "q2": []string{"Bad"}, "q3": 1 + i%5,
				"q4": []string{"A", "B", "C"}, "q5": 10 + i, "q6": "Hemligt " + village}
			if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", map[string]any{"village": village, "answers": answers}); code != 201 {
				t.Fatalf("response: got %d %s; want 201", code, b)
			}
		}
	}
	code, b, _ := ta.pageGet("/forum/surveys/"+id, member)
	if code != 200 {
		t.Fatalf("got %d %s; want 200", code, b)
	}
	page := string(b)
	for _, want := range []string{
		"Medelplacering för varje alternativ (1 = först)", `<td class="n">1,0</td><td class="n">2,0</td><td class="n">3,0</td>`,
		"Medelvärde och median", `<td class="n">15,5</td><td class="n">15,5</td>`,
		"Andel som instämmer inte (1–2)", "/charts/q4.svg", "/charts/q3.svg",
		"24 svar med fritext",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, unwanted := range []string{"Hemligt", "/charts/q5.", "/charts/q6."} {
		if strings.Contains(page, unwanted) {
			t.Errorf("page has %q; want it not", unwanted)
		}
	}
	t.Run("in English the headings and captions are translated", func(t *testing.T) {
		code, b, _ := ta.pageGet("/forum/surveys/"+id, member, &http.Cookie{Name: "lang", Value: "en"})
		if code != 200 || !strings.Contains(string(b), "Where the villages agree") || !strings.Contains(string(b), "Mean and median") {
			t.Errorf("got %d; want the English page", code)
		}
	})
}

func TestForumDashboardListsRemissRounds(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	ta.fourVillageSurvey(admin)
	code, b := ta.do("POST", "/api/v1/proposals", admin, map[string]any{"title": "Belysning längs byvägen", "body": "Lampor."})
	if code != 201 {
		t.Fatalf("proposal: got %d %s", code, b)
	}
	pid := decode[map[string]any](t, b)["id"].(string)
	code, b = ta.do("POST", "/api/v1/proposals/"+pid+"/remiss", admin, map[string]any{"villages": []string{"alvby", "dalen"}, "deadline": "2026-04-30"})
	if code != 201 {
		t.Fatalf("remiss: got %d %s", code, b)
	}
	_, page, _ := ta.pageGet("/forum", ta.member("forum"))
	for _, want := range []string{"Belysning längs byvägen", "2026-04-30", "0 av 2", "/remisser/"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	t.Run("in English the round's status is English", func(t *testing.T) {
		_, page, _ := ta.pageGet("/forum", ta.member("forum"), &http.Cookie{Name: "lang", Value: "en"})
		if !strings.Contains(string(page), "<td>Open</td>") || strings.Contains(string(page), "<td>Öppen</td>") {
			t.Errorf("got no English status for the round; want <td>Open</td>")
		}
	})
}

// twoSmallVillagesApart makes two villages of 6 residents that answer a
// seven-option question in completely different ways (V = 1, χ² = 12 on 6
// df, p = 0.062) and returns the survey id.
func (ta *testApp) twoSmallVillagesApart(admin string) string {
	ta.t.Helper()
	for _, v := range []string{"Norrby", "Söderby"} {
		slug := strings.ToLower(strings.ReplaceAll(v, "ö", "o"))
		if code, b := ta.do("POST", "/api/v1/villages", admin, map[string]any{"name": v, "slug": slug, "population": 100}); code != http.StatusCreated {
			ta.t.Fatalf("create village %s: got %d %s; want 201", v, code, b)
		}
	}
	options := []string{"A", "B", "C", "D", "E", "F", "G"}
	code, b := ta.do("POST", "/api/v1/surveys", admin, map[string]any{
		"title": "Bygdegården", "description": "", "villages": []string{"norrby", "soderby"}, "access": "link",
		"questions": []map[string]any{{"key": "lokal", "type": "single", "prompt": "Vad ska lokalen användas till?", "options": options}},
	})
	if code != http.StatusCreated {
		ta.t.Fatalf("create survey: got %d %s; want 201", code, b)
	}
	id := decode[map[string]any](ta.t, b)["id"].(string)
	if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/open", admin, nil); code != http.StatusOK {
		ta.t.Fatalf("open: got %d %s; want 200", code, b)
	}
	// Norrby answers A, B, C; Söderby D, E, F, G: no option in common.
	answers := map[string][]string{"norrby": {"A", "A", "B", "B", "C", "C"}, "soderby": {"D", "D", "E", "E", "F", "G"}}
	for _, village := range []string{"norrby", "soderby"} {
		for _, a := range answers[village] {
			if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", map[string]any{"village": village, "answers": map[string]any{"lokal": a}}); code != http.StatusCreated {
				ta.t.Fatalf("response: got %d %s; want 201", code, b)
			}
		}
	}
	return id
}

func TestForumSaysTooFewToTellForTwoSmallVillagesThatAnswerApart(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.member("admin")
	id := ta.twoSmallVillagesApart(admin.token)

	t.Run("the comparison's verdict is unclear, with its power", func(t *testing.T) {
		code, b := ta.do("GET", "/api/v1/surveys/"+id+"/comparison", admin.token, nil)
		if code != http.StatusOK {
			t.Fatalf("got %d %s; want 200", code, b)
		}
		q := decode[map[string]any](t, b)["questions"].([]any)[0].(map[string]any)
		if got, want := q["verdict"], "unclear"; got != want {
			t.Errorf("got verdict %v; want %v", got, want)
		}
		if p, _ := q["power"].(float64); !(p > 0.05 && p < 0.8) {
			t.Errorf("got power %v; want under 0.8", q["power"])
		}
		if v, _ := q["cramers_v"].(float64); v != 1 {
			t.Errorf("got cramers_v %v; want 1", q["cramers_v"])
		}
	})
	tests := []struct {
		lang           string
		want, unwanted []string
	}{
		{"sv", []string{"För få svar för att säga om byarna tycker lika", "Här går det inte att säga", "Cramérs V = 1,00", "p = 0,062", "Så läser du siffrorna", "33,3\u00a0%"},
			[]string{"Byarna är överens</p>", "Byarna svarar olika"}},
		{"en", []string{"Too few answers to tell whether the villages think alike", "Where it cannot be told", "Cramér&#39;s V = 1.00", "p = 0.062", "How to read the figures", "33.3\u00a0%"},
			[]string{"The villages agree</p>", "0,062", "Så läser du siffrorna"}},
	}
	for _, tt := range tests {
		t.Run("in "+tt.lang+" the page says the answers are too few to tell and gives the figures", func(t *testing.T) {
			code, b, _ := ta.pageGet("/forum/surveys/"+id, admin, &http.Cookie{Name: "lang", Value: tt.lang})
			if code != 200 {
				t.Fatalf("got %d %s; want 200", code, b)
			}
			page := string(b)
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, u := range tt.unwanted {
				if strings.Contains(page, u) {
					t.Errorf("page has %q; want it not", u)
				}
			}
		})
	}
}
