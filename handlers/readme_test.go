package handlers

import (
	"os"
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
