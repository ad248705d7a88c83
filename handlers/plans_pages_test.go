package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/forankra/forankra/survey"
)

func TestPlanWrittenOnThePages(t *testing.T) {
	ta := plansApp(t)
	rep := ta.account(survey.RoleRepresentative, "aby")
	rep2 := ta.account(survey.RoleRepresentative, "aby")
	official := ta.account(survey.RoleOfficial)
	must := func(a account, path string, v url.Values, want int) string {
		t.Helper()
		code, b, _ := ta.page("POST", path, a, v)
		if code != want {
			t.Fatalf("POST %s: got %d; want %d\n%s", path, code, want, b)
		}
		return string(b)
	}
	must(rep, "/planer/ny", url.Values{"village": {"aby"}, "year": {"2026"}}, http.StatusSeeOther)
	if body := must(rep, "/planer/ny", url.Values{"village": {"aby"}, "year": {"2026"}}, http.StatusConflict); !strings.Contains(body, "redan en plan") {
		t.Errorf("a second plan for the year: got a page without the reason")
	}
	code, page, _ := ta.page("GET", "/planer/aby-2026", rep, nil)
	if code != 200 || !strings.Contains(string(page), `name="version" value="1"`) {
		t.Fatalf("plan page: got %d; want the form on version 1", code)
	}
	first := url.Values{"version": {"1"}, "rows": {"2"}, "summary": {"Trygga vägar"},
		"p0_area": {"kommunikationer-och-vagar"}, "p0_rank": {"1"}, "p0_label": {"Säker skolväg"}, "p0_horizon": {"year"}}
	must(rep, "/planer/aby-2026", first, http.StatusSeeOther)
	// The second representative had the page open on version 1 too.
	second := url.Values{"version": {"1"}, "rows": {"1"}, "summary": {"Mer bredband"},
		"p0_area": {"bredband-och-mobiltackning"}, "p0_rank": {"1"}, "p0_horizon": {"long"}}
	body := must(rep2, "/planer/aby-2026", second, http.StatusConflict)
	for _, want := range []string{"Någon annan har sparat planen medan du skrev", "Trygga vägar", "Mer bredband", `name="version" value="2"`} {
		if !strings.Contains(body, want) {
			t.Errorf("stale save page: got no %q; want both texts and the current version", want)
		}
	}
	bad := url.Values{"version": {"2"}, "rows": {"1"}, "p0_area": {"kommunikationer-och-vagar"}, "p0_rank": {"ett"}, "p0_horizon": {"year"}}
	if body := must(rep, "/planer/aby-2026", bad, http.StatusUnprocessableEntity); !strings.Contains(body, "Ange platsen som ett heltal") {
		t.Error("a rank that is not a number: got no message")
	}

	code, page, _ = ta.page("GET", "/planer/aby-2026", rep, nil)
	prio := regexpFind(string(page), `name="priority"><option value="([^"]+)"`)
	if code != 200 || prio == "" {
		t.Fatalf("plan page after the save: got %d and no priority to add actions under", code)
	}
	must(rep, "/planer/aby-2026/atgarder", url.Values{"priority": {prio}, "title": {"Mät trafiken"}, "owner": {"group"},
		"responsible": {"Anna"}, "due": {"2026-05"}, "cost_sek": {"12 500"}}, http.StatusSeeOther)
	if body := must(rep, "/planer/aby-2026/atgarder", url.Values{"priority": {prio}, "title": {""}, "owner": {"group"}, "due": {"maj"}}, http.StatusUnprocessableEntity); !strings.Contains(body, "ÅÅÅÅ-MM") {
		t.Error("an action without title and with a bad month: got no message")
	}
	_, page, _ = ta.page("GET", "/planer/aby-2026", rep, nil)
	action := regexpFind(string(page), `action="/atgarder/([^"]+)"`)
	if !strings.Contains(string(page), "12\u00a0500\u00a0kr") || action == "" {
		t.Fatalf("plan page: got no action with its cost in kronor")
	}
	if body := must(rep, "/atgarder/"+action, url.Values{"status": {"done"}, "done_by": {"Anna"}}, http.StatusUnprocessableEntity); !strings.Contains(body, "Mät trafiken") {
		t.Error("done from planned: got no message naming the action")
	}
	must(rep, "/atgarder/"+action, url.Values{"status": {"in_progress"}}, http.StatusSeeOther)

	must(rep, "/planer/aby-2026/lamna-in", nil, http.StatusConflict)
	must(rep, "/planer/aby-2026/anta", url.Values{"date": {"2026-03-01"}, "method": {"meeting"}, "participants": {"38"}}, http.StatusSeeOther)
	must(rep, "/planer/aby-2026/lamna-in", nil, http.StatusSeeOther)
	must(rep, "/planer/aby-2026/kvittera", url.Values{"comment": {"x"}}, http.StatusForbidden)
	must(official, "/planer/aby-2026/kvittera", url.Values{"comment": {"Tack!"}}, http.StatusSeeOther)
	_, page, _ = ta.page("GET", "/planer/aby-2026", official, nil)
	for _, want := range []string{"mottagen av kommunen", "Tack!", "stormöte, 38 deltagare", "pågår"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("acknowledged plan page: got no %q", want)
		}
	}
	_, page, _ = ta.page("GET", "/planer/aby-2026/versioner?from=1&to=2", rep, nil)
	if !strings.Contains(string(page), "Nya prioriteringar") || !strings.Contains(string(page), "Säker skolväg") {
		t.Errorf("diff page: got no added priority")
	}
	_, page, _ = ta.page("GET", "/planer", official, nil)
	if !strings.Contains(string(page), `href="/planer/aby-2026"`) {
		t.Errorf("plans list: got no link to the plan")
	}
}

func regexpFind(s, pattern string) string {
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestTodoShowsPlansToAcknowledgeAndActionsDue(t *testing.T) {
	ta := plansApp(t)
	official := ta.account(survey.RoleOfficial)
	rep := ta.account(survey.RoleRepresentative, "aby")
	other := ta.account(survey.RoleRepresentative, "bby")
	p := decode[planJSON](t, ta.mustDo("POST", "/api/v1/villages/aby/plans", official.token, map[string]any{"year": 2026}, 201))
	p = decode[planJSON](t, ta.mustDo("PUT", "/api/v1/plans/"+p.ID, official.token, map[string]any{"version": 1,
		"priorities": []map[string]any{{"focus_area": "trygghet", "rank": 1, "horizon": "year"}}}, 200))
	for _, a := range []map[string]any{
		{"title": "Mäta trafiken", "owner": "group", "due": "2026-03"},
		{"title": "Laga vägen", "owner": "municipality", "due": "2026-02"},
		{"title": "Bygga bryggan", "owner": "group", "due": "2026-09"},
	} {
		a["priority"], a["responsible"] = p.Priorities[0].ID, "Anna"
		ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/actions", official.token, a, 201)
	}
	ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/adopt", official.token, map[string]any{"method": "board", "participants": 4}, 200)
	ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/submit", official.token, nil, 200)
	tests := []struct {
		who       account
		want, not []string
	}{
		{official, []string{"Utvecklingsplaner att kvittera", `href="/planer/aby-2026"`, "Laga vägen", "försenad"}, []string{"Mäta trafiken", "Bygga bryggan"}},
		{rep, []string{"Mäta trafiken", "Laga vägen"}, []string{"Utvecklingsplaner att kvittera", "Bygga bryggan"}},
		{other, []string{"Inga åtgärder är på väg att bli sena."}, []string{"Mäta trafiken"}},
	}
	for _, tt := range tests {
		t.Run(tt.who.user.Role+" "+strings.Join(tt.who.user.Villages, ","), func(t *testing.T) {
			code, b, _ := ta.page("GET", "/att-gora", tt.who, nil)
			if code != 200 {
				t.Fatalf("got %d", code)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("got no %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(string(b), n) {
					t.Errorf("got %q; want it not shown", n)
				}
			}
		})
	}
}

func TestTheRemissInboxSearchesAndPages(t *testing.T) {
	ta := plansApp(t)
	official := ta.account(survey.RoleOfficial)
	for i := range 27 {
		code, b := ta.do("POST", "/api/v1/proposals", official.token, map[string]any{"title": fmt.Sprintf("Förslag %02d", i), "body": "Text"})
		if code != http.StatusCreated {
			t.Fatalf("proposal: got %d %s", code, b)
		}
		id := decode[map[string]any](t, b)["id"].(string)
		ta.mustDo("POST", "/api/v1/proposals/"+id+"/remiss", official.token, map[string]any{"villages": []string{"aby"}, "deadline": "2026-04-30"}, 201)
	}
	tests := []struct {
		path      string
		want, not []string
	}{
		{"/remisser", []string{"Sida 1 av 2", `rel="next"`}, nil},
		{"/remisser?sida=2", []string{"Sida 2 av 2", `rel="prev"`}, nil},
		{"/remisser?q=f%C3%B6rslag+07", []string{"Förslag 07", "1 remisser"}, []string{"Förslag 08"}},
		{"/remisser?q=%C3%A5by", []string{"Sida 1 av 2"}, nil},
		{"/remisser?q=nowhere", []string{"0 remisser", "Inga öppna remisser just nu."}, nil},
	}
	for _, tt := range tests {
		code, b, _ := ta.page("GET", tt.path, official, nil)
		if code != 200 {
			t.Fatalf("%s: got %d", tt.path, code)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: got no %q", tt.path, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(string(b), n) {
				t.Errorf("%s: got %q; want it left out", tt.path, n)
			}
		}
	}
}
