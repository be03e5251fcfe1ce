package duijie

import "time"

// InterestKind tells which side asked.
type InterestKind string

// Interest kinds.
const (
	// InterestProposal: an institute answers a challenge (揭榜/意向) with a
	// short structured proposal.
	InterestProposal InterestKind = "proposal"
	// InterestIntro: an enterprise asks the bureau for an introduction to a
	// capability (申请对接).
	InterestIntro InterestKind = "intro"
)

// Label is the Chinese name of the kind.
func (k InterestKind) Label() string {
	return map[InterestKind]string{InterestProposal: "揭榜意向", InterestIntro: "对接申请"}[k]
}

// InterestStatus is where an interest stands in the brokers' queue.
type InterestStatus string

// Interest statuses. The brokers' workflow (推荐 → 双方确认 → 洽谈 → 签约)
// starts from StatusQueued.
const (
	InterestQueued    InterestStatus = "queued"    // 待处理
	InterestWithdrawn InterestStatus = "withdrawn" // 已撤回
)

// Label is the Chinese name of the status.
func (s InterestStatus) Label() string {
	return map[InterestStatus]string{InterestQueued: "待科技局处理", InterestWithdrawn: "已撤回"}[s]
}

// Interest is an institute's proposal for a challenge or an enterprise's
// request for an introduction to a capability; both land in the brokers'
// queue.
type Interest struct {
	ID           string
	Kind         InterestKind
	ChallengeID  string // proposal
	CapabilityID string // intro
	TargetTitle  string // read only: the posting's title
	OrgID        string // the asking organisation
	OrgName      string
	UserID       string
	Approach     string // 技术路线 / what the enterprise needs
	Team         string
	Months       int // expected duration
	CostMin      int // 万元
	CostMax      int
	Message      string
	Status       InterestStatus
	Created      time.Time
}

// Limits of an interest, in characters.
const (
	MaxApproach = 1000
	MaxMonths   = 120
)

// Validate checks an interest before it is stored.
func (i *Interest) Validate() error {
	f := fieldErrors{}
	switch i.Kind {
	case InterestProposal:
		if i.ChallengeID == "" || i.CapabilityID != "" {
			f.add("challenge", "揭榜意向应指向一项技术需求")
		}
		f.text("approach", "技术路线", i.Approach, true, MaxApproach)
		f.text("team", "团队", i.Team, true, 200)
		if i.Months < 1 || i.Months > MaxMonths {
			f.add("months", "预计周期应为 1 到 %d 个月", MaxMonths)
		}
	case InterestIntro:
		if i.CapabilityID == "" || i.ChallengeID != "" {
			f.add("capability", "对接申请应指向一项科技成果")
		}
		f.text("approach", "对接需求", i.Approach, true, MaxApproach)
		f.text("team", "团队", i.Team, false, 200)
		if i.Months < 0 || i.Months > MaxMonths {
			f.add("months", "预计周期应为 0 到 %d 个月", MaxMonths)
		}
	default:
		f.add("kind", "未知的意向类型")
	}
	if i.CostMin < 0 || i.CostMax < 0 || i.CostMax > MaxBudget || i.CostMin > MaxBudget {
		f.add("cost", "费用应为 0 到 %d 万元", MaxBudget)
	} else if i.CostMax > 0 && i.CostMin > i.CostMax {
		f.add("cost", "费用下限不能高于上限")
	}
	f.text("message", "补充说明", i.Message, false, MaxApproach)
	if i.Status != "" && i.Status.Label() == "" {
		f.add("status", "未知的状态")
	}
	if i.OrgID == "" || i.UserID == "" {
		f.add("org", "请先登录所属单位的账号")
	}
	return f.err()
}
