package duijie

import (
	"context"
	"log/slog"
)

// requestIDKey is the context key of the request id.
type requestIDKey struct{}

// WithRequestID returns ctx carrying the id of the request it serves;
// every log line written with that context names it (see RequestLog).
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID is the id of the request ctx serves, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// RequestLog returns log writing the request id of the context passed to
// its *Context methods as "rid" on every line, so that a service's line
// (an audit that failed, a message not sent) is found with the request's
// access line. Lines written without a request's context carry none.
// Wrapping twice wraps once; nil is slog's default logger.
func RequestLog(log *slog.Logger) *slog.Logger {
	if log == nil {
		log = slog.Default()
	}
	if _, ok := log.Handler().(ridHandler); ok {
		return log
	}
	return slog.New(ridHandler{log.Handler()})
}

// ridHandler adds "rid" from the record's context.
type ridHandler struct{ slog.Handler }

func (h ridHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("rid", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h ridHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return ridHandler{h.Handler.WithAttrs(as)}
}

func (h ridHandler) WithGroup(name string) slog.Handler {
	return ridHandler{h.Handler.WithGroup(name)}
}
