package charts

import (
	"math"
	"strconv"
	"strings"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// Colours. Every text colour keeps a WCAG AA contrast (4.5:1) against the
// white background or the fill it is written on; the tests check it.
var (
	colorWhite = drawing.ColorFromHex("ffffff")
	colorInk   = drawing.ColorFromHex("1f1f1f") // titles and labels
	colorBlack = drawing.ColorFromHex("000000") // text on light fills
	colorMuted = drawing.ColorFromHex("595959") // notes, ticks, "för få svar"
	colorGrid  = drawing.ColorFromHex("e4e4e4")
	colorTrack = drawing.ColorFromHex("efefef") // the empty part of a scale
	colorAxis  = drawing.ColorFromHex("6b6b6b") // centre line, 4.5:1 as a graphic
	colorNone  = drawing.ColorFromHex("f2f2f2") // the box of a row without bars
	colorDash  = drawing.ColorFromHex("8a8a8a")
)

// likertColors is ColorBrewer's brown–blue-green (BrBG) diverging scheme,
// which colour-blind readers tell apart, with a plain grey in the middle:
// 1 and 2 dark and light brown, 3 grey, 4 and 5 light and dark teal.
var likertColors = [5]drawing.Color{
	drawing.ColorFromHex("a6611a"),
	drawing.ColorFromHex("dfc27d"),
	drawing.ColorFromHex("c4c4c4"),
	drawing.ColorFromHex("80cdc1"),
	drawing.ColorFromHex("018571"),
}

// Text colours of the disagree and agree totals: darker shades of the two
// hues, readable on white.
var (
	colorDisagreeText = drawing.ColorFromHex("8c510a")
	colorAgreeText    = drawing.ColorFromHex("01665e")
)

// categoryColors is the Okabe–Ito palette, made to be told apart with every
// common kind of colour blindness; yellow, the faintest on white, comes
// last. Past eight options the colours repeat, in the legend's order.
var categoryColors = []drawing.Color{
	drawing.ColorFromHex("0072b2"), // blue
	drawing.ColorFromHex("e69f00"), // orange
	drawing.ColorFromHex("009e73"), // bluish green
	drawing.ColorFromHex("cc79a7"), // reddish purple
	drawing.ColorFromHex("56b4e9"), // sky blue
	drawing.ColorFromHex("d55e00"), // vermillion
	drawing.ColorFromHex("000000"), // black
	drawing.ColorFromHex("f0e442"), // yellow
}

func categoryColor(i int) drawing.Color { return categoryColors[i%len(categoryColors)] }

// Text sizes and spacing, in CSS pixels.
const (
	pad        = 12.0 // outer margin
	titleSize  = 16.0
	titleLine  = 21.0
	labelSize  = 14.0
	labelLine  = 19.0 // a village label above its bar(s)
	smallSize  = 14.0
	smallLine  = 18.0
	barHeight  = 18.0
	subBar     = 12.0 // one bar in a group of bars
	subGap     = 3.0
	rowGap     = 12.0
	swatchSize = 12.0
)

var (
	titleStyle = textStyle{titleSize, colorInk}
	labelStyle = textStyle{labelSize, colorInk}
	smallStyle = textStyle{smallSize, colorInk}
	mutedStyle = textStyle{smallSize, colorMuted}
)

// Text gives a chart's texts in the reader's language: it maps each
// Swedish text (and each pattern with {{.Value}} slots, such as
// "{{.Value}} av {{.Value}}") to its translation. Nil keeps the Swedish.
// The texts are those of the caller's message catalog; charts only asks.
type Text func(sv string) string

// slot is where a value goes in a pattern.
const slot = "{{.Value}}"

// s is sv in the reader's language.
func (t Text) s(sv string) string {
	if t == nil {
		return sv
	}
	return t(sv)
}

// f fills the pattern's slots, in order, after translating it.
func (t Text) f(pattern string, values ...string) string {
	out := t.s(pattern)
	for _, v := range values {
		out = strings.Replace(out, slot, v, 1)
	}
	return out
}

// n is the pattern for n of one or many ("{{.Value}} by", "{{.Value}}
// byar"), filled with n.
func (t Text) n(n int, one, many string) string {
	if n == 1 {
		return t.f(one, strconv.Itoa(n))
	}
	return t.f(many, strconv.Itoa(n))
}

// Swedish texts shared by the charts.
const (
	tooFew    = "för få svar"
	noVillage = "Inga byar att visa."
)

// luminance is the WCAG relative luminance of c.
func luminance(c drawing.Color) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is the WCAG contrast ratio of two colours, from 1 to 21.
func contrast(a, b drawing.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// inkOn picks white or black text, whichever reads better on fill. (Black,
// not the softer ink: on vermillion only black reaches 4.5:1.)
func inkOn(fill drawing.Color) drawing.Color {
	if contrast(colorWhite, fill) >= contrast(colorBlack, fill) {
		return colorWhite
	}
	return colorBlack
}

// share makes a share safe to draw: a number in [0, 1].
func share(v float64) float64 {
	if !(v > 0) { // also NaN
		return 0
	}
	return math.Min(v, 1)
}

// normalized returns shares that are safe to draw and sum to 1, or all zero
// when there is nothing to draw; shares that sum to a little more or less
// than 1 through rounding are scaled to 1.
func normalized(shares []float64) []float64 {
	out := make([]float64, len(shares))
	sum := 0.0
	for i, v := range shares {
		if v > 0 && !math.IsInf(v, 1) {
			out[i] = v
			sum += v
		}
	}
	if sum == 0 {
		return out
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// percent writes a share the Swedish way: "45 %", with a no-break space.
func percent(v float64) string {
	return strconv.Itoa(int(math.Round(share(v)*100))) + "\u00a0%"
}

// decimal writes v with one decimal and a decimal comma: "1,8".
func decimal(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1)
}

// percent writes a share in the reader's language: the pattern
// "{{.Value}} %" (no-break space) is the catalog's, "45%" in English.
func (t Text) percent(v float64) string {
	if t == nil {
		return percent(v)
	}
	return t.f("{{.Value}}\u00a0%", strconv.Itoa(int(math.Round(share(v)*100))))
}

// decimal writes v with one decimal in the reader's language: the pattern
// "{{.Value}},{{.Value}}" is the catalog's, "1.8" in English.
func (t Text) decimal(v float64) string {
	if t == nil {
		return decimal(v)
	}
	whole, frac, _ := strings.Cut(strconv.FormatFloat(v, 'f', 1, 64), ".")
	return t.f("{{.Value}},{{.Value}}", whole, frac)
}

// villageName is a village's label as drawn, or a dash if it has none.
func villageName(label string) string {
	if s := clean(label); s != "" {
		return s
	}
	return "–"
}

// nSuffix is the " (n=34)" after a village's name.
func nSuffix(n int) string {
	return " (n=" + strconv.Itoa(max(n, 0)) + ")"
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
