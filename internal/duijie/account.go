package duijie

// Account lifecycle: who may issue a one-time password to whom, and which
// roles the system administrator may give.

// Audit actions of the account lifecycle. Details name roles and states,
// never a password.
const (
	AuditPasswordIssue = "user.password_issue"
	AuditUserDisable   = "user.disable"
	AuditUserEnable    = "user.enable"
	AuditUserRole      = "user.role"
)

// StaffRoles are the roles of bureau staff accounts, the ones the system
// administrator creates and moves between. Members' roles follow their
// organisation's kind and never change. 科技特派员 (envoys) belong to no
// organisation: the system administrator creates their accounts too.
var StaffRoles = []Role{RoleBroker, RoleSysAdmin, RoleSecAdmin, RoleAuditor, RoleEnvoy}

// OrgMember reports whether r is the role of an enterprise's or an
// institute's member.
func (r Role) OrgMember() bool { return r == RoleEnterprise || r == RoleInstitute }

// MayIssuePassword reports whether a user with role issuer may issue a
// one-time password for an account with role target:
//
//   - a broker, for enterprise and institute members and the pool's
//     评审专家 (whom brokers take in);
//   - the security administrator, for members, brokers, 科技特派员 and
//     评审专家;
//   - nobody, for the three administrator roles: a forgotten administrator
//     password is not reset by anyone (that would let one administrator
//     take over another's account); the system administrator disables the
//     account and creates a new one.
func MayIssuePassword(issuer, target Role) bool {
	switch issuer {
	case RoleBroker:
		return target.OrgMember() || target == RoleExpert
	case RoleSecAdmin:
		return target.OrgMember() || target == RoleBroker || target == RoleEnvoy || target == RoleExpert
	}
	return false
}

// CreditCodeTaken is the answer to a second registration of a 统一社会信用代码:
// one organisation per code. It does not name the organisation that holds
// the code.
func CreditCodeTaken() *Error {
	return &Error{Code: ECONFLICT, Message: "该统一社会信用代码已注册",
		Fields: map[string]string{"credit_code": "该统一社会信用代码已注册，一个单位只能注册一次。如需本单位的账号，请联系本单位已注册的同事或科技局"}}
}
