package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// colMeta holds the service's own markers, one document each by _id.
const colMeta = "meta"

// demoMarkerID is the _id of the marker that says the demo was seeded.
const demoMarkerID = "demo"

// DemoResult says what SeedDemo found or stored.
type DemoResult struct {
	// Seeded is false when an earlier start had seeded the demo already:
	// nothing was added.
	Seeded bool
	// Survey is the demo survey's id.
	Survey string
	// Interrupted reports a marker of a seeding that never finished.
	Interrupted bool
}

type demoMarkerDoc struct {
	ID     string    `bson:"_id"`
	Survey string    `bson:"survey"`
	Done   bool      `bson:"done"`
	At     time.Time `bson:"at"`
}

// SeedDemo stores the demo data set once: villages (those that exist are
// kept), an open survey and its responses, one account for each role with
// password, and proposals with remiss rounds in every state. A marker
// document decides "once": it is inserted first, so two starts at the same
// moment cannot both seed, and a later start adds nothing.
func SeedDemo(ctx context.Context, db *DB, demo survey.Demo, password string, now time.Time) (DemoResult, error) {
	meta := db.col(colMeta)
	_, err := meta.InsertOne(ctx, demoMarkerDoc{ID: demoMarkerID, At: now.UTC()})
	if mongo.IsDuplicateKeyError(err) {
		var m demoMarkerDoc
		if err := meta.FindOne(ctx, bson.M{"_id": demoMarkerID}).Decode(&m); err != nil {
			return DemoResult{}, fmt.Errorf("läsa demomarkering: %w", translate(err))
		}
		return DemoResult{Survey: m.Survey, Interrupted: !m.Done}, nil
	}
	if err != nil {
		return DemoResult{}, fmt.Errorf("spara demomarkering: %w", translate(err))
	}
	id, err := seedDemo(ctx, db, demo, password, now)
	if err != nil {
		// Let the next start try again from the beginning.
		_, _ = meta.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": demoMarkerID})
		return DemoResult{}, err
	}
	if _, err := meta.UpdateOne(ctx, bson.M{"_id": demoMarkerID}, bson.M{"$set": bson.M{"survey": id, "done": true}}); err != nil {
		return DemoResult{}, fmt.Errorf("spara demomarkering: %w", translate(err))
	}
	return DemoResult{Seeded: true, Survey: id}, nil
}

func seedDemo(ctx context.Context, db *DB, demo survey.Demo, password string, now time.Time) (string, error) {
	villages := NewVillages(db)
	for _, v := range demo.Villages {
		if err := villages.Create(ctx, v); err != nil && !errors.Is(err, survey.ErrConflict) {
			return "", err
		}
	}
	users, err := seedDemoUsers(ctx, db, password, now)
	if err != nil {
		return "", err
	}
	if err := demo.Survey.Check(); err != nil {
		return "", fmt.Errorf("demoenkäten: %w", err)
	}
	sv := &survey.Survey{Status: survey.Draft, CreatedBy: users[survey.RoleOfficial], Created: now.UTC()}
	if err := sv.Apply(demo.Survey); err != nil {
		return "", err
	}
	if err := sv.Open(now); err != nil {
		return "", err
	}
	if err := NewSurveys(db).Create(ctx, sv); err != nil {
		return "", err
	}
	subs := make([]Submission, 0, len(demo.Responses))
	for i, dr := range demo.Responses {
		r := &survey.Response{ID: NewID(), Survey: sv.ID, Village: dr.Village, Channel: survey.ChannelWeb,
			Answers: dr.Answers, Submitted: now.Add(time.Duration(i-len(demo.Responses)) * time.Minute).UTC()}
		subs = append(subs, Submission{Survey: sv, Response: r})
	}
	responses := NewResponses(db)
	for len(subs) > 0 {
		n := min(len(subs), 100)
		if _, err := responses.Add(ctx, subs[:n]); err != nil {
			return "", err
		}
		subs = subs[n:]
	}
	if err := seedDemoProposals(ctx, db, users, now); err != nil {
		return "", err
	}
	if err := seedDemoPlans(ctx, db, users, now); err != nil {
		return "", err
	}
	if err := seedDemoMatters(ctx, db, users, now); err != nil {
		return "", err
	}
	if err := seedDemoMeetings(ctx, db, users, now); err != nil {
		return "", err
	}
	if err := seedDemoFunds(ctx, db, users, now); err != nil {
		return "", err
	}
	if err := seedDemoServicePlan(ctx, db, users, now); err != nil {
		return "", err
	}
	return sv.ID, nil
}

// seedDemoUsers creates the demo accounts that do not exist yet and returns
// the id of one user of each role (the first of each).
func seedDemoUsers(ctx context.Context, db *DB, password string, now time.Time) (map[string]string, error) {
	users := NewUsers(db)
	ids := map[string]string{}
	for _, du := range survey.DemoUsers {
		u, hash, err := survey.NewUser{Email: du.Email, Name: du.Name, Password: password, Role: du.Role, Villages: du.Villages}.User(now)
		if err != nil {
			return nil, fmt.Errorf("demoanvändaren %s: %w", du.Email, err)
		}
		err = users.Create(ctx, &u, hash)
		if errors.Is(err, survey.ErrConflict) {
			existing, _, err := users.ByEmail(ctx, du.Email)
			if err != nil {
				return nil, err
			}
			u = existing
		} else if err != nil {
			return nil, err
		}
		if ids[du.Role] == "" {
			ids[du.Role] = u.ID
		}
		for _, v := range du.Villages {
			if ids["village:"+v] == "" {
				ids["village:"+v] = u.ID
			}
		}
	}
	return ids, nil
}

// seedDemoProposals stores the demo proposals, their rounds, answers and
// decisions, each dated as if it had happened the given days before now.
func seedDemoProposals(ctx context.Context, db *DB, users map[string]string, now time.Time) error {
	proposals, remisses := NewProposals(db), NewRemisses(db)
	official := users[survey.RoleOfficial]
	day := func(daysAgo int) time.Time { return now.AddDate(0, 0, -daysAgo) }
	for _, dp := range survey.DemoProposals {
		received := day(dp.ReceivedDaysAgo)
		p, err := survey.NewProposal{Title: dp.Title, Body: dp.Body, SubmittedBy: dp.SubmittedBy,
			Received: survey.DateOf(received).String()}.Proposal(received, official)
		if err != nil {
			return fmt.Errorf("demoförslaget %q: %w", dp.Title, err)
		}
		if err := proposals.Create(ctx, p); err != nil {
			return err
		}
		if dp.Round == nil {
			continue
		}
		dr := dp.Round
		sent := day(dr.SentDaysAgo)
		r, err := survey.NewRemiss{Villages: dr.Villages, Question: dr.Question,
			Deadline: survey.DateOf(day(dr.DeadlineDaysAgo)).String()}.Remiss(p, sent, official)
		if err != nil {
			return fmt.Errorf("demoremissen %q: %w", dp.Title, err)
		}
		if err := remisses.Create(ctx, r); err != nil {
			return err
		}
		for _, da := range dr.Answers {
			at := day(da.AnsweredDaysAgo)
			in := da.Answer
			in.Village = da.Village
			by, err := NewUsers(db).Get(ctx, users["village:"+da.Village])
			var rep *survey.User
			if err == nil {
				rep = &by
			}
			a, err := r.Answer(in, at, rep)
			if err != nil {
				return fmt.Errorf("demosvaret från %s: %w", da.Village, err)
			}
			if _, err := remisses.Answer(ctx, r, a); err != nil {
				return err
			}
		}
		if dr.ClosedDaysAgo > 0 {
			if err := r.Close(day(dr.ClosedDaysAgo), official); err != nil {
				return err
			}
			if err := remisses.Close(ctx, r); err != nil {
				return err
			}
		}
		p.Refresh([]*survey.Remiss{r}, now)
		if dp.Decision != nil {
			if err := p.Decide(*dp.Decision, []*survey.Remiss{r}, day(dp.DecidedDaysAgo), official); err != nil {
				return fmt.Errorf("demobeslutet %q: %w", dp.Title, err)
			}
			if err := proposals.Decide(ctx, p); err != nil {
				return err
			}
			continue
		}
		if err := proposals.SetStatus(ctx, p.ID, p.Status); err != nil {
			return err
		}
	}
	return nil
}

// seedDemoPlans stores the demo villages' plans: last year's as the start of
// this year's (so that a plan's versions show what changed), every action
// taken to its state through the transitions, the way a group would.
func seedDemoPlans(ctx context.Context, db *DB, users map[string]string, now time.Time) error {
	plans := NewPlans(db)
	if err := plans.EnsureFocusAreas(ctx); err != nil {
		return err
	}
	areas, err := plans.FocusAreas(ctx)
	if err != nil {
		return err
	}
	areaID := map[string]string{}
	for _, a := range areas {
		areaID[a.Name] = a.ID
	}
	deps := map[string]string{}
	for _, nd := range []survey.NewDepartment{
		{Name: "Samhällsbyggnad", Email: "samhallsbyggnad@vingaker.example", HeadEmail: "chef.sbf@vingaker.example"},
		{Name: "Kultur och fritid", Email: "kultur@vingaker.example"},
	} {
		d, err := nd.Department()
		if err != nil {
			return err
		}
		if err := plans.AddDepartment(ctx, &d); err != nil {
			return err
		}
		deps[d.Name] = d.ID
	}
	official := users[survey.RoleOfficial]
	thisYear := survey.DateOf(now).Year
	month := survey.MonthOf(now)
	byVillage := map[string]*survey.Plan{}
	for _, dp := range survey.DemoPlans {
		by := users["village:"+dp.Village]
		if by == "" {
			by = official
		}
		year := thisYear - dp.YearsAgo
		// A plan is written in the spring of its year.
		written := time.Date(year, time.March, 1, 12, 0, 0, 0, survey.Stockholm)
		if written.After(now) {
			written = now.AddDate(0, 0, -30)
		}
		p := &survey.Plan{Village: dp.Village, Year: year, Version: 1, Status: survey.PlanDraft, Priorities: []survey.Priority{}, Anchoring: []survey.Anchor{}, SavedBy: by, Saved: written}
		if last := byVillage[dp.Village]; last != nil {
			p = last.NextYear(year, written, by)
		}
		if err := plans.CreatePlan(ctx, p); err != nil {
			return err
		}
		edit := survey.PlanEdit{Version: p.Version, Summary: dp.Summary}
		for i, pr := range dp.Priorities {
			id := ""
			for _, have := range p.Priorities {
				if have.FocusArea == areaID[pr.Area] {
					id = have.ID
				}
			}
			edit.Priorities = append(edit.Priorities, survey.PriorityInput{ID: id, FocusArea: areaID[pr.Area], Rank: i + 1,
				Label: pr.Label, Rationale: pr.Rationale, Horizon: pr.Horizon})
		}
		known := func(id string) bool { return id != "" }
		if err := p.Apply(edit, known, NewID, written, by); err != nil {
			return fmt.Errorf("demoplanen för %s: %w", dp.Village, err)
		}
		if err := plans.SavePlan(ctx, p); err != nil {
			return err
		}
		for i, pr := range dp.Priorities {
			for _, da := range pr.Actions {
				if err := seedDemoAction(ctx, plans, p, p.Priorities[i].ID, da, deps, month, now, by); err != nil {
					return err
				}
			}
		}
		steps := []func() error{}
		switch dp.Status {
		case survey.PlanAcknowledged, survey.PlanSubmitted, survey.PlanAdopted:
			steps = append(steps, func() error {
				return p.Adopt(survey.AdoptInput{Date: survey.DateOf(written.AddDate(0, 0, 14)).String(), Method: survey.AnchorMeeting, Participants: 20 + 7*len(dp.Priorities)}, now)
			})
		}
		switch dp.Status {
		case survey.PlanAcknowledged, survey.PlanSubmitted:
			steps = append(steps, func() error { return p.Submit(written.AddDate(0, 0, 20)) })
		}
		if dp.Status == survey.PlanAcknowledged {
			steps = append(steps, func() error {
				return p.Acknowledge(survey.AcknowledgeInput{Comment: "Tack! Vi tar med planen till utvecklings- och serviceplanen."}, written.AddDate(0, 0, 30), official)
			})
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return fmt.Errorf("demoplanen för %s: %w", dp.Village, err)
			}
			p.Version++
			if err := plans.SavePlan(ctx, p); err != nil {
				return err
			}
		}
		byVillage[dp.Village] = p
	}
	return nil
}

// seedDemoAction adds an action due a number of months from now and takes
// it to its state through the transitions.
func seedDemoAction(ctx context.Context, plans *Plans, p *survey.Plan, priority string, da survey.DemoAction, deps map[string]string, month survey.Month, now time.Time, by string) error {
	due := survey.Month{Year: month.Year, Month: month.Month + time.Month(da.MonthsFromNow)}
	t := time.Date(due.Year, due.Month, 1, 0, 0, 0, 0, time.UTC)
	due = survey.Month{Year: t.Year(), Month: t.Month()}
	a := &survey.PlanAction{Plan: p.ID, Village: p.Village, Priority: priority, Title: da.Title, Owner: da.Owner,
		Responsible: da.Responsible, Department: deps[da.Responsible], Due: due, CostSEK: da.CostSEK, Status: survey.ActionPlanned}
	if err := plans.AddAction(ctx, a); err != nil {
		return err
	}
	var changes []survey.ActionChange
	switch da.Status {
	case survey.ActionInProgress:
		changes = []survey.ActionChange{{Status: survey.ActionInProgress}}
	case survey.ActionDone:
		doneOn := survey.DateOf(t.AddDate(0, 0, 10))
		if now.Before(doneOn.End()) {
			doneOn = survey.DateOf(now)
		}
		changes = []survey.ActionChange{{Status: survey.ActionInProgress}, {Status: survey.ActionDone, DoneOn: doneOn.String(), DoneBy: da.Responsible}}
	case survey.ActionPostponed:
		later := t.AddDate(0, 6, 0)
		changes = []survey.ActionChange{{Status: survey.ActionPostponed, Due: survey.MonthOf(later).String(), Note: "Väntar på kommunens fiberstöd"}}
	case survey.ActionDropped:
		changes = []survey.ActionChange{{Status: survey.ActionDropped, Reason: "Operatören gjorde inventeringen själv"}}
	}
	for n, ch := range changes {
		h, err := a.Change(ch, now, by)
		if err != nil {
			return fmt.Errorf("demoåtgärden %q: %w", da.Title, err)
		}
		if err := plans.ChangeAction(ctx, a, n, h); err != nil {
			return err
		}
	}
	return nil
}

// demoGoals are the goals the demo's forum wrote, item by item.
var demoGoals = []string{
	"Säkra skolvägar och plogade vägar före klockan sju i alla byar.",
	"Fiber eller likvärdig uppkoppling till varje hushåll som vill ha det.",
	"Barnomsorg och skolskjuts nära hemmet, också i de minsta byarna.",
	"Mötesplatser som hålls öppna året runt, med kommunens stöd till föreningarna.",
}

// seedDemoServicePlan stores the municipal development and service plan of
// the demo: version 1 generated from the villages' current plans, walked to
// in force 22 months ago (so its revision is due within three months and
// shows in "Att göra"), and version 2 drafted for the next period.
func seedDemoServicePlan(ctx context.Context, db *DB, users map[string]string, now time.Time) error {
	plans := NewPlans(db)
	all, err := plans.ListPlans(ctx, "")
	if err != nil {
		return err
	}
	actions, err := plans.ListActions(ctx, ActionFilter{})
	if err != nil {
		return err
	}
	current := survey.CurrentPlans(all, 0)
	items := survey.GenerateServiceItems(current, actions, nil)
	deps, err := plans.Departments(ctx)
	if err != nil {
		return err
	}
	for i := range items {
		if i < len(demoGoals) {
			items[i].Goal = demoGoals[i]
		}
		if items[i].Department == "" && len(deps) > 0 {
			items[i].Department = deps[0].ID
		}
	}
	official, forum := users[survey.RoleOfficial], users[survey.RoleForum]
	decided := now.AddDate(0, -22, 0)
	year := survey.DateOf(decided).Year
	store := NewServicePlans(db)
	p := &survey.ServicePlan{Period: survey.Period{From: year, To: year + 1}.String(), Status: survey.ServiceDraft, Items: items,
		Created: decided.AddDate(0, -2, 0), History: []survey.ServiceStep{{At: decided.AddDate(0, -2, 0), By: official, To: survey.ServiceDraft}}}
	if err := store.Create(ctx, p); err != nil {
		return err
	}
	item, err := seedDemoAdoptionMeeting(ctx, db, p, official, decided.AddDate(0, -1, 0))
	if err != nil {
		return err
	}
	day := func(t time.Time) string { return survey.DateOf(t).String() }
	for _, step := range []func() error{
		func() error { return p.Review(decided.AddDate(0, -2, 7), official) },
		func() error {
			return p.Adopt(survey.ServiceAdoptInput{MeetingItem: item}, decided.AddDate(0, -1, 0), forum)
		},
		func() error {
			return p.Send(survey.ServiceSendInput{Date: day(decided.AddDate(0, 0, -20)), DiaryNumber: fmt.Sprintf("KS %d/41", year)}, decided.AddDate(0, 0, -20), official)
		},
		func() error {
			return p.Decide(survey.ServiceDecideInput{Date: day(decided), Paragraph: "§ 45"}, decided, official)
		},
	} {
		if err := step(); err != nil {
			return fmt.Errorf("demons serviceplan: %w", err)
		}
		if err := store.Save(ctx, p); err != nil {
			return err
		}
	}
	period, _ := survey.ParsePeriod(p.Period)
	next, err := p.Revise(period.Next().String(), survey.GenerateServiceItems(current, actions, p.Items), now.AddDate(0, 0, -3), official)
	if err != nil {
		return fmt.Errorf("demons serviceplan: %w", err)
	}
	if len(next.Items) > 0 {
		next.Items[0].Goal += " Ny gång- och cykelväg mellan byarna."
	}
	return store.AddVersion(ctx, next)
}

// seedDemoAdoptionMeeting stores the forum meeting that adopted service
// plan p at adopted (18:00–21:00 that evening, held), with the item that
// puts the plan on its agenda, and returns the item's id.
func seedDemoAdoptionMeeting(ctx context.Context, db *DB, p *survey.ServicePlan, official string, adopted time.Time) (string, error) {
	meetings := NewMeetings(db)
	d := survey.DateOf(adopted)
	starts := time.Date(d.Year, d.Month, d.Day, 18, 0, 0, 0, survey.Stockholm)
	m := &survey.Meeting{Kind: survey.MeetingForum, Title: "Forummöte " + starts.Format("2006-01"), Starts: starts.UTC(), Ends: starts.Add(3 * time.Hour).UTC(),
		Place: "Vingåkers bibliotek", Themes: []string{}, Villages: demoVillages, Departments: []string{}, Guests: []string{},
		Status: survey.MeetingPlanned, Present: []string{}, CreatedBy: official, Created: starts.AddDate(0, 0, -30).UTC()}
	if err := meetings.CreateMeeting(ctx, m); err != nil {
		return "", err
	}
	it := &survey.AgendaItem{Title: "Utvecklings- och serviceplanen " + p.Period, Link: &survey.Link{Kind: survey.LinkServicePlan, ID: p.ID},
		Minutes: "Forumet gick igenom planens punkter och antog den.", Decisions: []survey.MeetingDecision{}, AddedBy: official, Added: m.Created}
	if err := meetings.AddItem(ctx, m.ID, it); err != nil {
		return "", err
	}
	if err := seedDemoHeld(ctx, meetings, m.ID, starts); err != nil {
		return "", err
	}
	return it.ID, nil
}
