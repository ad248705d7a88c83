package storage

import (
	"bytes"
	"log/slog"
	"testing"
)

// A record logged through the lazy handler reads exactly as through the
// handler it wraps; a record under the level formats nothing.
func TestLazyHandlerLogsLikeItsHandler(t *testing.T) {
	var direct, lazy bytes.Buffer
	opts := &slog.HandlerOptions{Level: slog.LevelInfo, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	formatted := 0
	probe := slog.Any("probe", valuer(func() { formatted++ }))
	for _, tt := range []struct {
		name string
		buf  *bytes.Buffer
		log  *slog.Logger
	}{
		{"direct", &direct, slog.New(slog.NewJSONHandler(&direct, opts))},
		{"lazy", &lazy, slog.New(newLazyHandler(slog.NewJSONHandler(&lazy, opts)))},
	} {
		l := tt.log.With("a", 1).WithGroup("g").With("b", "två")
		l.Info("hej", "c", 3)
		l.With(probe).Debug("never")
		l.With().Warn("varning")
	}
	if direct.String() != lazy.String() {
		t.Errorf("got\n%s\nwant\n%s", lazy.String(), direct.String())
	}
	if want := 1; formatted != want { // the direct handler's With formats; the lazy one does not
		t.Errorf("got the debug record's attribute formatted %d times; want %d", formatted, want)
	}
	if lazy.Len() == 0 {
		t.Error("got nothing logged; want two records")
	}
}

type valuer func()

func (v valuer) LogValue() slog.Value { v(); return slog.StringValue("v") }
