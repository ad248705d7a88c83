package handlers

import (
	"context"

	"github.com/forankra/forankra/survey"
)

// notifyPlanAcknowledged tells the village's active representatives through
// the outbox that their plan was acknowledged (and mails them when a mail
// server is set). It runs after the acknowledgement is stored, which one
// request only can do (the version claim), so each is told once; a failure
// to queue is logged, since the acknowledgement itself succeeded.
func (s *server) notifyPlanAcknowledged(cx context.Context, p *survey.Plan) {
	users, err := s.users.List(cx)
	if err != nil {
		s.log.Error("plan acknowledgement not notified", "plan", p.ID, "err", err)
		return
	}
	name := p.Village
	if v, err := s.villages.Get(cx, p.Village); err == nil {
		name = v.Name
	}
	base := s.cfg.MailURL
	if base == "" {
		base = s.cfg.PublicURL
	}
	var msgs []survey.OutboxMessage
	for i := range users {
		to := &users[i]
		if to.Active && to.Role == survey.RoleRepresentative && to.HasVillage(p.Village) {
			msgs = append(msgs, survey.PlanAcknowledgedNotice(p, name, to, base, s.now()))
		}
	}
	if err := s.remiss.outbox.Queue(cx, msgs); err != nil {
		s.log.Error("plan acknowledgement not notified", "plan", p.ID, "err", err)
		return
	}
	for i := range msgs {
		s.deliver(cx, &msgs[i])
	}
}
