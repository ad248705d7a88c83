package survey

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// shortLinkLength is the number of symbols of a short link: 6 symbols of
// CodeAlphabet are 29⁶ ≈ 595 million links, short enough to type from paper.
const shortLinkLength = 6

// NewShortLink returns a fresh random short link code of CodeAlphabet, the
// alphabet without look-alikes (0/O, 1/I/L, U/V).
func NewShortLink() string {
	b := make([]byte, shortLinkLength)
	max := big.NewInt(int64(len(CodeAlphabet)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("crypto/rand: " + err.Error()) // never fails on supported systems
		}
		b[i] = CodeAlphabet[n.Int64()]
	}
	return string(b)
}

// NormalizeShortLink is the stored form of a short link as typed: capitals,
// spaces and dashes dropped, so "k7mq-2x" finds K7MQ2X. It returns "" for
// input that cannot be a short link.
func NormalizeShortLink(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ':
		case r < 128 && strings.ContainsRune(CodeAlphabet, r):
			b.WriteRune(r)
		default:
			return ""
		}
	}
	if b.Len() != shortLinkLength {
		return ""
	}
	return b.String()
}
