package storage_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func TestEmbeddedKeepsItsFilesPrivate(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func(t *testing.T, dir string) {
		t.Helper()
		emb, err := storage.StartEmbeddedTCP(dir, "127.0.0.1:0", logger)
		if err != nil {
			t.Fatal(err)
		}
		emb.Stop()
	}
	tests := []struct {
		name   string
		exists bool
	}{
		{"a new data directory is made private", false},
		{"an existing world-readable data directory and its database files are made private", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if tt.exists {
				start(t, dir) // SQLite's files, then opened up as an umask of 022 leaves them
				if err := os.WriteFile(filepath.Join(dir, "other"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
				err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
					if err != nil {
						return err
					}
					if d.IsDir() {
						return os.Chmod(path, 0o755)
					}
					return os.Chmod(path, 0o644)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			start(t, dir)
			st, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Mode().Perm(); got != 0o700 {
				t.Errorf("got directory mode %o; want 700", got)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				info, err := e.Info()
				if err != nil {
					t.Fatal(err)
				}
				if got := info.Mode().Perm(); tt.exists && e.Type().IsRegular() && got != 0o600 {
					t.Errorf("%s: got mode %o; want 600", e.Name(), got)
				}
			}
		})
	}
}

// FerretDB's own _id index does not serve its reads by _id (see idIndexer):
// without the added one, a read of the last or of a missing _id among
// 20,000 documents scans them all (60–400 ms on 2 cores).
func TestEmbeddedReadsByIDWithAnIndexWhateverTheSize(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 20,000 documents")
	}
	emb, err := storage.StartEmbedded(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Stop)
	ctx := context.Background()
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(emb.URI()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	col := client.Database("ids").Collection("docs")
	const n = 20000
	for i := 0; i < n; i += 1000 {
		docs := make([]any, 0, 1000)
		for j := i; j < i+1000; j++ {
			docs = append(docs, bson.M{"_id": fmt.Sprint("doc-", j), "text": "Bättre bussar till stan"})
		}
		if _, err := col.InsertMany(ctx, docs); err != nil {
			t.Fatal(err)
		}
	}
	if err := emb.IndexIDs(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func(i int) error
	}{
		{"the last document", func(int) error { return col.FindOne(ctx, bson.M{"_id": fmt.Sprint("doc-", n-1)}).Err() }},
		{"a missing _id", func(i int) error {
			err := col.FindOne(ctx, bson.M{"_id": fmt.Sprint("saknas-", i)}).Err()
			if errors.Is(err, mongo.ErrNoDocuments) {
				return nil
			}
			return fmt.Errorf("got %v; want no documents", err)
		}},
		{"a delete of a missing _id", func(i int) error {
			_, err := col.DeleteOne(ctx, bson.M{"_id": fmt.Sprint("saknas-", i)})
			return err
		}},
		{"an update by _id", func(i int) error {
			_, err := col.UpdateOne(ctx, bson.M{"_id": fmt.Sprint("doc-", n-1-i)}, bson.M{"$set": bson.M{"seen": true}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			times := make([]time.Duration, 0, 21)
			for i := range 21 {
				start := time.Now()
				if err := tt.call(i); err != nil {
					t.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			if p50 := times[len(times)/2]; p50 > 20*time.Millisecond {
				t.Errorf("got p50 %v at %d documents; want under 20 ms", p50, n)
			}
		})
	}
}
