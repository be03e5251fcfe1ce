package server

import (
	"io"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"duijie/internal/duijie"
)

// testMetricsToken is the shared stack's --metrics-token.
const testMetricsToken = "metrics-test-token-0123456789"

// scrape GETs /metrics from srv with the Authorization header auth ("" for
// none), records the answer for the route table and returns it.
func scrape(t *testing.T, srv *Server, rec *recorder, auth string) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	if rec != nil {
		rec.hit("GET", "/metrics", res.StatusCode)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

// metricValue is the value of the sample line starting with name (with
// its labels, if any) in a Prometheus text answer; -1 when absent.
func metricValue(body, name string) float64 {
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

// testMetrics: GET /metrics is absent (404, like a path no route serves)
// without a configured token or with a wrong one, and answers the
// Prometheus text format with the right one, requests counted by the
// route table's pattern, not the raw URL.
func testMetrics(t *testing.T, st *stack, rec *recorder) {
	_, _, absent := scrape(t, st.srv, nil, "")
	for name, auth := range map[string]string{
		"no token":          "",
		"wrong token":       "Bearer wrong-" + testMetricsToken,
		"token as a prefix": "Bearer " + testMetricsToken[:10],
		"not bearer":        "Basic " + testMetricsToken,
	} {
		code, _, body := scrape(t, st.srv, rec, auth)
		if code != 404 || strings.Contains(body, "duijie_") || !strings.Contains(body, "页面不存在") {
			t.Errorf("%s: %d %.200s", name, code, body)
		}
	}
	// absent is a 404 page as for any path without a route
	res, err := st.srv.App().Test(httptest.NewRequest("GET", "/no-such-page", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 404 || !strings.Contains(absent, "页面不存在") {
		t.Errorf("absent: %d, /metrics without a token: %.200s", res.StatusCode, absent)
	}
	// a server without a token: the right-looking token does not help
	bare, err := New(Config{Service: st.srv.svc, Log: st.srv.log})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, body := scrape(t, bare, nil, "Bearer "+testMetricsToken); code != 404 || strings.Contains(body, "duijie_") {
		t.Errorf("no token configured: %d %.200s", code, body)
	}
	if code, _, _ := scrape(t, bare, nil, "Bearer "); code != 404 {
		t.Errorf("no token configured, empty bearer: %d", code)
	}

	right := "Bearer " + testMetricsToken
	_, _, before := scrape(t, st.srv, nil, right)
	// a challenge page read by a member (matches computed: anonymous
	// readers' lists may come rendered from the cache) and a failed sign-in
	if r, _ := st.as(t, "yuansuo").do(t, "GET", "/challenges/ch-a001", nil, nil); r.StatusCode != 200 {
		t.Fatalf("challenge page: %d", r.StatusCode)
	}
	c := st.anon(t)
	if r, _ := c.do(t, "POST", "/login", url.Values{"username": {"nobody-metrics"}, "password": {"x"}}, nil); r.StatusCode != 401 {
		t.Fatalf("failed sign-in: %d", r.StatusCode)
	}
	code, ct, body := scrape(t, st.srv, rec, right)
	if code != 200 || !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("right token: %d %q %.300s", code, ct, body)
	}
	for _, name := range []string{"duijie_http_requests_total", "duijie_http_request_duration_seconds_bucket",
		"duijie_match_duration_seconds_bucket", "duijie_outbox_pending", "duijie_outbox_lag_seconds",
		"duijie_signin_failures_total", "duijie_lockouts_total", "go_goroutines"} {
		if !strings.Contains(body, "\n"+name) {
			t.Errorf("no %s", name)
		}
	}
	page := `duijie_http_requests_total{method="GET",route="/challenges/:id",status="2xx"}`
	if metricValue(body, page) < 1 {
		t.Errorf("the challenge page is not counted by its route pattern: %s", page)
	}
	if regexp.MustCompile(`route="[^"]*ch-a001`).MatchString(body) {
		t.Error("a raw id became a route label")
	}
	if metricValue(body, `duijie_http_requests_total{method="GET",route="unmatched",status="4xx"}`) < 1 {
		t.Error("the 404 of a path without a route is not counted as unmatched")
	}
	for _, name := range []string{"duijie_signin_failures_total", "duijie_match_duration_seconds_count"} {
		if a, b := metricValue(before, name), metricValue(body, name); b <= a || a < 0 {
			t.Errorf("%s: %v before, %v after", name, a, b)
		}
	}
	if metricValue(body, "duijie_outbox_pending") < 0 || metricValue(body, "duijie_outbox_lag_seconds") < 0 {
		t.Error("outbox gauges without a value")
	}
}

// TestMetricsLockout: failed sign-ins and the lockout they cause are
// counted as the portal audits them.
func TestMetricsLockout(t *testing.T) {
	st, _ := smallStack(t)
	msrv, err := New(Config{Service: st.srv.svc, Log: st.srv.log, MetricsToken: testMetricsToken})
	if err != nil {
		t.Fatal(err)
	}
	for i := range duijie.LockoutFailures {
		if _, code, _ := signIn(t, st, "flooder", "Wrong-guess-"+string(rune('a'+i))); code != 401 {
			t.Fatalf("wrong password %d: %d", i+1, code)
		}
	}
	code, _, body := scrape(t, msrv, nil, "Bearer "+testMetricsToken)
	if code != 200 {
		t.Fatalf("scrape: %d", code)
	}
	if n := metricValue(body, "duijie_signin_failures_total"); n != float64(duijie.LockoutFailures) {
		t.Errorf("%v sign-in failures counted, want %d", n, duijie.LockoutFailures)
	}
	if n := metricValue(body, "duijie_lockouts_total"); n != 1 {
		t.Errorf("%v lockouts counted, want 1", n)
	}
}
