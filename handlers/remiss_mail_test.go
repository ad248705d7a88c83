package handlers

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// fakeRelay is a minimal SMTP server that records the messages it accepts.
type fakeRelay struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
	rcpt []string
}

func startRelay(t *testing.T) *fakeRelay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &fakeRelay{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(conn)
		}
	}()
	return r
}

func (r *fakeRelay) serve(conn net.Conn) {
	defer conn.Close()
	in := bufio.NewReader(conn)
	say := func(s string) { _, _ = io.WriteString(conn, s+"\r\n") }
	say("220 relay")
	for {
		line, err := in.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 relay")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			r.mu.Lock()
			r.rcpt = append(r.rcpt, strings.TrimSpace(line))
			r.mu.Unlock()
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := in.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			r.mu.Lock()
			r.msgs = append(r.msgs, b.String())
			r.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestRemindersAreSentThroughTheConfiguredRelay(t *testing.T) {
	relay := startRelay(t)
	ta := newTestApp(t)
	ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now },
		SMTPAddr: relay.ln.Addr().String(), SMTPFrom: "forankra@kommun.se", PublicURL: "https://forankra.kommun.se/"})
	_, proposal := ta.remissSetup()
	official := ta.user("official")
	ta.user("representative", "backby")
	_, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official, map[string]any{"villages": []string{"backby"}, "deadline": "2026-03-11"})
	remiss := decode[map[string]any](t, b)["id"].(string)
	code, b := ta.do("POST", "/api/v1/remisses/"+remiss+"/reminders", official, nil)
	if code != http.StatusCreated {
		t.Fatalf("got %d %s; want 201", code, b)
	}
	res := decode[struct {
		Delivery string `json:"delivery"`
		Messages []struct {
			Status string `json:"status"`
		} `json:"messages"`
	}](t, b)
	if res.Delivery != "smtp" || len(res.Messages) != 1 || res.Messages[0].Status != survey.MessageSent {
		t.Fatalf("got %+v; want one message sent by smtp", res)
	}
	relay.mu.Lock()
	defer relay.mu.Unlock()
	// The first message told of the new remiss; the second is the reminder.
	if len(relay.msgs) != 2 || !strings.Contains(relay.msgs[0], "Ny_remiss") || !strings.Contains(relay.msgs[1], "Subject: =?utf-8?q?P=C3=A5minnelse") || !strings.Contains(relay.msgs[1], "1 dag kvar") ||
		!strings.Contains(relay.msgs[1], "https://forankra.kommun.se/remisser/"+remiss+"/svara/backby") {
		t.Errorf("relay got %q; want the new remiss, then a reminder with an encoded Swedish subject, 1 day left and a full link", relay.msgs)
	}
	if len(relay.rcpt) != 2 || !strings.Contains(relay.rcpt[1], "representative-") {
		t.Errorf("relay got recipients %q; want backby's representative", relay.rcpt)
	}
	code, b = ta.do("GET", "/api/v1/outbox?remiss="+remiss, official, nil)
	msgs := decode[[]survey.OutboxMessage](t, b)
	if code != 200 || len(msgs) != 2 {
		t.Fatalf("outbox: got %d, %d messages; want 200, 2", code, len(msgs))
	}
	for _, m := range msgs {
		if m.Status != survey.MessageSent || m.Attempts != 1 {
			t.Errorf("outbox: got %+v; want the message marked sent after one attempt", m)
		}
	}
}

func TestReminderThatCannotBeSentStaysInTheOutboxAsFailed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	ta := newTestApp(t)
	ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now },
		SMTPAddr: addr, SMTPFrom: "forankra@kommun.se"})
	_, proposal := ta.remissSetup()
	official := ta.user("official")
	ta.user("representative", "backby")
	_, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official, map[string]any{"villages": []string{"backby"}, "deadline": "2026-03-11"})
	remiss := decode[map[string]any](t, b)["id"].(string)
	if code, b := ta.do("POST", "/api/v1/remisses/"+remiss+"/reminders", official, nil); code != http.StatusCreated {
		t.Fatalf("got %d %s; want 201 (the reminder is kept even if the relay is down)", code, b)
	}
	_, b = ta.do("GET", "/api/v1/outbox?remiss="+remiss, official, nil)
	msgs := decode[[]survey.OutboxMessage](t, b)
	if len(msgs) != 2 {
		t.Fatalf("outbox: got %d messages; want 2 (the new remiss and the reminder)", len(msgs))
	}
	for _, m := range msgs {
		if m.Status != survey.MessageFailed || m.Error == "" {
			t.Errorf("outbox: got %+v; want the message kept as failed with the reason", m)
		}
	}
}

func TestFormPostsNeedTheSessionsCSRFToken(t *testing.T) {
	tests := []struct {
		name    string
		session string // the token the session middleware set; "" = none
		sent    string
		bearer  bool
		want    int
	}{
		{"the matching token is accepted", "abc123", "abc123", false, http.StatusNoContent},
		{"a wrong token is refused", "abc123", "abc124", false, http.StatusForbidden},
		{"a missing token is refused", "abc123", "", false, http.StatusForbidden},
		{"a request signed with a bearer token needs none", "", "", true, http.StatusNoContent},
		{"a cookie-less, token-less post is refused", "", "", false, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := fiber.New(fiber.Config{ErrorHandler: errorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))})
			app.Post("/f", func(c *fiber.Ctx) error {
				if tt.session != "" {
					c.Locals(localCSRF, tt.session)
				}
				if err := checkCSRF(c); err != nil {
					return err
				}
				return c.SendStatus(http.StatusNoContent)
			})
			req := httptest.NewRequest("POST", "/f", strings.NewReader(url.Values{"_csrf": {tt.sent}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.bearer {
				req.Header.Set("Authorization", "Bearer x")
			}
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.want {
				t.Errorf("got %d; want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func TestRemissChangesReachTheConsultedVillagesRepresentatives(t *testing.T) {
	ta := newTestApp(t)
	ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now },
		PublicURL: "https://forankra.kommun.se/"})
	_, proposal := ta.remissSetup()
	official := ta.user("official")
	ta.user("representative", "backby")
	ta.user("representative", "cby") // not consulted
	code, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official, map[string]any{"villages": []string{"aby", "backby"}, "deadline": "2026-03-20"})
	if code != http.StatusCreated {
		t.Fatalf("send remiss: got %d %s; want 201", code, b)
	}
	remiss := decode[map[string]any](t, b)["id"].(string)
	if code, b := ta.do("PATCH", "/api/v1/remisses/"+remiss, official, map[string]any{"deadline": "2026-03-25"}); code != http.StatusOK {
		t.Fatalf("move deadline: got %d %s; want 200", code, b)
	}
	if code, b := ta.do("POST", "/api/v1/remisses/"+remiss+"/close", official, nil); code != http.StatusOK {
		t.Fatalf("close: got %d %s; want 200", code, b)
	}
	code, b = ta.do("GET", "/api/v1/outbox?remiss="+remiss, official, nil)
	if code != http.StatusOK {
		t.Fatalf("outbox: got %d %s; want 200", code, b)
	}
	msgs := decode[[]survey.OutboxMessage](t, b)
	link := "https://forankra.kommun.se/remisser/" + remiss + "/svara/backby"
	for _, tt := range []struct{ subject, body string }{
		{"Ny remiss: ”Brygga vid badplatsen”", "svar från Bäckby"},
		{"Ny sista svarsdag: ”Brygga vid badplatsen”", "är nu 2026-03-25"},
		{"Remissen är stängd: ”Brygga vid badplatsen”", "Inga fler svar tas emot från Bäckby"},
	} {
		t.Run("the representative gets "+tt.subject, func(t *testing.T) {
			var got *survey.OutboxMessage
			for i := range msgs {
				if msgs[i].Subject == tt.subject {
					got = &msgs[i]
				}
			}
			if got == nil {
				t.Fatalf("got no message %q in %d messages", tt.subject, len(msgs))
			}
			if got.Village != "backby" || !strings.Contains(got.Body, tt.body) {
				t.Errorf("got village %q, body %q; want backby and %q", got.Village, got.Body, tt.body)
			}
			if tt.subject != "Remissen är stängd: ”Brygga vid badplatsen”" && !strings.Contains(got.Body, link) {
				t.Errorf("got body %q; want the full link %s", got.Body, link)
			}
		})
	}
	if len(msgs) != 3 {
		t.Errorf("got %d messages; want 3 (one per change to Bäckby's one representative; Åby has none, Cby was not asked)", len(msgs))
	}
}
