package storage

import (
	"context"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
)

// ReplacePlanDocForTest overwrites a plan's document as a crash between the
// version's claim and the copy would leave it.
func ReplacePlanDocForTest(ctx context.Context, db *DB, p *survey.Plan) error {
	_, err := db.col(colPlans).ReplaceOne(ctx, bson.M{"_id": p.ID}, toPlanDoc(p.ID, p))
	return err
}

// ClaimMatterStepForTest claims a matter's next step without copying it to
// the matter, as a crash between the two writes of Matters.Step would leave
// it.
func ClaimMatterStepForTest(ctx context.Context, db *DB, m *survey.Matter, rev int) error {
	var cur matterDoc
	if err := db.col(colMatters).FindOne(ctx, bson.M{"_id": m.ID}).Decode(&cur); err != nil {
		return err
	}
	_, err := db.col(colMatterSteps).InsertOne(ctx, matterClaimDoc{ID: stepKey(m.ID, rev+1), Matter: m.ID, N: rev + 1, After: toMatterDoc(m, cur.Year, cur.N, rev+1)})
	return err
}

// AddOwingForTest stores a batch as the committer does, its counts left
// owed in memory, and returns each submission's outcome.
func AddOwingForTest(ctx context.Context, r *Responses, subs []Submission) []AddResult {
	return r.addEachOwing(ctx, subs)
}

// WriteCountsForTest writes the counts r owes, as the committer does after
// a batch or with the next one.
func WriteCountsForTest(ctx context.Context, r *Responses) error {
	return r.writeCounts(ctx, nil)
}
