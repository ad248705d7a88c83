package survey

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
)

// CodeAlphabet is the alphabet of one-time codes: capitals and digits
// without the look-alikes 0/O, 1/I/L; U and V are dropped as well, since they
// are confused in some handwriting and typefaces. 29 symbols.
const CodeAlphabet = "ABCDEFGHJKMNPQRSTWXYZ23456789"

// codeLength is the number of symbols of a code: 8 symbols of a 29-letter
// alphabet are about 39 bits, far more than an attacker can try through the
// rate limit, and still short enough to type from a letter.
const codeLength = 8

// MaxCodes is the most codes made in one request.
const MaxCodes = 2000

// NewCode returns a fresh random code, grouped for reading: "ABCD-EFGH".
func NewCode() string {
	var b strings.Builder
	max := big.NewInt(int64(len(CodeAlphabet)))
	for i := 0; i < codeLength; i++ {
		if i == codeLength/2 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("crypto/rand: " + err.Error()) // never fails on supported systems
		}
		b.WriteByte(CodeAlphabet[n.Int64()])
	}
	return b.String()
}

// NormalizeCode is the form of a code that is compared and hashed: capitals,
// without dashes or spaces, so "abcd efgh" and "ABCD-EFGH" are the same code.
// It returns "" for input that cannot be a code.
func NormalizeCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		switch {
		case r == '-' || r == ' ' || r == '\t':
		case r < 128 && strings.ContainsRune(CodeAlphabet, r):
			b.WriteRune(r)
		default:
			return ""
		}
	}
	if b.Len() != codeLength {
		return ""
	}
	return b.String()
}

// CodeRequest is what an official sends to make codes for one village.
type CodeRequest struct {
	Village string `json:"village" validate:"required,max=100"`
	Count   int    `json:"count" validate:"required,min=1,max=2000"`
}

// Check validates the request for the survey: the survey must take codes and
// name the village.
func (r CodeRequest) Check(s *Survey) error {
	v := &ValidationError{}
	Check(v, r)
	if r.Village != "" && !s.HasVillage(r.Village) {
		v.Add("village", "Byn ingår inte i enkäten")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if s.Access != AccessCode {
		return fmt.Errorf("enkäten är öppen för alla med länken och har inga koder: %w", ErrConflict)
	}
	if s.Status == Closed {
		return fmt.Errorf("enkäten är stängd: %w", ErrClosed)
	}
	return nil
}
