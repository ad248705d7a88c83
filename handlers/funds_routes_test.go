package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// The bygdepeng's rows of the route × role table, and the fixtures they
// are built from: each request gets a fund year of its own.

var (
	fundManagers = []string{admin, official}        // ManageFunds
	deciders     = []string{admin, official, forum} // DecideApplications for village aby
	appliers     = []string{admin, repOwn}          // ApplyForFunds for village aby
)

// fund stores a fund of 100 000 kr for a year of its own and returns the
// year. Years from 5000 keep clear of the plans' fixtures.
func (f *routeFixture) fund() int {
	f.ta.t.Helper()
	year := 5000 + f.uniq()
	fd, err := survey.NewFund{Year: 2026, BasicGrantSEK: 6000, ApplicationCloses: "2026-09-30", ReportDue: "2027-03-31",
		Sources: []survey.SourceInput{{Kind: survey.SourceMunicipality, Name: "Kommunen", AmountSEK: 100000}}}.Fund(f.ta.now, "")
	if err != nil {
		f.ta.t.Fatal(err)
	}
	fd.Year = year
	if err := storage.NewFunds(f.ta.db).CreateFund(context.Background(), fd); err != nil {
		f.ta.t.Fatal(err)
	}
	return year
}

// appendEntry appends an entry to the year's ledger.
func (f *routeFixture) appendEntry(year int, in survey.EntryInput) survey.LedgerEntry {
	f.ta.t.Helper()
	cx := context.Background()
	funds := storage.NewFunds(f.ta.db)
	fd, err := funds.Fund(cx, year)
	if err != nil {
		f.ta.t.Fatal(err)
	}
	e, err := funds.Append(cx, fd, func(l survey.Ledger) (survey.LedgerEntry, error) { return l.Next(in, f.ta.now) })
	if err != nil {
		f.ta.t.Fatal(err)
	}
	return e
}

// override lets village aby get its basic grant in the year.
func (f *routeFixture) override(year int) {
	f.ta.t.Helper()
	if err := storage.NewFunds(f.ta.db).AddOverride(context.Background(), survey.Override{Fund: year, Village: "aby", Reason: "Test", At: f.ta.now}); err != nil {
		f.ta.t.Fatal(err)
	}
}

// application stores an application of village aby for 5 000 kr in a new
// fund year, taken to the status (draft, submitted, granted, paid,
// reported); it returns the year and the id.
func (f *routeFixture) application(status string) (int, string) {
	f.ta.t.Helper()
	cx := context.Background()
	year := f.fund()
	funds := storage.NewFunds(f.ta.db)
	fd, _ := funds.Fund(cx, year)
	a := &survey.Application{Fund: year, Village: "aby", FocusArea: "trygghet", Title: "Belysning", AmountSEK: 5000, Status: survey.AppDraft, Created: f.ta.now}
	if err := funds.CreateApplication(cx, a); err != nil {
		f.ta.t.Fatal(err)
	}
	save := func() {
		if err := funds.SaveApplication(cx, a); err != nil {
			f.ta.t.Fatal(err)
		}
	}
	ref := survey.ApplicationRef(a.ID)
	for _, step := range []func(){
		func() { _ = a.Submit(fd, f.ta.now); save() },
		func() {
			f.appendEntry(year, survey.EntryInput{Kind: survey.EntryAllocate, Village: "aby", AmountSEK: 5000, Ref: ref})
			_ = a.Step("grant")
			save()
		},
		func() { f.appendEntry(year, survey.EntryInput{Kind: survey.EntryPay, Ref: ref}) },
		func() {
			_ = a.AddReport(survey.ApplicationReport{Text: "Klart", SpentSEK: 5000}, survey.RefMoney{PaidSEK: 5000}, f.ta.now, "")
			save()
		},
	}[:map[string]int{survey.AppDraft: 0, survey.AppSubmitted: 1, survey.AppGranted: 2, survey.AppPaid: 3, survey.AppReported: 4}[status]] {
		step()
	}
	return year, a.ID
}

// fundRoute builds a request for a new fund year: prefix + year + suffix.
func fundRoute(prefix, suffix string, body any, form url.Values) func(*routeFixture, string) routeRequest {
	return func(f *routeFixture, _ string) routeRequest {
		return routeRequest{path: prefix + strconv.Itoa(f.fund()) + suffix, json: body, form: form}
	}
}

// applicationRoute builds a request on an application in the status.
func applicationRoute(prefix, middle, suffix, status string, body any, form url.Values) func(*routeFixture, string) routeRequest {
	return func(f *routeFixture, _ string) routeRequest {
		year, id := f.application(status)
		return routeRequest{path: fmt.Sprintf("%s%d%s%s%s", prefix, year, middle, id, suffix), json: body, form: form}
	}
}

// entryRoute builds a request on the allocation of a granted application.
func entryRoute(prefix, middle, suffix string, body any, form url.Values) func(*routeFixture, string) routeRequest {
	return func(f *routeFixture, _ string) routeRequest {
		year, _ := f.application(survey.AppGranted)
		return routeRequest{path: fmt.Sprintf("%s%d%s%s%s", prefix, year, middle, survey.EntryID(year, 1), suffix), json: body, form: form}
	}
}

// newFundYear is a fund year nobody has made yet, for POST /funds.
func (f *routeFixture) newFundYear() int {
	f.fundYear++
	return 2000 + f.fundYear
}

func fundRouteCases() []routeCase {
	reason := map[string]any{"reason": "Skäl"}
	application := map[string]any{"village": "aby", "focus_area": "trygghet", "title": "Belysning", "amount_sek": 5000}
	newFund := func(f *routeFixture, _ string) routeRequest {
		b := fundBody(f.newFundYear(), 50000)
		return routeRequest{path: "/api/v1/funds", json: b}
	}
	newFundForm := func(f *routeFixture, _ string) routeRequest {
		return routeRequest{path: "/fonder", form: url.Values{"year": {strconv.Itoa(f.newFundYear())}, "basic_grant_sek": {"6 000"},
			"application_closes": {"2026-09-30"}, "report_due": {"2027-03-31"}, "source_kind_0": {"region"}, "source_name_0": {"Regionen"}, "source_amount_0": {"40 000"}}}
	}
	basic := func(prefix, slugPart, suffix string, approved bool, body any, form url.Values) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, _ string) routeRequest {
			year := f.fund()
			f.override(year)
			if approved {
				f.appendEntry(year, survey.EntryInput{Kind: survey.EntryAllocate, Village: "aby", AmountSEK: 6000, Ref: survey.BasicRef("aby")})
			}
			return routeRequest{path: fmt.Sprintf("%s%d%saby%s", prefix, year, slugPart, suffix), json: body, form: form}
		}
	}
	return []routeCase{
		{method: "GET", route: "/api/v1/funds", build: func(*routeFixture, string) routeRequest { return routeRequest{path: "/api/v1/funds"} }, allow: everyone},
		{method: "POST", route: "/api/v1/funds", build: newFund, allow: fundManagers},
		{method: "GET", route: "/api/v1/funds/:year", build: fundRoute("/api/v1/funds/", "", nil, nil), allow: everyone},
		{method: "GET", route: "/api/v1/funds/:year/basic-grants", build: fundRoute("/api/v1/funds/", "/basic-grants", nil, nil), allow: everyone},
		{method: "POST", route: "/api/v1/funds/:year/basic-grants/:slug/approve", build: basic("/api/v1/funds/", "/basic-grants/", "/approve", false, nil, nil), allow: fundManagers},
		{method: "POST", route: "/api/v1/funds/:year/basic-grants/:slug/pay", build: basic("/api/v1/funds/", "/basic-grants/", "/pay", true, nil, nil), allow: fundManagers},
		{method: "POST", route: "/api/v1/funds/:year/basic-grants/:slug/override", build: fundRoute("/api/v1/funds/", "/basic-grants/aby/override", reason, nil), allow: fundManagers},
		{method: "GET", route: "/api/v1/funds/:year/applications", build: fundRoute("/api/v1/funds/", "/applications", nil, nil), allow: everyone},
		{method: "POST", route: "/api/v1/funds/:year/applications", build: fundRoute("/api/v1/funds/", "/applications", application, nil), allow: appliers},
		{method: "GET", route: "/api/v1/funds/:year/applications/:id", build: applicationRoute("/api/v1/funds/", "/applications/", "", survey.AppDraft, nil, nil), allow: everyone},
		{method: "POST", route: "/api/v1/funds/:year/applications/:id/submit", build: applicationRoute("/api/v1/funds/", "/applications/", "/submit", survey.AppDraft, nil, nil), allow: appliers},
		{method: "POST", route: "/api/v1/funds/:year/applications/:id/grant", build: applicationRoute("/api/v1/funds/", "/applications/", "/grant", survey.AppSubmitted, map[string]any{"amount_sek": 4000}, nil), allow: deciders},
		{method: "POST", route: "/api/v1/funds/:year/applications/:id/reject", build: applicationRoute("/api/v1/funds/", "/applications/", "/reject", survey.AppSubmitted, reason, nil), allow: deciders},
		{method: "POST", route: "/api/v1/funds/:year/applications/:id/pay", build: applicationRoute("/api/v1/funds/", "/applications/", "/pay", survey.AppGranted, nil, nil), allow: deciders},
		{method: "POST", route: "/api/v1/funds/:year/applications/:id/return", build: applicationRoute("/api/v1/funds/", "/applications/", "/return", survey.AppPaid, map[string]any{"amount_sek": 100}, nil), allow: deciders},
		{method: "POST", route: "/api/v1/funds/:year/applications/:id/report", build: applicationRoute("/api/v1/funds/", "/applications/", "/report", survey.AppPaid, map[string]any{"text": "Klart", "spent_sek": 4900}, nil), allow: appliers},
		{method: "POST", route: "/api/v1/funds/:year/applications/:id/close", build: applicationRoute("/api/v1/funds/", "/applications/", "/close", survey.AppReported, nil, nil), allow: deciders},
		{method: "GET", route: "/api/v1/funds/:year/ledger", build: fundRoute("/api/v1/funds/", "/ledger", nil, nil), allow: everyone},
		{method: "POST", route: "/api/v1/funds/:year/ledger/:id/reverse", build: entryRoute("/api/v1/funds/", "/ledger/", "/reverse", reason, nil), allow: fundManagers},
		{method: "GET", route: "/api/v1/public/funds/:year", build: fundRoute("/api/v1/public/funds/", "", nil, nil), public: true},
		{method: "GET", route: "/api/v1/public/funds/:year.:format", build: fundRoute("/api/v1/public/funds/", ".csv", nil, nil), public: true},
		{method: "GET", route: "/bygdepeng", build: func(*routeFixture, string) routeRequest { return routeRequest{path: "/bygdepeng"} }, public: true},
		{method: "GET", route: "/bygdepeng/:year", build: fundRoute("/bygdepeng/", "", nil, nil), public: true},
		{method: "GET", route: "/bygdepeng/:year/diagram/:by.:format", build: fundRoute("/bygdepeng/", "/diagram/byar.svg", nil, nil), public: true},
		{method: "GET", route: "/fonder", page: true, build: func(*routeFixture, string) routeRequest { return routeRequest{path: "/fonder"} }, allow: everyone},
		{method: "POST", route: "/fonder", page: true, build: newFundForm, allow: fundManagers},
		{method: "GET", route: "/fonder/:year", page: true, build: fundRoute("/fonder/", "", nil, nil), allow: everyone},
		{method: "POST", route: "/fonder/:year/grundbidrag/:slug/godkann", page: true, build: basic("/fonder/", "/grundbidrag/", "/godkann", false, nil, url.Values{}), allow: fundManagers},
		{method: "POST", route: "/fonder/:year/grundbidrag/:slug/betala", page: true, build: basic("/fonder/", "/grundbidrag/", "/betala", true, nil, url.Values{}), allow: fundManagers},
		{method: "POST", route: "/fonder/:year/grundbidrag/:slug/undantag", page: true, build: fundRoute("/fonder/", "/grundbidrag/aby/undantag", nil, url.Values{"reason": {"Skäl"}}), allow: fundManagers},
		{method: "POST", route: "/fonder/:year/ansokningar", page: true, build: fundRoute("/fonder/", "/ansokningar", nil, url.Values{"village": {"aby"}, "focus_area": {"trygghet"}, "title": {"Belysning"}, "amount_sek": {"5 000"}}), allow: appliers},
		{method: "GET", route: "/fonder/:year/ansokningar/:id", page: true, build: applicationRoute("/fonder/", "/ansokningar/", "", survey.AppSubmitted, nil, nil), allow: everyone},
		{method: "POST", route: "/fonder/:year/ansokningar/:id/skicka-in", page: true, build: applicationRoute("/fonder/", "/ansokningar/", "/skicka-in", survey.AppDraft, nil, url.Values{}), allow: appliers},
		{method: "POST", route: "/fonder/:year/ansokningar/:id/bevilja", page: true, build: applicationRoute("/fonder/", "/ansokningar/", "/bevilja", survey.AppSubmitted, nil, url.Values{"amount_sek": {"4000"}}), allow: deciders},
		{method: "POST", route: "/fonder/:year/ansokningar/:id/avsla", page: true, build: applicationRoute("/fonder/", "/ansokningar/", "/avsla", survey.AppSubmitted, nil, url.Values{"reason": {"Nej"}}), allow: deciders},
		{method: "POST", route: "/fonder/:year/ansokningar/:id/betala", page: true, build: applicationRoute("/fonder/", "/ansokningar/", "/betala", survey.AppGranted, nil, url.Values{}), allow: deciders},
		{method: "POST", route: "/fonder/:year/ansokningar/:id/rapport", page: true, build: applicationRoute("/fonder/", "/ansokningar/", "/rapport", survey.AppPaid, nil, url.Values{"text": {"Klart"}, "spent_sek": {"4 900"}}), allow: appliers},
		{method: "POST", route: "/fonder/:year/ansokningar/:id/stang", page: true, build: applicationRoute("/fonder/", "/ansokningar/", "/stang", survey.AppReported, nil, url.Values{}), allow: deciders},
		{method: "GET", route: "/fonder/:year/huvudbok/:id/rattelse", page: true, build: entryRoute("/fonder/", "/huvudbok/", "/rattelse", nil, nil), allow: fundManagers},
		{method: "POST", route: "/fonder/:year/huvudbok/:id/rattelse", page: true, build: entryRoute("/fonder/", "/huvudbok/", "/rattelse", nil, url.Values{"reason": {"Fel"}}), allow: fundManagers},
	}
}
