// Package server is the web portal and the JSON API over the portal
// service; it is the only package that imports Fiber. The route table is
// in routes.go, the mapping of domain errors to HTTP statuses in error.go.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
	"duijie/internal/reports"
	"duijie/internal/workflow"
	"duijie/web"
)

// Config configures a Server.
type Config struct {
	Service *portal.Service
	Log     *slog.Logger
	// SecureCookies marks cookies Secure and names the session cookie with
	// the __Host- prefix; switch off only for plain-HTTP runs on a LAN.
	SecureCookies bool
	// SignInLimit is how many sign-in, registration and token requests one
	// address may make a minute (default 20): the account lockout stops
	// guessing one password, this slows spraying one password over many.
	SignInLimit int
	// TrustedProxies are the addresses and CIDR ranges of reverse proxies
	// whose X-Forwarded-For (the client's address: rate limits, audit)
	// and X-Forwarded-Proto are believed; from any other peer they are
	// ignored. Empty: no proxy is trusted.
	TrustedProxies []string
	// PublicURL is the portal's address as browsers see it
	// (https://host); when set, the Origin of a state-changing request
	// must be exactly its origin.
	PublicURL string

	// MetricsToken is the bearer token GET /metrics asks for; empty: the
	// route answers 404 as if absent.
	MetricsToken string
}

// Server serves the portal.
type Server struct {
	svc    *portal.Service
	wf     *workflow.Service
	rp     *reports.Service
	log    *slog.Logger
	secure bool
	pages  *pages
	app    *fiber.App
	ready  readyFunc

	proxies      []netip.Prefix // trusted proxies
	publicOrigin string         // scheme://host of the public URL, or ""
	metrics      *metrics       // Prometheus, served at /metrics (metrics.go)
	sections     *sectionCache  // anonymous readers' match lists, rendered (matchsection.go)
}

// New builds the portal's Fiber app; templates are parsed once here and a
// broken one fails the start.
func New(cfg Config) (*Server, error) {
	p, err := parsePages(web.Templates)
	if err != nil {
		return nil, err
	}
	s := &Server{svc: cfg.Service, wf: cfg.Service.Workflow(), rp: cfg.Service.Reports(), log: duijie.RequestLog(cfg.Log), secure: cfg.SecureCookies, pages: p,
		sections: &sectionCache{}}
	s.ready = cfg.Service.Ready
	proxies, err := ParseTrustedProxies(strings.Join(cfg.TrustedProxies, ","))
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.proxies = trustedNets(proxies)
	if s.publicOrigin, err = ParsePublicURL(cfg.PublicURL); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.metrics = newMetrics(cfg.MetricsToken, cfg.Service)
	s.app = fiber.New(fiber.Config{
		AppName:   "duijie",
		Immutable: true, // strings from the context stay valid after the handler
		// Paths match the route table exactly: /LOGIN or /login/ are not
		// /login to the router, so they cannot slip past what checks c.Path().
		CaseSensitive:         true,
		StrictRouting:         true,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		BodyLimit:             maxUpload, // the import's upload; every other route: maxBody (limitBody)
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Forwarded headers (X-Forwarded-For, -Proto, -Host) count only
		// from a configured proxy; with none configured, from nobody.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          proxies,
		ProxyHeader:             fiber.HeaderXForwardedFor,
	})
	s.app.Use(s.clientAddress, s.requestID, s.recoverPanics, limitBody)
	s.app.Use("/static", staticFiles())
	s.app.Use(s.authenticate, s.checkOrigin)
	s.app.Use(signInLimiter(cfg.SignInLimit))
	seen := map[string]bool{}
	for _, r := range s.routes() {
		key := r.method + " " + r.path
		if seen[key] {
			return nil, fmt.Errorf("server: route %s twice", key)
		}
		seen[key] = true
		s.app.Add(r.method, r.path, s.authorize(r), r.handle)
		if r.method == fiber.MethodGet {
			// HEAD answers like GET, through the same policy; fasthttp
			// drops the body.
			s.app.Add(fiber.MethodHead, r.path, s.authorize(r), r.handle)
		}
	}
	s.app.Use(func(c *fiber.Ctx) error { return errNotFound })
	return s, nil
}

// App is the Fiber app, for tests (app.Test) and for serving.
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until ctx ends, then shuts down gracefully.
func (s *Server) Listen(ctx context.Context, addr string, ready func(addr string)) error {
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- s.app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		// Stop accepting, let the requests in flight finish (keep-alive
		// connections are closed after their current answer), give up
		// after ShutdownGrace.
		s.log.Info("shutting down", "grace", ShutdownGrace.String())
		if err := s.app.ShutdownWithTimeout(ShutdownGrace); err != nil {
			return fmt.Errorf("server: shutdown: %w", err)
		}
		return <-errc // Listener returns once the listener is closed
	}
}

// ShutdownGrace is how long a shutdown waits for requests in flight.
const ShutdownGrace = 10 * time.Second

// isAPI reports whether the request is for the JSON API.
func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

// Body sizes: an import's upload (a 10 MiB file and its multipart
// envelope), and everything else.
const (
	maxUpload = 11 << 20
	maxBody   = 1 << 20
)

// limitBody keeps every route but the import's upload to maxBody, as
// before the upload raised the server's limit (fasthttp has read the
// body by now: this keeps the answer, not the memory, of a smaller limit).
func limitBody(c *fiber.Ctx) error {
	if len(c.Request().Body()) > maxBody && !(c.Method() == fiber.MethodPost && (c.Path() == importPath || isAttachmentUpload(c.Path()))) {
		return fiber.ErrRequestEntityTooLarge
	}
	return c.Next()
}
