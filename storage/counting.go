package storage

// How responses are counted exactly once, fast, without transactions.
//
// FerretDB (SQLite) has no transactions, takes one writer at a time, scans a
// whole collection for every filter but one _id, and costs about 0.5 ms a
// command whatever it holds: updating a survey's wide tally for every batch
// cost more than the batch itself. So a batch only inserts, and makes one
// write on its callers' path:
//
//  0. its id, "<epoch>.<block>.<i>", comes from a lease (leases.go): a small
//     document "<epoch>.<block>" in "batch_leases", naming the surveys whose
//     collections the block's markers may be in, written before the first
//     of the block's 64 ids is used (a new one every 64 batches, every 2 s,
//     or when a batch has a survey the lease does not name). The epoch is
//     fresh for each instance and each start;
//  1. per survey, one ordered InsertMany into the survey's own collection:
//     the batch's marker first (_id "batch:<batch id>", the ids of the
//     batch's responses in that survey), then the responses, each carrying
//     the batch's id. An ordered insert applies a prefix, on FerretDB and on
//     MongoDB, so the marker is stored before any of its responses; nothing
//     relies on the whole insert being atomic. A response refused (a
//     duplicate id, a retry) stops the insert there: the rest is inserted
//     again after it. The callers are answered now: the marker makes sure
//     their responses get counted;
//  2. one delta per survey, _id = batch/survey, holding the counts of the
//     responses this batch stored (duplicates excluded), packed as one JSON
//     string. It is owed, in memory, where Tallies reads it at once, and
//     written off the callers' path with those of the next batches (one
//     insert for 8 batches), or when no batch follows within 5 ms;
//  3. once every batch of a lease is counted and no more ids are taken from
//     it, the lease is deleted. Its markers are inert from then on (no
//     recovery reads them, no fold waits for them, readers of a survey's
//     responses skip every "batch:" _id) and are deleted when the writer is
//     idle: FerretDB deletes one _id per command.
//
// The order per batch is the one that keeps the count exact: lease before
// marker, marker before responses, delta after them, lease deleted after the
// deltas of all its batches.
//
// A delta's _id makes it unique: a batch is counted at most once. A batch
// left unfinished by a crash or an outage is replayed by RecoverPending,
// without a query on a survey's responses: it reads the leases (a few
// documents), each lease's marker ids by _id in the surveys it names, and for
// a marker older than the recovery's bound whose survey has no delta it
// reads the marker's ids by _id, counts those whose batch field names the
// batch and inserts the same delta (a duplicate key means it was counted
// already, and a delta still owed by a live instance is then a duplicate
// when it comes). A lease past its time of use whose markers are all older
// than the bound (a dead instance's, or one whose batch failed) is retired
// by the recovering instance: its markers deleted, then the lease. A
// retry's duplicate id is read by _id to tell it from another request under
// the same key. So no answer is lost or counted twice, at any point of a
// crash.
//
// Fold (run every few seconds by the committer) adds the deltas of finished
// batches into the survey's tally document, naming them there as folded and
// bumping its version in the same atomic update, then deletes them; readers
// skip deltas named as folded and read again when the version moved under
// them. A delta is folded only when its batch's lease is gone (or, for a
// batch of an earlier version, its marker), so a replay always finds the
// delta of a counted batch.
//
// Markers written by earlier versions, in "tally_deltas" (with the "ids"
// field) and in "pending", are still replayed, and deleted once counted.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// pendingDoc marks a batch being written.
type pendingDoc struct {
	ID  string   `bson:"_id"`
	IDs []string `bson:"ids"`
	// Surveys are the surveys of the batch's responses, whose collections
	// and deltas a replay reads. A marker without them was written before
	// each survey had its own collection: its responses are in the legacy one.
	Surveys []string  `bson:"sv,omitempty"`
	Created time.Time `bson:"created"`
}

type questionTallyDoc struct {
	N        int            `bson:"n" json:"n"`
	Counts   map[string]int `bson:"c,omitempty" json:"c,omitempty"`
	RankSums map[string]int `bson:"r,omitempty" json:"r,omitempty"`
}

type villageTallyDoc struct {
	Responses int                         `bson:"responses" json:"responses"`
	Questions map[string]questionTallyDoc `bson:"q,omitempty" json:"q,omitempty"`
}

// tallyDoc is a survey's folded counts, keyed by village slug (a–z, 0–9 and
// "-": safe as field names); the deltas of the last fold, which readers skip
// until they are deleted; and a version that each fold increments.
type tallyDoc struct {
	ID       string                     `bson:"_id"`
	Survey   string                     `bson:"survey"`
	Villages map[string]villageTallyDoc `bson:"v"`
	Folded   []string                   `bson:"folded"`
	Version  int64                      `bson:"version"`
}

// deltaDoc is the counts one batch added to one survey.
type deltaDoc struct {
	ID      string    `bson:"_id"`
	Survey  string    `bson:"survey"`
	Created time.Time `bson:"created"`
	// Villages are the counts by village. They are written packed, as one
	// JSON string (Packed): FerretDB converts every field of a document on
	// insert, and the counts of a batch over ten villages are a few hundred
	// (an insert of 0.79 ms p50 nested, 0.57 ms packed, measured). Deltas
	// written nested by an earlier version are read as they are.
	Villages map[string]villageTallyDoc `bson:"v,omitempty"`
	Packed   string                     `bson:"vj,omitempty"`
}

// packed returns the delta as it is written, its villages in one string.
func (d *deltaDoc) packed() (deltaDoc, error) {
	b, err := json.Marshal(d.Villages)
	if err != nil {
		return deltaDoc{}, fmt.Errorf("räkna svar: %w", err)
	}
	return deltaDoc{ID: d.ID, Survey: d.Survey, Created: d.Created, Packed: string(b)}, nil
}

// unpack reads the villages of a delta written packed.
func (d *deltaDoc) unpack() error {
	if d.Packed == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(d.Packed), &d.Villages); err != nil {
		return fmt.Errorf("läsa räkningar %s: %w", d.ID, err)
	}
	d.Packed = ""
	return nil
}

// AddEach stores a batch of responses with one insert per survey (each
// survey keeps its responses in its own collection, the batch's marker
// first) and counts them with one small insert, exactly once each, and
// reports each submission's own outcome: a document the database refuses
// fails only its own submission. A response stored but not yet counted when
// an error strikes is counted by RecoverPending.
func (s *Responses) AddEach(ctx context.Context, subs []Submission) []AddResult {
	results, ok := s.addBatch(ctx, subs)
	if !ok {
		return results
	}
	if err := s.writeCounts(ctx); err != nil {
		// The responses are stored and the marker stays: RecoverPending
		// counts them if a later write does not.
		for i := range results {
			if results[i].Created {
				results[i] = AddResult{Err: err}
			}
		}
	}
	return results
}

// addEachOwing is AddEach for the committer: the batch's counts stay owed
// (see addBatch), and its callers are answered as soon as the responses are
// stored, since its marker already makes sure they are counted exactly once.
func (s *Responses) addEachOwing(ctx context.Context, subs []Submission) []AddResult {
	results, _ := s.addBatch(ctx, subs)
	return results
}

// addBatch stores a batch and leaves its counts owed, in memory (Tallies
// reads them there), for the next write of counts (writeCounts). Per
// survey it makes one ordered insert: the batch's marker, then the
// responses. ok is false when the batch failed as a whole.
func (s *Responses) addBatch(ctx context.Context, subs []Submission) (results []AddResult, ok bool) {
	results = make([]AddResult, len(subs))
	if len(subs) == 0 {
		return results, false
	}
	now := time.Now().UTC()
	groups := map[string][]int{} // survey → indexes into subs
	var order []string
	for i, sub := range subs {
		results[i].Created = true
		sv := sub.Response.Survey
		if groups[sv] == nil {
			order = append(order, sv)
		}
		groups[sv] = append(groups[sv], i)
	}
	batch, err := s.nextBatch(ctx, order, now)
	if err != nil {
		return failAll(results, err), false
	}
	for _, sv := range order {
		idx := groups[sv]
		marker := pendingDoc{ID: markerPrefix + batch, IDs: make([]string, len(idx)), Created: now}
		docs := make([]any, 1, len(idx)+1)
		for j, i := range idx {
			marker.IDs[j] = subs[i].Response.ID
			d, err := toResponseDoc(subs[i].Response, batch)
			if err != nil {
				return failAll(results, err), false
			}
			docs = append(docs, d)
		}
		docs[0] = marker
		if err := s.insertMarked(ctx, surveyResponses(s.db, sv), docs, idx, results); err != nil {
			// Some of the batch may be stored: the marker stays for RecoverPending.
			return failAll(results, err), false
		}
	}
	for i, sub := range subs {
		if !sub.SameRequest || results[i].Created || results[i].Err != nil {
			continue
		}
		// A response under the id was there: a retry, or another request
		// under a used key. Only a duplicate is read, by its _id.
		first, err := s.Get(ctx, sub.Response.Survey, sub.Response.ID)
		if err != nil {
			results[i].Err = err
			continue
		}
		if requestDigest(&first) != requestDigest(sub.Response) {
			results[i].Err = ErrKeyReused
		}
	}
	var stored []Submission
	for i, sub := range subs {
		if results[i].Created {
			stored = append(stored, sub)
		}
	}
	s.owe(pendingDoc{ID: batch, Created: now}, stored)
	return results, true
}

// insertMarked inserts docs, a marker and then the responses of subs at
// idx, in order: an ordered insert applies a prefix, so the marker is
// stored before any response of its batch. A response refused (a duplicate
// id above all) stops the insert there; the rest are inserted again, after
// it. The error is the marker's, or one that leaves the outcome unknown.
func (s *Responses) insertMarked(ctx context.Context, col *mongo.Collection, docs []any, idx []int, results []AddResult) error {
	for from := 0; from < len(docs); {
		_, err := col.InsertMany(ctx, docs[from:], options.InsertMany().SetOrdered(true))
		var bwe mongo.BulkWriteException
		switch {
		case err == nil:
			return nil
		case errors.As(err, &bwe) && bwe.WriteConcernError == nil && len(bwe.WriteErrors) > 0:
			we := bwe.WriteErrors[0]
			at := from + we.Index
			if we.Index < 0 || at >= len(docs) || at == 0 {
				return fmt.Errorf("spara svar: %w", translate(err))
			}
			i := idx[at-1]
			results[i].Created = false
			if !mongo.IsDuplicateKeyError(we) {
				results[i].Err = fmt.Errorf("spara svar: %w", translate(we))
			}
			from = at + 1
		default:
			return fmt.Errorf("spara svar: %w", translate(err))
		}
	}
	return nil
}

func failAll(results []AddResult, err error) []AddResult {
	for i := range results {
		results[i] = AddResult{Err: err}
	}
	return results
}

// owedCount is a stored batch's counts that are not yet written: one delta
// per survey. Its marker is deleted only once they are.
type owedCount struct {
	marker string
	deltas []*deltaDoc // never changed once owed: readers share them
}

// batchDeltas counts the responses a batch stored, one delta per survey.
// It runs before the batch's callers are answered: each village's tally is
// added to as it is and converted once.
func batchDeltas(marker pendingDoc, stored []Submission) []*deltaDoc {
	type key struct{ survey, village string }
	tallies := map[key]*survey.Tally{}
	deltas := map[string]*deltaDoc{}
	var order []*deltaDoc
	var keys []key
	for _, sub := range stored {
		r := sub.Response
		if deltas[r.Survey] == nil {
			d := &deltaDoc{ID: marker.ID + "/" + r.Survey, Survey: r.Survey, Created: marker.Created,
				Villages: map[string]villageTallyDoc{}}
			deltas[r.Survey] = d
			order = append(order, d)
		}
		k := key{r.Survey, r.Village}
		t := tallies[k]
		if t == nil {
			t = &survey.Tally{Survey: r.Survey, Village: r.Village}
			tallies[k] = t
			keys = append(keys, k)
		}
		t.Add(sub.Survey, r.Answers)
	}
	for _, k := range keys {
		deltas[k.survey].Villages[k.village] = toVillageTallyDoc(*tallies[k])
	}
	return order
}

// owe holds the counts of what a batch stored until writeCounts inserts
// them; a batch that stored nothing is settled at once.
func (s *Responses) owe(marker pendingDoc, stored []Submission) {
	deltas := batchDeltas(marker, stored)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(deltas) == 0 {
		s.settledLocked(marker.ID)
		return
	}
	s.owed = append(s.owed, &owedCount{marker: marker.ID, deltas: deltas})
}

// owes reports whether counts are waiting to be written.
func (s *Responses) owes() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.owed) > 0
}

// owedBatches returns how many batches' counts wait to be written.
func (s *Responses) owedBatches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.owed)
}

// owedDeltas returns the survey's deltas that are owed, not yet written.
func (s *Responses) owedDeltas(surveyID string) []deltaDoc {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []deltaDoc
	for _, o := range s.owed {
		for _, d := range o.deltas {
			if d.Survey == surveyID {
				out = append(out, *d)
			}
		}
	}
	return out
}

// writeCounts inserts the owed counts in one write into the collection of
// deltas; a batch whose deltas are all written (or found written: a
// duplicate _id) is settled. The error is the first delta's that could not
// be written: those stay owed for the next write.
//
// A batch's delta is owed only once its responses are stored, after its
// marker, and its marker is deleted only after the delta (retireLeases and
// FlushMarkers take only settled batches).
func (s *Responses) writeCounts(ctx context.Context) error {
	s.mu.Lock()
	owed := slices.Clone(s.owed)
	s.mu.Unlock()
	var docs []any
	type at struct{ owed, delta int }
	where := make([]at, 0, len(owed))
	for i, o := range owed {
		for j, d := range o.deltas {
			p, err := d.packed()
			if err != nil {
				return err
			}
			docs = append(docs, p)
			where = append(where, at{i, j})
		}
	}
	if len(docs) == 0 {
		return nil
	}
	failed := make(map[int]bool) // owed entries with a delta not written
	var deltaErr error
	_, err := s.deltas.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	switch {
	case err == nil:
	case errors.As(err, &bwe) && bwe.WriteConcernError == nil && len(bwe.WriteErrors) > 0:
		for _, we := range bwe.WriteErrors {
			switch {
			case we.Index < 0 || we.Index >= len(docs):
				return fmt.Errorf("räkna svar: %w", translate(err))
			case mongo.IsDuplicateKeyError(we):
				// Counted already (by a recovery, or an earlier try).
			default:
				failed[where[we.Index].owed] = true
				if deltaErr == nil {
					deltaErr = fmt.Errorf("räkna svar: %w", translate(we))
				}
			}
		}
	default:
		// Nothing is known to be written: the counts stay owed.
		return fmt.Errorf("räkna svar: %w", translate(err))
	}
	s.mu.Lock()
	for i, o := range owed {
		if failed[i] {
			continue
		}
		if k := slices.Index(s.owed, o); k >= 0 {
			s.owed = slices.Delete(s.owed, k, k+1)
			s.settledLocked(o.marker)
		}
	}
	s.mu.Unlock()
	return deltaErr
}

// settle inserts the deltas of the responses a recovered batch stored, one
// per survey (a duplicate: it was counted already), and settles the batch.
func (s *Responses) settle(ctx context.Context, marker pendingDoc, stored []Submission) error {
	deltas := batchDeltas(marker, stored)
	if len(deltas) > 0 {
		docs := make([]any, len(deltas))
		for i, d := range deltas {
			p, err := d.packed()
			if err != nil {
				return err
			}
			docs[i] = p
		}
		_, err := s.deltas.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
			for _, we := range bwe.WriteErrors {
				// A duplicate: the batch was counted already.
				if !mongo.IsDuplicateKeyError(we) {
					return fmt.Errorf("räkna svar: %w", translate(err))
				}
			}
		} else if err != nil {
			return fmt.Errorf("räkna svar: %w", translate(err))
		}
	}
	// The marker is deleted later, with others (FlushMarkers): until then
	// RecoverPending may replay it, which finds the delta and adds nothing,
	// and Fold leaves the delta alone.
	s.mu.Lock()
	s.settledLocked(marker.ID)
	s.mu.Unlock()
	return nil
}

// FlushMarkers deletes the markers of counted batches: those of this
// instance's leases whose batches are all counted, with the leases (the
// current lease is closed when it is: the next batch writes a new one), and
// markers of an earlier version in one write.
func (s *Responses) FlushMarkers(ctx context.Context) error {
	return s.flushMarkers(ctx, -1)
}

// flushMarkers is FlushMarkers deleting at most sweep markers of retired
// leases (all: sweep < 0).
func (s *Responses) flushMarkers(ctx context.Context, sweep int) error {
	if err := s.retireLeases(ctx, true); err != nil {
		return err
	}
	if sweep != 0 {
		if err := s.sweepMarkers(ctx, sweep); err != nil {
			return err
		}
	}
	s.mu.Lock()
	ids := s.settled
	s.settled = nil
	s.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	if _, err := s.deltas.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}}); err != nil {
		s.mu.Lock()
		s.settled = append(s.settled, ids...)
		s.mu.Unlock()
		return fmt.Errorf("rensa markeringar: %w", translate(err))
	}
	return nil
}

// RecoverPending counts the responses of batches that a crash or an outage
// left unfinished (markers written before olderThan) and returns how many
// responses it counted. Give a live batch time to finish (the committer's
// write timeout and more) before olderThan passes it; only a database that no
// other process shares (the embedded one) may be recovered up to now at start.
//
// A survey of a batch whose delta exists (one read of the small collection
// of deltas) was counted; for the others the batch's ids are read by _id
// in the survey's collection, a few at a time: on the embedded server a
// read of an index each, whether the response was written or not.
// Submissions may go on meanwhile: their batches are newer than olderThan,
// and a delta's _id lets a batch be counted once only.
func (s *Responses) RecoverPending(ctx context.Context, olderThan time.Time) (int, error) {
	leased, err := s.recoverLeases(ctx, olderThan)
	if err != nil {
		return leased, err
	}
	n, err := s.recoverMarkers(ctx, olderThan)
	return leased + n, err
}

// recoverLeases counts the batches of leases written before olderThan
// whose markers are older than olderThan and whose deltas are missing, and
// retires the leases that nobody takes ids from any more (leaseUse has
// passed before olderThan and no marker is newer).
func (s *Responses) recoverLeases(ctx context.Context, olderThan time.Time) (int, error) {
	all, err := s.allLeases(ctx)
	if err != nil {
		return 0, err
	}
	var due []leaseDoc
	for _, l := range all {
		if l.Created.Before(olderThan) {
			due = append(due, l)
		}
	}
	if len(due) == 0 {
		return 0, nil
	}
	counted, err := s.deltaIDs(ctx)
	if err != nil {
		return 0, err
	}
	c := s.newCollector()
	n := 0
	for _, l := range due {
		retire := l.Created.Add(leaseUse).Before(olderThan)
		found := map[string][]string{} // survey → markers found
		var batches []pendingDoc
		seen := map[string]bool{}
		for _, sv := range l.Surveys {
			markers, err := s.leaseMarkers(ctx, l, sv)
			if err != nil {
				return n, err
			}
			for _, m := range markers {
				if !m.Created.Before(olderThan) {
					retire = false // a live batch, perhaps
					continue
				}
				batch := strings.TrimPrefix(m.ID, markerPrefix)
				found[sv] = append(found[sv], m.ID)
				if !seen[batch] {
					seen[batch] = true
					batches = append(batches, pendingDoc{ID: batch, Created: m.Created})
				}
				if counted[batch+"/"+sv] {
					continue
				}
				docs, err := s.batchResponses(ctx, sv, batch, m.IDs)
				if err != nil {
					return n, err
				}
				if err := c.keep(ctx, docs); err != nil {
					return n, err
				}
			}
		}
		for _, m := range batches {
			if err := s.settle(ctx, m, c.stored[m.ID]); err != nil {
				return n, err
			}
			n += len(c.stored[m.ID])
		}
		if retire {
			if err := s.retire(ctx, l.ID, found); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// collector gathers the stored responses of batches being recovered.
type collector struct {
	s       *Responses
	stored  map[string][]Submission // batch → its uncounted responses
	surveys map[string]*survey.Survey
}

func (s *Responses) newCollector() *collector {
	return &collector{s: s, stored: map[string][]Submission{}, surveys: map[string]*survey.Survey{}}
}

func (c *collector) keep(ctx context.Context, docs []responseDoc) error {
	for _, d := range docs {
		sv, ok := c.surveys[d.Survey]
		if !ok {
			var err error
			sv, err = c.s.surveys.Get(ctx, d.Survey)
			if err != nil && !errors.Is(err, survey.ErrNotFound) {
				return err
			}
			c.surveys[d.Survey] = sv
		}
		if sv == nil {
			continue // the survey is gone: nothing to count it in
		}
		r, err := d.response()
		if err != nil {
			return err
		}
		c.stored[d.Batch] = append(c.stored[d.Batch], Submission{Survey: sv, Response: &r})
	}
	return nil
}

// recoverMarkers is RecoverPending for markers of the versions that wrote
// them into tally_deltas or pending.
func (s *Responses) recoverMarkers(ctx context.Context, olderThan time.Time) (int, error) {
	old := bson.M{"$lt": olderThan.UTC()}
	markers, err := s.markers(ctx, s.deltas, bson.M{"ids": bson.M{"$exists": true}, "created": old})
	if err != nil {
		return 0, err
	}
	// Markers of a version that kept them in a collection of their own.
	legacyMarkers, err := s.markers(ctx, s.pending, bson.M{"created": old})
	if err != nil {
		return 0, err
	}
	markers = append(markers, legacyMarkers...)
	if len(markers) == 0 {
		return 0, s.FlushMarkers(ctx)
	}
	counted, err := s.deltaIDs(ctx)
	if err != nil {
		return 0, err
	}
	c := s.newCollector()
	stored, keep := c.stored, func(docs []responseDoc) error { return c.keep(ctx, docs) }
	var legacyBatches []string
	for _, m := range markers {
		if len(m.Surveys) == 0 {
			legacyBatches = append(legacyBatches, m.ID)
			continue
		}
		for _, sv := range m.Surveys {
			if counted[m.ID+"/"+sv] {
				continue
			}
			docs, err := s.batchResponses(ctx, sv, m.ID, m.IDs)
			if err != nil {
				return 0, err
			}
			if err := keep(docs); err != nil {
				return 0, err
			}
		}
	}
	if len(legacyBatches) > 0 {
		// Markers of a version that kept every survey's responses in one
		// collection: one query for all of them, once after an upgrade.
		cur, err := s.legacy.Find(ctx, bson.M{"batch": bson.M{"$in": legacyBatches}})
		if err != nil {
			return 0, fmt.Errorf("läsa svar: %w", translate(err))
		}
		docs := make([]responseDoc, 0)
		if err := cur.All(ctx, &docs); err != nil {
			return 0, fmt.Errorf("läsa svar: %w", translate(err))
		}
		if err := keep(docs); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, m := range markers {
		if err := s.settle(ctx, m, stored[m.ID]); err != nil {
			return n, err
		}
		n += len(stored[m.ID])
	}
	if len(legacyMarkers) > 0 {
		ids := make([]string, len(legacyMarkers))
		for i, m := range legacyMarkers {
			ids[i] = m.ID
		}
		if _, err := s.pending.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}}); err != nil {
			return n, fmt.Errorf("rensa markeringar: %w", translate(err))
		}
	}
	return n, s.FlushMarkers(ctx)
}

// markers reads the batch markers of col that filter matches.
func (s *Responses) markers(ctx context.Context, col *mongo.Collection, filter bson.M) ([]pendingDoc, error) {
	cur, err := col.Find(ctx, filter)
	if err != nil {
		return nil, fmt.Errorf("leta efter oräknade svar: %w", translate(err))
	}
	markers := make([]pendingDoc, 0)
	if err := cur.All(ctx, &markers); err != nil {
		return nil, fmt.Errorf("leta efter oräknade svar: %w", translate(err))
	}
	return markers, nil
}

// recoverReaders is how many reads by _id a recovery makes at once.
const recoverReaders = 8

// batchResponses reads, by _id, those of ids stored in the survey's
// collection by the batch, where a query by the batch field scans the
// survey's responses (1.2 s for a crashed batch at 100,000 stored). On the
// embedded server it is one SQL query on the _id index (batchResponsesSQL);
// elsewhere a read by _id each, a few at a time.
func (s *Responses) batchResponses(ctx context.Context, surveyID, batch string, ids []string) ([]responseDoc, error) {
	docs, err := s.batchResponsesSQL(ctx, surveyID, batch, ids)
	if err == nil {
		return docs, nil
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("läsa svar: %w", translate(ctx.Err()))
	}
	// No embedded server, or its file could not be read: through FerretDB.
	return s.batchResponsesByID(ctx, surveyResponses(s.db, surveyID), batch, ids)
}

// batchResponsesByID reads, by _id, those of ids stored in col by the
// batch: a read of the index each, found or not (on the embedded server,
// see idIndexer).
func (s *Responses) batchResponsesByID(ctx context.Context, col *mongo.Collection, batch string, ids []string) ([]responseDoc, error) {
	found := make([]*responseDoc, len(ids))
	errs := make([]error, len(ids))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(recoverReaders, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var d responseDoc
				err := col.FindOne(ctx, bson.M{"_id": ids[i]}).Decode(&d)
				switch {
				case err == nil && d.Batch == batch:
					found[i] = &d
				case err != nil && !errors.Is(err, mongo.ErrNoDocuments):
					errs[i] = fmt.Errorf("läsa svar: %w", translate(err))
				}
			}
		}()
	}
	for i := range ids {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make([]responseDoc, 0, len(ids))
	for _, d := range found {
		if d != nil {
			out = append(out, *d)
		}
	}
	return out, nil
}

// deltaIDs returns the ids of the deltas not yet folded: one read of a small
// collection (Fold empties it every few seconds), where a read by _id per
// batch cost a round trip each behind the writes of the load (12.5 s for 427
// batches, measured after a kill -9 with 20,000 responses stored).
func (s *Responses) deltaIDs(ctx context.Context) (map[string]bool, error) {
	cur, err := s.deltas.Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return nil, fmt.Errorf("läsa räkningar: %w", translate(err))
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return nil, fmt.Errorf("läsa räkningar: %w", translate(err))
	}
	out := make(map[string]bool, len(ids))
	for _, d := range ids {
		out[d.ID] = true
	}
	return out, nil
}

// Fold adds the deltas of finished batches into their surveys' tally
// documents, so that reads stay short, and deletes them. It is safe to run at
// any time and from several instances at once. The time is unused; it is
// there for the committer's ticker.
func (s *Responses) Fold(ctx context.Context, _ time.Time) error {
	// Markers of retired leases are left to the writer's idle moments.
	if err := s.flushMarkers(ctx, 0); err != nil {
		return err
	}
	surveys, err := s.deltas.Distinct(ctx, "survey", bson.M{})
	if err != nil {
		return fmt.Errorf("vika in räkningar: %w", translate(err))
	}
	for _, sv := range surveys {
		id, ok := sv.(string)
		if !ok {
			continue
		}
		if err := s.foldSurvey(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// foldSurvey folds one survey's finished deltas: one atomic update of the
// tally document adds them, names them as folded and bumps the version,
// guarded by the version read; then they are deleted. A delta whose batch
// still has its marker is left alone: RecoverPending may replay that batch,
// and a replay must find the delta to know the batch is counted.
func (s *Responses) foldSurvey(ctx context.Context, surveyID string) error {
	base, err := s.tallyDoc(ctx, surveyID)
	if err != nil {
		return err
	}
	if len(base.Folded) > 0 {
		// The previous fold's deltas: in the tally already, and skipped by
		// readers until deleted.
		if _, err := s.deltas.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": base.Folded}}); err != nil {
			return fmt.Errorf("vika in räkningar: %w", translate(err))
		}
	}
	deltas, err := s.surveyDeltas(ctx, surveyID)
	if err != nil {
		return err
	}
	// The markers are read after the deltas: a delta read has its marker
	// written before it, so a marker missing now was deleted, its batch
	// settled.
	live := map[string]bool{}
	for _, q := range []struct {
		col    *mongo.Collection
		filter bson.M
	}{{s.deltas, bson.M{"ids": bson.M{"$exists": true}}}, {s.pending, bson.M{}}, {s.leases, bson.M{}}} {
		markers, err := q.col.Distinct(ctx, "_id", q.filter)
		if err != nil {
			return fmt.Errorf("vika in räkningar: %w", translate(err))
		}
		for _, m := range markers {
			if id, ok := m.(string); ok {
				live[id] = true
			}
		}
	}
	inc := bson.M{}
	ids := []string{}
	for _, d := range deltas {
		batch, _, _ := strings.Cut(d.ID, "/")
		if live[batch] || live[leaseOf(batch)] || slices.Contains(base.Folded, d.ID) {
			continue
		}
		ids = append(ids, d.ID)
		for village, vt := range d.Villages {
			addPaths(inc, tallyVillages+"."+village, vt)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	update := bson.M{"$set": bson.M{"folded": ids, "version": base.Version + 1}}
	if len(inc) > 0 {
		update["$inc"] = inc
	}
	res, err := s.tallies.UpdateOne(ctx, bson.M{"_id": surveyID, "version": base.Version}, update)
	if err != nil {
		return fmt.Errorf("vika in räkningar: %w", translate(err))
	}
	if res.MatchedCount == 0 {
		return nil // another instance folded first
	}
	if _, err := s.deltas.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}}); err != nil {
		return fmt.Errorf("vika in räkningar: %w", translate(err))
	}
	return nil
}

// tallyDoc reads the survey's tally document, creating an empty one first
// when there is none, so that folds can be guarded by its version.
func (s *Responses) tallyDoc(ctx context.Context, surveyID string) (tallyDoc, error) {
	var d tallyDoc
	err := s.tallies.FindOne(ctx, bson.M{"_id": surveyID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		_, err = s.tallies.InsertOne(ctx, tallyDoc{ID: surveyID, Survey: surveyID, Villages: map[string]villageTallyDoc{}, Folded: []string{}})
		if err != nil && !mongo.IsDuplicateKeyError(err) {
			return d, fmt.Errorf("läsa räkningar: %w", translate(err))
		}
		err = s.tallies.FindOne(ctx, bson.M{"_id": surveyID}).Decode(&d)
	}
	if err != nil {
		return d, fmt.Errorf("läsa räkningar: %w", translate(err))
	}
	return d, nil
}

// surveyDeltas returns the survey's deltas.
func (s *Responses) surveyDeltas(ctx context.Context, surveyID string) ([]deltaDoc, error) {
	cur, err := s.deltas.Find(ctx, bson.M{"survey": surveyID})
	if err != nil {
		return nil, fmt.Errorf("läsa räkningar: %w", translate(err))
	}
	out := make([]deltaDoc, 0)
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("läsa räkningar: %w", translate(err))
	}
	for i := range out {
		if err := out[i].unpack(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// addPaths adds a village's counts to inc as $inc paths under prefix.
func addPaths(inc bson.M, prefix string, vt villageTallyDoc) {
	add := func(path string, n int) {
		cur, _ := inc[path].(int)
		inc[path] = cur + n
	}
	add(prefix+"."+survey.TallyResponses, vt.Responses)
	for key, q := range vt.Questions {
		qp := prefix + ".q." + key
		add(qp+".n", q.N)
		for code, n := range q.Counts {
			add(qp+".c."+code, n)
		}
		for code, n := range q.RankSums {
			add(qp+".r."+code, n)
		}
	}
}

func toVillageTallyDoc(t survey.Tally) villageTallyDoc {
	qs := make(map[string]questionTallyDoc, len(t.Questions))
	for k, q := range t.Questions {
		qs[k] = questionTallyDoc(q)
	}
	return villageTallyDoc{Responses: t.Responses, Questions: qs}
}

// tallyVillages is the field of a tally document that holds its villages.
const tallyVillages = "v"

// Tallies returns the survey's tallies, one per village that has responses,
// in the order of the villages' slugs: the folded tally document plus the
// deltas not folded into it, a few small documents whatever the number of
// responses. A fold between the reads is noticed by the tally document's
// version, and the reads are made again.
func (s *Responses) Tallies(ctx context.Context, surveyID string) ([]survey.Tally, error) {
	for attempt := 0; ; attempt++ {
		var base tallyDoc
		err := s.tallies.FindOne(ctx, bson.M{"_id": surveyID}).Decode(&base)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, fmt.Errorf("läsa räkningar: %w", translate(err))
		}
		// Owed counts are taken before the written ones are read: one
		// written meanwhile is then read twice and taken once (by its _id).
		owed := s.owedDeltas(surveyID)
		deltas, err := s.surveyDeltas(ctx, surveyID)
		if err != nil {
			return nil, err
		}
		for _, d := range owed {
			if !slices.ContainsFunc(deltas, func(w deltaDoc) bool { return w.ID == d.ID }) {
				deltas = append(deltas, d)
			}
		}
		if len(deltas) > 0 {
			var again tallyDoc
			err := s.tallies.FindOne(ctx, bson.M{"_id": surveyID}, options.FindOne().SetProjection(bson.M{"version": 1})).Decode(&again)
			if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
				return nil, fmt.Errorf("läsa räkningar: %w", translate(err))
			}
			if again.Version != base.Version && attempt < 10 {
				continue
			}
		}
		return sumTallies(surveyID, base, deltas), nil
	}
}

// sumTallies adds the deltas not yet folded into base to it, per village.
func sumTallies(surveyID string, base tallyDoc, deltas []deltaDoc) []survey.Tally {
	sum := map[string]*survey.Tally{}
	add := func(village string, vt villageTallyDoc) {
		t := sum[village]
		if t == nil {
			t = &survey.Tally{Survey: surveyID, Village: village, Questions: map[string]survey.QuestionTally{}}
			sum[village] = t
		}
		mergeTally(t, vt)
	}
	for v, vt := range base.Villages {
		add(v, vt)
	}
	for _, d := range deltas {
		if slices.Contains(base.Folded, d.ID) {
			continue
		}
		for v, vt := range d.Villages {
			add(v, vt)
		}
	}
	villages := slices.Sorted(maps.Keys(sum))
	out := make([]survey.Tally, 0, len(villages))
	for _, v := range villages {
		if sum[v].Responses > 0 {
			out = append(out, *sum[v])
		}
	}
	return out
}

// mergeTally adds a stored village tally into t.
func mergeTally(t *survey.Tally, vt villageTallyDoc) {
	t.Responses += vt.Responses
	for key, q := range vt.Questions {
		cur := t.Questions[key]
		cur.N += q.N
		for code, n := range q.Counts {
			if cur.Counts == nil {
				cur.Counts = map[string]int{}
			}
			cur.Counts[code] += n
		}
		for code, n := range q.RankSums {
			if cur.RankSums == nil {
				cur.RankSums = map[string]int{}
			}
			cur.RankSums[code] += n
		}
		t.Questions[key] = cur
	}
}

// RepairTallies replaces the survey's tallies with a recount. Run it when no
// responses are arriving for the survey (a response stored during the recount
// could otherwise be missed); VerifyTallies is safe at any time.
func (s *Responses) RepairTallies(ctx context.Context, sv *survey.Survey) error {
	// Counts still owed would be added to the recount when written.
	if err := s.writeCounts(ctx); err != nil {
		return err
	}
	// Leases retired first: a recovery must not find a marker whose delta
	// the repair deletes.
	if err := s.flushMarkers(ctx, 0); err != nil {
		return err
	}
	counts, err := s.Recount(ctx, sv)
	if err != nil {
		return err
	}
	base, err := s.tallyDoc(ctx, sv.ID)
	if err != nil {
		return err
	}
	doc := tallyDoc{ID: sv.ID, Survey: sv.ID, Villages: make(map[string]villageTallyDoc, len(counts)),
		Folded: []string{}, Version: base.Version + 1}
	for village, t := range counts {
		doc.Villages[village] = toVillageTallyDoc(*t)
	}
	if _, err := s.deltas.DeleteMany(ctx, bson.M{"survey": sv.ID}); err != nil {
		return fmt.Errorf("spara räkning: %w", translate(err))
	}
	if _, err := s.tallies.ReplaceOne(ctx, bson.M{"_id": sv.ID}, doc); err != nil {
		return fmt.Errorf("spara räkning: %w", translate(err))
	}
	return nil
}
