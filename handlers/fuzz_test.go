package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// fuzzApp is the service on a fresh database with an open survey of every
// type for villages aby and backby; it returns the app and the survey's id.
func fuzzApp(tb testing.TB) (*fiber.App, string) {
	tb.Helper()
	app, id, _ := fuzzAppDB(tb)
	return app, id
}

// fuzzAppDB is fuzzApp that also returns the database.
func fuzzAppDB(tb testing.TB) (*fiber.App, string, *storage.DB) {
	tb.Helper()
	db := dbtest.New(tb)
	ctx := context.Background()
	now := time.Now()
	for _, v := range []survey.Village{{Slug: "aby", Name: "Åby", Created: now}, {Slug: "backby", Name: "Bäckby", Created: now}} {
		if err := storage.NewVillages(db).Create(ctx, v); err != nil {
			tb.Fatal(err)
		}
	}
	min, max, textMax := 0.0, 120.0, 20.0
	d := survey.Definition{Title: "Byns framtid", Villages: []string{"aby", "backby"}, Questions: []survey.Question{
		{Key: "q1", Type: survey.Single, Prompt: "Viktigast?", Options: []string{"Skola", "Väg", "Buss"}, Required: true},
		{Key: "q2", Type: survey.Multi, Prompt: "Vilka?", Options: []string{"Bad", "Kyrka", "Gård"}},
		{Key: "q3", Type: survey.Likert, Prompt: "Bussen är bra.", Required: true},
		{Key: "q4", Type: survey.Rank, Prompt: "Ordna.", Options: []string{"A", "B", "C"}},
		{Key: "q5", Type: survey.Number, Prompt: "År i byn?", Min: &min, Max: &max},
		{Key: "q6", Type: survey.Text, Prompt: "Övrigt?", Max: &textMax},
	}}
	if err := d.Check(); err != nil {
		tb.Fatal(err)
	}
	sv := &survey.Survey{Status: survey.Draft, Created: now}
	if err := sv.Apply(d); err != nil {
		tb.Fatal(err)
	}
	if err := sv.Open(now); err != nil {
		tb.Fatal(err)
	}
	if err := storage.NewSurveys(db).Create(ctx, sv); err != nil {
		tb.Fatal(err)
	}
	return New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}), sv.ID, db
}

// statusOf sends one request and returns its status, failing on a transport error.
func statusOf(t *testing.T, app *fiber.App, req *http.Request) int {
	t.Helper()
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// FuzzPhoneForm posts arbitrary form bodies to the phone page: whatever a
// resident's browser sends, the answer is never a server error.
func FuzzPhoneForm(f *testing.F) {
	f.Add("q_q1=Skola&q_q3=4")
	f.Add("q_q1=Buss&q_q2=Bad&q_q2=Kyrka&q_q3=1&q_q4_0=2&q_q4_1=1&q_q4_2=3&q_q5=12&q_q6=hej&nonce=n1")
	f.Add("q_q1[$ne]=x&q_q3[$gt]=0")
	app, id := fuzzApp(f)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/s/"+id+"/aby", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if code := statusOf(t, app, req); code >= 500 {
			t.Fatalf("got %d for %q; want < 500", code, body)
		}
	})
}

// FuzzResponseAPI posts arbitrary bodies to the response API: decoder,
// validator and store together never answer a server error.
func FuzzResponseAPI(f *testing.F) {
	f.Add([]byte(`{"village":"aby","answers":{"q1":"Skola","q3":4}}`))
	f.Add([]byte(`{"village":"backby","answers":{"q1":"Väg","q2":["Bad"],"q3":5,"q4":["C","B","A"],"q5":3.5,"q6":"ok"}}`))
	f.Add([]byte(`{"village":"aby","answers":{"q1":{"$gt":""},"q3":4}}`))
	app, id := fuzzApp(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/surveys/"+id+"/responses", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if code := statusOf(t, app, req); code >= 500 {
			t.Fatalf("got %d for %q; want < 500", code, body)
		}
	})
}
