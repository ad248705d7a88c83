package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// timelineJSON is a page of the timeline API.
type timelineJSON struct {
	Events []survey.Event `json:"events"`
	Next   string         `json:"next"`
	Staff  bool           `json:"staff"`
}

// villageRecords gives village aby one record of every source of the
// timeline, five minutes apart: walkedPlan's plan (saved, actions, adopted,
// submitted) and open survey, a closed survey with 6 responses from aby and
// 2 from bby (under min_n), a remiss answered by aby's group, and the plan
// acknowledged. It returns the closed survey's and the remiss's ids.
func villageRecords(t *testing.T, ta *testApp, rep string) (closedSurvey, remiss string) {
	t.Helper()
	walkedPlan(t, ta)
	admin := ta.user("admin")
	ta.now = ta.now.Add(5 * time.Minute)
	closedSurvey = decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/surveys", admin, map[string]any{
		"title": "Vägen genom byn", "villages": []string{"aby", "bby"},
		"questions": []map[string]any{{"key": "q", "type": "single", "prompt": "Ska vägen byggas om?", "options": []string{"Ja", "Nej"}, "required": true}}}, 201)).ID
	ta.mustDo("POST", "/api/v1/surveys/"+closedSurvey+"/open", admin, nil, 200)
	for i, village := range []string{"aby", "aby", "aby", "aby", "aby", "aby", "bby", "bby"} {
		ta.mustDo("POST", "/api/v1/surveys/"+closedSurvey+"/responses", "", map[string]any{"village": village, "answers": map[string]any{"q": []string{"Ja", "Nej"}[i%2]}}, 201)
	}
	ta.now = ta.now.Add(5 * time.Minute)
	ta.mustDo("POST", "/api/v1/surveys/"+closedSurvey+"/close", admin, nil, 200)
	ta.now = ta.now.Add(5 * time.Minute)
	official := ta.user("official")
	proposal := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/proposals", official, map[string]any{"title": "Cykelväg till skolan", "body": "Bygg en cykelväg."}, 201)).ID
	remiss = decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/proposals/"+proposal+"/remiss", official, map[string]any{"villages": []string{"aby", "bby"}, "deadline": "2026-04-30"}, 201)).ID
	ta.now = ta.now.Add(5 * time.Minute)
	ta.mustDo("POST", "/api/v1/remisses/"+remiss+"/answers", rep, map[string]any{"village": "aby", "stance": "support_with_changes",
		"motivation": "Bra, men belys den.", "anchoring": map[string]any{"method": "meeting", "participants": 27}}, 201)
	ta.now = ta.now.Add(5 * time.Minute)
	ta.mustDo("POST", "/api/v1/plans/aby-2026/acknowledge", official, map[string]any{"comment": "Tack, vi återkommer om vägen."}, 200)
	return closedSurvey, remiss
}

func (ta *testApp) timeline(path, token string) timelineJSON {
	ta.t.Helper()
	return decode[timelineJSON](ta.t, ta.mustDo("GET", path, token, nil, 200))
}

func TestTimelineHasAnEventFromEverySource(t *testing.T) {
	ta := plansApp(t)
	rep := ta.user("representative", "aby")
	closed, remiss := villageRecords(t, ta, rep)
	anyone := ta.timeline("/api/v1/villages/aby/timeline", "")
	staff := ta.timeline("/api/v1/villages/aby/timeline", rep)
	find := func(page timelineJSON, kind, id string) *survey.Event {
		for i, e := range page.Events {
			if e.Kind == kind && (id == "" || strings.HasSuffix(e.ID, ":"+id)) {
				return &page.Events[i]
			}
		}
		return nil
	}
	tests := []struct {
		name  string
		kind  string
		id    string
		check func(e *survey.Event) string
	}{
		{"a survey opened", survey.EventSurveyOpened, closed, func(e *survey.Event) string {
			return want(e.Title == "Vägen genom byn" && e.Link == "/s/"+closed+"/aby", "the title and the phone page")
		}},
		{"a survey closed with the village's responses", survey.EventSurveyClosed, closed, func(e *survey.Event) string {
			return want(e.Responses != nil && *e.Responses == 6 && !e.Suppressed, "6 responses from aby")
		}},
		{"a remiss answered with stance and anchoring", survey.EventRemissAnswered, remiss, func(e *survey.Event) string {
			return want(e.Title == "Cykelväg till skolan" && e.Stance == survey.StanceSupportWithChanges && e.Anchoring == "meeting" && e.Participants == 27,
				"the proposal, support_with_changes, a meeting of 27")
		}},
		{"the plan adopted", survey.EventPlanAdopted, "", func(e *survey.Event) string {
			return want(e.Method == "meeting" && e.Participants == 38 && e.Title == "2026", "adopted at a meeting of 38")
		}},
		{"the plan submitted", survey.EventPlanSubmitted, "", func(e *survey.Event) string { return want(e.Public, "public") }},
		{"the plan acknowledged", survey.EventPlanAcknowledged, "", func(e *survey.Event) string { return want(e.Public, "public") }},
		{"an action done, by its owner, without who did it", survey.EventActionDone, "", func(e *survey.Event) string {
			return want(e.Title == "Mät trafiken vid skolan" && e.Date.String() == "2026-03-02" && e.Owner == "group" && e.DoneBy == "",
				"the action on 2026-03-02 by the group, no done_by")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := find(anyone, tt.kind, tt.id)
			if e == nil {
				t.Fatalf("got no %s event for anyone; want one", tt.kind)
			}
			if msg := tt.check(e); msg != "" {
				t.Errorf("got %+v; %s", *e, msg)
			}
		})
	}
	t.Run("a plan saved is for signed-in readers only", func(t *testing.T) {
		if e := find(anyone, survey.EventPlanSaved, ""); e != nil {
			t.Errorf("got %+v for anyone; want no draft saves", *e)
		}
		if e := find(staff, survey.EventPlanSaved, ""); e == nil || e.Public {
			t.Errorf("got %v for the village's representative; want a draft save, not public", e)
		}
		if !staff.Staff || anyone.Staff {
			t.Errorf("got staff %v / %v; want true for the representative, false for anyone", staff.Staff, anyone.Staff)
		}
	})
	t.Run("who did an action is for signed-in readers only", func(t *testing.T) {
		if e := find(staff, survey.EventActionDone, ""); e == nil || e.DoneBy != "Anna Berg" {
			t.Errorf("got %v; want done_by Anna Berg", e)
		}
	})
	t.Run("newest first", func(t *testing.T) {
		for i := 1; i < len(staff.Events); i++ {
			if staff.Events[i].At.After(staff.Events[i-1].At) {
				t.Errorf("got %s after %s; want newest first", staff.Events[i].ID, staff.Events[i-1].ID)
			}
		}
		if staff.Events[0].Kind != survey.EventPlanAcknowledged {
			t.Errorf("got %s first; want the acknowledgement, the newest", staff.Events[0].Kind)
		}
	})
	t.Run("another village's representative sees only the public events", func(t *testing.T) {
		other := ta.timeline("/api/v1/villages/aby/timeline", ta.user("representative", "bby"))
		if other.Staff || len(other.Events) != len(anyone.Events) {
			t.Errorf("got staff %v, %d events; want false, %d", other.Staff, len(other.Events), len(anyone.Events))
		}
	})
	t.Run("bby's participation under min_n is not shown", func(t *testing.T) {
		bby := ta.timeline("/api/v1/villages/bby/timeline?kind=survey_closed", "")
		if len(bby.Events) != 1 || bby.Events[0].Responses != nil || !bby.Events[0].Suppressed {
			t.Errorf("got %+v; want one closed survey without its 2 responses", bby.Events)
		}
	})
}

// want is "" when ok, else what was wanted.
func want(ok bool, what string) string {
	if ok {
		return ""
	}
	return "want " + what
}

func TestTimelineFiltersAndPages(t *testing.T) {
	ta := plansApp(t)
	rep := ta.user("representative", "aby")
	villageRecords(t, ta, rep)
	all := ta.timeline("/api/v1/villages/aby/timeline?limit=200", rep)
	t.Run("pages of 2 walk every event once", func(t *testing.T) {
		seen := map[string]bool{}
		path := "/api/v1/villages/aby/timeline?limit=2"
		for range 50 {
			page := ta.timeline(path, rep)
			for _, e := range page.Events {
				if seen[e.ID] {
					t.Fatalf("got %s twice", e.ID)
				}
				seen[e.ID] = true
			}
			if page.Next == "" {
				break
			}
			path = "/api/v1/villages/aby/timeline?limit=2&cursor=" + url.QueryEscape(page.Next)
		}
		if len(seen) != len(all.Events) || len(seen) < 8 {
			t.Errorf("got %d events over the pages; want %d (at least 8)", len(seen), len(all.Events))
		}
	})
	tests := []struct {
		kind  string
		kinds map[string]bool
	}{
		{"plan", map[string]bool{survey.EventPlanSaved: true, survey.EventPlanAdopted: true, survey.EventPlanSubmitted: true, survey.EventPlanAcknowledged: true}},
		{"survey_closed,remiss", map[string]bool{survey.EventSurveyClosed: true, survey.EventRemissAnswered: true}},
		{"action_done", map[string]bool{survey.EventActionDone: true}},
	}
	for _, tt := range tests {
		t.Run("kind="+tt.kind, func(t *testing.T) {
			page := ta.timeline("/api/v1/villages/aby/timeline?kind="+tt.kind, rep)
			got := map[string]bool{}
			for _, e := range page.Events {
				got[e.Kind] = true
			}
			for k := range tt.kinds {
				if !got[k] {
					t.Errorf("got no %s; want it", k)
				}
			}
			for k := range got {
				if !tt.kinds[k] {
					t.Errorf("got %s; want only %v", k, tt.kinds)
				}
			}
		})
	}
	for _, tc := range []struct{ query, field string }{
		{"kind=everything", "kind"}, {"cursor=%25%25", "cursor"}, {"limit=1000", "limit"},
	} {
		t.Run("a bad "+tc.field+" is 400 naming it", func(t *testing.T) {
			code, b := ta.do("GET", "/api/v1/villages/aby/timeline?"+tc.query, "", nil)
			body := decode[errorBody](t, b)
			if code != http.StatusBadRequest || len(body.Errors) == 0 || body.Errors[0].Field != tc.field {
				t.Errorf("got %d %s; want 400 naming %s", code, b, tc.field)
			}
		})
	}
	if code, _ := ta.do("GET", "/api/v1/villages/nowhere/timeline", "", nil); code != http.StatusNotFound {
		t.Errorf("an unknown village: got %d; want 404", code)
	}
}

func TestTimelinePageShowsMoreToReadersOfTheVillage(t *testing.T) {
	ta := plansApp(t)
	rep := ta.account("representative", "aby")
	villageRecords(t, ta, rep.token)
	public := []string{"Vägen genom byn", "6 svar från byn", "Cykelväg till skolan", "tillstyrker med ändringar", "27 deltagare",
		"plan kvitterad av kommunen", "Mät trafiken vid skolan", "utvecklingsgruppen", `href="/byar/aby"`}
	tests := []struct {
		name      string
		who       account
		path      string
		lang      string
		want, not []string
	}{
		{"anyone sees the public events", account{}, "/byar/aby/tidslinje", "sv", public, []string{"bara inloggade", "Anna Berg", `href="/planer/`}},
		{"the village's representative sees the drafts and who did it", rep, "/byar/aby/tidslinje", "sv",
			append([]string{"bara inloggade", "plan sparad", "gjord av Anna Berg", `href="/planer/aby-2026"`}, public...), nil},
		{"another village's representative sees the public events", ta.account("representative", "bby"), "/byar/aby/tidslinje", "sv", public, []string{"bara inloggade"}},
		{"a filter keeps its family", account{}, "/byar/aby/tidslinje?kind=remiss", "sv", []string{"Cykelväg till skolan", `<option value="remiss" selected>`}, []string{"Vägen genom byn"}},
		{"in English", account{}, "/byar/aby/tidslinje", "en", []string{"Timeline", "6 responses from the village", "plan acknowledged by the municipality", "action done"}, nil},
		{"bby under min_n", account{}, "/byar/bby/tidslinje", "sv", []string{"för få svar från byn för att visa antalet"}, []string{"2 svar från byn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.lang != "sv" {
				headers = []string{"Cookie", "lang=" + tt.lang} // replaces the session's: anonymous only
			}
			code, b, _ := ta.page("GET", tt.path, tt.who, nil, headers...)
			checkPage(t, code, b, tt.want, tt.not)
		})
	}
	t.Run("the village page links to its timeline", func(t *testing.T) {
		code, b := ta.do("GET", "/byar/aby", "", nil)
		checkPage(t, code, b, []string{`href="/byar/aby/tidslinje"`}, nil)
	})
	t.Run("a page of 3 links to the older events", func(t *testing.T) {
		code, b, _ := ta.page("GET", "/byar/aby/tidslinje?limit=3", account{}, nil)
		checkPage(t, code, b, []string{"Äldre händelser", "/byar/aby/tidslinje?cursor="}, nil)
		next := regexpFind(string(b), `tidslinje\?cursor=([A-Za-z0-9_-]+)`)
		code, b, _ = ta.page("GET", "/byar/aby/tidslinje?cursor="+next, account{}, nil)
		checkPage(t, code, b, []string{"Tillbaka till byns sida"}, nil)
	})
	t.Run("a bad filter is 400 on the page", func(t *testing.T) {
		if code, _, _ := ta.page("GET", "/byar/aby/tidslinje?kind=nope", account{}, nil); code != http.StatusBadRequest {
			t.Errorf("got %d; want 400", code)
		}
	})
}

func TestAcknowledgedPlanTellsTheVillagesRepresentatives(t *testing.T) {
	ta := plansApp(t)
	ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now },
		MailURL: "https://forankra.example.se"})
	reps := []string{ta.user("representative", "aby"), ta.user("representative", "aby", "bby")}
	ta.user("representative", "bby")
	cx := context.Background()
	users := storage.NewUsers(ta.db)
	all, err := users.List(cx)
	if err != nil {
		t.Fatal(err)
	}
	var toAby []string
	for _, u := range all {
		if u.HasVillage("aby") {
			toAby = append(toAby, u.Email)
		}
	}
	// A deactivated representative of aby is not told.
	gone := ta.account("representative", "aby")
	gone.user.Active = false
	if err := users.Update(cx, gone.user, ""); err != nil {
		t.Fatal(err)
	}
	walkedPlan(t, ta)
	official := ta.user("official")
	outbox := func() []survey.OutboxMessage {
		msgs, err := storage.NewOutbox(ta.db).List(cx, "")
		if err != nil {
			t.Fatal(err)
		}
		return msgs
	}
	before := len(outbox())
	ta.mustDo("POST", "/api/v1/plans/aby-2026/acknowledge", official, map[string]any{"comment": "Tack för planen."}, 200)
	ta.mustDo("POST", "/api/v1/plans/aby-2026/acknowledge", official, map[string]any{}, 409)
	msgs := outbox()[:len(outbox())-before]
	got := map[string]survey.OutboxMessage{}
	for _, m := range msgs {
		if _, twice := got[m.To]; twice {
			t.Errorf("got two messages to %s; want one", m.To)
		}
		got[m.To] = m
	}
	if len(got) != len(toAby) || len(reps) != 2 {
		t.Fatalf("got messages to %v; want one to each active representative of aby %v", mapKeys(got), toAby)
	}
	for _, to := range toAby {
		m, ok := got[to]
		if !ok {
			t.Errorf("got no message to %s; want one", to)
			continue
		}
		for _, w := range []string{"Utvecklingsplanen 2026 för Åby är kvitterad"} {
			if m.Subject != w {
				t.Errorf("got subject %q; want %q", m.Subject, w)
			}
		}
		for _, w := range []string{"Hej Test representative!", "kvitterat utvecklingsplanen 2026 för Åby den 2026-03-10", "Tack för planen.",
			"https://forankra.example.se/planer/aby-2026", "https://forankra.example.se/byar/aby/tidslinje"} {
			if !strings.Contains(m.Body, w) {
				t.Errorf("got body %q; want %q in it", m.Body, w)
			}
		}
		if m.Village != "aby" || m.Status != survey.MessageQueued {
			t.Errorf("got village %q status %q; want aby, queued (no mail server)", m.Village, m.Status)
		}
	}
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// The ack page form tells them too (one place does it for the API and the page).
func TestAcknowledgedOnThePageTellsTheRepresentatives(t *testing.T) {
	ta := plansApp(t)
	ta.user("representative", "aby")
	walkedPlan(t, ta)
	off := ta.account("official")
	code, b, _ := ta.page("POST", "/planer/aby-2026/kvittera", off, url.Values{"comment": {"Mottagen."}})
	if code != http.StatusSeeOther {
		t.Fatalf("got %d %s; want 303", code, b)
	}
	msgs, err := storage.NewOutbox(ta.db).List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if strings.Contains(m.Subject, "kvitterad") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("got %d acknowledgement messages; want 1 (%s)", n, fmt.Sprint(len(msgs)))
	}
}

func TestTimelineAndReportHaveTheMatters(t *testing.T) {
	ta := plansApp(t)
	rep := ta.user("representative", "aby")
	off := ta.user("official")
	dep := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/departments", off, map[string]any{"name": "Tekniska förvaltningen", "email": "tk@example.se"}, 201)).ID
	raise := func(title, raisedOn string) string {
		body := map[string]any{"village": "aby", "title": title}
		if raisedOn != "" {
			body["raised_on"] = raisedOn
		}
		return decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/matters", rep, body, 201)).ID
	}
	late := raise("Gatlyktor från pappersregistret", "2026-01-09") // feedback due 2026-02-08: answered late
	onTime := raise("Skylt vid skolan", "2026-03-01")              // feedback due 2026-03-31: answered on time
	open := raise("Snöröjning", "")
	for _, id := range []string{late, onTime} {
		ta.mustDo("POST", "/api/v1/matters/"+id+"/forward", off, map[string]any{"department": dep}, 200)
		ta.mustDo("POST", "/api/v1/matters/"+id+"/answer", off, map[string]any{"text": "Åtgärdas i april."}, 200)
	}
	ta.mustDo("POST", "/api/v1/matters/"+open+"/forward", off, map[string]any{"department": dep}, 200)

	ids := func(page timelineJSON) map[string]survey.Event {
		out := map[string]survey.Event{}
		for _, e := range page.Events {
			out[e.ID] = e
		}
		return out
	}
	anyone := ids(ta.timeline("/api/v1/villages/aby/timeline?kind=matter", ""))
	staff := ids(ta.timeline("/api/v1/villages/aby/timeline?kind=matter", rep))
	tests := []struct {
		name          string
		id            string
		anyone, staff bool
	}{
		{"an answered matter raised from the paper register is public", survey.EventMatterRaised + ":" + late, true, true},
		{"its answer is public", survey.EventMatterAnswered + ":" + late + "/2", true, true},
		{"a matter answered on time is public", survey.EventMatterRaised + ":" + onTime, true, true},
		{"an unanswered matter is for readers of the village only", survey.EventMatterRaised + ":" + open, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := anyone[tt.id]; ok != tt.anyone {
				t.Errorf("anyone: got %v; want %v (%v)", ok, tt.anyone, mapKeys(anyone))
			}
			if _, ok := staff[tt.id]; ok != tt.staff {
				t.Errorf("the village's representative: got %v; want %v (%v)", ok, tt.staff, mapKeys(staff))
			}
		})
	}
	if e := anyone[survey.EventMatterRaised+":"+late]; e.Date.String() != "2026-01-09" || !strings.HasPrefix(e.Ref, "2026-") {
		t.Errorf("got %+v; want raised on 2026-01-09 with its ref", e)
	}
	if e := anyone[survey.EventMatterAnswered+":"+late+"/2"]; e.Department != "Tekniska förvaltningen" {
		t.Errorf("got department %q; want Tekniska förvaltningen", e.Department)
	}

	t.Run("the report counts them as the records say", func(t *testing.T) {
		matters := decode[[]survey.Matter](t, ta.mustDo("GET", "/api/v1/matters", off, nil, 200))
		answered, onTimeN := 0, 0
		for _, m := range matters {
			for _, st := range m.Steps {
				if st.Move == survey.MoveAnswer {
					answered++
					if !st.FeedbackDue.Before(survey.DateOf(st.At)) {
						onTimeN++
					}
					break
				}
			}
		}
		rep := decode[survey.YearReport](t, ta.mustDo("GET", "/api/v1/public/reports/2026", "", nil, 200))
		if rep.Matters == nil {
			t.Fatal("got no matters; want them counted")
		}
		if rep.Matters.Raised != len(matters) || rep.Matters.Answered != answered || rep.Matters.OnTime != onTimeN || answered != 2 || onTimeN != 1 {
			t.Errorf("got %+v; want raised %d, answered %d (2), on time %d (1)", *rep.Matters, len(matters), answered, onTimeN)
		}
		code, b := ta.do("GET", "/arsrapport/2026", "", nil)
		checkPage(t, code, b, []string{"Väckta under året", "1 av 2"}, []string{"Snöröjning", "Gatlyktor"})
	})
	t.Run("the page shows the ref and department", func(t *testing.T) {
		code, b, _ := ta.page("GET", "/byar/aby/tidslinje?kind=matter", account{}, nil)
		checkPage(t, code, b, []string{"ärende väckt", "ärende besvarat", "Gatlyktor från pappersregistret", "Tekniska förvaltningen"}, []string{"Snöröjning", "Åtgärdas i april."})
	})
}

func TestTimelineAndReportHaveMeetingsAndMoney(t *testing.T) {
	ta := plansApp(t)
	rep := ta.user("representative", "aby")
	official := ta.user("official")
	forum := ta.user("forum")
	// A forum meeting of aby and bby, held, with one decision, the minutes approved.
	id := "/api/v1/meetings/" + decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/meetings", official, map[string]any{"kind": "forum",
		"title": "Vårforum 2026", "starts": "2026-03-09T18:00", "ends": "2026-03-09T21:00", "place": "Bygdegården", "villages": []string{"aby", "bby"}}, 201)).ID
	item := decode[struct{ ID string }](t, ta.mustDo("POST", id+"/agenda", official, map[string]any{"title": "Bredbandet"}, 201)).ID
	ta.mustDo("POST", id+"/invite", official, nil, 200)
	ta.mustDo("POST", id+"/held", official, map[string]any{"present": []string{"aby"}}, 200)
	ta.mustDo("POST", id+"/items/"+item+"/decisions", official, map[string]any{"text": "Forumet skriver till operatören."}, 201)
	decisions := func(token string) []survey.Event {
		return ta.timeline("/api/v1/villages/aby/timeline?kind=meeting", token).Events
	}
	if got := decisions(""); len(got) != 0 {
		t.Errorf("before the minutes are approved: got %+v for anyone; want none", got)
	}
	if got := decisions(rep); len(got) != 1 || got[0].Public {
		t.Errorf("before the minutes are approved: got %+v for the representative; want the decision, not public", got)
	}
	ta.mustDo("POST", id+"/approve", official, nil, 200)
	got := decisions("")
	if len(got) != 1 || got[0].Text != "Forumet skriver till operatören." || got[0].Title != "Vårforum 2026" {
		t.Fatalf("after approval: got %+v; want the decision for anyone", got)
	}
	if other := ta.timeline("/api/v1/villages/cby/timeline?kind=meeting", "").Events; len(other) != 0 {
		t.Errorf("a village not invited: got %+v; want no decisions", other)
	}

	// Money: two applications of aby granted, one paid, the other reversed.
	ta.mustDo("POST", "/api/v1/funds", official, fundBody(2026, 100000), 201)
	a1 := submittedApplication(t, ta, rep, 2026, 10000)
	a2 := submittedApplication(t, ta, rep, 2026, 5000)
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/grant", forum, map[string]any{"amount_sek": 8000}, 200)
	g2 := decode[appJSON](t, ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a2.ID+"/grant", forum, map[string]any{"amount_sek": 5000}, 200))
	ta.mustDo("POST", "/api/v1/funds/2026/applications/"+a1.ID+"/pay", official, nil, 200)
	ta.mustDo("POST", "/api/v1/funds/2026/ledger/"+g2.Entry+"/reverse", official, map[string]any{"reason": "Fel belopp"}, 201)
	money := ta.timeline("/api/v1/villages/aby/timeline?kind=grant", "").Events
	kinds := map[string]int64{}
	for _, e := range money {
		kinds[e.Kind] += e.AmountSEK
		if e.Title != "Belysning vid busshållplatsen" || e.Link != "/bygdepeng/2026" {
			t.Errorf("got %+v; want the application's title and the public money page", e)
		}
	}
	if len(money) != 2 || kinds[survey.EventGrantAllocated] != 8000 || kinds[survey.EventGrantPaid] != 8000 {
		t.Errorf("got %+v; want 8 000 kr granted and paid (the reversed grant left out)", money)
	}

	rep2026 := decode[survey.YearReport](t, ta.mustDo("GET", "/api/v1/public/reports/2026", "", nil, 200))
	fund := decode[fundJSON](t, ta.mustDo("GET", "/api/v1/funds/2026", official, nil, 200))
	if m := rep2026.Money; m == nil || m.GrantedSEK != fund.AllocatedSEK || m.PaidSEK != fund.PaidSEK || m.RemainingSEK != fund.RemainingSEK ||
		m.TotalSEK != fund.TotalSEK || m.GrantedSEK != 8000 || len(m.ByVillage) != 1 || m.ByVillage[0].PaidSEK != 8000 {
		t.Errorf("got money %+v; want the fund's figures %+v (8 000 kr granted and paid, by aby)", m, fund)
	}
	if r := decode[survey.YearReport](t, ta.mustDo("GET", "/api/v1/public/reports/2025", "", nil, 200)); r.Money != nil {
		t.Errorf("a year without a fund: got %+v; want no money", r.Money)
	}
	code, b, _ := ta.page("GET", "/byar/aby/tidslinje", account{}, nil)
	checkPage(t, code, b, []string{"beslut på forumets möte", "Forumet skriver till operatören.", "bygdepeng beviljad", "8\u00a0000\u00a0kr"}, nil)
	code, b, _ = ta.page("GET", "/arsrapport/2026", account{}, nil)
	checkPage(t, code, b, []string{"Att fördela", "100\u00a0000\u00a0kr", "Åby: beviljat 8\u00a0000\u00a0kr, utbetalt 8\u00a0000\u00a0kr", `href="/bygdepeng/2026"`}, nil)
}
