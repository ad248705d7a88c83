package handlers

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// Audit actions of forum meetings.
const (
	auditMeetingCreated  = "meeting.created"
	auditMeetingItem     = "meeting.item_added"
	auditMeetingInvited  = "meeting.invited"
	auditMeetingHeld     = "meeting.held"
	auditMeetingMinutes  = "meeting.minutes"
	auditMeetingDecision = "meeting.decision"
	auditMeetingApproved = "meeting.approved"
)

// meetingView is a meeting as the API shows it, with its agenda when read
// alone.
type meetingView struct {
	*survey.Meeting
	Ended  bool       `json:"ended"`
	Agenda []itemView `json:"agenda,omitempty"`
}

// itemView is an agenda item with its link resolved to a title.
type itemView struct {
	survey.AgendaItem
	Link *linkView `json:"link,omitempty"`
}

// linkView is an agenda link with the title of what it names, and the page
// that shows it.
type linkView struct {
	survey.Link
	Title string `json:"title"`
	Href  string `json:"href,omitempty"`
}

// mayReadMeeting: staff read every meeting, a representative those their
// village is invited to.
func mayReadMeeting(u *survey.User, m *survey.Meeting) bool {
	villages := m.Villages
	if len(villages) == 0 {
		villages = []string{""} // invited no village: no representative's
	}
	return survey.Can(u, survey.ReadMeetings, villages...)
}

// loadMeeting reads a meeting the user may read.
func (s *server) loadMeeting(cx context.Context, u *survey.User, id string) (*survey.Meeting, error) {
	m, err := s.meetings.Meeting(cx, id)
	if err != nil {
		return nil, err
	}
	if !mayReadMeeting(u, m) {
		return nil, fmt.Errorf("mötet: %w", survey.ErrForbidden)
	}
	return m, nil
}

// meetingCatalogue is what a new meeting is checked against: villages,
// focus areas and departments (small collections, read once each).
func (s *server) meetingCatalogue(cx context.Context) (survey.Catalogue, error) {
	villages, err := s.villages.List(cx)
	if err != nil {
		return survey.Catalogue{}, err
	}
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return survey.Catalogue{}, err
	}
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return survey.Catalogue{}, err
	}
	vs, fs, ds := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, v := range villages {
		vs[v.Slug] = true
	}
	for _, a := range areas {
		fs[a.ID] = true
	}
	for _, d := range deps {
		ds[d.ID] = true
	}
	return survey.Catalogue{Village: func(id string) bool { return vs[id] }, FocusArea: func(id string) bool { return fs[id] },
		Department: func(id string) bool { return ds[id] }}, nil
}

// planMeeting validates, stores and audits a new meeting.
func (s *server) planMeeting(cx context.Context, u *survey.User, in survey.NewMeeting) (*survey.Meeting, error) {
	if err := allow(u, survey.ManageMeetings); err != nil {
		return nil, err
	}
	cat, err := s.meetingCatalogue(cx)
	if err != nil {
		return nil, err
	}
	m, err := in.Meeting(cat, s.now(), u.ID)
	if err != nil {
		return nil, err
	}
	if err := s.meetings.CreateMeeting(cx, m); err != nil {
		return nil, err
	}
	s.record(cx, u, auditMeetingCreated, "meeting/"+m.ID, m.Title)
	return m, nil
}

func (s *server) createMeeting(c *fiber.Ctx) error {
	var in survey.NewMeeting
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	m, err := s.planMeeting(cx, currentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(meetingView{Meeting: m, Ended: m.Ended(s.now())})
}

// visibleMeetings lists the meetings the user may read, by start; upcoming
// keeps only those whose end has not passed.
func (s *server) visibleMeetings(cx context.Context, u *survey.User, upcoming bool) ([]*survey.Meeting, error) {
	all, err := s.meetings.ListMeetings(cx)
	if err != nil {
		return nil, err
	}
	if upcoming {
		all = survey.Upcoming(all, s.now())
	}
	out := make([]*survey.Meeting, 0, len(all))
	for _, m := range all {
		if mayReadMeeting(u, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

func (s *server) listMeetings(c *fiber.Ctx) error {
	upcoming := false
	switch c.Query("upcoming") {
	case "", "false":
	case "true":
		upcoming = true
	default:
		return malformed("upcoming", "Skriv true eller false")
	}
	cx, cancel := ctx(c)
	defer cancel()
	list, err := s.visibleMeetings(cx, currentUser(c), upcoming)
	if err != nil {
		return err
	}
	now := s.now()
	out := make([]meetingView, len(list))
	for i, m := range list {
		out[i] = meetingView{Meeting: m, Ended: m.Ended(now)}
	}
	return c.JSON(out)
}

// meetingWithAgenda reads a meeting's agenda and resolves its links.
func (s *server) meetingWithAgenda(cx context.Context, m *survey.Meeting) (meetingView, error) {
	agenda, err := s.meetings.Agenda(cx, m.ID)
	if err != nil {
		return meetingView{}, err
	}
	v := meetingView{Meeting: m, Ended: m.Ended(s.now()), Agenda: make([]itemView, len(agenda))}
	for i, it := range agenda {
		v.Agenda[i] = itemView{AgendaItem: it}
		if it.Link != nil {
			lv, err := s.resolveLink(cx, *it.Link)
			if err != nil {
				return meetingView{}, err
			}
			v.Agenda[i].Link = &lv
		}
	}
	return v, nil
}

// resolveLink gives an agenda link the title of what it names; a link to
// something that is gone keeps its id with an empty title.
func (s *server) resolveLink(cx context.Context, l survey.Link) (linkView, error) {
	v := linkView{Link: l}
	var err error
	switch l.Kind {
	case survey.LinkPlan:
		var p *survey.Plan
		if p, err = s.plans.Plan(cx, l.ID); err == nil {
			v.Title, v.Href = fmt.Sprintf("Lokal utvecklingsplan %d (%s)", p.Year, p.Village), "/planer/"+p.ID
		}
	case survey.LinkProposal:
		var p *survey.Proposal
		if p, err = s.remiss.proposals.Get(cx, l.ID); err == nil {
			v.Title, v.Href = p.Title, "/forslag/"+p.ID
		}
	case survey.LinkMatter:
		var mt *survey.Matter
		if mt, _, err = s.matters.Get(cx, l.ID); err == nil {
			v.Title, v.Href = mt.Ref+" "+mt.Title, "/api/v1/matters/"+mt.ID
		}
	case survey.LinkServicePlan:
		var versions []*survey.ServicePlan
		if versions, err = s.servicePlans.Versions(cx, l.ID); err == nil {
			v.Title, v.Href = "Utvecklings- och serviceplan "+versions[len(versions)-1].Period, "/serviceplan/"+l.ID
		}
	case survey.LinkApplication:
		var a *survey.Application
		if a, err = s.funds.Application(cx, l.ID); err == nil {
			v.Title, v.Href = "Ansökan om bygdepeng: "+a.Title, fmt.Sprintf("/fonder/%d/ansokningar/%s", a.Fund, a.ID)
		}
	default:
		return v, nil
	}
	if isNotFound(err) {
		return v, nil
	}
	return v, err
}

// linkExists reports whether an agenda link names something that is there.
func (s *server) linkExists(cx context.Context, l survey.Link) (bool, error) {
	switch l.Kind {
	case survey.LinkPlan, survey.LinkProposal, survey.LinkMatter, survey.LinkServicePlan, survey.LinkApplication:
		v, err := s.resolveLink(cx, l)
		return v.Title != "", err
	default:
		return true, nil
	}
}

func (s *server) getMeeting(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	m, err := s.loadMeeting(cx, currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	v, err := s.meetingWithAgenda(cx, m)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// addAgendaItem adds an item to a meeting that has not been held.
func (s *server) addAgendaItem(cx context.Context, u *survey.User, id string, in survey.NewAgendaItem) (*survey.AgendaItem, error) {
	if err := allow(u, survey.ManageMeetings); err != nil {
		return nil, err
	}
	m, err := s.meetings.Meeting(cx, id)
	if err != nil {
		return nil, err
	}
	var lookErr error
	it, err := in.Item(func(l survey.Link) bool {
		ok, err := s.linkExists(cx, l)
		lookErr = err
		return ok || err != nil
	}, s.now(), u.ID)
	if lookErr != nil {
		return nil, lookErr
	}
	if err != nil {
		return nil, err
	}
	if err := m.MayChangeAgenda(); err != nil {
		return nil, err
	}
	if err := s.meetings.AddItem(cx, m.ID, it); err != nil {
		return nil, err
	}
	s.record(cx, u, auditMeetingItem, "meeting/"+m.ID, it.Title)
	return it, nil
}

func (s *server) createAgendaItem(c *fiber.Ctx) error {
	var in survey.NewAgendaItem
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	it, err := s.addAgendaItem(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	v := itemView{AgendaItem: *it}
	if it.Link != nil {
		lv, err := s.resolveLink(cx, *it.Link)
		if err != nil {
			return err
		}
		v.Link = &lv
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

// inviteMeeting sends the invitations: the meeting becomes invited, and
// every invited village's representatives — two seats per group — get a
// message with the meeting's .ics through the outbox. It returns the
// messages queued.
func (s *server) inviteMeeting(cx context.Context, u *survey.User, id string) (*survey.Meeting, []survey.OutboxMessage, error) {
	if err := allow(u, survey.ManageMeetings); err != nil {
		return nil, nil, err
	}
	m, err := s.meetings.Meeting(cx, id)
	if err != nil {
		return nil, nil, err
	}
	from, to, err := survey.MeetingStep(m, "invite")
	if err != nil {
		return nil, nil, err
	}
	now := s.now().UTC()
	if err := s.meetings.StepMeeting(cx, m.ID, from, to, map[string]any{"invited_at": now}); err != nil {
		return nil, nil, err
	}
	m.Status, m.InvitedAt = to, &now
	s.record(cx, u, auditMeetingInvited, "meeting/"+m.ID, strings.Join(m.Villages, ", "))
	msgs, err := s.invitations(cx, m)
	if err != nil {
		s.log.Error("meeting invitations not queued", "meeting", m.ID, "err", err)
		return m, nil, nil
	}
	return m, msgs, nil
}

// seats picks the representatives a village's two seats go to: its active
// representatives by name, at most SeatsPerVillage.
func seats(users []survey.User, village string) []*survey.User {
	var out []*survey.User
	for i := range users {
		if u := &users[i]; u.Active && u.Role == survey.RoleRepresentative && u.HasVillage(village) {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name+out[i].Email < out[j].Name+out[j].Email })
	if len(out) > survey.SeatsPerVillage {
		out = out[:survey.SeatsPerVillage]
	}
	return out
}

// invitations queues and delivers the invitation of every seat.
func (s *server) invitations(cx context.Context, m *survey.Meeting) ([]survey.OutboxMessage, error) {
	users, err := s.users.List(cx)
	if err != nil {
		return nil, err
	}
	ics, err := s.meetingICS(m)
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(s.cfg.MailURL, "/")
	if base == "" {
		base = strings.TrimRight(s.cfg.PublicURL, "/")
	}
	when := m.Starts.In(survey.Stockholm).Format("2006-01-02 15:04") + "–" + m.Ends.In(survey.Stockholm).Format("15:04")
	msgs := []survey.OutboxMessage{}
	for _, village := range m.Villages {
		for _, to := range seats(users, village) {
			body := fmt.Sprintf("Hej %s,\n\nni är kallade till %s.\n\nTid: %s\nPlats: %s\n\nDagordningen finns på %s/moten/%s\n"+
				"Kalenderfilen är bifogad. Två platser per grupp.\n\nFörankra", to.Name, m.Title, when, m.Place, base, m.ID)
			msgs = append(msgs, survey.OutboxMessage{To: to.Email, ToName: to.Name, Subject: "Kallelse: " + m.Title + " " + when,
				Body: body, Village: village, Meeting: m.ID, Status: survey.MessageQueued, Created: s.now().UTC(),
				Attachments: []survey.Attachment{{Name: "mote.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: ics}}})
		}
	}
	if err := s.remiss.outbox.Queue(cx, msgs); err != nil {
		return nil, err
	}
	for i := range msgs {
		s.deliver(cx, &msgs[i])
	}
	return msgs, nil
}

func (s *server) apiInviteMeeting(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	m, msgs, err := s.inviteMeeting(cx, currentUser(c), c.Params("id"))
	if err != nil {
		return err
	}
	to := make([]string, len(msgs))
	for i, msg := range msgs {
		to[i] = msg.To
	}
	return c.JSON(fiber.Map{"id": m.ID, "status": m.Status, "invited": to})
}

// holdMeeting records the attendance: the meeting becomes held.
func (s *server) holdMeeting(cx context.Context, u *survey.User, id string, in survey.Attendance) (*survey.Meeting, error) {
	if err := allow(u, survey.ManageMeetings); err != nil {
		return nil, err
	}
	m, err := s.meetings.Meeting(cx, id)
	if err != nil {
		return nil, err
	}
	present, err := in.Check(m)
	if err != nil {
		return nil, err
	}
	from, to, err := survey.MeetingStep(m, "held")
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if err := s.meetings.StepMeeting(cx, m.ID, from, to, map[string]any{"present": present, "held_at": now}); err != nil {
		return nil, err
	}
	m.Status, m.Present, m.HeldAt = to, present, &now
	s.record(cx, u, auditMeetingHeld, "meeting/"+m.ID, strings.Join(present, ", "))
	return m, nil
}

func (s *server) apiHoldMeeting(c *fiber.Ctx) error {
	var in survey.Attendance
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	m, err := s.holdMeeting(cx, currentUser(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(meetingView{Meeting: m, Ended: m.Ended(s.now())})
}

// checkMinutesRevision is storage.ErrMinutesChanged when a change was made
// on another revision of the minutes than the stored one.
func checkMinutesRevision(m *survey.Meeting, want *int) error {
	if want != nil && *want != m.MinutesRevision {
		return fmt.Errorf("revision %d, sparad %d: %w", *want, m.MinutesRevision, storage.ErrMinutesChanged)
	}
	return nil
}

// minutesConflict answers a stale change of the minutes in the API: 409
// with the meeting and its agenda as they are now, also under "current".
func (s *server) minutesConflict(c *fiber.Ctx, cx context.Context, id string, err error) error {
	if !errors.Is(err, storage.ErrMinutesChanged) {
		return err
	}
	m, gerr := s.meetings.Meeting(cx, id)
	if gerr != nil {
		return gerr
	}
	v, gerr := s.meetingWithAgenda(cx, m)
	if gerr != nil {
		return gerr
	}
	return staleConflict(c, v, translate(apiLang(c), errMinutesChangedText))
}

// errMinutesChangedText is what a stale change of the minutes answers.
const errMinutesChangedText = "Protokollet har ändrats av någon annan medan du skrev. Det du skrev sparades inte: läs det sparade och gör om din ändring"

// writeMinutes writes an item's minutes while the meeting is held.
func (s *server) writeMinutes(cx context.Context, u *survey.User, id, item string, in survey.MinutesInput) (*survey.AgendaItem, error) {
	if err := allow(u, survey.ManageMeetings); err != nil {
		return nil, err
	}
	in.Text = strings.TrimSpace(in.Text)
	v := &survey.ValidationError{}
	survey.Check(v, in)
	if err := v.Err(); err != nil {
		return nil, err
	}
	m, err := s.meetings.Meeting(cx, id)
	if err != nil {
		return nil, err
	}
	if err := m.MayWriteMinutes(); err != nil {
		return nil, err
	}
	if err := checkMinutesRevision(m, in.Revision); err != nil {
		return nil, err
	}
	if err := s.meetings.SetMinutes(cx, m.ID, item, in.Text, m.MinutesRevision); err != nil {
		return nil, err
	}
	s.record(cx, u, auditMeetingMinutes, "meeting/"+m.ID+"/"+item, "")
	return s.meetings.Item(cx, m.ID, item)
}

func (s *server) apiWriteMinutes(c *fiber.Ctx) error {
	var in survey.MinutesInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	it, err := s.writeMinutes(cx, currentUser(c), c.Params("id"), c.Params("item"), in)
	if err != nil {
		return s.minutesConflict(c, cx, c.Params("id"), err)
	}
	return c.JSON(it)
}

// decisionInput is a decision and, in the same request, the fields of the
// action (plan, priority, title, owner, responsible, department, due,
// cost_sek) or matter (village, title, description, focus_area,
// department) it becomes.
type decisionInput struct {
	survey.NewDecision
	Plan string `json:"plan" validate:"max=80"`
	survey.NewAction
	Village     string `json:"village" validate:"max=60"`
	Description string `json:"description" validate:"max=20000"`
	FocusArea   string `json:"focus_area" validate:"max=60"`
	// Revision, when given, is the minutes_revision the decision was
	// written on.
	Revision *int `json:"revision"`
}

// decisionResult is a decision with the action or matter made from it.
type decisionResult struct {
	Decision *survey.MeetingDecision `json:"decision"`
	Action   *actionView             `json:"action,omitempty"`
	Matter   *matterView             `json:"matter,omitempty"`
}

// meetingDecision records a decision under an item of a held meeting. One that
// becomes an action makes it in the same step: the action records the
// decision as its source and the decision the action it became.
func (s *server) meetingDecision(cx context.Context, u *survey.User, id, item string, in decisionInput) (*decisionResult, error) {
	if err := allow(u, survey.ManageMeetings); err != nil {
		return nil, err
	}
	m, err := s.meetings.Meeting(cx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.meetings.Item(cx, m.ID, item); err != nil {
		return nil, err
	}
	d, err := in.NewDecision.MeetingDecision(storage.NewID(), s.now(), u.ID)
	if err != nil {
		return nil, err
	}
	if err := m.MayWriteMinutes(); err != nil {
		return nil, err
	}
	if err := checkMinutesRevision(m, in.Revision); err != nil {
		return nil, err
	}
	// The decision claims its change of the minutes before anything is
	// stored (after its fields are checked): none is added to minutes
	// approved meanwhile.
	claim := func() error { return s.meetings.ClaimDecision(cx, m.ID, item, d.ID, m.MinutesRevision) }
	res := &decisionResult{Decision: d}
	switch d.Becomes {
	case survey.BecomesAction:
		a, err := s.actionFromDecision(cx, u, d, in)
		if err != nil {
			return nil, err
		}
		if err := claim(); err != nil {
			return nil, err
		}
		// The decision is stored first, naming the action's id: an
		// action never names a decision that is not there.
		d.Created.ID = a.ID
		if err := s.meetings.AddDecision(cx, m.ID, item, d); err != nil {
			return nil, err
		}
		if err := s.plans.AddAction(cx, a); err != nil {
			return nil, err
		}
		s.record(cx, u, auditActionAdded, "action/"+a.ID, a.Title)
		res.Action = &actionView{PlanAction: *a, Overdue: a.Overdue(s.now())}
	case survey.BecomesMatter:
		mt, err := s.matterFromDecision(cx, u, m.ID, item, d, in, claim)
		if err != nil {
			return nil, err
		}
		mv := s.matterView(mt)
		res.Matter = &mv
	default:
		if err := claim(); err != nil {
			return nil, err
		}
		if err := s.meetings.AddDecision(cx, m.ID, item, d); err != nil {
			return nil, err
		}
	}
	s.record(cx, u, auditMeetingDecision, "meeting/"+m.ID+"/"+item, d.Text)
	return res, nil
}

// matterFromDecision raises the matter a decision becomes. The matter's
// fields are checked first; then the decision is stored (naming a matter to
// come), the matter raised with the decision as its source, and the
// decision given the matter's id.
func (s *server) matterFromDecision(cx context.Context, u *survey.User, meeting, item string, d *survey.MeetingDecision, in decisionInput, claim func() error) (*survey.Matter, error) {
	nm := survey.NewMatter{Village: in.Village, Title: in.Title, Description: in.Description, FocusArea: in.FocusArea,
		Department: in.Department, Source: &survey.MatterSource{Kind: survey.SourceMeetingDecision, ID: d.ID}}
	checks, err := s.matterChecks(cx, nm)
	if err != nil {
		return nil, err
	}
	checks.Source = nil // the decision is stored next
	if _, err := nm.Matter(checks, s.now(), u.ID); err != nil {
		return nil, err
	}
	if err := claim(); err != nil {
		return nil, err
	}
	if err := s.meetings.AddDecision(cx, meeting, item, d); err != nil {
		return nil, err
	}
	mt, err := s.raiseMatter(cx, u, nm)
	if err != nil {
		return nil, err
	}
	d.Created.ID = mt.ID
	if err := s.meetings.SetDecisionCreated(cx, d.ID, *d.Created); err != nil {
		return nil, err
	}
	return mt, nil
}

// actionFromDecision checks the action a decision becomes against its plan,
// with the decision as its source and its id chosen.
func (s *server) actionFromDecision(cx context.Context, u *survey.User, d *survey.MeetingDecision, in decisionInput) (*survey.PlanAction, error) {
	v := &survey.ValidationError{}
	if in.Plan == "" {
		v.Add("plan", "Ange planen som åtgärden hör till")
		return nil, v.Err()
	}
	p, err := s.plans.Plan(cx, in.Plan)
	if isNotFound(err) {
		v.Add("plan", "Planen finns inte")
		return nil, v.Err()
	}
	if err != nil {
		return nil, err
	}
	if err := allow(u, survey.ManagePlan, p.Village); err != nil {
		return nil, err
	}
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return nil, err
	}
	a, err := in.NewAction.Action(p, func(id string) bool {
		for _, dep := range deps {
			if dep.ID == id {
				return true
			}
		}
		return false
	}, s.now())
	if err != nil {
		return nil, err
	}
	a.ID = storage.NewID()
	a.Source = &survey.Ref{Kind: survey.SourceMeetingDecision, ID: d.ID}
	return a, nil
}

func (s *server) apiMeetingDecision(c *fiber.Ctx) error {
	var in decisionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	res, err := s.meetingDecision(cx, currentUser(c), c.Params("id"), c.Params("item"), in)
	if err != nil {
		return s.minutesConflict(c, cx, c.Params("id"), err)
	}
	return c.Status(fiber.StatusCreated).JSON(res)
}

// approveMinutes approves a held meeting's minutes as they are at the
// revision read (want, when given, must be it): an edit made at the same
// moment either lands before, and the approval is 409, or is 409 itself.
func (s *server) approveMinutes(cx context.Context, u *survey.User, id string, want *int) (*survey.Meeting, error) {
	if err := allow(u, survey.ManageMeetings); err != nil {
		return nil, err
	}
	m, err := s.meetings.Meeting(cx, id)
	if err != nil {
		return nil, err
	}
	if _, _, err := survey.MeetingStep(m, "approve"); err != nil {
		return nil, err
	}
	if err := checkMinutesRevision(m, want); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if err := s.meetings.ApproveMinutes(cx, m.ID, m.MinutesRevision, now); err != nil {
		return nil, err
	}
	s.record(cx, u, auditMeetingApproved, "meeting/"+m.ID, m.Title)
	return s.meetings.Meeting(cx, m.ID)
}

func (s *server) apiApproveMinutes(c *fiber.Ctx) error {
	want, err := sentRevision(c, nil)
	if err != nil {
		return err
	}
	cx, cancel := ctx(c)
	defer cancel()
	m, err := s.approveMinutes(cx, currentUser(c), c.Params("id"), want)
	if err != nil {
		return s.minutesConflict(c, cx, c.Params("id"), err)
	}
	return c.JSON(meetingView{Meeting: m, Ended: m.Ended(s.now())})
}
