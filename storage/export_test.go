package storage

import (
	"context"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
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

// ClaimSurveyRevisionForTest claims sv's next revision without copying it to
// the survey document, as a crash between the two writes of Surveys.Save
// would leave it.
func ClaimSurveyRevisionForTest(ctx context.Context, db *DB, sv *survey.Survey) error {
	next := *sv
	next.Revision++
	_, err := db.col(colSurveyRevisions).InsertOne(ctx, surveyRevisionDoc{ID: revisionKey(sv.ID, next.Revision), Survey: toSurveyDoc(&next)})
	return err
}

// UnsetSurveyRevisionForTest removes the revision field from a stored
// survey, as surveys stored before revisions are.
func UnsetSurveyRevisionForTest(ctx context.Context, db *DB, id string) error {
	_, err := db.col(colSurveys).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$unset": bson.M{"revision": ""}})
	return err
}

// ClaimServicePeriodForTest claims a period for a plan that is never
// stored, as a crash between the claim and the plan's first version would
// leave it.
func ClaimServicePeriodForTest(ctx context.Context, db *DB, period, plan string, at time.Time) error {
	_, err := db.col(colServicePeriods).InsertOne(ctx, periodClaimDoc{Key: survey.PeriodKey(period), Plan: plan, At: at})
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
	return r.writeCounts(ctx)
}

// CrashedBatchForTest writes what a batch of subs (one survey) leaves when
// the process dies during its insert: its lease, then, unless stored is
// negative, its marker and the first stored responses; no delta. It
// returns the batch's id.
func CrashedBatchForTest(ctx context.Context, r *Responses, subs []Submission, stored int) (string, error) {
	sv := subs[0].Response.Survey
	now := time.Now().UTC()
	batch, err := r.nextBatch(ctx, []string{sv}, now)
	if err != nil || stored < 0 {
		return batch, err
	}
	marker := pendingDoc{ID: markerPrefix + batch, Created: now}
	docs := []any{&marker}
	for i, sub := range subs {
		marker.IDs = append(marker.IDs, sub.Response.ID)
		if i < stored {
			d, err := toResponseDoc(sub.Response, batch)
			if err != nil {
				return batch, err
			}
			docs = append(docs, d)
		}
	}
	_, err = surveyResponses(r.db, sv).InsertMany(ctx, docs, options.InsertMany().SetOrdered(true))
	return batch, err
}

// LeaseDocsForTest returns how many leases and how many markers (in the
// survey's collection) are stored.
func LeaseDocsForTest(ctx context.Context, db *DB, surveyID string) (leases, markers int, err error) {
	n, err := db.col(colLeases).CountDocuments(ctx, bson.M{})
	if err != nil {
		return 0, 0, err
	}
	m, err := surveyResponses(db, surveyID).CountDocuments(ctx, bson.M{"_id": bson.M{"$regex": "^" + markerPrefix}})
	return int(n), int(m), err
}
