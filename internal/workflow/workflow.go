// Package workflow is the bureau's brokering work, a sibling service of
// portal: introductions (对接) from a proposal, a request or a broker's
// recommendation through 推荐 → 双方确认 → 洽谈 → 签约 → 登记, each side's
// answer, contacts passed only after both accept, deadlines, assignment,
// invitations to read a 摘要公开 challenge, technology contracts and the
// in-app inbox. Rights are decided here against the store, with the
// domain's rules; nothing here knows about HTTP.
package workflow

import (
	"context"
	"log/slog"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Actor is who calls (duijie.Actor, shared by every service).
type Actor = duijie.Actor

// Service is the workflow service.
type Service struct {
	db        *sqlite.DB
	log       *slog.Logger
	now       func() time.Time
	deadlines duijie.Deadlines
}

// New returns the service over an open store; now is the clock (shared
// with the portal, so that tests move both).
func New(db *sqlite.DB, log *slog.Logger, now func() time.Time, d duijie.Deadlines) *Service {
	return &Service{db: db, log: log, now: now, deadlines: d}
}

// Deadlines are the reply deadlines in force.
func (s *Service) Deadlines() duijie.Deadlines { return s.deadlines }

// Workload is one broker's open and overdue introductions.
type Workload = sqlite.Workload

// Invitation is an organisation invited to read a challenge in full.
type Invitation = sqlite.Invitation

// Audit actions of the workflow.
const (
	AuditIntroCreate   = "intro.create"
	AuditIntroStage    = "intro.stage"
	AuditIntroAnswer   = "intro.answer"
	AuditIntroAssign   = "intro.assign"
	AuditContract      = "contract.record"
	AuditContractReg   = "contract.register"
	AuditInvite        = "invitation.create"
	AuditUninvite      = "invitation.withdraw"
	AuditBrokerScope   = "broker.scope"
	AuditContactsShown = "intro.contacts"
)

func (s *Service) audit(ctx context.Context, a Actor, action, object, detail string) {
	s.db.Audit(ctx, s.log, a.Entry(action, object, detail))
}

func brokerOnly(a Actor) error {
	if !a.User.Is(duijie.RoleBroker) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以办理对接")
	}
	return nil
}

// notFound is the one answer for an introduction the caller may not see.
func notFound() error { return duijie.Errorf(duijie.ENOTFOUND, "对接不存在或无权查看") }

// messagesTo addresses one message to every user of an organisation.
func (s *Service) messagesTo(ctx context.Context, orgID string, m duijie.Message) ([]duijie.Message, error) {
	users, err := s.db.UsersOf(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []duijie.Message
	for _, u := range users {
		m.UserID, m.Created = u.ID, s.now()
		out = append(out, m)
	}
	return out, nil
}

// messageToBroker addresses a message to the broker in charge, if any.
func (s *Service) messageToBroker(n *duijie.Introduction, m duijie.Message) []duijie.Message {
	if n.BrokerID == "" {
		return nil
	}
	m.UserID, m.Created = n.BrokerID, s.now()
	return []duijie.Message{m}
}

// introLink is where a user opens an introduction.
func introLink(id string) string { return "/introductions/" + id }
