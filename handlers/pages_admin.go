package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// formErrors is a page form's problems: by field for the messages next to
// the fields, and in order for the summary at the top.
type formErrors struct {
	By   map[string]string
	List []survey.FieldError
}

// fieldNames are the Swedish names of form fields, for the error summary.
var fieldNames = map[string]string{
	"email": "E-postadress", "name": "Namn", "password": "Lösenord", "role": "Roll", "villages": "Byar",
	"active": "Aktivt konto", "slug": "Kortnamn", "population": "Invånare", "title": "Rubrik",
	"description": "Beskrivning", "access": "Vem kan svara", "prompt": "Frågan", "type": "Typ av fråga",
	"options": "Svarsalternativ", "min": "Lägsta", "max": "Högsta", "key": "Nyckel", "help": "Hjälptext",
	"village": "By", "count": "Antal koder", "questions": "Frågor",
}

// summaryLine is one line of a form's error summary.
type summaryLine struct{ Anchor, Label, Message string }

// Summary lists the problems with the names of their fields, each linking
// to its field.
func (fe formErrors) Summary() []summaryLine {
	out := make([]summaryLine, 0, len(fe.List))
	for _, f := range fe.List {
		base := f.Field
		if i := strings.IndexAny(base, ".["); i > 0 {
			base = base[:i]
		}
		out = append(out, summaryLine{Anchor: base, Label: fieldNames[base], Message: f.Message})
	}
	return out
}

func newFormErrors(err error) (formErrors, bool) {
	var verr *survey.ValidationError
	if !errors.As(err, &verr) {
		return formErrors{}, false
	}
	fe := formErrors{By: map[string]string{}, List: verr.Fields}
	for _, f := range verr.Fields {
		fe.By[f.Field] = f.Message
	}
	return fe, true
}

// signInForm is the sign-in page's data.
type signInForm struct {
	Email string
	Next  string
	Token string
	Error string
}

func (s *server) renderSignIn(c *fiber.Ctx, status int, f signInForm) error {
	pre := c.Cookies(preCookie)
	if pre == "" || len(pre) > 100 {
		pre = storage.RandomSecret(16)
		s.setCookie(c, preCookie, pre, signInTokenTTL)
	}
	cx, cancel := ctx(c)
	defer cancel()
	t, err := s.formToken(cx, "signin", pre)
	if err != nil {
		return err
	}
	f.Token = t
	f.Next = safeNext(f.Next, "/att-gora")
	return render(c, status, "signin", "Logga in", f)
}

// signInPage is GET /logga-in.
func (s *server) signInPage(c *fiber.Ctx) error {
	return s.renderSignIn(c, fiber.StatusOK, signInForm{Next: c.Query("next")})
}

// signInSubmit is POST /logga-in: a session cookie and on to the page asked
// for. The form is bound to the browser by the pre-session cookie.
func (s *server) signInSubmit(c *fiber.Ctx) error {
	f := signInForm{Email: strings.TrimSpace(c.FormValue("email")), Next: safeNext(c.FormValue("next"), "/att-gora")}
	if len(f.Email) > 200 {
		f.Email = f.Email[:200]
	}
	if s.crossSite(c) {
		return renderError(c, fiber.StatusForbidden, "Formuläret skickades från en annan webbplats och togs inte emot")
	}
	cx, cancel := ctx(c)
	defer cancel()
	pre := c.Cookies(preCookie)
	ok := false
	if pre != "" {
		var err error
		if ok, err = s.checkFormToken(cx, c.FormValue("_token"), "signin", pre, signInTokenTTL); err != nil {
			return err
		}
	}
	if !ok {
		f.Error = "Inloggningssidan hade gått ut. Försök igen. (Din webbläsare behöver tillåta kakor för att du ska kunna logga in.)"
		return s.renderSignIn(c, fiber.StatusForbidden, f)
	}
	password := c.FormValue("password")
	if f.Email == "" || password == "" || len(password) > 200 {
		f.Error = "Fyll i både e-postadress och lösenord."
		return s.renderSignIn(c, fiber.StatusUnprocessableEntity, f)
	}
	u, err := s.signIn(cx, c, f.Email, password)
	switch {
	case errors.Is(err, survey.ErrUnauthorized):
		f.Error = "Fel e-postadress eller lösenord."
		return s.renderSignIn(c, fiber.StatusUnauthorized, f)
	case errors.Is(err, survey.ErrTooMany):
		c.Set(fiber.HeaderRetryAfter, "900")
		f.Error = "För många misslyckade försök. Vänta en kvart och försök sedan igen."
		return s.renderSignIn(c, fiber.StatusTooManyRequests, f)
	case err != nil:
		return err
	}
	sid, _, err := s.sessions.Create(cx, u.ID, s.now(), sessionTTL)
	if err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, sid, sessionTTL)
	s.clearCookie(c, preCookie)
	return c.Redirect(f.Next, fiber.StatusSeeOther)
}

// signOut is POST /logga-ut: the session is deleted, not just forgotten.
func (s *server) signOut(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	if sid, _ := c.Locals(localSession).(string); sid != "" {
		if err := s.sessions.Delete(cx, sid); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// villagesView is the administrators' village page.
type villagesView struct {
	Villages []survey.Village
	Form     survey.NewVillage
	Errors   formErrors
	Saved    string
}

func (s *server) renderVillages(c *fiber.Ctx, status int, v villagesView) error {
	cx, cancel := ctx(c)
	defer cancel()
	list, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	v.Villages = list
	return render(c, status, "admin_villages", "Byar", v)
}

// villagesPage is GET /admin/byar.
func (s *server) villagesPage(c *fiber.Ctx) error {
	return s.renderVillages(c, fiber.StatusOK, villagesView{Saved: c.Query("sparad")})
}

// villageCreate is POST /admin/byar.
func (s *server) villageCreate(c *fiber.Ctx) error {
	in := survey.NewVillage{Name: c.FormValue("name"), Slug: strings.TrimSpace(c.FormValue("slug"))}
	view := villagesView{Form: in}
	if p := strings.TrimSpace(c.FormValue("population")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			view.Errors = formErrors{By: map[string]string{"population": "Skriv antalet invånare som ett heltal"}, List: []survey.FieldError{{Field: "population", Message: "Skriv antalet invånare som ett heltal"}}}
			return s.renderVillages(c, fiber.StatusUnprocessableEntity, view)
		}
		in.Population = n
	}
	v, err := in.Village(s.now())
	if err == nil {
		cx, cancel := ctx(c)
		err = s.villages.Create(cx, v)
		if errors.Is(err, survey.ErrConflict) {
			err = fieldError("slug", "Det finns redan en by med kortnamnet "+v.Slug)
		}
		if err == nil {
			s.audit(cx, currentUser(c), survey.AuditVillageAdded, v.Slug, v.Name)
		}
		cancel()
	}
	if fe, ok := newFormErrors(err); ok {
		view.Errors = fe
		return s.renderVillages(c, fiber.StatusUnprocessableEntity, view)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/byar?sparad="+v.Slug, fiber.StatusSeeOther)
}

// usersView is the administrators' user page.
type usersView struct {
	Users    []survey.User
	Villages []survey.Village
	Roles    []string
	Form     survey.NewUser
	Errors   formErrors
	// ChangeErrors are the problems of one user's change form.
	ChangeID     string
	ChangeErrors formErrors
	Saved        string
	Created      bool // the saved account is new
}

func (s *server) renderUsers(c *fiber.Ctx, status int, v usersView) error {
	cx, cancel := ctx(c)
	defer cancel()
	users, err := s.users.List(cx)
	if err != nil {
		return err
	}
	villages, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	v.Users, v.Villages, v.Roles = users, villages, survey.Roles
	if v.Form.Role == "" {
		v.Form.Role = survey.RoleOfficial
	}
	return render(c, status, "admin_users", "Användare", v)
}

// usersPage is GET /admin/anvandare.
func (s *server) usersPage(c *fiber.Ctx) error {
	return s.renderUsers(c, fiber.StatusOK, usersView{Saved: c.Query("sparad"), Created: c.Query("skapad") == "1"})
}

// formList returns every value of a repeated form field.
func formList(c *fiber.Ctx, name string) []string {
	out := []string{}
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// userCreate is POST /admin/anvandare.
func (s *server) userCreate(c *fiber.Ctx) error {
	in := survey.NewUser{Email: c.FormValue("email"), Name: c.FormValue("name"), Password: c.FormValue("password"),
		Role: c.FormValue("role"), Villages: formList(c, "villages")}
	if in.Role != survey.RoleRepresentative {
		in.Villages = nil // the checkboxes only count for representatives
	}
	u, err := s.addUser(c, in)
	if fe, ok := newFormErrors(err); ok {
		in.Password = ""
		return s.renderUsers(c, fiber.StatusUnprocessableEntity, usersView{Form: in, Errors: fe})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/anvandare?sparad="+u.ID+"&skapad=1", fiber.StatusSeeOther)
}

// userChange is POST /admin/anvandare/{id}: role, villages, active, and a
// new password when one is typed.
func (s *server) userChange(c *fiber.Ctx) error {
	role := c.FormValue("role")
	villages := formList(c, "villages")
	if role != survey.RoleRepresentative {
		villages = []string{}
	}
	active := c.FormValue("active") == "on"
	ch := survey.UserChange{Role: &role, Villages: &villages, Active: &active}
	if p := c.FormValue("password"); p != "" {
		ch.Password = &p
	}
	_, err := s.changeUser(c, c.Params("id"), ch)
	if fe, ok := newFormErrors(err); ok {
		return s.renderUsers(c, fiber.StatusUnprocessableEntity, usersView{ChangeID: c.Params("id"), ChangeErrors: fe})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/anvandare?sparad="+c.Params("id")+"#u-"+c.Params("id"), fiber.StatusSeeOther)
}

// auditPage is GET /admin/logg.
func (s *server) auditPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	list, err := s.auditLog.List(cx, auditLimit)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "audit", "Händelselogg", list)
}
