package duijie

import "time"

// Today is the date in China (ChinaTime) at t, as dates are stored:
// midnight UTC of that day.
func Today(t time.Time) time.Time {
	y, m, d := t.In(ChinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Expired reports whether c is a published challenge whose deadline has
// passed: the deadline is the last day it is open, in China time, so it
// expires when today (Today) is later. Nothing is written when that
// happens: every read decides it against the date.
func (c *Challenge) Expired(today time.Time) bool {
	return c.Status == StatusPublished && !c.Deadline.IsZero() && c.Deadline.Before(today)
}

// CheckDeadline refuses a deadline before today, for a new challenge or a
// changed deadline (an unchanged deadline of an expired challenge may
// stay, so that its owner can still correct its text for the record).
func (c *Challenge) CheckDeadline(today, was time.Time) error {
	if c.Deadline.IsZero() || !c.Deadline.Before(today) || c.Deadline.Equal(was) {
		return nil
	}
	f := fieldErrors{}
	f.add("deadline", "截止日期不能早于今天（%s）", today.Format(DateLayout))
	return f.err()
}

// CloseReason is why an owner closed a challenge.
type CloseReason string

// Close reasons, in display order.
const (
	CloseMatched   CloseReason = "matched"   // 已通过平台找到合作方
	CloseSolved    CloseReason = "solved"    // 已自行解决或另有渠道
	ClosePostponed CloseReason = "postponed" // 项目暂缓或取消
	CloseRevised   CloseReason = "revised"   // 需求有变，将重新发布
	CloseOther     CloseReason = "other"     // 其他（请说明）
)

// CloseReasons lists the reasons in display order.
var CloseReasons = []CloseReason{CloseMatched, CloseSolved, ClosePostponed, CloseRevised, CloseOther}

// Label is the Chinese name of the reason ("" when unknown).
func (r CloseReason) Label() string {
	return map[CloseReason]string{CloseMatched: "已通过平台找到合作方", CloseSolved: "已自行解决或另有合作渠道",
		ClosePostponed: "项目暂缓或取消", CloseRevised: "需求有变，将重新发布", CloseOther: "其他"}[r]
}

// Closure is why a challenge was closed: a reason from the list and an
// optional note (required for 其他). Its owner and brokers read it.
type Closure struct {
	Reason CloseReason
	Note   string
}

// MaxCloseNote is the longest note, in characters.
const MaxCloseNote = 200

// Validate checks a closure before a challenge is closed with it.
func (c Closure) Validate() error {
	f := fieldErrors{}
	if c.Reason.Label() == "" {
		f.add("reason", "请选择关闭原因")
	}
	f.text("note", "说明", c.Note, c.Reason == CloseOther, MaxCloseNote)
	return f.err()
}
