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

// authorize checks the action for the villages a request concerns: allow
// for the request's user.
func authorize(c *fiber.Ctx, a survey.Action, villages ...string) error {
	return allow(currentUser(c), a, villages...)
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

// Sign-in limits, per window of signInWindow. Every attempt is counted
// before its password is hashed (Limits.Claim), so a burst is held to the
// same numbers as a slow series; an attempt with the right password is
// taken back.
const (
	signInWindow = 15 * time.Minute
	// maxSignInPair is how many passwords one address may try for one
	// account: past it 429 until the window ends, for that pair only.
	maxSignInPair = 10
	// Past freeSignInsAccount attempts for an account (from every address)
	// or freeSignInsAddress from an address (for every account: a town
	// hall's NAT), each attempt waits a little longer before its password is
	// checked, up to maxSignInDelay: slow for an attacker, never a lock.
	freeSignInsAccount = 20
	freeSignInsAddress = 100
	maxSignInDelay     = 5 * time.Second
	// maxHashesPerAddress is how many attempts from one address may wait
	// or hash at once, so one address cannot take the queue from others.
	maxHashesPerAddress = 2
	// maxHashWaiting and hashWait bound the queue for the hash slots; past
	// them 429 with Retry-After rather than a wait that ends in 503.
	maxHashWaiting = 32
	hashWait       = 3 * time.Second
)

// retryLater is a 429 that says when to come back.
type retryLater struct {
	after time.Duration
	msg   string
}

func (e retryLater) Error() string { return e.msg }
func (e retryLater) Unwrap() error { return survey.ErrTooMany }

// retryAfterSeconds is the Retry-After of a 429 error (60 when it has none).
func retryAfterSeconds(err error) int {
	var rl retryLater
	if errors.As(err, &rl) {
		return max(1, int((rl.after+time.Second-1)/time.Second))
	}
	return 60
}

// errSignInBusy is a full queue of password checks.
var errSignInBusy = retryLater{after: 2 * time.Second, msg: "många lösenord kontrolleras just nu"}

// signInDelay is how long an attempt waits, from the number of attempts so
// far for its account and from its address.
func signInDelay(account, address int) time.Duration {
	d := max(time.Duration(account-freeSignInsAccount)*250*time.Millisecond,
		time.Duration(address-freeSignInsAddress)*50*time.Millisecond)
	return min(max(d, 0), maxSignInDelay)
}

// hashQueue admits password checks: a few per address, a bounded queue,
// maxConcurrentHashes at once.
type hashQueue struct {
	mu        sync.Mutex
	byAddress map[string]int
	waiting   int
}

// enterHashQueue admits one check from addr after delay; leaveHashQueue
// must follow.
func (s *server) enterHashQueue(cx context.Context, addr string, delay time.Duration) error {
	q := &s.hashQueue
	q.mu.Lock()
	if q.byAddress[addr] >= maxHashesPerAddress || q.waiting >= maxHashWaiting {
		q.mu.Unlock()
		return errSignInBusy
	}
	if q.byAddress == nil {
		q.byAddress = map[string]int{}
	}
	q.byAddress[addr]++
	q.waiting++
	q.mu.Unlock()
	err := s.waitForHashSlot(cx, delay)
	q.mu.Lock()
	q.waiting--
	if err != nil {
		s.leaveAddress(addr)
	}
	q.mu.Unlock()
	return err
}

func (s *server) waitForHashSlot(cx context.Context, delay time.Duration) error {
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-cx.Done():
			return errSignInBusy
		}
	}
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case s.hashSlots <- struct{}{}:
		return nil
	case <-t.C:
		return errSignInBusy
	case <-cx.Done():
		return errSignInBusy
	}
}

// leaveAddress needs q.mu held.
func (s *server) leaveAddress(addr string) {
	q := &s.hashQueue
	if q.byAddress[addr]--; q.byAddress[addr] <= 0 {
		delete(q.byAddress, addr)
	}
}

// leaveHashQueue ends a check admitted by enterHashQueue.
func (s *server) leaveHashQueue(addr string) {
	<-s.hashSlots
	s.hashQueue.mu.Lock()
	s.leaveAddress(addr)
	s.hashQueue.mu.Unlock()
}

// signIn checks credentials under the limits above. Counter keys are HMACs
// of the email and the address, so neither is stored.
func (s *server) signIn(cx context.Context, c *fiber.Ctx, email, password string) (survey.User, error) {
	k, err := s.key(cx, "counters")
	if err != nil {
		return survey.User{}, err
	}
	acct := storage.Keyed(k, survey.NormalizeEmail(email))
	addr := storage.Keyed(k, c.IP())
	now := s.now()
	pairKey, acctKey, addrKey := "signin-pair:"+acct+":"+addr, "signin-account:"+acct, "signin-address:"+addr
	pair, err := s.limits.Claim(cx, pairKey, signInWindow, now, maxSignInPair)
	if err != nil {
		return survey.User{}, err
	}
	if pair > maxSignInPair {
		return survey.User{}, retryLater{after: now.UTC().Truncate(signInWindow).Add(signInWindow).Sub(now), msg: "för många misslyckade inloggningar för kontot härifrån"}
	}
	nAcct, err := s.limits.Claim(cx, acctKey, signInWindow, now, 0)
	if err != nil {
		return survey.User{}, err
	}
	nAddr, err := s.limits.Claim(cx, addrKey, signInWindow, now, 0)
	if err != nil {
		return survey.User{}, err
	}
	u, hash, err := s.users.ByEmail(cx, email)
	if err != nil && !errors.Is(err, survey.ErrNotFound) {
		return survey.User{}, err
	}
	if err := s.enterHashQueue(cx, addr, signInDelay(nAcct, nAddr)); err != nil {
		return survey.User{}, err
	}
	matches := survey.PasswordMatches(password, hash)
	s.leaveHashQueue(addr)
	if s.cfg.PasswordChecked != nil {
		s.cfg.PasswordChecked()
	}
	if !matches || !u.Active {
		if u.ID != "" {
			s.audit(cx, &u, survey.AuditSignInFailed, u.ID, "")
		}
		return survey.User{}, fmt.Errorf("fel e-post eller lösenord: %w", survey.ErrUnauthorized)
	}
	for _, r := range []struct {
		key string
		n   int
	}{{pairKey, pair}, {acctKey, nAcct}, {addrKey, nAddr}} {
		if err := s.limits.Release(cx, r.key, signInWindow, now, r.n); err != nil {
			return survey.User{}, err
		}
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
