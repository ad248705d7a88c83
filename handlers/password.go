package handlers

import (
	"errors"
	"strings"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// passwordChange is what a user sends to change their own password.
type passwordChange struct {
	Current  string `json:"current_password" validate:"required,max=200"`
	Password string `json:"password" validate:"required,max=200"`
}

// changeOwnPassword checks the current password (under the sign-in limits,
// so a stolen session cannot guess it faster than a stranger could), checks
// and stores the new one, and ends every other session and token of the
// user: the one the change was made with stays.
func (s *server) changeOwnPassword(c *fiber.Ctx, in passwordChange, keepToken, keepSession string) error {
	v := &survey.ValidationError{}
	survey.Check(v, in)
	if err := v.Err(); err != nil {
		return err
	}
	u := currentUser(c)
	if msg := survey.PasswordProblem(in.Password, u.Email, u.Name); msg != "" {
		return fieldError("password", msg)
	}
	if in.Password == in.Current {
		return fieldError("password", "Det nya lösenordet måste skilja sig från det nuvarande")
	}
	cx, cancel := ctx(c)
	defer cancel()
	if _, err := s.signIn(cx, c, u.Email, in.Current); errors.Is(err, survey.ErrUnauthorized) {
		return fieldError("current_password", "Det nuvarande lösenordet stämmer inte")
	} else if err != nil {
		return err
	}
	hash, err := survey.HashPassword(in.Password)
	if err != nil {
		return err
	}
	if err := s.users.Update(cx, *u, hash); err != nil {
		return err
	}
	if err := s.tokens.RevokeUserExcept(cx, u.ID, keepToken); err != nil {
		return err
	}
	if err := s.sessions.DeleteUserExcept(cx, u.ID, keepSession); err != nil {
		return err
	}
	s.audit(cx, u, survey.AuditUserChanged, u.ID, u.Email+": nytt lösenord (eget)")
	return nil
}

// changePassword is POST /api/v1/me/password: 204, the token used stays
// valid and every other one ends.
func (s *server) changePassword(c *fiber.Ctx) error {
	var in passwordChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	token, _ := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if err := s.changeOwnPassword(c, in, token, ""); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// accountView is the user's own account page.
type accountView struct {
	Errors formErrors
	Saved  bool
}

// accountPage is GET /konto.
func (s *server) accountPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "account", "Ditt konto", accountView{Saved: c.Query("sparat") == "1"})
}

// accountPasswordSubmit is POST /konto/losenord.
func (s *server) accountPasswordSubmit(c *fiber.Ctx) error {
	in := passwordChange{Current: c.FormValue("current_password"), Password: c.FormValue("password")}
	sid, _ := c.Locals(localSession).(string)
	err := s.changeOwnPassword(c, in, "", sid)
	if fe, ok := newFormErrors(err); ok {
		return render(c, fiber.StatusUnprocessableEntity, "account", "Ditt konto", accountView{Errors: fe})
	}
	if errors.Is(err, survey.ErrTooMany) {
		return render(c, fiber.StatusTooManyRequests, "account", "Ditt konto", accountView{Errors: formErrors{
			By:   map[string]string{"current_password": "För många försök. Vänta en stund och försök igen."},
			List: []survey.FieldError{{Field: "current_password", Message: "För många försök. Vänta en stund och försök igen."}},
		}})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/konto?sparat=1", fiber.StatusSeeOther)
}
