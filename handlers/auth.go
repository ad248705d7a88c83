package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// Who may do what is decided by survey.Can; this file wires it to the two
// ways of signing in: bearer tokens for the API (api) and session cookies for
// the pages (page). routes() names the action of every route, and handlers
// that learn the villages concerned only after reading the request call
// authorize with them.

// Sessions, sign-in throttling and form tokens.
const (
	sessionCookie = "forankra_session"
	// preCookie binds the anonymous sign-in form to the browser that fetched
	// it (a double-submit cookie), so another site cannot sign a visitor in
	// to an account of its choosing.
	preCookie  = "forankra_pre"
	sessionTTL = 12 * time.Hour

	signInWindow          = 15 * time.Minute
	maxSignInFailsAccount = 5
	maxSignInFailsAddress = 30

	signInTokenTTL = 2 * time.Hour
	phoneTokenTTL  = 24 * time.Hour

	localSession = "session"

	// maxConcurrentHashes is how many passwords are checked at once
	// (argon2id, 64 MiB each).
	maxConcurrentHashes = 4
)

// api lets a call with a valid bearer token through when its user may take
// the action: 401 without a token, 403 when the role may not.
func (s *server) api(a survey.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, err := s.authenticate(c)
		if err != nil {
			return err
		}
		if u == nil {
			return survey.ErrUnauthorized
		}
		c.Locals(localUser, u)
		if !survey.Can(u, a) {
			return fmt.Errorf("%s: %w", a, survey.ErrForbidden)
		}
		return c.Next()
	}
}

// authorize checks the action for the villages a request concerns.
func authorize(c *fiber.Ctx, a survey.Action, villages ...string) error {
	if !survey.Can(currentUser(c), a, villages...) {
		return fmt.Errorf("%s för %v: %w", a, villages, survey.ErrForbidden)
	}
	return nil
}

// page lets a signed-in browser through when its user may take the action.
// Anonymous visitors get the sign-in form (401), others 403. A POST must
// come from our own pages and carry the session's CSRF token in "_csrf".
func (s *server) page(a survey.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		post := c.Method() == fiber.MethodPost
		if post && s.crossSite(c) {
			return renderError(c, fiber.StatusForbidden, "Formuläret skickades från en annan webbplats och togs inte emot")
		}
		u, err := s.sessionUser(c)
		bearer := false
		if err == nil && u == nil && c.Get(fiber.HeaderAuthorization) != "" {
			// A machine client may read and post pages with its API token. A
			// browser never adds that header on its own, so such a request
			// cannot be forged by another site and needs no CSRF token.
			if u, err = s.authenticate(c); u != nil {
				c.Locals(localUser, u)
				bearer = true
			}
		}
		if err != nil {
			return err
		}
		if u == nil {
			next := c.OriginalURL()
			if post {
				next = "/att-gora" // a form posted after the session ended cannot be replayed by a redirect
			}
			return s.renderSignIn(c, fiber.StatusUnauthorized, signInForm{Next: next})
		}
		if post && !bearer {
			want, _ := c.Locals(localCSRF).(string)
			if got := c.FormValue("_csrf"); got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
				return renderError(c, fiber.StatusForbidden, "Formuläret har gått ut eller kom inte från Förankra. Gå tillbaka, ladda om sidan och försök igen")
			}
		}
		if !survey.Can(u, a) {
			return renderError(c, fiber.StatusForbidden, "Du har inte behörighet till det här")
		}
		return c.Next()
	}
}

// crossSite reports a form posted from another site. Browsers say so in
// Sec-Fetch-Site; older ones only send Origin, which must then name this
// host (or the configured public address, for a proxy that rewrites Host).
// Requests carrying neither (old browsers, scripts) are judged by the form
// tokens alone.
func (s *server) crossSite(c *fiber.Ctx) bool {
	switch c.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return false
	case "":
	default:
		return true
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || origin == "null" {
		return true
	}
	if u.Host == c.Hostname() {
		return false
	}
	if s.cfg.PublicURL != "" {
		if p, err := url.Parse(s.cfg.PublicURL); err == nil && p.Host == u.Host {
			return false
		}
	}
	return true
}

// sessionUser resolves the session cookie to an active user, noting the
// session's CSRF token; no or a stale cookie is (nil, nil).
func (s *server) sessionUser(c *fiber.Ctx) (*survey.User, error) {
	sid := c.Cookies(sessionCookie)
	if sid == "" || len(sid) > 100 {
		return nil, nil
	}
	cx, cancel := ctx(c)
	defer cancel()
	sess, err := s.sessions.Get(cx, sid, s.now())
	if errors.Is(err, survey.ErrNotFound) {
		s.clearCookie(c, sessionCookie)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	u, err := s.users.Get(cx, sess.User)
	if errors.Is(err, survey.ErrNotFound) || err == nil && !u.Active {
		_ = s.sessions.Delete(cx, sid)
		s.clearCookie(c, sessionCookie)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.Locals(localUser, &u)
	c.Locals(localCSRF, sess.CSRF)
	c.Locals(localSession, sid)
	return &u, nil
}

// secure reports whether cookies get the Secure flag: on HTTPS, or always
// when configured (behind a proxy that ends TLS).
func (s *server) secure(c *fiber.Ctx) bool { return s.cfg.CookieSecure || c.Protocol() == "https" }

func (s *server) setCookie(c *fiber.Ctx, name, value string, ttl time.Duration) {
	c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(ttl.Seconds()),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: s.secure(c)})
}

func (s *server) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(1, 0),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: s.secure(c)})
}

// keys caches the service's secrets, read from the database once.
type keys struct {
	mu   sync.Mutex
	vals map[string][]byte
}

// key returns the named secret of the service (shared by all instances).
func (s *server) key(cx context.Context, name string) ([]byte, error) {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	if k, ok := s.keys.vals[name]; ok {
		return k, nil
	}
	k, err := s.secrets.Get(cx, name)
	if err != nil {
		return nil, err
	}
	if s.keys.vals == nil {
		s.keys.vals = map[string][]byte{}
	}
	s.keys.vals[name] = k
	return k, nil
}

// formToken signs purpose and binding with the time: a token for an
// anonymous form that needs no stored state.
func (s *server) formToken(cx context.Context, purpose, binding string) (string, error) {
	k, err := s.key(cx, "forms")
	if err != nil {
		return "", err
	}
	ts := strconv.FormatInt(s.now().Unix(), 36)
	return ts + "." + sign(k, purpose, binding, ts), nil
}

// checkFormToken reports whether token was made for purpose and binding less
// than ttl ago.
func (s *server) checkFormToken(cx context.Context, token, purpose, binding string, ttl time.Duration) (bool, error) {
	ts, mac, ok := strings.Cut(token, ".")
	if !ok || len(token) > 200 {
		return false, nil
	}
	sec, err := strconv.ParseInt(ts, 36, 64)
	if err != nil {
		return false, nil
	}
	age := s.now().Sub(time.Unix(sec, 0))
	if age < -time.Minute || age > ttl {
		return false, nil
	}
	k, err := s.key(cx, "forms")
	if err != nil {
		return false, err
	}
	return hmac.Equal([]byte(mac), []byte(sign(k, purpose, binding, ts))), nil
}

func sign(key []byte, parts ...string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// clientKey is the client's address as a counter key: an HMAC, so no
// address is stored.
func (s *server) clientKey(cx context.Context, c *fiber.Ctx) (string, error) {
	k, err := s.key(cx, "counters")
	if err != nil {
		return "", err
	}
	return storage.Keyed(k, c.IP()), nil
}

// signIn checks credentials with throttling: after too many failures for the
// account or from the address within signInWindow, every attempt is 429
// until the window ends, without even checking the password.
func (s *server) signIn(cx context.Context, c *fiber.Ctx, email, password string) (survey.User, error) {
	k, err := s.key(cx, "counters")
	if err != nil {
		return survey.User{}, err
	}
	acct := "signin-account:" + storage.Keyed(k, survey.NormalizeEmail(email))
	addr := "signin-address:" + storage.Keyed(k, c.IP())
	now := s.now()
	for _, lim := range []struct {
		key string
		max int
	}{{acct, maxSignInFailsAccount}, {addr, maxSignInFailsAddress}} {
		n, err := s.limits.Count(cx, lim.key, signInWindow, now)
		if err != nil {
			return survey.User{}, err
		}
		if n >= lim.max {
			return survey.User{}, fmt.Errorf("för många misslyckade inloggningar: %w", survey.ErrTooMany)
		}
	}
	u, hash, err := s.users.ByEmail(cx, email)
	if err != nil && !errors.Is(err, survey.ErrNotFound) {
		return survey.User{}, err
	}
	select {
	case s.hashSlots <- struct{}{}:
	case <-cx.Done():
		return survey.User{}, fmt.Errorf("väntade på lösenordskontroll: %w", survey.ErrUnavailable)
	}
	matches := survey.PasswordMatches(password, hash)
	<-s.hashSlots
	if !matches || !u.Active {
		for _, key := range []string{acct, addr} {
			if _, err := s.limits.Hit(cx, key, signInWindow, now); err != nil {
				return survey.User{}, err
			}
		}
		if u.ID != "" {
			s.audit(cx, &u, survey.AuditSignInFailed, u.ID, "")
		}
		return survey.User{}, fmt.Errorf("fel e-post eller lösenord: %w", survey.ErrUnauthorized)
	}
	if err := s.limits.Reset(cx, acct, signInWindow, now); err != nil {
		return survey.User{}, err
	}
	s.audit(cx, &u, survey.AuditSignIn, u.ID, "")
	return u, nil
}

// audit records an administrative action. A failure to write the log is
// logged, not shown: the action itself has happened.
func (s *server) audit(cx context.Context, by *survey.User, action, target, detail string) {
	e := survey.AuditEntry{At: s.now(), Action: action, Target: target, Detail: detail}
	if by != nil {
		e.Actor, e.Email = by.ID, by.Email
	}
	if err := s.auditLog.Add(cx, e); err != nil {
		s.log.Error("audit log", "action", action, "err", err)
	}
}

// safeNext returns a local path to go to after signing in.
func safeNext(next, def string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 500 {
		return def
	}
	for _, r := range next {
		// Browsers drop tabs and newlines from URLs ("/\t/evil" is "//evil")
		// and read a backslash as a slash.
		if r < 0x20 || r == 0x7f || r == '\\' {
			return def
		}
	}
	return next
}
