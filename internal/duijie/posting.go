package duijie

import "time"

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
	TRLExpect   int // expected maturity of a solution, 0 = not stated
	Region      string
	Status      Status
	Posted      time.Time
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
	Region      string
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
	Region     string
	CreditCode string // 统一社会信用代码, enterprises
}
