package duijie

import (
	"strings"
	"time"
	"unicode/utf8"
)

// The expert pool (评审专家库): people who apply, are taken in (入库) or
// sent back (退回) by a broker, and may later be removed (淘汰) with a
// reason. Only experts 在库 are drawn onto panels.

// ExpertStatus is where an expert stands in the pool.
type ExpertStatus string

// Expert statuses.
const (
	ExpertApplied  ExpertStatus = "applied"  // 待审核
	ExpertActive   ExpertStatus = "active"   // 在库
	ExpertReturned ExpertStatus = "returned" // 已退回
	ExpertRemoved  ExpertStatus = "removed"  // 已淘汰
)

// ExpertStatuses in display order.
var ExpertStatuses = []ExpertStatus{ExpertApplied, ExpertActive, ExpertReturned, ExpertRemoved}

// Label is the Chinese name of a status.
func (s ExpertStatus) Label() string {
	return map[ExpertStatus]string{ExpertApplied: "待审核", ExpertActive: "在库", ExpertReturned: "已退回", ExpertRemoved: "已淘汰"}[s]
}

// Audit actions of calls and the expert pool.
const (
	AuditCallCreate     = "call.create"
	AuditCallDeadline   = "call.deadline"
	AuditCallWithdraw   = "call.withdraw"
	AuditCallAward      = "call.award"
	AuditProposalSubmit = "call.proposal"
	AuditAttachmentAdd  = "call.attachment_add"
	AuditAttachmentDel  = "call.attachment_delete"
	AuditAttachmentGet  = "call.attachment_download"
	AuditPanelDraw      = "call.panel_draw"
	AuditPanelReplay    = "call.panel_replay"
	AuditPanelRecuse    = "call.panel_recuse"
	AuditCallResults    = "call.results_export"
	AuditReview         = "call.review"
	AuditExpertApply    = "expert.apply"
	AuditExpertAdmit    = "expert.admit"
	AuditExpertReturn   = "expert.return"
	AuditExpertRemove   = "expert.remove"
	AuditExpertContact  = "expert.contact"
)

// Expert is a member of (or an applicant to) the expert pool.
type Expert struct {
	ID       string
	UserID   string // the account, made at 入库
	Username string // asked for on application
	Name     string
	Industry Industry // field, for the draw
	Field    string   // speciality in words
	Title    string   // 职称
	OrgID    string   // the organisation, when it is registered here
	OrgName  string
	Phone    string // personal data: masked on pages
	Email    string
	Status   ExpertStatus
	Reason   string // of the last 退回 or 淘汰
	Created  time.Time
	Updated  time.Time
}

// ExpertEvent is one step of an expert's status history.
type ExpertEvent struct {
	ExpertID string
	At       time.Time
	ActorID  string
	Actor    string
	From, To ExpertStatus
	Note     string
}

// Validate checks an application.
func (e *Expert) Validate() error {
	f := fieldErrors{}
	e.Name, e.Title, e.OrgName, e.Field = strings.TrimSpace(e.Name), strings.TrimSpace(e.Title), strings.TrimSpace(e.OrgName), strings.TrimSpace(e.Field)
	e.Phone, e.Email, e.Username = strings.TrimSpace(e.Phone), strings.TrimSpace(e.Email), strings.TrimSpace(e.Username)
	for _, x := range []struct{ field, label, s string }{{"name", "姓名", e.Name}, {"title", "职称", e.Title},
		{"org_name", "工作单位", e.OrgName}, {"field", "专业方向", e.Field}, {"email", "电子邮箱", e.Email}} {
		f.line(x.field, x.label, x.s)
		f.text(x.field, x.label, x.s, false, 1000)
	}
	if n := utf8.RuneCountInString(e.Name); n == 0 || n > 40 {
		f.add("name", "请填写姓名（不超过 40 个字）")
	}
	if !ValidUsername(e.Username) {
		f.add("username", "用户名应为 3–32 位字母、数字或 . _ -，以字母开头")
	}
	if !e.Industry.Valid() {
		f.add("industry", "请选择评审领域")
	}
	if utf8.RuneCountInString(e.Field) > 100 {
		f.add("field", "专业方向不能超过 100 个字")
	}
	if n := utf8.RuneCountInString(e.Title); n == 0 || n > 40 {
		f.add("title", "请填写职称（不超过 40 个字）")
	}
	if n := utf8.RuneCountInString(e.OrgName); n == 0 || n > 100 {
		f.add("org_name", "请填写工作单位（不超过 100 个字）")
	}
	if !validPhone(e.Phone) {
		f.add("phone", "请填写 11 位手机号码或带区号的固定电话")
	}
	if e.Email != "" && (!strings.Contains(e.Email, "@") || len(e.Email) > 100 || strings.ContainsAny(e.Email, " <>\"")) {
		f.add("email", "电子邮箱格式不正确")
	}
	return f.err()
}

func validPhone(p string) bool {
	digits := 0
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == ' ':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 13
}

// SameOrg reports whether two organisations are one: the same id when
// both are known, else the same name once spaces are dropped.
func SameOrg(idA, nameA, idB, nameB string) bool {
	if idA != "" && idB != "" {
		return idA == idB
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), "") }
	return norm(nameA) != "" && norm(nameA) == norm(nameB)
}
