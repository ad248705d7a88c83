package charts

import (
	"io"
	"math"
	"strings"
)

// CategoricalKind says what the shares of a Categorical chart are.
type CategoricalKind int

// The kinds of categorical chart.
const (
	// Single: each respondent chose one option; the shares sum to 1 and
	// each village is one 100 % stacked bar.
	Single CategoricalKind = iota
	// Multi: respondents chose any number of options; each share is of the
	// respondents who chose that option, they do not sum to 1, and each
	// village is a group of bars, one per option.
	Multi
	// RankFirst: the share of respondents who ranked each option first,
	// drawn like Single.
	RankFirst
)

// Categorical compares the answers to a single, multi or rank question
// village by village, with a legend of the options.
type Categorical struct {
	Title string // optional
	// Text translates the chart's texts; nil keeps the Swedish.
	Text     Text `json:"-"`
	Kind     CategoricalKind
	Options  []string
	Villages []CategoricalVillage
}

// CategoricalVillage is one village's row of a Categorical chart.
type CategoricalVillage struct {
	Label string
	N     int  // respondents who answered the question
	Shown bool // false below the minimum n: drawn as "för få svar"
	// Shares per option, in the order of the chart's Options. Missing
	// shares count as 0, extra ones are ignored.
	Shares []float64
}

// shares gives one share per option, safe to draw.
func (v CategoricalVillage) shares(k CategoricalKind, options int) []float64 {
	out := make([]float64, options)
	copy(out, v.Shares)
	if k == Multi {
		for i := range out {
			out[i] = share(out[i])
		}
		return out
	}
	return normalized(out)
}

// Render writes the chart to w.
func (ch Categorical) Render(w io.Writer, o Options) error {
	return render(w, o, ch.Text, ch.AltText(), ch.paint)
}

func (ch Categorical) paint(c *canvas) float64 {
	y, stop := optionHeader(c, ch.Title, len(ch.Villages), ch.Options)
	if stop {
		return y
	}
	switch ch.Kind {
	case Multi:
		y = note(c, c.tr.s("Andel som valt alternativet. Flera val var möjliga, så andelarna summerar inte till 100 %."), y)
		return ch.paintGroups(c, y)
	case RankFirst:
		y = note(c, c.tr.s("Andel som satte alternativet först."), y)
	}
	return ch.paintStacks(c, y)
}

// paintStacks draws one 100 % bar per village, its parts labelled with
// their percentages where they fit.
func (ch Categorical) paintStacks(c *canvas, y float64) float64 {
	left, right := pad, c.width-pad
	x := func(v float64) float64 { return left + v*(right-left) }
	for _, v := range ch.Villages {
		y = villageLabel(c, v.Label, v.N, y)
		if !v.Shown {
			y = tooFewBox(c, left, y, right-left) + rowGap
			continue
		}
		c.rect(left, y, right-left, barHeight, colorTrack)
		pos := 0.0
		for i, s := range v.shares(ch.Kind, len(ch.Options)) {
			x0, x1 := x(pos), x(pos+s)
			pos += s
			if x1-x0 < 0.5 {
				continue
			}
			fill := categoryColor(i)
			// A white hairline between parts keeps neighbours apart.
			c.rect(x0, y, math.Max(x1-x0-1, 0.5), barHeight, fill)
			if label := c.tr.percent(s); c.measure(label, smallSize)+6 <= x1-x0 {
				c.textCenter(label, (x0+x1)/2, baseline(y, barHeight, smallSize), textStyle{smallSize, inkOn(fill)})
			}
		}
		y += barHeight + rowGap
	}
	return y - rowGap + pad
}

// paintGroups draws, per village, one bar per option on a 0–100 % scale,
// each with its percentage at its end.
func (ch Categorical) paintGroups(c *canvas, y float64) float64 {
	left := pad
	right := c.width - pad - c.measure(c.tr.percent(1), smallSize) - 6
	x := func(v float64) float64 { return left + v*(right-left) }
	var ticks []tick
	for v := 0.0; v <= 1+1e-9; v += 0.25 {
		ticks = append(ticks, tick{x(v), c.tr.percent(v)})
	}
	for _, v := range ch.Villages {
		y = villageLabel(c, v.Label, v.N, y)
		if !v.Shown {
			y = tooFewBox(c, left, y, right-left) + rowGap
			continue
		}
		shares := v.shares(ch.Kind, len(ch.Options))
		height := float64(len(shares))*(subBar+subGap) - subGap
		gridLines(c, ticks, y-2, y+height+2)
		for i, s := range shares {
			c.rect(left, y, x(s)-left, subBar, categoryColor(i))
			c.text(c.tr.percent(s), x(s)+4, baseline(y, subBar, smallSize), smallStyle)
			y += subBar + subGap
		}
		y += rowGap - subGap
	}
	y -= rowGap - 4
	y = tickLabels(c, ticks, y)
	return y + pad
}

// AltText describes the chart in Swedish, with each village's shares.
func (ch Categorical) AltText() string {
	var b strings.Builder
	t := ch.Text
	switch ch.Kind {
	case Multi:
		b.WriteString(t.s("Grupperat stapeldiagram"))
		writeTitle(&b, ch.Title)
		b.WriteString(t.s("Andel per by som valt varje alternativ, flera val möjliga"))
	case RankFirst:
		b.WriteString(t.s("Liggande stapeldiagram"))
		writeTitle(&b, ch.Title)
		b.WriteString(t.s("Andel per by som satte varje alternativ först"))
	default:
		b.WriteString(t.s("Liggande stapeldiagram"))
		writeTitle(&b, ch.Title)
		b.WriteString(t.s("Svarsfördelning per by"))
	}
	if len(ch.Villages) == 0 || len(ch.Options) == 0 {
		b.WriteString(t.s(": inga byar att visa."))
		return b.String()
	}
	b.WriteString(". ")
	for i, v := range ch.Villages {
		writeVillage(&b, i, v.Label, v.N)
		if !v.Shown {
			b.WriteString(t.s(tooFew))
			continue
		}
		for j, s := range v.shares(ch.Kind, len(ch.Options)) {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(clean(ch.Options[j]) + " " + t.percent(s))
		}
	}
	b.WriteString(".")
	return b.String()
}
