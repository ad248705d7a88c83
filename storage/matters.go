package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

const (
	colMatters     = "matters"
	colMatterSteps = "matter_steps"
	colMatterMarks = "matter_marks"
)

// ensureMatterIndexes creates the indexes of matters, their step claims and
// their marks (used by MongoDB; FerretDB scans these small collections).
func (d *DB) ensureMatterIndexes(ctx context.Context) error {
	for _, name := range []string{colMatterSteps, colMatterMarks} {
		if _, err := d.col(name).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "matter", Value: 1}}}); err != nil {
			return fmt.Errorf("index för %s: %w", name, translate(err))
		}
	}
	return nil
}

// Matters stores the contact person's matters (ärenden). A matter's _id is
// its ref (2026-001), claimed by insert: of two matters raised at once one
// gets the number and the other the next. A step claims the matter's next
// step number by insert (_id "2026-001/s3") with the matter as it is after
// the step, then replaces the matter with that copy: of two officials
// answering at once one claim lands and the other is survey.ErrConflict,
// and a crash between the two writes is rolled forward on the next read.
// (A conditional UpdateOne on _id and status is not enough on FerretDB:
// two such updates were seen to both match.) Steps are only appended. The
// reminders queued and the agenda items owed are marks claimed by _id in
// their own collection. The collections are small (tens to hundreds of
// matters a year): lists and the escalation job read them whole.
type Matters struct{ col, steps, marks *mongo.Collection }

// NewMatters returns the matter store of db.
func NewMatters(db *DB) *Matters {
	return &Matters{col: db.col(colMatters), steps: db.col(colMatterSteps), marks: db.col(colMatterMarks)}
}

type matterSourceDoc struct {
	Kind string `bson:"kind"`
	ID   string `bson:"id"`
}

type matterStepDoc struct {
	At          time.Time `bson:"at"`
	By          string    `bson:"by"`
	Move        string    `bson:"move"`
	From        string    `bson:"from,omitempty"`
	To          string    `bson:"to"`
	Text        string    `bson:"text,omitempty"`
	Department  string    `bson:"department,omitempty"`
	FeedbackDue string    `bson:"feedback_due"`
}

type matterDoc struct {
	ID          string           `bson:"_id"`
	Year        int              `bson:"year"`
	N           int              `bson:"n"`
	Village     string           `bson:"village"`
	Title       string           `bson:"title"`
	Description string           `bson:"description"`
	FocusArea   string           `bson:"focus_area,omitempty"`
	Department  string           `bson:"department,omitempty"`
	Source      *matterSourceDoc `bson:"source,omitempty"`
	Status      string           `bson:"status"`
	RaisedOn    string           `bson:"raised_on"`
	FeedbackDue string           `bson:"feedback_due"`
	RaisedBy    string           `bson:"raised_by"`
	Round       int              `bson:"round"`
	Steps       []matterStepDoc  `bson:"steps"`
	// Rev is the number of steps: the next step is made on it.
	Rev     int       `bson:"rev"`
	Created time.Time `bson:"created"`
}

// matterClaimDoc claims step N of a matter, with the matter after it.
type matterClaimDoc struct {
	ID     string    `bson:"_id"`
	Matter string    `bson:"matter"`
	N      int       `bson:"n"`
	After  matterDoc `bson:"after"`
}

// Kinds of marks on a matter.
const (
	markReminded   = "reminded"    // a level's reminders of a round are queued
	markAgendaOwed = "agenda_owed" // level 2 owes the next forum meeting an item
)

// matterMarkDoc is a mark: reminders of a level queued in a round, or an
// agenda item owed (Done once it is added).
type matterMarkDoc struct {
	ID     string    `bson:"_id"`
	Matter string    `bson:"matter"`
	Kind   string    `bson:"kind"`
	Round  int       `bson:"round"`
	Level  int       `bson:"level"`
	Done   bool      `bson:"done"`
	At     time.Time `bson:"at"`
}

func toStepDoc(s survey.MatterStep) matterStepDoc {
	return matterStepDoc{At: s.At, By: s.By, Move: s.Move, From: s.From, To: s.To, Text: s.Text,
		Department: s.Department, FeedbackDue: s.FeedbackDue.String()}
}

func (d matterDoc) matter() *survey.Matter {
	raised, _ := survey.ParseDate(d.RaisedOn)
	due, _ := survey.ParseDate(d.FeedbackDue)
	m := &survey.Matter{ID: d.ID, Ref: d.ID, Village: d.Village, Title: d.Title, Description: d.Description,
		FocusArea: d.FocusArea, Department: d.Department, Status: d.Status, RaisedOn: raised, FeedbackDue: due,
		RaisedBy: d.RaisedBy, Round: d.Round, Steps: make([]survey.MatterStep, len(d.Steps)), Reminders: []survey.MatterReminder{}, Created: d.Created}
	if d.Source != nil {
		m.Source = &survey.MatterSource{Kind: d.Source.Kind, ID: d.Source.ID}
	}
	for i, s := range d.Steps {
		fd, _ := survey.ParseDate(s.FeedbackDue)
		m.Steps[i] = survey.MatterStep{At: s.At, By: s.By, Move: s.Move, From: s.From, To: s.To, Text: s.Text,
			Department: s.Department, FeedbackDue: fd}
	}
	return m
}

func toMatterDoc(m *survey.Matter, year, n, rev int) matterDoc {
	d := matterDoc{ID: m.ID, Year: year, N: n, Village: m.Village, Title: m.Title, Description: m.Description, FocusArea: m.FocusArea,
		Department: m.Department, Status: m.Status, RaisedOn: m.RaisedOn.String(), FeedbackDue: m.FeedbackDue.String(),
		RaisedBy: m.RaisedBy, Round: m.Round, Steps: make([]matterStepDoc, len(m.Steps)), Rev: rev, Created: m.Created}
	if m.Source != nil {
		d.Source = &matterSourceDoc{Kind: m.Source.Kind, ID: m.Source.ID}
	}
	for i, st := range m.Steps {
		d.Steps[i] = toStepDoc(st)
	}
	return d
}

// maxRefTries bounds the claims of one raise: each lost claim means another
// matter took that number just now.
const maxRefTries = 50

// Create stores a new matter with the next free ref of the year it is
// registered in (Stockholm), setting m.ID and m.Ref.
func (s *Matters) Create(ctx context.Context, m *survey.Matter) error {
	year := survey.DateOf(m.Created).Year
	n, err := s.lastNumber(ctx, year)
	if err != nil {
		return err
	}
	d := toMatterDoc(m, year, 0, len(m.Steps))
	for try := 0; try < maxRefTries; try++ {
		n++
		d.N, d.ID = n, survey.MatterRef(year, n)
		_, err := s.col.InsertOne(ctx, d)
		if mongo.IsDuplicateKeyError(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("spara ärende: %w", translate(err))
		}
		m.ID, m.Ref = d.ID, d.ID
		return nil
	}
	return fmt.Errorf("inget ledigt ärendenummer efter %d försök: %w", maxRefTries, survey.ErrUnavailable)
}

// lastNumber is the highest number given in the year (0 before the first).
func (s *Matters) lastNumber(ctx context.Context, year int) (int, error) {
	var docs []struct {
		N int `bson:"n"`
	}
	if err := findAll(ctx, s.col, bson.M{"year": year}, nil, &docs); err != nil {
		return 0, fmt.Errorf("ärendenummer: %w", err)
	}
	n := 0
	for _, d := range docs {
		n = max(n, d.N)
	}
	return n, nil
}

// Get returns a matter with its steps and its revision (the number of
// steps, which the next step is taken on); the id is its ref.
func (s *Matters) Get(ctx context.Context, id string) (*survey.Matter, int, error) {
	var d matterDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, 0, fmt.Errorf("ärende %q: %w", id, translate(err))
	}
	var claims []matterClaimDoc
	if err := findAll(ctx, s.steps, bson.M{"matter": id}, nil, &claims); err != nil {
		return nil, 0, fmt.Errorf("ärende %q: %w", id, err)
	}
	var marks []matterMarkDoc
	if err := findAll(ctx, s.marks, bson.M{"matter": id}, nil, &marks); err != nil {
		return nil, 0, fmt.Errorf("ärende %q: %w", id, err)
	}
	d, err := s.rollForward(ctx, d, claims)
	if err != nil {
		return nil, 0, err
	}
	m := d.matter()
	withMarks(m, marks)
	return m, d.Rev, nil
}

// rollForward replaces a matter whose newest claimed step did not reach it
// (a crash between the two writes) with that step's copy.
func (s *Matters) rollForward(ctx context.Context, d matterDoc, claims []matterClaimDoc) (matterDoc, error) {
	newest := d
	for _, c := range claims {
		if c.N > newest.Rev {
			newest = c.After
		}
	}
	if newest.Rev == d.Rev {
		return d, nil
	}
	if _, err := s.col.ReplaceOne(ctx, bson.M{"_id": d.ID}, newest); err != nil {
		return d, fmt.Errorf("ärende %q: %w", d.ID, translate(err))
	}
	return newest, nil
}

func withMarks(m *survey.Matter, marks []matterMarkDoc) {
	for _, k := range marks {
		switch k.Kind {
		case markReminded:
			m.Reminders = append(m.Reminders, survey.MatterReminder{Round: k.Round, Level: k.Level})
		case markAgendaOwed:
			if !k.Done {
				m.AgendaOwed = true
				m.OwedRounds = append(m.OwedRounds, k.Round)
			}
		}
	}
	sort.Slice(m.Reminders, func(i, j int) bool {
		a, b := m.Reminders[i], m.Reminders[j]
		return a.Round < b.Round || a.Round == b.Round && a.Level < b.Level
	})
}

// MatterFilter narrows List; empty fields match every matter.
type MatterFilter struct {
	Village, Status, Department string
}

// List returns the matters, the newest ref first. It reads the matters, the
// step claims and the marks once each (small collections) and filters here,
// after any roll-forward.
func (s *Matters) List(ctx context.Context, f MatterFilter) ([]survey.Matter, error) {
	docs := make([]matterDoc, 0)
	if err := findAll(ctx, s.col, bson.M{}, nil, &docs); err != nil {
		return nil, fmt.Errorf("lista ärenden: %w", err)
	}
	var claims []matterClaimDoc
	if err := findAll(ctx, s.steps, bson.M{}, nil, &claims); err != nil {
		return nil, fmt.Errorf("lista ärenden: %w", err)
	}
	var marks []matterMarkDoc
	if err := findAll(ctx, s.marks, bson.M{}, nil, &marks); err != nil {
		return nil, fmt.Errorf("lista ärenden: %w", err)
	}
	claimsOf, marksOf := map[string][]matterClaimDoc{}, map[string][]matterMarkDoc{}
	for _, c := range claims {
		claimsOf[c.Matter] = append(claimsOf[c.Matter], c)
	}
	for _, k := range marks {
		marksOf[k.Matter] = append(marksOf[k.Matter], k)
	}
	sort.Slice(docs, func(i, j int) bool {
		if docs[i].Year != docs[j].Year {
			return docs[i].Year > docs[j].Year
		}
		return docs[i].N > docs[j].N
	})
	out := make([]survey.Matter, 0, len(docs))
	for _, d := range docs {
		d, err := s.rollForward(ctx, d, claimsOf[d.ID])
		if err != nil {
			return nil, err
		}
		if f.Village != "" && d.Village != f.Village || f.Status != "" && d.Status != f.Status || f.Department != "" && d.Department != f.Department {
			continue
		}
		m := d.matter()
		withMarks(m, marksOf[d.ID])
		out = append(out, *m)
	}
	return out, nil
}

func stepKey(matter string, n int) string { return matter + "/s" + strconv.Itoa(n) }

// Step stores a step taken on the matter as read at revision rev (the
// count Get returned); m is the matter after the step. Of two steps taken
// on one revision one lands, the other is survey.ErrConflict.
func (s *Matters) Step(ctx context.Context, m *survey.Matter, rev int, st survey.MatterStep) error {
	var cur matterDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": m.ID}).Decode(&cur); err != nil {
		return fmt.Errorf("ärende %q: %w", m.ID, translate(err))
	}
	after := toMatterDoc(m, cur.Year, cur.N, rev+1)
	if len(after.Steps) != rev+1 || after.Steps[rev].Move != st.Move {
		return fmt.Errorf("ärende %q: steget är inte det sista av %d: %w", m.ID, rev+1, survey.ErrConflict)
	}
	c := matterClaimDoc{ID: stepKey(m.ID, rev+1), Matter: m.ID, N: rev + 1, After: after}
	if _, err := s.steps.InsertOne(ctx, c); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("ärendet ändrades samtidigt av någon annan: %w", survey.ErrConflict)
		}
		return fmt.Errorf("spara ärendets steg: %w", translate(err))
	}
	if _, err := s.col.ReplaceOne(ctx, bson.M{"_id": m.ID}, after); err != nil {
		return fmt.Errorf("spara ärende: %w", translate(err))
	}
	return nil
}

func markKey(matter, kind string, round, level int) string {
	return matter + "/r" + strconv.Itoa(round) + "/" + kind + "/" + strconv.Itoa(level)
}

// Reminded records that the reminders of a level in a round are queued,
// once: it reports whether this call made the record (false: it was there).
func (s *Matters) Reminded(ctx context.Context, id string, round, level int, at time.Time) (bool, error) {
	d := matterMarkDoc{ID: markKey(id, markReminded, round, level), Matter: id, Kind: markReminded, Round: round, Level: level, At: at.UTC()}
	_, err := s.marks.InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("ärendets påminnelse: %w", translate(err))
	}
	return true, nil
}

// OweAgenda records that the matter's level 2 in its round owes the next
// forum meeting an agenda item, once: it reports whether this call made the
// record.
func (s *Matters) OweAgenda(ctx context.Context, id string, round int, at time.Time) (bool, error) {
	d := matterMarkDoc{ID: markKey(id, markAgendaOwed, round, 2), Matter: id, Kind: markAgendaOwed, Round: round, Level: 2, At: at.UTC()}
	_, err := s.marks.InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("ärendets dagordningspunkt: %w", translate(err))
	}
	return true, nil
}

// AgendaAdded records that the item the matter owed in the round is on a
// meeting's agenda; it reports whether this call made the record.
func (s *Matters) AgendaAdded(ctx context.Context, id string, round int) (bool, error) {
	res, err := s.marks.UpdateOne(ctx, bson.M{"_id": markKey(id, markAgendaOwed, round, 2), "done": false}, bson.M{"$set": bson.M{"done": true}})
	if err != nil {
		return false, translate(err)
	}
	return res.ModifiedCount > 0, nil
}

// QueueOnce stores a message under the id it has: a message whose id is
// already in the outbox is not stored again, and the answer is false — some
// instance (this one in an earlier run, or another) already queued it. It
// is how a reminder is queued exactly once without a lock.
func (s *Outbox) QueueOnce(ctx context.Context, m survey.OutboxMessage) (bool, error) {
	if m.ID == "" || strings.TrimSpace(m.ID) != m.ID {
		return false, errors.New("utkorgen: ett meddelande som ska läggas i en gång behöver sitt id")
	}
	_, err := s.col.InsertOne(ctx, messageDoc(m))
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lägga i utkorgen: %w", translate(err))
	}
	return true, nil
}
