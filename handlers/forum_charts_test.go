package handlers

import (
	"bytes"
	"fmt"
	"image/png"
	"strconv"
	"testing"

	"github.com/forankra/forankra/charts"
)

func TestChartScaleIsNormalisedToHalfSteps(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.member("admin").token
	id := ta.fourVillageSurvey(admin)
	base := "/api/v1/surveys/" + id + "/charts/skola.png?width=300&scale="
	for _, tc := range []struct {
		scale, sameAs string
		wantWidth     int
	}{
		{"3.9001", "4", 1200},
		{"3.9002", "4", 1200},
		{"1.26", "1.5", 450},
		{"1.2", "1", 300},
	} {
		t.Run(tc.scale, func(t *testing.T) {
			got, want := ta.raw("GET", base+tc.scale, admin), ta.raw("GET", base+tc.sameAs, admin)
			if got.code != 200 || want.code != 200 {
				t.Fatalf("got %d and %d; want 200", got.code, want.code)
			}
			if g, w := got.header.Get("ETag"), want.header.Get("ETag"); g == "" || g != w {
				t.Errorf("got ETag %q; want %q, that of scale=%s (one cached picture)", g, w, tc.sameAs)
			}
			img, err := png.Decode(bytes.NewReader(got.body))
			if err != nil || img.Bounds().Dx() != tc.wantWidth {
				t.Errorf("got %v, err %v; want %d pixels wide", img, err, tc.wantWidth)
			}
		})
	}
}

func TestChartWidthIsDrawnAtAFewWidths(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.member("admin").token
	id := ta.fourVillageSurvey(admin)
	base := "/api/v1/surveys/" + id + "/charts/skola.svg?width="
	tags := map[string]bool{}
	for w := charts.MinWidth; w < charts.MinWidth+1000; w++ {
		r := ta.raw("GET", base+strconv.Itoa(w), admin)
		if r.code != 200 {
			t.Fatalf("width=%d: got %d; want 200", w, r.code)
		}
		tags[r.header.Get("ETag")] = true
	}
	if got, most := len(tags), len(chartWidths); got > most {
		t.Errorf("1,000 distinct widths: got %d pictures; want at most %d", got, most)
	}
	for _, tc := range []struct{ asked, drawn int }{
		{charts.MinWidth, charts.MinWidth}, {301, charts.DefaultWidth}, {672, 672}, {1281, charts.MaxWidth}, {charts.MaxWidth, charts.MaxWidth},
	} {
		r := ta.raw("GET", base+strconv.Itoa(tc.asked), admin)
		if want := fmt.Sprintf(`<svg width="%d"`, tc.drawn); !bytes.HasPrefix(r.body, []byte(want)) {
			t.Errorf("width=%d: got %.30q; want it drawn %d wide", tc.asked, r.body, tc.drawn)
		}
	}
}
