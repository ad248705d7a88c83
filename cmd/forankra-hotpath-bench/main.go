// Command forankra-hotpath-bench fills a database with responses over
// several surveys, and sessions, tokens and one-time codes beside them, and
// times each path that residents, attackers and the forum hit (p50 and p90
// of sequential calls), so that a query that scans a growing collection
// shows up. With MONGODB_URI unset it runs on the embedded FerretDB, where
// only a read by an existing _id uses an index.
//
//	go run ./cmd/forankra-hotpath-bench -responses 100000 -surveys 5 -calls 31
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "forankra-hotpath-bench:", err)
		os.Exit(1)
	}
}

var definition = survey.Definition{
	Title: "Mätning", Villages: []string{"alvby", "bergsjo", "dalen"}, Access: survey.AccessLink,
	Questions: []survey.Question{
		{Key: "q1", Type: survey.Single, Prompt: "?", Options: []string{"Ja", "Nej"}},
		{Key: "q2", Type: survey.Likert, Prompt: "?"},
		{Key: "q3", Type: survey.Text, Prompt: "?"},
	},
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("forankra-hotpath-bench", flag.ContinueOnError)
	total := fs.Int("responses", 100000, "responses to store, spread over the surveys")
	surveys := fs.Int("surveys", 5, "surveys to spread them over")
	calls := fs.Int("calls", 31, "timed calls of each path")
	if err := fs.Parse(args); err != nil {
		return err
	}
	uri := os.Getenv("MONGODB_URI")
	if uri == "" {
		dir, err := os.MkdirTemp("", "forankra-hotpath-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		emb, err := storage.StartEmbedded(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			return err
		}
		defer emb.Stop()
		uri = emb.URI()
	}
	dbName := fmt.Sprintf("hotpath_%d", time.Now().UnixNano())
	db, err := storage.Connect(ctx, uri, dbName, 10*time.Second)
	if err != nil {
		return err
	}
	defer func() { _ = db.Drop(context.Background()); db.Close(context.Background()) }()
	if err := db.EnsureIndexes(ctx); err != nil {
		return err
	}
	raw, err := mongo.Connect(ctx, options.Client().ApplyURI(uri))
	if err != nil {
		return err
	}
	defer raw.Disconnect(context.Background())

	now := time.Now()
	store := storage.NewSurveys(db)
	newSurvey := func(access string) (*survey.Survey, error) {
		d := definition
		d.Access = access
		sv := &survey.Survey{Status: survey.Draft, Created: now}
		if err := sv.Apply(d); err != nil {
			return nil, err
		}
		if err := sv.Open(now); err != nil {
			return nil, err
		}
		return sv, store.Create(ctx, sv)
	}
	responses := storage.NewResponses(db)
	var big []*survey.Survey
	for range *surveys {
		sv, err := newSurvey(survey.AccessLink)
		if err != nil {
			return err
		}
		big = append(big, sv)
	}
	small, err := newSurvey(survey.AccessLink) // a 30-response survey among the others
	if err != nil {
		return err
	}
	codeSurvey, err := newSurvey(survey.AccessCode)
	if err != nil {
		return err
	}
	response := func(sv *survey.Survey, id string, i int) storage.Submission {
		x := float64(i%5 + 1)
		return storage.Submission{Survey: sv, Response: &survey.Response{ID: id, Survey: sv.ID,
			Village: definition.Villages[i%3], Channel: survey.ChannelAPI, Submitted: now,
			Answers: map[string]survey.Answer{"q1": {Option: []string{"Ja", "Nej"}[i%2]}, "q2": {Number: &x}, "q3": {Text: "Bättre bussar till stan"}}}}
	}
	fill := time.Now()
	const batch = 256
	for i := 0; i < *total; i += batch {
		subs := make([]storage.Submission, 0, batch)
		for j := i; j < min(i+batch, *total); j++ {
			sub := response(big[j%len(big)], storage.ResponseID(big[j%len(big)].ID, fmt.Sprint("fill-", j)), j)
			sub.SameRequest = true // as the API's keyed submissions
			subs = append(subs, sub)
		}
		if _, err := responses.Add(ctx, subs); err != nil {
			return err
		}
	}
	for i := range 30 {
		if _, err := responses.Add(ctx, []storage.Submission{response(small, storage.NewID(), i)}); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "stored %d responses over %d surveys (+30 in a small one) in %v\n", *total, *surveys, time.Since(fill).Round(time.Second))

	sessions, tokens, users, codes := storage.NewSessions(db), storage.NewTokens(db), storage.NewUsers(db), storage.NewCodes(db)
	u, hash, err := survey.NewUser{Email: "bench@example.se", Name: "Bänk", Password: "ett-långt-lösenord-för-mätning", Role: survey.RoleAdmin}.User(now)
	if err != nil {
		return err
	}
	if err := users.Create(ctx, &u, hash); err != nil {
		return err
	}
	var sessionID, token string
	for range 2000 {
		if sessionID, _, err = sessions.Create(ctx, u.ID, now, time.Hour); err != nil {
			return err
		}
	}
	for range 500 {
		if token, err = tokens.Create(ctx, u.ID, now, time.Hour); err != nil {
			return err
		}
	}
	links := storage.NewPasswordLinks(db)
	var link string
	for range 2000 {
		if link, err = links.Create(ctx, u.ID, "reset", now, time.Hour); err != nil {
			return err
		}
	}
	limits := storage.NewLimits(db)
	shortLinks := storage.NewShortLinks(db)
	var short string
	for i := range 2000 {
		if short, err = shortLinks.Ensure(ctx, fmt.Sprint("bench-survey-", i), "alvby"); err != nil {
			return err
		}
	}
	codeList, err := codes.Make(ctx, codeSurvey.ID, "alvby", 5000+*calls, now)
	if err != nil {
		return err
	}
	for i, c := range codeList[:1000] {
		id := storage.NewID()
		if _, err := codes.Claim(ctx, codeSurvey.ID, "alvby", c, id, now); err != nil {
			return err
		}
		if _, err := responses.Add(ctx, []storage.Submission{response(codeSurvey, id, i)}); err != nil {
			return err
		}
		if err := codes.Confirm(ctx, codeSurvey.ID, c, id); err != nil {
			return err
		}
	}
	free := codeList[1000:]
	first := big[0]
	// The last response filled into the first survey: without the embedded
	// server's own _id index a read by _id reads up to the document, so the
	// first one would flatter.
	last := (*total - 1) / len(big) * len(big)
	retryID := storage.ResponseID(first.ID, fmt.Sprint("fill-", last))
	// Where a batch's marker is written (beside the deltas).
	pending := raw.Database(dbName).Collection("tally_deltas")

	type path struct {
		name string
		call func(i int) error
	}
	paths := []path{
		{"session: read a signed-in session", func(int) error { _, err := sessions.Get(ctx, sessionID, now); return err }},
		{"session: an unknown session (refused)", func(i int) error {
			_, err := sessions.Get(ctx, fmt.Sprint("okänd-", i), now)
			return ignore(err, survey.ErrNotFound, survey.ErrUnauthorized)
		}},
		{"token: an API token", func(int) error { _, err := tokens.User(ctx, token, now); return err }},
		{"token: an unknown token (refused)", func(i int) error {
			_, err := tokens.User(ctx, fmt.Sprint("okänd-", i), now)
			return ignore(err, survey.ErrNotFound, survey.ErrUnauthorized)
		}},
		{"password link: a valid link (the page that asks for a password)", func(int) error { _, err := links.Peek(ctx, link, now); return err }},
		{"password link: an unknown link (refused)", func(i int) error {
			_, err := links.Peek(ctx, fmt.Sprint("okänd-", i), now)
			return ignore(err, survey.ErrNotFound)
		}},
		{"short link: resolve a link on a poster", func(int) error { _, err := shortLinks.Resolve(ctx, short); return err }},
		{"short link: an unknown link (refused)", func(i int) error {
			_, err := shortLinks.Resolve(ctx, fmt.Sprint("okand", i))
			return ignore(err, survey.ErrNotFound)
		}},
		{"sign-in: claim an attempt of an account and address", func(i int) error {
			_, err := limits.Claim(ctx, fmt.Sprint("bench-address-", i%3), time.Minute, now, 10)
			return err
		}},
		{"code: claim a fresh one-time code", func(i int) error {
			_, err := codes.Claim(ctx, codeSurvey.ID, "alvby", free[i], storage.NewID(), now)
			return err
		}},
		{"code: a wrong one-time code (refused)", func(i int) error {
			_, err := codes.Claim(ctx, codeSurvey.ID, "alvby", survey.NewCode(), storage.NewID(), now)
			return ignore(err, survey.ErrForbidden, survey.ErrNotFound)
		}},
		{"survey: read a survey", func(int) error { _, err := store.Get(ctx, first.ID); return err }},
		{"tallies: a survey's counts (forum, comparison, phone page)", func(int) error { _, err := responses.Tallies(ctx, first.ID); return err }},
		{"submit: store and count one response", func(i int) error {
			_, err := responses.Add(ctx, []storage.Submission{response(small, storage.NewID(), i)})
			return err
		}},
		{"idempotency: a new key (a miss: stored)", func(i int) error {
			sub := response(first, storage.ResponseID(first.ID, fmt.Sprint("new-key-", i)), i)
			sub.SameRequest = true
			created, err := responses.Add(ctx, []storage.Submission{sub})
			if err == nil && !created[0] {
				return fmt.Errorf("a new key was taken for a retry")
			}
			return err
		}},
		{"idempotency: a retry finds the first response", func(int) error {
			sub := response(first, retryID, last)
			sub.SameRequest = true
			created, err := responses.Add(ctx, []storage.Submission{sub})
			if err == nil && created[0] {
				return fmt.Errorf("a retry was stored again")
			}
			return err
		}},
		{"idempotency: another body under a used key (refused)", func(i int) error {
			sub := response(first, retryID, last+1+i%2)
			sub.SameRequest = true
			_, err := responses.Add(ctx, []storage.Submission{sub})
			return ignore(err, storage.ErrKeyReused)
		}},
		{"read by _id the last response of a big survey", func(int) error {
			_, err := responses.Get(ctx, first.ID, retryID)
			return err
		}},
		{"read by a missing _id in a big survey's responses", func(i int) error {
			_, err := responses.Get(ctx, first.ID, fmt.Sprint("saknas-", i))
			return ignore(err, survey.ErrNotFound)
		}},
		{"recovery: a sweep with nothing pending", func(int) error {
			_, err := responses.RecoverPending(ctx, now.Add(-time.Minute))
			return err
		}},
		{"csv: every response of the 30-response survey", func(int) error {
			n := 0
			err := responses.Each(ctx, small.ID, func(survey.Response) error { n++; return nil })
			if err == nil && n < 30 {
				return fmt.Errorf("csv: got %d rows; want at least 30", n)
			}
			return err
		}},
	}
	// What a crash leaves: a batch of 256 ids of one of the big surveys,
	// none of them written. Timed once per call, each with a new marker.
	paths = append(paths, path{"recovery: a crashed batch of 256 unwritten ids", func(i int) error {
		ids := make([]string, 256)
		for j := range ids {
			ids[j] = storage.NewID()
		}
		if _, err := pending.InsertOne(ctx, bson.M{"_id": fmt.Sprint("crash-", i), "ids": ids, "sv": []string{first.ID}, "created": now.Add(-time.Hour)}); err != nil {
			return err
		}
		_, err := responses.RecoverPending(ctx, now.Add(-time.Minute))
		return err
	}})

	fmt.Fprintf(out, "%-62s %9s %9s\n", "path", "p50", "p90")
	for _, p := range paths {
		// The committer folds the deltas of counted batches every few seconds.
		if err := responses.Fold(ctx, time.Now()); err != nil {
			return err
		}
		times := make([]time.Duration, 0, *calls)
		for i := range *calls {
			start := time.Now()
			if err := p.call(i); err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		fmt.Fprintf(out, "%-62s %9s %9s\n", p.name, ms(times[len(times)/2]), ms(times[len(times)*9/10]))
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// ignore returns nil when err is one of the refusals expected.
func ignore(err error, expected ...error) error {
	for _, e := range expected {
		if errors.Is(err, e) {
			return nil
		}
	}
	return err
}
