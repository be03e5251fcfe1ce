package duijie

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Stage is where an introduction (对接) stands. Every introduction,
// whatever started it (an institute's 揭榜 proposal, an enterprise's
// request, a broker's own recommendation), moves through the same stages.
type Stage string

// Stages, in order; StageEnded can follow any open stage.
const (
	StageQueued      Stage = "queued"      // 待受理: waits for a broker
	StageRecommended Stage = "recommended" // 已推荐: both sides are asked to accept
	StageConfirmed   Stage = "confirmed"   // 双方确认: both accepted; contacts exchanged
	StageNegotiating Stage = "negotiating" // 洽谈中
	StageSigned      Stage = "signed"      // 已签约: a contract is recorded
	StageRegistered  Stage = "registered"  // 已登记: the contract is registered (技术合同登记)
	StageEnded       Stage = "ended"       // 终止, with a reason
)

// Stages lists the stages in order.
var Stages = []Stage{StageQueued, StageRecommended, StageConfirmed, StageNegotiating, StageSigned, StageRegistered, StageEnded}

// Label is the Chinese name of the stage.
func (s Stage) Label() string {
	return map[Stage]string{StageQueued: "待受理", StageRecommended: "已推荐", StageConfirmed: "双方确认",
		StageNegotiating: "洽谈中", StageSigned: "已签约", StageRegistered: "已登记", StageEnded: "终止"}[s]
}

// Open reports whether the introduction still needs work.
func (s Stage) Open() bool {
	switch s {
	case StageQueued, StageRecommended, StageConfirmed, StageNegotiating:
		return true
	}
	return false
}

// Contacted reports whether both sides accepted, so that each may see the
// other's contacts.
func (s Stage) Contacted() bool {
	switch s {
	case StageConfirmed, StageNegotiating, StageSigned, StageRegistered:
		return true
	}
	return false
}

// transitions are the moves a broker may make by hand. Confirmation
// happens when the second side accepts, 已签约 when a contract is
// recorded and 已登记 when its registration number is: those moves are
// made by the workflow itself, through the same check.
var transitions = map[Stage][]Stage{
	StageQueued:      {StageRecommended, StageEnded},
	StageRecommended: {StageConfirmed, StageEnded},
	StageConfirmed:   {StageNegotiating, StageSigned, StageEnded},
	StageNegotiating: {StageSigned, StageEnded},
	StageSigned:      {StageRegistered},
}

// CanMove reports whether an introduction may move from one stage to
// another.
func CanMove(from, to Stage) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Next lists the stages an introduction may move to from s.
func (s Stage) Next() []Stage { return transitions[s] }

// Reason is why an introduction ended or a side declined; labelled data
// for the ranking later.
type Reason string

// Reasons.
const (
	ReasonMismatch   Reason = "mismatch"    // 技术不匹配
	ReasonBudget     Reason = "budget"      // 预算不符
	ReasonMaturity   Reason = "maturity"    // 成熟度不够
	ReasonIP         Reason = "ip"          // 知识产权问题
	ReasonNoResponse Reason = "no_response" // 对方无回应
	ReasonSolved     Reason = "solved"      // 企业需求已解决
	ReasonOther      Reason = "other"       // 其他 (a note says what)
)

// Reasons lists the reasons in the order forms show them.
var Reasons = []Reason{ReasonMismatch, ReasonBudget, ReasonMaturity, ReasonIP, ReasonNoResponse, ReasonSolved, ReasonOther}

// Label is the Chinese name of the reason.
func (r Reason) Label() string {
	return map[Reason]string{ReasonMismatch: "技术不匹配", ReasonBudget: "预算不符", ReasonMaturity: "成熟度不够",
		ReasonIP: "知识产权问题", ReasonNoResponse: "对方无回应", ReasonSolved: "企业需求已解决", ReasonOther: "其他"}[r]
}

// CheckReason validates a reason and its note: a known reason, and a note
// when the reason is 其他.
func CheckReason(r Reason, note string) error {
	f := fieldErrors{}
	if r.Label() == "" {
		f.add("reason", "请选择原因")
	}
	if r == ReasonOther && strings.TrimSpace(note) == "" {
		f.add("note", "选择“其他”时请说明原因")
	}
	f.text("note", "说明", note, false, MaxNote)
	return f.err()
}

// Answer is one side's answer to a recommended introduction.
type Answer string

// Answers.
const (
	AnswerNone     Answer = ""
	AnswerAccepted Answer = "accepted"
	AnswerDeclined Answer = "declined"
)

// Label is the Chinese name of an answer.
func (a Answer) Label() string {
	return map[Answer]string{AnswerNone: "待答复", AnswerAccepted: "已接受", AnswerDeclined: "已婉拒"}[a]
}

// Side is one of the two parties of an introduction.
type Side string

// Sides.
const (
	SideEnterprise Side = "enterprise" // 需求方
	SideInstitute  Side = "institute"  // 成果方
)

// Label is the Chinese name of a side.
func (s Side) Label() string {
	return map[Side]string{SideEnterprise: "企业（需求方）", SideInstitute: "院所（成果方）"}[s]
}

// Origin tells what started an introduction.
type Origin string

// Origins.
const (
	OriginProposal Origin = "proposal" // an institute's 揭榜 proposal on a challenge
	OriginRequest  Origin = "request"  // an enterprise's request for an introduction to a capability
	OriginBroker   Origin = "broker"   // a broker's recommendation from a match list (派单)
)

// Label is the Chinese name of an origin.
func (o Origin) Label() string {
	return map[Origin]string{OriginProposal: "院所揭榜", OriginRequest: "企业申请对接", OriginBroker: "经纪人推荐"}[o]
}

// Introduction is one brokered pairing of an enterprise and an institute,
// about a challenge, a capability or both.
type Introduction struct {
	ID           string
	Origin       Origin
	InterestID   string // the proposal or request that started it ("" for a broker's)
	ChallengeID  string // "" when it started from a capability alone
	CapabilityID string // "" when it started from a challenge alone
	EntOrgID     string // the enterprise side
	InstOrgID    string // the institute side
	Stage        Stage
	EntAnswer    Answer
	InstAnswer   Answer
	BrokerID     string // the broker in charge ("" = unassigned)
	Message      string // the broker's message to both sides when recommending
	Reason       Reason // why it ended (StageEnded)
	ReasonNote   string
	Due          time.Time // when the next step is due (zero: nothing due)
	Created      time.Time
	Updated      time.Time

	// Read only, joined for lists.
	ChallengeTitle  string
	CapabilityTitle string
	EntOrgName      string
	InstOrgName     string
	EntRegion       Region
	BrokerName      string
}

// Overdue reports whether the next step is late at now.
func (i *Introduction) Overdue(now time.Time) bool {
	return i.Stage.Open() && !i.Due.IsZero() && now.After(i.Due)
}

// AnswerOf is the answer of one side.
func (i *Introduction) AnswerOf(s Side) Answer {
	if s == SideEnterprise {
		return i.EntAnswer
	}
	return i.InstAnswer
}

// Asker is the side that asked for the introduction: the institute of a
// proposal, the enterprise of a request; "" for a broker's recommendation.
func (i *Introduction) Asker() Side {
	switch i.Origin {
	case OriginProposal:
		return SideInstitute
	case OriginRequest:
		return SideEnterprise
	}
	return ""
}

// SideOf is the side of an organisation in the introduction ("" when it
// is neither).
func (i *Introduction) SideOf(orgID string) Side {
	switch {
	case orgID == "":
		return ""
	case orgID == i.EntOrgID:
		return SideEnterprise
	case orgID == i.InstOrgID:
		return SideInstitute
	}
	return ""
}

// Title is a short name of the introduction for lists and messages.
func (i *Introduction) Title() string {
	switch {
	case i.ChallengeTitle != "" && i.CapabilityTitle != "":
		return i.ChallengeTitle + " ↔ " + i.CapabilityTitle
	case i.ChallengeTitle != "":
		return i.ChallengeTitle
	}
	return i.CapabilityTitle
}

// EventKind is what an entry of an introduction's timeline records.
type EventKind string

// Event kinds.
const (
	EventCreated  EventKind = "created"  // 创建
	EventStage    EventKind = "stage"    // 阶段变更
	EventAnswer   EventKind = "answer"   // 一方答复
	EventNote     EventKind = "note"     // 经纪人记录（电话、走访、会议）
	EventAssign   EventKind = "assign"   // 分派
	EventContract EventKind = "contract" // 合同
)

// Label is the Chinese name of an event kind.
func (k EventKind) Label() string {
	return map[EventKind]string{EventCreated: "创建", EventStage: "阶段变更", EventAnswer: "答复", EventNote: "跟进记录",
		EventAssign: "分派", EventContract: "合同"}[k]
}

// Channel is how a broker's contact with the parties took place.
type Channel string

// Channels.
const (
	ChannelPhone   Channel = "phone"   // 电话
	ChannelVisit   Channel = "visit"   // 走访
	ChannelMeeting Channel = "meeting" // 会议
	ChannelOnline  Channel = "online"  // 线上
	ChannelOther   Channel = "other"   // 其他
)

// Channels lists the channels in form order.
var Channels = []Channel{ChannelPhone, ChannelVisit, ChannelMeeting, ChannelOnline, ChannelOther}

// Label is the Chinese name of a channel.
func (c Channel) Label() string {
	return map[Channel]string{ChannelPhone: "电话", ChannelVisit: "走访", ChannelMeeting: "会议", ChannelOnline: "线上", ChannelOther: "其他"}[c]
}

// Event is one entry of an introduction's timeline: who did what, when
// and why.
type Event struct {
	ID       int64
	IntroID  string
	At       time.Time
	ActorID  string
	Actor    string // read only: the actor's display name
	Kind     EventKind
	From, To Stage  // EventStage
	Side     Side   // EventAnswer
	Answer   Answer // EventAnswer
	Reason   Reason
	Channel  Channel   // EventNote
	On       time.Time // EventNote: the day of the call or visit
	Note     string
}

// Limits of notes and messages, in characters.
const (
	MaxNote    = 2000
	MaxMessage = 1000
)

// Validate checks a broker's note before it is stored.
func (e *Event) Validate(now time.Time) error {
	f := fieldErrors{}
	if e.Kind == EventNote {
		if e.Channel.Label() == "" {
			f.add("channel", "请选择跟进方式")
		}
		if e.On.IsZero() {
			f.add("on", "请填写日期")
		} else if e.On.After(now.Add(24 * time.Hour)) {
			f.add("on", "跟进日期不能晚于今天")
		}
		f.text("note", "跟进内容", e.Note, true, MaxNote)
	}
	return f.err()
}

// Deadlines are how long each step may take before an introduction is
// overdue.
type Deadlines struct {
	Queue     time.Duration // a broker takes up a new proposal or request
	Answer    time.Duration // both sides answer a recommendation
	Negotiate time.Duration // 洽谈中 without a broker's note
}

// DefaultDeadlines: a week to take up and to answer, a month of 洽谈
// without a note.
var DefaultDeadlines = Deadlines{Queue: 7 * 24 * time.Hour, Answer: 7 * 24 * time.Hour, Negotiate: 30 * 24 * time.Hour}

// DueAfter is when the next step of an introduction at stage s falls due
// if it entered s (or got its last note) at t; zero when nothing is due.
func (d Deadlines) DueAfter(s Stage, t time.Time) time.Time {
	switch s {
	case StageQueued:
		return t.Add(d.Queue)
	case StageRecommended:
		return t.Add(d.Answer)
	case StageConfirmed, StageNegotiating:
		return t.Add(d.Negotiate)
	}
	return time.Time{}
}

// ContractType is the kind of technology contract (技术合同类别).
type ContractType string

// Contract types.
const (
	ContractDevelopment ContractType = "development" // 技术开发
	ContractTransfer    ContractType = "transfer"    // 技术转让
	ContractLicense     ContractType = "license"     // 技术许可
	ContractConsulting  ContractType = "consulting"  // 技术咨询
	ContractService     ContractType = "service"     // 技术服务
)

// ContractTypes lists the types in form order.
var ContractTypes = []ContractType{ContractDevelopment, ContractTransfer, ContractLicense, ContractConsulting, ContractService}

// Label is the Chinese name of a contract type.
func (t ContractType) Label() string {
	return map[ContractType]string{ContractDevelopment: "技术开发", ContractTransfer: "技术转让", ContractLicense: "技术许可",
		ContractConsulting: "技术咨询", ContractService: "技术服务"}[t]
}

// Contract is a signed technology contract, attributed to the
// introduction, broker and posting it came from so that the funnel from
// match to contract can be counted. Amounts are whole 元.
type Contract struct {
	ID           string
	IntroID      string // "" for a contract recorded on its own
	ChallengeID  string
	CapabilityID string
	Type         ContractType
	Title        string
	Buyer        string // 委托方/受让方: the enterprise
	Seller       string // 受托方/转让方: the institute
	BuyerOrgID   string // when the party is registered here
	SellerOrgID  string
	Amount       int64 // 合同金额, 元
	LocalAmount  int64 // 本地企业吸纳金额, 元
	Signed       time.Time
	RegNo        string // 技术合同登记编号
	Registered   time.Time
	BrokerID     string
	CreatedBy    string
	Created      time.Time
}

// MaxAmount bounds a contract amount: 100 亿元.
const MaxAmount = 10_000_000_000

// Validate checks a contract before it is stored.
func (c *Contract) Validate(now time.Time) error {
	f := fieldErrors{}
	if c.Type.Label() == "" {
		f.add("type", "请选择合同类别")
	}
	f.text("title", "合同名称", c.Title, true, 200)
	f.text("buyer", "委托方（企业）", c.Buyer, true, 100)
	f.text("seller", "受托方（院所）", c.Seller, true, 100)
	switch {
	case c.Amount <= 0:
		f.add("amount", "请填写合同金额（元，正整数）")
	case c.Amount > MaxAmount:
		f.add("amount", "合同金额超出范围")
	}
	switch {
	case c.LocalAmount < 0:
		f.add("local_amount", "本地吸纳金额不能为负数")
	case c.LocalAmount > c.Amount && c.Amount > 0:
		f.add("local_amount", "本地吸纳金额不能高于合同金额")
	}
	if c.Signed.IsZero() {
		f.add("signed", "请填写签订日期")
	} else if c.Signed.After(now.Add(24 * time.Hour)) {
		f.add("signed", "签订日期不能晚于今天")
	}
	c.RegNo = strings.TrimSpace(c.RegNo)
	switch {
	case c.RegNo == "" && !c.Registered.IsZero():
		f.add("reg_no", "填写登记日期时请同时填写登记编号")
	case c.RegNo != "" && c.Registered.IsZero():
		f.add("registered", "请填写登记日期")
	case c.RegNo != "" && !validRegNo(c.RegNo):
		f.add("reg_no", "登记编号应为 6 到 40 位字母、数字或短横线")
	}
	if !c.Registered.IsZero() && !c.Signed.IsZero() && c.Registered.Before(c.Signed) {
		f.add("registered", "登记日期不能早于签订日期")
	}
	if !c.Registered.IsZero() && c.Registered.After(now.Add(24*time.Hour)) {
		f.add("registered", "登记日期不能晚于今天")
	}
	if c.IntroID == "" && c.ChallengeID == "" && c.CapabilityID == "" {
		f.add("posting", "请关联一项对接、技术需求或科技成果")
	}
	return f.err()
}

// validRegNo accepts the registration numbers of the 技术合同登记 system:
// letters, digits and dashes (e.g. 2026340015000123).
func validRegNo(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 6 || n > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-') {
			return false
		}
	}
	return true
}

// Yuan formats an amount of 元 in 万元 with two decimals, the way the
// bureau reports it (1234567 → "123.46"), without floats.
func Yuan(amount int64) string {
	// The magnitude as uint64: -math.MinInt64 and math.MaxInt64+50 do not
	// fit an int64.
	m := uint64(amount)
	if amount < 0 {
		m = -m
	}
	// 万元 with two decimals = hundreds of 元, rounded half up.
	h := m/100 + (m%100+50)/100
	s := itoa(h/100) + "." + pad2(h%100)
	if amount < 0 && h > 0 { // no "-0.00"
		s = "-" + s
	}
	return s
}

func itoa(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func pad2(n uint64) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}

// Message is an in-app message (站内消息) to one user. Kind and Link let a
// later outbox send it by e-mail or SMS as well.
type Message struct {
	ID      int64
	UserID  string
	Kind    MessageKind
	Subject string
	Body    string
	Link    string // a path inside the portal
	Created time.Time
	Read    time.Time // zero: unread
	// Dedup, when set, keeps a recipient from getting the same message
	// twice (a deadline reminder).
	Dedup string
}

// MessageKind is what a message is about.
type MessageKind string

// Message kinds.
const (
	MsgIntroduction MessageKind = "introduction" // 新的对接
	MsgAnswer       MessageKind = "answer"       // 对方接受或婉拒
	MsgStage        MessageKind = "stage"        // 阶段变更
	MsgInvitation   MessageKind = "invitation"   // 邀请查看需求详情
	MsgDeadline     MessageKind = "deadline"     // 期限将至
	MsgReview       MessageKind = "review"       // 注册审核结果
)

// Label is the Chinese name of a message kind.
func (k MessageKind) Label() string {
	return map[MessageKind]string{MsgIntroduction: "新的对接", MsgAnswer: "对接答复", MsgStage: "阶段变更",
		MsgInvitation: "邀请", MsgDeadline: "期限提醒", MsgReview: "审核结果"}[k]
}
