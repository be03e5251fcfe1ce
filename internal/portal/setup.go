package portal

import (
	"context"

	"duijie/internal/demo"
	"duijie/internal/duijie"
)

// Login is a username and the password issued for it.
type Login struct {
	Username string
	Role     duijie.Role
	Org      string
	Password string
}

// Empty reports whether the store holds no user yet.
func (s *Service) Empty(ctx context.Context) (bool, error) {
	users, err := s.db.Users(ctx)
	return len(users) == 0, err
}

// LoadDemo loads the shipped demo set into an empty store, with a fresh
// random password for every demo user, and indexes it.
func (s *Service) LoadDemo(ctx context.Context) ([]Login, error) {
	set, err := demo.Load()
	if err != nil {
		return nil, err
	}
	for i := range set.Orgs {
		if err := s.db.PutOrganization(ctx, &set.Orgs[i]); err != nil {
			return nil, err
		}
	}
	for i := range set.Challenges {
		if err := s.db.PutChallenge(ctx, &set.Challenges[i]); err != nil {
			return nil, err
		}
	}
	for i := range set.Capabilities {
		if err := s.db.PutCapability(ctx, &set.Capabilities[i]); err != nil {
			return nil, err
		}
	}
	names := map[string]string{}
	for _, o := range set.Orgs {
		names[o.ID] = o.Name
	}
	var logins []Login
	for i := range set.Users {
		u := &set.Users[i]
		password := IssuePassword()
		if err := s.createUser(ctx, u, password, false); err != nil {
			return nil, err
		}
		logins = append(logins, Login{Username: u.Username, Role: u.Role, Org: names[u.OrgID], Password: password})
	}
	s.audit(ctx, Actor{IP: "local"}, duijie.AuditImport, "demo",
		"organizations, postings and demo users")
	s.Sync(ctx)
	return logins, nil
}

// FirstAdmin creates the system administrator of an empty store with a
// one-time password, to be changed at first sign-in.
func (s *Service) FirstAdmin(ctx context.Context) (Login, error) {
	u := &duijie.User{Username: "admin", DisplayName: "系统管理员", Role: duijie.RoleSysAdmin}
	password := IssuePassword()
	if err := s.createUser(ctx, u, password, true); err != nil {
		return Login{}, err
	}
	s.audit(ctx, Actor{IP: "local"}, duijie.AuditUserCreate, "user:"+u.ID, "first administrator")
	return Login{Username: u.Username, Role: u.Role, Password: password}, nil
}

// Users lists every account; system and security administrators only.
func (s *Service) Users(ctx context.Context, a Actor) ([]duijie.User, error) {
	if !a.User.Is(duijie.RoleSysAdmin, duijie.RoleSecAdmin) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有系统管理员和安全管理员可以查看账号")
	}
	return s.db.Users(ctx)
}

// AuditLog returns the newest audit entries and whether the chain is
// intact; the audit administrator only.
func (s *Service) AuditLog(ctx context.Context, a Actor, limit int) ([]duijie.AuditEntry, int64, error) {
	if !a.User.Is(duijie.RoleAuditor) {
		return nil, 0, duijie.Errorf(duijie.EFORBIDDEN, "只有审计管理员可以查看审计日志")
	}
	broken, err := s.db.VerifyAudit(ctx)
	if err != nil {
		return nil, 0, err
	}
	entries, err := s.db.AuditLog(ctx, "", limit)
	return entries, broken, err
}
