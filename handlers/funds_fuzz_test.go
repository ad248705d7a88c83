package handlers

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// FuzzFundAPI sends arbitrary bodies to every decoder of the bygdepeng — a
// fund, an application, a grant, a rejection, a report, a return, an
// override, a reversal — as an administrator (who may call them all): the
// answer is never a server error, and the ledger never holds more than the
// fund.
func FuzzFundAPI(f *testing.F) {
	f.Add(uint8(0), []byte(`{"year":2027,"sources":[{"kind":"region","name":"R","amount_sek":5000}],"basic_grant_sek":6000,"application_closes":"2027-09-30","report_due":"2028-03-31"}`))
	f.Add(uint8(1), []byte(`{"village":"aby","focus_area":"trygghet","title":"T","description":"D","amount_sek":500,"cofinancing_sek":0}`))
	f.Add(uint8(2), []byte(`{"amount_sek":400,"meeting_item":"m/1"}`))
	f.Add(uint8(3), []byte(`{"reason":"Nej"}`))
	f.Add(uint8(4), []byte(`{"text":"Klart","spent_sek":400}`))
	f.Add(uint8(5), []byte(`{"amount_sek":100}`))
	f.Add(uint8(2), []byte(`{"amount_sek":9223372036854775807}`))
	f.Add(uint8(0), []byte(`{"year":2028,"sources":[{"name":"A","amount_sek":1e18},{"name":"B","amount_sek":-1}],"basic_grant_sek":"x"}`))
	app, _, db := fuzzAppDB(f)
	cx := context.Background()
	if err := storage.NewPlans(db).EnsureFocusAreas(cx); err != nil {
		f.Fatal(err)
	}
	now := time.Now()
	u, hash, err := survey.NewUser{Email: "admin@example.se", Name: "Admin", Password: "ett-långt-lösenord", Role: survey.RoleAdmin}.User(now)
	if err != nil {
		f.Fatal(err)
	}
	if err := storage.NewUsers(db).Create(cx, &u, hash); err != nil {
		f.Fatal(err)
	}
	token, err := storage.NewTokens(db).Create(cx, u.ID, now, time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	funds := storage.NewFunds(db)
	fd, err := survey.NewFund{Year: 2026, BasicGrantSEK: 600, ApplicationCloses: "2099-09-30", ReportDue: "2099-12-31",
		Sources: []survey.SourceInput{{Name: "Kommunen", AmountSEK: 1000}}}.Fund(now, u.ID)
	if err != nil {
		f.Fatal(err)
	}
	if err := funds.CreateFund(cx, fd); err != nil {
		f.Fatal(err)
	}
	a := &survey.Application{Fund: 2026, Village: "aby", FocusArea: "trygghet", Title: "T", AmountSEK: 900, Status: survey.AppSubmitted, Created: now}
	if err := funds.CreateApplication(cx, a); err != nil {
		f.Fatal(err)
	}
	base := "/api/v1/funds/2026/applications/" + a.ID
	routes := []string{"/api/v1/funds", "/api/v1/funds/2026/applications", base + "/grant", base + "/reject", base + "/report", base + "/return",
		"/api/v1/funds/2026/basic-grants/aby/override", "/api/v1/funds/2026/ledger/2026-1/reverse"}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		path := routes[int(route)%len(routes)]
		req := httptest.NewRequest("POST", path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		if code := statusOf(t, app, req); code >= 500 {
			t.Fatalf("POST %s: got %d for %q; want < 500", path, code, body)
		}
		l, err := funds.FundLedger(cx, fd)
		if err != nil {
			t.Fatal(err)
		}
		if l.Remaining() < 0 || l.Sum() != l.Totals() {
			t.Fatalf("after POST %s %q: %d left, sum %+v, totals %+v", path, body, l.Remaining(), l.Sum(), l.Totals())
		}
	})
}
