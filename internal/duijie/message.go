package duijie

import "time"

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
