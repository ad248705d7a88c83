// Package survey is Förankra's domain: villages, surveys, responses, remiss
// rounds, the rules that govern them and the statistics that compare villages.
// It is pure Go: no web framework, no database driver, and time comes in as an
// argument.
package survey

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Sentinel errors. Wrap them with %w; handlers map them to HTTP statuses once.
var (
	ErrNotFound     = errors.New("finns inte")
	ErrConflict     = errors.New("konflikt")
	ErrClosed       = errors.New("stängd")
	ErrForbidden    = errors.New("inte tillåtet")
	ErrUnauthorized = errors.New("inte inloggad")
	ErrUnavailable  = errors.New("databasen svarar inte")
	ErrTooMany      = errors.New("för många försök")
)

// FieldError is one invalid field: the JSON path of the field and a Swedish message.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every invalid field of one request. It is the only
// error type that carries field detail; handlers answer it with 422 (or 400
// when the request could not be read at all).
type ValidationError struct {
	Fields []FieldError
	// Malformed marks input that is not of the expected shape at all (400)
	// rather than well-formed input that breaks a rule (422).
	Malformed bool
}

func (e *ValidationError) Error() string {
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return "ogiltiga uppgifter: " + strings.Join(parts, "; ")
}

// Add records a field error.
func (e *ValidationError) Add(field, message string) {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: message})
}

// AddMalformed records a field error for input of the wrong shape.
func (e *ValidationError) AddMalformed(field, message string) {
	e.Malformed = true
	e.Add(field, message)
}

// Err returns nil when nothing was recorded, so callers can `return v.Err()`.
// Fields are sorted so that messages are stable.
func (e *ValidationError) Err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	sort.SliceStable(e.Fields, func(i, j int) bool { return e.Fields[i].Field < e.Fields[j].Field })
	return e
}

// For returns the message for a field, or "" when the field is valid.
func (e *ValidationError) For(field string) string {
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// Refusal is a request refused for a reason the user should read: a
// Swedish message (values filled in; the handlers translate it through the
// catalog's patterns), the field it concerns when there is one, and the
// sentinel that decides the status (ErrConflict: 409, ErrNotFound: 404,
// ErrClosed: 409). Build it with Refuse or RefuseField.
type Refusal struct {
	Field   string
	Message string
	Err     error
}

func (r *Refusal) Error() string {
	m := r.Message
	if rs := []rune(m); len(rs) > 0 {
		m = strings.ToLower(string(rs[:1])) + string(rs[1:])
	}
	if r.Field != "" {
		m = r.Field + ": " + m
	}
	return m + ": " + r.Err.Error()
}

func (r *Refusal) Unwrap() error { return r.Err }

// Refuse is a Refusal of no single field: format and args make the
// message (capital first, as users read it), sentinel the status.
func Refuse(sentinel error, format string, args ...any) error {
	return &Refusal{Message: sprintf(format, args...), Err: sentinel}
}

// RefuseField is a Refusal that concerns one field of the request, e.g.
// the period of a service plan that exists already (409 naming period).
func RefuseField(sentinel error, field, format string, args ...any) error {
	return &Refusal{Field: field, Message: sprintf(format, args...), Err: sentinel}
}

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}
