package handlers

import (
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

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
}

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
	for k, v := range flat {
		if s, ok := v.(string); ok {
			english[k] = s
		}
	}
	return catalogs{sv: i18n.NewLocalizer(bundle, "sv"), en: i18n.NewLocalizer(bundle, "en"), english: english}
}

// translate returns the text in the language: Swedish unless English is chosen.
func translate(lang, sv string) string {
	if lang == "en" {
		if en, ok := catalog.english[sv]; ok {
			return en
		}
	}
	return sv
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
