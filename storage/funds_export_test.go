package storage

import (
	"context"

	"github.com/forankra/forankra/survey"
)

// ClaimApplicationRevisionForTest claims a's next revision without copying
// it to the application, as a crash between the two writes leaves it.
func ClaimApplicationRevisionForTest(ctx context.Context, db *DB, a *survey.Application) error {
	d := toApplicationDoc(a)
	d.Rev = a.Rev + 1
	_, err := db.col(colAppRevs).InsertOne(ctx, appRevDoc{ID: appRevKey(a.ID, d.Rev), App: a.ID, Fund: a.Fund, Rev: d.Rev, After: d})
	return err
}
