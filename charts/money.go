package charts

import (
	"io"
	"strings"

	"github.com/forankra/forankra/survey"
)

// Money shows how a fund's money went: for each row (a village, a focus
// area) a bar as long as what was granted, and inside it what was paid.
type Money struct {
	Title string // optional
	// Text translates the chart's texts; nil keeps the Swedish.
	Text Text `json:"-"`
	Rows []MoneyRow
}

// MoneyRow is one bar: its label, the kronor granted and paid.
type MoneyRow struct {
	Label      string
	GrantedSEK int64
	PaidSEK    int64
}

// Render writes the chart to w.
func (m Money) Render(w io.Writer, o Options) error {
	return render(w, o, m.Text, m.AltText(), m.paint)
}

func (m Money) top() int64 {
	var top int64 = 1 // never an empty range
	for _, r := range m.Rows {
		top = max(top, r.GrantedSEK, r.PaidSEK)
	}
	return top
}

func (m Money) paint(c *canvas) float64 {
	y := header(c, m.Title, pad)
	if len(m.Rows) == 0 {
		return message(c, c.tr.s("Inget beviljat än."), y)
	}
	granted, paid := categoryColors[4], categoryColors[0]
	y = legend(c, []legendItem{{text: c.tr.s("Beviljat"), fill: granted}, {text: c.tr.s("Utbetalt"), fill: paid}}, y) + 2
	left, right := pad, c.width-pad
	top := float64(m.top())
	for _, r := range m.Rows {
		c.text(c.fit(villageName(r.Label), labelSize, right-left), pad, y+labelSize, labelStyle)
		y += labelLine + 2
		c.rect(left, y, right-left, barHeight, colorTrack)
		gw := float64(r.GrantedSEK) / top * (right - left)
		c.rect(left, y, gw, barHeight, granted)
		c.rect(left, y, float64(r.PaidSEK)/top*(right-left), barHeight, paid)
		label := survey.Kronor(r.GrantedSEK)
		ink, x := colorInk, left+gw+6
		if c.measure(label, smallSize)+12 > right-left-gw {
			ink, x = inkOn(paid), left+6
			if r.PaidSEK == 0 {
				ink = inkOn(granted)
			}
		}
		c.text(label, x, baseline(y, barHeight, smallSize), textStyle{smallSize, ink})
		y += barHeight + rowGap
	}
	return y + pad - rowGap
}

// AltText describes the chart in Swedish: each row with what was granted
// and paid.
func (m Money) AltText() string {
	var b strings.Builder
	t := m.Text
	b.WriteString(t.s("Beviljade och utbetalda pengar"))
	writeTitle(&b, m.Title)
	if len(m.Rows) == 0 {
		b.WriteString(t.s("Inget beviljat än."))
		return b.String()
	}
	for i, r := range m.Rows {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(clean(r.Label) + ": " + t.f("{{.Value}} beviljat, {{.Value}} utbetalt", survey.Kronor(r.GrantedSEK), survey.Kronor(r.PaidSEK)))
	}
	b.WriteString(".")
	return b.String()
}

var _ Chart = Money{}
