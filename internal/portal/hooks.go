package portal

import "sync"

// auditHooks are the functions told of each audited action, for the
// web layer's metrics (sign-in failures, lockouts): counted where the
// portal audits them, so the figures and the audit log agree.
type auditHooks struct {
	mu sync.RWMutex
	fs []func(action string)
}

// OnAudit adds f, called with the action of every entry s.audit writes
// (not the bulk disclosure entries); f must be quick and must not call
// back into the service.
func (s *Service) OnAudit(f func(action string)) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	s.hooks.fs = append(s.hooks.fs, f)
}

func (h *auditHooks) call(action string) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, f := range h.fs {
		f(action)
	}
}
