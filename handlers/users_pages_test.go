package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

func TestTheUserListSearchesFiltersAndPages(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	users := storage.NewUsers(ta.db)
	for i := 1; i <= 30; i++ {
		u := survey.User{Email: fmt.Sprintf("person%02d@example.se", i), Name: fmt.Sprintf("Person %02d", i), Role: survey.RoleForum, Villages: []string{}, Active: true, Created: ta.now}
		if i == 7 {
			u.Name, u.Role = "Greta Gräsrot", survey.RolePolitician
		}
		if err := users.Create(context.Background(), &u, ""); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name, query   string
		want, notWant []string
	}{
		{"the first page shows 25 of 31", "", []string{"31 konton", "Sida 1 av 2", "sida=2"}, []string{"Person 30"}},
		{"the second page shows the rest", "?sida=2", []string{"Person 30", "sida=1"}, []string{"Person 01<"}},
		{"a name is found whatever its case", "?q=GRETA", []string{"Greta Gräsrot", "1 konton"}, []string{"Person 01"}},
		{"an address is found", "?q=person12%40", []string{"Person 12"}, []string{"Person 11"}},
		{"a role filter keeps that role", "?roll=politician", []string{"Greta Gräsrot"}, []string{"Person 01"}},
		{"the filter stays in the page links", "?roll=forum&sida=1", []string{"roll=forum&amp;sida=2"}, []string{"Greta"}},
		{"a page out of range shows the first", "?sida=99", []string{"Sida 1 av 2"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := ta.page("GET", "/admin/anvandare"+tc.query, adm, nil)
			checkPage(t, code, page, tc.want, tc.notWant)
		})
	}
}

func TestAnAdministratorEditsAnAccountOnItsPage(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	ta.page("POST", "/admin/byar", adm, url.Values{"name": {"Åby"}}) // the page lists villages to tick
	other := ta.account(survey.RoleOfficial)
	target := ta.account(survey.RoleForum)
	path := "/admin/anvandare/" + target.user.ID
	if code, page, _ := ta.page("GET", path, adm, nil); code != 200 || !strings.Contains(string(page), `value="`+target.user.Email+`"`) {
		t.Errorf("edit page: got %d; want 200 with the address", code)
	}
	base := url.Values{"role": {"forum"}, "active": {"on"}, "name": {"Nytt Namn"}, "email": {"Nytt@Example.se"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vals := range base {
			f[key] = vals
		}
		f.Set(k, v)
		return f
	}
	cases := []struct {
		name      string
		form      url.Values
		want      int
		wantField string
		wantName  string
		wantEmail string
	}{
		{"an address another account has is refused", with("email", other.user.Email), 422, `id="email-err"`, target.user.Name, target.user.Email},
		{"an address that is not one is refused", with("email", "inte en adress"), 422, `id="email-err"`, target.user.Name, target.user.Email},
		{"an empty name is refused", with("name", " "), 422, `id="name-err"`, target.user.Name, target.user.Email},
		{"name and address change", base, 303, "", "Nytt Namn", "nytt@example.se"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := ta.page("POST", path, adm, tc.form)
			if code != tc.want || (tc.wantField != "" && !strings.Contains(string(page), tc.wantField)) {
				t.Errorf("got %d; want %d %s", code, tc.want, tc.wantField)
			}
			u, _ := storage.NewUsers(ta.db).Get(context.Background(), target.user.ID)
			if u.Name != tc.wantName || u.Email != tc.wantEmail {
				t.Errorf("got %q %q; want %q %q", u.Name, u.Email, tc.wantName, tc.wantEmail)
			}
		})
	}
	if code, _ := ta.do("POST", "/api/v1/tokens", "", map[string]string{"email": "nytt@example.se", "password": "ett-långt-lösenord"}); code != http.StatusCreated {
		t.Errorf("sign in with the new address: got %d; want 201", code)
	}
	t.Run("an account made on the page without a password is invited", func(t *testing.T) {
		code, _, h := ta.page("POST", "/admin/anvandare", adm, url.Values{"email": {"inbjuden@example.se"}, "name": {"Inbjuden"}, "role": {"forum"}})
		if code != 303 || !strings.Contains(h.Get("Location"), "inbjuden=1") {
			t.Fatalf("got %d to %q; want 303 to the account with inbjuden=1", code, h.Get("Location"))
		}
		if m, n := ta.mailTo("inbjuden@example.se", 1); n != 1 || m.Subject != "Inbjudan till Förankra" {
			t.Errorf("got %d mails (%q); want the invitation", n, m.Subject)
		}
		_, page, _ := ta.page("GET", h.Get("Location"), adm, nil)
		if !strings.Contains(string(page), "inbjudan ligger i utkorgen") {
			t.Error("got no word of the invitation; want it said")
		}
	})
}

func TestAVillageChangesNameAndPopulationButKeepsItsSlug(t *testing.T) {
	ta := newTestApp(t)
	adm := ta.account(survey.RoleAdmin)
	ta.page("POST", "/admin/byar", adm, url.Values{"name": {"Åby"}, "population": {"120"}})
	cases := []struct {
		name      string
		form      url.Values
		want      int
		wantField string
		wantName  string
		wantPop   int
	}{
		{"a population that is not a number is refused", url.Values{"name": {"Åby"}, "population": {"många"}}, 422, `id="population-err"`, "Åby", 120},
		{"a negative population is refused", url.Values{"name": {"Åby"}, "population": {"-3"}}, 422, `id="population-err"`, "Åby", 120},
		{"an empty name is refused", url.Values{"name": {"  "}, "population": {"130"}}, 422, `id="name-err"`, "Åby", 120},
		{"name and population change", url.Values{"name": {"Åby by"}, "population": {"134"}}, 303, "", "Åby by", 134},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := ta.page("POST", "/admin/byar/aby", adm, tc.form)
			if code != tc.want || (tc.wantField != "" && !strings.Contains(string(page), tc.wantField)) {
				t.Errorf("got %d; want %d %s", code, tc.want, tc.wantField)
			}
			v, err := storage.NewVillages(ta.db).Get(context.Background(), "aby")
			if err != nil || v.Name != tc.wantName || v.Population != tc.wantPop {
				t.Errorf("got %q %d (%v); want %q %d under the slug aby", v.Name, v.Population, err, tc.wantName, tc.wantPop)
			}
		})
	}
	if code, _, _ := ta.page("GET", "/admin/byar/finnsinte", adm, nil); code != 404 {
		t.Errorf("an unknown village: got %d; want 404", code)
	}
}
