package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// signInPage fetches the sign-in form and returns its hidden fields and the
// pre-session cookie.
func (ta *testApp) signInForm() (url.Values, []*http.Cookie) {
	ta.t.Helper()
	code, b, h := ta.page("GET", "/logga-in", account{}, nil)
	if code != http.StatusOK {
		ta.t.Fatalf("GET /logga-in: got %d; want 200", code)
	}
	return hidden(b), (&http.Response{Header: h}).Cookies()
}

// postWithCookies posts a form with cookies and no session.
func (ta *testApp) postWithCookies(path string, form url.Values, cookies []*http.Cookie, headers ...string) (*http.Response, string) {
	ta.t.Helper()
	req, _ := http.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ta.app.Test(req, -1)
	if err != nil {
		ta.t.Fatal(err)
	}
	defer resp.Body.Close()
	b := make([]byte, 0)
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b = append(b, buf[:n]...)
		if err != nil {
			break
		}
	}
	return resp, string(b)
}

func cookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSignInThroughThePagesMakesASessionThatSignOutEnds(t *testing.T) {
	ta := newTestApp(t)
	a := ta.account(survey.RoleOfficial)
	form, cookies := ta.signInForm()
	form.Set("email", strings.ToUpper(a.user.Email)) // sign-in ignores case
	form.Set("password", "ett-långt-lösenord")
	form.Set("next", "/enkater/ny")
	resp, body := ta.postWithCookies("/logga-in", form, cookies)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/enkater/ny" {
		t.Fatalf("got %d to %q %s; want 303 to /enkater/ny", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	c := cookie(resp, sessionCookie)
	if c == nil {
		t.Fatal("got no session cookie; want one")
	}
	t.Run("the cookie is HttpOnly and SameSite=Lax", func(t *testing.T) {
		raw := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("got %s; want HttpOnly and SameSite=Lax", raw)
		}
	})
	t.Run("only a hash of the session id is stored", func(t *testing.T) {
		plain, _ := ta.db.Containing(context.Background(), c.Value)
		hashed, _ := ta.db.Containing(context.Background(), storage.HashSecret(c.Value))
		if len(plain) != 0 || len(hashed) != 1 || hashed[0] != "sessions" {
			t.Errorf("got the plain id in %v and its hash in %v; want nowhere and in sessions", plain, hashed)
		}
	})
	session := account{session: c.Value}
	code, page, _ := ta.page("GET", "/enkater", session, nil)
	if code != http.StatusOK || !strings.Contains(string(page), `action="/logga-ut"`) {
		t.Fatalf("signed-in page: got %d; want 200 with a sign-out form", code)
	}
	csrf := hidden(page).Get("_csrf")
	t.Run("sign-out without the CSRF token is refused", func(t *testing.T) {
		if code, _, _ := ta.page("POST", "/logga-ut", session, url.Values{"_csrf": {"fel"}}); code != http.StatusForbidden {
			t.Errorf("got %d; want 403", code)
		}
	})
	code, _, _ = ta.page("POST", "/logga-ut", session, url.Values{"_csrf": {csrf}})
	if code != http.StatusSeeOther {
		t.Fatalf("sign-out: got %d; want 303", code)
	}
	if code, page, _ := ta.page("GET", "/enkater", session, nil); code != http.StatusUnauthorized || !strings.Contains(string(page), `name="password"`) {
		t.Errorf("after sign-out: got %d; want 401 with the sign-in form", code)
	}
}

func TestSecureCookiesWhenConfigured(t *testing.T) {
	ta := newTestApp(t)
	ta.app = New(Config{DB: ta.db, Now: func() time.Time { return ta.now }, CookieSecure: true})
	_, _, h := ta.page("GET", "/logga-in", account{}, nil)
	if c := cookie(&http.Response{Header: h}, preCookie); c == nil || !c.Secure {
		t.Errorf("got %v; want a Secure cookie", h.Values("Set-Cookie"))
	}
}

func TestSessionsExpireOnRead(t *testing.T) {
	ta := newTestApp(t)
	a := ta.account(survey.RoleForum) // the session lives one hour
	if code, _, _ := ta.page("GET", "/enkater", a, nil); code != http.StatusOK {
		t.Fatalf("fresh session: got %d; want 200", code)
	}
	ta.now = ta.now.Add(61 * time.Minute)
	if code, _, _ := ta.page("GET", "/enkater", a, nil); code != http.StatusUnauthorized {
		t.Errorf("expired session: got %d; want 401", code)
	}
	if in, _ := ta.db.Containing(context.Background(), storage.HashSecret(a.session)); len(in) != 0 {
		t.Errorf("got the expired session still in %v; want it deleted", in)
	}
}

func TestSignedInFormsRefuseMissingWrongOrCrossSiteTokens(t *testing.T) {
	ta := newTestApp(t)
	a := ta.account(survey.RoleAdmin)
	tests := []struct {
		name    string
		values  url.Values
		headers []string
		want    int
	}{
		{"no token", url.Values{"_csrf": {""}, "name": {"Åby"}}, nil, 403},
		{"another session's token", url.Values{"_csrf": {ta.account(survey.RoleAdmin).csrf}, "name": {"Åby"}}, nil, 403},
		{"a post another site made", url.Values{"name": {"Åby"}}, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"a post from another origin", url.Values{"name": {"Åby"}}, []string{"Origin", "https://evil.example"}, 403},
		{"the session's token from our own page", url.Values{"name": {"Åby"}}, []string{"Sec-Fetch-Site", "same-origin"}, 303},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s answers %d", tt.name, tt.want), func(t *testing.T) {
			if code, b, _ := ta.page("POST", "/admin/byar", a, tt.values, tt.headers...); code != tt.want {
				t.Errorf("got %d %.200s; want %d", code, b, tt.want)
			}
		})
	}
}

func TestSignInFormNeedsItsCookieAndToken(t *testing.T) {
	ta := newTestApp(t)
	a := ta.account(survey.RoleOfficial)
	form, cookies := ta.signInForm()
	form.Set("email", a.user.Email)
	form.Set("password", "ett-långt-lösenord")
	t.Run("without the pre-session cookie it is 403 and the email is kept", func(t *testing.T) {
		resp, body := ta.postWithCookies("/logga-in", form, nil)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, a.user.Email) {
			t.Errorf("got %d; want 403 with the email kept", resp.StatusCode)
		}
	})
	t.Run("with a forged token it is 403", func(t *testing.T) {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("_token", "1.abc")
		if resp, _ := ta.postWithCookies("/logga-in", f, cookies); resp.StatusCode != http.StatusForbidden {
			t.Errorf("got %d; want 403", resp.StatusCode)
		}
	})
	t.Run("a wrong password is 401 with the form again", func(t *testing.T) {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("password", "fel-lösenord-igen")
		resp, body := ta.postWithCookies("/logga-in", f, cookies)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Fel e-postadress eller lösenord") {
			t.Errorf("got %d; want 401 with a Swedish message", resp.StatusCode)
		}
	})
}

func TestTokensAreRevokedByTheirOwnerOrAnAdministrator(t *testing.T) {
	ta := newTestApp(t)
	owner, other, adm := ta.account(survey.RoleOfficial), ta.account(survey.RoleForum), ta.account(survey.RoleAdmin)
	tokenID := func(a account) string {
		_, b := ta.do("GET", "/api/v1/tokens", a.token, nil)
		list := decode[[]storage.TokenInfo](t, b)
		if len(list) != 1 {
			t.Fatalf("got %d tokens; want 1", len(list))
		}
		return list[0].ID
	}
	id := tokenID(owner)
	if code, _ := ta.do("DELETE", "/api/v1/tokens/"+id, other.token, nil); code != http.StatusForbidden {
		t.Errorf("someone else revoking: got %d; want 403", code)
	}
	if code, _ := ta.do("DELETE", "/api/v1/tokens/"+id, owner.token, nil); code != http.StatusNoContent {
		t.Errorf("the owner revoking: got %d; want 204", code)
	}
	if code, _ := ta.do("GET", "/api/v1/villages", owner.token, nil); code != http.StatusUnauthorized {
		t.Errorf("a revoked token: got %d; want 401", code)
	}
	if code, _ := ta.do("DELETE", "/api/v1/tokens/"+tokenID(other), adm.token, nil); code != http.StatusNoContent {
		t.Errorf("an administrator revoking: got %d; want 204", code)
	}
	if code, _ := ta.do("GET", "/api/v1/villages", other.token, nil); code != http.StatusUnauthorized {
		t.Errorf("a token revoked by an administrator: got %d; want 401", code)
	}
}

func TestAdministratorsManageUsers(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	if code, b := ta.do("POST", "/api/v1/villages", adm.token, map[string]any{"name": "Åby"}); code != 201 {
		t.Fatalf("village: got %d %s", code, b)
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"a representative of a village", map[string]any{"email": " Rep@Example.se ", "name": "Rep", "password": "ett-långt-lösenord", "role": "representative", "villages": []string{"aby"}}, 201, ""},
		{"the same email in other case", map[string]any{"email": "rep@example.SE", "name": "Rep", "password": "ett-långt-lösenord", "role": "forum"}, 422, "email"},
		{"a short password", map[string]any{"email": "a@example.se", "name": "A", "password": "kort", "role": "forum"}, 422, "password"},
		{"a representative without villages", map[string]any{"email": "b@example.se", "name": "B", "password": "ett-långt-lösenord", "role": "representative"}, 422, "villages"},
		{"an unknown village", map[string]any{"email": "c@example.se", "name": "C", "password": "ett-långt-lösenord", "role": "representative", "villages": []string{"nowhere"}}, 422, "villages[0]"},
		{"an unknown role", map[string]any{"email": "d@example.se", "name": "D", "password": "ett-långt-lösenord", "role": "king"}, 422, "role"},
	}
	var repID string
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s answers %d", tt.name, tt.status), func(t *testing.T) {
			code, b := ta.do("POST", "/api/v1/users", adm.token, tt.body)
			if code != tt.status {
				t.Fatalf("got %d %s; want %d", code, b, tt.status)
			}
			if tt.field != "" {
				if e := decode[apiError](t, b); len(e.Errors) == 0 || e.Errors[0].Field != tt.field {
					t.Errorf("got errors %+v; want one for %s", e.Errors, tt.field)
				}
			} else {
				u := decode[survey.User](t, b)
				repID = u.ID
				if u.Email != "rep@example.se" || strings.Contains(string(b), "password") {
					t.Errorf("got %s; want the normalised email and no password", b)
				}
			}
		})
	}
	t.Run("the new user signs in case-insensitively", func(t *testing.T) {
		if code, b := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": "REP@example.se", "password": "ett-långt-lösenord"}); code != 201 {
			t.Errorf("got %d %s; want 201", code, b)
		}
	})
	t.Run("deactivation ends the user's tokens and sessions", func(t *testing.T) {
		victim := ta.account(survey.RoleOfficial)
		code, b := ta.do("PATCH", "/api/v1/users/"+victim.user.ID, adm.token, map[string]any{"active": false})
		if code != 200 || decode[survey.User](t, b).Active {
			t.Fatalf("got %d %s; want 200 and inactive", code, b)
		}
		if code, _ := ta.do("GET", "/api/v1/villages", victim.token, nil); code != http.StatusUnauthorized {
			t.Errorf("token after deactivation: got %d; want 401", code)
		}
		if code, _, _ := ta.page("GET", "/enkater", victim, nil); code != http.StatusUnauthorized {
			t.Errorf("session after deactivation: got %d; want 401", code)
		}
		if code, _ := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": victim.user.Email, "password": "ett-långt-lösenord"}); code != http.StatusUnauthorized {
			t.Errorf("signing in deactivated: got %d; want 401", code)
		}
	})
	t.Run("a new password ends the user's tokens and sessions", func(t *testing.T) {
		u := ta.account(survey.RoleForum)
		if code, b := ta.do("PATCH", "/api/v1/users/"+u.user.ID, adm.token, map[string]any{"password": "ett-nytt-långt-lösenord"}); code != 200 {
			t.Fatalf("got %d %s; want 200", code, b)
		}
		if code, _ := ta.do("GET", "/api/v1/villages", u.token, nil); code != http.StatusUnauthorized {
			t.Errorf("old token: got %d; want 401", code)
		}
		if code, _ := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": u.user.Email, "password": "ett-nytt-långt-lösenord"}); code != http.StatusCreated {
			t.Errorf("the new password: got %d; want 201", code)
		}
	})
	t.Run("a role change to official drops the villages", func(t *testing.T) {
		code, b := ta.do("PATCH", "/api/v1/users/"+repID, adm.token, map[string]any{"role": "official"})
		if u := decode[survey.User](t, b); code != 200 || u.Role != "official" || len(u.Villages) != 0 {
			t.Errorf("got %d %s; want an official without villages", code, b)
		}
	})
	t.Run("an administrator cannot deactivate themselves", func(t *testing.T) {
		if code, b := ta.do("PATCH", "/api/v1/users/"+adm.user.ID, adm.token, map[string]any{"active": false}); code != 422 {
			t.Errorf("got %d %s; want 422", code, b)
		}
	})
	t.Run("the audit log has the changes, readable by administrators", func(t *testing.T) {
		_, b := ta.do("GET", "/api/v1/audit", adm.token, nil)
		list := decode[[]survey.AuditEntry](t, b)
		seen := map[string]bool{}
		for _, e := range list {
			seen[e.Action] = true
			if e.Action == survey.AuditUserChanged && e.Email != adm.user.Email {
				t.Errorf("got actor %q; want %q", e.Email, adm.user.Email)
			}
		}
		for _, want := range []string{survey.AuditUserCreated, survey.AuditUserChanged, survey.AuditVillageAdded, survey.AuditSignIn} {
			if !seen[want] {
				t.Errorf("got no %s entry; want one", want)
			}
		}
	})
}

func TestSignInGoesOnlyToLocalPages(t *testing.T) {
	tests := []struct{ next, want string }{
		{"/enkater/ny", "/enkater/ny"},
		{"//evil.example", "/enkater"},
		{"/\t/evil.example", "/enkater"},
		{"/\\evil.example", "/enkater"},
		{"https://evil.example", "/enkater"},
		{"", "/enkater"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q goes to %q", tt.next, tt.want), func(t *testing.T) {
			if got := safeNext(tt.next, "/enkater"); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}
