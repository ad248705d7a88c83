// Package storage keeps Förankra's data in MongoDB (or the embedded FerretDB
// that stands in for it). BSON lives on private document types converted to
// and from the survey types; driver errors are translated to survey's
// sentinels here, so nothing above this package sees the driver.
//
// FerretDB v1.24 on SQLite, the embedded default, turns only a filter of
// {_id: <string or ObjectID>} alone into SQL (find, count, update, delete);
// any other filter, even _id with one more field, _id with $in or a range,
// or an indexed field, reads the whole collection and filters it in Go
// (reported: a find by an indexed field 0.18 s, 1.5 s and 7.5–13 s at 1,000,
// 10,000 and 50,000 documents). Even the _id filter found no index: FerretDB
// indexes _ferretdb_sjson->"_id" but asks for _ferretdb_sjson->'$._id', and
// SQLite matches an expression index by its text, so a read of an _id
// scanned its table up to the document, and all of it for an _id that is
// not there (a wrong code, an unknown session: 1 s at 50,000). The unique
// index served only an insert's duplicate-key check. The embedded server
// therefore gives every collection an index on the expression the lookups
// use (idIndexer, within a second of the collection's creation): a read,
// update or delete by _id alone then costs about 0.5 ms at 100,000
// documents, found or missing. So the paths that residents, attackers or the
// forum hit read by _id alone, insert and read the duplicate-key error, or
// read a small collection; each survey keeps its responses in a collection
// of its own, so that reading them reads only them. Secondary indexes are
// still made for MongoDB.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"
	"go.mongodb.org/mongo-driver/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/x/mongo/driver/topology"
)

// Collection names.
const (
	colVillages  = "villages"
	colSurveys   = "surveys"
	colResponses = "responses"
	colTallies   = "tallies"
	colDeltas    = "tally_deltas"
	colPending   = "pending"
	colUsers     = "users"
	colTokens    = "tokens"
	colCodes     = "codes"
	colSessions  = "sessions"
	colLimits    = "limits"
	colAudit     = "audit"
	colSecrets   = "secrets"
	colPassLinks = "password_links"
	colCodeUses  = "code_uses"
	// colRetiredRequests held one document per keyed submission, never
	// deleted, before a duplicate response was read by its _id instead;
	// EnsureIndexes drops what earlier versions left in it.
	colRetiredRequests = "response_requests"
)

// SelectTimeout is the longest an operation waits for a database server
// before it fails as unavailable.
const SelectTimeout = 3 * time.Second

// DB is a connected database.
type DB struct {
	client *mongo.Client
	db     *mongo.Database
	// sqliteDir is the data directory of the embedded server of this
	// process that the client talks to, if it is one (see sqlread.go).
	sqliteDir string
}

// ConnectOption changes how Connect sets up the client.
type ConnectOption func(*options.ClientOptions)

// WithCommandMonitor has m see every command the client sends (tests count
// the queries a page needs).
func WithCommandMonitor(m *event.CommandMonitor) ConnectOption {
	return func(o *options.ClientOptions) { o.SetMonitor(m) }
}

// Connect dials uri, pings it within timeout and returns the named database.
// Writes wait for the majority (journaled) so an answered write survives a crash.
func Connect(ctx context.Context, uri, name string, timeout time.Duration, opt ...ConnectOption) (*DB, error) {
	// Each operation waits at most selectTimeout for a server, so that a
	// request during an outage gets its 503 in seconds; the start waits the
	// whole timeout, pinging again and again.
	selectTimeout := min(timeout, SelectTimeout)
	opts := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(selectTimeout).
		SetConnectTimeout(selectTimeout).
		SetAppName("forankra")
	for _, o := range opt {
		o(opts)
	}
	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("ansluta till databasen: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		err := client.Ping(pctx, readpref.Primary())
		if err == nil {
			break
		}
		if pctx.Err() != nil {
			_ = client.Disconnect(context.Background())
			return nil, fmt.Errorf("databasen svarar inte: %w", err)
		}
		select {
		case <-pctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	db := client.Database(name, options.Database().SetWriteConcern(writeconcern.Majority()))
	d := &DB{client: client, db: db}
	if dir, ok := embeddedDirs.Load(uri); ok {
		d.sqliteDir = dir.(string)
	}
	return d, nil
}

// Close disconnects.
func (d *DB) Close(ctx context.Context) error { return d.client.Disconnect(ctx) }

// Ping reports whether the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("%v: %w", err, survey.ErrUnavailable)
	}
	return nil
}

// Drop deletes the whole database (tests use it to clean up).
func (d *DB) Drop(ctx context.Context) error { return d.db.Drop(ctx) }

// Name is the database's name.
func (d *DB) Name() string { return d.db.Name() }

func (d *DB) col(name string) *mongo.Collection { return d.db.Collection(name) }

// EnsureIndexes creates the indexes the stores rely on. It is idempotent and
// runs at start.
func (d *DB) EnsureIndexes(ctx context.Context) error {
	idx := map[string][]mongo.IndexModel{
		colSurveys: {
			{Keys: bson.D{{Key: "villages", Value: 1}}},
			{Keys: bson.D{{Key: "status", Value: 1}}},
		},
		colResponses: {
			{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "village", Value: 1}}},
		},
		colTallies: {
			{Keys: bson.D{{Key: "survey", Value: 1}}},
		},
		colUsers: {
			{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetUnique(true)},
		},
		colTokens: {
			{Keys: bson.D{{Key: "user", Value: 1}}},
		},
		colCodes: {
			{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "village", Value: 1}}},
		},
		colSessions: {
			{Keys: bson.D{{Key: "user", Value: 1}}},
			{Keys: bson.D{{Key: "expires", Value: 1}}},
		},
		colLimits: {
			{Keys: bson.D{{Key: "expires", Value: 1}}},
		},
		colCodeUses: {
			{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "village", Value: 1}}},
			{Keys: bson.D{{Key: "confirmed", Value: 1}, {Key: "at", Value: 1}}},
		},
		colAudit: {
			{Keys: bson.D{{Key: "at", Value: -1}}},
		},
		colServicePlans: {
			{Keys: bson.D{{Key: "plan", Value: 1}, {Key: "version", Value: 1}}},
		},
		// Bygdepeng.
		colLedger: {
			{Keys: bson.D{{Key: "fund", Value: 1}, {Key: "n", Value: 1}}},
		},
		colApplications: {
			{Keys: bson.D{{Key: "fund", Value: 1}}},
		},
	}
	for name, models := range idx {
		// One at a time: FerretDB v1.24 panics on createIndexes with several
		// indexes that all exist already (a restart).
		for _, m := range models {
			if _, err := d.col(name).Indexes().CreateOne(ctx, m); err != nil {
				return fmt.Errorf("index för %s: %w", name, translate(err))
			}
		}
	}
	if err := d.ensureMatterIndexes(ctx); err != nil {
		return err
	}
	if err := d.col(colRetiredRequests).Drop(ctx); err != nil {
		return fmt.Errorf("ta bort %s: %w", colRetiredRequests, translate(err))
	}
	if err := d.ensureRemissIndexes(ctx); err != nil {
		return err
	}
	return d.ensureMeetingIndexes(ctx)
}

// translate maps driver errors to survey's sentinels.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("%v: %w", err, survey.ErrNotFound)
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("%v: %w", err, survey.ErrConflict)
	case isUnavailable(err):
		return fmt.Errorf("%v: %w", err, survey.ErrUnavailable)
	}
	return err
}

// unavailableCodes are server error codes that mean "not now", not "no":
// a primary stepping down or shutting down, a host out of reach.
var unavailableCodes = map[int32]bool{
	6: true, 7: true, 89: true, 91: true, 189: true, 9001: true, // host unreachable/not found, network timeout, shutdown in progress, primary stepped down, socket exception
	10107: true, 11600: true, 11602: true, 13435: true, 13436: true, // not writable primary, interrupted at/due to shutdown or replication state change, not primary
}

// isUnavailable matches the driver's ways of saying the database cannot be
// reached or cannot take the operation right now: no server to select, a
// network error or timeout, a connection pool cleared after such an error, a
// disconnected client, a cancelled request, a retryable server error.
func isUnavailable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, mongo.ErrClientDisconnected) || errors.Is(err, topology.ErrServerSelectionTimeout) ||
		errors.Is(err, topology.ErrTopologyClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	if mongo.IsNetworkError(err) || mongo.IsTimeout(err) {
		return true
	}
	var sel topology.ServerSelectionError
	var conn topology.ConnectionError
	var netErr net.Error
	if errors.As(err, &sel) || errors.As(err, &conn) || errors.As(err, &netErr) {
		return true
	}
	var labeled mongo.LabeledError
	if errors.As(err, &labeled) && (labeled.HasErrorLabel("RetryableWriteError") || labeled.HasErrorLabel("TransientTransactionError")) {
		return true
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		for code := range unavailableCodes {
			if se.HasErrorCode(int(code)) {
				return true
			}
		}
	}
	msg := err.Error()
	return strings.Contains(msg, "server selection error") || strings.Contains(msg, "connection refused") ||
		strings.Contains(msg, "was cleared because another operation failed") || strings.Contains(msg, "connection closed")
}
