package charts

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"unicode"

	"github.com/golang/freetype/truetype"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
	"github.com/wcharczuk/go-chart/v2/roboto"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// robotoFont parses go-chart's embedded Roboto once. (chart.GetDefaultFont
// reads its cache outside its lock, which races on a first concurrent use.)
var robotoFont = sync.OnceValues(func() (*truetype.Font, error) {
	return truetype.Parse(roboto.Roboto)
})

// canvas is the drawing surface of one chart, in CSS pixels. Its renderer is
// nil during the first, measuring pass of render: then the drawing methods
// do nothing and only the layout (and so the height) is worked out.
type canvas struct {
	width float64
	r     chart.Renderer
	svg   bool
	scale float64
	font  *truetype.Font
	faces map[float64]font.Face
	// tr gives the drawn texts in the reader's language.
	tr Text
}

// render draws a chart: paint lays it out top down and returns the height it
// used. It runs twice, first to measure, then on the real renderer.
func render(w io.Writer, o Options, tr Text, alt string, paint func(c *canvas) float64) (err error) {
	defer func() {
		// A bug in the layout must cost one picture, not the server.
		if p := recover(); p != nil {
			err = fmt.Errorf("charts: drawing failed: %v", p)
		}
	}()
	if o.Format != PNG && o.Format != SVG {
		return fmt.Errorf("%w: %d", ErrFormat, int(o.Format))
	}
	f, err := robotoFont()
	if err != nil {
		return fmt.Errorf("charts: font: %w", err)
	}
	c := &canvas{width: o.width(), scale: o.scale(), svg: o.Format == SVG, font: f, faces: map[float64]font.Face{}, tr: tr}
	height := math.Ceil(paint(c))

	pw, ph := c.px(c.width), c.px(height)
	if !c.svg && pw*ph > MaxPixels {
		return fmt.Errorf("%w: %d×%d pixels", ErrTooLarge, pw, ph)
	}
	provider := chart.PNG
	if c.svg {
		provider = chart.SVG
	}
	if c.r, err = provider(pw, ph); err != nil {
		return fmt.Errorf("charts: renderer: %w", err)
	}
	// go-chart's raster context scales glyphs by size·DPI/64, its SVG by
	// size·DPI/72; these DPIs make a font size mean CSS pixels in both.
	if c.svg {
		c.r.SetDPI(72)
	} else {
		c.r.SetDPI(64 * c.scale)
	}
	c.rect(0, 0, c.width, height, colorWhite)
	paint(c)

	if !c.svg {
		return c.r.Save(w)
	}
	var buf bytes.Buffer
	if err := c.r.Save(&buf); err != nil {
		return err
	}
	_, err = w.Write(finishSVG(buf.Bytes(), pw, ph, alt))
	return err
}

// svgFontFamily is what go-chart names the font in SVG text: a face that
// browsers do not know by that name.
const svgFontFamily = "font-family:'Roboto Medium',sans-serif"

// svgFonts asks for Roboto (on every Android phone), then faces of about
// its width.
const svgFonts = "font-family:Roboto,'Helvetica Neue',Arial,sans-serif;font-weight:500"

// svgSlack widens measured text in SVG, where the browser draws the text
// in whatever font it has: room for a face up to a tenth wider than Roboto.
const svgSlack = 1.1

// finishSVG gives go-chart's SVG a size, so that an img without width and
// height attributes shows it at its natural size; names it for screen
// readers with role, aria-label and title; and names fonts a browser has.
func finishSVG(doc []byte, width, height int, alt string) []byte {
	doc = anchorText(bytes.ReplaceAll(doc, []byte(svgFontFamily), []byte(svgFonts)))
	const open = "<svg "
	end := bytes.IndexByte(doc, '>')
	if !bytes.HasPrefix(doc, []byte(open)) || end < 0 {
		return doc
	}
	label := xmlEscape(alt)
	var out bytes.Buffer
	out.Grow(len(doc) + 2*len(label) + 100)
	fmt.Fprintf(&out, `<svg width="%d" height="%d" role="img" aria-label="%s" `, width, height, label)
	out.Write(doc[len(open) : end+1])
	fmt.Fprintf(&out, "<title>%s</title>", label)
	out.Write(doc[end+1:])
	return out.Bytes()
}

// anchorText turns the marks of textRight and textCenter into text-anchor
// attributes of the text elements they start.
func anchorText(doc []byte) []byte {
	open := []byte("<text ")
	var out bytes.Buffer
	out.Grow(len(doc) + 1024)
	for {
		i := bytes.Index(doc, open)
		if i < 0 {
			break
		}
		j := bytes.IndexByte(doc[i:], '>')
		if j < 0 {
			break
		}
		end := i + j
		body, anchor := doc[end+1:], ""
		switch {
		case bytes.HasPrefix(body, []byte(markEnd)):
			anchor, body = "end", body[len(markEnd):]
		case bytes.HasPrefix(body, []byte(markMiddle)):
			anchor, body = "middle", body[len(markMiddle):]
		}
		if anchor == "" {
			out.Write(doc[:end+1])
		} else {
			out.Write(doc[:i+len(open)])
			out.WriteString(`text-anchor="` + anchor + `" `)
			out.Write(doc[i+len(open) : end+1])
		}
		doc = body
	}
	out.Write(doc)
	return out.Bytes()
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // writes to a strings.Builder never fail
	return b.String()
}

// px converts CSS pixels to device pixels.
func (c *canvas) px(v float64) int {
	return int(math.Round(v * c.scale))
}

func (c *canvas) face(size float64) font.Face {
	f, ok := c.faces[size]
	if !ok {
		f = truetype.NewFace(c.font, &truetype.Options{Size: size, DPI: 72, Hinting: font.HintingNone})
		c.faces[size] = f
	}
	return f
}

// measure gives the advance width of s in CSS pixels, with room for
// another font in SVG.
func (c *canvas) measure(s string, size float64) float64 {
	w := fixedToFloat(font.MeasureString(c.face(size), s))
	if c.svg {
		w *= svgSlack
	}
	return w
}

func fixedToFloat(v fixed.Int26_6) float64 { return float64(v) / 64 }

// fit shortens s with an ellipsis until it is at most max pixels wide.
func (c *canvas) fit(s string, size, max float64) string {
	if c.measure(s, size) <= max {
		return s
	}
	runes := []rune(s)
	// The longest prefix that fits with the ellipsis, by bisection.
	lo, hi := 0, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if c.measure(strings.TrimRightFunc(string(runes[:mid]), unicode.IsSpace)+"…", size) <= max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		if c.measure("…", size) <= max {
			return "…"
		}
		return ""
	}
	return strings.TrimRightFunc(string(runes[:lo]), unicode.IsSpace) + "…"
}

// wrap breaks s into at most maxLines lines of at most max pixels, the last
// one shortened with an ellipsis if the text does not fit.
func (c *canvas) wrap(s string, size, max float64, maxLines int) []string {
	words := strings.Fields(s)
	var lines []string
	line := ""
	for i, w := range words {
		switch {
		case line == "":
			line = w
		case c.measure(line+" "+w, size) <= max:
			line += " " + w
		default:
			if len(lines) == maxLines-1 {
				return append(lines, c.fit(strings.Join(append([]string{line}, words[i:]...), " "), size, max))
			}
			lines = append(lines, c.fit(line, size, max))
			line = w
		}
	}
	if line != "" {
		lines = append(lines, c.fit(line, size, max))
	}
	return lines
}

type textStyle struct {
	size  float64
	color drawing.Color
}

// text draws s with its left end at x and its baseline at y.
func (c *canvas) text(s string, x, y float64, st textStyle) {
	if c.r == nil || s == "" {
		return
	}
	c.r.ResetStyle()
	c.r.SetFont(c.font)
	c.r.SetFontSize(st.size)
	c.r.SetFontColor(st.color)
	if c.svg {
		// go-chart writes SVG text as it is: "&" or "<" in a name would
		// break the document.
		s = xmlEscape(s)
	}
	c.r.Text(s, c.px(x), c.px(y))
}

// In SVG the browser draws text in a font of its own, whose width only it
// knows, so right-aligned and centred text is anchored by the browser:
// these marks, which clean removes from any label, ask finishSVG to add a
// text-anchor to the element they start.
const (
	markEnd    = "\ue000"
	markMiddle = "\ue001"
)

// textRight draws s with its right end at x.
func (c *canvas) textRight(s string, x, y float64, st textStyle) {
	if c.svg && s != "" {
		c.text(markEnd+s, x, y, st)
		return
	}
	c.text(s, x-c.measure(s, st.size), y, st)
}

// textCenter draws s centred on x.
func (c *canvas) textCenter(s string, x, y float64, st textStyle) {
	if c.svg && s != "" {
		c.text(markMiddle+s, x, y, st)
		return
	}
	c.text(s, x-c.measure(s, st.size)/2, y, st)
}

// baseline gives the baseline that centres text of the given size
// vertically in a box from top to top+height.
func baseline(top, height, size float64) float64 {
	return top + height/2 + 0.36*size
}

// rect fills a rectangle. Edges are rounded to device pixels one by one, so
// that adjacent rectangles meet without a gap.
func (c *canvas) rect(x, y, w, h float64, fill drawing.Color) {
	if c.r == nil || !(w > 0) || !(h > 0) {
		return
	}
	x0, y0, x1, y1 := c.px(x), c.px(y), c.px(x+w), c.px(y+h)
	if x1 <= x0 || y1 <= y0 {
		return
	}
	c.r.ResetStyle()
	c.r.SetFillColor(fill)
	c.r.MoveTo(x0, y0)
	c.r.LineTo(x1, y0)
	c.r.LineTo(x1, y1)
	c.r.LineTo(x0, y1)
	c.r.Close()
	c.r.Fill()
}

// roundRect fills a rectangle with rounded corners, and strokes it if
// stroke is not the zero colour (dashed if dashed is set).
func (c *canvas) roundRect(x, y, w, h, radius float64, fill, stroke drawing.Color, dashed bool) {
	if c.r == nil || !(w > 0) || !(h > 0) {
		return
	}
	x0, y0, x1, y1 := c.px(x), c.px(y), c.px(x+w), c.px(y+h)
	rr := min(c.px(radius), (x1-x0)/2, (y1-y0)/2)
	c.r.ResetStyle()
	c.r.SetFillColor(fill)
	if !stroke.IsZero() {
		c.r.SetStrokeColor(stroke)
		c.r.SetStrokeWidth(math.Max(1, math.Round(c.scale)))
		if dashed {
			c.r.SetStrokeDashArray([]float64{4 * c.scale, 3 * c.scale})
		}
	}
	c.r.MoveTo(x0+rr, y0)
	c.r.LineTo(x1-rr, y0)
	c.r.QuadCurveTo(x1, y0, x1, y0+rr)
	c.r.LineTo(x1, y1-rr)
	c.r.QuadCurveTo(x1, y1, x1-rr, y1)
	c.r.LineTo(x0+rr, y1)
	c.r.QuadCurveTo(x0, y1, x0, y1-rr)
	c.r.LineTo(x0, y0+rr)
	c.r.QuadCurveTo(x0, y0, x0+rr, y0)
	c.r.Close()
	if stroke.IsZero() {
		c.r.Fill()
	} else {
		c.r.FillStroke()
	}
}

// circle draws a filled circle with a white rim, so that touching dots
// stay apart.
func (c *canvas) circle(x, y, radius float64, fill drawing.Color) {
	if c.r == nil {
		return
	}
	c.r.ResetStyle()
	c.r.SetFillColor(fill)
	c.r.SetStrokeColor(colorWhite)
	c.r.SetStrokeWidth(math.Max(1, math.Round(c.scale)))
	c.r.Circle(radius*c.scale, c.px(x), c.px(y))
	c.r.FillStroke()
}

// triangle fills a triangle, for the arrowheads of axis captions.
func (c *canvas) triangle(x0, y0, x1, y1, x2, y2 float64, fill drawing.Color) {
	if c.r == nil {
		return
	}
	c.r.ResetStyle()
	c.r.SetFillColor(fill)
	c.r.MoveTo(c.px(x0), c.px(y0))
	c.r.LineTo(c.px(x1), c.px(y1))
	c.r.LineTo(c.px(x2), c.px(y2))
	c.r.Close()
	c.r.Fill()
}

// clean makes a label safe to draw: composed (so that an å typed as a + ring
// draws as one letter), on one line, without control or invisible
// characters, and with single spaces.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return ' '
		case r == unicode.ReplacementChar || !unicode.IsPrint(r):
			return -1
		}
		return r
	}, norm.NFC.String(s))
	return strings.Join(strings.Fields(s), " ")
}
