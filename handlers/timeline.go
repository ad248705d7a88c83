package handlers

import (
	"context"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// timelineSource is one kind of record a village's timeline is built from:
// its family (the filter ?kind= may skip reading it) and a reader that turns
// the village's records into events, with one read of a small collection (or
// reads by _id). Records that arrive later — matters, meetings, money — add
// a source to timelineSources and their kinds to survey.EventKinds.
type timelineSource struct {
	family string
	events func(cx context.Context, village string) ([]survey.Event, error)
}

// timelineSources lists the sources of every village's timeline.
func (s *server) timelineSources() []timelineSource {
	return []timelineSource{
		{family: "survey", events: s.surveyEvents},
		{family: "remiss", events: s.remissEvents},
		{family: "plan", events: s.planEvents},
		{family: "action", events: s.actionEvents},
		{family: "matter", events: s.matterEvents},
		{family: "meeting", events: s.meetingEvents},
		{family: "grant", events: s.grantEvents},
	}
}

// surveyEvents: the village's surveys (a small collection read once) and
// each opened one's tallies (by _id, a few small documents), never the
// responses.
func (s *server) surveyEvents(cx context.Context, village string) ([]survey.Event, error) {
	surveys, err := s.surveys.List(cx, storage.SurveyFilter{Village: village})
	if err != nil {
		return nil, err
	}
	var out []survey.Event
	for _, sv := range surveys {
		if sv.Opened == nil {
			continue
		}
		n := 0
		if sv.Status == survey.Closed {
			tallies, err := s.responses.Tallies(cx, sv.ID)
			if err != nil {
				return nil, err
			}
			for _, t := range tallies {
				if t.Village == village {
					n += t.Responses
				}
			}
		}
		out = append(out, survey.SurveyEvents(sv, village, n, s.cfg.MinN)...)
	}
	return out, nil
}

// remissEvents: the group's current answers to the rounds that asked it.
func (s *server) remissEvents(cx context.Context, village string) ([]survey.Event, error) {
	rounds, err := s.remiss.remisses.List(cx, storage.RemissFilter{Villages: []string{village}})
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
	proposalOf := map[string]string{}
	for _, r := range rounds {
		proposalOf[r.ID] = r.Proposal
	}
	var out []survey.Event
	for _, a := range answers {
		if a.Village == village {
			out = append(out, survey.RemissAnswerEvent(a, titles[proposalOf[a.Remiss]]))
		}
	}
	return out, nil
}

// planEvents: every version of the village's plans, read in one query.
func (s *server) planEvents(cx context.Context, village string) ([]survey.Event, error) {
	plans, err := s.plans.ListPlans(cx, village)
	if err != nil || len(plans) == 0 {
		return nil, err
	}
	ids := make([]string, len(plans))
	for i, p := range plans {
		ids[i] = p.ID
	}
	versions, err := s.plans.VersionsOf(cx, ids)
	if err != nil {
		return nil, err
	}
	var out []survey.Event
	for _, id := range ids {
		out = append(out, survey.PlanEvents(versions[id])...)
	}
	return out, nil
}

// actionEvents: the village's actions that are done, with their
// departments' names.
func (s *server) actionEvents(cx context.Context, village string) ([]survey.Event, error) {
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{Village: village, Status: survey.ActionDone})
	if err != nil || len(actions) == 0 {
		return nil, err
	}
	_, deps, err := s.departmentNames(cx)
	if err != nil {
		return nil, err
	}
	var out []survey.Event
	for _, a := range actions {
		if e, ok := survey.ActionDoneEvent(a, deps[a.Department]); ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// matterEvents: the village's matters (the matters with their steps: small
// collections read once each) raised and answered.
func (s *server) matterEvents(cx context.Context, village string) ([]survey.Event, error) {
	matters, err := s.matters.List(cx, storage.MatterFilter{Village: village})
	if err != nil || len(matters) == 0 {
		return nil, err
	}
	_, deps, err := s.departmentNames(cx)
	if err != nil {
		return nil, err
	}
	var out []survey.Event
	for i := range matters {
		out = append(out, survey.MatterEvents(&matters[i], func(id string) string { return deps[id] })...)
	}
	return out, nil
}

// meetingEvents: the decisions of the meetings the village was invited to
// (meetings and decisions: small collections read once each).
func (s *server) meetingEvents(cx context.Context, village string) ([]survey.Event, error) {
	meetings, err := s.meetings.ListMeetings(cx)
	if err != nil {
		return nil, err
	}
	invited := map[string]*survey.Meeting{}
	for _, m := range meetings {
		if m.Invites(village) {
			invited[m.ID] = m
		}
	}
	if len(invited) == 0 {
		return nil, nil
	}
	decisions, err := s.meetings.Decisions(cx)
	if err != nil {
		return nil, err
	}
	var out []survey.Event
	for _, d := range decisions {
		if m := invited[d.Meeting]; m != nil {
			out = append(out, survey.MeetingDecisionEvent(m, d.Decision))
		}
	}
	return out, nil
}

// grantEvents: the village's money in each year's ledger (the funds, and
// per fund its ledger and applications: a few small reads).
func (s *server) grantEvents(cx context.Context, village string) ([]survey.Event, error) {
	funds, err := s.funds.ListFunds(cx)
	if err != nil {
		return nil, err
	}
	var out []survey.Event
	for _, f := range funds {
		entries, err := s.funds.Ledger(cx, f.Year)
		if err != nil {
			return nil, err
		}
		titles := map[string]string{}
		apps, err := s.funds.ListApplications(cx, f.Year)
		if err != nil {
			return nil, err
		}
		for _, a := range apps {
			titles[survey.ApplicationRef(a.ID)] = a.Title
		}
		out = append(out, survey.GrantEvents(f.Year, entries, village, titles)...)
	}
	return out, nil
}

// timelinePage is one page of a village's timeline.
type timelinePage struct {
	Village survey.Village `json:"village"`
	Events  []survey.Event `json:"events"`
	Next    string         `json:"next,omitempty"`
	// Staff says whether events that are not public are included.
	Staff bool `json:"staff"`
}

// timeline reads the village's timeline for u (nil: anyone): every source
// the query wants, then the page. Signed-in readers of the village
// (survey.ReadVillageRecords) see its events that are not public too.
func (s *server) timeline(cx context.Context, u *survey.User, slug string, q survey.TimelineQuery) (timelinePage, error) {
	v, err := s.villages.Get(cx, slug)
	if err != nil {
		return timelinePage{}, err
	}
	var events []survey.Event
	for _, src := range s.timelineSources() {
		if !q.WantsFamily(src.family) {
			continue
		}
		es, err := src.events(cx, v.Slug)
		if err != nil {
			return timelinePage{}, err
		}
		events = append(events, es...)
	}
	staff := survey.Can(u, survey.ReadVillageRecords, v.Slug)
	page, next := survey.TimelinePage(events, q, staff)
	return timelinePage{Village: v, Events: page, Next: next, Staff: staff}, nil
}

func timelineQuery(c *fiber.Ctx) (survey.TimelineQuery, error) {
	return survey.ParseTimelineQuery(c.Query("kind"), c.Query("cursor"), c.Query("limit"))
}

// villageTimeline is GET /api/v1/villages/{slug}/timeline: public events for
// anyone, the rest too with a token of a reader of the village.
func (s *server) villageTimeline(c *fiber.Ctx) error {
	q, err := timelineQuery(c)
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	page, err := s.timeline(cx, currentUser(c), c.Params("slug"), q)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

// optionalSession notes the user of a session cookie, for a public page that
// shows signed-in readers more; anyone else passes as anonymous.
func (s *server) optionalSession(c *fiber.Ctx) error {
	if _, err := s.sessionUser(c); err != nil {
		return err
	}
	return c.Next()
}

// timelineFilters are the families the page offers as filters.
var timelineFilters = []string{"survey", "remiss", "plan", "action", "matter", "meeting", "grant"}

// timelinePageData is what /byar/{slug}/tidslinje shows.
type timelinePageData struct {
	timelinePage
	Kind    string
	Filters []string
	MinN    int
}

// villageTimelinePage is the village's timeline as a page: public, with the
// records that are not public for signed-in readers of the village.
func (s *server) villageTimelinePage(c *fiber.Ctx) error {
	q, err := timelineQuery(c)
	if err != nil {
		return renderError(c, fiber.StatusBadRequest, "Adressen har ett filter eller en sidmarkör som inte går att läsa")
	}
	cx, cancel := ctx(c)
	defer cancel()
	page, err := s.timeline(cx, currentUser(c), c.Params("slug"), q)
	if err != nil {
		return err
	}
	d := timelinePageData{timelinePage: page, Kind: c.Query("kind"), Filters: timelineFilters, MinN: s.cfg.MinN}
	return render(c, fiber.StatusOK, "timeline", translate(lang(c), "Tidslinje")+": "+page.Village.Name, d)
}

// eventLabels are the Swedish words of the timeline's kinds and families,
// added to labels (families as "family:<name>": their names are code words
// of other things too).
var eventLabels = map[string]string{
	survey.EventSurveyOpened: "enkät öppnad", survey.EventSurveyClosed: "enkät stängd",
	survey.EventRemissAnswered: "remissvar", survey.EventPlanSaved: "plan sparad", survey.EventPlanAdopted: "plan antagen",
	survey.EventPlanSubmitted: "plan inlämnad", survey.EventPlanAcknowledged: "plan kvitterad av kommunen",
	survey.EventActionDone: "åtgärd klar", survey.EventMatterRaised: "ärende väckt", survey.EventMatterAnswered: "ärende besvarat",
	"family:survey": "enkäter", "family:remiss": "remissvar", "family:plan": "utvecklingsplaner", "family:action": "åtgärder",
	"family:matter": "ärenden", "family:meeting": "mötesbeslut", "family:grant": "bygdepeng",
	survey.EventMeetingDecision: "beslut på forumets möte", survey.EventGrantAllocated: "bygdepeng beviljad",
	survey.EventGrantPaid: "bygdepeng utbetald", "becomes:action": "en åtgärd", "becomes:matter": "ett ärende",
}

func init() {
	for k, v := range eventLabels {
		labels[k] = v
	}
}
