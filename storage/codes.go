package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Codes stores the one-time codes of surveys with access "code". A code is
// stored only as the SHA-256 of the survey id and the normalised code, so the
// database never holds a usable code; the plain codes exist only in the
// response that made them.
//
// A use of a code is a document of its own in code_uses, keyed by the code's
// hash: the unique _id makes a claim atomic on MongoDB and FerretDB alike
// (FerretDB was seen to apply concurrent conditional updates to one document
// more than once, so an update "where unused" could let two responses in).
// Without transactions a use and its response are two writes, made safe like
// this: the use is inserted for the response's id, then the response is
// stored, then the use is confirmed. A retry of the same response (same id)
// finds its own use and goes on; a failed store deletes the use; a use left
// unconfirmed by a crash is deleted by ReleaseOrphans when no response with
// its id exists.
type Codes struct {
	col  *mongo.Collection
	uses *mongo.Collection
	db   *DB
}

// NewCodes returns the code store of db.
func NewCodes(db *DB) *Codes {
	return &Codes{col: db.col(colCodes), uses: db.col(colCodeUses), db: db}
}

type codeDoc struct {
	Hash    string    `bson:"_id"`
	Survey  string    `bson:"survey"`
	Village string    `bson:"village"`
	Created time.Time `bson:"created"`
}

type codeUseDoc struct {
	Hash      string    `bson:"_id"`
	Survey    string    `bson:"survey"`
	Village   string    `bson:"village"`
	Response  string    `bson:"response"`
	At        time.Time `bson:"at"`
	Confirmed bool      `bson:"confirmed"`
}

// codeHash is the stored form of a code of a survey.
func codeHash(surveyID, code string) string {
	return HashSecret(surveyID + "\x00" + survey.NormalizeCode(code))
}

// Make creates n fresh codes for the village of the survey and returns them;
// only their hashes are stored.
func (s *Codes) Make(ctx context.Context, surveyID, village string, n int, now time.Time) ([]string, error) {
	codes := make([]string, 0, n)
	seen := map[string]bool{}
	for attempt := 0; len(codes) < n && attempt < 5; attempt++ {
		var batch []string
		var docs []any
		for len(codes)+len(batch) < n {
			c := survey.NewCode()
			if seen[c] {
				continue
			}
			seen[c] = true
			batch = append(batch, c)
			docs = append(docs, codeDoc{Hash: codeHash(surveyID, c), Survey: surveyID, Village: village, Created: now.UTC()})
		}
		_, err := s.col.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		failed := map[int]bool{}
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
			for _, we := range bwe.WriteErrors {
				if !mongo.IsDuplicateKeyError(we) {
					return nil, fmt.Errorf("spara koder: %w", translate(err))
				}
				failed[we.Index] = true // an older code of the survey has the same hash: draw again
			}
		} else if err != nil {
			return nil, fmt.Errorf("spara koder: %w", translate(err))
		}
		for i, c := range batch {
			if !failed[i] {
				codes = append(codes, c)
			}
		}
	}
	if len(codes) < n {
		return nil, fmt.Errorf("kunde inte dra unika koder: %w", survey.ErrConflict)
	}
	return codes, nil
}

// Claim marks the code as used by the response and reports whether this
// call did (fresh) rather than an earlier one. The same response may claim
// its code again (a retry); another response gets ErrConflict, and a code
// that does not exist for the survey and village gets ErrForbidden.
func (s *Codes) Claim(ctx context.Context, surveyID, village, code, responseID string, now time.Time) (fresh bool, err error) {
	if survey.NormalizeCode(code) == "" {
		return false, fmt.Errorf("ogiltig kod: %w", survey.ErrForbidden)
	}
	h := codeHash(surveyID, code)
	var d codeDoc
	if err := s.col.FindOne(ctx, bson.M{"_id": h}).Decode(&d); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return false, fmt.Errorf("okänd kod: %w", survey.ErrForbidden)
		}
		return false, fmt.Errorf("använda kod: %w", translate(err))
	}
	if d.Village != village {
		return false, fmt.Errorf("koden gäller en annan by: %w", survey.ErrForbidden)
	}
	_, err = s.uses.InsertOne(ctx, codeUseDoc{Hash: h, Survey: surveyID, Village: village, Response: responseID, At: now.UTC()})
	if err == nil {
		return true, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return false, fmt.Errorf("använda kod: %w", translate(err))
	}
	var u codeUseDoc
	if err := s.uses.FindOne(ctx, bson.M{"_id": h}).Decode(&u); err != nil {
		return false, fmt.Errorf("använda kod: %w", translate(err))
	}
	if u.Response == responseID {
		return false, nil
	}
	return false, fmt.Errorf("koden är redan använd: %w", survey.ErrConflict)
}

// Confirm records that the response holding the code is stored.
func (s *Codes) Confirm(ctx context.Context, surveyID, code, responseID string) error {
	h := codeHash(surveyID, code)
	if u, err := s.use(ctx, h); err != nil || u.Response != responseID || u.Confirmed {
		return err
	}
	_, err := s.uses.UpdateOne(ctx, bson.M{"_id": h}, bson.M{"$set": bson.M{"confirmed": true}})
	return translate(err)
}

// use reads a claim by _id (a filter of _id alone: FerretDB scans the
// collection for any other, even _id and one more field); none is no error.
// Read, then written by _id: only the claiming request and, ten minutes on,
// ReleaseOrphans write a claim, so nothing changes it in between.
func (s *Codes) use(ctx context.Context, hash string) (codeUseDoc, error) {
	var u codeUseDoc
	err := s.uses.FindOne(ctx, bson.M{"_id": hash}).Decode(&u)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return u, nil
	}
	return u, translate(err)
}

// Release frees a code claimed by a response that could not be stored.
func (s *Codes) Release(ctx context.Context, surveyID, code, responseID string) error {
	h := codeHash(surveyID, code)
	if u, err := s.use(ctx, h); err != nil || u.Response != responseID || u.Confirmed {
		return err
	}
	_, err := s.uses.DeleteOne(ctx, bson.M{"_id": h})
	return translate(err)
}

// ReleaseOrphans frees codes claimed before olderThan and never confirmed
// whose response does not exist (a crash between claim and store), and
// confirms those whose response does. It returns how many it freed.
func (s *Codes) ReleaseOrphans(ctx context.Context, olderThan time.Time) (int, error) {
	cur, err := s.uses.Find(ctx, bson.M{"confirmed": false, "at": bson.M{"$lt": olderThan.UTC()}})
	if err != nil {
		return 0, fmt.Errorf("leta efter koder: %w", translate(err))
	}
	docs := make([]codeUseDoc, 0)
	if err := cur.All(ctx, &docs); err != nil {
		return 0, fmt.Errorf("leta efter koder: %w", translate(err))
	}
	freed := 0
	for _, d := range docs {
		n, err := surveyResponses(s.db, d.Survey).CountDocuments(ctx, bson.M{"_id": d.Response})
		if err == nil && n == 0 {
			// Stored before each survey had its own collection?
			n, err = s.db.col(colResponses).CountDocuments(ctx, bson.M{"_id": d.Response})
		}
		if err != nil {
			return freed, translate(err)
		}
		filter := bson.M{"_id": d.Hash, "response": d.Response}
		if n > 0 {
			_, err = s.uses.UpdateOne(ctx, filter, bson.M{"$set": bson.M{"confirmed": true}})
		} else {
			_, err = s.uses.DeleteOne(ctx, filter)
			freed++
		}
		if err != nil {
			return freed, translate(err)
		}
	}
	return freed, nil
}

// CodeCount is how many codes a village has and how many are used.
type CodeCount struct {
	Made int64 `json:"made"`
	Used int64 `json:"used"`
}

// Counts returns the codes made and used per village of the survey.
func (s *Codes) Counts(ctx context.Context, surveyID string, villages []string) (map[string]CodeCount, error) {
	out := make(map[string]CodeCount, len(villages))
	for _, v := range villages {
		made, err := s.col.CountDocuments(ctx, bson.M{"survey": surveyID, "village": v})
		if err != nil {
			return nil, fmt.Errorf("räkna koder: %w", translate(err))
		}
		used, err := s.uses.CountDocuments(ctx, bson.M{"survey": surveyID, "village": v})
		if err != nil {
			return nil, fmt.Errorf("räkna koder: %w", translate(err))
		}
		out[v] = CodeCount{Made: made, Used: used}
	}
	return out, nil
}
