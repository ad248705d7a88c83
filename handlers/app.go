// Package handlers is Förankra's web layer: the JSON API, the HTML pages
// (templates and static files embedded) and their middleware, on Fiber.
package handlers

import (
	"crypto/x509"
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
	// PublicURL is the service's public address (e.g.
	// https://forankra.kommun.se), for printed links and QR codes; empty uses
	// the address of the request.
	PublicURL string
	// MailURL starts the links in e-mail: the public address, or the
	// fallback cmd/forankra chose when it is unset. Empty uses PublicURL.
	MailURL string
	// SMTPAddr (host:port) and SMTPFrom configure outgoing e-mail (remiss
	// reminders); without them messages stay in the outbox.
	SMTPAddr, SMTPFrom string
	// SMTPRootCAs verifies the relay's certificate for STARTTLS; nil uses the
	// system's roots (tests trust their own).
	SMTPRootCAs *x509.CertPool
	// Committer writes submissions in batches. Nil starts one that is never
	// closed (fine for tests); the service passes its own and closes it after
	// the app has shut down, so that no answered submission is left unwritten.
	Committer *storage.Committer
	// PasswordChecked, when set, is called after every password hash
	// compared at sign-in (tests count them).
	PasswordChecked func()
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
	submits   *submitLimiter
	secrets   *storage.Secrets
	auditLog  *storage.Audit
	plans     *storage.Plans
	// servicePlans is the municipal development and service plan.
	servicePlans *storage.ServicePlans
	// meetings: forum meetings, agendas, minutes, decisions.
	meetings *storage.Meetings
	funds    *storage.Funds
	keys     keys
	// hashSlots bounds concurrent password checks: each argon2id hash takes
	// 64 MiB, so a burst of sign-ins must queue rather than exhaust memory.
	hashSlots chan struct{}
	hashQueue hashQueue
	remiss    *remissDeps
	committer *storage.Committer
	cache     surveyCache
	// matters: the contact person's matters and their clock.
	matters *storage.Matters
	// lastVillages holds the last copy of each village read for a phone
	// page (slug → survey.Village), for the form shown during an outage.
	lastVillages sync.Map

	// shortLinks: the short links of code sheets (/e/{code}).
	shortLinks *storage.ShortLinks
}

// New builds the Fiber app with every route of the service.
func New(cfg Config) *fiber.App {
	s := newServer(cfg)
	if s.committer == nil {
		s.committer = storage.NewCommitter(s.responses, storage.CommitterOptions{})
	}
	app := fiber.New(fiber.Config{
		AppName:               "Förankra",
		ErrorHandler:          errorHandler(s.cfg.Logger),
		BodyLimit:             s.cfg.BodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           60 * time.Second,
		DisableStartupMessage: true,
		Immutable:             true,
		ProxyHeader:           cfg.ProxyHeader,
		// X-Forwarded-Host and -Proto (links, QR codes, the same-site check)
		// count only behind a configured proxy: without ProxyHeader no
		// address is trusted, with it every address is (the proxy is the
		// only way in).
		EnableTrustedProxyCheck: true,
		// A multipart body is read when a handler asks for it, so that a
		// malformed one is refused by the error handler (JSON under /api)
		// rather than by fasthttp before any route runs.
		DisablePreParseMultipartForm: true,
		TrustedProxies:               trustedProxies(cfg.ProxyHeader),
	})
	app.Use(recover.New(), securityHeaders, compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	s.routes(app)
	return app
}

// newServer fills in the defaults of cfg and builds the stores.
func newServer(cfg Config) *server {
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
		submits:   newSubmitLimiter(),
		secrets:   storage.NewSecrets(cfg.DB),
		auditLog:  storage.NewAudit(cfg.DB),
		plans:     storage.NewPlans(cfg.DB),
		// The municipal development and service plan.
		servicePlans: storage.NewServicePlans(cfg.DB),
		meetings:     storage.NewMeetings(cfg.DB),
		funds:        storage.NewFunds(cfg.DB),
		hashSlots:    make(chan struct{}, maxConcurrentHashes),
		remiss:       newRemissDeps(cfg),
		committer:    cfg.Committer,
		matters:      storage.NewMatters(cfg.DB),
	}
	s.shortLinks = storage.NewShortLinks(cfg.DB)
	if cfg.Committer != nil {
		// The committer's store holds the counts of its last batch until they
		// are written: the service reads tallies through it, so that a
		// resident's own response is counted on the next page at once.
		s.responses = cfg.Committer.Store()
	}
	return s
}

// Route names: every route is named after the survey.Action it requires,
// or publicRoute, so that the route table test can read what each needs.
const publicRoute = "public"

// routeTable registers routes, each with the check its action needs; no
// group middleware, so no check leaks onto routes registered later.
type routeTable struct {
	s   *server
	app *fiber.App
}

// api registers an API route for callers with a bearer token that may take a.
func (r routeTable) api(method, path string, a survey.Action, h ...fiber.Handler) {
	r.app.Add(method, path, append([]fiber.Handler{r.s.api(a)}, h...)...).Name(string(a))
}

// page registers a page for signed-in users that may take a.
func (r routeTable) page(method, path string, a survey.Action, h ...fiber.Handler) {
	r.app.Add(method, path, append([]fiber.Handler{r.s.page(a)}, h...)...).Name(string(a))
}

// public registers a route anyone may call, on purpose.
func (r routeTable) public(method, path string, h ...fiber.Handler) {
	r.app.Add(method, path, h...).Name(publicRoute)
}

// trustedProxies is every address when the service runs behind a proxy
// (proxyHeader set), else none.
func trustedProxies(proxyHeader string) []string {
	if proxyHeader == "" {
		return nil
	}
	return []string{"0.0.0.0/0", "::/0"}
}

// routes lists every route of the service in one place, one per line,
// grouped by area.
func (s *server) routes(app *fiber.App) {
	r := routeTable{s: s, app: app}
	r.public("GET", "/healthz", s.healthz)
	r.public("GET", "/readyz", s.readyz)
	r.public("GET", "/api/openapi.json", s.openAPIDoc(app))
	r.public("GET", "/static/*", s.static)
	r.public("GET", "/lang/:code", setLang)

	// Pages for residents: no account.
	r.public("GET", "/", s.startPage)
	r.public("GET", "/s/:survey/:village", s.phonePage)
	r.public("POST", "/s/:survey/:village", s.phoneSubmit)
	r.public("GET", "/s/:survey/:village/tack", s.thanksPage)
	r.public("GET", "/e/:code", s.shortLinkRedirect) // the short link of a code sheet
	r.public("GET", "/byar", s.villagesIndexPage)
	r.public("GET", "/byar/:slug", s.publicVillagePage)

	// API. Every route names the action survey.Can must allow; a handler
	// that learns the villages concerned from the request or the record
	// checks them again with allow (or authorize, its form for a request).
	r.public("POST", "/api/v1/tokens", s.createToken)
	r.api("GET", "/api/v1/tokens", survey.ManageOwnAccount, s.listTokens)
	r.api("DELETE", "/api/v1/tokens", survey.ManageOwnAccount, s.revokeToken)
	r.api("DELETE", "/api/v1/tokens/:id", survey.ManageOwnAccount, s.revokeTokenByID) // the owner, or ManageUsers
	r.api("POST", "/api/v1/me/password", survey.ManageOwnAccount, s.changePassword)
	r.api("GET", "/api/v1/villages", survey.ReadVillages, s.listVillages)
	r.api("POST", "/api/v1/villages", survey.ManageVillages, s.createVillage)
	r.api("GET", "/api/v1/surveys", survey.ReadSurveyResults, s.listSurveys)
	r.api("POST", "/api/v1/surveys", survey.ManageSurvey, s.createSurvey)
	r.public("GET", "/api/v1/surveys/:id", s.optionalUser, s.getSurvey) // anonymous: open surveys only
	r.api("PUT", "/api/v1/surveys/:id", survey.ManageSurvey, s.updateSurvey)
	r.api("POST", "/api/v1/surveys/:id/open", survey.ManageSurvey, s.openSurvey)
	r.api("POST", "/api/v1/surveys/:id/close", survey.ManageSurvey, s.closeSurvey)
	r.public("POST", "/api/v1/surveys/:id/responses", s.createResponse)
	r.api("GET", "/api/v1/surveys/:id/responses.csv", survey.ReadSurveyResults, s.responsesExport("csv"))
	r.api("GET", "/api/v1/surveys/:id/responses.xlsx", survey.ReadSurveyResults, s.responsesExport("xlsx"))
	// auth: users, codes, audit (API) and the signed-in pages.
	r.api("GET", "/api/v1/users", survey.ManageUsers, s.listUsers)
	r.api("POST", "/api/v1/users", survey.ManageUsers, s.createUser)
	r.api("PATCH", "/api/v1/users/:id", survey.ManageUsers, s.updateUser)
	r.api("POST", "/api/v1/surveys/:id/codes", survey.ManageSurvey, s.createCodes)
	r.api("GET", "/api/v1/surveys/:id/short-links", survey.ManageSurvey, s.listShortLinks)
	// The editing pages' JSON routes (handlers/editing_api.go).
	r.api("PATCH", "/api/v1/surveys/:id", survey.ManageSurvey, s.apiEditDetails)
	r.api("PUT", "/api/v1/surveys/:id/questions/:key", survey.ManageSurvey, s.apiEditQuestion)
	r.api("PUT", "/api/v1/surveys/:id/schedule", survey.ManageSurvey, s.apiSchedule)
	r.api("POST", "/api/v1/surveys/:id/copy", survey.ManageSurvey, s.apiCopySurvey)
	r.api("PATCH", "/api/v1/villages/:slug", survey.ManageVillages, s.apiEditVillage)
	r.api("PATCH", "/api/v1/proposals/:id", survey.ManageProposals, s.apiEditProposal)
	r.api("PUT", "/api/v1/proposals/:id/decision", survey.ManageProposals, s.apiCorrectDecision)
	r.api("GET", "/api/v1/audit", survey.ReadAudit, s.listAudit)

	r.public("GET", "/logga-in", s.signInPage)
	r.public("POST", "/logga-in", s.signInSubmit)
	r.public("GET", "/glomt-losenord", s.forgotPage)
	r.public("POST", "/glomt-losenord", s.forgotSubmit)
	r.public("GET", "/losenord/:token", s.passwordPage)
	r.public("POST", "/losenord/:token", s.passwordSubmit)
	r.page("POST", "/logga-ut", survey.ManageOwnAccount, s.signOut)
	r.page("GET", "/konto", survey.ManageOwnAccount, s.accountPage)
	r.page("POST", "/konto/losenord", survey.ManageOwnAccount, s.accountPasswordSubmit)
	r.page("GET", "/admin/byar", survey.ManageVillages, s.villagesPage)
	r.page("POST", "/admin/byar", survey.ManageVillages, s.villageCreate)
	r.page("GET", "/admin/byar/:slug", survey.ManageVillages, s.villagePage)
	r.page("POST", "/admin/byar/:slug", survey.ManageVillages, s.villageChange)
	r.page("GET", "/admin/anvandare", survey.ManageUsers, s.usersPage)
	r.page("POST", "/admin/anvandare", survey.ManageUsers, s.userCreate)
	r.page("GET", "/admin/anvandare/:id", survey.ManageUsers, s.userPage)
	r.page("POST", "/admin/anvandare/:id", survey.ManageUsers, s.userChange)
	r.page("GET", "/admin/logg", survey.ReadAudit, s.auditPage)
	r.page("GET", "/att-gora", survey.ManageOwnAccount, s.todoPage)
	r.page("GET", "/enkater", survey.ReadSurveyResults, s.surveysPage)
	r.page("GET", "/enkater/ny", survey.ManageSurvey, s.newSurveyPage)
	r.page("POST", "/enkater/ny", survey.ManageSurvey, s.newSurveySubmit)
	r.page("GET", "/enkater/:id", survey.ReadSurveyResults, s.surveyPage)
	r.page("GET", "/enkater/:id/svar.csv", survey.ReadSurveyResults, s.responsesExport("csv"))
	r.page("GET", "/enkater/:id/svar.xlsx", survey.ReadSurveyResults, s.responsesExport("xlsx"))
	r.page("GET", "/enkater/:id/fritext", survey.ReadSurveyResults, s.freeTextPage) // readers of every village
	r.page("POST", "/enkater/:id/detaljer", survey.ManageSurvey, s.surveyDetails)
	r.page("POST", "/enkater/:id/fragor", survey.ManageSurvey, s.questionAdd)
	r.page("GET", "/enkater/:id/fragor/:key", survey.ManageSurvey, s.questionEditPage)
	r.page("POST", "/enkater/:id/fragor/:key", survey.ManageSurvey, s.questionEdit)
	r.page("POST", "/enkater/:id/fragor/:key/upp", survey.ManageSurvey, s.questionUp)
	r.page("POST", "/enkater/:id/fragor/:key/ner", survey.ManageSurvey, s.questionDown)
	r.page("GET", "/enkater/:id/fragor/:key/ta-bort", survey.ManageSurvey, s.questionRemoveConfirm)
	r.page("POST", "/enkater/:id/fragor/:key/ta-bort", survey.ManageSurvey, s.questionRemove)
	r.page("POST", "/enkater/:id/oppna", survey.ManageSurvey, s.surveyOpen)
	r.page("GET", "/enkater/:id/stang", survey.ManageSurvey, s.surveyCloseConfirm)
	r.page("POST", "/enkater/:id/stang", survey.ManageSurvey, s.surveyClose)
	r.page("POST", "/enkater/:id/kopiera", survey.ManageSurvey, s.surveyCopy)
	r.page("POST", "/enkater/:id/schema", survey.ManageSurvey, s.surveySchedule)
	r.page("POST", "/enkater/:id/ateroppna", survey.ManageSurvey, s.surveyReopen)
	r.page("GET", "/enkater/:id/forhandsvisning/:village", survey.ManageSurvey, s.surveyPreview)
	r.page("GET", "/enkater/:id/koder", survey.ManageSurvey, s.codesPage)
	r.page("POST", "/enkater/:id/koder", survey.ManageSurvey, s.codesSubmit)
	r.page("GET", "/enkater/:id/papper/:village", survey.EnterPaperResponse, s.paperPage)
	r.page("POST", "/enkater/:id/papper/:village", survey.EnterPaperResponse, s.paperSubmit)

	// Remiss: citizen proposals, remiss rounds, answers, follow-up, summary.
	r.api("GET", "/api/v1/proposals", survey.ReadRemiss, s.apiListProposals)
	r.api("POST", "/api/v1/proposals", survey.ManageProposals, s.apiCreateProposal)
	r.api("GET", "/api/v1/proposals/:id", survey.ReadRemiss, s.apiGetProposal)
	r.api("DELETE", "/api/v1/proposals/:id/submitted_by", survey.ManageProposals, s.apiEraseSubmitter)
	r.api("POST", "/api/v1/proposals/:id/remiss", survey.ManageProposals, s.apiSendRemiss)
	r.api("POST", "/api/v1/proposals/:id/decision", survey.ManageProposals, s.apiDecide)
	r.api("GET", "/api/v1/remisses", survey.ReadRemiss, s.apiListRemisses)
	r.api("GET", "/api/v1/remisses/:id", survey.ReadRemiss, s.apiGetRemiss)
	r.api("PATCH", "/api/v1/remisses/:id", survey.ManageProposals, s.apiMoveDeadline)
	r.api("POST", "/api/v1/remisses/:id/close", survey.ManageProposals, s.apiCloseRemiss)
	r.api("GET", "/api/v1/remisses/:id/answers", survey.ReadRemiss, s.apiRemissAnswers)
	r.api("POST", "/api/v1/remisses/:id/answers", survey.AnswerRemiss, s.apiAnswerRemiss)
	r.api("GET", "/api/v1/remisses/:id/summary", survey.ReadRemiss, s.apiRemissSummary)
	r.api("GET", "/api/v1/remisses/:id/summary.csv", survey.ReadRemiss, s.apiRemissSummaryExport("csv"))
	r.api("GET", "/api/v1/remisses/:id/summary.xlsx", survey.ReadRemiss, s.apiRemissSummaryExport("xlsx"))
	r.api("GET", "/api/v1/remisses/:id/chart.:format", survey.ReadRemiss, s.apiRemissChart)
	r.api("POST", "/api/v1/remisses/:id/reminders", survey.ManageProposals, s.apiReminders)
	r.api("GET", "/api/v1/outbox", survey.ManageProposals, s.apiOutbox)
	// Their pages; the user comes from the session (or a bearer token).
	r.page("GET", "/forslag", survey.ReadRemiss, s.proposalsPage)
	r.page("GET", "/forslag/ny", survey.ManageProposals, s.newProposalPage)
	r.page("POST", "/forslag/ny", survey.ManageProposals, s.newProposalSubmit)
	r.page("GET", "/forslag/:id", survey.ReadRemiss, s.proposalPage)
	r.page("GET", "/forslag/:id/andra", survey.ManageProposals, s.proposalEditPage)
	r.page("POST", "/forslag/:id/andra", survey.ManageProposals, s.proposalEdit)
	r.page("POST", "/forslag/:id/remiss", survey.ManageProposals, s.sendRemissSubmit)
	r.page("POST", "/forslag/:id/beslut", survey.ManageProposals, s.decisionSubmit)
	r.page("POST", "/forslag/:id/beslut/andra", survey.ManageProposals, s.decisionCorrect)
	r.page("GET", "/forslag/:id/radera-namn", survey.ManageProposals, s.eraseSubmitterConfirm)
	r.page("POST", "/forslag/:id/radera-namn", survey.ManageProposals, s.eraseSubmitterSubmit)
	r.page("GET", "/remisser", survey.ReadRemiss, s.remissInboxPage)
	r.page("GET", "/remisser/:id", survey.ReadRemiss, s.remissFollowUpPage)
	r.page("POST", "/remisser/:id/paminn", survey.ManageProposals, s.remindersSubmit)
	r.page("POST", "/remisser/:id/svarstid", survey.ManageProposals, s.moveDeadlineSubmit)
	r.page("GET", "/remisser/:id/stang", survey.ManageProposals, s.closeRemissConfirm)
	r.page("POST", "/remisser/:id/stang", survey.ManageProposals, s.closeRemissSubmit)
	r.page("GET", "/remisser/:id/sammanstallning", survey.ReadRemiss, s.remissSummaryPage)
	r.page("GET", "/remisser/:id/sammanstallning.csv", survey.ReadRemiss, s.apiRemissSummaryExport("csv"))
	r.page("GET", "/remisser/:id/sammanstallning.xlsx", survey.ReadRemiss, s.apiRemissSummaryExport("xlsx"))
	r.page("GET", "/remisser/:id/diagram.:format", survey.ReadRemiss, s.apiRemissChart)
	r.page("GET", "/remisser/:id/svara/:village", survey.AnswerRemiss, s.answerPage)
	r.page("POST", "/remisser/:id/svara/:village", survey.AnswerRemiss, s.answerSubmit)

	// forum: where villages agree and differ: the comparison, its exports
	// and charts, and the forum's pages.
	r.api("GET", "/api/v1/surveys/:id/comparison", survey.ReadSurveyResults, s.comparison(false))
	r.api("GET", "/api/v1/surveys/:id/comparison.json", survey.ReadSurveyResults, s.comparison(true))
	r.api("GET", "/api/v1/surveys/:id/comparison.csv", survey.ReadSurveyResults, s.comparisonCSV)
	r.api("GET", "/api/v1/surveys/:id/comparison.xlsx", survey.ReadSurveyResults, s.comparisonXLSX)
	r.api("GET", "/api/v1/surveys/:id/charts/:file", survey.ReadSurveyResults, s.chart(survey.ReadSurveyResults))
	r.page("GET", "/forum", survey.ReadComparison, s.forumPage)
	r.page("GET", "/forum/surveys/:id", survey.ReadComparison, s.forumSurveyPage)
	r.page("GET", "/forum/surveys/:id/charts/:file", survey.ReadComparison, s.chart(survey.ReadComparison))
	r.page("GET", "/forum/surveys/:id/comparison.csv", survey.ReadComparison, s.comparisonCSV)
	r.page("GET", "/forum/surveys/:id/comparison.xlsx", survey.ReadComparison, s.comparisonXLSX)
	r.page("GET", "/forum/surveys/:id/comparison.json", survey.ReadComparison, s.comparison(true))

	// Plans: catalogues, local development plans, action plans, the public
	// village and the forum's matrix.
	r.api("GET", "/api/v1/focus-areas", survey.ReadPlans, s.listFocusAreas)
	r.api("POST", "/api/v1/focus-areas", survey.ManageCatalogues, s.createFocusArea)
	r.api("GET", "/api/v1/departments", survey.ReadPlans, s.listDepartments)
	r.api("POST", "/api/v1/departments", survey.ManageCatalogues, s.createDepartment)
	r.api("GET", "/api/v1/villages/:slug/plans", survey.ReadPlans, s.listVillagePlans) // and the village
	r.api("POST", "/api/v1/villages/:slug/plans", survey.ManagePlan, s.createPlan)     // and the village
	r.api("GET", "/api/v1/plans/:id", survey.ReadPlans, s.getPlan)
	r.api("PUT", "/api/v1/plans/:id", survey.ManagePlan, s.updatePlan)           // and the plan's village
	r.api("POST", "/api/v1/plans/:id/adopt", survey.ManagePlan, s.adoptPlan())   // and the plan's village
	r.api("POST", "/api/v1/plans/:id/submit", survey.ManagePlan, s.submitPlan()) // and the plan's village
	r.api("POST", "/api/v1/plans/:id/acknowledge", survey.AcknowledgePlan, s.acknowledgePlan())
	r.api("GET", "/api/v1/plans/:id/versions", survey.ReadPlans, s.planVersions)
	r.api("GET", "/api/v1/plans/:id/diff", survey.ReadPlans, s.planDiff)
	r.api("GET", "/api/v1/plans/:id/anchoring/suggestions", survey.ReadPlans, s.planAnchoringSuggestions)
	r.api("POST", "/api/v1/plans/:id/anchoring", survey.ManagePlan, s.attachAnchoring) // and the plan's village
	r.api("POST", "/api/v1/plans/:id/actions", survey.ManagePlan, s.createAction)      // and the plan's village
	r.api("GET", "/api/v1/actions", survey.ReadPlans, s.listActions)
	r.api("PATCH", "/api/v1/actions/:id", survey.ReadPlans, s.changeAction) // the village's group; officials for the municipality's
	r.api("GET", "/api/v1/actions/:id/history", survey.ReadPlans, s.actionHistory)
	r.api("GET", "/api/v1/forum/focus-areas", survey.ReadPlans, s.forumFocusAreas)
	r.public("GET", "/api/v1/public/villages/:slug", s.publicVillage)
	r.page("GET", "/planer", survey.ReadPlans, s.plansPage)
	r.page("POST", "/planer/ny", survey.ManagePlan, s.newPlanSubmit) // and the village
	r.page("GET", "/planer/:id", survey.ReadPlans, s.planPage)
	r.page("POST", "/planer/:id", survey.ManagePlan, s.planSubmit) // and the plan's village
	r.page("GET", "/planer/:id/versioner", survey.ReadPlans, s.planVersionsPage)
	r.page("POST", "/planer/:id/anta", survey.ManagePlan, s.planAdoptSubmit)    // and the plan's village
	r.page("POST", "/planer/:id/lamna-in", survey.ManagePlan, s.planSendSubmit) // and the plan's village
	r.page("POST", "/planer/:id/kvittera", survey.AcknowledgePlan, s.planAckSubmit)
	r.page("POST", "/planer/:id/forankring", survey.ManagePlan, s.anchorSubmit)  // and the plan's village
	r.page("POST", "/planer/:id/atgarder", survey.ManagePlan, s.actionAddSubmit) // and the plan's village
	r.page("POST", "/atgarder/:id", survey.ReadPlans, s.actionChangeSubmit)      // the group; officials for the municipality's
	r.page("GET", "/forum/planer", survey.ReadPlans, s.forumPlansPage)
	r.page("GET", "/forum/planer/diagram.:format", survey.ReadPlans, s.forumPlansChart)
	r.page("GET", "/forum/planer.:format", survey.ReadPlans, s.forumPlansFile)

	// The municipal development and service plan: generated from the
	// villages' plans, reviewed and adopted by the forum, decided by the
	// council, revised in new versions.
	r.api("GET", "/api/v1/service-plans", survey.ReadServicePlan, s.apiListServicePlans)
	r.api("POST", "/api/v1/service-plans", survey.ManageServicePlan, s.apiCreateServicePlan)
	r.api("GET", "/api/v1/service-plans/:id", survey.ReadServicePlan, s.apiGetServicePlan)
	r.api("PUT", "/api/v1/service-plans/:id/items/:item", survey.ManageServicePlan, s.apiEditServiceItem)
	r.api("POST", "/api/v1/service-plans/:id/review", survey.ManageServicePlan, s.apiReviewServicePlan())
	r.api("POST", "/api/v1/service-plans/:id/adopt", survey.AdoptServicePlan, s.apiAdoptServicePlan)
	r.api("POST", "/api/v1/service-plans/:id/send", survey.ManageServicePlan, s.apiSendServicePlan())
	r.api("POST", "/api/v1/service-plans/:id/decide", survey.ManageServicePlan, s.apiDecideServicePlan())
	r.api("POST", "/api/v1/service-plans/:id/revise", survey.ManageServicePlan, s.apiReviseServicePlan)
	r.api("GET", "/api/v1/service-plans/:id/document", survey.ReadServicePlan, s.servicePlanDocument)
	r.api("GET", "/api/v1/service-plans/:id/diff", survey.ReadServicePlan, s.apiServicePlanDiff)
	r.page("GET", "/serviceplan", survey.ReadServicePlan, s.servicePlansPage)
	r.page("POST", "/serviceplan/ny", survey.ManageServicePlan, s.newServicePlanSubmit)
	r.page("GET", "/serviceplan/:id", survey.ReadServicePlan, s.servicePlanPage)
	r.page("POST", "/serviceplan/:id/punkter/:item", survey.ManageServicePlan, s.serviceItemSubmit)
	r.page("POST", "/serviceplan/:id/granska", survey.ManageServicePlan, s.servicePlanReviewSubmit)
	r.page("POST", "/serviceplan/:id/anta", survey.AdoptServicePlan, s.servicePlanAdoptSubmit)
	r.page("GET", "/serviceplan/:id/skicka", survey.ManageServicePlan, s.servicePlanSendPage)
	r.page("POST", "/serviceplan/:id/skicka", survey.ManageServicePlan, s.servicePlanSendSubmit)
	r.page("GET", "/serviceplan/:id/beslut", survey.ManageServicePlan, s.servicePlanDecidePage)
	r.page("POST", "/serviceplan/:id/beslut", survey.ManageServicePlan, s.servicePlanDecideSubmit)
	r.page("POST", "/serviceplan/:id/revidera", survey.ManageServicePlan, s.servicePlanReviseSubmit)
	r.page("GET", "/serviceplan/:id/dokument", survey.ReadServicePlan, s.servicePlanDocument)
	r.page("GET", "/serviceplan/:id/andringar", survey.ReadServicePlan, s.servicePlanDiffPage)

	// Meetings: forum meetings, their agendas, invitations, minutes and
	// decisions, and the public calendar.
	r.api("GET", "/api/v1/meetings", survey.ReadMeetings, s.listMeetings) // a representative: meetings of their villages
	r.api("POST", "/api/v1/meetings", survey.ManageMeetings, s.createMeeting)
	r.api("GET", "/api/v1/meetings/:id", survey.ReadMeetings, s.getMeeting) // and the meeting's villages
	r.api("POST", "/api/v1/meetings/:id/agenda", survey.ManageMeetings, s.createAgendaItem)
	r.api("POST", "/api/v1/meetings/:id/invite", survey.ManageMeetings, s.apiInviteMeeting)
	r.api("POST", "/api/v1/meetings/:id/held", survey.ManageMeetings, s.apiHoldMeeting)
	r.api("PUT", "/api/v1/meetings/:id/items/:item/minutes", survey.ManageMeetings, s.apiWriteMinutes)
	r.api("POST", "/api/v1/meetings/:id/items/:item/decisions", survey.ManageMeetings, s.apiMeetingDecision)
	r.api("POST", "/api/v1/meetings/:id/approve", survey.ManageMeetings, s.apiApproveMinutes)
	r.public("GET", "/kalender.ics", s.calendarFeed)
	r.public("GET", "/byar/:slug/kalender.ics", s.villageCalendarFeed)
	r.page("GET", "/moten", survey.ReadMeetings, s.meetingsPage) // a representative: meetings of their villages
	r.page("GET", "/moten/ny", survey.ManageMeetings, s.newMeetingPage)
	r.page("POST", "/moten/ny", survey.ManageMeetings, s.newMeetingSubmit)
	r.page("GET", "/moten/:id", survey.ReadMeetings, s.meetingPage) // and the meeting's villages
	r.page("POST", "/moten/:id/punkter", survey.ManageMeetings, s.meetingAgendaSubmit)
	r.page("POST", "/moten/:id/kalla", survey.ManageMeetings, s.meetingInviteSubmit)
	r.page("POST", "/moten/:id/hallet", survey.ManageMeetings, s.meetingHeldSubmit)
	r.page("POST", "/moten/:id/punkter/:item/protokoll", survey.ManageMeetings, s.meetingMinutesSubmit)
	r.page("POST", "/moten/:id/punkter/:item/beslut", survey.ManageMeetings, s.meetingDecisionSubmit)
	r.page("POST", "/moten/:id/justera", survey.ManageMeetings, s.meetingApproveSubmit)
	// Matters (ärenden): the contact person's matters with their clock, and
	// the departments' public figures.
	r.api("POST", "/api/v1/matters", survey.RaiseMatter, s.createMatter) // and the village
	r.api("GET", "/api/v1/matters", survey.ReadMatters, s.listMatters)   // a representative: their villages'
	r.api("GET", "/api/v1/matters/:id", survey.ReadMatters, s.getMatter) // and the matter's village
	r.api("POST", "/api/v1/matters/:id/forward", survey.HandleMatter, s.matterStep(survey.MoveForward))
	r.api("POST", "/api/v1/matters/:id/answer", survey.HandleMatter, s.matterStep(survey.MoveAnswer))
	r.api("POST", "/api/v1/matters/:id/confirm", survey.ConfirmMatter, s.matterStep(survey.MoveConfirm)) // and the matter's village
	r.api("POST", "/api/v1/matters/:id/reopen", survey.ConfirmMatter, s.matterStep(survey.MoveReopen))   // and the matter's village
	r.public("GET", "/api/v1/departments/stats", s.departmentStatsAPI)
	r.public("GET", "/forvaltningar", s.departmentsPage)
	r.page("GET", "/arenden", survey.ReadMatters, s.mattersPage)
	r.page("GET", "/arenden/ny", survey.RaiseMatter, s.newMatterPage)
	r.page("POST", "/arenden/ny", survey.RaiseMatter, s.newMatterSubmit) // and the village
	r.page("GET", "/arenden/:id", survey.ReadMatters, s.matterPage)      // and the matter's village
	r.page("POST", "/arenden/:id/vidare", survey.HandleMatter, s.matterStepSubmit(survey.MoveForward))
	r.page("POST", "/arenden/:id/svar", survey.HandleMatter, s.matterStepSubmit(survey.MoveAnswer))
	r.page("POST", "/arenden/:id/bekrafta", survey.ConfirmMatter, s.matterStepSubmit(survey.MoveConfirm))  // and the matter's village
	r.page("POST", "/arenden/:id/oppna-igen", survey.ConfirmMatter, s.matterStepSubmit(survey.MoveReopen)) // and the matter's village
	// Timeline and the yearly report: public, with more for signed-in
	// readers of the village (survey.ReadVillageRecords, checked inside).
	r.public("GET", "/api/v1/villages/:slug/timeline", s.optionalUser, s.villageTimeline)
	r.public("GET", "/byar/:slug/tidslinje", s.optionalSession, s.villageTimelinePage)
	r.public("GET", "/api/v1/public/reports/:year", s.yearReportAPI)
	r.public("GET", "/arsrapport", s.yearReportNow)
	r.public("GET", "/arsrapport/:year", s.yearReportPage)
	// Bygdepeng: funds, their append-only ledger, basic grants checked from
	// the records, investment applications, the public money pages.
	r.api("GET", "/api/v1/funds", survey.ReadFunds, s.listFunds)
	r.api("POST", "/api/v1/funds", survey.ManageFunds, s.createFund)
	r.api("GET", "/api/v1/funds/:year", survey.ReadFunds, s.getFund)
	r.api("GET", "/api/v1/funds/:year/basic-grants", survey.ReadFunds, s.listBasicGrants)
	r.api("POST", "/api/v1/funds/:year/basic-grants/:slug/approve", survey.ManageFunds, s.basicStep(s.approveBasic))
	r.api("POST", "/api/v1/funds/:year/basic-grants/:slug/pay", survey.ManageFunds, s.basicStep(s.payBasic))
	r.api("POST", "/api/v1/funds/:year/basic-grants/:slug/override", survey.ManageFunds, s.overrideBasicAPI)
	r.api("GET", "/api/v1/funds/:year/applications", survey.ReadFunds, s.listApplications)
	r.api("POST", "/api/v1/funds/:year/applications", survey.ApplyForFunds, s.createApplication) // and the village
	r.api("GET", "/api/v1/funds/:year/applications/:id", survey.ReadFunds, s.getApplication)
	r.api("POST", "/api/v1/funds/:year/applications/:id/submit", survey.ApplyForFunds, applicationAPI(s, fiber.StatusOK, s.submitApplication)) // and the village
	r.api("POST", "/api/v1/funds/:year/applications/:id/grant", survey.DecideApplications, applicationAPI(s, fiber.StatusOK, s.grantApplication))
	r.api("POST", "/api/v1/funds/:year/applications/:id/reject", survey.DecideApplications, applicationAPI(s, fiber.StatusOK, s.rejectApplication))
	r.api("POST", "/api/v1/funds/:year/applications/:id/pay", survey.DecideApplications, applicationAPI(s, fiber.StatusOK, s.payApplication))
	r.api("POST", "/api/v1/funds/:year/applications/:id/return", survey.DecideApplications, applicationAPI(s, fiber.StatusCreated, s.returnApplication))
	r.api("POST", "/api/v1/funds/:year/applications/:id/report", survey.ApplyForFunds, applicationAPI(s, fiber.StatusOK, s.reportApplication)) // and the village
	r.api("POST", "/api/v1/funds/:year/applications/:id/close", survey.DecideApplications, applicationAPI(s, fiber.StatusOK, s.closeApplication))
	r.api("GET", "/api/v1/funds/:year/ledger", survey.ReadFunds, s.getLedger)
	r.api("POST", "/api/v1/funds/:year/ledger/:id/reverse", survey.ManageFunds, s.reverseEntryAPI)
	r.public("GET", "/api/v1/public/funds/:year.:format", s.publicFundExport)
	r.public("GET", "/api/v1/public/funds/:year", s.publicFund)
	r.public("GET", "/bygdepeng", s.fundsIndexPage)
	r.public("GET", "/bygdepeng/:year", s.fundYearPublicPage)
	r.public("GET", "/bygdepeng/:year/diagram/:by.:format", s.fundChart)
	r.page("GET", "/fonder", survey.ReadFunds, s.fundsStaffPage)
	r.page("POST", "/fonder", survey.ManageFunds, s.fundCreateSubmit)
	r.page("GET", "/fonder/:year", survey.ReadFunds, s.fundStaffPage)
	r.page("POST", "/fonder/:year/grundbidrag/:slug/godkann", survey.ManageFunds, s.basicApproveSubmit())
	r.page("POST", "/fonder/:year/grundbidrag/:slug/betala", survey.ManageFunds, s.basicPaySubmit())
	r.page("POST", "/fonder/:year/grundbidrag/:slug/undantag", survey.ManageFunds, s.basicOverrideSubmit())
	r.page("POST", "/fonder/:year/ansokningar", survey.ApplyForFunds, s.applicationCreateSubmit()) // and the village
	r.page("GET", "/fonder/:year/ansokningar/:id", survey.ReadFunds, s.applicationPage)
	r.page("POST", "/fonder/:year/ansokningar/:id/skicka-in", survey.ApplyForFunds, s.applicationSubmit("submit")) // and the village
	r.page("POST", "/fonder/:year/ansokningar/:id/bevilja", survey.DecideApplications, s.applicationSubmit("grant"))
	r.page("POST", "/fonder/:year/ansokningar/:id/avsla", survey.DecideApplications, s.applicationSubmit("reject"))
	r.page("POST", "/fonder/:year/ansokningar/:id/betala", survey.DecideApplications, s.applicationSubmit("pay"))
	r.page("POST", "/fonder/:year/ansokningar/:id/rapport", survey.ApplyForFunds, s.applicationSubmit("report")) // and the village
	r.page("POST", "/fonder/:year/ansokningar/:id/stang", survey.DecideApplications, s.applicationSubmit("close"))
	r.page("GET", "/fonder/:year/huvudbok/:id/rattelse", survey.ManageFunds, s.reverseConfirmPage)
	r.page("POST", "/fonder/:year/huvudbok/:id/rattelse", survey.ManageFunds, s.reverseSubmit)

	// Anything else, under /api/v1 too: 404 (JSON under /api).
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
