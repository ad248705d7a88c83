package handlers

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// createUser is POST /api/v1/users (administrators).
func (s *server) createUser(c *fiber.Ctx) error {
	var in survey.NewUser
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.addUser(c, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

// addUser validates, stores and audits a new account, for the API and the page.
func (s *server) addUser(c *fiber.Ctx, in survey.NewUser) (survey.User, error) {
	cx, cancel := ctx(c)
	defer cancel()
	var u survey.User
	var hash string
	var err error
	if in.Password == "" {
		u, err = in.Invite(s.now())
	} else {
		u, hash, err = in.User(s.now())
	}
	if err != nil {
		return survey.User{}, err
	}
	if err := s.checkVillagesExist(cx, u.Villages); err != nil {
		return survey.User{}, err
	}
	if err := s.users.Create(cx, &u, hash); err != nil {
		if errors.Is(err, survey.ErrConflict) {
			return survey.User{}, fieldError("email", "Det finns redan ett konto med den e-postadressen")
		}
		return survey.User{}, err
	}
	s.audit(cx, currentUser(c), survey.AuditUserCreated, u.ID, u.Email+" ("+u.Role+describeVillages(u.Villages)+")")
	if hash == "" {
		m, err := s.passwordMail(cx, s.mailBase(c), u, linkInvite)
		if err != nil {
			return survey.User{}, err
		}
		s.deliver(cx, &m)
		s.audit(cx, currentUser(c), survey.AuditUserInvited, u.ID, u.Email)
	}
	return u, nil
}

// Purposes of a password link and how long each is valid: an invitation
// waits a week for its reader, a forgotten password an hour.
const (
	linkInvite  = "invite"
	linkReset   = "reset"
	inviteTTL   = 7 * 24 * time.Hour
	resetTTL    = time.Hour
	forgotLimit = 10 // requests from one address (an office shares one) in forgotWindow
	// forgotPerEmail is how many reset mails one address gets in forgotWindow.
	forgotPerEmail = 3
	forgotWindow   = 15 * time.Minute
)

// passwordMail makes a one-time link for u (replacing any older one) and
// queues the mail that carries it.
func (s *server) passwordMail(cx context.Context, base string, u survey.User, purpose string) (survey.OutboxMessage, error) {
	links := storage.NewPasswordLinks(s.db)
	if err := links.RevokeUser(cx, u.ID); err != nil {
		return survey.OutboxMessage{}, err
	}
	ttl := resetTTL
	if purpose == linkInvite {
		ttl = inviteTTL
	}
	secret, err := links.Create(cx, u.ID, purpose, s.now(), ttl)
	if err != nil {
		return survey.OutboxMessage{}, err
	}
	link := base + "/losenord/" + secret
	m := survey.OutboxMessage{To: u.Email, ToName: u.Name, Status: survey.MessageQueued, Created: s.now().UTC()}
	if purpose == linkInvite {
		m.Subject = "Inbjudan till Förankra"
		m.Body = fmt.Sprintf("Hej %s!\n\nDu har fått ett konto i Förankra, kommunens tjänst för byarnas enkäter och remisser.\n"+
			"Välj ditt lösenord här inom sju dagar:\n\n%s\n\nLänken fungerar en gång. Din e-postadress är ditt användarnamn: %s\n", u.Name, link, u.Email)
	} else {
		m.Subject = "Nytt lösenord till Förankra"
		m.Body = fmt.Sprintf("Hej %s!\n\nNågon bad om ett nytt lösenord till ditt konto i Förankra. Välj ett nytt här inom en timme:\n\n%s\n\n"+
			"Länken fungerar en gång. Bad du inte om det kan du låta bli: ditt lösenord är oförändrat.\n", u.Name, link)
	}
	msgs := []survey.OutboxMessage{m}
	if err := s.remiss.outbox.Queue(cx, msgs); err != nil {
		return survey.OutboxMessage{}, err
	}
	return msgs[0], nil
}

// passwordLinkPattern finds a password link in a mail's body.
var passwordLinkPattern = regexp.MustCompile(`\S*/losenord/\S+`)

// hidePasswordLinks blanks the one-time links in messages shown to staff:
// whoever reads the outbox must not be able to set another's password.
func hidePasswordLinks(msgs []survey.OutboxMessage) {
	for i := range msgs {
		msgs[i].Body = passwordLinkPattern.ReplaceAllString(msgs[i].Body, "(engångslänken visas inte här)")
	}
}

// mailBase is the service's address for links in mail.
func (s *server) mailBase(c *fiber.Ctx) string {
	if s.cfg.MailURL != "" {
		return strings.TrimRight(s.cfg.MailURL, "/")
	}
	return s.baseURL(c)
}

// passwordForm is the page that sets a password from a link.
type passwordForm struct {
	Token  string
	Invite bool
	Errors formErrors
}

// passwordPage is GET /losenord/{token}. It does not use the link up: mail
// scanners open links before their reader does.
func (s *server) passwordPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	l, err := storage.NewPasswordLinks(s.db).Peek(cx, c.Params("token"), s.now())
	if errors.Is(err, survey.ErrNotFound) {
		return renderError(c, fiber.StatusGone, "Länken har redan använts eller gått ut. Be om en ny under Glömt lösenordet på inloggningssidan.")
	}
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "password_set", "Välj lösenord", passwordForm{Token: c.Params("token"), Invite: l.Purpose == linkInvite})
}

// passwordSubmit is POST /losenord/{token}: the password is checked like
// any new one, then the link is used up (of two posts at once, one wins)
// and every old session and token of the account ends.
func (s *server) passwordSubmit(c *fiber.Ctx) error {
	if s.crossSite(c) {
		return renderError(c, fiber.StatusForbidden, "Formuläret skickades från en annan webbplats och togs inte emot")
	}
	token := c.Params("token")
	cx, cancel := ctx(c)
	defer cancel()
	links := storage.NewPasswordLinks(s.db)
	l, err := links.Peek(cx, token, s.now())
	if errors.Is(err, survey.ErrNotFound) {
		return renderError(c, fiber.StatusGone, "Länken har redan använts eller gått ut. Be om en ny under Glömt lösenordet på inloggningssidan.")
	}
	if err != nil {
		return err
	}
	f := passwordForm{Token: token, Invite: l.Purpose == linkInvite}
	pw := c.FormValue("password")
	if pw != c.FormValue("password2") {
		f.Errors, _ = newFormErrors(fieldError("password2", "Lösenorden är inte lika"))
		return render(c, fiber.StatusUnprocessableEntity, "password_set", "Välj lösenord", f)
	}
	u, err := s.users.Get(cx, l.User)
	if err != nil {
		return err
	}
	hash, err := survey.UserChange{Password: &pw}.Apply(&u, nil)
	if fe, ok := newFormErrors(err); ok {
		f.Errors = fe
		return render(c, fiber.StatusUnprocessableEntity, "password_set", "Välj lösenord", f)
	}
	if err != nil {
		return err
	}
	if _, err := links.Consume(cx, token, s.now()); errors.Is(err, survey.ErrNotFound) {
		return renderError(c, fiber.StatusGone, "Länken har redan använts eller gått ut. Be om en ny under Glömt lösenordet på inloggningssidan.")
	} else if err != nil {
		return err
	}
	if err := s.users.Update(cx, u, hash); err != nil {
		return err
	}
	if err := s.tokens.RevokeUser(cx, u.ID); err != nil {
		return err
	}
	if err := s.sessions.DeleteUser(cx, u.ID); err != nil {
		return err
	}
	s.audit(cx, &u, survey.AuditPasswordSet, u.ID, l.Purpose)
	return render(c, fiber.StatusOK, "password_done", "Lösenordet är sparat", nil)
}

// forgotForm is the forgotten-password page.
type forgotForm struct {
	Sent  bool
	Email string
}

// forgotPage is GET /glomt-losenord.
func (s *server) forgotPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "password_forgot", "Glömt lösenordet", forgotForm{})
}

// forgotSubmit is POST /glomt-losenord. The answer is the same whether or
// not the address has an account, and the mail goes out after the answer,
// so neither the page nor its timing tells who has one. One address may ask
// forgotLimit times in forgotWindow (then 429); one account gets at most
// forgotPerEmail mails in it, silently.
func (s *server) forgotSubmit(c *fiber.Ctx) error {
	if s.crossSite(c) {
		return renderError(c, fiber.StatusForbidden, "Formuläret skickades från en annan webbplats och togs inte emot")
	}
	cx, cancel := ctx(c)
	defer cancel()
	ip, err := s.clientKey(cx, c)
	if err != nil {
		return err
	}
	n, err := s.limits.Claim(cx, "forgot:"+ip, forgotWindow, s.now(), forgotLimit)
	if err != nil {
		return err
	}
	if n > forgotLimit {
		return renderError(c, fiber.StatusTooManyRequests, "För många försök. Vänta en kvart och försök sedan igen.")
	}
	email := survey.NormalizeEmail(c.FormValue("email"))
	if email != "" && len(email) <= 200 {
		go s.sendReset(s.mailBase(c), email)
	}
	return render(c, fiber.StatusOK, "password_forgot", "Glömt lösenordet", forgotForm{Sent: true})
}

func describeVillages(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return ": " + strings.Join(vs, ", ")
}

// listUsers is GET /api/v1/users (administrators).
func (s *server) listUsers(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	list, err := s.users.List(cx)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// updateUser is PATCH /api/v1/users/{id}: role, villages, active, name or
// password.
func (s *server) updateUser(c *fiber.Ctx) error {
	var ch survey.UserChange
	if err := decodeJSON(c, &ch); err != nil {
		return err
	}
	u, err := s.changeUser(c, c.Params("id"), ch)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// changeUser applies, stores and audits a change to an account, for the API
// and the page. A deactivated account, or one given a new password, loses its
// tokens and sessions at once.
func (s *server) changeUser(c *fiber.Ctx, id string, ch survey.UserChange) (survey.User, error) {
	cx, cancel := ctx(c)
	defer cancel()
	u, err := s.users.Get(cx, id)
	if err != nil {
		return survey.User{}, err
	}
	before := u
	hash, err := ch.Apply(&u, currentUser(c))
	if err != nil {
		return survey.User{}, err
	}
	if err := s.checkVillagesExist(cx, u.Villages); err != nil {
		return survey.User{}, err
	}
	if err := s.users.Update(cx, u, hash); err != nil {
		if errors.Is(err, survey.ErrConflict) {
			return survey.User{}, fieldError("email", "Det finns redan ett konto med den e-postadressen")
		}
		return survey.User{}, err
	}
	if !u.Active || hash != "" {
		// Deactivated, or a new password (perhaps because the old one
		// leaked): every way in that the old state gave ends now.
		if err := s.tokens.RevokeUser(cx, u.ID); err != nil {
			return survey.User{}, err
		}
		if err := s.sessions.DeleteUser(cx, u.ID); err != nil {
			return survey.User{}, err
		}
	}
	s.audit(cx, currentUser(c), survey.AuditUserChanged, u.ID, describeChange(before, u, hash != ""))
	return u, nil
}

// describeChange says what changed, for the audit log (never the password).
func describeChange(a, b survey.User, password bool) string {
	var parts []string
	if a.Role != b.Role {
		parts = append(parts, "roll "+a.Role+" → "+b.Role)
	}
	if strings.Join(a.Villages, ",") != strings.Join(b.Villages, ",") {
		parts = append(parts, "byar ["+strings.Join(a.Villages, ", ")+"] → ["+strings.Join(b.Villages, ", ")+"]")
	}
	if a.Active != b.Active {
		parts = append(parts, "aktiv "+strconv.FormatBool(a.Active)+" → "+strconv.FormatBool(b.Active))
	}
	if a.Name != b.Name {
		parts = append(parts, "namn ändrat")
	}
	if a.Email != b.Email {
		parts = append(parts, "e-post "+a.Email+" → "+b.Email)
	}
	if a.ContactPerson != b.ContactPerson {
		parts = append(parts, "kontaktperson "+strconv.FormatBool(a.ContactPerson)+" → "+strconv.FormatBool(b.ContactPerson))
	}
	if password {
		parts = append(parts, "nytt lösenord")
	}
	return b.Email + ": " + strings.Join(parts, "; ")
}

// listTokens is GET /api/v1/tokens: the caller's own tokens, without secrets.
func (s *server) listTokens(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	list, err := s.tokens.List(cx, currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// revokeTokenByID is DELETE /api/v1/tokens/{id}: the token's owner, or an
// administrator, revokes it.
func (s *server) revokeTokenByID(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	t, err := s.tokens.Info(cx, c.Params("id"))
	if err != nil {
		return err
	}
	u := currentUser(c)
	if t.User != u.ID && !survey.Can(u, survey.ManageUsers) {
		return fmt.Errorf("någon annans nyckel: %w", survey.ErrForbidden)
	}
	if err := s.tokens.RevokeID(cx, t.ID); err != nil {
		return err
	}
	s.audit(cx, u, survey.AuditTokenRevoked, t.User, "nyckel "+t.ID)
	return c.SendStatus(fiber.StatusNoContent)
}

// auditLimit is how many entries the log shows.
const auditLimit = 500

// listAudit is GET /api/v1/audit (administrators): the newest entries first.
func (s *server) listAudit(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	list, err := s.auditLog.List(cx, auditLimit)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// sendReset mails a reset link to the account with the address, if there is
// an active one that has not had forgotPerEmail mails in forgotWindow. It
// runs after the answer, so it has its own context.
func (s *server) sendReset(base, email string) {
	cx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u, _, err := s.users.ByEmail(cx, email)
	if err != nil {
		if !errors.Is(err, survey.ErrNotFound) {
			s.log.Warn("forgotten password: account not read", "err", err)
		}
		return
	}
	if !u.Active {
		return
	}
	n, err := s.limits.Claim(cx, "forgot-user:"+u.ID, forgotWindow, s.now(), forgotPerEmail)
	if err != nil || n > forgotPerEmail {
		return
	}
	m, err := s.passwordMail(cx, base, u, linkReset)
	if err != nil {
		s.log.Warn("forgotten password: mail not queued", "err", err)
		return
	}
	s.deliver(cx, &m)
	s.audit(cx, &u, survey.AuditPasswordReset, u.ID, "")
}
