package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/forankra/forankra/survey"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/x/mongo/driver/topology"
)

// The driver's ways of saying "the database is away" all become
// survey.ErrUnavailable (a 503), and the others keep their meaning.
func TestTranslateMapsTheDriversErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"no server to select", topology.ServerSelectionError{Wrapped: topology.ErrServerSelectionTimeout}, survey.ErrUnavailable},
		{"a deadline", fmt.Errorf("insert: %w", context.DeadlineExceeded), survey.ErrUnavailable},
		{"a cancelled request", context.Canceled, survey.ErrUnavailable},
		{"a connection error", topology.ConnectionError{ConnectionID: "c1", Wrapped: io.EOF}, survey.ErrUnavailable},
		{"a refused connection", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), survey.ErrUnavailable},
		{"a network error label", mongo.CommandError{Code: 6, Message: "host unreachable", Labels: []string{"NetworkError"}}, survey.ErrUnavailable},
		{"a cleared pool", errors.New("connection pool for 127.0.0.1:27017 was cleared because another operation failed with: EOF"), survey.ErrUnavailable},
		{"a primary stepping down", mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 189, Message: "stepped down"}}}, survey.ErrUnavailable},
		{"a retryable write error", mongo.CommandError{Code: 11602, Labels: []string{"RetryableWriteError"}}, survey.ErrUnavailable},
		{"a disconnected client", mongo.ErrClientDisconnected, survey.ErrUnavailable},
		{"no document", mongo.ErrNoDocuments, survey.ErrNotFound},
		{"a duplicate key", mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "E11000 duplicate key"}}}, survey.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name+" becomes "+tt.want.Error(), func(t *testing.T) {
			if got := translate(tt.err); !errors.Is(got, tt.want) {
				t.Errorf("got %v; want it to wrap %v", got, tt.want)
			}
		})
	}
	t.Run("a refused document stays a plain error", func(t *testing.T) {
		err := mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 10334, Message: "BSONObjectTooLarge"}}}
		got := translate(err)
		for _, s := range []error{survey.ErrUnavailable, survey.ErrConflict, survey.ErrNotFound} {
			if errors.Is(got, s) {
				t.Errorf("got %v; want no sentinel", got)
			}
		}
	})
}
