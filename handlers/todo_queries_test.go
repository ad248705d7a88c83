package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/event"
)

// queryCounter counts the read commands a client sends, by collection,
// while it is on.
type queryCounter struct {
	mu    sync.Mutex
	on    bool
	reads map[string]int
}

func (q *queryCounter) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		switch e.CommandName {
		case "find", "aggregate", "count", "distinct", "getMore":
		default:
			return
		}
		col, _ := e.Command.Lookup(e.CommandName).StringValueOK()
		if e.CommandName == "getMore" {
			col, _ = e.Command.Lookup("collection").StringValueOK()
			col += " (getMore)"
		}
		q.mu.Lock()
		defer q.mu.Unlock()
		if q.on {
			q.reads[col]++
		}
	}}
}

// during counts the reads f makes.
func (q *queryCounter) during(f func()) map[string]int {
	q.mu.Lock()
	q.on, q.reads = true, map[string]int{}
	q.mu.Unlock()
	f()
	q.mu.Lock()
	defer q.mu.Unlock()
	q.on = false
	return q.reads
}

func countsText(m map[string]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// addWork gives every list of "Att göra" one more entry per village: a
// round waiting for answers, a proposal near the one-year rule, a survey,
// a submitted plan and an action due this month.
func addWork(t *testing.T, ta *testApp, official string, year int) {
	t.Helper()
	p := decode[struct{ ID string }](t, ta.mustDo("POST", "/api/v1/proposals", official, map[string]any{"title": fmt.Sprintf("Brygga %d", year), "body": "x", "received": "2026-02-01"}, 201)).ID
	ta.mustDo("POST", "/api/v1/proposals/"+p+"/remiss", official, map[string]any{"villages": []string{"aby", "bby"}, "deadline": "2026-03-31"}, 201)
	ta.mustDo("POST", "/api/v1/proposals", official, map[string]any{"title": fmt.Sprintf("Gammal belysning %d", year), "body": "x", "received": "2025-04-01"}, 201)
	ta.mustDo("POST", "/api/v1/surveys", official, surveyTitled(fmt.Sprintf("Busstider %d", year), "aby"), 201)
	for _, village := range []string{"aby", "bby"} {
		pl := decode[planJSON](t, ta.mustDo("POST", "/api/v1/villages/"+village+"/plans", official, map[string]any{"year": year}, 201))
		pl = decode[planJSON](t, ta.mustDo("PUT", "/api/v1/plans/"+pl.ID, official, map[string]any{"version": pl.Version, "summary": "Vägar.",
			"priorities": []map[string]any{{"focus_area": "kommunikationer-och-vagar", "rank": 1, "label": "Skolväg", "horizon": "year"}}}, 200))
		for _, owner := range []string{"group", "municipality"} {
			ta.mustDo("POST", "/api/v1/plans/"+pl.ID+"/actions", official, map[string]any{"priority": pl.Priorities[0].ID, "title": "Mät trafiken " + owner,
				"owner": owner, "responsible": "Anna", "due": "2026-03"}, 201)
		}
		ta.mustDo("POST", "/api/v1/plans/"+pl.ID+"/adopt", official, map[string]any{"date": "2026-03-01", "method": "meeting", "participants": 12}, 200)
		ta.mustDo("POST", "/api/v1/plans/"+pl.ID+"/submit", official, nil, 200)
	}
}

// TestTodoReadsEachCollectionOnceWhateverItLists counts the database reads of
// "Att göra" for every role: each collection is read at most once (one query
// per list, lists sharing what they read), and twice as much work to list
// costs not one read more.
func TestTodoReadsEachCollectionOnceWhateverItLists(t *testing.T) {
	q := &queryCounter{}
	ta := &testApp{t: t, now: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	ta.db = dbtest.New(t, storage.WithCommandMonitor(q.monitor()))
	ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now }})
	cx := context.Background()
	for _, v := range []survey.Village{{Slug: "aby", Name: "Åby", Population: 300}, {Slug: "bby", Name: "Bby", Population: 200}} {
		if err := storage.NewVillages(ta.db).Create(cx, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := storage.NewPlans(ta.db).EnsureFocusAreas(cx); err != nil {
		t.Fatal(err)
	}
	official := ta.user("official")
	roles := []struct {
		name string
		who  account
		want []string // a text of each list the role sees, so the lists are not empty
	}{
		{"representative", ta.account(survey.RoleRepresentative, "aby"), []string{"/svara/aby", "Busstider 2026", "Mät trafiken group"}},
		{"official", ta.account(survey.RoleOfficial), []string{"Svar saknas från", "Gammal belysning 2026", "Busstider 2026", "Mät trafiken municipality", "/planer/aby-2026"}},
		{"politician", ta.account(survey.RolePolitician), []string{"Gammal belysning 2026", "Busstider 2026"}},
		{"forum", ta.account(survey.RoleForum), []string{"Busstider 2026"}},
		{"admin", ta.account(survey.RoleAdmin), []string{"Svar saknas från", "Gammal belysning 2026", "/planer/aby-2026"}},
	}
	measure := func(who account, want []string) map[string]int {
		var code int
		var b []byte
		reads := q.during(func() { code, b, _ = ta.page("GET", "/att-gora", who, nil) })
		if code != http.StatusOK {
			t.Fatalf("GET /att-gora: got %d; want 200", code)
		}
		for _, w := range want {
			if !strings.Contains(string(b), w) {
				t.Errorf("got no %q on the page; want every list filled", w)
			}
		}
		return reads
	}
	addWork(t, ta, official, 2026)
	first := map[string]map[string]int{}
	for _, r := range roles {
		first[r.name] = measure(r.who, r.want)
	}
	addWork(t, ta, official, 2027)
	for _, r := range roles {
		t.Run("the "+r.name+"'s lists read each collection once", func(t *testing.T) {
			got := measure(r.who, r.want)
			t.Logf("reads: %s", countsText(got))
			for col, n := range got {
				if n > 1 {
					t.Errorf("got %d reads of %s; want at most 1 (one query per list)", n, col)
				}
			}
			if countsText(got) != countsText(first[r.name]) {
				t.Errorf("got reads %s with twice the work; want the same as with half: %s", countsText(got), countsText(first[r.name]))
			}
		})
	}
}
