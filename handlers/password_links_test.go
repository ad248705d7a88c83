package handlers

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

var linkInMail = regexp.MustCompile(`/losenord/([A-Za-z0-9_-]+)`)

// mailTo waits for the newest mail to the address in the outbox (the
// forgotten-password mail goes out after the answer) and returns it.
func (ta *testApp) mailTo(email string, want int) (survey.OutboxMessage, int) {
	ta.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		msgs, err := storage.NewOutbox(ta.db).List(context.Background(), "")
		if err != nil {
			ta.t.Fatal(err)
		}
		var mine []survey.OutboxMessage
		for _, m := range msgs {
			if m.To == email {
				mine = append(mine, m)
			}
		}
		if len(mine) >= want || time.Now().After(deadline) {
			if len(mine) == 0 {
				return survey.OutboxMessage{}, 0
			}
			return mine[0], len(mine)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (ta *testApp) linkFor(email string, want int) string {
	ta.t.Helper()
	m, _ := ta.mailTo(email, want)
	found := linkInMail.FindStringSubmatch(m.Body)
	if found == nil {
		ta.t.Fatalf("got a mail %q; want one with a password link", m.Body)
	}
	return found[1]
}

func TestAnInvitedUserSetsAPasswordOnceThroughTheLink(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	code, b := ta.do("POST", "/api/v1/users", adm.token, map[string]any{"email": "Ny@Example.se", "name": "Nya Nilsson", "role": "official"})
	if code != http.StatusCreated {
		t.Fatalf("invite: got %d %s; want 201", code, b)
	}
	m, _ := ta.mailTo("ny@example.se", 1)
	if m.Subject != "Inbjudan till Förankra" || !strings.Contains(m.Body, "Nya Nilsson") {
		t.Errorf("got mail %q %q; want the invitation", m.Subject, m.Body)
	}
	secret := ta.linkFor("ny@example.se", 1)
	if code, _ := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": "ny@example.se", "password": ""}); code == http.StatusCreated {
		t.Error("got a token for an invited account without a password; want none")
	}
	t.Run("staff reading the outbox do not see the link", func(t *testing.T) {
		_, b := ta.do("GET", "/api/v1/outbox", ta.user(survey.RoleOfficial), nil)
		if strings.Contains(string(b), secret) || !strings.Contains(string(b), "Inbjudan") {
			t.Errorf("got %s; want the invitation without its link", b)
		}
	})
	path := "/losenord/" + secret
	if code, page, _ := ta.page("GET", path, account{}, nil); code != 200 || !strings.Contains(string(page), `action="`+path+`"`) {
		t.Errorf("link page: got %d; want 200 with the form", code)
	}
	cases := []struct {
		name       string
		form       url.Values
		want       int
		wantInPage string
	}{
		{"two different passwords are refused", url.Values{"password": {"ett-långt-lösenord"}, "password2": {"ett-annat-lösenord"}}, 422, `id="password2-err"`},
		{"a short password is refused by the password rule", url.Values{"password": {"kort"}, "password2": {"kort"}}, 422, `id="password-err"`},
		{"a good password is saved", url.Values{"password": {"ett-långt-lösenord"}, "password2": {"ett-långt-lösenord"}}, 200, "Lösenordet är sparat"},
		{"the link works only once", url.Values{"password": {"ett-tredje-lösenord"}, "password2": {"ett-tredje-lösenord"}}, 410, "redan använts"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := ta.page("POST", path, account{}, tc.form)
			if code != tc.want || !strings.Contains(string(page), tc.wantInPage) {
				t.Errorf("got %d; want %d with %q", code, tc.want, tc.wantInPage)
			}
		})
	}
	if code, b := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": "ny@example.se", "password": "ett-långt-lösenord"}); code != http.StatusCreated {
		t.Errorf("sign in with the chosen password: got %d %s; want 201", code, b)
	}
	t.Run("an expired invitation is gone", func(t *testing.T) {
		ta.do("POST", "/api/v1/users", adm.token, map[string]any{"email": "sen@example.se", "name": "Sen", "role": "forum"})
		late := ta.linkFor("sen@example.se", 1)
		ta.now = ta.now.Add(inviteTTL + time.Minute)
		if code, _, _ := ta.page("GET", "/losenord/"+late, account{}, nil); code != http.StatusGone {
			t.Errorf("got %d; want 410", code)
		}
	})
}

func TestTwoUsesOfOneLinkAtOnceSetOnePassword(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	ta.do("POST", "/api/v1/users", adm.token, map[string]any{"email": "tva@example.se", "name": "Två", "role": "forum"})
	path := "/losenord/" + ta.linkFor("tva@example.se", 1)
	codes := make([]int, 2)
	var wg sync.WaitGroup
	for i, pw := range []string{"första-långa-lösenordet", "andra-långa-lösenordet"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", path, strings.NewReader(url.Values{"password": {pw}, "password2": {pw}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := ta.app.Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	if !(codes[0] == 200 && codes[1] == 410 || codes[0] == 410 && codes[1] == 200) {
		t.Fatalf("got %v; want one 200 and one 410", codes)
	}
	winner := "första-långa-lösenordet"
	if codes[1] == 200 {
		winner = "andra-långa-lösenordet"
	}
	for _, tt := range []struct {
		pw   string
		want int
	}{{winner, http.StatusCreated}, {strings.Replace("första-långa-lösenordet andra-långa-lösenordet", winner, "", 1), http.StatusUnauthorized}} {
		if code, _ := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": "tva@example.se", "password": strings.TrimSpace(tt.pw)}); code != tt.want {
			t.Errorf("sign in with %q: got %d; want %d", tt.pw, code, tt.want)
		}
	}
}

func TestForgottenPasswordAnswersAlikeAndIsThrottled(t *testing.T) {
	ta := newTestApp(t)
	known := ta.account(survey.RoleOfficial)
	post := func(email string) (int, string) {
		code, page, _ := ta.page("POST", "/glomt-losenord", account{}, url.Values{"email": {email}})
		return code, string(page)
	}
	codeKnown, pageKnown := post(strings.ToUpper(known.user.Email))
	codeUnknown, pageUnknown := post("ingen@example.se")
	if codeKnown != 200 || codeKnown != codeUnknown || pageKnown != pageUnknown {
		t.Errorf("got %d and %d, same page %v; want 200 and the same page for a known and an unknown address", codeKnown, codeUnknown, pageKnown == pageUnknown)
	}
	secret := ta.linkFor(known.user.Email, 1)
	if _, n := ta.mailTo("ingen@example.se", 0); n != 0 {
		t.Errorf("got %d mails to an unknown address; want none", n)
	}
	t.Run("the link sets a new password and ends the old sessions", func(t *testing.T) {
		pw := url.Values{"password": {"ett-nytt-långt-lösenord"}, "password2": {"ett-nytt-långt-lösenord"}}
		if code, _, _ := ta.page("POST", "/losenord/"+secret, account{}, pw); code != 200 {
			t.Fatalf("got %d; want 200", code)
		}
		if code, _ := ta.do("GET", "/api/v1/tokens", known.token, nil); code != http.StatusUnauthorized {
			t.Errorf("old token: got %d; want 401", code)
		}
		if code, _ := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": known.user.Email, "password": "ett-nytt-långt-lösenord"}); code != http.StatusCreated {
			t.Errorf("new password: got %d; want 201", code)
		}
	})
	t.Run("one address asking too often gets 429", func(t *testing.T) {
		code := 0
		for i := 0; i < forgotLimit; i++ {
			code, _ = post("ingen@example.se")
		}
		if code != http.StatusTooManyRequests {
			t.Errorf("got %d after %d requests; want 429", code, forgotLimit+2)
		}
	})
}
