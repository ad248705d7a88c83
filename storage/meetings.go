package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collections of forum meetings.
const (
	colMeetings         = "meetings"
	colMeetingItems     = "meeting_items"
	colMeetingSlots     = "meeting_slots"
	colMeetingDecisions = "meeting_decisions"
	colMeetingKeys      = "meeting_keys"
	colMeetingSteps     = "meeting_steps"
	// colMinutesLog holds one document per change of a held meeting's
	// minutes — an item's text, a decision, the approval — its _id
	// "<meeting>/m<n>".
	colMinutesLog = "meeting_minutes_log"
)

// ensureMeetingIndexes creates the indexes of meetings and their agendas
// (used on MongoDB; FerretDB reads these small collections whole anyway).
func (d *DB) ensureMeetingIndexes(ctx context.Context) error {
	idx := map[string]mongo.IndexModel{
		colMeetings:         {Keys: bson.D{{Key: "starts", Value: 1}}},
		colMeetingItems:     {Keys: bson.D{{Key: "meeting", Value: 1}}},
		colMeetingSlots:     {Keys: bson.D{{Key: "meeting", Value: 1}, {Key: "n", Value: 1}}},
		colMeetingDecisions: {Keys: bson.D{{Key: "meeting", Value: 1}}},
	}
	for name, m := range idx {
		if _, err := d.col(name).Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("index för %s: %w", name, translate(err))
		}
	}
	return nil
}

// Meetings stores forum meetings, their agenda items, minutes and
// decisions. A meeting changes status only by a conditional update on its
// _id and status, so of two steps taken at once one lands and the other is
// survey.ErrConflict. An agenda item's place is claimed as a unique _id
// (meeting/pN), so two items added at once never share a place; an item
// added under a key (AddToNextForum) is claimed by the key as _id, so the
// same key adds one item however often, and from however many instances,
// it is called.
//
// The minutes of a held meeting change through one sequence of claims,
// "<meeting>/m<n>" in meeting_minutes_log: writing an item's minutes,
// recording a decision and approving the minutes each claim the next
// number after the one read. Of an edit and an approval made at once one
// wins and the other is ErrMinutesChanged, so an edit is never lost after
// an approval and an approval never covers minutes other than those read.
// The meeting keeps the number of its newest change (minutes_revision); a
// read rolls forward a claim not yet copied (a stop in between).
type Meetings struct {
	meetings, items, slots, decisions, keys, steps, minutes *mongo.Collection
}

// NewMeetings returns the meeting store of db.
func NewMeetings(db *DB) *Meetings {
	return &Meetings{meetings: db.col(colMeetings), items: db.col(colMeetingItems), slots: db.col(colMeetingSlots),
		decisions: db.col(colMeetingDecisions), keys: db.col(colMeetingKeys), steps: db.col(colMeetingSteps),
		minutes: db.col(colMinutesLog)}
}

type meetingDoc struct {
	ID          string     `bson:"_id"`
	Kind        string     `bson:"kind"`
	Title       string     `bson:"title"`
	Starts      time.Time  `bson:"starts"`
	Ends        time.Time  `bson:"ends"`
	Place       string     `bson:"place"`
	Themes      []string   `bson:"themes"`
	Villages    []string   `bson:"villages"`
	Departments []string   `bson:"departments"`
	Guests      []string   `bson:"guests"`
	Status      string     `bson:"status"`
	Present     []string   `bson:"present"`
	InvitedAt   *time.Time `bson:"invited_at,omitempty"`
	HeldAt      *time.Time `bson:"held_at,omitempty"`
	ApprovedAt  *time.Time `bson:"approved_at,omitempty"`
	CreatedBy   string     `bson:"created_by"`
	Created     time.Time  `bson:"created"`
	// MinutesRevision counts the changes of the minutes (0 before the first,
	// and for meetings stored before it was kept).
	MinutesRevision int `bson:"minutes_revision"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (d meetingDoc) meeting() *survey.Meeting {
	m := survey.Meeting(d)
	m.Starts, m.Ends, m.Created = d.Starts.UTC(), d.Ends.UTC(), d.Created.UTC()
	m.Themes, m.Villages, m.Departments = nonNil(m.Themes), nonNil(m.Villages), nonNil(m.Departments)
	m.Guests, m.Present = nonNil(m.Guests), nonNil(m.Present)
	return &m
}

// CreateMeeting stores a new meeting and gives it an id.
func (s *Meetings) CreateMeeting(ctx context.Context, m *survey.Meeting) error {
	m.ID = NewID()
	if _, err := s.meetings.InsertOne(ctx, meetingDoc(*m)); err != nil {
		return fmt.Errorf("spara möte: %w", translate(err))
	}
	return nil
}

// Meeting returns one meeting, with a step claimed but not yet written
// (a stop in between) rolled forward.
func (s *Meetings) Meeting(ctx context.Context, id string) (*survey.Meeting, error) {
	var d meetingDoc
	if err := s.meetings.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, fmt.Errorf("möte %q: %w", id, translate(err))
	}
	for next := survey.NextMeetingStatus(d.Status); next != ""; next = survey.NextMeetingStatus(d.Status) {
		var st stepDoc
		err := s.steps.FindOne(ctx, bson.M{"_id": meetingStepKey(id, next)}).Decode(&st)
		if errors.Is(err, mongo.ErrNoDocuments) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("möte %q: %w", id, translate(err))
		}
		if _, err := s.meetings.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": st.Set}); err != nil {
			return nil, fmt.Errorf("möte %q: %w", id, translate(err))
		}
		if err := s.meetings.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
			return nil, fmt.Errorf("möte %q: %w", id, translate(err))
		}
	}
	if err := s.rollMinutesForward(ctx, &d); err != nil {
		return nil, err
	}
	return d.meeting(), nil
}

// ErrMinutesChanged is a change of a meeting's minutes made on an older
// revision than the stored one: someone else wrote in the minutes, or
// approved them, in between. It wraps survey.ErrConflict.
var ErrMinutesChanged = fmt.Errorf("protokollet har ändrats av någon annan medan du skrev: %w", survey.ErrConflict)

// Kinds of change in the minutes log.
const (
	minutesText     = "minutes"
	minutesDecision = "decision"
	minutesApproval = "approve"
)

// minutesClaimDoc is one change of a meeting's minutes, claimed by its _id.
type minutesClaimDoc struct {
	ID       string     `bson:"_id"`
	Meeting  string     `bson:"meeting"`
	N        int        `bson:"n"`
	Kind     string     `bson:"kind"`
	Item     string     `bson:"item,omitempty"`
	Text     string     `bson:"text,omitempty"`
	Decision string     `bson:"decision,omitempty"`
	Approved *time.Time `bson:"approved_at,omitempty"`
	At       time.Time  `bson:"at"`
}

func minutesKey(meeting string, n int) string { return meeting + "/m" + strconv.Itoa(n) }

// claimMinutes claims change c.N of the minutes: a duplicate key means
// another change took that number first.
func (s *Meetings) claimMinutes(ctx context.Context, c minutesClaimDoc) error {
	c.ID, c.At = minutesKey(c.Meeting, c.N), time.Now().UTC()
	if _, err := s.minutes.InsertOne(ctx, c); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("möte %q ändring %d: %w", c.Meeting, c.N, ErrMinutesChanged)
		}
		return fmt.Errorf("protokoll: %w", translate(err))
	}
	return nil
}

// applyMinutes copies a claimed change to the item or meeting it changes
// and moves the meeting's minutes_revision on. Applying one twice is
// harmless: each write sets what the claim says.
func (s *Meetings) applyMinutes(ctx context.Context, c minutesClaimDoc) error {
	switch c.Kind {
	case minutesText:
		if _, err := s.items.UpdateOne(ctx, bson.M{"_id": c.Item, "meeting": c.Meeting}, bson.M{"$set": bson.M{"minutes": c.Text}}); err != nil {
			return fmt.Errorf("spara protokoll: %w", translate(err))
		}
	case minutesApproval:
		upd := bson.M{"status": survey.MeetingMinutesApproved, "approved_at": c.Approved}
		_, err := s.steps.InsertOne(ctx, stepDoc{ID: meetingStepKey(c.Meeting, survey.MeetingMinutesApproved), Meeting: c.Meeting,
			From: survey.MeetingHeld, To: survey.MeetingMinutesApproved, Set: upd, At: c.At})
		if err != nil && !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("möte %q: %w", c.Meeting, translate(err))
		}
		if _, err := s.meetings.UpdateOne(ctx, bson.M{"_id": c.Meeting}, bson.M{"$set": upd}); err != nil {
			return fmt.Errorf("möte %q: %w", c.Meeting, translate(err))
		}
	}
	// A decision is its own document, stored by the caller after the claim.
	_, err := s.meetings.UpdateOne(ctx, bson.M{"_id": c.Meeting, "$or": bson.A{
		bson.M{"minutes_revision": bson.M{"$lt": c.N}}, bson.M{"minutes_revision": bson.M{"$exists": false}},
	}}, bson.M{"$set": bson.M{"minutes_revision": c.N}})
	if err != nil {
		return fmt.Errorf("möte %q: %w", c.Meeting, translate(err))
	}
	return nil
}

// rollMinutesForward applies the claimed changes newer than d's revision,
// one _id lookup each, and leaves d as the meeting now is.
func (s *Meetings) rollMinutesForward(ctx context.Context, d *meetingDoc) error {
	for {
		var c minutesClaimDoc
		err := s.minutes.FindOne(ctx, bson.M{"_id": minutesKey(d.ID, d.MinutesRevision+1)}).Decode(&c)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("möte %q: %w", d.ID, translate(err))
		}
		if err := s.applyMinutes(ctx, c); err != nil {
			return err
		}
		d.MinutesRevision = c.N
		if c.Kind == minutesApproval {
			d.Status, d.ApprovedAt = survey.MeetingMinutesApproved, c.Approved
		}
	}
}

// change claims the change after revision rev and applies it: only while
// the meeting is held, and only on the revision it is at.
func (s *Meetings) change(ctx context.Context, rev int, c minutesClaimDoc) error {
	m, err := s.Meeting(ctx, c.Meeting)
	if err != nil {
		return err
	}
	if err := m.MayWriteMinutes(); err != nil {
		return err
	}
	if m.MinutesRevision != rev {
		return fmt.Errorf("möte %q revision %d, sparad %d: %w", c.Meeting, rev, m.MinutesRevision, ErrMinutesChanged)
	}
	c.N = rev + 1
	if err := s.claimMinutes(ctx, c); err != nil {
		return err
	}
	return s.applyMinutes(ctx, c)
}

// ListMeetings lists every meeting by start (a small collection: a few a
// year).
func (s *Meetings) ListMeetings(ctx context.Context) ([]*survey.Meeting, error) {
	docs := []meetingDoc{}
	if err := findAll(ctx, s.meetings, bson.M{}, options.Find().SetSort(bson.D{{Key: "starts", Value: 1}, {Key: "_id", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("lista möten: %w", err)
	}
	out := make([]*survey.Meeting, len(docs))
	for i, d := range docs {
		out[i] = d.meeting()
	}
	return out, nil
}

// stepDoc claims a meeting's move to a status: its _id (meeting/status) is
// unique, so of two steps taken at once one lands. It keeps the fields the
// step sets, so that a claim whose update did not follow (a stop in between)
// is rolled forward on the next read.
type stepDoc struct {
	ID      string    `bson:"_id"`
	Meeting string    `bson:"meeting"`
	From    string    `bson:"from"`
	To      string    `bson:"to"`
	Set     bson.M    `bson:"set"`
	At      time.Time `bson:"at"`
}

func meetingStepKey(meeting, to string) string { return meeting + "/" + to }

// StepMeeting moves a meeting from status from to to, setting the fields
// given too. The move is claimed by a unique _id first: of two steps taken
// at once one lands and the other is survey.ErrConflict, and so is a step
// from a status the meeting has left. (A conditional update on _id and
// status alone lets several writers in on FerretDB.)
func (s *Meetings) StepMeeting(ctx context.Context, id, from, to string, set map[string]any) error {
	m, err := s.Meeting(ctx, id)
	if err != nil {
		return err
	}
	if m.Status != from {
		return fmt.Errorf("mötet är %s, inte %s: %w", m.Status, from, survey.ErrConflict)
	}
	upd := bson.M{"status": to}
	for k, v := range set {
		upd[k] = v
	}
	if _, err := s.steps.InsertOne(ctx, stepDoc{ID: meetingStepKey(id, to), Meeting: id, From: from, To: to, Set: upd, At: time.Now().UTC()}); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("mötet ändrades samtidigt av någon annan: %w", survey.ErrConflict)
		}
		return fmt.Errorf("möte %q: %w", id, translate(err))
	}
	if _, err := s.meetings.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": upd}); err != nil {
		return fmt.Errorf("möte %q: %w", id, translate(err))
	}
	return nil
}

type linkDoc struct {
	Kind string `bson:"kind"`
	ID   string `bson:"id"`
}

type itemDoc struct {
	ID      string    `bson:"_id"`
	Meeting string    `bson:"meeting"`
	Title   string    `bson:"title"`
	Link    *linkDoc  `bson:"link,omitempty"`
	Minutes string    `bson:"minutes"`
	Key     string    `bson:"key,omitempty"`
	AddedBy string    `bson:"added_by"`
	Added   time.Time `bson:"added"`
}

// slotDoc is an item's place on the agenda, claimed by its unique _id.
type slotDoc struct {
	ID      string `bson:"_id"`
	Meeting string `bson:"meeting"`
	N       int    `bson:"n"`
	Item    string `bson:"item"`
}

func slotKey(meeting string, n int) string { return meeting + "/p" + strconv.Itoa(n) }

func toItemDoc(it *survey.AgendaItem, key string) itemDoc {
	d := itemDoc{ID: it.ID, Meeting: it.Meeting, Title: it.Title, Minutes: it.Minutes, Key: key, AddedBy: it.AddedBy, Added: it.Added}
	if it.Link != nil {
		d.Link = &linkDoc{Kind: it.Link.Kind, ID: it.Link.ID}
	}
	return d
}

func (d itemDoc) item() survey.AgendaItem {
	it := survey.AgendaItem{ID: d.ID, Meeting: d.Meeting, Title: d.Title, Minutes: d.Minutes, Decisions: []survey.MeetingDecision{},
		AddedBy: d.AddedBy, Added: d.Added.UTC()}
	if d.Link != nil {
		it.Link = &survey.Link{Kind: d.Link.Kind, ID: d.Link.ID}
	}
	return it
}

// AddItem adds an item at the end of a meeting's agenda and gives it an id
// and its position.
func (s *Meetings) AddItem(ctx context.Context, meeting string, it *survey.AgendaItem) error {
	it.ID, it.Meeting = NewID(), meeting
	if _, err := s.items.InsertOne(ctx, toItemDoc(it, "")); err != nil {
		return fmt.Errorf("spara punkt: %w", translate(err))
	}
	n, err := s.place(ctx, meeting, it.ID)
	it.Position = n
	return err
}

// place claims the next free place on the agenda for an item: the place
// after the last claimed one, as a unique _id; a place taken in between by
// another writer makes it try the next.
func (s *Meetings) place(ctx context.Context, meeting, item string) (int, error) {
	slots, err := s.slotsOf(ctx, meeting)
	if err != nil {
		return 0, err
	}
	n := 1
	for _, sl := range slots {
		if sl.Item == item {
			return sl.N, nil
		}
		if sl.N >= n {
			n = sl.N + 1
		}
	}
	for tries := 0; tries < 1000; tries, n = tries+1, n+1 {
		_, err := s.slots.InsertOne(ctx, slotDoc{ID: slotKey(meeting, n), Meeting: meeting, N: n, Item: item})
		if err == nil {
			return n, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return 0, fmt.Errorf("plats på dagordningen: %w", translate(err))
		}
	}
	return 0, fmt.Errorf("ingen plats på dagordningen: %w", survey.ErrConflict)
}

func (s *Meetings) slotsOf(ctx context.Context, meeting string) ([]slotDoc, error) {
	slots := []slotDoc{}
	if err := findAll(ctx, s.slots, bson.M{"meeting": meeting}, options.Find().SetSort(bson.D{{Key: "n", Value: 1}}), &slots); err != nil {
		return nil, fmt.Errorf("dagordning: %w", err)
	}
	return slots, nil
}

// Agenda returns a meeting's items in order, each with its decisions. An
// item that has no place yet (a writer stopped between the two writes) is
// given one now.
func (s *Meetings) Agenda(ctx context.Context, meeting string) ([]survey.AgendaItem, error) {
	docs := []itemDoc{}
	if err := findAll(ctx, s.items, bson.M{"meeting": meeting}, options.Find().SetSort(bson.D{{Key: "added", Value: 1}, {Key: "_id", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("dagordning: %w", err)
	}
	slots, err := s.slotsOf(ctx, meeting)
	if err != nil {
		return nil, err
	}
	pos := map[string]int{}
	for _, sl := range slots {
		if _, ok := pos[sl.Item]; !ok {
			pos[sl.Item] = sl.N
		}
	}
	decisions, err := s.decisionsOf(ctx, bson.M{"meeting": meeting})
	if err != nil {
		return nil, err
	}
	out := make([]survey.AgendaItem, 0, len(docs))
	for _, d := range docs {
		it := d.item()
		n, ok := pos[it.ID]
		if !ok {
			if n, err = s.place(ctx, meeting, it.ID); err != nil {
				return nil, err
			}
		}
		it.Position = n
		for _, dec := range decisions {
			if dec.item == it.ID {
				it.Decisions = append(it.Decisions, dec.MeetingDecision)
			}
		}
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Position < out[j].Position })
	for i := range out {
		out[i].Position = i + 1
	}
	return out, nil
}

// ItemByID returns an agenda item by its id alone (without its decisions),
// e.g. the item a grant names.
func (s *Meetings) ItemByID(ctx context.Context, id string) (*survey.AgendaItem, error) {
	var d itemDoc
	if err := s.items.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, fmt.Errorf("punkt %q: %w", id, translate(err))
	}
	it := d.item()
	return &it, nil
}

// ItemsLinking returns the agenda items of every meeting that link l (e.g.
// the items that put a service plan on an agenda), oldest first, without
// their decisions. The filter scans the items; they are few.
func (s *Meetings) ItemsLinking(ctx context.Context, l survey.Link) ([]survey.AgendaItem, error) {
	docs := []itemDoc{}
	if err := findAll(ctx, s.items, bson.M{"link.kind": l.Kind, "link.id": l.ID}, options.Find().SetSort(bson.D{{Key: "added", Value: 1}, {Key: "_id", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("punkter om %s %q: %w", l.Kind, l.ID, err)
	}
	out := make([]survey.AgendaItem, len(docs))
	for i, d := range docs {
		out[i] = d.item()
	}
	return out, nil
}

// Linked returns the ids of the records of a kind (e.g. applications) that
// some agenda item links, in one read. The filter scans the items; they are
// few (a forum's meetings).
func (s *Meetings) Linked(ctx context.Context, kind string) (map[string]bool, error) {
	docs := []itemDoc{}
	if err := findAll(ctx, s.items, bson.M{"link.kind": kind}, options.Find().SetProjection(bson.M{"link": 1}), &docs); err != nil {
		return nil, fmt.Errorf("punkter om %s: %w", kind, err)
	}
	out := make(map[string]bool, len(docs))
	for _, d := range docs {
		if d.Link != nil {
			out[d.Link.ID] = true
		}
	}
	return out, nil
}

// Item returns one item of a meeting, with its decisions.
func (s *Meetings) Item(ctx context.Context, meeting, id string) (*survey.AgendaItem, error) {
	items, err := s.Agenda(ctx, meeting)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if items[i].ID == id {
			return &items[i], nil
		}
	}
	return nil, fmt.Errorf("punkt %q: %w", id, survey.ErrNotFound)
}

// SetMinutes writes an item's minutes as the change after revision rev of
// the meeting's minutes (the one the writer read): ErrMinutesChanged when
// someone else changed or approved them since.
func (s *Meetings) SetMinutes(ctx context.Context, meeting, item, text string, rev int) error {
	if _, err := s.Item(ctx, meeting, item); err != nil {
		return err
	}
	return s.change(ctx, rev, minutesClaimDoc{Meeting: meeting, Kind: minutesText, Item: item, Text: text})
}

// ClaimDecision claims the change after revision rev of the meeting's
// minutes for a decision about to be stored under item (with AddDecision):
// ErrMinutesChanged when someone else changed or approved them since.
func (s *Meetings) ClaimDecision(ctx context.Context, meeting, item, decision string, rev int) error {
	return s.change(ctx, rev, minutesClaimDoc{Meeting: meeting, Kind: minutesDecision, Item: item, Decision: decision})
}

// ApproveMinutes approves a held meeting's minutes as they were at revision
// rev: of an approval and an edit made at once one lands, so the approved
// minutes are exactly those read. ErrMinutesChanged when they changed since.
func (s *Meetings) ApproveMinutes(ctx context.Context, meeting string, rev int, at time.Time) error {
	at = at.UTC()
	return s.change(ctx, rev, minutesClaimDoc{Meeting: meeting, Kind: minutesApproval, Approved: &at})
}

type createdDoc struct {
	Kind string `bson:"kind"`
	ID   string `bson:"id"`
}

type meetingDecisionDoc struct {
	ID      string      `bson:"_id"`
	Meeting string      `bson:"meeting"`
	Item    string      `bson:"item"`
	Text    string      `bson:"text"`
	Becomes string      `bson:"becomes,omitempty"`
	Created *createdDoc `bson:"created,omitempty"`
	By      string      `bson:"by"`
	At      time.Time   `bson:"at"`
}

type itemDecision struct {
	survey.MeetingDecision
	meeting, item string
}

func (d meetingDecisionDoc) decision() itemDecision {
	dec := survey.MeetingDecision{ID: d.ID, Text: d.Text, Becomes: d.Becomes, By: d.By, At: d.At.UTC()}
	if d.Created != nil {
		dec.Created = &survey.Ref{Kind: d.Created.Kind, ID: d.Created.ID}
	}
	return itemDecision{MeetingDecision: dec, meeting: d.Meeting, item: d.Item}
}

func (s *Meetings) decisionsOf(ctx context.Context, filter bson.M) ([]itemDecision, error) {
	docs := []meetingDecisionDoc{}
	if err := findAll(ctx, s.decisions, filter, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}), &docs); err != nil {
		return nil, fmt.Errorf("beslut: %w", err)
	}
	out := make([]itemDecision, len(docs))
	for i, d := range docs {
		out[i] = d.decision()
	}
	return out, nil
}

// AddDecision stores a decision under an item; d.ID must be set (the
// caller names it first, so that the action or matter it becomes can name
// it as its source).
func (s *Meetings) AddDecision(ctx context.Context, meeting, item string, d *survey.MeetingDecision) error {
	doc := meetingDecisionDoc{ID: d.ID, Meeting: meeting, Item: item, Text: d.Text, Becomes: d.Becomes, By: d.By, At: d.At}
	if d.Created != nil {
		doc.Created = &createdDoc{Kind: d.Created.Kind, ID: d.Created.ID}
	}
	if _, err := s.decisions.InsertOne(ctx, doc); err != nil {
		return fmt.Errorf("spara beslut: %w", translate(err))
	}
	return nil
}

// SetDecisionCreated records what a decision became (the matter raised
// after the decision was stored).
func (s *Meetings) SetDecisionCreated(ctx context.Context, id string, created survey.Ref) error {
	res, err := s.decisions.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"created": createdDoc{Kind: created.Kind, ID: created.ID}}})
	if err != nil {
		return fmt.Errorf("beslut %q: %w", id, translate(err))
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("beslut %q: %w", id, survey.ErrNotFound)
	}
	return nil
}

// DecisionRef is where a decision was taken.
type DecisionRef struct {
	Meeting, Item string
	Decision      survey.MeetingDecision
}

// Decision returns a decision by its id, with its meeting and item (for a
// matter or action that names it as its source).
func (s *Meetings) Decision(ctx context.Context, id string) (*DecisionRef, error) {
	var d meetingDecisionDoc
	if err := s.decisions.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, fmt.Errorf("beslut %q: %w", id, translate(err))
	}
	dec := d.decision()
	return &DecisionRef{Meeting: dec.meeting, Item: dec.item, Decision: dec.MeetingDecision}, nil
}

// Decisions lists every decision of every meeting, oldest first, each with
// its meeting and item (a small collection: for the timeline and the
// calendar).
func (s *Meetings) Decisions(ctx context.Context) ([]DecisionRef, error) {
	list, err := s.decisionsOf(ctx, bson.M{})
	if err != nil {
		return nil, err
	}
	out := make([]DecisionRef, len(list))
	for i, d := range list {
		out[i] = DecisionRef{Meeting: d.meeting, Item: d.item, Decision: d.MeetingDecision}
	}
	return out, nil
}

// keyDoc claims an idempotency key of AddToNextForum: the meeting and item
// the key was added as.
type keyDoc struct {
	ID      string `bson:"_id"`
	Meeting string `bson:"meeting"`
	Item    string `bson:"item"`
}

// keyedItemID is the id of the item a key adds to a meeting.
func keyedItemID(meeting, key string) string {
	h := sha256.Sum256([]byte(key))
	return meeting + "-k" + hex.EncodeToString(h[:8])
}

// AddToNextForum adds it to the agenda of the earliest forum meeting,
// planned or invited, that has not started at now, and returns the meeting
// and the item as stored. The same key adds one item, however often and from
// however many instances it is called: the key is claimed as a unique _id
// naming the meeting and item, and the item's _id is derived from both.
// A key added earlier returns that item (even when its meeting has started
// since). With no such meeting and no earlier item it is
// survey.ErrNotFound: call again later (e.g. on the next escalation run),
// the key still adds once.
func (s *Meetings) AddToNextForum(ctx context.Context, now time.Time, key string, it survey.AgendaItem) (*survey.Meeting, *survey.AgendaItem, error) {
	if key == "" {
		return nil, nil, errors.New("AddToNextForum: en nyckel behövs")
	}
	meetings, err := s.ListMeetings(ctx)
	if err != nil {
		return nil, nil, err
	}
	claim := keyDoc{ID: key}
	if next := survey.NextForum(meetings, now); next != nil {
		claim.Meeting, claim.Item = next.ID, keyedItemID(next.ID, key)
		_, err = s.keys.InsertOne(ctx, claim)
	} else {
		err = mongo.ErrNoDocuments // look for an earlier claim
	}
	if err != nil {
		if !mongo.IsDuplicateKeyError(err) && !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, nil, fmt.Errorf("nyckel %q: %w", key, translate(err))
		}
		if err := s.keys.FindOne(ctx, bson.M{"_id": key}).Decode(&claim); err != nil {
			if errors.Is(err, mongo.ErrNoDocuments) {
				return nil, nil, fmt.Errorf("inget kommande forummöte: %w", survey.ErrNotFound)
			}
			return nil, nil, fmt.Errorf("nyckel %q: %w", key, translate(err))
		}
	}
	// The claim names the item: write it (again, after a stop in between:
	// the duplicate is the item already there) and give it its place.
	it.ID, it.Meeting = claim.Item, claim.Meeting
	if it.Decisions == nil {
		it.Decisions = []survey.MeetingDecision{}
	}
	if _, err := s.items.InsertOne(ctx, toItemDoc(&it, key)); err != nil && !mongo.IsDuplicateKeyError(err) {
		return nil, nil, fmt.Errorf("spara punkt: %w", translate(err))
	}
	if _, err := s.place(ctx, claim.Meeting, claim.Item); err != nil {
		return nil, nil, err
	}
	m, err := s.Meeting(ctx, claim.Meeting)
	if err != nil {
		return nil, nil, err
	}
	stored, err := s.Item(ctx, claim.Meeting, claim.Item)
	if err != nil {
		return nil, nil, err
	}
	return m, stored, nil
}
