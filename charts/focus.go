package charts

import (
	"io"
	"strconv"
	"strings"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// FocusKind is how the villages' plans treat a focus area.
type FocusKind int

// The kinds, in the order the legend shows them.
const (
	FocusSome              FocusKind = iota // några byar
	FocusCommon                             // gemensamt, likartat rangordnat
	FocusRankedDifferently                  // gemensamt, olika rangordnat
	FocusUnique                             // bara en by
)

func (k FocusKind) String() string {
	switch k {
	case FocusCommon:
		return "gemensamt, lika viktigt"
	case FocusRankedDifferently:
		return "gemensamt, olika viktigt"
	case FocusUnique:
		return "bara en by"
	}
	return "några byar"
}

func (k FocusKind) color() drawing.Color {
	switch k {
	case FocusCommon:
		return categoryColors[2] // bluish green
	case FocusRankedDifferently:
		return categoryColors[1] // orange
	case FocusUnique:
		return categoryColors[3] // reddish purple
	}
	return categoryColors[4] // sky blue
}

// ParseFocusKind reads the kind's code of the API (common, ranked_differently,
// unique, some).
func ParseFocusKind(code string) FocusKind {
	switch code {
	case "common":
		return FocusCommon
	case "ranked_differently":
		return FocusRankedDifferently
	case "unique":
		return FocusUnique
	}
	return FocusSome
}

// FocusAreas shows the focus areas of the villages' plans: for each area a
// bar as long as the number of villages whose plan names it, coloured by
// its kind.
type FocusAreas struct {
	Title string // optional
	// Text translates the chart's texts; nil keeps the Swedish.
	Text Text `json:"-"`
	// Plans is the number of villages with a plan.
	Plans int
	Areas []FocusArea
}

// FocusArea is one row: the area's name, how many plans name it, its kind.
type FocusArea struct {
	Label    string
	Villages int
	Kind     FocusKind
}

// Render writes the chart to w.
func (f FocusAreas) Render(w io.Writer, o Options) error {
	return render(w, o, f.Text, f.AltText(), f.paint)
}

func (f FocusAreas) paint(c *canvas) float64 {
	y := header(c, f.Title, pad)
	if len(f.Areas) == 0 || f.Plans == 0 {
		return message(c, c.tr.s("Inga inlämnade planer att jämföra."), y)
	}
	items := []legendItem{}
	for _, k := range []FocusKind{FocusCommon, FocusRankedDifferently, FocusSome, FocusUnique} {
		items = append(items, legendItem{text: capitalize(c.tr.s(k.String())), fill: k.color()})
	}
	y = legend(c, items, y) + 2
	left, right := pad, c.width-pad
	for _, a := range f.Areas {
		c.text(c.fit(villageName(a.Label), labelSize, right-left), pad, y+labelSize, labelStyle)
		y += labelLine + 2
		w := float64(a.Villages) / float64(f.Plans) * (right - left)
		c.rect(left, y, right-left, barHeight, colorTrack)
		c.rect(left, y, w, barHeight, a.Kind.color())
		label := c.tr.f("{{.Value}} av {{.Value}}", strconv.Itoa(a.Villages), strconv.Itoa(f.Plans))
		ink := inkOn(a.Kind.color())
		x := left + 6
		if c.measure(label, smallSize)+12 > w {
			ink, x = colorInk, left+w+6
		}
		c.text(label, x, baseline(y, barHeight, smallSize), textStyle{smallSize, ink})
		y += barHeight + rowGap
	}
	return y + pad - rowGap
}

// AltText describes the chart in Swedish: each area with its count and kind.
func (f FocusAreas) AltText() string {
	var b strings.Builder
	t := f.Text
	b.WriteString(t.s("Fokusområden i byarnas planer"))
	writeTitle(&b, f.Title)
	if len(f.Areas) == 0 || f.Plans == 0 {
		b.WriteString(t.s("Inga inlämnade planer att jämföra."))
		return b.String()
	}
	b.WriteString(t.n(f.Plans, "{{.Value}} plan", "{{.Value}} planer") + ". ")
	for i, a := range f.Areas {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(clean(a.Label) + ": " + t.f("{{.Value}} av {{.Value}}", strconv.Itoa(a.Villages), strconv.Itoa(f.Plans)) + ", " + t.s(a.Kind.String()))
	}
	b.WriteString(".")
	return b.String()
}

var _ Chart = FocusAreas{}
