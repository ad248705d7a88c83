package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Limits counts events in fixed time windows, for rate limits shared by every
// instance (one counter document per key and window, incremented with an
// upsert). Counters carry their expiry and are swept, since FerretDB has no
// TTL index. Keys are hashed by the caller when they hold an address or email.
type Limits struct{ col *mongo.Collection }

// NewLimits returns the counter store of db.
func NewLimits(db *DB) *Limits { return &Limits{col: db.col(colLimits)} }

type limitDoc struct {
	ID      string    `bson:"_id"`
	N       int       `bson:"n"`
	Expires time.Time `bson:"expires"`
}

func windowID(key string, window time.Duration, now time.Time) (string, time.Time) {
	start := now.UTC().Truncate(window)
	return key + "|" + strconv.FormatInt(start.Unix(), 10), start.Add(window)
}

// Hit counts one event for key in the current window and returns the count
// including it.
func (s *Limits) Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	id, expires := windowID(key, window, now)
	var d limitDoc
	for attempt := 0; ; attempt++ {
		err := s.col.FindOneAndUpdate(ctx, bson.M{"_id": id},
			bson.M{"$inc": bson.M{"n": 1}, "$setOnInsert": bson.M{"expires": expires}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
		if err == nil {
			return d.N, nil
		}
		// Two first hits at once: one insert wins, the other retries as an update.
		if !mongo.IsDuplicateKeyError(err) || attempt > 2 {
			return 0, fmt.Errorf("räkna försök: %w", translate(err))
		}
	}
}

// Count returns the count for key in the current window.
func (s *Limits) Count(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	id, _ := windowID(key, window, now)
	var d limitDoc
	err := s.col.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("räkna försök: %w", translate(err))
	}
	return d.N, nil
}

// Reset forgets key's count in the current window.
func (s *Limits) Reset(ctx context.Context, key string, window time.Duration, now time.Time) error {
	id, _ := windowID(key, window, now)
	_, err := s.col.DeleteOne(ctx, bson.M{"_id": id})
	return translate(err)
}

// Sweep deletes counters of windows that have ended.
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
