package workflow

import (
	"context"
	"fmt"
	"strings"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Take puts the caller in charge of an unassigned introduction.
func (s *Service) Take(ctx context.Context, a Actor, id string) error {
	n, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	if n.BrokerID != "" {
		if n.BrokerID == a.User.ID {
			return nil
		}
		return duijie.Errorf(duijie.ECONFLICT, "这条对接已由 %s 负责；如需改派请联系科室负责人", n.BrokerName)
	}
	return s.assign(ctx, a, n, a.User.ID)
}

// Assign is the bureau lead's assignment of an introduction to a broker.
func (s *Service) Assign(ctx context.Context, a Actor, id, brokerID string) error {
	n, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	scope, err := s.db.BrokerScope(ctx, a.User.ID)
	if err != nil {
		return err
	}
	if !scope.Lead {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有科室负责人可以分派对接")
	}
	if _, err := s.db.BrokerScope(ctx, brokerID); err != nil {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{"broker": "请选择一位技术经纪人"}}
	}
	if !n.Stage.Open() {
		return duijie.Errorf(duijie.ECONFLICT, "已结束的对接无需分派")
	}
	return s.assign(ctx, a, n, brokerID)
}

func (s *Service) assign(ctx context.Context, a Actor, n *duijie.Introduction, brokerID string) error {
	readAt, now := n.Updated, s.now()
	b, err := s.db.User(ctx, brokerID)
	if err != nil {
		return err
	}
	n.BrokerID, n.Updated = brokerID, now
	events := []duijie.Event{{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventAssign, Note: "负责人：" + orName(*b)}}
	var msgs []duijie.Message
	if brokerID != a.User.ID {
		msgs = []duijie.Message{{UserID: brokerID, Kind: duijie.MsgIntroduction, Subject: "分派给您的对接：" + n.Title(),
			Link: introLink(n.ID), Created: now}}
	}
	if err := s.db.SaveIntroduction(ctx, n, readAt, events, msgs); err != nil {
		return err
	}
	s.audit(ctx, a, AuditIntroAssign, "introduction:"+n.ID, brokerID)
	return nil
}

// IsLead reports whether the caller is the bureau lead (who assigns).
func (s *Service) IsLead(ctx context.Context, a Actor) (bool, error) {
	if !a.User.Is(duijie.RoleBroker) {
		return false, nil
	}
	scope, err := s.db.BrokerScope(ctx, a.User.ID)
	return scope.Lead, err
}

// Brokers lists the brokers, for assignment.
func (s *Service) Brokers(ctx context.Context, a Actor) ([]duijie.User, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	return s.db.Brokers(ctx)
}

// BrokerRow is a broker with the scope the system administrator set.
type BrokerRow struct {
	User     duijie.User
	Lead     bool
	Counties []string
}

// BrokerScopes lists every broker with its scope; system administrators
// only.
func (s *Service) BrokerScopes(ctx context.Context, a Actor) ([]BrokerRow, error) {
	if !a.User.Is(duijie.RoleSysAdmin) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有系统管理员可以设置经纪人的职责范围")
	}
	brokers, err := s.db.Brokers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]BrokerRow, 0, len(brokers))
	for _, b := range brokers {
		scope, err := s.db.BrokerScope(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, BrokerRow{User: b, Lead: scope.Lead, Counties: scope.Counties})
	}
	return out, nil
}

// SetScope makes a broker the bureau lead (who assigns) or not, and scopes
// the broker to counties of 六安 (none: the whole city); system
// administrators only, audited.
func (s *Service) SetScope(ctx context.Context, a Actor, brokerID string, lead bool, counties []string) error {
	if !a.User.Is(duijie.RoleSysAdmin) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有系统管理员可以设置经纪人的职责范围")
	}
	for _, c := range counties {
		if r := duijie.Region(c); !r.Valid() || r.Tier() != duijie.TierLocal {
			return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{"counties": "未知的县区：" + c}}
		}
	}
	if err := s.db.SetBrokerScope(ctx, brokerID, sqlite.BrokerScope{Lead: lead, Counties: counties}); err != nil {
		return err
	}
	s.audit(ctx, a, AuditBrokerScope, "user:"+brokerID, fmt.Sprintf("lead=%v counties=%s", lead, strings.Join(counties, ",")))
	return nil
}
