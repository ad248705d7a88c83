// Package charts draws the comparisons of villages as PNG or SVG pictures
// sized for a phone screen.
//
// It is pure drawing: each chart is a small value of plain figures (labels,
// counts, shares) that the caller fills in, and Render writes the picture to
// an io.Writer. The package knows nothing of HTTP, storage or the survey
// domain. Drawing goes through the Renderer of github.com/wcharczuk/go-chart,
// whose chart types do not cover diverging or grouped horizontal bars, so
// the charts lay out their own shapes with its PNG and SVG renderers and its
// embedded Roboto font.
//
// Every chart handles no villages, one village, equal, zero or invalid
// values, and long or odd names without failing; a village whose Shown is
// false is drawn as a row that reads "för få svar". Each chart also gives a
// short text alternative (AltText) for the img alt attribute; the SVG
// carries it as its title. Texts are Swedish unless the chart's Text gives
// them in the reader's language (the caller's message catalog).
package charts
