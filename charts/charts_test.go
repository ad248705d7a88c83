package charts

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/wcharczuk/go-chart/v2/drawing"
	"golang.org/x/image/font"
)

const longName = "Östra Vingåker med omnejd, Säfstaholms slottsområde och hela den långa dalgången ner mot sjön Kolsnaren"

// renderCase is one chart to draw, with what the picture must show.
type renderCase struct {
	name  string
	chart Chart
	// labels are texts the SVG must contain: a long name only by its start,
	// since it is shortened with an ellipsis.
	labels []string
	tooFew int             // rows that must read "för få svar"
	colors []drawing.Color // bar colours the PNG must contain
}

func likertCases() []renderCase {
	shares := [5]float64{0.1, 0.2, 0.3, 0.25, 0.15}
	return []renderCase{
		{name: "likert with no villages", chart: Likert{Title: "Tomt"}, labels: []string{"Tomt", noVillage}},
		{name: "likert with no villages and no title", chart: Likert{}, labels: []string{noVillage}},
		{
			name:   "likert with one village",
			chart:  Likert{Villages: []LikertVillage{{Label: "Baggetorp", N: 34, Shown: true, Shares: shares}}},
			labels: []string{"Baggetorp (n=34)", "Instämmer inte alls", "Instämmer helt"},
			colors: likertColors[:],
		},
		{
			name: "likert with all shares equal",
			chart: Likert{Villages: []LikertVillage{
				{Label: "Ärla", N: 10, Shown: true, Shares: [5]float64{0.2, 0.2, 0.2, 0.2, 0.2}},
				{Label: "Läppe", N: 10, Shown: true, Shares: [5]float64{0.2, 0.2, 0.2, 0.2, 0.2}},
			}},
			labels: []string{"Ärla (n=10)", "Läppe (n=10)"},
			colors: likertColors[:],
		},
		{
			name: "likert with all shares zero",
			chart: Likert{Villages: []LikertVillage{
				{Label: "Ärla", N: 0, Shown: true},
				{Label: "Läppe", N: 0, Shown: true},
			}},
			labels: []string{"Ärla (n=0)", "Läppe (n=0)"},
			colors: []drawing.Color{colorAxis},
		},
		{
			name: "likert with every village below the minimum",
			chart: Likert{Villages: []LikertVillage{
				{Label: "Ärla", N: 3},
				{Label: "Läppe", N: 4},
			}},
			labels: []string{"Ärla (n=3)", "Läppe (n=4)"},
			tooFew: 2,
			colors: []drawing.Color{colorNone},
		},
		{
			name: "likert with hidden and shown villages, long names and odd values",
			chart: Likert{Title: longName + " " + longName, Villages: []LikertVillage{
				{Label: longName, N: 58, Shown: true, Shares: shares},
				{Label: "Högsjö", N: 2},
				{Label: "Åby <&> \"Öby\"", N: 9, Shown: true, Shares: [5]float64{math.NaN(), -1, math.Inf(1), 3, 1}},
				{Label: "", N: -5, Shown: true, Shares: [5]float64{1, 0, 0, 0, 0}},
			}},
			labels: []string{"Östra Vingåker", "(n=58)", "Högsjö (n=2)", `Åby <&> "Öby" (n=9)`, "– (n=0)"},
			tooFew: 1,
			colors: likertColors[:],
		},
	}
}

func categoricalCases() []renderCase {
	opts := []string{"Ja", "Nej", "Vet ej"}
	var cases []renderCase
	for _, kind := range []CategoricalKind{Single, Multi, RankFirst} {
		k := [...]string{"single", "multi", "rank-first"}[kind]
		cases = append(cases,
			renderCase{name: k + " with no villages", chart: Categorical{Kind: kind, Options: opts}, labels: []string{noVillage}},
			renderCase{
				name:   k + " with no options",
				chart:  Categorical{Kind: kind, Villages: []CategoricalVillage{{Label: "Ärla", N: 8, Shown: true, Shares: []float64{1}}}},
				labels: []string{"Inga svarsalternativ att visa."},
			},
			renderCase{
				name:   k + " with one village",
				chart:  Categorical{Kind: kind, Options: opts, Villages: []CategoricalVillage{{Label: "Baggetorp", N: 34, Shown: true, Shares: []float64{0.5, 0.3, 0.2}}}},
				labels: []string{"Baggetorp (n=34)", "Ja", "Nej", "Vet ej"},
				colors: categoryColors[:3],
			},
			renderCase{
				name: k + " with all shares equal",
				chart: Categorical{Kind: kind, Options: opts, Villages: []CategoricalVillage{
					{Label: "Ärla", N: 9, Shown: true, Shares: []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}},
					{Label: "Läppe", N: 9, Shown: true, Shares: []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}},
				}},
				labels: []string{"Ärla (n=9)", "Läppe (n=9)"},
				colors: categoryColors[:3],
			},
			renderCase{
				name: k + " with all shares zero",
				chart: Categorical{Kind: kind, Options: opts, Villages: []CategoricalVillage{
					{Label: "Ärla", N: 0, Shown: true, Shares: []float64{0, 0, 0}},
					{Label: "Läppe", N: 0, Shown: true},
				}},
				labels: []string{"Ärla (n=0)", "Läppe (n=0)"},
			},
			renderCase{
				name: k + " with hidden villages, long names and odd values",
				chart: Categorical{Kind: kind, Title: longName, Options: []string{longName, "Nej", "Å & Ö"}, Villages: []CategoricalVillage{
					{Label: longName, N: 40, Shown: true, Shares: []float64{0.4, 0.6}},
					{Label: "Högsjö", N: 1},
					{Label: "Ärla", N: 12, Shown: true, Shares: []float64{math.NaN(), 2, -1, 0.5}},
				}},
				labels: []string{"Östra Vingåker", "(n=40)", "Högsjö (n=1)", "Ärla (n=12)", "Å & Ö"},
				tooFew: 1,
				colors: categoryColors[:2],
			},
		)
	}
	many := Categorical{Kind: Single}
	for i := range 11 {
		many.Options = append(many.Options, "Alternativ "+strconv.Itoa(i+1))
	}
	many.Villages = []CategoricalVillage{{Label: "Sköldinge", N: 110, Shown: true, Shares: make([]float64, 11)}}
	for i := range many.Villages[0].Shares {
		many.Villages[0].Shares[i] = 1.0 / 11
	}
	return append(cases, renderCase{
		name: "single with more options than colours", chart: many,
		labels: []string{"Sköldinge (n=110)", "Alternativ 11"}, colors: categoryColors,
	})
}

func rankCases() []renderCase {
	opts := []string{"Skola", "Vägar", "Bredband"}
	return []renderCase{
		{name: "rank with no villages", chart: Rank{Options: opts}, labels: []string{noVillage}},
		{name: "rank with no options", chart: Rank{Villages: []RankVillage{{Label: "Ärla", N: 5, Shown: true}}}, labels: []string{"Inga svarsalternativ att visa."}},
		{
			name:   "rank with one village",
			chart:  Rank{Options: opts, Villages: []RankVillage{{Label: "Baggetorp", N: 34, Shown: true, MeanRanks: []float64{1.4, 2.1, 2.5}}}},
			labels: []string{"Baggetorp (n=34)", "1,4", "2,1", "2,5", "Skola"},
			colors: categoryColors[:3],
		},
		{
			name:   "rank with one option",
			chart:  Rank{Options: []string{"Skola"}, Villages: []RankVillage{{Label: "Baggetorp", N: 34, Shown: true, MeanRanks: []float64{1}}}},
			labels: []string{"Baggetorp (n=34)", "1,0"},
			colors: categoryColors[:1],
		},
		{
			name: "rank with all means equal",
			chart: Rank{Options: opts, Villages: []RankVillage{
				{Label: "Ärla", N: 6, Shown: true, MeanRanks: []float64{2, 2, 2}},
				{Label: "Läppe", N: 6, Shown: true, MeanRanks: []float64{2, 2, 2}},
			}},
			labels: []string{"Ärla (n=6)", "Läppe (n=6)", "2,0"},
			colors: categoryColors[:3],
		},
		{
			name: "rank with all means zero",
			chart: Rank{Options: opts, Villages: []RankVillage{
				{Label: "Ärla", N: 0, Shown: true, MeanRanks: []float64{0, 0, 0}},
				{Label: "Läppe", N: 0, Shown: true},
			}},
			labels: []string{"Ärla (n=0)", "Läppe (n=0)", "–"},
		},
		{
			name: "rank with hidden villages, long names and odd values",
			chart: Rank{Title: longName, Options: []string{longName, "Vägar", "Bredband"}, Villages: []RankVillage{
				{Label: longName, N: 40, Shown: true, MeanRanks: []float64{1.2, 9, math.NaN()}},
				{Label: "Högsjö", N: 1},
			}},
			labels: []string{"Östra Vingåker", "(n=40)", "Högsjö (n=1)", "1,2", "3,0"},
			tooFew: 1,
			colors: categoryColors[:2],
		},
	}
}

func remissCases() []renderCase {
	return []renderCase{
		{name: "remiss with no villages", chart: Remiss{}, labels: []string{"Inga byar tillfrågade."}},
		{
			name:   "remiss with one village",
			chart:  Remiss{Villages: []RemissVillage{{Label: "Baggetorp", Stance: StanceOppose}}},
			labels: []string{"Baggetorp", "avstyrker", "Avstyrker (1)", "Tillstyrker (0)", "1 by tillfrågad, 1 har svarat."},
			colors: []drawing.Color{StanceOppose.color()},
		},
		{
			name: "remiss with all stances equal",
			chart: Remiss{Villages: []RemissVillage{
				{Label: "Ärla", Stance: StanceSupport}, {Label: "Läppe", Stance: StanceSupport},
			}},
			labels: []string{"Ärla", "Läppe", "tillstyrker", "Tillstyrker (2)"},
			colors: []drawing.Color{StanceSupport.color()},
		},
		{
			name: "remiss with no answers yet",
			chart: Remiss{Villages: []RemissVillage{
				{Label: "Ärla"}, {Label: "Läppe", Stance: Stance(42)},
			}},
			labels: []string{"Ärla", "Läppe", "ej svarat", "Ej svarat (2)", "2 byar tillfrågade, 0 har svarat."},
			colors: []drawing.Color{colorDash},
		},
		{
			name: "remiss with every stance and a long name",
			chart: Remiss{Title: longName, Villages: []RemissVillage{
				{Label: longName, Stance: StanceSupport},
				{Label: "Högsjö", Stance: StanceSupportWithChanges},
				{Label: "Åby & <Öby>", Stance: StanceNoOpinion},
				{Label: "Läppe", Stance: StanceOppose},
				{Label: "Sköldinge", Stance: StanceNone},
			}},
			labels: []string{"Östra Vingåker", "Högsjö", "Åby & <Öby>", "tillstyrker med ändringar", "inget att invända"},
			colors: []drawing.Color{likertColors[0], likertColors[2], likertColors[3], likertColors[4]},
		},
	}
}

func allCases() []renderCase {
	var all []renderCase
	for _, cases := range [][]renderCase{likertCases(), categoricalCases(), rankCases(), remissCases()} {
		all = append(all, cases...)
	}
	return all
}

func TestRenderPNG(t *testing.T) {
	for _, tc := range allCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := tc.chart.Render(&buf, Options{}); err != nil {
				t.Fatalf("Render: got error %v; want nil", err)
			}
			img, err := png.Decode(&buf)
			if err != nil {
				t.Fatalf("png.Decode: got error %v; want nil", err)
			}
			b := img.Bounds()
			if b.Dx() != DefaultWidth || b.Dy() <= 0 {
				t.Errorf("size: got %dx%d; want %d wide and taller than 0", b.Dx(), b.Dy(), DefaultWidth)
			}
			found := pixelColors(img)
			if white := found[colorKey(colorWhite)]; white == b.Dx()*b.Dy() {
				t.Errorf("picture: got only white pixels; want a chart")
			}
			for _, c := range tc.colors {
				if found[colorKey(c)] == 0 {
					t.Errorf("pixels of %s: got 0; want some", c)
				}
			}
		})
	}
}

func TestRenderSVG(t *testing.T) {
	for _, tc := range allCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := tc.chart.Render(&buf, Options{Format: SVG}); err != nil {
				t.Fatalf("Render: got error %v; want nil", err)
			}
			doc := parseSVG(t, buf.Bytes())
			if doc.width != DefaultWidth || doc.height <= 0 {
				t.Errorf("size: got %dx%d; want %d wide and taller than 0", doc.width, doc.height, DefaultWidth)
			}
			if want := tc.chart.AltText(); doc.title != want || doc.label != want {
				t.Errorf("title and aria-label: got %q and %q; want %q", doc.title, doc.label, want)
			}
			all := strings.Join(doc.texts, "\n")
			for _, l := range tc.labels {
				if !strings.Contains(all, strings.ReplaceAll(l, "%", "\u00a0%")) {
					t.Errorf("texts: got %q; want one containing %q", doc.texts, l)
				}
			}
			if got := strings.Count(all, tooFew); got != tc.tooFew {
				t.Errorf("rows reading %q: got %d; want %d", tooFew, got, tc.tooFew)
			}
			if strings.ContainsAny(all, markEnd+markMiddle) {
				t.Errorf("texts: got %q; want no anchor marks left", doc.texts)
			}
			if strings.Contains(all, longName) {
				t.Errorf("texts: got the long name whole; want it shortened with an ellipsis")
			}
			if strings.Contains(all, "Östra") && !strings.Contains(all, "…") {
				t.Errorf("texts: got %q; want an ellipsis", doc.texts)
			}
		})
	}
}

// svgDoc is what the tests read back from an SVG.
type svgDoc struct {
	width, height int
	label, title  string
	texts         []string
}

// parseSVG reads a whole SVG with encoding/xml, failing the test if it is
// not well-formed.
func parseSVG(t *testing.T, data []byte) svgDoc {
	t.Helper()
	var doc svgDoc
	d := xml.NewDecoder(bytes.NewReader(data))
	var stack []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("xml: got error %v; want a well-formed SVG", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				if tok.Name.Local != "svg" {
					t.Fatalf("root element: got %q; want svg", tok.Name.Local)
				}
				for _, a := range tok.Attr {
					switch a.Name.Local {
					case "width":
						doc.width, _ = strconv.Atoi(a.Value)
					case "height":
						doc.height, _ = strconv.Atoi(a.Value)
					case "aria-label":
						doc.label = a.Value
					}
				}
			}
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			switch stack[len(stack)-1] {
			case "text":
				doc.texts = append(doc.texts, string(tok))
			case "title":
				doc.title += string(tok)
			}
		}
	}
	return doc
}

func colorKey(c drawing.Color) [3]uint8 { return [3]uint8{c.R, c.G, c.B} }

// pixelColors counts the opaque pixels of each colour.
func pixelColors(img image.Image) map[[3]uint8]int {
	found := map[[3]uint8]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if a == 0xffff {
				found[[3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8)}]++
			}
		}
	}
	return found
}

func TestRenderSizes(t *testing.T) {
	ten := Likert{}
	for i := range 10 {
		ten.Villages = append(ten.Villages, LikertVillage{Label: "By " + strconv.Itoa(i), N: 20, Shown: true, Shares: [5]float64{0.2, 0.2, 0.2, 0.2, 0.2}})
	}
	one := Likert{Villages: ten.Villages[:1]}
	tests := []struct {
		name          string
		chart         Chart
		o             Options
		width, height int // height 0: any
	}{
		{"the default is a phone's width", one, Options{}, DefaultWidth, 0},
		{"a width is kept", one, Options{Width: 500}, 500, 0},
		{"a narrow width is widened", one, Options{Width: 10}, MinWidth, 0},
		{"a wide width is narrowed", one, Options{Width: 1 << 20}, MaxWidth, 0},
		{"a PNG scale multiplies the pixels", one, Options{Scale: 2}, 2 * DefaultWidth, 0},
		{"a huge scale is capped", one, Options{Width: 300, Scale: 100}, MaxScale * 300, 0},
		{"a NaN scale means 1", one, Options{Scale: math.NaN()}, DefaultWidth, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := renderPNG(t, tt.chart, tt.o)
			if got := img.Bounds().Dx(); got != tt.width {
				t.Errorf("width: got %d; want %d", got, tt.width)
			}
		})
	}
	t.Run("the height grows with the villages", func(t *testing.T) {
		h1 := renderPNG(t, one, Options{}).Bounds().Dy()
		h10 := renderPNG(t, ten, Options{}).Bounds().Dy()
		if h10 < h1+9*40 {
			t.Errorf("height of 10 villages: got %d; want at least %d (1 village: %d)", h10, h1+9*40, h1)
		}
	})
	t.Run("an SVG ignores the scale", func(t *testing.T) {
		var buf bytes.Buffer
		if err := one.Render(&buf, Options{Format: SVG, Scale: 3}); err != nil {
			t.Fatal(err)
		}
		if doc := parseSVG(t, buf.Bytes()); doc.width != DefaultWidth {
			t.Errorf("width: got %d; want %d", doc.width, DefaultWidth)
		}
	})
}

func renderPNG(t *testing.T, c Chart, o Options) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(&buf, o); err != nil {
		t.Fatalf("Render: got error %v; want nil", err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("png.Decode: got error %v; want nil", err)
	}
	return img
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderErrors(t *testing.T) {
	huge := Likert{Villages: make([]LikertVillage, 200)}
	tests := []struct {
		name  string
		chart Chart
		w     io.Writer
		o     Options
		want  error // nil: the writer's error
	}{
		{"an unknown format is refused", sampleLikert, io.Discard, Options{Format: Format(7)}, ErrFormat},
		{"a PNG writer's error is returned", sampleLikert, failingWriter{}, Options{Format: PNG}, nil},
		{"an SVG writer's error is returned", sampleLikert, failingWriter{}, Options{Format: SVG}, nil},
		{"a PNG too large to draw is refused", huge, io.Discard, Options{Width: MaxWidth, Scale: MaxScale}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.chart.Render(tt.w, tt.o)
			switch {
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Errorf("Render: got error %v; want %v", err, tt.want)
			case tt.want == nil && (err == nil || !strings.Contains(err.Error(), "disk full")):
				t.Errorf("Render: got error %v; want the writer's", err)
			}
		})
	}
	t.Run("a huge SVG is written", func(t *testing.T) {
		if err := huge.Render(io.Discard, Options{Format: SVG}); err != nil {
			t.Errorf("Render: got error %v; want nil", err)
		}
	})
}

func TestAnchorText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"a right-aligned text is anchored at its end",
			`<svg><text x="9" y="1" style="fill:red">` + markEnd + `38 %</text></svg>`,
			`<svg><text text-anchor="end" x="9" y="1" style="fill:red">38 %</text></svg>`},
		{"a centred text is anchored in its middle",
			`<text x="9" y="1">` + markMiddle + `för få svar</text><text x="2" y="3">Ärla</text>`,
			`<text text-anchor="middle" x="9" y="1">för få svar</text><text x="2" y="3">Ärla</text>`},
		{"a document without text is kept", `<svg><path d="M 0 0"/></svg>`, `<svg><path d="M 0 0"/></svg>`},
		{"a cut-off text element is kept", `<text x="1"`, `<text x="1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(anchorText([]byte(tt.in))); got != tt.want {
				t.Errorf("got %s; want %s", got, tt.want)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"png", PNG, false},
		{"SVG", SVG, false},
		{".svg", SVG, false},
		{"gif", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseFormat(%q): got %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !errors.Is(err, ErrFormat) {
			t.Errorf("ParseFormat(%q): got error %v; want ErrFormat", tt.in, err)
		}
	}
	for f, want := range map[Format]string{PNG: "image/png", SVG: "image/svg+xml"} {
		if got := f.ContentType(); got != want {
			t.Errorf("%v.ContentType(): got %q; want %q", f, got, want)
		}
	}
}

func TestParseStance(t *testing.T) {
	tests := []struct {
		code string
		want Stance
	}{
		{"support", StanceSupport},
		{"support_with_changes", StanceSupportWithChanges},
		{"no_opinion", StanceNoOpinion},
		{"oppose", StanceOppose},
		{"", StanceNone},
		{"maybe", StanceNone},
	}
	for _, tt := range tests {
		if got := ParseStance(tt.code); got != tt.want {
			t.Errorf("ParseStance(%q): got %v; want %v", tt.code, got, tt.want)
		}
	}
}

func TestTextContrast(t *testing.T) {
	const aa = 4.5
	type pair struct {
		name     string
		text, bg drawing.Color
	}
	pairs := []pair{
		{"ink on white", colorInk, colorWhite},
		{"muted on white", colorMuted, colorWhite},
		{"muted on the too-few box", colorMuted, colorNone},
		{"disagree total on white", colorDisagreeText, colorWhite},
		{"agree total on white", colorAgreeText, colorWhite},
	}
	for i, c := range categoryColors {
		pairs = append(pairs, pair{"label on option colour " + strconv.Itoa(i), inkOn(c), c})
	}
	for _, s := range stances {
		if s != StanceNone {
			pairs = append(pairs, pair{"label on " + s.String(), inkOn(s.color()), s.color()})
		}
	}
	for _, p := range pairs {
		if got := contrast(p.text, p.bg); got < aa {
			t.Errorf("contrast of %s: got %.2f; want at least %.1f", p.name, got, aa)
		}
	}
	if got := contrast(colorAxis, colorWhite); got < 3 {
		t.Errorf("contrast of the centre line: got %.2f; want at least 3", got)
	}
}

func TestAltText(t *testing.T) {
	tests := []struct {
		name  string
		chart Chart
		want  []string
	}{
		{"likert names its kind, title and figures", sampleLikert, []string{
			"Liggande stapeldiagram: Kommunen bör satsa på bredband före vägunderhåll.",
			"Baggetorp (n=34): 70\u00a0% instämmer, 15\u00a0% instämmer inte, 15\u00a0% varken eller",
			"Ärla (n=3): för få svar",
		}},
		{"likert without villages says so", Likert{}, []string{"Liggande stapeldiagram. ", "inga byar att visa."}},
		{"a title ending in a question mark gets no stop after it", Categorical{Title: "Ska skolan byggas ut?", Options: []string{"Ja"}, Villages: []CategoricalVillage{{Label: "Ösby", N: 5, Shown: true, Shares: []float64{1}}}}, []string{"Liggande stapeldiagram: Ska skolan byggas ut? Svarsfördelning per by. "}},
		{"single lists the shares", sampleSingle, []string{"Svarsfördelning per by", "Läppe (n=12): Bil 83\u00a0%, Buss 0\u00a0%"}},
		{"multi says several choices were possible", sampleMulti, []string{"Grupperat stapeldiagram", "flera val möjliga", "Högsjö (n=21): Livsmedelsbutik 38\u00a0%"}},
		{"rank-first says first", Categorical{Kind: RankFirst, Options: []string{"A"}, Villages: []CategoricalVillage{{Label: "Ösby", N: 5, Shown: true, Shares: []float64{1}}}}, []string{"satte varje alternativ först", "Ösby (n=5): A 100\u00a0%"}},
		{"rank gives mean ranks with a decimal comma", sampleRank, []string{"Punktdiagram: Rangordna satsningarna.", "1 är bäst", "Baggetorp (n=34): Skola 1,8, Vägar 2,9"}},
		{"rank marks unranked options", Rank{Options: []string{"A"}, Villages: []RankVillage{{Label: "Ösby", N: 5, Shown: true}}}, []string{"A ej rangordnad"}},
		{"remiss counts the stances", sampleRemiss, []string{"Remissvar per by: Medborgarförslag", "6 byar tillfrågade: 2 tillstyrker, 1 tillstyrker med ändringar, 1 inget att invända, 1 avstyrker, 1 ej svarat.", "Sköldinge: ej svarat."}},
		{"remiss without villages says so", Remiss{}, []string{"Inga byar tillfrågade."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.chart.AltText()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("AltText: got %q; want it to contain %q", got, w)
				}
			}
		})
	}
}

func TestFit(t *testing.T) {
	c := &canvas{faces: map[float64]font.Face{}}
	var err error
	if c.font, err = robotoFont(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in string
		max      float64
		want     string // "" with wantEllipsis: any shortening
		ellipsis bool
	}{
		{"a short name is kept", "Ärla", 200, "Ärla", false},
		{"a long name ends with an ellipsis", longName, 120, "", true},
		{"no room leaves nothing", longName, 1, "", false},
		{"trailing spaces go before the ellipsis", "Åby och Öby och Täby", 90, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.fit(tt.in, labelSize, tt.max)
			if w := c.measure(got, labelSize); w > tt.max {
				t.Errorf("width of %q: got %.1f; want at most %.1f", got, w, tt.max)
			}
			if tt.ellipsis {
				if !strings.HasSuffix(got, "…") || strings.HasSuffix(got, " …") || !strings.HasPrefix(tt.in, strings.TrimSuffix(got, "…")) {
					t.Errorf("fit(%q): got %q; want a start of it and an ellipsis", tt.in, got)
				}
			} else if got != tt.want {
				t.Errorf("fit(%q): got %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ärla", "Ärla"},
		{"A\u030aby", "Åby"}, // a + combining ring composes to å
		{"  Öby\n\tby  ", "Öby by"},
		{"Ös\u00adby\u200b", "Ösby"},
		{"\x00\x1f", ""},
		{markEnd + "Ösby" + markMiddle, "Ösby"}, // no label can carry an anchor mark
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q): got %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct{ got, want string }{
		{percent(0.456), "46\u00a0%"},
		{percent(math.NaN()), "0\u00a0%"},
		{percent(7), "100\u00a0%"},
		{decimal(1.75), "1,8"},
		{nSuffix(-3), " (n=0)"},
		{capitalize("ärla"), "Ärla"},
		{capitalize(""), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q; want %q", tt.got, tt.want)
		}
	}
}

func BenchmarkLikert10(b *testing.B) {
	l := Likert{Title: "Kommunen bör satsa på bredband"}
	for i := range 10 {
		f := float64(i) / 10
		l.Villages = append(l.Villages, LikertVillage{
			Label: "By nummer " + strconv.Itoa(i+1), N: 20 + i, Shown: i != 3,
			Shares: [5]float64{0.1 + f/5, 0.2, 0.2, 0.3 - f/5, 0.2},
		})
	}
	for _, f := range []Format{PNG, SVG} {
		b.Run(f.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := l.Render(io.Discard, Options{Format: f}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// English numbers: the catalog's patterns for a share and a decimal give
// "70%" and "1.8"; a chart without Text keeps the Swedish.
func TestChartNumbersFollowTheReadersLanguage(t *testing.T) {
	english := Text(func(sv string) string {
		switch sv {
		case "{{.Value}}\u00a0%":
			return "{{.Value}}%"
		case "{{.Value}},{{.Value}}":
			return "{{.Value}}.{{.Value}}"
		}
		return sv
	})
	likert, rank := sampleLikert, sampleRank
	likert.Text, rank.Text = english, english
	tests := []struct {
		name  string
		chart Chart
		want  string
	}{
		{"likert in Swedish", sampleLikert, "70\u00a0% instämmer"},
		{"likert in English", likert, "70% instämmer"},
		{"rank in Swedish", sampleRank, "Skola 1,8, Vägar 2,9"},
		{"rank in English", rank, "Skola 1.8, Vägar 2.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.chart.AltText(); !strings.Contains(got, tt.want) {
				t.Errorf("AltText: got %q; want it to contain %q", got, tt.want)
			}
		})
	}
}
