package duijie

import (
	"strings"
	"time"
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
