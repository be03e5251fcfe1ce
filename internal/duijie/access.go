package duijie

// Access is how much of a posting a user may read.
type Access int

// Access levels.
const (
	AccessNone    Access = iota // the posting does not exist for the user (404)
	AccessSummary               // title, industry, field, modes, budget, deadline; not the body nor the enterprise
	AccessFull
)

// Actor is who calls a service: a user (nil when anonymous) and the
// address the request came from, for the audit log. Every service takes
// the same one.
type Actor struct {
	User *User
	IP   string
}

// Entry is an audit entry of an action a took.
func (a Actor) Entry(action, object, detail string) AuditEntry {
	return AuditEntry{Actor: a.User.IDOrEmpty(), Action: action, Object: object, Detail: detail, IP: a.IP}
}

// Member reports whether u belongs to the organisation orgID.
func (u *User) Member(orgID string) bool {
	return u != nil && u.OrgID != "" && u.OrgID == orgID
}

// Is reports whether u is signed in with one of roles.
func (u *User) Is(roles ...Role) bool {
	if u == nil {
		return false
	}
	for _, r := range roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

// ChallengeAccess decides what u (nil: anonymous) may read of c, from the
// stored posting: owners and brokers read everything; others read published
// postings only, in full when public, as a summary when the enterprise asked
// for 摘要公开 (unless the bureau invited u's organisation), never when it is
// for the bureau only.
func ChallengeAccess(u *User, c *Challenge, invited bool) Access {
	if u.Member(c.OrgID) || u.Is(RoleBroker) {
		return AccessFull
	}
	if c.Status != StatusPublished {
		return AccessNone
	}
	switch c.Visibility {
	case VisibilityPublic:
		return AccessFull
	case VisibilitySummary:
		if invited && u.Is(RoleInstitute) {
			return AccessFull
		}
		return AccessSummary
	}
	return AccessNone
}

// CapabilityAccess decides what u may read of c: capabilities are public
// once published; drafts and closed ones only for their owners and brokers.
func CapabilityAccess(u *User, c *Capability) Access {
	if u.Member(c.OrgID) || u.Is(RoleBroker) || c.Status == StatusPublished {
		return AccessFull
	}
	return AccessNone
}

// Redact blanks what a summary reader may not see of c.
func (c *Challenge) Redact() {
	c.OrgID, c.OrgName, c.Region = "", "", ""
	c.Problem, c.Targets, c.Tried, c.Constraints = "", "", "", ""
	c.Closure = Closure{}
}

// Audience is a group of readers who may all read the same postings in the
// same way. Everything that shapes what a reader sees of search and matches
// (term statistics, scores, totals, facet counts, order) is computed over
// the postings as the reader's audience reads them, and nothing else: a
// hidden posting cannot move what an outsider sees, whatever new signal
// is added, because it is not there to count.
type Audience int

// Audiences.
const (
	// AudienceBureau is the brokers: every posting, in full.
	AudienceBureau Audience = iota
	// AudiencePublic is everyone else, signed in or not: published
	// postings as an outsider reads them. Owners and invited institutes
	// read more of some postings, but their statistics are the public ones.
	AudiencePublic
)

// Audiences lists every audience.
var Audiences = []Audience{AudienceBureau, AudiencePublic}

// String names an audience (folder names, logs).
func (a Audience) String() string {
	if a == AudienceBureau {
		return "bureau"
	}
	return "public"
}

// AudienceOf is the audience of u (nil: anonymous).
func AudienceOf(u *User) Audience {
	if u.Is(RoleBroker) {
		return AudienceBureau
	}
	return AudiencePublic
}

// ForAudience returns c as aud reads it: nil when aud may not read it at
// all, a redacted copy for a summary, c itself when read in full. For the
// public audience it is what an anonymous reader may read.
func (c *Challenge) ForAudience(aud Audience) *Challenge {
	if aud == AudienceBureau {
		return c
	}
	switch ChallengeAccess(nil, c, false) {
	case AccessFull:
		return c
	case AccessSummary:
		r := *c
		r.Redact()
		return &r
	}
	return nil
}

// ForAudience returns c as aud reads it: nil when aud may not read it.
func (c *Capability) ForAudience(aud Audience) *Capability {
	if aud == AudienceBureau || CapabilityAccess(nil, c) == AccessFull {
		return c
	}
	return nil
}
