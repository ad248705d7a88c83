package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

type fundJSON struct {
	Year           int   `json:"year"`
	TotalSEK       int64 `json:"total_sek"`
	BasicGrantsSEK int64 `json:"basic_grants_sek"`
	AllocatedSEK   int64 `json:"allocated_sek"`
	PaidSEK        int64 `json:"paid_sek"`
	ReturnedSEK    int64 `json:"returned_sek"`
	RemainingSEK   int64 `json:"remaining_sek"`
}

type basicJSON struct {
	Village   string   `json:"village"`
	Eligible  bool     `json:"eligible"`
	Reasons   []string `json:"reasons"`
	ReasonsEN []string `json:"reasons_en"`
	Status    string   `json:"status"`
}

type appJSON struct {
	ID          string `json:"id"`
	Village     string `json:"village"`
	Status      string `json:"status"`
	GrantedSEK  int64  `json:"granted_sek"`
	PaidSEK     int64  `json:"paid_sek"`
	MeetingItem string `json:"meeting_item"`
	ReportDue   string `json:"report_due"`
	Entry       string `json:"entry"`
}

// fundBody is a fund of 2026 with total kronor from two sources.
func fundBody(year int, total int64) map[string]any {
	return map[string]any{"year": year, "basic_grant_sek": 6000, "application_closes": "2026-09-30", "report_due": "2027-03-31",
		"sources": []map[string]any{{"kind": "municipality", "name": "Kommunen", "amount_sek": total - total/4}, {"kind": "hydropower", "name": "Bygdemedel", "amount_sek": total / 4}}}
}

// submittedApplication creates and submits an application of village aby.
func submittedApplication(t *testing.T, ta *testApp, rep string, year int, amount int64) appJSON {
	t.Helper()
	a := decode[appJSON](t, ta.mustDo("POST", fmt.Sprintf("/api/v1/funds/%d/applications", year), rep, map[string]any{
		"village": "aby", "focus_area": "trygghet", "title": "Belysning vid busshållplatsen", "description": "Fyra lampor", "amount_sek": amount, "cofinancing_sek": 2000}, 201))
	return decode[appJSON](t, ta.mustDo("POST", fmt.Sprintf("/api/v1/funds/%d/applications/%s/submit", year, a.ID), rep, nil, 200))
}

// checkRecount sums the ledger's entries and compares the sum with the
// running totals of its last entry and with the fund's figures.
func checkRecount(t *testing.T, ta *testApp, year int) fundJSON {
	t.Helper()
	cx := context.Background()
	funds := storage.NewFunds(ta.db)
	f, err := funds.Fund(cx, year)
	if err != nil {
		t.Fatal(err)
	}
	l, err := funds.FundLedger(cx, f)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range l.Entries {
		if e.N != i+1 || e.ID != survey.EntryID(year, i+1) {
			t.Fatalf("entry %d: got n %d id %s; want a gapless sequence", i, e.N, e.ID)
		}
	}
	sum := l.Sum()
	if got := l.Totals(); got != sum {
		t.Errorf("running totals %+v; want the recount %+v", got, sum)
	}
	got := decode[fundJSON](t, ta.mustDo("GET", fmt.Sprintf("/api/v1/funds/%d", year), ta.user(survey.RoleForum), nil, 200))
	if got.AllocatedSEK != sum.AllocatedSEK || got.PaidSEK != sum.PaidSEK || got.BasicGrantsSEK != sum.BasicGrantsSEK ||
		got.RemainingSEK != f.TotalSEK()-sum.AllocatedSEK+sum.ReturnedSEK {
		t.Errorf("fund figures %+v; want those of the recount %+v of total %d", got, sum, f.TotalSEK())
	}
	if got.RemainingSEK < 0 {
		t.Errorf("remaining %d; want never below zero", got.RemainingSEK)
	}
	return got
}

func TestFundRefusesBadInputNamingTheField(t *testing.T) {
	ta := plansApp(t)
	official := ta.user(survey.RoleOfficial)
	tests := []struct {
		name  string
		edit  func(map[string]any)
		field string
	}{
		{"a source of zero kronor", func(b map[string]any) { b["sources"] = []map[string]any{{"name": "Kommunen", "amount_sek": 0}} }, "sources[0].amount_sek"},
		{"a negative source", func(b map[string]any) { b["sources"] = []map[string]any{{"name": "Kommunen", "amount_sek": -5}} }, "sources[0].amount_sek"},
		{"no sources", func(b map[string]any) { b["sources"] = []map[string]any{} }, "sources"},
		{"an unknown kind of source", func(b map[string]any) {
			b["sources"] = []map[string]any{{"kind": "lotto", "name": "X", "amount_sek": 5}}
		}, "sources[0].kind"},
		{"no basic grant", func(b map[string]any) { b["basic_grant_sek"] = 0 }, "basic_grant_sek"},
		{"a date that is no date", func(b map[string]any) { b["report_due"] = "31/3" }, "report_due"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fundBody(2026, 100000)
			tt.edit(b)
			code, body := ta.do("POST", "/api/v1/funds", official, b)
			e := decode[apiError](t, body)
			if code != 422 || len(e.Errors) == 0 || e.Errors[0].Field != tt.field {
				t.Errorf("got %d %s; want 422 naming %s", code, body, tt.field)
			}
		})
	}
	ta.mustDo("POST", "/api/v1/funds", official, fundBody(2026, 100000), 201)
	if code, b := ta.do("POST", "/api/v1/funds", official, fundBody(2026, 100000)); code != 422 || !strings.Contains(string(b), "year") {
		t.Errorf("a second fund for 2026: got %d %s; want 422 naming year", code, b)
	}
	rep := ta.user(survey.RoleRepresentative, "aby")
	if code, b := ta.do("POST", "/api/v1/funds/2026/applications", rep, map[string]any{"village": "aby", "focus_area": "trygghet", "title": "T", "amount_sek": 0}); code != 422 || !strings.Contains(string(b), "amount_sek") {
		t.Errorf("an application of 0 kr: got %d %s; want 422 naming amount_sek", code, b)
	}
	if code, b := ta.do("POST", "/api/v1/funds/2026/applications", rep, map[string]any{"village": "aby", "focus_area": "finns-inte", "title": "T", "amount_sek": 5}); code != 422 || !strings.Contains(string(b), "focus_area") {
		t.Errorf("an unknown focus area: got %d %s; want 422 naming focus_area", code, b)
	}
}

// The money walked as the acceptance check does: grants until the money
// runs out, the next one 409 with nothing written, a reversal, the sums.
func TestFundGrantsUntilTheMoneyRunsOut(t *testing.T) {
	ta := plansApp(t)
	official, forum := ta.user(survey.RoleOfficial), ta.user(survey.RoleForum)
	rep := ta.user(survey.RoleRepresentative, "aby")
	ta.mustDo("POST", "/api/v1/funds", official, fundBody(2026, 20000), 201)

	a1 := submittedApplication(t, ta, rep, 2026, 15000)
	// The forum decides it at a meeting: the application is on its agenda.
	m := decode[map[string]any](t, ta.mustDo("POST", "/api/v1/meetings", official, map[string]any{"kind": "forum", "title": "Forum i april",
		"starts": "2026-04-20T18:00", "ends": "2026-04-20T20:00", "place": "Bygdegården", "villages": []string{"aby"}}, 201))
	item := decode[map[string]any](t, ta.mustDo("POST", "/api/v1/meetings/"+m["id"].(string)+"/agenda", official,
		map[string]any{"title": "Ansökan från Åby", "link": map[string]any{"kind": "application", "id": a1.ID}}, 201))["id"].(string)
	other := decode[map[string]any](t, ta.mustDo("POST", "/api/v1/meetings/"+m["id"].(string)+"/agenda", official, map[string]any{"title": "Övrigt"}, 201))["id"].(string)
	// Its place on the agenda shows, in the application and in the fund's list.
	if on := decode[appJSON](t, ta.mustDo("GET", "/api/v1/funds/2026/applications/"+a1.ID, forum, nil, 200)); on.Status != survey.AppOnAgenda {
		t.Errorf("an application an agenda item links: got %s; want %s", on.Status, survey.AppOnAgenda)
	}
	if a1.Status != survey.AppSubmitted {
		t.Errorf("before the agenda: got %s; want %s", a1.Status, survey.AppSubmitted)
	}
	if list := decode[[]appJSON](t, ta.mustDo("GET", "/api/v1/funds/2026/applications", forum, nil, 200)); len(list) != 1 || list[0].Status != survey.AppOnAgenda {
		t.Errorf("the fund's applications: got %+v; want one, on the agenda", list)
	}
	for _, bad := range []string{"m1/3", other} {
		if code, b := ta.do("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/grant", forum, map[string]any{"amount_sek": 12000, "meeting_item": bad}); code != 422 || !strings.Contains(string(b), `"meeting_item"`) {
			t.Errorf("a grant on item %q, not one with this application: got %d %s; want 422 naming meeting_item", bad, code, b)
		}
	}
	g := decode[appJSON](t, ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/grant", forum, map[string]any{"amount_sek": 12000, "meeting_item": item}, 200))
	if g.Status != survey.AppGranted || g.GrantedSEK != 12000 || g.MeetingItem != item {
		t.Fatalf("grant less than asked: got %+v; want granted 12000 on item %s", g, item)
	}
	if code, b := ta.do("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/grant", forum, map[string]any{"amount_sek": 1000}); code != 409 {
		t.Errorf("a second grant of the same application: got %d %s; want 409", code, b)
	}
	a2 := submittedApplication(t, ta, rep, 2026, 9000)
	if code, b := ta.do("POST", "/api/v1/funds/2026/applications/"+a2.ID+"/grant", forum, map[string]any{"amount_sek": 9000}); code != 409 || !strings.Contains(string(b), "8\u00a0000\u00a0kr") {
		t.Errorf("a grant larger than what is left: got %d %s; want 409 saying 8 000 kr is left", code, b)
	}
	if code, b := ta.do("POST", "/api/v1/funds/2026/applications/"+a2.ID+"/grant", forum, map[string]any{"amount_sek": 9500}); code != 422 {
		t.Errorf("a grant larger than asked: got %d %s; want 422", code, b)
	}
	entries := decode[[]survey.LedgerEntry](t, ta.mustDo("GET", "/api/v1/funds/2026/ledger", forum, nil, 200))
	if len(entries) != 1 {
		t.Fatalf("after the refused grant: got %d entries; want 1 (nothing written)", len(entries))
	}
	g2 := decode[appJSON](t, ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a2.ID+"/grant", forum, map[string]any{"amount_sek": 8000}, 200))
	if f := checkRecount(t, ta, 2026); f.RemainingSEK != 0 || f.AllocatedSEK != 20000 {
		t.Errorf("after granting all: got %+v; want 0 left of 20000", f)
	}

	// Paid, reported with the report due from the fund, closed.
	p := decode[appJSON](t, ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/pay", official, nil, 200))
	if p.Status != survey.AppPaid || p.PaidSEK != 12000 || p.ReportDue != "2027-03-31" {
		t.Errorf("paid: got %+v; want paid 12000 with the report due 2027-03-31", p)
	}
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/pay", official, nil, 409)
	if code, _ := ta.do("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/report", ta.user(survey.RoleRepresentative, "bby"), map[string]any{"text": "x", "spent_sek": 1}); code != 403 {
		t.Errorf("another village's representative reports: got %d; want 403", code)
	}
	r := decode[appJSON](t, ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/report", rep, map[string]any{"text": "Lamporna sitter uppe.", "spent_sek": 11800}, 200))
	if r.Status != survey.AppReported {
		t.Errorf("reported: got %s", r.Status)
	}
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/close", forum, nil, 200)

	// The second grant is reversed: its money is back, it is undecided again.
	entries = decode[[]survey.LedgerEntry](t, ta.mustDo("GET", "/api/v1/funds/2026/ledger", forum, nil, 200))
	if code, _ := ta.do("POST", "/api/v1/funds/2026/ledger/"+entries[0].ID+"/reverse", official, map[string]any{"reason": "Fel"}); code != 409 {
		t.Errorf("reversing a paid allocation: got %d; want 409 (reverse the payment first)", code)
	}
	ta.mustDo("POST", "/api/v1/funds/2026/ledger/"+g2.Entry+"/reverse", official, map[string]any{}, 422)
	rev := decode[survey.LedgerEntry](t, ta.mustDo("POST", "/api/v1/funds/2026/ledger/"+g2.Entry+"/reverse", official, map[string]any{"reason": "Fel belopp"}, 201))
	if rev.Kind != survey.EntryReverse || rev.AmountSEK != 8000 || rev.Reverses != g2.Entry {
		t.Errorf("reversal: got %+v; want a positive 8000 naming %s", rev, g2.Entry)
	}
	ta.mustDo("POST", "/api/v1/funds/2026/ledger/"+g2.Entry+"/reverse", official, map[string]any{"reason": "Igen"}, 409)
	back := decode[appJSON](t, ta.mustDo("GET", "/api/v1/funds/2026/applications/"+a2.ID, forum, nil, 200))
	if back.Status != survey.AppSubmitted || back.GrantedSEK != 0 {
		t.Errorf("after the reversal: got %+v; want submitted with nothing granted", back)
	}
	if f := checkRecount(t, ta, 2026); f.RemainingSEK != 8000 || f.PaidSEK != 12000 {
		t.Errorf("after the reversal: got %+v; want 8000 left and 12000 paid", f)
	}
	rej := decode[appJSON](t, ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a2.ID+"/reject", forum, map[string]any{"reason": "Passar inte fonden"}, 200))
	if rej.Status != survey.AppRejected {
		t.Errorf("rejected: got %s", rej.Status)
	}

	pub := ta.mustDo("GET", "/api/v1/public/funds/2026", "", nil, 200)
	for _, want := range []string{`"remaining_sek":8000`, `"Belysning vid busshållplatsen"`, `"Lamporna sitter uppe."`, `"spent_sek":11800`} {
		if !strings.Contains(string(pub), want) {
			t.Errorf("public JSON: want %s in %s", want, pub)
		}
	}
	if strings.Contains(string(pub), "example.se") || strings.Contains(string(pub), `"by"`) {
		t.Errorf("public JSON names accounts: %s", pub)
	}
	for _, format := range []string{"csv", "xlsx"} {
		code, b := ta.do("GET", "/api/v1/public/funds/2026."+format, "", nil)
		if code != 200 || len(b) == 0 {
			t.Errorf("public %s: got %d, %d bytes", format, code, len(b))
		}
		if format == "csv" && !strings.Contains(string(b), "12000") {
			t.Errorf("public csv: want the granted 12000 in %s", b)
		}
	}
}

// basicGrants reads the basic grants of a year by village.
func basicGrants(t *testing.T, ta *testApp, year int) map[string]basicJSON {
	t.Helper()
	out := map[string]basicJSON{}
	for _, b := range decode[[]basicJSON](t, ta.mustDo("GET", fmt.Sprintf("/api/v1/funds/%d/basic-grants", year), ta.user(survey.RoleForum), nil, 200)) {
		out[b.Village] = b
	}
	return out
}

func TestBasicGrantsAreCheckedFromTheRecords(t *testing.T) {
	ta := plansApp(t)
	official := ta.user(survey.RoleOfficial)
	// aby: a plan adopted at an open meeting with 38 residents and submitted.
	walkedPlan(t, ta)
	// bby: a plan adopted by the board only, with an action due last year
	// still planned.
	p := decode[planJSON](t, ta.mustDo("POST", "/api/v1/villages/bby/plans", official, map[string]any{"year": 2026}, 201))
	p = decode[planJSON](t, ta.mustDo("PUT", "/api/v1/plans/"+p.ID, official, map[string]any{"version": 1, "summary": "Bby",
		"priorities": []map[string]any{{"focus_area": "trygghet", "rank": 1, "horizon": "year"}}}, 200))
	ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/actions", official, map[string]any{"priority": p.Priorities[0].ID, "title": "Röja", "owner": "group", "responsible": "Bo", "due": "2025-10"}, 201)
	ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/adopt", official, map[string]any{"date": "2026-03-01", "method": "board", "participants": 5}, 200)
	ta.mustDo("POST", "/api/v1/plans/"+p.ID+"/submit", official, nil, 200)
	ta.mustDo("POST", "/api/v1/funds", official, fundBody(2026, 100000), 201)

	got := basicGrants(t, ta, 2026)
	tests := []struct {
		village string
		status  string
		reasons []string
	}{
		{"aby", survey.BasicEligible, nil},
		{"bby", survey.BasicBlocked, []string{survey.ReasonNoAnchoring, survey.ReasonPlanned}},
		{"cby", survey.BasicBlocked, []string{survey.ReasonNoPlan, survey.ReasonNoAnchoring}},
	}
	for _, tt := range tests {
		t.Run(tt.village+" is "+tt.status, func(t *testing.T) {
			b := got[tt.village]
			if b.Status != tt.status || b.Eligible != (tt.status == survey.BasicEligible) || strings.Join(b.Reasons, "|") != strings.Join(tt.reasons, "|") {
				t.Errorf("got %+v; want %s with reasons %q", b, tt.status, tt.reasons)
			}
			for i, en := range b.ReasonsEN {
				if en == b.Reasons[i] {
					t.Errorf("reason %q has no English", en)
				}
			}
		})
	}
	ta.mustDo("POST", "/api/v1/funds/2026/basic-grants/bby/approve", official, nil, 409)
	ta.mustDo("POST", "/api/v1/funds/2026/basic-grants/bby/override", official, map[string]any{"reason": " "}, 422)
	o := decode[basicJSON](t, ta.mustDo("POST", "/api/v1/funds/2026/basic-grants/bby/override", official, map[string]any{"reason": "Stormötet ställdes in på grund av storm"}, 200))
	if o.Status != survey.BasicEligible {
		t.Errorf("overridden: got %s; want eligible", o.Status)
	}
	for _, slug := range []string{"aby", "bby"} {
		if b := decode[basicJSON](t, ta.mustDo("POST", "/api/v1/funds/2026/basic-grants/"+slug+"/approve", official, nil, 200)); b.Status != survey.BasicApproved {
			t.Errorf("%s approved: got %s", slug, b.Status)
		}
	}
	ta.mustDo("POST", "/api/v1/funds/2026/basic-grants/aby/approve", official, nil, 409)
	if b := decode[basicJSON](t, ta.mustDo("POST", "/api/v1/funds/2026/basic-grants/aby/pay", official, nil, 200)); b.Status != survey.BasicPaid {
		t.Errorf("aby paid: got %s", b.Status)
	}
	if f := checkRecount(t, ta, 2026); f.BasicGrantsSEK != 12000 || f.PaidSEK != 6000 || f.RemainingSEK != 88000 {
		t.Errorf("after two basic grants: got %+v; want 12000 in basic grants, 6000 paid, 88000 left", f)
	}
	audit, err := storage.NewAudit(ta.db).List(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range audit {
		found = found || e.Action == auditBasicOverridden && e.Detail == "Stormötet ställdes in på grund av storm" && e.Actor != ""
	}
	if !found {
		t.Errorf("the override is not in the audit log with who and why")
	}
}

// concurrentGrants grants 50 applications of 1 000 kr each at the same
// moment against a pot of 10 000 kr, each request sent to one of apps in
// turn, and returns how many were granted and refused.
func concurrentGrants(t *testing.T, ta *testApp, apps []*testApp) (granted, refused int) {
	t.Helper()
	official, forum := ta.user(survey.RoleOfficial), ta.user(survey.RoleForum)
	rep := ta.user(survey.RoleRepresentative, "aby")
	ta.mustDo("POST", "/api/v1/funds", official, fundBody(2026, 10000), 201)
	ids := make([]string, 50)
	for i := range ids {
		ids[i] = submittedApplication(t, ta, rep, 2026, 1000).ID
	}
	codes := make([]int, len(ids))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest("POST", "/api/v1/funds/2026/applications/"+id+"/grant", strings.NewReader(`{"amount_sek":1000}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+forum)
			resp, err := apps[i%len(apps)].app.Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	for i, c := range codes {
		switch c {
		case 200:
			granted++
		case 409:
			refused++
		default:
			t.Errorf("grant %d: got %d; want 200 or 409", i, c)
		}
	}
	views := decode[[]appJSON](t, ta.mustDo("GET", "/api/v1/funds/2026/applications", forum, nil, 200))
	n := 0
	for _, v := range views {
		if v.Status == survey.AppGranted {
			n++
		}
	}
	if n != granted {
		t.Errorf("applications granted: got %d; want %d (the 200s)", n, granted)
	}
	if f := checkRecount(t, ta, 2026); f.AllocatedSEK != int64(granted)*1000 || f.RemainingSEK != 0 {
		t.Errorf("fund after the grants: got %+v; want %d allocated and nothing left", f, granted*1000)
	}
	return granted, refused
}

func TestFiftyConcurrentGrantsLeaveExactlyTenOnOneServer(t *testing.T) {
	ta := plansApp(t)
	granted, refused := concurrentGrants(t, ta, []*testApp{ta})
	if granted != 10 || refused != 40 {
		t.Errorf("got %d granted and %d refused; want 10 and 40", granted, refused)
	}
}

func TestFiftyConcurrentGrantsLeaveExactlyTenOnTwoServers(t *testing.T) {
	ta := plansApp(t)
	// A second instance on the same database: its own app, stores and
	// caches, nothing shared in memory.
	other := &testApp{t: t, db: ta.db, now: ta.now}
	other.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now }})
	granted, refused := concurrentGrants(t, ta, []*testApp{ta, other})
	if granted != 10 || refused != 40 {
		t.Errorf("got %d granted and %d refused; want 10 and 40", granted, refused)
	}
}

// A grant and a rejection of the same application at the same moment: one
// wins, and the application and the ledger agree afterwards.
func TestGrantAndRejectAtOnceAgree(t *testing.T) {
	ta := plansApp(t)
	official, forum := ta.user(survey.RoleOfficial), ta.user(survey.RoleForum)
	rep := ta.user(survey.RoleRepresentative, "aby")
	ta.mustDo("POST", "/api/v1/funds", official, fundBody(2026, 100000), 201)
	for i := range 10 {
		a := submittedApplication(t, ta, rep, 2026, 1000)
		var wg sync.WaitGroup
		var grant, reject int
		wg.Add(2)
		go func() {
			defer wg.Done()
			grant, _ = ta.do("POST", "/api/v1/funds/2026/applications/"+a.ID+"/grant", forum, map[string]any{"amount_sek": 1000})
		}()
		go func() {
			defer wg.Done()
			reject, _ = ta.do("POST", "/api/v1/funds/2026/applications/"+a.ID+"/reject", forum, map[string]any{"reason": "Nej"})
		}()
		wg.Wait()
		got := decode[appJSON](t, ta.mustDo("GET", "/api/v1/funds/2026/applications/"+a.ID, forum, nil, 200))
		switch {
		case grant == 200 && reject == 409:
			if got.Status != survey.AppGranted || got.GrantedSEK != 1000 {
				t.Errorf("round %d: the grant won but got %+v", i, got)
			}
		case reject == 200 && grant == 409:
			if got.Status != survey.AppRejected || got.GrantedSEK != 0 {
				t.Errorf("round %d: the rejection won but got %+v", i, got)
			}
		default:
			l := ta.mustDo("GET", "/api/v1/funds/2026/ledger", forum, nil, 200)
			t.Errorf("round %d: got grant %d and reject %d; want one 200 and one 409; %+v %s", i, grant, reject, got, l)
		}
	}
	checkRecount(t, ta, 2026)
}

// The yearly report reads the year's money from the ledger.
func TestYearReportReadsTheLedger(t *testing.T) {
	ta := plansApp(t)
	official, forum := ta.user(survey.RoleOfficial), ta.user(survey.RoleForum)
	rep := ta.user(survey.RoleRepresentative, "aby")
	if b := ta.mustDo("GET", "/api/v1/public/reports/2026", "", nil, 200); !strings.Contains(string(b), `"money":null`) {
		t.Errorf("a year without a fund: got %s; want money null", b)
	}
	ta.mustDo("POST", "/api/v1/funds", official, fundBody(2026, 50000), 201)
	a := submittedApplication(t, ta, rep, 2026, 9000)
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a.ID+"/grant", forum, map[string]any{"amount_sek": 8000}, 200)
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a.ID+"/pay", forum, nil, 200)
	b := ta.mustDo("GET", "/api/v1/public/reports/2026", "", nil, 200)
	for _, want := range []string{`"money":{"total_sek":50000,"granted_sek":8000,`, `"paid_sek":8000,`, `"remaining_sek":42000`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("a year with a fund: got %s; want %s", b, want)
		}
	}
}
