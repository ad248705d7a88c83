package handlers

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// utf8BOM makes Excel with Swedish settings read the file as UTF-8.
const utf8BOM = "\ufeff"

// responsesCSV streams one row a response: one column per question, one per
// option for multi (1 = chosen) and rank (the option's position). No
// personal data is stored, so none is exported.
func (s *server) responsesCSV(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	sv, err := s.surveys.Get(cx, c.Params("id"))
	cancel()
	if err != nil {
		return err
	}
	if !survey.Can(currentUser(c), survey.ReadSurveyResults, sv.Villages...) {
		return survey.ErrForbidden
	}
	header, row := csvColumns(sv)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="svar-%s.csv"`, sv.ID))
	c.Set(fiber.HeaderCacheControl, "no-store")
	// Read everything before answering, so a database fault is a clean error
	// rather than a truncated file.
	var b strings.Builder
	b.WriteString(utf8BOM)
	w := csv.NewWriter(&b)
	_ = w.Write(header)
	cx, cancel = ctx(c)
	defer cancel()
	err = s.responses.Each(cx, sv.ID, func(r survey.Response) error { return w.Write(row(r)) })
	if err != nil {
		return err
	}
	w.Flush()
	return c.SendStream(bufio.NewReader(strings.NewReader(b.String())))
}

// csvColumns returns the header and a function that turns a response into a row.
func csvColumns(sv *survey.Survey) ([]string, func(survey.Response) []string) {
	header := []string{"id", "by", "kanal", "inskickat"}
	for _, q := range sv.Questions {
		switch q.Type {
		case survey.Multi, survey.Rank:
			for _, o := range q.Options {
				header = append(header, q.Key+": "+o)
			}
		default:
			header = append(header, q.Key)
		}
	}
	return header, func(r survey.Response) []string {
		row := []string{r.ID, r.Village, r.Channel, r.Submitted.In(survey.Stockholm).Format("2006-01-02 15:04:05")}
		for _, q := range sv.Questions {
			a, ok := r.Answers[q.Key]
			switch q.Type {
			case survey.Multi, survey.Rank:
				for _, o := range q.Options {
					cell := ""
					for i, chosen := range a.Options {
						if chosen == o {
							if q.Type == survey.Multi {
								cell = "1"
							} else {
								cell = strconv.Itoa(i + 1)
							}
						}
					}
					if ok && cell == "" && q.Type == survey.Multi {
						cell = "0"
					}
					row = append(row, cell)
				}
			case survey.Single:
				row = append(row, a.Option)
			case survey.Likert, survey.Number:
				if a.Number != nil {
					row = append(row, survey.FormatNumber(*a.Number))
				} else {
					row = append(row, "")
				}
			default:
				row = append(row, safeCell(a.Text))
			}
		}
		return row
	}
}

// safeCell defuses spreadsheet formulas in free text (CSV injection).
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
