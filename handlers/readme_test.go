package handlers

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEListsEveryRoute keeps the README's route tables true: every route
// the app serves appears there, written with {name} for a parameter
// (`/remisser/{id}/diagram.{format}`), and every route written there is served.
func TestREADMEListsEveryRoute(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	param := regexp.MustCompile(`:([a-z]+)`)
	served := map[string]bool{}
	for _, r := range newTestApp(t).app.GetRoutes(true) {
		if r.Method == "HEAD" || r.Path == "/" && r.Method != "GET" {
			continue
		}
		p := param.ReplaceAllString(r.Path, "{$1}")
		served[p] = true
		if !regexp.MustCompile("`(?:[A-Z]+(?:/[A-Z]+)* )?" + regexp.QuoteMeta(p) + "`").MatchString(readme) {
			t.Errorf("README: %s %s is served but not listed (write it as `%s`)", r.Method, r.Path, p)
		}
	}
	listed := regexp.MustCompile("`(?:(?:GET|POST|PUT|PATCH|DELETE)(?:/(?:GET|POST|PUT|PATCH|DELETE))* )?(/(?:api|enkater|forslag|remisser|forum|admin|s|byar|logga|konto|att-gora|glomt|inbjudan)[^` ]*)`")
	for _, m := range listed.FindAllStringSubmatch(readme, -1) {
		p := strings.SplitN(m[1], "?", 2)[0]
		if !served[p] && !strings.Contains(p, "…") {
			t.Errorf("README lists `%s`, which the app does not serve", p)
		}
	}
}

// TestDocsNameOnlyFilesInTheRepository keeps the README and docs/ pointing at
// what a user of the project has: every Markdown link to a local file and
// every file name written in backticks (`survey/policy.go`, `BENCHMARKS.md`)
// exists in the checkout.
func TestDocsNameOnlyFilesInTheRepository(t *testing.T) {
	docs, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	docs = append(docs, "../README.md", "../BENCHMARKS.md")
	link := regexp.MustCompile(`\]\(([^)#:]+)(?:#[^)]*)?\)`)
	named := regexp.MustCompile("`((?:[a-z0-9_.-]+/)*[A-Za-z0-9_-]+\\.(?:md|go))`|\\b([A-Z]+\\.md)\\b")
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Dir(doc)
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			if _, err := os.Stat(filepath.Join(dir, m[1])); err != nil {
				t.Errorf("%s links to %s, which is not in the repository", doc, m[1])
			}
		}
		for _, m := range named.FindAllStringSubmatch(string(b), -1) {
			name := m[1] + m[2]
			if exists(filepath.Join("..", name)) || exists(filepath.Join(dir, name)) || exists(filepath.Join("..", "docs", name)) {
				continue
			}
			t.Errorf("%s names %s, which is not in the repository", doc, name)
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
