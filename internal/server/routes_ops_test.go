package server

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"duijie/internal/portal"
)

// testOperations walks the operator's routes: liveness and readiness,
// public, JSON, not stored, without a session or a cookie.
func testOperations(t *testing.T, st *stack, rec *recorder) {
	st.srv.svc.Sync(context.Background()) // what the portal's ticker does
	runScenarios(t, st, rec, []scenario{
		{name: "healthz", method: "GET", url: "/healthz", status: 200, want: []string{`"status":"ok"`}},
		{name: "readyz", method: "GET", url: "/readyz", status: 200, want: []string{`"status":"ready"`, `"store":"ok"`, `"index":"ok"`, `"outbox_pending":0`}},
		{name: "healthz signed in", as: "qiye", method: "GET", url: "/healthz", status: 200},
	})
	for _, path := range []string{"/healthz", "/readyz"} {
		res, err := st.srv.App().Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		if res.Header.Get("Cache-Control") != "no-store" || len(res.Cookies()) != 0 || res.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: Cache-Control %q, cookies %v, request id %q", path, res.Header.Get("Cache-Control"), res.Cookies(), res.Header.Get("X-Request-Id"))
		}
	}
}

// TestNotReady: a store that does not answer, a closed index or an
// outbox left behind make /readyz answer 503 naming the part, never the
// error itself.
func TestNotReady(t *testing.T) {
	st := mustStack(t)
	for name, r := range map[string]portal.Readiness{
		"store":  {Store: errors.New("sqlite: database is closed")},
		"index":  {Index: errors.New("index: closed")},
		"outbox": {Pending: 3, Lag: 2 * portal.MaxOutboxLag},
	} {
		srv, err := New(Config{Service: st.srv.svc, Log: st.srv.log})
		if err != nil {
			t.Fatal(err)
		}
		srv.ready = func(context.Context) (portal.Readiness, bool) { return r, false }
		res, err := srv.App().Test(httptest.NewRequest("GET", "/readyz", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 503 || !strings.Contains(string(b), `"status":"not ready"`) || strings.Contains(string(b), "closed") {
			t.Errorf("%s: %d %s", name, res.StatusCode, b)
		}
	}
}
