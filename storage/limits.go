package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Limits counts events in fixed time windows, for rate limits shared by every
// instance. Each event is its own small document, and a count is a
// CountDocuments: FerretDB v1.24 was seen to lose concurrent $inc updates
// (40 concurrent increments of one counter left it at 4 to 20), while an
// insert is always counted once. Callers check the count before they hit, so
// a flood past the limit adds no documents. Events carry their expiry and
// are swept, since FerretDB has no TTL index. Keys are HMACs when they stand
// for an address or an email.
type Limits struct{ col *mongo.Collection }

// NewLimits returns the counter store of db.
func NewLimits(db *DB) *Limits { return &Limits{col: db.col(colLimits)} }

type limitDoc struct {
	ID      string    `bson:"_id"`
	Key     string    `bson:"key"`
	Window  time.Time `bson:"w"`
	Expires time.Time `bson:"expires"`
}

func window(w time.Duration, now time.Time) time.Time { return now.UTC().Truncate(w) }

// Hit records one event for key in the current window and returns the count
// including it (and any made at the same moment).
func (s *Limits) Hit(ctx context.Context, key string, w time.Duration, now time.Time) (int, error) {
	if err := s.Record(ctx, key, w, now); err != nil {
		return 0, err
	}
	return s.Count(ctx, key, w, now)
}

// Record notes one event for key in the current window, without counting.
func (s *Limits) Record(ctx context.Context, key string, w time.Duration, now time.Time) error {
	start := window(w, now)
	if _, err := s.col.InsertOne(ctx, limitDoc{ID: NewID(), Key: key, Window: start, Expires: start.Add(w)}); err != nil {
		return fmt.Errorf("räkna försök: %w", translate(err))
	}
	return nil
}

// Count returns the number of events for key in the current window.
func (s *Limits) Count(ctx context.Context, key string, w time.Duration, now time.Time) (int, error) {
	n, err := s.col.CountDocuments(ctx, bson.M{"key": key, "w": window(w, now)})
	if err != nil {
		return 0, fmt.Errorf("räkna försök: %w", translate(err))
	}
	return int(n), nil
}

// Reset forgets key's events in the current window.
func (s *Limits) Reset(ctx context.Context, key string, w time.Duration, now time.Time) error {
	_, err := s.col.DeleteMany(ctx, bson.M{"key": key, "w": window(w, now)})
	return translate(err)
}

// Sweep deletes events of windows that have ended.
func (s *Limits) Sweep(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.col.DeleteMany(ctx, bson.M{"expires": bson.M{"$lte": now.UTC()}})
	if err != nil {
		return 0, translate(err)
	}
	return res.DeletedCount, nil
}

// Secrets holds the service's own random keys (for signed form tokens and
// for hashing addresses), shared by every instance through the database.
type Secrets struct{ col *mongo.Collection }

// NewSecrets returns the key store of db.
func NewSecrets(db *DB) *Secrets { return &Secrets{col: db.col(colSecrets)} }

type secretDoc struct {
	Name  string `bson:"_id"`
	Value string `bson:"value"`
}

// Get returns the named key, creating a random one the first time.
func (s *Secrets) Get(ctx context.Context, name string) ([]byte, error) {
	var d secretDoc
	for attempt := 0; ; attempt++ {
		err := s.col.FindOneAndUpdate(ctx, bson.M{"_id": name},
			bson.M{"$setOnInsert": bson.M{"value": RandomSecret(32)}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
		if err == nil {
			return []byte(d.Value), nil
		}
		if !mongo.IsDuplicateKeyError(err) || attempt > 2 {
			return nil, fmt.Errorf("nyckel %s: %w", name, translate(err))
		}
	}
}

// Keyed returns a hex HMAC-SHA-256 of msg under key: how an address or email
// becomes a counter key without being stored.
func Keyed(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil)[:16])
}
