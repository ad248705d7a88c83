package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

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
}

// maxSocketPath is the portable limit of a Unix socket path (sun_path).
const maxSocketPath = 100

// StartEmbedded starts FerretDB with its files under dir.
func StartEmbedded(dir string, logger *slog.Logger) (*Embedded, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("datakatalog: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("skapa datakatalog: %w", err)
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
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  listener,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    logger,
	})
	if err != nil {
		return nil, fmt.Errorf("starta inbyggd databas: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Embedded{stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		_ = f.Run(ctx)
	}()
	e.uri = f.MongoDBURI() // blocks until the listener is up
	return e, nil
}

// URI is the connection string of the embedded server.
func (e *Embedded) URI() string { return e.uri }

// Stop shuts the server down and waits for it. Disconnect clients first, or
// Stop waits for their connections to time out.
func (e *Embedded) Stop() {
	e.stop()
	<-e.done
}
