package duijie

import "time"

// Session is a signed-in browser. ID is the SHA-256 of the cookie value.
type Session struct {
	ID      string
	UserID  string
	CSRF    string // the token every state-changing form carries
	Created time.Time
	Seen    time.Time
}

// Session lifetimes: idle and absolute, shorter for administrators.
const (
	SessionIdle          = 30 * time.Minute
	SessionAbsolute      = 12 * time.Hour
	AdminSessionIdle     = 15 * time.Minute
	AdminSessionAbsolute = 8 * time.Hour
)

// Admin reports whether r is one of the three administrator roles.
func (r Role) Admin() bool { return r == RoleSysAdmin || r == RoleSecAdmin || r == RoleAuditor }

// Expired reports whether s, of a user with role r, has ended at now.
func (s *Session) Expired(r Role, now time.Time) bool {
	idle, abs := SessionIdle, SessionAbsolute
	if r.Admin() {
		idle, abs = AdminSessionIdle, AdminSessionAbsolute
	}
	return now.Sub(s.Seen) > idle || now.Sub(s.Created) > abs
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Seq   int64
	At    time.Time
	Actor string // user id, "" for anonymous
	// ActorName is the actor's username, filled in for display.
	ActorName string
	Action    string // e.g. signin.ok, signin.fail, org.approve
	Object    string // e.g. user:u-1, challenge:ch-a001
	Detail    string
	IP        string
	Hash      string
}

// Audit actions.
const (
	AuditSignIn        = "signin.ok"
	AuditSignInFail    = "signin.fail"
	AuditLockout       = "signin.lockout"
	AuditSignOut       = "signout"
	AuditRegister      = "org.register"
	AuditOrgReview     = "org.review"
	AuditUserCreate    = "user.create"
	AuditPassword      = "user.password"
	AuditPasswordFail  = "user.password_fail" // a wrong current password when changing it
	AuditUnlock        = "user.unlock"
	AuditTokenCreate   = "token.create"
	AuditPostingWrite  = "posting.write"
	AuditPostingStatus = "posting.status"
	AuditInterest      = "interest.create"
	AuditConfidential  = "posting.confidential_view"
	AuditImport        = "demo.import"
	AuditContactReveal = "contact.reveal"
)

// AuditRetention is how long every audit entry is kept at least: a purge
// removes nothing younger (the store's trigger refuses it as well).
const AuditRetention = 184 * 24 * time.Hour

// AuditPurge is the audit action of a purge of old entries.
const AuditPurge = "audit.purge"

// SessionTouch is how often a session's last activity is written.
const SessionTouch = time.Minute

// ChinaTime is the time zone dates and times are shown in (UTC+8; fixed,
// so that no zone database is needed).
var ChinaTime = time.FixedZone("CST", 8*3600)
