package storage_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

var now = time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)

func f(v float64) *float64 { return &v }

// openSurvey stores an open survey of every type for villages aby and bby.
func openSurvey(t *testing.T, db *storage.DB) *survey.Survey {
	t.Helper()
	d := survey.Definition{Title: "T", Villages: []string{"aby", "bby"}, Questions: []survey.Question{
		{Key: "q1", Type: survey.Single, Prompt: "?", Options: []string{"Ja", "Nej"}},
		{Key: "q2", Type: survey.Multi, Prompt: "?", Options: []string{"A", "B", "C"}},
		{Key: "q3", Type: survey.Likert, Prompt: "?"},
		{Key: "q4", Type: survey.Rank, Prompt: "?", Options: []string{"X", "Y"}},
		{Key: "q5", Type: survey.Number, Prompt: "?"},
		{Key: "q6", Type: survey.Text, Prompt: "?"},
	}}
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	sv := &survey.Survey{Status: survey.Draft, Created: now}
	if err := sv.Apply(d); err != nil {
		t.Fatal(err)
	}
	if err := sv.Open(now); err != nil {
		t.Fatal(err)
	}
	if err := storage.NewSurveys(db).Create(context.Background(), sv); err != nil {
		t.Fatal(err)
	}
	return sv
}

func response(sv *survey.Survey, id, village string, i int) storage.Submission {
	x := float64(i%5 + 1)
	return storage.Submission{Survey: sv, Response: &survey.Response{
		ID: id, Survey: sv.ID, Village: village, Channel: survey.ChannelAPI, Submitted: now,
		Answers: map[string]survey.Answer{
			"q1": {Option: []string{"Ja", "Nej"}[i%2]}, "q2": {Options: []string{"A", "C"}},
			"q3": {Number: &x}, "q4": {Options: []string{"Y", "X"}}, "q5": {Number: f(float64(i))}, "q6": {Text: "hej"},
		}}}
}

func TestVillages(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	villages := storage.NewVillages(db)
	v := survey.Village{Slug: "osteraker", Name: "Österåker", Population: 260, Created: now}
	if err := villages.Create(ctx, v); err != nil {
		t.Fatal(err)
	}
	if err := villages.Create(ctx, v); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("a second village with the same slug: got %v; want ErrConflict", err)
	}
	got, err := villages.Get(ctx, "osteraker")
	if err != nil || got.Name != "Österåker" || got.Population != 260 {
		t.Errorf("got %+v, %v; want Österåker with 260", got, err)
	}
	if _, err := villages.Get(ctx, "nosuch"); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("unknown village: got %v; want ErrNotFound", err)
	}
	missing, err := villages.Missing(ctx, []string{"osteraker", "nosuch"})
	if err != nil || len(missing) != 1 || missing[0] != "nosuch" {
		t.Errorf("got missing %v, %v; want [nosuch]", missing, err)
	}
}

func TestSurveySaveRefusesAStaleRevision(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	surveys := storage.NewSurveys(db)
	sv := openSurvey(t, db)
	stale := *sv
	if err := sv.Close(now); err != nil {
		t.Fatal(err)
	}
	if err := surveys.Save(ctx, sv); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := surveys.Save(ctx, &stale); !errors.Is(err, survey.ErrConflict) || !errors.Is(err, storage.ErrSurveyChanged) {
		t.Errorf("saving from a stale revision: got %v; want ErrSurveyChanged (an ErrConflict)", err)
	}
	list, err := surveys.List(ctx, storage.SurveyFilter{Village: "aby", Status: survey.Closed})
	if err != nil || len(list) != 1 {
		t.Errorf("got %d closed surveys for aby, %v; want 1", len(list), err)
	}
}

func TestResponsesAreCountedExactlyOnce(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	responses := storage.NewResponses(db)
	sv := openSurvey(t, db)
	var subs []storage.Submission
	for i := 0; i < 30; i++ {
		subs = append(subs, response(sv, storage.ResponseID(sv.ID, "key-"+string(rune('a'+i))), []string{"aby", "bby"}[i%2], i))
	}
	created, err := responses.Add(ctx, subs)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range created {
		if !c {
			t.Fatalf("response %d: got not created; want created", i)
		}
	}
	// The same batch again (a retry) stores nothing new.
	created, err = responses.Add(ctx, subs[:10])
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range created {
		if c {
			t.Errorf("retry %d: got created; want a duplicate", i)
		}
	}
	if n, err := responses.Count(ctx, sv.ID); err != nil || n != 30 {
		t.Errorf("got %d responses, %v; want 30", n, err)
	}
	ok, err := responses.VerifyTallies(ctx, sv)
	if err != nil || !ok {
		t.Errorf("got tallies equal to a recount = %v, %v; want true", ok, err)
	}
	tallies, _ := responses.Tallies(ctx, sv.ID)
	for _, tl := range tallies {
		if tl.Responses != 15 || tl.Questions["q1"].N != 15 || tl.Questions["q4"].RankSums["1"] != 15 {
			t.Errorf("village %s: got %+v; want 15 responses with Y ranked first", tl.Village, tl)
		}
	}
}

// A crash in the middle of a batch leaves its marker behind; recovery counts
// exactly the responses that batch stored, once, however often it runs.
func TestRecoverPendingCountsOnce(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	responses := storage.NewResponses(db)
	sv := openSurvey(t, db)
	if _, err := responses.Add(ctx, []storage.Submission{response(sv, "r1", "aby", 1)}); err != nil {
		t.Fatal(err)
	}
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(dbtest.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	raw := client.Database(db.Name())
	old := now.Add(-time.Hour)
	// Batch b2 stored r2 and crashed before counting it; batch b3 crashed
	// before storing anything; batch b4 was a retry of r1, which batch r1's
	// counted before.
	markers := []any{
		bson.M{"_id": "b2", "ids": []string{"r2"}, "created": old},
		bson.M{"_id": "b3", "ids": []string{"r3"}, "created": old},
		bson.M{"_id": "b4", "ids": []string{"r1"}, "created": old},
	}
	if _, err := raw.Collection("pending").InsertMany(ctx, markers); err != nil {
		t.Fatal(err)
	}
	doc := bson.M{"_id": "r2", "survey": sv.ID, "village": "aby", "channel": "api", "submitted": now,
		"batch": "b2", "answers": bson.M{"q1": bson.M{"o": "Nej"}}}
	if _, err := raw.Collection("responses").InsertOne(ctx, doc); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		n, err := responses.RecoverPending(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 - i; n != want {
			t.Errorf("run %d: got %d recovered; want %d", i, n, want)
		}
		if n, _ := responses.Count(ctx, sv.ID); n != 2 {
			t.Errorf("run %d: got %d counted; want 2", i, n)
		}
	}
	if n, _ := raw.Collection("pending").CountDocuments(ctx, bson.M{}); n != 0 {
		t.Errorf("got %d markers left; want 0", n)
	}
	if ok, err := responses.VerifyTallies(ctx, sv); err != nil || !ok {
		t.Errorf("got tallies equal to a recount = %v, %v; want true", ok, err)
	}
}

func TestRepairTalliesRestoresARecount(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	responses := storage.NewResponses(db)
	sv := openSurvey(t, db)
	for i := 0; i < 6; i++ {
		if _, err := responses.Add(ctx, []storage.Submission{response(sv, storage.NewID(), "bby", i)}); err != nil {
			t.Fatal(err)
		}
	}
	client, _ := mongo.Connect(ctx, options.Client().ApplyURI(dbtest.URI()))
	defer client.Disconnect(ctx)
	bogus := bson.M{"_id": "bogus/" + sv.ID, "survey": sv.ID, "created": now,
		"v": bson.M{"bby": bson.M{"responses": 5, "q": bson.M{"q1": bson.M{"n": 3, "c": bson.M{"0": 3}}}}}}
	if _, err := client.Database(db.Name()).Collection("tally_deltas").InsertOne(ctx, bogus); err != nil {
		t.Fatal(err)
	}
	if ok, _ := responses.VerifyTallies(ctx, sv); ok {
		t.Fatal("got a damaged tally verified; want a mismatch")
	}
	if err := responses.RepairTallies(ctx, sv); err != nil {
		t.Fatal(err)
	}
	if ok, err := responses.VerifyTallies(ctx, sv); !ok || err != nil {
		t.Errorf("after repair: got %v, %v; want verified", ok, err)
	}
	if n, _ := responses.Count(ctx, sv.ID); n != 6 {
		t.Errorf("after repair: got %d; want 6", n)
	}
}

func TestTokensExpireAndRevoke(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	tokens := storage.NewTokens(db)
	token, err := tokens.Create(ctx, "u1", now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := tokens.User(ctx, token, now.Add(59*time.Minute)); err != nil || id != "u1" {
		t.Errorf("a valid token: got %q, %v; want u1", id, err)
	}
	if _, err := tokens.User(ctx, token, now.Add(time.Hour)); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("an expired token: got %v; want ErrNotFound", err)
	}
	token2, _ := tokens.Create(ctx, "u1", now, time.Hour)
	if err := tokens.Revoke(ctx, token2); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.User(ctx, token2, now); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("a revoked token: got %v; want ErrNotFound", err)
	}
}
