package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// plansApp is a test app with three villages and the default focus areas.
func plansApp(t *testing.T) *testApp {
	t.Helper()
	ta := newTestApp(t)
	cx := context.Background()
	for _, v := range []survey.Village{{Slug: "aby", Name: "Åby", Population: 300}, {Slug: "bby", Name: "Bby", Population: 200}, {Slug: "cby", Name: "Cby", Population: 100}} {
		if err := storage.NewVillages(ta.db).Create(cx, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := storage.NewPlans(ta.db).EnsureFocusAreas(cx); err != nil {
		t.Fatal(err)
	}
	return ta
}

type planJSON struct {
	ID         string `json:"id"`
	Village    string `json:"village"`
	Version    int    `json:"version"`
	Status     string `json:"status"`
	Summary    string `json:"summary"`
	Priorities []struct {
		ID        string `json:"id"`
		FocusArea string `json:"focus_area"`
		Rank      int    `json:"rank"`
	} `json:"priorities"`
	Actions []struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Due     string `json:"due"`
		Overdue bool   `json:"overdue"`
	} `json:"actions"`
	Progress survey.Progress `json:"progress"`
}

func (ta *testApp) mustDo(method, path, token string, body any, want int) []byte {
	ta.t.Helper()
	code, b := ta.do(method, path, token, body)
	if code != want {
		ta.t.Fatalf("%s %s: got %d %s; want %d", method, path, code, b, want)
	}
	return b
}

// A plan walked through its year by the API, as the contract says.
func TestPlanThroughItsYear(t *testing.T) {
	ta := plansApp(t)
	rep := ta.user(survey.RoleRepresentative, "aby")
	other := ta.user(survey.RoleRepresentative, "bby")
	official := ta.user(survey.RoleOfficial)

	p := decode[planJSON](t, ta.mustDo("POST", "/api/v1/villages/aby/plans", rep, map[string]any{"year": 2026}, 201))
	if p.ID != "aby-2026" || p.Version != 1 || p.Status != survey.PlanDraft {
		t.Fatalf("created: got %+v; want version 1 draft aby-2026", p)
	}
	for _, tt := range []struct {
		lang, want string
	}{
		{"sv", "Byn har redan en plan för 2026; öppna den i stället"},
		{"en", "The village already has a plan for 2026; open it instead"},
	} {
		code, b := ta.do("POST", "/api/v1/villages/aby/plans", rep, map[string]any{"year": 2026}, "Accept-Language", tt.lang)
		if e := decode[apiError](t, b); code != 409 || len(e.Errors) != 1 || e.Errors[0].Field != "year" || e.Errors[0].Message != tt.want {
			t.Errorf("a second plan for 2026 (%s): got %d %s; want 409 %q naming year", tt.lang, code, b, tt.want)
		}
	}
	ta.mustDo("POST", "/api/v1/villages/aby/plans", other, map[string]any{"year": 2027}, 403)

	save := map[string]any{"version": 1, "summary": "Vägarna först", "priorities": []map[string]any{
		{"focus_area": "kommunikationer-och-vagar", "rank": 1, "label": "Väg 52", "horizon": "year"},
		{"focus_area": "bredband-och-mobiltackning", "rank": 2, "horizon": "long"},
	}}
	p = decode[planJSON](t, ta.mustDo("PUT", "/api/v1/plans/aby-2026", rep, save, 200))
	if p.Version != 2 || len(p.Priorities) != 2 {
		t.Fatalf("saved: got %+v; want version 2 with two priorities", p)
	}
	// A second representative saves on version 1 too: 409 with the current plan.
	stale := map[string]any{"version": 1, "summary": "Skolan först", "priorities": []map[string]any{}}
	code, b := ta.do("PUT", "/api/v1/plans/aby-2026", rep, stale)
	conflict := decode[struct {
		planJSON
		Error   string   `json:"error"`
		Current planJSON `json:"current"`
	}](t, b)
	if code != http.StatusConflict || conflict.Current.Summary != "Vägarna först" || conflict.Current.Version != 2 || conflict.Error == "" ||
		conflict.Version != 2 || conflict.Summary != "Vägarna först" {
		t.Errorf("stale save: got %d %s; want 409 with the current plan", code, b)
	}
	bad := map[string]any{"version": 2, "priorities": []map[string]any{{"focus_area": "rymden", "rank": 1, "horizon": "year"}}}
	ta.mustDo("PUT", "/api/v1/plans/aby-2026", rep, bad, 422)

	prio := p.Priorities[0].ID
	ta.now = ta.now.Add(time.Minute) // the actions come after version 2
	dep := decode[survey.Department](t, ta.mustDo("POST", "/api/v1/departments", official, map[string]any{"name": "Samhällsbyggnad", "email": "sbf@kommun.se"}, 201))
	ta.mustDo("POST", "/api/v1/departments", rep, map[string]any{"name": "X", "email": "x@kommun.se"}, 403)
	act := func(title, owner, due string) string {
		b := ta.mustDo("POST", "/api/v1/plans/aby-2026/actions", rep, map[string]any{"priority": prio, "title": title, "owner": owner,
			"responsible": "Anna", "department": dep.ID, "due": due, "cost_sek": 12500}, 201)
		return decode[struct{ ID string }](t, b).ID
	}
	early := act("Skriv till Trafikverket", survey.OwnerGroup, "2026-02")
	later := act("Bygg busskur", survey.OwnerMunicipality, "2026-09")
	ta.mustDo("POST", "/api/v1/plans/aby-2026/actions", rep, map[string]any{"priority": "nej", "title": "x", "owner": "group", "responsible": "A", "due": "2026-13"}, 422)

	// Transitions: done needs when and by whom; the wrong move is a conflict.
	ta.mustDo("PATCH", "/api/v1/actions/"+early, rep, map[string]any{"status": "done", "done_on": "2026-03-01", "done_by": "Anna"}, 409)
	ta.mustDo("PATCH", "/api/v1/actions/"+early, rep, map[string]any{"status": "in_progress"}, 200)
	code, b = ta.do("PATCH", "/api/v1/actions/"+early, rep, map[string]any{"status": "done", "done_by": "Anna"})
	if code != 422 || !strings.Contains(string(b), `"field":"done_on"`) {
		t.Errorf("done without done_on: got %d %s; want 422 naming done_on", code, b)
	}
	ta.mustDo("PATCH", "/api/v1/actions/"+later, other, map[string]any{"status": "in_progress"}, 403)
	ta.mustDo("PATCH", "/api/v1/actions/"+later, official, map[string]any{"status": "in_progress", "note": "Upphandlas"}, 200)
	hist := decode[[]survey.ActionHistory](t, ta.mustDo("GET", "/api/v1/actions/"+later+"/history", rep, nil, 200))
	if len(hist) != 1 || hist[0].From != "planned" || hist[0].To != "in_progress" || hist[0].Note != "Upphandlas" {
		t.Errorf("history: got %+v; want planned → in_progress with the note", hist)
	}

	p = decode[planJSON](t, ta.mustDo("GET", "/api/v1/plans/aby-2026", other, nil, 200))
	if p.Progress != (survey.Progress{Done: 0, Total: 2, Overdue: 1}) {
		t.Errorf("progress in March: got %+v; want 0 of 2, 1 overdue (February's)", p.Progress)
	}
	ta.mustDo("PATCH", "/api/v1/actions/"+early, rep, map[string]any{"status": "done", "done_on": "2026-03-09", "done_by": "Anna"}, 200)
	over := decode[[]struct{ ID string }](t, ta.mustDo("GET", "/api/v1/actions?overdue=true", official, nil, 200))
	if len(over) != 0 {
		t.Errorf("overdue after the early one is done: got %+v; want none", over)
	}

	// Lifecycle: submit before adoption is a conflict; acknowledgement is the officials'.
	ta.mustDo("POST", "/api/v1/plans/aby-2026/submit", rep, nil, 409)
	ta.mustDo("POST", "/api/v1/plans/aby-2026/adopt", rep, map[string]any{"date": "2026-03-05", "method": "meeting", "participants": 41}, 200)
	ta.mustDo("PUT", "/api/v1/plans/aby-2026", rep, map[string]any{"version": 3, "summary": "sent"}, 409)
	ta.mustDo("POST", "/api/v1/plans/aby-2026/submit", rep, nil, 200)
	ta.mustDo("POST", "/api/v1/plans/aby-2026/acknowledge", rep, map[string]any{"comment": "x"}, 403)
	p = decode[planJSON](t, ta.mustDo("POST", "/api/v1/plans/aby-2026/acknowledge", official, map[string]any{"comment": "Tack, vi återkommer om väg 52."}, 200))
	if p.Status != survey.PlanAcknowledged {
		t.Errorf("acknowledged: got %s", p.Status)
	}

	diff := decode[planVersionDiff](t, ta.mustDo("GET", "/api/v1/plans/aby-2026/diff?from=1&to=2", rep, nil, 200))
	if len(diff.Added) != 2 || !diff.SummaryChanged || len(diff.Actions.Added) != 0 {
		t.Errorf("diff 1 → 2: got %+v; want two priorities added, the summary changed and no action yet", diff)
	}
	// The actions were added and moved after version 2 was saved: the diff
	// up to the newest version shows them.
	latest := decode[planVersionDiff](t, ta.mustDo("GET", "/api/v1/plans/aby-2026/diff?from=2", rep, nil, 200))
	if len(latest.Actions.Added) != 2 || len(latest.Actions.Changed) != 3 {
		t.Errorf("actions since version 2: got %d added, %d changed (%+v); want 2 and 3", len(latest.Actions.Added), len(latest.Actions.Changed), latest.Actions)
	}
	ta.mustDo("GET", "/api/v1/plans/aby-2026/diff?from=0", rep, nil, 422)

	// The public village page needs no account.
	pub := decode[struct {
		Plan *planJSON `json:"plan"`
	}](t, ta.mustDo("GET", "/api/v1/public/villages/aby", "", nil, 200))
	if pub.Plan == nil || pub.Plan.Progress.Done != 1 || len(pub.Plan.Actions) != 2 {
		t.Errorf("public: got %+v; want the acknowledged plan with its actions and progress", pub.Plan)
	}

	// Next year starts as a copy: priorities and the open action.
	next := decode[planJSON](t, ta.mustDo("POST", "/api/v1/villages/aby/plans", official, map[string]any{"year": 2027}, 201))
	if len(next.Priorities) != 2 || len(next.Actions) != 1 || next.Actions[0].Status != "in_progress" || next.Status != survey.PlanDraft {
		t.Errorf("2027: got %+v; want the priorities and the open action copied into a draft", next)
	}
}

func TestForumMatrixOfTheVillagesPlans(t *testing.T) {
	ta := plansApp(t)
	official := ta.user(survey.RoleOfficial)
	forum := ta.user(survey.RoleForum)
	areas := map[string][]string{
		"aby": {"kommunikationer-och-vagar", "skola-och-barnomsorg", "trygghet"},
		"bby": {"kommunikationer-och-vagar", "trygghet", "bredband-och-mobiltackning"},
		"cby": {"skola-och-barnomsorg", "kommunikationer-och-vagar"},
	}
	for village, list := range areas {
		ta.mustDo("POST", "/api/v1/villages/"+village+"/plans", official, map[string]any{"year": 2026}, 201)
		prios := []map[string]any{}
		for i, a := range list {
			prios = append(prios, map[string]any{"focus_area": a, "rank": i + 1, "horizon": "year"})
		}
		id := village + "-2026"
		ta.mustDo("PUT", "/api/v1/plans/"+id, official, map[string]any{"version": 1, "priorities": prios}, 200)
		ta.mustDo("POST", "/api/v1/plans/"+id+"/adopt", official, map[string]any{"method": "board", "participants": 5}, 200)
		ta.mustDo("POST", "/api/v1/plans/"+id+"/submit", official, nil, 200)
	}
	m := decode[struct {
		Villages []string         `json:"villages"`
		Areas    []survey.AreaRow `json:"areas"`
	}](t, ta.mustDo("GET", "/api/v1/forum/focus-areas?year=2026", forum, nil, 200))
	got := map[string]string{}
	for _, a := range m.Areas {
		got[a.FocusArea] = a.Kind
	}
	want := map[string]string{
		"kommunikationer-och-vagar":  survey.AreaCommon, // ranks 1, 1, 2
		"skola-och-barnomsorg":       survey.AreaCommon, // ranks 2, 1
		"trygghet":                   survey.AreaCommon, // ranks 3, 2
		"bredband-och-mobiltackning": survey.AreaUnique, // one village
	}
	if len(m.Villages) != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("matrix: got %v of %v; want %v", got, m.Villages, want)
	}
	ta.mustDo("GET", "/api/v1/forum/focus-areas?year=abc", forum, nil, 422)
}

func TestForumPlansPageAndFiles(t *testing.T) {
	ta := plansApp(t)
	official := ta.user(survey.RoleOfficial)
	for village, areas := range map[string][]string{"aby": {"trygghet", "skola-och-barnomsorg"}, "bby": {"trygghet"}} {
		ta.mustDo("POST", "/api/v1/villages/"+village+"/plans", official, map[string]any{"year": 2026}, 201)
		prios := []map[string]any{}
		for i, a := range areas {
			prios = append(prios, map[string]any{"focus_area": a, "rank": i + 1, "horizon": "year"})
		}
		p := decode[planJSON](t, ta.mustDo("PUT", "/api/v1/plans/"+village+"-2026", official, map[string]any{"version": 1, "priorities": prios}, 200))
		ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/actions", official, map[string]any{"priority": p.Priorities[0].ID, "title": "Belysning", "owner": "municipality", "responsible": "Kommunen", "due": "2026-01"}, 201)
		ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/adopt", official, map[string]any{"method": "board", "participants": 5}, 200)
		ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/submit", official, nil, 200)
	}
	forum := ta.account(survey.RoleForum)
	code, page, _ := ta.page("GET", "/forum/planer", forum, nil)
	for _, want := range []string{"Trygghet", "gemensamt, lika viktigt", "bara en by", `src="/forum/planer/diagram.svg"`, "Försenade åtgärder", "Åby"} {
		if code != 200 || !strings.Contains(string(page), want) {
			t.Errorf("forum plans page: got %d without %q", code, want)
		}
	}
	code, b, h := ta.page("GET", "/forum/planer.csv", forum, nil)
	if code != 200 || !strings.Contains(h.Get("Content-Type"), "text/csv") || !strings.Contains(string(b), "Trygghet") {
		t.Errorf("csv: got %d %s %q", code, h.Get("Content-Type"), b)
	}
	code, _, h = ta.page("GET", "/forum/planer.xlsx", forum, nil)
	if code != 200 || h.Get("Content-Type") != mimeXLSX {
		t.Errorf("xlsx: got %d %s", code, h.Get("Content-Type"))
	}
	for _, f := range []string{"png", "svg"} {
		if code, _, _ := ta.page("GET", "/forum/planer/diagram."+f, forum, nil); code != 200 {
			t.Errorf("chart %s: got %d", f, code)
		}
	}
	if code, _, _ := ta.page("GET", "/forum/planer.pdf", forum, nil); code != 404 {
		t.Errorf("an unknown format: got %d; want 404", code)
	}
	if code, _, _ := ta.page("GET", "/forum/planer", account{}, nil); code != 401 {
		t.Errorf("without an account: got %d; want 401", code)
	}
}

func TestAnchoringIsPickedFromTheRecords(t *testing.T) {
	ta := plansApp(t)
	rep := ta.user(survey.RoleRepresentative, "aby")
	admin := ta.user(survey.RoleAdmin)
	def := map[string]any{"title": "Vägarna i byn", "villages": []string{"aby"}, "access": "link",
		"questions": []map[string]any{{"key": "q", "type": "single", "prompt": "Viktigast?", "options": []string{"Väg", "Skola"}, "required": true}}}
	sid := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/surveys", admin, def, 201)).ID
	ta.mustDo("POST", "/api/v1/surveys/"+sid+"/open", admin, nil, 200)
	for range 6 {
		ta.mustDo("POST", "/api/v1/surveys/"+sid+"/responses", "", map[string]any{"village": "aby", "answers": map[string]any{"q": "Väg"}}, 201)
	}
	ta.mustDo("POST", "/api/v1/villages/aby/plans", rep, map[string]any{"year": 2026}, 201)
	var sugg []survey.Anchor
	for range 50 { // counts reach the tallies with the committer's next fold
		sugg = decode[[]survey.Anchor](t, ta.mustDo("GET", "/api/v1/plans/aby-2026/anchoring/suggestions", rep, nil, 200))
		if len(sugg) == 1 && sugg[0].Participants == 6 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(sugg) != 1 || sugg[0].Ref != sid || sugg[0].Participants != 6 || !strings.Contains(sugg[0].Label, "6 svar (2 per 100 invånare)") {
		t.Fatalf("suggestions: got %+v; want the survey with 6 responses, 2 per 100 of Åby's 300", sugg)
	}
	ta.mustDo("POST", "/api/v1/plans/aby-2026/anchoring", rep, map[string]any{"kind": "survey", "ref": sid}, 201)
	tests := []struct {
		name string
		body map[string]any
		want int
	}{
		{"the same survey again", map[string]any{"kind": "survey", "ref": sid}, 422},
		{"a survey that is not the village's", map[string]any{"kind": "survey", "ref": "nope"}, 422},
		{"a meeting without participants", map[string]any{"kind": "meeting", "label": "Stormöte i bygdegården", "date": "2026-02-20"}, 422},
		{"a meeting in the future", map[string]any{"kind": "meeting", "label": "Stormöte", "date": "2026-04-20", "participants": 30}, 422},
		{"a meeting", map[string]any{"kind": "meeting", "label": "Stormöte i bygdegården", "date": "2026-02-20", "participants": 44}, 201},
		{"an unknown kind", map[string]any{"kind": "rumour"}, 422},
	}
	for _, tt := range tests {
		if code, b := ta.do("POST", "/api/v1/plans/aby-2026/anchoring", rep, tt.body); code != tt.want {
			t.Errorf("%s: got %d %s; want %d", tt.name, code, b, tt.want)
		}
	}
	p := decode[struct {
		Anchoring []survey.Anchor `json:"anchoring"`
	}](t, ta.mustDo("GET", "/api/v1/plans/aby-2026", rep, nil, 200))
	if len(p.Anchoring) != 2 || p.Anchoring[0].Participants != 6 || p.Anchoring[1].Participants != 44 {
		t.Errorf("plan's anchoring: got %+v; want the survey and the meeting", p.Anchoring)
	}
}
