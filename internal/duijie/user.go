package duijie

import "time"

// Role is what a user may do. The three administrator roles are separate
// (系统管理员, 安全管理员, 审计管理员), as 等保 2.0 asks.
type Role string

// Roles.
const (
	RoleEnterprise Role = "enterprise" // 企业用户
	RoleInstitute  Role = "institute"  // 院所用户
	RoleBroker     Role = "broker"     // 技术经纪人（科技局）
	RoleSysAdmin   Role = "sysadmin"   // 系统管理员: accounts, settings, backup
	RoleSecAdmin   Role = "secadmin"   // 安全管理员: roles, policies, unlocks
	RoleAuditor    Role = "auditor"    // 审计管理员: audit log only
	RoleExpert     Role = "expert"     // 评审专家: reviews the proposals of a 揭榜挂帅 call on its panel
	RoleEnvoy      Role = "envoy"      // 科技特派员: serves enterprises and villages, logs visits
)

// Roles lists every role, in the order pages show them.
var Roles = []Role{RoleEnterprise, RoleInstitute, RoleBroker, RoleSysAdmin, RoleSecAdmin, RoleAuditor, RoleExpert, RoleEnvoy}

// Label is the Chinese name of a role ("" when unknown).
func (r Role) Label() string {
	return map[Role]string{
		RoleEnterprise: "企业用户", RoleInstitute: "院所用户", RoleBroker: "技术经纪人",
		RoleSysAdmin: "系统管理员", RoleSecAdmin: "安全管理员", RoleAuditor: "审计管理员",
		RoleExpert: "评审专家", RoleEnvoy: "科技特派员",
	}[r]
}

// Staff reports whether r is bureau staff or an administrator (longer
// passwords, shorter sessions); 科技特派员 are the bureau's people in the
// field.
func (r Role) Staff() bool {
	switch r {
	case RoleBroker, RoleSysAdmin, RoleSecAdmin, RoleAuditor, RoleEnvoy:
		return true
	}
	return false
}

// User is a person who signs in.
type User struct {
	ID          string
	OrgID       string // "" for administrators
	Username    string
	DisplayName string
	Role        Role
	LockedUntil time.Time
	// MustChange: the password was issued by someone else and must be
	// changed before anything else.
	MustChange bool
	// Disabled: the system administrator disabled the account; it cannot
	// sign in and has no sessions or tokens.
	Disabled bool
	// Phone and Email are personal data: shown masked, revealed to brokers
	// only, every reveal audited.
	Phone string
	Email string
}

// Lockout policy: this many failed sign-ins within the window lock the
// account for the lock duration.
const (
	LockoutFailures = 5
	LockoutWindow   = 15 * time.Minute
	LockoutDuration = 30 * time.Minute
)

// ValidUsername reports whether name is 3–32 ASCII letters, digits, '.',
// '_' or '-', starting with a letter.
func ValidUsername(name string) bool {
	if len(name) < 3 || len(name) > 32 {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// IDOrEmpty is u's id, "" for an anonymous caller (nil).
func (u *User) IDOrEmpty() string {
	if u == nil {
		return ""
	}
	return u.ID
}
