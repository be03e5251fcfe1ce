package envoys

import (
	"context"
	"strings"

	"duijie/internal/duijie"
)

// Envoys lists the envoys, for brokers.
func (s *Service) Envoys(ctx context.Context, a Actor) ([]duijie.User, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	return s.db.Envoys(ctx)
}

// Assign sends an envoy to an enterprise or a village; brokers only,
// audited. The envoy must be a user of the envoy role, the enterprise an
// organisation of the enterprise kind; since defaults to today.
func (s *Service) Assign(ctx context.Context, a Actor, as *duijie.Assignment) error {
	if err := brokerOnly(a); err != nil {
		return err
	}
	if as.Since.IsZero() {
		as.Since = s.today()
	}
	if err := as.Validate(); err != nil {
		return err
	}
	u, err := s.db.User(ctx, as.EnvoyID)
	if err := internal(err); err != nil {
		return err
	}
	if err != nil || u.Role != duijie.RoleEnvoy || u.Disabled {
		return invalid("envoy", "请选择一位科技特派员")
	}
	if as.OrgID != "" {
		o, err := s.db.Organization(ctx, as.OrgID)
		if err := internal(err); err != nil {
			return err
		}
		if err != nil || o.Kind != duijie.OrgEnterprise {
			return invalid("place", "请选择一家已注册的企业")
		}
		as.OrgName, as.Region = o.Name, o.Region
	}
	as.ID, as.AssignedBy, as.Created = duijie.NewID("ea-"), a.User.ID, s.now()
	if err := s.db.CreateAssignment(ctx, as); err != nil {
		return err
	}
	s.audit(ctx, a, AuditAssign, "assignment:"+as.ID, as.EnvoyID+" → "+strings.TrimSpace(as.Place()))
	return nil
}

// EndAssignment ends an open assignment today; brokers only, audited. The
// visits logged under it stay.
func (s *Service) EndAssignment(ctx context.Context, a Actor, id string) error {
	if err := brokerOnly(a); err != nil {
		return err
	}
	if err := s.db.EndAssignment(ctx, id, s.today().Format(duijie.DateLayout), a.User.ID); err != nil {
		return err
	}
	s.audit(ctx, a, AuditUnassign, "assignment:"+id, "")
	return nil
}

// Assignments lists assignments: brokers any (filtered); an envoy only
// their own, whatever the filter asks.
func (s *Service) Assignments(ctx context.Context, a Actor, f AssignmentFilter) ([]duijie.Assignment, error) {
	switch {
	case a.User.Is(duijie.RoleBroker):
	case a.User.Is(duijie.RoleEnvoy):
		f.EnvoyID = a.User.ID
	default:
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有科技特派员和技术经纪人可以查看派驻")
	}
	return s.db.Assignments(ctx, f)
}

// Enterprises lists the enterprises a broker may assign envoys to.
func (s *Service) Enterprises(ctx context.Context, a Actor) ([]duijie.Organization, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	orgs, err := s.db.Organizations(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []duijie.Organization
	for _, o := range orgs {
		if o.Kind == duijie.OrgEnterprise {
			out = append(out, o)
		}
	}
	return out, nil
}
