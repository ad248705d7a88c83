package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Limits counts events in fixed time windows, for limits shared by every
// instance (sign-in, forgotten passwords). The n-th event of a window
// inserts the document whose _id ends in n (Claim), so no two events can
// both be told they are the n-th, on one instance or several, and a limit
// decided from that number holds exactly: FerretDB v1.24 was seen to lose
// concurrent $inc updates, and any count by a field other than _id scans
// the collection. Events carry their expiry and are swept, since FerretDB
// has no TTL index. Keys are HMACs when they stand for an address or an
// email.
type Limits struct {
	col *mongo.Collection
	// next is, per key and window, the number the next Claim tries first
	// (this instance's guess; a duplicate key moves it on).
	mu   sync.Mutex
	next map[string]int
}

// NewLimits returns the counter store of db.
func NewLimits(db *DB) *Limits { return &Limits{col: db.col(colLimits), next: map[string]int{}} }

type limitDoc struct {
	ID      string    `bson:"_id"`
	Expires time.Time `bson:"expires"`
}

func window(w time.Duration, now time.Time) time.Time { return now.UTC().Truncate(w) }

// maxHints bounds the guesses kept in memory; past it they are forgotten
// and rebuilt from duplicate keys.
const maxHints = 100_000

func slotID(prefix string, n int) string { return prefix + ":" + strconv.Itoa(n) }

// Claim counts one event for key in the current window and returns its
// number in the window (1 for the first). With max > 0 a window that already
// holds max events stores nothing more and Claim answers max+1. Numbers are
// unique: of any number of concurrent claims at most max get a number ≤ max.
// Without max, a key with many events may skip numbers (it probes ahead in
// growing steps), so the number can overstate the count by up to half.
func (s *Limits) Claim(ctx context.Context, key string, w time.Duration, now time.Time, max int) (int, error) {
	start := window(w, now)
	prefix := "slot:" + key + ":" + strconv.FormatInt(start.Unix(), 36)
	s.mu.Lock()
	n := s.next[prefix]
	s.mu.Unlock()
	if n < 1 {
		n = 1
	}
	for tries := 0; ; tries++ {
		if max > 0 && n > max {
			s.remember(prefix, max+1)
			return max + 1, nil
		}
		_, err := s.col.InsertOne(ctx, limitDoc{ID: slotID(prefix, n), Expires: start.Add(w)})
		if err == nil {
			s.remember(prefix, n+1)
			return n, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return 0, fmt.Errorf("räkna försök: %w", translate(err))
		}
		if tries < 4 || max > 0 {
			n++
		} else {
			n += n / 4 // a key this busy is counted coarsely rather than slowly
		}
	}
}

// Release takes back event n of key in the current window (one that turned
// out to be no attack, such as a sign-in with the right password), so that
// the next Claim reuses its number.
func (s *Limits) Release(ctx context.Context, key string, w time.Duration, now time.Time, n int) error {
	prefix := "slot:" + key + ":" + strconv.FormatInt(window(w, now).Unix(), 36)
	if _, err := s.col.DeleteOne(ctx, bson.M{"_id": slotID(prefix, n)}); err != nil {
		return fmt.Errorf("räkna försök: %w", translate(err))
	}
	s.mu.Lock()
	if s.next[prefix] > n {
		s.next[prefix] = n
	}
	s.mu.Unlock()
	return nil
}

func (s *Limits) remember(prefix string, next int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.next) >= maxHints {
		clear(s.next)
	}
	if s.next[prefix] < next {
		s.next[prefix] = next
	}
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
