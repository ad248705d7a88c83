package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/forankra/forankra/survey"
)

// There is one service plan a period: a second one for 2027–2028, however
// the dash is written, is 409 naming period in Swedish (English when asked),
// and nothing is stored; a revision cannot take another plan's period
// either; the page shows the refusal beside the field.
func TestOneServicePlanAPeriod(t *testing.T) {
	f := newServicePlanFixture(t)
	ta := f.ta
	first := f.create(t) // 2027-2028
	tests := []struct {
		name, period string
		headers      []string
		want         string
	}{
		{"the same period", "2027–2028", nil, "Det finns redan en serviceplan för 2027–2028"},
		{"with a hyphen and spaces", "2027 - 2028", nil, "Det finns redan en serviceplan för 2027–2028"},
		{"with an em dash", "2027—2028", nil, "Det finns redan en serviceplan för 2027–2028"},
		{"asked in English", "2027-2028", []string{"Accept-Language", "en"}, "There is already a service plan for 2027–2028"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ta.do("POST", "/api/v1/service-plans", f.official, map[string]any{"period": tt.period}, tt.headers...)
			e := decode[apiError](t, b)
			if code != http.StatusConflict || len(e.Errors) != 1 || e.Errors[0].Field != "period" || !strings.HasPrefix(e.Errors[0].Message, tt.want) || !strings.Contains(e.Error, tt.want) {
				t.Errorf("got %d %s; want 409 naming period: %q", code, b, tt.want)
			}
		})
	}
	if all := decode[[]servicePlanJSONBody](t, ta.mustDo("GET", "/api/v1/service-plans", f.official, nil, 200)); len(all) != 1 || all[0].ID != first.ID {
		t.Fatalf("after the refused ones: got %d plans; want the first alone", len(all))
	}

	other := f.create(t) // 2031-2032
	base := "/api/v1/service-plans/" + other.ID
	for _, step := range []struct {
		path string
		body any
	}{{"/review", nil}, {"/adopt", nil}, {"/send", map[string]any{"date": "2026-03-09", "diary_number": "KS 1"}}} {
		ta.mustDo("POST", base+step.path, f.official, step.body, 200)
	}
	code, b := ta.do("POST", base+"/revise", f.official, map[string]any{"period": "2027-2028"})
	if e := decode[apiError](t, b); code != http.StatusConflict || len(e.Errors) != 1 || e.Errors[0].Field != "period" {
		t.Errorf("a revision into the first plan's period: got %d %s; want 409 naming period", code, b)
	}
	if got := decode[servicePlanJSONBody](t, ta.mustDo("GET", base, f.official, nil, 200)); len(got.Versions) != 1 {
		t.Errorf("after the refused revision: got %d versions; want 1 (nothing stored)", len(got.Versions))
	}
	next := decode[servicePlanJSONBody](t, ta.mustDo("POST", base+"/revise", f.official, map[string]any{"period": "2033–2034"}, 201))
	if next.Version != 2 || next.Period != "2033–2034" {
		t.Errorf("a revision into a free period: got v%d %s; want v2 2033–2034", next.Version, next.Period)
	}
	if code, b := ta.do("POST", "/api/v1/service-plans", f.official, map[string]any{"period": "2033-2034"}); code != http.StatusConflict {
		t.Errorf("a new plan for the period a revision took: got %d %s; want 409", code, b)
	}

	official := ta.account(survey.RoleOfficial)
	code, page, _ := ta.page("POST", "/serviceplan/ny", official, url.Values{"period": {"2027-2028"}})
	if code != http.StatusConflict {
		t.Errorf("the page: got %d; want 409", code)
	}
	checkPage(t, http.StatusOK, page, []string{"Det finns redan en serviceplan för 2027–2028", `id="period-err"`, `aria-invalid="true"`}, nil)
	code, page, _ = ta.page("POST", "/serviceplan/ny", account{}, url.Values{"period": {"2027-2028"}, "_csrf": {official.csrf}}, "Cookie", "lang=en; "+sessionCookie+"="+official.session)
	if code != http.StatusConflict {
		t.Errorf("the English page: got %d; want 409", code)
	}
	checkPage(t, http.StatusOK, page, []string{"There is already a service plan for 2027–2028"}, []string{"Det finns redan"})
}

// Eight officials create the plan for the same period at the same moment,
// each spelling the dash their own way: one gets 201, the others 409 naming
// period, and one plan is stored.
func TestConcurrentServicePlansForOnePeriodLetOneIn(t *testing.T) {
	f := newServicePlanFixture(t)
	ta := f.ta
	spellings := []string{"2027–2028", "2027-2028", "2027 – 2028", "2027—2028", " 2027-2028 ", "2027 -2028", "2027– 2028", "2027 —2028"}
	codes := make([]int, len(spellings))
	bodies := make([][]byte, len(spellings))
	var wg sync.WaitGroup
	for i, period := range spellings {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], bodies[i] = ta.do("POST", "/api/v1/service-plans", f.official, map[string]any{"period": period})
		}()
	}
	wg.Wait()
	created := 0
	for i, c := range codes {
		switch c {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			if e := decode[apiError](t, bodies[i]); len(e.Errors) != 1 || e.Errors[0].Field != "period" {
				t.Errorf("%q: got 409 %s; want it naming period", spellings[i], bodies[i])
			}
		default:
			t.Errorf("%q: got %d %s; want 201 or 409", spellings[i], c, bodies[i])
		}
	}
	all := decode[[]servicePlanJSONBody](t, ta.mustDo("GET", "/api/v1/service-plans", f.official, nil, 200))
	if created != 1 || len(all) != 1 {
		t.Errorf("got %d created, %d stored (codes %v); want exactly one of each", created, len(all), codes)
	}
}

// The forum's adoption names an agenda item that puts this service plan on
// a meeting's agenda, or none: free text, an item of another plan's
// meeting or an item about something else are 422 naming meeting_item and
// change nothing; the page offers the plan's items as a select and shows
// the meeting the plan was adopted at.
func TestServicePlanAdoptionNamesAnAgendaItemOfThePlan(t *testing.T) {
	f := newServicePlanFixture(t)
	ta := f.ta
	p, q := f.create(t), f.create(t)
	base := "/api/v1/service-plans/" + p.ID
	ta.mustDo("POST", base+"/review", f.official, nil, 200)
	ofQ := f.agendaItem(t, q.ID)
	m := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/meetings", f.official, meetingBody("aby"), 201))
	plain := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/meetings/"+m.ID+"/agenda", f.official, map[string]any{"title": "Övrigt"}, 201)).ID
	for _, tt := range []struct{ name, item string }{
		{"free text", "forum-2027-04/3"},
		{"an item that puts another plan on the agenda", ofQ},
		{"an item that links nothing", plain},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ta.do("POST", base+"/adopt", f.forum, map[string]any{"meeting_item": tt.item})
			if e := decode[apiError](t, b); code != http.StatusUnprocessableEntity || len(e.Errors) != 1 || e.Errors[0].Field != "meeting_item" {
				t.Errorf("got %d %s; want 422 naming meeting_item", code, b)
			}
		})
	}
	if code, _ := ta.do("POST", "/api/v1/service-plans/nope/adopt", f.forum, map[string]any{"meeting_item": ofQ}); code != http.StatusNotFound {
		t.Errorf("an unknown plan: got %d; want 404", code)
	}
	if got := decode[servicePlanJSONBody](t, ta.mustDo("GET", base, f.forum, nil, 200)); got.Status != survey.ServiceForumReview {
		t.Fatalf("after the refused adoptions: got %s; want forum_review (nothing written)", got.Status)
	}

	item := f.agendaItem(t, p.ID)
	forum := ta.account(survey.RoleForum)
	page := "/serviceplan/" + p.ID
	code, b, _ := ta.page("GET", page, forum, nil)
	checkPage(t, code, b, []string{`<select id="meeting_item" name="meeting_item"`, `<option value="` + item + `">Vårforum 2026 2026-04-15: Serviceplanen</option>`}, []string{`value="` + ofQ + `"`, `value="` + plain + `"`})
	code, b, _ = ta.page("POST", page+"/anta", forum, url.Values{"meeting_item": {"punkt 3"}})
	if code != http.StatusUnprocessableEntity {
		t.Errorf("the page with free text: got %d; want 422", code)
	}
	checkPage(t, http.StatusOK, b, []string{"Punkten finns inte på något mötes dagordning med den här serviceplanen", `aria-invalid="true"`}, nil)
	if code, _, h := ta.page("POST", page+"/anta", forum, url.Values{"meeting_item": {item}}); code != http.StatusSeeOther || h.Get("Location") != page {
		t.Fatalf("the page with the plan's item: got %d to %q; want 303 to the plan", code, h.Get("Location"))
	}
	got := decode[struct {
		Status   string `json:"status"`
		Adoption struct {
			MeetingItem string `json:"meeting_item"`
		} `json:"adoption"`
	}](t, ta.mustDo("GET", base, f.forum, nil, 200))
	if got.Status != survey.ServiceAdopted || got.Adoption.MeetingItem != item {
		t.Errorf("got %s at %q; want adopted at %s", got.Status, got.Adoption.MeetingItem, item)
	}
	code, b, _ = ta.page("GET", page, forum, nil)
	checkPage(t, code, b, []string{`#punkt-` + item + `">Vårforum 2026 2026-04-15: Serviceplanen</a>`}, []string{`<select id="meeting_item"`})
}
