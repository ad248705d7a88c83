package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Users stores accounts and their password hashes.
type Users struct{ col *mongo.Collection }

// NewUsers returns the user store of db.
func NewUsers(db *DB) *Users { return &Users{col: db.col(colUsers)} }

type userDoc struct {
	ID           string    `bson:"_id"`
	Email        string    `bson:"email"`
	Name         string    `bson:"name"`
	Role         string    `bson:"role"`
	Villages     []string  `bson:"villages"`
	Active       bool      `bson:"active"`
	PasswordHash string    `bson:"password_hash"`
	Created      time.Time `bson:"created"`
	// ContactPerson: matters' notices and reminders go to this official.
	ContactPerson bool `bson:"contact_person"`
}

func (d userDoc) user() survey.User {
	villages := d.Villages
	if villages == nil {
		villages = []string{}
	}
	return survey.User{ID: d.ID, Email: d.Email, Name: d.Name, Role: d.Role, Villages: villages, Active: d.Active, Created: d.Created, ContactPerson: d.ContactPerson}
}

// Create stores a new user with a password hash; a taken email is ErrConflict.
func (s *Users) Create(ctx context.Context, u *survey.User, passwordHash string) error {
	u.ID = NewID()
	d := userDoc{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Villages: u.Villages,
		Active: u.Active, PasswordHash: passwordHash, Created: u.Created, ContactPerson: u.ContactPerson}
	if _, err := s.col.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("spara användare: %w", translate(err))
	}
	return nil
}

// Get returns one user.
func (s *Users) Get(ctx context.Context, id string) (survey.User, error) {
	var d userDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return survey.User{}, fmt.Errorf("användare: %w", translate(err))
	}
	return d.user(), nil
}

// ByEmail returns the user with the (normalised) email and its password hash.
func (s *Users) ByEmail(ctx context.Context, email string) (survey.User, string, error) {
	var d userDoc
	if err := s.col.FindOne(ctx, bson.M{"email": survey.NormalizeEmail(email)}).Decode(&d); err != nil {
		return survey.User{}, "", fmt.Errorf("användare: %w", translate(err))
	}
	return d.user(), d.PasswordHash, nil
}

// Count returns the number of users.
func (s *Users) Count(ctx context.Context) (int64, error) {
	n, err := s.col.CountDocuments(ctx, bson.M{})
	return n, translate(err)
}

// List returns every user by name.
func (s *Users) List(ctx context.Context) ([]survey.User, error) {
	cur, err := s.col.Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("lista användare: %w", translate(err))
	}
	docs := make([]userDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("lista användare: %w", translate(err))
	}
	out := make([]survey.User, len(docs))
	for i, d := range docs {
		out[i] = d.user()
	}
	return out, nil
}

// Tokens stores bearer tokens for API clients as SHA-256 hashes: a stolen
// database does not yield usable tokens.
type Tokens struct{ col *mongo.Collection }

// NewTokens returns the token store of db.
func NewTokens(db *DB) *Tokens { return &Tokens{col: db.col(colTokens)} }

type tokenDoc struct {
	Hash string `bson:"_id"`
	// ID names the token in lists and for revocation; it is not the secret.
	ID      string    `bson:"id"`
	User    string    `bson:"user"`
	Created time.Time `bson:"created"`
	Expires time.Time `bson:"expires"`
}

// RandomSecret returns n random bytes, URL-safe base64 encoded.
func RandomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error()) // never fails on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret is the stored form of a token or code.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Create issues a token for the user, valid until now+ttl. The plain token is
// returned once and never stored.
func (s *Tokens) Create(ctx context.Context, userID string, now time.Time, ttl time.Duration) (string, error) {
	token := RandomSecret(32)
	d := tokenDoc{Hash: HashSecret(token), ID: NewID(), User: userID, Created: now.UTC(), Expires: now.Add(ttl).UTC()}
	if _, err := s.col.InsertOne(ctx, d); err != nil {
		return "", fmt.Errorf("spara nyckel: %w", translate(err))
	}
	return token, nil
}

// User returns the id of the user a valid token belongs to. An expired token
// is deleted on read (FerretDB has no TTL indexes).
func (s *Tokens) User(ctx context.Context, token string, now time.Time) (string, error) {
	var d tokenDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": HashSecret(token)}).Decode(&d); err != nil {
		return "", fmt.Errorf("nyckel: %w", translate(err))
	}
	if !now.Before(d.Expires) {
		_, _ = s.col.DeleteOne(ctx, bson.M{"_id": d.Hash})
		return "", fmt.Errorf("nyckeln har gått ut: %w", survey.ErrNotFound)
	}
	return d.User, nil
}

// Revoke deletes a token.
func (s *Tokens) Revoke(ctx context.Context, token string) error {
	_, err := s.col.DeleteOne(ctx, bson.M{"_id": HashSecret(token)})
	return translate(err)
}

// Sweep deletes expired tokens.
func (s *Tokens) Sweep(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.col.DeleteMany(ctx, bson.M{"expires": bson.M{"$lte": now.UTC()}})
	if err != nil {
		return 0, translate(err)
	}
	return res.DeletedCount, nil
}

// PasswordLinks stores the one-time links that let a user set a password:
// an invitation to a new account, or a forgotten password. Only the SHA-256
// hash of the secret is stored, as the _id, so a lookup uses the one index
// FerretDB has and a stolen database yields no usable link.
type PasswordLinks struct{ col *mongo.Collection }

// NewPasswordLinks returns the password link store of db.
func NewPasswordLinks(db *DB) *PasswordLinks { return &PasswordLinks{col: db.col(colPassLinks)} }

type passwordLinkDoc struct {
	Hash    string    `bson:"_id"`
	User    string    `bson:"user"`
	Purpose string    `bson:"purpose"`
	Created time.Time `bson:"created"`
	Expires time.Time `bson:"expires"`
}

// PasswordLink is a stored link without its secret.
type PasswordLink struct {
	User    string
	Purpose string
	Expires time.Time
}

// Create issues a link for the user, valid until now+ttl; the secret is
// returned once and never stored.
func (s *PasswordLinks) Create(ctx context.Context, userID, purpose string, now time.Time, ttl time.Duration) (string, error) {
	secret := RandomSecret(32)
	d := passwordLinkDoc{Hash: HashSecret(secret), User: userID, Purpose: purpose, Created: now.UTC(), Expires: now.Add(ttl).UTC()}
	if _, err := s.col.InsertOne(ctx, d); err != nil {
		return "", fmt.Errorf("spara länk: %w", translate(err))
	}
	return secret, nil
}

// Peek returns a valid link without using it up (the page that asks for the
// new password); an unknown or expired link is ErrNotFound.
func (s *PasswordLinks) Peek(ctx context.Context, secret string, now time.Time) (PasswordLink, error) {
	var d passwordLinkDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": HashSecret(secret)}).Decode(&d); err != nil {
		return PasswordLink{}, fmt.Errorf("länk: %w", translate(err))
	}
	if !now.Before(d.Expires) {
		_, _ = s.col.DeleteOne(ctx, bson.M{"_id": d.Hash})
		return PasswordLink{}, fmt.Errorf("länken har gått ut: %w", survey.ErrNotFound)
	}
	return PasswordLink{User: d.User, Purpose: d.Purpose, Expires: d.Expires}, nil
}

// Consume uses a link up and returns it. Of two uses at once only one wins:
// the delete by _id is the decision (one deletes the document, the other
// deletes nothing), not the read before it. An unknown, expired or already
// used link is ErrNotFound.
func (s *PasswordLinks) Consume(ctx context.Context, secret string, now time.Time) (PasswordLink, error) {
	l, err := s.Peek(ctx, secret, now)
	if err != nil {
		return PasswordLink{}, err
	}
	res, err := s.col.DeleteOne(ctx, bson.M{"_id": HashSecret(secret)})
	if err != nil {
		return PasswordLink{}, fmt.Errorf("använda länk: %w", translate(err))
	}
	if res.DeletedCount != 1 {
		return PasswordLink{}, fmt.Errorf("länken har redan använts: %w", survey.ErrNotFound)
	}
	return l, nil
}

// RevokeUser deletes every link of a user (a new link replaces older ones).
func (s *PasswordLinks) RevokeUser(ctx context.Context, userID string) error {
	_, err := s.col.DeleteMany(ctx, bson.M{"user": userID})
	return translate(err)
}

// Sweep deletes expired links.
func (s *PasswordLinks) Sweep(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.col.DeleteMany(ctx, bson.M{"expires": bson.M{"$lte": now.UTC()}})
	if err != nil {
		return 0, translate(err)
	}
	return res.DeletedCount, nil
}
