package handlers

import (
	"strings"
	"testing"
)

func TestOpenAPIDescribesEveryAPIRoute(t *testing.T) {
	ta := newTestApp(t)
	code, b := ta.do("GET", "/api/openapi.json", "", nil)
	if code != 200 {
		t.Fatalf("got %d; want 200", code)
	}
	doc := decode[struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}](t, b)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("got openapi %q; want 3.x", doc.OpenAPI)
	}
	for _, r := range ta.app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/") || r.Method == "HEAD" {
			continue
		}
		path := pathParam.ReplaceAllString(r.Path, "{$1}")
		if doc.Paths[path][strings.ToLower(r.Method)] == nil {
			t.Errorf("got no operation for %s %s; want one", r.Method, path)
		}
	}
	if _, ok := doc.Paths["/api/v1/surveys/{id}/responses"]["post"]["security"]; !ok {
		t.Error("got the resident's submission marked as needing a token; want it public")
	}
}
