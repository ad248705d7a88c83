package handlers

import (
	"bytes"
	"image/png"
	"testing"
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
