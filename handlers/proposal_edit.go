package handlers

import (
	"net/url"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// A proposal can be corrected until it is sent on remiss: its page links to
// the registration form, filled in, posting to /forslag/{id}/andra.

func (s *server) renderProposalEdit(c *fiber.Ctx, status int, id string, f formState) error {
	return render(c, status, "proposal_new", "Ändra förslaget", fiber.Map{"Form": f, "Heading": "Ändra förslaget",
		"Action": "/forslag/" + id + "/andra", "Button": "Spara ändringarna"})
}

// proposalEditPage is GET /forslag/{id}/andra.
func (s *server) proposalEditPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, rounds, err := s.loadProposal(cx, currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	if len(rounds) > 0 || p.Decision != nil {
		return c.Redirect("/forslag/"+p.ID, fiber.StatusSeeOther)
	}
	return s.renderProposalEdit(c, fiber.StatusOK, p.ID, formState{Values: url.Values{"title": {p.Title}, "body": {p.Body},
		"submitted_by": {p.SubmittedBy}, "received": {p.Received.String()}}})
}

// proposalEdit is POST /forslag/{id}/andra; after the proposal was sent on
// remiss or decided it is 409.
func (s *server) proposalEdit(c *fiber.Ctx) error {
	if err := checkCSRF(c); err != nil {
		return err
	}
	in := survey.NewProposal{Title: c.FormValue("title"), Body: c.FormValue("body"),
		SubmittedBy: c.FormValue("submitted_by"), Received: c.FormValue("received")}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.editProposal(cx, currentUser(c), c.Params("id"), func(*survey.Proposal) survey.NewProposal { return in })
	if _, ok := newFormErrors(err); ok {
		f, ferr := newFormState(c, err)
		if ferr != nil {
			return ferr
		}
		return s.renderProposalEdit(c, fiber.StatusUnprocessableEntity, c.Params("id"), f)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/forslag/"+p.ID, fiber.StatusSeeOther)
}

// decisionCorrect is POST /forslag/{id}/beslut/andra: a recorded decision
// is corrected; the audit log keeps the one it replaced.
func (s *server) decisionCorrect(c *fiber.Ctx) error {
	if err := checkCSRF(c); err != nil {
		return err
	}
	in := survey.DecisionInput{Outcome: c.FormValue("outcome"), Text: c.FormValue("text"), Date: c.FormValue("date")}
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.correctDecision(cx, currentUser(c), c.Params("id"), in)
	if _, ok := newFormErrors(err); ok {
		return s.proposalFormFailed(c, cx, err, true)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/forslag/"+p.ID+"?klart=beslut", fiber.StatusSeeOther)
}
