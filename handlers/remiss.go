package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/forankra/forankra/charts"
	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// remissDeps are the stores and the mailer of the remiss feature: citizen
// proposals, remiss rounds, answers, reminders and their audit entries.
type remissDeps struct {
	proposals *storage.Proposals
	remisses  *storage.Remisses
	outbox    *storage.Outbox
	audit     *storage.Audit
	mailer    mailer
}

func newRemissDeps(cfg Config) *remissDeps {
	return &remissDeps{
		proposals: storage.NewProposals(cfg.DB),
		remisses:  storage.NewRemisses(cfg.DB),
		outbox:    storage.NewOutbox(cfg.DB),
		audit:     storage.NewAudit(cfg.DB),
		mailer:    newMailer(cfg.SMTPAddr, cfg.SMTPFrom, cfg.SMTPRootCAs),
	}
}

// Audit actions of the remiss feature.
const (
	auditProposalRegistered = "proposal.registered"
	auditProposalEdited     = "proposal.edited"
	auditDecisionCorrected  = "proposal.decision_corrected"
	auditSubmitterErased    = "proposal.submitter_erased"
	auditDecisionRecorded   = "proposal.decided"
	auditRemissSent         = "remiss.sent"
	auditDeadlineMoved      = "remiss.deadline_moved"
	auditRemissClosed       = "remiss.closed"
	auditRemindersQueued    = "remiss.reminders_queued"
)

// record writes an audit entry. The action it records has already happened,
// so a failure to write is logged rather than reported as the action failing.
func (s *server) record(cx context.Context, u *survey.User, action, target, detail string) {
	s.audit(cx, u, action, target, detail)
}

func isNotFound(err error) bool { return errors.Is(err, survey.ErrNotFound) }

// allow returns ErrForbidden unless u may take action a for the villages:
// the one village check, for every handler that learns villages from the
// body or the record.
func allow(u *survey.User, a survey.Action, villages ...string) error {
	if !survey.Can(u, a, villages...) {
		return fmt.Errorf("%s för %v: %w", a, villages, survey.ErrForbidden)
	}
	return nil
}

// The operations below are shared by the JSON API and the pages: each checks
// authorization, validates, stores and audits.

func (s *server) registerProposal(cx context.Context, u *survey.User, in survey.NewProposal) (*survey.Proposal, error) {
	if err := allow(u, survey.ManageProposals); err != nil {
		return nil, err
	}
	p, err := in.Proposal(s.now(), u.ID)
	if err != nil {
		return nil, err
	}
	if err := s.remiss.proposals.Create(cx, p); err != nil {
		return nil, err
	}
	s.record(cx, u, auditProposalRegistered, "proposal/"+p.ID, p.Title)
	p.Refresh(nil, s.now())
	return p, nil
}

// loadProposal returns a proposal with its rounds, its status and waiting
// time brought up to now.
func (s *server) loadProposal(cx context.Context, u *survey.User, id string) (*survey.Proposal, []*survey.Remiss, error) {
	if err := allow(u, survey.ReadRemiss); err != nil {
		return nil, nil, err
	}
	p, err := s.remiss.proposals.Get(cx, id)
	if err != nil {
		return nil, nil, err
	}
	rounds, err := s.remiss.remisses.List(cx, storage.RemissFilter{Proposal: id})
	if err != nil {
		return nil, nil, err
	}
	p.Refresh(rounds, s.now())
	hideSubmitter(u, p)
	// A round is read as its own rules allow (loadRemiss): a representative
	// sees the rounds of their villages, not other villages' through the
	// proposal.
	readable := rounds[:0]
	for _, r := range rounds {
		if survey.Can(u, survey.ReadRemiss, r.Villages...) {
			readable = append(readable, r)
		}
	}
	return p, readable, nil
}

// hideSubmitter leaves out the citizen's name for those who may not manage
// proposals: only they need it, to answer the citizen and to erase it.
func hideSubmitter(u *survey.User, p *survey.Proposal) {
	if !survey.Can(u, survey.ManageProposals) {
		p.SubmittedBy = ""
	}
}

// listProposals returns every proposal with its status and waiting time.
func (s *server) listProposals(cx context.Context, u *survey.User) ([]*survey.Proposal, error) {
	ps, _, err := s.proposalsWithRounds(cx, u)
	return ps, err
}

// proposalsWithRounds returns the proposals, refreshed, and their rounds by
// proposal id: two queries.
func (s *server) proposalsWithRounds(cx context.Context, u *survey.User) ([]*survey.Proposal, map[string][]*survey.Remiss, error) {
	if err := allow(u, survey.ReadRemiss); err != nil {
		return nil, nil, err
	}
	ps, err := s.remiss.proposals.List(cx)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	rounds, err := s.remiss.remisses.List(cx, storage.RemissFilter{Proposals: ids})
	if err != nil {
		return nil, nil, err
	}
	byProposal := map[string][]*survey.Remiss{}
	for _, r := range rounds {
		byProposal[r.Proposal] = append(byProposal[r.Proposal], r)
	}
	for _, p := range ps {
		p.Refresh(byProposal[p.ID], s.now())
		hideSubmitter(u, p)
	}
	return ps, byProposal, nil
}

func (s *server) eraseSubmitter(cx context.Context, u *survey.User, id string) error {
	if err := allow(u, survey.ManageProposals); err != nil {
		return err
	}
	if err := s.remiss.proposals.EraseSubmitter(cx, id); err != nil {
		return err
	}
	s.record(cx, u, auditSubmitterErased, "proposal/"+id, "")
	return nil
}

func (s *server) sendRemiss(cx context.Context, u *survey.User, proposalID string, in survey.NewRemiss) (*survey.Remiss, error) {
	if err := allow(u, survey.ManageProposals); err != nil {
		return nil, err
	}
	p, err := s.remiss.proposals.Get(cx, proposalID)
	if err != nil {
		return nil, err
	}
	r, err := in.Remiss(p, s.now(), u.ID)
	if err != nil {
		return nil, err
	}
	if err := s.checkVillagesExist(cx, r.Villages); err != nil {
		return nil, err
	}
	if err := s.checkLinkedSurveys(cx, r.Surveys); err != nil {
		return nil, err
	}
	if err := s.remiss.remisses.Create(cx, r); err != nil {
		return nil, err
	}
	if err := s.remiss.proposals.SetStatus(cx, p.ID, survey.ProposalOnRemiss); err != nil {
		return nil, err
	}
	s.record(cx, u, auditRemissSent, "remiss/"+r.ID,
		fmt.Sprintf("förslag %s till %s, sista svarsdag %s", p.ID, strings.Join(r.Villages, ", "), r.Deadline))
	s.notifyLogged(cx, survey.NoticeSent, p, r, r.Villages)
	return r, nil
}

// checkLinkedSurveys refuses a link to a survey that does not exist or is not
// addressed to the village.
func (s *server) checkLinkedSurveys(cx context.Context, links map[string]string) error {
	v := &survey.ValidationError{}
	for village, id := range links {
		sv, err := s.surveys.Get(cx, id)
		switch {
		case err == nil && !sv.HasVillage(village):
			v.Add("surveys."+village, "Enkäten gäller inte byn")
		case err == nil:
		case isNotFound(err):
			v.Add("surveys."+village, "Enkäten finns inte")
		default:
			return err
		}
	}
	return v.Err()
}

// loadRemiss returns a round that u may read.
func (s *server) loadRemiss(cx context.Context, u *survey.User, id string) (*survey.Remiss, error) {
	r, err := s.remiss.remisses.Get(cx, id)
	if err != nil {
		return nil, err
	}
	if err := allow(u, survey.ReadRemiss, r.Villages...); err != nil {
		return nil, err
	}
	return r, nil
}

// refreshProposalStatus stores the status that follows from the proposal's rounds.
func (s *server) refreshProposalStatus(cx context.Context, proposalID string) error {
	p, err := s.remiss.proposals.Get(cx, proposalID)
	if err != nil {
		return err
	}
	rounds, err := s.remiss.remisses.List(cx, storage.RemissFilter{Proposal: proposalID})
	if err != nil {
		return err
	}
	return s.remiss.proposals.SetStatus(cx, proposalID, survey.ProposalStatus(p, rounds, s.now()))
}

func (s *server) moveDeadline(cx context.Context, u *survey.User, id string, in survey.DeadlineChange) (*survey.Remiss, error) {
	if err := allow(u, survey.ManageProposals); err != nil {
		return nil, err
	}
	r, err := s.remiss.remisses.Get(cx, id)
	if err != nil {
		return nil, err
	}
	old, err := r.MoveDeadline(in, s.now())
	if err != nil {
		return nil, err
	}
	if err := s.remiss.remisses.MoveDeadline(cx, r); err != nil {
		return nil, err
	}
	if err := s.refreshProposalStatus(cx, r.Proposal); err != nil {
		return nil, err
	}
	s.record(cx, u, auditDeadlineMoved, "remiss/"+r.ID, fmt.Sprintf("från %s till %s", old, r.Deadline))
	if p, err := s.remiss.proposals.Get(cx, r.Proposal); err == nil {
		s.notifyLogged(cx, survey.NoticeMoved, p, r, r.Villages)
	}
	return r, nil
}

func (s *server) closeRemiss(cx context.Context, u *survey.User, id string) (*survey.Remiss, error) {
	if err := allow(u, survey.ManageProposals); err != nil {
		return nil, err
	}
	r, err := s.remiss.remisses.Get(cx, id)
	if err != nil {
		return nil, err
	}
	if err := r.Close(s.now(), u.ID); err != nil {
		return nil, err
	}
	if err := s.remiss.remisses.Close(cx, r); err != nil {
		return nil, err
	}
	if err := s.refreshProposalStatus(cx, r.Proposal); err != nil {
		return nil, err
	}
	s.record(cx, u, auditRemissClosed, "remiss/"+r.ID, fmt.Sprintf("stängd %s; sista svarsdag var %s", survey.DateOf(s.now()), r.Deadline))
	if p, err := s.remiss.proposals.Get(cx, r.Proposal); err == nil {
		s.notifyLogged(cx, survey.NoticeClosed, p, r, r.Villages)
	}
	return r, nil
}

// answerRemiss stores a village's answer. Authorization comes first: a
// representative answering for another village learns nothing more than 403.
func (s *server) answerRemiss(cx context.Context, u *survey.User, id string, in survey.AnswerInput) (*survey.RemissAnswer, bool, error) {
	if err := allow(u, survey.AnswerRemiss, in.Village); err != nil {
		return nil, false, err
	}
	r, err := s.remiss.remisses.Get(cx, id)
	if err != nil {
		return nil, false, err
	}
	a, err := r.Answer(in, s.now(), u)
	if err != nil {
		return nil, false, err
	}
	replaced, err := s.remiss.remisses.Answer(cx, r, a)
	if err != nil {
		return nil, false, err
	}
	if replaced {
		// Read it back with the versions it replaced.
		answers, err := s.remiss.remisses.Answers(cx, r)
		if err != nil {
			return nil, false, err
		}
		for i := range answers {
			if answers[i].Village == a.Village {
				a.History = answers[i].History
			}
		}
	}
	return a, replaced, nil
}

func (s *server) decide(cx context.Context, u *survey.User, proposalID string, in survey.DecisionInput) (*survey.Proposal, error) {
	if err := allow(u, survey.ManageProposals); err != nil {
		return nil, err
	}
	p, rounds, err := s.loadProposal(cx, u, proposalID)
	if err != nil {
		return nil, err
	}
	if err := p.Decide(in, rounds, s.now(), u.ID); err != nil {
		return nil, err
	}
	if err := s.remiss.proposals.Decide(cx, p); err != nil {
		return nil, err
	}
	s.record(cx, u, auditDecisionRecorded, "proposal/"+p.ID, fmt.Sprintf("%s den %s", p.Decision.Outcome, p.Decision.Date))
	p.Refresh(rounds, s.now())
	return p, nil
}

// summarize compiles a round that u may read.
func (s *server) summarize(cx context.Context, u *survey.User, id string) (survey.RemissSummary, *survey.Remiss, error) {
	r, err := s.loadRemiss(cx, u, id)
	if err != nil {
		return survey.RemissSummary{}, nil, err
	}
	p, err := s.remiss.proposals.Get(cx, r.Proposal)
	if err != nil {
		return survey.RemissSummary{}, nil, err
	}
	answers, err := s.remiss.remisses.Answers(cx, r)
	if err != nil {
		return survey.RemissSummary{}, nil, err
	}
	return survey.Summarize(p, r, answers, s.now()), r, nil
}

// remindersResult says who was reminded, and which missing villages have no
// representative to remind.
type remindersResult struct {
	Queued          int                    `json:"queued"`
	Messages        []survey.OutboxMessage `json:"messages"`
	WithoutAnyoneTo []string               `json:"villages_without_representative"`
	Delivery        string                 `json:"delivery"`
}

// queueReminders puts a reminder to each representative of each village that
// has not answered into the outbox, and sends them when a mail server is set.
func (s *server) queueReminders(cx context.Context, u *survey.User, id string) (remindersResult, error) {
	res := remindersResult{Messages: []survey.OutboxMessage{}, WithoutAnyoneTo: []string{}, Delivery: "outbox"}
	if err := allow(u, survey.ManageProposals); err != nil {
		return res, err
	}
	sum, r, err := s.summarize(cx, u, id)
	if err != nil {
		return res, err
	}
	if err := r.Accepting(s.now()); err != nil {
		return res, err
	}
	p, err := s.remiss.proposals.Get(cx, r.Proposal)
	if err != nil {
		return res, err
	}
	res.Messages, res.WithoutAnyoneTo, err = s.notify(cx, survey.NoticeReminder, p, r, sum.Missing)
	if err != nil {
		return res, err
	}
	res.Queued = len(res.Messages)
	if s.remiss.mailer != nil {
		res.Delivery = "smtp"
	}
	s.record(cx, u, auditRemindersQueued, "remiss/"+r.ID, fmt.Sprintf("%d påminnelser", res.Queued))
	return res, nil
}

// notify queues a message of the kind to every active representative of each
// village, and delivers them when a mail server is set. It returns the
// messages and the villages that have no one to write to. Users and
// villages are small collections: one read each.
func (s *server) notify(cx context.Context, kind string, p *survey.Proposal, r *survey.Remiss, villages []string) ([]survey.OutboxMessage, []string, error) {
	msgs, nobody := []survey.OutboxMessage{}, []string{}
	if len(villages) == 0 {
		return msgs, nobody, nil
	}
	users, err := s.users.List(cx)
	if err != nil {
		return nil, nil, err
	}
	n, err := s.names(cx)
	if err != nil {
		return nil, nil, err
	}
	base := s.cfg.MailURL
	if base == "" {
		base = s.cfg.PublicURL
	}
	for _, village := range villages {
		name := n.Village[village]
		if name == "" {
			name = village
		}
		found := false
		for i := range users {
			to := &users[i]
			if to.Active && to.Role == survey.RoleRepresentative && to.HasVillage(village) {
				msgs = append(msgs, survey.Notice(kind, p, r, village, name, to, base, s.now()))
				found = true
			}
		}
		if !found {
			nobody = append(nobody, village)
		}
	}
	if err := s.remiss.outbox.Queue(cx, msgs); err != nil {
		return nil, nil, err
	}
	for i := range msgs {
		s.deliver(cx, &msgs[i])
	}
	return msgs, nobody, nil
}

// notifyLogged is notify after a change already stored: a failure to queue
// is logged, not returned, since the change itself succeeded.
func (s *server) notifyLogged(cx context.Context, kind string, p *survey.Proposal, r *survey.Remiss, villages []string) {
	if _, _, err := s.notify(cx, kind, p, r, villages); err != nil {
		s.log.Error("remiss messages not queued", "kind", kind, "remiss", r.ID, "err", err)
	}
}

// deliver sends a queued message when a mail server is configured; without
// one the message stays in the outbox, where officials see it, and is logged.
// It claims attempt 1 first, like the background sender (outbox_sender.go)
// claims every attempt: the two never both send one message.
func (s *server) deliver(cx context.Context, m *survey.OutboxMessage) {
	if s.remiss.mailer == nil {
		s.log.Info("message left in the outbox: no mail server configured", "to", m.To, "subject", m.Subject, "id", m.ID)
		return
	}
	if _, err := s.attempt(cx, m, s.now()); err != nil {
		s.log.Warn("message not sent now; the outbox sender tries again", "id", m.ID, "err", err)
	}
}

// attempt claims the message's next attempt and, when this instance wins
// the claim, hands the message to the mail server and records the outcome
// (a failure with the time of the next attempt, or given up after the
// last). It reports whether it claimed the attempt; false means another
// instance has it. m is updated as stored.
func (s *server) attempt(cx context.Context, m *survey.OutboxMessage, now time.Time) (bool, error) {
	n := m.Attempts + 1
	claimed, err := s.remiss.outbox.ClaimAttempt(cx, m.ID, n, now)
	if err != nil || !claimed {
		return false, err
	}
	err = s.remiss.mailer.Send(cx, m.To, m.Subject, m.Body, m.Attachments...)
	at := now.UTC()
	m.Attempts, m.NextAttempt = n, nil
	if err != nil {
		s.log.Warn("message not sent; it stays in the outbox", "to", m.To, "id", m.ID, "attempt", n, "err", err)
		m.Status, m.Error = survey.MessageFailed, err.Error()
		if next, ok := survey.NextAttemptAfter(n, at); ok {
			m.NextAttempt = &next
		} else {
			m.GaveUp = true
		}
	} else {
		m.Status, m.Sent, m.Error = survey.MessageSent, &at, ""
	}
	if err2 := s.remiss.outbox.Delivered(cx, m.ID, n, at, err); err2 != nil {
		s.log.Warn("outbox status not saved", "id", m.ID, "err", err2)
	}
	return true, nil
}

// remissView is a round as the API shows it: its status and days left at the
// time of reading, and who has answered.
type remissView struct {
	*survey.Remiss
	Status   string   `json:"status"`
	DaysLeft int      `json:"days_left"`
	Answered []string `json:"answered"`
	Missing  []string `json:"missing"`
}

// remissViews lists the rounds a user may read with who has answered.
func (s *server) remissViews(cx context.Context, rounds []*survey.Remiss) ([]remissView, error) {
	out := make([]remissView, 0, len(rounds))
	if len(rounds) == 0 {
		return out, nil
	}
	answers, err := s.remiss.remisses.Answers(cx, rounds...)
	if err != nil {
		return nil, err
	}
	answered := map[string]bool{}
	for _, a := range answers {
		answered[a.Remiss+"/"+a.Village] = true
	}
	for _, r := range rounds {
		v := remissView{Remiss: r, Status: r.CurrentStatus(s.now()), DaysLeft: r.DaysLeft(s.now()),
			Answered: []string{}, Missing: []string{}}
		for _, village := range r.Villages {
			if answered[r.ID+"/"+village] {
				v.Answered = append(v.Answered, village)
			} else {
				v.Missing = append(v.Missing, village)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// listRemisses returns the rounds u may read: for a representative those of
// their villages; ?village narrows to one village, ?status to open or closed.
func (s *server) listRemisses(cx context.Context, u *survey.User, village, status, proposal string) ([]remissView, error) {
	if status != "" && status != survey.RemissOpen && status != survey.RemissClosed {
		return nil, malformed("status", "Status ska vara open eller closed")
	}
	f := storage.RemissFilter{Proposal: proposal}
	switch {
	case village != "":
		if err := allow(u, survey.ReadRemiss, village); err != nil {
			return nil, err
		}
		f.Villages = []string{village}
	case u.Role == survey.RoleRepresentative:
		f.Villages = u.Villages
	default:
		if err := allow(u, survey.ReadRemiss); err != nil {
			return nil, err
		}
	}
	rounds, err := s.remiss.remisses.List(cx, f)
	if err != nil {
		return nil, err
	}
	views, err := s.remissViews(cx, rounds)
	if err != nil {
		return nil, err
	}
	if status == "" {
		return views, nil
	}
	kept := views[:0]
	for _, v := range views {
		if v.Status == status {
			kept = append(kept, v)
		}
	}
	return kept, nil
}

// JSON API.

func (s *server) apiCreateProposal(c *fiber.Ctx) error {
	var in survey.NewProposal
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.registerProposal(cx, currentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (s *server) apiListProposals(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	ps, err := s.listProposals(cx, currentUser(c))
	if err != nil {
		return err
	}
	return c.JSON(ps)
}

// proposalWithRounds is a proposal with its rounds, as GET shows it.
type proposalWithRounds struct {
	*survey.Proposal
	Rounds []remissView `json:"rounds"`
}

func (s *server) apiGetProposal(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, rounds, err := s.loadProposal(cx, currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	views, err := s.remissViews(cx, rounds)
	if err != nil {
		return err
	}
	return c.JSON(proposalWithRounds{Proposal: p, Rounds: views})
}

func (s *server) apiEraseSubmitter(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	if err := s.eraseSubmitter(cx, currentUser(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *server) apiSendRemiss(c *fiber.Ctx) error {
	var in survey.NewRemiss
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	r, err := s.sendRemiss(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *server) apiDecide(c *fiber.Ctx) error {
	var in survey.DecisionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.decide(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *server) apiListRemisses(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	views, err := s.listRemisses(cx, currentUser(c), c.Query("village"), c.Query("status"), c.Query("proposal"))
	if err != nil {
		return err
	}
	return c.JSON(views)
}

func (s *server) apiGetRemiss(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	r, err := s.loadRemiss(cx, currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	views, err := s.remissViews(cx, []*survey.Remiss{r})
	if err != nil {
		return err
	}
	return c.JSON(views[0])
}

func (s *server) apiMoveDeadline(c *fiber.Ctx) error {
	var in survey.DeadlineChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	r, err := s.moveDeadline(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(remissView{Remiss: r, Status: r.CurrentStatus(s.now()), DaysLeft: r.DaysLeft(s.now())})
}

func (s *server) apiCloseRemiss(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	r, err := s.closeRemiss(cx, currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(remissView{Remiss: r, Status: r.CurrentStatus(s.now()), DaysLeft: r.DaysLeft(s.now())})
}

// answerResponse is the stored answer and whether it replaced an earlier one.
type answerResponse struct {
	*survey.RemissAnswer
	Replaced bool `json:"replaced"`
}

func (s *server) apiAnswerRemiss(c *fiber.Ctx) error {
	var in survey.AnswerInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	a, replaced, err := s.answerRemiss(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(answerResponse{RemissAnswer: a, Replaced: replaced})
}

func (s *server) apiRemissSummary(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sum, _, err := s.summarize(cx, currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(sum)
}

// apiRemissAnswers lists the current answers, each with the versions it replaced.
func (s *server) apiRemissAnswers(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sum, _, err := s.summarize(cx, currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(sum.Answers)
}

func (s *server) apiReminders(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	res, err := s.queueReminders(cx, currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(res)
}

func (s *server) apiOutbox(c *fiber.Ctx) error {
	if err := allow(currentUser(c), survey.ManageProposals); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	msgs, err := s.remiss.outbox.List(cx, c.Query("remiss"))
	if err != nil {
		return err
	}
	hidePasswordLinks(msgs)
	return c.JSON(msgs)
}

// Swedish names of stances, anchoring methods, outcomes and statuses, for
// pages and the CSV file.
var (
	stanceNames = map[string]string{
		survey.StanceSupport:            "Tillstyrker",
		survey.StanceSupportWithChanges: "Tillstyrker med ändringar",
		survey.StanceOppose:             "Avstyrker",
		survey.StanceNoOpinion:          "Inget att invända",
	}
	anchorNames = map[string]string{
		survey.AnchorMeeting: "Stormöte",
		survey.AnchorSurvey:  "Enkät",
		survey.AnchorBoard:   "Styrelsemöte",
		survey.AnchorNone:    "Ingen förankring",
	}
	outcomeNames = map[string]string{
		survey.OutcomeApproved:       "Bifall",
		survey.OutcomePartlyApproved: "Delvis bifall",
		survey.OutcomeRejected:       "Avslag",
		survey.OutcomeAnswered:       "Besvarat",
	}
	proposalStatusNames = map[string]string{
		survey.ProposalReceived:     "Inkommet",
		survey.ProposalOnRemiss:     "På remiss",
		survey.ProposalRemissClosed: "Remisstiden slut",
		survey.ProposalDecided:      "Beslutat",
	}
	remissStatusNames = map[string]string{
		survey.RemissOpen:   "Öppen",
		survey.RemissClosed: "Stängd",
	}
)

// apiRemissSummaryExport exports the summary as CSV or XLSX: one row a
// consulted village, with the villages that have not answered as rows
// saying so. Answers are dated to the minute, as on the summary page.
func (s *server) apiRemissSummaryExport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cx, cancel := ctx(c)
		defer cancel()
		sum, _, err := s.summarize(cx, currentUser(c), c.Params("id"))
		if err != nil {
			return err
		}
		header := []string{"by", "ställningstagande", "motivering", "förankring", "deltagare", "besvarat", "besvarat av", "tidigare versioner"}
		var rows [][]any
		for _, a := range sum.Answers {
			rows = append(rows, []any{a.Village, stanceNames[a.Stance], a.Motivation, anchorNames[a.Anchoring.Method],
				a.Anchoring.Participants, a.AnsweredAt.In(survey.Stockholm).Format("2006-01-02 15:04"),
				a.AnsweredByName, len(a.History)})
		}
		missing := append([]string(nil), sum.Missing...)
		sort.Strings(missing)
		for _, v := range missing {
			rows = append(rows, []any{v, "inget svar", nil, nil, nil, nil, nil, nil})
		}
		return sendExport(c, format, "remissammanstallning-"+sum.Remiss, "Sammanställning", header, rows)
	}
}

// apiRemissChart draws the round's stances, one row a consulted village, as
// PNG or SVG (charts.Remiss).
func (s *server) apiRemissChart(c *fiber.Ctx) error {
	format, err := charts.ParseFormat(c.Params("format"))
	if err != nil {
		return fiber.ErrNotFound
	}
	cx, cancel := ctx(c)
	defer cancel()
	sum, _, err := s.summarize(cx, currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	n, err := s.names(cx)
	if err != nil {
		return err
	}
	ch := remissChart(sum, n, lang(c))
	var buf bytes.Buffer
	if err := ch.Render(&buf, charts.Options{Format: format, Scale: 2}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, format.ContentType())
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// remissChart is the picture of a round's stances: every consulted village
// in the round's order, those without an answer included.
func remissChart(sum survey.RemissSummary, n names, lang string) charts.Remiss {
	stance := map[string]string{}
	for _, a := range sum.Answers {
		stance[a.Village] = a.Stance
	}
	ch := charts.Remiss{Title: sum.ProposalTitle, Text: chartText(lang)}
	for _, v := range sum.Villages {
		label := n.Village[v]
		if label == "" {
			label = v
		}
		ch.Villages = append(ch.Villages, charts.RemissVillage{Label: label, Stance: charts.ParseStance(stance[v])})
	}
	return ch
}
