// Package reports is the bureau's figures, a sibling service of portal
// and workflow: the brokers' dashboard (postings, introductions, the
// funnel from posting to registered contract, contracts by month,
// industry, county and type, reply times, overdue items, results per
// broker and institute, partners from 合肥 and 长三角) and the Excel
// exports of every list a broker sees. Figures are counted by SQL over the
// store, never over the search index. Nothing here knows about HTTP.
package reports

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Actor is who calls (duijie.Actor, shared by every service).
type Actor = duijie.Actor

// Service is the reports service.
type Service struct {
	db    *sqlite.DB
	log   *slog.Logger
	now   func() time.Time
	views views
}

// views are match-list openings not yet written. A page view must not
// wait for a durable write (a commit with synchronous=FULL costs about
// as much as the page), so openings are counted in memory and written in
// batches by one goroutine that runs while there is something to write.
// Counts still in memory when the process dies are lost: they are a
// statistic, not a record.
type views struct {
	mu      sync.Mutex
	pending map[sqlite.MatchView]int // key: Views 0
	running bool
	wg      sync.WaitGroup
	every   time.Duration // how long openings gather before a write
}

// New returns the service over an open store; now is the clock (shared
// with the portal, so that tests move both).
func New(db *sqlite.DB, log *slog.Logger, now func() time.Time) *Service {
	return &Service{db: db, log: log, now: now, views: views{every: time.Second}}
}

// AuditExport is the audit action of an export: the object is the list
// (challenges, capabilities, introductions, contracts, organizations,
// dashboard), the detail says how many rows and, for the dashboard, which
// period and county.
const AuditExport = "report.export"

func (s *Service) audit(ctx context.Context, a Actor, action, object, detail string) {
	s.db.Audit(ctx, s.log, a.Entry(action, object, detail))
}

func brokerOnly(a Actor) error {
	if !a.User.Is(duijie.RoleBroker) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以查看统计和导出")
	}
	return nil
}

// MatchViewed counts one opening of a challenge's match list, when the
// reader can act on it: a member of the challenge's organisation or a
// broker (the funnel step 查看匹配). Only a counter per challenge and day
// is kept, nothing about the reader. The count is written shortly after,
// off the request; a failure is logged.
func (s *Service) MatchViewed(ctx context.Context, a Actor, challengeID, ownerOrgID string) {
	if !a.User.Member(ownerOrgID) && !a.User.Is(duijie.RoleBroker) {
		return
	}
	key := sqlite.MatchView{DocType: "challenge", DocID: challengeID, Day: duijie.Today(s.now())}
	v := &s.views
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.pending == nil {
		v.pending = map[sqlite.MatchView]int{}
	}
	v.pending[key]++
	if !v.running {
		v.running = true
		v.wg.Add(1)
		go s.writeViews()
	}
}

// writeViews writes pending counts, at most one commit a second, until
// there are none left.
func (s *Service) writeViews() {
	v := &s.views
	defer v.wg.Done()
	for {
		time.Sleep(v.every) // let openings gather: one commit for all of them
		v.mu.Lock()
		batch := v.pending
		v.pending = nil
		if len(batch) == 0 {
			v.running = false
			v.mu.Unlock()
			return
		}
		v.mu.Unlock()
		var rows []sqlite.MatchView
		for k, n := range batch {
			k.Views = n
			rows = append(rows, k)
		}
		if err := s.db.RecordMatchViews(context.Background(), rows); err != nil {
			s.log.Error("match view count failed", "challenges", len(rows), "err", err)
		}
	}
}

// WaitViews waits until the counted match-list openings are written (for
// tests and shutdown).
func (s *Service) WaitViews() { s.views.wg.Wait() }
