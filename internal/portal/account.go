package portal

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"duijie/internal/duijie"
)

// The account lifecycle: one-time passwords issued by a broker or the
// security administrator (see duijie.MayIssuePassword), and the system
// administrator disabling, re-enabling and moving staff accounts between
// roles. Every change is audited with who did what to whom; a password
// never reaches the log.

// BureauName is the bureau's name as stored (the demo ships 六安市科学技术局),
// for the page that tells a member who forgot the password whom to ask;
// "" when the store holds no bureau. It writes nothing.
func (s *Service) BureauName(ctx context.Context) (string, error) {
	orgs, err := s.db.Organizations(ctx, duijie.OrgApproved)
	if err != nil {
		return "", err
	}
	for _, o := range orgs {
		if o.Kind == duijie.OrgBureau {
			return o.Name, nil
		}
	}
	return "", nil
}

// Account is one row of the list of accounts a caller may issue a
// one-time password for.
type Account struct {
	duijie.User
	OrgName string
	Locked  bool
}

// MaxAccountQuery is the longest search of the account list, in characters.
const MaxAccountQuery = 40

// IssuableAccounts lists the accounts a may issue a one-time password for,
// filtered by q (part of the username, name or organisation), at most 200,
// by username. Brokers and the security administrator only.
func (s *Service) IssuableAccounts(ctx context.Context, a Actor, q string) ([]Account, error) {
	if !a.User.Is(duijie.RoleBroker, duijie.RoleSecAdmin) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有技术经纪人和安全管理员可以发放一次性密码")
	}
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > MaxAccountQuery || !utf8.ValidString(q) {
		return nil, duijie.Errorf(duijie.EINVALID, "搜索词不能超过 %d 个字", MaxAccountQuery)
	}
	users, err := s.db.Users(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := s.db.Organizations(ctx, "")
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	lq := strings.ToLower(q)
	var out []Account
	for _, u := range users {
		if !duijie.MayIssuePassword(a.User.Role, u.Role) {
			continue
		}
		row := Account{User: u, OrgName: names[u.OrgID], Locked: s.Locked(u)}
		if lq != "" && !strings.Contains(strings.ToLower(u.Username), lq) && !strings.Contains(u.DisplayName, q) && !strings.Contains(row.OrgName, q) {
			continue
		}
		out = append(out, row)
		if len(out) == 200 {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out, nil
}

// IssueOneTimePassword gives the account userID a new random password that
// must be changed at the next sign-in, clears its lockout and ends its
// sessions and API tokens; the password is returned once, for the issuer
// to pass on, and never stored or logged. verified is the issuer's
// statement of having confirmed the requester's identity (for example by
// calling back the phone number on record).
//
// A broker issues for members, the security administrator for members and
// brokers (duijie.MayIssuePassword). Accounts outside the caller's view
// (staff accounts for a broker) are ENOTFOUND; administrator accounts are
// EFORBIDDEN for the security administrator, who sees them; a disabled
// account is ECONFLICT.
func (s *Service) IssueOneTimePassword(ctx context.Context, a Actor, userID string, verified bool) (*duijie.User, string, error) {
	if !a.User.Is(duijie.RoleBroker, duijie.RoleSecAdmin) {
		return nil, "", duijie.Errorf(duijie.EFORBIDDEN, "只有技术经纪人和安全管理员可以发放一次性密码")
	}
	u, err := s.db.User(ctx, userID)
	if err != nil {
		return nil, "", err
	}
	if !duijie.MayIssuePassword(a.User.Role, u.Role) {
		if a.User.Is(duijie.RoleSecAdmin) {
			return nil, "", duijie.Errorf(duijie.EFORBIDDEN, "不能为管理员账号发放一次性密码：管理员忘记密码时，由系统管理员停用原账号并新建账号")
		}
		return nil, "", duijie.Errorf(duijie.ENOTFOUND, "用户 %s 不存在", userID)
	}
	if u.Disabled {
		return nil, "", duijie.Errorf(duijie.ECONFLICT, "账号 %s 已停用，不能发放密码；如需恢复请联系系统管理员", u.Username)
	}
	if !verified {
		return nil, "", &duijie.Error{Code: duijie.EINVALID, Message: "请先核实申请人身份（例如回拨账号登记的电话），再勾选确认",
			Fields: map[string]string{"verified": "请先核实申请人身份，再勾选确认"}}
	}
	password := IssuePassword()
	h, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, "", err
	}
	if err := s.db.IssuePassword(ctx, u.ID, h); err != nil {
		return nil, "", err
	}
	u.MustChange, u.LockedUntil = true, time.Time{}
	s.audit(ctx, a, duijie.AuditPasswordIssue, "user:"+u.ID,
		"one-time password for "+u.Username+" ("+string(u.Role)+"), identity verified by the issuer; lockout cleared, sessions and tokens ended")
	return u, password, nil
}

// staffTarget loads the account a system administrator acts on; the
// caller must be a system administrator and may not act on their own
// account (separation of the administrator roles: nobody raises, lowers
// or locks out themselves).
func (s *Service) staffTarget(ctx context.Context, a Actor, userID, self string) (*duijie.User, error) {
	if !a.User.Is(duijie.RoleSysAdmin) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有系统管理员可以管理账号")
	}
	u, err := s.db.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.ID == a.User.ID {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "%s", self)
	}
	return u, nil
}

// SetDisabled disables or re-enables an account; the system administrator
// only, never their own. Disabling ends every session and API token of the
// account; a disabled account cannot sign in and gets the one sign-in
// answer of an unknown user.
func (s *Service) SetDisabled(ctx context.Context, a Actor, userID string, disabled bool) error {
	u, err := s.staffTarget(ctx, a, userID, "不能停用或启用自己的账号")
	if err != nil {
		return err
	}
	if u.Disabled == disabled {
		if disabled {
			return duijie.Errorf(duijie.ECONFLICT, "账号 %s 已是停用状态", u.Username)
		}
		return duijie.Errorf(duijie.ECONFLICT, "账号 %s 未停用", u.Username)
	}
	if err := s.db.SetDisabled(ctx, u.ID, disabled); err != nil {
		return err
	}
	action, detail := duijie.AuditUserEnable, "enabled "+u.Username+" ("+string(u.Role)+")"
	if disabled {
		action, detail = duijie.AuditUserDisable, "disabled "+u.Username+" ("+string(u.Role)+"); sessions and tokens ended"
	}
	s.audit(ctx, a, action, "user:"+u.ID, detail)
	return nil
}

// ChangeRole moves a staff account to another staff role (broker or one of
// the three administrator roles); the system administrator only, never
// their own. Members' roles follow their organisation: ECONFLICT. The
// account's sessions and tokens end, so its next sign-in gets a new
// session id with the new role.
func (s *Service) ChangeRole(ctx context.Context, a Actor, userID string, role duijie.Role) error {
	if !a.User.Is(duijie.RoleSysAdmin) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有系统管理员可以修改角色")
	}
	staff := false
	for _, r := range duijie.StaffRoles {
		staff = staff || r == role
	}
	if !staff {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请选择角色：技术经纪人、系统管理员、安全管理员或审计管理员",
			Fields: map[string]string{"role": "请选择角色"}}
	}
	u, err := s.staffTarget(ctx, a, userID, "不能修改自己的角色")
	if err != nil {
		return err
	}
	if !u.Role.Staff() {
		return duijie.Errorf(duijie.ECONFLICT, "企业和院所账号的角色由所属单位决定，不能修改")
	}
	if u.Role == role {
		return duijie.Errorf(duijie.ECONFLICT, "账号 %s 已是%s", u.Username, role.Label())
	}
	org := ""
	if role == duijie.RoleBroker {
		bureau, err := s.bureau(ctx)
		if err != nil {
			return err
		}
		org = bureau.ID
	}
	if err := s.db.SetRole(ctx, u.ID, role, org); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditUserRole, "user:"+u.ID,
		"role of "+u.Username+": "+string(u.Role)+" -> "+string(role)+"; sessions and tokens ended")
	return nil
}
