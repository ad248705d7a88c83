package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// lateMatterRemindedOnce registers a matter raised 60 days ago (as when the
// paper register is moved in) on one instance and waits for the clock,
// which both instances run: the matter reaches level 2 by itself, and the
// department gets level 1's reminder and its head level 2's, once each (no
// contact person is set and no official exists, so no one else).
func lateMatterRemindedOnce(t *testing.T, pair [2]*proc, _ string) {
	token := pair[0].signIn()
	pair[0].mustCall("POST", "/api/v1/villages", token, map[string]any{"name": "Klockby"}, http.StatusCreated)
	var dep struct{ ID string }
	b := pair[1].mustCall("POST", "/api/v1/departments", token, map[string]any{"name": "Teknik", "email": "teknik@example.se", "head_email": "chef@example.se"}, http.StatusCreated)
	if err := json.Unmarshal(b, &dep); err != nil {
		t.Fatal(err)
	}
	raised := time.Now().AddDate(0, 0, -60).Format("2006-01-02")
	var m struct{ ID, Ref string }
	b = pair[0].mustCall("POST", "/api/v1/matters", token, map[string]any{"village": "klockby", "title": "Vägen", "raised_on": raised, "department": dep.ID}, http.StatusCreated)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	pair[1].mustCall("POST", "/api/v1/matters/"+m.ID+"/forward", token, map[string]any{"department": dep.ID}, http.StatusOK)
	var ids []string
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		var msgs []struct{ ID, To, Subject string }
		b := pair[1].mustCall("GET", "/api/v1/outbox", token, nil, http.StatusOK)
		if err := json.Unmarshal(b, &msgs); err != nil {
			t.Fatal(err)
		}
		ids = ids[:0]
		for _, msg := range msgs {
			if strings.HasPrefix(msg.ID, "matter/"+m.ID+"/") {
				ids = append(ids, msg.ID)
				if !strings.Contains(msg.Subject, m.Ref) {
					t.Errorf("%s: got subject %q; want the ref %s", msg.ID, msg.Subject, m.Ref)
				}
			}
		}
		if len(ids) >= 2 {
			break
		}
		time.Sleep(2 * time.Second)
	}
	time.Sleep(25 * time.Second) // a further run of both clocks adds nothing
	var msgs []struct{ ID string }
	_ = json.Unmarshal(pair[0].mustCall("GET", "/api/v1/outbox", token, nil, http.StatusOK), &msgs)
	seen := map[string]int{}
	for _, msg := range msgs {
		if strings.HasPrefix(msg.ID, "matter/"+m.ID+"/") {
			seen[msg.ID]++
		}
	}
	for _, want := range []string{"/r0/1/department", "/r0/2/head"} {
		if seen["matter/"+m.ID+want] != 1 {
			t.Errorf("got reminders %v; want matter/%s%s once", seen, m.ID, want)
		}
	}
	if len(seen) != 2 {
		t.Errorf("got reminders %v; want the department's and the head's only (no contact person, no official)", seen)
	}
	var got struct{ Escalation int }
	_ = json.Unmarshal(pair[0].mustCall("GET", "/api/v1/matters/"+m.ID, token, nil, http.StatusOK), &got)
	if got.Escalation != 2 {
		t.Errorf("got escalation %d; want 2", got.Escalation)
	}
}
