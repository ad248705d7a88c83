package handlers

import (
	"context"
	"net/url"
	"strings"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// servicePlan stores a service plan with one item (focus area "trygghet"
// from village aby's plan), taken to the status.
func (f *routeFixture) servicePlan(status string) *survey.ServicePlan {
	f.ta.t.Helper()
	cx := context.Background()
	now := f.ta.now
	today := survey.DateOf(now).String()
	p := &survey.ServicePlan{Period: f.servicePeriod(), Status: survey.ServiceDraft, Created: now,
		Items: []survey.ServiceItem{{ID: "trygghet", FocusArea: "trygghet", Villages: []string{"aby"}, Share: 1, Kind: survey.AreaCommon,
			Actions: []string{}, Sources: []survey.ServiceSource{{Plan: "aby-3000", Priority: "p1", Village: "aby", Year: 3000, Rank: 1}}}}}
	store := storage.NewServicePlans(f.ta.db)
	if err := store.Create(cx, p); err != nil {
		f.ta.t.Fatal(err)
	}
	steps := []struct {
		reaches string
		do      func() error
	}{
		{survey.ServiceForumReview, func() error { return p.Review(now, "u") }},
		{survey.ServiceAdopted, func() error { return p.Adopt(survey.ServiceAdoptInput{}, now, "u") }},
		{survey.ServiceSent, func() error { return p.Send(survey.ServiceSendInput{Date: today, DiaryNumber: "KS 1"}, now, "u") }},
		{survey.ServiceInForce, func() error { return p.Decide(survey.ServiceDecideInput{Date: today, Paragraph: "§ 1"}, now, "u") }},
	}
	for _, s := range steps {
		if p.Status == status {
			break
		}
		if err := s.do(); err != nil {
			f.ta.t.Fatal(err)
		}
		if err := store.Save(cx, p); err != nil {
			f.ta.t.Fatal(err)
		}
	}
	return p
}

// servicePeriod is a period no plan of the table has yet: there is one
// plan a period, and the table makes a plan for almost every row and role.
// 2000–2000, 2000–2001, …, 2000–2003, 2001–2001, …: some 400 periods that
// ParsePeriod accepts (at most four years, up to 2100).
func (f *routeFixture) servicePeriod() string {
	n := f.spPeriods
	f.spPeriods++
	from := 2000 + n/4
	return survey.Period{From: from, To: from + n%4}.String()
}

// servicePlanPath builds a request to prefix + a new plan's id + suffix, the
// plan in the status.
func servicePlanPath(status, prefix, suffix string, body any, form url.Values) func(*routeFixture, string) routeRequest {
	return func(f *routeFixture, _ string) routeRequest {
		p := f.servicePlan(status)
		return routeRequest{path: prefix + p.ID + suffix, json: body, form: form}
	}
}

// spStatic is a request to a fixed path with a JSON body.
func spStatic(path string, body any) func(*routeFixture, string) routeRequest {
	return func(*routeFixture, string) routeRequest { return routeRequest{path: path, json: body} }
}

// servicePlanToday is the test clock's day, for sending and deciding.
func servicePlanToday(f *routeFixture) string { return survey.DateOf(f.ta.now).String() }

var (
	spManagers = []string{admin, official}        // ManageServicePlan
	spAdopters = []string{admin, official, forum} // AdoptServicePlan
)

// servicePlanRouteCases are the service plan's rows of the route × role
// table.
func servicePlanRouteCases() []routeCase {
	dated := func(status, prefix, suffix string, fields map[string]string, page bool) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, role string) routeRequest {
			p := f.servicePlan(status)
			r := routeRequest{path: prefix + p.ID + suffix}
			if page {
				r.form = url.Values{"confirm": {"yes"}, "date": {servicePlanToday(f)}}
				for k, v := range fields {
					r.form.Set(k, v)
				}
			} else {
				body := map[string]string{"date": servicePlanToday(f)}
				for k, v := range fields {
					body[k] = v
				}
				r.json = body
			}
			return r
		}
	}
	d, fr, ad, se, in := survey.ServiceDraft, survey.ServiceForumReview, survey.ServiceAdopted, survey.ServiceSent, survey.ServiceInForce
	api, pg := "/api/v1/service-plans/", "/serviceplan/"
	return []routeCase{
		{method: "GET", route: "/api/v1/service-plans", build: spStatic("/api/v1/service-plans", nil), allow: everyone},
		{method: "POST", route: "/api/v1/service-plans", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/service-plans", json: map[string]string{"period": f.servicePeriod()}}
		}, allow: spManagers},
		{method: "GET", route: "/api/v1/service-plans/:id", build: servicePlanPath(d, api, "", nil, nil), allow: everyone},
		{method: "PUT", route: "/api/v1/service-plans/:id/items/:item", build: servicePlanPath(d, api, "/items/trygghet", map[string]string{"goal": "Mål"}, nil), allow: spManagers},
		{method: "POST", route: "/api/v1/service-plans/:id/review", build: servicePlanPath(d, api, "/review", nil, nil), allow: spManagers},
		{method: "POST", route: "/api/v1/service-plans/:id/adopt", build: servicePlanPath(fr, api, "/adopt", map[string]string{}, nil), allow: spAdopters},
		{method: "POST", route: "/api/v1/service-plans/:id/send", build: dated(ad, api, "/send", map[string]string{"diary_number": "KS 2"}, false), allow: spManagers},
		{method: "POST", route: "/api/v1/service-plans/:id/decide", build: dated(se, api, "/decide", map[string]string{"paragraph": "§ 2"}, false), allow: spManagers},
		{method: "POST", route: "/api/v1/service-plans/:id/revise", build: servicePlanPath(in, api, "/revise", nil, nil), allow: spManagers},
		{method: "GET", route: "/api/v1/service-plans/:id/document", build: servicePlanPath(in, api, "/document", nil, nil), allow: everyone},
		{method: "GET", route: "/api/v1/service-plans/:id/diff", build: servicePlanPath(d, api, "/diff", nil, nil), allow: everyone},
		{method: "GET", route: "/serviceplan", page: true, build: spStatic("/serviceplan", nil), allow: everyone},
		{method: "POST", route: "/serviceplan/ny", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/serviceplan/ny", form: url.Values{"period": {strings.ReplaceAll(f.servicePeriod(), "–", "-")}}}
		}, allow: spManagers},
		{method: "GET", route: "/serviceplan/:id", page: true, build: servicePlanPath(d, pg, "", nil, nil), allow: everyone},
		{method: "POST", route: "/serviceplan/:id/punkter/:item", page: true, build: servicePlanPath(d, pg, "/punkter/trygghet", nil, url.Values{"goal": {"Mål"}}), allow: spManagers},
		{method: "POST", route: "/serviceplan/:id/granska", page: true, build: servicePlanPath(d, pg, "/granska", nil, url.Values{}), allow: spManagers},
		{method: "POST", route: "/serviceplan/:id/anta", page: true, build: servicePlanPath(fr, pg, "/anta", nil, url.Values{}), allow: spAdopters},
		{method: "GET", route: "/serviceplan/:id/skicka", page: true, build: servicePlanPath(ad, pg, "/skicka", nil, nil), allow: spManagers},
		{method: "POST", route: "/serviceplan/:id/skicka", page: true, build: dated(ad, pg, "/skicka", map[string]string{"diary_number": "KS 3"}, true), allow: spManagers},
		{method: "GET", route: "/serviceplan/:id/beslut", page: true, build: servicePlanPath(se, pg, "/beslut", nil, nil), allow: spManagers},
		{method: "POST", route: "/serviceplan/:id/beslut", page: true, build: dated(se, pg, "/beslut", map[string]string{"paragraph": "§ 3"}, true), allow: spManagers},
		{method: "POST", route: "/serviceplan/:id/revidera", page: true, build: func(f *routeFixture, _ string) routeRequest {
			p := f.servicePlan(in)
			return routeRequest{path: pg + p.ID + "/revidera", form: url.Values{"period": {f.servicePeriod()}}}
		}, allow: spManagers},
		{method: "GET", route: "/serviceplan/:id/dokument", page: true, build: servicePlanPath(in, pg, "/dokument", nil, nil), allow: everyone},
		{method: "GET", route: "/serviceplan/:id/andringar", page: true, build: servicePlanPath(d, pg, "/andringar", nil, nil), allow: everyone},
	}
}
