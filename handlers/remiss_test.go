package handlers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// summaryJSON is the part of GET /remisses/{id}/summary the tests read.
type summaryJSON struct {
	Proposal string         `json:"proposal"`
	Deadline string         `json:"deadline"`
	Status   string         `json:"status"`
	DaysLeft int            `json:"days_left"`
	Counts   map[string]int `json:"counts"`
	Missing  []string       `json:"missing"`
	Answers  []struct {
		Village    string `json:"village"`
		Stance     string `json:"stance"`
		Motivation string `json:"motivation"`
		Anchoring  struct {
			Method       string `json:"method"`
			Participants int    `json:"participants"`
		} `json:"anchoring"`
		AnsweredAt string `json:"answered_at"`
		History    []struct {
			Stance     string `json:"stance"`
			AnsweredBy string `json:"answered_by"`
			ReplacedAt string `json:"replaced_at"`
		} `json:"history"`
	} `json:"answers"`
}

// remissSetup makes villages aby, backby and cby, and a proposal; it returns
// the admin's token and the proposal's id.
func (ta *testApp) remissSetup() (string, string) {
	ta.t.Helper()
	admin := ta.user("admin")
	for _, name := range []string{"Åby", "Bäckby", "Cby"} {
		if code, b := ta.do("POST", "/api/v1/villages", admin, map[string]any{"name": name}); code != http.StatusCreated {
			ta.t.Fatalf("create village %s: got %d %s; want 201", name, code, b)
		}
	}
	official := ta.user("official")
	code, b := ta.do("POST", "/api/v1/proposals", official, map[string]any{
		"title": "Brygga vid badplatsen", "body": "Bygg en brygga vid Åby badplats.", "submitted_by": "Anna Andersson", "received": "2026-02-01"})
	if code != http.StatusCreated {
		ta.t.Fatalf("register proposal: got %d %s; want 201", code, b)
	}
	p := decode[map[string]any](ta.t, b)
	if p["status"] != survey.ProposalReceived {
		ta.t.Fatalf("got status %v; want received", p["status"])
	}
	return admin, p["id"].(string)
}

func TestRemissRoundFromProposalToDecision(t *testing.T) {
	ta := newTestApp(t) // 2026-03-10 09:00 UTC
	_, proposal := ta.remissSetup()
	official := ta.user("official")
	repA := ta.user("representative", "aby")
	repB := ta.user("representative", "backby")
	repC := ta.user("representative", "cby")

	t.Run("a past deadline is refused with 422 naming deadline", func(t *testing.T) {
		code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official,
			map[string]any{"villages": []string{"aby", "backby", "cby"}, "deadline": "2026-03-09"})
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("got %d %s; want 422", code, b)
		}
		if e := decode[apiError](t, b); len(e.Errors) != 1 || e.Errors[0].Field != "deadline" {
			t.Errorf("got errors %+v; want one on deadline", e.Errors)
		}
	})
	t.Run("a representative cannot send a proposal on remiss", func(t *testing.T) {
		code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", repA,
			map[string]any{"villages": []string{"aby"}, "deadline": "2026-03-31"})
		if code != http.StatusForbidden {
			t.Fatalf("got %d %s; want 403", code, b)
		}
	})

	code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official,
		map[string]any{"villages": []string{"aby", "backby", "cby"}, "deadline": "2026-03-31", "question": "Behövs bryggan?"})
	if code != http.StatusCreated {
		t.Fatalf("send on remiss: got %d %s; want 201", code, b)
	}
	round := decode[map[string]any](t, b)
	remiss := round["id"].(string)
	if round["status"] != survey.RemissOpen {
		t.Errorf("got round status %v; want open", round["status"])
	}
	if code, b := ta.do("GET", "/api/v1/proposals/"+proposal, official, nil); code != 200 || decode[map[string]any](t, b)["status"] != survey.ProposalOnRemiss {
		t.Errorf("proposal after sending: got %d %s; want status on_remiss", code, b)
	}

	answer := func(token, village, stance, motivation string) (int, []byte) {
		return ta.do("POST", "/api/v1/remisses/"+remiss+"/answers", token, map[string]any{
			"village": village, "stance": stance, "motivation": motivation,
			"anchoring": map[string]any{"method": "meeting", "participants": 23}})
	}
	tests := []struct {
		name       string
		token      string
		village    string
		stance     string
		motivation string
		want       int
		field      string
		history    int // replaced versions in a 201's body
	}{
		{"a representative answering for another village is refused with 403", repA, "backby", "support", "Ja", http.StatusForbidden, "", 0},
		{"an official cannot answer for a village", official, "aby", "support", "Ja", http.StatusForbidden, "", 0},
		{"an unknown stance is refused with 422 naming stance", repA, "aby", "kanske", "Vi vet inte", http.StatusUnprocessableEntity, "stance", 0},
		{"a village outside the round is refused with 422", ta.user("admin"), "nowhere", "support", "Ja", http.StatusUnprocessableEntity, "village", 0},
		{"a representative answers for their village", repA, "aby", "support", "Bra för byn", http.StatusCreated, "", 0},
		{"the representative changes the answer before the deadline", repA, "aby", "support_with_changes", "Bra, men bygg den längre", http.StatusCreated, "", 1},
		{"another village answers", repB, "backby", "oppose", "För dyrt", http.StatusCreated, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := answer(tt.token, tt.village, tt.stance, tt.motivation)
			if code != tt.want {
				t.Fatalf("got %d %s; want %d", code, b, tt.want)
			}
			if tt.field != "" {
				if e := decode[apiError](t, b); len(e.Errors) == 0 || e.Errors[0].Field != tt.field {
					t.Errorf("got errors %+v; want one on %s", e.Errors, tt.field)
				}
			}
			if code == http.StatusCreated {
				got := decode[struct {
					Replaced bool  `json:"replaced"`
					History  []any `json:"history"`
				}](t, b)
				if len(got.History) != tt.history || got.Replaced != (tt.history > 0) {
					t.Errorf("got replaced=%v with %d earlier versions; want %d", got.Replaced, len(got.History), tt.history)
				}
			}
		})
	}

	t.Run("the summary counts every stance, lists the missing and keeps the replaced answer", func(t *testing.T) {
		code, b := ta.do("GET", "/api/v1/remisses/"+remiss+"/summary", official, nil)
		if code != http.StatusOK {
			t.Fatalf("got %d %s; want 200", code, b)
		}
		s := decode[summaryJSON](t, b)
		want := map[string]int{"support": 0, "support_with_changes": 1, "oppose": 1, "no_opinion": 0}
		for k, n := range want {
			if got, ok := s.Counts[k]; !ok || got != n {
				t.Errorf("counts[%s]: got %d (present: %v); want %d", k, got, ok, n)
			}
		}
		if len(s.Missing) != 1 || s.Missing[0] != "cby" {
			t.Errorf("missing: got %v; want [cby]", s.Missing)
		}
		if s.Proposal != proposal || s.Deadline != "2026-03-31" || s.Status != "open" || s.DaysLeft != 21 {
			t.Errorf("got proposal %s, deadline %s, status %s, %d days left; want %s, 2026-03-31, open, 21", s.Proposal, s.Deadline, s.Status, s.DaysLeft, proposal)
		}
		if len(s.Answers) != 2 || s.Answers[0].Village != "aby" {
			t.Fatalf("answers: got %+v; want aby and backby", s.Answers)
		}
		aby := s.Answers[0]
		if aby.Stance != "support_with_changes" || aby.Anchoring.Method != "meeting" || aby.Anchoring.Participants != 23 || aby.AnsweredAt == "" {
			t.Errorf("aby's answer: got %+v; want support_with_changes anchored at a meeting of 23", aby)
		}
		if len(aby.History) != 1 || aby.History[0].Stance != "support" || aby.History[0].AnsweredBy == "" || aby.History[0].ReplacedAt == "" {
			t.Errorf("aby's history: got %+v; want the replaced support answer with who and when", aby.History)
		}
	})

	t.Run("the answers list keeps the replaced answer too", func(t *testing.T) {
		code, b := ta.do("GET", "/api/v1/remisses/"+remiss+"/answers", repB, nil)
		answers := decode[[]struct {
			Village string `json:"village"`
			History []struct {
				Stance string `json:"stance"`
			} `json:"history"`
		}](t, b)
		if code != 200 || len(answers) != 2 || answers[0].Village != "aby" || len(answers[0].History) != 1 || answers[0].History[0].Stance != "support" {
			t.Errorf("got %d %s; want aby's answer with the replaced support, and backby's", code, b)
		}
	})

	t.Run("a representative of an unconsulted village cannot read the summary", func(t *testing.T) {
		if code, b := ta.do("GET", "/api/v1/remisses/"+remiss+"/summary", ta.user("representative", "elsewhere"), nil); code != http.StatusForbidden {
			t.Errorf("got %d %s; want 403", code, b)
		}
	})

	t.Run("a decision while the round is open is a conflict", func(t *testing.T) {
		code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/decision", official, map[string]any{"outcome": "approved", "text": "Bifall", "date": "2026-03-10"})
		if code != http.StatusConflict {
			t.Fatalf("got %d %s; want 409", code, b)
		}
	})

	if code, b := ta.do("POST", "/api/v1/remisses/"+remiss+"/close", official, nil); code != http.StatusOK {
		t.Fatalf("close: got %d %s; want 200", code, b)
	}
	t.Run("closing again is a conflict", func(t *testing.T) {
		if code, b := ta.do("POST", "/api/v1/remisses/"+remiss+"/close", official, nil); code != http.StatusConflict {
			t.Errorf("got %d %s; want 409", code, b)
		}
	})
	t.Run("a late answer is refused with 409", func(t *testing.T) {
		if code, b := answer(repC, "cby", "no_opinion", ""); code != http.StatusConflict {
			t.Fatalf("got %d %s; want 409", code, b)
		}
		if code, b := answer(repA, "aby", "oppose", "Vi ångrar oss"); code != http.StatusConflict {
			t.Fatalf("changing after the close: got %d %s; want 409", code, b)
		}
	})
	t.Run("a closed round's deadline cannot be moved", func(t *testing.T) {
		if code, b := ta.do("PATCH", "/api/v1/remisses/"+remiss, official, map[string]any{"deadline": "2026-04-30"}); code != http.StatusConflict {
			t.Errorf("got %d %s; want 409", code, b)
		}
	})
	if code, b := ta.do("GET", "/api/v1/proposals/"+proposal, official, nil); decode[map[string]any](t, b)["status"] != survey.ProposalRemissClosed {
		t.Errorf("proposal after close: got %d %s; want status remiss_closed", code, b)
	}

	code, b = ta.do("POST", "/api/v1/proposals/"+proposal+"/decision", official, map[string]any{"outcome": "partly_approved", "text": "Bryggan byggs 2027.", "date": "2026-03-10"})
	if code != http.StatusOK {
		t.Fatalf("decision: got %d %s; want 200", code, b)
	}
	code, b = ta.do("GET", "/api/v1/proposals/"+proposal, repA, nil)
	p := decode[map[string]any](t, b)
	if code != http.StatusOK || p["status"] != survey.ProposalDecided {
		t.Fatalf("proposal: got %d %s; want status decided", code, b)
	}
	if d, _ := p["decision"].(map[string]any); d["outcome"] != "partly_approved" || d["date"] != "2026-03-10" {
		t.Errorf("got decision %v; want partly_approved on 2026-03-10", p["decision"])
	}
	t.Run("a second decision is a conflict", func(t *testing.T) {
		if code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/decision", official, map[string]any{"outcome": "rejected"}); code != http.StatusConflict {
			t.Errorf("got %d %s; want 409", code, b)
		}
	})

	t.Run("the audit log holds the round sent, closed and the decision", func(t *testing.T) {
		entries, err := storage.NewAudit(ta.db).List(context.Background(), 50)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range entries {
			seen[e.Action] = true
		}
		for _, want := range []string{"proposal.registered", "remiss.sent", "remiss.closed", "proposal.decided"} {
			if !seen[want] {
				t.Errorf("got actions %v; want %s among them", seen, want)
			}
		}
	})
}

func TestRemissDeadlineEndsAtMidnightStockholmAcrossDaylightSaving(t *testing.T) {
	ta := newTestApp(t)
	_, proposal := ta.remissSetup()
	official := ta.user("official")
	// Summer time starts on Sunday 29 March 2026: that day ends at 22:00 UTC.
	code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official, map[string]any{"villages": []string{"aby"}, "deadline": "2026-03-29"})
	if code != http.StatusCreated {
		t.Fatalf("send: got %d %s; want 201", code, b)
	}
	remiss := decode[map[string]any](t, b)["id"].(string)
	tests := []struct {
		name string
		at   time.Time
		want int
	}{
		{"23:59:59 on the deadline day is in time", time.Date(2026, 3, 29, 21, 59, 59, 0, time.UTC), http.StatusCreated},
		{"00:00:00 the day after is too late", time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC), http.StatusConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta.now = tt.at
			rep := ta.user("representative", "aby") // tokens last an hour
			code, b := ta.do("POST", "/api/v1/remisses/"+remiss+"/answers", rep, map[string]any{"village": "aby", "stance": "no_opinion"})
			if code != tt.want {
				t.Fatalf("got %d %s; want %d", code, b, tt.want)
			}
		})
	}
	official = ta.user("official")
	rep := ta.user("representative", "aby")
	t.Run("moving the deadline to the day that just ended is refused with 422", func(t *testing.T) {
		code, b := ta.do("PATCH", "/api/v1/remisses/"+remiss, official, map[string]any{"deadline": "2026-03-29"})
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("got %d %s; want 422", code, b)
		}
		if e := decode[apiError](t, b); len(e.Errors) != 1 || e.Errors[0].Field != "deadline" {
			t.Errorf("got errors %+v; want one on deadline", e.Errors)
		}
	})
	t.Run("extending the deadline takes answers again", func(t *testing.T) {
		if code, b := ta.do("PATCH", "/api/v1/remisses/"+remiss, official, map[string]any{"deadline": "2026-04-05"}); code != http.StatusOK {
			t.Fatalf("got %d %s; want 200", code, b)
		}
		if code, b := ta.do("POST", "/api/v1/remisses/"+remiss+"/answers", rep, map[string]any{"village": "aby", "stance": "oppose", "motivation": "Nej"}); code != http.StatusCreated {
			t.Fatalf("got %d %s; want 201", code, b)
		}
		entries, err := storage.NewAudit(ta.db).List(context.Background(), 1)
		if err != nil || len(entries) != 1 || entries[0].Action != "remiss.deadline_moved" || entries[0].Detail != "från 2026-03-29 till 2026-04-05" {
			t.Errorf("got audit %+v, %v; want the move from 2026-03-29 to 2026-04-05 recorded", entries, err)
		}
	})
}

func TestRemissRequestsAreCheckedFieldByField(t *testing.T) {
	ta := newTestApp(t)
	_, proposal := ta.remissSetup()
	official := ta.user("official")
	tests := []struct {
		name   string
		token  string
		path   string
		body   any
		want   int
		field  string
		method string
	}{
		{"a proposal without a title names title", official, "/api/v1/proposals", map[string]any{"body": "x"}, 422, "title", "POST"},
		{"a proposal received in the future names received", official, "/api/v1/proposals", map[string]any{"title": "T", "body": "x", "received": "2027-01-01"}, 422, "received", "POST"},
		{"a forum member cannot register proposals", ta.user("forum"), "/api/v1/proposals", map[string]any{"title": "T", "body": "x"}, 403, "", "POST"},
		{"anonymous callers are asked to sign in", "", "/api/v1/proposals", nil, 401, "", "GET"},
		{"an unknown field is a malformed request", official, "/api/v1/proposals", map[string]any{"title": "T", "body": "x", "colour": "red"}, 400, "colour", "POST"},
		{"a round to an unknown village names it", official, "/api/v1/proposals/" + proposal + "/remiss", map[string]any{"villages": []string{"aby", "atlantis"}, "deadline": "2026-04-01"}, 422, "villages[1]", "POST"},
		{"a round to no village names villages", official, "/api/v1/proposals/" + proposal + "/remiss", map[string]any{"villages": []string{}, "deadline": "2026-04-01"}, 422, "villages", "POST"},
		{"a deadline in another format names deadline", official, "/api/v1/proposals/" + proposal + "/remiss", map[string]any{"villages": []string{"aby"}, "deadline": "1 april"}, 422, "deadline", "POST"},
		{"a linked survey that does not exist names it", official, "/api/v1/proposals/" + proposal + "/remiss", map[string]any{"villages": []string{"aby"}, "deadline": "2026-04-01", "surveys": map[string]string{"aby": "nope"}}, 422, "surveys.aby", "POST"},
		{"an unknown proposal is 404", official, "/api/v1/proposals/nope/remiss", map[string]any{"villages": []string{"aby"}, "deadline": "2026-04-01"}, 404, "", "POST"},
		{"an unknown round is 404", official, "/api/v1/remisses/nope/summary", nil, 404, "", "GET"},
		{"an unknown outcome names outcome", official, "/api/v1/proposals/" + proposal + "/decision", map[string]any{"outcome": "maybe"}, 422, "outcome", "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ta.do(tt.method, tt.path, tt.token, tt.body)
			if code != tt.want {
				t.Fatalf("got %d %s; want %d", code, b, tt.want)
			}
			if tt.field != "" {
				if e := decode[apiError](t, b); len(e.Errors) == 0 || e.Errors[0].Field != tt.field {
					t.Errorf("got errors %+v; want one on %s", e.Errors, tt.field)
				}
			}
		})
	}
}

func TestOneYearRuleShowsOnTheProposalList(t *testing.T) {
	ta := newTestApp(t)
	official := ta.user("official")
	for _, tt := range []struct{ title, received string }{{"Gammalt", "2025-03-01"}, {"Nästan", "2025-05-01"}, {"Nytt", "2026-03-01"}} {
		if code, b := ta.do("POST", "/api/v1/proposals", official, map[string]any{"title": tt.title, "body": "x", "received": tt.received}); code != 201 {
			t.Fatalf("register: got %d %s", code, b)
		}
	}
	code, b := ta.do("GET", "/api/v1/proposals", official, nil)
	if code != 200 {
		t.Fatalf("got %d %s", code, b)
	}
	got := map[string]string{}
	for _, p := range decode[[]map[string]any](t, b) {
		flag, _ := p["year_rule"].(string)
		got[p["title"].(string)] = fmt.Sprintf("%v/%s", p["days_waiting"], flag)
	}
	want := map[string]string{"Gammalt": "374/over", "Nästan": "313/near", "Nytt": "9/"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %s; want %s", k, got[k], v)
		}
	}
	code, page := ta.pageBearer("GET", "/forslag", official, nil)
	if code != 200 || !strings.Contains(string(page), "Över ett år") || !strings.Contains(string(page), "Nära ett år") {
		t.Errorf("list page: got %d; want the flags written out in text", code)
	}
}

func TestRemindersGoToTheMissingVillagesRepresentatives(t *testing.T) {
	ta := newTestApp(t)
	_, proposal := ta.remissSetup()
	official := ta.user("official")
	repA := ta.user("representative", "aby")
	ta.user("representative", "backby")
	ta.user("representative", "backby", "aby")
	code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official, map[string]any{"villages": []string{"aby", "backby", "cby"}, "deadline": "2026-03-20"})
	if code != 201 {
		t.Fatalf("send: got %d %s", code, b)
	}
	remiss := decode[map[string]any](t, b)["id"].(string)
	if code, b := ta.do("POST", "/api/v1/remisses/"+remiss+"/answers", repA, map[string]any{"village": "aby", "stance": "support", "motivation": "Ja"}); code != 201 {
		t.Fatalf("answer: got %d %s", code, b)
	}
	if code, _ := ta.do("POST", "/api/v1/remisses/"+remiss+"/reminders", repA, nil); code != http.StatusForbidden {
		t.Errorf("a representative queuing reminders: got %d; want 403", code)
	}
	code, b = ta.do("POST", "/api/v1/remisses/"+remiss+"/reminders", official, nil)
	if code != http.StatusCreated {
		t.Fatalf("reminders: got %d %s; want 201", code, b)
	}
	res := decode[struct {
		Queued   int `json:"queued"`
		Messages []struct {
			Village, Status, Body string
		} `json:"messages"`
		Without  []string `json:"villages_without_representative"`
		Delivery string   `json:"delivery"`
	}](t, b)
	if res.Queued != 2 || len(res.Without) != 1 || res.Without[0] != "cby" || res.Delivery != "outbox" {
		t.Fatalf("got %+v; want 2 reminders for backby's two representatives, cby without anyone, kept in the outbox", res)
	}
	for _, m := range res.Messages {
		if m.Village != "backby" || m.Status != survey.MessageQueued || !strings.Contains(m.Body, "2026-03-20") || !strings.Contains(m.Body, "10 dagar kvar") {
			t.Errorf("got %+v; want a queued reminder for backby naming the deadline and 10 days left", m)
		}
	}
	_, b = ta.do("GET", "/api/v1/outbox?remiss="+remiss, official, nil)
	queued := len(decode[[]survey.OutboxMessage](t, b)) // the new remiss's notices and the reminders
	code, page := ta.pageBearer("GET", "/remisser/"+remiss, official, nil)
	if got := strings.Count(string(page), "I utkorgen"); code != 200 || got != queued || queued < 2 {
		t.Errorf("follow-up page: got %d, %d messages waiting; want every one of the %d messages shown as waiting in the outbox", code, got, queued)
	}
}

// page sends a page request signed with a bearer token (the session
// middleware comes with the sign-in pages) and returns status and body.
func (ta *testApp) pageBearer(method, path, token string, form url.Values) (int, []byte) {
	ta.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ta.send(req)
}

func TestRemissPagesWalkTheSameFlow(t *testing.T) {
	ta := newTestApp(t)
	ta.remissSetup()
	official := ta.user("official")
	rep := ta.user("representative", "aby")

	code, b := ta.pageBearer("POST", "/forslag/ny", official, url.Values{"title": {""}, "body": {"Text"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), `href="#f-title"`) || !strings.Contains(string(b), `aria-describedby="e-title"`) {
		t.Fatalf("empty title: got %d; want 422 with an error linked to the field\n%s", code, b)
	}
	code, _ = ta.pageBearer("POST", "/forslag/ny", official, url.Values{"title": {"Cykelväg"}, "body": {"Bygg en cykelväg."}, "received": {"2026-03-01"}})
	if code != http.StatusSeeOther {
		t.Fatalf("register: got %d; want 303", code)
	}
	list, _ := storage.NewProposals(ta.db).List(context.Background())
	var id string
	for _, p := range list {
		if p.Title == "Cykelväg" {
			id = p.ID
		}
	}
	code, b = ta.pageBearer("POST", "/forslag/"+id+"/remiss", official, url.Values{"villages": {"aby", "backby"}, "deadline": {"2026-03-01"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), "Sista svarsdagen har redan passerat") {
		t.Fatalf("past deadline: got %d; want 422 saying the day has passed", code)
	}
	if code, _ = ta.pageBearer("POST", "/forslag/"+id+"/remiss", official, url.Values{"villages": {"aby", "backby"}, "deadline": {"2026-03-31"}}); code != http.StatusSeeOther {
		t.Fatalf("send: got %d; want 303", code)
	}
	rounds, _ := storage.NewRemisses(ta.db).List(context.Background(), storage.RemissFilter{Proposal: id})
	if len(rounds) != 1 {
		t.Fatalf("got %d rounds; want 1", len(rounds))
	}
	remiss := rounds[0].ID

	code, b = ta.pageBearer("GET", "/remisser", rep, nil)
	if code != 200 || !strings.Contains(string(b), "Remisser att besvara") || !strings.Contains(string(b), "/remisser/"+remiss+"/svara/aby") || strings.Contains(string(b), "/svara/backby") {
		t.Fatalf("inbox: got %d; want a link to answer for aby only\n%s", code, b)
	}
	if code, _ := ta.pageBearer("GET", "/remisser/"+remiss+"/svara/backby", rep, nil); code != http.StatusForbidden {
		t.Errorf("another village's form: got %d; want 403", code)
	}
	code, b = ta.pageBearer("POST", "/remisser/"+remiss+"/svara/aby", rep, url.Values{"stance": {"kanske"}, "method": {"meeting"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), `href="#f-stance"`) {
		t.Fatalf("unknown stance: got %d; want 422 linking to the stance field", code)
	}
	for _, stance := range []string{"support", "oppose"} {
		code, _ = ta.pageBearer("POST", "/remisser/"+remiss+"/svara/aby", rep, url.Values{"stance": {stance}, "motivation": {"Därför"}, "method": {"board"}, "participants": {"7"}})
		if code != http.StatusSeeOther {
			t.Fatalf("answer %s: got %d; want 303", stance, code)
		}
	}
	code, b = ta.pageBearer("GET", "/remisser/"+remiss+"/svara/aby", rep, nil)
	if code != 200 || !strings.Contains(string(b), "Tidigare versioner") || !strings.Contains(string(b), `value="oppose" checked`) {
		t.Errorf("answer page: got %d; want the current answer prefilled and the history\n%s", code, b)
	}

	code, b = ta.pageBearer("GET", "/remisser/"+remiss+"/sammanstallning", official, nil)
	page := string(b)
	for _, want := range []string{"Remissammanställning", "/remisser/" + remiss + "/diagram.png", "1 avstyrker", "Bäckby", "Styrelsemöte"} {
		if code != 200 || !strings.Contains(page, want) {
			t.Errorf("summary page: got %d; want it to contain %q", code, want)
		}
	}

	for _, tt := range []struct{ path, want string }{{"/diagram.png", "\x89PNG"}, {"/diagram.svg", "<svg"}, {"/sammanstallning.csv", "ställningstagande"}} {
		if code, b := ta.pageBearer("GET", "/remisser/"+remiss+tt.path, official, nil); code != 200 || !strings.Contains(string(b), tt.want) {
			t.Errorf("GET %s from the summary page: got %d; want 200 with %q", tt.path, code, tt.want)
		}
	}
	if code, _ := ta.pageBearer("POST", "/remisser/"+remiss+"/stang", rep, url.Values{}); code != http.StatusForbidden {
		t.Errorf("a representative closing: got %d; want 403", code)
	}
	if code, _ := ta.pageBearer("POST", "/remisser/"+remiss+"/stang", official, url.Values{"confirm": {"yes"}}); code != http.StatusSeeOther {
		t.Errorf("close: got %d; want 303", code)
	}
	code, _ = ta.pageBearer("POST", "/forslag/"+id+"/beslut", official, url.Values{"outcome": {"answered"}, "text": {"Besvarat."}, "date": {"2026-03-10"}})
	if code != http.StatusSeeOther {
		t.Fatalf("decision: got %d; want 303", code)
	}
	code, b = ta.pageBearer("GET", "/forslag/"+id, official, nil)
	if code != 200 || !strings.Contains(string(b), "Beslutat") || !strings.Contains(string(b), "Besvarat") {
		t.Errorf("proposal page: got %d; want it decided and answered", code)
	}
	if code, _ := ta.pageBearer("GET", "/forslag", "", nil); code != http.StatusUnauthorized {
		t.Errorf("anonymous: got %d; want 401", code)
	}
}

func TestSummaryCSVHasOneRowAVillage(t *testing.T) {
	ta := newTestApp(t)
	_, proposal := ta.remissSetup()
	official := ta.user("official")
	rep := ta.user("representative", "aby")
	_, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official, map[string]any{"villages": []string{"aby", "backby"}, "deadline": "2026-03-31"})
	remiss := decode[map[string]any](t, b)["id"].(string)
	ta.do("POST", "/api/v1/remisses/"+remiss+"/answers", rep, map[string]any{"village": "aby", "stance": "oppose", "motivation": "=HYPERLINK(\"x\")"})
	code, b := ta.do("GET", "/api/v1/remisses/"+remiss+"/summary.csv", official, nil)
	if code != 200 {
		t.Fatalf("got %d %s", code, b)
	}
	rows := readCSV(t, b)
	if len(rows) != 3 || rows[1][0] != "aby" || rows[1][1] != "Avstyrker" || rows[1][2] != "'=HYPERLINK(\"x\")" || rows[2][0] != "backby" || rows[2][1] != "inget svar" {
		t.Errorf("got %q; want a header, aby's defused answer and backby without answer", rows)
	}
}

func TestStanceChartIsDrawnAsPNGOrSVG(t *testing.T) {
	ta := newTestApp(t)
	_, proposal := ta.remissSetup()
	official := ta.user("official")
	rep := ta.user("representative", "aby")
	_, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official, map[string]any{"villages": []string{"aby", "backby"}, "deadline": "2026-03-31"})
	remiss := decode[map[string]any](t, b)["id"].(string)
	ta.do("POST", "/api/v1/remisses/"+remiss+"/answers", rep, map[string]any{"village": "aby", "stance": "support", "motivation": "Ja"})
	tests := []struct {
		name, path, token string
		want              int
		prefix, ctype     string
	}{
		{"a PNG for an official", "chart.png", official, 200, "\x89PNG", "image/png"},
		{"an SVG for a consulted village's representative", "chart.svg", rep, 200, "<svg", "image/svg+xml"},
		{"another format is not found", "chart.gif", official, 404, "", ""},
		{"a representative of another village is refused", "chart.png", ta.user("representative", "cby"), 403, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/api/v1/remisses/"+remiss+"/"+tt.path, nil)
			req.Header.Set("Authorization", "Bearer "+tt.token)
			resp, err := ta.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body := make([]byte, 512)
			n, _ := io.ReadFull(resp.Body, body)
			body = body[:n]
			if resp.StatusCode != tt.want {
				t.Fatalf("got %d %s; want %d", resp.StatusCode, body, tt.want)
			}
			if tt.want == 200 && (!strings.Contains(string(body), tt.prefix) || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.ctype)) {
				t.Errorf("got %s starting %q; want %s with %q", resp.Header.Get("Content-Type"), body[:min(len(body), 20)], tt.ctype, tt.prefix)
			}
		})
	}
}

func TestRemissListsAndErasureFollowThePolicy(t *testing.T) {
	ta := newTestApp(t)
	_, proposal := ta.remissSetup()
	official := ta.user("official")
	repA := ta.user("representative", "aby")
	for _, villages := range [][]string{{"aby", "backby"}, {"cby"}} {
		if code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official, map[string]any{"villages": villages, "deadline": "2026-03-31"}); code != 201 {
			t.Fatalf("send: got %d %s", code, b)
		}
	}
	tests := []struct {
		name, token, query string
		want, rounds       int
	}{
		{"an official sees every round", official, "", 200, 2},
		{"an official narrows to a village", official, "?village=cby", 200, 1},
		{"a representative sees their villages' rounds", repA, "", 200, 1},
		{"a representative may name their own village", repA, "?village=aby", 200, 1},
		{"a representative may not list another village's rounds", repA, "?village=cby", 403, 0},
		{"an unknown status is a malformed request", official, "?status=pending", 400, 0},
		{"closed rounds are none yet", official, "?status=closed", 200, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ta.do("GET", "/api/v1/remisses"+tt.query, tt.token, nil)
			if code != tt.want {
				t.Fatalf("got %d %s; want %d", code, b, tt.want)
			}
			if code == 200 {
				if got := len(decode[[]map[string]any](t, b)); got != tt.rounds {
					t.Errorf("got %d rounds; want %d", got, tt.rounds)
				}
			}
		})
	}
	t.Run("the submitter's name is erased by an official only", func(t *testing.T) {
		if code, _ := ta.do("DELETE", "/api/v1/proposals/"+proposal+"/submitted_by", repA, nil); code != http.StatusForbidden {
			t.Errorf("representative: got %d; want 403", code)
		}
		if code, b := ta.do("DELETE", "/api/v1/proposals/"+proposal+"/submitted_by", official, nil); code != http.StatusNoContent {
			t.Fatalf("official: got %d %s; want 204", code, b)
		}
		_, b := ta.do("GET", "/api/v1/proposals/"+proposal, official, nil)
		if p := decode[map[string]any](t, b); p["submitted_by"] != nil || strings.Contains(string(b), "Anna Andersson") {
			t.Errorf("got %s; want no trace of the submitter", b)
		}
	})
	t.Run("a decided proposal cannot be sent on remiss again", func(t *testing.T) {
		rounds, _ := storage.NewRemisses(ta.db).List(context.Background(), storage.RemissFilter{Proposal: proposal})
		for _, r := range rounds {
			ta.do("POST", "/api/v1/remisses/"+r.ID+"/close", official, nil)
		}
		if code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/decision", official, map[string]any{"outcome": "rejected", "text": "Avslag"}); code != 200 {
			t.Fatalf("decision: got %d %s; want 200", code, b)
		}
		if code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official, map[string]any{"villages": []string{"aby"}, "deadline": "2026-03-31"}); code != http.StatusConflict {
			t.Errorf("got %d %s; want 409", code, b)
		}
	})
}

func TestProposalsShowTheSubmitterAndRoundsOnlyAsTheRulesAllow(t *testing.T) {
	ta := newTestApp(t)
	_, proposal := ta.remissSetup()
	official := ta.user("official")
	for _, villages := range [][]string{{"aby"}, {"backby"}} {
		if code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official,
			map[string]any{"villages": villages, "deadline": "2026-03-31"}); code != http.StatusCreated {
			t.Fatalf("send to %v: got %d %s; want 201", villages, code, b)
		}
	}
	tests := []struct {
		name     string
		reader   account
		withName bool
		rounds   int
	}{
		{"an official sees the citizen's name and every round", ta.account(survey.RoleOfficial), true, 2},
		{"a politician, who manages proposals, sees the name", ta.account(survey.RolePolitician), true, 2},
		{"a forum member sees every round but no name", ta.account(survey.RoleForum), false, 2},
		{"Åby's representative sees Åby's round only and no name", ta.account(survey.RoleRepresentative, "aby"), false, 1},
		{"Cby's representative sees no round and no name", ta.account(survey.RoleRepresentative, "cby"), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ta.do("GET", "/api/v1/proposals/"+proposal, tt.reader.token, nil)
			if code != http.StatusOK {
				t.Fatalf("got %d %s; want 200", code, b)
			}
			p := decode[map[string]any](t, b)
			if got := len(p["rounds"].([]any)); got != tt.rounds {
				t.Errorf("got %d rounds; want %d", got, tt.rounds)
			}
			_, list := ta.do("GET", "/api/v1/proposals", tt.reader.token, nil)
			_, page, _ := ta.page("GET", "/forslag/"+proposal, tt.reader, nil)
			for what, body := range map[string][]byte{"the proposal": b, "the list": list, "the page": page} {
				if got := strings.Contains(string(body), "Anna Andersson"); got != tt.withName {
					t.Errorf("%s: got the name shown %v; want %v", what, got, tt.withName)
				}
			}
			if tt.rounds < 2 && strings.Contains(string(page), "Bäckby") {
				t.Errorf("the page: got Bäckby's round shown; want it hidden")
			}
		})
	}
}
