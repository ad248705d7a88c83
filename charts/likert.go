package charts

import (
	"io"
	"math"
	"strings"
)

// LikertLabels name the five steps of a likert question, from 1 to 5.
var LikertLabels = [5]string{
	"Instämmer inte alls",
	"Tar delvis avstånd",
	"Varken eller",
	"Instämmer delvis",
	"Instämmer helt",
}

// Likert compares the answers to one likert question (1–5) village by
// village: each village is a row of diverging stacked bars, disagreeing
// (1–2) to the left of a centre line, agreeing (4–5) to the right, and the
// neutral middle (3) centred on the line, with the disagree and agree
// totals at the ends.
type Likert struct {
	Title string // optional
	// Text translates the chart's texts; nil keeps the Swedish.
	Text     Text `json:"-"`
	Villages []LikertVillage
}

// LikertVillage is one village's row of a Likert chart.
type LikertVillage struct {
	Label string
	N     int  // respondents who answered the question
	Shown bool // false below the minimum n: drawn as "för få svar"
	// Shares answering 1 to 5, of N; they are scaled to sum to 1.
	Shares [5]float64
}

// parts gives the shares to draw: disagree (1–2), neutral (3), agree (4–5).
func (v LikertVillage) parts() (shares []float64, disagree, neutral, agree float64) {
	shares = normalized(v.Shares[:])
	return shares, shares[0] + shares[1], shares[2], shares[3] + shares[4]
}

// Render writes the chart to w.
func (l Likert) Render(w io.Writer, o Options) error {
	return render(w, o, l.Text, l.AltText(), l.paint)
}

func (l Likert) paint(c *canvas) float64 {
	y := header(c, l.Title, pad)
	if len(l.Villages) == 0 {
		return message(c, c.tr.s(noVillage), y)
	}
	items := make([]legendItem, len(LikertLabels))
	for i, s := range LikertLabels {
		items[i] = legendItem{text: c.tr.s(s), fill: likertColors[i]}
	}
	y = legend(c, items, y)

	// The totals sit outside the bar ends: keep room for "100 %" each side.
	room := c.measure(c.tr.percent(1), smallSize) + 6
	left, right := pad+room, c.width-pad-room
	mid := math.Round((left + right) / 2)
	half := math.Min(mid-left, right-mid)

	// The scale reaches the longest side of any bar, in steps of 25 %, the
	// same to both sides so that the lengths compare.
	reach := 0.0
	for _, v := range l.Villages {
		if v.Shown {
			_, d, n, a := v.parts()
			reach = math.Max(reach, math.Max(d, a)+n/2)
		}
	}
	reach = math.Min(1, math.Max(0.25, math.Ceil(reach*4-1e-9)/4))
	x := func(v float64) float64 { return mid + v/reach*half }

	step := 0.25
	if half/(reach/step) < 36 {
		step = 0.5
	}
	ticks := []tick{{mid, c.tr.percent(0)}}
	for v := step; v <= reach+1e-9; v += step {
		ticks = append(ticks, tick{x(-v), c.tr.percent(v)}, tick{x(v), c.tr.percent(v)})
	}

	for _, v := range l.Villages {
		y = villageLabel(c, v.Label, v.N, y)
		if !v.Shown {
			y = tooFewBox(c, left, y, right-left) + rowGap
			continue
		}
		gridLines(c, ticks, y-2, y+barHeight+2)
		shares, d, n, a := v.parts()
		start := -(d + n/2)
		pos := start
		for i, s := range shares {
			c.rect(x(pos), y, x(pos+s)-x(pos), barHeight, likertColors[i])
			pos += s
		}
		c.rect(mid-1, y-3, 2, barHeight+6, colorAxis)
		base := baseline(y, barHeight, smallSize)
		c.textRight(c.tr.percent(d), x(start)-4, base, textStyle{smallSize, colorDisagreeText})
		c.text(c.tr.percent(a), x(start+d+n+a)+4, base, textStyle{smallSize, colorAgreeText})
		y += barHeight + rowGap
	}
	y -= rowGap - 4
	y = tickLabels(c, ticks, y)
	y = arrowCaptions(c, "Instämmer inte", colorDisagreeText, "Instämmer", colorAgreeText, pad, c.width-pad, y+2)
	return y + pad
}

// AltText describes the chart in Swedish, with each village's agree and
// disagree totals.
func (l Likert) AltText() string {
	var b strings.Builder
	t := l.Text
	b.WriteString(t.s("Liggande stapeldiagram"))
	writeTitle(&b, l.Title)
	b.WriteString(t.s("Andel per by som instämmer (4–5) och som inte instämmer (1–2)"))
	if len(l.Villages) == 0 {
		b.WriteString(t.s(": inga byar att visa."))
		return b.String()
	}
	b.WriteString(". ")
	for i, v := range l.Villages {
		writeVillage(&b, i, v.Label, v.N)
		if !v.Shown {
			b.WriteString(t.s(tooFew))
			continue
		}
		_, d, n, a := v.parts()
		b.WriteString(t.f("{{.Value}} instämmer, {{.Value}} instämmer inte, {{.Value}} varken eller", t.percent(a), t.percent(d), t.percent(n)))
	}
	b.WriteString(".")
	return b.String()
}

// writeTitle ends the chart's kind with the title, if any, and a stop;
// a title that ends in "?" or "!" is its own stop.
func writeTitle(b *strings.Builder, title string) {
	t := strings.TrimRight(clean(title), ".")
	if t != "" {
		b.WriteString(": " + t)
	}
	if strings.HasSuffix(t, "?") || strings.HasSuffix(t, "!") {
		b.WriteString(" ")
		return
	}
	b.WriteString(". ")
}

// writeVillage starts a village's part of an alt text: "; Ösby (n=12): ".
func writeVillage(b *strings.Builder, i int, label string, n int) {
	if i > 0 {
		b.WriteString("; ")
	}
	b.WriteString(villageName(label) + nSuffix(n) + ": ")
}
