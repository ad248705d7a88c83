// Command forankra runs the Förankra service: village surveys, remiss rounds
// and comparisons for a municipality's local development forum.
//
// With MONGODB_URI unset it starts an embedded FerretDB (SQLite) under the
// data directory, so it needs nothing installed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/forankra/forankra/handlers"
	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "forankra:", err)
		os.Exit(1)
	}
}

// config is the service's configuration, from flags and environment.
type config struct {
	addr         string
	mongoURI     string
	dataDir      string
	dbName       string
	adminEmail   string
	adminPass    string
	minN         int
	submitLimit  int
	cookieSecure bool
	proxyHeader  string
	publicURL    string
	demo         bool
	repair       bool
	dbTimeout    time.Duration
	stopTimeout  time.Duration
	smtpAddr     string
	smtpFrom     string
	// deprecated are warnings about old settings, logged at start.
	deprecated []string
}

// mailURL is where links in e-mail point: the public address, or without
// one http://localhost and the listening port, with a warning, since such
// links only work on the server itself.
func mailURL(cfg config, log *slog.Logger) string {
	if cfg.publicURL != "" {
		return strings.TrimRight(cfg.publicURL, "/")
	}
	port := "8080"
	if _, p, err := net.SplitHostPort(cfg.addr); err == nil && p != "" {
		port = p
	}
	u := "http://localhost:" + port
	log.Warn("FORANKRA_PUBLIC_URL is not set: links in e-mail point to " + u + ", which works only on this machine")
	return u
}

func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	var c config
	fs := flag.NewFlagSet("forankra", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.addr, "addr", env("FORANKRA_ADDR", ":8080"), "listen address (FORANKRA_ADDR)")
	fs.StringVar(&c.mongoURI, "mongodb-uri", getenv("MONGODB_URI"), "external MongoDB; empty starts the embedded database (MONGODB_URI)")
	fs.StringVar(&c.dataDir, "data", env("FORANKRA_DATA_DIR", "./data"), "directory of the embedded database (FORANKRA_DATA_DIR)")
	fs.StringVar(&c.dbName, "db", env("FORANKRA_DB", "forankra"), "database name (FORANKRA_DB)")
	fs.BoolVar(&c.demo, "demo", false, "seed demo data once (villages, a survey with responses, proposals, remiss rounds, an account per role), print how to sign in, then serve")
	fs.BoolVar(&c.repair, "repair", false, "verify every survey's tallies against its responses, repair them, and exit")
	minN, err := strconv.Atoi(env("FORANKRA_MIN_N", "5"))
	if err != nil || minN < 1 {
		return c, fmt.Errorf("FORANKRA_MIN_N ska vara ett heltal ≥ 1")
	}
	fs.IntVar(&c.minN, "min-n", minN, "fewest answers for a village to be shown in comparisons (FORANKRA_MIN_N)")
	submitLimit, err := strconv.Atoi(env("FORANKRA_SUBMIT_LIMIT", "120"))
	if err != nil || submitLimit < 0 {
		return c, fmt.Errorf("FORANKRA_SUBMIT_LIMIT ska vara ett heltal ≥ 0 (0 = ingen gräns)")
	}
	fs.IntVar(&c.submitLimit, "submit-limit", submitLimit, "responses a minute from one address to one survey, then 429; 0 = no limit (FORANKRA_SUBMIT_LIMIT)")
	cookieSecure, err := strconv.ParseBool(env("FORANKRA_COOKIE_SECURE", "false"))
	if err != nil {
		return c, fmt.Errorf("FORANKRA_COOKIE_SECURE ska vara true eller false")
	}
	fs.BoolVar(&c.cookieSecure, "cookie-secure", cookieSecure, "always mark cookies Secure, e.g. behind a proxy that ends TLS (FORANKRA_COOKIE_SECURE)")
	public := getenv("FORANKRA_PUBLIC_URL")
	if public == "" && getenv("FORANKRA_BASE_URL") != "" {
		public = getenv("FORANKRA_BASE_URL")
		c.deprecated = append(c.deprecated, "FORANKRA_BASE_URL is deprecated: set FORANKRA_PUBLIC_URL instead")
	}
	fs.StringVar(&c.publicURL, "public-url", public, "the service's public address, for printed links, QR codes and links in e-mail (FORANKRA_PUBLIC_URL)")
	fs.StringVar(&c.proxyHeader, "proxy-header", getenv("FORANKRA_PROXY_HEADER"), "header with the client's address set by a trusted proxy, e.g. X-Forwarded-For (FORANKRA_PROXY_HEADER)")
	fs.DurationVar(&c.dbTimeout, "db-timeout", 10*time.Second, "how long to wait for the database at start")
	fs.DurationVar(&c.stopTimeout, "stop-timeout", 20*time.Second, "how long a graceful stop may take")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.adminEmail, c.adminPass = getenv("FORANKRA_ADMIN_EMAIL"), getenv("FORANKRA_ADMIN_PASSWORD")
	// Remiss reminders go by e-mail when both are set; otherwise they wait in the outbox.
	c.smtpAddr, c.smtpFrom = getenv("FORANKRA_SMTP_ADDR"), getenv("FORANKRA_SMTP_FROM")
	return c, nil
}

// run starts the service and blocks until ctx is done, then stops gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	for _, w := range cfg.deprecated {
		log.Warn(w)
	}
	started := time.Now()

	uri := cfg.mongoURI
	if uri == "" {
		quiet := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: slog.LevelError}))
		emb, err := storage.StartEmbedded(cfg.dataDir, quiet)
		if err != nil {
			return err
		}
		defer emb.Stop()
		uri = emb.URI()
		log.Info("embedded database started", "dir", cfg.dataDir)
	}
	db, err := storage.Connect(ctx, uri, cfg.dbName, cfg.dbTimeout)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	if err := db.EnsureIndexes(ctx); err != nil {
		return err
	}
	if err := storage.NewPlans(db).EnsureFocusAreas(ctx); err != nil {
		return err
	}
	if err := bootstrapAdmin(ctx, db, cfg, log); err != nil {
		return err
	}
	responses := storage.NewResponses(db)
	// The embedded database is this process's alone: every batch left
	// unfinished is from an earlier run. A shared MongoDB may have batches of
	// other instances in flight: leave them their time.
	recoverBefore := time.Now().Add(-recoverAge)
	if cfg.mongoURI == "" {
		recoverBefore = time.Now()
	}
	if cfg.repair {
		if err := recoverAll(ctx, responses, recoverBefore, log); err != nil {
			return err
		}
		return repairAll(ctx, db, stdout)
	}
	if cfg.demo {
		if err := seedDemo(ctx, db, cfg, log, stdout); err != nil {
			return err
		}
	}

	committer := storage.NewCommitter(responses, storage.CommitterOptions{})
	limit := cfg.submitLimit
	if limit == 0 {
		limit = -1 // handlers.Config: negative is no limit, 0 the default
	}
	hcfg := handlers.Config{DB: db, Logger: log, MinN: cfg.minN, SubmitLimit: limit,
		CookieSecure: cfg.cookieSecure, ProxyHeader: cfg.proxyHeader, PublicURL: cfg.publicURL,
		SMTPAddr: cfg.smtpAddr, SMTPFrom: cfg.smtpFrom, MailURL: mailURL(cfg, log), Committer: committer}
	app := handlers.New(hcfg)
	tcp, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("lyssna på %s: %w", cfg.addr, err)
	}
	ln := newStopListener(tcp)
	log.Info("listening", "addr", ln.Addr().String(), "startup_ms", time.Since(started).Milliseconds())

	serveErr := make(chan error, 1)
	go func() { serveErr <- app.Listener(ln) }()
	// Recovery runs while the service answers: submissions meanwhile are
	// newer batches, which it leaves alone, and the counts are exact once it
	// ends. The sweep retries whatever it could not do.
	var background sync.WaitGroup
	background.Add(1)
	go func() {
		defer background.Done()
		if err := recoverAll(ctx, responses, recoverBefore, log); err != nil && ctx.Err() == nil {
			log.Warn("recover pending responses; the sweep tries again", "err", err)
		}
		sweep(ctx, responses, log)
	}()
	go sweepExpired(ctx, db, log)
	go applySchedules(ctx, db, log)
	background.Add(1)
	go func() {
		defer background.Done()
		runMatterClock(ctx, handlers.NewClock(hcfg), log)
	}()
	background.Add(1)
	go func() {
		defer background.Done()
		runOutboxSender(ctx, handlers.NewSender(hcfg), log)
	}()

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	log.Info("stopping: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.stopTimeout)
	defer cancel()
	if err := app.ShutdownWithContext(sctx); err != nil {
		return fmt.Errorf("stoppa: %w", err)
	}
	// Requests in flight are answered, so their batches are written; the
	// committer still writes anything queued before it returns.
	if err := committer.Close(sctx); err != nil {
		return fmt.Errorf("stoppa: %w", err)
	}
	background.Wait() // its reads end with ctx: it must not outlive the database
	log.Info("stopped")
	return nil
}

// recoverAll counts the responses that batches of an earlier run left
// pending, then moves responses stored before each survey had its own
// collection into their surveys' collections.
func recoverAll(ctx context.Context, responses *storage.Responses, before time.Time, log *slog.Logger) error {
	start := time.Now()
	n, err := responses.RecoverPending(ctx, before)
	if err != nil {
		return err
	}
	log.Info("recovered pending responses", "responses", n, "ms", time.Since(start).Milliseconds())
	moved, err := responses.MigrateLegacy(ctx)
	if err != nil {
		return err
	}
	if moved > 0 {
		log.Info("moved responses into their surveys' collections", "responses", moved)
	}
	return nil
}

// recoverAge is how old an unfinished batch must be before a sweep counts it:
// well beyond a batch's write timeout, so that a live batch of this or another
// instance is never taken for a crashed one.
const recoverAge = 30 * time.Second

// sweep counts responses that a failed write left pending, every ten seconds.
func sweep(ctx context.Context, responses *storage.Responses, log *slog.Logger) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if n, err := responses.RecoverPending(ctx, now.Add(-recoverAge)); err != nil {
				log.Warn("recover pending responses", "err", err)
			} else if n > 0 {
				log.Info("counted pending responses", "responses", n)
			}
		}
	}
}

// bootstrapAdmin creates the first administrator from the environment when no
// user exists yet. With -demo, FORANKRA_ADMIN_PASSWORD alone is the demo
// accounts' password (README), not half an administrator.
func bootstrapAdmin(ctx context.Context, db *storage.DB, cfg config, log *slog.Logger) error {
	if cfg.adminEmail == "" && (cfg.adminPass == "" || cfg.demo) {
		return nil
	}
	users := storage.NewUsers(db)
	n, err := users.Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	u, hash, err := survey.NewUser{Email: cfg.adminEmail, Name: "Administratör", Password: cfg.adminPass, Role: survey.RoleAdmin}.User(time.Now())
	if err != nil {
		return fmt.Errorf("FORANKRA_ADMIN_EMAIL/FORANKRA_ADMIN_PASSWORD: %w", err)
	}
	if err := users.Create(ctx, &u, hash); err != nil && !errors.Is(err, survey.ErrConflict) {
		return err
	}
	log.Info("first administrator created", "email", u.Email)
	return nil
}

// repairAll verifies every survey's tallies and rewrites those that differ
// from a recount.
func repairAll(ctx context.Context, db *storage.DB, out io.Writer) error {
	surveys, err := storage.NewSurveys(db).List(ctx, storage.SurveyFilter{})
	if err != nil {
		return err
	}
	responses := storage.NewResponses(db)
	for _, sv := range surveys {
		ok, err := responses.VerifyTallies(ctx, sv)
		if err != nil {
			return err
		}
		if ok {
			fmt.Fprintf(out, "%s: räkningarna stämmer\n", sv.ID)
			continue
		}
		if err := responses.RepairTallies(ctx, sv); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: räkningarna lagades från svaren\n", sv.ID)
	}
	return nil
}

// applySchedules opens and closes surveys at their set times, at start and
// every schedulePeriod; every instance runs it, and storage lets one win.
func applySchedules(ctx context.Context, db *storage.DB, log *slog.Logger) {
	surveys := storage.NewSurveys(db)
	atStartAndEvery(ctx, schedulePeriod, func(now time.Time) {
		changed, err := surveys.ApplySchedules(ctx, now)
		if err != nil && ctx.Err() == nil {
			log.Warn("scheduled survey opening and closing", "err", err)
		}
		for _, sv := range changed {
			log.Info("survey status changed as scheduled", "survey", sv.ID, "status", sv.Status)
		}
	})
}

// atStartAndEvery runs f at once and then every period until ctx ends.
func atStartAndEvery(ctx context.Context, period time.Duration, f func(now time.Time)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		f(time.Now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// schedulePeriod is how often surveys with a set opening or closing time are
// looked at: a survey opens or closes at most this long after its time.
const schedulePeriod = 20 * time.Second

// runMatterClock runs the matters' clock (reminders, the agenda items level 2
// owes, confirmation of answers left 30 days) at start and every
// clockPeriod; every instance runs it, and each reminder is queued once.
func runMatterClock(ctx context.Context, clock *handlers.Clock, log *slog.Logger) {
	atStartAndEvery(ctx, clockPeriod, func(now time.Time) {
		run, err := clock.Escalate(ctx, now)
		if err != nil && ctx.Err() == nil {
			log.Warn("matters' clock; the next run tries again", "err", err)
		}
		if run.Queued+run.Confirmed+run.AgendaOwed > 0 {
			log.Info("matters' clock", "reminders_queued", run.Queued, "confirmed", run.Confirmed, "agenda_items_owed", run.AgendaOwed)
		}
	})
}

// runOutboxSender sends what the outbox still owes (queued mail of an
// instance that stopped, failed mail whose retry has come) at start and
// every senderPeriod; every instance runs it, and each attempt is claimed
// so no message is sent twice.
func runOutboxSender(ctx context.Context, sender *handlers.Sender, log *slog.Logger) {
	atStartAndEvery(ctx, senderPeriod, func(now time.Time) {
		run, err := sender.Resend(ctx, now)
		if err != nil && ctx.Err() == nil {
			log.Warn("outbox sender; the next run tries again", "err", err)
		}
		if run.Sent+run.Failed+run.Abandoned > 0 {
			log.Info("outbox sender", "sent", run.Sent, "failed", run.Failed, "abandoned", run.Abandoned)
		}
	})
}

// senderPeriod is how often the outbox sender runs: a retry is sent at most
// this long after its time.
const senderPeriod = 20 * time.Second

// clockPeriod is how often the matters' clock runs: a matter reaches its
// next level at most this long after the day it is due.
const clockPeriod = 20 * time.Second

// sweepExpired deletes expired sessions, tokens and rate-limit counters and
// frees one-time codes whose response was never stored, every few minutes
// (FerretDB has no TTL indexes; reads also refuse what has expired).
func sweepExpired(ctx context.Context, db *storage.DB, log *slog.Logger) {
	sessions, tokens, limits, codes := storage.NewSessions(db), storage.NewTokens(db), storage.NewLimits(db), storage.NewCodes(db)
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for name, sweep := range map[string]func(context.Context, time.Time) (int64, error){
				"sessions": sessions.Sweep, "tokens": tokens.Sweep, "limits": limits.Sweep,
				"password links": storage.NewPasswordLinks(db).Sweep,
			} {
				if _, err := sweep(ctx, now); err != nil {
					log.Warn("sweep expired", "what", name, "err", err)
				}
			}
			if n, err := codes.ReleaseOrphans(ctx, now.Add(-10*time.Minute)); err != nil {
				log.Warn("release orphaned codes", "err", err)
			} else if n > 0 {
				log.Info("released codes whose response was never stored", "codes", n)
			}
		}
	}
}
