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
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Actor is who calls (nil User: anonymous) and from where.
type Actor struct {
	User *duijie.User
	IP   string
}

// Service is the reports service.
type Service struct {
	db  *sqlite.DB
	log *slog.Logger
	now func() time.Time
}

// New returns the service over an open store; now is the clock (shared
// with the portal, so that tests move both).
func New(db *sqlite.DB, log *slog.Logger, now func() time.Time) *Service {
	return &Service{db: db, log: log, now: now}
}

// AuditExport is the audit action of an export: the object is the list
// (challenges, capabilities, introductions, contracts, organizations,
// dashboard), the detail says how many rows and, for the dashboard, which
// period and county.
const AuditExport = "report.export"

func (s *Service) audit(ctx context.Context, a Actor, action, object, detail string) {
	e := duijie.AuditEntry{Action: action, Object: object, Detail: detail, IP: a.IP}
	if a.User != nil {
		e.Actor = a.User.ID
	}
	if err := s.db.Record(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("audit write failed", "action", action, "object", object, "err", err)
	}
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
// is kept, nothing about the reader. A failure is logged: the page is
// still worth showing.
func (s *Service) MatchViewed(ctx context.Context, a Actor, challengeID, ownerOrgID string) {
	if !a.User.Member(ownerOrgID) && !a.User.Is(duijie.RoleBroker) {
		return
	}
	if err := s.db.RecordMatchView(context.WithoutCancel(ctx), "challenge", challengeID, duijie.Today(s.now())); err != nil {
		s.log.Error("match view count failed", "challenge", challengeID, "err", err)
	}
}
