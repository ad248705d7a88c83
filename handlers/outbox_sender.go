package handlers

import (
	"context"
	"errors"
	"time"
)

// Sender sends what the outbox still owes: messages queued by an instance
// that stopped before handing them to the mail server, and failed messages
// whose next attempt has come (after 1 minute, 5 minutes, 30 minutes and 2
// hours; the fifth failure is final and the message stays failed with its
// last error, where officials see the outbox). Every instance runs it: each
// attempt is claimed by inserting "<message>/a<n>" before the mail server is
// called, and only the instance whose insert lands sends, so two instances
// — or the sender and the immediate send of the request that queued the
// message, which claims attempt 1 — never send one message twice.
type Sender struct{ s *server }

// NewSender returns the outbox sender of the service configured by cfg.
func NewSender(cfg Config) *Sender { return &Sender{s: newServer(cfg)} }

// SendRun says what one run did: messages this run sent, attempts that
// failed, and attempts of a stopped instance it recorded as failed.
type SendRun struct {
	Sent, Failed, Abandoned int
}

// Resend runs the sender once at now (tests pass a fake clock). Without a
// mail server it does nothing: the messages stay queued for officials.
func (k *Sender) Resend(ctx context.Context, now time.Time) (SendRun, error) {
	return k.s.resend(ctx, now)
}

func (s *server) resend(cx context.Context, now time.Time) (SendRun, error) {
	var run SendRun
	if s.remiss.mailer == nil {
		return run, nil
	}
	due, err := s.remiss.outbox.Due(cx, now)
	if err != nil {
		return run, err
	}
	var errs []error
	for i := range due {
		m := &due[i]
		n := m.Attempts + 1
		claimed, err := s.attempt(cx, m, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !claimed {
			// Another instance has this attempt: sending now, or stopped
			// while sending (then, once it is stale, it counts as failed).
			abandoned, err := s.remiss.outbox.AbandonStaleAttempt(cx, m.ID, n, now)
			if err != nil {
				errs = append(errs, err)
			}
			if abandoned {
				run.Abandoned++
			}
			continue
		}
		if m.Error == "" {
			run.Sent++
		} else {
			run.Failed++
		}
	}
	return run, errors.Join(errs...)
}
