package survey

import (
	"sort"
	"strings"
)

// FocusArea is an entry of the one catalogue that plans, actions, matters,
// applications and the service plan share (fokusområde).
type FocusArea struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// DefaultFocusAreas is the catalogue created at first start.
var DefaultFocusAreas = []string{
	"Kommunikationer och vägar",
	"Bredband och mobiltäckning",
	"Skola och barnomsorg",
	"Omsorg och service",
	"Boende och byggande",
	"Näringsliv och arbete",
	"Natur, kultur och friluftsliv",
	"Föreningsliv och mötesplatser",
	"Trygghet",
	"Miljö och energi",
}

// NewFocusArea is what an official sends to add a focus area.
type NewFocusArea struct {
	Name string `json:"name" validate:"required,max=100"`
}

// FocusArea validates the request and returns the area to store.
func (n NewFocusArea) FocusArea() (FocusArea, error) {
	n.Name = strings.TrimSpace(n.Name)
	v := &ValidationError{}
	Check(v, n)
	slug := Slugify(n.Name)
	if n.Name != "" && slug == "" {
		v.Add("name", "Namnet behöver minst en bokstav eller siffra")
	}
	if err := v.Err(); err != nil {
		return FocusArea{}, err
	}
	return FocusArea{Slug: slug, Name: n.Name}, nil
}

// Kinds of a focus area in the forum's matrix of the villages' plans.
const (
	AreaCommon            = "common"             // in at least half the plans, ranked alike (within 1)
	AreaRankedDifferently = "ranked_differently" // in at least half the plans, ranks more than 1 apart
	AreaUnique            = "unique"             // in one village's plan only
	AreaSome              = "some"               // in fewer than half, more than one
)

// VillageRanks is one village's current plan as the matrix needs it: the
// rank of each focus area it names (focus area id → rank, 1 = first).
type VillageRanks struct {
	Village string
	Ranks   map[string]int
}

// AreaRow is one focus area of the matrix.
type AreaRow struct {
	FocusArea string         `json:"focus_area"`
	Villages  map[string]int `json:"villages"`
	// Share is the share of the villages with a plan that name the area.
	Share float64 `json:"share"`
	Kind  string  `json:"kind"`
}

// FocusMatrix compares the villages' current plans focus area by focus
// area. Rows come most shared first, then by the best mean rank, then by id.
func FocusMatrix(plans []VillageRanks) []AreaRow {
	rows := map[string]*AreaRow{}
	for _, p := range plans {
		for area, rank := range p.Ranks {
			r := rows[area]
			if r == nil {
				r = &AreaRow{FocusArea: area, Villages: map[string]int{}}
				rows[area] = r
			}
			r.Villages[p.Village] = rank
		}
	}
	out := make([]AreaRow, 0, len(rows))
	mean := map[string]float64{}
	for _, r := range rows {
		lo, hi, sum := 0, 0, 0
		for _, rank := range r.Villages {
			if lo == 0 || rank < lo {
				lo = rank
			}
			hi = max(hi, rank)
			sum += rank
		}
		n := len(r.Villages)
		r.Share = float64(n) / float64(len(plans))
		mean[r.FocusArea] = float64(sum) / float64(n)
		half := 2*n >= len(plans)
		switch {
		case n == 1 && len(plans) > 1:
			r.Kind = AreaUnique
		case half && hi-lo <= 1:
			r.Kind = AreaCommon
		case half:
			r.Kind = AreaRankedDifferently
		default:
			r.Kind = AreaSome
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if len(a.Villages) != len(b.Villages) {
			return len(a.Villages) > len(b.Villages)
		}
		if mean[a.FocusArea] != mean[b.FocusArea] {
			return mean[a.FocusArea] < mean[b.FocusArea]
		}
		return a.FocusArea < b.FocusArea
	})
	return out
}
