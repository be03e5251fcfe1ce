package portal

import (
	"context"
	"fmt"
	"time"

	"duijie/internal/indexer"
)

// MaxOutboxLag is how long a change may wait for the index before the
// portal stops calling itself ready: the sync runs every two seconds, and
// a save also applies its own change at once.
const MaxOutboxLag = 10 * time.Second

// Readiness is what /readyz reports.
type Readiness struct {
	Store   error         // nil: the store answers
	Index   error         // nil: every audience's index is open and answers
	Pending int           // outbox rows not yet in the index
	Lag     time.Duration // age of the oldest of them
}

// Ready reports whether the portal can serve: it reads the store and
// asks every index for its size, and it is not ready while a change has
// waited more than MaxOutboxLag for the index.
func (s *Service) Ready(ctx context.Context) (Readiness, bool) {
	var r Readiness
	pending, oldest, err := s.db.OutboxLag(ctx, indexer.Consumer)
	r.Store, r.Pending = err, pending
	if err == nil && pending > 0 {
		r.Lag = max(0, s.now().Sub(oldest))
	}
	if _, err := s.ix.Count(); err != nil {
		r.Index = fmt.Errorf("index: %w", err)
	}
	return r, r.Store == nil && r.Index == nil && r.Lag <= MaxOutboxLag
}
