package handlers

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/forankra/forankra/survey"
)

// mailer sends one e-mail: plain text, with files attached when given.
type mailer interface {
	Send(ctx context.Context, to, subject, body string, attach ...survey.Attachment) error
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
func (m *smtpMailer) Send(ctx context.Context, to, subject, body string, attach ...survey.Attachment) error {
	for _, a := range attach {
		if strings.ContainsAny(a.Name+a.ContentType, "\r\n\"") {
			return errors.New("ogiltig bilaga")
		}
	}
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
		"\r\nDate: " + time.Now().In(survey.Stockholm).Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\n" + mailBody(body, attach)
	if _, err := w.Write([]byte(msg)); err != nil {
		return fmt.Errorf("e-postservern: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("e-postservern: %w", err)
	}
	return c.Quit()
}

// mailBody writes the body's headers and content: plain text alone, or
// multipart/mixed with the text first and each attachment in base64.
func mailBody(body string, attach []survey.Attachment) string {
	text := strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	if len(attach) == 0 {
		return "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	part, _ := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"8bit"},
	})
	_, _ = io.WriteString(part, text)
	for _, a := range attach {
		part, _ = mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {a.ContentType + `; name="` + a.Name + `"`},
			"Content-Disposition":       {`attachment; filename="` + a.Name + `"`},
			"Content-Transfer-Encoding": {"base64"},
		})
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			_, _ = io.WriteString(part, enc[:76]+"\r\n")
			enc = enc[76:]
		}
		_, _ = io.WriteString(part, enc+"\r\n")
	}
	_ = mw.Close()
	return "Content-Type: multipart/mixed; boundary=" + mw.Boundary() + "\r\n\r\n" + b.String()
}
