package charts

import (
	"io"
	"strconv"
	"strings"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// Stance is a consulted village's answer to a remiss.
type Stance int

// The stances. The zero value is a village that has not answered.
const (
	StanceNone               Stance = iota // ej svarat
	StanceSupport                          // tillstyrker
	StanceSupportWithChanges               // tillstyrker med ändringar
	StanceNoOpinion                        // inget att invända
	StanceOppose                           // avstyrker
)

// stances lists the stances in the order they are summed up: from support
// to opposition, then no answer.
var stances = []Stance{StanceSupport, StanceSupportWithChanges, StanceNoOpinion, StanceOppose, StanceNone}

// String gives the stance in Swedish, as written in a remiss answer.
func (s Stance) String() string {
	switch s {
	case StanceSupport:
		return "tillstyrker"
	case StanceSupportWithChanges:
		return "tillstyrker med ändringar"
	case StanceNoOpinion:
		return "inget att invända"
	case StanceOppose:
		return "avstyrker"
	}
	return "ej svarat"
}

// ParseStance reads a stance's API code: "support",
// "support_with_changes", "no_opinion" or "oppose"; anything else, such as
// "", is StanceNone.
func ParseStance(code string) Stance {
	switch code {
	case "support":
		return StanceSupport
	case "support_with_changes":
		return StanceSupportWithChanges
	case "no_opinion":
		return StanceNoOpinion
	case "oppose":
		return StanceOppose
	}
	return StanceNone
}

// known maps a stance outside the constants to StanceNone.
func (s Stance) known() Stance {
	if s < StanceNone || s > StanceOppose {
		return StanceNone
	}
	return s
}

// color is the stance's fill: the likert chart's teal for support, brown
// for opposition, grey for no opinion; no answer is drawn outlined.
func (s Stance) color() drawing.Color {
	switch s {
	case StanceSupport:
		return likertColors[4]
	case StanceSupportWithChanges:
		return likertColors[3]
	case StanceNoOpinion:
		return likertColors[2]
	case StanceOppose:
		return likertColors[0]
	}
	return colorWhite
}

// Remiss shows the answers of the villages consulted in one remiss round:
// a bar of how many villages took each stance, then each village as a row
// with its stance written out in a coloured label, in the given order.
type Remiss struct {
	Title string // optional
	// Text translates the chart's texts; nil keeps the Swedish.
	Text     Text `json:"-"`
	Villages []RemissVillage
}

// RemissVillage is one consulted village and its stance.
type RemissVillage struct {
	Label  string
	Stance Stance
}

// counts gives the number of villages per stance.
func (r Remiss) counts() map[Stance]int {
	n := map[Stance]int{}
	for _, v := range r.Villages {
		n[v.Stance.known()]++
	}
	return n
}

// Render writes the chart to w.
func (r Remiss) Render(w io.Writer, o Options) error {
	return render(w, o, r.Text, r.AltText(), r.paint)
}

func (r Remiss) paint(c *canvas) float64 {
	y := header(c, r.Title, pad)
	if len(r.Villages) == 0 {
		return message(c, c.tr.s("Inga byar tillfrågade."), y)
	}
	counts := r.counts()
	total := len(r.Villages)
	y = note(c, c.tr.n(total, "{{.Value}} by tillfrågad", "{{.Value}} byar tillfrågade")+", "+
		c.tr.f("{{.Value}} har svarat.", strconv.Itoa(total-counts[StanceNone])), y)

	// The summary bar: one part per stance, as wide as its count.
	left, right := pad, c.width-pad
	x := left
	for _, s := range stances {
		n := counts[s]
		if n == 0 {
			continue
		}
		w := float64(n) / float64(total) * (right - left)
		if s == StanceNone {
			c.roundRect(x, y, w-1, barHeight+4, 0, colorWhite, colorDash, true)
		} else {
			c.rect(x, y, w-1, barHeight+4, s.color())
		}
		if label := strconv.Itoa(n); c.measure(label, labelSize)+6 <= w {
			ink := inkOn(s.color())
			if s == StanceNone {
				ink = colorMuted
			}
			c.textCenter(label, x+w/2, baseline(y, barHeight+4, labelSize), textStyle{labelSize, ink})
		}
		x += w
	}
	y += barHeight + 4 + 8
	items := make([]legendItem, len(stances))
	for i, s := range stances {
		items[i] = legendItem{text: capitalize(c.tr.s(s.String())) + " (" + strconv.Itoa(counts[s]) + ")", fill: s.color(), dashed: s == StanceNone}
	}
	y = legend(c, items, y) + 2

	// The rows: the name, then the stance in a label of one width for all.
	// When a name or the stance labels do not fit side by side (a phone's
	// width), every row puts its stance under its name instead of cutting
	// either short.
	pillW := 0.0
	for _, s := range stances {
		pillW = max(pillW, c.measure(c.tr.s(s.String()), smallSize))
	}
	pillW = min(pillW+16, c.width-2*pad)
	pillX := c.width - pad - pillW
	stacked := pillW > (c.width-2*pad)*0.55
	for _, v := range r.Villages {
		stacked = stacked || c.measure(villageName(v.Label), labelSize) > pillX-pad-8
	}
	rowH, pillDY := 28.0, 4.0
	if stacked {
		pillX = pad
		rowH, pillDY = 6+labelLine+22+6, 6+labelLine
	}
	for _, v := range r.Villages {
		c.rect(pad, y, c.width-2*pad, 1, colorGrid)
		if stacked {
			name := c.fit(villageName(v.Label), labelSize, c.width-2*pad)
			c.text(name, pad, baseline(y+6, labelLine, labelSize), labelStyle)
		} else {
			name := c.fit(villageName(v.Label), labelSize, pillX-pad-8)
			c.text(name, pad, baseline(y, rowH, labelSize), labelStyle)
		}
		s := v.Stance.known()
		top := y + pillDY
		ink := inkOn(s.color())
		if s == StanceNone {
			c.roundRect(pillX, top, pillW, 20, 10, colorWhite, colorDash, true)
			ink = colorMuted
		} else {
			c.roundRect(pillX, top, pillW, 20, 10, s.color(), drawing.Color{}, false)
		}
		c.textCenter(c.fit(c.tr.s(s.String()), smallSize, pillW-8), pillX+pillW/2, baseline(top, 20, smallSize), textStyle{smallSize, ink})
		y += rowH
	}
	c.rect(pad, y, c.width-2*pad, 1, colorGrid)
	return y + pad
}

// AltText describes the chart in Swedish: the count per stance, then each
// village's stance.
func (r Remiss) AltText() string {
	var b strings.Builder
	t := r.Text
	b.WriteString(t.s("Remissvar per by"))
	writeTitle(&b, r.Title)
	if len(r.Villages) == 0 {
		b.WriteString(t.s("Inga byar tillfrågade."))
		return b.String()
	}
	counts := r.counts()
	b.WriteString(t.n(len(r.Villages), "{{.Value}} by tillfrågad", "{{.Value}} byar tillfrågade") + ": ")
	first := true
	for _, s := range stances {
		if counts[s] == 0 {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.WriteString(strconv.Itoa(counts[s]) + " " + t.s(s.String()))
	}
	b.WriteString(". ")
	for i, v := range r.Villages {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(villageName(v.Label) + ": " + t.s(v.Stance.known().String()))
	}
	b.WriteString(".")
	return b.String()
}
