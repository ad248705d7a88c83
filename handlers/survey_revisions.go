package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// A survey save names the revision it was made on: `revision` in the JSON
// body, or the header If-Match: "<revision>" (open and close have no body),
// or the form's hidden field on the pages. A save on another revision than
// the stored one, or one that loses the race to claim the next revision, is
// storage.ErrSurveyChanged: 409 with the survey as it is now, so that the
// client can show both and nothing typed is lost. Without a revision the one
// just read is used, which still makes two simultaneous saves one winner.

// errSurveyChangedText is what a stale survey save answers.
const errSurveyChangedText = "Enkäten har sparats av någon annan medan du arbetade. Din ändring sparades inte: jämför med den sparade versionen och gör om den"

// sentRevision is the revision a request says it was made on: body when
// given, else If-Match; nil when neither.
func sentRevision(c *fiber.Ctx, body *int) (*int, error) {
	if body != nil {
		return body, nil
	}
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || n < 0 {
		return nil, malformed("If-Match", "If-Match ska vara revisionen du utgick från, till exempel \"3\"")
	}
	return &n, nil
}

// formRevision is the revision a page's form was rendered at; nil when the
// form has none (or it is not a number).
func formRevision(c *fiber.Ctx) *int {
	n, err := strconv.Atoi(strings.TrimSpace(c.FormValue("revision")))
	if err != nil || n < 0 {
		return nil
	}
	return &n
}

// checkRevision is storage.ErrSurveyChanged when the request was made on a
// revision other than the one read.
func checkRevision(sv *survey.Survey, want *int) error {
	if want != nil && *want != sv.Revision {
		return fmt.Errorf("revision %d, sparad %d: %w", *want, sv.Revision, storage.ErrSurveyChanged)
	}
	return nil
}

// surveyConflict answers a stale save of the API: 409 whose body is the
// survey as it is now, with "error" and the survey again under "current"
// (as a stale plan save answers). Other errors pass through.
func (s *server) surveyConflict(c *fiber.Ctx, cx context.Context, id string, err error) error {
	if !errors.Is(err, storage.ErrSurveyChanged) {
		return err
	}
	cur, gerr := s.surveys.Get(cx, id)
	if gerr != nil {
		return gerr
	}
	return staleConflict(c, cur, translate(apiLang(c), errSurveyChangedText))
}
