package handlers

import (
	"strconv"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// Irreversible actions (Stäng enkäten, Ta bort, Radera namnet, Stäng
// remissrundan) ask first, without JavaScript: the button is a link to a GET
// confirmation page at the action's own address, whose form posts back with
// the field "confirm". A POST without it does not act: it is answered with
// the confirmation page, after the same checks as the GET.

// confirmation is the page that asks before an irreversible action.
type confirmation struct {
	Question string // the heading: "Stänga enkäten?"
	Detail   string // what happens and what cannot be undone
	Subject  string // what it concerns, as the user wrote it (not translated)
	Action   string // where the form posts
	Button   string
	Back     string // the page to return to without acting
	// Revision, when set, is the survey's revision the action is confirmed
	// on: a survey saved meanwhile makes the action 409, not a surprise.
	Revision string
}

// confirmed reports whether a POST carries the confirmation.
func confirmed(c *fiber.Ctx) bool { return c.FormValue("confirm") == "yes" }

func renderConfirm(c *fiber.Ctx, cf confirmation) error {
	return render(c, fiber.StatusOK, "confirm", cf.Question, cf)
}

// surveyCloseConfirm is GET /enkater/{id}/stang.
func (s *server) surveyCloseConfirm(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.loadManaged(cx, c)
	if err != nil {
		return err
	}
	if sv.Status != survey.Open {
		return c.Redirect("/enkater/"+sv.ID, fiber.StatusSeeOther)
	}
	return renderConfirm(c, confirmation{Question: "Stänga enkäten?", Subject: sv.Title,
		Detail: "Inga fler svar tas emot när enkäten är stängd. Svaren som redan kommit in finns kvar.",
		Action: "/enkater/" + sv.ID + "/stang", Button: "Stäng enkäten", Back: "/enkater/" + sv.ID, Revision: strconv.Itoa(sv.Revision)})
}

// questionRemoveConfirm is GET /enkater/{id}/fragor/{key}/ta-bort.
func (s *server) questionRemoveConfirm(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, q, ok, err := s.draftQuestion(cx, c)
	if err != nil || !ok {
		return err
	}
	return renderConfirm(c, confirmation{Question: "Ta bort frågan?", Subject: q.Prompt,
		Detail: "Frågan tas bort ur utkastet. Vill du ha den igen får du lägga till den på nytt.",
		Action: "/enkater/" + sv.ID + "/fragor/" + q.Key + "/ta-bort", Button: "Ta bort", Back: "/enkater/" + sv.ID + "#fragor", Revision: strconv.Itoa(sv.Revision)})
}

// eraseSubmitterConfirm is GET /forslag/{id}/radera-namn.
func (s *server) eraseSubmitterConfirm(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	p, err := s.remiss.proposals.Get(cx, c.Params("id"))
	if err != nil {
		return err
	}
	return renderConfirm(c, confirmation{Question: "Radera förslagsställarens namn?", Subject: p.Title,
		Detail: "Namnet raderas för gott och kan inte tas fram igen. Förslaget finns kvar.",
		Action: "/forslag/" + p.ID + "/radera-namn", Button: "Radera namnet", Back: "/forslag/" + p.ID})
}

// closeRemissConfirm is GET /remisser/{id}/stang.
func (s *server) closeRemissConfirm(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	r, err := s.remiss.remisses.Get(cx, c.Params("id"))
	if err != nil {
		return err
	}
	p, err := s.remiss.proposals.Get(cx, r.Proposal)
	if err != nil {
		return err
	}
	return renderConfirm(c, confirmation{Question: "Stänga remissrundan?", Subject: p.Title,
		Detail: "Byar som inte har svarat kan inte längre svara. Det går inte att öppna rundan igen.",
		Action: "/remisser/" + r.ID + "/stang", Button: "Stäng remissrundan", Back: "/remisser/" + r.ID})
}
