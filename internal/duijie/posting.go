package duijie

import (
	"strings"
	"time"
)

// Visibility says who may read a challenge's details.
type Visibility string

// Visibilities.
const (
	VisibilityPublic  Visibility = "public"  // 公开
	VisibilitySummary Visibility = "summary" // 摘要公开、详情仅对科技局和获邀机构
	VisibilityBureau  Visibility = "bureau"  // 仅科技局可见
)

// Status is the life-cycle state of a posting.
type Status string

// Statuses.
const (
	StatusDraft     Status = "draft"
	StatusPending   Status = "pending" // waiting for bureau review
	StatusPublished Status = "published"
	StatusClosed    Status = "closed"
)

// Challenge is an enterprise's technical challenge (技术需求).
type Challenge struct {
	ID          string
	OrgID       string
	OrgName     string
	Title       string
	Problem     string
	Targets     string // measurable targets (指标)
	Tried       string // what was already tried
	Constraints string
	Industry    Industry
	Field       string // technical field in words
	Keywords    []string
	BudgetMin   int // 万元; 0 = 面议
	BudgetMax   int
	Deadline    time.Time
	Modes       []Mode
	Visibility  Visibility
	TRLExpect   int    // expected maturity of a solution, 0 = not stated
	Region      Region // the organisation's (read only)
	Status      Status
	Posted      time.Time
	// Closure says why the owner closed it (StatusClosed only).
	Closure Closure
}

// Capability is what an institute offers: an achievement, a research
// direction, an expert, or a platform or piece of equipment.
type Capability struct {
	ID          string
	OrgID       string
	OrgName     string
	Kind        Kind
	Title       string
	Description string
	TRL         int
	IP          []string // patents and other IP
	Fields      []string // application fields
	Industry    Industry
	Modes       []Mode
	Team        string
	Region      Region // where the work is done; the organisation's when not given
	Keywords    []string
	Status      Status
	Posted      time.Time
}

// OrgKind is the type of an organisation.
type OrgKind string

// Organisation kinds.
const (
	OrgEnterprise OrgKind = "enterprise"
	OrgInstitute  OrgKind = "institute" // research institute or university
	OrgBureau     OrgKind = "bureau"
)

// Organization is an enterprise, an institute or the bureau.
type Organization struct {
	ID         string
	Name       string
	Short      string
	Kind       OrgKind
	Region     Region
	CreditCode string // 统一社会信用代码, enterprises
	Status     OrgStatus
}

// OrgStatus is where a registration stands: a new organisation waits for
// the bureau's approval before its members may post.
type OrgStatus string

// Organisation statuses.
const (
	OrgPending  OrgStatus = "pending"  // 待审核
	OrgApproved OrgStatus = "approved" // 已通过
	OrgRejected OrgStatus = "rejected" // 未通过
)

// Label is the Chinese name of the status.
func (s OrgStatus) Label() string {
	return map[OrgStatus]string{OrgPending: "待审核", OrgApproved: "已通过", OrgRejected: "未通过"}[s]
}

// Missing lists, in Chinese, what a research team will miss in c before
// it can answer: the completeness meter shown to the author.
func (c *Challenge) Missing() []string {
	var out []string
	if strings.TrimSpace(c.Targets) == "" {
		out = append(out, "可量化的指标（如温差≤3℃、良率≥98%）")
	}
	if strings.TrimSpace(c.Tried) == "" {
		out = append(out, "已尝试过的方案及效果")
	}
	if c.BudgetMin == 0 && c.BudgetMax == 0 {
		out = append(out, "预算范围")
	}
	if c.Deadline.IsZero() {
		out = append(out, "期望完成时间")
	}
	if c.TRLExpect == 0 {
		out = append(out, "期望的技术成熟度（TRL）")
	}
	return out
}

// CompletenessItems is how many items Missing checks.
const CompletenessItems = 5

// Label is the Chinese name of the status.
func (s Status) Label() string {
	return map[Status]string{StatusDraft: "草稿", StatusPending: "待审核", StatusPublished: "已发布", StatusClosed: "已关闭"}[s]
}

// Label is the Chinese name of the visibility.
func (v Visibility) Label() string {
	return map[Visibility]string{VisibilityPublic: "公开", VisibilitySummary: "摘要公开，详情仅对科技局和获邀机构",
		VisibilityBureau: "仅科技局可见"}[v]
}
