package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
)

// maxMinN is the largest min_n a caller may ask for: far above any village.
const maxMinN = 100000

// comparedSurvey is a survey with its comparison, computed from the
// villages' tallies (one small document a village), never from the
// responses themselves, so it costs the same at any number of responses.
type comparedSurvey struct {
	Survey     *survey.Survey
	Comparison survey.Comparison
	// Responses is the number of responses counted in the tallies.
	Responses int
}

// minN reads ?min_n=. A caller may raise the configured minimum, never lower
// it: the minimum protects the residents of small villages.
func (s *server) minN(c *fiber.Ctx) (int, error) {
	raw := c.Query("min_n")
	if raw == "" {
		return s.cfg.MinN, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, malformed("min_n", "min_n ska vara ett heltal")
	}
	if n < s.cfg.MinN {
		return 0, fieldError("min_n", fmt.Sprintf("min_n får inte vara lägre än %d: det skyddar små byar", s.cfg.MinN))
	}
	if n > maxMinN {
		return 0, fieldError("min_n", fmt.Sprintf("min_n får vara högst %d", maxMinN))
	}
	return n, nil
}

// compare loads the survey named by the route, checks that the signed-in
// user may take the action on it, and compares its villages.
func (s *server) compare(c *fiber.Ctx, action survey.Action) (*comparedSurvey, error) {
	minN, err := s.minN(c)
	if err != nil {
		return nil, err
	}
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.surveys.Get(cx, c.Params("id"))
	if err != nil {
		return nil, err
	}
	if !survey.Can(currentUser(c), action, sv.Villages...) {
		return nil, survey.ErrForbidden
	}
	tallies, err := s.responses.Tallies(cx, sv.ID)
	if err != nil {
		return nil, err
	}
	villages, err := s.villages.List(cx)
	if err != nil {
		return nil, err
	}
	cs := &comparedSurvey{Survey: sv, Comparison: survey.Compare(sv, villages, tallies, minN)}
	for _, t := range tallies {
		cs.Responses += t.Responses
	}
	return cs, nil
}

// etag is a strong validator of everything drawn from the comparison: it
// changes with every counted response, with the survey's questions and with
// min_n, and is the same on every instance of the service.
func etag(parts ...any) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, p := range parts {
		_ = enc.Encode(p)
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// notModified sets the ETag and reports whether the client already holds
// this version (then a 304 has been sent).
func notModified(c *fiber.Ctx, tag string) bool {
	c.Set(fiber.HeaderETag, tag)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	if c.Get(fiber.HeaderIfNoneMatch) == tag {
		c.Status(fiber.StatusNotModified)
		return true
	}
	return false
}

// comparison answers GET /api/v1/surveys/{id}/comparison, and with
// download set the same JSON as a file (comparison.json).
func (s *server) comparison(download bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cs, err := s.compare(c, survey.ReadSurveyResults)
		if err != nil {
			return err
		}
		if notModified(c, etag(cs.Comparison)) {
			return nil
		}
		if download {
			c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="jamforelse-%s.json"`, cs.Survey.ID))
		}
		return c.JSON(cs.Comparison)
	}
}

// comparisonHeader names the columns of the comparison exports: one row a
// figure of a village, in long form so that a spreadsheet can pivot it.
var comparisonHeader = []string{"fråga", "frågetext", "typ", "utfall", "majoritet", "konsensus",
	"chi2", "df", "p", "cramers_v", "cramers_v_korrigerad", "h", "epsilon2",
	"by", "n", "visas", "mått", "kategori", "värde", "styrka", "utfall_text"}

// verdictLabels say each verdict of the exports in plain Swedish, next to
// its code.
var verdictLabels = map[string]string{
	survey.VerdictDiffer:       "byarna svarar olika",
	survey.VerdictAgree:        "byarna är överens",
	survey.VerdictUnclear:      "för få svar för att säga om byarna tycker lika",
	survey.VerdictInsufficient: "för få svar för att jämföra",
	survey.VerdictNone:         "fritext jämförs inte",
}

// comparisonRows lays the comparison out as rows of strings, ints and
// float64s (nil for an empty cell). A village that is not shown has one row
// with its n and no figures: no breakdown below min_n.
func comparisonRows(cmp survey.Comparison, sv *survey.Survey) [][]any {
	var rows [][]any
	for _, q := range cmp.Questions {
		question := []any{q.Key, q.Prompt, q.Type, q.Verdict, strOrNil(q.Majority), floatOrNil(q.Consensus),
			floatOrNil(q.Chi2), intOrNil(q.DF), floatOrNil(q.P), floatOrNil(q.CramersV), floatOrNil(q.CramersVCorrected),
			floatOrNil(q.H), floatOrNil(q.Epsilon2)}
		verdict := []any{floatOrNil(q.Power), verdictLabels[q.Verdict]}
		def := sv.Question(q.Key)
		for _, v := range q.Villages {
			village := append(append([]any{}, question...), v.Slug, v.N)
			if !v.Shown {
				rows = append(rows, append(append(village, "nej", nil, nil, nil), verdict...))
				continue
			}
			figure := func(measure, category string, value float64) {
				rows = append(rows, append(append(append([]any{}, village...), "ja", measure, category, value), verdict...))
			}
			for _, cat := range shareCategories(q.Type, def) {
				if share, ok := v.Shares[cat]; ok {
					figure("andel", cat, share)
				}
			}
			if v.Disagree != nil {
				figure("instämmer inte (1–2)", "", *v.Disagree)
			}
			if v.Agree != nil {
				figure("instämmer (4–5)", "", *v.Agree)
			}
			if v.Mean != nil {
				figure("medel", "", *v.Mean)
			}
			if v.Median != nil {
				figure("median", "", *v.Median)
			}
			if def != nil {
				for _, o := range def.Options {
					if r, ok := v.MeanRank[o]; ok {
						figure("medelplacering", o, r)
					}
				}
			}
		}
	}
	return rows
}

// shareCategories lists the keys of a question's shares in display order.
func shareCategories(typ string, q *survey.Question) []string {
	if typ == survey.Likert {
		return []string{"1", "2", "3", "4", "5"}
	}
	if q == nil {
		return nil
	}
	return q.Options
}

func strOrNil(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func floatOrNil(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func intOrNil(i *int) any {
	if i == nil {
		return nil
	}
	return *i
}

// comparisonCSV answers GET /api/v1/surveys/{id}/comparison.csv.
func (s *server) comparisonCSV(c *fiber.Ctx) error {
	cs, err := s.compare(c, survey.ReadSurveyResults)
	if err != nil {
		return err
	}
	return sendExport(c, "csv", "jamforelse-"+cs.Survey.ID, "Jämförelse", comparisonHeader, comparisonRows(cs.Comparison, cs.Survey))
}

// comparisonXLSX answers GET /api/v1/surveys/{id}/comparison.xlsx: the rows
// of the CSV with real numbers, and the participation per village on a
// second sheet. Excel opens it the same in every locale.
func (s *server) comparisonXLSX(c *fiber.Ctx) error {
	cs, err := s.compare(c, survey.ReadSurveyResults)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	const figures, participation = "Jämförelse", "Deltagande"
	if err := f.SetSheetName("Sheet1", figures); err != nil {
		return err
	}
	if _, err := f.NewSheet(participation); err != nil {
		return err
	}
	put := func(sheet string, r int, row []any) error { return putXLSXRow(f, sheet, r, row) }
	header := make([]any, len(comparisonHeader))
	for i, h := range comparisonHeader {
		header[i] = h
	}
	if err := put(figures, 1, header); err != nil {
		return err
	}
	for i, row := range comparisonRows(cs.Comparison, cs.Survey) {
		if err := put(figures, i+2, row); err != nil {
			return err
		}
	}
	if err := put(participation, 1, []any{"by", "namn", "svar", "invånare", "svar per 100 invånare"}); err != nil {
		return err
	}
	for i, v := range cs.Comparison.Villages {
		row := []any{v.Slug, v.Name, v.N, nil, floatOrNil(v.Per100)}
		if v.Population > 0 {
			row[3] = v.Population
		}
		if err := put(participation, i+2, row); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, mimeXLSX)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="jamforelse-%s.xlsx"`, cs.Survey.ID))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b.Bytes())
}
