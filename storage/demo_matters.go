package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
)

// demoMatter is a demo matter: raised days before now, taken through moves
// (each a few days after the last), to a department by name.
type demoMatter struct {
	village, title, description, department string
	raisedDaysAgo                           int
	moves                                   []string
}

// seedDemoMatters stores matters in every state, one escalated to level 2
// (raised 60 days ago, never answered: the clock reminds its department
// and head on its first run), and makes the demo official the contact
// person.
func seedDemoMatters(ctx context.Context, db *DB, users map[string]string, now time.Time) error {
	official := users[survey.RoleOfficial]
	if u, err := NewUsers(db).Get(ctx, official); err == nil {
		u.ContactPerson = true
		if err := NewUsers(db).Update(ctx, u, ""); err != nil {
			return err
		}
	}
	deps, err := NewPlans(db).Departments(ctx)
	if err != nil {
		return err
	}
	depID := map[string]string{}
	for _, d := range deps {
		depID[d.Name] = d.ID
	}
	matters := NewMatters(db)
	for _, dm := range []demoMatter{
		{"lappe", "Skylten vid badplatsen har blåst ner", "Skylten med badregler vid Läppe badplats ligger på marken sedan stormen.", "", 4, nil},
		{"hogsjo", "Snöröjningen på Skolvägen", "Skolvägen plogas sist av alla vägar, efter att skolbussen har gått.", "Samhällsbyggnad", 10, []string{survey.MoveForward}},
		{"baggetorp", "Trasiga gatlyktor vid Baggetorps skola", "Fyra gatlyktor längs gångvägen till skolan har varit släckta sedan oktober. Registrerat från pappersregistret.", "Samhällsbyggnad", 60, []string{survey.MoveForward}},
		{"marmorbyn", "Bokbussens hållplats", "Bokbussen stannar inte längre vid bygdegården.", "Kultur och fritid", 20, []string{survey.MoveForward, survey.MoveAnswer}},
		{"osteraker", "Belysning i motionsspåret", "Belysningen i motionsspåret slocknar redan klockan 21.", "Samhällsbyggnad", 90, []string{survey.MoveForward, survey.MoveAnswer, survey.MoveConfirm}},
	} {
		raised := survey.DateOf(now).AddDays(-dm.raisedDaysAgo)
		at := raised.Start().Add(10 * time.Hour)
		by := users["village:"+dm.village]
		if by == "" {
			by = official
		}
		m, err := survey.NewMatter{Village: dm.village, Title: dm.title, Description: dm.description, RaisedOn: raised.String()}.Matter(survey.MatterChecks{}, now, by)
		if err != nil {
			return fmt.Errorf("demoärendet %q: %w", dm.title, err)
		}
		if err := matters.Create(ctx, m); err != nil {
			return err
		}
		for rev, move := range dm.moves {
			at = at.Add(3 * 24 * time.Hour)
			if dm.raisedDaysAgo == 60 || at.After(now) {
				at = now.Add(-time.Duration(len(dm.moves)-rev) * time.Hour)
			}
			who := official
			if move == survey.MoveConfirm {
				who = by
			}
			text := map[string]string{
				survey.MoveAnswer: "Vi har pratat med trafikplaneraren; lösningen beskrivs i svaret till gruppen och genomförs under våren.",
			}[move]
			st, err := m.Step(move, survey.MatterMove{Department: depID[dm.department], Text: text}, nil, at, who)
			if err != nil {
				return fmt.Errorf("demoärendet %q: %w", dm.title, err)
			}
			if err := matters.Step(ctx, m, rev+1, st); err != nil {
				return err
			}
		}
	}
	return nil
}
