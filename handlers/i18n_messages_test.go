package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// verb is a fmt verb, where a message built with Sprintf takes a value.
var verb = regexp.MustCompile(`%[-+# 0-9.]*[dsqvfg]`)

// notShown are the survey package's texts that are data or mail, not
// messages of a page or an API answer: the default focus areas (officials
// rename them), the copy's title, the Swedish mail to representatives.
var notShown = map[string]bool{"DefaultFocusAreas": true, "copyTitle": true, "Notice": true, "Reminder": true, "MatterNotice": true, "PlanAcknowledgedNotice": true}

// goMessages collects the texts Go code builds for pages and API answers:
// every message-like literal of the survey package (capital first, a
// space; not inside fmt.Errorf or errors.New, which never reach a user),
// with Sprintf verbs and concatenated values as {{.Value}} slots; in the
// handlers the messages given to fieldError, malformed and Add, and those
// status returns; in handlers and storage the refusals (survey.Refuse); the
// field names of error summaries.
func goMessages(t *testing.T) map[string]string {
	t.Helper()
	texts := map[string]string{}
	fset := token.NewFileSet()
	add := func(s string, pos token.Pos) {
		r := []rune(s)
		if len(r) == 0 || !unicode.IsUpper(r[0]) || !strings.Contains(s, " ") {
			return
		}
		texts[verb.ReplaceAllString(s, slot)] = fset.Position(pos).String()
	}
	// concat is a + chain of literals and values as one pattern.
	var concat func(e ast.Expr) (string, bool)
	concat = func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind != token.STRING {
				return slot, false
			}
			s, _ := strconv.Unquote(e.Value)
			return s, true
		case *ast.BinaryExpr:
			if e.Op != token.ADD {
				return slot, false
			}
			l, lok := concat(e.X)
			r, rok := concat(e.Y)
			return l + r, lok || rok
		}
		return slot, false
	}
	scan := func(f *ast.File, all bool) {
		skip := map[ast.Node]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if skip[n] {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncDecl:
				if notShown[n.Name.Name] {
					return false
				}
			case *ast.ValueSpec:
				for _, id := range n.Names {
					if notShown[id.Name] {
						return false
					}
				}
			case *ast.Field:
				if n.Tag != nil {
					skip[n.Tag] = true
				}
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); ok && (x.Name == "fmt" && fn.Sel.Name == "Errorf" || x.Name == "errors") {
						return false
					}
					name = fn.Sel.Name
				case *ast.Ident:
					name = fn.Name
				}
				if !all && (name == "Add" || name == "AddMalformed" || name == "fieldError" || name == "malformed") && len(n.Args) == 2 {
					if s, ok := concat(n.Args[1]); ok {
						add(s, n.Pos())
					}
				}
				// A refusal's message: survey.Refuse(sentinel, format, ...),
				// survey.RefuseField(sentinel, field, format, ...).
				if at := map[string]int{"Refuse": 1, "RefuseField": 2}[name]; !all && at > 0 && len(n.Args) > at {
					if s, ok := concat(n.Args[at]); ok {
						add(s, n.Pos())
					}
				}
			case *ast.BinaryExpr:
				if s, ok := concat(n); ok && all {
					add(s, n.Pos())
					return false
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING && all {
					s, _ := strconv.Unquote(n.Value)
					add(s, n.Pos())
				}
			}
			return true
		})
	}
	files, _ := filepath.Glob("../survey/*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "demo.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		scan(f, true)
	}
	handlers, _ := filepath.Glob("*.go")
	stores, _ := filepath.Glob("../storage/*.go") // their refusals reach users too
	for _, name := range append(handlers, stores...) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		scan(f, false)
		if name == "errors.go" {
			// The messages status and fiberMessage return.
			ast.Inspect(f, func(n ast.Node) bool {
				if fd, ok := n.(*ast.FuncDecl); ok && (fd.Name.Name == "status" || fd.Name.Name == "fiberMessage") {
					ast.Inspect(fd.Body, func(m ast.Node) bool {
						if r, ok := m.(*ast.ReturnStmt); ok {
							for _, e := range r.Results {
								if s, ok := concat(e); ok {
									add(s, r.Pos())
								}
							}
						}
						return true
					})
				}
				return true
			})
		}
	}
	for _, sv := range fieldNames {
		texts[sv] = "fieldNames"
	}
	return texts
}

func TestEveryGoBuiltMessageHasEnglish(t *testing.T) {
	texts := goMessages(t)
	if len(texts) < 100 {
		t.Fatalf("found %d texts; want the survey package's messages (is the scan broken?)", len(texts))
	}
	for _, want := range []string{"Får vara högst {{.Value}} tecken", "Talet får inte vara mindre än {{.Value}}", "Frågan måste besvaras", "Invånare"} {
		if _, ok := texts[want]; !ok {
			t.Errorf("the scan found no %q; want it (is the scan broken?)", want)
		}
	}
	var missing []string
	for sv, where := range texts {
		if _, ok := catalog.english[sv]; !ok {
			missing = append(missing, where+": "+strconv.Quote(sv))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no English in locales/en.json for %s", m)
	}
}

func TestMessagesBuiltWithValuesAreTranslatedWithTheirValues(t *testing.T) {
	for _, tt := range []struct{ lang, sv, want string }{
		{"en", "Får vara högst 200 tecken", "At most 200 characters"},
		{"en", "Får vara högst 5", "At most 5"},
		{"en", "Talet får inte vara mindre än 2,5", "The number may not be less than 2,5"},
		{"en", "Svaret får vara högst 500 tecken (nu 612)", "The answer may be at most 500 characters (now 612)"},
		{"en", "Busstider: 12 svar (4 per 100 invånare)", "Busstider: 12 responses (4 per 100 inhabitants)"},
		{"en", "Busstider: 12 svar", "Busstider: 12 responses"},
		{"en", "Busstider: 1 svar", "Busstider: 1 response"},
		{"en", "Busstider: 1 svar (0,3 per 100 invånare)", "Busstider: 1 response (0,3 per 100 inhabitants)"},
		{"en", "Busstider: 11 svar", "Busstider: 11 responses"},
		{"en", "Remissvar: Brygga (styrelsemöte)", "Remiss answer: Brygga (board meeting)"},
		{"sv", "Får vara högst 200 tecken", "Får vara högst 200 tecken"},
		{"en", "Ingen sådan text 12", "Ingen sådan text 12"},
	} {
		if got := translate(tt.lang, tt.sv); got != tt.want {
			t.Errorf("translate(%s, %q) = %q; want %q", tt.lang, tt.sv, got, tt.want)
		}
	}
}

func TestValidationMessagesFollowTheLanguageAsked(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	long := strings.Repeat("x", 201)
	body := map[string]any{"title": long, "villages": []string{}}
	for _, tt := range []struct {
		name, path string
		headers    []string
		want       string
	}{
		{"Swedish by default", "/api/v1/surveys", nil, "Får vara högst 200 tecken"},
		{"English with Accept-Language", "/api/v1/surveys", []string{"Accept-Language", "en-GB,en;q=0.9,sv;q=0.5"}, "At most 200 characters"},
		{"Swedish when Swedish is preferred", "/api/v1/surveys", []string{"Accept-Language", "sv-SE,en;q=0.5"}, "Får vara högst 200 tecken"},
		{"English with ?lang=en", "/api/v1/surveys?lang=en", nil, "At most 200 characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ta.do("POST", tt.path, admin, body, tt.headers...)
			if code != 422 {
				t.Fatalf("got %d %s; want 422", code, b)
			}
			e := decode[apiError](t, b)
			found := false
			for _, f := range e.Errors {
				if f.Field == "title" && f.Message == tt.want {
					found = true
				}
			}
			if !found {
				t.Errorf("got %s; want title: %q", b, tt.want)
			}
		})
	}
	t.Run("a page in English shows the field's message in English", func(t *testing.T) {
		a := ta.account("admin")
		code, b, _ := ta.page("POST", "/admin/byar", a, map[string][]string{"name": {""}}, "Cookie", "lang=en; "+sessionCookie+"="+a.session)
		if code != 422 {
			t.Fatalf("got %d; want 422", code)
		}
		for _, want := range []string{"Please correct this:", "Required"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("got no %q on the page", want)
			}
		}
		if strings.Contains(string(b), "Måste fyllas i") {
			t.Errorf("got the Swedish message on an English page")
		}
	})
}
