// Package handlers is Förankra's web layer: the JSON API, the HTML pages
// (templates and static files embedded) and their middleware, on Fiber.
package handlers

import (
	"log/slog"
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
}

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
	s := &server{
		cfg: cfg, log: cfg.Logger, now: cfg.Now, db: cfg.DB,
		villages:  storage.NewVillages(cfg.DB),
		surveys:   storage.NewSurveys(cfg.DB),
		responses: storage.NewResponses(cfg.DB),
		users:     storage.NewUsers(cfg.DB),
		tokens:    storage.NewTokens(cfg.DB),
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
	})
	app.Use(recover.New(), securityHeaders, compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	s.routes(app)
	return app
}

// routes lists every route of the service in one place.
func (s *server) routes(app *fiber.App) {
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/static/*", s.static)
	app.Get("/lang/:code", setLang)

	// Pages for residents: no account.
	app.Get("/", s.startPage)
	app.Get("/s/:survey/:village", s.phonePage)
	app.Post("/s/:survey/:village", s.phoneSubmit)
	app.Get("/s/:survey/:village/tack", s.thanksPage)

	api := app.Group("/api/v1")
	api.Post("/tokens", s.createToken)
	api.Post("/surveys/:id/responses", s.createResponse)

	signedIn := api.Group("", s.requireUser)
	signedIn.Delete("/tokens", s.revokeToken)
	signedIn.Get("/villages", s.listVillages)
	signedIn.Post("/villages", s.createVillage)
	signedIn.Get("/surveys", s.listSurveys)
	signedIn.Post("/surveys", s.createSurvey)
	signedIn.Put("/surveys/:id", s.updateSurvey)
	signedIn.Post("/surveys/:id/open", s.openSurvey)
	signedIn.Post("/surveys/:id/close", s.closeSurvey)
	signedIn.Get("/surveys/:id/responses.csv", s.responsesCSV)
	// forum: where villages agree and differ (comparison, exports, charts).
	signedIn.Get("/surveys/:id/comparison", s.comparison(false))
	signedIn.Get("/surveys/:id/comparison.json", s.comparison(true))
	signedIn.Get("/surveys/:id/comparison.csv", s.comparisonCSV)
	signedIn.Get("/surveys/:id/comparison.xlsx", s.comparisonXLSX)
	signedIn.Get("/surveys/:id/charts/:file", s.chart(survey.ReadSurveyResults))
	// GET /surveys/:id answers anonymous callers too, without the count.
	api.Get("/surveys/:id", s.optionalUser, s.getSurvey)

	// forum: the forum's pages, for signed-in users.
	forum := app.Group("/forum", s.requireUser)
	forum.Get("/", s.forumPage)
	forum.Get("/surveys/:id", s.forumSurveyPage)
	forum.Get("/surveys/:id/charts/:file", s.chart(survey.ReadComparison))
	forum.Get("/surveys/:id/comparison.csv", s.comparisonCSV)
	forum.Get("/surveys/:id/comparison.xlsx", s.comparisonXLSX)
	forum.Get("/surveys/:id/comparison.json", s.comparison(true))

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
