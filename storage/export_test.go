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
