package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"html/template"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// swedishTexts collects the texts that pages show through the catalog: the
// literals given to t and tn in the templates, and in the Go files the
// literals given to translate, translateN, render (the title) and
// renderError (the message), the constants named notice…, and the labels.
func swedishTexts(t *testing.T) map[string]string {
	t.Helper()
	texts := map[string]string{}
	call := regexp.MustCompile(`\{\{-?\s*tn? \$L "((?:[^"\\]|\\.)*)"`)
	err := fs.WalkDir(templateFS, "templates", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFS.ReadFile(name)
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			s, err := strconv.Unquote(`"` + m[1] + `"`)
			if err != nil {
				t.Errorf("%s: %q: %v", name, m[1], err)
			}
			texts[s] = name
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	literal := func(e ast.Expr, where string) {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			texts[s] = where
		}
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				id, ok := n.Fun.(*ast.Ident)
				if !ok {
					return true
				}
				arg := map[string]int{"translate": 1, "translateN": 1, "render": 3, "renderError": 2}
				if i, ok := arg[id.Name]; ok && len(n.Args) > i {
					literal(n.Args[i], fset.Position(n.Pos()).String())
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if strings.HasPrefix(id.Name, "notice") && i < len(n.Values) {
						literal(n.Values[i], fset.Position(n.Pos()).String())
					}
				}
			}
			return true
		})
	}
	for _, sv := range labels {
		texts[sv] = "labels"
	}
	return texts
}

func TestEveryTextHasEnglish(t *testing.T) {
	texts := swedishTexts(t)
	if len(texts) < 100 {
		t.Fatalf("found %d texts; want the pages' texts (is the scan broken?)", len(texts))
	}
	var missing []string
	for sv, where := range texts {
		if strings.Contains(sv, "{{.Count}}") {
			if got := translateN("en", sv, 2); got == strings.ReplaceAll(sv, "{{.Count}}", "2") {
				missing = append(missing, where+": "+strconv.Quote(sv)+" (plural)")
			}
			continue
		}
		if _, ok := catalog.english[sv]; !ok {
			missing = append(missing, where+": "+strconv.Quote(sv))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no English in locales/en.json for %s", m)
	}
}

func TestPluralsFollowCLDR(t *testing.T) {
	tests := []struct {
		lang, id string
		n        int
		want     string
	}{
		{"sv", "{{.Count}} tidigare versioner", 1, "1 tidigare version"},
		{"sv", "{{.Count}} tidigare versioner", 3, "3 tidigare versioner"},
		{"sv", "{{.Count}} tidigare versioner", 0, "0 tidigare versioner"},
		{"en", "{{.Count}} tidigare versioner", 1, "1 earlier version"},
		{"en", "{{.Count}} tidigare versioner", 2, "2 earlier versions"},
		{"sv", "{{.Count}} dagar kvar", 1, "1 dag kvar"},
		{"en", "{{.Count}} dagar kvar", 5, "5 days left"},
		{"en", "{{.Count}} svar", 1, "1 answer"},
		{"sv", "en text utan katalogpost {{.Count}}", 4, "en text utan katalogpost 4"},
	}
	for _, tt := range tests {
		if got := translateN(tt.lang, tt.id, tt.n); got != tt.want {
			t.Errorf("translateN(%s, %q, %d): got %q; want %q", tt.lang, tt.id, tt.n, got, tt.want)
		}
	}
}

func TestTemplatesCallPluralsWithTheirIDs(t *testing.T) {
	tpl := template.Must(template.New("x").Funcs(template.FuncMap{"tn": translateN}).Parse(`{{tn .L "{{.Count}} dagar kvar" .N}}`))
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{{"sv", 1, "1 dag kvar"}, {"sv", 12, "12 dagar kvar"}, {"en", 1, "1 day left"}} {
		var b strings.Builder
		if err := tpl.Execute(&b, map[string]any{"L": tt.lang, "N": tt.n}); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("%s, %d: got %q; want %q", tt.lang, tt.n, b.String(), tt.want)
		}
	}
}
