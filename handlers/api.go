package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

func (s *server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

func (s *server) readyz(c *fiber.Ctx) error {
	cx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(cx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "error": "Databasen svarar inte"})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}

// tokenTTL is how long an API token is valid.
const tokenTTL = 30 * 24 * time.Hour

type credentials struct {
	Email    string `json:"email" validate:"required,max=200"`
	Password string `json:"password" validate:"required,max=200"`
}

func (s *server) createToken(c *fiber.Ctx) error {
	var in credentials
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v := &survey.ValidationError{}
	survey.Check(v, in)
	if err := v.Err(); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	u, err := s.signIn(cx, c, in.Email, in.Password)
	if err != nil {
		return err
	}
	token, err := s.tokens.Create(cx, u.ID, s.now(), tokenTTL)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": token, "expires": s.now().Add(tokenTTL).UTC().Format(time.RFC3339)})
}

func (s *server) revokeToken(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	token, _ := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if err := s.tokens.Revoke(cx, token); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *server) listVillages(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	vs, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	return c.JSON(vs)
}

func (s *server) createVillage(c *fiber.Ctx) error {
	var in survey.NewVillage
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := in.Village(s.now())
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	if err := s.villages.Create(cx, v); err != nil {
		if errors.Is(err, survey.ErrConflict) {
			return fieldError("slug", "Det finns redan en by med kortnamnet "+v.Slug)
		}
		return err
	}
	s.audit(cx, currentUser(c), survey.AuditVillageAdded, v.Slug, v.Name)
	return c.Status(fiber.StatusCreated).JSON(v)
}

// fieldError is a 422 about one field.
func fieldError(field, msg string) error {
	v := &survey.ValidationError{}
	v.Add(field, msg)
	return v
}

// checkVillagesExist refuses a definition naming unknown villages.
func (s *server) checkVillagesExist(cx context.Context, slugs []string) error {
	if len(slugs) == 0 {
		return nil
	}
	missing, err := s.villages.Missing(cx, slugs)
	if err != nil {
		return err
	}
	v := &survey.ValidationError{}
	for i, slug := range slugs {
		for _, m := range missing {
			if m == slug {
				v.Add(fmt.Sprintf("villages[%d]", i), "Byn finns inte: "+slug)
			}
		}
	}
	return v.Err()
}

func (s *server) createSurvey(c *fiber.Ctx) error {
	var d survey.Definition
	if err := decodeJSON(c, &d); err != nil {
		return err
	}
	if err := d.Check(); err != nil {
		return err
	}
	if err := authorize(c, survey.ManageSurvey, d.Villages...); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	if err := s.checkVillagesExist(cx, d.Villages); err != nil {
		return err
	}
	sv := &survey.Survey{Status: survey.Draft, CreatedBy: currentUser(c).ID, Created: s.now().UTC()}
	if err := sv.Apply(d); err != nil {
		return err
	}
	if err := s.surveys.Create(cx, sv); err != nil {
		return err
	}
	s.audit(cx, currentUser(c), survey.AuditSurveyCreated, sv.ID, sv.Title)
	zero := 0
	sv.Responses = &zero
	return c.Status(fiber.StatusCreated).JSON(sv)
}

// definitionInput is the body of PUT /api/v1/surveys/{id}: the whole
// definition, and the revision it was made on.
type definitionInput struct {
	survey.Definition
	Revision *int `json:"revision"`
}

func (s *server) updateSurvey(c *fiber.Ctx) error {
	var in definitionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d := in.Definition
	if err := d.Check(); err != nil {
		return err
	}
	want, err := sentRevision(c, in.Revision)
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.surveys.Get(cx, c.Params("id"))
	if err != nil {
		return err
	}
	// Both the villages it had and those it gets must be the user's.
	if err := authorize(c, survey.ManageSurvey, append(append([]string{}, sv.Villages...), d.Villages...)...); err != nil {
		return err
	}
	if err := checkRevision(sv, want); err != nil {
		return s.surveyConflict(c, cx, sv.ID, err)
	}
	if err := s.checkVillagesExist(cx, d.Villages); err != nil {
		return err
	}
	if err := sv.Apply(d); err != nil {
		return err
	}
	if err := s.surveys.Save(cx, sv); err != nil {
		return s.surveyConflict(c, cx, sv.ID, err)
	}
	s.cache.forget(sv.ID)
	return c.JSON(sv)
}

func (s *server) getSurvey(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.surveys.Get(cx, c.Params("id"))
	if err != nil {
		return err
	}
	if currentUser(c) == nil {
		if sv.Status != survey.Open {
			return survey.ErrNotFound // drafts are not public
		}
		return c.JSON(sv)
	}
	if err := authorize(c, survey.ReadSurveyResults, sv.Villages...); err != nil {
		return err
	}
	n, err := s.responses.Count(cx, sv.ID)
	if err != nil {
		return err
	}
	sv.Responses = &n
	return c.JSON(sv)
}

func (s *server) listSurveys(c *fiber.Ctx) error {
	f := storage.SurveyFilter{Village: c.Query("village"), Status: c.Query("status")}
	if f.Status != "" && f.Status != survey.Draft && f.Status != survey.Open && f.Status != survey.Closed {
		return malformed("status", "Status ska vara draft, open eller closed")
	}
	if u := currentUser(c); u.Role == survey.RoleRepresentative {
		f.Villages = u.Villages // a representative sees their own villages' surveys
	}
	cx, cancel := ctx(c)
	defer cancel()
	list, err := s.surveys.List(cx, f)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// transition opens or closes a survey; If-Match may name the revision the
// client saw.
func (s *server) transition(c *fiber.Ctx, change func(*survey.Survey, time.Time) error) error {
	want, err := sentRevision(c, nil)
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.changeStatus(cx, c, c.Params("id"), want, change)
	if err != nil {
		return s.surveyConflict(c, cx, c.Params("id"), err)
	}
	return c.JSON(sv)
}

// changeStatus opens or closes a survey for the API and the pages alike,
// and notes it in the audit log. It goes through the same revision claim as
// every other save: of a publish and an edit made at once one lands.
func (s *server) changeStatus(cx context.Context, c *fiber.Ctx, id string, want *int, change func(*survey.Survey, time.Time) error) (*survey.Survey, error) {
	sv, err := s.surveys.Get(cx, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(c, survey.ManageSurvey, sv.Villages...); err != nil {
		return nil, err
	}
	if err := checkRevision(sv, want); err != nil {
		return nil, err
	}
	if sv.Status == survey.Draft {
		if err := sv.ReadyToOpen(); err != nil {
			return nil, err
		}
	}
	before := sv.Status
	if err := change(sv, s.now()); err != nil {
		return nil, err
	}
	if err := s.surveys.Save(cx, sv); err != nil {
		return nil, err
	}
	s.cache.forget(sv.ID)
	action := survey.AuditSurveyOpened
	switch {
	case sv.Status == survey.Closed:
		action = survey.AuditSurveyClosed
	case before == survey.Closed:
		action = survey.AuditSurveyReopened
	}
	s.audit(cx, currentUser(c), action, sv.ID, sv.Title)
	return sv, nil
}

func (s *server) openSurvey(c *fiber.Ctx) error  { return s.transition(c, (*survey.Survey).Open) }
func (s *server) closeSurvey(c *fiber.Ctx) error { return s.transition(c, (*survey.Survey).Close) }

// maxIdempotencyKey is the longest Idempotency-Key accepted.
const maxIdempotencyKey = 200

func (s *server) createResponse(c *fiber.Ctx) error {
	// Announce the submission now, so that the batch being gathered waits
	// for it while it is parsed and checked.
	ticket := s.committer.Hold()
	defer ticket.Release()
	key := c.Get("Idempotency-Key")
	if len(key) > maxIdempotencyKey || !utf8.ValidString(key) {
		return malformed("Idempotency-Key", fmt.Sprintf("Nyckeln får vara högst %d tecken", maxIdempotencyKey))
	}
	var in survey.ResponseInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.cache.get(cx, s, c.Params("id"))
	if err != nil {
		return err
	}
	if sv.Status == survey.Draft {
		return survey.ErrNotFound
	}
	if err := s.checkSubmitLimit(c, sv.ID); err != nil {
		return err
	}
	id, err := s.submit(cx, ticket, sv, in.Village, survey.ChannelAPI, key, in.Code, func() (map[string]survey.Answer, error) {
		if in.Answers == nil {
			return nil, malformed("answers", "Svaren saknas")
		}
		return sv.ParseAnswers(in.Answers)
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": id})
}

// submit is the one way a response is stored, from the API, the phone page
// and the paper page alike: the village must belong to the open survey, the
// answers must be valid, a survey with access "code" takes one response per
// one-time code (useCode), and a retry with the same key stores nothing new.
func (s *server) submit(cx context.Context, ticket *storage.Ticket, sv *survey.Survey, village, channel, key, code string, parse func() (map[string]survey.Answer, error)) (string, error) {
	if village == "" {
		return "", fieldError("village", "Ange vilken by svaret gäller")
	}
	if !sv.HasVillage(village) {
		return "", fieldError("village", "Byn ingår inte i enkäten")
	}
	if err := sv.Accepting(village); err != nil {
		return "", err
	}
	answers, err := parse()
	needCode := sv.Access == survey.AccessCode && (channel != survey.ChannelPaper || code != "")
	if needCode && strings.TrimSpace(code) == "" {
		var verr *survey.ValidationError
		if errors.As(err, &verr) {
			verr.Add("code", "Skriv in engångskoden från brevet")
			return "", verr.Err()
		}
		if err == nil {
			return "", errBadCode
		}
	}
	if err != nil {
		return "", err
	}
	r := &survey.Response{ID: storage.ResponseID(sv.ID, key), Survey: sv.ID, Village: village,
		Channel: channel, Answers: answers, Submitted: s.now().UTC()}
	fresh := false
	if needCode {
		if fresh, err = s.codes.Claim(cx, sv.ID, village, code, r.ID, s.now()); err != nil {
			switch {
			case errors.Is(err, survey.ErrForbidden):
				return "", errBadCode
			case errors.Is(err, survey.ErrConflict):
				return "", errUsedCode
			}
			return "", err
		}
	}
	// A retry must be the same request: another body under the key is a
	// client's mistake, not a retry, and must not be taken as stored.
	created, err := ticket.Submit(cx, storage.Submission{Survey: sv, Response: r,
		SameRequest: key != "" && channel == survey.ChannelAPI})
	if errors.Is(err, storage.ErrKeyReused) {
		err = fieldError("Idempotency-Key", "Nyckeln har redan använts för ett annat svar. Skicka samma svar igen eller använd en ny nyckel")
	}
	if err != nil || needCode && fresh && !created {
		if needCode {
			// Free the code for another try; if even this fails, the sweep does it.
			rcx, cancel := context.WithTimeout(context.WithoutCancel(cx), 5*time.Second)
			_ = s.codes.Release(rcx, sv.ID, code, r.ID)
			cancel()
		}
		if err == nil {
			// A replayed form (its nonce, so its response, stored before) with
			// another code: these answers are not stored, so the code stays
			// unused.
			return "", errReplayedCode
		}
		return "", err
	}
	if needCode {
		_ = s.codes.Confirm(cx, sv.ID, code, r.ID) // an unconfirmed claim with its response stored is confirmed by the sweep
	}
	return r.ID, nil
}
