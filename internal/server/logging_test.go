package server

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

func (w *syncBuffer) lines(t *testing.T) []map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []map[string]any
	for _, b := range bytes.Split(bytes.TrimSpace(w.b.Bytes()), []byte("\n")) {
		if len(b) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("a log line is not JSON: %s", b)
		}
		out = append(out, m)
	}
	return out
}

// TestLogLinesNameTheRequest: every line the portal writes while it
// answers a request names that request's id, the one its answer carries
// in X-Request-Id: the access line, and a service's own line too (here a
// failed audit write, made to fail by moving the audit table away behind
// the portal's back).
func TestLogLinesNameTheRequest(t *testing.T) {
	dir := t.TempDir()
	var sink syncBuffer
	st, err := newStackLog(dir, slog.New(slog.NewJSONHandler(&sink, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.close)
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "duijie.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(context.Background(), `ALTER TABLE audit RENAME TO audit_moved`); err != nil {
		t.Fatal(err)
	}
	c := st.anon(t)
	sink.mu.Lock()
	sink.b.Reset() // the demo load's lines and the client's first page are not ours
	sink.mu.Unlock()

	ids := map[string]string{} // request id -> what it was
	for _, r := range []struct {
		name, method, target string
		form                 url.Values
	}{
		{"home", "GET", "/", nil},
		{"a wrong password", "POST", "/login", url.Values{"username": {"qiye"}, "password": {"wrong-password-1"}}},
		{"a missing page", "GET", "/nope", nil},
		{"an API error", "GET", "/api/v1/challenges/ch-nope", nil},
	} {
		res, _ := c.do(t, r.method, r.target, r.form, nil)
		id := res.Header.Get("X-Request-Id")
		if id == "" {
			t.Fatalf("%s: no X-Request-Id", r.name)
		}
		ids[id] = r.name
	}

	lines := sink.lines(t)
	var audits int
	for _, l := range lines {
		rid, _ := l["rid"].(string)
		if _, ok := ids[rid]; !ok {
			t.Errorf("a line written during a request names no request of ours (rid %q): %v", rid, l)
		}
		if l["msg"] == "audit write failed" {
			audits++
			if ids[rid] != "a wrong password" {
				t.Errorf("the failed audit names request %q (%s), want the sign-in's", rid, ids[rid])
			}
		}
		if strings.Count(toJSON(l), `"rid"`) != 1 {
			t.Errorf("rid written more than once: %v", l)
		}
	}
	if audits == 0 {
		t.Errorf("the failed audit of the sign-in was not logged; lines:\n%v", lines)
	}
	if len(lines) < len(ids)+audits {
		t.Errorf("%d lines for %d requests", len(lines), len(ids))
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
