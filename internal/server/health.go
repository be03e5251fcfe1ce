package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/portal"
)

// Probe paths: answered without a session lookup or a CSRF cookie.
const (
	pathHealthz = "/healthz"
	pathReadyz  = "/readyz"
)

func isProbe(c *fiber.Ctx) bool { return c.Path() == pathHealthz || c.Path() == pathReadyz }

// handleHealthz is liveness: the process serves requests. It touches
// neither the store nor the index, so that a slow disk does not get the
// portal restarted.
func (s *Server) handleHealthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// handleReadyz is readiness: the store answers, every index is open and
// the outbox is applied (no change waiting longer than
// portal.MaxOutboxLag). 503 otherwise; the details go to the log, the
// answer names only which part failed.
func (s *Server) handleReadyz(c *fiber.Ctx) error {
	r, ok := s.ready(c.UserContext())
	state := func(err error) string {
		if err != nil {
			return "error"
		}
		return "ok"
	}
	body := fiber.Map{"status": "ready", "store": state(r.Store), "index": state(r.Index),
		"outbox_pending": r.Pending, "outbox_lag_ms": r.Lag.Milliseconds()}
	if !ok {
		s.log.WarnContext(c.UserContext(), "not ready", "store", r.Store, "index", r.Index, "pending", r.Pending, "lag", r.Lag)
		body["status"] = "not ready"
		c.Status(fiber.StatusServiceUnavailable)
	}
	return c.JSON(body)
}

// readyFunc is the readiness check (the service's; tests swap it).
type readyFunc func(context.Context) (portal.Readiness, bool)
