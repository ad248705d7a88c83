package handlers

import (
	"bytes"
	"encoding/csv"
	"maps"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/forankra/forankra/survey"
	"github.com/xuri/excelize/v2"
)

// readCSV reads a file the service wrote, checking the choices every CSV
// file shares: a UTF-8 BOM and ";" between cells.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(utf8BOM)) {
		t.Errorf("got a CSV file without a UTF-8 BOM; want one")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte(utf8BOM))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	return rows
}

func TestWriteCSVDefusesEveryCellThatCouldBeAFormula(t *testing.T) {
	tests := []struct {
		name string
		cell any
		want string
	}{
		{"an equals sign", "=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"},
		{"a plus sign", "+1+2", "'+1+2"},
		{"a minus sign before text", "-cmd", "'-cmd"},
		{"an at sign", "@SUM(A1)", "'@SUM(A1)"},
		{"a tab", "\t=1", "'\t=1"},
		{"a carriage return", "\r=1", "'\r=1"},
		{"a formula after a semicolon stays inside its quoted cell", "a;=1", "a;=1"},
		{"a negative number stays a number", -3.5, "-3,5"},
		{"a negative whole number stays a number", -2, "-2"},
		{"plain Swedish text", "Åsa äter öl", "Åsa äter öl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := readCSV(t, writeCSV([]string{"=rubrik", "svar"}, [][]any{{"x", tt.cell}}))
			if len(rows) != 2 || len(rows[1]) != 2 {
				t.Fatalf("got %q; want a header and one row of two cells", rows)
			}
			if rows[0][0] != "'=rubrik" {
				t.Errorf("got header %q; want '=rubrik", rows[0][0])
			}
			// encoding/csv drops a carriage return inside a cell as it reads.
			if got, want := rows[1][1], strings.ReplaceAll(tt.want, "\r", ""); got != want {
				t.Errorf("got %q; want %q", got, want)
			}
		})
	}
}

func TestFormatDecimalKeepsSignificantDigits(t *testing.T) {
	tests := []struct {
		name string
		x    float64
		want string
	}{
		{"a tiny p-value is not rounded to zero", 1.08e-74, "1,08E-74"},
		{"an everyday p-value has six decimals", 0.0612345678, "0,061235"},
		{"zero is zero", 0, "0"},
		{"a whole mean has no decimals", 3, "3"},
		{"a huge mean is not +Inf", 1e308, "1E+308"},
		{"a negative huge number keeps its sign", -1.5e300, "-1,5E+300"},
		{"infinity is an empty cell", math.Inf(1), ""},
		{"NaN is an empty cell", math.NaN(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatDecimal(tt.x); got != tt.want {
				t.Errorf("formatDecimal(%g): got %q; want %q", tt.x, got, tt.want)
			}
			if got := formatDecimal(tt.x); got != "" && got[0] == '-' && safeCell(got) != got {
				t.Errorf("safeCell(%q): got %q; want the number untouched", got, safeCell(got))
			}
		})
	}
}

func TestResponsesExportShowsOthersOnlyWhatMinNAllows(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user(survey.RoleAdmin)
	id := ta.fourVillageSurvey(admin)
	day := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	tests := []struct {
		name     string
		reader   account
		rows     map[string]int // rows per village
		withText map[string]bool
	}{
		{"an administrator gets every row and all free text", ta.account(survey.RoleAdmin),
			map[string]int{"alvby": 60, "bergsjo": 50, "karrtorp": 40, "dalen": 3},
			map[string]bool{"alvby": true, "bergsjo": true, "karrtorp": true, "dalen": true}},
		{"a representative of Älvby gets no row of Dalen (3 < min_n) and only Älvby's free text", ta.account(survey.RoleRepresentative, "alvby"),
			map[string]int{"alvby": 60, "bergsjo": 50, "karrtorp": 40},
			map[string]bool{"alvby": true}},
		{"a representative of Dalen gets Dalen's own rows and text, others without text", ta.account(survey.RoleRepresentative, "dalen"),
			map[string]int{"alvby": 60, "bergsjo": 50, "karrtorp": 40, "dalen": 3},
			map[string]bool{"dalen": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/api/v1/surveys/" + id + "/responses.csv", "/enkater/" + id + "/svar.csv"} {
				var code int
				var b []byte
				if strings.HasPrefix(path, "/api/") {
					code, b = ta.do("GET", path, tt.reader.token, nil)
				} else {
					code, b, _ = ta.page("GET", path, tt.reader, nil) // the session cookie alone
				}
				if code != http.StatusOK {
					t.Fatalf("%s: got %d %s; want 200", path, code, b)
				}
				rows := readCSV(t, b)
				col := map[string]int{}
				for i, h := range rows[0] {
					col[h] = i
				}
				got, text := map[string]int{}, map[string]bool{}
				for _, r := range rows[1:] {
					got[r[col["by"]]]++
					if r[col["ovrigt"]] != "" {
						text[r[col["by"]]] = true
					}
					if !day.MatchString(r[col["inskickat"]]) {
						t.Errorf("%s: got time %q; want the day only", path, r[col["inskickat"]])
					}
				}
				if !maps.Equal(got, tt.rows) {
					t.Errorf("%s: got rows per village %v; want %v", path, got, tt.rows)
				}
				if !maps.Equal(text, tt.withText) {
					t.Errorf("%s: got free text from %v; want from %v", path, text, tt.withText)
				}
			}
		})
	}
	t.Run("the XLSX beside the CSV has the same rows, numbers as numbers", func(t *testing.T) {
		code, b, h := ta.page("GET", "/enkater/"+id+"/svar.xlsx", ta.account(survey.RoleRepresentative, "alvby"), nil)
		if code != http.StatusOK || h.Get("Content-Type") != mimeXLSX {
			t.Fatalf("got %d %s; want 200 %s", code, h.Get("Content-Type"), mimeXLSX)
		}
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Svar")
		if err != nil {
			t.Fatal(err)
		}
		if got := len(rows); got != 151 {
			t.Errorf("got %d rows; want 151 (a header and 150, none of Dalen)", got)
		}
		typ, err := f.GetCellType("Svar", "A2")
		if err != nil {
			t.Fatal(err)
		}
		if typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
			t.Errorf("got row number stored as text; want a number")
		}
	})
}

func TestSurveyPageLinksToItsResultsAndDownloads(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user(survey.RoleAdmin)
	id := ta.fourVillageSurvey(admin)
	official := ta.account(survey.RoleOfficial)
	code, page, _ := ta.page("GET", "/enkater/"+id, official, nil)
	if code != http.StatusOK {
		t.Fatalf("got %d; want 200", code)
	}
	for _, href := range []string{"/forum/surveys/" + id, "/enkater/" + id + "/svar.csv", "/enkater/" + id + "/svar.xlsx",
		"/forum/surveys/" + id + "/comparison.csv", "/forum/surveys/" + id + "/comparison.xlsx"} {
		if !strings.Contains(string(page), `href="`+href+`"`) {
			t.Errorf("got a survey page without a link to %s; want one", href)
			continue
		}
		if code, b, _ := ta.page("GET", href, official, nil); code != http.StatusOK {
			t.Errorf("%s with the session: got %d %.100s; want 200", href, code, b)
		}
	}
}

// TestCSVOpensInLibreOfficeWithColumnsSplit converts a CSV file as the
// service writes it to XLSX with LibreOffice headless (Swedish locale) and
// reads it back: the columns are split at ";", å/ä/ö are intact, decimal
// commas are numbers and a defused formula is text. It skips only when
// soffice is missing outside CI.
func TestCSVOpensInLibreOfficeWithColumnsSplit(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("soffice is missing; .ci/run installs libreoffice-calc-nogui")
		}
		t.Skip("soffice is missing (apt-get install libreoffice-calc-nogui)")
	}
	dir := t.TempDir()
	header := []string{"by", "kommentar", "tal", "formel"}
	rows := [][]any{
		{"Älvby", "Skön sjö; bra väg", 7.5, "=1+1"},
		{"Kärrtorp", "Åsa, Örjan", -3.25, "@SUM(A1)"},
	}
	if err := os.WriteFile(filepath.Join(dir, "svar.csv"), writeCSV(header, rows), 0o600); err != nil {
		t.Fatal(err)
	}
	// CSV filter: ';' (59) between cells, '"' (34) around them, UTF-8 (76),
	// from line 1, standard columns, Swedish (1053) numbers.
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profil"), "--headless",
		"--infilter=CSV:59,34,76,1,,1053", "--convert-to", "xlsx", "--outdir", dir, filepath.Join(dir, "svar.csv"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "svar.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	got, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"by", "kommentar", "tal", "formel"},
		{"Älvby", "Skön sjö; bra väg", "7.5", "'=1+1"},
		{"Kärrtorp", "Åsa, Örjan", "-3.25", "'@SUM(A1)"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows %q; want %d", len(got), got, len(want))
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d: got %q; want %q", i+1, got[i], want[i])
		}
	}
	for _, cell := range []string{"C2", "C3"} {
		if typ, _ := f.GetCellType(sheet, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s: got a text cell; want a number", cell)
		}
	}
	for _, cell := range []string{"D2", "D3"} {
		if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
			t.Errorf("%s: got formula %q; want text", cell, formula)
		}
	}
}

func TestFreeTextPageIsForReadersOfEveryVillageWithoutVillageOrOrder(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user(survey.RoleAdmin)
	id := ta.fourVillageSurvey(admin) // four texts a village; Dalen has 3 responses, under min_n
	tests := []struct {
		name   string
		reader account
		code   int
	}{
		{"an official reads the pooled free text", ta.account(survey.RoleOfficial), http.StatusOK},
		{"a forum member reads the pooled free text", ta.account(survey.RoleForum), http.StatusOK},
		{"a representative of every village reads it", ta.account(survey.RoleRepresentative, "alvby", "bergsjo", "karrtorp", "dalen"), http.StatusOK},
		{"a representative of one village is refused in Swedish", ta.account(survey.RoleRepresentative, "alvby"), http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b, _ := ta.page("GET", "/enkater/"+id+"/fritext", tt.reader, nil)
			if code != tt.code {
				t.Fatalf("got %d; want %d", code, tt.code)
			}
			page := string(b)
			if code != http.StatusOK {
				if !strings.Contains(page, "alla enkätens byar") {
					t.Errorf("got a refusal without the Swedish reason")
				}
				return
			}
			items := regexp.MustCompile(`<li>(Hälsningar från [^<]+)</li>`).FindAllStringSubmatch(page, -1)
			var got []string
			for _, m := range items {
				got = append(got, m[1])
			}
			// Three villages reach min_n: 12 answers, sorted, not grouped
			// in the order they came; Dalen's are left out.
			if len(got) != 12 || !slices.IsSorted(got) {
				t.Errorf("got answers %q; want 12 in alphabetical order", got)
			}
			if strings.Contains(page, "Hälsningar från Dalen") {
				t.Errorf("got Dalen's answers (3 responses < min_n 5); want them left out")
			}
			if !strings.Contains(page, "utelämnade") {
				t.Errorf("got no note that answers were left out; want one")
			}
		})
	}
	t.Run("the survey page links to it only for readers of every village", func(t *testing.T) {
		for _, r := range []struct {
			reader account
			want   bool
		}{{ta.account(survey.RoleOfficial), true}, {ta.account(survey.RoleRepresentative, "alvby"), false}} {
			_, b, _ := ta.page("GET", "/enkater/"+id, r.reader, nil)
			if got := strings.Contains(string(b), `href="/enkater/`+id+`/fritext"`); got != r.want {
				t.Errorf("%s: got a link %v; want %v", r.reader.user.Role, got, r.want)
			}
		}
	})
}
