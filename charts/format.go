package charts

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// Format is the picture format a chart is written in.
type Format int

// The formats a chart can be written in.
const (
	PNG Format = iota
	SVG
)

// Errors of Render besides the writer's.
var (
	// ErrFormat reports a format that is neither PNG nor SVG.
	ErrFormat = errors.New("charts: unknown format")
	// ErrTooLarge reports a PNG of more than MaxPixels pixels, which would
	// take too much memory to draw: thousands of villages or options.
	ErrTooLarge = errors.New("charts: picture too large")
)

// String gives the format's usual file extension without the dot.
func (f Format) String() string {
	switch f {
	case PNG:
		return "png"
	case SVG:
		return "svg"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ContentType gives the media type to serve the picture with.
func (f Format) ContentType() string {
	if f == SVG {
		return "image/svg+xml"
	}
	return "image/png"
}

// ParseFormat reads "png" or "svg" (any case, an optional leading dot).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(s, ".")) {
	case "png":
		return PNG, nil
	case "svg":
		return SVG, nil
	}
	return 0, fmt.Errorf("%w: %q", ErrFormat, s)
}

// Sizes, in CSS pixels.
const (
	// DefaultWidth is the width of a chart whose Options give none: it fits
	// a phone screen held upright.
	DefaultWidth = 328
	// MinWidth and MaxWidth bound Options.Width.
	MinWidth = 280
	MaxWidth = 1600
	// MaxScale bounds Options.Scale.
	MaxScale = 4
	// MaxPixels bounds the size of a PNG, in pixels (4 bytes each while it
	// is drawn).
	MaxPixels = 40_000_000
)

// Options say how to write a chart. The zero value writes a PNG
// DefaultWidth pixels wide.
type Options struct {
	Format Format
	// Width in CSS pixels, clamped to [MinWidth, MaxWidth]; 0 means
	// DefaultWidth. The height follows from the number of villages.
	Width int
	// Scale is the number of PNG pixels per CSS pixel: 2 keeps the picture
	// sharp on a phone when it is shown Width pixels wide. 0 means 1; it is
	// clamped to (0, MaxScale]. SVG is vector and ignores it.
	Scale float64
}

func (o Options) width() float64 {
	switch {
	case o.Width == 0:
		return DefaultWidth
	case o.Width < MinWidth:
		return MinWidth
	case o.Width > MaxWidth:
		return MaxWidth
	}
	return float64(o.Width)
}

func (o Options) scale() float64 {
	if o.Format == SVG || o.Scale <= 0 || math.IsNaN(o.Scale) {
		return 1
	}
	return math.Min(o.Scale, MaxScale)
}

// Chart is what every chart of this package is: something to draw and to
// describe in words.
type Chart interface {
	// Render writes the picture to w.
	Render(w io.Writer, o Options) error
	// AltText describes the chart in Swedish, for the alt attribute.
	AltText() string
}

var (
	_ Chart = Likert{}
	_ Chart = Categorical{}
	_ Chart = Rank{}
	_ Chart = Remiss{}
)
