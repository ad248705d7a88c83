package storage_test

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/forankra/forankra/storage"
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
