package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// villageSurveys is one village on the start page with its open surveys.
type villageSurveys struct {
	Village survey.Village
	Surveys []*survey.Survey
}

// startPage lists the open surveys per village.
func (s *server) startPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	villages, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	open, err := s.surveys.List(cx, storage.SurveyFilter{Status: survey.Open})
	if err != nil {
		return err
	}
	var list []villageSurveys
	for _, v := range villages {
		vs := villageSurveys{Village: v}
		for _, sv := range open {
			if sv.HasVillage(v.Slug) {
				vs.Surveys = append(vs.Surveys, sv)
			}
		}
		if len(vs.Surveys) > 0 {
			list = append(list, vs)
		}
	}
	return render(c, fiber.StatusOK, "start", "Öppna enkäter", list)
}

// phoneForm is the phone page's data: the survey, the resident's answers so
// far, and what was wrong with them.
type phoneForm struct {
	Survey    *survey.Survey
	Village   survey.Village
	Questions []questionView
	Errors    []errorLink
	Nonce     string
	Code      string
	Action    string
	// Token is the signed form token (see phoneToken).
	Token string
	// Paper marks the form as an official's entry of a paper response;
	// Saved says the previous one was stored.
	Paper bool
	Saved bool
	// Preview is staff's look at the page before it opens: no form token,
	// no autosave, and the send button disabled.
	Preview bool
	// Notice is a message above the form, e.g. when the database is away.
	Notice string
}

// questionView is one question with the resident's answer and its error.
type questionView struct {
	survey.Question
	Error    string
	Selected map[string]bool
	Value    string
	Ranks    []rankView
	MaxInt   int
}

// errorLink is one line of the error summary, linking to its question.
type errorLink struct {
	Anchor  string
	Label   string
	Message string
}

type rankView struct {
	Index int
	Label string
	Pos   int
}

// loadPhone finds the open survey and the village of a phone link: unknown or
// not open is 404, so drafts stay private; closed surveys say so.
func (s *server) loadPhone(c *fiber.Ctx) (*survey.Survey, survey.Village, error) {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.cache.get(cx, s, c.Params("survey"))
	if err != nil {
		return nil, survey.Village{}, err
	}
	if sv.Status == survey.Draft || !sv.HasVillage(c.Params("village")) {
		return nil, survey.Village{}, survey.ErrNotFound
	}
	v, err := s.villages.Get(cx, c.Params("village"))
	if err != nil {
		return nil, survey.Village{}, err
	}
	s.lastVillages.Store(v.Slug, v)
	if sv.Status != survey.Open {
		return nil, survey.Village{}, fmt.Errorf("enkäten är stängd: %w", survey.ErrClosed)
	}
	return sv, v, nil
}

func (s *server) phonePage(c *fiber.Ctx) error {
	sv, v, err := s.loadPhone(c)
	if err != nil {
		return err
	}
	f := newPhoneForm(c, sv, v, nil)
	f.Code = c.Query("code")
	if err := s.phoneToken(c, f); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "phone", sv.Title, f)
}

func (s *server) phoneSubmit(c *fiber.Ctx) error {
	ticket := s.committer.Hold()
	defer ticket.Release()
	form := formValues(c)
	sv, v, err := s.loadPhone(c)
	if errors.Is(err, survey.ErrUnavailable) {
		return s.phoneUnavailable(c, form, err)
	}
	if err != nil {
		return err
	}
	f := newPhoneForm(c, sv, v, form)
	f.Code = c.FormValue("code")
	nonce := c.FormValue("nonce")
	if len(nonce) > maxIdempotencyKey {
		nonce = ""
	}
	key := ""
	if nonce != "" {
		key = "form:" + nonce
	}
	cx, cancel := ctx(c)
	defer cancel()
	// Whatever goes wrong below, the form comes back with the answers and a
	// fresh token.
	if err := s.phoneToken(c, f); err != nil {
		return err
	}
	if s.crossSite(c) {
		return renderError(c, fiber.StatusForbidden, "Formuläret skickades från en annan webbplats och togs inte emot")
	}
	if ok, err := s.checkFormToken(cx, c.FormValue("_token"), "phone", phoneBinding(sv.ID, v.Slug, f.Nonce), phoneTokenTTL); err != nil {
		return err
	} else if !ok {
		f.Notice = "Formuläret hade hunnit bli för gammalt, så svaren skickades inte. Dina svar finns kvar här – kontrollera dem och tryck på Skicka svar igen."
		return render(c, fiber.StatusForbidden, "phone", sv.Title, f)
	}
	if err := s.checkSubmitLimit(c, sv.ID); errors.Is(err, survey.ErrTooMany) {
		c.Set(fiber.HeaderRetryAfter, "60")
		f.Notice = "Just nu kommer väldigt många svar från din uppkoppling. Vänta en minut och tryck sedan på Skicka svar igen – dina svar finns kvar här."
		return render(c, fiber.StatusTooManyRequests, "phone", sv.Title, f)
	} else if err != nil {
		return err
	}
	_, err = s.submit(cx, ticket, sv, v.Slug, survey.ChannelWeb, key, f.Code, func() (map[string]survey.Answer, error) {
		return sv.ParseForm(form)
	})
	var verr *survey.ValidationError
	switch {
	case errors.As(err, &verr):
		f.setErrors(verr.Fields)
		return render(c, fiber.StatusUnprocessableEntity, "phone", sv.Title, f)
	case errors.Is(err, errBadCode) && strings.TrimSpace(f.Code) == "":
		f.setErrors([]survey.FieldError{{Field: "code", Message: "Skriv in engångskoden från brevet."}})
		return render(c, fiber.StatusForbidden, "phone", sv.Title, f)
	case errors.Is(err, errBadCode):
		f.setErrors([]survey.FieldError{{Field: "code", Message: "Koden stämmer inte. Kontrollera den mot brevet – bokstäverna O, I och L och siffrorna 0 och 1 förekommer inte."}})
		return render(c, fiber.StatusForbidden, "phone", sv.Title, f)
	case errors.Is(err, errReplayedCode):
		// A new nonce: sending again stores these answers with this code.
		f.Nonce = storage.RandomSecret(16)
		if err := s.phoneToken(c, f); err != nil {
			return err
		}
		f.Notice = "Det här formuläret var redan skickat och de svaren är sparade. Svaren här sparades inte och koden är inte använd. Tryck på Skicka svar om du vill skicka dem med koden."
		return render(c, fiber.StatusConflict, "phone", sv.Title, f)
	case errors.Is(err, errUsedCode):
		f.setErrors([]survey.FieldError{{Field: "code", Message: "Koden har redan använts. Varje kod gäller för ett svar."}})
		return render(c, fiber.StatusConflict, "phone", sv.Title, f)
	case errors.Is(err, survey.ErrUnavailable):
		s.log.Warn("database unavailable", "path", c.Path(), "err", err)
		c.Set(fiber.HeaderRetryAfter, "5")
		f.Notice = noticeUnavailable
		return render(c, fiber.StatusServiceUnavailable, "phone", sv.Title, f)
	case err != nil:
		return err
	}
	return c.Redirect(fmt.Sprintf("/s/%s/%s/tack", sv.ID, v.Slug), fiber.StatusSeeOther)
}

// noticeUnavailable tells a resident that nothing was saved and nothing is lost.
const noticeUnavailable = "Vi kunde inte spara just nu eftersom tjänsten inte når databasen. Dina svar finns kvar här – försök skicka igen om en stund."

// phoneUnavailable answers a phone form posted while the database is away:
// the form again, from the last copy of the survey this instance read, with
// the resident's answers and the same nonce, so that sending again later
// stores the response once. Without a copy it is the plain 503 page.
func (s *server) phoneUnavailable(c *fiber.Ctx, form map[string][]string, cause error) error {
	sv, ok := s.cache.last(c.Params("survey"))
	vv, vok := s.lastVillages.Load(c.Params("village"))
	if !ok || !vok || sv.Status != survey.Open || !sv.HasVillage(c.Params("village")) {
		return cause
	}
	s.log.Warn("database unavailable", "path", c.Path(), "err", cause)
	c.Set(fiber.HeaderRetryAfter, "5")
	f := newPhoneForm(c, sv, vv.(survey.Village), form)
	f.Code = c.FormValue("code")
	f.Notice = noticeUnavailable
	return render(c, fiber.StatusServiceUnavailable, "phone", sv.Title, f)
}

func (s *server) thanksPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.surveys.Get(cx, c.Params("survey"))
	if err != nil || !sv.HasVillage(c.Params("village")) || sv.Status == survey.Draft {
		return survey.ErrNotFound
	}
	v, err := s.villages.Get(cx, c.Params("village"))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "thanks", "Tack för dina svar!", fiber.Map{"Survey": sv, "Village": v})
}

// phoneBinding is what a phone form's token is bound to: the survey, the
// village and the form's nonce.
func phoneBinding(surveyID, village, nonce string) string {
	return surveyID + "\x00" + village + "\x00" + nonce
}

// phoneToken signs the form. The phone form needs no account and no cookie,
// so its CSRF protection is a token that proves our server made this form
// for this survey, village and nonce in the last phoneTokenTTL, together
// with refusing posts that browsers mark as cross-site.
func (s *server) phoneToken(c *fiber.Ctx, f *phoneForm) error {
	cx, cancel := ctx(c)
	defer cancel()
	t, err := s.formToken(cx, "phone", phoneBinding(f.Survey.ID, f.Village.Slug, f.Nonce))
	f.Token = t
	return err
}

// formValues copies the posted form into a map.
func formValues(c *fiber.Ctx) map[string][]string {
	out := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		out[string(k)] = append(out[string(k)], string(v))
	})
	return out
}

func newPhoneForm(c *fiber.Ctx, sv *survey.Survey, v survey.Village, form map[string][]string) *phoneForm {
	f := &phoneForm{Survey: sv, Village: v, Nonce: storage.RandomSecret(16), Action: c.Path()}
	if n := c.FormValue("nonce"); form != nil && n != "" && len(n) <= maxIdempotencyKey {
		f.Nonce = n // the same nonce again: a resubmission is the same response
	}
	for _, q := range sv.Questions {
		qv := questionView{Question: q, Selected: map[string]bool{}}
		name := "q_" + q.Key
		for _, val := range form[name] {
			qv.Selected[val] = true
			qv.Value = val
		}
		if q.Max != nil {
			qv.MaxInt = int(*q.Max)
		}
		if q.Type == survey.Rank {
			for i, o := range q.Options {
				pos, _ := strconv.Atoi(first(form[fmt.Sprintf("%s_%d", name, i)]))
				qv.Ranks = append(qv.Ranks, rankView{Index: i, Label: o, Pos: pos})
			}
		}
		f.Questions = append(f.Questions, qv)
	}
	return f
}

// setErrors marks each question's error and builds the summary, in the
// order of the questions.
func (f *phoneForm) setErrors(fields []survey.FieldError) {
	byField := map[string]string{}
	for _, fe := range fields {
		byField[fe.Field] = fe.Message
	}
	if msg, ok := byField["code"]; ok {
		f.Errors = append(f.Errors, errorLink{Anchor: "code", Label: "Engångskod", Message: msg})
	}
	for i := range f.Questions {
		q := &f.Questions[i]
		if msg, ok := byField["answers."+q.Key]; ok {
			q.Error = msg
			f.Errors = append(f.Errors, errorLink{Anchor: "q-" + q.Key, Label: q.Prompt, Message: msg})
		}
	}
	if msg, ok := byField["village"]; ok {
		f.Errors = append(f.Errors, errorLink{Anchor: "main", Label: "By", Message: msg})
	}
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}
