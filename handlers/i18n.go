package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// Pages are written in Swedish; english holds the English for each Swedish
// text. A text without an entry is shown in Swedish.
var english = map[string]string{
	"Förankra":                        "Förankra",
	"Byarnas röst i kommunens beslut": "The villages' voice in the municipality's decisions",
	"Öppna enkäter":                   "Open surveys",
	"Inga öppna enkäter just nu.":     "No open surveys right now.",
	"Välj din by och svara på enkäten. Du behöver inget konto och vi sparar inga personuppgifter.": "Choose your village and answer the survey. You need no account and we store no personal data.",
	"Svara för":    "Answer for",
	"Skicka svar":  "Send answers",
	"obligatorisk": "required",
	"Frågor markerade med * måste besvaras.": "Questions marked with * must be answered.",
	"Rätta det här innan du skickar:":        "Please correct this before sending:",
	"Tack för dina svar!":                    "Thank you for your answers!",
	"Dina svar är sparade.":                  "Your answers are saved.",
	"Tillbaka till startsidan":               "Back to the start page",
	"Hoppa till innehållet":                  "Skip to content",
	"Huvudmeny":                              "Main menu",
	"Förslag och remisser":                   "Proposals and remisses",
	"Administration":                         "Administration",
	"Något gick inte som tänkt":              "Something went wrong",
	"Felkod":                                 "Error code",
	"Instämmer inte alls":                    "Strongly disagree",
	"Tar delvis avstånd":                     "Partly disagree",
	"Varken eller":                           "Neither agree nor disagree",
	"Instämmer delvis":                       "Partly agree",
	"Instämmer helt":                         "Strongly agree",
	"Sidan finns inte":                       "The page does not exist",
	"Adressen stämmer inte, eller så finns sidan inte längre.":                              "The address is wrong, or the page no longer exists.",
	"Kontrollera att länken är rätt skriven, eller gå till startsidan och välj din by där.": "Check that the link is typed correctly, or go to the start page and choose your village there.",
	"Enkäten är stängd":                "The survey is closed",
	"Enkäten tar inte emot fler svar.": "The survey takes no more answers.",
	"På startsidan ser du de enkäter som är öppna för din by. Har du frågor om enkäten, kontakta din byrepresentant eller kommunen.": "The start page shows the surveys open to your village. If you have questions about the survey, contact your village representative or the municipality.",
	"Till Att göra": "To the to-do page",
	"Välj plats för varje alternativ (1 = först).": "Give each option a place (1 = first).",
	"Plats":                          "Place",
	"Välj högst":                     "Choose at most",
	"Välj ett eller flera.":          "Choose one or more.",
	"Högst":                          "At most",
	"tecken":                         "characters",
	"Tal från":                       "Number from",
	"till":                           "to",
	"Engångskod":                     "One-time code",
	"Koden finns på brevet du fått.": "The code is on the letter you received.",
	"Vi sparar inga personuppgifter med ditt svar.": "We store no personal data with your answer.",
	"Enkäten är stängd.":                            "The survey is closed.",
	"English":                                       "Svenska",
	"Välj":                                          "Choose",
	"svar":                                          "answers",
	"Logga in":                                      "Sign in",
	"Logga ut":                                      "Sign out",
}

// translate returns the text in the language: Swedish unless English is chosen.
func translate(lang, sv string) string {
	if lang == "en" {
		if en, ok := english[sv]; ok {
			return en
		}
	}
	return sv
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
