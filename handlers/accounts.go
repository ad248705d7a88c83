package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	u, hash, err := in.User(s.now())
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
	return u, nil
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
