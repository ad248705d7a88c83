package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// The route × role table: every route of routes() with what each role gets.
// The test fails when a route is added without a row here, so nobody can add
// a route and forget to decide who may use it.

// Roles of the table. The representatives are bound to one village: the
// fixtures concern village "aby", so repOwn represents it and repOther
// represents "backby".
const (
	anonymous  = "anonymous"
	admin      = "admin"
	official   = "official"
	politician = "politician"
	repOwn     = "representative (own village)"
	repOther   = "representative (other village)"
	forum      = "forum"
)

var tableRoles = []string{anonymous, admin, official, politician, repOwn, repOther, forum}

// Expected outcomes: ok is any 2xx or 3xx (a page form answers 303).
const ok = 0

// routeFixture holds the accounts and helpers a request is built from.
type routeFixture struct {
	ta       *testApp
	accounts map[string]account
	n        int
	year     int // the next year a new plan of village aby may have
	fundYear int // the next year a new fund may have (bygdepeng)
	// spPeriods counts the service plan periods taken (servicePeriod).
	spPeriods int
}

// routeRequest is one request of the table.
type routeRequest struct {
	path    string
	json    any        // for the API
	form    url.Values // for the pages
	token   string     // overrides the role's token
	session *account   // overrides the role's session
	cookies []*http.Cookie
}

// routeCase is one route: how to build a request as role, and the outcome
// for each role (roles not named get forbidden; anonymous gets 401).
type routeCase struct {
	method, route string
	page          bool // signs in with the session cookie, not a bearer token
	build         func(f *routeFixture, role string) routeRequest
	public        bool     // every role, anonymous too, gets ok
	allow         []string // the roles that get ok
}

var (
	everyone  = []string{admin, official, politician, repOwn, repOther, forum}
	managers  = []string{admin, official, politician, repOwn} // ManageSurvey for village aby
	readers   = []string{admin, official, politician, repOwn, forum}
	proposers = []string{admin, official, politician} // ManageProposals
	answerers = []string{admin, repOwn}               // AnswerRemiss for village aby
)

func (f *routeFixture) uniq() int { f.n++; return f.n }

// survey stores a survey for village aby with two questions, in the status.
func (f *routeFixture) survey(status, access string) *survey.Survey {
	f.ta.t.Helper()
	cx := context.Background()
	d := survey.Definition{Title: "Enkät", Villages: []string{"aby"}, Access: access, Questions: []survey.Question{
		{Key: "q1", Type: survey.Single, Prompt: "Viktigast?", Options: []string{"Skola", "Väg"}},
		{Key: "q2", Type: survey.Likert, Prompt: "Bra buss?"},
	}}
	if err := d.Check(); err != nil {
		f.ta.t.Fatal(err)
	}
	sv := &survey.Survey{Status: survey.Draft, Created: f.ta.now}
	if err := sv.Apply(d); err != nil {
		f.ta.t.Fatal(err)
	}
	store := storage.NewSurveys(f.ta.db)
	if err := store.Create(cx, sv); err != nil {
		f.ta.t.Fatal(err)
	}
	if status != survey.Draft {
		_ = sv.Open(f.ta.now)
		if status == survey.Closed {
			_ = sv.Close(f.ta.now)
		}
		if err := store.Save(cx, sv); err != nil {
			f.ta.t.Fatal(err)
		}
	}
	return sv
}

// plan stores a plan of village aby with one priority and one action of
// the group, taken to the status; it returns the plan and the action.
func (f *routeFixture) plan(status string) (*survey.Plan, *survey.PlanAction) {
	f.ta.t.Helper()
	cx := context.Background()
	plans := storage.NewPlans(f.ta.db)
	if err := plans.EnsureFocusAreas(cx); err != nil {
		f.ta.t.Fatal(err)
	}
	p := &survey.Plan{Village: "aby", Year: 3000 + f.uniq(), Version: 1, Status: survey.PlanDraft,
		Priorities: []survey.Priority{{ID: "p1", FocusArea: "trygghet", Rank: 1, Horizon: survey.HorizonYear}}}
	if status != survey.PlanDraft {
		_ = p.Adopt(survey.AdoptInput{Method: survey.AnchorBoard, Participants: 5}, f.ta.now)
	}
	if status == survey.PlanSubmitted {
		_ = p.Submit(f.ta.now)
	}
	if err := plans.CreatePlan(cx, p); err != nil {
		f.ta.t.Fatal(err)
	}
	a := &survey.PlanAction{Plan: p.ID, Village: "aby", Priority: "p1", Title: "Belysning", Owner: survey.OwnerGroup,
		Responsible: "Gruppen", Due: survey.Month{Year: 2026, Month: time.May}, Status: survey.ActionPlanned}
	if err := plans.AddAction(cx, a); err != nil {
		f.ta.t.Fatal(err)
	}
	return p, a
}

// matter stores a matter of village aby taken to the status (through the
// store, as officials would), with department "d1".
func (f *routeFixture) matter(status string) *survey.Matter {
	f.ta.t.Helper()
	cx := context.Background()
	store := storage.NewMatters(f.ta.db)
	m, err := survey.NewMatter{Village: "aby", Title: "Gatlyktor"}.Matter(survey.MatterChecks{}, f.ta.now, "u")
	if err != nil {
		f.ta.t.Fatal(err)
	}
	if err := store.Create(cx, m); err != nil {
		f.ta.t.Fatal(err)
	}
	moves := map[string][]string{survey.MatterForwarded: {survey.MoveForward}, survey.MatterAnswered: {survey.MoveForward, survey.MoveAnswer}}
	for rev, mv := range moves[status] {
		st, err := m.Step(mv, survey.MatterMove{Department: f.department(), Text: "Svar"}, nil, f.ta.now, "u")
		if err != nil {
			f.ta.t.Fatal(err)
		}
		if err := store.Step(cx, m, rev+1, st); err != nil {
			f.ta.t.Fatal(err)
		}
	}
	return m
}

// department is the id of a department, made once.
func (f *routeFixture) department() string {
	f.ta.t.Helper()
	plans := storage.NewPlans(f.ta.db)
	deps, err := plans.Departments(context.Background())
	if err != nil {
		f.ta.t.Fatal(err)
	}
	if len(deps) > 0 {
		return deps[0].ID
	}
	d := survey.Department{Name: "Teknik", Email: "teknik@example.se", HeadEmail: "chef@example.se"}
	if err := plans.AddDepartment(context.Background(), &d); err != nil {
		f.ta.t.Fatal(err)
	}
	return d.ID
}

// nextYear is a year village aby has no plan for yet.
func (f *routeFixture) nextYear() string {
	f.year++
	return fmt.Sprint(2000 + f.year)
}

// passwordLink makes a one-time password link for the forum member.
func (f *routeFixture) passwordLink() string {
	f.ta.t.Helper()
	secret, err := storage.NewPasswordLinks(f.ta.db).Create(context.Background(), f.user(survey.RoleForum).ID, linkReset, f.ta.now, resetTTL)
	if err != nil {
		f.ta.t.Fatal(err)
	}
	return secret
}

func (f *routeFixture) user(role string) survey.User {
	return f.ta.account(role).user
}

// proposal registers a proposal through the API, as an official would.
func (f *routeFixture) proposal() string {
	f.ta.t.Helper()
	code, b := f.ta.do("POST", "/api/v1/proposals", f.accounts[admin].token, map[string]any{"title": "Brygga", "body": "Bygg en brygga."})
	if code != http.StatusCreated {
		f.ta.t.Fatalf("register proposal: got %d %s", code, b)
	}
	return decode[map[string]any](f.ta.t, b)["id"].(string)
}

// remiss sends a new proposal on remiss to village aby, open until
// 2026-03-31 (the test clock is 2026-03-10).
func (f *routeFixture) remiss() string {
	f.ta.t.Helper()
	id := f.proposal()
	code, b := f.ta.do("POST", "/api/v1/proposals/"+id+"/remiss", f.accounts[admin].token, map[string]any{"villages": []string{"aby"}, "deadline": "2026-03-31"})
	if code != http.StatusCreated {
		f.ta.t.Fatalf("send on remiss: got %d %s", code, b)
	}
	return decode[map[string]any](f.ta.t, b)["id"].(string)
}

func routeCases() []routeCase {
	static := func(path string) func(*routeFixture, string) routeRequest {
		return func(*routeFixture, string) routeRequest { return routeRequest{path: path} }
	}
	draft := func(suffix string) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/surveys/" + f.survey(survey.Draft, survey.AccessLink).ID + suffix}
		}
	}
	pageDraft := func(suffix string, form url.Values) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/enkater/" + f.survey(survey.Draft, survey.AccessLink).ID + suffix, form: form}
		}
	}
	proposal := func(suffix string) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/proposals/" + f.proposal() + suffix}
		}
	}
	remiss := func(suffix string) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/remisses/" + f.remiss() + suffix}
		}
	}
	pageProposal := func(suffix string, form url.Values) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/forslag/" + f.proposal() + suffix, form: form}
		}
	}
	pageRemiss := func(suffix string, form url.Values) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/remisser/" + f.remiss() + suffix, form: form}
		}
	}
	forumSurvey := func(suffix string) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/forum/surveys/" + f.survey(survey.Open, survey.AccessLink).ID + suffix}
		}
	}
	answer := map[string]any{"village": "aby", "stance": "support", "motivation": "Bra", "anchoring": map[string]any{"method": "board"}}
	definition := map[string]any{"title": "T", "villages": []string{"aby"}, "questions": []map[string]any{{"key": "q1", "type": "likert", "prompt": "P"}}}
	planPath := func(status, prefix, suffix string, body any, form url.Values) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, _ string) routeRequest {
			p, _ := f.plan(status)
			return routeRequest{path: prefix + p.ID + suffix, json: body, form: form}
		}
	}
	actionPath := func(prefix, suffix string, body any, form url.Values) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, _ string) routeRequest {
			_, a := f.plan(survey.PlanDraft)
			return routeRequest{path: prefix + a.ID + suffix, json: body, form: form}
		}
	}
	planManagers := []string{admin, official, repOwn} // ManagePlan for village aby
	planAckers := []string{admin, official}           // AcknowledgePlan, ManageCatalogues
	meeting := map[string]any{"kind": "meeting", "label": "Stormöte", "date": "2026-03-01", "participants": 12}
	newAction := map[string]any{"priority": "p1", "title": "Röja", "owner": "group", "responsible": "Anna", "due": "2026-06"}
	// Matters.
	matterPath := func(status, prefix, suffix string, body map[string]any, form url.Values) func(*routeFixture, string) routeRequest {
		return func(f *routeFixture, _ string) routeRequest {
			m := f.matter(status)
			if body != nil && body["department"] == "" {
				body = map[string]any{"department": f.department()}
			}
			if form != nil && form.Get("department") == "-" {
				form = url.Values{"department": {f.department()}}
			}
			r := routeRequest{path: prefix + m.ID + suffix, form: form}
			if body != nil { // a nil map in r.json would still be sent as JSON
				r.json = body
			}
			return r
		}
	}
	matterReaders := []string{admin, official, politician, repOwn, forum} // ReadMatters for village aby
	matterRaisers := []string{admin, official, repOwn}                    // RaiseMatter, ConfirmMatter for village aby
	matterHandlers := []string{admin, official}                           // HandleMatter
	return []routeCase{
		// meetings (fixture in meetings_api_test.go)
		{method: "GET", route: "/api/v1/meetings", build: static("/api/v1/meetings?upcoming=true"), allow: everyone},
		{method: "POST", route: "/api/v1/meetings", build: func(*routeFixture, string) routeRequest {
			return routeRequest{path: "/api/v1/meetings", json: map[string]any{"kind": "theme", "title": "Träff", "starts": "2026-04-15T18:00", "ends": "2026-04-15T20:00"}}
		}, allow: meetingManagers},
		{method: "GET", route: "/api/v1/meetings/:id", build: meetingPath(survey.MeetingPlanned, "", nil), allow: readers},
		{method: "POST", route: "/api/v1/meetings/:id/agenda", build: meetingPath(survey.MeetingPlanned, "/agenda", map[string]any{"title": "Punkt"}), allow: meetingManagers},
		{method: "POST", route: "/api/v1/meetings/:id/invite", build: meetingPath(survey.MeetingPlanned, "/invite", map[string]any{}), allow: meetingManagers},
		{method: "POST", route: "/api/v1/meetings/:id/held", build: meetingPath(survey.MeetingInvited, "/held", map[string]any{"present": []string{"aby"}}), allow: meetingManagers},
		{method: "PUT", route: "/api/v1/meetings/:id/items/:item/minutes", build: meetingPath(survey.MeetingHeld, "/items/{item}/minutes", map[string]any{"text": "Protokoll"}), allow: meetingManagers},
		{method: "POST", route: "/api/v1/meetings/:id/items/:item/decisions", build: meetingPath(survey.MeetingHeld, "/items/{item}/decisions", map[string]any{"text": "Beslut"}), allow: meetingManagers},
		{method: "POST", route: "/api/v1/meetings/:id/approve", build: meetingPath(survey.MeetingHeld, "/approve", map[string]any{}), allow: meetingManagers},
		{method: "GET", route: "/kalender.ics", build: static("/kalender.ics"), public: true},
		{method: "GET", route: "/byar/:slug/kalender.ics", build: static("/byar/aby/kalender.ics"), public: true},
		{method: "GET", route: "/moten", page: true, build: static("/moten"), allow: everyone},
		{method: "GET", route: "/moten/ny", page: true, build: static("/moten/ny"), allow: meetingManagers},
		{method: "POST", route: "/moten/ny", page: true, build: func(*routeFixture, string) routeRequest {
			return routeRequest{path: "/moten/ny", form: url.Values{"kind": {"theme"}, "title": {"Träff"}, "starts": {"2026-04-15T18:00"}, "ends": {"2026-04-15T20:00"}}}
		}, allow: meetingManagers},
		{method: "GET", route: "/moten/:id", page: true, build: meetingPage(survey.MeetingHeld, "", nil), allow: readers},
		{method: "POST", route: "/moten/:id/punkter", page: true, build: meetingPage(survey.MeetingPlanned, "/punkter", url.Values{"title": {"Punkt"}}), allow: meetingManagers},
		{method: "POST", route: "/moten/:id/kalla", page: true, build: meetingPage(survey.MeetingPlanned, "/kalla", url.Values{}), allow: meetingManagers},
		{method: "POST", route: "/moten/:id/hallet", page: true, build: meetingPage(survey.MeetingInvited, "/hallet", url.Values{"present": {"aby"}}), allow: meetingManagers},
		{method: "POST", route: "/moten/:id/punkter/:item/protokoll", page: true, build: meetingPage(survey.MeetingHeld, "/punkter/{item}/protokoll", url.Values{"text": {"P"}}), allow: meetingManagers},
		{method: "POST", route: "/moten/:id/punkter/:item/beslut", page: true, build: meetingPage(survey.MeetingHeld, "/punkter/{item}/beslut", url.Values{"text": {"B"}}), allow: meetingManagers},
		{method: "POST", route: "/moten/:id/justera", page: true, build: meetingPage(survey.MeetingHeld, "/justera", url.Values{}), allow: meetingManagers},

		{method: "GET", route: "/healthz", build: static("/healthz"), public: true},
		// Matters.
		{method: "POST", route: "/api/v1/matters", build: func(*routeFixture, string) routeRequest {
			return routeRequest{path: "/api/v1/matters", json: map[string]any{"village": "aby", "title": "Gatlyktor"}}
		}, allow: matterRaisers},
		{method: "GET", route: "/api/v1/matters", build: static("/api/v1/matters"), allow: everyone},
		{method: "GET", route: "/api/v1/matters/:id", build: matterPath(survey.MatterRegistered, "/api/v1/matters/", "", nil, nil), allow: matterReaders},
		{method: "POST", route: "/api/v1/matters/:id/forward", build: matterPath(survey.MatterRegistered, "/api/v1/matters/", "/forward", map[string]any{"department": ""}, nil), allow: matterHandlers},
		{method: "POST", route: "/api/v1/matters/:id/answer", build: matterPath(survey.MatterForwarded, "/api/v1/matters/", "/answer", map[string]any{"text": "Svar"}, nil), allow: matterHandlers},
		{method: "POST", route: "/api/v1/matters/:id/confirm", build: matterPath(survey.MatterAnswered, "/api/v1/matters/", "/confirm", map[string]any{}, nil), allow: matterRaisers},
		{method: "POST", route: "/api/v1/matters/:id/reopen", build: matterPath(survey.MatterAnswered, "/api/v1/matters/", "/reopen", map[string]any{"reason": "Inget hände"}, nil), allow: matterRaisers},
		{method: "GET", route: "/api/v1/departments/stats", build: static("/api/v1/departments/stats"), public: true},
		{method: "GET", route: "/forvaltningar", build: static("/forvaltningar"), public: true},
		{method: "GET", route: "/arenden", page: true, build: static("/arenden"), allow: everyone},
		{method: "GET", route: "/arenden/ny", page: true, build: static("/arenden/ny"), allow: append([]string{repOther}, matterRaisers...)}, // the form; a representative raises for their own villages
		{method: "POST", route: "/arenden/ny", page: true, build: func(*routeFixture, string) routeRequest {
			return routeRequest{path: "/arenden/ny", form: url.Values{"village": {"aby"}, "title": {"Gatlyktor"}}}
		}, allow: matterRaisers},
		{method: "GET", route: "/arenden/:id", page: true, build: matterPath(survey.MatterRegistered, "/arenden/", "", nil, nil), allow: matterReaders},
		{method: "POST", route: "/arenden/:id/vidare", page: true, build: matterPath(survey.MatterRegistered, "/arenden/", "/vidare", nil, url.Values{"department": {"-"}}), allow: matterHandlers},
		{method: "POST", route: "/arenden/:id/svar", page: true, build: matterPath(survey.MatterForwarded, "/arenden/", "/svar", nil, url.Values{"text": {"Svar"}}), allow: matterHandlers},
		{method: "POST", route: "/arenden/:id/bekrafta", page: true, build: matterPath(survey.MatterAnswered, "/arenden/", "/bekrafta", nil, url.Values{}), allow: matterRaisers},
		{method: "POST", route: "/arenden/:id/oppna-igen", page: true, build: matterPath(survey.MatterAnswered, "/arenden/", "/oppna-igen", nil, url.Values{"reason": {"Inget hände"}}), allow: matterRaisers},
		// End of matters.
		// Timeline and the yearly report: public (more for readers of the village).
		{method: "GET", route: "/api/v1/villages/:slug/timeline", build: static("/api/v1/villages/aby/timeline"), public: true},
		{method: "GET", route: "/byar/:slug/tidslinje", page: true, build: static("/byar/aby/tidslinje"), public: true},
		{method: "GET", route: "/api/v1/public/reports/:year", build: static("/api/v1/public/reports/2026"), public: true},
		{method: "GET", route: "/arsrapport/:year", build: static("/arsrapport/2026"), public: true},
		{method: "GET", route: "/arsrapport", build: static("/arsrapport"), public: true},
		{method: "GET", route: "/byar", build: static("/byar"), public: true},
		{method: "GET", route: "/byar/:slug", build: static("/byar/aby"), public: true},
		{method: "GET", route: "/api/v1/public/villages/:slug", build: static("/api/v1/public/villages/aby"), public: true},
		{method: "GET", route: "/api/v1/focus-areas", build: static("/api/v1/focus-areas"), allow: everyone},
		{method: "POST", route: "/api/v1/focus-areas", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/focus-areas", json: map[string]any{"name": fmt.Sprintf("Område %d", f.uniq())}}
		}, allow: planAckers},
		{method: "GET", route: "/api/v1/departments", build: static("/api/v1/departments"), allow: everyone},
		{method: "POST", route: "/api/v1/departments", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/departments", json: map[string]any{"name": "Samhällsbyggnad", "email": "sbf@kommun.se"}}
		}, allow: planAckers},
		{method: "GET", route: "/api/v1/villages/:slug/plans", build: static("/api/v1/villages/aby/plans"), allow: everyone},
		{method: "POST", route: "/api/v1/villages/:slug/plans", build: func(f *routeFixture, _ string) routeRequest {
			y, _ := strconv.Atoi(f.nextYear())
			return routeRequest{path: "/api/v1/villages/aby/plans", json: map[string]any{"year": y}}
		}, allow: planManagers},
		{method: "GET", route: "/api/v1/plans/:id", build: planPath(survey.PlanDraft, "/api/v1/plans/", "", nil, nil), allow: everyone},
		{method: "PUT", route: "/api/v1/plans/:id", build: planPath(survey.PlanDraft, "/api/v1/plans/", "", map[string]any{"version": 1, "summary": "S"}, nil), allow: planManagers},
		{method: "POST", route: "/api/v1/plans/:id/adopt", build: planPath(survey.PlanDraft, "/api/v1/plans/", "/adopt", map[string]any{"method": "board", "participants": 5}, nil), allow: planManagers},
		{method: "POST", route: "/api/v1/plans/:id/submit", build: planPath(survey.PlanAdopted, "/api/v1/plans/", "/submit", map[string]any{}, nil), allow: planManagers},
		{method: "POST", route: "/api/v1/plans/:id/acknowledge", build: planPath(survey.PlanSubmitted, "/api/v1/plans/", "/acknowledge", map[string]any{"comment": "Tack"}, nil), allow: planAckers},
		{method: "GET", route: "/api/v1/plans/:id/versions", build: planPath(survey.PlanDraft, "/api/v1/plans/", "/versions", nil, nil), allow: everyone},
		{method: "GET", route: "/api/v1/plans/:id/diff", build: planPath(survey.PlanDraft, "/api/v1/plans/", "/diff", nil, nil), allow: everyone},
		{method: "GET", route: "/api/v1/plans/:id/anchoring/suggestions", build: planPath(survey.PlanDraft, "/api/v1/plans/", "/anchoring/suggestions", nil, nil), allow: everyone},
		{method: "POST", route: "/api/v1/plans/:id/anchoring", build: planPath(survey.PlanDraft, "/api/v1/plans/", "/anchoring", meeting, nil), allow: planManagers},
		{method: "POST", route: "/api/v1/plans/:id/actions", build: planPath(survey.PlanDraft, "/api/v1/plans/", "/actions", newAction, nil), allow: planManagers},
		{method: "GET", route: "/api/v1/actions", build: static("/api/v1/actions?overdue=true"), allow: everyone},
		{method: "PATCH", route: "/api/v1/actions/:id", build: actionPath("/api/v1/actions/", "", map[string]any{"status": "in_progress"}, nil), allow: planManagers},
		{method: "GET", route: "/api/v1/actions/:id/history", build: actionPath("/api/v1/actions/", "/history", nil, nil), allow: everyone},
		{method: "GET", route: "/api/v1/forum/focus-areas", build: static("/api/v1/forum/focus-areas"), allow: everyone},
		{method: "GET", route: "/planer", page: true, build: static("/planer"), allow: everyone},
		{method: "POST", route: "/planer/ny", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/planer/ny", form: url.Values{"village": {"aby"}, "year": {f.nextYear()}}}
		}, allow: planManagers},
		{method: "GET", route: "/planer/:id", page: true, build: planPath(survey.PlanDraft, "/planer/", "", nil, nil), allow: everyone},
		{method: "POST", route: "/planer/:id", page: true, build: planPath(survey.PlanDraft, "/planer/", "", nil, url.Values{"version": {"1"}, "summary": {"S"}, "rows": {"0"}}), allow: planManagers},
		{method: "GET", route: "/planer/:id/versioner", page: true, build: planPath(survey.PlanDraft, "/planer/", "/versioner", nil, nil), allow: everyone},
		{method: "POST", route: "/planer/:id/anta", page: true, build: planPath(survey.PlanDraft, "/planer/", "/anta", nil, url.Values{"method": {"board"}, "participants": {"5"}}), allow: planManagers},
		{method: "POST", route: "/planer/:id/lamna-in", page: true, build: planPath(survey.PlanAdopted, "/planer/", "/lamna-in", nil, url.Values{}), allow: planManagers},
		{method: "POST", route: "/planer/:id/kvittera", page: true, build: planPath(survey.PlanSubmitted, "/planer/", "/kvittera", nil, url.Values{"comment": {"Tack"}}), allow: planAckers},
		{method: "POST", route: "/planer/:id/forankring", page: true, build: planPath(survey.PlanDraft, "/planer/", "/forankring", nil, url.Values{"kind": {"meeting"}, "label": {"Stormöte"}, "date": {"2026-03-01"}, "participants": {"12"}}), allow: planManagers},
		{method: "POST", route: "/planer/:id/atgarder", page: true, build: planPath(survey.PlanDraft, "/planer/", "/atgarder", nil, url.Values{"priority": {"p1"}, "title": {"Röja"}, "owner": {"group"}, "responsible": {"Anna"}, "due": {"2026-06"}}), allow: planManagers},
		{method: "POST", route: "/atgarder/:id", page: true, build: actionPath("/atgarder/", "", nil, url.Values{"status": {"in_progress"}}), allow: planManagers},
		{method: "GET", route: "/forum/planer", page: true, build: static("/forum/planer"), allow: everyone},
		{method: "GET", route: "/forum/planer/diagram.:format", page: true, build: static("/forum/planer/diagram.svg"), allow: everyone},
		{method: "GET", route: "/forum/planer.:format", page: true, build: static("/forum/planer.csv"), allow: everyone},
		{method: "GET", route: "/readyz", build: static("/readyz"), public: true},
		{method: "GET", route: "/static/*", build: static("/static/style.css"), public: true},
		{method: "GET", route: "/lang/:code", build: static("/lang/en"), public: true},
		{method: "GET", route: "/", build: static("/"), public: true},
		{method: "GET", route: "/api/openapi.json", build: static("/api/openapi.json"), public: true},
		{method: "GET", route: "/s/:survey/:village", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/s/" + f.survey(survey.Open, survey.AccessLink).ID + "/aby"}
		}, public: true},
		{method: "POST", route: "/s/:survey/:village", build: func(f *routeFixture, _ string) routeRequest {
			p := "/s/" + f.survey(survey.Open, survey.AccessLink).ID + "/aby"
			return routeRequest{path: p, form: f.ta.phoneValues(p, url.Values{"q_q1": {"Väg"}})}
		}, public: true},
		{method: "GET", route: "/s/:survey/:village/tack", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/s/" + f.survey(survey.Open, survey.AccessLink).ID + "/aby/tack"}
		}, public: true},

		{method: "POST", route: "/api/v1/tokens", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/tokens", json: map[string]string{"email": f.accounts[admin].user.Email, "password": "ett-långt-lösenord"}}
		}, public: true},
		{method: "GET", route: "/api/v1/tokens", build: static("/api/v1/tokens"), allow: everyone},
		{method: "DELETE", route: "/api/v1/tokens", build: func(f *routeFixture, role string) routeRequest {
			r := routeRequest{path: "/api/v1/tokens"}
			if role != anonymous {
				r.token, _ = storage.NewTokens(f.ta.db).Create(context.Background(), f.accounts[role].user.ID, f.ta.now, time.Hour)
			}
			return r
		}, allow: everyone},
		{method: "POST", route: "/api/v1/me/password", build: func(f *routeFixture, role string) routeRequest {
			r := routeRequest{path: "/api/v1/me/password", json: map[string]string{"current_password": "ett-långt-lösenord", "password": "ett-helt-annat-lösenord"}}
			if role != anonymous { // a fresh account, so the role's own keeps its password
				u := f.accounts[role].user
				r.token = f.ta.account(u.Role, u.Villages...).token
			}
			return r
		}, allow: everyone},
		{method: "DELETE", route: "/api/v1/tokens/:id", build: func(f *routeFixture, role string) routeRequest {
			owner := f.accounts[admin].user.ID
			if role != anonymous {
				owner = f.accounts[role].user.ID
			}
			store := storage.NewTokens(f.ta.db)
			before, _ := store.List(context.Background(), owner)
			_, _ = store.Create(context.Background(), owner, f.ta.now, time.Hour)
			after, _ := store.List(context.Background(), owner)
			return routeRequest{path: "/api/v1/tokens/" + newToken(before, after)}
		}, allow: everyone},
		{method: "GET", route: "/api/v1/villages", build: static("/api/v1/villages"), allow: everyone},
		{method: "POST", route: "/api/v1/villages", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/villages", json: map[string]any{"name": fmt.Sprintf("By %d", f.uniq())}}
		}, allow: []string{admin}},
		{method: "GET", route: "/api/v1/surveys", build: static("/api/v1/surveys"), allow: everyone},
		{method: "POST", route: "/api/v1/surveys", build: func(*routeFixture, string) routeRequest {
			return routeRequest{path: "/api/v1/surveys", json: definition}
		}, allow: managers},
		{method: "GET", route: "/api/v1/surveys/:id", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/surveys/" + f.survey(survey.Open, survey.AccessLink).ID}
		}, allow: append([]string{anonymous}, readers...)}, // anonymous: open surveys, without the count
		{method: "PUT", route: "/api/v1/surveys/:id", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/surveys/" + f.survey(survey.Draft, survey.AccessLink).ID, json: definition}
		}, allow: managers},
		{method: "POST", route: "/api/v1/surveys/:id/open", build: draft("/open"), allow: managers},
		{method: "POST", route: "/api/v1/surveys/:id/close", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/surveys/" + f.survey(survey.Open, survey.AccessLink).ID + "/close"}
		}, allow: managers},
		{method: "POST", route: "/api/v1/surveys/:id/responses", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/surveys/" + f.survey(survey.Open, survey.AccessLink).ID + "/responses",
				json: map[string]any{"village": "aby", "answers": map[string]any{"q2": 4}}}
		}, public: true},
		{method: "GET", route: "/api/v1/surveys/:id/responses.csv", build: draft("/responses.csv"), allow: readers},
		{method: "GET", route: "/api/v1/surveys/:id/responses.xlsx", build: draft("/responses.xlsx"), allow: readers},
		{method: "GET", route: "/api/v1/users", build: static("/api/v1/users"), allow: []string{admin}},
		{method: "POST", route: "/api/v1/users", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/users", json: map[string]any{"email": fmt.Sprintf("ny%d@example.se", f.uniq()),
				"name": "Ny", "password": "ett-långt-lösenord", "role": "forum"}}
		}, allow: []string{admin}},
		{method: "PATCH", route: "/api/v1/users/:id", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/users/" + f.user(survey.RoleForum).ID, json: map[string]any{"name": "Nytt namn"}}
		}, allow: []string{admin}},
		{method: "POST", route: "/api/v1/surveys/:id/codes", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/surveys/" + f.survey(survey.Open, survey.AccessCode).ID + "/codes", json: map[string]any{"village": "aby", "count": 2}}
		}, allow: managers},
		{method: "GET", route: "/api/v1/audit", build: static("/api/v1/audit"), allow: []string{admin}},

		// polish: short links and the editing API.
		{method: "GET", route: "/e/:code", build: func(f *routeFixture, _ string) routeRequest {
			sv := f.survey(survey.Open, survey.AccessCode)
			code, err := storage.NewShortLinks(f.ta.db).Ensure(context.Background(), sv.ID, "aby")
			if err != nil {
				f.ta.t.Fatal(err)
			}
			return routeRequest{path: "/e/" + code}
		}, public: true},
		{method: "GET", route: "/api/v1/surveys/:id/short-links", build: draft("/short-links"), allow: managers},
		{method: "PATCH", route: "/api/v1/surveys/:id", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/surveys/" + f.survey(survey.Draft, survey.AccessLink).ID, json: map[string]any{"title": "Ny titel"}}
		}, allow: managers},
		{method: "PUT", route: "/api/v1/surveys/:id/questions/:key", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/surveys/" + f.survey(survey.Draft, survey.AccessLink).ID + "/questions/q2", json: map[string]any{"type": "likert", "prompt": "Bättre buss?"}}
		}, allow: managers},
		{method: "PUT", route: "/api/v1/surveys/:id/schedule", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/surveys/" + f.survey(survey.Draft, survey.AccessLink).ID + "/schedule", json: map[string]any{"opens_at": "2026-04-01T08:00"}}
		}, allow: managers},
		{method: "POST", route: "/api/v1/surveys/:id/copy", build: draft("/copy"), allow: managers},
		{method: "PATCH", route: "/api/v1/villages/:slug", build: func(*routeFixture, string) routeRequest {
			return routeRequest{path: "/api/v1/villages/aby", json: map[string]any{"population": 120}}
		}, allow: []string{admin}},
		{method: "PATCH", route: "/api/v1/proposals/:id", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/proposals/" + f.proposal(), json: map[string]any{"title": "Bättre brygga"}}
		}, allow: proposers},
		{method: "PUT", route: "/api/v1/proposals/:id/decision", build: func(f *routeFixture, _ string) routeRequest {
			id := f.proposal()
			if code, b := f.ta.do("POST", "/api/v1/proposals/"+id+"/decision", f.accounts[admin].token, map[string]any{"outcome": "approved"}); code != http.StatusOK {
				f.ta.t.Fatalf("decide: got %d %s", code, b)
			}
			return routeRequest{path: "/api/v1/proposals/" + id + "/decision", json: map[string]any{"outcome": "rejected", "text": "Rättat"}}
		}, allow: proposers},

		{method: "GET", route: "/logga-in", page: true, build: static("/logga-in"), public: true},
		{method: "POST", route: "/logga-in", page: true, build: func(f *routeFixture, _ string) routeRequest {
			code, b, h := f.ta.page("GET", "/logga-in", account{}, nil)
			if code != 200 {
				f.ta.t.Fatalf("sign-in page: got %d", code)
			}
			form := hidden(b)
			form.Set("email", f.accounts[official].user.Email)
			form.Set("password", "ett-långt-lösenord")
			return routeRequest{path: "/logga-in", form: form, cookies: (&http.Response{Header: h}).Cookies()}
		}, public: true},
		{method: "POST", route: "/logga-ut", page: true, build: func(f *routeFixture, role string) routeRequest {
			r := routeRequest{path: "/logga-ut", form: url.Values{}}
			if role != anonymous {
				a := f.accounts[role]
				sid, sess, _ := storage.NewSessions(f.ta.db).Create(context.Background(), a.user.ID, f.ta.now, time.Hour)
				a.session, a.csrf = sid, sess.CSRF
				r.session = &a
			}
			return r
		}, allow: everyone},
		{method: "GET", route: "/konto", page: true, build: static("/konto"), allow: everyone},
		{method: "POST", route: "/konto/losenord", page: true, build: func(f *routeFixture, role string) routeRequest {
			r := routeRequest{path: "/konto/losenord", form: url.Values{"current_password": {"ett-långt-lösenord"}, "password": {"ett-helt-annat-lösenord"}}}
			if role != anonymous {
				u := f.accounts[role].user
				a := f.ta.account(u.Role, u.Villages...)
				r.session = &a
			}
			return r
		}, allow: everyone},
		{method: "GET", route: "/glomt-losenord", page: true, build: static("/glomt-losenord"), public: true},
		{method: "POST", route: "/glomt-losenord", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/glomt-losenord", form: url.Values{"email": {"ingen@example.se"}}}
		}, public: true},
		{method: "GET", route: "/losenord/:token", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/losenord/" + f.passwordLink()}
		}, public: true},
		{method: "POST", route: "/losenord/:token", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/losenord/" + f.passwordLink(), form: url.Values{"password": {"ett-långt-lösenord"}, "password2": {"ett-långt-lösenord"}}}
		}, public: true},
		{method: "GET", route: "/admin/byar", page: true, build: static("/admin/byar"), allow: []string{admin}},
		{method: "POST", route: "/admin/byar", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/admin/byar", form: url.Values{"name": {fmt.Sprintf("Sida %d", f.uniq())}}}
		}, allow: []string{admin}},
		{method: "GET", route: "/admin/byar/:slug", page: true, build: static("/admin/byar/aby"), allow: []string{admin}},
		{method: "POST", route: "/admin/byar/:slug", page: true, build: func(*routeFixture, string) routeRequest {
			return routeRequest{path: "/admin/byar/backby", form: url.Values{"name": {"Bäckby"}, "population": {"50"}}}
		}, allow: []string{admin}},
		{method: "GET", route: "/admin/anvandare", page: true, build: static("/admin/anvandare"), allow: []string{admin}},
		{method: "POST", route: "/admin/anvandare", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/admin/anvandare", form: url.Values{"email": {fmt.Sprintf("sida%d@example.se", f.uniq())},
				"name": {"Ny"}, "password": {"ett-långt-lösenord"}, "role": {"official"}}}
		}, allow: []string{admin}},
		{method: "GET", route: "/admin/anvandare/:id", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/admin/anvandare/" + f.user(survey.RoleForum).ID}
		}, allow: []string{admin}},
		{method: "POST", route: "/admin/anvandare/:id", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/admin/anvandare/" + f.user(survey.RoleForum).ID, form: url.Values{"role": {"politician"}, "active": {"on"}}}
		}, allow: []string{admin}},
		{method: "GET", route: "/admin/logg", page: true, build: static("/admin/logg"), allow: []string{admin}},
		{method: "GET", route: "/att-gora", page: true, build: static("/att-gora"), allow: everyone},
		{method: "GET", route: "/enkater", page: true, build: static("/enkater"), allow: everyone},
		{method: "GET", route: "/enkater/ny", page: true, build: static("/enkater/ny"), allow: []string{admin, official, politician, repOwn, repOther}},
		{method: "POST", route: "/enkater/ny", page: true, build: func(*routeFixture, string) routeRequest {
			return routeRequest{path: "/enkater/ny", form: url.Values{"title": {"Ny"}, "villages": {"aby"}, "access": {"link"}}}
		}, allow: managers},
		{method: "GET", route: "/enkater/:id", page: true, build: pageDraft("", nil), allow: readers},
		{method: "GET", route: "/enkater/:id/svar.csv", page: true, build: pageDraft("/svar.csv", nil), allow: readers},
		{method: "GET", route: "/enkater/:id/svar.xlsx", page: true, build: pageDraft("/svar.xlsx", nil), allow: readers},
		{method: "GET", route: "/enkater/:id/fritext", page: true, build: pageDraft("/fritext", nil), allow: readers}, // the fixture has one village
		{method: "POST", route: "/enkater/:id/detaljer", page: true, build: pageDraft("/detaljer", url.Values{"title": {"Ändrad"}, "villages": {"aby"}, "access": {"code"}}), allow: managers},
		{method: "POST", route: "/enkater/:id/fragor", page: true, build: pageDraft("/fragor", url.Values{"prompt": {"Ny fråga"}, "type": {"text"}}), allow: managers},
		{method: "GET", route: "/enkater/:id/fragor/:key", page: true, build: pageDraft("/fragor/q1", nil), allow: managers},
		{method: "POST", route: "/enkater/:id/fragor/:key", page: true, build: pageDraft("/fragor/q2", url.Values{"prompt": {"Ändrad"}, "type": {"likert"}}), allow: managers},
		{method: "POST", route: "/enkater/:id/fragor/:key/upp", page: true, build: pageDraft("/fragor/q2/upp", url.Values{}), allow: managers},
		{method: "POST", route: "/enkater/:id/fragor/:key/ner", page: true, build: pageDraft("/fragor/q1/ner", url.Values{}), allow: managers},
		{method: "GET", route: "/enkater/:id/fragor/:key/ta-bort", page: true, build: pageDraft("/fragor/q1/ta-bort", nil), allow: managers},
		{method: "POST", route: "/enkater/:id/fragor/:key/ta-bort", page: true, build: pageDraft("/fragor/q1/ta-bort", url.Values{}), allow: managers},
		{method: "POST", route: "/enkater/:id/oppna", page: true, build: pageDraft("/oppna", url.Values{}), allow: managers},
		{method: "GET", route: "/enkater/:id/stang", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/enkater/" + f.survey(survey.Open, survey.AccessLink).ID + "/stang"}
		}, allow: managers},
		{method: "POST", route: "/enkater/:id/stang", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/enkater/" + f.survey(survey.Open, survey.AccessLink).ID + "/stang", form: url.Values{}}
		}, allow: managers},
		{method: "POST", route: "/enkater/:id/schema", page: true, build: pageDraft("/schema", url.Values{"closes_at": {"2026-04-01T12:00"}}), allow: managers},
		{method: "POST", route: "/enkater/:id/ateroppna", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/enkater/" + f.survey(survey.Closed, survey.AccessLink).ID + "/ateroppna", form: url.Values{}}
		}, allow: managers},
		{method: "POST", route: "/enkater/:id/kopiera", page: true, build: pageDraft("/kopiera", url.Values{}), allow: managers},
		{method: "GET", route: "/enkater/:id/forhandsvisning/:village", page: true, build: pageDraft("/forhandsvisning/aby", nil), allow: managers},
		{method: "GET", route: "/enkater/:id/koder", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/enkater/" + f.survey(survey.Draft, survey.AccessCode).ID + "/koder"}
		}, allow: managers},
		{method: "POST", route: "/enkater/:id/koder", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/enkater/" + f.survey(survey.Draft, survey.AccessCode).ID + "/koder", form: url.Values{"village": {"aby"}, "count": {"3"}}}
		}, allow: managers},
		{method: "GET", route: "/enkater/:id/papper/:village", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/enkater/" + f.survey(survey.Open, survey.AccessLink).ID + "/papper/aby"}
		}, allow: []string{admin, official, repOwn}},
		{method: "POST", route: "/enkater/:id/papper/:village", page: true, build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/enkater/" + f.survey(survey.Open, survey.AccessLink).ID + "/papper/aby", form: url.Values{"q_q2": {"3"}, "nonce": {fmt.Sprint(f.uniq())}}}
		}, allow: []string{admin, official, repOwn}},

		// remiss: proposals and rounds, for village aby.
		{method: "GET", route: "/api/v1/proposals", build: static("/api/v1/proposals"), allow: everyone},
		{method: "POST", route: "/api/v1/proposals", build: func(*routeFixture, string) routeRequest {
			return routeRequest{path: "/api/v1/proposals", json: map[string]any{"title": "Ny", "body": "Text"}}
		}, allow: proposers},
		{method: "GET", route: "/api/v1/proposals/:id", build: proposal(""), allow: everyone}, // not yet on remiss to any village
		{method: "DELETE", route: "/api/v1/proposals/:id/submitted_by", build: proposal("/submitted_by"), allow: proposers},
		{method: "POST", route: "/api/v1/proposals/:id/remiss", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/proposals/" + f.proposal() + "/remiss", json: map[string]any{"villages": []string{"aby"}, "deadline": "2026-03-31"}}
		}, allow: proposers},
		{method: "POST", route: "/api/v1/proposals/:id/decision", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/proposals/" + f.proposal() + "/decision", json: map[string]any{"outcome": "approved"}}
		}, allow: proposers},
		{method: "GET", route: "/api/v1/remisses", build: static("/api/v1/remisses"), allow: everyone}, // a representative sees their villages' rounds
		{method: "GET", route: "/api/v1/remisses/:id", build: remiss(""), allow: readers},
		{method: "PATCH", route: "/api/v1/remisses/:id", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/remisses/" + f.remiss(), json: map[string]any{"deadline": "2026-04-15"}}
		}, allow: proposers},
		{method: "POST", route: "/api/v1/remisses/:id/close", build: remiss("/close"), allow: proposers},
		{method: "GET", route: "/api/v1/remisses/:id/answers", build: remiss("/answers"), allow: readers},
		{method: "POST", route: "/api/v1/remisses/:id/answers", build: func(f *routeFixture, _ string) routeRequest {
			return routeRequest{path: "/api/v1/remisses/" + f.remiss() + "/answers", json: answer}
		}, allow: answerers},
		{method: "GET", route: "/api/v1/remisses/:id/summary", build: remiss("/summary"), allow: readers},
		{method: "GET", route: "/api/v1/remisses/:id/summary.csv", build: remiss("/summary.csv"), allow: readers},
		{method: "GET", route: "/api/v1/remisses/:id/summary.xlsx", build: remiss("/summary.xlsx"), allow: readers},
		{method: "GET", route: "/api/v1/remisses/:id/chart.:format", build: remiss("/chart.svg"), allow: readers},
		{method: "POST", route: "/api/v1/remisses/:id/reminders", build: remiss("/reminders"), allow: proposers},
		{method: "GET", route: "/api/v1/outbox", build: static("/api/v1/outbox"), allow: proposers},
		{method: "GET", route: "/forslag", page: true, build: static("/forslag"), allow: everyone},
		{method: "GET", route: "/forslag/ny", page: true, build: static("/forslag/ny"), allow: proposers},
		{method: "POST", route: "/forslag/ny", page: true, build: func(*routeFixture, string) routeRequest {
			return routeRequest{path: "/forslag/ny", form: url.Values{"title": {"Ny"}, "body": {"Text"}}}
		}, allow: proposers},
		{method: "GET", route: "/forslag/:id", page: true, build: pageProposal("", nil), allow: everyone},
		{method: "GET", route: "/forslag/:id/andra", page: true, build: pageProposal("/andra", nil), allow: proposers},
		{method: "POST", route: "/forslag/:id/andra", page: true, build: pageProposal("/andra", url.Values{"title": {"Ny rubrik"}, "body": {"Ny text."}}), allow: proposers},
		{method: "POST", route: "/forslag/:id/beslut/andra", page: true, build: func(f *routeFixture, _ string) routeRequest {
			id := f.proposal()
			if code, b := f.ta.do("POST", "/api/v1/proposals/"+id+"/decision", f.accounts[admin].token, map[string]any{"outcome": "answered", "text": "Svar"}); code != http.StatusOK {
				f.ta.t.Fatalf("decide: got %d %s", code, b)
			}
			return routeRequest{path: "/forslag/" + id + "/beslut/andra", form: url.Values{"outcome": {"rejected"}, "text": {"Rättat"}}}
		}, allow: proposers},
		{method: "POST", route: "/forslag/:id/remiss", page: true, build: pageProposal("/remiss", url.Values{"villages": {"aby"}, "deadline": {"2026-03-31"}}), allow: proposers},
		{method: "POST", route: "/forslag/:id/beslut", page: true, build: pageProposal("/beslut", url.Values{"outcome": {"approved"}}), allow: proposers},
		{method: "GET", route: "/forslag/:id/radera-namn", page: true, build: pageProposal("/radera-namn", nil), allow: proposers},
		{method: "POST", route: "/forslag/:id/radera-namn", page: true, build: pageProposal("/radera-namn", url.Values{}), allow: proposers},
		{method: "GET", route: "/remisser", page: true, build: static("/remisser"), allow: everyone},
		{method: "GET", route: "/remisser/:id", page: true, build: pageRemiss("", nil), allow: readers},
		{method: "POST", route: "/remisser/:id/paminn", page: true, build: pageRemiss("/paminn", url.Values{}), allow: proposers},
		{method: "POST", route: "/remisser/:id/svarstid", page: true, build: pageRemiss("/svarstid", url.Values{"deadline": {"2026-04-15"}}), allow: proposers},
		{method: "GET", route: "/remisser/:id/stang", page: true, build: pageRemiss("/stang", nil), allow: proposers},
		{method: "POST", route: "/remisser/:id/stang", page: true, build: pageRemiss("/stang", url.Values{}), allow: proposers},
		{method: "GET", route: "/remisser/:id/sammanstallning", page: true, build: pageRemiss("/sammanstallning", nil), allow: readers},
		{method: "GET", route: "/remisser/:id/sammanstallning.csv", page: true, build: pageRemiss("/sammanstallning.csv", nil), allow: readers},
		{method: "GET", route: "/remisser/:id/sammanstallning.xlsx", page: true, build: pageRemiss("/sammanstallning.xlsx", nil), allow: readers},
		{method: "GET", route: "/remisser/:id/diagram.:format", page: true, build: pageRemiss("/diagram.png", nil), allow: readers},
		{method: "GET", route: "/remisser/:id/svara/:village", page: true, build: pageRemiss("/svara/aby", nil), allow: answerers},
		{method: "POST", route: "/remisser/:id/svara/:village", page: true, build: pageRemiss("/svara/aby", url.Values{"stance": {"support"}, "motivation": {"Bra"}, "method": {"board"}}), allow: answerers},

		// forum: the comparison, its exports and charts, and the forum's pages.
		{method: "GET", route: "/api/v1/surveys/:id/comparison", build: draft("/comparison"), allow: readers},
		{method: "GET", route: "/api/v1/surveys/:id/comparison.json", build: draft("/comparison.json"), allow: readers},
		{method: "GET", route: "/api/v1/surveys/:id/comparison.csv", build: draft("/comparison.csv"), allow: readers},
		{method: "GET", route: "/api/v1/surveys/:id/comparison.xlsx", build: draft("/comparison.xlsx"), allow: readers},
		{method: "GET", route: "/api/v1/surveys/:id/charts/:file", build: draft("/charts/q2.svg"), allow: readers},
		{method: "GET", route: "/forum", page: true, build: static("/forum"), allow: everyone},
		{method: "GET", route: "/forum/surveys/:id", page: true, build: forumSurvey(""), allow: readers},
		{method: "GET", route: "/forum/surveys/:id/charts/:file", page: true, build: forumSurvey("/charts/q1.png"), allow: readers},
		{method: "GET", route: "/forum/surveys/:id/comparison.csv", page: true, build: forumSurvey("/comparison.csv"), allow: readers},
		{method: "GET", route: "/forum/surveys/:id/comparison.xlsx", page: true, build: forumSurvey("/comparison.xlsx"), allow: readers},
		{method: "GET", route: "/forum/surveys/:id/comparison.json", page: true, build: forumSurvey("/comparison.json"), allow: readers},
	}
}

func TestEveryRouteAnswersEveryRoleAsThePolicySays(t *testing.T) {
	ta := newTestApp(t)
	f := &routeFixture{ta: ta, accounts: map[string]account{}}
	for _, name := range []string{"Åby", "Bäckby"} {
		if err := storage.NewVillages(ta.db).Create(context.Background(), survey.Village{Slug: survey.Slugify(name), Name: name, Created: ta.now}); err != nil {
			t.Fatal(err)
		}
	}
	f.accounts[admin] = ta.account(survey.RoleAdmin)
	f.accounts[official] = ta.account(survey.RoleOfficial)
	f.accounts[politician] = ta.account(survey.RolePolitician)
	f.accounts[repOwn] = ta.account(survey.RoleRepresentative, "aby")
	f.accounts[repOther] = ta.account(survey.RoleRepresentative, "backby")
	f.accounts[forum] = ta.account(survey.RoleForum)

	cases := append(routeCases(), fundRouteCases()...)
	cases = append(cases, servicePlanRouteCases()...)
	t.Run("every route of the app has a row in the table, and every row a route", func(t *testing.T) {
		listed := map[string]bool{}
		for _, rc := range cases {
			listed[rc.method+" "+rc.route] = true
		}
		served := map[string]bool{}
		for _, r := range ta.app.GetRoutes(true) {
			switch r.Method {
			case "GET", "POST", "PUT", "PATCH", "DELETE":
				served[r.Method+" "+r.Path] = true
			}
		}
		var missing, stale []string
		for k := range served {
			if !listed[k] {
				missing = append(missing, k)
			}
		}
		for k := range listed {
			if !served[k] {
				stale = append(stale, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(stale)
		if len(missing) > 0 {
			t.Errorf("got routes without a row in routeCases: %v; want a row for each (who may call it?)", missing)
		}
		if len(stale) > 0 {
			t.Errorf("got rows for routes the app does not serve: %v; want none", stale)
		}
	})

	for _, rc := range cases {
		for _, role := range tableRoles {
			want := http.StatusForbidden
			if role == anonymous {
				want = http.StatusUnauthorized
			}
			for _, a := range rc.allow {
				if a == role || rc.public {
					want = ok
				}
			}
			if rc.public {
				want = ok
			}
			wantText := map[int]string{ok: "2xx/3xx", 401: "401", 403: "403"}[want]
			t.Run(fmt.Sprintf("%s %s as %s answers %s", rc.method, rc.route, role, wantText), func(t *testing.T) {
				req := rc.build(f, role)
				code, body := f.send(rc, role, req)
				good := code == want
				if want == ok {
					good = code >= 200 && code < 400
				}
				if !good {
					if len(body) > 300 {
						body = body[:300]
					}
					t.Errorf("%s %s: got %d %s; want %s", rc.method, req.path, code, body, wantText)
				}
			})
		}
	}
}

// send makes the request as role: a bearer token for the API, the session
// cookie (and its CSRF token) for pages.
func (f *routeFixture) send(rc routeCase, role string, r routeRequest) (int, string) {
	f.ta.t.Helper()
	var body io.Reader
	var ct string
	switch {
	case r.json != nil:
		b, _ := json.Marshal(r.json)
		body, ct = bytes.NewReader(b), "application/json"
	case r.form != nil:
		form := url.Values{}
		for k, v := range r.form {
			form[k] = v
		}
		a := f.accounts[role]
		if r.session != nil {
			a = *r.session
		}
		if role != anonymous && form.Get("_csrf") == "" {
			form.Set("_csrf", a.csrf)
		}
		body, ct = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	req := httptest.NewRequest(rc.method, r.path, body)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if role != anonymous {
		a := f.accounts[role]
		if r.session != nil {
			a = *r.session
		}
		if rc.page {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: a.session})
		} else {
			token := a.token
			if r.token != "" {
				token = r.token
			}
			req.Header.Set("Authorization", "Bearer "+token)
		}
	}
	for _, c := range r.cookies {
		req.AddCookie(c)
	}
	resp, err := f.ta.app.Test(req, -1)
	if err != nil {
		f.ta.t.Fatalf("%s %s: %v", rc.method, r.path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// newToken is the id in after that is not in before.
func newToken(before, after []storage.TokenInfo) string {
	old := map[string]bool{}
	for _, t := range before {
		old[t.ID] = true
	}
	for _, t := range after {
		if !old[t.ID] {
			return t.ID
		}
	}
	return ""
}

// routeActions is what every route requires: the survey.Action its check
// allows, or publicRoute. A route the app serves without a row here, a row
// without a route, or a route registered with another action fails
// TestEveryRouteNamesItsAction.
var routeActions = []struct {
	method, path string
	action       survey.Action
}{
	// Timeline and the yearly report.
	{"GET", "/api/v1/villages/:slug/timeline", publicRoute},
	{"GET", "/byar/:slug/tidslinje", publicRoute},
	{"GET", "/api/v1/public/reports/:year", publicRoute},
	{"GET", "/arsrapport/:year", publicRoute},
	{"GET", "/arsrapport", publicRoute},
	{"GET", "/healthz", publicRoute},
	{"GET", "/readyz", publicRoute},
	{"GET", "/api/openapi.json", publicRoute},
	{"GET", "/static/*", publicRoute},
	{"GET", "/lang/:code", publicRoute},
	{"GET", "/", publicRoute},
	{"GET", "/s/:survey/:village", publicRoute},
	{"POST", "/s/:survey/:village", publicRoute},
	{"GET", "/s/:survey/:village/tack", publicRoute},
	// polish: short links and the editing API.
	{"GET", "/e/:code", publicRoute},
	{"GET", "/api/v1/surveys/:id/short-links", survey.ManageSurvey},
	{"PATCH", "/api/v1/surveys/:id", survey.ManageSurvey},
	{"PUT", "/api/v1/surveys/:id/questions/:key", survey.ManageSurvey},
	{"PUT", "/api/v1/surveys/:id/schedule", survey.ManageSurvey},
	{"POST", "/api/v1/surveys/:id/copy", survey.ManageSurvey},
	{"PATCH", "/api/v1/villages/:slug", survey.ManageVillages},
	{"PATCH", "/api/v1/proposals/:id", survey.ManageProposals},
	{"PUT", "/api/v1/proposals/:id/decision", survey.ManageProposals},
	{"POST", "/api/v1/tokens", publicRoute},
	{"GET", "/api/v1/tokens", survey.ManageOwnAccount},
	{"DELETE", "/api/v1/tokens", survey.ManageOwnAccount},
	{"DELETE", "/api/v1/tokens/:id", survey.ManageOwnAccount},
	{"GET", "/api/v1/villages", survey.ReadVillages},
	{"POST", "/api/v1/villages", survey.ManageVillages},
	{"GET", "/api/v1/surveys", survey.ReadSurveyResults},
	{"POST", "/api/v1/surveys", survey.ManageSurvey},
	{"GET", "/api/v1/surveys/:id", publicRoute},
	{"PUT", "/api/v1/surveys/:id", survey.ManageSurvey},
	{"POST", "/api/v1/surveys/:id/open", survey.ManageSurvey},
	{"POST", "/api/v1/surveys/:id/close", survey.ManageSurvey},
	{"POST", "/api/v1/surveys/:id/responses", publicRoute},
	{"GET", "/api/v1/surveys/:id/responses.csv", survey.ReadSurveyResults},
	{"GET", "/api/v1/users", survey.ManageUsers},
	{"POST", "/api/v1/users", survey.ManageUsers},
	{"PATCH", "/api/v1/users/:id", survey.ManageUsers},
	{"POST", "/api/v1/surveys/:id/codes", survey.ManageSurvey},
	{"GET", "/api/v1/audit", survey.ReadAudit},
	{"GET", "/logga-in", publicRoute},
	{"POST", "/logga-in", publicRoute},
	{"POST", "/logga-ut", survey.ManageOwnAccount},
	{"GET", "/admin/byar", survey.ManageVillages},
	{"POST", "/admin/byar", survey.ManageVillages},
	{"GET", "/admin/anvandare", survey.ManageUsers},
	{"POST", "/admin/anvandare", survey.ManageUsers},
	{"POST", "/admin/anvandare/:id", survey.ManageUsers},
	{"GET", "/admin/logg", survey.ReadAudit},
	{"GET", "/enkater", survey.ReadSurveyResults},
	{"GET", "/enkater/ny", survey.ManageSurvey},
	{"POST", "/enkater/ny", survey.ManageSurvey},
	{"GET", "/enkater/:id", survey.ReadSurveyResults},
	{"POST", "/enkater/:id/detaljer", survey.ManageSurvey},
	{"POST", "/enkater/:id/fragor", survey.ManageSurvey},
	{"POST", "/enkater/:id/fragor/:key/upp", survey.ManageSurvey},
	{"POST", "/enkater/:id/fragor/:key/ner", survey.ManageSurvey},
	{"POST", "/enkater/:id/fragor/:key/ta-bort", survey.ManageSurvey},
	{"POST", "/enkater/:id/oppna", survey.ManageSurvey},
	{"POST", "/enkater/:id/stang", survey.ManageSurvey},
	{"GET", "/enkater/:id/koder", survey.ManageSurvey},
	{"POST", "/enkater/:id/koder", survey.ManageSurvey},
	{"GET", "/enkater/:id/papper/:village", survey.EnterPaperResponse},
	{"POST", "/enkater/:id/papper/:village", survey.EnterPaperResponse},
	{"GET", "/api/v1/proposals", survey.ReadRemiss},
	{"POST", "/api/v1/proposals", survey.ManageProposals},
	{"GET", "/api/v1/proposals/:id", survey.ReadRemiss},
	{"DELETE", "/api/v1/proposals/:id/submitted_by", survey.ManageProposals},
	{"POST", "/api/v1/proposals/:id/remiss", survey.ManageProposals},
	{"POST", "/api/v1/proposals/:id/decision", survey.ManageProposals},
	{"GET", "/api/v1/remisses", survey.ReadRemiss},
	{"GET", "/api/v1/remisses/:id", survey.ReadRemiss},
	{"PATCH", "/api/v1/remisses/:id", survey.ManageProposals},
	{"POST", "/api/v1/remisses/:id/close", survey.ManageProposals},
	{"GET", "/api/v1/remisses/:id/answers", survey.ReadRemiss},
	{"POST", "/api/v1/remisses/:id/answers", survey.AnswerRemiss},
	{"GET", "/api/v1/remisses/:id/summary", survey.ReadRemiss},
	{"GET", "/api/v1/remisses/:id/summary.csv", survey.ReadRemiss},
	{"GET", "/api/v1/remisses/:id/chart.:format", survey.ReadRemiss},
	{"POST", "/api/v1/remisses/:id/reminders", survey.ManageProposals},
	{"GET", "/api/v1/outbox", survey.ManageProposals},
	{"GET", "/forslag", survey.ReadRemiss},
	{"GET", "/forslag/ny", survey.ManageProposals},
	{"POST", "/forslag/ny", survey.ManageProposals},
	{"GET", "/forslag/:id", survey.ReadRemiss},
	{"POST", "/forslag/:id/remiss", survey.ManageProposals},
	{"POST", "/forslag/:id/beslut", survey.ManageProposals},
	{"POST", "/forslag/:id/radera-namn", survey.ManageProposals},
	{"GET", "/remisser", survey.ReadRemiss},
	{"GET", "/remisser/:id", survey.ReadRemiss},
	{"POST", "/remisser/:id/paminn", survey.ManageProposals},
	{"POST", "/remisser/:id/svarstid", survey.ManageProposals},
	{"POST", "/remisser/:id/stang", survey.ManageProposals},
	{"GET", "/remisser/:id/sammanstallning", survey.ReadRemiss},
	{"GET", "/remisser/:id/sammanstallning.csv", survey.ReadRemiss},
	{"GET", "/remisser/:id/diagram.:format", survey.ReadRemiss},
	{"GET", "/remisser/:id/svara/:village", survey.AnswerRemiss},
	{"POST", "/remisser/:id/svara/:village", survey.AnswerRemiss},
	{"GET", "/api/v1/surveys/:id/comparison", survey.ReadSurveyResults},
	{"GET", "/api/v1/surveys/:id/comparison.json", survey.ReadSurveyResults},
	{"GET", "/api/v1/surveys/:id/comparison.csv", survey.ReadSurveyResults},
	{"GET", "/api/v1/surveys/:id/comparison.xlsx", survey.ReadSurveyResults},
	{"GET", "/api/v1/surveys/:id/charts/:file", survey.ReadSurveyResults},
	{"GET", "/forum", survey.ReadComparison},
	{"GET", "/forum/surveys/:id", survey.ReadComparison},
	{"GET", "/forum/surveys/:id/charts/:file", survey.ReadComparison},
	{"GET", "/forum/surveys/:id/comparison.csv", survey.ReadComparison},
	{"GET", "/forum/surveys/:id/comparison.xlsx", survey.ReadComparison},
	{"GET", "/forum/surveys/:id/comparison.json", survey.ReadComparison},
	{"GET", "/admin/anvandare/:id", survey.ManageUsers},
	{"GET", "/admin/byar/:slug", survey.ManageVillages},
	{"GET", "/api/v1/actions", survey.ReadPlans},
	{"GET", "/api/v1/actions/:id/history", survey.ReadPlans},
	{"GET", "/api/v1/departments", survey.ReadPlans},
	{"GET", "/api/v1/focus-areas", survey.ReadPlans},
	{"GET", "/api/v1/forum/focus-areas", survey.ReadPlans},
	{"GET", "/api/v1/plans/:id", survey.ReadPlans},
	{"GET", "/api/v1/plans/:id/anchoring/suggestions", survey.ReadPlans},
	{"GET", "/api/v1/plans/:id/diff", survey.ReadPlans},
	{"GET", "/api/v1/plans/:id/versions", survey.ReadPlans},
	{"GET", "/api/v1/public/villages/:slug", publicRoute},
	{"GET", "/api/v1/villages/:slug/plans", survey.ReadPlans},
	{"GET", "/byar", publicRoute},
	{"GET", "/byar/:slug", publicRoute},
	{"GET", "/enkater/:id/forhandsvisning/:village", survey.ManageSurvey},
	{"GET", "/enkater/:id/fragor/:key", survey.ManageSurvey},
	{"GET", "/enkater/:id/fragor/:key/ta-bort", survey.ManageSurvey},
	{"GET", "/enkater/:id/stang", survey.ManageSurvey},
	{"GET", "/forslag/:id/andra", survey.ManageProposals},
	{"GET", "/forslag/:id/radera-namn", survey.ManageProposals},
	{"GET", "/forum/planer", survey.ReadPlans},
	{"GET", "/forum/planer.:format", survey.ReadPlans},
	{"GET", "/forum/planer/diagram.:format", survey.ReadPlans},
	{"GET", "/glomt-losenord", publicRoute},
	{"GET", "/konto", survey.ManageOwnAccount},
	{"GET", "/losenord/:token", publicRoute},
	{"GET", "/planer", survey.ReadPlans},
	{"GET", "/planer/:id", survey.ReadPlans},
	{"GET", "/planer/:id/versioner", survey.ReadPlans},
	{"GET", "/remisser/:id/stang", survey.ManageProposals},
	{"PATCH", "/api/v1/actions/:id", survey.ReadPlans},
	{"POST", "/admin/byar/:slug", survey.ManageVillages},
	{"POST", "/api/v1/departments", survey.ManageCatalogues},
	{"POST", "/api/v1/focus-areas", survey.ManageCatalogues},
	{"POST", "/api/v1/me/password", survey.ManageOwnAccount},
	{"POST", "/api/v1/plans/:id/acknowledge", survey.AcknowledgePlan},
	{"POST", "/api/v1/plans/:id/actions", survey.ManagePlan},
	{"POST", "/api/v1/plans/:id/adopt", survey.ManagePlan},
	{"POST", "/api/v1/plans/:id/anchoring", survey.ManagePlan},
	{"POST", "/api/v1/plans/:id/submit", survey.ManagePlan},
	{"POST", "/api/v1/villages/:slug/plans", survey.ManagePlan},
	{"POST", "/atgarder/:id", survey.ReadPlans},
	{"POST", "/enkater/:id/ateroppna", survey.ManageSurvey},
	{"POST", "/enkater/:id/fragor/:key", survey.ManageSurvey},
	{"POST", "/enkater/:id/kopiera", survey.ManageSurvey},
	{"POST", "/enkater/:id/schema", survey.ManageSurvey},
	{"POST", "/forslag/:id/andra", survey.ManageProposals},
	{"POST", "/forslag/:id/beslut/andra", survey.ManageProposals},
	{"POST", "/glomt-losenord", publicRoute},
	{"POST", "/konto/losenord", survey.ManageOwnAccount},
	{"POST", "/losenord/:token", publicRoute},
	{"POST", "/planer/:id", survey.ManagePlan},
	{"POST", "/planer/:id/anta", survey.ManagePlan},
	{"POST", "/planer/:id/atgarder", survey.ManagePlan},
	{"POST", "/planer/:id/forankring", survey.ManagePlan},
	{"POST", "/planer/:id/kvittera", survey.AcknowledgePlan},
	{"POST", "/planer/:id/lamna-in", survey.ManagePlan},
	{"POST", "/planer/ny", survey.ManagePlan},
	{"PUT", "/api/v1/plans/:id", survey.ManagePlan},
	{"GET", "/att-gora", survey.ManageOwnAccount},
	{"GET", "/api/v1/surveys/:id/responses.xlsx", survey.ReadSurveyResults},
	{"GET", "/enkater/:id/svar.csv", survey.ReadSurveyResults},
	{"GET", "/enkater/:id/svar.xlsx", survey.ReadSurveyResults},
	{"GET", "/enkater/:id/fritext", survey.ReadSurveyResults},
	{"GET", "/api/v1/remisses/:id/summary.xlsx", survey.ReadRemiss},
	{"GET", "/remisser/:id/sammanstallning.xlsx", survey.ReadRemiss},

	// The service plan.
	{"GET", "/api/v1/service-plans", survey.ReadServicePlan},
	{"POST", "/api/v1/service-plans", survey.ManageServicePlan},
	{"GET", "/api/v1/service-plans/:id", survey.ReadServicePlan},
	{"PUT", "/api/v1/service-plans/:id/items/:item", survey.ManageServicePlan},
	{"POST", "/api/v1/service-plans/:id/review", survey.ManageServicePlan},
	{"POST", "/api/v1/service-plans/:id/adopt", survey.AdoptServicePlan},
	{"POST", "/api/v1/service-plans/:id/send", survey.ManageServicePlan},
	{"POST", "/api/v1/service-plans/:id/decide", survey.ManageServicePlan},
	{"POST", "/api/v1/service-plans/:id/revise", survey.ManageServicePlan},
	{"GET", "/api/v1/service-plans/:id/document", survey.ReadServicePlan},
	{"GET", "/api/v1/service-plans/:id/diff", survey.ReadServicePlan},
	{"GET", "/serviceplan", survey.ReadServicePlan},
	{"POST", "/serviceplan/ny", survey.ManageServicePlan},
	{"GET", "/serviceplan/:id", survey.ReadServicePlan},
	{"POST", "/serviceplan/:id/punkter/:item", survey.ManageServicePlan},
	{"POST", "/serviceplan/:id/granska", survey.ManageServicePlan},
	{"POST", "/serviceplan/:id/anta", survey.AdoptServicePlan},
	{"GET", "/serviceplan/:id/skicka", survey.ManageServicePlan},
	{"POST", "/serviceplan/:id/skicka", survey.ManageServicePlan},
	{"GET", "/serviceplan/:id/beslut", survey.ManageServicePlan},
	{"POST", "/serviceplan/:id/beslut", survey.ManageServicePlan},
	{"POST", "/serviceplan/:id/revidera", survey.ManageServicePlan},
	{"GET", "/serviceplan/:id/dokument", survey.ReadServicePlan},
	{"GET", "/serviceplan/:id/andringar", survey.ReadServicePlan},
	// meetings
	{"GET", "/api/v1/meetings", survey.ReadMeetings},
	{"POST", "/api/v1/meetings", survey.ManageMeetings},
	{"GET", "/api/v1/meetings/:id", survey.ReadMeetings},
	{"POST", "/api/v1/meetings/:id/agenda", survey.ManageMeetings},
	{"POST", "/api/v1/meetings/:id/invite", survey.ManageMeetings},
	{"POST", "/api/v1/meetings/:id/held", survey.ManageMeetings},
	{"PUT", "/api/v1/meetings/:id/items/:item/minutes", survey.ManageMeetings},
	{"POST", "/api/v1/meetings/:id/items/:item/decisions", survey.ManageMeetings},
	{"POST", "/api/v1/meetings/:id/approve", survey.ManageMeetings},
	{"GET", "/kalender.ics", publicRoute},
	{"GET", "/byar/:slug/kalender.ics", publicRoute},
	{"GET", "/moten", survey.ReadMeetings},
	{"GET", "/moten/ny", survey.ManageMeetings},
	{"POST", "/moten/ny", survey.ManageMeetings},
	{"GET", "/moten/:id", survey.ReadMeetings},
	{"POST", "/moten/:id/punkter", survey.ManageMeetings},
	{"POST", "/moten/:id/kalla", survey.ManageMeetings},
	{"POST", "/moten/:id/hallet", survey.ManageMeetings},
	{"POST", "/moten/:id/punkter/:item/protokoll", survey.ManageMeetings},
	{"POST", "/moten/:id/punkter/:item/beslut", survey.ManageMeetings},
	{"POST", "/moten/:id/justera", survey.ManageMeetings},
	// Matters.
	{"POST", "/api/v1/matters", survey.RaiseMatter},
	{"GET", "/api/v1/matters", survey.ReadMatters},
	{"GET", "/api/v1/matters/:id", survey.ReadMatters},
	{"POST", "/api/v1/matters/:id/forward", survey.HandleMatter},
	{"POST", "/api/v1/matters/:id/answer", survey.HandleMatter},
	{"POST", "/api/v1/matters/:id/confirm", survey.ConfirmMatter},
	{"POST", "/api/v1/matters/:id/reopen", survey.ConfirmMatter},
	{"GET", "/api/v1/departments/stats", publicRoute},
	{"GET", "/forvaltningar", publicRoute},
	{"GET", "/arenden", survey.ReadMatters},
	{"GET", "/arenden/ny", survey.RaiseMatter},
	{"POST", "/arenden/ny", survey.RaiseMatter},
	{"GET", "/arenden/:id", survey.ReadMatters},
	{"POST", "/arenden/:id/vidare", survey.HandleMatter},
	{"POST", "/arenden/:id/svar", survey.HandleMatter},
	{"POST", "/arenden/:id/bekrafta", survey.ConfirmMatter},
	{"POST", "/arenden/:id/oppna-igen", survey.ConfirmMatter},

	// Bygdepeng.
	{"GET", "/api/v1/funds", survey.ReadFunds},
	{"POST", "/api/v1/funds", survey.ManageFunds},
	{"GET", "/api/v1/funds/:year", survey.ReadFunds},
	{"GET", "/api/v1/funds/:year/basic-grants", survey.ReadFunds},
	{"POST", "/api/v1/funds/:year/basic-grants/:slug/approve", survey.ManageFunds},
	{"POST", "/api/v1/funds/:year/basic-grants/:slug/pay", survey.ManageFunds},
	{"POST", "/api/v1/funds/:year/basic-grants/:slug/override", survey.ManageFunds},
	{"GET", "/api/v1/funds/:year/applications", survey.ReadFunds},
	{"POST", "/api/v1/funds/:year/applications", survey.ApplyForFunds},
	{"GET", "/api/v1/funds/:year/applications/:id", survey.ReadFunds},
	{"POST", "/api/v1/funds/:year/applications/:id/submit", survey.ApplyForFunds},
	{"POST", "/api/v1/funds/:year/applications/:id/grant", survey.DecideApplications},
	{"POST", "/api/v1/funds/:year/applications/:id/reject", survey.DecideApplications},
	{"POST", "/api/v1/funds/:year/applications/:id/pay", survey.DecideApplications},
	{"POST", "/api/v1/funds/:year/applications/:id/return", survey.DecideApplications},
	{"POST", "/api/v1/funds/:year/applications/:id/report", survey.ApplyForFunds},
	{"POST", "/api/v1/funds/:year/applications/:id/close", survey.DecideApplications},
	{"GET", "/api/v1/funds/:year/ledger", survey.ReadFunds},
	{"POST", "/api/v1/funds/:year/ledger/:id/reverse", survey.ManageFunds},
	{"GET", "/api/v1/public/funds/:year", publicRoute},
	{"GET", "/api/v1/public/funds/:year.:format", publicRoute},
	{"GET", "/bygdepeng", publicRoute},
	{"GET", "/bygdepeng/:year", publicRoute},
	{"GET", "/bygdepeng/:year/diagram/:by.:format", publicRoute},
	{"GET", "/fonder", survey.ReadFunds},
	{"POST", "/fonder", survey.ManageFunds},
	{"GET", "/fonder/:year", survey.ReadFunds},
	{"POST", "/fonder/:year/grundbidrag/:slug/godkann", survey.ManageFunds},
	{"POST", "/fonder/:year/grundbidrag/:slug/betala", survey.ManageFunds},
	{"POST", "/fonder/:year/grundbidrag/:slug/undantag", survey.ManageFunds},
	{"POST", "/fonder/:year/ansokningar", survey.ApplyForFunds},
	{"GET", "/fonder/:year/ansokningar/:id", survey.ReadFunds},
	{"POST", "/fonder/:year/ansokningar/:id/skicka-in", survey.ApplyForFunds},
	{"POST", "/fonder/:year/ansokningar/:id/bevilja", survey.DecideApplications},
	{"POST", "/fonder/:year/ansokningar/:id/avsla", survey.DecideApplications},
	{"POST", "/fonder/:year/ansokningar/:id/betala", survey.DecideApplications},
	{"POST", "/fonder/:year/ansokningar/:id/rapport", survey.ApplyForFunds},
	{"POST", "/fonder/:year/ansokningar/:id/stang", survey.DecideApplications},
	{"GET", "/fonder/:year/huvudbok/:id/rattelse", survey.ManageFunds},
	{"POST", "/fonder/:year/huvudbok/:id/rattelse", survey.ManageFunds},
}

func TestEveryRouteNamesItsAction(t *testing.T) {
	ta := newTestApp(t)
	want := map[string]survey.Action{}
	for _, r := range routeActions {
		want[r.method+" "+r.path] = r.action
	}
	served := map[string]bool{}
	for _, r := range ta.app.GetRoutes(true) {
		switch r.Method {
		case "GET", "POST", "PUT", "PATCH", "DELETE":
		default:
			continue
		}
		key := r.Method + " " + r.Path
		served[key] = true
		a, listed := want[key]
		switch {
		case !listed:
			t.Errorf("%s: got a route without a row in routeActions; want a row naming its action", key)
		case r.Name != string(a):
			t.Errorf("%s: got action %q; want %q", key, r.Name, a)
		}
	}
	for key := range want {
		if !served[key] {
			t.Errorf("%s: got no such route; want the row removed", key)
		}
	}
}

func TestUnknownAPIPathAnswers404InJSON(t *testing.T) {
	ta := newTestApp(t)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/v1/nope"},
		{"POST", "/api/v1/nope"},
		{"GET", "/api/v1/remisses/x/nope"},
		{"GET", "/api/v2/surveys"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp, err := ta.app.Test(httptest.NewRequest(tc.method, tc.path, nil), -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body errorBody
			decodeErr := json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("got %d; want 404", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || decodeErr != nil || body.Error == "" {
				t.Errorf("got Content-Type %q, body error %q (%v); want the JSON error shape", ct, body.Error, decodeErr)
			}
		})
	}
}
