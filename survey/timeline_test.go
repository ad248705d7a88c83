package survey

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTimelinePageWalksEveryEventOnceNewestFirst(t *testing.T) {
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var events []Event
	for i := range 23 {
		// Pairs at the same instant: the id breaks the tie.
		events = append(events, Event{ID: fmt.Sprintf("e%02d", i), Kind: EventActionDone, At: base.Add(time.Duration(i/2) * time.Hour), Public: true})
	}
	for _, limit := range []int{1, 2, 5, 7, 23, 50} {
		t.Run(fmt.Sprintf("pages of %d", limit), func(t *testing.T) {
			seen := map[string]bool{}
			var last *Event
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > 30 {
					t.Fatal("got more than 30 pages; want the walk to end")
				}
				page, next := TimelinePage(events, TimelineQuery{Cursor: cursor, Limit: limit}, false)
				if len(page) > limit {
					t.Fatalf("got %d events; want at most %d", len(page), limit)
				}
				for i := range page {
					e := page[i]
					if seen[e.ID] {
						t.Fatalf("got %s twice", e.ID)
					}
					seen[e.ID] = true
					if last != nil && !eventBefore(*last, e) {
						t.Fatalf("got %s (%s) after %s (%s); want newest first", e.ID, e.At, last.ID, last.At)
					}
					last = &e
				}
				if next == "" {
					break
				}
				cursor = next
			}
			if len(seen) != len(events) {
				t.Errorf("got %d events over the pages; want %d", len(seen), len(events))
			}
		})
	}
}

func TestTimelinePageKeepsWhatTheReaderMaySee(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	events := []Event{
		{ID: "a", Kind: EventActionDone, At: at, Public: true, DoneBy: "Anna Andersson", Link: "/planer/p1"},
		{ID: "b", Kind: EventPlanSaved, At: at.Add(time.Hour), Public: false, Link: "/planer/p1"},
		{ID: "c", Kind: EventSurveyOpened, At: at.Add(2 * time.Hour), Public: true, Link: "/s/x/aby"},
		{ID: "d", Kind: EventPlanAdopted, At: at.Add(3 * time.Hour), Public: true, Link: "/planer/p1"},
	}
	tests := []struct {
		name  string
		kinds []string
		staff bool
		want  string
	}{
		{"anyone sees the public events", nil, false, "d c a"},
		{"a reader of the village sees every event", nil, true, "d c b a"},
		{"a family keeps its kinds", []string{"plan"}, true, "d b"},
		{"a kind keeps only itself", []string{EventPlanAdopted}, true, "d"},
		{"two filters keep both", []string{"survey", EventActionDone}, false, "c a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, _ := TimelinePage(events, TimelineQuery{Kinds: tt.kinds}, tt.staff)
			var ids []string
			for _, e := range page {
				ids = append(ids, e.ID)
			}
			if got := strings.Join(ids, " "); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
	t.Run("anyone gets no free text of who did it and no links that need an account", func(t *testing.T) {
		page, _ := TimelinePage(events, TimelineQuery{}, false)
		for _, e := range page {
			if e.DoneBy != "" {
				t.Errorf("%s: got done_by %q; want none", e.ID, e.DoneBy)
			}
			if strings.HasPrefix(e.Link, "/planer/") {
				t.Errorf("%s: got link %q; want none", e.ID, e.Link)
			}
		}
		if page[1].Link != "/s/x/aby" {
			t.Errorf("got survey link %q; want the public phone page", page[1].Link)
		}
	})
	t.Run("a reader of the village gets who did it", func(t *testing.T) {
		page, _ := TimelinePage(events, TimelineQuery{Kinds: []string{EventActionDone}}, true)
		if len(page) != 1 || page[0].DoneBy != "Anna Andersson" {
			t.Errorf("got %+v; want the action with done_by", page)
		}
	})
}

func TestParseTimelineQueryNamesTheField(t *testing.T) {
	good := encodeCursor(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "x")
	tests := []struct {
		name                string
		kind, cursor, limit string
		field               string
	}{
		{"nothing asked", "", "", "", ""},
		{"kinds and families", "plan, action_done", good, "10", ""},
		{"an unknown kind", "plans", "", "", "kind"},
		{"a cursor that is not base64", "", "!!", "", "cursor"},
		{"a cursor without an id", "", "MTIz", "", "cursor"},
		{"a limit of zero", "", "", "0", "limit"},
		{"a limit too large", "", "", "201", "limit"},
		{"a limit that is no number", "", "", "ten", "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTimelineQuery(tt.kind, tt.cursor, tt.limit)
			var verr *ValidationError
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("got %v; want no error", err)
			case tt.field != "" && (!errors.As(err, &verr) || verr.For(tt.field) == "" || !verr.Malformed):
				t.Errorf("got %v; want a 400 naming %s", err, tt.field)
			}
		})
	}
}

func TestSurveyEventsHideParticipationUnderMinN(t *testing.T) {
	opened := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	closed := opened.Add(14 * 24 * time.Hour)
	tests := []struct {
		name      string
		status    string
		responses int
		kinds     string
		want      *int
	}{
		{"an open survey has only its opening", Open, 40, EventSurveyOpened, nil},
		{"a closed survey at min_n shows its count", Closed, 5, EventSurveyOpened + " " + EventSurveyClosed, ptr(5)},
		{"a closed survey under min_n shows no count", Closed, 4, EventSurveyOpened + " " + EventSurveyClosed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sv := &Survey{ID: "s1", Title: "Vägen", Status: tt.status, Opened: &opened}
			if tt.status == Closed {
				sv.Closed = &closed
			}
			events := SurveyEvents(sv, "aby", tt.responses, 5)
			var kinds []string
			for _, e := range events {
				kinds = append(kinds, e.Kind)
			}
			if got := strings.Join(kinds, " "); got != tt.kinds {
				t.Fatalf("got %q; want %q", got, tt.kinds)
			}
			last := events[len(events)-1]
			if last.Kind != EventSurveyClosed {
				return
			}
			switch {
			case tt.want == nil && (last.Responses != nil || !last.Suppressed):
				t.Errorf("got responses %v, suppressed %v; want none, suppressed", last.Responses, last.Suppressed)
			case tt.want != nil && (last.Responses == nil || *last.Responses != *tt.want):
				t.Errorf("got responses %v; want %d", last.Responses, *tt.want)
			}
		})
	}
}

func ptr(n int) *int { return &n }

func TestPlanEventsNameEachStep(t *testing.T) {
	at := time.Date(2026, 1, 10, 10, 0, 0, 0, time.UTC)
	v := func(n int, status string) *Plan {
		return &Plan{ID: "aby-2026", Year: 2026, Version: n, Status: status, Saved: at.Add(time.Duration(n) * time.Hour)}
	}
	adopted := v(3, PlanAdopted)
	adopted.Adoption = &Adoption{Method: AnchorMeeting, Participants: 31}
	events := PlanEvents([]*Plan{v(1, PlanDraft), v(2, PlanDraft), adopted, v(4, PlanSubmitted), v(5, PlanAcknowledged)})
	want := []struct {
		kind   string
		public bool
	}{
		{EventPlanSaved, false}, {EventPlanSaved, false}, {EventPlanAdopted, true}, {EventPlanSubmitted, true}, {EventPlanAcknowledged, true},
	}
	if len(events) != len(want) {
		t.Fatalf("got %d events; want %d", len(events), len(want))
	}
	ids := map[string]bool{}
	for i, w := range want {
		if e := events[i]; e.Kind != w.kind || e.Public != w.public || e.Version != i+1 {
			t.Errorf("version %d: got %s public %v version %d; want %s public %v", i+1, e.Kind, e.Public, e.Version, w.kind, w.public)
		}
		ids[events[i].ID] = true
	}
	if len(ids) != len(events) {
		t.Errorf("got %d distinct ids; want %d", len(ids), len(events))
	}
	if e := events[2]; e.Method != AnchorMeeting || e.Participants != 31 {
		t.Errorf("got adoption %q with %d; want meeting with 31", e.Method, e.Participants)
	}
}

func TestActionDoneEventOnlyForDoneActions(t *testing.T) {
	done := PlanAction{ID: "a1", Plan: "aby-2026", Title: "Belysning", Owner: OwnerJoint, Status: ActionDone,
		DoneOn: Date{Year: 2026, Month: 4, Day: 2}, DoneBy: "Vägföreningen"}
	e, ok := ActionDoneEvent(done, "Samhällsbyggnad")
	if !ok || e.Date != done.DoneOn || e.Owner != OwnerJoint || e.Department != "Samhällsbyggnad" || !e.Public {
		t.Errorf("got %+v, %v; want a public event on 2026-04-02 by the joint owner and the department", e, ok)
	}
	done.Status = ActionInProgress
	if _, ok := ActionDoneEvent(done, ""); ok {
		t.Error("got an event for an action in progress; want none")
	}
}

// FuzzParseTimelineQuery: whatever the query string, the parser answers a
// query or a 400 naming a field, and a query it accepts pages without
// panicking.
func FuzzParseTimelineQuery(f *testing.F) {
	f.Add("plan,action_done", encodeCursor(time.Unix(1700000000, 5), "plan:aby-2026/v2"), "10")
	f.Add("", "", "")
	f.Add("survey", "MTIz", "0")
	f.Add(",,,", "fA", "-1")
	events := []Event{{ID: "a", Kind: EventPlanAdopted, Public: true}, {ID: "b", Kind: EventActionDone, At: time.Unix(5, 0)}}
	f.Fuzz(func(t *testing.T, kind, cursor, limit string) {
		q, err := ParseTimelineQuery(kind, cursor, limit)
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || !verr.Malformed || len(verr.Fields) == 0 {
				t.Fatalf("got %v; want a 400 naming a field", err)
			}
			return
		}
		page, _ := TimelinePage(events, q, true)
		if len(page) > q.Limit {
			t.Fatalf("got %d events; want at most %d", len(page), q.Limit)
		}
	})
}

func TestPlanVersionsSavedAtOnceReadNewestFirst(t *testing.T) {
	at := time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)
	var versions []*Plan
	for i, st := range []string{PlanDraft, PlanAdopted, PlanSubmitted, PlanAcknowledged} {
		versions = append(versions, &Plan{ID: "aby-2026", Year: 2026, Version: i + 9, Status: st, Saved: at})
	}
	page, _ := TimelinePage(PlanEvents(versions), TimelineQuery{}, true)
	var got []string
	for _, e := range page {
		got = append(got, e.Kind)
	}
	want := EventPlanAcknowledged + " " + EventPlanSubmitted + " " + EventPlanAdopted + " " + EventPlanSaved
	if strings.Join(got, " ") != want {
		t.Errorf("got %v; want %s", got, want)
	}
}
