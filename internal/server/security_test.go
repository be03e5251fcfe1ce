package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

func TestSecurityHeaders(t *testing.T) {
	st := mustStack(t)
	res, _ := st.anon(t).do(t, "GET", "/", nil, nil)
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
		"X-Frame-Options":         "DENY",
	} {
		if got := res.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if res.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
}

// TestSessionCookie: a new session id at sign-in, HttpOnly and SameSite=Lax,
// and with Secure on, the __Host- prefix and the Secure flag.
func TestSessionCookie(t *testing.T) {
	st := mustStack(t)
	secure, err := New(Config{Service: st.srv.svc, Log: st.srv.log, SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	get := httptest.NewRequest("GET", "/login", nil)
	res, err := secure.App().Test(get, -1)
	if err != nil {
		t.Fatal(err)
	}
	var csrf string
	for _, c := range res.Cookies() {
		if c.Name == "__Host-duijie-csrf" {
			csrf = c.Value
		}
	}
	if csrf == "" {
		t.Fatalf("no __Host- CSRF cookie: %v", res.Header.Values("Set-Cookie"))
	}
	form := url.Values{"_csrf": {csrf}, "username": {"qiye"}, "password": {st.logins["qiye"]}}
	post := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.Header.Set("Cookie", "__Host-duijie-csrf="+csrf)
	res, err = secure.App().Test(post, -1)
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, v := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, "__Host-duijie=") {
			line = strings.ToLower(v)
		}
	}
	for _, want := range []string{"secure", "httponly", "samesite=lax", "path=/"} {
		if !strings.Contains(line, want) {
			t.Errorf("session cookie %q lacks %s", line, want)
		}
	}
	if strings.Contains(line, "domain=") {
		t.Errorf("__Host- cookie with a domain: %q", line)
	}
}

// TestMustChangePassword: an account with an issued password can do
// nothing but change it; afterwards every session of the user ended.
func TestMustChangePassword(t *testing.T) {
	st := mustStack(t)
	admin := st.as(t, "xitong")
	_, body := admin.do(t, "POST", "/admin/users", url.Values{"username": {"auditor2"}, "role": {"auditor"}}, nil)
	m := strings.SplitN(body, "初始密码 <code>", 2)
	if len(m) != 2 {
		t.Fatalf("no issued password: %.300s", body)
	}
	password := strings.SplitN(m[1], "</code>", 2)[0]
	st.mu.Lock()
	st.logins["auditor2"] = password
	st.mu.Unlock()
	c := st.anon(t)
	res, _ := c.do(t, "POST", "/login", url.Values{"username": {"auditor2"}, "password": {password}}, nil)
	if loc := res.Header.Get("Location"); loc != "/account/password" {
		t.Fatalf("after sign-in: %q", loc)
	}
	c.do(t, "GET", "/account/password", nil, nil)
	if res, _ := c.do(t, "GET", "/admin/audit", nil, nil); res.Header.Get("Location") != "/account/password" {
		t.Fatalf("audit before the change: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := c.do(t, "GET", "/api/v1/challenges/ch-a015", nil, nil); res.StatusCode != 403 || !strings.Contains(body, "初始密码") {
		t.Fatalf("API with the session before the change: %d %.200s", res.StatusCode, body)
	}
	res, body = c.do(t, "POST", "/account/password", url.Values{"current": {password}, "password": {"short"}, "password2": {"short"}}, nil)
	if res.StatusCode != 422 || !strings.Contains(body, "至少") {
		t.Fatalf("weak password: %d %.300s", res.StatusCode, body)
	}
	res, _ = c.do(t, "POST", "/account/password", url.Values{"current": {password}, "password": {"Audit-2026-long!"}, "password2": {"Audit-2026-long!"}}, nil)
	if res.StatusCode != 303 {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if _, _, err := st.srv.svc.Session(context.Background(), "stale"); err == nil {
		t.Fatal("a made-up session resolved")
	}
	if res, _ := c.do(t, "GET", "/admin/audit", nil, nil); res.StatusCode != 303 {
		t.Fatalf("old session still works: %d", res.StatusCode)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/challenges?q=x":      "/challenges?q=x",
		"//evil.example/x":     "",
		"https://evil.example": "",
		"/\\evil.example":      "",
		"":                     "",
		"/ok\r\nSet-Cookie":    "",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSignInLimit: an address gets a few sign-in attempts a minute, then a
// Chinese 429; reading pages is not limited.
func TestSignInLimit(t *testing.T) {
	st := mustStack(t)
	limited, err := New(Config{Service: st.srv.svc, Log: st.srv.log, SignInLimit: 3})
	if err != nil {
		t.Fatal(err)
	}
	c := &client{st: &stack{srv: limited, logins: st.logins}, cookies: map[string]string{}}
	c.do(t, "GET", "/login", nil, nil)
	for i := range 4 {
		res, body := c.do(t, "POST", "/login", url.Values{"username": {"nobody"}, "password": {"x"}}, nil)
		want := 401
		if i == 3 {
			want = 429
		}
		if res.StatusCode != want {
			t.Fatalf("attempt %d: %d, want %d: %.200s", i+1, res.StatusCode, want, body)
		}
		if i == 3 && !strings.Contains(body, "尝试过于频繁") {
			t.Errorf("no Chinese message: %.300s", body)
		}
	}
	if res, _ := c.do(t, "GET", "/login", nil, nil); res.StatusCode != 200 {
		t.Errorf("pages limited too: %d", res.StatusCode)
	}
	// Other spellings of the path are not the route.
	for _, p := range []string{"/LOGIN", "/login/", "/Login"} {
		if res, _ := c.do(t, "POST", p, url.Values{"username": {"nobody"}, "password": {"x"}}, nil); res.StatusCode != 404 {
			t.Errorf("POST %s: %d, want 404", p, res.StatusCode)
		}
	}
}

// TestConfidentialViewAuditedOnce: a broker's view of a bureau-only
// challenge is one audit entry, not one per service call.
func TestConfidentialViewAuditedOnce(t *testing.T) {
	st := mustStack(t)
	count := func() int {
		view, err := st.srv.svc.AuditSearch(context.Background(), portal.Actor{User: &duijie.User{Role: duijie.RoleAuditor}},
			portal.AuditQuery{Action: duijie.AuditConfidential, Object: "challenge:ch-a036"})
		if err != nil {
			t.Fatal(err)
		}
		if view.Older {
			t.Fatal("more confidential views of ch-a036 than one page holds")
		}
		n := 0
		for _, e := range view.Entries {
			if e.Action == duijie.AuditConfidential && e.Object == "challenge:ch-a036" {
				n++
			}
		}
		return n
	}
	before := count()
	if res, _ := st.as(t, "jingjiren").do(t, "GET", "/challenges/ch-a036", nil, nil); res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := count() - before; got != 1 {
		t.Errorf("one view made %d audit entries", got)
	}
}

// TestPanicIsA500: a defect in a handler answers that request with the
// Chinese error page and its request id, and the server goes on.
func TestPanicIsA500(t *testing.T) {
	st := mustStack(t)
	var logs strings.Builder
	srv := *st.srv
	srv.log = slog.New(slog.NewTextHandler(&logs, nil))
	app := fiber.New(fiber.Config{ErrorHandler: srv.handleError})
	app.Use(srv.requestID, srv.recoverPanics)
	app.Get("/boom", func(c *fiber.Ctx) error { panic("nil map") })
	app.Get("/fine", func(c *fiber.Ctx) error { return c.SendString("ok") })
	res, err := app.Test(httptest.NewRequest("GET", "/boom", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 500 || !strings.Contains(string(body), "系统内部错误") || strings.Contains(string(body), "nil map") {
		t.Fatalf("panic answered %d: %.300s", res.StatusCode, body)
	}
	if !strings.Contains(logs.String(), "nil map") || !strings.Contains(logs.String(), "stack") {
		t.Errorf("panic not logged: %.300s", logs.String())
	}
	if res, err := app.Test(httptest.NewRequest("GET", "/fine", nil), -1); err != nil || res.StatusCode != 200 {
		t.Fatalf("after the panic: %v %v", res, err)
	}
}

// TestMultipartForm: a form sent as multipart/form-data (no browser of the
// portal does, but clients may) keeps its repeated fields.
func TestMultipartForm(t *testing.T) {
	st := mustStack(t)
	c := st.as(t, "yuansuo")
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, kv := range [][2]string{{"_csrf", c.csrf}, {"kind", "direction"}, {"title", "茶叶深加工副产物综合利用"},
		{"description", "茶渣、茶籽的综合利用研究。"}, {"industry", "food"}, {"modes", "技术开发"}, {"modes", "技术咨询"}, {"action", "publish"}} {
		w.WriteField(kv[0], kv[1])
	}
	w.Close()
	req := httptest.NewRequest("POST", "/capabilities/new", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := st.srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 303 {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("status %d: %.400s", res.StatusCode, body)
	}
	_, body := c.do(t, "GET", res.Header.Get("Location"), nil, nil)
	if !strings.Contains(body, "技术开发、技术咨询") {
		t.Errorf("modes lost: %.300s", body)
	}
}
