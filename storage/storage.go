// Package storage keeps Förankra's data in MongoDB (or the embedded FerretDB
// that stands in for it). BSON lives on private document types converted to
// and from the survey types; driver errors are translated to survey's
// sentinels here, so nothing above this package sees the driver.
package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"
	"go.mongodb.org/mongo-driver/mongo/writeconcern"
)

// Collection names.
const (
	colVillages  = "villages"
	colSurveys   = "surveys"
	colResponses = "responses"
	colTallies   = "tallies"
	colUsers     = "users"
	colTokens    = "tokens"
	colCodes     = "codes"
)

// DB is a connected database.
type DB struct {
	client *mongo.Client
	db     *mongo.Database
}

// Connect dials uri, pings it within timeout and returns the named database.
// Writes wait for the majority (journaled) so an answered write survives a crash.
func Connect(ctx context.Context, uri, name string, timeout time.Duration) (*DB, error) {
	opts := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(timeout).
		SetConnectTimeout(timeout).
		SetAppName("forankra")
	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("ansluta till databasen: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := client.Ping(pctx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("databasen svarar inte: %w", err)
	}
	db := client.Database(name, options.Database().SetWriteConcern(writeconcern.Majority()))
	return &DB{client: client, db: db}, nil
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
			{Keys: bson.D{{Key: "pending", Value: 1}}},
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
	return nil
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
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		mongo.IsNetworkError(err), mongo.IsTimeout(err), isSelectionError(err):
		return fmt.Errorf("%v: %w", err, survey.ErrUnavailable)
	}
	return err
}

// isSelectionError matches the driver's failure to reach any server, which it
// reports without a typed error.
func isSelectionError(err error) bool {
	if errors.Is(err, mongo.ErrClientDisconnected) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "server selection error") || strings.Contains(msg, "connection refused")
}
