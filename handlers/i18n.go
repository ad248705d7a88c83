package handlers

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/forankra/forankra/survey"

	"github.com/gofiber/fiber/v2"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Pages are written in Swedish, and a Swedish text is its own message id:
// locales/en.json holds the English for each, locales/sv.json only the
// Swedish plural forms. Both are message catalogs of go-i18n, which applies
// CLDR's plural rules ("1 tidigare version", "3 tidigare versioner"). A text
// without an English entry is shown in Swedish; TestEveryTextHasEnglish fails
// for any text of a page or template that lacks one.
//
//go:embed locales/*.json
var localeFiles embed.FS

// catalog is the messages of both languages, loaded once.
var catalog = loadCatalog()

type catalogs struct {
	sv, en *i18n.Localizer
	// english is the flat part of the English catalog (Swedish → English),
	// for the fast path of plain texts.
	english map[string]string
	// patterns are the texts with {{.Value}} slots ("Får vara högst
	// {{.Value}} tecken"), for messages built with values.
	patterns []pattern
}

// pattern matches a Swedish message built with values and gives its
// English, the values in the same order.
type pattern struct {
	re *regexp.Regexp
	en string
	// literal is how many of the text's bytes are not slots.
	literal int
}

// slot is where a value goes in a catalog text.
const slot = "{{.Value}}"

func loadCatalog() catalogs {
	bundle := i18n.NewBundle(language.Swedish)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, name := range []string{"locales/sv.json", "locales/en.json"} {
		if _, err := bundle.LoadMessageFileFS(localeFiles, name); err != nil {
			panic(fmt.Sprintf("meddelandekatalog %s: %v", name, err))
		}
	}
	flat := map[string]any{}
	b, _ := localeFiles.ReadFile("locales/en.json")
	if err := json.Unmarshal(b, &flat); err != nil {
		panic(fmt.Sprintf("meddelandekatalog en.json: %v", err))
	}
	english := map[string]string{}
	var patterns []pattern
	for k, v := range flat {
		s, ok := v.(string)
		if !ok {
			continue
		}
		english[k] = s
		if strings.Contains(k, slot) {
			expr := "^" + strings.ReplaceAll(regexp.QuoteMeta(k), regexp.QuoteMeta(slot), "(.+?)") + "$"
			patterns = append(patterns, pattern{re: regexp.MustCompile(expr), en: s, literal: len(k) - strings.Count(k, slot)*len(slot)})
		}
	}
	// The most specific text first, by its fixed letters: "Får vara högst
	// {{.Value}} tecken" wins over "Får vara högst {{.Value}}", and
	// "{{.Value}}: 1 svar" (one response) over "{{.Value}}: {{.Value}} svar".
	sort.Slice(patterns, func(i, j int) bool {
		if patterns[i].literal != patterns[j].literal {
			return patterns[i].literal > patterns[j].literal
		}
		return patterns[i].re.String() < patterns[j].re.String()
	})
	return catalogs{sv: i18n.NewLocalizer(bundle, "sv"), en: i18n.NewLocalizer(bundle, "en"), english: english, patterns: patterns}
}

// translate returns the text in the language: Swedish unless English is
// chosen. A message built with values ("Får vara högst 200 tecken") is
// found through its pattern in the catalog, its values kept.
func translate(lang, sv string) string {
	if lang != "en" {
		return sv
	}
	if en, ok := catalog.english[sv]; ok {
		return en
	}
	for _, p := range catalog.patterns {
		m := p.re.FindStringSubmatch(sv)
		if m == nil {
			continue
		}
		// A value may be a text of the catalog itself (a method's label in
		// "Remissvar: … (Styrelsebeslut)"); names and numbers stay.
		en := p.en
		for _, v := range m[1:] {
			if tv, ok := catalog.english[v]; ok {
				v = tv
			}
			en = strings.Replace(en, slot, v, 1)
		}
		return en
	}
	return sv
}

// translateFields returns the field errors in the language.
func translateFields(lang string, fields []survey.FieldError) []survey.FieldError {
	if lang != "en" {
		return fields
	}
	out := make([]survey.FieldError, len(fields))
	for i, f := range fields {
		out[i] = survey.FieldError{Field: f.Field, Message: translate(lang, f.Message)}
	}
	return out
}

// apiLang is the language of API answers: English when the request asks
// for it with ?lang=en or an Accept-Language that prefers English to
// Swedish; Swedish otherwise.
func apiLang(c *fiber.Ctx) string {
	switch c.Query("lang") {
	case "en":
		return "en"
	case "sv":
		return "sv"
	}
	tags, _, err := language.ParseAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage))
	if err != nil {
		return "sv"
	}
	for _, t := range tags {
		base, _ := t.Base()
		switch base.String() {
		case "en":
			return "en"
		case "sv":
			return "sv"
		}
	}
	return "sv"
}

// translateN returns the plural message id for count n in the language,
// with {{.Count}} replaced by n: "{{.Count}} tidigare versioner" gives
// "1 tidigare version" and "3 tidigare versioner".
func translateN(lang, id string, n int) string {
	loc := catalog.sv
	if lang == "en" {
		loc = catalog.en
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: map[string]int{"Count": n}})
	if err != nil {
		return strings.ReplaceAll(id, "{{.Count}}", strconv.Itoa(n))
	}
	return s
}

// lang is the page language: the "lang" cookie, else Swedish.
func lang(c *fiber.Ctx) string {
	if c.Cookies("lang") == "en" {
		return "en"
	}
	return "sv"
}

// setLang stores the chosen language and goes back to the page it came from.
func setLang(c *fiber.Ctx) error {
	code := c.Params("code")
	if code != "sv" && code != "en" {
		return fiber.ErrNotFound
	}
	c.Cookie(&fiber.Cookie{Name: "lang", Value: code, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: "Lax", HTTPOnly: true})
	back := safeNext(c.Query("back", "/"), "/") // also refuses "/\t/evil", which browsers read as "//evil"
	return c.Redirect(back, fiber.StatusSeeOther)
}
