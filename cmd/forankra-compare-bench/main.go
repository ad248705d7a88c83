// Command forankra-compare-bench measures the latency of the comparison
// endpoint, GET /api/v1/surveys/{id}/comparison, at growing numbers of
// responses.
//
// For each size it fills a fresh database with a survey of six questions
// (every type) answered by that many residents of ten villages, inserted
// through storage.Responses.Add in batches so that the tallies are kept as
// in production; then it serves the real handlers on a loopback port and
// times sequential calls over HTTP. With MONGODB_URI unset it runs on the
// embedded FerretDB, the default of the service.
//
//	go run ./cmd/forankra-compare-bench -sizes 1000,100000 -calls 200
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/forankra/forankra/handlers"
	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "forankra-compare-bench:", err)
		os.Exit(1)
	}
}

// villages of the benchmark, with populations.
var villages = []survey.Village{
	{Slug: "alvby", Name: "Älvby", Population: 900}, {Slug: "bergsjo", Name: "Bergsjö", Population: 1400},
	{Slug: "dalen", Name: "Dalen", Population: 300}, {Slug: "edsbyn", Name: "Edsbyn", Population: 2500},
	{Slug: "fjallnas", Name: "Fjällnäs", Population: 150}, {Slug: "gnarp", Name: "Gnarp", Population: 1100},
	{Slug: "hassela", Name: "Hassela", Population: 600}, {Slug: "ilsbo", Name: "Ilsbo", Population: 450},
	{Slug: "jarvso", Name: "Järvsö", Population: 1800}, {Slug: "karrtorp", Name: "Kärrtorp", Population: 700},
}

var definition = survey.Definition{
	Title: "Mätning av jämförelsen", Villages: slugs(), Access: survey.AccessLink,
	Questions: []survey.Question{
		{Key: "skola", Type: survey.Single, Prompt: "Ska skolan byggas ut?", Options: []string{"Ja", "Nej", "Vet ej"}},
		{Key: "plats", Type: survey.Multi, Prompt: "Vilka platser använder du?", Options: []string{"Bad", "Kyrka", "Gård", "Hamn"}, Max: ptr(4)},
		{Key: "buss", Type: survey.Likert, Prompt: "Bussen behövs."},
		{Key: "ordning", Type: survey.Rank, Prompt: "Ordna efter vikt.", Options: []string{"Väg", "Skola", "Vård", "Bredband"}},
		{Key: "ar", Type: survey.Number, Prompt: "År i byn?", Min: ptr(0), Max: ptr(100)},
		{Key: "ovrigt", Type: survey.Text, Prompt: "Något mer?", Max: ptr(200)},
	},
}

func ptr(f float64) *float64 { return &f }

func slugs() []string {
	out := make([]string, len(villages))
	for i, v := range villages {
		out[i] = v.Slug
	}
	return out
}

func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("forankra-compare-bench", flag.ContinueOnError)
	sizes := fs.String("sizes", "1000,100000", "numbers of responses to measure at, comma-separated")
	calls := fs.Int("calls", 200, "timed calls of the endpoint per size")
	batch := fs.Int("batch", 500, "responses per storage.Responses.Add")
	addUpTo := fs.Int("add-up-to", 10000, "sizes up to this go through storage.Responses.Add; larger ones are bulk-inserted and counted by RepairTallies")
	verify := fs.Bool("verify", true, "check that the tallies equal a recount before measuring")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return fmt.Errorf("-sizes: %q is not a number of responses", s)
		}
		ns = append(ns, n)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	uri, where := getenv("MONGODB_URI"), "MONGODB_URI"
	if uri == "" {
		dir, err := os.MkdirTemp("", "forankra-compare-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		emb, err := storage.StartEmbedded(dir, quiet)
		if err != nil {
			return err
		}
		defer emb.Stop()
		uri, where = emb.URI(), "embedded FerretDB (SQLite)"
	}
	fmt.Fprintf(out, "database: %s; %d villages; %d calls per size\n", where, len(villages), *calls)
	fmt.Fprintf(out, "| responses | filled by, time | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | body (bytes) |\n|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, n := range ns {
		if err := measure(ctx, uri, n, *calls, *batch, n <= *addUpTo, *verify, quiet, out); err != nil {
			return fmt.Errorf("%d responses: %w", n, err)
		}
	}
	return nil
}

// measure fills a fresh database with n responses and times the endpoint.
//
// With add, the responses go through storage.Responses.Add, the path of a
// real submission, which keeps the tallies as it goes. Without, they are
// bulk-inserted in the stored form and counted once by RepairTallies: on
// the embedded FerretDB, Add stores about 20 to 100 responses a second
// once a survey has thousands (clearing the pending marks is an UpdateMany
// that FerretDB applies document by document), so 100,000 would take over
// an hour. Either way the tallies equal a recount, which -verify checks,
// and the endpoint reads exactly the same documents.
func measure(ctx context.Context, uri string, n, calls, batch int, add, verify bool, log *slog.Logger, out io.Writer) error {
	name := fmt.Sprintf("compare_bench_%d_%d", n, time.Now().UnixNano())
	db, err := storage.Connect(ctx, uri, name, 10*time.Second)
	if err != nil {
		return err
	}
	defer func() {
		c, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = db.Drop(c)
		_ = db.Close(c)
	}()
	if err := db.EnsureIndexes(ctx); err != nil {
		return err
	}
	now := time.Now()
	vs := storage.NewVillages(db)
	for _, v := range villages {
		v.Created = now
		if err := vs.Create(ctx, v); err != nil {
			return err
		}
	}
	sv := &survey.Survey{Status: survey.Draft, CreatedBy: "bench", Created: now.UTC()}
	if err := sv.Apply(definition); err != nil {
		return err
	}
	if err := sv.Open(now); err != nil {
		return err
	}
	if err := storage.NewSurveys(db).Create(ctx, sv); err != nil {
		return err
	}

	start := time.Now()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	responses := storage.NewResponses(db)
	subs := make([]storage.Submission, 0, batch)
	docs := make([]any, 0, batch)
	// A second client for the bulk insert: storage keeps its collections
	// to itself.
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(uri))
	if err != nil {
		return err
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	raw := client.Database(db.Name()).Collection("responses")
	for i := 0; i < n; i++ {
		r := resident(rng, sv.ID, i, now)
		if add {
			subs = append(subs, storage.Submission{Survey: sv, Response: r})
		} else {
			docs = append(docs, storedForm(r))
		}
		if len(subs) == batch || len(docs) == batch || i == n-1 {
			if len(subs) > 0 {
				if _, err := responses.Add(ctx, subs); err != nil {
					return err
				}
			}
			if len(docs) > 0 {
				if _, err := raw.InsertMany(ctx, docs); err != nil {
					return err
				}
			}
			subs, docs = subs[:0], docs[:0]
		}
		if progress := i + 1; progress%10000 == 0 {
			fmt.Fprintf(os.Stderr, "%d responses stored in %s\n", progress, time.Since(start).Round(time.Second))
		}
	}
	how := "Add"
	if !add {
		how = "bulk+repair"
		if err := responses.RepairTallies(ctx, sv); err != nil {
			return err
		}
	}
	fill := time.Since(start)
	if verify {
		ok, err := responses.VerifyTallies(ctx, sv)
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("the tallies differ from a recount")
		}
	}

	u, hash, err := survey.NewUser{Email: "bench@example.se", Name: "Bench", Password: "ett-långt-lösenord", Role: survey.RoleForum}.User(now)
	if err != nil {
		return err
	}
	if err := storage.NewUsers(db).Create(ctx, &u, hash); err != nil {
		return err
	}
	token, err := storage.NewTokens(db).Create(ctx, u.ID, now, time.Hour)
	if err != nil {
		return err
	}
	app := handlers.New(handlers.Config{DB: db, Logger: log, SubmitLimit: -1}) // one address sends everything
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = app.Listener(ln) }()
	defer func() { _ = app.Shutdown() }()

	url := "http://" + ln.Addr().String() + "/api/v1/surveys/" + sv.ID + "/comparison"
	web := &http.Client{Timeout: 30 * time.Second}
	call := func() (time.Duration, int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		resp, err := web.Do(req)
		if err != nil {
			return 0, 0, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		d := time.Since(t0)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d: %s", resp.StatusCode, body)
		}
		return d, len(body), err
	}
	for range 10 { // warm up connections and caches
		if _, _, err := call(); err != nil {
			return err
		}
	}
	times := make([]time.Duration, 0, calls)
	size := 0
	for range calls {
		d, b, err := call()
		if err != nil {
			return err
		}
		times = append(times, d)
		size = b
	}
	slices.Sort(times)
	q := func(p float64) string {
		i := int(p*float64(len(times)-1) + 0.5)
		return fmt.Sprintf("%.1f", float64(times[i].Microseconds())/1000)
	}
	fmt.Fprintf(out, "| %d | %s, %.0f s | %s | %s | %s | %s | %d |\n", n, how, fill.Seconds(), q(0.50), q(0.90), q(0.99), q(1), size)
	return nil
}

// resident makes one response; the villages lean differently on some
// questions so that the comparison has differences to find.
func resident(rng *rand.Rand, surveyID string, i int, now time.Time) *survey.Response {
	g := i % len(villages)
	pick := func(weights ...float64) int {
		total := 0.0
		for _, w := range weights {
			total += w
		}
		x := rng.Float64() * total
		for j, w := range weights {
			if x < w {
				return j
			}
			x -= w
		}
		return len(weights) - 1
	}
	lean := float64(g) / float64(len(villages)) // 0 … 0.9
	num := func(f float64) *float64 { return &f }
	answers := map[string]survey.Answer{
		"skola": {Option: []string{"Ja", "Nej", "Vet ej"}[pick(1+lean, 1.5-lean, 0.5)]},
		"buss":  {Number: num(float64(1 + pick(1, 1, 2, 3, 3)))},
		"ar":    {Number: num(float64(rng.IntN(80)))},
	}
	var chosen []string
	for j, o := range []string{"Bad", "Kyrka", "Gård", "Hamn"} {
		if rng.Float64() < 0.2+0.15*float64(j)*lean {
			chosen = append(chosen, o)
		}
	}
	if len(chosen) > 0 {
		answers["plats"] = survey.Answer{Options: chosen}
	}
	order := []string{"Väg", "Skola", "Vård", "Bredband"}
	rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
	answers["ordning"] = survey.Answer{Options: order}
	if i%10 == 0 {
		answers["ovrigt"] = survey.Answer{Text: "Tack för att ni frågar."}
	}
	return &survey.Response{ID: storage.NewID(), Survey: surveyID, Village: villages[g].Slug,
		Channel: survey.ChannelAPI, Answers: answers, Submitted: now.UTC()}
}

// storedForm is a response as storage keeps it once counted (the
// responseDoc of package storage, without the pending mark).
func storedForm(r *survey.Response) bson.M {
	answers := bson.M{}
	for k, a := range r.Answers {
		d := bson.M{}
		if a.Option != "" {
			d["o"] = a.Option
		}
		if len(a.Options) > 0 {
			d["os"] = a.Options
		}
		if a.Number != nil {
			d["n"] = *a.Number
		}
		if a.Text != "" {
			d["t"] = a.Text
		}
		answers[k] = d
	}
	return bson.M{"_id": r.ID, "survey": r.Survey, "village": r.Village, "channel": r.Channel,
		"answers": answers, "submitted": r.Submitted}
}
