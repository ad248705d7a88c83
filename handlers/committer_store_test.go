package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"github.com/forankra/forankra/storage/dbtest"
)

// The service's own committer (the one cmd/forankra passes) answers a
// resident before the batch's counts are written; the survey's count read
// right after through the service includes that response, every time.
func TestACountReadRightAfterASubmissionIncludesIt(t *testing.T) {
	ta := &testApp{t: t, db: dbtest.New(t), now: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	committer := storage.NewCommitter(storage.NewResponses(ta.db), storage.CommitterOptions{})
	defer committer.Close(context.Background())
	ta.app = New(Config{DB: ta.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return ta.now },
		Committer: committer})
	admin := ta.user("admin")
	if code, b := ta.do("POST", "/api/v1/villages", admin, map[string]any{"name": "Åby", "slug": "aby", "population": 100}); code != http.StatusCreated {
		t.Fatalf("village: got %d %s; want 201", code, b)
	}
	def := map[string]any{"title": "Skolan", "description": "", "villages": []string{"aby"}, "access": "link",
		"questions": []map[string]any{{"key": "skola", "type": "single", "prompt": "Ska skolan byggas ut?", "options": singleOptions}}}
	code, b := ta.do("POST", "/api/v1/surveys", admin, def)
	if code != http.StatusCreated {
		t.Fatalf("survey: got %d %s; want 201", code, b)
	}
	id := decode[map[string]any](t, b)["id"].(string)
	if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/open", admin, nil); code != http.StatusOK {
		t.Fatalf("open: got %d %s; want 200", code, b)
	}
	for i := 1; i <= 5; i++ {
		if code, b := ta.do("POST", "/api/v1/surveys/"+id+"/responses", "", map[string]any{"village": "aby", "answers": map[string]any{"skola": "Ja"}}); code != http.StatusCreated {
			t.Fatalf("response %d: got %d %s; want 201", i, code, b)
		}
		code, b := ta.do("GET", "/api/v1/surveys/"+id, admin, nil)
		if code != http.StatusOK {
			t.Fatalf("survey: got %d %s; want 200", code, b)
		}
		if got := decode[map[string]any](t, b)["responses"]; got != float64(i) {
			t.Errorf("after response %d: got %v responses; want %d", i, got, i)
		}
	}
}
