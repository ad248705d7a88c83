package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

func TestGuessablePasswordsAreRefusedWherePasswordsAreSet(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	someone := ta.account(survey.RoleForum)
	weak := []string{"aaaaaaaaaa", "          ", "password12"}
	paths := []struct {
		name     string
		send     func(password string) (int, []byte)
		wantPage bool
	}{
		{"creating a user", func(p string) (int, []byte) {
			return ta.do("POST", "/api/v1/users", adm.token, map[string]any{"email": "ny-" + storage.NewID() + "@example.se", "name": "Ny", "password": p, "role": "forum"})
		}, false},
		{"an administrator's change", func(p string) (int, []byte) {
			return ta.do("PATCH", "/api/v1/users/"+someone.user.ID, adm.token, map[string]any{"password": p})
		}, false},
		{"the user's own change", func(p string) (int, []byte) {
			return ta.do("POST", "/api/v1/me/password", someone.token, map[string]any{"current_password": rightPassword, "password": p})
		}, false},
		{"the account page", func(p string) (int, []byte) {
			code, b, _ := ta.page("POST", "/konto/losenord", someone, url.Values{"current_password": {rightPassword}, "password": {p}})
			return code, b
		}, true},
	}
	for _, path := range paths {
		for _, p := range weak {
			t.Run(path.name+" refuses "+strings.ReplaceAll(p, " ", "␠"), func(t *testing.T) {
				code, b := path.send(p)
				if code != http.StatusUnprocessableEntity {
					t.Fatalf("got %d %s; want 422", code, b)
				}
				if path.wantPage {
					if !strings.Contains(string(b), "Lösenordet är för lätt att gissa") {
						t.Errorf("got a page without the Swedish message")
					}
					return
				}
				e := decode[errorBody](t, b)
				if len(e.Errors) != 1 || e.Errors[0].Field != "password" || !strings.HasPrefix(e.Errors[0].Message, "Lösenordet") {
					t.Errorf("got %s; want one error for field password in Swedish", b)
				}
			})
		}
	}
	if code, _ := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": someone.user.Email, "password": rightPassword}); code != http.StatusCreated {
		t.Errorf("after the refusals the old password: got %d; want 201", code)
	}
}

func TestAUserChangesTheirOwnPasswordAndEndsTheirOtherWaysIn(t *testing.T) {
	const newPassword = "ett-helt-annat-lösenord"
	tests := []struct {
		name   string
		change func(ta *testApp, a account) int
		// kept is whether the token (API) or session (page) used stays.
		keptToken, keptSession bool
	}{
		{"through the API", func(ta *testApp, a account) int {
			code, _ := ta.do("POST", "/api/v1/me/password", a.token, map[string]string{"current_password": rightPassword, "password": newPassword})
			return code
		}, true, false},
		{"through the account page", func(ta *testApp, a account) int {
			code, _, _ := ta.page("POST", "/konto/losenord", a, url.Values{"current_password": {rightPassword}, "password": {newPassword}})
			return code
		}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t)
			a := ta.account(survey.RoleOfficial)
			other := a
			otherToken, err := storage.NewTokens(ta.db).Create(context.Background(), a.user.ID, ta.now, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			other.token = otherToken
			other.session, _, err = storage.NewSessions(ta.db).Create(context.Background(), a.user.ID, ta.now, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.change(ta, a); got != http.StatusNoContent && got != http.StatusSeeOther {
				t.Fatalf("change: got %d; want 204 or 303", got)
			}
			checks := []struct {
				name string
				got  func() int
				want int
			}{
				{"the token used", func() int { c, _ := ta.do("GET", "/api/v1/tokens", a.token, nil); return c }, map[bool]int{true: 200, false: 401}[tt.keptToken]},
				{"the session used", func() int { c, _, _ := ta.page("GET", "/konto", a, nil); return c }, map[bool]int{true: 200, false: 401}[tt.keptSession]},
				{"another token", func() int { c, _ := ta.do("GET", "/api/v1/tokens", other.token, nil); return c }, 401},
				{"another session", func() int { c, _, _ := ta.page("GET", "/konto", other, nil); return c }, 401},
				{"the old password", func() int {
					c, _ := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": a.user.Email, "password": rightPassword})
					return c
				}, 401},
				{"the new password", func() int {
					c, _ := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": a.user.Email, "password": newPassword})
					return c
				}, 201},
			}
			for _, c := range checks {
				if got := c.got(); got != c.want {
					t.Errorf("%s: got %d; want %d", c.name, got, c.want)
				}
			}
		})
	}
}

func TestAPasswordChangeNeedsTheCurrentPassword(t *testing.T) {
	ta := newTestApp(t)
	a := ta.account(survey.RoleOfficial)
	tests := []struct {
		name      string
		body      any
		want      int
		wantField string
	}{
		{"a wrong current password", map[string]string{"current_password": "inte-det-lösenordet", "password": "ett-helt-annat-lösenord"}, 422, "current_password"},
		{"no current password", map[string]string{"password": "ett-helt-annat-lösenord"}, 422, "current_password"},
		{"the same password again", map[string]string{"current_password": rightPassword, "password": rightPassword}, 422, "password"},
		{"an unknown field", map[string]string{"current_password": rightPassword, "new": "x"}, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ta.do("POST", "/api/v1/me/password", a.token, tt.body)
			if code != tt.want {
				t.Fatalf("got %d %s; want %d", code, b, tt.want)
			}
			if tt.wantField != "" {
				if e := decode[errorBody](t, b); len(e.Errors) == 0 || e.Errors[0].Field != tt.wantField {
					t.Errorf("got %s; want an error for %s", b, tt.wantField)
				}
			}
		})
	}
	t.Run("the account page is linked from the header in both languages", func(t *testing.T) {
		for _, lang := range []struct{ cookie, want string }{{"sv", "Ditt konto"}, {"en", "Your account"}} {
			code, b, _ := ta.page("GET", "/enkater", a, nil, "Cookie", "lang="+lang.cookie+"; "+sessionCookie+"="+a.session)
			if code != 200 || !strings.Contains(string(b), `<a href="/konto">`+lang.want+`</a>`) {
				t.Errorf("%s: got %d without a link %q", lang.cookie, code, lang.want)
			}
		}
	})
	t.Run("a page form without the session's token is refused", func(t *testing.T) {
		code, _, _ := ta.page("POST", "/konto/losenord", a, url.Values{"_csrf": {"fel"}, "current_password": {rightPassword}, "password": {"ett-helt-annat-lösenord"}})
		if code != http.StatusForbidden {
			t.Errorf("got %d; want 403", code)
		}
	})
}
