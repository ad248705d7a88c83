package handlers

import (
	"net/http"
	"strings"
	"testing"
)

// walkedPlan gives village aby an acknowledged plan with one action done and
// one overdue, and an open survey.
func walkedPlan(t *testing.T, ta *testApp) {
	t.Helper()
	official := ta.user("official")
	p := decode[planJSON](t, ta.mustDo("POST", "/api/v1/villages/aby/plans", official, map[string]any{"year": 2026}, 201))
	p = decode[planJSON](t, ta.mustDo("PUT", "/api/v1/plans/"+p.ID, official, map[string]any{"version": 1, "summary": "Byn vill ha trygga vägar.",
		"priorities": []map[string]any{{"focus_area": "kommunikationer-och-vagar", "rank": 1, "label": "Säker skolväg", "rationale": "Barnen cyklar längs väg 52.", "horizon": "year"}}}, 200))
	prio := p.Priorities[0].ID
	for _, a := range []map[string]any{
		{"priority": prio, "title": "Mät trafiken vid skolan", "owner": "group", "responsible": "Anna Berg", "due": "2026-02"},
		{"priority": prio, "title": "Ansök om hastighetssänkning", "owner": "joint", "responsible": "Lars", "due": "2026-01"},
	} {
		id := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/actions", official, a, 201)).ID
		if a["due"] == "2026-02" {
			ta.mustDo("PATCH", "/api/v1/actions/"+id, official, map[string]any{"status": "in_progress"}, 200)
			ta.mustDo("PATCH", "/api/v1/actions/"+id, official, map[string]any{"status": "done", "done_on": "2026-03-02", "done_by": "Anna Berg"}, 200)
		}
	}
	ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/adopt", official, map[string]any{"date": "2026-03-01", "method": "meeting", "participants": 38}, 200)
	ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/submit", official, nil, 200)
	admin := ta.user("admin")
	id := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/surveys", admin, tenQuestions("aby", "bby"), 201)).ID
	ta.mustDo("POST", "/api/v1/surveys/"+id+"/open", admin, nil, 200)
}

func TestVillagePagesNeedNoAccount(t *testing.T) {
	ta := plansApp(t)
	walkedPlan(t, ta)
	tests := []struct {
		path, lang string
		want       []string
	}{
		{"/byar", "sv", []string{`href="/byar/aby"`, "Utvecklingsplan 2026 (inlämnad)", "1 öppen enkät", "Ingen inlämnad utvecklingsplan ännu."}},
		{"/byar/aby", "sv", []string{"Säker skolväg", "Barnen cyklar längs väg 52.", "Mät trafiken vid skolan", "klar 2026-03-02, Anna Berg",
			"Ansök om hastighetssänkning", "försenad", "Åtgärder klara: 1 av 2", "1 försenad", "stormöte, 38 deltagare", `href="/s/`, "Så kan du vara med"}},
		{"/byar/aby", "en", []string{"Development plan 2026", "done 2026-03-02, Anna Berg", "overdue", "38 participants", "How to take part"}},
		{"/byar/bby", "sv", []string{"har inte lämnat in någon utvecklingsplan"}},
	}
	for _, tt := range tests {
		t.Run(tt.path+" in "+tt.lang, func(t *testing.T) {
			req, _ := http.NewRequest("GET", tt.path, nil)
			req.AddCookie(&http.Cookie{Name: "lang", Value: tt.lang})
			code, b := ta.send(req)
			if code != http.StatusOK {
				t.Fatalf("got %d; want 200", code)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("got a page without %q", w)
				}
			}
		})
	}
	if code, _ := ta.do("GET", "/byar/nowhere", "", nil); code != http.StatusNotFound {
		t.Errorf("an unknown village: got %d; want 404", code)
	}
}

// The village page with its assets weighs at most 30 KB compressed.
func TestVillagePageIsLight(t *testing.T) {
	ta := plansApp(t)
	walkedPlan(t, ta)
	page := ta.get(t, "/byar/aby", "gzip")
	wire := len(page.wire)
	for _, l := range assetLink.FindAllStringSubmatch(string(page.raw), -1) {
		wire += len(ta.get(t, strings.ReplaceAll(l[1], "&amp;", "&"), "gzip").wire)
	}
	t.Logf("/byar/aby with its assets: %d B gzip", wire)
	if wire > 30<<10 {
		t.Errorf("got %d bytes compressed; want at most %d", wire, 30<<10)
	}
}
