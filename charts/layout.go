package charts

import (
	"math"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// The pieces every chart is built from, each drawn at the top y it is given
// and returning the y below it.

// header draws the title, on up to two lines.
func header(c *canvas, title string, y float64) float64 {
	lines := c.wrap(clean(title), titleSize, c.width-2*pad, 2)
	for _, line := range lines {
		c.text(line, pad, y+titleSize, titleStyle)
		y += titleLine
	}
	if len(lines) > 0 {
		y += 6
	}
	return y
}

// note draws a short explanation in muted text, on up to three lines.
func note(c *canvas, s string, y float64) float64 {
	for _, line := range c.wrap(s, smallSize, c.width-2*pad, 3) {
		c.text(line, pad, y+smallSize, mutedStyle)
		y += smallLine
	}
	return y + 6
}

// message draws the one line a chart without villages shows.
func message(c *canvas, s string, y float64) float64 {
	c.text(c.fit(s, labelSize, c.width-2*pad), pad, y+labelSize, textStyle{labelSize, colorMuted})
	return y + labelLine + pad
}

type legendItem struct {
	text   string
	fill   drawing.Color
	dashed bool // an outlined swatch, for "not answered"
}

// legend draws swatches with their texts, flowing onto as many lines as
// the width needs.
func legend(c *canvas, items []legendItem, y float64) float64 {
	const gap, after = 5.0, 14.0
	x, maxX := pad, c.width-pad
	for _, it := range items {
		text := c.fit(clean(it.text), smallSize, maxX-pad-swatchSize-gap)
		w := swatchSize + gap + c.measure(text, smallSize)
		if x > pad && x+w > maxX {
			x = pad
			y += smallLine + 4
		}
		top := y + (smallLine-swatchSize)/2
		if it.dashed {
			c.roundRect(x, top, swatchSize, swatchSize, 2, colorWhite, colorDash, true)
		} else {
			c.roundRect(x, top, swatchSize, swatchSize, 2, it.fill, drawing.Color{}, false)
		}
		c.text(text, x+swatchSize+gap, baseline(y, smallLine, smallSize), smallStyle)
		x += w + after
	}
	return y + smallLine + 10
}

// villageLabel draws "Name (n=34)" above a village's bars; the name is
// shortened if need be, never the n.
func villageLabel(c *canvas, label string, n int, y float64) float64 {
	suffix := nSuffix(n)
	name := c.fit(villageName(label), labelSize, c.width-2*pad-c.measure(suffix, labelSize))
	c.text(name+suffix, pad, y+labelSize, labelStyle)
	return y + labelLine + 2
}

// tooFewBox draws the box that stands in for the bars of a village below
// the minimum number of answers.
func tooFewBox(c *canvas, x, y, w float64) float64 {
	c.roundRect(x, y, w, barHeight, 3, colorNone, drawing.Color{}, false)
	c.textCenter(c.tr.s(tooFew), x+w/2, baseline(y, barHeight, smallSize), mutedStyle)
	return y + barHeight
}

// tick is a mark on a horizontal scale.
type tick struct {
	x     float64
	label string
}

// gridLines draws light vertical lines at the ticks from top to bottom.
func gridLines(c *canvas, ticks []tick, top, bottom float64) {
	for _, t := range ticks {
		c.rect(math.Round(t.x), top, 1, bottom-top, colorGrid)
	}
}

// tickLabels draws the ticks' labels centred under them, and returns the
// y below. Labels at the ends are kept inside the picture.
func tickLabels(c *canvas, ticks []tick, y float64) float64 {
	base := y + smallSize
	for _, t := range ticks {
		w := c.measure(t.label, smallSize)
		switch {
		case t.x-w/2 < pad/2:
			c.text(t.label, pad/2, base, mutedStyle)
		case t.x+w/2 > c.width-pad/2:
			c.textRight(t.label, c.width-pad/2, base, mutedStyle)
		default:
			c.textCenter(t.label, t.x, base, mutedStyle)
		}
	}
	return y + smallLine
}

// arrowCaptions draws a caption with an arrowhead pointing left at left and
// one pointing right at right, like "◀ Instämmer inte   Instämmer ▶".
func arrowCaptions(c *canvas, leftText string, leftColor drawing.Color, rightText string, rightColor drawing.Color, left, right, y float64) float64 {
	leftText, rightText = c.tr.s(leftText), c.tr.s(rightText)
	const head, gap = 6.0, 4.0
	mid := y + smallLine/2
	base := baseline(y, smallLine, smallSize)
	room := (right-left)/2 - head - gap - 6
	leftText, rightText = c.fit(leftText, smallSize, room), c.fit(rightText, smallSize, room)

	c.triangle(left, mid, left+head, mid-head*0.7, left+head, mid+head*0.7, leftColor)
	c.text(leftText, left+head+gap, base, textStyle{smallSize, leftColor})

	c.triangle(right, mid, right-head, mid-head*0.7, right-head, mid+head*0.7, rightColor)
	c.textRight(rightText, right-head-gap, base, textStyle{smallSize, rightColor})
	return y + smallLine
}
