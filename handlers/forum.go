package handlers

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// forumRound is a remiss round as the forum's dashboard lists it.
type forumRound struct {
	Title    string
	Href     string
	Status   string
	Deadline string
	Answered int
	Asked    int
}

// forumRounds lists the remiss rounds the user may read, for the forum's
// dashboard. It is nil until the remiss rounds (branch remiss) are wired in:
// the dashboard then says that no rounds can be listed yet.
var forumRounds func(s *server, cx context.Context, u *survey.User) ([]forumRound, error)

// forumSurveyItem is a survey as the forum's dashboard lists it.
type forumSurveyItem struct {
	ID        string
	Title     string
	Status    string
	Villages  int
	Responses int
}

// forumDashboard is the data of the page /forum.
type forumDashboard struct {
	Surveys      []forumSurveyItem
	Rounds       []forumRound
	RoundsWired  bool
	RoundsFailed bool
}

// forumPage answers GET /forum: the surveys (and remiss rounds) the user
// may read comparisons of.
func (s *server) forumPage(c *fiber.Ctx) error {
	u := currentUser(c)
	if !survey.Can(u, survey.ReadComparison) {
		return survey.ErrForbidden
	}
	cx, cancel := ctx(c)
	defer cancel()
	list, err := s.surveys.List(cx, storage.SurveyFilter{})
	if err != nil {
		return err
	}
	d := forumDashboard{Surveys: []forumSurveyItem{}}
	for _, sv := range list {
		if !survey.Can(u, survey.ReadComparison, sv.Villages...) {
			continue
		}
		n, err := s.responses.Count(cx, sv.ID)
		if err != nil {
			return err
		}
		d.Surveys = append(d.Surveys, forumSurveyItem{ID: sv.ID, Title: sv.Title, Status: sv.Status, Villages: len(sv.Villages), Responses: n})
	}
	// Open surveys first, then closed, then drafts; newest first within.
	rank := map[string]int{survey.Open: 0, survey.Closed: 1, survey.Draft: 2}
	sort.SliceStable(d.Surveys, func(i, j int) bool { return rank[d.Surveys[i].Status] < rank[d.Surveys[j].Status] })
	if forumRounds != nil {
		d.RoundsWired = true
		rounds, err := forumRounds(s, cx, u)
		if err != nil {
			d.RoundsFailed = true
			s.log.Warn("forum: remiss rounds", "err", err)
		}
		d.Rounds = rounds
	}
	return render(c, fiber.StatusOK, "forum", "Forum", d)
}

// forumSurveyView is the data of the page /forum/surveys/{id}.
type forumSurveyView struct {
	Survey        *survey.Survey
	MinN          int
	Responses     int
	Participation []participationRow
	AnyQuiet      bool
	Divided       []forumQuestion
	Unclear       []forumQuestion
	Agreed        []forumQuestion
	Other         []forumQuestion
}

// participationRow is one village's responses against its population.
type participationRow struct {
	Name       string
	N          int
	Population string // "" when unknown
	Per100     string // "" when unknown
	Quiet      bool   // far fewer responses per inhabitant than the other villages
	Few        bool   // fewer responses than min_n
}

// forumQuestion is one question on the forum's page: the verdict, the chart
// and a table with the same figures.
type forumQuestion struct {
	Lang string
	// WideMedia is the media query of the desktop-sized chart.
	WideMedia string
	Key       string
	Prompt    string
	Type      string
	Verdict   string
	Summary   string
	Effect    string
	Majority  string
	Chart     *chartRef
	// Text questions are never broken down by village: only Total is shown.
	Text    bool
	Total   int
	Caption string
	Columns []string
	Rows    []tableRow
}

// chartRef is an img of a question's chart.
type chartRef struct {
	Src    string
	Alt    string
	Width  int
	Height int
	// Wide is the same chart drawn to the column of a desktop page.
	Wide *chartRef
}

// tableRow is one village's row of a question's table; a village that is
// not shown has no cells.
type tableRow struct {
	Name  string
	N     int
	Shown bool
	Cells []string
}

// forumSurveyPage answers GET /forum/surveys/{id}.
func (s *server) forumSurveyPage(c *fiber.Ctx) error {
	cs, err := s.compare(c, survey.ReadComparison)
	if err != nil {
		return err
	}
	cmp := cs.Comparison
	names := map[string]string{}
	for _, v := range cmp.Villages {
		names[v.Slug] = v.Name
	}
	d := forumSurveyView{Survey: cs.Survey, MinN: cmp.MinN, Responses: cs.Responses}
	d.Participation, d.AnyQuiet = participation(lang(c), cmp)
	view := func(q survey.QuestionComparison) forumQuestion {
		return s.questionOnPage(c, cs, q, names)
	}
	for _, q := range cmp.Divided() {
		switch q.Verdict {
		case survey.VerdictDiffer:
			d.Divided = append(d.Divided, view(q))
		case survey.VerdictUnclear:
			d.Unclear = append(d.Unclear, view(q))
		case survey.VerdictInsufficient, survey.VerdictNone:
			d.Other = append(d.Other, view(q))
		}
	}
	for _, q := range cmp.Agreed() {
		d.Agreed = append(d.Agreed, view(q))
	}
	return render(c, fiber.StatusOK, "forum_survey", cs.Survey.Title, d)
}

// participation lists responses per village and per 100 inhabitants. A
// village is quiet when it has under half the median responses per 100
// inhabitants of the villages whose population is known.
func participation(lang string, cmp survey.Comparison) ([]participationRow, bool) {
	var rates []float64
	for _, v := range cmp.Villages {
		if v.Per100 != nil {
			rates = append(rates, *v.Per100)
		}
	}
	median := 0.0
	if len(rates) > 0 {
		sort.Float64s(rates)
		median = rates[len(rates)/2]
		if len(rates)%2 == 0 {
			median = (rates[len(rates)/2-1] + rates[len(rates)/2]) / 2
		}
	}
	rows := make([]participationRow, len(cmp.Villages))
	anyQuiet := false
	for i, v := range cmp.Villages {
		r := participationRow{Name: v.Name, N: v.N, Few: v.N < cmp.MinN}
		if v.Population > 0 {
			r.Population = strconv.Itoa(v.Population)
		}
		if v.Per100 != nil {
			r.Per100 = decimalIn(lang, *v.Per100, 1)
			r.Quiet = len(rates) > 1 && *v.Per100 < median/2
		}
		anyQuiet = anyQuiet || r.Quiet
		rows[i] = r
	}
	return rows, anyQuiet
}

// questionOnPage lays out one question for the page.
func (s *server) questionOnPage(c *fiber.Ctx, cs *comparedSurvey, q survey.QuestionComparison, names map[string]string) forumQuestion {
	l := lang(c)
	qv := forumQuestion{Lang: l, WideMedia: chartWideMedia, Key: q.Key, Prompt: q.Prompt, Type: q.Type, Verdict: q.Verdict, Summary: verdictText(l, q)}
	qv.Effect = effectText(l, q)
	if q.Majority != nil {
		qv.Majority = categoryLabel(q.Type, *q.Majority)
		if q.Type == survey.Likert {
			qv.Majority = translate(l, qv.Majority) // options are the survey's own words
		}
	}
	for _, v := range q.Villages {
		qv.Total += v.N
	}
	if q.Type == survey.Text {
		qv.Text = true
		return qv
	}
	qv.Chart = chartFor(c, cs, q)
	def := cs.Survey.Question(q.Key)
	var options []string
	if def != nil {
		options = def.Options
	}
	switch q.Type {
	case survey.Likert:
		qv.Caption = "Andel som instämmer inte (1–2), är neutrala (3) och instämmer (4–5), i procent, och medelvärde på skalan 1–5"
		qv.Columns = []string{"Instämmer inte", "Neutral", "Instämmer", "Medelvärde"}
	case survey.Single, survey.Multi:
		qv.Caption = "Andel som valt varje alternativ, i procent"
		if q.Type == survey.Multi {
			qv.Caption += " (flera val möjliga)"
		}
		qv.Columns = options
	case survey.Rank:
		qv.Caption = "Medelplacering för varje alternativ (1 = först)"
		qv.Columns = options
	case survey.Number:
		qv.Caption = "Medelvärde och median"
		qv.Columns = []string{"Medelvärde", "Median"}
	}
	for _, v := range q.Villages {
		row := tableRow{Name: names[v.Slug], N: v.N, Shown: v.Shown}
		if row.Name == "" {
			row.Name = v.Slug
		}
		if v.Shown {
			switch q.Type {
			case survey.Likert:
				row.Cells = []string{percentIn(l, deref0(v.Disagree)), percentIn(l, v.Shares["3"]), percentIn(l, deref0(v.Agree)), optDecimal(l, v.Mean, 1)}
			case survey.Single, survey.Multi:
				for _, o := range options {
					row.Cells = append(row.Cells, percentIn(l, v.Shares[o]))
				}
			case survey.Rank:
				for _, o := range options {
					row.Cells = append(row.Cells, decimalIn(l, v.MeanRank[o], 1))
				}
			case survey.Number:
				row.Cells = []string{optDecimal(l, v.Mean, 1), optDecimal(l, v.Median, 1)}
			}
		}
		qv.Rows = append(qv.Rows, row)
	}
	return qv
}

// verdictText says in plain words what the comparison found: "Byarna
// svarar olika (p = 0,001)", "Byarna är överens", "För få svar för att säga
// om byarna tycker lika", in the page's language.
func verdictText(lang string, q survey.QuestionComparison) string {
	switch q.Verdict {
	case survey.VerdictDiffer:
		s := translate(lang, "Byarna svarar olika")
		if q.P != nil {
			s += " (" + pText(lang, *q.P) + ")"
		}
		return s
	case survey.VerdictAgree:
		return translate(lang, "Byarna är överens")
	case survey.VerdictUnclear:
		return translate(lang, "För få svar för att säga om byarna tycker lika")
	case survey.VerdictNone:
		return translate(lang, "Fritext jämförs inte")
	}
	return translate(lang, "För få svar för att jämföra")
}

// pText writes a p-value with three decimals: "p = 0,061", "p < 0,001".
func pText(lang string, p float64) string {
	if p < 0.001 {
		return "p < " + decimalIn(lang, 0.001, 3)
	}
	return "p = " + decimalIn(lang, p, 3)
}

// effectText names the effect size, p and power of a tested question.
func effectText(lang string, q survey.QuestionComparison) string {
	var parts []string
	switch {
	case q.Epsilon2 != nil:
		parts = append(parts, "ε² = "+decimalIn(lang, *q.Epsilon2, 2))
	case q.CramersV != nil:
		parts = append(parts, translate(lang, "Cramérs V")+" = "+decimalIn(lang, *q.CramersV, 2))
	}
	// A difference's p is already in its verdict sentence.
	if q.P != nil && q.Verdict != survey.VerdictDiffer {
		parts = append(parts, pText(lang, *q.P))
	}
	if q.Power != nil && q.Verdict != survey.VerdictDiffer {
		parts = append(parts, translate(lang, "styrka")+" "+percentIn(lang, *q.Power))
	}
	return strings.Join(parts, " · ")
}

// categoryLabel names a majority category in Swedish.
func categoryLabel(typ, cat string) string {
	if typ == survey.Likert {
		switch cat {
		case survey.LikertAgree:
			return "instämmer (4–5)"
		case survey.LikertDisagree:
			return "instämmer inte (1–2)"
		case survey.LikertNeutral:
			return "neutral (3)"
		}
	}
	return cat
}

// decimalIn writes f with the given decimals: a decimal comma in Swedish,
// a decimal point in English, and a real minus sign.
func decimalIn(lang string, f float64, digits int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	s := strconv.FormatFloat(f, 'f', digits, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // no "−0,0"
	}
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	if strings.HasPrefix(s, "-") {
		s = "−" + s[1:]
	}
	return s
}

// percentIn writes a share as a percentage with one decimal: "45,2 %".
func percentIn(lang string, share float64) string {
	return decimalIn(lang, share*100, 1) + "\u00a0%"
}

func optDecimal(lang string, f *float64, digits int) string {
	if f == nil {
		return "–"
	}
	return decimalIn(lang, *f, digits)
}

func deref0(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}
