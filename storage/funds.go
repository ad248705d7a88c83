package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

const (
	colFunds        = "funds"
	colLedger       = "fund_ledger"
	colApplications = "fund_applications"
	colOverrides    = "fund_overrides"
	colAppRevs      = "fund_application_revisions"
)

// Funds stores the bygdepeng: funds by year, each fund's ledger, the
// investment applications and the basic grant overrides.
//
// The ledger is only appended to, without transactions: the n-th entry of
// year Y has the _id "Y-n" and carries the fund's running totals. Append
// reads the fund's entries, lets the domain check the new entry against them
// (survey.Ledger.Next: no overspend, no double allocation) and inserts entry
// n+1. Of two appends made on the same n one inserts and the other gets a
// duplicate key: it reads again and checks again against the entry that won.
// So no check is ever made on figures that another instance has changed.
type Funds struct {
	funds, ledger, apps, revs, overrides *mongo.Collection
}

// NewFunds returns the fund store of db.
func NewFunds(db *DB) *Funds {
	return &Funds{funds: db.col(colFunds), ledger: db.col(colLedger), apps: db.col(colApplications), revs: db.col(colAppRevs), overrides: db.col(colOverrides)}
}

type sourceDoc struct {
	Kind      string `bson:"kind"`
	Name      string `bson:"name"`
	AmountSEK int64  `bson:"amount_sek"`
}

type fundDoc struct {
	Year              int         `bson:"_id"`
	Sources           []sourceDoc `bson:"sources"`
	BasicGrantSEK     int64       `bson:"basic_grant_sek"`
	ApplicationCloses string      `bson:"application_closes"`
	ReportDue         string      `bson:"report_due"`
	CreatedBy         string      `bson:"created_by"`
	Created           time.Time   `bson:"created"`
}

func (d fundDoc) fund() *survey.Fund {
	closes, _ := survey.ParseDate(d.ApplicationCloses)
	due, _ := survey.ParseDate(d.ReportDue)
	f := &survey.Fund{Year: d.Year, BasicGrantSEK: d.BasicGrantSEK, ApplicationCloses: closes, ReportDue: due,
		CreatedBy: d.CreatedBy, Created: d.Created, Sources: make([]survey.FundSource, len(d.Sources))}
	for i, s := range d.Sources {
		f.Sources[i] = survey.FundSource(s)
	}
	return f
}

// CreateFund stores a fund; a second fund for the same year is
// survey.ErrConflict (the year is the _id).
func (s *Funds) CreateFund(ctx context.Context, f *survey.Fund) error {
	d := fundDoc{Year: f.Year, BasicGrantSEK: f.BasicGrantSEK, ApplicationCloses: f.ApplicationCloses.String(),
		ReportDue: f.ReportDue.String(), CreatedBy: f.CreatedBy, Created: f.Created, Sources: make([]sourceDoc, len(f.Sources))}
	for i, src := range f.Sources {
		d.Sources[i] = sourceDoc(src)
	}
	if _, err := s.funds.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("spara bygdepeng %d: %w", f.Year, translate(err))
	}
	return nil
}

// Fund returns the fund of a year.
func (s *Funds) Fund(ctx context.Context, year int) (*survey.Fund, error) {
	var d fundDoc
	if err := s.funds.FindOne(ctx, bson.M{"_id": year}).Decode(&d); err != nil {
		return nil, fmt.Errorf("bygdepeng %d: %w", year, translate(err))
	}
	return d.fund(), nil
}

// ListFunds lists every fund, newest year first (one a year: a small
// collection).
func (s *Funds) ListFunds(ctx context.Context) ([]*survey.Fund, error) {
	var docs []fundDoc
	if err := findAll(ctx, s.funds, bson.M{}, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}), &docs); err != nil {
		return nil, fmt.Errorf("lista bygdepeng: %w", err)
	}
	out := make([]*survey.Fund, len(docs))
	for i, d := range docs {
		out[i] = d.fund()
	}
	return out, nil
}

type totalsDoc struct {
	AllocatedSEK   int64 `bson:"allocated_sek"`
	BasicGrantsSEK int64 `bson:"basic_grants_sek"`
	PaidSEK        int64 `bson:"paid_sek"`
	ReturnedSEK    int64 `bson:"returned_sek"`
}

type entryDoc struct {
	ID          string    `bson:"_id"`
	Fund        int       `bson:"fund"`
	N           int       `bson:"n"`
	Kind        string    `bson:"kind"`
	Village     string    `bson:"village"`
	AmountSEK   int64     `bson:"amount_sek"`
	Ref         string    `bson:"ref"`
	Reverses    string    `bson:"reverses,omitempty"`
	Reason      string    `bson:"reason,omitempty"`
	MeetingItem string    `bson:"meeting_item,omitempty"`
	By          string    `bson:"by"`
	At          time.Time `bson:"at"`
	Totals      totalsDoc `bson:"totals"`
}

func (d entryDoc) entry() survey.LedgerEntry {
	return survey.LedgerEntry{ID: d.ID, Fund: d.Fund, N: d.N, Kind: d.Kind, Village: d.Village, AmountSEK: d.AmountSEK, Ref: d.Ref,
		Reverses: d.Reverses, Reason: d.Reason, MeetingItem: d.MeetingItem, By: d.By, At: d.At, Totals: survey.Totals(d.Totals)}
}

// Ledger returns the entries of a year's ledger in order (a fund has some
// hundred entries at most). The timeline and the yearly report read it.
func (s *Funds) Ledger(ctx context.Context, year int) ([]survey.LedgerEntry, error) {
	var docs []entryDoc
	if err := findAll(ctx, s.ledger, bson.M{"fund": year}, options.Find().SetSort(bson.D{{Key: "n", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("huvudbok %d: %w", year, err)
	}
	out := make([]survey.LedgerEntry, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.entry())
	}
	return out, nil
}

// FundLedger is a fund with its ledger, for the domain's checks.
func (s *Funds) FundLedger(ctx context.Context, f *survey.Fund) (survey.Ledger, error) {
	entries, err := s.Ledger(ctx, f.Year)
	if err != nil {
		return survey.Ledger{}, err
	}
	// Entries are inserted in order (n+1 only after n), so the read is a
	// gapless prefix; a gap would mean a foreign write, and Next would then
	// claim an n that exists and retry.
	return survey.Ledger{Year: f.Year, TotalSEK: f.TotalSEK(), Entries: entries}, nil
}

// maxAppendTries bounds the re-reads of a contended append; each failed try
// means another entry landed, so this many grants at the same moment.
const maxAppendTries = 500

// Append adds the entry that next makes from the fund's ledger as it is
// now. next returns an error to refuse (nothing is written); a lost race
// for the entry's _id reads the ledger again and asks next again.
func (s *Funds) Append(ctx context.Context, f *survey.Fund, next func(l survey.Ledger) (survey.LedgerEntry, error)) (survey.LedgerEntry, error) {
	for try := 0; try < maxAppendTries; try++ {
		l, err := s.FundLedger(ctx, f)
		if err != nil {
			return survey.LedgerEntry{}, err
		}
		e, err := next(l)
		if err != nil {
			return survey.LedgerEntry{}, err
		}
		d := entryDoc{ID: e.ID, Fund: e.Fund, N: e.N, Kind: e.Kind, Village: e.Village, AmountSEK: e.AmountSEK, Ref: e.Ref,
			Reverses: e.Reverses, Reason: e.Reason, MeetingItem: e.MeetingItem, By: e.By, At: e.At, Totals: totalsDoc(e.Totals)}
		_, err = s.ledger.InsertOne(ctx, d)
		if err == nil {
			return e, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return survey.LedgerEntry{}, fmt.Errorf("bokföra: %w", translate(err))
		}
		// Someone appended first: wait a moment (so that a crowd does not
		// retry in lockstep) and check again against what they wrote.
		select {
		case <-ctx.Done():
			return survey.LedgerEntry{}, fmt.Errorf("bokföra: %w", translate(ctx.Err()))
		case <-time.After(time.Duration(rand.IntN(5*(try+1))) * time.Millisecond):
		}
	}
	return survey.LedgerEntry{}, survey.Refuse(survey.ErrConflict, "Huvudboken ändrades hela tiden; försök igen")
}

type reportDoc struct {
	Text     string    `bson:"text"`
	SpentSEK int64     `bson:"spent_sek"`
	By       string    `bson:"by"`
	At       time.Time `bson:"at"`
}

type applicationDoc struct {
	ID             string     `bson:"_id"`
	Fund           int        `bson:"fund"`
	Village        string     `bson:"village"`
	FocusArea      string     `bson:"focus_area"`
	Title          string     `bson:"title"`
	Description    string     `bson:"description"`
	AmountSEK      int64      `bson:"amount_sek"`
	CofinancingSEK int64      `bson:"cofinancing_sek"`
	Status         string     `bson:"status"`
	MeetingItem    string     `bson:"meeting_item,omitempty"`
	SubmittedAt    *time.Time `bson:"submitted_at,omitempty"`
	Reason         string     `bson:"reason,omitempty"`
	Report         *reportDoc `bson:"report,omitempty"`
	ClosedAt       *time.Time `bson:"closed_at,omitempty"`
	CreatedBy      string     `bson:"created_by"`
	Created        time.Time  `bson:"created"`
	Rev            int        `bson:"rev"`
}

func toApplicationDoc(a *survey.Application) applicationDoc {
	d := applicationDoc{ID: a.ID, Fund: a.Fund, Village: a.Village, FocusArea: a.FocusArea, Title: a.Title, Description: a.Description,
		AmountSEK: a.AmountSEK, CofinancingSEK: a.CofinancingSEK, Status: a.Status, MeetingItem: a.MeetingItem, SubmittedAt: a.SubmittedAt,
		Reason: a.Reason, ClosedAt: a.ClosedAt, CreatedBy: a.CreatedBy, Created: a.Created, Rev: a.Rev}
	if r := a.Report; r != nil {
		d.Report = &reportDoc{Text: r.Text, SpentSEK: r.SpentSEK, By: r.By, At: r.At}
	}
	return d
}

func (d applicationDoc) application() *survey.Application {
	a := &survey.Application{ID: d.ID, Fund: d.Fund, Village: d.Village, FocusArea: d.FocusArea, Title: d.Title, Description: d.Description,
		AmountSEK: d.AmountSEK, CofinancingSEK: d.CofinancingSEK, Status: d.Status, MeetingItem: d.MeetingItem, SubmittedAt: d.SubmittedAt,
		Reason: d.Reason, ClosedAt: d.ClosedAt, CreatedBy: d.CreatedBy, Created: d.Created, Rev: d.Rev}
	if r := d.Report; r != nil {
		a.Report = &survey.AppReport{Text: r.Text, SpentSEK: r.SpentSEK, By: r.By, At: r.At}
	}
	return a
}

// CreateApplication stores a new application.
func (s *Funds) CreateApplication(ctx context.Context, a *survey.Application) error {
	a.ID, a.Rev = NewID(), 1
	if _, err := s.apps.InsertOne(ctx, toApplicationDoc(a)); err != nil {
		return fmt.Errorf("spara ansökan: %w", translate(err))
	}
	return nil
}

// appRevDoc claims one revision of an application and holds the
// application as it is after that change.
type appRevDoc struct {
	ID    string         `bson:"_id"`
	App   string         `bson:"app"`
	Fund  int            `bson:"fund"`
	Rev   int            `bson:"rev"`
	After applicationDoc `bson:"after"`
}

func appRevKey(id string, rev int) string { return id + "/r" + strconv.Itoa(rev) }

// Application returns an application by id. A change that claimed its
// revision but did not reach the application (a crash in between) is
// rolled forward; the revisions are a small collection.
func (s *Funds) Application(ctx context.Context, id string) (*survey.Application, error) {
	var d applicationDoc
	if err := s.apps.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, fmt.Errorf("ansökan %q: %w", id, translate(err))
	}
	for {
		var next appRevDoc
		err := s.revs.FindOne(ctx, bson.M{"_id": appRevKey(id, d.Rev+1)}).Decode(&next)
		if errors.Is(err, mongo.ErrNoDocuments) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("ansökan %q: %w", id, translate(err))
		}
		if _, err := s.apps.ReplaceOne(ctx, bson.M{"_id": id}, next.After); err != nil {
			return nil, fmt.Errorf("ansökan %q: %w", id, translate(err))
		}
		d = next.After
	}
	return d.application(), nil
}

// SaveApplication writes a changed application made on revision a.Rev. It
// claims revision a.Rev+1 by a unique _id first, so that of two changes made
// on one revision one lands and the other is survey.ErrConflict (a filter on
// the revision is not enough: FerretDB does not make a conditional replace
// atomic). a.Rev is the new revision afterwards.
func (s *Funds) SaveApplication(ctx context.Context, a *survey.Application) error {
	d := toApplicationDoc(a)
	d.Rev = a.Rev + 1
	if _, err := s.revs.InsertOne(ctx, appRevDoc{ID: appRevKey(a.ID, d.Rev), App: a.ID, Fund: a.Fund, Rev: d.Rev, After: d}); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return survey.Refuse(survey.ErrConflict, "Ansökan ändrades samtidigt av någon annan")
		}
		return fmt.Errorf("spara ansökan: %w", translate(err))
	}
	if _, err := s.apps.ReplaceOne(ctx, bson.M{"_id": a.ID}, d); err != nil {
		return fmt.Errorf("spara ansökan: %w", translate(err))
	}
	a.Rev = d.Rev
	return nil
}

// ListApplications lists the applications of a year (every year when 0),
// oldest first: a fund has tens of applications. A change claimed but not
// copied to its application (a crash in between) is shown as claimed.
func (s *Funds) ListApplications(ctx context.Context, year int) ([]*survey.Application, error) {
	filter := bson.M{}
	if year != 0 {
		filter["fund"] = year
	}
	var docs []applicationDoc
	if err := findAll(ctx, s.apps, filter, options.Find().SetSort(bson.D{{Key: "created", Value: 1}, {Key: "_id", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("lista ansökningar: %w", err)
	}
	var revs []appRevDoc
	if err := findAll(ctx, s.revs, filter, nil, &revs); err != nil {
		return nil, fmt.Errorf("lista ansökningar: %w", err)
	}
	newest := map[string]applicationDoc{}
	for _, r := range revs {
		if r.Rev > newest[r.App].Rev {
			newest[r.App] = r.After
		}
	}
	out := make([]*survey.Application, len(docs))
	for i, d := range docs {
		if n, ok := newest[d.ID]; ok && n.Rev > d.Rev {
			d = n
		}
		out[i] = d.application()
	}
	return out, nil
}

type overrideDoc struct {
	ID      string    `bson:"_id"`
	Fund    int       `bson:"fund"`
	Village string    `bson:"village"`
	Reason  string    `bson:"reason"`
	By      string    `bson:"by"`
	At      time.Time `bson:"at"`
}

func overrideKey(year int, village string) string { return strconv.Itoa(year) + "/" + village }

// AddOverride records an override of a village's basic grant rules; one per
// village and year (a second is survey.ErrConflict).
func (s *Funds) AddOverride(ctx context.Context, o survey.Override) error {
	d := overrideDoc{ID: overrideKey(o.Fund, o.Village), Fund: o.Fund, Village: o.Village, Reason: o.Reason, By: o.By, At: o.At}
	if _, err := s.overrides.InsertOne(ctx, d); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return survey.Refuse(survey.ErrConflict, "Byn har redan ett undantag för %d", o.Fund)
		}
		return fmt.Errorf("spara undantag: %w", translate(err))
	}
	return nil
}

// Overrides lists a year's overrides by village (a handful).
func (s *Funds) Overrides(ctx context.Context, year int) (map[string]survey.Override, error) {
	var docs []overrideDoc
	if err := findAll(ctx, s.overrides, bson.M{"fund": year}, nil, &docs); err != nil {
		return nil, fmt.Errorf("undantag: %w", err)
	}
	out := map[string]survey.Override{}
	for _, d := range docs {
		out[d.Village] = survey.Override{Fund: d.Fund, Village: d.Village, Reason: d.Reason, By: d.By, At: d.At}
	}
	return out, nil
}
