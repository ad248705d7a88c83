package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"strconv"
	"strings"

	"github.com/forankra/forankra/survey"
	"github.com/gofiber/fiber/v2"
)

// errorBody is the one JSON error shape of the API.
type errorBody struct {
	Error  string              `json:"error"`
	Errors []survey.FieldError `json:"errors,omitempty"`
}

// closedMessage is what a closed survey or round answers.
const closedMessage = "Det tar inte emot svar längre"

// status maps an error to its HTTP status and the message a client sees.
func status(err error) (int, string) {
	var verr *survey.ValidationError
	var ferr *fiber.Error
	var refusal *survey.Refusal
	switch {
	case errors.As(err, &verr):
		if verr.Malformed {
			return fiber.StatusBadRequest, "Begäran kunde inte läsas"
		}
		return fiber.StatusUnprocessableEntity, "Uppgifterna är inte giltiga"
	case errors.As(err, &ferr):
		return ferr.Code, fiberMessage(ferr)
	case errors.As(err, &refusal):
		// The refusal's own words (the ledger's "Det finns bara 5 000 kr
		// kvar"), with the status of its sentinel.
		code, _ := status(refusal.Err)
		return code, refusal.Message
	case errors.Is(err, errBadCode):
		return fiber.StatusForbidden, "Engångskoden saknas eller stämmer inte"
	case errors.Is(err, errReplayedCode):
		return fiber.StatusConflict, "Svaret var redan sparat; de nya svaren sparades inte och koden användes inte"
	case errors.Is(err, errUsedCode):
		return fiber.StatusConflict, "Engångskoden är redan använd"
	case errors.Is(err, survey.ErrNotFound):
		return fiber.StatusNotFound, "Hittades inte"
	case errors.Is(err, survey.ErrUnauthorized):
		return fiber.StatusUnauthorized, "Du behöver logga in"
	case errors.Is(err, survey.ErrForbidden):
		return fiber.StatusForbidden, "Du har inte behörighet till det här"
	case errors.Is(err, survey.ErrClosed):
		return fiber.StatusConflict, closedMessage
	case errors.Is(err, survey.ErrConflict):
		return fiber.StatusConflict, "Det går inte i det här läget"
	case errors.Is(err, survey.ErrTooMany):
		return fiber.StatusTooManyRequests, "För många försök. Vänta en stund och försök igen"
	case errors.Is(err, survey.ErrUnavailable):
		return fiber.StatusServiceUnavailable, "Tjänsten når inte databasen just nu. Försök igen om en stund"
	}
	return fiber.StatusInternalServerError, "Något gick fel hos oss"
}

func fiberMessage(e *fiber.Error) string {
	switch e.Code {
	case fiber.StatusRequestEntityTooLarge:
		return "Begäran är för stor"
	case fiber.StatusNotFound:
		return "Hittades inte"
	case fiber.StatusMethodNotAllowed:
		return "Metoden stöds inte här"
	case fiber.StatusUnsupportedMediaType:
		return "Skicka JSON (Content-Type: application/json)"
	case fiber.StatusBadRequest:
		return "Begäran kunde inte läsas"
	}
	return e.Message
}

// errorHandler is the one place errors become responses: JSON under /api,
// a Swedish page elsewhere. Only server faults are logged.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		setSecurityHeaders(c)
		code, msg := status(err)
		if code >= 500 && code != fiber.StatusServiceUnavailable {
			log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
		}
		if code == fiber.StatusServiceUnavailable {
			c.Set(fiber.HeaderRetryAfter, "5")
			log.Warn("database unavailable", "path", c.Path(), "err", err)
		}
		if code == fiber.StatusTooManyRequests {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterSeconds(err)))
		}
		if wantsJSON(c) {
			l := apiLang(c)
			body := errorBody{Error: translate(l, msg)}
			var verr *survey.ValidationError
			var refusal *survey.Refusal
			switch {
			case errors.As(err, &verr):
				body.Errors = translateFields(l, verr.Fields)
				if len(verr.Fields) == 1 {
					body.Error = verr.Fields[0].Field + ": " + body.Errors[0].Message
				}
			case errors.As(err, &refusal) && refusal.Field != "":
				body.Errors = []survey.FieldError{{Field: refusal.Field, Message: body.Error}}
				body.Error = refusal.Field + ": " + body.Error
			}
			return c.Status(code).JSON(body)
		}
		return renderError(c, code, msg)
	}
}

func wantsJSON(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/") || c.Path() == "/healthz" || c.Path() == "/readyz"
}

// maxDepth is the deepest JSON nesting accepted; survey definitions need 4.
const maxDepth = 16

// decodeJSON reads the request body strictly into v: JSON content type,
// known fields only, one value, bounded nesting. Problems are 400s naming the
// field where it can be known.
func decodeJSON(c *fiber.Ctx, v any) error {
	if mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); err != nil || mt != fiber.MIMEApplicationJSON {
		return fiber.NewError(fiber.StatusUnsupportedMediaType)
	}
	body := c.Body()
	if err := checkDepth(body, maxDepth); err != nil {
		return malformed("", err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return malformed("", "Efter JSON-värdet får inget mer komma")
	}
	return nil
}

func malformed(field, msg string) error {
	v := &survey.ValidationError{}
	v.AddMalformed(field, msg)
	return v
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		return malformed(field, fmt.Sprintf("Fel typ av värde: väntade %s", swedishType(typeErr.Type.Kind().String())))
	case errors.As(err, &syntaxErr):
		return malformed("", fmt.Sprintf("Ogiltig JSON vid tecken %d", syntaxErr.Offset))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("", "Tom eller avbruten JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return malformed(name, "Okänt fält")
	}
	return malformed("", "Ogiltig JSON")
}

func swedishType(kind string) string {
	switch kind {
	case "string":
		return "text"
	case "slice", "array":
		return "en lista"
	case "map", "struct":
		return "ett objekt"
	case "bool":
		return "true eller false"
	case "int", "int64", "float64", "uint", "int32":
		return "ett tal"
	}
	return kind
}

// checkDepth refuses JSON nested deeper than max without decoding it.
func checkDepth(b []byte, max int) error {
	depth, inString, escaped := 0, false, false
	for _, ch := range b {
		switch {
		case escaped:
			escaped = false
		case inString && ch == '\\':
			escaped = true
		case ch == '"':
			inString = !inString
		case inString:
		case ch == '{' || ch == '[':
			depth++
			if depth > max {
				return fmt.Errorf("JSON är nästlad djupare än %d nivåer", max)
			}
		case ch == '}' || ch == ']':
			depth--
		}
	}
	return nil
}

// staleConflict answers a change made on an old revision: 409 whose body is
// the record as it is now, with "error" and, for clients that keep their own
// copy apart, the record again under "current", so that the client can show
// both and nothing typed is lost (plans, surveys, minutes).
func staleConflict(c *fiber.Ctx, current any, msg string) error {
	b, err := json.Marshal(current)
	if err != nil {
		return err
	}
	body := map[string]any{}
	if err := json.Unmarshal(b, &body); err != nil {
		return err
	}
	body["error"], body["current"] = msg, current
	return c.Status(fiber.StatusConflict).JSON(body)
}
