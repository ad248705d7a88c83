package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
)

// demoApplication is one demo application and how far it went.
type demoApplication struct {
	village, area, title  string
	asked, granted, spent int64
	status, reason        string
	report                string
	// onAgenda: the forum granted it at its last meeting, whose agenda
	// puts it there (the grant names that item).
	onAgenda bool
}

// seedDemoFunds stores last year's and this year's bygdepeng with their
// ledgers and applications in several states: last year one village
// reported its investment and another did not (its basic grant is blocked
// by rule 3), this year's applications are a draft, one waiting for the
// forum, one granted less than asked and paid, and one rejected. The basic
// grants are left for an official to approve: whether a village may have
// one is computed from its records.
func seedDemoFunds(ctx context.Context, db *DB, users map[string]string, now time.Time) error {
	areas, err := NewPlans(db).FocusAreas(ctx)
	if err != nil {
		return err
	}
	areaID := map[string]string{}
	for _, a := range areas {
		areaID[a.Name] = a.ID
	}
	funds := NewFunds(db)
	official := users[survey.RoleOfficial]
	year := survey.DateOf(now).Year
	// place puts an application on the agenda of the last forum meeting
	// that has ended (seedDemoMeetings') and returns the item.
	place := func(a *survey.Application) (string, error) {
		meetings := NewMeetings(db)
		all, err := meetings.ListMeetings(ctx)
		if err != nil {
			return "", err
		}
		var last *survey.Meeting
		for _, m := range all {
			if m.Ended(now) {
				last = m
			}
		}
		if last == nil {
			return "", fmt.Errorf("inget hållet möte att bevilja %q på", a.Title)
		}
		it := &survey.AgendaItem{Title: "Ansökan om bygdepeng: " + a.Title, Link: &survey.Link{Kind: survey.LinkApplication, ID: a.ID},
			Minutes: "Forumet beviljade ansökan.", Decisions: []survey.MeetingDecision{}, AddedBy: official, Added: last.Created}
		if err := meetings.AddItem(ctx, last.ID, it); err != nil {
			return "", err
		}
		return it.ID, nil
	}
	years := []struct {
		year    int
		sources []survey.FundSourceInput
		apps    []demoApplication
	}{
		{year - 1, []survey.FundSourceInput{{Kind: survey.SourceMunicipality, Name: "Vingåkers kommun", AmountSEK: 150000}, {Kind: survey.SourceHydropower, Name: "Bygdemedel från Hjälmarens vattenkraft", AmountSEK: 60000}},
			[]demoApplication{
				{village: "baggetorp", area: "Föreningsliv och mötesplatser", title: "Nya fönster i bygdegården", asked: 48000, granted: 40000, spent: 41200, status: survey.AppClosed,
					report: "Fönstren byttes i oktober. Bygdegården kan nu hyras ut även på vintern; elräkningen sjönk med en tredjedel."},
				{village: "hogsjo", area: "Omsorg och service", title: "Bokhyllor till lånestationen", asked: 15000, granted: 15000, status: survey.AppPaid},
			}},
		{year, []survey.FundSourceInput{{Kind: survey.SourceMunicipality, Name: "Vingåkers kommun", AmountSEK: 150000}, {Kind: survey.SourceRegion, Name: "Region Sörmland", AmountSEK: 50000},
			{Kind: survey.SourceCountyBoard, Name: "Länsstyrelsen i Södermanlands län", AmountSEK: 50000}, {Kind: survey.SourceHydropower, Name: "Bygdemedel från Hjälmarens vattenkraft", AmountSEK: 60000}},
			[]demoApplication{
				{village: "baggetorp", area: "Trygghet", title: "Hjärtstartare vid skolan", asked: 18000, granted: 15000, status: survey.AppPaid, onAgenda: true},
				{village: "marmorbyn", area: "Natur, kultur och friluftsliv", title: "Badbrygga vid Marmorbadet", asked: 60000, status: survey.AppSubmitted},
				{village: "hogsjo", area: "Kommunikationer och vägar", title: "Snöslunga till vägföreningen", asked: 25000, status: survey.AppRejected,
					reason: "Vinterväghållning av enskilda vägar betalas av vägföreningarnas statsbidrag, inte av bygdepengen."},
				{village: "marmorbyn", area: "Föreningsliv och mötesplatser", title: "Bänkar vid bystugan", asked: 8000, status: survey.AppDraft},
			}},
	}
	for _, y := range years {
		in := survey.NewFund{Year: y.year, Sources: y.sources, BasicGrantSEK: 6000,
			ApplicationCloses: fmt.Sprintf("%d-09-30", y.year), ReportDue: fmt.Sprintf("%d-03-31", y.year+1)}
		f, err := in.Fund(now, official)
		if err != nil {
			return fmt.Errorf("demofonden %d: %w", y.year, err)
		}
		if err := funds.CreateFund(ctx, f); err != nil {
			return err
		}
		for _, da := range y.apps {
			if err := seedDemoApplication(ctx, funds, f, da, users, areaID, place, now); err != nil {
				return fmt.Errorf("demoansökan %q: %w", da.title, err)
			}
		}
	}
	return nil
}

func seedDemoApplication(ctx context.Context, funds *Funds, f *survey.Fund, da demoApplication, users, areaID map[string]string,
	place func(*survey.Application) (string, error), now time.Time) error {
	by, official := users["village:"+da.village], users[survey.RoleOfficial]
	a := &survey.Application{Fund: f.Year, Village: da.village, FocusArea: areaID[da.area], Title: da.title,
		Description: "Se byns handlingsplan.", AmountSEK: da.asked, Status: survey.AppDraft, CreatedBy: by, Created: now.UTC()}
	if err := funds.CreateApplication(ctx, a); err != nil {
		return err
	}
	if da.status == survey.AppDraft {
		return nil
	}
	ref := survey.ApplicationRef(a.ID)
	appendEntry := func(in survey.EntryInput) error {
		in.By = official
		_, err := funds.Append(ctx, f, func(l survey.Ledger) (survey.LedgerEntry, error) { return l.Next(in, now) })
		return err
	}
	steps := []func() error{func() error { return a.Step("submit") }}
	switch da.status {
	case survey.AppRejected:
		steps = append(steps, func() error { return a.Reject(survey.ReasonInput{Reason: da.reason}) })
	case survey.AppPaid, survey.AppClosed:
		steps = append(steps, func() error {
			if da.onAgenda {
				item, err := place(a)
				if err != nil {
					return err
				}
				a.MeetingItem = item
			}
			if err := appendEntry(survey.EntryInput{Kind: survey.EntryAllocate, Village: da.village, AmountSEK: da.granted, Ref: ref, MeetingItem: a.MeetingItem}); err != nil {
				return err
			}
			return a.Step("grant")
		})
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
		if err := funds.SaveApplication(ctx, a); err != nil {
			return err
		}
	}
	if da.status != survey.AppPaid && da.status != survey.AppClosed {
		return nil
	}
	if err := appendEntry(survey.EntryInput{Kind: survey.EntryPay, Ref: ref}); err != nil {
		return err
	}
	if da.status != survey.AppClosed {
		return nil
	}
	if err := a.AddReport(survey.AppReportInput{Text: da.report, SpentSEK: da.spent}, survey.RefMoney{PaidSEK: da.granted}, now, by); err != nil {
		return err
	}
	if err := funds.SaveApplication(ctx, a); err != nil {
		return err
	}
	if err := a.Close(now); err != nil {
		return err
	}
	return funds.SaveApplication(ctx, a)
}
