package handlers

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// publicAPI lists the API routes that answer without signing in; every
// other /api route needs a bearer token.
var publicAPI = map[string]bool{
	"POST /api/v1/tokens":                true,
	"GET /api/v1/surveys/:id":            true,
	"POST /api/v1/surveys/:id/responses": true,
	"GET /api/openapi.json":              true,
	"GET /api/v1/departments/stats":      true,
	// Timeline and the yearly report.
	"GET /api/v1/villages/:slug/timeline": true,
	"GET /api/v1/public/reports/:year":    true,
	// Bygdepeng: the public money.
	"GET /api/v1/public/funds/:year":         true,
	"GET /api/v1/public/funds/:year.:format": true,
	"GET /e/:code":                           true,
}

// documentedPages are the routes outside /api that clients follow too, so
// the description lists them: the short link of a code sheet.
var documentedPages = map[string]string{
	"GET /e/:code": "302 to the phone page of the survey's village (/s/{survey}/{village}), the query kept; 404 for an unknown link",
}

// openAPIDoc serves the description, built once on first use (when every
// route is registered).
func (s *server) openAPIDoc(app *fiber.App) fiber.Handler {
	var once sync.Once
	var doc fiber.Map
	return func(c *fiber.Ctx) error {
		once.Do(func() { doc = openAPI(app) })
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
		return c.JSON(doc)
	}
}

var pathParam = regexp.MustCompile(`:([a-z_]+)`)

// openAPI builds the OpenAPI 3 description of the API from the routes the
// app really serves, so the document cannot drift from the code. Request and
// response bodies are described in prose in API.md; here every operation has
// its parameters, its security and the one error shape.
func openAPI(app *fiber.App) fiber.Map {
	paths := map[string]fiber.Map{}
	seen := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		key := r.Method + " " + r.Path
		page, isPage := documentedPages[key]
		if (!strings.HasPrefix(r.Path, "/api/") && !isPage) || r.Method == fiber.MethodHead || r.Method == fiber.MethodOptions {
			continue
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		path := pathParam.ReplaceAllString(r.Path, "{$1}")
		var params []fiber.Map
		for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
			params = append(params, fiber.Map{"name": m[1], "in": "path", "required": true, "schema": fiber.Map{"type": "string"}})
		}
		op := fiber.Map{
			"operationId": strings.ToLower(r.Method) + strings.NewReplacer("/", "_", ":", "", ".", "_", "{", "", "}", "").Replace(strings.TrimPrefix(r.Path, "/api")),
			"responses": fiber.Map{
				"2XX":     fiber.Map{"description": "OK"},
				"4XX":     fiber.Map{"description": "Refused: see the error", "content": fiber.Map{"application/json": fiber.Map{"schema": fiber.Map{"$ref": "#/components/schemas/Error"}}}},
				"default": fiber.Map{"description": "Server or database fault", "content": fiber.Map{"application/json": fiber.Map{"schema": fiber.Map{"$ref": "#/components/schemas/Error"}}}},
			},
		}
		switch {
		case isPage:
			op["responses"].(fiber.Map)["2XX"] = fiber.Map{"description": page}
		case strings.HasSuffix(r.Path, ".csv"):
			op["responses"].(fiber.Map)["2XX"] = fiber.Map{"description": "UTF-8 with a BOM, ';' between cells, decimal commas",
				"content": fiber.Map{"text/csv": fiber.Map{"schema": fiber.Map{"type": "string"}}}}
		case strings.HasSuffix(r.Path, ".xlsx"):
			op["responses"].(fiber.Map)["2XX"] = fiber.Map{"description": "The rows of the CSV file as a workbook",
				"content": fiber.Map{mimeXLSX: fiber.Map{"schema": fiber.Map{"type": "string", "format": "binary"}}}}
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if publicAPI[key] {
			op["security"] = []fiber.Map{}
		}
		if r.Method == fiber.MethodPost || r.Method == fiber.MethodPut || r.Method == fiber.MethodPatch {
			op["requestBody"] = fiber.Map{"content": fiber.Map{"application/json": fiber.Map{"schema": fiber.Map{"type": "object"}}}}
		}
		if paths[path] == nil {
			paths[path] = fiber.Map{}
		}
		paths[path][strings.ToLower(r.Method)] = op
	}
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return fiber.Map{
		"openapi": "3.0.3",
		"info": fiber.Map{"title": "Förankra", "version": "1",
			"description": "Village surveys, remiss rounds and comparisons for a municipality's local development forum. The full contract, with every body, is in API.md."},
		"servers":  []fiber.Map{{"url": "/"}},
		"security": []fiber.Map{{"bearer": []string{}}},
		"paths":    paths,
		"components": fiber.Map{
			"securitySchemes": fiber.Map{"bearer": fiber.Map{"type": "http", "scheme": "bearer", "description": "POST /api/v1/tokens {email, password} → {token}"}},
			"schemas": fiber.Map{"Error": fiber.Map{
				"type":     "object",
				"required": []string{"error"},
				"properties": fiber.Map{
					"error": fiber.Map{"type": "string"},
					"errors": fiber.Map{"type": "array", "items": fiber.Map{"type": "object", "properties": fiber.Map{
						"field": fiber.Map{"type": "string"}, "message": fiber.Map{"type": "string"}}}},
				},
			}},
		},
	}
}
