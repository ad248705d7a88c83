package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

// mailServer is one instance of the service on the test's database, sending
// through relay.
func (ta *testApp) mailServer(relay *fakeRelay) *server {
	return newServer(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now },
		SMTPAddr: relay.ln.Addr().String(), SMTPFrom: "forankra@kommun.se"})
}

// queueMessages stores n messages as a request queues them, to distinct
// recipients, created at the test's now, without sending them.
func (ta *testApp) queueMessages(n int) []survey.OutboxMessage {
	ta.t.Helper()
	msgs := make([]survey.OutboxMessage, n)
	for i := range msgs {
		msgs[i] = survey.OutboxMessage{To: fmt.Sprintf("mottagare%d-%s@example.se", i, storage.NewID()), Subject: "Påminnelse", Body: "Hej",
			Status: survey.MessageQueued, Created: ta.now}
	}
	if err := storage.NewOutbox(ta.db).Queue(context.Background(), msgs); err != nil {
		ta.t.Fatal(err)
	}
	return msgs
}

// deliveries counts what the relay accepted per recipient.
func (r *fakeRelay) deliveries() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := map[string]int{}
	for _, rc := range r.rcpt {
		got[strings.Trim(strings.TrimPrefix(strings.TrimSpace(rc), "RCPT TO:"), "<>")]++
	}
	return got
}

func outboxByID(t *testing.T, db *storage.DB) map[string]survey.OutboxMessage {
	t.Helper()
	list, err := storage.NewOutbox(db).List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]survey.OutboxMessage{}
	for _, m := range list {
		out[m.ID] = m
	}
	return out
}

// TestAMessageLeftQueuedIsSentOnceByTheSender: an instance queued a message
// and stopped before sending it. The sender leaves it its minute, then
// sends it, once.
func TestAMessageLeftQueuedIsSentOnceByTheSender(t *testing.T) {
	relay := startRelay(t)
	ta := newTestApp(t)
	msgs := ta.queueMessages(1)
	s := ta.mailServer(relay)
	cx := context.Background()
	steps := []struct {
		name  string
		after time.Duration
		want  SendRun
	}{
		{"within its first minute it is left to the instance that queued it", 30 * time.Second, SendRun{}},
		{"after a minute the sender sends it", 61 * time.Second, SendRun{Sent: 1}},
		{"sent, it is not sent again", 10 * time.Minute, SendRun{}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			got, err := s.resend(cx, ta.now.Add(st.after))
			if err != nil || got != st.want {
				t.Errorf("got %+v, %v; want %+v", got, err, st.want)
			}
		})
	}
	if got := relay.deliveries()[msgs[0].To]; got != 1 {
		t.Errorf("relay got %d deliveries; want 1", got)
	}
	if m := outboxByID(t, ta.db)[msgs[0].ID]; m.Status != survey.MessageSent || m.Attempts != 1 {
		t.Errorf("outbox: got %s after %d attempts; want sent after 1", m.Status, m.Attempts)
	}
}

// TestTwoSendersSendEachMessageOnce: two instances on one database run the
// sender at the same moment over the same due messages; the relay gets each
// message exactly once.
func TestTwoSendersSendEachMessageOnce(t *testing.T) {
	relay := startRelay(t)
	ta := newTestApp(t)
	const n = 20
	msgs := ta.queueMessages(n)
	senders := []*Sender{{s: ta.mailServer(relay)}, {s: ta.mailServer(relay)}}
	at := ta.now.Add(2 * time.Minute)
	runs := make([]SendRun, 2*len(senders))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range runs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			var err error
			if runs[i], err = senders[i%len(senders)].Resend(context.Background(), at); err != nil {
				t.Errorf("sender %d: %v", i, err)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	sent := 0
	for _, r := range runs {
		sent += r.Sent
	}
	got := relay.deliveries()
	for _, m := range msgs {
		if got[m.To] != 1 {
			t.Errorf("%s: relay got %d deliveries; want 1", m.To, got[m.To])
		}
	}
	if sent != n || len(got) != n {
		t.Errorf("got %d sent by the runs %+v, %d recipients at the relay; want %d each", sent, runs, len(got), n)
	}
}

// TestTheImmediateSendAndTheSenderNeverBothSend: a request's own send
// (attempt 1, claimed) and another instance's sender race on the same
// messages, as when a request is slow to reach its send.
func TestTheImmediateSendAndTheSenderNeverBothSend(t *testing.T) {
	relay := startRelay(t)
	ta := newTestApp(t)
	const n = 20
	msgs := ta.queueMessages(n)
	request, other := ta.mailServer(relay), ta.mailServer(relay)
	var wg sync.WaitGroup
	start := make(chan struct{})
	wg.Add(2)
	go func() {
		defer wg.Done()
		<-start
		for i := range msgs {
			m := msgs[i]
			request.deliver(context.Background(), &m)
		}
	}()
	go func() {
		defer wg.Done()
		<-start
		if _, err := other.resend(context.Background(), ta.now.Add(2*time.Minute)); err != nil {
			t.Errorf("sender: %v", err)
		}
	}()
	close(start)
	wg.Wait()
	got := relay.deliveries()
	for _, m := range msgs {
		if got[m.To] != 1 {
			t.Errorf("%s: relay got %d deliveries; want 1", m.To, got[m.To])
		}
	}
	for id, m := range outboxByID(t, ta.db) {
		if m.Status != survey.MessageSent || m.Attempts != 1 {
			t.Errorf("%s: got %s after %d attempts; want sent after 1", id, m.Status, m.Attempts)
		}
	}
}

// TestAFailedMessageIsRetriedWithBackoffThenGivenUp: the relay refuses; the
// message is tried after 1, 5, 30 minutes and 2 hours, then left failed with
// its last error, shown on the round's page. A relay that accepts again gets
// a message still being retried, once.
func TestAFailedMessageIsRetriedWithBackoffThenGivenUp(t *testing.T) {
	relay := startRelay(t)
	relay.refuse = true
	ta := newTestApp(t)
	s := ta.mailServer(relay)
	cx := context.Background()
	givenUp := ta.queueMessages(1)[0]
	s.deliver(cx, &givenUp)
	if givenUp.Status != survey.MessageFailed || givenUp.Attempts != 1 || givenUp.NextAttempt == nil || !givenUp.NextAttempt.Equal(ta.now.Add(time.Minute)) {
		t.Fatalf("first attempt: got %s, %d attempts, next %v; want failed, 1, in a minute", givenUp.Status, givenUp.Attempts, givenUp.NextAttempt)
	}
	at := ta.now
	steps := []struct {
		name     string
		after    time.Duration // since the previous step
		want     SendRun
		attempts int
	}{
		{"not before its minute", 59 * time.Second, SendRun{}, 1},
		{"attempt 2 after a minute", time.Second, SendRun{Failed: 1}, 2},
		{"not before five minutes more", 4 * time.Minute, SendRun{}, 2},
		{"attempt 3 after five minutes", time.Minute, SendRun{Failed: 1}, 3},
		{"attempt 4 after thirty minutes", 30 * time.Minute, SendRun{Failed: 1}, 4},
		{"not before two hours more", 119 * time.Minute, SendRun{}, 4},
		{"attempt 5 after two hours, the last", time.Minute, SendRun{Failed: 1}, 5},
		{"given up: a day later nothing is tried", 24 * time.Hour, SendRun{}, 5},
	}
	for _, st := range steps {
		at = at.Add(st.after)
		got, err := s.resend(cx, at)
		m := outboxByID(t, ta.db)[givenUp.ID]
		if got != st.want || m.Attempts != st.attempts {
			t.Errorf("%s: got %+v (%v), %d attempts; want %+v, %d attempts", st.name, got, err, m.Attempts, st.want, st.attempts)
		}
	}
	m := outboxByID(t, ta.db)[givenUp.ID]
	if m.Status != survey.MessageFailed || !m.GaveUp || m.NextAttempt != nil || !strings.Contains(m.Error, "451") {
		t.Errorf("after the last attempt: got %+v; want failed, given up, with the relay's 451", m)
	}
	// Another message fails its first attempt; the relay accepts again
	// before its retry, which sends it once.
	ta.now = at
	retried := ta.queueMessages(1)[0]
	if got, err := s.resend(cx, at.Add(61*time.Second)); err != nil || got != (SendRun{Failed: 1}) {
		t.Fatalf("second message, first attempt: got %+v, %v; want one failed", got, err)
	}
	relay.mu.Lock()
	relay.refuse = false
	relay.mu.Unlock()
	if got, err := s.resend(cx, at.Add(121*time.Second)); err != nil || got != (SendRun{Sent: 1}) {
		t.Errorf("relay back: got %+v, %v; want the second message sent", got, err)
	}
	if got := relay.deliveries(); got[retried.To] != 1 || got[givenUp.To] != 0 {
		t.Errorf("relay got %v; want the retried message once and not the given-up one", got)
	}
	t.Run("officials see the last error and that no more attempts are made", func(t *testing.T) {
		code, b := ta.do("GET", "/api/v1/outbox", ta.user(survey.RoleOfficial), nil)
		if code != 200 || !strings.Contains(string(b), `"gave_up":true`) || !strings.Contains(string(b), "451") {
			t.Errorf("outbox API: got %d %s; want gave_up and the relay's error", code, b)
		}
	})
}

// TestAnAttemptOfAStoppedInstanceIsRetried: an instance claimed attempt 1
// and stopped while sending. The sender leaves the claim alone while it may
// still be sending, then counts it as failed and retries after the backoff.
func TestAnAttemptOfAStoppedInstanceIsRetried(t *testing.T) {
	relay := startRelay(t)
	ta := newTestApp(t)
	s := ta.mailServer(relay)
	cx := context.Background()
	m := ta.queueMessages(1)[0]
	if ok, err := storage.NewOutbox(ta.db).ClaimAttempt(cx, m.ID, 1, ta.now); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	steps := []struct {
		name  string
		after time.Duration
		want  SendRun
	}{
		{"while it may still be sending, it is left alone", 2 * time.Minute, SendRun{}},
		{"after ten minutes the attempt counts as failed", storage.StaleAttempt, SendRun{Abandoned: 1}},
		{"a minute later attempt 2 sends it", storage.StaleAttempt + time.Minute, SendRun{Sent: 1}},
	}
	for _, st := range steps {
		got, err := s.resend(cx, ta.now.Add(st.after))
		if err != nil || got != st.want {
			t.Errorf("%s: got %+v, %v; want %+v", st.name, got, err, st.want)
		}
	}
	if got := relay.deliveries()[m.To]; got != 1 {
		t.Errorf("relay got %d deliveries; want 1", got)
	}
}
