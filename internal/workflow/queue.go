package workflow

import (
	"context"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Views of the brokers' queue.
const (
	ViewMine       = "mine"       // assigned to the caller
	ViewUnassigned = "unassigned" // open, nobody in charge
	ViewOverdue    = "overdue"    // open and late
	ViewOpen       = "open"       // every open one
	ViewClosed     = "closed"     // signed, registered or ended
)

// QueueViews lists the views in tab order with their Chinese names.
var QueueViews = []struct{ Key, Label string }{
	{ViewMine, "我的"}, {ViewUnassigned, "未分派"}, {ViewOverdue, "逾期"}, {ViewOpen, "全部进行中"}, {ViewClosed, "已结束"},
}

// Queue lists a view of the brokers' queue. A broker scoped to counties
// sees the shared views (unassigned, overdue, open, closed) of those
// counties' enterprises; "mine" is whatever the broker is in charge of.
func (s *Service) Queue(ctx context.Context, a Actor, view string, offset, limit int) ([]duijie.Introduction, int, error) {
	if err := brokerOnly(a); err != nil {
		return nil, 0, err
	}
	scope, err := s.db.BrokerScope(ctx, a.User.ID)
	if err != nil {
		return nil, 0, err
	}
	f := sqlite.IntroFilter{Offset: max(offset, 0), Limit: limit, Counties: scope.Counties}
	switch view {
	case ViewMine, "":
		f.BrokerID, f.Open, f.Counties = a.User.ID, true, nil
	case ViewUnassigned:
		f.Unassigned, f.Open = true, true
	case ViewOverdue:
		f.OverdueAt = s.now()
	case ViewOpen:
		f.Open = true
	case ViewClosed:
		f.Stages = []duijie.Stage{duijie.StageSigned, duijie.StageRegistered, duijie.StageEnded}
	default:
		return nil, 0, duijie.Errorf(duijie.EINVALID, "未知的视图：%s", view)
	}
	return s.db.Introductions(ctx, f)
}

// Mine lists the introductions of the caller's organisation, either side.
func (s *Service) Mine(ctx context.Context, a Actor, offset, limit int) ([]duijie.Introduction, int, error) {
	if a.User == nil || a.User.OrgID == "" || !a.User.Is(duijie.RoleEnterprise, duijie.RoleInstitute) {
		return nil, 0, nil
	}
	ns, total, err := s.db.Introductions(ctx, sqlite.IntroFilter{OrgID: a.User.OrgID, Offset: offset, Limit: limit})
	if err != nil {
		return nil, 0, err
	}
	for i := range ns {
		s.redactFor(ctx, a, &ns[i])
	}
	return ns, total, nil
}

// screening reports whether side is the side that did not ask for a
// proposal or request still waiting for the bureau.
func screening(n *duijie.Introduction, side duijie.Side) bool {
	return n.Stage == duijie.StageQueued && side != n.Asker()
}

// redactFor hides from a side what it may not see yet: who asked, while
// the bureau screens; the enterprise of a non-public challenge from the
// institute side until both accepted.
func (s *Service) redactFor(ctx context.Context, a Actor, n *duijie.Introduction) {
	side := n.SideOf(a.User.OrgID)
	if screening(n, side) {
		if side == duijie.SideEnterprise {
			n.InstOrgName = ""
		} else {
			n.EntOrgName, n.EntRegion = "", ""
		}
		return
	}
	if side != duijie.SideInstitute || n.Stage.Contacted() || n.ChallengeID == "" {
		return
	}
	c, err := s.db.Challenge(ctx, n.ChallengeID)
	if err != nil || c.Visibility != duijie.VisibilityPublic {
		n.EntOrgName, n.EntRegion = "", ""
	}
}

// Workload counts open and overdue introductions per broker.
func (s *Service) Workload(ctx context.Context, a Actor) ([]Workload, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	return s.db.Workloads(ctx, s.now())
}
