package handlers

import (
	"context"
	"sort"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// villageIndexRow is one village on /byar.
type villageIndexRow struct {
	Village survey.Village
	Plan    *survey.Plan
	Open    int
}

// villagesIndexPage lists every village with its current plan and how many
// surveys are open there: no account.
func (s *server) villagesIndexPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	villages, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	current, err := s.currentPlans(cx, 0)
	if err != nil {
		return err
	}
	open, err := s.surveys.List(cx, storage.SurveyFilter{Status: survey.Open})
	if err != nil {
		return err
	}
	rows := make([]villageIndexRow, len(villages))
	for i, v := range villages {
		rows[i].Village = v
		for _, p := range current {
			if p.Village == v.Slug {
				rows[i].Plan = p
			}
		}
		for _, sv := range open {
			if sv.HasVillage(v.Slug) {
				rows[i].Open++
			}
		}
	}
	return render(c, fiber.StatusOK, "villages", "Byarna", rows)
}

// priorityRow is a priority of the village page with its actions.
type priorityRow struct {
	survey.Priority
	AreaName string
	Actions  []actionView
}

// surveyResult is one question of a closed survey as the village answered:
// its most chosen answer and the share, when the village passes min_n.
type surveyResult struct {
	Prompt string
	Answer string
	Share  float64
	N      int
}

// closedSurvey is a closed survey of the village with its results.
type closedSurvey struct {
	Survey  *survey.Survey
	N       int
	Results []surveyResult
}

// groupAnswer is a remiss answer the group gave, with the proposal's title.
type groupAnswer struct {
	Title  string
	Answer survey.RemissAnswer
}

// villagePageData is what /byar/{slug} shows.
type villagePageData struct {
	Village    survey.Village
	Plan       *survey.Plan
	Priorities []priorityRow
	Progress   survey.Progress
	Open       []*survey.Survey
	Closed     []closedSurvey
	Answers    []groupAnswer
	MinN       int
}

// publicVillagePage is the village's public page: what the group works on, what is
// done by whom and when, how to take part. No account, no JavaScript.
func (s *server) publicVillagePage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	v, err := s.villages.Get(cx, c.Params("slug"))
	if err != nil {
		return err
	}
	d := villagePageData{Village: v, MinN: s.cfg.MinN}
	if d.Plan, err = s.currentPlan(cx, v.Slug); err != nil {
		return err
	}
	if d.Plan != nil {
		areas, err := s.plans.FocusAreas(cx)
		if err != nil {
			return err
		}
		if d.Priorities, d.Progress, err = s.priorityRows(cx, d.Plan, areas); err != nil {
			return err
		}
	}
	surveys, err := s.surveys.List(cx, storage.SurveyFilter{Village: v.Slug})
	if err != nil {
		return err
	}
	villages, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	for _, sv := range surveys {
		switch sv.Status {
		case survey.Open:
			d.Open = append(d.Open, sv)
		case survey.Closed:
			cs, err := s.closedResults(cx, sv, villages, v.Slug)
			if err != nil {
				return err
			}
			d.Closed = append(d.Closed, cs)
		}
	}
	if d.Answers, err = s.groupAnswers(cx, v.Slug); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "village", v.Name, d)
}

// priorityRows puts the plan's actions (dropped ones left out) under its
// priorities, named after their focus areas, and counts its progress.
func (s *server) priorityRows(cx context.Context, p *survey.Plan, areas []survey.FocusArea) ([]priorityRow, survey.Progress, error) {
	names := map[string]string{}
	for _, a := range areas {
		names[a.ID] = a.Name
	}
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{Plan: p.ID})
	if err != nil {
		return nil, survey.Progress{}, err
	}
	views := s.actionViews(actions)
	rows := make([]priorityRow, 0, len(p.Priorities))
	for _, pr := range p.Priorities {
		row := priorityRow{Priority: pr, AreaName: names[pr.FocusArea]}
		for _, a := range views {
			if a.Priority == pr.ID && a.Status != survey.ActionDropped {
				row.Actions = append(row.Actions, a)
			}
		}
		rows = append(rows, row)
	}
	return rows, survey.ProgressOf(actions, s.now()), nil
}

// closedResults is the village's own answers to a closed survey, question by
// question, only where at least min_n answered (free text never).
func (s *server) closedResults(cx context.Context, sv *survey.Survey, villages []survey.Village, slug string) (closedSurvey, error) {
	tallies, err := s.responses.Tallies(cx, sv.ID)
	if err != nil {
		return closedSurvey{}, err
	}
	cs := closedSurvey{Survey: sv}
	for _, t := range tallies {
		if t.Village == slug {
			cs.N += t.Responses
		}
	}
	cmp := survey.Compare(sv, villages, tallies, s.cfg.MinN)
	for _, q := range cmp.Questions {
		for _, va := range q.Villages {
			if va.Slug != slug || !va.Shown {
				continue
			}
			r := surveyResult{Prompt: q.Prompt, N: va.N}
			switch q.Type {
			case survey.Likert:
				r.Answer, r.Share = "Instämmer (4–5)", deref0(va.Agree)
			case survey.Single, survey.Multi:
				r.Answer, r.Share = topShare(va.Shares)
			case survey.Rank:
				r.Answer, r.Share = topShare(va.FirstShare)
			default:
				continue
			}
			cs.Results = append(cs.Results, r)
		}
	}
	return cs, nil
}

// topShare is the most chosen option and its share (ties: the first by name).
func topShare(shares map[string]float64) (string, float64) {
	keys := make([]string, 0, len(shares))
	for k := range shares {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	best, share := "", -1.0
	for _, k := range keys {
		if shares[k] > share {
			best, share = k, shares[k]
		}
	}
	return best, share
}

// groupAnswers is the remiss answers the village's group gave, newest round
// first.
func (s *server) groupAnswers(cx context.Context, slug string) ([]groupAnswer, error) {
	rounds, err := s.remiss.remisses.List(cx, storage.RemissFilter{Villages: []string{slug}})
	if err != nil || len(rounds) == 0 {
		return nil, err
	}
	answers, err := s.remiss.remisses.Answers(cx, rounds...)
	if err != nil {
		return nil, err
	}
	titles, err := s.proposalTitles(cx)
	if err != nil {
		return nil, err
	}
	var out []groupAnswer
	for _, r := range rounds {
		for _, a := range answers {
			if a.Remiss != r.ID || a.Village != slug {
				continue
			}
			out = append(out, groupAnswer{Title: titles[r.Proposal], Answer: a})
		}
	}
	return out, nil
}
