package duijie

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
)

// TestRequestLog: a line written with a request's context names the
// request; one without names none; wrapping twice adds the id once.
func TestRequestLog(t *testing.T) {
	var buf bytes.Buffer
	log := RequestLog(RequestLog(slog.New(slog.NewJSONHandler(&buf, nil))))
	ctx := WithRequestID(context.Background(), "9f2c")
	log.ErrorContext(ctx, "audit failed", "err", "disk full")
	log.With("svc", "portal").InfoContext(ctx, "sent")
	log.Info("background")
	var lines []map[string]any
	for _, b := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 3 || lines[0]["rid"] != "9f2c" || lines[1]["rid"] != "9f2c" || lines[1]["svc"] != "portal" {
		t.Fatalf("lines: %v", lines)
	}
	if _, ok := lines[2]["rid"]; ok {
		t.Errorf("a line without a request names one: %v", lines[2])
	}
	if n := bytes.Count(buf.Bytes(), []byte(`"rid"`)); n != 2 {
		t.Errorf(`"rid" written %d times, want 2 (once a line):\n%s`, n, buf.Bytes())
	}
}
