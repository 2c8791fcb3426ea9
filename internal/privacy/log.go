package privacy

import (
	"context"
	"log/slog"
)

// LogHandler passes every log record through the sanitizer's final pass (secret
// redaction, site masks, anonymization), so a node name, host, user or server message
// that a mask hides in the report is hidden on stderr too. Attributes named in own are
// pgcheckup's own values (the report folder it wrote) and are left as they are.
func LogHandler(h slog.Handler, s *Sanitizer, own ...string) slog.Handler {
	keep := map[string]bool{}
	for _, k := range own {
		keep[k] = true
	}
	return &logHandler{h: h, s: s, own: keep}
}

type logHandler struct {
	h   slog.Handler
	s   *Sanitizer
	own map[string]bool
}

func (l *logHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return l.h.Enabled(ctx, level)
}

func (l *logHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, l.s.Message(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(l.attr(a))
		return true
	})
	return l.h.Handle(ctx, out)
}

func (l *logHandler) attr(a slog.Attr) slog.Attr {
	if l.own[a.Key] {
		return a
	}
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, l.s.Message(a.Value.String()))
	case slog.KindGroup:
		var as []any
		for _, g := range a.Value.Group() {
			as = append(as, l.attr(g))
		}
		return slog.Group(a.Key, as...)
	case slog.KindAny, slog.KindLogValuer:
		// errors and Stringers: their text is what gets printed.
		return slog.String(a.Key, l.s.Message(a.Value.Resolve().String()))
	}
	return a
}

func (l *logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = l.attr(a)
	}
	return &logHandler{h: l.h.WithAttrs(out), s: l.s, own: l.own}
}

func (l *logHandler) WithGroup(name string) slog.Handler {
	return &logHandler{h: l.h.WithGroup(name), s: l.s, own: l.own}
}
