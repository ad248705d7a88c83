package survey

import (
	"math"
	"strconv"
)

// Tally is the running count of one village's responses to one survey. The
// comparison is computed from tallies, so it costs the same at a hundred or a
// hundred thousand responses. A tally always equals a recount of the stored
// responses (storage keeps it so; Recount checks it).
type Tally struct {
	Survey    string                   `json:"survey"`
	Village   string                   `json:"village"`
	Responses int                      `json:"responses"`
	Questions map[string]QuestionTally `json:"questions"`
}

// QuestionTally counts one village's answers to one question.
//
// Counts is keyed by category code: the option's index ("0", "1", …) for
// single and multi (each chosen option), the first-ranked option's index for
// rank, "1".."5" for likert, and NumberCode(value) for number. Text questions
// count only N. RankSums (rank only) is the sum of each option's positions
// (1 = best), keyed by option index.
type QuestionTally struct {
	N        int            `json:"n"`
	Counts   map[string]int `json:"counts,omitempty"`
	RankSums map[string]int `json:"rank_sums,omitempty"`
}

// Tally document paths, shared by Increments and by storage.
const (
	TallyResponses = "responses"
	tallyQuestions = "q"
)

// NumberCode is the category code of a number answer: the float's bits in
// hex, so that any value is a safe document key and decodes exactly.
func NumberCode(f float64) string {
	return "x" + strconv.FormatUint(math.Float64bits(f), 16)
}

// ParseNumberCode reverses NumberCode.
func ParseNumberCode(code string) (float64, bool) {
	if len(code) < 2 || code[0] != 'x' {
		return 0, false
	}
	bits, err := strconv.ParseUint(code[1:], 16, 64)
	if err != nil {
		return 0, false
	}
	return math.Float64frombits(bits), true
}

// Increments lists what one response adds to its village's tally, as
// document paths ("q.age.c.x4045…") and amounts, ready for an atomic $inc.
func Increments(s *Survey, answers map[string]Answer) map[string]int {
	inc := map[string]int{TallyResponses: 1}
	each(s, answers, func(key, part, _ string, n int) {
		inc[tallyQuestions+"."+key+"."+part] += n
	})
	return inc
}

// Add counts one response into t (used when recounting from scratch).
func (t *Tally) Add(s *Survey, answers map[string]Answer) {
	t.Responses++
	if t.Questions == nil {
		t.Questions = map[string]QuestionTally{}
	}
	each(s, answers, func(key, part, code string, n int) {
		qt := t.Questions[key]
		switch part[0] {
		case 'n':
			qt.N += n
		case 'c':
			if qt.Counts == nil {
				qt.Counts = map[string]int{}
			}
			qt.Counts[code] += n
		case 'r':
			if qt.RankSums == nil {
				qt.RankSums = map[string]int{}
			}
			qt.RankSums[code] += n
		}
		t.Questions[key] = qt
	})
}

// each walks the counts one response contributes: part is "n", "c.<code>" or
// "r.<option index>".
func each(s *Survey, answers map[string]Answer, f func(key, part, code string, n int)) {
	for i := range s.Questions {
		q := &s.Questions[i]
		a, ok := answers[q.Key]
		if !ok || a.empty() {
			continue
		}
		f(q.Key, "n", "", 1)
		count := func(code string) { f(q.Key, "c."+code, code, 1) }
		switch q.Type {
		case Single:
			count(strconv.Itoa(q.optionIndex(a.Option)))
		case Multi:
			for _, o := range a.Options {
				count(strconv.Itoa(q.optionIndex(o)))
			}
		case Rank:
			for pos, o := range a.Options {
				idx := strconv.Itoa(q.optionIndex(o))
				if pos == 0 {
					count(idx)
				}
				f(q.Key, "r."+idx, idx, pos+1)
			}
		case Likert:
			count(strconv.Itoa(int(*a.Number)))
		case Number:
			count(NumberCode(*a.Number))
		}
	}
}

// SameTally reports whether two tallies hold the same counts (empty and
// missing maps are the same).
func SameTally(a, b Tally) bool {
	if a.Responses != b.Responses || len(a.Questions) != len(b.Questions) {
		return false
	}
	for k, qa := range a.Questions {
		qb, ok := b.Questions[k]
		if !ok || qa.N != qb.N || !sameCounts(qa.Counts, qb.Counts) || !sameCounts(qa.RankSums, qb.RankSums) {
			return false
		}
	}
	return true
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, n := range a {
		if b[k] != n {
			return false
		}
	}
	return true
}
