package handlers

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// fakeRelay is a minimal SMTP server that records the messages it accepts.
type fakeRelay struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
	rcpt []string
	// tls, when set, makes the relay offer STARTTLS with it; overTLS
	// records, per message, whether it came after STARTTLS.
	tls     *tls.Config
	overTLS []bool
	// refuse, when set, makes the relay answer every sender with a
	// temporary failure (451).
	refuse bool
}

func startRelay(t *testing.T) *fakeRelay {
	t.Helper()
	return startRelayWith(t, nil)
}

func startRelayWith(t *testing.T, conf *tls.Config) *fakeRelay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &fakeRelay{ln: ln, tls: conf}
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
	secure := false
	for {
		line, err := in.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO") && r.tls != nil && !secure:
			say("250-relay")
			say("250 STARTTLS")
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 relay")
		case cmd == "STARTTLS" && r.tls != nil && !secure:
			say("220 go ahead")
			tc := tls.Server(conn, r.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, in, secure = tc, bufio.NewReader(tc), true
			defer tc.Close()
		case strings.HasPrefix(cmd, "MAIL FROM"):
			r.mu.Lock()
			refuse := r.refuse
			r.mu.Unlock()
			if refuse {
				say("451 try again later")
				continue
			}
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
			r.overTLS = append(r.overTLS, secure)
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

// selfSigned makes a certificate for localhost and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func TestMailerUsesSTARTTLSVerifiedAgainstTheRelaysHostName(t *testing.T) {
	cert, pool := selfSigned(t)
	relay := startRelayWith(t, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	_, port, _ := net.SplitHostPort(relay.ln.Addr().String())
	other := x509.NewCertPool()
	for _, tc := range []struct {
		name, host string
		roots      *x509.CertPool
		wantSent   bool
	}{
		{"the relay's own certificate, trusted, for its host name", "localhost", pool, true},
		{"a certificate no trusted root signed", "localhost", other, false},
		{"a host name the certificate does not name", "127.0.0.1", pool, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			relay.mu.Lock()
			before := len(relay.msgs)
			relay.mu.Unlock()
			m := newMailer(net.JoinHostPort(tc.host, port), "forankra@kommun.se", tc.roots)
			err := m.Send(context.Background(), "rep@example.se", "Påminnelse: remiss om ”Väg”", "Hej\nsvara gärna")
			relay.mu.Lock()
			defer relay.mu.Unlock()
			sent := len(relay.msgs) > before
			if sent != tc.wantSent || (err == nil) != tc.wantSent {
				t.Fatalf("got sent %v, err %v; want sent %v", sent, err, tc.wantSent)
			}
			if sent && !relay.overTLS[len(relay.overTLS)-1] {
				t.Errorf("got the message in plain text; want it after STARTTLS")
			}
		})
	}
}

func TestMailerRefusesAndEncodesHeaders(t *testing.T) {
	relay := startRelay(t)
	m := newMailer(relay.ln.Addr().String(), "forankra@kommun.se", nil)
	for _, tc := range []struct{ to, subject string }{
		{"rep@example.se", "Påminnelse\r\nBcc: evil@example.com"},
		{"rep@example.se\r\nBcc: evil@example.com", "Påminnelse"},
		{"rep@example.se", "Påminnelse\nBcc: evil@example.com"},
	} {
		if err := m.Send(context.Background(), tc.to, tc.subject, "Hej"); err == nil {
			t.Errorf("Send(%q, %q): got nil; want a refusal", tc.to, tc.subject)
		}
	}
	if err := m.Send(context.Background(), "rep@example.se", "Om ”Väg” =?utf-8?q?x?=", "Hej"); err != nil {
		t.Fatal(err)
	}
	relay.mu.Lock()
	defer relay.mu.Unlock()
	if len(relay.msgs) != 1 || !strings.Contains(relay.msgs[0], "Subject: =?utf-8?q?Om_=E2=80=9DV=C3=A4g=E2=80=9D_=3D=3Futf-8=3Fq=3Fx=3F=3D?=\r\n") {
		t.Errorf("relay got %q; want only the last message, its subject Q-encoded", relay.msgs)
	}
}

func TestProposalTitleWithALineBreakIsRefusedWith422(t *testing.T) {
	ta := newTestApp(t)
	official := ta.user("official")
	for _, tc := range []struct {
		title string
		want  int
	}{
		{"Ny väg\r\nBcc: evil@example.com", http.StatusUnprocessableEntity},
		{"Ny väg\nBcc: evil@example.com", http.StatusUnprocessableEntity},
		{"Ny väg\rX", http.StatusUnprocessableEntity},
		{"Ny väg till skolan", http.StatusCreated},
	} {
		t.Run(fmt.Sprintf("%q", tc.title), func(t *testing.T) {
			code, b := ta.do("POST", "/api/v1/proposals", official, map[string]any{"title": tc.title, "body": "Text"})
			if code != tc.want {
				t.Errorf("got %d %s; want %d", code, b, tc.want)
			}
			if tc.want == http.StatusUnprocessableEntity && !strings.Contains(string(b), "title") {
				t.Errorf("got %s; want the error to name the title", b)
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

// TestOutboxTellsOfficialsWhetherAQueuedMessageGoesOutByItself: with a mail
// server configured a queued message is sent by the service (now or by the
// sender's retry); without one, officials must send it themselves.
func TestOutboxTellsOfficialsWhetherAQueuedMessageGoesOutByItself(t *testing.T) {
	relay := startRelay(t)
	for _, tt := range []struct {
		name     string
		smtp     string
		want     string
		wantNone string
	}{
		{"with a mail server", relay.ln.Addr().String(), "I utkorgen – skickas strax", "skicka den själv"},
		{"without a mail server", "", "I utkorgen – skicka den själv", "skickas strax"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t)
			ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now },
				SMTPAddr: tt.smtp, SMTPFrom: "forankra@kommun.se", PublicURL: "https://forankra.kommun.se/"})
			_, proposal := ta.remissSetup()
			official := ta.account("official")
			_, b := ta.do("POST", "/api/v1/proposals/"+proposal+"/remiss", official.token, map[string]any{"villages": []string{"backby"}, "deadline": "2026-03-11"})
			remiss := decode[map[string]any](t, b)["id"].(string)
			// A message queued by an instance that stopped before sending it.
			if err := storage.NewOutbox(ta.db).Queue(context.Background(), []survey.OutboxMessage{{To: "grupp@backby.se", Subject: "Påminnelse",
				Remiss: remiss, Village: "backby", Status: survey.MessageQueued, Created: ta.now}}); err != nil {
				t.Fatal(err)
			}
			code, page, _ := ta.page("GET", "/remisser/"+remiss, official, nil)
			if code != 200 || !strings.Contains(string(page), tt.want) || strings.Contains(string(page), tt.wantNone) {
				t.Errorf("got %d, %q in the page: %v, %q: %v; want 200 with only the first", code, tt.want, strings.Contains(string(page), tt.want), tt.wantNone, strings.Contains(string(page), tt.wantNone))
			}
		})
	}
}
