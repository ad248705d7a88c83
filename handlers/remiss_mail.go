package handlers

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/forankra/forankra/survey"
)

// mailer sends one plain-text e-mail.
type mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// newMailer returns an SMTP mailer, or nil when no server is configured
// (messages then stay in the outbox for officials to see).
func newMailer(addr, from string, roots *x509.CertPool) mailer {
	if addr == "" || from == "" {
		return nil
	}
	return &smtpMailer{addr: addr, from: from, roots: roots}
}

// smtpMailer talks to a relay with net/smtp: no authentication, STARTTLS when
// the server offers it, verified against the relay's host name. The
// municipality's relay accepts mail from the service's host.
type smtpMailer struct {
	addr, from string
	// roots verifies the relay's certificate; nil uses the system's.
	roots *x509.CertPool
}

// smtpTimeout bounds one delivery.
const smtpTimeout = 10 * time.Second

// Send delivers one message through the relay within smtpTimeout.
func (m *smtpMailer) Send(ctx context.Context, to, subject, body string) error {
	if strings.ContainsAny(to+subject, "\r\n") {
		return errors.New("ogiltig mottagare eller rubrik")
	}
	deadline := time.Now().Add(smtpTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn, err := (&net.Dialer{Deadline: deadline}).DialContext(ctx, "tcp", m.addr)
	if err != nil {
		return fmt.Errorf("e-postservern svarar inte: %w", err)
	}
	_ = conn.SetDeadline(deadline)
	host, _, _ := net.SplitHostPort(m.addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("e-postservern: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, RootCAs: m.roots, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("e-postservern: %w", err)
		}
	}
	if err := c.Mail(m.from); err != nil {
		return fmt.Errorf("e-postservern: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("e-postservern: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("e-postservern: %w", err)
	}
	msg := "From: " + m.from + "\r\nTo: " + to + "\r\nSubject: " + mime.QEncoding.Encode("utf-8", subject) +
		"\r\nDate: " + time.Now().In(survey.Stockholm).Format(time.RFC1123Z) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(body, "\n", "\r\n")
	if _, err := w.Write([]byte(msg)); err != nil {
		return fmt.Errorf("e-postservern: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("e-postservern: %w", err)
	}
	return c.Quit()
}
