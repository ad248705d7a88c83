package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

const colAudit = "audit"

// Audit is the append-only log of what officials did: who, what, to which
// thing, when.
type Audit struct{ col *mongo.Collection }

// NewAudit returns the audit log of db.
func NewAudit(db *DB) *Audit { return &Audit{col: db.col(colAudit)} }

type auditDoc struct {
	ID     string    `bson:"_id"`
	At     time.Time `bson:"at"`
	Actor  string    `bson:"actor"`
	Action string    `bson:"action"`
	Target string    `bson:"target"`
	Detail string    `bson:"detail"`
}

func (d *DB) ensureAuditIndexes(ctx context.Context) error {
	_, err := d.col(colAudit).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "at", Value: -1}}})
	if err != nil {
		return fmt.Errorf("index för %s: %w", colAudit, translate(err))
	}
	return nil
}

// Record appends an entry to the log.
func (s *Audit) Record(ctx context.Context, e survey.AuditEntry) error {
	d := auditDoc{ID: NewID(), At: e.At.UTC(), Actor: e.Actor, Action: e.Action, Target: e.Target, Detail: e.Detail}
	if _, err := s.col.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("skriva i granskningsloggen: %w", translate(err))
	}
	return nil
}

// List returns the newest entries, at most limit of them.
func (s *Audit) List(ctx context.Context, limit int) ([]survey.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	cur, err := s.col.Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("läsa granskningsloggen: %w", translate(err))
	}
	docs := make([]auditDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("läsa granskningsloggen: %w", translate(err))
	}
	out := make([]survey.AuditEntry, len(docs))
	for i, d := range docs {
		out[i] = survey.AuditEntry{At: d.At, Actor: d.Actor, Action: d.Action, Target: d.Target, Detail: d.Detail}
	}
	return out, nil
}
