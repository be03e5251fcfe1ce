package server

import (
	"context"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"duijie/internal/auth"
	"duijie/internal/indexer"
	"duijie/internal/portal"
	"duijie/internal/sqlite"
)

// stack is a whole portal over a temp store with the demo set loaded.
type stack struct {
	srv      *Server
	db       *sqlite.DB        // the store under the service, for tests that set data up past the service
	logins   map[string]string // username -> password
	mu       sync.Mutex
	sessions map[string]*client
	close    func() // the counted views written, the indexes and the store closed
}

// newTestStack is a stack of one test's own in its temporary folder,
// closed before the folder is removed (bleve's persister would still be
// writing files there).
func newTestStack(t *testing.T) *stack {
	t.Helper()
	st, err := newStack(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.close)
	return st
}

var (
	sharedOnce  sync.Once
	sharedStack *stack
	sharedErr   error
)

// mustStack builds one stack for the package's tests (the demo load and
// the index take a few seconds on two cores).
func mustStack(t testing.TB) *stack {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := tempDir()
		if err != nil {
			sharedErr = err
			return
		}
		sharedStack, sharedErr = newStack(dir)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedStack
}

// newStack opens a store and indexes in dir, loads the demo set and
// serves them.
func newStack(dir string) (*stack, error) {
	return newStackLog(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// newStackLog is newStack writing its log to log.
func newStackLog(dir string, log *slog.Logger) (*stack, error) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, dir+"/duijie.db")
	if err != nil {
		return nil, err
	}
	ix, err := indexer.OpenIndexes(dir + "/index")
	if err != nil {
		return nil, err
	}
	svc, err := portal.New(ctx, db, ix, auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2), log)
	if err != nil {
		return nil, err
	}
	logins, err := svc.LoadDemo(ctx, nil)
	if err != nil {
		return nil, err
	}
	srv, err := New(Config{Service: svc, Log: log, SignInLimit: 10000, MetricsToken: testMetricsToken})
	if err != nil {
		return nil, err
	}
	st := &stack{srv: srv, db: db, logins: map[string]string{}, sessions: map[string]*client{},
		close: func() { svc.Reports().WaitViews(); ix.Close(); db.Close() }}
	for _, l := range logins {
		st.logins[l.Username] = l.Password
	}
	return st, nil
}

// tempDir is a folder for the shared stack (t.TempDir belongs to one
// test; this one lives for the test binary).
func tempDir() (string, error) { return os.MkdirTemp("", "duijie-server-test-") }

// client is a browser: its cookies and the CSRF token of its pages.
type client struct {
	st      *stack
	cookies map[string]string
	csrf    string
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (st *stack) anon(t testing.TB) *client {
	c := &client{st: st, cookies: map[string]string{}}
	c.do(t, "GET", "/login", nil, nil) // a CSRF cookie and token for the forms
	return c
}

// as returns a signed-in client for a demo user, signing in once.
func (st *stack) as(t testing.TB, username string) *client {
	t.Helper()
	if username == "" {
		return st.anon(t)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if c, ok := st.sessions[username]; ok {
		return c
	}
	c := st.anon(t)
	res, _ := c.do(t, "POST", "/login", url.Values{"username": {username}, "password": {st.logins[username]}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d", username, res.StatusCode)
	}
	c.do(t, "GET", "/", nil, nil) // the session's CSRF token
	st.sessions[username] = c
	return c
}

// do sends a request through app.Test; form values get the CSRF token.
func (c *client) do(t testing.TB, method, target string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		if _, ok := form["_csrf"]; !ok {
			form.Set("_csrf", c.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, b := c.send(t, req, header)
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	if m := csrfField.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return res, string(b)
}

// doRaw sends a JSON body.
func (c *client) doRaw(t testing.TB, method, target, body string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, b := c.send(t, req, header)
	return res, string(b)
}

// send adds the headers and the client's cookies and runs the request
// through app.Test (no time limit).
func (c *client) send(t testing.TB, req *http.Request, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := c.st.srv.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// doRaw2 is an API call with an optional bearer token and no cookies.
func (c *client) doRaw2(t testing.TB, method, target, body, token string) (int, string) {
	t.Helper()
	bare := &client{st: c.st, cookies: map[string]string{}}
	header := map[string]string{}
	if token != "" {
		header["Authorization"] = "Bearer " + token
	}
	res, b := bare.doRaw(t, method, target, body, header)
	return res.StatusCode, b
}

// TestImports holds the server to its place: it talks to the portal
// service, never to the store or the index directly.
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	parsed := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		parsed++
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			switch strings.Trim(imp.Path.Value, `"`) {
			case "duijie/index", "duijie/internal/sqlite", "duijie/internal/indexer":
				t.Errorf("%s imports %s: go through the portal service", name, imp.Path.Value)
			}
		}
	}
	if parsed < 5 {
		t.Fatalf("read %d source files: wrong folder?", parsed)
	}
}
