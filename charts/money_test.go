package charts

import (
	"bytes"
	"strings"
	"testing"
)

func TestMoneyRendersWithAltText(t *testing.T) {
	tests := []struct {
		name string
		m    Money
		want []string
	}{
		{"rows name granted and paid", Money{Rows: []MoneyRow{{Label: "Åby", GrantedSEK: 12500, PaidSEK: 6000}, {Label: "Backby", GrantedSEK: 6000}}},
			[]string{"Åby: 12\u00a0500\u00a0kr beviljat, 6\u00a0000\u00a0kr utbetalt", "Backby: 6\u00a0000\u00a0kr beviljat, 0\u00a0kr utbetalt"}},
		{"equal bars draw (no empty range)", Money{Rows: []MoneyRow{{Label: "A", GrantedSEK: 5}, {Label: "B", GrantedSEK: 5}}}, []string{"A: 5\u00a0kr"}},
		{"nothing granted says so", Money{}, []string{"Inget beviljat än."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range []Format{PNG, SVG} {
				var b bytes.Buffer
				if err := tt.m.Render(&b, Options{Format: f, Width: 360}); err != nil || b.Len() == 0 {
					t.Fatalf("render %v: got %v and %d bytes; want a picture", f, err, b.Len())
				}
			}
			alt := tt.m.AltText()
			for _, w := range tt.want {
				if !strings.Contains(alt, w) {
					t.Errorf("alt text %q: want %q", alt, w)
				}
			}
		})
	}
}
