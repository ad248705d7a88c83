package charts

import (
	"io"
	"math"
	"strconv"
	"strings"
)

// Rank compares the mean rank of each option village by village (1 = the
// best place): per village, one line per option with a dot at its mean
// rank, on a scale from 1 at the left to the number of options at the
// right.
type Rank struct {
	Title string // optional
	// Text translates the chart's texts; nil keeps the Swedish.
	Text     Text `json:"-"`
	Options  []string
	Villages []RankVillage
}

// RankVillage is one village's row of a Rank chart.
type RankVillage struct {
	Label string
	N     int  // respondents who answered the question
	Shown bool // false below the minimum n: drawn as "för få svar"
	// MeanRanks per option, in the order of the chart's Options. A value
	// below 1 or not a number means no mean rank (nobody ranked it) and is
	// drawn as a dash; missing values count so too.
	MeanRanks []float64
}

// meanRank gives option i's mean rank within [1, places], or false.
func (v RankVillage) meanRank(i int, places int) (float64, bool) {
	if i >= len(v.MeanRanks) || !(v.MeanRanks[i] >= 1) {
		return 0, false
	}
	return math.Min(v.MeanRanks[i], float64(places)), true
}

// places is the number of places on the scale: at least two.
func (r Rank) places() int { return max(len(r.Options), 2) }

// Render writes the chart to w.
func (r Rank) Render(w io.Writer, o Options) error {
	return render(w, o, r.Text, r.AltText(), r.paint)
}

func (r Rank) paint(c *canvas) float64 {
	y, stop := optionHeader(c, r.Title, len(r.Villages), r.Options)
	if stop {
		return y
	}
	y = note(c, c.tr.s("Medelplacering per alternativ: 1 är bäst."), y)

	const dot = 5.0
	places := r.places()
	left := pad + dot
	right := c.width - pad - c.measure("10,0", smallSize) - 10
	x := func(v float64) float64 { return left + (v-1)/float64(places-1)*(right-left) }
	every := int(math.Ceil(float64(places) / math.Max(1, math.Floor((right-left)/28))))
	var ticks []tick
	for p := 1; p <= places; p += every {
		ticks = append(ticks, tick{x(float64(p)), strconv.Itoa(p)})
	}

	for _, v := range r.Villages {
		y = villageLabel(c, v.Label, v.N, y)
		if !v.Shown {
			y = tooFewBox(c, pad, y, c.width-2*pad) + rowGap
			continue
		}
		height := float64(len(r.Options))*(subBar+subGap) - subGap
		gridLines(c, ticks, y-2, y+height+2)
		for i := range r.Options {
			mid := y + subBar/2
			base := baseline(y, subBar, smallSize)
			if m, ok := v.meanRank(i, places); ok {
				// A stem from place 1 shows the distance from the top.
				c.rect(left, mid-1, x(m)-left, 2, categoryColor(i))
				c.circle(x(m), mid, dot, categoryColor(i))
				c.text(c.tr.decimal(m), right+10, base, smallStyle)
			} else {
				c.text("–", right+10, base, mutedStyle)
			}
			y += subBar + subGap
		}
		y += rowGap - subGap
	}
	y -= rowGap - 4
	y = tickLabels(c, ticks, y)
	y = arrowCaptions(c, "Bättre", colorInk, "Sämre", colorInk, pad, right, y+2)
	return y + pad
}

// AltText describes the chart in Swedish, with each village's mean ranks.
func (r Rank) AltText() string {
	var b strings.Builder
	t := r.Text
	b.WriteString(t.s("Punktdiagram"))
	writeTitle(&b, r.Title)
	b.WriteString(t.s("Medelplacering per by och alternativ, 1 är bäst"))
	if len(r.Villages) == 0 || len(r.Options) == 0 {
		b.WriteString(t.s(": inga byar att visa."))
		return b.String()
	}
	b.WriteString(". ")
	for i, v := range r.Villages {
		writeVillage(&b, i, v.Label, v.N)
		if !v.Shown {
			b.WriteString(t.s(tooFew))
			continue
		}
		for j, opt := range r.Options {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(clean(opt) + " ")
			if m, ok := v.meanRank(j, r.places()); ok {
				b.WriteString(t.decimal(m))
			} else {
				b.WriteString(t.s("ej rangordnad"))
			}
		}
	}
	b.WriteString(".")
	return b.String()
}

// optionHeader draws a chart's title and its legend of options. With no
// village or no option it draws a message instead and stop is true.
func optionHeader(c *canvas, title string, villages int, options []string) (y float64, stop bool) {
	y = header(c, title, pad)
	switch {
	case villages == 0:
		return message(c, c.tr.s(noVillage), y), true
	case len(options) == 0:
		return message(c, c.tr.s("Inga svarsalternativ att visa."), y), true
	}
	items := make([]legendItem, len(options))
	for i, s := range options {
		items[i] = legendItem{text: s, fill: categoryColor(i)}
	}
	return legend(c, items, y), false
}
