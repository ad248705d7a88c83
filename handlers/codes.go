package handlers

import (
	"context"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"
)

// Errors of one-time codes: their own messages, the statuses of API.md.
var (
	errBadCode  = fmt.Errorf("engångskoden saknas eller stämmer inte: %w", survey.ErrForbidden)
	errUsedCode = fmt.Errorf("engångskoden är redan använd: %w", survey.ErrConflict)
	// errReplayedCode: the response was stored before, with another code.
	errReplayedCode = fmt.Errorf("svaret var redan sparat med en annan kod: %w", survey.ErrConflict)
)

// codeSheet is the one response that shows a village's fresh codes.
type codeSheet struct {
	Survey  *survey.Survey
	Village survey.Village
	Codes   []codeCard
}

// codeCard is one code on the printable sheet, with its link and QR code.
type codeCard struct {
	Code string
	Link string
	QR   template.URL
}

// makeCodes checks the request, makes the codes and audits their number
// (never the codes), for the API and the page alike.
func (s *server) makeCodes(cx context.Context, c *fiber.Ctx, id string, in survey.CodeRequest) (*survey.Survey, []string, error) {
	sv, err := s.surveys.Get(cx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := authorize(c, survey.ManageSurvey, sv.Villages...); err != nil {
		return nil, nil, err
	}
	if err := in.Check(sv); err != nil {
		return nil, nil, err
	}
	if err := authorize(c, survey.ManageSurvey, in.Village); err != nil {
		return nil, nil, err
	}
	codes, err := s.codes.Make(cx, sv.ID, in.Village, in.Count, s.now())
	if err != nil {
		return nil, nil, err
	}
	s.audit(cx, currentUser(c), survey.AuditCodesMade, sv.ID, fmt.Sprintf("%d koder för %s", len(codes), in.Village))
	return sv, codes, nil
}

// createCodes is POST /api/v1/surveys/{id}/codes {"village","count"}: the
// codes are in this response and nowhere else.
func (s *server) createCodes(c *fiber.Ctx) error {
	var in survey.CodeRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := context.WithTimeout(c.UserContext(), time.Minute)
	defer cancel()
	_, codes, err := s.makeCodes(cx, c, c.Params("id"), in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"codes": codes})
}

// checkSubmitLimit counts a response from the client's address to the
// survey and answers 429 past the limit a minute (the error handler and the
// phone page say Retry-After: 60, the longest wait a fixed minute needs). It
// counts in memory (submitLimiter): no database round trip, and nothing about
// the address stored.
func (s *server) checkSubmitLimit(c *fiber.Ctx, surveyID string) error {
	if s.cfg.SubmitLimit < 0 {
		return nil
	}
	if n, ok := s.submits.allow(surveyID, c.IP(), s.cfg.SubmitLimit, s.now()); !ok {
		return fmt.Errorf("%d svar på en minut: %w", n, survey.ErrTooMany)
	}
	return nil
}

// baseURL is the service's public address for links printed on paper and in
// QR codes: Config.PublicURL, else the address the browser used.
func (s *server) baseURL(c *fiber.Ctx) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/")
	}
	return c.Protocol() + "://" + c.Hostname()
}

// phoneLink is the phone page of the survey for the village, with a code.
func (s *server) phoneLink(c *fiber.Ctx, surveyID, village, code string) string {
	link := s.baseURL(c) + "/s/" + url.PathEscape(surveyID) + "/" + url.PathEscape(village)
	if code != "" {
		link += "?code=" + url.QueryEscape(code)
	}
	return link
}

// shortLink is the short link of the survey's village as printed: the
// public host and /e/CODE, without the scheme (browsers add it).
func (s *server) shortLink(cx context.Context, c *fiber.Ctx, surveyID, village string) (string, error) {
	code, err := s.shortLinks.Ensure(cx, surveyID, village)
	if err != nil {
		return "", err
	}
	base := s.baseURL(c)
	if i := strings.Index(base, "://"); i >= 0 {
		base = base[i+3:]
	}
	return base + "/e/" + code, nil
}

// listShortLinks is GET /api/v1/surveys/{id}/short-links: the short link of
// each village of the survey the caller manages, to print.
func (s *server) listShortLinks(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.loadManaged(cx, c)
	if err != nil {
		return err
	}
	type link struct {
		Village string `json:"village"`
		Code    string `json:"code"`
		URL     string `json:"url"`
	}
	out := make([]link, 0, len(sv.Villages))
	for _, v := range sv.Villages {
		code, err := s.shortLinks.Ensure(cx, sv.ID, v)
		if err != nil {
			return err
		}
		out = append(out, link{Village: v, Code: code, URL: s.baseURL(c) + "/e/" + code})
	}
	return c.JSON(fiber.Map{"links": out})
}

// shortLinkRedirect is GET /e/{code}: the phone page of the survey's
// village, its query (a code) kept. Typed in any case, with or without a
// dash; an unknown link is the phone page's 404.
func (s *server) shortLinkRedirect(c *fiber.Ctx) error {
	code := survey.NormalizeShortLink(c.Params("code"))
	if code == "" {
		return fmt.Errorf("kort länk %q: %w", c.Params("code"), survey.ErrNotFound)
	}
	cx, cancel := ctx(c)
	defer cancel()
	l, err := s.shortLinks.Resolve(cx, code)
	if err != nil {
		return err
	}
	to := "/s/" + url.PathEscape(l.Survey) + "/" + url.PathEscape(l.Village)
	if q := string(c.Request().URI().QueryString()); q != "" {
		to += "?" + q
	}
	return c.Redirect(to, fiber.StatusFound)
}

// qrDataURI draws a QR code of text as an inline PNG (the CSP allows data:
// images), medium error correction so a creased letter still scans.
// The result is marked safe for src: it is our own PNG, never user input.
func qrDataURI(text string, size int) template.URL {
	png, err := qrcode.Encode(text, qrcode.Medium, size)
	if err != nil {
		return ""
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
}

// parseCount reads a form's count field.
func parseCount(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
