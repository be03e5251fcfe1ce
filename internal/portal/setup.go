package portal

import (
	"context"
	"fmt"
	"time"

	"duijie/internal/demo"
	"duijie/internal/duijie"
	"duijie/internal/sqlite"
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
// random password for every demo user, and indexes it. keep is given the
// sign-ins before the store commits: a crash at any point leaves either
// no demo (the next start loads it again) or the demo with its sign-ins
// kept.
func (s *Service) LoadDemo(ctx context.Context, keep func([]Login) error) ([]Login, error) {
	return s.LoadDemoOn(ctx, time.Time{}, keep)
}

// LoadDemoOn is LoadDemo for a portal started on the day today: the set's
// dates move by the days since demo.AsOf, so that it looks on today as it
// was written to look (its open challenges still open). A zero today
// loads the dates as written (tests).
func (s *Service) LoadDemoOn(ctx context.Context, today time.Time, keep func([]Login) error) ([]Login, error) {
	set, err := demo.Load()
	if err != nil {
		return nil, err
	}
	if !today.IsZero() {
		set.Shift(demo.Since(today))
	}
	names := map[string]string{}
	for _, o := range set.Orgs {
		names[o.ID] = o.Name
	}
	seed := &sqlite.Seed{Orgs: set.Orgs, Challenges: set.Challenges, Capabilities: set.Capabilities}
	var logins []Login
	for _, u := range set.Users {
		password := IssuePassword()
		h, err := s.hasher.Hash(ctx, password)
		if err != nil {
			return nil, err
		}
		seed.Users = append(seed.Users, sqlite.SeedUser{User: u, Hash: h})
		logins = append(logins, Login{Username: u.Username, Role: u.Role, Org: names[u.OrgID], Password: password})
	}
	err = s.db.Seed(ctx, seed, func() error {
		if keep == nil {
			return nil
		}
		return keep(logins)
	})
	if err != nil {
		return nil, err
	}
	if err := s.evs.LoadDemo(ctx, "u-demo-jingjiren"); err != nil { // events: the demo 对接会
		return nil, err
	}
	s.audit(ctx, Actor{IP: "local"}, duijie.AuditImport, "demo",
		fmt.Sprintf("%d organisations, %d challenges, %d capabilities, %d users",
			len(set.Orgs), len(set.Challenges), len(set.Capabilities), len(set.Users)))
	s.Sync(ctx)
	return logins, nil
}

// FirstAdmin creates the system administrator of an empty store with a
// one-time password, to be changed at first sign-in. show is given the
// sign-in before the store commits, so that no administrator exists whose
// password nobody saw.
func (s *Service) FirstAdmin(ctx context.Context, show func(Login) error) (Login, error) {
	u := duijie.User{ID: duijie.NewID("u-"), Username: "admin", DisplayName: "系统管理员", Role: duijie.RoleSysAdmin, MustChange: true}
	login := Login{Username: u.Username, Role: u.Role, Password: IssuePassword()}
	h, err := s.hasher.Hash(ctx, login.Password)
	if err != nil {
		return Login{}, err
	}
	err = s.db.Seed(ctx, &sqlite.Seed{Users: []sqlite.SeedUser{{User: u, Hash: h}}}, func() error {
		if show == nil {
			return nil
		}
		return show(login)
	})
	if err != nil {
		return Login{}, err
	}
	s.audit(ctx, Actor{IP: "local"}, duijie.AuditUserCreate, "user:"+u.ID, "first administrator")
	return login, nil
}

// Users lists every account; system and security administrators only.
func (s *Service) Users(ctx context.Context, a Actor) ([]duijie.User, error) {
	if !a.User.Is(duijie.RoleSysAdmin, duijie.RoleSecAdmin) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有系统管理员和安全管理员可以查看账号")
	}
	return s.db.Users(ctx)
}

// Unlock lifts a user's sign-in lockout; the security administrator only.
func (s *Service) Unlock(ctx context.Context, a Actor, userID string) error {
	if !a.User.Is(duijie.RoleSecAdmin) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有安全管理员可以解锁账号")
	}
	if err := s.db.Unlock(ctx, userID); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditUnlock, "user:"+userID, "")
	return nil
}

// Locked reports whether u is locked out now.
func (s *Service) Locked(u duijie.User) bool { return s.now().Before(u.LockedUntil) }
