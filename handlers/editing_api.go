package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// The JSON routes beside the editing pages: each calls the same step as its
// page, so the rules, the audit entries and the answers (422 naming the
// field, 409 in the wrong state) are one.

// copySurvey makes a new draft from the survey the user manages.
func (s *server) copySurvey(cx context.Context, c *fiber.Ctx) (*survey.Survey, error) {
	sv, err := s.loadManaged(cx, c)
	if err != nil {
		return nil, err
	}
	cp := sv.Copy(currentUser(c).ID, s.now())
	if err := s.surveys.Create(cx, cp); err != nil {
		return nil, err
	}
	s.audit(cx, currentUser(c), survey.AuditSurveyCreated, cp.ID, cp.Title)
	return cp, nil
}

// apiCopySurvey is POST /api/v1/surveys/{id}/copy → 201 with the new draft.
func (s *server) apiCopySurvey(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	cp, err := s.copySurvey(cx, c)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cp)
}

// schedule sets when the survey opens and closes by itself, stores it as
// the next revision of the one read (none saved meanwhile) and audits it.
func (s *server) schedule(cx context.Context, c *fiber.Ctx, sv *survey.Survey, want *int, opens, closes *time.Time) error {
	if err := checkRevision(sv, want); err != nil {
		return err
	}
	if err := sv.SetSchedule(opens, closes, s.now()); err != nil {
		return err
	}
	if err := s.surveys.Save(cx, sv); err != nil {
		return err
	}
	s.cache.forget(sv.ID)
	s.audit(cx, currentUser(c), survey.AuditSurveyScheduled, sv.ID, "öppnas "+orDash(civilInput(sv.OpensAt))+", stängs "+orDash(civilInput(sv.ClosesAt)))
	return nil
}

// scheduleInput is the body of PUT /api/v1/surveys/{id}/schedule: Stockholm
// civil times ("2026-05-01T08:00") or RFC 3339 instants; null or "" clears.
type scheduleInput struct {
	OpensAt  *string `json:"opens_at"`
	ClosesAt *string `json:"closes_at"`
	Revision *int    `json:"revision"`
}

// apiTime reads a schedule time: RFC 3339, or Stockholm civil time.
func apiTime(v *survey.ValidationError, field string, s *string) *time.Time {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil
	}
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(*s)); err == nil {
		return &t
	}
	return civilTime(v, field, *s)
}

// apiSchedule is PUT /api/v1/surveys/{id}/schedule {"opens_at","closes_at"}.
func (s *server) apiSchedule(c *fiber.Ctx) error {
	var in scheduleInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v := &survey.ValidationError{}
	opens, closes := apiTime(v, "opens_at", in.OpensAt), apiTime(v, "closes_at", in.ClosesAt)
	if err := v.Err(); err != nil {
		return err
	}
	want, err := sentRevision(c, in.Revision)
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.loadManaged(cx, c)
	if err != nil {
		return err
	}
	if err := s.schedule(cx, c, sv, want, opens, closes); err != nil {
		return s.surveyConflict(c, cx, sv.ID, err)
	}
	return c.JSON(sv)
}

// replaceDraft stores a changed draft, its villages the user's and
// existing, as the next revision of the one read.
func (s *server) replaceDraft(cx context.Context, c *fiber.Ctx, sv *survey.Survey) error {
	if err := authorize(c, survey.ManageSurvey, sv.Villages...); err != nil {
		return err
	}
	if err := s.checkVillagesExist(cx, sv.Villages); err != nil {
		return err
	}
	if err := s.surveys.Save(cx, sv); err != nil {
		return err
	}
	s.cache.forget(sv.ID)
	return nil
}

// apiEditQuestion is PUT /api/v1/surveys/{id}/questions/{key}: a draft's
// question replaced in place; the key and the place stay.
func (s *server) apiEditQuestion(c *fiber.Ctx) error {
	var in questionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	want, err := sentRevision(c, in.Revision)
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.loadManaged(cx, c)
	if err != nil {
		return err
	}
	if err := checkRevision(sv, want); err != nil {
		return s.surveyConflict(c, cx, sv.ID, err)
	}
	if err := sv.EditQuestion(c.Params("key"), in.Question); err != nil {
		return err
	}
	if err := s.replaceDraft(cx, c, sv); err != nil {
		return s.surveyConflict(c, cx, sv.ID, err)
	}
	return c.JSON(sv)
}

// questionInput is the body of PUT /api/v1/surveys/{id}/questions/{key}:
// the question, and the revision it was made on.
type questionInput struct {
	survey.Question
	Revision *int `json:"revision"`
}

// detailsInput is the body of PATCH /api/v1/surveys/{id}: what is left out
// stays as it is.
type detailsInput struct {
	Title       *string   `json:"title"`
	Description *string   `json:"description"`
	Villages    *[]string `json:"villages"`
	Access      *string   `json:"access"`
	Revision    *int      `json:"revision"`
}

// apiEditDetails is PATCH /api/v1/surveys/{id}: a draft's title,
// description, villages or access.
func (s *server) apiEditDetails(c *fiber.Ctx) error {
	var in detailsInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	want, err := sentRevision(c, in.Revision)
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.loadManaged(cx, c)
	if err != nil {
		return err
	}
	d := survey.Details{Title: sv.Title, Description: sv.Description, Villages: sv.Villages, Access: sv.Access}
	if in.Title != nil {
		d.Title = *in.Title
	}
	if in.Description != nil {
		d.Description = *in.Description
	}
	if in.Villages != nil {
		d.Villages = *in.Villages
	}
	if in.Access != nil {
		d.Access = *in.Access
	}
	if err := checkRevision(sv, want); err != nil {
		return s.surveyConflict(c, cx, sv.ID, err)
	}
	if err := sv.SetDetails(d); err != nil {
		return err
	}
	if err := s.replaceDraft(cx, c, sv); err != nil {
		return s.surveyConflict(c, cx, sv.ID, err)
	}
	return c.JSON(sv)
}

// changeVillage applies a change to a village and audits it.
func (s *server) changeVillage(cx context.Context, c *fiber.Ctx, v *survey.Village, ch survey.VillageChange) error {
	before := *v
	if err := ch.Apply(v); err != nil {
		return err
	}
	if err := s.villages.Update(cx, *v); err != nil {
		return err
	}
	s.audit(cx, currentUser(c), survey.AuditVillageChanged, v.Slug, fmt.Sprintf("%s → %s, invånare %d → %d", before.Name, v.Name, before.Population, v.Population))
	return nil
}

// villageInput is the body of PATCH /api/v1/villages/{slug}.
type villageInput struct {
	Name       *string `json:"name"`
	Population *int    `json:"population"`
}

// apiEditVillage is PATCH /api/v1/villages/{slug} {"name","population"}:
// the slug stays.
func (s *server) apiEditVillage(c *fiber.Ctx) error {
	var in villageInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	v, err := s.villages.Get(cx, c.Params("slug"))
	if err != nil {
		return err
	}
	ch := survey.VillageChange{Name: v.Name, Population: v.Population}
	if in.Name != nil {
		ch.Name = *in.Name
	}
	if in.Population != nil {
		ch.Population = *in.Population
	}
	if err := s.changeVillage(cx, c, &v, ch); err != nil {
		return err
	}
	return c.JSON(v)
}

// editProposal corrects a proposal not yet sent on remiss nor decided.
func (s *server) editProposal(cx context.Context, u *survey.User, id string, in func(p *survey.Proposal) survey.NewProposal) (*survey.Proposal, error) {
	p, rounds, err := s.loadProposal(cx, u, id)
	if err != nil {
		return nil, err
	}
	before := p.Title
	if err := p.Edit(in(p), rounds, s.now()); err != nil {
		return nil, err
	}
	if err := s.remiss.proposals.Update(cx, p); err != nil {
		return nil, err
	}
	s.record(cx, u, auditProposalEdited, p.ID, before+" → "+p.Title)
	return p, nil
}

// proposalInput is the body of PATCH /api/v1/proposals/{id}.
type proposalInput struct {
	Title       *string `json:"title"`
	Body        *string `json:"body"`
	SubmittedBy *string `json:"submitted_by"`
	Received    *string `json:"received"`
}

// apiEditProposal is PATCH /api/v1/proposals/{id}: until it is sent on
// remiss (then 409); what is left out stays.
func (s *server) apiEditProposal(c *fiber.Ctx) error {
	var in proposalInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.editProposal(cx, currentUser(c), c.Params("id"), func(p *survey.Proposal) survey.NewProposal {
		np := survey.NewProposal{Title: p.Title, Body: p.Body, SubmittedBy: p.SubmittedBy, Received: p.Received.String()}
		for _, f := range []struct{ to, from *string }{{&np.Title, in.Title}, {&np.Body, in.Body}, {&np.SubmittedBy, in.SubmittedBy}, {&np.Received, in.Received}} {
			if f.from != nil {
				*f.to = *f.from
			}
		}
		return np
	})
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// correctDecision replaces a recorded decision; the audit log keeps the old.
func (s *server) correctDecision(cx context.Context, u *survey.User, id string, in survey.DecisionInput) (*survey.Proposal, error) {
	p, _, err := s.loadProposal(cx, u, id)
	if err != nil {
		return nil, err
	}
	old, err := p.CorrectDecision(in, s.now(), u.ID)
	if err != nil {
		return nil, err
	}
	if err := s.remiss.proposals.CorrectDecision(cx, p); err != nil {
		return nil, err
	}
	s.record(cx, u, auditDecisionCorrected, p.ID, fmt.Sprintf("före: %s den %s: %s; nu: %s den %s: %s",
		old.Outcome, old.Date, old.Text, p.Decision.Outcome, p.Decision.Date, p.Decision.Text))
	return p, nil
}

// apiCorrectDecision is PUT /api/v1/proposals/{id}/decision
// {"outcome","text","date"}: 409 when nothing is decided yet.
func (s *server) apiCorrectDecision(c *fiber.Ctx) error {
	var in survey.DecisionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.correctDecision(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}
