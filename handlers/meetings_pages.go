package handlers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// meetingsListData is /moten: upcoming meetings and past ones, apart.
type meetingsListData struct {
	Upcoming, Past []*survey.Meeting
	Manage         bool
}

func (s *server) meetingsPage(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	u := currentUser(c)
	all, err := s.visibleMeetings(cx, u, false)
	if err != nil {
		return err
	}
	d := meetingsListData{Manage: survey.Can(u, survey.ManageMeetings)}
	now := s.now()
	for _, m := range all {
		if m.Ended(now) {
			d.Past = append([]*survey.Meeting{m}, d.Past...) // newest first
		} else {
			d.Upcoming = append(d.Upcoming, m)
		}
	}
	return render(c, fiber.StatusOK, "meetings", "Möten", d)
}

// meetingNewData is /moten/ny: the form, and what was sent when it failed.
type meetingNewData struct {
	In          survey.NewMeeting
	Villages    []survey.Village
	Areas       []survey.FocusArea
	Departments []survey.Department
	Guests      string
	Errors      formErrors
}

func (s *server) newMeetingPage(c *fiber.Ctx) error {
	return s.renderNewMeeting(c, fiber.StatusOK, survey.NewMeeting{Kind: survey.MeetingForum}, "", formErrors{})
}

func (s *server) renderNewMeeting(c *fiber.Ctx, status int, in survey.NewMeeting, guests string, fe formErrors) error {
	cx, cancel := ctx(c)
	defer cancel()
	villages, err := s.villages.List(cx)
	if err != nil {
		return err
	}
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return err
	}
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return err
	}
	return render(c, status, "meeting_new", "Nytt möte", meetingNewData{In: in, Villages: villages, Areas: areas, Departments: deps, Guests: guests, Errors: fe})
}

func (s *server) newMeetingSubmit(c *fiber.Ctx) error {
	guests := c.FormValue("guests")
	in := survey.NewMeeting{Kind: c.FormValue("kind"), Title: c.FormValue("title"), Starts: strings.TrimSpace(c.FormValue("starts")),
		Ends: strings.TrimSpace(c.FormValue("ends")), Place: c.FormValue("place"), Themes: formList(c, "themes"),
		Villages: formList(c, "villages"), Departments: formList(c, "departments")}
	for _, g := range strings.Split(guests, "\n") {
		if g = strings.TrimSpace(g); g != "" {
			in.Guests = append(in.Guests, g)
		}
	}
	cx, cancel := ctx(c)
	defer cancel()
	m, err := s.planMeeting(cx, currentUser(c), in)
	if err != nil {
		if fe, ok := newFormErrors(err); ok {
			return s.renderNewMeeting(c, fiber.StatusUnprocessableEntity, in, guests, fe)
		}
		return err
	}
	return c.Redirect("/moten/"+m.ID, fiber.StatusSeeOther)
}

// decisionTarget is a plan's priority an action can be put under.
type decisionTarget struct {
	Value, Label string
}

// meetingPageData is /moten/{id}.
type meetingPageData struct {
	Meeting meetingView
	Names   names
	Areas   map[string]string
	Deps    map[string]string
	Manage  bool
	// Targets are the current plans' priorities, for a decision that
	// becomes an action; Villages for one that becomes a matter.
	Targets  []decisionTarget
	Villages []survey.Village
	Message  string
	Errors   formErrors
	// ErrorItem is the item whose form failed.
	ErrorItem string
	// Typed is the minutes text the user sent for ErrorItem when it lost to
	// another change: the form shows it, the page the saved minutes.
	Typed string
}

func (s *server) meetingPage(c *fiber.Ctx) error {
	return s.renderMeeting(c, fiber.StatusOK, "", "", formErrors{})
}

func (s *server) renderMeeting(c *fiber.Ctx, status int, msg, item string, fe formErrors) error {
	return s.renderMeetingWith(c, status, msg, item, fe, "")
}

// renderMeetingWith is renderMeeting with the minutes the user typed for
// item kept in its form (a save that lost to another change).
func (s *server) renderMeetingWith(c *fiber.Ctx, status int, msg, item string, fe formErrors, typed string) error {
	cx, cancel := ctx(c)
	defer cancel()
	u := currentUser(c)
	m, err := s.loadMeeting(cx, u, c.Params("id"))
	if err != nil {
		return err
	}
	v, err := s.meetingWithAgenda(cx, m)
	if err != nil {
		return err
	}
	n, err := s.names(cx)
	if err != nil {
		return err
	}
	d := meetingPageData{Meeting: v, Names: n, Areas: map[string]string{}, Deps: map[string]string{}, Manage: survey.Can(u, survey.ManageMeetings),
		Message: msg, Errors: fe, ErrorItem: item, Typed: typed}
	areas, err := s.plans.FocusAreas(cx)
	if err != nil {
		return err
	}
	for _, a := range areas {
		d.Areas[a.ID] = a.Name
	}
	deps, err := s.plans.Departments(cx)
	if err != nil {
		return err
	}
	for _, dep := range deps {
		d.Deps[dep.ID] = dep.Name
	}
	if d.Manage && m.Status == survey.MeetingHeld {
		plans, err := s.currentPlans(cx, survey.DateOf(s.now()).Year)
		if err != nil {
			return err
		}
		for _, p := range plans {
			for _, pr := range p.Priorities {
				name := pr.Label
				if name == "" {
					name = d.Areas[pr.FocusArea]
				}
				label := fmt.Sprintf("%s %d: %s", n.Village[p.Village], p.Year, name)
				d.Targets = append(d.Targets, decisionTarget{Value: p.ID + "|" + pr.ID, Label: label})
			}
		}
		if d.Villages, err = s.villages.List(cx); err != nil {
			return err
		}
	}
	return render(c, status, "meeting", m.Title, d)
}

// meetingFormResult answers a form post on a meeting's page: back to the
// page, or the page with the error.
func (s *server) meetingFormResult(c *fiber.Ctx, item string, err error) error {
	if err == nil {
		return c.Redirect("/moten/"+c.Params("id")+"#"+anchorOf(item), fiber.StatusSeeOther)
	}
	if fe, ok := newFormErrors(err); ok {
		return s.renderMeeting(c, fiber.StatusUnprocessableEntity, "", item, fe)
	}
	if errors.Is(err, storage.ErrMinutesChanged) {
		return s.renderMeeting(c, fiber.StatusConflict, errMinutesChangedText, item, formErrors{})
	}
	if errors.Is(err, survey.ErrConflict) {
		return s.renderMeeting(c, fiber.StatusConflict, "Mötet är inte i det läget längre. Läs in sidan igen.", item, formErrors{})
	}
	return err
}

func anchorOf(item string) string {
	if item == "" {
		return "motet"
	}
	return "punkt-" + item
}

func (s *server) meetingAgendaSubmit(c *fiber.Ctx) error {
	in := survey.NewAgendaItem{Title: c.FormValue("title")}
	if kind, id := c.FormValue("link_kind"), strings.TrimSpace(c.FormValue("link_id")); kind != "" || id != "" {
		in.Link = &survey.Link{Kind: kind, ID: id}
	}
	cx, cancel := ctx(c)
	defer cancel()
	_, err := s.addAgendaItem(cx, currentUser(c), c.Params("id"), in)
	return s.meetingFormResult(c, "", err)
}

func (s *server) meetingInviteSubmit(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	_, _, err := s.inviteMeeting(cx, currentUser(c), c.Params("id"))
	return s.meetingFormResult(c, "", err)
}

func (s *server) meetingHeldSubmit(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	_, err := s.holdMeeting(cx, currentUser(c), c.Params("id"), survey.Attendance{Present: formList(c, "present")})
	return s.meetingFormResult(c, "", err)
}

func (s *server) meetingMinutesSubmit(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	item := c.Params("item")
	_, err := s.writeMinutes(cx, currentUser(c), c.Params("id"), item, survey.MinutesInput{Text: c.FormValue("text"), Revision: formRevision(c)})
	if errors.Is(err, storage.ErrMinutesChanged) {
		// The saved minutes are shown; what was typed stays in the form.
		return s.renderMeetingWith(c, fiber.StatusConflict, errMinutesChangedText, item, formErrors{}, c.FormValue("text"))
	}
	return s.meetingFormResult(c, item, err)
}

func (s *server) meetingDecisionSubmit(c *fiber.Ctx) error {
	item := c.Params("item")
	in := decisionInput{NewDecision: survey.NewDecision{Text: c.FormValue("text"), Becomes: c.FormValue("becomes")}, Revision: formRevision(c)}
	switch in.Becomes {
	case survey.BecomesAction:
		in.Plan, in.Priority, _ = strings.Cut(c.FormValue("target"), "|")
		in.Title, in.Owner, in.Responsible, in.Due = c.FormValue("title"), c.FormValue("owner"), c.FormValue("responsible"), strings.TrimSpace(c.FormValue("due"))
	case survey.BecomesMatter:
		in.Village, in.Title, in.Description = c.FormValue("village"), c.FormValue("matter_title"), c.FormValue("description")
	}
	cx, cancel := ctx(c)
	defer cancel()
	_, err := s.meetingDecision(cx, currentUser(c), c.Params("id"), item, in)
	return s.meetingFormResult(c, item, err)
}

func (s *server) meetingApproveSubmit(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	_, err := s.approveMinutes(cx, currentUser(c), c.Params("id"), formRevision(c))
	return s.meetingFormResult(c, "", err)
}

// meetingWhen is a meeting's date and times in Stockholm.
func meetingWhen(m *survey.Meeting) string {
	from, to := m.Starts.In(survey.Stockholm), m.Ends.In(survey.Stockholm)
	if survey.DateOf(from) == survey.DateOf(to) {
		return from.Format("2006-01-02 15:04") + "–" + to.Format("15:04")
	}
	return from.Format("2006-01-02 15:04") + " – " + to.Format("2006-01-02 15:04")
}
