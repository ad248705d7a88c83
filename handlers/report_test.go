package handlers

import (
	"net/http"
	"strings"
	"testing"

	"github.com/forankra/forankra/survey"
)

func TestYearReportFiguresAreTheRecords(t *testing.T) {
	ta := plansApp(t)
	rep := ta.user("representative", "aby")
	closed, remiss := villageRecords(t, ta, rep)
	official := ta.user("official")
	dep := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/departments", official, map[string]any{"name": "Samhällsbyggnad", "email": "sb@example.se"}, 201)).ID
	// A municipality's action of bby, done in 2026 by a named official.
	p := decode[planJSON](t, ta.mustDo("POST", "/api/v1/villages/bby/plans", official, map[string]any{"year": 2026}, 201))
	p = decode[planJSON](t, ta.mustDo("PUT", "/api/v1/plans/"+p.ID, official, map[string]any{"version": 1,
		"priorities": []map[string]any{{"focus_area": "trygghet", "rank": 1, "horizon": "year"}}}, 200))
	action := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/actions", official, map[string]any{"priority": p.Priorities[0].ID,
		"title": "Gatubelysning", "owner": "municipality", "responsible": "Kalle Kommunsson", "department": dep, "due": "2026-03"}, 201)).ID
	ta.mustDo("PATCH", "/api/v1/actions/"+action, official, map[string]any{"status": "in_progress"}, 200)
	ta.mustDo("PATCH", "/api/v1/actions/"+action, official, map[string]any{"status": "done", "done_on": "2026-03-09", "done_by": "Kalle Kommunsson"}, 200)

	body := ta.mustDo("GET", "/api/v1/public/reports/2026", "", nil, 200)
	got := decode[survey.YearReport](t, body)

	t.Run("actions: as many as the records hold done in 2026, by owner and department", func(t *testing.T) {
		done := decode[[]survey.PlanAction](t, ta.mustDo("GET", "/api/v1/actions?status=done", official, nil, 200))
		owners := map[string]int{}
		n := 0
		for _, a := range done {
			if a.DoneOn.Year == 2026 {
				n++
				owners[a.Owner]++
			}
		}
		if got.Actions.Done != n || n != 2 {
			t.Errorf("got %d done; want %d from the records (2)", got.Actions.Done, n)
		}
		for owner, want := range owners {
			if got.Actions.ByOwner[owner] != want {
				t.Errorf("%s: got %d; want %d", owner, got.Actions.ByOwner[owner], want)
			}
		}
		if len(got.Actions.ByDepartment) != 1 || got.Actions.ByDepartment[0].Name != "Samhällsbyggnad" || got.Actions.ByDepartment[0].N != 1 {
			t.Errorf("got departments %+v; want Samhällsbyggnad 1", got.Actions.ByDepartment)
		}
	})
	t.Run("surveys: the tallied responses, bby under min_n not shown", func(t *testing.T) {
		sv := decode[survey.Survey](t, ta.mustDo("GET", "/api/v1/surveys/"+closed, official, nil, 200))
		var row *survey.ReportSurvey
		for i := range got.Surveys.List {
			if got.Surveys.List[i].ID == closed {
				row = &got.Surveys.List[i]
			}
		}
		if row == nil || sv.Responses == nil {
			t.Fatalf("got no row for the closed survey (%v); want one", sv.Responses)
		}
		shown := map[string]*int{}
		for _, v := range row.Villages {
			shown[v.Village] = v.Responses
		}
		if shown["aby"] == nil || *shown["aby"] != 6 || shown["bby"] != nil || row.Responses != 6 || row.UnderMinN != 1 {
			t.Errorf("got aby %v, bby %v, total %d; want 6, hidden, 6", shown["aby"], shown["bby"], row.Responses)
		}
		if *sv.Responses != 8 {
			t.Errorf("got %d stored; want 8 (6 + 2 hidden)", *sv.Responses)
		}
		if got.Surveys.Count != 2 || got.Surveys.Responses != 6 {
			t.Errorf("got %d surveys with %d responses; want 2 (the open one too) with 6", got.Surveys.Count, got.Surveys.Responses)
		}
	})
	t.Run("remisses: the summary's counts", func(t *testing.T) {
		sum := decode[struct {
			Counts map[string]int `json:"counts"`
		}](t, ta.mustDo("GET", "/api/v1/remisses/"+remiss+"/summary", official, nil, 200))
		if got.Remisses.Rounds != 1 || got.Remisses.Asked != 2 || got.Remisses.Answers != 1 {
			t.Errorf("got %d rounds, %d asked, %d answers; want 1, 2, 1", got.Remisses.Rounds, got.Remisses.Asked, got.Remisses.Answers)
		}
		for _, st := range survey.Stances {
			if got.Remisses.Counts[st] != sum.Counts[st] {
				t.Errorf("%s: got %d; want %d as in the summary", st, got.Remisses.Counts[st], sum.Counts[st])
			}
		}
		if got.Remisses.List[0].Proposal != "Cykelväg till skolan" {
			t.Errorf("got %q; want the proposal's title", got.Remisses.List[0].Proposal)
		}
	})
	t.Run("no person is named", func(t *testing.T) {
		for _, name := range []string{"Anna Berg", "Lars", "Kalle Kommunsson", "Test "} {
			if strings.Contains(string(body), name) {
				t.Errorf("got %q in the report; want no person's name", name)
			}
		}
	})
	t.Run("another year has none of it", func(t *testing.T) {
		other := decode[survey.YearReport](t, ta.mustDo("GET", "/api/v1/public/reports/2025", "", nil, 200))
		if other.Actions.Done != 0 || other.Surveys.Count != 0 || other.Remisses.Rounds != 0 {
			t.Errorf("got %+v; want an empty 2025", other)
		}
	})
	for _, year := range []string{"1999", "2101", "tjugo"} {
		t.Run("year "+year+" is 400", func(t *testing.T) {
			code, b := ta.do("GET", "/api/v1/public/reports/"+year, "", nil)
			e := decode[errorBody](t, b)
			if code != http.StatusBadRequest || len(e.Errors) == 0 || e.Errors[0].Field != "year" {
				t.Errorf("got %d %s; want 400 naming year", code, b)
			}
		})
	}
	t.Run("the page shows the same figures, in Swedish and English", func(t *testing.T) {
		code, b := ta.do("GET", "/arsrapport/2026", "", nil)
		checkPage(t, code, b, []string{"Årsrapport 2026", "Gatubelysning", "Samhällsbyggnad: 1", "utvecklingsgruppen: 1", "kommunen: 1",
			"Vägen genom byn", "Åby: 6", "Bby: för få svar för att visa", "Cykelväg till skolan", "1 av 2", "tillstyrker med ändringar: 1",
			"Ingen bygdepeng för året finns i Förankra.", `href="/arsrapport/2025"`}, []string{"Anna Berg", "Kalle Kommunsson"})
		req, _ := http.NewRequest("GET", "/arsrapport/2026", nil)
		req.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
		code, b = ta.send(req)
		checkPage(t, code, b, []string{"Yearly report 2026", "Actions done", "Surveys and participation", "Remisses and answers", "too few responses to show"}, nil)
	})
	if code, _ := ta.do("GET", "/arsrapport/nu", "", nil); code != http.StatusBadRequest {
		t.Errorf("a page for year nu: got %d; want 400", code)
	}
}

// The timeline and the report weigh at most 30 KB compressed with their
// assets, like the village page.
func TestTimelineAndReportAreLight(t *testing.T) {
	ta := plansApp(t)
	villageRecords(t, ta, ta.user("representative", "aby"))
	for _, path := range []string{"/byar/aby/tidslinje", "/arsrapport/2026"} {
		page := ta.get(t, path, "gzip")
		wire := len(page.wire)
		for _, l := range assetLink.FindAllStringSubmatch(string(page.raw), -1) {
			wire += len(ta.get(t, strings.ReplaceAll(l[1], "&amp;", "&"), "gzip").wire)
		}
		t.Logf("%s with its assets: %d B gzip (page %d B)", path, wire, len(page.wire))
		if wire > 30<<10 {
			t.Errorf("%s: got %d bytes compressed; want at most %d", path, wire, 30<<10)
		}
	}
}

func TestYearReportIsFoundFromTheVillages(t *testing.T) {
	ta := plansApp(t)
	code, b := ta.do("GET", "/byar", "", nil)
	checkPage(t, code, b, []string{`href="/arsrapport"`}, nil)
	req, _ := http.NewRequest("GET", "/arsrapport", nil)
	resp, err := ta.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/arsrapport/2026" {
		t.Errorf("got %d to %q; want 303 to this year's report /arsrapport/2026", resp.StatusCode, got)
	}
}
