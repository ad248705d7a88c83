package handlers

import (
	"sort"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// freeTextAnswers are one text question's answers, as the free-text page
// shows them.
type freeTextAnswers struct {
	Question survey.Question
	Answers  []string
}

// freeTextPage answers GET /enkater/{id}/fritext: every free-text answer of
// the survey, for those who may read every one of its villages. The answers
// of all villages with at least min_n responses are pooled and sorted
// alphabetically, so that neither the village nor the order or time of
// answering can point to a resident; villages under min_n are left out.
func (s *server) freeTextPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	sv, err := s.surveys.Get(cx, c.Params("id"))
	if err != nil {
		return err
	}
	if !readsEvery(currentUser(c), sv.Villages) {
		return renderError(c, fiber.StatusForbidden, "Fritextsvaren kan bara läsas av den som får läsa alla enkätens byar")
	}
	n := map[string]int{}
	texts := map[string]map[string][]string{} // question → village → answers
	err = s.responses.Each(cx, sv.ID, func(r survey.Response) error {
		n[r.Village]++
		for key, a := range r.Answers {
			if a.Text == "" {
				continue
			}
			if texts[key] == nil {
				texts[key] = map[string][]string{}
			}
			texts[key][r.Village] = append(texts[key][r.Village], a.Text)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var questions []freeTextAnswers
	left := 0
	for _, q := range sv.Questions {
		if q.Type != survey.Text {
			continue
		}
		qa := freeTextAnswers{Question: q, Answers: []string{}}
		for village, as := range texts[q.Key] {
			if n[village] < s.cfg.MinN {
				left += len(as)
				continue
			}
			qa.Answers = append(qa.Answers, as...)
		}
		sort.Strings(qa.Answers)
		questions = append(questions, qa)
	}
	return render(c, fiber.StatusOK, "freetext", "Fritextsvar", fiber.Map{
		"Survey": sv, "Questions": questions, "LeftOut": left, "MinN": s.cfg.MinN})
}

// readsEvery reports whether u may read the results of every one of the
// villages, each on its own (a representative of only some may not).
func readsEvery(u *survey.User, villages []string) bool {
	if !survey.Can(u, survey.ReadSurveyResults, villages...) {
		return false
	}
	for _, v := range villages {
		if !survey.Can(u, survey.ReadSurveyResults, v) {
			return false
		}
	}
	return true
}
