package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Embedded is a FerretDB server with the SQLite handler running inside this
// process, so that the service needs no database installed. It listens on a
// Unix socket in the data directory (or on 127.0.0.1 when that path is too
// long for a socket or has capital letters), never on a public address.
type Embedded struct {
	uri  string
	stop context.CancelFunc
	done chan struct{}
	ids  *idIndexer
}

// maxSocketPath is the portable limit of a Unix socket path (sun_path).
const maxSocketPath = 100

// StartEmbedded starts FerretDB with its files under dir.
func StartEmbedded(dir string, logger *slog.Logger) (*Embedded, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("datakatalog: %w", err)
	}
	if err := privateDir(abs); err != nil {
		return nil, err
	}
	listener := ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}
	// The driver lowercases the host part of the URI, socket paths included,
	// so a path with capitals cannot be reached that way.
	if sock := filepath.Join(abs, "ferretdb.sock"); len(sock) <= maxSocketPath && sock == strings.ToLower(sock) {
		if err := os.Remove(sock); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("gammal socket: %w", err)
		}
		listener = ferretdb.ListenerConfig{Unix: sock}
	}
	return startEmbedded(abs, listener, logger)
}

// StartEmbeddedTCP starts FerretDB with its files under dir, listening on the
// TCP address addr ("127.0.0.1:27018"; port 0 picks a free one). Other
// processes can reach it, and a server stopped and started again with the same
// dir and addr is the same database at the same URI: tests use it to take the
// database away from a running service and bring it back.
func StartEmbeddedTCP(dir, addr string, logger *slog.Logger) (*Embedded, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("datakatalog: %w", err)
	}
	if err := privateDir(abs); err != nil {
		return nil, err
	}
	return startEmbedded(abs, ferretdb.ListenerConfig{TCP: addr}, logger)
}

// privateDir makes dir, or closes an existing one, to everyone but its
// owner: the directory 0700 and the files in it 0600. MkdirAll alone leaves
// an existing directory and the database files SQLite made with the umask
// (often 0755 and 0644) readable by every local user.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("skapa datakatalog: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("datakatalogens rättigheter: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("läsa datakatalog: %w", err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := os.Chmod(filepath.Join(dir, e.Name()), 0o600); err != nil {
				return fmt.Errorf("databasfilens rättigheter: %w", err)
			}
		}
	}
	return nil
}

func startEmbedded(abs string, listener ferretdb.ListenerConfig, logger *slog.Logger) (*Embedded, error) {
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  listener,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    slog.New(newLazyHandler(logger.Handler())),
	})
	if err != nil {
		return nil, fmt.Errorf("starta inbyggd databas: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Embedded{stop: cancel, done: make(chan struct{}), ids: &idIndexer{dir: abs}}
	indexed := make(chan struct{})
	go func() {
		defer close(e.done)
		_ = f.Run(ctx)
		<-indexed
	}()
	e.uri = f.MongoDBURI() // blocks until the listener is up
	embeddedDirs.Store(e.uri, abs)
	go func() {
		defer close(indexed)
		e.ids.run(ctx, idIndexEvery)
	}()
	return e, nil
}

// idIndexEvery is how often the embedded server's new collections (a new
// survey's responses, say) are given the index of their _id lookups.
const idIndexEvery = time.Second

// IndexIDs gives every collection of the embedded server that lacks it the
// index its reads by _id need (see idIndexer) now, rather than within the
// second the server's own pass takes to find a new collection.
func (e *Embedded) IndexIDs(ctx context.Context) error { return e.ids.indexAll(ctx) }

// URI is the connection string of the embedded server.
func (e *Embedded) URI() string { return e.uri }

// Stop shuts the server down and waits for it. Disconnect clients first, or
// Stop waits for their connections to time out.
func (e *Embedded) Stop() {
	embeddedDirs.Delete(e.uri)
	e.stop()
	<-e.done
}
