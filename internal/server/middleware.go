package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"duijie/internal/duijie"
	"duijie/internal/portal"
	"duijie/web"
)

// Locals keys.
const (
	localRequestID = "rid"
	localUser      = "user"
	localSession   = "session"
	localCSRF      = "csrf"
)

func listen(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }

func staticFiles() fiber.Handler {
	return filesystem.New(filesystem.Config{Root: web.StaticFS(), MaxAge: 3600})
}

// requestID gives every request an id, sent back in a header and shown on
// error pages, sets the security headers, and logs the request when it
// is done.
func (s *Server) requestID(c *fiber.Ctx) error {
	s.stamp(c)
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.handleError(c, err); herr != nil {
			s.log.ErrorContext(c.UserContext(), "error handler failed", "err", herr)
		}
	}
	noStoreJSON(c)
	s.metrics.observe(c, time.Since(start))
	s.log.InfoContext(c.UserContext(), "request", "method", c.Method(), "path", c.Path(), "status", c.Response().StatusCode(),
		"ms", time.Since(start).Milliseconds())
	return nil
}

// stamp gives the answer its request id and security headers, once: the
// middleware does it for every routed request, the error handler for the
// requests fasthttp refuses before any middleware runs (a body over the
// server's limit, headers or a URL over the read buffer). It returns the
// request id.
func (s *Server) stamp(c *fiber.Ctx) string {
	if id, ok := c.Locals(localRequestID).(string); ok && id != "" {
		return id
	}
	b := make([]byte, 8)
	rand.Read(b)
	id := hex.EncodeToString(b)
	c.Locals(localRequestID, id)
	// Services log with the request's context: their lines name it too.
	c.SetUserContext(duijie.WithRequestID(c.UserContext(), id))
	c.Set("X-Request-Id", id)
	s.setSecurityHeaders(c)
	return id
}

// noStoreJSON keeps JSON answers (API data, errors, health) out of
// browser and proxy caches.
func noStoreJSON(c *fiber.Ctx) {
	h := &c.Response().Header
	if strings.HasPrefix(string(h.ContentType()), fiber.MIMEApplicationJSON) && len(h.Peek(fiber.HeaderCacheControl)) == 0 {
		h.Set(fiber.HeaderCacheControl, "no-store")
	}
}

// recoverPanics turns a panic in a handler into an internal error (a
// Chinese page with the request id; the stack goes to the log), so that a
// defect answers one request with a 500 instead of taking the portal down.
func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.ErrorContext(c.UserContext(), "panic", "path", c.Path(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.Next()
}

// setSecurityHeaders sets the headers every answer carries: a CSP
// without inline scripts or styles, nosniff, no framing, and a referrer
// policy that keeps same-origin checks working.
func (s *Server) setSecurityHeaders(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if s.secure {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

func (s *Server) sessionCookie() string {
	if s.secure {
		return "__Host-duijie"
	}
	return "duijie"
}

func (s *Server) csrfCookie() string {
	if s.secure {
		return "__Host-duijie-csrf"
	}
	return "duijie-csrf"
}

// authenticate finds the caller: a bearer token (API only) or a session
// cookie. An anonymous browser gets a CSRF cookie for its sign-in and
// registration forms.
func (s *Server) authenticate(c *fiber.Ctx) error {
	if isProbe(c) {
		return c.Next() // cheap and cookie-free; the probes are public
	}
	ctx := c.UserContext()
	if h := c.Get(fiber.HeaderAuthorization); isAPI(c) && h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return errUnauthorized
		}
		u, err := s.svc.TokenUser(ctx, strings.TrimSpace(token))
		if duijie.ErrorCode(err) == duijie.ENOTFOUND {
			return errUnauthorized
		}
		if err != nil {
			return err
		}
		c.Locals(localUser, u)
		c.Locals("bearer", true)
		return c.Next()
	}
	if v := c.Cookies(s.sessionCookie()); v != "" {
		sess, u, err := s.svc.Session(ctx, v)
		switch {
		case err == nil:
			c.Locals(localUser, u)
			c.Locals(localSession, sess)
			c.Locals(localCSRF, sess.CSRF)
			return c.Next()
		case duijie.ErrorCode(err) == duijie.ENOTFOUND:
			s.clearCookie(c, s.sessionCookie())
		default:
			return err
		}
	}
	token := c.Cookies(s.csrfCookie())
	if len(token) != 32 {
		b := make([]byte, 16)
		rand.Read(b)
		token = hex.EncodeToString(b)
		s.setCookie(c, s.csrfCookie(), token, 0)
	}
	c.Locals(localCSRF, token)
	return c.Next()
}

func (s *Server) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, Secure: s.secure,
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int(maxAge.Seconds())})
}

func (s *Server) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", HTTPOnly: true, Secure: s.secure,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(1, 0), MaxAge: -1})
}

// checkOrigin refuses state-changing requests from other sites: the
// browser's Sec-Fetch-Site or Origin must say same origin. Bearer-token
// API calls carry no cookies and need no such check.
func (s *Server) checkOrigin(c *fiber.Ctx) error {
	if safeMethod(c.Method()) || c.Locals("bearer") != nil {
		return c.Next()
	}
	switch c.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return errCrossSite
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" && s.publicOrigin != "" {
		// Behind a proxy the public URL says what the browser sees.
		if strings.ToLower(o) != s.publicOrigin {
			return errCrossSite
		}
	} else if o != "" {
		// Scheme and host both: a page served over http must not post to
		// the https portal, nor the other way round. c.Protocol follows
		// X-Forwarded-Proto only from a trusted proxy (Fiber's trusted
		// proxy check), so a TLS-terminating proxy keeps working when it
		// is configured, and nobody else can claim https.
		u, err := url.Parse(o)
		if err != nil || u.Scheme != c.Protocol() || u.Host != string(c.Request().Host()) {
			return errCrossSite
		}
	}
	return c.Next()
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// authorize applies a route's policy, then the CSRF token check for
// state-changing requests made with cookies.
func (s *Server) authorize(r route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localRoute, r.path) // the metrics' route label
		u := user(c)
		if !r.allow.public {
			if u == nil {
				return errUnauthorized
			}
			if !u.Is(r.allow.roles...) {
				return errForbidden
			}
		}
		// An issued password must be changed before anything else, pages or
		// API alike (a bearer token cannot be had before the change).
		if u != nil && u.MustChange && r.path != "/account/password" && r.path != "/logout" {
			if isAPI(c) {
				return errMustChange
			}
			return c.Redirect("/account/password", fiber.StatusSeeOther)
		}
		// API calls without a session carry no ambient credentials (a
		// bearer token or nothing): no CSRF to fear. Every other
		// state-changing request needs the token.
		ambient := c.Locals("bearer") == nil && (!isAPI(c) || session(c) != nil)
		if !safeMethod(c.Method()) && ambient {
			want, _ := c.Locals(localCSRF).(string)
			got := formToken(c)
			if got == "" {
				got = c.Get("X-CSRF-Token")
			}
			if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
				return errCSRF
			}
		}
		return c.Next()
	}
}

// formToken is the CSRF token from the form body, url-encoded or
// multipart, never from the query string: a token in a URL ends up in
// logs, history and Referer headers.
func formToken(c *fiber.Ctx) string {
	if v := c.Request().PostArgs().Peek("_csrf"); len(v) > 0 {
		return string(v)
	}
	if strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		if mf, err := c.MultipartForm(); err == nil && len(mf.Value["_csrf"]) > 0 {
			return mf.Value["_csrf"][0]
		}
	}
	return ""
}

// user is the signed-in caller, nil when anonymous.
func user(c *fiber.Ctx) *duijie.User {
	u, _ := c.Locals(localUser).(*duijie.User)
	return u
}

// actor is the caller as the service sees it.
func actor(c *fiber.Ctx) portal.Actor { return portal.Actor{User: user(c), IP: c.IP()} }

func session(c *fiber.Ctx) *duijie.Session {
	sess, _ := c.Locals(localSession).(*duijie.Session)
	return sess
}

// signInLimiter limits the POSTs that try passwords or make accounts, per
// client address (c.IP: the peer, or the client named by a trusted proxy).
func signInLimiter(max int) fiber.Handler {
	if max <= 0 {
		max = 20
	}
	return limiter.New(limiter.Config{
		Max:        max,
		Expiration: time.Minute,
		Next: func(c *fiber.Ctx) bool {
			if c.Method() != fiber.MethodPost {
				return true
			}
			switch c.Path() {
			case "/login", "/register", "/api/v1/tokens":
				return false
			}
			return true
		},
		LimitReached: func(c *fiber.Ctx) error { return errTooMany },
	})
}
