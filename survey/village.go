package survey

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Village is a village or rural area (by, bygd) with its local development group.
type Village struct {
	Slug       string    `json:"slug"`
	Name       string    `json:"name"`
	Population int       `json:"population,omitempty"`
	Created    time.Time `json:"created"`
}

// NewVillage is what an administrator sends to create a village.
type NewVillage struct {
	Name       string `json:"name" validate:"required,max=100"`
	Slug       string `json:"slug" validate:"omitempty,max=60"`
	Population int    `json:"population" validate:"min=0,max=10000000"`
}

// Village validates the request and returns the village to store. The slug is
// folded from the name when none is given.
func (nv NewVillage) Village(now time.Time) (Village, error) {
	nv.Name = strings.TrimSpace(nv.Name)
	v := &ValidationError{}
	Check(v, nv)
	slug := nv.Slug
	if slug == "" {
		slug = Slugify(nv.Name)
	}
	if v.For("slug") == "" && !ValidSlug(slug) {
		v.Add("slug", "Kortnamnet får bara innehålla a–z, 0–9 och bindestreck")
	}
	if err := v.Err(); err != nil {
		return Village{}, err
	}
	return Village{Slug: slug, Name: nv.Name, Population: nv.Population, Created: now.UTC()}, nil
}

var foldDiacritics = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// Slugify folds a village name to its slug: lowercase a-z0-9 and hyphens,
// with Swedish letters folded ("Österåker" → "osteraker").
func Slugify(name string) string {
	folded, _, err := transform.String(foldDiacritics, strings.ToLower(name))
	if err != nil {
		folded = strings.ToLower(name)
	}
	var b strings.Builder
	hyphen := false
	for _, r := range folded {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			hyphen = false
		case r == 'æ':
			b.WriteString("ae")
			hyphen = false
		case r == 'ø':
			b.WriteRune('o')
			hyphen = false
		case b.Len() > 0 && !hyphen:
			b.WriteRune('-')
			hyphen = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > 60 {
		s = strings.TrimSuffix(s[:60], "-")
	}
	return s
}

// ValidSlug reports whether s is a well-formed slug.
func ValidSlug(s string) bool {
	if s == "" || len(s) > 60 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// VillageChange is what an administrator sends to change a village: its
// name as written and its population. The slug never changes: links, codes
// and records use it.
type VillageChange struct {
	Name       string `json:"name" validate:"required,max=100"`
	Population int    `json:"population" validate:"min=0,max=10000000"`
}

// Apply checks the change and makes it to v.
func (ch VillageChange) Apply(v *Village) error {
	ch.Name = strings.TrimSpace(ch.Name)
	verr := &ValidationError{}
	Check(verr, ch)
	if err := verr.Err(); err != nil {
		return err
	}
	v.Name, v.Population = ch.Name, ch.Population
	return nil
}
