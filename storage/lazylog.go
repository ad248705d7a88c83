package storage

import (
	"context"
	"log/slog"
)

// lazyHandler defers a handler's WithAttrs and WithGroup until a record is
// actually handled. FerretDB's SQL layer calls Logger.With with every
// statement's arguments (each document's JSON, on insert) before logging it
// at debug level; a text or JSON handler formats those attributes at once,
// in With, whether or not the level is enabled: 7 % of the process's CPU in
// the submission benchmark, on the one goroutine that writes. Behind this
// handler a discarded record costs nothing, and a record that is logged
// reads exactly as it would have.
type lazyHandler struct {
	h   slog.Handler
	ops []lazyOp // WithAttrs and WithGroup calls in order, applied in Handle
}

type lazyOp struct {
	group string // WithGroup(group) when attrs is nil
	attrs []slog.Attr
}

func newLazyHandler(h slog.Handler) slog.Handler {
	if l, ok := h.(*lazyHandler); ok {
		return l
	}
	return &lazyHandler{h: h}
}

func (l *lazyHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return l.h.Enabled(ctx, level)
}

func (l *lazyHandler) Handle(ctx context.Context, r slog.Record) error {
	h := l.h
	for _, op := range l.ops {
		if op.attrs != nil {
			h = h.WithAttrs(op.attrs)
		} else {
			h = h.WithGroup(op.group)
		}
	}
	return h.Handle(ctx, r)
}

func (l *lazyHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return l
	}
	return l.with(lazyOp{attrs: attrs})
}

func (l *lazyHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return l
	}
	return l.with(lazyOp{group: name})
}

func (l *lazyHandler) with(op lazyOp) *lazyHandler {
	ops := make([]lazyOp, len(l.ops), len(l.ops)+1)
	copy(ops, l.ops)
	return &lazyHandler{h: l.h, ops: append(ops, op)}
}
