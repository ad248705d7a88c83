package handlers

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// surveysPage is GET /enkater: the surveys the user may see, newest first;
// ?q= searches titles, ?lage= keeps one status, ?sida= pages.
func (s *server) surveysPage(c *fiber.Ctx) error {
	u := currentUser(c)
	f := storage.SurveyFilter{}
	if u.Role == survey.RoleRepresentative {
		f.Villages = u.Villages
	}
	status := c.Query("lage")
	switch status {
	case survey.Draft, survey.Open, survey.Closed:
		f.Status = status
	default:
		status = ""
	}
	cx, cancel := ctx(c)
	defer cancel()
	list, err := s.surveys.List(cx, f)
	if err != nil {
		return err
	}
	names, err := s.villageNames(cx)
	if err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	found := make([]*survey.Survey, 0, len(list))
	for _, sv := range list {
		if q == "" || strings.Contains(strings.ToLower(sv.Title), q) {
			found = append(found, sv)
		}
	}
	page, p := pageOf(c, found)
	return render(c, fiber.StatusOK, "surveys", "Enkäter", fiber.Map{"Surveys": page, "Pager": p, "Query": c.Query("q"), "Status": status,
		"Statuses": []string{survey.Draft, survey.Open, survey.Closed}, "Names": names, "CanCreate": survey.Can(u, survey.ManageSurvey)})
}

// villageNames maps each village's slug to its name.
func (s *server) villageNames(cx context.Context) (map[string]string, error) {
	all, err := s.villages.List(cx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(all))
	for _, v := range all {
		names[v.Slug] = v.Name
	}
	return names, nil
}

// detailsView is the form of a survey's details, new or changed.
type detailsView struct {
	Lang, CSRF string
	Action     string
	Details    survey.Details
	Villages   []survey.Village
	Chosen     map[string]bool
	Errors     formErrors
	// Revision is the survey's revision the form is made on ("" for a new
	// survey).
	Revision string
}

// manageableVillages are the villages the user may make surveys for.
func (s *server) manageableVillages(cx context.Context, u *survey.User) ([]survey.Village, error) {
	all, err := s.villages.List(cx)
	if err != nil {
		return nil, err
	}
	out := make([]survey.Village, 0, len(all))
	for _, v := range all {
		if survey.Can(u, survey.ManageSurvey, v.Slug) {
			out = append(out, v)
		}
	}
	return out, nil
}

func (s *server) detailsForm(cx context.Context, c *fiber.Ctx, action string, d survey.Details, fe formErrors) (detailsView, error) {
	vs, err := s.manageableVillages(cx, currentUser(c))
	chosen := map[string]bool{}
	for _, v := range d.Villages {
		chosen[v] = true
	}
	if d.Access == "" {
		d.Access = survey.AccessLink
	}
	csrf, _ := c.Locals(localCSRF).(string)
	return detailsView{Lang: lang(c), CSRF: csrf, Action: action, Details: d, Villages: vs, Chosen: chosen, Errors: fe}, err
}

// newSurveyPage is GET /enkater/ny.
func (s *server) newSurveyPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	v, err := s.detailsForm(cx, c, "/enkater/ny", survey.Details{}, formErrors{})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "survey_new", "Ny enkät", v)
}

func postedDetails(c *fiber.Ctx) survey.Details {
	return survey.Details{Title: c.FormValue("title"), Description: c.FormValue("description"),
		Villages: formList(c, "villages"), Access: c.FormValue("access")}
}

// newSurveySubmit is POST /enkater/ny: a draft without questions, then on to
// its page to add them.
func (s *server) newSurveySubmit(c *fiber.Ctx) error {
	d := postedDetails(c)
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := survey.NewDraft(d)
	if err == nil {
		err = authorize(c, survey.ManageSurvey, sv.Villages...)
	}
	if err == nil {
		err = s.checkVillagesExist(cx, sv.Villages)
	}
	if fe, ok := newFormErrors(err); ok {
		v, err := s.detailsForm(cx, c, "/enkater/ny", d, fe)
		if err != nil {
			return err
		}
		return render(c, fiber.StatusUnprocessableEntity, "survey_new", "Ny enkät", v)
	}
	if err != nil {
		return err
	}
	sv.CreatedBy, sv.Created = currentUser(c).ID, s.now().UTC()
	if err := s.surveys.Create(cx, sv); err != nil {
		return err
	}
	s.audit(cx, currentUser(c), survey.AuditSurveyCreated, sv.ID, sv.Title)
	return c.Redirect("/enkater/"+sv.ID, fiber.StatusSeeOther)
}

// surveyView is a survey's page: its status, links and QR codes per
// village, response counts, and for drafts the builder.
type surveyView struct {
	Survey    *survey.Survey
	Responses int
	Villages  []villageLink
	CanManage bool
	// CanReadAll: may read every village's results, and so the free text.
	CanReadAll bool
	Types      []string
	// Builder forms and what went wrong in them.
	Details     detailsView
	Question    questionForm
	QuestionErr formErrors
	// EditKey names the question the form changes; empty adds a new one.
	EditKey string
	// Schedule is the form of the set opening and closing times, in
	// Stockholm civil time as typed ("2026-05-01T08:00").
	Schedule    struct{ OpensAt, ClosesAt string }
	ScheduleErr formErrors
	StatusErr   string
	// Conflict: the form was made on an older revision than the saved one;
	// the page shows the saved survey and the form as the user sent it.
	Conflict bool
}

// villageLink is one village of a survey with its phone link.
type villageLink struct {
	Village survey.Village
	Link    string
	// Short is the short link to type (host/e/CODE, no scheme).
	Short     string
	QR        template.URL
	Codes     storage.CodeCount
	Responses int
	CanPaper  bool
}

// questionForm is the add-question form as posted.
type questionForm struct {
	Key, Type, Prompt, Help, Options, Min, Max string
	Required                                   bool
}

// loadManaged fetches a survey the user may manage.
func (s *server) loadManaged(cx context.Context, c *fiber.Ctx) (*survey.Survey, error) {
	sv, err := s.surveys.Get(cx, c.Params("id"))
	if err != nil {
		return nil, err
	}
	return sv, authorize(c, survey.ManageSurvey, sv.Villages...)
}

func (s *server) renderSurvey(c *fiber.Ctx, status int, sv *survey.Survey, v surveyView) error {
	cx, cancel := ctx(c)
	defer cancel()
	u := currentUser(c)
	tallies, err := s.responses.Tallies(cx, sv.ID)
	if err != nil {
		return err
	}
	n, perVillage := 0, map[string]int{}
	for _, t := range tallies {
		n += t.Responses
		perVillage[t.Village] = t.Responses
	}
	var counts map[string]storage.CodeCount
	if sv.Access == survey.AccessCode {
		if counts, err = s.codes.Counts(cx, sv.ID, sv.Villages); err != nil {
			return err
		}
	}
	all, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	names := map[string]survey.Village{}
	for _, vl := range all {
		names[vl.Slug] = vl
	}
	v.Survey, v.Responses, v.Types = sv, n, []string{survey.Single, survey.Multi, survey.Likert, survey.Rank, survey.Number, survey.Text}
	v.CanManage = survey.Can(u, survey.ManageSurvey, sv.Villages...)
	v.CanReadAll = readsEvery(u, sv.Villages)
	for _, slug := range sv.Villages {
		vl, ok := names[slug]
		if !ok {
			vl = survey.Village{Slug: slug, Name: slug}
		}
		link := villageLink{Village: vl, Link: s.phoneLink(c, sv.ID, slug, ""), Codes: counts[slug], Responses: perVillage[slug],
			CanPaper: sv.Status == survey.Open && survey.Can(u, survey.EnterPaperResponse, slug)}
		if link.Short, err = s.shortLink(cx, c, sv.ID, slug); err != nil {
			return err
		}
		if sv.Access == survey.AccessLink {
			link.QR = qrDataURI(link.Link, 200)
		}
		v.Villages = append(v.Villages, link)
	}
	if v.CanManage && sv.Status == survey.Draft && v.Details.Action == "" {
		d := survey.Details{Title: sv.Title, Description: sv.Description, Villages: sv.Villages, Access: sv.Access}
		if v.Details, err = s.detailsForm(cx, c, "/enkater/"+sv.ID+"/detaljer", d, formErrors{}); err != nil {
			return err
		}
	}
	if v.Details.Action != "" {
		v.Details.Revision = strconv.Itoa(sv.Revision)
	}
	if v.Question.Type == "" {
		v.Question.Type = survey.Single
	}
	if v.ScheduleErr.By == nil {
		v.Schedule.OpensAt, v.Schedule.ClosesAt = civilInput(sv.OpensAt), civilInput(sv.ClosesAt)
	}
	return render(c, status, "survey", sv.Title, v)
}

// surveyPage is GET /enkater/{id}.
func (s *server) surveyPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.surveys.Get(cx, c.Params("id"))
	if err != nil {
		return err
	}
	if err := authorize(c, survey.ReadSurveyResults, sv.Villages...); err != nil {
		return err
	}
	return s.renderSurvey(c, fiber.StatusOK, sv, surveyView{})
}

// buildStep changes a draft with one builder action and stores it. A rule
// broken shows the page again with the message; success goes back to it.
func (s *server) buildStep(c *fiber.Ctx, anchor string, step func(sv *survey.Survey) error, onErr func(*surveyView, formErrors)) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.loadManaged(cx, c)
	if err != nil {
		return err
	}
	before := *sv
	before.Questions = append([]survey.Question{}, sv.Questions...)
	before.Villages = append([]string{}, sv.Villages...)
	// A form made on an older revision is not applied to the newer one: the
	// user sees the saved survey and what they typed, and decides.
	err = checkRevision(sv, formRevision(c))
	if err == nil {
		err = step(sv)
	}
	if err == nil {
		// A changed village list must be the user's too, and exist.
		err = authorize(c, survey.ManageSurvey, sv.Villages...)
		if err == nil {
			err = s.checkVillagesExist(cx, sv.Villages)
		}
	}
	if fe, ok := newFormErrors(err); ok {
		v := surveyView{}
		onErr(&v, fe)
		return s.renderSurvey(c, fiber.StatusUnprocessableEntity, &before, v)
	}
	if err == nil {
		err = s.surveys.Save(cx, sv)
	}
	if errors.Is(err, storage.ErrSurveyChanged) {
		return s.staleSurveyPage(c, cx, sv.ID, func(v *surveyView) { onErr(v, formErrors{}) })
	}
	if err != nil {
		return err
	}
	return c.Redirect("/enkater/"+sv.ID+anchor, fiber.StatusSeeOther)
}

// staleSurveyPage answers a form made on an older revision of the survey
// than the saved one: 409, the survey as it is saved now, and the form as
// the user filled it in (keep fills it in), with a message that says so:
// nothing typed is lost, and nothing is saved over the other person's work.
func (s *server) staleSurveyPage(c *fiber.Ctx, cx context.Context, id string, keep func(*surveyView)) error {
	cur, err := s.surveys.Get(cx, id)
	if err != nil {
		return err
	}
	v := surveyView{Conflict: true}
	if keep != nil {
		keep(&v)
	}
	return s.renderSurvey(c, fiber.StatusConflict, cur, v)
}

// surveyDetails is POST /enkater/{id}/detaljer.
func (s *server) surveyDetails(c *fiber.Ctx) error {
	d := postedDetails(c)
	return s.buildStep(c, "", func(sv *survey.Survey) error { return sv.SetDetails(d) },
		func(v *surveyView, fe formErrors) {
			v.Details, _ = s.detailsForm(c.UserContext(), c, "/enkater/"+c.Params("id")+"/detaljer", d, fe)
		})
}

func postedQuestion(c *fiber.Ctx) questionForm {
	return questionForm{Key: strings.TrimSpace(c.FormValue("key")), Type: c.FormValue("type"), Prompt: c.FormValue("prompt"),
		Help: strings.TrimSpace(c.FormValue("help")), Options: c.FormValue("options"), Min: strings.TrimSpace(c.FormValue("min")),
		Max: strings.TrimSpace(c.FormValue("max")), Required: c.FormValue("required") == "on"}
}

// question reads the form into a question: options one a line, limits with
// a decimal comma or point.
func (qf questionForm) question() (survey.Question, error) {
	q := survey.Question{Key: qf.Key, Type: qf.Type, Prompt: qf.Prompt, Help: qf.Help, Required: qf.Required}
	for _, line := range strings.Split(qf.Options, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			q.Options = append(q.Options, line)
		}
	}
	v := &survey.ValidationError{}
	q.Min = formNumber(v, "min", qf.Min)
	q.Max = formNumber(v, "max", qf.Max)
	return q, v.Err()
}

// questionAdd is POST /enkater/{id}/fragor: every type, options one a line.
func (s *server) questionAdd(c *fiber.Ctx) error {
	qf := postedQuestion(c)
	return s.buildStep(c, "#fragor", func(sv *survey.Survey) error {
		q, err := qf.question()
		if err != nil {
			return err
		}
		if q.Key == "" {
			q.Key = nextKey(sv)
		}
		return sv.AddQuestion(q)
	}, func(v *surveyView, fe formErrors) { v.Question, v.QuestionErr = qf, fe })
}

// questionEditPage is GET /enkater/{id}/fragor/{key}: the survey page with
// the question's form filled in, to change it in place.
func (s *server) questionEditPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, q, ok, err := s.draftQuestion(cx, c)
	if err != nil || !ok {
		return err
	}
	qf := questionForm{Key: q.Key, Type: q.Type, Prompt: q.Prompt, Help: q.Help, Options: strings.Join(q.Options, "\n"), Required: q.Required}
	if q.Min != nil {
		qf.Min = survey.FormatNumber(*q.Min)
	}
	if q.Max != nil {
		qf.Max = survey.FormatNumber(*q.Max)
	}
	return s.renderSurvey(c, fiber.StatusOK, sv, surveyView{Question: qf, EditKey: q.Key})
}

// questionEdit is POST /enkater/{id}/fragor/{key}: prompt, type, options,
// required and limits change; the key and the place stay.
func (s *server) questionEdit(c *fiber.Ctx) error {
	key := c.Params("key")
	qf := postedQuestion(c)
	qf.Key = key
	return s.buildStep(c, "#q-"+key, func(sv *survey.Survey) error {
		q, err := qf.question()
		if err != nil {
			return err
		}
		return sv.EditQuestion(key, q)
	}, func(v *surveyView, fe formErrors) { v.Question, v.QuestionErr, v.EditKey = qf, fe, key })
}

// surveyCopy is POST /enkater/{id}/kopiera: a new draft with the same
// details, questions and villages.
func (s *server) surveyCopy(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	cp, err := s.copySurvey(cx, c)
	if err != nil {
		return err
	}
	return c.Redirect("/enkater/"+cp.ID, fiber.StatusSeeOther)
}

// surveyPreview is GET /enkater/{id}/forhandsvisning/{village}: the phone
// page as a resident will see it, for staff only: nothing can be sent and
// nothing is counted.
func (s *server) surveyPreview(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.loadManaged(cx, c)
	if err != nil {
		return err
	}
	if !sv.HasVillage(c.Params("village")) {
		return fmt.Errorf("byn %q ingår inte i enkäten: %w", c.Params("village"), survey.ErrNotFound)
	}
	v, err := s.villages.Get(cx, c.Params("village"))
	if err != nil {
		return err
	}
	f := newPhoneForm(c, sv, v, nil)
	f.Preview = true
	return render(c, fiber.StatusOK, "phone", "Förhandsvisning: "+sv.Title, f)
}

// nextKey is a free key "q1", "q2", ... for a question added without one.
func nextKey(sv *survey.Survey) string {
	for i := len(sv.Questions) + 1; ; i++ {
		k := "q" + strconv.Itoa(i)
		if sv.Question(k) == nil {
			return k
		}
	}
}

// formNumber reads an optional number typed with a decimal comma or point.
func formNumber(v *survey.ValidationError, field, s string) *float64 {
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		v.Add(field, "Skriv ett tal, till exempel 10 eller 2,5")
		return nil
	}
	return &f
}

func (s *server) questionMove(c *fiber.Ctx, delta int) error {
	key := c.Params("key")
	return s.buildStep(c, "#q-"+key, func(sv *survey.Survey) error { return sv.MoveQuestion(key, delta) },
		func(v *surveyView, fe formErrors) { v.QuestionErr = fe })
}

// questionUp is POST /enkater/{id}/fragor/{key}/upp.
func (s *server) questionUp(c *fiber.Ctx) error { return s.questionMove(c, -1) }

// questionDown is POST /enkater/{id}/fragor/{key}/ner.
func (s *server) questionDown(c *fiber.Ctx) error { return s.questionMove(c, +1) }

// questionRemove is POST /enkater/{id}/fragor/{key}/ta-bort.
func (s *server) questionRemove(c *fiber.Ctx) error {
	if !confirmed(c) {
		return s.questionRemoveConfirm(c)
	}
	key := c.Params("key")
	return s.buildStep(c, "#fragor", func(sv *survey.Survey) error { return sv.RemoveQuestion(key) },
		func(v *surveyView, fe formErrors) { v.QuestionErr = fe })
}

func (s *server) statusStep(c *fiber.Ctx, change func(*survey.Survey, time.Time) error) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.changeStatus(cx, c, c.Params("id"), formRevision(c), change)
	if errors.Is(err, storage.ErrSurveyChanged) {
		return s.staleSurveyPage(c, cx, c.Params("id"), nil)
	}
	var verr *survey.ValidationError
	if errors.As(err, &verr) || errors.Is(err, survey.ErrConflict) {
		cur, gerr := s.surveys.Get(cx, c.Params("id"))
		if gerr != nil {
			return gerr
		}
		msg, status := "Enkäten kunde inte byta läge just nu. Ladda om sidan.", fiber.StatusConflict
		if verr != nil {
			msg, status = verr.Fields[0].Message, fiber.StatusUnprocessableEntity
		}
		return s.renderSurvey(c, status, cur, surveyView{StatusErr: msg})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/enkater/"+sv.ID, fiber.StatusSeeOther)
}

// surveyOpen is POST /enkater/{id}/oppna.
func (s *server) surveyOpen(c *fiber.Ctx) error { return s.statusStep(c, (*survey.Survey).Open) }

// surveyClose is POST /enkater/{id}/stang, once confirmed.
func (s *server) surveyClose(c *fiber.Ctx) error {
	if !confirmed(c) {
		return s.surveyCloseConfirm(c)
	}
	return s.statusStep(c, (*survey.Survey).Close)
}

// codesView is the page that makes codes for a village.
type codesView struct {
	Survey   *survey.Survey
	Villages []villageLink
	Village  string
	Count    string
	Errors   formErrors
	Problem  string
}

func (s *server) renderCodes(c *fiber.Ctx, status int, sv *survey.Survey, v codesView) error {
	cx, cancel := ctx(c)
	defer cancel()
	counts, err := s.codes.Counts(cx, sv.ID, sv.Villages)
	if err != nil {
		return err
	}
	all, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	for _, vl := range all {
		if sv.HasVillage(vl.Slug) && survey.Can(currentUser(c), survey.ManageSurvey, vl.Slug) {
			v.Villages = append(v.Villages, villageLink{Village: vl, Codes: counts[vl.Slug]})
		}
	}
	v.Survey = sv
	if v.Count == "" {
		v.Count = "100"
	}
	return render(c, status, "codes", "Engångskoder", v)
}

// codesPage is GET /enkater/{id}/koder.
func (s *server) codesPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.loadManaged(cx, c)
	if err != nil {
		return err
	}
	return s.renderCodes(c, fiber.StatusOK, sv, codesView{})
}

// codesSubmit is POST /enkater/{id}/koder. Its response is the printable
// sheet: the only time the codes are shown.
func (s *server) codesSubmit(c *fiber.Ctx) error {
	in := survey.CodeRequest{Village: c.FormValue("village"), Count: parseCount(c.FormValue("count"))}
	cx, cancel := context.WithTimeout(c.UserContext(), time.Minute)
	defer cancel()
	sv, codes, err := s.makeCodes(cx, c, c.Params("id"), in)
	fe, isForm := newFormErrors(err)
	if isForm || errors.Is(err, survey.ErrConflict) || errors.Is(err, survey.ErrClosed) {
		cur, gerr := s.surveys.Get(cx, c.Params("id"))
		if gerr != nil {
			return gerr
		}
		v := codesView{Village: in.Village, Count: c.FormValue("count"), Errors: fe}
		if !isForm {
			v.Problem = "Koder kan bara göras för en enkät med engångskoder som inte är stängd."
		}
		return s.renderCodes(c, fiber.StatusUnprocessableEntity, cur, v)
	}
	if err != nil {
		return err
	}
	vl, err := s.villages.Get(cx, in.Village)
	if err != nil {
		return err
	}
	short, err := s.shortLink(cx, c, sv.ID, vl.Slug)
	if err != nil {
		return err
	}
	sheet := codeSheet{Survey: sv, Village: vl, Codes: make([]codeCard, len(codes))}
	for i, code := range codes {
		// The QR code carries the code; the printed short link does not, so
		// the resident types it from the sheet.
		sheet.Codes[i] = codeCard{Code: code, Link: short, QR: qrDataURI(s.phoneLink(c, sv.ID, vl.Slug, code), 160)}
	}
	return render(c, fiber.StatusCreated, "codesheet", "Engångskoder för "+vl.Name, sheet)
}

// paperForm loads the survey and village of the paper page.
func (s *server) paperForm(c *fiber.Ctx) (*survey.Survey, survey.Village, error) {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.surveys.Get(cx, c.Params("id"))
	if err != nil {
		return nil, survey.Village{}, err
	}
	village := c.Params("village")
	if !sv.HasVillage(village) {
		return nil, survey.Village{}, survey.ErrNotFound
	}
	if err := authorize(c, survey.EnterPaperResponse, village); err != nil {
		return nil, survey.Village{}, err
	}
	if sv.Status != survey.Open {
		return nil, survey.Village{}, fmt.Errorf("pappersvar tas bara emot medan enkäten är öppen: %w", survey.ErrClosed)
	}
	v, err := s.villages.Get(cx, village)
	return sv, v, err
}

// paperPage is GET /enkater/{id}/papper/{village}: the phone form, for an
// official typing in a resident's paper answers.
func (s *server) paperPage(c *fiber.Ctx) error {
	sv, v, err := s.paperForm(c)
	if err != nil {
		return err
	}
	f := newPhoneForm(c, sv, v, nil)
	f.Paper = true
	if c.Query("sparat") != "" {
		f.Saved = true
	}
	return render(c, fiber.StatusOK, "phone", "Pappersvar: "+sv.Title, f)
}

// paperSubmit is POST /enkater/{id}/papper/{village}: stored with channel
// "paper" through the same submit as every response. A code is asked for but
// optional: when the paper letter carried one, it is used up.
func (s *server) paperSubmit(c *fiber.Ctx) error {
	sv, v, err := s.paperForm(c)
	if err != nil {
		return err
	}
	form := formValues(c)
	f := newPhoneForm(c, sv, v, form)
	f.Paper, f.Code = true, strings.TrimSpace(c.FormValue("code"))
	key := ""
	if n := c.FormValue("nonce"); n != "" && len(n) <= maxIdempotencyKey {
		key = "paper:" + n
	}
	ticket := s.committer.Hold()
	defer ticket.Release()
	cx, cancel := ctx(c)
	defer cancel()
	_, err = s.submit(cx, ticket, sv, v.Slug, survey.ChannelPaper, key, f.Code, func() (map[string]survey.Answer, error) {
		return sv.ParseForm(form)
	})
	var verr *survey.ValidationError
	switch {
	case errors.As(err, &verr):
		f.setErrors(verr.Fields)
		return render(c, fiber.StatusUnprocessableEntity, "phone", "Pappersvar: "+sv.Title, f)
	case errors.Is(err, errBadCode):
		f.setErrors([]survey.FieldError{{Field: "code", Message: "Koden stämmer inte för den här byn. Lämna fältet tomt om brevet saknar kod."}})
		return render(c, fiber.StatusForbidden, "phone", "Pappersvar: "+sv.Title, f)
	case errors.Is(err, errUsedCode):
		f.setErrors([]survey.FieldError{{Field: "code", Message: "Koden har redan använts för ett svar."}})
		return render(c, fiber.StatusConflict, "phone", "Pappersvar: "+sv.Title, f)
	case err != nil:
		return err
	}
	s.audit(cx, currentUser(c), survey.AuditPaperEntered, sv.ID, v.Slug)
	return c.Redirect(fmt.Sprintf("/enkater/%s/papper/%s?sparat=1", sv.ID, v.Slug), fiber.StatusSeeOther)
}

// civilLayout is how a datetime-local field writes a time.
const civilLayout = "2006-01-02T15:04"

// civilInput is an instant as a datetime-local value in Stockholm.
func civilInput(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(survey.Stockholm).Format(civilLayout)
}

// civilTime reads a datetime-local value as Stockholm civil time; "" is nil.
func civilTime(v *survey.ValidationError, field, s string) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	t, err := time.ParseInLocation(civilLayout, s, survey.Stockholm)
	if err != nil {
		if t, err = time.ParseInLocation("2006-01-02 15:04", s, survey.Stockholm); err != nil {
			v.Add(field, "Skriv datum och tid, till exempel 2026-05-01 08:00")
			return nil
		}
	}
	return &t
}

// surveySchedule is POST /enkater/{id}/schema: when the service opens and
// closes the survey by itself (Stockholm time; empty fields clear them).
func (s *server) surveySchedule(c *fiber.Ctx) error {
	opensIn, closesIn := c.FormValue("opens_at"), c.FormValue("closes_at")
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.loadManaged(cx, c)
	if err != nil {
		return err
	}
	v := &survey.ValidationError{}
	opens, closes := civilTime(v, "opens_at", opensIn), civilTime(v, "closes_at", closesIn)
	err = v.Err()
	if err == nil {
		err = s.schedule(cx, c, sv, formRevision(c), opens, closes)
	}
	if errors.Is(err, storage.ErrSurveyChanged) {
		return s.staleSurveyPage(c, cx, sv.ID, func(view *surveyView) {
			view.ScheduleErr = formErrors{By: map[string]string{}}
			view.Schedule.OpensAt, view.Schedule.ClosesAt = opensIn, closesIn
		})
	}
	if fe, ok := newFormErrors(err); ok {
		cur, gerr := s.surveys.Get(cx, sv.ID)
		if gerr != nil {
			return gerr
		}
		view := surveyView{ScheduleErr: fe}
		view.Schedule.OpensAt, view.Schedule.ClosesAt = opensIn, closesIn
		return s.renderSurvey(c, fiber.StatusUnprocessableEntity, cur, view)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/enkater/"+sv.ID+"#schema", fiber.StatusSeeOther)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return strings.Replace(s, "T", " ", 1)
}

// surveyReopen is POST /enkater/{id}/ateroppna: a closed survey takes
// responses again; the audit log says who reopened it.
func (s *server) surveyReopen(c *fiber.Ctx) error {
	return s.statusStep(c, func(sv *survey.Survey, _ time.Time) error { return sv.Reopen() })
}

// draftQuestion loads the survey the user manages and the question of the
// path. ok is false, with the answer sent, when the survey is no longer a
// draft: the browser goes back to the survey's page.
func (s *server) draftQuestion(cx context.Context, c *fiber.Ctx) (*survey.Survey, *survey.Question, bool, error) {
	sv, err := s.loadManaged(cx, c)
	if err != nil {
		return nil, nil, false, err
	}
	q := sv.Question(c.Params("key"))
	if q == nil {
		return nil, nil, false, fmt.Errorf("frågan %q: %w", c.Params("key"), survey.ErrNotFound)
	}
	if sv.Status != survey.Draft {
		return sv, q, false, c.Redirect("/enkater/"+sv.ID, fiber.StatusSeeOther)
	}
	return sv, q, true, nil
}
