package handlers

import (
	"context"
	"fmt"
	"sort"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// The calendar feeds (RFC 5545) are public: what the forum does and when,
// for anyone to subscribe to. They name no person: meetings without their
// guests, actions without who is responsible, proposals without who
// submitted them. Times are in UTC; dates are all-day events. Every event's
// UID is derived from its record, so a calendar that subscribes sees an
// event move rather than a new one, and DTSTAMP is the record's own time,
// so an unchanged record reads the same.

// calendarDomain ends every UID.
const calendarDomain = "@forankra"

// calendarEvent is one entry of a feed before it is written.
type calendarEvent struct {
	uid, summary, description, location, url string
	// start and end are instants; or, when allDay, the first and the day
	// after the last.
	start, end survey.Date
	from, to   time.Time
	allDay     bool
	stamp      time.Time
}

// newCalendar starts a feed with the service's product id.
func newCalendar(name string) *ics.Calendar {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Förankra//Forum och byar//SV")
	cal.SetXWRCalName(name)
	cal.SetXWRTimezone(survey.Stockholm.String())
	return cal
}

func addEvent(cal *ics.Calendar, e calendarEvent) {
	ev := cal.AddEvent(e.uid)
	ev.SetDtStampTime(e.stamp.UTC())
	ev.SetSummary(e.summary)
	if e.description != "" {
		ev.SetDescription(e.description)
	}
	if e.location != "" {
		ev.SetLocation(e.location)
	}
	if e.url != "" {
		ev.SetURL(e.url)
	}
	if e.allDay {
		ev.SetAllDayStartAt(e.start.Start())
		ev.SetAllDayEndAt(e.end.Start())
		ev.SetTimeTransparency(ics.TransparencyTransparent)
		return
	}
	ev.SetStartAt(e.from)
	ev.SetEndAt(e.to)
}

// meetingEvent is a meeting's entry: the same UID in the invitation and in
// the feeds.
func (s *server) meetingEvent(m *survey.Meeting) calendarEvent {
	return calendarEvent{uid: "meeting-" + m.ID + calendarDomain, summary: m.Title,
		description: translate("sv", meetingKindName(m.Kind)), location: m.Place, url: s.absURL("/moten/" + m.ID),
		from: m.Starts, to: m.Ends, stamp: m.Created}
}

// meetingKindName is the Swedish name of a kind of meeting.
func meetingKindName(kind string) string {
	switch kind {
	case survey.MeetingTheme:
		return "Tematräff"
	case survey.MeetingStorting:
		return "Storting"
	default:
		return "Forummöte"
	}
}

// absURL is a path on the service's public address (relative when none is
// configured).
func (s *server) absURL(path string) string {
	base := s.cfg.MailURL
	if base == "" {
		base = s.cfg.PublicURL
	}
	for len(base) > 0 && base[len(base)-1] == '/' {
		base = base[:len(base)-1]
	}
	return base + path
}

// meetingICS is the .ics attached to a meeting's invitation.
func (s *server) meetingICS(m *survey.Meeting) ([]byte, error) {
	cal := newCalendar(m.Title)
	addEvent(cal, s.meetingEvent(m))
	return []byte(cal.Serialize()), nil
}

// calendarEvents gathers the feed of one village, or of all when village is
// "": meetings, remiss deadlines, the due months of open actions, and the
// plan of the year while it is not submitted.
func (s *server) calendarEvents(cx context.Context, village string) ([]calendarEvent, error) {
	var out []calendarEvent
	meetings, err := s.meetings.ListMeetings(cx)
	if err != nil {
		return nil, err
	}
	for _, m := range meetings {
		if village == "" || m.Invites(village) {
			out = append(out, s.meetingEvent(m))
		}
	}
	rounds, err := s.remiss.remisses.List(cx, storage.RemissFilter{})
	if err != nil {
		return nil, err
	}
	for _, r := range rounds {
		if village != "" && !contains(r.Villages, village) {
			continue
		}
		p, err := s.remiss.proposals.Get(cx, r.Proposal)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		title := ""
		if p != nil {
			title = p.Title
		}
		out = append(out, calendarEvent{uid: "remiss-" + r.ID + "-deadline" + calendarDomain,
			summary: "Sista svarsdag för remiss" + ": " + title, allDay: true,
			start: r.Deadline, end: r.Deadline.AddDays(1), stamp: r.Sent})
	}
	actions, err := s.plans.ListActions(cx, storage.ActionFilter{Village: village})
	if err != nil {
		return nil, err
	}
	for _, a := range actions {
		if a.Status == survey.ActionDone || a.Status == survey.ActionDropped || a.Due.Year == 0 {
			continue
		}
		last := survey.DateOf(a.Due.End().Add(-time.Hour))
		out = append(out, calendarEvent{uid: "action-" + a.ID + "-due" + calendarDomain,
			summary: "Åtgärd ska vara klar" + ": " + a.Title + " (" + a.Village + ")", allDay: true,
			start: last, end: last.AddDays(1), stamp: a.Created})
	}
	plans, err := s.plans.ListPlans(cx, village)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		if p.Status != survey.PlanDraft && p.Status != survey.PlanAdopted {
			continue
		}
		due := survey.PlanDue(p.Year)
		out = append(out, calendarEvent{uid: "plan-" + p.ID + "-due" + calendarDomain,
			summary: fmt.Sprintf("Lokal utvecklingsplan %d lämnas in", p.Year) + " (" + p.Village + ")",
			allDay:  true, start: due, end: due.AddDays(1), url: s.absURL("/byar/" + p.Village), stamp: p.Saved})
	}
	// The service plan's revision, in every feed: it concerns all villages.
	servicePlans, err := s.servicePlans.List(cx)
	if err != nil {
		return nil, err
	}
	for _, versions := range servicePlans {
		for _, p := range versions {
			due, ok := p.RevisionDue()
			if !ok || p.Status != survey.ServiceInForce {
				continue
			}
			out = append(out, calendarEvent{uid: fmt.Sprintf("service-plan-%s-v%d-revision%s", p.ID, p.Version, calendarDomain),
				summary: "Utvecklings- och serviceplanen " + p.Period + " ska vara reviderad", allDay: true,
				start: due, end: due.AddDays(1), stamp: p.History[len(p.History)-1].At})
		}
	}
	// The village fund's deadlines, in every feed: applications close and
	// the groups report what they did with the money.
	funds, err := s.funds.ListFunds(cx)
	if err != nil {
		return nil, err
	}
	for _, f := range funds {
		for _, d := range []struct {
			kind, summary string
			on            survey.Date
		}{
			{"applications", fmt.Sprintf("Bygdepeng %d: sista dag att söka", f.Year), f.ApplicationCloses},
			{"reports", fmt.Sprintf("Bygdepeng %d: återrapporter ska vara inne", f.Year), f.ReportDue},
		} {
			if d.on.IsZero() {
				continue
			}
			out = append(out, calendarEvent{uid: fmt.Sprintf("fund-%d-%s%s", f.Year, d.kind, calendarDomain), summary: d.summary,
				allDay: true, start: d.on, end: d.on.AddDays(1), url: s.absURL(fmt.Sprintf("/bygdepeng/%d", f.Year)), stamp: f.Created})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return eventStart(out[i]).Before(eventStart(out[j])) })
	return out, nil
}

func eventStart(e calendarEvent) time.Time {
	if e.allDay {
		return e.start.Start()
	}
	return e.from
}

// sendCalendar writes a feed.
func sendCalendar(c *fiber.Ctx, name, file string, events []calendarEvent) error {
	cal := newCalendar(name)
	for _, e := range events {
		addEvent(cal, e)
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+file+`"`)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.SendString(cal.Serialize())
}

func (s *server) calendarFeed(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	events, err := s.calendarEvents(cx, "")
	if err != nil {
		return err
	}
	return sendCalendar(c, "Förankra", "kalender.ics", events)
}

func (s *server) villageCalendarFeed(c *fiber.Ctx) error {
	cx, cancel := ctx(c)
	defer cancel()
	v, err := s.villages.Get(cx, c.Params("slug"))
	if err != nil {
		return err
	}
	events, err := s.calendarEvents(cx, v.Slug)
	if err != nil {
		return err
	}
	return sendCalendar(c, "Förankra – "+v.Name, v.Slug+".ics", events)
}
