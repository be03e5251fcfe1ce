package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

const (
	pathMetrics = "/metrics"
	// localRoute is the route table's path of the route that answered
	// (set by authorize), the metrics' route label.
	localRoute = "route"
	// routeUnmatched labels requests no route of the table answered
	// (404s, static files, requests refused before routing).
	routeUnmatched = "unmatched"
)

// metrics is the portal's Prometheus registry, private to the server (the
// global default registry is not used): requests by route pattern and
// status class, latency by route, match latency, the outbox, sign-in
// failures and lockouts.
type metrics struct {
	token    []byte // sha256 of the bearer token; nil: /metrics is absent
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	matches  prometheus.Histogram
	pending  prometheus.Gauge
	lag      prometheus.Gauge
	signFail prometheus.Counter
	lockouts prometheus.Counter
	handler  fiber.Handler
}

func newMetrics(token string, svc *portal.Service) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	if token != "" {
		h := sha256.Sum256([]byte(token))
		m.token = h[:]
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "duijie_http_requests_total",
		Help: "HTTP requests by method, route pattern of the route table and status class."}, []string{"method", "route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "duijie_http_request_duration_seconds",
		Help: "HTTP request latency by method and route pattern.", Buckets: prometheus.DefBuckets}, []string{"method", "route"})
	m.matches = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "duijie_match_duration_seconds",
		Help: "Latency of one match list (portal.Matches), pages and API.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}})
	m.pending = prometheus.NewGauge(prometheus.GaugeOpts{Name: "duijie_outbox_pending",
		Help: "Outbox rows not yet applied to the index, read at scrape time."})
	m.lag = prometheus.NewGauge(prometheus.GaugeOpts{Name: "duijie_outbox_lag_seconds",
		Help: "Age of the oldest outbox row not yet applied to the index (0 when none), read at scrape time."})
	m.signFail = prometheus.NewCounter(prometheus.CounterOpts{Name: "duijie_signin_failures_total",
		Help: "Failed sign-ins (pages and API tokens), as audited (" + duijie.AuditSignInFail + ")."})
	m.lockouts = prometheus.NewCounter(prometheus.CounterOpts{Name: "duijie_lockouts_total",
		Help: "Accounts locked after repeated wrong passwords, as audited (" + duijie.AuditLockout + ")."})
	m.reg.MustRegister(m.requests, m.latency, m.matches, m.pending, m.lag, m.signFail, m.lockouts,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	svc.OnAudit(func(action string) {
		switch action {
		case duijie.AuditSignInFail:
			m.signFail.Inc()
		case duijie.AuditLockout:
			m.lockouts.Inc()
		}
	})
	m.handler = adaptor.HTTPHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return m
}

// observe counts one finished request.
func (m *metrics) observe(c *fiber.Ctx, took time.Duration) {
	route, _ := c.Locals(localRoute).(string)
	if route == "" {
		route = routeUnmatched
	}
	method := c.Method()
	switch method {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodDelete, fiber.MethodPatch, fiber.MethodOptions:
	default:
		method = "other" // bounded labels whatever a client sends
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(c.Response().StatusCode()/100)+"xx").Inc()
	m.latency.WithLabelValues(method, route).Observe(took.Seconds())
}

// handleMetrics serves the registry in the Prometheus text format to a
// caller with the bearer token. Without a configured token, or with a
// wrong one, the route answers like an absent one (404), so that it does
// not reveal itself.
func (s *Server) handleMetrics(c *fiber.Ctx) error {
	m := s.metrics
	tok, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	if m.token == nil || !ok || subtle.ConstantTimeCompare(got[:], m.token) != 1 {
		return errNotFound
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 5*time.Second)
	r, _ := s.ready(ctx)
	cancel()
	m.pending.Set(float64(r.Pending))
	m.lag.Set(r.Lag.Seconds())
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.handler(c)
}

// timedMatches is portal.Matches, its latency observed.
func (s *Server) timedMatches(ctx context.Context, a portal.Actor, typ, id string, localFirst bool, offset, limit int) (*portal.MatchPage, error) {
	start := time.Now()
	defer func() { s.metrics.matches.Observe(time.Since(start).Seconds()) }()
	return s.svc.Matches(ctx, a, typ, id, localFirst, offset, limit)
}
