package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Update stores a changed user; passwordHash "" keeps the password. An email
// another account has is ErrConflict (the unique index decides).
func (s *Users) Update(ctx context.Context, u survey.User, passwordHash string) error {
	set := bson.M{"name": u.Name, "email": survey.NormalizeEmail(u.Email), "role": u.Role, "villages": u.Villages, "active": u.Active, "contact_person": u.ContactPerson}
	if passwordHash != "" {
		set["password_hash"] = passwordHash
	}
	res, err := s.col.UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$set": set})
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		// FerretDB v1.24 reports a unique index broken by an update as an
		// InternalError carrying SQLite's message, not as a duplicate key.
		return fmt.Errorf("spara användare: %v: %w", err, survey.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("spara användare: %w", translate(err))
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("användare %q: %w", u.ID, survey.ErrNotFound)
	}
	return nil
}

// TokenInfo describes an issued token without its secret.
type TokenInfo struct {
	ID      string    `json:"id"`
	User    string    `json:"user"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// List returns the user's tokens, newest first.
func (s *Tokens) List(ctx context.Context, userID string) ([]TokenInfo, error) {
	cur, err := s.col.Find(ctx, bson.M{"user": userID}, options.Find().SetSort(bson.D{{Key: "created", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("lista nycklar: %w", translate(err))
	}
	docs := make([]tokenDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("lista nycklar: %w", translate(err))
	}
	out := make([]TokenInfo, len(docs))
	for i, d := range docs {
		out[i] = TokenInfo{ID: d.ID, User: d.User, Created: d.Created, Expires: d.Expires}
	}
	return out, nil
}

// Info returns one token by its id.
func (s *Tokens) Info(ctx context.Context, id string) (TokenInfo, error) {
	var d tokenDoc
	if err := s.col.FindOne(ctx, bson.M{"id": id}).Decode(&d); err != nil {
		return TokenInfo{}, fmt.Errorf("nyckel: %w", translate(err))
	}
	return TokenInfo{ID: d.ID, User: d.User, Created: d.Created, Expires: d.Expires}, nil
}

// RevokeID deletes the token with the id.
func (s *Tokens) RevokeID(ctx context.Context, id string) error {
	_, err := s.col.DeleteOne(ctx, bson.M{"id": id})
	return translate(err)
}

// RevokeUser deletes every token of the user (when the account is deactivated).
func (s *Tokens) RevokeUser(ctx context.Context, userID string) error {
	_, err := s.col.DeleteMany(ctx, bson.M{"user": userID})
	return translate(err)
}

// RevokeUserExcept deletes every token of the user but keep (the one a
// password change was made with; "" keeps none).
func (s *Tokens) RevokeUserExcept(ctx context.Context, userID, keep string) error {
	_, err := s.col.DeleteMany(ctx, bson.M{"user": userID, "_id": bson.M{"$ne": HashSecret(keep)}})
	return translate(err)
}

// Sessions stores the signed-in sessions of the pages, shared by every
// instance of the service. Only a hash of the session id is stored: the
// cookie is the only place the id itself exists. FerretDB has no TTL index,
// so an expired session is refused on read and swept later.
type Sessions struct{ col *mongo.Collection }

// NewSessions returns the session store of db.
func NewSessions(db *DB) *Sessions { return &Sessions{col: db.col(colSessions)} }

type sessionDoc struct {
	Hash    string    `bson:"_id"`
	User    string    `bson:"user"`
	CSRF    string    `bson:"csrf"`
	Created time.Time `bson:"created"`
	Expires time.Time `bson:"expires"`
}

// Session is a signed-in browser.
type Session struct {
	User    string
	CSRF    string
	Expires time.Time
}

// Create starts a session for the user and returns its id (for the cookie
// only) and the session's CSRF token.
func (s *Sessions) Create(ctx context.Context, userID string, now time.Time, ttl time.Duration) (id string, sess Session, err error) {
	id = RandomSecret(32)
	d := sessionDoc{Hash: HashSecret(id), User: userID, CSRF: RandomSecret(24), Created: now.UTC(), Expires: now.Add(ttl).UTC()}
	if _, err := s.col.InsertOne(ctx, d); err != nil {
		return "", Session{}, fmt.Errorf("spara session: %w", translate(err))
	}
	return id, Session{User: userID, CSRF: d.CSRF, Expires: d.Expires}, nil
}

// Get returns the session with the id; an expired one is deleted and is
// ErrNotFound.
func (s *Sessions) Get(ctx context.Context, id string, now time.Time) (Session, error) {
	var d sessionDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": HashSecret(id)}).Decode(&d); err != nil {
		return Session{}, fmt.Errorf("session: %w", translate(err))
	}
	if !now.Before(d.Expires) {
		_, _ = s.col.DeleteOne(ctx, bson.M{"_id": d.Hash})
		return Session{}, fmt.Errorf("sessionen har gått ut: %w", survey.ErrNotFound)
	}
	return Session{User: d.User, CSRF: d.CSRF, Expires: d.Expires}, nil
}

// Delete ends a session (sign-out).
func (s *Sessions) Delete(ctx context.Context, id string) error {
	_, err := s.col.DeleteOne(ctx, bson.M{"_id": HashSecret(id)})
	return translate(err)
}

// DeleteUser ends every session of the user.
func (s *Sessions) DeleteUser(ctx context.Context, userID string) error {
	_, err := s.col.DeleteMany(ctx, bson.M{"user": userID})
	return translate(err)
}

// DeleteUserExcept ends every session of the user but keep (the browser
// that changed the password; "" keeps none).
func (s *Sessions) DeleteUserExcept(ctx context.Context, userID, keep string) error {
	_, err := s.col.DeleteMany(ctx, bson.M{"user": userID, "_id": bson.M{"$ne": HashSecret(keep)}})
	return translate(err)
}

// Sweep deletes expired sessions.
func (s *Sessions) Sweep(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.col.DeleteMany(ctx, bson.M{"expires": bson.M{"$lte": now.UTC()}})
	if err != nil {
		return 0, translate(err)
	}
	return res.DeletedCount, nil
}

// Audit is the log of administrative actions.
type Audit struct{ col *mongo.Collection }

// NewAudit returns the audit log of db.
func NewAudit(db *DB) *Audit { return &Audit{col: db.col(colAudit)} }

type auditDoc struct {
	ID     string    `bson:"_id"`
	At     time.Time `bson:"at"`
	Actor  string    `bson:"actor"`
	Email  string    `bson:"email"`
	Action string    `bson:"action"`
	Target string    `bson:"target"`
	Detail string    `bson:"detail,omitempty"`
}

// Add records an entry.
func (s *Audit) Add(ctx context.Context, e survey.AuditEntry) error {
	d := auditDoc{ID: NewID(), At: e.At.UTC(), Actor: e.Actor, Email: e.Email, Action: e.Action, Target: e.Target, Detail: e.Detail}
	if _, err := s.col.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("spara logg: %w", translate(err))
	}
	return nil
}

// List returns the newest entries, at most limit.
func (s *Audit) List(ctx context.Context, limit int) ([]survey.AuditEntry, error) {
	return s.Before(ctx, "", limit)
}

// Before returns at most limit entries older than the entry with id before
// (the newest when before is ""), newest first. The log only grows, so it is
// paged by _id cursor: ids are ObjectIDs, in the order they were written,
// and a page never skips over the ones before it.
func (s *Audit) Before(ctx context.Context, before string, limit int) ([]survey.AuditEntry, error) {
	q := bson.M{}
	if before != "" {
		q["_id"] = bson.M{"$lt": before}
	}
	cur, err := s.col.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("läsa logg: %w", translate(err))
	}
	docs := make([]auditDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("läsa logg: %w", translate(err))
	}
	out := make([]survey.AuditEntry, len(docs))
	for i, d := range docs {
		out[i] = survey.AuditEntry{ID: d.ID, At: d.At, Actor: d.Actor, Email: d.Email, Action: d.Action, Target: d.Target, Detail: d.Detail}
	}
	return out, nil
}

// Containing returns the collections holding a document whose extended JSON
// contains needle (case-insensitively). It reads everything: it is the
// privacy check of tests and operators ("is this code or address stored
// anywhere?"), not something to call while serving.
func (d *DB) Containing(ctx context.Context, needle string) ([]string, error) {
	names, err := d.db.ListCollectionNames(ctx, bson.M{})
	if err != nil {
		return nil, translate(err)
	}
	needle = strings.ToLower(needle)
	var out []string
	for _, name := range names {
		cur, err := d.db.Collection(name).Find(ctx, bson.M{})
		if err != nil {
			return nil, translate(err)
		}
		for cur.Next(ctx) {
			j, err := bson.MarshalExtJSON(cur.Current, false, false)
			if err == nil && strings.Contains(strings.ToLower(string(j)), needle) {
				out = append(out, name)
				break
			}
		}
		cur.Close(ctx)
	}
	return out, nil
}
