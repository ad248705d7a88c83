// Package handlers is Förankra's web layer: the JSON API, the HTML pages
// (templates and static files embedded) and their middleware, on Fiber.
package handlers

import (
	"log/slog"
	"sync"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// Config holds what the handlers need from the outside world.
type Config struct {
	DB     *storage.DB
	Logger *slog.Logger
	// Now is the clock; tests set it.
	Now func() time.Time
	// MinN is the smallest number of answers a village needs to be shown.
	MinN int
	// BodyLimit is the largest request body accepted, in bytes.
	BodyLimit int
	// SubmitLimit is how many responses one client address may send to one
	// survey a minute before 429: 0 means the default (120), negative no limit.
	SubmitLimit int
	// CookieSecure sets the Secure flag on cookies even when the request
	// looks like plain HTTP (TLS ended by a proxy).
	CookieSecure bool
	// ProxyHeader names the header holding the client's address when the
	// service runs behind a proxy (e.g. X-Forwarded-For); empty uses the
	// connection's address.
	ProxyHeader string
	// PublicURL is the address residents reach the service at (e.g.
	// https://forankra.kommun.se), for printed links and QR codes; empty uses
	// the address of the request.
	PublicURL string
	// SMTPAddr (host:port) and SMTPFrom configure outgoing e-mail (remiss
	// reminders); without them messages stay in the outbox.
	SMTPAddr, SMTPFrom string
	// BaseURL is the service's public address (https://…), for links in e-mail.
	BaseURL string
	// Committer writes submissions in batches. Nil starts one that is never
	// closed (fine for tests); the service passes its own and closes it after
	// the app has shut down, so that no answered submission is left unwritten.
	Committer *storage.Committer
}

// defaultSubmitLimit is generous: many phones share one address behind
// mobile carriers' NAT.
const defaultSubmitLimit = 120

// server carries the stores and settings that the handlers close over.
type server struct {
	cfg       Config
	log       *slog.Logger
	now       func() time.Time
	db        *storage.DB
	villages  *storage.Villages
	surveys   *storage.Surveys
	responses *storage.Responses
	users     *storage.Users
	tokens    *storage.Tokens
	sessions  *storage.Sessions
	codes     *storage.Codes
	limits    *storage.Limits
	secrets   *storage.Secrets
	auditLog  *storage.Audit
	keys      keys
	// hashSlots bounds concurrent password checks: each argon2id hash takes
	// 64 MiB, so a burst of sign-ins must queue rather than exhaust memory.
	hashSlots chan struct{}
	remiss    *remissDeps
	committer *storage.Committer
	cache     surveyCache
	// lastVillages holds the last copy of each village read for a phone
	// page (slug → survey.Village), for the form shown during an outage.
	lastVillages sync.Map
}

// New builds the Fiber app with every route of the service.
func New(cfg Config) *fiber.App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MinN <= 0 {
		cfg.MinN = 5
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 256 << 10
	}
	if cfg.SubmitLimit == 0 {
		cfg.SubmitLimit = defaultSubmitLimit
	}
	s := &server{
		cfg: cfg, log: cfg.Logger, now: cfg.Now, db: cfg.DB,
		villages:  storage.NewVillages(cfg.DB),
		surveys:   storage.NewSurveys(cfg.DB),
		responses: storage.NewResponses(cfg.DB),
		users:     storage.NewUsers(cfg.DB),
		tokens:    storage.NewTokens(cfg.DB),
		sessions:  storage.NewSessions(cfg.DB),
		codes:     storage.NewCodes(cfg.DB),
		limits:    storage.NewLimits(cfg.DB),
		secrets:   storage.NewSecrets(cfg.DB),
		auditLog:  storage.NewAudit(cfg.DB),
		hashSlots: make(chan struct{}, maxConcurrentHashes),
		remiss:    newRemissDeps(cfg),
		committer: cfg.Committer,
	}
	if s.committer == nil {
		s.committer = storage.NewCommitter(s.responses, storage.CommitterOptions{})
	}
	app := fiber.New(fiber.Config{
		AppName:               "Förankra",
		ErrorHandler:          errorHandler(cfg.Logger),
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           60 * time.Second,
		DisableStartupMessage: true,
		Immutable:             true,
		ProxyHeader:           cfg.ProxyHeader,
	})
	app.Use(recover.New(), securityHeaders, compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	s.routes(app)
	return app
}

// routes lists every route of the service in one place.
func (s *server) routes(app *fiber.App) {
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/api/openapi.json", s.openAPIDoc(app))
	app.Get("/static/*", s.static)
	app.Get("/lang/:code", setLang)

	// Pages for residents: no account.
	app.Get("/", s.startPage)
	app.Get("/s/:survey/:village", s.phonePage)
	app.Post("/s/:survey/:village", s.phoneSubmit)
	app.Get("/s/:survey/:village/tack", s.thanksPage)

	// API. Every route names the action survey.Can must allow (s.api); a
	// handler that learns the villages concerned from the request or the
	// survey checks them again with authorize. Routes without s.api are
	// public on purpose.
	api := app.Group("/api/v1")
	api.Post("/tokens", s.createToken)
	api.Get("/tokens", s.api(survey.ManageOwnAccount), s.listTokens)
	api.Delete("/tokens", s.api(survey.ManageOwnAccount), s.revokeToken)
	api.Delete("/tokens/:id", s.api(survey.ManageOwnAccount), s.revokeTokenByID) // the owner, or ManageUsers
	api.Get("/villages", s.api(survey.ReadVillages), s.listVillages)
	api.Post("/villages", s.api(survey.ManageVillages), s.createVillage)
	api.Get("/surveys", s.api(survey.ReadSurveyResults), s.listSurveys)
	api.Post("/surveys", s.api(survey.ManageSurvey), s.createSurvey)
	api.Get("/surveys/:id", s.optionalUser, s.getSurvey) // anonymous: open surveys only
	api.Put("/surveys/:id", s.api(survey.ManageSurvey), s.updateSurvey)
	api.Post("/surveys/:id/open", s.api(survey.ManageSurvey), s.openSurvey)
	api.Post("/surveys/:id/close", s.api(survey.ManageSurvey), s.closeSurvey)
	api.Post("/surveys/:id/responses", s.createResponse)
	api.Get("/surveys/:id/responses.csv", s.api(survey.ReadSurveyResults), s.responsesExport("csv"))
	api.Get("/surveys/:id/responses.xlsx", s.api(survey.ReadSurveyResults), s.responsesExport("xlsx"))
	// auth: users, codes, audit (API) and the signed-in pages.
	api.Get("/users", s.api(survey.ManageUsers), s.listUsers)
	api.Post("/users", s.api(survey.ManageUsers), s.createUser)
	api.Patch("/users/:id", s.api(survey.ManageUsers), s.updateUser)
	api.Post("/surveys/:id/codes", s.api(survey.ManageSurvey), s.createCodes)
	api.Get("/audit", s.api(survey.ReadAudit), s.listAudit)
	// signedIn is for routes whose handler checks survey.Can itself. Its
	// middleware runs for every /api/v1 route registered after it, so it
	// comes after every public API route.
	signedIn := api.Group("", s.requireUser)
	_ = signedIn

	app.Get("/logga-in", s.signInPage)
	app.Post("/logga-in", s.signInSubmit)
	app.Post("/logga-ut", s.page(survey.ManageOwnAccount), s.signOut)
	app.Get("/admin/byar", s.page(survey.ManageVillages), s.villagesPage)
	app.Post("/admin/byar", s.page(survey.ManageVillages), s.villageCreate)
	app.Get("/admin/anvandare", s.page(survey.ManageUsers), s.usersPage)
	app.Post("/admin/anvandare", s.page(survey.ManageUsers), s.userCreate)
	app.Post("/admin/anvandare/:id", s.page(survey.ManageUsers), s.userChange)
	app.Get("/admin/logg", s.page(survey.ReadAudit), s.auditPage)
	app.Get("/enkater", s.page(survey.ReadSurveyResults), s.surveysPage)
	app.Get("/enkater/ny", s.page(survey.ManageSurvey), s.newSurveyPage)
	app.Post("/enkater/ny", s.page(survey.ManageSurvey), s.newSurveySubmit)
	app.Get("/enkater/:id", s.page(survey.ReadSurveyResults), s.surveyPage)
	app.Get("/enkater/:id/svar.csv", s.page(survey.ReadSurveyResults), s.responsesExport("csv"))
	app.Get("/enkater/:id/svar.xlsx", s.page(survey.ReadSurveyResults), s.responsesExport("xlsx"))
	app.Get("/enkater/:id/fritext", s.page(survey.ReadSurveyResults), s.freeTextPage) // readers of every village
	app.Post("/enkater/:id/detaljer", s.page(survey.ManageSurvey), s.surveyDetails)
	app.Post("/enkater/:id/fragor", s.page(survey.ManageSurvey), s.questionAdd)
	app.Post("/enkater/:id/fragor/:key/upp", s.page(survey.ManageSurvey), s.questionUp)
	app.Post("/enkater/:id/fragor/:key/ner", s.page(survey.ManageSurvey), s.questionDown)
	app.Post("/enkater/:id/fragor/:key/ta-bort", s.page(survey.ManageSurvey), s.questionRemove)
	app.Post("/enkater/:id/oppna", s.page(survey.ManageSurvey), s.surveyOpen)
	app.Post("/enkater/:id/stang", s.page(survey.ManageSurvey), s.surveyClose)
	app.Get("/enkater/:id/koder", s.page(survey.ManageSurvey), s.codesPage)
	app.Post("/enkater/:id/koder", s.page(survey.ManageSurvey), s.codesSubmit)
	app.Get("/enkater/:id/papper/:village", s.page(survey.EnterPaperResponse), s.paperPage)
	app.Post("/enkater/:id/papper/:village", s.page(survey.EnterPaperResponse), s.paperSubmit)

	// Remiss: citizen proposals, remiss rounds, answers, follow-up, summary.
	signedIn.Get("/proposals", s.apiListProposals)
	signedIn.Post("/proposals", s.apiCreateProposal)
	signedIn.Get("/proposals/:id", s.apiGetProposal)
	signedIn.Delete("/proposals/:id/submitted_by", s.apiEraseSubmitter)
	signedIn.Post("/proposals/:id/remiss", s.apiSendRemiss)
	signedIn.Post("/proposals/:id/decision", s.apiDecide)
	signedIn.Get("/remisses", s.apiListRemisses)
	signedIn.Get("/remisses/:id", s.apiGetRemiss)
	signedIn.Patch("/remisses/:id", s.apiMoveDeadline)
	signedIn.Post("/remisses/:id/close", s.apiCloseRemiss)
	signedIn.Get("/remisses/:id/answers", s.apiRemissAnswers)
	signedIn.Post("/remisses/:id/answers", s.apiAnswerRemiss)
	signedIn.Get("/remisses/:id/summary", s.apiRemissSummary)
	signedIn.Get("/remisses/:id/summary.csv", s.apiRemissSummaryExport("csv"))
	signedIn.Get("/remisses/:id/summary.xlsx", s.apiRemissSummaryExport("xlsx"))
	signedIn.Get("/remisses/:id/chart.:format", s.apiRemissChart)
	signedIn.Post("/remisses/:id/reminders", s.apiReminders)
	signedIn.Get("/outbox", s.apiOutbox)
	// Their pages; the user comes from the session (or a bearer token).
	app.Get("/forslag", s.page(survey.ReadRemiss), s.proposalsPage)
	app.Get("/forslag/ny", s.page(survey.ManageProposals), s.newProposalPage)
	app.Post("/forslag/ny", s.page(survey.ManageProposals), s.newProposalSubmit)
	app.Get("/forslag/:id", s.page(survey.ReadRemiss), s.proposalPage)
	app.Post("/forslag/:id/remiss", s.page(survey.ManageProposals), s.sendRemissSubmit)
	app.Post("/forslag/:id/beslut", s.page(survey.ManageProposals), s.decisionSubmit)
	app.Post("/forslag/:id/radera-namn", s.page(survey.ManageProposals), s.eraseSubmitterSubmit)
	app.Get("/remisser", s.page(survey.ReadRemiss), s.remissInboxPage)
	app.Get("/remisser/:id", s.page(survey.ReadRemiss), s.remissFollowUpPage)
	app.Post("/remisser/:id/paminn", s.page(survey.ManageProposals), s.remindersSubmit)
	app.Post("/remisser/:id/svarstid", s.page(survey.ManageProposals), s.moveDeadlineSubmit)
	app.Post("/remisser/:id/stang", s.page(survey.ManageProposals), s.closeRemissSubmit)
	app.Get("/remisser/:id/sammanstallning", s.page(survey.ReadRemiss), s.remissSummaryPage)
	app.Get("/remisser/:id/sammanstallning.csv", s.page(survey.ReadRemiss), s.apiRemissSummaryExport("csv"))
	app.Get("/remisser/:id/sammanstallning.xlsx", s.page(survey.ReadRemiss), s.apiRemissSummaryExport("xlsx"))
	app.Get("/remisser/:id/diagram.:format", s.page(survey.ReadRemiss), s.apiRemissChart)
	app.Get("/remisser/:id/svara/:village", s.page(survey.AnswerRemiss), s.answerPage)
	app.Post("/remisser/:id/svara/:village", s.page(survey.AnswerRemiss), s.answerSubmit)

	// forum: where villages agree and differ: the comparison, its exports
	// and charts, and the forum's pages.
	api.Get("/surveys/:id/comparison", s.api(survey.ReadSurveyResults), s.comparison(false))
	api.Get("/surveys/:id/comparison.json", s.api(survey.ReadSurveyResults), s.comparison(true))
	api.Get("/surveys/:id/comparison.csv", s.api(survey.ReadSurveyResults), s.comparisonCSV)
	api.Get("/surveys/:id/comparison.xlsx", s.api(survey.ReadSurveyResults), s.comparisonXLSX)
	api.Get("/surveys/:id/charts/:file", s.api(survey.ReadSurveyResults), s.chart(survey.ReadSurveyResults))
	app.Get("/forum", s.page(survey.ReadComparison), s.forumPage)
	app.Get("/forum/surveys/:id", s.page(survey.ReadComparison), s.forumSurveyPage)
	app.Get("/forum/surveys/:id/charts/:file", s.page(survey.ReadComparison), s.chart(survey.ReadComparison))
	app.Get("/forum/surveys/:id/comparison.csv", s.page(survey.ReadComparison), s.comparisonCSV)
	app.Get("/forum/surveys/:id/comparison.xlsx", s.page(survey.ReadComparison), s.comparisonXLSX)
	app.Get("/forum/surveys/:id/comparison.json", s.page(survey.ReadComparison), s.comparison(true))

	// forum: the forum's pages, for signed-in users.
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
