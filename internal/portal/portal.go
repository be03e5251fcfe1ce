// Package portal is the service the web server calls: it joins the store
// (the truth), the search index (derived) and the match engine, and decides
// every read and write against the caller's rights in the store. Nothing
// here knows about HTTP.
package portal

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"duijie/index"
	"duijie/internal/auth"
	"duijie/internal/calls"
	"duijie/internal/duijie"
	"duijie/internal/envoys"
	"duijie/internal/events"
	"duijie/internal/indexer"
	"duijie/internal/match"
	"duijie/internal/reports"
	"duijie/internal/sqlite"
	"duijie/internal/workflow"
)

// Actor is who calls (duijie.Actor, shared by every service).
type Actor = duijie.Actor

// Service is the portal's service.
type Service struct {
	db      *sqlite.DB
	ix      *indexer.Indexes
	m       map[duijie.Audience]*match.Matcher // one per audience's index
	indexer *indexer.Indexer
	wf      *workflow.Service
	matches *matchCache
	lists   *genCache[*index.Result] // lists' hits, totals and facets
	rp      *reports.Service
	ev      *envoys.Service // 科技特派员
	evs     *events.Service // events: 对接会
	hasher  *auth.Hasher
	// throttle limits password checks per account and address before
	// they reach the hasher.
	throttle *throttle
	log      *slog.Logger
	now      func() time.Time

	syncMu sync.Mutex
	// imports are the dry runs waiting for a broker's confirmation.
	imports *importPlans
	// dummyHash is verified when a user does not exist, so that the answer
	// takes as long as for a wrong password.
	dummyHash string
	// hooks are told the action of every audit entry (metrics).
	hooks auditHooks
	// calls is 揭榜挂帅 and the expert pool.
	calls *calls.Service
}

// New returns the service over an open store and its indexes, with the
// default reply deadlines (see NewWith).
func New(ctx context.Context, db *sqlite.DB, ix *indexer.Indexes, hasher *auth.Hasher, log *slog.Logger) (*Service, error) {
	return NewWith(ctx, db, ix, hasher, log, duijie.DefaultDeadlines)
}

// NewWith is New with the workflow's reply deadlines.
func NewWith(ctx context.Context, db *sqlite.DB, ix *indexer.Indexes, hasher *auth.Hasher, log *slog.Logger, d duijie.Deadlines) (*Service, error) {
	log = duijie.RequestLog(log) // lines written in a request name it
	s := &Service{db: db, ix: ix, m: map[duijie.Audience]*match.Matcher{}, indexer: indexer.New(db, ix), hasher: hasher, log: log, now: time.Now,
		matches: newMatchCache(), lists: newGenCache[*index.Result](maxListCache),
		imports: newImportPlans()}
	s.throttle = newThrottle(PasswordChecksPerMinute, func() time.Time { return s.now() })
	s.wf = workflow.New(db, log, func() time.Time { return s.now() }, d)
	s.rp = reports.New(db, log, func() time.Time { return s.now() })
	s.calls = calls.New(db, log, func() time.Time { return s.now() }, hasher)
	s.ev = envoys.New(db, log, func() time.Time { return s.now() }, s.Sync)
	s.evs = events.New(db, s.wf, s.eventMatches, log, func() time.Time { return s.now() })
	for _, aud := range duijie.Audiences {
		s.m[aud] = match.New(ix.For(aud))
	}
	var err error
	if s.dummyHash, err = hasher.Hash(ctx, randomToken()); err != nil {
		return nil, err
	}
	return s, nil
}

// Sync applies the store's pending changes to the index. Writes call it
// after they commit; a failure is logged, not returned: the write is
// durable, and the next Sync (or a restart) heals the index.
func (s *Service) Sync(ctx context.Context) {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	if n, err := s.indexer.Apply(context.WithoutCancel(ctx)); err != nil {
		s.log.ErrorContext(ctx, "index sync failed", "err", err)
	} else if n > 0 {
		s.log.DebugContext(ctx, "index synced", "changes", n)
	}
}

// Run syncs the index every interval until ctx ends, so that changes made
// by another process (duijie import-demo) are picked up too.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var lastSweep time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Sync(ctx)
			if time.Since(lastSweep) > 10*time.Minute {
				lastSweep = time.Now()
				// Sessions idle past the longest idle limit are dead.
				if err := s.db.DeleteExpiredSessions(ctx, s.now().Add(-duijie.SessionIdle)); err != nil {
					s.log.Error("session sweep failed", "err", err)
				}
				// Introductions due within two days remind whoever must act.
				if n, err := s.wf.Remind(ctx, 48*time.Hour); err != nil {
					s.log.Error("deadline reminders failed", "err", err)
				} else if n > 0 {
					s.log.Info("deadline reminders sent", "messages", n)
				}
			}
		}
	}
}

// Workflow is the bureau's brokering service, which shares the portal's
// store and clock.
func (s *Service) Workflow() *workflow.Service { return s.wf }

// Reports is the bureau's figures and exports, over the portal's store
// and clock.
func (s *Service) Reports() *reports.Service { return s.rp }

// Calls is 揭榜挂帅 and the expert pool, over the portal's store and
// clock.
func (s *Service) Calls() *calls.Service { return s.calls }

// Envoys is the work of 科技特派员 (assignments, visits, challenges drafted
// on behalf of enterprises), over the portal's store, clock and index.
func (s *Service) Envoys() *envoys.Service { return s.ev }

// Events is the bureau's matchmaking events (对接会), over the portal's
// store, clock, workflow and match lists.
func (s *Service) Events() *events.Service { return s.evs }

// eventMatches is the match list events scores pairs with: the caller's
// ranking of a posting's partners, as its match page shows it.
func (s *Service) eventMatches(ctx context.Context, a Actor, typ, id string) ([]events.Scored, error) {
	p, err := s.Matches(ctx, a, typ, id, false, 0, MaxLimit)
	if err != nil {
		return nil, err
	}
	out := make([]events.Scored, len(p.Items))
	for i, it := range p.Items {
		out[i] = events.Scored{ID: it.ID, Confidence: it.Confidence}
	}
	return out, nil
}

// view is the index and matcher of a's audience: whatever a reader sees
// of search and matches is computed there, over what the reader's
// audience may read.
func (s *Service) view(a Actor) (*index.Index, *match.Matcher) {
	aud := duijie.AudienceOf(a.User)
	return s.ix.For(aud), s.m[aud]
}

// audit records an entry; a failure to audit is logged loudly.
func (s *Service) audit(ctx context.Context, a Actor, action, object, detail string) {
	s.db.Audit(ctx, s.log, a.Entry(action, object, detail))
	s.hooks.call(action)
}

// Keywords suggests keywords for a draft posting's text, from the text
// and the dictionary only (see match.Matcher.Keywords).
func (s *Service) Keywords(typ, title, text string, n int) []string {
	return s.m[duijie.AudiencePublic].Keywords(match.Source{Type: typ, Title: title, Description: text}, n)
}
