package portal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"duijie/internal/auth"
	"duijie/internal/duijie"
)

// Registration is what an organisation's first user fills in.
type Registration struct {
	OrgName     string
	OrgKind     duijie.OrgKind
	Region      string
	CreditCode  string
	Username    string
	DisplayName string
	Password    string
	Confirm     string // the password typed again
	Phone       string // required: the bureau calls back
	Email       string
}

// Register stores a new organisation, pending the bureau's review, with
// its first user. Every field error comes back at once.
func (s *Service) Register(ctx context.Context, a Actor, r Registration) (*duijie.User, error) {
	o := &duijie.Organization{ID: duijie.NewID("org-"), Name: strings.TrimSpace(r.OrgName), Kind: r.OrgKind,
		Region: duijie.Region(strings.TrimSpace(r.Region)), CreditCode: strings.ToUpper(strings.TrimSpace(r.CreditCode))}
	fields := map[string]string{}
	if err := o.Validate(); err != nil {
		// The form names the organisation's fields org_name and org_kind.
		rename := map[string]string{"name": "org_name", "kind": "org_kind"}
		for k, v := range err.(*duijie.Error).Fields {
			if r, ok := rename[k]; ok {
				k = r
			}
			fields[k] = v
		}
	}
	if _, bad := fields["credit_code"]; !bad {
		// One organisation per credit code (the store's unique index
		// refuses a race between two registrations).
		taken, err := s.db.CreditCodeTaken(ctx, o.CreditCode)
		if err != nil {
			return nil, err
		}
		if taken {
			fields["credit_code"] = duijie.CreditCodeTaken().Fields["credit_code"]
		}
	}
	if o.Kind == duijie.OrgBureau {
		fields["org_kind"] = "科技局账号由系统管理员创建"
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(r.DisplayName)); n > 40 || !utf8.ValidString(r.DisplayName) {
		fields["display_name"] = "联系人姓名不能超过 40 个字"
	}
	r.Phone, r.Email = duijie.NormalizePhone(r.Phone), strings.TrimSpace(r.Email)
	if !duijie.ValidPhone(r.Phone) {
		fields["phone"] = "请填写手机号或带区号的固定电话，如 13812345678、0564-3312345"
	}
	if r.Email != "" && !duijie.ValidEmail(r.Email) {
		fields["email"] = "邮箱格式不正确"
	}
	if !duijie.ValidUsername(r.Username) {
		fields["username"] = "用户名应为 3–32 位字母、数字或 . _ -，以字母开头"
	}
	if err := auth.CheckPassword(r.Password, false); err != nil {
		var de *duijie.Error
		if errors.As(err, &de) {
			fields["password"] = de.Fields["password"]
		}
	}
	if r.Password != r.Confirm {
		fields["password2"] = "两次输入的密码不一致"
	}
	if len(fields) > 0 {
		return nil, &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: fields}
	}
	role := duijie.RoleEnterprise
	if o.Kind == duijie.OrgInstitute {
		role = duijie.RoleInstitute
	}
	u := &duijie.User{ID: duijie.NewID("u-"), OrgID: o.ID, Username: r.Username, DisplayName: strings.TrimSpace(r.DisplayName), Role: role,
		Phone: r.Phone, Email: r.Email}
	h, err := s.hasher.Hash(ctx, r.Password)
	if err != nil {
		return nil, err
	}
	// A name that is taken or reserved gets one answer that confirms
	// neither, only once everything else is valid, after the hash (as long
	// as a registration that succeeds) and within the server's limit of
	// registrations per address: no cheap list of who has an account.
	if reservedUsername(r.Username) {
		return nil, errUsernameUnavailable()
	}
	if err := s.db.Register(ctx, o, u, h); err != nil {
		if de, ok := err.(*duijie.Error); ok && de.Fields["username"] != "" {
			return nil, errUsernameUnavailable()
		}
		return nil, err
	}
	s.audit(ctx, Actor{User: u, IP: a.IP}, duijie.AuditRegister, "org:"+o.ID, o.Name)
	return u, nil
}

// Org returns an organisation; members, brokers and administrators only.
func (s *Service) Org(ctx context.Context, a Actor, id string) (*duijie.Organization, error) {
	if !a.User.Member(id) && !a.User.Is(duijie.RoleBroker, duijie.RoleSysAdmin) {
		return nil, duijie.Errorf(duijie.ENOTFOUND, "单位不存在")
	}
	return s.db.Organization(ctx, id)
}

// PendingOrgs lists registrations waiting for review; brokers only.
func (s *Service) PendingOrgs(ctx context.Context, a Actor) ([]duijie.Organization, error) {
	if !a.User.Is(duijie.RoleBroker) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以审核注册")
	}
	return s.db.Organizations(ctx, duijie.OrgPending)
}

// ReviewOrg approves or rejects a registration; brokers only.
func (s *Service) ReviewOrg(ctx context.Context, a Actor, id string, approve bool) error {
	if !a.User.Is(duijie.RoleBroker) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以审核注册")
	}
	o, err := s.db.Organization(ctx, id)
	if err != nil {
		return err
	}
	if o.Status != duijie.OrgPending {
		return duijie.Errorf(duijie.ECONFLICT, "%s 已审核（%s）", o.Name, o.Status.Label())
	}
	status := duijie.OrgRejected
	if approve {
		status = duijie.OrgApproved
	}
	if err := s.db.SetOrgStatus(ctx, id, status); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditOrgReview, "org:"+id, string(status))
	if approve {
		// Postings imported with the organisation waited for this review.
		if n, err := s.db.PublishPending(ctx, id, today(s.now()).Format(duijie.DateLayout)); err != nil {
			s.log.ErrorContext(ctx, "publishing imported postings failed", "org", id, "err", err) // the review itself stands
		} else if n > 0 {
			s.audit(ctx, a, duijie.AuditPostingStatus, "org:"+id, fmt.Sprintf("pending → published：%d 条导入的发布随单位审核通过而发布", n))
			s.Sync(ctx)
		}
	}
	m := duijie.Message{Kind: duijie.MsgReview, Subject: "贵单位的注册已通过科技局审核", Body: "现在可以发布需求或成果、提交对接意向。", Link: "/my"}
	if !approve {
		m.Subject, m.Body = "贵单位的注册未通过科技局审核", "如有疑问请联系六安市科技局。"
	}
	if err := s.wf.Notify(ctx, id, m); err != nil {
		s.log.ErrorContext(ctx, "review message failed", "org", id, "err", err) // the review itself stands
	}
	return nil
}

// approvedMember returns the caller's organisation when it is approved
// and of kind; the error says what is missing.
func (s *Service) approvedMember(ctx context.Context, a Actor, kind duijie.OrgKind) (*duijie.Organization, error) {
	if a.User == nil || a.User.OrgID == "" {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "请使用%s账号登录", map[duijie.OrgKind]string{duijie.OrgEnterprise: "企业", duijie.OrgInstitute: "院所"}[kind])
	}
	o, err := s.db.Organization(ctx, a.User.OrgID)
	if err != nil {
		return nil, err
	}
	if o.Kind != kind {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "请使用%s账号登录", map[duijie.OrgKind]string{duijie.OrgEnterprise: "企业", duijie.OrgInstitute: "院所"}[kind])
	}
	if o.Status != duijie.OrgApproved {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "贵单位的注册%s，通过科技局审核后即可发布", o.Status.Label())
	}
	return o, nil
}

// MayPost reports whether the caller belongs to an approved enterprise or
// institute, and so may post and express interest.
func (s *Service) MayPost(ctx context.Context, a Actor) bool {
	switch {
	case a.User.Is(duijie.RoleEnterprise):
		_, err := s.approvedMember(ctx, a, duijie.OrgEnterprise)
		return err == nil
	case a.User.Is(duijie.RoleInstitute):
		_, err := s.approvedMember(ctx, a, duijie.OrgInstitute)
		return err == nil
	}
	return false
}

// errUsernameUnavailable is the one answer for a username that is taken
// or reserved: it names neither the name nor the reason.
func errUsernameUnavailable() error {
	return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容",
		Fields: map[string]string{"username": "此用户名无法注册，请换一个（如加上单位简称或数字）"}}
}

// reservedUsername reports names nobody registers: they read like the
// bureau's or the system's own accounts.
func reservedUsername(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, r := range []string{"admin", "administrator", "root", "system", "sysadmin", "secadmin", "auditor",
		"security", "xitong", "anquan", "shenji", "guanliyuan", "kejiju", "bureau", "duijie", "support"} {
		if n == r {
			return true
		}
	}
	return false
}
