package server

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// proxyPost posts a bad sign-in to srv through app.Test, whose peer
// address is 0.0.0.0, with the given headers; it returns the status.
func proxyPost(t *testing.T, srv *Server, header map[string]string) int {
	t.Helper()
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"username": {"nobody"}, "password": {"x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func proxyServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	st := mustStack(t)
	cfg.Service, cfg.Log, cfg.SignInLimit = st.srv.svc, st.srv.log, 2
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestTrustedProxies: X-Forwarded-For and X-Forwarded-Proto count only
// when the peer is a configured proxy. The sign-in limit (2 a minute per
// address) shows which address c.IP() gave; the Origin check shows the
// scheme c.Protocol() gave.
func TestTrustedProxies(t *testing.T) {
	// The peer (0.0.0.0) is not among the proxies: every request is the
	// peer's, whatever it claims.
	untrusted := proxyServer(t, Config{TrustedProxies: []string{"10.0.0.0/8"}})
	for i, want := range []int{403, 403, 429} { // 403: no CSRF token, after the limiter counted
		if got := proxyPost(t, untrusted, map[string]string{"X-Forwarded-For": "198.51.100." + string(rune('1'+i))}); got != want {
			t.Errorf("untrusted peer, request %d: %d, want %d", i+1, got, want)
		}
	}
	// An https claim from an untrusted peer (or with no proxy
	// configured) is ignored: the Origin does not match http.
	for _, srv := range []*Server{proxyServer(t, Config{TrustedProxies: []string{"10.0.0.0/8"}}), proxyServer(t, Config{})} {
		if got := proxyPost(t, srv, map[string]string{"X-Forwarded-Proto": "https", "Origin": "https://example.com"}); got != 403 {
			t.Errorf("untrusted peer claiming https: %d, want 403", got)
		}
	}

	// The peer is a trusted proxy: each client has its own limit, and the
	// client is the rightmost address no trusted proxy holds (what the
	// client itself wrote on the left does not count).
	trusted := proxyServer(t, Config{TrustedProxies: []string{"0.0.0.0/32", "10.0.0.0/8"}})
	for i := 0; i < 3; i++ {
		if got := proxyPost(t, trusted, map[string]string{"X-Forwarded-For": "198.51.100." + string(rune('1'+i))}); got != 403 {
			t.Errorf("trusted proxy, client %d: %d, want 403 (not limited)", i+1, got)
		}
	}
	for i, want := range []int{403, 403, 429} {
		xff := "203.0.113." + string(rune('1'+i)) + ", 192.0.2.9, 10.1.2.3" // spoofed, client, inner proxy
		if got := proxyPost(t, trusted, map[string]string{"X-Forwarded-For": xff}); got != want {
			t.Errorf("trusted proxy, spoofed left entries, request %d: %d, want %d", i+1, got, want)
		}
	}
	if got := proxyPost(t, trusted, map[string]string{"X-Forwarded-For": "192.0.2.50", "X-Forwarded-Proto": "https", "Origin": "https://example.com"}); got != 403 {
		t.Errorf("trusted proxy, https: %d, want 403 (the origin passes, the CSRF token is missing)", got)
	}
	// The Origin passed: the refusal is the CSRF page, not the cross-site one.
	req := httptest.NewRequest("POST", "/login", strings.NewReader("username=nobody&password=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "192.0.2.51")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("Origin", "https://example.com")
	res, err := trusted.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 1<<16)
	n, _ := res.Body.Read(body)
	res.Body.Close()
	if !strings.Contains(string(body[:n]), "页面已过期") {
		t.Errorf("trusted https request refused for another reason: %.300s", body[:n])
	}
}

// TestPublicURL: with a public URL, the Origin must be its origin.
func TestPublicURL(t *testing.T) {
	srv := proxyServer(t, Config{PublicURL: "https://Portal.example:443/"})
	for i, tc := range []struct {
		origin string
		want   int
	}{
		{"https://portal.example", 403},      // passes the Origin check, no CSRF token
		{"http://portal.example", 403},       // another scheme
		{"https://evil.example", 403},        // another host
		{"https://portal.example:8443", 403}, // another port
	} {
		req := httptest.NewRequest("POST", "/login", strings.NewReader("username=nobody&password=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "192.0.2."+string(rune('1'+i)))
		req.Header.Set("Origin", tc.origin)
		res, err := srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 1<<16)
		n, _ := res.Body.Read(b)
		res.Body.Close()
		csrf := strings.Contains(string(b[:n]), "页面已过期")
		if res.StatusCode != tc.want || csrf != (i == 0) {
			t.Errorf("Origin %s: %d, CSRF page %v: %.200s", tc.origin, res.StatusCode, csrf, b[:n])
		}
	}
	for _, bad := range []string{"ftp://x", "https://", "https://x/path", "x.example"} {
		if _, err := ParsePublicURL(bad); err == nil {
			t.Errorf("public URL %q accepted", bad)
		}
	}
	if _, err := New(Config{Service: mustStack(t).srv.svc, TrustedProxies: []string{"proxy.lan"}}); err == nil {
		t.Error("a proxy name accepted")
	}
}
