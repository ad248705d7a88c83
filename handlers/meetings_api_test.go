package handlers

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

type meetingJSON struct {
	ID       string   `json:"id"`
	Status   string   `json:"status"`
	Ended    bool     `json:"ended"`
	Villages []string `json:"villages"`
	Present  []string `json:"present"`
	Agenda   []struct {
		ID       string `json:"id"`
		Position int    `json:"position"`
		Title    string `json:"title"`
		Minutes  string `json:"minutes"`
		Link     *struct {
			Kind  string `json:"kind"`
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"link"`
		Decisions []survey.MeetingDecision `json:"decisions"`
	} `json:"agenda"`
	Invited []string `json:"invited"`
}

// meetingManagers may take survey.ManageMeetings.
var meetingManagers = []string{admin, official}

// meeting stores a meeting inviting village aby, with one item, in the
// status; it returns its id and the item's.
func (f *routeFixture) meeting(status string) (id, item string) {
	f.ta.t.Helper()
	cx := context.Background()
	s := storage.NewMeetings(f.ta.db)
	m := &survey.Meeting{Kind: survey.MeetingForum, Title: "Forum", Starts: f.ta.now.Add(24 * time.Hour), Ends: f.ta.now.Add(27 * time.Hour),
		Villages: []string{"aby"}, Status: status, Created: f.ta.now}
	if err := s.CreateMeeting(cx, m); err != nil {
		f.ta.t.Fatal(err)
	}
	it := &survey.AgendaItem{Title: "Punkt", Added: f.ta.now}
	if err := s.AddItem(cx, m.ID, it); err != nil {
		f.ta.t.Fatal(err)
	}
	return m.ID, it.ID
}

// meetingPath builds a request to a fresh meeting in the status; {item} in
// the suffix is its item.
func meetingPath(status, suffix string, body any) func(*routeFixture, string) routeRequest {
	return func(f *routeFixture, _ string) routeRequest {
		id, item := f.meeting(status)
		r := routeRequest{path: "/api/v1/meetings/" + id + strings.ReplaceAll(suffix, "{item}", item)}
		if body != nil {
			r.json = body
		}
		return r
	}
}

// meetingPage builds a form post (or a GET, without a form) to a fresh
// meeting's page in the status; {item} in the suffix is its item.
func meetingPage(status, suffix string, form url.Values) func(*routeFixture, string) routeRequest {
	return func(f *routeFixture, _ string) routeRequest {
		id, item := f.meeting(status)
		return routeRequest{path: "/moten/" + id + strings.ReplaceAll(suffix, "{item}", item), form: form}
	}
}

// meetingBody is a forum meeting in April 2026 (the test clock is March).
func meetingBody(villages ...string) map[string]any {
	return map[string]any{"kind": "forum", "title": "Vårforum 2026", "starts": "2026-04-15T18:00", "ends": "2026-04-15T21:00",
		"place": "Bygdegården i Åby", "themes": []string{"bredband-och-mobiltackning"}, "villages": villages, "guests": []string{"Regionens bredbandssamordnare"}}
}

// walkedPlan-like: a submitted plan of aby with one priority, for decisions.
func meetingPlan(t *testing.T, ta *testApp, rep string) (planID, priority string) {
	t.Helper()
	ta.mustDo("POST", "/api/v1/villages/aby/plans", rep, map[string]any{"year": 2026}, 201)
	p := decode[planJSON](t, ta.mustDo("PUT", "/api/v1/plans/aby-2026", rep, map[string]any{"version": 1, "summary": "Bredband",
		"priorities": []map[string]any{{"focus_area": "bredband-och-mobiltackning", "rank": 1, "horizon": "year"}}}, 200))
	return p.ID, p.Priorities[0].ID
}

// A forum meeting walked through its life by the API, as the contract says.
func TestMeetingThroughItsLife(t *testing.T) {
	ta := plansApp(t)
	official := ta.user(survey.RoleOfficial)
	politician := ta.user(survey.RolePolitician)
	forum := ta.user(survey.RoleForum)
	repA := ta.user(survey.RoleRepresentative, "aby")
	repC := ta.user(survey.RoleRepresentative, "cby")
	for range 2 { // aby has four representatives: two seats
		ta.user(survey.RoleRepresentative, "aby")
	}
	ta.user(survey.RoleRepresentative, "aby")
	planID, prio := meetingPlan(t, ta, repA)

	ta.mustDo("POST", "/api/v1/meetings", politician, meetingBody("aby"), 403)
	ta.mustDo("POST", "/api/v1/meetings", repA, meetingBody("aby"), 403)
	bad := meetingBody("aby", "nope")
	bad["ends"] = "2026-04-15T17:00"
	code, b := ta.do("POST", "/api/v1/meetings", official, bad)
	if code != 422 || !strings.Contains(string(b), `"ends"`) || !strings.Contains(string(b), `"villages[1]"`) {
		t.Fatalf("bad meeting: got %d %s; want 422 naming ends and villages[1]", code, b)
	}
	m := decode[meetingJSON](t, ta.mustDo("POST", "/api/v1/meetings", official, meetingBody("aby", "bby"), 201))
	if m.ID == "" || m.Status != survey.MeetingPlanned {
		t.Fatalf("created: got %+v; want planned with an id", m)
	}
	id := "/api/v1/meetings/" + m.ID

	// Who reads it.
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"a politician", politician, 200}, {"a forum member", forum, 200},
		{"a representative of an invited village", repA, 200}, {"a representative of another village", repC, 403},
	} {
		if code, _ := ta.do("GET", id, tc.token, nil); code != tc.want {
			t.Errorf("%s reads the meeting: got %d; want %d", tc.name, code, tc.want)
		}
	}
	if list := decode[[]meetingJSON](t, ta.mustDo("GET", "/api/v1/meetings", repC, nil, 200)); len(list) != 0 {
		t.Errorf("another village's representative lists %d meetings; want 0", len(list))
	}

	// The agenda, in order, links resolved.
	ta.mustDo("POST", id+"/agenda", official, map[string]any{"title": "Bredbandet", "link": map[string]any{"kind": "plan", "id": planID}}, 201)
	ta.mustDo("POST", id+"/agenda", official, map[string]any{"title": "Övrigt"}, 201)
	code, b = ta.do("POST", id+"/agenda", official, map[string]any{"title": "Borta", "link": map[string]any{"kind": "plan", "id": "nope"}})
	if code != 422 || !strings.Contains(string(b), "link.id") {
		t.Errorf("a link to nothing: got %d %s; want 422 on link.id", code, b)
	}
	ta.mustDo("POST", id+"/agenda", official, map[string]any{"title": "x", "link": map[string]any{"kind": "party", "id": "1"}}, 422)
	got := decode[meetingJSON](t, ta.mustDo("GET", id, forum, nil, 200))
	if len(got.Agenda) != 2 || got.Agenda[0].Title != "Bredbandet" || got.Agenda[0].Position != 1 || got.Agenda[0].Link == nil ||
		!strings.Contains(got.Agenda[0].Link.Title, "Lokal utvecklingsplan 2026") || got.Agenda[1].Position != 2 {
		t.Fatalf("agenda: got %+v; want two items in order, the first linked to the plan by title", got.Agenda)
	}
	item := got.Agenda[0].ID

	// Not yet: held, minutes, approve.
	ta.mustDo("POST", id+"/held", official, map[string]any{"present": []string{"aby"}}, 409)
	ta.mustDo("PUT", id+"/items/"+item+"/minutes", official, map[string]any{"text": "För tidigt"}, 409)
	ta.mustDo("POST", id+"/approve", official, nil, 409)

	// Invite: two seats for aby, none for bby (no representative).
	inv := decode[meetingJSON](t, ta.mustDo("POST", id+"/invite", official, nil, 200))
	if inv.Status != survey.MeetingInvited || len(inv.Invited) != 2 {
		t.Fatalf("invite: got %+v; want invited with two messages (two seats)", inv)
	}
	ta.mustDo("POST", id+"/invite", official, nil, 409)
	msgs, err := storage.NewOutbox(ta.db).List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	invitations := 0
	for _, msg := range msgs {
		if msg.Meeting != m.ID {
			continue
		}
		invitations++
		if len(msg.Attachments) != 1 || !strings.HasPrefix(msg.Attachments[0].ContentType, "text/calendar") {
			t.Fatalf("invitation %s: got attachments %+v; want one .ics", msg.To, msg.Attachments)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(string(msg.Attachments[0].Data)))
		if err != nil || len(cal.Events()) != 1 {
			t.Fatalf("invitation .ics: got %v, %v; want one event", cal, err)
		}
		start, err := cal.Events()[0].GetStartAt()
		if want := time.Date(2026, 4, 15, 16, 0, 0, 0, time.UTC); err != nil || !start.Equal(want) {
			t.Errorf("invitation starts: got %v, %v; want %v", start, err, want)
		}
	}
	if invitations != 2 {
		t.Errorf("got %d invitations in the outbox; want 2", invitations)
	}

	// Held: only invited villages can be present.
	ta.mustDo("POST", id+"/held", official, map[string]any{"present": []string{"cby"}}, 422)
	held := decode[meetingJSON](t, ta.mustDo("POST", id+"/held", official, map[string]any{"present": []string{"aby"}}, 200))
	if held.Status != survey.MeetingHeld || len(held.Present) != 1 {
		t.Fatalf("held: got %+v; want held with aby present", held)
	}
	ta.mustDo("POST", id+"/agenda", official, map[string]any{"title": "Sent"}, 409)
	ta.mustDo("PUT", id+"/items/"+item+"/minutes", official, map[string]any{"text": "Operatören har lovat svar."}, 200)
	ta.mustDo("PUT", id+"/items/nope/minutes", official, map[string]any{"text": "x"}, 404)

	// Decisions: one that becomes an action, linked both ways.
	code, b = ta.do("POST", id+"/items/"+item+"/decisions", official, map[string]any{"text": "Kommunen bjuder in operatören", "becomes": "action"})
	if code != 422 || !strings.Contains(string(b), `"plan"`) {
		t.Errorf("an action without its plan: got %d %s; want 422 on plan", code, b)
	}
	res := decode[struct {
		Decision survey.MeetingDecision `json:"decision"`
		Action   struct {
			ID     string      `json:"id"`
			Source *survey.Ref `json:"source"`
			Status string      `json:"status"`
		} `json:"action"`
	}](t, ta.mustDo("POST", id+"/items/"+item+"/decisions", official, map[string]any{"text": "Kommunen bjuder in operatören", "becomes": "action",
		"plan": planID, "priority": prio, "title": "Möte med operatören", "owner": "municipality", "responsible": "Näringslivskontoret", "due": "2026-06"}, 201))
	if res.Action.ID == "" || res.Action.Source == nil || res.Action.Source.Kind != survey.SourceMeetingDecision || res.Action.Source.ID != res.Decision.ID ||
		res.Decision.Created == nil || res.Decision.Created.ID != res.Action.ID {
		t.Fatalf("decision: got %+v; want the action and the decision naming each other", res)
	}
	actions := decode[[]struct {
		ID     string      `json:"id"`
		Source *survey.Ref `json:"source"`
	}](t, ta.mustDo("GET", "/api/v1/actions?village=aby", repA, nil, 200))
	if len(actions) != 1 || actions[0].Source == nil || actions[0].Source.ID != res.Decision.ID {
		t.Errorf("stored actions: got %+v; want the one naming the decision", actions)
	}
	ta.mustDo("POST", id+"/items/"+item+"/decisions", official, map[string]any{"text": "Noterades"}, 201)

	// One that becomes a matter, linked both ways too.
	code, b = ta.do("POST", id+"/items/"+item+"/decisions", official, map[string]any{"text": "Ett ärende", "becomes": "matter", "village": "nope", "title": "T"})
	if code != 422 || !strings.Contains(string(b), `"village"`) {
		t.Errorf("a matter of no village: got %d %s; want 422 on village", code, b)
	}
	mres := decode[struct {
		Decision survey.MeetingDecision `json:"decision"`
		Matter   struct {
			ID     string               `json:"id"`
			Ref    string               `json:"ref"`
			Status string               `json:"status"`
			Source *survey.MatterSource `json:"source"`
		} `json:"matter"`
	}](t, ta.mustDo("POST", id+"/items/"+item+"/decisions", official, map[string]any{"text": "Kontaktpersonen följer upp mastens placering",
		"becomes": "matter", "village": "aby", "title": "Mobilmasten", "description": "Var ska masten stå?"}, 201))
	if mres.Matter.ID == "" || mres.Matter.Status != "registered" || mres.Matter.Source == nil || mres.Matter.Source.Kind != survey.SourceMeetingDecision ||
		mres.Matter.Source.ID != mres.Decision.ID || mres.Decision.Created == nil || mres.Decision.Created.ID != mres.Matter.ID {
		t.Fatalf("decision → matter: got %+v; want a registered matter and the decision naming each other", mres)
	}
	got = decode[meetingJSON](t, ta.mustDo("GET", id, repA, nil, 200))
	if got.Agenda[0].Minutes != "Operatören har lovat svar." || len(got.Agenda[0].Decisions) != 3 {
		t.Errorf("item after the meeting: got %+v; want its minutes and three decisions", got.Agenda[0])
	}
	if d := got.Agenda[0].Decisions[2]; d.Created == nil || d.Created.Kind != "matter" || d.Created.ID != mres.Matter.ID {
		t.Errorf("stored decision: got %+v; want it naming the matter %s", d, mres.Matter.ID)
	}
	// A matter can name a meeting decision only when there is one.
	ta.mustDo("POST", "/api/v1/matters", official, map[string]any{"village": "aby", "title": "T", "source": map[string]any{"kind": "meeting_decision", "id": "nope"}}, 422)
	// And an agenda item can link to the matter, by its title.
	next := decode[meetingJSON](t, ta.mustDo("POST", "/api/v1/meetings", official, meetingBody("aby"), 201))
	ta.mustDo("POST", "/api/v1/meetings/"+next.ID+"/agenda", official, map[string]any{"title": "Uppföljning", "link": map[string]any{"kind": "matter", "id": mres.Matter.ID}}, 201)
	ta.mustDo("POST", "/api/v1/meetings/"+next.ID+"/agenda", official, map[string]any{"title": "Uppföljning", "link": map[string]any{"kind": "matter", "id": "2026-999"}}, 422)
	linked := decode[meetingJSON](t, ta.mustDo("GET", "/api/v1/meetings/"+next.ID, official, nil, 200))
	if len(linked.Agenda) != 1 || linked.Agenda[0].Link == nil || !strings.Contains(linked.Agenda[0].Link.Title, "Mobilmasten") {
		t.Errorf("matter link: got %+v; want its title", linked.Agenda)
	}

	// Approve, then nothing changes.
	ta.mustDo("POST", id+"/approve", official, nil, 200)
	ta.mustDo("POST", id+"/approve", official, nil, 409)
	ta.mustDo("PUT", id+"/items/"+item+"/minutes", official, map[string]any{"text": "Efteråt"}, 409)
	ta.mustDo("POST", id+"/items/"+item+"/decisions", official, map[string]any{"text": "Efteråt"}, 409)

	// The audit log has every step.
	entries := decode[[]struct {
		Action string `json:"action"`
	}](t, ta.mustDo("GET", "/api/v1/audit", ta.user(survey.RoleAdmin), nil, 200))
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.Action] = true
	}
	for _, a := range []string{auditMeetingCreated, auditMeetingItem, auditMeetingInvited, auditMeetingHeld, auditMeetingMinutes, auditMeetingDecision, auditMeetingApproved} {
		if !seen[a] {
			t.Errorf("audit: no %s", a)
		}
	}
}

func TestUpcomingMeetingsNeverListOneThatHasEnded(t *testing.T) {
	ta := plansApp(t)
	official := ta.user(survey.RoleOfficial)
	body := func(title string, starts, ends time.Time) map[string]any {
		return map[string]any{"kind": "theme", "title": title, "starts": starts.Format(time.RFC3339), "ends": ends.Format(time.RFC3339)}
	}
	now := ta.now
	ta.mustDo("POST", "/api/v1/meetings", official, body("past", now.Add(-3*time.Hour), now.Add(-time.Hour)), 201)
	ta.mustDo("POST", "/api/v1/meetings", official, body("running", now.Add(-time.Hour), now.Add(time.Hour)), 201)
	ta.mustDo("POST", "/api/v1/meetings", official, body("ending now", now.Add(-time.Hour), now), 201)
	ta.mustDo("POST", "/api/v1/meetings", official, body("coming", now.Add(time.Hour), now.Add(2*time.Hour)), 201)
	titles := func(q string) string {
		list := decode[[]struct {
			Title string `json:"title"`
		}](t, ta.mustDo("GET", "/api/v1/meetings"+q, ta.user(survey.RolePolitician), nil, 200))
		var out []string
		for _, m := range list {
			out = append(out, m.Title)
		}
		return strings.Join(out, ",")
	}
	if got, want := titles("?upcoming=true"), "running,coming"; got != want {
		t.Errorf("upcoming: got %s; want %s", got, want)
	}
	if got, want := titles(""), "past,running,ending now,coming"; got != want {
		t.Errorf("all: got %s; want %s", got, want)
	}
	ta.now = now.Add(90 * time.Minute)
	if got, want := titles("?upcoming=true"), "coming"; got != want {
		t.Errorf("upcoming later: got %s; want %s", got, want)
	}
	ta.mustDo("GET", "/api/v1/meetings?upcoming=maybe", ta.user(survey.RoleOfficial), nil, 400)
}

// The calendars parse back with the library and carry meetings, remiss
// deadlines, action due months and plan deadlines, with stable UIDs and no
// names of people.
func TestCalendarFeedsParseBack(t *testing.T) {
	ta := plansApp(t)
	official := ta.user(survey.RoleOfficial)
	rep := ta.user(survey.RoleRepresentative, "aby")
	planID, prio := meetingPlan(t, ta, rep)
	ta.mustDo("POST", "/api/v1/plans/"+planID+"/actions", rep, map[string]any{"priority": prio, "title": "Fiber till skolan",
		"owner": "group", "responsible": "Anna Andersson", "due": "2026-05"}, 201)
	m := decode[meetingJSON](t, ta.mustDo("POST", "/api/v1/meetings", official, meetingBody("aby"), 201))
	ta.mustDo("POST", "/api/v1/meetings", official, map[string]any{"kind": "storting", "title": "Stortinget", "starts": "2026-09-01T10:00",
		"ends": "2026-09-01T15:00", "villages": []string{"bby"}}, 201)
	prop := decode[struct {
		ID string `json:"id"`
	}](t, ta.mustDo("POST", "/api/v1/proposals", official, map[string]any{"title": "Belysning vid busshållplatsen", "body": "b", "submitted_by": "Per Persson"}, 201))
	ta.mustDo("POST", "/api/v1/proposals/"+prop.ID+"/remiss", official, map[string]any{"villages": []string{"aby"}, "deadline": "2026-04-30"}, 201)

	read := func(path string) (*ics.Calendar, string) {
		code, b := ta.do("GET", path, "", nil)
		if code != 200 {
			t.Fatalf("%s: got %d %s; want 200", path, code, b)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(string(b)))
		if err != nil {
			t.Fatalf("%s does not parse: %v", path, err)
		}
		return cal, string(b)
	}
	all, text := read("/kalender.ics")
	village, vtext := read("/byar/aby/kalender.ics")
	uids := func(cal *ics.Calendar) map[string]*ics.VEvent {
		out := map[string]*ics.VEvent{}
		for _, e := range cal.Events() {
			out[e.Id()] = e
			if _, err := e.GetDtStampTime(); err != nil {
				t.Errorf("%s: no DTSTAMP: %v", e.Id(), err)
			}
		}
		return out
	}
	a, v := uids(all), uids(village)
	if len(a) != 5 || len(v) != 4 {
		t.Errorf("got %d events in all, %d in aby's; want 5 (2 meetings, remiss, action, plan) and 4", len(a), len(v))
	}
	meeting := v["meeting-"+m.ID+calendarDomain]
	if meeting == nil {
		t.Fatalf("aby's calendar has no meeting %s: %v", m.ID, v)
	}
	if start, err := meeting.GetStartAt(); err != nil || !start.Equal(time.Date(2026, 4, 15, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("meeting starts: got %v, %v; want 16:00 UTC", start, err)
	}
	for uid, e := range v {
		if strings.HasPrefix(uid, "meeting-") {
			continue
		}
		day, err := e.GetAllDayStartAt()
		if err != nil {
			t.Errorf("%s: got %v; want an all-day date", uid, err)
		}
		want := map[string]string{"remiss": "2026-04-30", "action": "2026-05-31", "plan": "2026-03-31"}[strings.SplitN(uid, "-", 2)[0]]
		if got := day.Format("2006-01-02"); got != want {
			t.Errorf("%s: got %s; want %s", uid, got, want)
		}
	}
	for _, name := range []string{"Anna Andersson", "Per Persson", "Regionens bredbandssamordnare", "Test "} {
		if strings.Contains(text, name) || strings.Contains(vtext, name) {
			t.Errorf("a public calendar names %q", name)
		}
	}
	_, again := read("/byar/aby/kalender.ics")
	if again != vtext {
		t.Error("the same records give another feed; want it stable")
	}
	if code, _ := ta.do("GET", "/byar/nope/kalender.ics", "", nil); code != 404 {
		t.Errorf("unknown village: got %d; want 404", code)
	}
}

// AddToNextForum through the service: an item keyed once, on the next
// forum meeting's agenda.
func TestItemOwedToTheNextForumLandsOnItsAgenda(t *testing.T) {
	ta := plansApp(t)
	official := ta.user(survey.RoleOfficial)
	m := decode[meetingJSON](t, ta.mustDo("POST", "/api/v1/meetings", official, meetingBody("aby"), 201))
	s := storage.NewMeetings(ta.db)
	for i := range 3 {
		if _, _, err := s.AddToNextForum(context.Background(), ta.now, "matter/x/level2", survey.AgendaItem{Title: fmt.Sprintf("Ärende %d", i), Added: ta.now}); err != nil {
			t.Fatal(err)
		}
	}
	got := decode[meetingJSON](t, ta.mustDo("GET", "/api/v1/meetings/"+m.ID, official, nil, 200))
	if len(got.Agenda) != 1 || got.Agenda[0].Title != "Ärende 0" {
		t.Errorf("got %+v; want the one item added first", got.Agenda)
	}
}

// An invitation through a relay is multipart/mixed: the text, then the
// .ics in base64 that decodes to a calendar the library reads.
func TestInvitationMailCarriesTheICS(t *testing.T) {
	relay := startRelay(t)
	m := newMailer(relay.ln.Addr().String(), "forankra@kommun.se", nil)
	cal := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a@b\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260415T160000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	if err := m.Send(context.Background(), "rep@example.se", "Kallelse", "Hej\nvälkomna", survey.Attachment{Name: "mote.ics", ContentType: "text/calendar; charset=utf-8", Data: []byte(cal)}); err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), "rep@example.se", "Kallelse", "Hej", survey.Attachment{Name: "x\r\nBcc: evil@example.com", ContentType: "text/plain"}); err == nil {
		t.Error("an attachment name with a line break: got sent; want a refusal")
	}
	relay.mu.Lock()
	defer relay.mu.Unlock()
	if len(relay.msgs) != 1 {
		t.Fatalf("relay got %d messages; want 1", len(relay.msgs))
	}
	msg, err := mail.ReadMessage(strings.NewReader(relay.msgs[0]))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("got %q, %v; want multipart/mixed", mt, err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	text, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(text)
	if !strings.Contains(string(body), "välkomna") {
		t.Errorf("text part: got %q; want the body", body)
	}
	att, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	if att.FileName() != "mote.ics" || !strings.HasPrefix(att.Header.Get("Content-Type"), "text/calendar") {
		t.Errorf("attachment: got %q %q; want mote.ics as text/calendar", att.FileName(), att.Header.Get("Content-Type"))
	}
	raw, _ := io.ReadAll(att)
	data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ics.ParseCalendar(strings.NewReader(string(data)))
	if err != nil || len(parsed.Events()) != 1 || parsed.Events()[0].Id() != "a@b" {
		t.Errorf("attachment decodes to %v, %v; want the one event", parsed, err)
	}
}

// The village fund's deadlines are in every feed, all day, on the fund's dates.
func TestCalendarFeedsCarryTheFundsDeadlines(t *testing.T) {
	ta := plansApp(t)
	ta.mustDo("POST", "/api/v1/funds", ta.user(survey.RoleOfficial), fundBody(2026, 20000), 201)
	for _, path := range []string{"/kalender.ics", "/byar/aby/kalender.ics"} {
		code, b := ta.do("GET", path, "", nil)
		if code != 200 {
			t.Fatalf("%s: got %d %s; want 200", path, code, b)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(string(b)))
		if err != nil {
			t.Fatalf("%s does not parse: %v", path, err)
		}
		got := map[string]string{}
		for _, e := range cal.Events() {
			if day, err := e.GetAllDayStartAt(); err == nil {
				got[e.Id()] = day.Format("2006-01-02")
			}
		}
		for uid, want := range map[string]string{"fund-2026-applications" + calendarDomain: "2026-09-30", "fund-2026-reports" + calendarDomain: "2027-03-31"} {
			if got[uid] != want {
				t.Errorf("%s: %s on %q; want %s", path, uid, got[uid], want)
			}
		}
	}
}
