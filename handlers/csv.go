package handlers

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
)

// Every CSV file the service writes is made by writeCSV, for Swedish Excel
// and LibreOffice: UTF-8 with a byte order mark, ";" between cells, CRLF
// line ends, numbers with a decimal comma, and every text cell a spreadsheet
// would read as a formula defused. Beside every CSV file is an XLSX file of
// the same rows, with numbers as numbers (writeXLSX).

// utf8BOM makes Excel with Swedish settings read the file as UTF-8.
const utf8BOM = "\ufeff"

// mimeXLSX is the content type of an Excel workbook.
const mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// writeCSV writes a header and rows whose cells are nil, string, int or
// float64.
func writeCSV(header []string, rows [][]any) []byte {
	var b bytes.Buffer
	b.WriteString(utf8BOM)
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.UseCRLF = true
	cells := make([]string, len(header))
	for i, h := range header {
		cells[i] = safeCell(h)
	}
	_ = w.Write(cells)
	for _, row := range rows {
		cells = cells[:0]
		for _, v := range row {
			cells = append(cells, csvCell(v))
		}
		_ = w.Write(cells)
	}
	w.Flush()
	return b.Bytes()
}

// writeXLSX writes the same rows as writeCSV to a one-sheet workbook.
func writeXLSX(sheet string, header []string, rows [][]any) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	hs := make([]any, len(header))
	for i, h := range header {
		hs[i] = h
	}
	if err := putXLSXRow(f, sheet, 1, hs); err != nil {
		return nil, err
	}
	for i, row := range rows {
		if err := putXLSXRow(f, sheet, i+2, row); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// putXLSXRow writes row r of a sheet, text defused as in the CSV files and
// numbers that are not finite left empty.
func putXLSXRow(f *excelize.File, sheet string, r int, row []any) error {
	cells := make([]any, len(row))
	for i, v := range row {
		switch x := v.(type) {
		case string:
			v = safeCell(x)
		case float64:
			if math.IsInf(x, 0) || math.IsNaN(x) {
				v = nil
			}
		}
		cells[i] = v
	}
	cell, _ := excelize.CoordinatesToCellName(1, r)
	return f.SetSheetRow(sheet, cell, &cells)
}

// sendExport answers with the rows as a CSV or XLSX file named name plus
// the format's extension.
func sendExport(c *fiber.Ctx, format, name, sheet string, header []string, rows [][]any) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if format == "xlsx" {
		b, err := writeXLSX(sheet, header, rows)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, mimeXLSX)
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
		return c.Send(b)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	return c.Send(writeCSV(header, rows))
}

// csvCell writes a cell: numbers with a decimal comma, text defused.
func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return safeCell(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return formatDecimal(x)
	}
	return safeCell(fmt.Sprint(v))
}

// formatDecimal writes a figure with a decimal comma: rounded to six
// decimals in the everyday range, and with its significant digits in
// scientific notation outside it, so that a p-value of 1.08e-74 is not
// written as 0 and a mean near 1e308 is not written as +Inf. Numbers that
// are not finite are empty cells.
func formatDecimal(x float64) string {
	switch a := math.Abs(x); {
	case math.IsInf(x, 0) || math.IsNaN(x):
		return ""
	case a == 0 || a >= 1e-4 && a < 1e15:
		return survey.FormatNumber(math.Round(x*1e6) / 1e6)
	default:
		return strings.Replace(strconv.FormatFloat(x, 'E', -1, 64), ".", ",", 1)
	}
}

// csvNumber is a cell that spreadsheets read as a number and never as a
// formula, although it may start with a minus sign.
var csvNumber = regexp.MustCompile(`^-?[0-9]+(,[0-9]+)?(E[-+][0-9]+)?$`)

// safeCell defuses spreadsheet formulas (CSV injection): a cell that starts
// with = + - @, a tab or a carriage return gets a leading apostrophe, unless
// it is a plain number.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) && !csvNumber.MatchString(s) {
		return "'" + s
	}
	return s
}

// responsesExport answers GET responses.csv and responses.xlsx: one row a
// response, one column per question, one per option for multi (1 = chosen)
// and rank (the option's position). No personal data is stored, so none is
// exported, and the rows say no more than the day of each response. A reader
// of only some of the survey's villages gets no row of another village with
// fewer than min_n responses, and free text only for their own villages.
func (s *server) responsesExport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cx, cancel := ctx(c)
		defer cancel()
		sv, err := s.surveys.Get(cx, c.Params("id"))
		if err != nil {
			return err
		}
		u := currentUser(c)
		if err := authorize(c, survey.ReadSurveyResults, sv.Villages...); err != nil {
			return err
		}
		var responses []survey.Response
		n := map[string]int{}
		err = s.responses.Each(cx, sv.ID, func(r survey.Response) error {
			responses = append(responses, r)
			n[r.Village]++
			return nil
		})
		if err != nil {
			return err
		}
		header, row := responseColumns(sv)
		rows := make([][]any, 0, len(responses))
		for _, r := range responses {
			own := u.Role != survey.RoleRepresentative || u.HasVillage(r.Village)
			if !own && n[r.Village] < s.cfg.MinN {
				continue
			}
			rows = append(rows, row(len(rows)+1, r, own))
		}
		return sendExport(c, format, "svar-"+sv.ID, "Svar", header, rows)
	}
}

// responseColumns returns the header and a function that turns a response
// into a row; withText false leaves free text out.
func responseColumns(sv *survey.Survey) ([]string, func(nr int, r survey.Response, withText bool) []any) {
	header := []string{"nr", "by", "kanal", "inskickat"}
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
	return header, func(nr int, r survey.Response, withText bool) []any {
		row := []any{nr, r.Village, r.Channel, r.Submitted.In(survey.Stockholm).Format("2006-01-02")}
		for _, q := range sv.Questions {
			a, ok := r.Answers[q.Key]
			switch q.Type {
			case survey.Multi, survey.Rank:
				for _, o := range q.Options {
					var cell any
					for i, chosen := range a.Options {
						if chosen == o {
							if q.Type == survey.Multi {
								cell = 1
							} else {
								cell = i + 1
							}
						}
					}
					if ok && cell == nil && q.Type == survey.Multi {
						cell = 0
					}
					row = append(row, cell)
				}
			case survey.Single:
				row = append(row, a.Option)
			case survey.Likert, survey.Number:
				if a.Number != nil {
					row = append(row, *a.Number)
				} else {
					row = append(row, nil)
				}
			default:
				if withText {
					row = append(row, a.Text)
				} else {
					row = append(row, nil)
				}
			}
		}
		return row
	}
}
