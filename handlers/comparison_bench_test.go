package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
	"github.com/forankra/forankra/survey"
)

// BenchmarkComparison times GET /api/v1/surveys/{id}/comparison in process
// on a survey of ten villages. The comparison reads one tally a village, so
// the time per call should not grow with the number of responses; the full
// measurement at 100,000 responses is cmd/forankra-compare-bench.
//
//	go test ./handlers -run '^$' -bench Comparison -benchtime 200x
func BenchmarkComparison(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("%d responses", n), func(b *testing.B) {
			db := dbtest.New(b)
			ctx := context.Background()
			now := time.Now()
			slugs := make([]string, 10)
			for i := range slugs {
				slugs[i] = fmt.Sprintf("by%d", i)
				if err := storage.NewVillages(db).Create(ctx, survey.Village{Slug: slugs[i], Name: "By " + slugs[i], Population: 500, Created: now}); err != nil {
					b.Fatal(err)
				}
			}
			sv := &survey.Survey{Status: survey.Draft, Created: now}
			def := survey.Definition{Title: "Mätning", Villages: slugs, Questions: []survey.Question{
				{Key: "s", Type: survey.Single, Prompt: "Ja eller nej?", Options: []string{"Ja", "Nej"}},
				{Key: "l", Type: survey.Likert, Prompt: "Bra?"},
			}}
			if err := sv.Apply(def); err != nil {
				b.Fatal(err)
			}
			if err := sv.Open(now); err != nil {
				b.Fatal(err)
			}
			if err := storage.NewSurveys(db).Create(ctx, sv); err != nil {
				b.Fatal(err)
			}
			var subs []storage.Submission
			for i := range n {
				five := float64(1 + i%5)
				subs = append(subs, storage.Submission{Survey: sv, Response: &survey.Response{ID: storage.NewID(), Survey: sv.ID,
					Village: slugs[i%10], Channel: survey.ChannelAPI, Submitted: now,
					Answers: map[string]survey.Answer{"s": {Option: []string{"Ja", "Nej"}[i%3%2]}, "l": {Number: &five}}}})
			}
			for len(subs) > 0 {
				k := min(len(subs), 500)
				if _, err := storage.NewResponses(db).Add(ctx, subs[:k]); err != nil {
					b.Fatal(err)
				}
				subs = subs[k:]
			}
			u, hash, _ := survey.NewUser{Email: "b@example.se", Name: "B", Password: "ett-långt-lösenord", Role: survey.RoleForum}.User(now)
			if err := storage.NewUsers(db).Create(ctx, &u, hash); err != nil {
				b.Fatal(err)
			}
			token, _ := storage.NewTokens(db).Create(ctx, u.ID, now, time.Hour)
			app := New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			b.ResetTimer()
			for range b.N {
				req := httptest.NewRequest("GET", "/api/v1/surveys/"+sv.ID+"/comparison", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := app.Test(req, -1)
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("got %v %v; want 200", resp, err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
