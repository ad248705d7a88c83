package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/forankra/forankra/survey"
)

// servicePlanFixture has villages aby and bby with submitted plans (roads
// first in both, school only in aby) and cby with a draft naming energy,
// which is no source; aby's road priority has a joint action and a group
// action.
type servicePlanFixture struct {
	ta                  *testApp
	official, forum     string
	joint, group, dept  string
	abyRoads, bbyRoads  string
	abyPlan, bbyPlan    string
	roads, school, cbys string
	created             int // plans created: each is for a period of its own
}

func newServicePlanFixture(t *testing.T) *servicePlanFixture {
	t.Helper()
	ta := plansApp(t)
	f := &servicePlanFixture{ta: ta, official: ta.user(survey.RoleOfficial), forum: ta.user(survey.RoleForum),
		roads: "kommunikationer-och-vagar", school: "skola-och-barnomsorg", cbys: "miljo-och-energi"}
	f.dept = decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/departments", f.official, map[string]any{"name": "Samhällsbyggnad", "email": "sbf@kommun.se"}, 201)).ID
	areas := map[string][]string{"aby": {f.roads, f.school}, "bby": {f.roads}, "cby": {f.cbys}}
	for _, village := range []string{"aby", "bby", "cby"} {
		id := decode[planJSON](t, ta.mustDo("POST", "/api/v1/villages/"+village+"/plans", f.official, map[string]any{"year": 2026}, 201)).ID
		prios := []map[string]any{}
		for i, a := range areas[village] {
			prios = append(prios, map[string]any{"focus_area": a, "rank": i + 1, "label": "Rubrik " + village, "horizon": "year"})
		}
		p := decode[planJSON](t, ta.mustDo("PUT", "/api/v1/plans/"+id, f.official, map[string]any{"version": 1, "priorities": prios}, 200))
		if village == "cby" {
			continue
		}
		if village == "aby" {
			f.abyPlan, f.abyRoads = id, p.Priorities[0].ID
			for _, a := range []map[string]any{
				{"priority": f.abyRoads, "title": "Ansök om lägre hastighet", "owner": "joint", "responsible": "Lars", "department": f.dept, "due": "2026-09"},
				{"priority": f.abyRoads, "title": "Mät trafiken", "owner": "group", "responsible": "Anna", "due": "2026-05"},
			} {
				id := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/plans/"+f.abyPlan+"/actions", f.official, a, 201)).ID
				if a["owner"] == "joint" {
					f.joint = id
				} else {
					f.group = id
				}
			}
		} else {
			f.bbyPlan, f.bbyRoads = id, p.Priorities[0].ID
		}
		ta.mustDo("POST", "/api/v1/plans/"+id+"/adopt", f.official, map[string]any{"date": "2026-03-01", "method": "meeting", "participants": 30}, 200)
		ta.mustDo("POST", "/api/v1/plans/"+id+"/submit", f.official, nil, 200)
	}
	return f
}

// servicePlanJSON is what the API answers for a version.
type servicePlanJSONBody struct {
	ID          string               `json:"id"`
	Version     int                  `json:"version"`
	Period      string               `json:"period"`
	Status      string               `json:"status"`
	Items       []survey.ServiceItem `json:"items"`
	RevisionDue *string              `json:"revision_due"`
	Sending     *struct {
		Date        string `json:"date"`
		DiaryNumber string `json:"diary_number"`
	} `json:"sending"`
	Versions []struct {
		Version int    `json:"version"`
		Status  string `json:"status"`
	} `json:"versions"`
}

// create generates a plan: the first for 2027–2028 (written with a hyphen,
// as people type it), the next ones for 2031–2032, 2033–2034, …, since
// there is one plan a period.
func (f *servicePlanFixture) create(t *testing.T) servicePlanJSONBody {
	t.Helper()
	period := "2027-2028"
	if f.created > 0 {
		period = fmt.Sprintf("%d-%d", 2029+2*f.created, 2030+2*f.created)
	}
	f.created++
	return decode[servicePlanJSONBody](t, f.ta.mustDo("POST", "/api/v1/service-plans", f.official, map[string]any{"period": period}, 201))
}

// agendaItem puts service plan id on a new forum meeting's agenda and
// returns the item's id: what an adoption names.
func (f *servicePlanFixture) agendaItem(t *testing.T, id string) string {
	t.Helper()
	m := decode[struct{ ID string }](t, f.ta.mustDo("POST", "/api/v1/meetings", f.official, meetingBody("aby"), 201))
	return decode[struct{ ID string }](t, f.ta.mustDo("POST", "/api/v1/meetings/"+m.ID+"/agenda", f.official,
		map[string]any{"title": "Serviceplanen", "link": map[string]any{"kind": "service_plan", "id": id}}, 201)).ID
}

func itemOf(p servicePlanJSONBody, id string) *survey.ServiceItem {
	for i := range p.Items {
		if p.Items[i].ID == id {
			return &p.Items[i]
		}
	}
	return nil
}

func TestServicePlanIsGeneratedFromTheVillagesPlansAndWalkedToInForce(t *testing.T) {
	f := newServicePlanFixture(t)
	ta := f.ta
	p := f.create(t)
	if p.Period != "2027–2028" || p.Version != 1 || p.Status != survey.ServiceDraft {
		t.Fatalf("got %s v%d %s; want 2027–2028 v1 draft", p.Period, p.Version, p.Status)
	}
	roads, school := itemOf(p, f.roads), itemOf(p, f.school)
	if roads == nil || school == nil || len(p.Items) != 2 || itemOf(p, f.cbys) != nil {
		t.Fatalf("got items %+v; want roads and school only (cby's plan is a draft)", p.Items)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"roads come from both villages", roads.Villages, []string{"aby", "bby"}},
		{"roads are common to the plans", roads.Kind, survey.AreaCommon},
		{"roads name each plan's priority", []string{roads.Sources[0].Plan + "/" + roads.Sources[0].Priority, roads.Sources[1].Plan + "/" + roads.Sources[1].Priority},
			[]string{f.abyPlan + "/" + f.abyRoads, f.bbyPlan + "/" + f.bbyRoads}},
		{"roads link the joint action, not the group's", roads.Actions, []string{f.joint}},
		{"roads take the department of their actions", roads.Department, f.dept},
		{"school is aby's alone", school.Kind, survey.AreaUnique},
		{"school's share", school.Share, 0.5},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %v; want %v", c.name, c.got, c.want)
		}
	}

	base := "/api/v1/service-plans/" + p.ID
	ta.mustDo("PUT", base+"/items/"+f.roads, f.official, map[string]any{"goal": "Säkra skolvägar i alla byar", "actions": []string{f.joint}}, 200)
	ta.mustDo("POST", base+"/review", f.official, nil, 200)
	ta.mustDo("PUT", base+"/items/"+f.school, f.official, map[string]any{"goal": "Skolskjuts"}, 200) // forum review still edits
	item := f.agendaItem(t, p.ID)
	ta.mustDo("POST", base+"/adopt", f.forum, map[string]any{"meeting_item": item}, 200)
	ta.mustDo("POST", base+"/send", f.forum, map[string]any{"date": "2026-03-09", "diary_number": "KS 2026/14"}, 403)
	ta.mustDo("POST", base+"/send", f.official, map[string]any{"date": "2026-03-09", "diary_number": "KS 2026/14"}, 200)
	ta.mustDo("PUT", base+"/items/"+f.roads, f.official, map[string]any{"goal": "Efteråt"}, 409)
	got := decode[servicePlanJSONBody](t, ta.mustDo("POST", base+"/decide", f.official, map[string]any{"date": "2026-03-10", "paragraph": "§ 45"}, 200))
	if got.Status != survey.ServiceInForce || got.RevisionDue == nil || *got.RevisionDue != "2028-03-10" {
		t.Errorf("after the decision: got %s, revision due %v; want in_force, due 2028-03-10", got.Status, got.RevisionDue)
	}
	if g := itemOf(got, f.roads); g == nil || g.Goal != "Säkra skolvägar i alla byar" {
		t.Errorf("got roads %+v; want the goal written before sending", g)
	}

	code, doc := ta.do("GET", base+"/document", f.forum, nil)
	checkPage(t, code, doc, []string{"Innehåll", "Kommunikationer och vägar", "Åby 2026", "Bby 2026", "Säkra skolvägar i alla byar", "KS 2026/14", "§ 45", "2028-03-10", `href="#punkt-` + f.roads + `"`,
		"dagordningspunkt Vårforum 2026 2026-04-15: Serviceplanen"}, []string{"Cby", item})

	next := decode[servicePlanJSONBody](t, ta.mustDo("POST", base+"/revise", f.official, map[string]any{"period": "2028–2029"}, 201))
	if next.Version != 2 || next.Status != survey.ServiceDraft || next.Period != "2028–2029" {
		t.Fatalf("revision: got v%d %s %s; want v2 draft 2028–2029", next.Version, next.Status, next.Period)
	}
	if g := itemOf(next, f.roads); g == nil || g.Goal != "Säkra skolvägar i alla byar" {
		t.Errorf("revision: got roads %+v; want the goal carried over", g)
	}
	ta.mustDo("POST", base+"/revise", f.official, nil, 409) // the newest is a draft
	ta.mustDo("PUT", base+"/items/"+f.roads, f.official, map[string]any{"goal": "Ny text"}, 200)
	diff := decode[survey.ServicePlanDiff](t, ta.mustDo("GET", base+"/diff?from=1", f.forum, nil, 200))
	if diff.From != 1 || diff.To != 2 || len(diff.Changed) != 1 || fmt.Sprint(diff.Changed[0].Fields) != "[goal]" {
		t.Errorf("diff: got %+v; want roads' goal changed from 1 to 2", diff)
	}
	if old := decode[servicePlanJSONBody](t, ta.mustDo("GET", base+"?version=1", f.forum, nil, 200)); old.Status != survey.ServiceInForce {
		t.Errorf("v1 while v2 is drafted: got %s; want in_force", old.Status)
	}
	for _, step := range []struct {
		path string
		body any
	}{{"/review", nil}, {"/adopt", nil}, {"/send", map[string]any{"date": "2026-03-10", "diary_number": "KS 2026/20"}}, {"/decide", map[string]any{"date": "2026-03-10", "paragraph": "§ 60"}}} {
		ta.mustDo("POST", base+step.path, f.official, step.body, 200)
	}
	all := decode[[]servicePlanJSONBody](t, ta.mustDo("GET", "/api/v1/service-plans", f.forum, nil, 200))
	if len(all) != 1 || all[0].Version != 2 || fmt.Sprint(all[0].Versions) != "[{1 superseded} {2 in_force}]" {
		t.Errorf("list: got %+v; want v2 in force, v1 superseded", all)
	}

	entries := decode[[]survey.AuditEntry](t, ta.mustDo("GET", "/api/v1/audit", ta.user(survey.RoleAdmin), nil, 200))
	counts := map[string]int{}
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "service_plan.") && e.Actor != "" && !e.At.IsZero() {
			counts[e.Action]++
		}
	}
	want := map[string]int{auditServicePlanCreated: 1, auditServiceItemChanged: 3, auditServicePlanReviewed: 2, auditServicePlanAdopted: 2,
		auditServicePlanSent: 2, auditServicePlanDecided: 2, auditServicePlanRevised: 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("audit: got %v; want %v, each with who and when", counts, want)
	}
}

func TestServicePlanRefusesBadInputWithTheField(t *testing.T) {
	f := newServicePlanFixture(t)
	ta := f.ta
	p := f.create(t)
	base := "/api/v1/service-plans/" + p.ID
	tests := []struct {
		name, method, path string
		body               any
		code               int
		field              string
	}{
		{"no period", "POST", "/api/v1/service-plans", map[string]any{"period": ""}, 422, "period"},
		{"a period of one number", "POST", "/api/v1/service-plans", map[string]any{"period": "2027"}, 422, "period"},
		{"a period backwards", "POST", "/api/v1/service-plans", map[string]any{"period": "2028–2027"}, 422, "period"},
		{"a malformed body", "POST", "/api/v1/service-plans", `{"period":`, 400, ""},
		{"an unknown field", "PUT", base + "/items/" + f.roads, map[string]any{"goals": "x"}, 400, ""},
		{"a goal of the wrong type", "PUT", base + "/items/" + f.roads, map[string]any{"goal": 5}, 400, ""},
		{"an unknown department", "PUT", base + "/items/" + f.roads, map[string]any{"department": "nope"}, 422, "department"},
		{"the group's own action", "PUT", base + "/items/" + f.roads, map[string]any{"actions": []string{f.group}}, 422, "actions[0]"},
		{"an unknown action", "PUT", base + "/items/" + f.roads, map[string]any{"actions": []string{f.joint, "nope"}}, 422, "actions[1]"},
		{"a goal too long", "PUT", base + "/items/" + f.roads, map[string]any{"goal": strings.Repeat("å", 5001)}, 422, "goal"},
		{"an unknown item", "PUT", base + "/items/nope", map[string]any{"goal": "x"}, 404, ""},
		{"an unknown plan", "GET", "/api/v1/service-plans/nope", nil, 404, ""},
		{"an unknown version", "GET", base + "?version=7", nil, 422, "version"},
		{"a diff from an unknown version", "GET", base + "/diff?from=x", nil, 422, "from"},
		{"sending a draft", "POST", base + "/send", map[string]any{"date": "2026-03-09", "diary_number": "KS 1"}, 409, ""},
		{"deciding a draft", "POST", base + "/decide", map[string]any{"date": "2026-03-09", "paragraph": "§ 1"}, 409, ""},
		{"revising a draft", "POST", base + "/revise", nil, 409, ""},
		{"adopting a draft", "POST", base + "/adopt", nil, 409, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ta.do(tt.method, tt.path, f.official, tt.body)
			if code != tt.code {
				t.Fatalf("got %d %s; want %d", code, b, tt.code)
			}
			e := decode[errorBody](t, b)
			if e.Error == "" {
				t.Errorf("got %s; want the JSON error shape", b)
			}
			if tt.field != "" && (len(e.Errors) == 0 || e.Errors[0].Field != tt.field) {
				t.Errorf("got errors %+v; want the field %s", e.Errors, tt.field)
			}
		})
	}
	ta.mustDo("POST", base+"/review", f.official, nil, 200)
	ta.mustDo("POST", base+"/adopt", f.official, nil, 200)
	for _, tt := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"without a diary number", map[string]any{"date": "2026-03-09"}, "diary_number"},
		{"without a date", map[string]any{"diary_number": "KS 1"}, "date"},
		{"in the future", map[string]any{"date": "2026-04-01", "diary_number": "KS 1"}, "date"},
	} {
		t.Run("sending "+tt.name, func(t *testing.T) {
			code, b := ta.do("POST", base+"/send", f.official, tt.body)
			if e := decode[errorBody](t, b); code != 422 || len(e.Errors) == 0 || e.Errors[0].Field != tt.field {
				t.Errorf("got %d %s; want 422 naming %s", code, b, tt.field)
			}
		})
	}
	if got := decode[servicePlanJSONBody](t, ta.mustDo("GET", base, f.official, nil, 200)); got.Status != survey.ServiceAdopted {
		t.Errorf("after refused sends: got %s; want adopted (nothing written)", got.Status)
	}
}

// Eight officials send the same adopted plan at the same moment, each with
// their own diary number: one gets 200, the others 409, and the plan
// carries the winner's number.
func TestConcurrentSendsOfOneServicePlanLetOneIn(t *testing.T) {
	f := newServicePlanFixture(t)
	ta := f.ta
	p := f.create(t)
	base := "/api/v1/service-plans/" + p.ID
	ta.mustDo("POST", base+"/review", f.official, nil, 200)
	ta.mustDo("POST", base+"/adopt", f.official, nil, 200)
	const senders = 8
	codes := make([]int, senders)
	var wg sync.WaitGroup
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = ta.do("POST", base+"/send", f.official, map[string]any{"date": "2026-03-09", "diary_number": fmt.Sprintf("KS %d", i)})
		}()
	}
	wg.Wait()
	won := -1
	for i, c := range codes {
		switch {
		case c == http.StatusOK && won < 0:
			won = i
		case c == http.StatusOK:
			t.Errorf("sender %d: got a second 200; want 409", i)
		case c != http.StatusConflict:
			t.Errorf("sender %d: got %d; want 200 or 409", i, c)
		}
	}
	if won < 0 {
		t.Fatalf("got codes %v; want one 200", codes)
	}
	got := decode[servicePlanJSONBody](t, ta.mustDo("GET", base, f.official, nil, 200))
	if got.Status != survey.ServiceSent || got.Sending == nil || got.Sending.DiaryNumber != fmt.Sprintf("KS %d", won) {
		t.Errorf("got %s %+v; want sent with the winner's number KS %d", got.Status, got.Sending, won)
	}
}

// The revision date of the plan in force is in the public calendar, and a
// forum meeting's agenda can link the service plan.
func TestServicePlanInTheCalendarAndOnTheAgenda(t *testing.T) {
	f := newServicePlanFixture(t)
	ta := f.ta
	p := f.create(t)
	base := "/api/v1/service-plans/" + p.ID
	for _, step := range []struct {
		path string
		body any
	}{{"/review", nil}, {"/adopt", nil}, {"/send", map[string]any{"date": "2026-03-09", "diary_number": "KS 1"}}, {"/decide", map[string]any{"date": "2026-03-10", "paragraph": "§ 45"}}} {
		ta.mustDo("POST", base+step.path, f.official, step.body, 200)
	}
	code, ics := ta.do("GET", "/kalender.ics", "", nil)
	uid := "service-plan-" + p.ID + "-v1-revision@forankra"
	if code != 200 || !strings.Contains(string(ics), uid) || !strings.Contains(string(ics), "DTSTART;VALUE=DATE:20280310") {
		t.Errorf("calendar: got %d without the revision of v1 on 2028-03-10:\n%s", code, ics)
	}
	m := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/meetings", f.official, meetingBody("aby"), 201))
	ta.mustDo("POST", "/api/v1/meetings/"+m.ID+"/agenda", f.official, map[string]any{"title": "Serviceplanen", "link": map[string]any{"kind": "service_plan", "id": "nope"}}, 422)
	ta.mustDo("POST", "/api/v1/meetings/"+m.ID+"/agenda", f.official, map[string]any{"title": "Serviceplanen", "link": map[string]any{"kind": "service_plan", "id": p.ID}}, 201)
	if got := string(ta.mustDo("GET", "/api/v1/meetings/"+m.ID, f.official, nil, 200)); !strings.Contains(got, "Utvecklings- och serviceplan 2027–2028") || !strings.Contains(got, "/serviceplan/"+p.ID) {
		t.Errorf("the agenda: got %s; want the link with the plan's title and page", got)
	}
}
