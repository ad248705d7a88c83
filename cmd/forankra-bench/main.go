// Command forankra-bench measures the submit path against the storage's own
// limit, side by side in one run: it starts an embedded FerretDB (the same
// version the service embeds) in a temporary directory and times, from the
// same number of concurrent clients,
//
//   - raw single InsertOne calls of a response-sized document,
//   - raw InsertMany calls of 256 such documents (the group commit's ceiling),
//   - the service on real HTTP with the submit limit off, all clients from
//     127.0.0.1, residents' JSON submissions with Idempotency-Keys,
//   - the service in its default configuration (submit limit 120 a minute),
//     the clients spread over 64 loopback source addresses 127.0.1.1–64
//     (Linux routes all of 127/8 to lo).
//
// It prints the rates, their ratios, latency percentiles and the process's
// peak memory.
//
// With -fill it instead fills one survey to that many responses through HTTP
// and reports peak memory and the time of the comparison's read of the tallies.
//
//	go run ./cmd/forankra-bench                      # 3,000 of each, 16 clients
//	go run ./cmd/forankra-bench -n 10000 -json out.json
//	go run ./cmd/forankra-bench -fill 100000
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/forankra/forankra/handlers"
	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/writeconcern"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "forankra-bench:", err)
		os.Exit(1)
	}
}

// config is what one run measures.
type config struct {
	n        int
	raw      int
	clients  int
	fill     int
	reads    int
	dir      string
	jsonOut  string
	maxBatch int
	maxWait  time.Duration

	cpuProfile string
	// defaultProfile is a CPU profile of the default configuration's load only.
	defaultProfile string
}

// phase is the measurement of one load.
type phase struct {
	Name       string  `json:"name"`
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	Seconds    float64 `json:"seconds"`
	PerSecond  float64 `json:"per_second"`
	P50Millis  float64 `json:"p50_ms"`
	P99Millis  float64 `json:"p99_ms"`
	MaxMillis  float64 `json:"max_ms"`
	Concurrent int     `json:"concurrency"`
	// MeanBatch is how many submissions the committer wrote per batch
	// during an HTTP load.
	MeanBatch float64 `json:"mean_batch,omitempty"`
	// CPUMillis is the process's CPU time (user and system: database,
	// service and clients together) per call during the load.
	CPUMillis float64 `json:"cpu_ms_per_call,omitempty"`
	// WriterBusy is the share of an HTTP load's time the committer's one
	// writer spent writing (the rest it waited for submissions).
	WriterBusy float64 `json:"writer_busy,omitempty"`
}

// report is the whole run, as printed and as written with -json.
type report struct {
	Mode      string  `json:"mode"`
	GoVersion string  `json:"go"`
	CPUs      int     `json:"cpus"`
	Raw       *phase  `json:"raw_insert_one,omitempty"`
	RawMany   *phase  `json:"raw_insert_many_256,omitempty"`
	HTTP      *phase  `json:"http_submissions,omitempty"`
	Default   *phase  `json:"http_default_64_addresses,omitempty"`
	Ratio     float64 `json:"ratio,omitempty"`
	// DefaultToOff is the default configuration's rate over the limit-off
	// rate; DefaultToRaw over raw single inserts; ManyToOne raw InsertMany's
	// document rate over raw InsertOne's.
	DefaultToOff float64 `json:"default_over_limit_off,omitempty"`
	DefaultToRaw float64 `json:"default_over_raw_insert_one,omitempty"`
	ManyToOne    float64 `json:"insert_many_over_insert_one,omitempty"`
	Stored       int     `json:"stored_responses"`
	TalliesOK    bool    `json:"tallies_equal_recount"`
	TallyReads   *phase  `json:"tally_reads,omitempty"`
	SurveyReads  *phase  `json:"survey_reads_http,omitempty"`
	PeakRSSMiB   float64 `json:"peak_rss_mib"`
	HeapMiB      float64 `json:"go_heap_mib"`
	// PeakAfterVerifyMiB is the peak once the recount (a check, not a
	// service path) has read every response.
	PeakAfterVerifyMiB float64 `json:"peak_rss_after_verify_mib"`
}

func run(args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("forankra-bench", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.IntVar(&c.n, "n", 3000, "HTTP submissions to time")
	fs.IntVar(&c.raw, "raw", 0, "raw InsertOne calls to time (0: as many as -n)")
	fs.IntVar(&c.clients, "c", 16, "concurrent clients, for both loads")
	fs.IntVar(&c.fill, "fill", 0, "fill one survey to this many responses and time the comparison's reads, instead of the side-by-side run")
	fs.IntVar(&c.reads, "reads", 200, "tally reads to time after -fill")
	fs.StringVar(&c.dir, "dir", "", "directory for the embedded database (default: a new temporary one, removed after)")
	fs.StringVar(&c.jsonOut, "json", "", "also write the results as JSON to this file")
	fs.IntVar(&c.maxBatch, "batch", 0, "most submissions in one group commit (0: the service's default)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	fs.StringVar(&c.defaultProfile, "cpuprofile-default", "", "write a CPU profile of the default configuration's HTTP load alone to this file")
	fs.DurationVar(&c.maxWait, "wait", 0, "how long a group commit waits for company (0: the service's default, negative: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.raw == 0 {
		c.raw = c.n
	}
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if c.clients < 1 || c.n < 1 {
		return errors.New("-n and -c must be at least 1")
	}
	dir := c.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "forankra-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	emb, err := storage.StartEmbedded(dir, quiet)
	if err != nil {
		return err
	}
	defer emb.Stop()
	ctx := context.Background()

	rep := report{Mode: "side-by-side", GoVersion: runtime.Version(), CPUs: runtime.NumCPU()}
	if c.fill > 0 {
		rep.Mode = "fill"
	} else {
		fmt.Fprintf(out, "raw InsertOne: %d documents, %d concurrent callers …\n", c.raw, c.clients)
		if rep.Raw, err = rawInserts(ctx, emb.URI(), c); err != nil {
			return err
		}
		fmt.Fprintf(out, "raw InsertMany(%d): %d documents, %d concurrent callers …\n", manyBatch, c.raw, c.clients)
		if rep.RawMany, err = rawInsertMany(ctx, emb.URI(), c); err != nil {
			return err
		}
	}

	svc, err := startService(ctx, emb.URI(), "bench_http", -1, c, quiet) // one address sends everything
	if err != nil {
		return err
	}
	defer svc.stop()

	n := c.n
	if c.fill > 0 {
		n = c.fill
	}
	fmt.Fprintf(out, "HTTP submissions: %d, %d concurrent clients …\n", n, c.clients)
	if rep.HTTP, err = svc.submissions("HTTP, limit off", n, c.clients, nil); err != nil {
		return err
	}
	if rep.Raw != nil && rep.Raw.PerSecond > 0 {
		rep.Ratio = rep.HTTP.PerSecond / rep.Raw.PerSecond
	}
	if rep.Stored, err = svc.responses.Count(ctx, svc.survey.ID); err != nil {
		return err
	}
	if c.fill > 0 {
		if rep.TallyReads, err = svc.tallyReads(ctx, c.reads); err != nil {
			return err
		}
		if rep.SurveyReads, err = svc.surveyReads(ctx, c.reads); err != nil {
			return err
		}
	}
	rep.PeakRSSMiB = peakRSS()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.HeapMiB = float64(ms.HeapInuse) / (1 << 20)
	if rep.TalliesOK, err = svc.responses.VerifyTallies(ctx, svc.survey); err != nil {
		return err
	}
	rep.PeakAfterVerifyMiB = peakRSS()
	if c.fill == 0 {
		// The limit-off service stops first: its folds would otherwise
		// compete for the database's one writer.
		svc.stop()
		def, err := startService(ctx, emb.URI(), "bench_http_default", 0, c, quiet)
		if err != nil {
			return err
		}
		defer def.stop()
		clients, err := sourceClients(sourceAddresses, c.clients)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "HTTP submissions, default configuration: %d from %d source addresses, %d concurrent clients …\n", n, sourceAddresses, c.clients)
		if c.defaultProfile != "" {
			if c.cpuProfile != "" {
				return errors.New("-cpuprofile and -cpuprofile-default: one at a time")
			}
			f, err := os.Create(c.defaultProfile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
		}
		rep.Default, err = def.submissions("HTTP, default, 64 addr", n, c.clients, clients)
		if c.defaultProfile != "" {
			pprof.StopCPUProfile()
		}
		if err != nil {
			return err
		}
		rep.DefaultToOff = rep.Default.PerSecond / rep.HTTP.PerSecond
		rep.DefaultToRaw = rep.Default.PerSecond / rep.Raw.PerSecond
		rep.ManyToOne = rep.RawMany.PerSecond / rep.Raw.PerSecond
		stored, err := def.responses.Count(ctx, def.survey.ID)
		if err != nil {
			return err
		}
		if ok, err := def.responses.VerifyTallies(ctx, def.survey); err != nil {
			return err
		} else if !ok || stored != n {
			return fmt.Errorf("default configuration: stored %d responses (tallies equal a recount: %v); want %d", stored, ok, n)
		}
		if rep.Default.Errors > 0 {
			return fmt.Errorf("default configuration: %d submissions failed", rep.Default.Errors)
		}
	}

	printReport(out, rep)
	if c.jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(c.jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if rep.HTTP.Errors > 0 {
		return fmt.Errorf("%d submissions failed", rep.HTTP.Errors)
	}
	if rep.Stored != n {
		return fmt.Errorf("stored %d responses; want %d", rep.Stored, n)
	}
	if !rep.TalliesOK {
		return errors.New("the tallies differ from a recount")
	}
	return nil
}

func printReport(out io.Writer, r report) {
	fmt.Fprintf(out, "\nforankra-bench (%s, %s, %d CPUs)\n", r.Mode, r.GoVersion, r.CPUs)
	line := func(p *phase) {
		if p == nil {
			return
		}
		fmt.Fprintf(out, "  %-22s %7d in %6.2f s  %8.0f /s  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  errors %d",
			p.Name, p.Requests, p.Seconds, p.PerSecond, p.P50Millis, p.P99Millis, p.MaxMillis, p.Errors)
		if p.MeanBatch > 0 {
			fmt.Fprintf(out, "  batch %.1f", p.MeanBatch)
		}
		if p.CPUMillis > 0 {
			fmt.Fprintf(out, "  cpu %.3f ms", p.CPUMillis)
		}
		if p.WriterBusy > 0 {
			fmt.Fprintf(out, "  writer busy %.0f %%", 100*p.WriterBusy)
		}
		fmt.Fprintln(out)
	}
	line(r.Raw)
	line(r.RawMany)
	line(r.HTTP)
	line(r.Default)
	if r.Ratio > 0 {
		fmt.Fprintf(out, "  ratio limit off / raw InsertOne       %.2f\n", r.Ratio)
	}
	if r.Default != nil {
		fmt.Fprintf(out, "  ratio default / limit off             %.2f\n", r.DefaultToOff)
		fmt.Fprintf(out, "  ratio default / raw InsertOne         %.2f\n", r.DefaultToRaw)
		fmt.Fprintf(out, "  ratio raw InsertMany / raw InsertOne  %.2f\n", r.ManyToOne)
	}
	line(r.TallyReads)
	line(r.SurveyReads)
	fmt.Fprintf(out, "  stored responses         %d (tallies equal a recount: %v)\n", r.Stored, r.TalliesOK)
	fmt.Fprintf(out, "  peak memory (VmHWM)      %.0f MiB (whole process: database, service and clients); Go heap in use %.0f MiB\n", r.PeakRSSMiB, r.HeapMiB)
	fmt.Fprintf(out, "  peak memory after the recount that verified the tallies: %.0f MiB\n", r.PeakAfterVerifyMiB)
}

// timed runs f n times from clients goroutines and measures each call.
func timed(name string, n, clients int, f func(i int) error) *phase {
	lat := make([]time.Duration, n)
	cpu0 := cpuTime()
	var next, errs atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t := time.Now()
				if err := f(i); err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	if err, ok := firstErr.Load().(error); ok {
		fmt.Fprintf(os.Stderr, "%s: first error: %v\n", name, err)
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	return &phase{Name: name, Requests: n, Errors: int(errs.Load()), Seconds: elapsed.Seconds(),
		PerSecond: float64(n) / elapsed.Seconds(), P50Millis: ms(pct(0.50)), P99Millis: ms(pct(0.99)),
		MaxMillis: ms(lat[len(lat)-1]), Concurrent: clients, CPUMillis: ms(cpu) / float64(n)}
}

// cpuTime is the CPU time the process has used (user and system), 0 where
// getrusage is missing.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rawInserts times single InsertOne calls of a response-sized document into a
// database of its own, with the service's write concern.
func rawInserts(ctx context.Context, uri string, c config) (*phase, error) {
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(uri))
	if err != nil {
		return nil, err
	}
	defer client.Disconnect(context.Background())
	col := client.Database("bench_raw", options.Database().SetWriteConcern(writeconcern.Majority())).Collection("responses")
	if _, err := col.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "village", Value: 1}}}); err != nil {
		return nil, err
	}
	demo := survey.NewDemo(time.Now(), 1)
	return timed("raw InsertOne", c.raw, c.clients, func(i int) error {
		_, err := col.InsertOne(ctx, rawDoc(demo, "raw-"+strconv.Itoa(i), i))
		return err
	}), nil
}

// manyBatch is the size of one raw InsertMany: the committer's largest batch.
const manyBatch = 256

// rawInsertMany times InsertMany calls of manyBatch response-sized documents,
// the most one group commit writes, into a collection of their own; the
// rate is in documents, the latencies per call.
func rawInsertMany(ctx context.Context, uri string, c config) (*phase, error) {
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(uri))
	if err != nil {
		return nil, err
	}
	defer client.Disconnect(context.Background())
	col := client.Database("bench_raw", options.Database().SetWriteConcern(writeconcern.Majority())).Collection("responses_many")
	if _, err := col.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "village", Value: 1}}}); err != nil {
		return nil, err
	}
	demo := survey.NewDemo(time.Now(), 1)
	calls := (c.raw + manyBatch - 1) / manyBatch
	p := timed("raw InsertMany(256)", calls, min(c.clients, calls), func(i int) error {
		docs := make([]any, manyBatch)
		for j := range docs {
			docs[j] = rawDoc(demo, "many-"+strconv.Itoa(i*manyBatch+j), j)
		}
		_, err := col.InsertMany(ctx, docs)
		return err
	})
	p.Requests = calls * manyBatch
	p.PerSecond = float64(p.Requests) / p.Seconds
	return p, nil
}

// rawDoc is a response-sized document in the shape the service stores:
// the answers packed into one JSON string (see storage's responseDoc).
func rawDoc(demo survey.Demo, id string, i int) bson.M {
	d := demo.Responses[i%len(demo.Responses)]
	type answer struct {
		Option  string   `json:"o,omitempty"`
		Options []string `json:"os,omitempty"`
		Number  *float64 `json:"n,omitempty"`
		Text    string   `json:"t,omitempty"`
	}
	answers := map[string]answer{}
	for k, a := range d.Answers {
		answers[k] = answer(a)
	}
	packed, _ := json.Marshal(answers) // strings and finite numbers: never fails
	return bson.M{"_id": storage.ResponseID("bench", id), "survey": "bench", "village": d.Village,
		"channel": survey.ChannelAPI, "a": string(packed), "submitted": time.Now().UTC(), "batch": "raw"}
}

// sourceAddresses is how many loopback addresses the default configuration's
// clients come from: 3,000 responses from 64 addresses is 47 each, well
// under the limit of 120 a minute, as from the phones of a stormöte behind
// a few carriers' NATs.
const sourceAddresses = 64

// sourceClients returns one HTTP client per source address 127.0.1.1 to
// 127.0.1.n, each binding its connections to that address.
func sourceClients(n, clients int) ([]*http.Client, error) {
	if n > 254 {
		return nil, errors.New("at most 254 source addresses")
	}
	out := make([]*http.Client, n)
	for i := range out {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(i+1))}, Timeout: 5 * time.Second}
		out[i] = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: clients}}
	}
	return out, nil
}

// service is the Förankra app serving real HTTP on 127.0.0.1.
type service struct {
	db        *storage.DB
	responses *storage.Responses
	committer *storage.Committer
	survey    *survey.Survey
	bodies    [][]byte
	base      string
	app       interface{ Shutdown() error }
	client    *http.Client
}

// startService serves the app on database name with the submit limit given
// (0: the default, negative: none).
func startService(ctx context.Context, uri, name string, limit int, c config, log *slog.Logger) (*service, error) {
	db, err := storage.Connect(ctx, uri, name, 10*time.Second)
	if err != nil {
		return nil, err
	}
	if err := db.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	now := time.Now()
	demo := survey.NewDemo(now, 1)
	for _, v := range demo.Villages {
		if err := storage.NewVillages(db).Create(ctx, v); err != nil {
			return nil, err
		}
	}
	sv := &survey.Survey{Status: survey.Draft, CreatedBy: "bench", Created: now.UTC()}
	if err := sv.Apply(demo.Survey); err != nil {
		return nil, err
	}
	if err := sv.Open(now); err != nil {
		return nil, err
	}
	if err := storage.NewSurveys(db).Create(ctx, sv); err != nil {
		return nil, err
	}
	s := &service{db: db, responses: storage.NewResponses(db), survey: sv}
	for _, d := range demo.Responses {
		b, err := json.Marshal(map[string]any{"village": d.Village, "answers": answersJSON(sv, d.Answers)})
		if err != nil {
			return nil, err
		}
		s.bodies = append(s.bodies, b)
	}
	s.committer = storage.NewCommitter(s.responses, storage.CommitterOptions{MaxBatch: c.maxBatch, MaxWait: c.maxWait})
	app := handlers.New(handlers.Config{DB: db, Logger: log, Committer: s.committer, SubmitLimit: limit})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = app.Listener(ln) }()
	s.app = app
	s.base = "http://" + ln.Addr().String()
	s.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.clients * 2}}
	return s, nil
}

func (s *service) stop() {
	_ = s.app.Shutdown()
	_ = s.committer.Close(context.Background())
	_ = s.db.Close(context.Background())
}

// submissions posts n responses, each with its own Idempotency-Key, the i-th
// through from[i % len(from)] (nil: one client from 127.0.0.1).
func (s *service) submissions(name string, n, clients int, from []*http.Client) (*phase, error) {
	url := s.base + "/api/v1/surveys/" + s.survey.ID + "/responses"
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	if from == nil {
		from = []*http.Client{s.client}
	}
	before := s.committer.Stats()
	p := timed(name, n, clients, func(i int) error {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(s.bodies[i%len(s.bodies)]))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", run+"-"+strconv.Itoa(i))
		resp, err := from[i%len(from)].Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("status %d: %s", resp.StatusCode, b)
		}
		return nil
	})
	if after := s.committer.Stats(); after.Batches > before.Batches {
		p.MeanBatch = float64(after.Submissions-before.Submissions) / float64(after.Batches-before.Batches)
		p.WriterBusy = (after.Writing - before.Writing).Seconds() / p.Seconds
	}
	return p, nil
}

// tallyReads times what the comparison reads: the survey's tallies.
func (s *service) tallyReads(ctx context.Context, n int) (*phase, error) {
	return timed("tally reads", n, 1, func(int) error {
		_, err := s.responses.Tallies(ctx, s.survey.ID)
		return err
	}), nil
}

// surveyReads times a signed-in GET of the survey over HTTP, which counts
// its responses from the tallies.
func (s *service) surveyReads(ctx context.Context, n int) (*phase, error) {
	u, hash, err := survey.NewUser{Email: "bench@example.se", Name: "Bench", Password: "ett-långt-lösenord", Role: survey.RoleAdmin}.User(time.Now())
	if err != nil {
		return nil, err
	}
	if err := storage.NewUsers(s.db).Create(ctx, &u, hash); err != nil {
		return nil, err
	}
	token, err := storage.NewTokens(s.db).Create(ctx, u.ID, time.Now(), time.Hour)
	if err != nil {
		return nil, err
	}
	url := s.base + "/api/v1/surveys/" + s.survey.ID
	return timed("survey GET (HTTP)", n, 1, func(int) error {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := s.client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}), nil
}

// answersJSON writes answers in the API's JSON form.
func answersJSON(sv *survey.Survey, answers map[string]survey.Answer) map[string]any {
	out := map[string]any{}
	for _, q := range sv.Questions {
		a, ok := answers[q.Key]
		if !ok {
			continue
		}
		switch q.Type {
		case survey.Single:
			out[q.Key] = a.Option
		case survey.Multi, survey.Rank:
			out[q.Key] = a.Options
		case survey.Likert, survey.Number:
			if a.Number != nil {
				out[q.Key] = *a.Number
			}
		case survey.Text:
			out[q.Key] = a.Text
		}
	}
	return out
}

// peakRSS is the process's peak resident memory in MiB (VmHWM), or 0 where
// /proc is missing.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}
