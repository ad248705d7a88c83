// Package dbtest gives tests a real database: MONGODB_URI when it is set,
// otherwise an embedded FerretDB started once per test binary. Each test gets
// its own database, dropped when the test ends. There is no mock.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/forankra/forankra/storage"
)

var (
	uri string
	emb *storage.Embedded
)

// Main starts the embedded server when MONGODB_URI is unset, runs the tests
// and stops it. Call it from TestMain: os.Exit(dbtest.Main(m)).
func Main(m *testing.M) int {
	uri = os.Getenv("MONGODB_URI")
	if uri == "" {
		dir, err := os.MkdirTemp("", "forankra-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "dbtest:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		emb, err = storage.StartEmbedded(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			fmt.Fprintln(os.Stderr, "dbtest:", err)
			return 1
		}
		defer emb.Stop()
		uri = emb.URI()
	}
	return m.Run()
}

// IndexIDs gives the embedded server's new collections the index of their
// reads by _id now (it does so by itself within a second): for tests that
// time such reads. Against MONGODB_URI it does nothing.
func IndexIDs(t testing.TB) {
	t.Helper()
	if emb == nil {
		return
	}
	if err := emb.IndexIDs(context.Background()); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
}

// URI is the connection string of the test server.
func URI() string { return uri }

// New connects to a fresh database with the service's indexes, dropped and
// disconnected when the test ends; opt can add a command monitor.
func New(t testing.TB, opt ...storage.ConnectOption) *storage.DB {
	t.Helper()
	if uri == "" {
		t.Fatal("dbtest: call dbtest.Main from TestMain")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := storage.Connect(ctx, uri, Name(), 10*time.Second, opt...)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	if err := db.EnsureIndexes(ctx); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
		_ = db.Close(ctx)
	})
	return db
}

// Name returns a fresh database name.
func Name() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "test_" + hex.EncodeToString(b)
}
