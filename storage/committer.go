package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/forankra/forankra/survey"
)

// Committer gathers submissions that arrive at the same time into one batch:
// one insert of its marker (with the counts of the batch before) and one of
// all its responses, instead of several writes each (see counting.go). The
// database (FerretDB on SQLite above all) takes one writer at a time, so a
// batch of a hundred costs little more than a batch of one. Each caller is
// answered only after its batch's marker and responses are written with the
// database's write concern (majority, journaled), so an answered submission
// survives a crash and is counted exactly once.
type Committer struct {
	store    *Responses
	maxBatch int
	maxWait  time.Duration
	timeout  time.Duration

	queue chan *commitRequest
	// arriving counts submissions announced (Hold) but not yet queued: a
	// batch waits for them, up to maxWait, since they will come in a moment.
	arriving atomic.Int64
	mu       sync.RWMutex // held for reading while queueing, for writing to close
	shut     bool
	done     chan struct{}

	// recent are the sizes of the last batches (the one writer's own): a
	// batch as large as the largest of them leaves without a quiet spell.
	recent [4]int
	nth    int

	batches, written atomic.Int64 // for Stats
	writing          atomic.Int64 // nanoseconds spent writing batches and counts, for Stats
}

// CommitterStats is what a committer has written since it started.
type CommitterStats struct {
	// Batches is how many batches were written, Submissions how many
	// submissions they held (each a response stored, or found stored).
	Batches, Submissions int64
	// Writing is the time spent writing batches and owed counts: against
	// the time elapsed, how busy the one writer (and the database) was.
	Writing time.Duration
}

// Store returns the response store the committer writes into. Read the
// tallies through it: it alone holds the counts of the last batch until
// they are written (a few milliseconds, see counting.go).
func (c *Committer) Store() *Responses { return c.store }

// Stats returns what the committer has written so far.
func (c *Committer) Stats() CommitterStats {
	return CommitterStats{Batches: c.batches.Load(), Submissions: c.written.Load(), Writing: time.Duration(c.writing.Load())}
}

// CommitterOptions bound a Committer's batches. Zero values take defaults.
type CommitterOptions struct {
	// MaxBatch is the most submissions written together (default 256).
	MaxBatch int
	// MaxWait is how long a batch waits, after its first submission, for
	// submissions announced with Hold that are still on their way (default
	// 5 ms). A negative value takes only what is already queued.
	MaxWait time.Duration
	// Timeout bounds the writes of one batch (default 10 s).
	Timeout time.Duration
}

// ErrStopping is returned for submissions that arrive after Close began.
var ErrStopping = fmt.Errorf("tjänsten stängs: %w", survey.ErrUnavailable)

type commitRequest struct {
	ctx    context.Context
	sub    Submission
	result chan AddResult
}

// NewCommitter starts a committer writing into store. Close stops it.
func NewCommitter(store *Responses, opts CommitterOptions) *Committer {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.MaxWait == 0 {
		opts.MaxWait = 5 * time.Millisecond
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	c := &Committer{store: store, maxBatch: opts.MaxBatch, maxWait: opts.MaxWait, timeout: opts.Timeout,
		queue: make(chan *commitRequest, opts.MaxBatch), done: make(chan struct{})}
	go c.run()
	return c
}

// Ticket announces a submission on its way to the committer, so that the
// batch being gathered waits for it rather than leaving without it.
type Ticket struct {
	c    *Committer
	done atomic.Bool
}

// Hold announces a submission that is about to be made (a request being
// parsed and checked). Release the ticket when the submission is abandoned;
// Ticket.Submit releases it as it queues.
func (c *Committer) Hold() *Ticket {
	c.arriving.Add(1)
	return &Ticket{c: c}
}

// Release withdraws the announcement; it is safe to call more than once.
func (t *Ticket) Release() {
	if t != nil && t.done.CompareAndSwap(false, true) {
		t.c.arriving.Add(-1)
	}
}

// Submit is Committer.Submit for an announced submission.
func (t *Ticket) Submit(ctx context.Context, sub Submission) (bool, error) {
	return t.c.submit(ctx, sub, t.Release)
}

// Submit stores and counts one response in the next batch and returns
// whether it was created (false: a response with its id was stored before).
// When ctx ends first, Submit returns at once with an unavailable error; the
// response may still be written by its batch, and a retry with the same id
// finds it.
func (c *Committer) Submit(ctx context.Context, sub Submission) (bool, error) {
	return c.submit(ctx, sub, func() {})
}

func (c *Committer) submit(ctx context.Context, sub Submission, queued func()) (bool, error) {
	defer queued()
	req := &commitRequest{ctx: ctx, sub: sub, result: make(chan AddResult, 1)}
	c.mu.RLock()
	if c.shut {
		c.mu.RUnlock()
		return false, ErrStopping
	}
	select {
	case c.queue <- req:
	case <-ctx.Done():
		c.mu.RUnlock()
		return false, translate(ctx.Err())
	}
	c.mu.RUnlock()
	queued()
	select {
	case r := <-req.result:
		return r.Created, r.Err
	case <-ctx.Done():
		return false, translate(ctx.Err())
	}
}

// Close stops taking submissions, writes those already queued and returns
// when the last batch is written or ctx ends.
func (c *Committer) Close(ctx context.Context) error {
	c.mu.Lock()
	if !c.shut {
		c.shut = true
		close(c.queue)
	}
	c.mu.Unlock()
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("skriva kvarvarande svar: %w", ctx.Err())
	}
}

// writers is how many batches may be written at once. One: the database
// takes one writer at a time anyway, and a second writer only halves the
// batches (measured with cmd/forankra-bench).
const writers = 1

func (c *Committer) run() {
	defer close(c.done)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.writer(i == 0)
		}()
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	_ = c.store.FlushMarkers(ctx) // else RecoverPending replays them: harmless
}

// writer writes batches until the queue is closed and drained; the first one
// also folds old deltas into the tallies now and then, between its batches.
func (c *Committer) writer(folds bool) {
	var foldC <-chan time.Time
	if folds {
		fold := time.NewTicker(foldEvery)
		defer fold.Stop()
		foldC = fold.C
	}
	counts := time.NewTimer(time.Hour)
	counts.Stop()
	defer counts.Stop()
	batch := make([]*commitRequest, 0, c.maxBatch)
	for {
		// Counts owed by the last batches are written once owedMax batches
		// owe them (after their callers are answered), or when no batch
		// comes within countWait; an idle writer also deletes inert markers.
		var countsC <-chan time.Time
		if c.store.owes() || c.store.hasInert() {
			counts.Reset(countWait)
			countsC = counts.C
		}
		select {
		case first, ok := <-c.queue:
			counts.Stop()
			if !ok {
				c.writeCounts()
				return
			}
			batch = append(batch[:0], first)
			c.gather(&batch)
			c.recent[c.nth%len(c.recent)] = len(batch)
			c.nth++
			c.write(batch)
			clear(batch)
		case <-countsC:
			c.writeCounts()
		case now := <-foldC:
			counts.Stop()
			ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
			_ = c.store.Fold(ctx, now) // retried at the next tick; reads are exact either way
			cancel()
		}
	}
}

// countWait is how long owed counts wait for more batches before they are
// written. Until then they are read from memory by this instance and from
// the batch's marker by a recovery; other instances see them that much
// later.
const countWait = 5 * time.Millisecond

// writeCounts writes the counts the store owes; those it cannot write stay
// owed, for the next batch or the next try.
func (c *Committer) writeCounts() {
	defer c.busy(time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	_ = c.store.writeCounts(ctx)
	_ = c.store.retireLeases(ctx, false)
	_ = c.store.sweepMarkers(ctx, sweepEach)
}

// sweepEach is how many inert markers the writer deletes when idle: a few
// milliseconds of work that a batch arriving meanwhile waits for.
const sweepEach = 8

// busy adds the time since start to the writer's busy time.
func (c *Committer) busy(start time.Time) { c.writing.Add(int64(time.Since(start))) }

// foldEvery is how often the committer folds old deltas into the tallies.
const foldEvery = 5 * time.Second

// gather adds to batch what is queued, then what arrives within maxWait, up
// to maxBatch. It waits the whole maxWait only while submissions announced
// with Hold are still on their way; otherwise it leaves after a short quiet
// spell (a tenth of maxWait) with no new arrival, or at once when the load
// is steady: the batch is as large as the last one, and the last one was
// the largest of the last four. With 16 clients the quiet spell was 0.5 ms
// of a 4.6 ms cycle with the database idle; leaving at once took the writer
// from 54–64 % to 72–81 % busy and the default configuration's rate up by
// 2–43 % (four pairs of cmd/forankra-bench runs). The steadiness rule keeps
// clients that fell into two groups (11 and 5, say) from staying apart: a
// batch smaller than the last still waits its quiet spell for the others.
// A closed queue still hands out what was queued before Close, so the
// writers drain it.
func (c *Committer) gather(batch *[]*commitRequest) {
	if c.maxWait < 0 {
		c.drain(batch)
		return
	}
	deadline := time.Now().Add(c.maxWait)
	quiet := c.maxWait / 10
	timer := time.NewTimer(c.maxWait)
	defer timer.Stop()
	for len(*batch) < c.maxBatch {
		if !c.drain(batch) {
			return
		}
		if len(*batch) >= c.maxBatch {
			return
		}
		wait := time.Until(deadline)
		if c.arriving.Load() <= 0 {
			if last := c.recent[(c.nth+len(c.recent)-1)%len(c.recent)]; len(*batch) >= last && last == slices.Max(c.recent[:]) {
				// As many as lately and none announced: the usual load is
				// in, and the quiet spell would be time the writer idles.
				return
			}
			wait = min(wait, quiet)
		}
		if wait <= 0 {
			return
		}
		timer.Reset(wait)
		select {
		case req, ok := <-c.queue:
			if !ok {
				return
			}
			*batch = append(*batch, req)
		case <-timer.C:
			if c.arriving.Load() <= 0 || !time.Now().Before(deadline) {
				return
			}
		}
	}
}

// drain adds what is queued now, without waiting, up to maxBatch. It reports
// false when the queue is closed and empty.
func (c *Committer) drain(batch *[]*commitRequest) bool {
	for len(*batch) < c.maxBatch {
		select {
		case req, ok := <-c.queue:
			if !ok {
				return false
			}
			*batch = append(*batch, req)
		default:
			return true
		}
	}
	return true
}

// write stores one batch and answers each of its callers. Callers that gave
// up before their batch began are answered without a write.
func (c *Committer) write(batch []*commitRequest) {
	subs := make([]Submission, 0, len(batch))
	live := make([]*commitRequest, 0, len(batch))
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			req.result <- AddResult{Err: translate(err)}
			continue
		}
		subs = append(subs, req.sub)
		live = append(live, req)
	}
	if len(subs) == 0 {
		return
	}
	defer c.busy(time.Now())
	// The batch's own deadline, not a caller's: one caller leaving must not
	// cut the write short for the others.
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	results := c.store.addEachOwing(ctx, subs)
	c.batches.Add(1)
	c.written.Add(int64(len(subs)))
	if len(subs) > 1 && failedWhole(results) {
		// The whole batch was refused for a reason other than the database
		// being away (one document the driver would not send, say): write
		// each on its own, so that one bad document fails only itself.
		for i := range subs {
			results[i] = c.store.addEachOwing(ctx, subs[i:i+1])[0]
		}
	}
	for i, req := range live {
		req.result <- results[i]
	}
	// The callers are answered. The counts of the last owedMax batches
	// are written together (those that fail stay owed, for the next try),
	// and the leases whose batches are all counted retired.
	if c.store.owedBatches() >= owedMax {
		_ = c.store.writeCounts(ctx)
		_ = c.store.retireLeases(ctx, false)
	}
}

// owedMax is how many batches' counts wait in memory to be written in one
// insert; fewer are written when no batch comes within countWait.
const owedMax = 8

// failedWhole reports whether every submission of a batch failed with an
// error that is not the database being unavailable.
func failedWhole(results []AddResult) bool {
	for _, r := range results {
		if r.Err == nil || errors.Is(r.Err, survey.ErrUnavailable) {
			return false
		}
	}
	return true
}
