package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
)

// demoVillages are the villages the demo meetings invite.
var demoVillages = []string{"baggetorp", "hogsjo", "marmorbyn", "osteraker", "lappe"}

// forumEvenings are the forum's April and October meetings around now: the
// last that has ended and the next that has not begun (18:00–21:00 in
// Stockholm, on the 15th).
func forumEvenings(now time.Time) (past, next time.Time) {
	year := survey.DateOf(now).Year
	var dates []time.Time
	for y := year - 1; y <= year+1; y++ {
		for _, m := range []time.Month{time.April, time.October} {
			dates = append(dates, time.Date(y, m, 15, 18, 0, 0, 0, survey.Stockholm))
		}
	}
	for _, d := range dates {
		if d.Add(3 * time.Hour).Before(now) {
			past = d
		} else if next.IsZero() && d.After(now) {
			next = d
		}
	}
	return past, next
}

// seedDemoMeetings stores the last forum meeting, held with its minutes
// approved, an agenda linking to a plan, minutes and two decisions (one that
// became an action of that plan), and the next forum meeting, planned.
func seedDemoMeetings(ctx context.Context, db *DB, users map[string]string, now time.Time) error {
	meetings, plans := NewMeetings(db), NewPlans(db)
	official := users[survey.RoleOfficial]
	past, next := forumEvenings(now)
	plan, err := plans.Plan(ctx, PlanID("baggetorp", survey.DateOf(now).Year-1))
	if err != nil {
		return fmt.Errorf("demomötet: %w", err)
	}
	held := &survey.Meeting{Kind: survey.MeetingForum, Title: "Forummöte " + past.Format("2006-01"), Starts: past.UTC(), Ends: past.Add(3 * time.Hour).UTC(),
		Place: "Vingåkers bibliotek", Themes: []string{}, Villages: demoVillages, Departments: []string{}, Guests: []string{},
		Status: survey.MeetingPlanned, Present: []string{}, CreatedBy: official, Created: past.AddDate(0, -1, 0).UTC()}
	if err := meetings.CreateMeeting(ctx, held); err != nil {
		return err
	}
	items := []*survey.AgendaItem{
		{Title: "Baggetorps utvecklingsplan", Link: &survey.Link{Kind: survey.LinkPlan, ID: plan.ID},
			Minutes: "Gruppen presenterade planen. Forumet ser att säker skolväg är en fråga för flera byar."},
		{Title: "Bygdepengen nästa år", Minutes: "Kommunen räknar med samma belopp som i år."},
	}
	for _, it := range items {
		it.Decisions, it.AddedBy, it.Added = []survey.MeetingDecision{}, official, held.Created
		if err := meetings.AddItem(ctx, held.ID, it); err != nil {
			return err
		}
	}
	if err := seedDemoHeld(ctx, meetings, held.ID, past); err != nil {
		return err
	}
	at := past.Add(2 * time.Hour).UTC()
	action := &survey.PlanAction{ID: NewID(), Plan: plan.ID, Village: plan.Village, Priority: plan.Priorities[0].ID,
		Title: "Kommunen utreder gång- och cykelväg längs väg 52", Owner: survey.OwnerMunicipality, Responsible: "Samhällsbyggnad",
		Due: survey.MonthOf(now.AddDate(0, 4, 0)), Status: survey.ActionPlanned, Created: at}
	decisions := []*survey.MeetingDecision{
		{ID: NewID(), Text: "Forumet ber kommunen utreda en gång- och cykelväg längs väg 52.", Becomes: survey.BecomesAction,
			Created: &survey.Ref{Kind: survey.BecomesAction, ID: action.ID}, By: official, At: at},
		{ID: NewID(), Text: "Forumet tar upp skolvägarna igen på nästa möte.", By: official, At: at},
	}
	action.Source = &survey.Ref{Kind: survey.SourceMeetingDecision, ID: decisions[0].ID}
	for _, d := range decisions {
		if err := meetings.AddDecision(ctx, held.ID, items[0].ID, d); err != nil {
			return err
		}
	}
	if err := plans.AddAction(ctx, action); err != nil {
		return err
	}
	if err := meetings.StepMeeting(ctx, held.ID, survey.MeetingHeld, survey.MeetingMinutesApproved, map[string]any{"approved_at": past.AddDate(0, 0, 14).UTC()}); err != nil {
		return err
	}

	upcoming := &survey.Meeting{Kind: survey.MeetingForum, Title: "Forummöte " + next.Format("2006-01"), Starts: next.UTC(), Ends: next.Add(3 * time.Hour).UTC(),
		Place: "Bygdegården i Högsjö", Themes: []string{}, Villages: demoVillages, Departments: []string{}, Guests: []string{},
		Status: survey.MeetingPlanned, Present: []string{}, CreatedBy: official, Created: now.UTC()}
	if err := meetings.CreateMeeting(ctx, upcoming); err != nil {
		return err
	}
	return meetings.AddItem(ctx, upcoming.ID, &survey.AgendaItem{Title: "Skolvägarna: uppföljning", Decisions: []survey.MeetingDecision{}, AddedBy: official, Added: now.UTC()})
}

// seedDemoHeld walks a demo meeting that starts at starts from planned
// through its invitations (three weeks before) to held, with four
// villages present.
func seedDemoHeld(ctx context.Context, meetings *Meetings, id string, starts time.Time) error {
	for _, st := range []struct {
		from, to string
		set      map[string]any
	}{
		{survey.MeetingPlanned, survey.MeetingInvited, map[string]any{"invited_at": starts.AddDate(0, 0, -21).UTC()}},
		{survey.MeetingInvited, survey.MeetingHeld, map[string]any{"held_at": starts.Add(3 * time.Hour).UTC(), "present": []string{"baggetorp", "hogsjo", "osteraker", "lappe"}}},
	} {
		if err := meetings.StepMeeting(ctx, id, st.from, st.to, st.set); err != nil {
			return err
		}
	}
	return nil
}
