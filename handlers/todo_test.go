package handlers

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/survey"
)

// navOf returns the header's main menu of a page: its link targets in order.
func navOf(page string) []string {
	i := strings.Index(page, `class="main-nav"`)
	if i < 0 {
		return nil
	}
	menu := page[i : i+strings.Index(page[i:], "</nav>")]
	var hrefs []string
	for _, m := range regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(menu, -1) {
		hrefs = append(hrefs, m[1])
	}
	return hrefs
}

func TestHeaderShowsEachRoleWhatItMayUse(t *testing.T) {
	ta := newTestApp(t)
	for _, tt := range []struct {
		role string
		want string
	}{
		{"admin", "/att-gora /enkater /forslag /forum /arenden /moten /fonder /serviceplan /admin/byar"},
		{"official", "/att-gora /enkater /forslag /forum /arenden /moten /fonder /serviceplan"},
		{"politician", "/att-gora /enkater /forslag /forum /arenden /moten /fonder"},
		{"representative", "/att-gora /enkater /forslag /forum /arenden /moten /fonder"},
		{"forum", "/att-gora /enkater /forslag /forum /arenden /moten /fonder /serviceplan"},
	} {
		t.Run("a "+tt.role+" sees "+tt.want, func(t *testing.T) {
			var villages []string
			if tt.role == "representative" {
				villages = []string{"aby"}
			}
			a := ta.account(tt.role, villages...)
			code, b, _ := ta.page("GET", "/att-gora", a, nil)
			if code != http.StatusOK {
				t.Fatalf("GET /att-gora: got %d; want 200", code)
			}
			if got := strings.Join(navOf(string(b)), " "); got != tt.want {
				t.Errorf("got menu %q; want %q", got, tt.want)
			}
			if !strings.Contains(string(b), `<a href="/att-gora" aria-current="page">`) {
				t.Errorf("got no aria-current=page on Att göra")
			}
			if strings.Contains(string(b), "Vi sparar inga personuppgifter") {
				t.Errorf("got the residents' privacy line on a staff page; want it only on resident pages")
			}
		})
	}
	t.Run("a page inside a part marks the part", func(t *testing.T) {
		a := ta.account("admin")
		_, b, _ := ta.page("GET", "/admin/anvandare", a, nil)
		for _, want := range []string{`<a href="/admin/byar" aria-current="true">`, `<a href="/admin/anvandare" aria-current="page">`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("got no %s", want)
			}
		}
	})
	t.Run("residents see no menu and the privacy line", func(t *testing.T) {
		_, b, _ := ta.page("GET", "/", account{}, nil)
		if navOf(string(b)) != nil || !strings.Contains(string(b), "Vi sparar inga personuppgifter") {
			t.Errorf("got menu %v; want none, with the privacy line", navOf(string(b)))
		}
	})
}

func TestTodoListsWhatEachRoleMustDo(t *testing.T) {
	ta := newTestApp(t) // 2026-03-10
	_, proposal := ta.remissSetup()
	official := ta.account("official")
	if code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official.token,
		map[string]any{"villages": []string{"aby", "backby"}, "deadline": "2026-03-20"}); code != http.StatusCreated {
		t.Fatalf("send remiss: got %d %s; want 201", code, b)
	}
	if code, b := ta.do("POST", "/api/v1/proposals", official.token,
		map[string]any{"title": "Gammal gatubelysning", "body": "x", "received": "2025-04-01"}); code != http.StatusCreated {
		t.Fatalf("register: got %d %s; want 201", code, b)
	}
	if code, b := ta.do("POST", "/api/v1/surveys", official.token,
		surveyTitled("Busstider i Cby", "cby")); code != http.StatusCreated {
		t.Fatalf("create survey: got %d %s; want 201", code, b)
	}
	repA := ta.account("representative", "aby")
	repC := ta.account("representative", "cby")
	for _, tt := range []struct {
		name      string
		who       account
		want, not []string
	}{
		{"a representative sees the remiss waiting for the village with days left", repA,
			[]string{`/svara/aby"`, "Brygga vid badplatsen – Åby", "10 dagar kvar"},
			[]string{`/svara/backby"`, "Gammal gatubelysning", "Busstider i Cby"}},
		{"a representative of a village not consulted sees no remiss, but the village's survey", repC,
			[]string{"Inga remisser väntar på svar.", "Busstider i Cby"},
			[]string{"/svara/", "Brygga vid badplatsen"}},
		{"an official sees rounds with missing answers and proposals near the year", official,
			[]string{"Svar saknas från: Åby, Bäckby", "Gammal gatubelysning", "Nära ett år", "Busstider i Cby"},
			[]string{"/svara/"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, b, _ := ta.page("GET", "/att-gora", tt.who, nil)
			if code != http.StatusOK {
				t.Fatalf("got %d; want 200", code)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("got no %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(string(b), n) {
					t.Errorf("got %q; want it absent", n)
				}
			}
		})
	}
	t.Run("an answered remiss leaves the representative's list", func(t *testing.T) {
		if code, b := ta.do("POST", "/api/v1/remisses/"+firstRemiss(t, ta, official.token)+"/answers", repA.token,
			map[string]any{"village": "aby", "stance": "support", "motivation": "Bra", "anchoring": map[string]any{"method": "meeting", "participants": 12}}); code != http.StatusCreated && code != http.StatusOK {
			t.Fatalf("answer: got %d %s; want 201", code, b)
		}
		_, b, _ := ta.page("GET", "/att-gora", repA, nil)
		if strings.Contains(string(b), `/svara/aby"`) {
			t.Errorf("got the answered remiss still listed; want it gone")
		}
	})
}

func firstRemiss(t *testing.T, ta *testApp, token string) string {
	t.Helper()
	code, b := ta.do("GET", "/api/v1/remisses", token, nil)
	if code != http.StatusOK {
		t.Fatalf("list remisses: got %d %s", code, b)
	}
	rs := decode[[]map[string]any](t, b)
	if len(rs) == 0 {
		t.Fatal("got no remiss; want one")
	}
	return rs[0]["id"].(string)
}

func surveyTitled(title string, villages ...string) map[string]any {
	d := allTypes(villages...)
	d["title"] = title
	return d
}

func TestErrorPagesSayWhatToDo(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin")
	id := ta.openSurvey(admin)
	if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/close", admin, nil); code != http.StatusOK {
		t.Fatalf("close: got %d %s; want 200", code, b)
	}
	for _, tt := range []struct {
		name, path string
		code       int
		want       []string
	}{
		{"a closed survey tells the resident it is closed", "/s/" + id + "/aby", http.StatusConflict,
			[]string{"<h1>Enkäten är stängd</h1>", "På startsidan ser du de enkäter som är öppna"}},
		{"a mistyped link gets a friendly not-found page", "/s/finns-inte/aby", http.StatusNotFound,
			[]string{"<h1>Sidan finns inte</h1>", "Kontrollera att länken är rätt skriven"}},
		{"an unknown address gets the same page", "/enkatr", http.StatusNotFound,
			[]string{"<h1>Sidan finns inte</h1>"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, b, _ := ta.page("GET", tt.path, account{}, nil)
			if code != tt.code {
				t.Errorf("got %d; want %d", code, tt.code)
			}
			for _, w := range append(tt.want, "!Felkod", "!Något gick inte som tänkt") {
				if absent := strings.HasPrefix(w, "!"); absent {
					if strings.Contains(string(b), w[1:]) {
						t.Errorf("got %q; want it absent", w[1:])
					}
				} else if !strings.Contains(string(b), w) {
					t.Errorf("got no %q", w)
				}
			}
		})
	}
}

func TestWordingReadsAsSwedish(t *testing.T) {
	for _, tt := range []struct{ label, want string }{
		{"Rubrik", "Rubrik:"},
		{"Skolan är viktig för mig.", "Skolan är viktig för mig."},
		{"Viktigast?", "Viktigast?"},
	} {
		if got := colon(tt.label); got != tt.want {
			t.Errorf("colon(%q): got %q; want %q", tt.label, got, tt.want)
		}
	}
	ta := newTestApp(t)
	admin := ta.account("admin")
	code, _, h := ta.page("POST", "/admin/anvandare", admin, url.Values{"email": {"ny@example.se"}, "name": {"Ny Person"},
		"password": {"ett-långt-lösenord"}, "role": {"official"}})
	if code != http.StatusSeeOther {
		t.Fatalf("create account: got %d; want 303", code)
	}
	_, b, _ := ta.page("GET", h.Get("Location"), admin, nil)
	if !strings.Contains(string(b), "Kontot är skapat.") {
		t.Errorf("after creating an account: got no %q", "Kontot är skapat.")
	}
}

func TestProposalsSortByWhatNeedsAction(t *testing.T) {
	d := func(y int, m time.Month, day int) survey.Date { return survey.Date{Year: y, Month: m, Day: day} }
	row := func(title string, deadline survey.Date, waited int, decided bool) proposalRow {
		p := &survey.Proposal{Title: title, DaysWaiting: waited, Received: d(2025, 1, 1).AddDays(-waited)}
		if decided {
			p.Decision = &survey.Decision{}
		}
		return proposalRow{Proposal: p, Deadline: deadline}
	}
	rows := []proposalRow{
		row("beslutad", survey.Date{}, 400, true),
		row("ny", survey.Date{}, 5, false),
		row("remiss sent", d(2026, 4, 1), 20, false),
		row("nära året", survey.Date{}, 320, false),
		row("remiss snart", d(2026, 3, 12), 10, false),
	}
	sortByUrgency(rows)
	var got []string
	for _, r := range rows {
		got = append(got, r.Title)
	}
	want := "remiss snart, remiss sent, nära året, ny, beslutad"
	if strings.Join(got, ", ") != want {
		t.Errorf("got %s; want %s", strings.Join(got, ", "), want)
	}
}
