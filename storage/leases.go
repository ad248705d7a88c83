package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Batch ids come from leases (see counting.go): an instance writes a lease
// document, "<epoch>.<block>", before it uses the block's ids
// "<epoch>.<block>.<i>" (i < leaseSize), naming the surveys whose
// collections the block's markers may be in. A recovery finds a crashed
// batch's marker by reading those ids by _id, never by a query.

// colLeases holds the leases of batch ids not yet retired: a few documents.
const colLeases = "batch_leases"

// leaseSize is how many batches one lease names; leaseUse how long an
// instance takes new batches from a lease. A recovery retires a lease only
// once leaseUse has passed since it was written and olderThan is past that.
const (
	leaseSize = 64
	leaseUse  = 2 * time.Second
)

// markerPrefix starts the _id of a batch's marker in a survey's collection.
// Response ids are hexadecimal or "k" and hexadecimal: none starts so.
const markerPrefix = "batch:"

// isMarker reports whether a document of a survey's collection is a batch
// marker, not a response: readers skip it.
func isMarker(id string) bool { return strings.HasPrefix(id, markerPrefix) }

type leaseDoc struct {
	ID      string    `bson:"_id"`
	Size    int       `bson:"size"`
	Surveys []string  `bson:"sv"`
	Created time.Time `bson:"created"`
}

// lease is one of this instance's leases, not yet retired.
type lease struct {
	doc     leaseDoc
	used    int                 // ids handed out
	closed  bool                // no more ids from it
	batches map[string][]string // batch id → the surveys it wrote markers in
	done    map[string]bool     // batches counted (settled)
}

// leaseOf returns the lease of a batch id; "" for a batch of an earlier
// version (a random id, its marker in tally_deltas).
func leaseOf(batch string) string {
	k := strings.LastIndexByte(batch, '.')
	if k < 0 || strings.Count(batch, ".") != 2 {
		return ""
	}
	return batch[:k]
}

// leases is an instance's state of batch ids.
type leases struct {
	alloc sync.Mutex // one allocation (and its lease write) at a time
	epoch string
	block int
	cur   *lease
	open  map[string]*lease // guarded by Responses.mu
}

// nextBatch returns an id for a batch writing into surveys, first writing a
// new lease when the current one is used up, too old or lacks one of them.
func (s *Responses) nextBatch(ctx context.Context, surveys []string, now time.Time) (string, error) {
	l := &s.lease
	l.alloc.Lock()
	defer l.alloc.Unlock()
	s.mu.Lock()
	cur := l.cur
	fits := cur != nil && !cur.closed && cur.used < leaseSize && now.Sub(cur.doc.Created) < leaseUse
	for _, sv := range surveys {
		if fits && !slices.Contains(cur.doc.Surveys, sv) {
			fits = false
		}
	}
	var carry []string
	if !fits && cur != nil {
		cur.closed = true
		if cur.used < leaseSize {
			// Surveys in use a moment ago are likely in the next batch too.
			for _, svs := range cur.batches {
				carry = append(carry, svs...)
			}
		}
	}
	if fits {
		id := cur.doc.ID + "." + strconv.Itoa(cur.used)
		cur.used++
		cur.batches[id] = slices.Clone(surveys)
		s.mu.Unlock()
		return id, nil
	}
	s.mu.Unlock()
	if l.epoch == "" {
		l.epoch = NewID()
	}
	svs := slices.Compact(slices.Sorted(slices.Values(append(carry, surveys...))))
	doc := leaseDoc{ID: l.epoch + "." + strconv.Itoa(l.block), Size: leaseSize, Surveys: svs, Created: now}
	l.block++
	if _, err := s.leases.InsertOne(ctx, doc); err != nil {
		return "", fmt.Errorf("spara svar: %w", translate(err))
	}
	nl := &lease{doc: doc, used: 1, batches: map[string][]string{}, done: map[string]bool{}}
	id := doc.ID + ".0"
	nl.batches[id] = slices.Clone(surveys)
	s.mu.Lock()
	if l.open == nil {
		l.open = map[string]*lease{}
	}
	l.open[doc.ID] = nl
	l.cur = nl
	s.mu.Unlock()
	return id, nil
}

// settledLocked notes a counted batch: its marker may go. Hold s.mu.
func (s *Responses) settledLocked(batch string) {
	lid := leaseOf(batch)
	if lid == "" {
		s.settled = append(s.settled, batch)
		return
	}
	if l := s.lease.open[lid]; l != nil {
		l.done[batch] = true
	}
	// A batch of another instance's lease, recovered: its recovery
	// retires the lease.
}

// retiring returns this instance's closed leases whose batches are all
// counted; with closeCurrent, the current one too when it is (it is then
// closed: the next batch writes a new lease).
func (s *Responses) retiring(closeCurrent bool) []*lease {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*lease
	for _, l := range s.lease.open {
		if len(l.done) < l.used || (!l.closed && !closeCurrent) {
			continue
		}
		l.closed = true // under s.mu, as nextBatch takes ids
		out = append(out, l)
	}
	return out
}

// retireLeases deletes this instance's closed leases whose batches are all
// counted (see retiring). Their markers are inert from then on: no
// recovery reads them, no fold waits for them, readers skip them. They are
// deleted later, a few at a time when the writer is idle (sweepMarkers): a
// delete costs FerretDB a command per _id, as much as a batch's insert.
func (s *Responses) retireLeases(ctx context.Context, closeCurrent bool) error {
	for _, l := range s.retiring(closeCurrent) {
		if _, err := s.leases.DeleteOne(ctx, bson.M{"_id": l.doc.ID}); err != nil {
			return fmt.Errorf("rensa markeringar: %w", translate(err))
		}
		s.mu.Lock()
		delete(s.lease.open, l.doc.ID)
		for batch, svs := range l.batches {
			for _, sv := range svs {
				if len(s.inert) < maxInert {
					s.inert = append(s.inert, inertMarker{sv, markerPrefix + batch})
				} // else it stays, inert, like those a crash forgets
			}
		}
		s.mu.Unlock()
	}
	return nil
}

// maxInert bounds the inert markers remembered for deletion, under a load
// that never leaves the writer idle (about 3 minutes of batches of 16 at
// 5,000 /s).
const maxInert = 1 << 16

// inertMarker is the marker of a batch of a retired lease, to delete.
type inertMarker struct{ survey, id string }

// hasInert reports whether inert markers wait to be deleted.
func (s *Responses) hasInert() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.inert) > 0
}

// sweepMarkers deletes up to max inert markers (all: max < 0), one command
// per survey. Those a crash leaves stay: inert, skipped by readers.
func (s *Responses) sweepMarkers(ctx context.Context, max int) error {
	s.mu.Lock()
	n := len(s.inert)
	if max >= 0 {
		n = min(n, max)
	}
	take := slices.Clone(s.inert[:n])
	s.inert = slices.Delete(s.inert, 0, n)
	s.mu.Unlock()
	bySurvey := map[string][]string{}
	for _, m := range take {
		bySurvey[m.survey] = append(bySurvey[m.survey], m.id)
	}
	if err := s.deleteMarkers(ctx, bySurvey); err != nil {
		s.mu.Lock()
		s.inert = append(s.inert, take...)
		s.mu.Unlock()
		return err
	}
	return nil
}

// deleteMarkers deletes markers (by survey), one _id at a time in one
// command per survey (a filter on _id alone is the only one FerretDB does
// not scan for).
func (s *Responses) deleteMarkers(ctx context.Context, markers map[string][]string) error {
	for sv, ids := range markers {
		if len(ids) == 0 {
			continue
		}
		models := make([]mongo.WriteModel, len(ids))
		for i, id := range ids {
			models[i] = mongo.NewDeleteOneModel().SetFilter(bson.M{"_id": id})
		}
		if _, err := surveyResponses(s.db, sv).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			return fmt.Errorf("rensa markeringar: %w", translate(err))
		}
	}
	return nil
}

// retire deletes a recovered lease's markers, then the lease.
func (s *Responses) retire(ctx context.Context, leaseID string, markers map[string][]string) error {
	if err := s.deleteMarkers(ctx, markers); err != nil {
		return err
	}
	if _, err := s.leases.DeleteOne(ctx, bson.M{"_id": leaseID}); err != nil {
		return fmt.Errorf("rensa markeringar: %w", translate(err))
	}
	return nil
}

// allLeases reads the leases not yet retired, of every instance.
func (s *Responses) allLeases(ctx context.Context) ([]leaseDoc, error) {
	cur, err := s.leases.Find(ctx, bson.M{})
	if err != nil {
		return nil, fmt.Errorf("leta efter oräknade svar: %w", translate(err))
	}
	out := make([]leaseDoc, 0)
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("leta efter oräknade svar: %w", translate(err))
	}
	return out, nil
}

// leaseMarkers reads, by _id, the markers of a lease's ids in one survey's
// collection, a few at a time.
func (s *Responses) leaseMarkers(ctx context.Context, l leaseDoc, surveyID string) ([]pendingDoc, error) {
	col := surveyResponses(s.db, surveyID)
	found := make([]*pendingDoc, l.Size)
	errs := make([]error, l.Size)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(recoverReaders, l.Size) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var d pendingDoc
				err := col.FindOne(ctx, bson.M{"_id": markerPrefix + l.ID + "." + strconv.Itoa(i)}).Decode(&d)
				switch {
				case err == nil:
					found[i] = &d
				case !errors.Is(err, mongo.ErrNoDocuments):
					errs[i] = fmt.Errorf("leta efter oräknade svar: %w", translate(err))
				}
			}
		}()
	}
	for i := range l.Size {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []pendingDoc
	for _, d := range found {
		if d != nil {
			out = append(out, *d)
		}
	}
	return out, nil
}
