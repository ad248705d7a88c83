package handlers

import (
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// chartFor is the img of a question's chart on the forum's page; nil until
// package charts is wired in.
func chartFor(c *fiber.Ctx, cs *comparedSurvey, q survey.QuestionComparison) *chartRef {
	return nil
}
