package handlers

import (
	"context"
	"fmt"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// Audit actions of matters.
const (
	auditMatterRaised   = "matter.raised"
	auditMatterStep     = "matter." // + the move: matter.forward, matter.answer, …
	auditMatterReminded = "matter.reminded"
	auditMatterAgenda   = "matter.agenda_item"
)

// matterView is a matter as the API shows it: with its escalation level and
// whether it is overdue, computed at the time of reading.
type matterView struct {
	*survey.Matter
	Escalation int  `json:"escalation"`
	Overdue    bool `json:"overdue"`
}

func (s *server) matterView(m *survey.Matter) matterView {
	now := s.now()
	return matterView{Matter: m, Escalation: m.Escalation(now), Overdue: m.Overdue(now)}
}

func (s *server) createMatter(c *fiber.Ctx) error {
	var in survey.NewMatter
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	m, err := s.raiseMatter(cx, currentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s.matterView(m))
}

// raiseMatter validates, stores, audits and announces a new matter raised
// by by: the API, the page and the forum's decisions (which pass a source
// of kind meeting_decision) all raise matters through it. by must be
// allowed to raise matters for the village; the village, focus area,
// department and an action or remiss source must exist.
func (s *server) raiseMatter(cx context.Context, by *survey.User, in survey.NewMatter) (*survey.Matter, error) {
	if in.Village != "" {
		if err := allow(by, survey.RaiseMatter, in.Village); err != nil {
			return nil, err
		}
	}
	checks, err := s.matterChecks(cx, in)
	if err != nil {
		return nil, err
	}
	m, err := in.Matter(checks, s.now(), by.ID)
	if err != nil {
		return nil, err
	}
	if err := s.matters.Create(cx, m); err != nil {
		return nil, err
	}
	s.record(cx, by, auditMatterRaised, "matter/"+m.ID, m.Title)
	s.notifyMatter(cx, survey.MatterNoticeRaised, m)
	return m, nil
}

// matterChecks reads what a new matter may name: the village must exist,
// and the focus areas, the departments and the source it names.
func (s *server) matterChecks(cx context.Context, in survey.NewMatter) (survey.MatterChecks, error) {
	var checks survey.MatterChecks
	if in.Village != "" {
		if _, err := s.villages.Get(cx, in.Village); err != nil {
			if isNotFound(err) {
				return checks, fieldError("village", "Byn finns inte")
			}
			return checks, err
		}
	}
	if in.FocusArea != "" {
		known, err := s.focusAreaSet(cx)
		if err != nil {
			return checks, err
		}
		checks.FocusArea = known
	}
	if in.Department != "" {
		known, err := s.departmentSet(cx)
		if err != nil {
			return checks, err
		}
		checks.Department = known
	}
	if src := in.Source; src != nil && src.ID != "" && len(src.ID) <= 100 {
		exists, err := s.sourceExists(cx, *src)
		if err != nil {
			return checks, err
		}
		checks.Source = func(survey.MatterSource) bool { return exists }
	}
	return checks, nil
}

// sourceExists reports whether the action, remiss or meeting decision a
// matter names exists.
func (s *server) sourceExists(cx context.Context, src survey.MatterSource) (bool, error) {
	var err error
	switch src.Kind {
	case survey.SourceAction:
		_, _, err = s.plans.Action(cx, src.ID)
	case survey.SourceRemiss:
		_, err = s.remiss.remisses.Get(cx, src.ID)
	case survey.SourceMeetingDecision:
		_, err = s.meetings.Decision(cx, src.ID)
	default:
		return true, nil
	}
	if isNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// departmentSet reads the departments once and answers whether an id is one.
func (s *server) departmentSet(cx context.Context) (func(string) bool, error) {
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, d := range deps {
		ids[d.ID] = true
	}
	return func(id string) bool { return ids[id] }, nil
}

// loadMatter reads the matter of the request and checks that the user may
// take the action for its village.
func (s *server) loadMatter(cx context.Context, u *survey.User, id string, a survey.Action) (*survey.Matter, int, error) {
	m, rev, err := s.matters.Get(cx, id)
	if err != nil {
		return nil, 0, err
	}
	if err := allow(u, a, m.Village); err != nil {
		return nil, 0, err
	}
	return m, rev, nil
}

func (s *server) getMatter(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	m, _, err := s.loadMatter(cx, currentUser(c), c.Params("id"), survey.ReadMatters)
	if err != nil {
		return err
	}
	return c.JSON(s.matterView(m))
}

// listMatters is GET /api/v1/matters?village=&status=&department=&overdue=true.
// A representative sees the matters of their villages.
func (s *server) listMatters(c *fiber.Ctx) error {
	status := c.Query("status")
	if status != "" && !contains(survey.MatterStatuses, status) {
		return fieldError("status", "Okänd status")
	}
	overdue := c.Query("overdue")
	if overdue != "" && overdue != "true" && overdue != "false" {
		return fieldError("overdue", "Ska vara true eller false")
	}
	cx, cancel := ctx(c)
	defer cancel()
	list, err := s.visibleMatters(cx, currentUser(c), storage.MatterFilter{Village: c.Query("village"), Status: status, Department: c.Query("department")})
	if err != nil {
		return err
	}
	out := make([]matterView, 0, len(list))
	for i := range list {
		v := s.matterView(&list[i])
		if overdue == "true" && !v.Overdue {
			continue
		}
		out = append(out, v)
	}
	return c.JSON(out)
}

// visibleMatters lists the matters u may read.
func (s *server) visibleMatters(cx context.Context, u *survey.User, f storage.MatterFilter) ([]survey.Matter, error) {
	list, err := s.matters.List(cx, f)
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, m := range list {
		if survey.Can(u, survey.ReadMatters, m.Village) {
			out = append(out, m)
		}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// matterMoveActions is the action each move needs.
var matterMoveActions = map[string]survey.Action{
	survey.MoveForward: survey.HandleMatter,
	survey.MoveAnswer:  survey.HandleMatter,
	survey.MoveConfirm: survey.ConfirmMatter,
	survey.MoveReopen:  survey.ConfirmMatter,
}

// matterStep is POST /api/v1/matters/{id}/forward|answer|confirm|reopen.
func (s *server) matterStep(move string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in survey.MatterMove
		if len(c.Body()) > 0 {
			if err := decodeJSON(c, &in); err != nil {
				return err
			}
		}
		cx, cancel := ctx(c)
		defer cancel()
		m, err := s.stepMatter(cx, currentUser(c), c.Params("id"), move, in)
		if err != nil {
			return err
		}
		return c.JSON(s.matterView(m))
	}
}

// stepMatter takes a step on a matter for the API and the page: checks,
// stores (one of two simultaneous steps wins, the other is 409), audits
// and tells the village when the matter is answered.
func (s *server) stepMatter(cx context.Context, u *survey.User, id, move string, in survey.MatterMove) (*survey.Matter, error) {
	a, ok := matterMoveActions[move]
	if !ok {
		return nil, fmt.Errorf("okänt steg %q: %w", move, survey.ErrNotFound)
	}
	m, rev, err := s.loadMatter(cx, u, id, a)
	if err != nil {
		return nil, err
	}
	var known func(string) bool
	if move == survey.MoveForward {
		if known, err = s.departmentSet(cx); err != nil {
			return nil, err
		}
	}
	st, err := m.Step(move, in, known, s.now(), u.ID)
	if err != nil {
		return nil, err
	}
	if err := s.matters.Step(cx, m, rev, st); err != nil {
		return nil, err
	}
	s.record(cx, u, auditMatterStep+move, "matter/"+m.ID, st.From+" → "+st.To)
	if move == survey.MoveAnswer {
		s.notifyMatter(cx, survey.MatterNoticeAnswered, m)
	}
	return m, nil
}

// contactPersons are the officials matters' notices go to: the active users
// marked contact person, or, when no one is, every active official.
func contactPersons(users []survey.User) []survey.User {
	var marked, officials []survey.User
	for _, u := range users {
		if !u.Active {
			continue
		}
		if u.ContactPerson && (u.Role == survey.RoleOfficial || u.Role == survey.RoleAdmin) {
			marked = append(marked, u)
		}
		if u.Role == survey.RoleOfficial {
			officials = append(officials, u)
		}
	}
	if len(marked) > 0 {
		return marked
	}
	return officials
}

// mailRoot starts the links in e-mail sent without a request (the clock):
// MailURL, which cmd/forankra always sets, else PublicURL.
func (s *server) mailRoot() string {
	if s.cfg.MailURL != "" {
		return s.cfg.MailURL
	}
	return s.cfg.PublicURL
}

// notifyMatter queues (and sends, when a mail server is set) the notice of
// a matter: a raised matter to the contact persons, an answered one to the
// village's representatives. The step is already stored: a failure is
// logged, not returned.
func (s *server) notifyMatter(cx context.Context, kind string, m *survey.Matter) {
	if err := s.queueMatterNotice(cx, kind, m); err != nil {
		s.log.Error("matter notice not queued", "kind", kind, "matter", m.ID, "err", err)
	}
}

func (s *server) queueMatterNotice(cx context.Context, kind string, m *survey.Matter) error {
	users, err := s.users.List(cx)
	if err != nil {
		return err
	}
	village, err := s.villages.Get(cx, m.Village)
	if err != nil {
		return err
	}
	var to []survey.User
	if kind == survey.MatterNoticeAnswered {
		for _, u := range users {
			if u.Active && u.Role == survey.RoleRepresentative && u.HasVillage(m.Village) {
				to = append(to, u)
			}
		}
	} else {
		to = contactPersons(users)
	}
	msgs := make([]survey.OutboxMessage, 0, len(to))
	for i := range to {
		msgs = append(msgs, survey.MatterNotice(kind, m, &to[i], village.Name, s.mailRoot(), s.now()))
	}
	if err := s.remiss.outbox.Queue(cx, msgs); err != nil {
		return err
	}
	for i := range msgs {
		s.deliver(cx, &msgs[i])
	}
	return nil
}
