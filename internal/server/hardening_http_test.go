package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawExchange writes a request byte for byte to a real listener and
// reads the answer: app.Test reports fasthttp's refusals as errors
// instead of showing the answer a client gets.
func rawExchange(t *testing.T, st *stack, raw string) *http.Response {
	t.Helper()
	srv, err := New(Config{Service: st.srv.svc, Log: st.srv.log})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.App().Listener(ln)
	defer srv.App().Shutdown()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	go io.Copy(conn, strings.NewReader(raw)) // the answer may come before all is written
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body = io.NopCloser(bytes.NewReader(b))
	return res
}

// TestEveryAnswerIsStamped: answers to requests refused before the
// handlers, by fasthttp (a body over the server's 11 MiB, a 20 KB
// header, a 9 KB URL) or by the 1 MiB limit of ordinary routes, carry
// the security headers and a request id like every other answer.
func TestEveryAnswerIsStamped(t *testing.T) {
	st := mustStack(t)
	big := strings.Repeat("a", 12<<20)
	cases := []struct {
		name, req string
		status    int
	}{
		{"body over the upload limit", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + fmt.Sprint(len(big)) + "\r\n\r\n" + big, 422},
		{"API body over the upload limit", "POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(big)) + "\r\n\r\n" + big, 422},
		{"body over 1 MiB on an ordinary route", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + fmt.Sprint(2<<20) + "\r\n\r\n" + big[:2<<20], 422},
		{"20 KB header", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 20<<10) + "\r\n\r\n", 431},
		{"9 KB URL", "GET /challenges?q=" + strings.Repeat("c", 9<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n", 431},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := rawExchange(t, st, tc.req)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d: %.300s", res.StatusCode, tc.status, body)
			}
			checkStamped(t, res)
			rid := res.Header.Get("X-Request-Id")
			if rid != "" && !bytes.Contains(body, []byte(rid)) {
				t.Errorf("body does not show request id %s: %.300s", rid, body)
			}
		})
	}
}

func checkStamped(t *testing.T, res *http.Response) {
	t.Helper()
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
	} {
		if got := res.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if len(res.Header.Get("X-Request-Id")) != 16 {
		t.Errorf("request id %q", res.Header.Get("X-Request-Id"))
	}
}

// TestJSONIsNotStored: every JSON answer, data or error, says no-store.
func TestJSONIsNotStored(t *testing.T) {
	st := mustStack(t)
	for _, target := range []string{"/api/v1/challenges", "/api/v1/challenges/nope", "/api/v1/interests", "/api/v1/openapi.json"} {
		res, _ := st.anon(t).doRaw(t, "GET", target, "", nil)
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s (%d): Cache-Control %q, want no-store", target, res.StatusCode, got)
		}
	}
}

// TestHead: HEAD answers like GET without a body, through the same
// policy.
func TestHead(t *testing.T) {
	st := mustStack(t)
	for _, tc := range []struct {
		as, target string
		status     int
	}{
		{"", "/", 200},
		{"", "/challenges/ch-a001", 200},
		{"", "/api/v1/challenges", 200},
		{"", "/my", 303},
		{"", "/api/v1/interests", 401},
		{"jingjiren", "/my", 403},
		{"", "/nope", 404},
	} {
		c := st.as(t, tc.as)
		res, body := c.do(t, "HEAD", tc.target, nil, nil)
		if res.StatusCode != tc.status || body != "" {
			t.Errorf("HEAD %s as %q: %d with %d bytes, want %d and none", tc.target, tc.as, res.StatusCode, len(body), tc.status)
		}
		checkStamped(t, res)
	}
}

// TestOriginScheme: an Origin must match the scheme as well as the host.
func TestOriginScheme(t *testing.T) {
	st := mustStack(t)
	c := st.anon(t)
	form := url.Values{"username": {"nobody"}, "password": {"x"}}
	for origin, want := range map[string]int{"https://example.com": 403, "http://example.com": 401, "http://example.com:8080": 403} {
		res, body := c.do(t, "POST", "/login", cloneValues(form), map[string]string{"Origin": origin})
		if res.StatusCode != want {
			t.Errorf("Origin %s over http: %d, want %d: %.200s", origin, res.StatusCode, want, body)
		}
	}
}

// TestCSRFNotFromQuery: a token in the query string is not a token.
func TestCSRFNotFromQuery(t *testing.T) {
	st := mustStack(t)
	c := st.anon(t)
	form := url.Values{"_csrf": {""}, "username": {"nobody"}, "password": {"x"}}
	res, body := c.do(t, "POST", "/login?_csrf="+url.QueryEscape(c.csrf), form, nil)
	if res.StatusCode != 403 || !strings.Contains(body, "页面已过期") {
		t.Errorf("token in the query: %d, want 403: %.200s", res.StatusCode, body)
	}
	res, _ = c.do(t, "POST", "/login", url.Values{"username": {"nobody"}, "password": {"x"}}, nil)
	if res.StatusCode != 401 {
		t.Errorf("token in the form: %d, want 401", res.StatusCode)
	}
	res, _ = c.do(t, "POST", "/login", url.Values{"_csrf": {""}, "username": {"nobody"}, "password": {"x"}}, map[string]string{"X-CSRF-Token": c.csrf})
	if res.StatusCode != 401 {
		t.Errorf("token in the header: %d, want 401", res.StatusCode)
	}
}

// TestJSONInvalidUTF8: bytes that are not UTF-8 inside a JSON body are
// refused, not silently replaced by U+FFFD.
func TestJSONInvalidUTF8(t *testing.T) {
	st := mustStack(t)
	token := apiToken(t, st, "qiye")
	for name, title := range map[string]string{"raw byte": "电池\xff包", "lone surrogate escape": `电池\ud800包`} {
		body := strings.Replace(validChallenge, "低温等离子体处理茶叶农残的中试验证", title, 1)
		code, b := st.anon(t).doRaw2(t, "POST", "/api/v1/challenges", body, token)
		if code != 422 || !strings.Contains(b, "UTF-8") {
			t.Errorf("%s: %d, want 422 naming UTF-8: %.300s", name, code, b)
		}
	}
	// U+FFFD written by the client is text like any other.
	body := strings.Replace(validChallenge, "低温等离子体处理茶叶农残的中试验证", `低温等离子体\ufffd处理`, 1)
	if code, b := st.anon(t).doRaw2(t, "POST", "/api/v1/challenges", body, token); code != 201 {
		t.Errorf("escaped U+FFFD: %d: %.300s", code, b)
	}
}

func TestLoneSurrogate(t *testing.T) {
	for in, want := range map[string]bool{
		`"\ud83d\ude00"`: false, // a pair: 😀
		`"\ud83d"`:       true,
		`"\ude00x"`:      true,
		`"\ud83d\u0041"`: true,
		`"\\ud83d"`:      false, // an escaped backslash, then text
		`"\\\ud83d"`:     true,
		`"\u4e2d\n"`:     false,
		`"\u12"`:         false, // invalid JSON, for the decoder to refuse
	} {
		if got := loneSurrogate([]byte(in)); got != want {
			t.Errorf("loneSurrogate(%s) = %v, want %v", in, got, want)
		}
	}
}

// TestRequestLogLine: every request is logged once, as structured
// fields, with the id its answer carries.
func TestRequestLogLine(t *testing.T) {
	st := mustStack(t)
	var buf syncBuffer
	srv, err := New(Config{Service: st.srv.svc, Log: slog.New(slog.NewJSONHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/", "/nope", "/api/v1/challenges"} {
		res, err := srv.App().Test(httptest.NewRequest("GET", target, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		rid := res.Header.Get("X-Request-Id")
		var found bool
		for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("not JSON: %q", line)
			}
			if rec["msg"] == "request" && rec["rid"] == rid && rec["path"] == target && rec["status"] == float64(res.StatusCode) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no request line with rid %q in %s", target, rid, buf.String())
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
