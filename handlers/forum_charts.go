package handlers

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/forankra/forankra/charts"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// chartOf adapts one question's comparison to a chart of package charts:
// likert as diverging bars, single and multi as stacked or grouped bars,
// rank as mean ranks. Numbers and free text have no chart (false). A
// village that is not shown is drawn as "för få svar", never as bars.
func chartOf(cmp survey.Comparison, def *survey.Question, q survey.QuestionComparison, lang string) (charts.Chart, bool) {
	names := make(map[string]string, len(cmp.Villages))
	for _, v := range cmp.Villages {
		names[v.Slug] = v.Name
	}
	label := func(slug string) string {
		if n := names[slug]; n != "" {
			return n
		}
		return slug
	}
	var options []string
	if def != nil {
		options = def.Options
	}
	switch q.Type {
	case survey.Likert:
		ch := charts.Likert{Title: q.Prompt, Text: chartText(lang)}
		for _, v := range q.Villages {
			lv := charts.LikertVillage{Label: label(v.Slug), N: v.N, Shown: v.Shown}
			if v.Shown {
				for i := range lv.Shares {
					lv.Shares[i] = v.Shares[strconv.Itoa(i+1)]
				}
			}
			ch.Villages = append(ch.Villages, lv)
		}
		return ch, true
	case survey.Single, survey.Multi:
		ch := charts.Categorical{Title: q.Prompt, Kind: charts.Single, Options: options, Text: chartText(lang)}
		if q.Type == survey.Multi {
			ch.Kind = charts.Multi
		}
		for _, v := range q.Villages {
			cv := charts.CategoricalVillage{Label: label(v.Slug), N: v.N, Shown: v.Shown}
			if v.Shown {
				for _, o := range options {
					cv.Shares = append(cv.Shares, v.Shares[o])
				}
			}
			ch.Villages = append(ch.Villages, cv)
		}
		return ch, true
	case survey.Rank:
		ch := charts.Rank{Title: q.Prompt, Options: options, Text: chartText(lang)}
		for _, v := range q.Villages {
			rv := charts.RankVillage{Label: label(v.Slug), N: v.N, Shown: v.Shown}
			if v.Shown {
				for _, o := range options {
					rv.MeanRanks = append(rv.MeanRanks, v.MeanRank[o])
				}
			}
			ch.Villages = append(ch.Villages, rv)
		}
		return ch, true
	}
	return nil, false
}

// chartText gives a chart its texts in the page's language, from the
// catalog.
func chartText(lang string) charts.Text {
	return func(sv string) string { return translate(lang, sv) }
}

// renderedChart is a drawn chart with its size in CSS pixels.
type renderedChart struct {
	body          []byte
	width, height int
}

// chartCache keeps recently drawn charts by ETag. It is only an
// optimisation: the ETag is derived from the tallies and the survey, so an
// instance without the entry draws the same picture again.
type chartCache struct {
	mu      sync.Mutex
	entries map[string]renderedChart
}

// maxCachedCharts bounds the cache; when it is full it starts over.
const maxCachedCharts = 512

var drawnCharts = &chartCache{entries: map[string]renderedChart{}}

func (cc *chartCache) get(tag string) (renderedChart, bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	r, ok := cc.entries[tag]
	return r, ok
}

func (cc *chartCache) put(tag string, r renderedChart) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if len(cc.entries) >= maxCachedCharts {
		clear(cc.entries)
	}
	cc.entries[tag] = r
}

// chartSpec is what a picture is drawn from; its ETag names the picture.
type chartSpec struct {
	chart charts.Chart
	opts  charts.Options
	tag   string
}

// specFor finds question key's chart in the comparison, its texts in lang.
func specFor(cs *comparedSurvey, key string, opts charts.Options, lang string) (chartSpec, bool) {
	for _, q := range cs.Comparison.Questions {
		if q.Key != key {
			continue
		}
		ch, ok := chartOf(cs.Comparison, cs.Survey.Question(key), q, lang)
		if !ok {
			return chartSpec{}, false
		}
		return chartSpec{chart: ch, opts: opts, tag: etag("chart", opts, fmt.Sprintf("%T", ch), ch, lang)}, true
	}
	return chartSpec{}, false
}

// renderSlots bounds how many charts are drawn at once (a large PNG takes
// tens of MiB while it is drawn); the rest wait their turn.
var renderSlots = make(chan struct{}, 2)

// draw returns the picture, from the cache when it is there.
func (sp chartSpec) draw() (renderedChart, error) {
	if r, ok := drawnCharts.get(sp.tag); ok {
		return r, nil
	}
	renderSlots <- struct{}{}
	defer func() { <-renderSlots }()
	if r, ok := drawnCharts.get(sp.tag); ok { // drawn while this one waited
		return r, nil
	}
	var buf bytes.Buffer
	if err := sp.chart.Render(&buf, sp.opts); err != nil {
		return renderedChart{}, err
	}
	r := renderedChart{body: buf.Bytes()}
	if sp.opts.Format == charts.SVG {
		_, _ = fmt.Sscanf(buf.String(), `<svg width="%d" height="%d"`, &r.width, &r.height)
	}
	drawnCharts.put(sp.tag, r)
	return r, nil
}

// chartOptions reads the picture's format from the file name and ?width=
// and ?scale= from the query. A PNG is drawn at twice its CSS size by
// default, so that it stays sharp on a phone.
func chartOptions(c *fiber.Ctx) (key string, o charts.Options, err error) {
	file := c.Params("file")
	dot := strings.LastIndexByte(file, '.')
	if dot <= 0 {
		return "", o, fiber.ErrNotFound
	}
	key = file[:dot]
	if o.Format, err = charts.ParseFormat(file[dot+1:]); err != nil {
		return "", o, fiber.ErrNotFound
	}
	if w := c.Query("width"); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil || n < charts.MinWidth || n > charts.MaxWidth {
			return "", o, malformed("width", fmt.Sprintf("Bredden ska vara ett heltal från %d till %d", charts.MinWidth, charts.MaxWidth))
		}
		o.Width = drawnWidth(n)
	}
	o.Scale = 2
	if s := c.Query("scale"); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= 1 && f <= charts.MaxScale) {
			return "", o, malformed("scale", fmt.Sprintf("Skalan ska vara ett tal från 1 till %d", charts.MaxScale))
		}
		// Half steps: a handful of pictures per chart, so that ?scale=3.9…
		// cannot fill the cache with one picture per query.
		o.Scale = math.Round(f*2) / 2
	}
	return key, o, nil
}

// chartWidths are the widths a chart is drawn at: a ?width= between two is
// drawn at the next one up, so that a client sweeping the widths gets a
// dozen pictures per chart and scale, not one per query (each drawn, and
// each evicting others from the cache). The page's own widths are among them.
var chartWidths = []int{charts.MinWidth, 300, charts.DefaultWidth, 360, 400, 480, 600,
	chartColumnWidth, 800, 1024, 1280, charts.MaxWidth}

// drawnWidth is the width of chartWidths a chart asked for n pixels wide
// (MinWidth ≤ n ≤ MaxWidth) is drawn at.
func drawnWidth(n int) int {
	i, _ := slices.BinarySearch(chartWidths, n)
	return chartWidths[min(i, len(chartWidths)-1)]
}

// chart answers GET …/surveys/{id}/charts/{key}.png and .svg: the
// question's villages side by side. action is ReadSurveyResults under /api
// and ReadComparison for the forum's pages.
func (s *server) chart(action survey.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		key, opts, err := chartOptions(c)
		if err != nil {
			return err
		}
		cs, err := s.compare(c, action)
		if err != nil {
			return err
		}
		spec, ok := specFor(cs, key, opts, lang(c))
		if !ok {
			return fmt.Errorf("frågan %q har inget diagram: %w", key, survey.ErrNotFound)
		}
		if notModified(c, spec.tag) {
			return nil
		}
		r, err := spec.draw()
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, opts.Format.ContentType())
		return c.Send(r.body)
	}
}

// chartColumnWidth is the page column's width at a desktop's 1280 px (main
// is 44rem with 1rem padding each side); chartWideMedia is the media query
// from which the column is that wide.
const (
	chartColumnWidth = 672
	chartWideMedia   = "(min-width: 45rem)"
)

// chartFor is the img of a question's chart on the forum's page: an SVG,
// light on a weak connection and sharp at any size, with the chart's own
// text alternative and its size. It is nil for numbers and free text, and
// when the chart cannot be drawn (the table still has the figures).
func chartFor(c *fiber.Ctx, cs *comparedSurvey, q survey.QuestionComparison) *chartRef {
	spec, ok := specFor(cs, q.Key, charts.Options{Format: charts.SVG, Scale: 2}, lang(c))
	if !ok {
		return nil
	}
	r, err := spec.draw()
	if err != nil || r.width == 0 {
		return nil
	}
	src := "/forum/surveys/" + cs.Survey.ID + "/charts/" + q.Key + ".svg"
	wide := src + "?width=" + strconv.Itoa(chartColumnWidth)
	if c.Query("min_n") != "" {
		src += "?min_n=" + strconv.Itoa(cs.Comparison.MinN)
		wide += "&min_n=" + strconv.Itoa(cs.Comparison.MinN)
	}
	ref := &chartRef{Src: src, Alt: spec.chart.AltText(), Width: r.width, Height: r.height}
	// The same chart drawn to the page's column on a desktop, so that its
	// text keeps its size instead of a phone-sized picture sitting small.
	if ws, ok := specFor(cs, q.Key, charts.Options{Format: charts.SVG, Width: chartColumnWidth}, lang(c)); ok {
		if w, err := ws.draw(); err == nil && w.width > 0 {
			ref.Wide = &chartRef{Src: wide, Width: w.width, Height: w.height}
		}
	}
	return ref
}
