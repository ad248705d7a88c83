package handlers

import (
	"context"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// newestSurveys is how many surveys the start page lists.
const newestSurveys = 5

// todoData is the page "Att göra": what the signed-in user has to act on.
type todoData struct {
	// Answer are the open rounds' villages the user may answer and has not.
	Answer []inboxRow
	// Missing are the open rounds some village has not answered, for those
	// who manage proposals.
	Missing []todoRound
	// YearRule are the undecided proposals near or over the one-year rule.
	YearRule []proposalRow
	// Surveys are the newest surveys the user may read.
	Surveys []*survey.Survey
	// Acknowledge are the submitted plans an official should acknowledge.
	Acknowledge []*survey.Plan
	// DueActions are the open actions due this month or overdue that the
	// user follows: their villages' for a representative, the
	// municipality's for an official.
	DueActions []actionView
	// Meetings are the upcoming meetings: for a representative those their
	// villages are invited to.
	Meetings        []*survey.Meeting
	ReadMeetings    bool
	Names           names
	ManageProposals bool
	AcknowledgePlan bool
	ManagePlan      bool
	AnswerRemisses  bool
	ReadSurveys     bool
	// Matters are the matters the user should act on (nil: none of theirs).
	Matters *todoMatters
	// Bygdepeng: reports due, applications waiting for a decision, basic
	// grants to approve.
	FundReports, FundDecide, FundApprove           []fundTodo
	DecideApplications, ManageFunds, ApplyForFunds bool
}

// todoRound is an open round with the proposal's title.
type todoRound struct {
	remissView
	Title string
}

// proposalTitles reads every proposal's title in one query (proposals are
// a small collection), so that lists of rounds need no lookup per round.
func (s *server) proposalTitles(cx context.Context) (map[string]string, error) {
	ps, err := s.remiss.proposals.List(cx)
	if err != nil {
		return nil, err
	}
	titles := make(map[string]string, len(ps))
	for _, p := range ps {
		titles[p.ID] = p.Title
	}
	return titles, nil
}

// todo gathers the page's lists with one read of each collection: the
// rounds and their answers, the proposals (titles and the year rule alike),
// the surveys, the plans, the actions (TestTodoReadsEachCollectionOnce...).
func (s *server) todo(cx context.Context, u *survey.User) (*todoData, error) {
	n, err := s.names(cx)
	if err != nil {
		return nil, err
	}
	d := &todoData{Names: n, ManageProposals: survey.Can(u, survey.ManageProposals),
		AnswerRemisses: survey.Can(u, survey.AnswerRemiss), ReadSurveys: survey.Can(u, survey.ReadSurveyResults)}
	if d.ManageProposals || d.AnswerRemisses {
		// Every round u may read, once: the open ones are listed, and all of
		// them give the proposals their status for the year rule.
		rounds, err := s.listRemisses(cx, u, "", "", "")
		if err != nil {
			return nil, err
		}
		ps, err := s.remiss.proposals.List(cx)
		if err != nil {
			return nil, err
		}
		titles := make(map[string]string, len(ps))
		for _, p := range ps {
			titles[p.ID] = p.Title
		}
		for _, v := range rounds {
			if v.Status != survey.RemissOpen {
				continue
			}
			if d.ManageProposals && len(v.Missing) > 0 {
				d.Missing = append(d.Missing, todoRound{remissView: v, Title: titles[v.Proposal]})
			}
			if !d.AnswerRemisses {
				continue
			}
			for _, village := range v.Missing {
				if survey.Can(u, survey.AnswerRemiss, village) {
					d.Answer = append(d.Answer, inboxRow{Remiss: v, Title: titles[v.Proposal], Village: village, CanReply: true})
				}
			}
		}
		if d.ManageProposals {
			// Those who manage proposals read every round (listRemisses).
			byProposal := map[string][]*survey.Remiss{}
			for _, v := range rounds {
				byProposal[v.Proposal] = append(byProposal[v.Proposal], v.Remiss)
			}
			for _, p := range ps {
				p.Refresh(byProposal[p.ID], s.now())
				hideSubmitter(u, p)
				if p.Decision == nil && p.YearRule != "" {
					d.YearRule = append(d.YearRule, proposalRow{Proposal: p, Flag: yearRuleText(p.YearRule)})
				}
			}
			sortByUrgency(d.YearRule)
		}
	}
	if d.ReadSurveys {
		f := storage.SurveyFilter{}
		if u.Role == survey.RoleRepresentative {
			f.Villages = u.Villages
		}
		svs, err := s.surveys.List(cx, f)
		if err != nil {
			return nil, err
		}
		if len(svs) > newestSurveys {
			svs = svs[:newestSurveys]
		}
		d.Surveys = svs
	}
	if err := s.todoPlans(cx, u, d); err != nil {
		return nil, err
	}
	if err := s.todoMatters(cx, u, d); err != nil {
		return nil, err
	}
	// todo: meetings
	if d.ReadMeetings = survey.Can(u, survey.ReadMeetings); d.ReadMeetings {
		if d.Meetings, err = s.visibleMeetings(cx, u, true); err != nil {
			return nil, err
		}
	}
	if err := s.todoFunds(cx, u, d); err != nil {
		return nil, err
	}
	return d, nil
}

// todoPlans adds the plans waiting for acknowledgement and the actions due
// this month (or already overdue): one read of the plans, one of the actions.
func (s *server) todoPlans(cx context.Context, u *survey.User, d *todoData) error {
	d.AcknowledgePlan = survey.Can(u, survey.AcknowledgePlan)
	d.ManagePlan = survey.Can(u, survey.ManagePlan)
	if !d.AcknowledgePlan && !d.ManagePlan {
		return nil
	}
	if d.AcknowledgePlan {
		plans, err := s.plans.ListPlans(cx, "")
		if err != nil {
			return err
		}
		for _, p := range plans {
			if p.Status == survey.PlanSubmitted {
				d.Acknowledge = append(d.Acknowledge, p)
			}
		}
	}
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{})
	if err != nil {
		return err
	}
	now := s.now()
	month := survey.MonthOf(now)
	for _, v := range s.actionViews(actions) {
		if v.Status == survey.ActionDone || v.Status == survey.ActionDropped || month.Before(v.Due) {
			continue
		}
		mine := u.Role == survey.RoleRepresentative && u.HasVillage(v.Village) ||
			u.Role != survey.RoleRepresentative && v.Owner != survey.OwnerGroup
		if mine {
			d.DueActions = append(d.DueActions, v)
		}
	}
	return nil
}

// todoPage is GET /att-gora, where everyone lands after signing in.
func (s *server) todoPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	d, err := s.todo(cx, currentUser(c))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "todo", "Att göra", d)
}
