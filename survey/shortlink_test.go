package survey

import (
	"strings"
	"testing"
)

func TestShortLinksUseOnlyTheAlphabetWithoutLookAlikes(t *testing.T) {
	for i := 0; i < 200; i++ {
		s := NewShortLink()
		if len(s) != shortLinkLength {
			t.Fatalf("len(%q) = %d; want %d", s, len(s), shortLinkLength)
		}
		for _, r := range s {
			if strings.ContainsRune("0O1IL UV", r) || !strings.ContainsRune(CodeAlphabet, r) {
				t.Fatalf("%q has %q; want only %s", s, r, CodeAlphabet)
			}
		}
	}
}

func TestNormalizeShortLink(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"K7MQ2X", "K7MQ2X"},
		{"KAMQ2X", "KAMQ2X"},
		{"kamq2x", "KAMQ2X"},
		{"kam-q2x", "KAMQ2X"},
		{" kam q2x", "KAMQ2X"},
		{"KAMQ2", ""},
		{"KAMQ2XX", ""},
		{"KAMQ0X", ""},
		{"KÅMQ2X", ""},
		{"", ""},
	} {
		if got := NormalizeShortLink(tc.in); got != tc.want {
			t.Errorf("NormalizeShortLink(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
