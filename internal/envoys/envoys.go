// Package envoys is the work of 科技特派员 (envoys), a sibling service of
// portal and workflow: brokers assign envoys to enterprises and villages;
// envoys log service visits there (corrections append a version, nothing
// logged is lost) and draft challenges on behalf of an enterprise they
// serve, which stay unpublished drafts of the enterprise until one of its
// members confirms them. Rights are decided here against the store;
// nothing here knows about HTTP.
//
// Brokers, not the system administrator, assign envoys: an assignment is
// bureau business like an introduction, and the system administrator's
// role is kept to accounts, settings and backups (等保 separation of
// duties). The system administrator creates the envoys' accounts.
package envoys

import (
	"context"
	"log/slog"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Actor is who calls (duijie.Actor, shared by every service).
type Actor = duijie.Actor

// Service is the envoys' service.
type Service struct {
	db   *sqlite.DB
	log  *slog.Logger
	now  func() time.Time
	sync func(context.Context) // applies the outbox to the search index
}

// New returns the service over an open store; now is the clock (shared
// with the portal, so that tests move both) and sync applies the store's
// pending changes to the search index after a challenge is written.
func New(db *sqlite.DB, log *slog.Logger, now func() time.Time, sync func(context.Context)) *Service {
	if sync == nil {
		sync = func(context.Context) {}
	}
	return &Service{db: db, log: log, now: now, sync: sync}
}

// Audit actions of the envoys' work.
const (
	AuditAssign         = "envoy.assign"
	AuditUnassign       = "envoy.unassign"
	AuditVisit          = "visit.log"
	AuditVisitCorrect   = "visit.correct"
	AuditOnBehalf       = "envoy.challenge"
	AuditOnBehalfOK     = "envoy.challenge_confirm"
	AuditOnBehalfReturn = "envoy.challenge_return"
)

// Filters of the lists, as the services take them.
type (
	AssignmentFilter = sqlite.AssignmentFilter
	VisitFilter      = sqlite.VisitFilter
)

func (s *Service) audit(ctx context.Context, a Actor, action, object, detail string) {
	s.db.Audit(ctx, s.log, a.Entry(action, object, detail))
}

func (s *Service) today() time.Time { return duijie.Today(s.now()) }

func brokerOnly(a Actor) error {
	if !a.User.Is(duijie.RoleBroker) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以管理科技特派员的派驻")
	}
	return nil
}

func envoyOnly(a Actor) error {
	if !a.User.Is(duijie.RoleEnvoy) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有科技特派员可以记录走访")
	}
	return nil
}

func invalid(field, msg string) error {
	return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{field: msg}}
}

// internal passes an error other than a missing object (an outage, a
// defect); a missing object is the caller's to answer (nil here).
func internal(err error) error {
	if err == nil || duijie.ErrorCode(err) == duijie.ENOTFOUND {
		return nil
	}
	return err
}
