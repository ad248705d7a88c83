package handlers

import (
	"context"
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
	"year": "År", "summary": "Sammanfattning", "priorities": "Prioriteringar", "date": "Datum", "method": "Hur",
	"participants": "Deltagare", "comment": "Kommentar", "priority": "Prioritering", "owner": "Vem äger åtgärden",
	"responsible": "Ansvarig", "department": "Förvaltning", "due": "Klar senast", "cost_sek": "Kostnad",
	"done_on": "Klar den", "done_by": "Gjord av", "reason": "Varför", "note": "Anteckning",
	"current_password": "Nuvarande lösenord",
	"raised_on":        "Väcktes den", "feedback_due": "Återkoppling senast", "text": "Svar", "focus_area": "Fokusområde",
	"source": "Kommer från", "contact_person": "Kontaktperson",
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
	case errors.Is(err, errSignInBusy):
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterSeconds(err)))
		f.Error = "Många loggar in just nu. Vänta några sekunder och försök igen."
		return s.renderSignIn(c, fiber.StatusTooManyRequests, f)
	case errors.Is(err, survey.ErrTooMany):
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterSeconds(err)))
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

// villageView is one village's edit page.
type villageView struct {
	Village survey.Village
	Form    survey.VillageChange
	Errors  formErrors
	Saved   bool
}

// villagePage is GET /admin/byar/{slug}.
func (s *server) villagePage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	v, err := s.villages.Get(cx, c.Params("slug"))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "admin_village", v.Name, villageView{Village: v, Form: survey.VillageChange{Name: v.Name, Population: v.Population}, Saved: c.Query("sparad") != ""})
}

// villageChange is POST /admin/byar/{slug}: name and population; the slug
// stays.
func (s *server) villageChange(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	v, err := s.villages.Get(cx, c.Params("slug"))
	if err != nil {
		return err
	}
	ch := survey.VillageChange{Name: c.FormValue("name")}
	view := villageView{Village: v, Form: ch}
	if p := strings.TrimSpace(c.FormValue("population")); p != "" {
		if ch.Population, err = strconv.Atoi(p); err != nil {
			view.Errors, _ = newFormErrors(fieldError("population", "Skriv antalet invånare som ett heltal"))
			return render(c, fiber.StatusUnprocessableEntity, "admin_village", v.Name, view)
		}
	}
	view.Form = ch
	name := v.Name
	err = s.changeVillage(cx, c, &v, ch)
	if fe, ok := newFormErrors(err); ok {
		view.Errors = fe
		return render(c, fiber.StatusUnprocessableEntity, "admin_village", name, view)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/byar/"+v.Slug+"?sparad=1", fiber.StatusSeeOther)
}

// usersView is the administrators' user page: the list, searched and
// filtered, a page at a time, and the form for a new account.
type usersView struct {
	Users    []survey.User
	Pager    pager
	Query    string
	Role     string
	Villages []survey.Village
	Names    map[string]string // village slug → name
	Roles    []string
	Form     survey.NewUser
	Errors   formErrors
	Saved    string
	Invited  bool
}

// matchUsers keeps the users whose name or email holds q (case-insensitive)
// and who have the role, when one is given.
func matchUsers(users []survey.User, q, role string) []survey.User {
	q = strings.ToLower(strings.TrimSpace(q))
	out := make([]survey.User, 0, len(users))
	for _, u := range users {
		if role != "" && u.Role != role {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(u.Name), q) && !strings.Contains(u.Email, q) {
			continue
		}
		out = append(out, u)
	}
	return out
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
	v.Query, v.Role = c.Query("q"), c.Query("roll")
	v.Users, v.Pager = pageOf(c, matchUsers(users, v.Query, v.Role))
	v.Villages, v.Roles, v.Names = villages, survey.Roles, map[string]string{}
	for _, vl := range villages {
		v.Names[vl.Slug] = vl.Name
	}
	if v.Form.Role == "" {
		v.Form.Role = survey.RoleOfficial
	}
	return render(c, status, "admin_users", "Användare", v)
}

// usersPage is GET /admin/anvandare: ?q= searches names and addresses,
// ?roll= keeps one role, ?sida= pages.
func (s *server) usersPage(c *fiber.Ctx) error {
	return s.renderUsers(c, fiber.StatusOK, usersView{Saved: c.Query("sparad"), Invited: c.Query("inbjuden") != ""})
}

// formList returns every value of a repeated form field.
func formList(c *fiber.Ctx, name string) []string {
	out := []string{}
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// userCreate is POST /admin/anvandare; without a password the account is
// invited by mail.
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
	if in.Password == "" {
		return c.Redirect("/admin/anvandare/"+u.ID+"?inbjuden=1", fiber.StatusSeeOther)
	}
	return c.Redirect("/admin/anvandare/"+u.ID+"?skapad=1", fiber.StatusSeeOther)
}

// userView is one account's edit page.
type userView struct {
	Account  *survey.User
	Villages []survey.Village
	Roles    []string
	Errors   formErrors
	Saved    bool
	Invited  bool
	Created  bool // the account was just made, with a password
}

func (s *server) renderUser(c *fiber.Ctx, status int, u survey.User, v userView) error {
	cx, cancel := ctx(c)
	defer cancel()
	villages, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	v.Account, v.Villages, v.Roles = &u, villages, survey.Roles
	return render(c, status, "admin_user", u.Name, v)
}

// userPage is GET /admin/anvandare/{id}.
func (s *server) userPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	u, err := s.users.Get(cx, c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderUser(c, fiber.StatusOK, u, userView{Saved: c.Query("sparad") != "", Created: c.Query("skapad") != "", Invited: c.Query("inbjuden") != ""})
}

// userChange is POST /admin/anvandare/{id}: name, email, role, villages,
// active, and a new password when one is typed.
func (s *server) userChange(c *fiber.Ctx) error {
	role := c.FormValue("role")
	villages := formList(c, "villages")
	if role != survey.RoleRepresentative {
		villages = []string{}
	}
	active := c.FormValue("active") == "on"
	// Only officials and administrators can be contact persons; the box
	// means nothing for another role.
	contact := c.FormValue("contact_person") == "on" && (role == survey.RoleOfficial || role == survey.RoleAdmin)
	ch := survey.UserChange{Role: &role, Villages: &villages, Active: &active, ContactPerson: &contact}
	// Name and email change when the form carries them; an older form
	// without them leaves them as they are.
	if c.Request().PostArgs().Has("name") {
		name := c.FormValue("name")
		ch.Name = &name
	}
	if c.Request().PostArgs().Has("email") {
		email := c.FormValue("email")
		ch.Email = &email
	}
	if p := c.FormValue("password"); p != "" {
		ch.Password = &p
	}
	_, err := s.changeUser(c, c.Params("id"), ch)
	if fe, ok := newFormErrors(err); ok {
		cx, cancel := ctx(c)
		defer cancel()
		u, gerr := s.users.Get(cx, c.Params("id"))
		if gerr != nil {
			return gerr
		}
		// Show what was typed, not what is stored.
		u.Role, u.Villages, u.Active, u.ContactPerson = role, villages, active, contact
		if ch.Name != nil {
			u.Name = *ch.Name
		}
		if ch.Email != nil {
			u.Email = *ch.Email
		}
		return s.renderUser(c, fiber.StatusUnprocessableEntity, u, userView{Errors: fe})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/anvandare/"+c.Params("id")+"?sparad=1", fiber.StatusSeeOther)
}

// auditPageSize is how many entries a page of the audit log shows.
const auditPageSize = 50

// auditRow is one entry as the page shows it: Swedish time, the actor's
// name and what the entry concerns by name, not by id.
type auditRow struct {
	survey.AuditEntry
	When, Who, What string
}

// auditView is a page of the audit log; Older continues after its last entry.
type auditView struct {
	Rows   []auditRow
	Older  string
	Newest bool
}

// auditPage is GET /admin/logg, newest first; ?fore={id} shows the entries
// written before that one.
func (s *server) auditPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	before := c.Query("fore")
	if len(before) > 24 {
		return renderError(c, fiber.StatusBadRequest, "Sidan i loggen finns inte")
	}
	list, err := s.auditLog.Before(cx, before, auditPageSize+1)
	if err != nil {
		return err
	}
	v := auditView{Newest: before == ""}
	if len(list) > auditPageSize {
		list = list[:auditPageSize]
		v.Older = "/admin/logg?fore=" + list[len(list)-1].ID
	}
	names, err := s.auditNames(cx)
	if err != nil {
		return err
	}
	for _, e := range list {
		r := auditRow{AuditEntry: e, When: stockholmTime(e.At), Who: e.Email, What: e.Target}
		if n, ok := names[e.Actor]; ok {
			r.Who = n
		}
		if n, ok := names[e.Target]; ok {
			r.What = n
		}
		v.Rows = append(v.Rows, r)
	}
	return render(c, fiber.StatusOK, "audit", "Händelselogg", v)
}

// auditNames names what audit entries point at: users, villages, surveys,
// proposals and remiss rounds (by their proposal), id → name. These are the
// small staff collections, each read once a page.
func (s *server) auditNames(cx context.Context) (map[string]string, error) {
	names := map[string]string{}
	users, err := s.users.List(cx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		names[u.ID] = u.Name + " (" + u.Email + ")"
	}
	villages, err := s.villages.List(cx)
	if err != nil {
		return nil, err
	}
	for _, v := range villages {
		names[v.Slug] = v.Name
	}
	surveys, err := s.surveys.List(cx, storage.SurveyFilter{})
	if err != nil {
		return nil, err
	}
	for _, sv := range surveys {
		names[sv.ID] = sv.Title
	}
	proposals, err := s.remiss.proposals.List(cx)
	if err != nil {
		return nil, err
	}
	for _, p := range proposals {
		names[p.ID] = p.Title
	}
	rounds, err := s.remiss.remisses.List(cx, storage.RemissFilter{})
	if err != nil {
		return nil, err
	}
	for _, r := range rounds {
		if t, ok := names[r.Proposal]; ok {
			names[r.ID] = "remiss: " + t
		}
	}
	return names, nil
}
