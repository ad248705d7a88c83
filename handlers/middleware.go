package handlers

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// dbTimeout bounds every database call made for one request.
const dbTimeout = 10 * time.Second

// ctx returns the request's Go context with the database timeout.
func ctx(c *fiber.Ctx) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.UserContext(), dbTimeout)
}

// securityHeaders sets the headers every response carries. The policy allows
// no inline script and nothing from another origin.
func securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders sets the headers; the error handler calls it too, since
// fasthttp refuses an oversized body (413) before any middleware runs.
func setSecurityHeaders(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	if c.Protocol() == "https" {
		c.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
}

// Request-scoped values (c.Locals keys).
const (
	localUser = "user"
	localCSRF = "csrf"
)

// currentUser returns the signed-in user, or nil.
func currentUser(c *fiber.Ctx) *survey.User {
	u, _ := c.Locals(localUser).(*survey.User)
	return u
}

// authenticate resolves a bearer token to an active user; no token is (nil, nil).
func (s *server) authenticate(c *fiber.Ctx) (*survey.User, error) {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		return nil, nil
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" || len(token) > 200 {
		return nil, survey.ErrUnauthorized
	}
	cx, cancel := ctx(c)
	defer cancel()
	id, err := s.tokens.User(cx, token, s.now())
	if errors.Is(err, survey.ErrNotFound) {
		return nil, survey.ErrUnauthorized
	}
	if err != nil {
		return nil, err
	}
	u, err := s.users.Get(cx, id)
	if errors.Is(err, survey.ErrNotFound) || err == nil && !u.Active {
		return nil, survey.ErrUnauthorized
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// optionalUser notes the user when one signs in, and lets anonymous calls through.
func (s *server) optionalUser(c *fiber.Ctx) error {
	u, err := s.authenticate(c)
	if err != nil {
		return err
	}
	if u != nil {
		c.Locals(localUser, u)
	}
	return c.Next()
}
