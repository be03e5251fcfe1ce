package duijie

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A call (揭榜挂帅) puts a published challenge up with a reward, a deadline
// and published review criteria; institutes submit proposals, a panel drawn
// at random from the expert pool scores them, and the bureau records the
// award, which becomes an introduction at 双方确认.

// CallStatus is where a call stands.
type CallStatus string

// Call statuses.
const (
	CallOpen      CallStatus = "open"      // 征集中: proposals accepted until the deadline
	CallReviewing CallStatus = "reviewing" // 评审中: the panel is drawn and scores
	CallAwarded   CallStatus = "awarded"   // 已揭榜
	CallWithdrawn CallStatus = "withdrawn" // 已撤销
)

// Label is the Chinese name of a status.
func (s CallStatus) Label() string {
	return map[CallStatus]string{CallOpen: "征集中", CallReviewing: "评审中", CallAwarded: "已揭榜", CallWithdrawn: "已撤销"}[s]
}

// Criterion is one published review criterion; the weights of a call's
// criteria sum to 100.
type Criterion struct {
	Name        string `json:"name"`
	Weight      int    `json:"weight"`
	Description string `json:"description"`
}

// Limits of a call and its proposals.
const (
	MaxCriteria     = 10
	MaxReward       = 100_000 // 万元 (10 亿)
	MaxPanel        = 15
	MinPanel        = 3
	MaxProposalText = 5000
	MaxAttachments  = 5
	MaxAttachment   = 10 << 20 // bytes of one attachment
	MaxScore        = 100
	// ConflictYears is how far back a co-operation with the enterprise or
	// a bidder excludes an expert from a panel.
	ConflictYears = 3
)

// Call is a 揭榜挂帅 call.
type Call struct {
	ID             string
	ChallengeID    string
	ChallengeTitle string
	EntOrgID       string
	EntOrgName     string
	Industry       Industry
	Title          string
	Summary        string // what is asked, as published
	Reward         int    // whole 万元
	Deadline       time.Time
	Criteria       []Criterion
	Status         CallStatus
	BrokerID       string // who published it
	Reason         string // why it was withdrawn
	AwardProposal  string // the winning proposal (已揭榜)
	AwardIntro     string // the introduction the award became
	Created        time.Time
	Updated        time.Time
}

// Open reports whether proposals are accepted at today (the deadline is
// the last day, China time, as for challenges).
func (c *Call) Open(today time.Time) bool {
	return c.Status == CallOpen && !c.Deadline.Before(today)
}

// Validate checks a call as a broker fills it in.
func (c *Call) Validate(today time.Time) error {
	f := fieldErrors{}
	c.Title, c.Summary = strings.TrimSpace(c.Title), strings.TrimSpace(c.Summary)
	f.line("title", "榜单名称", c.Title)
	f.text("title", "榜单名称", c.Title, true, 100)
	f.text("summary", "榜单说明", c.Summary, false, MaxProposalText)
	if c.Reward <= 0 || c.Reward > MaxReward {
		f.add("reward", "揭榜奖励应为 1 到 %d 之间的整数（万元）", MaxReward)
	}
	switch {
	case c.Deadline.IsZero():
		f.add("deadline", "请填写征集截止日期")
	case c.Deadline.Before(today):
		f.add("deadline", "截止日期不能早于今天（%s）", today.Format(DateLayout))
	}
	if msg := CheckCriteria(c.Criteria); msg != "" {
		f.add("criteria", "%s", msg)
	}
	return f.err()
}

// CheckCriteria returns what is wrong with a list of criteria, "" if
// nothing: 1 to MaxCriteria named criteria, weights 1–100 summing to 100,
// names unique.
func CheckCriteria(cs []Criterion) string {
	if len(cs) == 0 {
		return "请至少填写一项评审标准"
	}
	if len(cs) > MaxCriteria {
		return fmt.Sprintf("评审标准最多 %d 项", MaxCriteria)
	}
	sum := 0
	seen := map[string]bool{}
	for _, c := range cs {
		name := strings.TrimSpace(c.Name)
		switch {
		case !utf8.ValidString(c.Name) || !utf8.ValidString(c.Description) || hasControl(c.Description) ||
			strings.ContainsFunc(c.Name, func(r rune) bool { return r < 0x20 }) || hasControl(c.Name):
			return "评审标准含有无法识别的字符"
		case hasFormatControl(c.Name) || hasFormatControl(c.Description):
			return "评审标准含有不可见的排版控制字符（如文字方向控制符），请删除后重试"
		case name == "":
			return "每项评审标准都要有名称"
		case utf8.RuneCountInString(name) > 40:
			return "评审标准名称不能超过 40 个字"
		case utf8.RuneCountInString(c.Description) > 500:
			return "评审标准说明不能超过 500 个字"
		case seen[name]:
			return "评审标准“" + name + "”重复"
		case c.Weight < 1 || c.Weight > 100:
			return "每项评审标准的权重应为 1 到 100 之间的整数"
		}
		seen[name] = true
		sum += c.Weight
	}
	if sum != 100 {
		return fmt.Sprintf("评审标准的权重合计应为 100（现为 %d）", sum)
	}
	return ""
}

// line refuses line breaks and tabs in a one-line field (a title, a
// name), which text lets through for multi-line ones.
func (f fieldErrors) line(field, label, s string) {
	if strings.ContainsAny(s, "\n\r\t") {
		f.add(field, "%s含有无法识别的字符", label)
	}
}

// Proposal is an institute's answer to a call.
type Proposal struct {
	ID          string
	CallID      string
	OrgID       string
	OrgName     string
	UserID      string
	Summary     string // 方案摘要
	Plan        string // 技术路线与进度
	Budget      int    // 万元
	Team        string
	Attachments []Attachment
	Created     time.Time
	Updated     time.Time
}

// Validate checks a proposal as an institute fills it in.
func (p *Proposal) Validate() error {
	f := fieldErrors{}
	p.Summary, p.Plan, p.Team = strings.TrimSpace(p.Summary), strings.TrimSpace(p.Plan), strings.TrimSpace(p.Team)
	f.text("summary", "方案摘要", p.Summary, false, 1000)
	f.text("plan", "技术路线", p.Plan, false, MaxProposalText)
	f.text("team", "团队介绍", p.Team, false, 1000)
	switch n := utf8.RuneCountInString(p.Summary); {
	case n < 10:
		f.add("summary", "请用至少 10 个字概述方案")
	case n > 1000:
		f.add("summary", "方案摘要不能超过 1000 个字")
	}
	if n := utf8.RuneCountInString(p.Plan); n == 0 {
		f.add("plan", "请填写技术路线与进度安排")
	} else if n > MaxProposalText {
		f.add("plan", "技术路线不能超过 %d 个字", MaxProposalText)
	}
	if p.Budget < 0 || p.Budget > MaxReward {
		f.add("budget", "经费预算应为 0 到 %d 之间的整数（万元）", MaxReward)
	}
	if n := utf8.RuneCountInString(p.Team); n == 0 {
		f.add("team", "请填写团队组成")
	} else if n > 1000 {
		f.add("team", "团队介绍不能超过 1000 个字")
	}
	return f.err()
}

// Attachment is a file of a proposal; its type is decided from its
// content (SniffAttachment), never from its name.
type Attachment struct {
	ID         string
	ProposalID string
	Name       string // as uploaded, cleaned
	Type       string // MIME type from the content
	Size       int64
	SHA256     string
	Created    time.Time
}

// Review is one panel expert's scores of one proposal.
type Review struct {
	CallID     string
	ProposalID string
	ExpertID   string
	ExpertName string
	Scores     []int // per criterion, in the call's order, 0–MaxScore
	Comment    string
	Updated    time.Time
}

// Weighted is the review's weighted score (0–100) under criteria, in
// hundredths (integer arithmetic: 8550 is 85.50).
func (r *Review) Weighted(cs []Criterion) int {
	total := 0
	for i, c := range cs {
		if i < len(r.Scores) {
			total += r.Scores[i] * c.Weight
		}
	}
	return total // sum(score*weight) with weights summing to 100 = hundredths
}

// Exclusion is an expert left out of a draw and why.
type Exclusion struct {
	ExpertID string `json:"expert"`
	Reason   string `json:"reason"`
}

// Panel is the review panel of a call: who was drawn, from which
// candidates, with which seed, and who was left out and why.
type Panel struct {
	CallID     string
	Seed       string      // 32 hex digits: the PCG's two 64-bit words
	Size       int         // how many were asked for
	Candidates []string    // expert ids eligible at the draw, sorted
	Excluded   []Exclusion // sorted by expert id
	Members    []string    // drawn, in draw order
	DrawnBy    string
	DrawnAt    time.Time
	Changes    []PanelChange // recusals after the draw, in order
}

// PanelChange is a recusal (回避): a member out, replaced by the next
// candidate in the seed's order.
type PanelChange struct {
	CallID      string
	ExpertID    string
	Replacement string
	Reason      string
	ActorID     string
	At          time.Time
}

// Effective is the panel as it sits: the drawn members with each recusal's
// replacement in the place of the member who stood down.
func (p *Panel) Effective() []string {
	out := append([]string(nil), p.Members...)
	for _, c := range p.Changes {
		for i, m := range out {
			if m == c.ExpertID {
				out[i] = c.Replacement
			}
		}
	}
	return out
}

// Next is the expert who replaces the next recusal: the candidate after
// the drawn ones and the replacements so far in the seed's order ("" when
// none is left).
func (p *Panel) Next() (string, error) {
	order, err := DrawPanel(p.Seed, p.Candidates, len(p.Candidates))
	if err != nil {
		return "", err
	}
	if k := p.Size + len(p.Changes); k < len(order) {
		return order[k], nil
	}
	return "", nil
}

// DrawPanel is the draw itself: candidates sorted by id, shuffled by a PCG
// seeded from seed, the first n taken. The same seed and candidates give
// the same panel, anywhere, which is what a 双随机 check replays.
func DrawPanel(seed string, candidates []string, n int) ([]string, error) {
	hi, lo, err := ParseSeed(seed)
	if err != nil {
		return nil, err
	}
	c := append([]string(nil), candidates...)
	slices.Sort(c)
	if n > len(c) {
		return nil, Errorf(ECONFLICT, "符合条件的专家只有 %d 位，不足 %d 位", len(c), n)
	}
	r := rand.New(rand.NewPCG(hi, lo))
	r.Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
	return c[:n], nil
}

// ParseSeed reads a seed of 32 hex digits.
func ParseSeed(seed string) (hi, lo uint64, err error) {
	if len(seed) != 32 {
		return 0, 0, Errorf(EINVALID, "随机种子应为 32 位十六进制数")
	}
	var e1, e2 error
	hi, e1 = strconv.ParseUint(seed[:16], 16, 64)
	lo, e2 = strconv.ParseUint(seed[16:], 16, 64)
	if e1 != nil || e2 != nil {
		return 0, 0, Errorf(EINVALID, "随机种子应为 32 位十六进制数")
	}
	return hi, lo, nil
}

// FormatSeed writes a seed as DrawPanel reads it.
func FormatSeed(hi, lo uint64) string { return fmt.Sprintf("%016x%016x", hi, lo) }
