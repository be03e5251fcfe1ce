package workflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Contact is a person of one side, shown to the other side once both
// accepted.
type Contact struct {
	Name  string
	Phone string
	Email string
}

// View is an introduction as the caller may see it.
type View struct {
	duijie.Introduction
	Side      duijie.Side // the caller's side; "" for brokers
	MayAnswer bool        // the caller's side is asked to accept or decline
	Overdue   bool
	// EntHidden: the enterprise stays anonymous to the institute side until
	// both accept, when the challenge is not public.
	EntHidden bool
	// Screening: a proposal or request the bureau has not taken up yet, seen
	// by the side that did not ask: who asked and what stay with the bureau.
	Screening bool
	Interest  *duijie.Interest // the proposal or request that started it
	Contract  *duijie.Contract
	Events    []duijie.Event // brokers: all; the sides: stages and answers
	// Contacts of the other side (members, once both accepted) or of both
	// sides' users by user id (brokers, masked by the server's contact
	// helper).
	Contacts  []Contact
	EntUsers  []string // brokers: user ids of the enterprise side
	InstUsers []string // brokers: user ids of the institute side
}

// Get loads an introduction as a may see it: brokers see every one; a
// member sees those of their organisation; anyone else gets ENOTFOUND.
func (s *Service) Get(ctx context.Context, a Actor, id string) (*View, error) {
	n, err := s.db.Introduction(ctx, id)
	if duijie.ErrorCode(err) == duijie.ENOTFOUND {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	v := &View{Introduction: *n, Overdue: n.Overdue(s.now())}
	switch {
	case a.User.Is(duijie.RoleBroker):
	case a.User != nil && a.User.OrgID != "" && n.SideOf(a.User.OrgID) != "" && a.User.Is(duijie.RoleEnterprise, duijie.RoleInstitute):
		v.Side = n.SideOf(a.User.OrgID)
		if (v.Side == duijie.SideEnterprise) != a.User.Is(duijie.RoleEnterprise) {
			return nil, notFound()
		}
	default:
		return nil, notFound()
	}
	v.MayAnswer = v.Side != "" && n.Stage == duijie.StageRecommended && n.AnswerOf(v.Side) == duijie.AnswerNone
	if v.Side != "" && screening(n, v.Side) {
		// The bureau screens a proposal or request before the other side
		// hears who asked and what: until then it sees that one is waiting.
		v.Screening = true
		if v.Side == duijie.SideEnterprise {
			v.InstOrgName = ""
		} else {
			v.EntOrgName, v.EntRegion = "", ""
		}
		v.Events = nil
		return v, nil
	}
	if n.InterestID != "" {
		if v.Interest, err = s.db.Interest(ctx, n.InterestID); err != nil {
			return nil, err
		}
	}
	if c, err := s.db.ContractOf(ctx, n.ID); err == nil {
		v.Contract = c
	} else if duijie.ErrorCode(err) != duijie.ENOTFOUND {
		return nil, err
	}
	events, err := s.db.Events(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		if v.Side != "" && (e.Kind == duijie.EventNote || e.Kind == duijie.EventAssign) {
			continue // the bureau's own notes and assignments
		}
		v.Events = append(v.Events, e)
	}
	if v.Side == "" { // a broker
		for side, org := range map[duijie.Side]string{duijie.SideEnterprise: n.EntOrgID, duijie.SideInstitute: n.InstOrgID} {
			users, err := s.db.UsersOf(ctx, org)
			if err != nil {
				return nil, err
			}
			for _, u := range users {
				if side == duijie.SideEnterprise {
					v.EntUsers = append(v.EntUsers, u.ID)
				} else {
					v.InstUsers = append(v.InstUsers, u.ID)
				}
			}
		}
		return v, nil
	}
	// A side reads the other side's contacts only after both accepted.
	if n.Stage.Contacted() {
		other := n.InstOrgID
		if v.Side == duijie.SideInstitute {
			other = n.EntOrgID
		}
		users, err := s.db.UsersOf(ctx, other)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Phone == "" && u.Email == "" {
				continue
			}
			v.Contacts = append(v.Contacts, Contact{Name: orName(u), Phone: u.Phone, Email: u.Email})
		}
		return v, nil
	}
	if v.Side == duijie.SideInstitute && n.ChallengeID != "" {
		c, err := s.db.Challenge(ctx, n.ChallengeID)
		if err != nil {
			return nil, err
		}
		if c.Visibility != duijie.VisibilityPublic {
			v.EntHidden, v.EntOrgName, v.EntRegion = true, "", ""
			// Nor do its people show on the timeline (an answer's actor).
			users, err := s.db.UsersOf(ctx, n.EntOrgID)
			if err != nil {
				return nil, err
			}
			for i := range v.Events {
				for _, u := range users {
					if v.Events[i].ActorID == u.ID {
						v.Events[i].ActorID, v.Events[i].Actor = "", ""
					}
				}
			}
		}
	}
	return v, nil
}

func orName(u duijie.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// Views of the brokers' queue.
const (
	ViewMine       = "mine"       // assigned to the caller
	ViewUnassigned = "unassigned" // open, nobody in charge
	ViewOverdue    = "overdue"    // open and late
	ViewOpen       = "open"       // every open one
	ViewClosed     = "closed"     // signed, registered or ended
)

// QueueViews lists the views in tab order with their Chinese names.
var QueueViews = []struct{ Key, Label string }{
	{ViewMine, "我的"}, {ViewUnassigned, "未分派"}, {ViewOverdue, "逾期"}, {ViewOpen, "全部进行中"}, {ViewClosed, "已结束"},
}

// Queue lists a view of the brokers' queue. A broker scoped to counties
// sees the shared views (unassigned, overdue, open, closed) of those
// counties' enterprises; "mine" is whatever the broker is in charge of.
func (s *Service) Queue(ctx context.Context, a Actor, view string, offset, limit int) ([]duijie.Introduction, int, error) {
	if err := brokerOnly(a); err != nil {
		return nil, 0, err
	}
	scope, err := s.db.BrokerScope(ctx, a.User.ID)
	if err != nil {
		return nil, 0, err
	}
	f := sqlite.IntroFilter{Offset: max(offset, 0), Limit: limit, Counties: scope.Counties}
	switch view {
	case ViewMine, "":
		f.BrokerID, f.Open, f.Counties = a.User.ID, true, nil
	case ViewUnassigned:
		f.Unassigned, f.Open = true, true
	case ViewOverdue:
		f.OverdueAt = s.now()
	case ViewOpen:
		f.Open = true
	case ViewClosed:
		f.Stages = []duijie.Stage{duijie.StageSigned, duijie.StageRegistered, duijie.StageEnded}
	default:
		return nil, 0, duijie.Errorf(duijie.EINVALID, "未知的视图：%s", view)
	}
	return s.db.Introductions(ctx, f)
}

// Mine lists the introductions of the caller's organisation, either side.
func (s *Service) Mine(ctx context.Context, a Actor, offset, limit int) ([]duijie.Introduction, int, error) {
	if a.User == nil || a.User.OrgID == "" || !a.User.Is(duijie.RoleEnterprise, duijie.RoleInstitute) {
		return nil, 0, nil
	}
	ns, total, err := s.db.Introductions(ctx, sqlite.IntroFilter{OrgID: a.User.OrgID, Offset: offset, Limit: limit})
	if err != nil {
		return nil, 0, err
	}
	for i := range ns {
		s.redactFor(ctx, a, &ns[i])
	}
	return ns, total, nil
}

// screening reports whether side is the side that did not ask for a
// proposal or request still waiting for the bureau.
func screening(n *duijie.Introduction, side duijie.Side) bool {
	return n.Stage == duijie.StageQueued && side != n.Asker()
}

// redactFor hides from a side what it may not see yet: who asked, while
// the bureau screens; the enterprise of a non-public challenge from the
// institute side until both accepted.
func (s *Service) redactFor(ctx context.Context, a Actor, n *duijie.Introduction) {
	side := n.SideOf(a.User.OrgID)
	if screening(n, side) {
		if side == duijie.SideEnterprise {
			n.InstOrgName = ""
		} else {
			n.EntOrgName, n.EntRegion = "", ""
		}
		return
	}
	if side != duijie.SideInstitute || n.Stage.Contacted() || n.ChallengeID == "" {
		return
	}
	c, err := s.db.Challenge(ctx, n.ChallengeID)
	if err != nil || c.Visibility != duijie.VisibilityPublic {
		n.EntOrgName, n.EntRegion = "", ""
	}
}

// Workload counts open and overdue introductions per broker.
func (s *Service) Workload(ctx context.Context, a Actor) ([]Workload, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	return s.db.Workloads(ctx, s.now())
}

// Recommend is a broker's 派单: it pairs one posting with one or more
// postings of the other kind from its match list, each an introduction at
// 已推荐 assigned to the caller, and asks both sides to answer. A pair
// that already has an open introduction is a conflict and nothing is
// written.
func (s *Service) Recommend(ctx context.Context, a Actor, typ, id string, targets []string, message string) ([]string, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	message = strings.TrimSpace(message)
	f := map[string]string{}
	if len(targets) == 0 {
		f["targets"] = "请至少选择一项推荐对象"
	}
	if len(targets) > 20 {
		f["targets"] = "一次最多推荐 20 项"
	}
	if n := len([]rune(message)); n > duijie.MaxMessage {
		f["message"] = fmt.Sprintf("推荐说明不能超过 %d 个字", duijie.MaxMessage)
	}
	if len(f) > 0 {
		return nil, &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: f}
	}
	now := s.now()
	var ns []*duijie.Introduction
	var events []duijie.Event
	var msgs []duijie.Message
	seen := map[string]bool{}
	for _, t := range targets {
		if seen[t] {
			continue
		}
		seen[t] = true
		n := &duijie.Introduction{ID: duijie.NewID("in-"), Origin: duijie.OriginBroker, Stage: duijie.StageRecommended,
			BrokerID: a.User.ID, Message: message, Due: s.deadlines.DueAfter(duijie.StageRecommended, now), Created: now, Updated: now}
		chID, capID := id, t
		if typ == "capability" {
			chID, capID = t, id
		} else if typ != "challenge" {
			return nil, duijie.Errorf(duijie.ENOTFOUND, "不存在")
		}
		ch, err := s.db.Challenge(ctx, chID)
		if err != nil {
			return nil, hide(err, "技术需求")
		}
		cp, err := s.db.Capability(ctx, capID)
		if err != nil {
			return nil, hide(err, "科技成果")
		}
		if ch.Status != duijie.StatusPublished || cp.Status != duijie.StatusPublished {
			return nil, duijie.Errorf(duijie.ECONFLICT, "只能推荐已发布的技术需求和科技成果（%s ↔ %s）", ch.Title, cp.Title)
		}
		if ch.Expired(duijie.Today(now)) {
			return nil, duijie.Errorf(duijie.ECONFLICT, "技术需求“%s”已截止", ch.Title)
		}
		if ch.OrgID == cp.OrgID {
			return nil, duijie.Errorf(duijie.ECONFLICT, "需求和成果属于同一单位：%s", ch.OrgName)
		}
		n.ChallengeID, n.CapabilityID, n.EntOrgID, n.InstOrgID = ch.ID, cp.ID, ch.OrgID, cp.OrgID
		n.ChallengeTitle, n.CapabilityTitle = ch.Title, cp.Title
		ns = append(ns, n)
		events = append(events, duijie.Event{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventCreated,
			To: duijie.StageRecommended, Note: message})
		for _, side := range []struct{ org, other string }{{ch.OrgID, "科技成果“" + cp.Title + "”"}, {cp.OrgID, "技术需求“" + ch.Title + "”"}} {
			m, err := s.messagesTo(ctx, side.org, duijie.Message{Kind: duijie.MsgIntroduction,
				Subject: "科技局为您推荐了对接：" + side.other,
				Body:    s.answerBy() + message,
				Link:    introLink(n.ID)})
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, m...)
		}
	}
	if err := s.db.CreateIntroductions(ctx, ns, events, msgs); err != nil {
		return nil, err
	}
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
		s.audit(ctx, a, AuditIntroCreate, "introduction:"+n.ID, n.ChallengeID+" ↔ "+n.CapabilityID)
	}
	return ids, nil
}

// answerBy says how long the sides have to answer.
func (s *Service) answerBy() string {
	return fmt.Sprintf("请在 %d 天内答复是否愿意对接。", int(s.deadlines.Answer.Hours()/24))
}

// hide turns a missing posting into the one not-found answer.
func hide(err error, what string) error {
	if duijie.ErrorCode(err) == duijie.ENOTFOUND {
		return duijie.Errorf(duijie.ENOTFOUND, "%s不存在", what)
	}
	return err
}

// load reads an introduction for a broker's action.
func (s *Service) load(ctx context.Context, a Actor, id string) (*duijie.Introduction, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	n, err := s.db.Introduction(ctx, id)
	if duijie.ErrorCode(err) == duijie.ENOTFOUND {
		return nil, notFound()
	}
	return n, err
}

// Move is a broker's stage change: 推荐 (queued → recommended, asking both
// sides, the one that asked too, to confirm), 开始洽谈 (confirmed → negotiating) or
// 终止 (any open stage, with a reason). 双方确认 comes from the sides'
// answers, 已签约 and 已登记 from the contract.
func (s *Service) Move(ctx context.Context, a Actor, id string, to duijie.Stage, reason duijie.Reason, note string) error {
	n, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	from, readAt := n.Stage, n.Updated
	note = strings.TrimSpace(note)
	switch {
	case !duijie.CanMove(from, to):
		return duijie.Errorf(duijie.ECONFLICT, "当前阶段（%s）不能改为%s", from.Label(), to.Label())
	case to == duijie.StageConfirmed:
		return duijie.Errorf(duijie.ECONFLICT, "双方确认需由企业和院所各自在平台上接受")
	case to == duijie.StageSigned || to == duijie.StageRegistered:
		return duijie.Errorf(duijie.ECONFLICT, "请通过“记录合同”进入%s", to.Label())
	case to == duijie.StageEnded:
		if err := duijie.CheckReason(reason, note); err != nil {
			return err
		}
		n.Reason, n.ReasonNote = reason, note
	default:
		if len([]rune(note)) > duijie.MaxNote {
			return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{"note": "说明太长"}}
		}
		reason = ""
	}
	now := s.now()
	n.Stage, n.Updated, n.Due = to, now, s.deadlines.DueAfter(to, now)
	if n.BrokerID == "" {
		n.BrokerID = a.User.ID // whoever acts on an unassigned item takes it
	}
	if to == duijie.StageRecommended && note != "" {
		n.Message = note
	}
	events := []duijie.Event{{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventStage, From: from, To: to, Reason: reason, Note: note}}
	var msgs []duijie.Message
	for _, side := range []struct {
		org string
		s   duijie.Side
	}{{n.EntOrgID, duijie.SideEnterprise}, {n.InstOrgID, duijie.SideInstitute}} {
		subject := "对接“" + n.Title() + "”进入" + to.Label()
		body := note
		if to == duijie.StageRecommended {
			subject = "科技局为您推荐了对接：" + n.Title()
			if side.s == n.Asker() {
				subject = "科技局已受理您的" + n.Origin.Label() + "，请确认对接：" + n.Title()
			}
			body = s.answerBy() + note
		}
		if to == duijie.StageEnded {
			subject = "对接“" + n.Title() + "”已终止：" + reason.Label()
		}
		m, err := s.messagesTo(ctx, side.org, duijie.Message{Kind: duijie.MsgStage, Subject: subject, Body: body, Link: introLink(n.ID)})
		if err != nil {
			return err
		}
		msgs = append(msgs, m...)
	}
	if err := s.db.SaveIntroduction(ctx, n, readAt, events, msgs); err != nil {
		return err
	}
	s.audit(ctx, a, AuditIntroStage, "introduction:"+n.ID, string(from)+" → "+string(to))
	return nil
}

// Answer is one side's answer to a recommendation: accepting (both
// accepted: 双方确认, contacts pass, and the institute is invited to read a
// 摘要公开 challenge in full) or declining with a reason (the introduction
// ends; the decline is kept as labelled data).
func (s *Service) Answer(ctx context.Context, a Actor, id string, accept bool, reason duijie.Reason, note string) error {
	v, err := s.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if v.Side == "" {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有对接双方可以答复")
	}
	if !v.MayAnswer {
		return duijie.Errorf(duijie.ECONFLICT, "这条对接当前（%s）无需您答复", v.Stage.Label())
	}
	// Get redacted the enterprise for the institute: write from the store,
	// on condition that nothing changed since Get decided MayAnswer.
	readAt := v.Updated
	n, err := s.db.Introduction(ctx, id)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	answer := duijie.AnswerAccepted
	if !accept {
		if err := duijie.CheckReason(reason, note); err != nil {
			return err
		}
		answer = duijie.AnswerDeclined
	} else {
		reason = ""
	}
	now, from := s.now(), n.Stage
	if v.Side == duijie.SideEnterprise {
		n.EntAnswer = answer
	} else {
		n.InstAnswer = answer
	}
	n.Updated = now
	events := []duijie.Event{{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventAnswer, Side: v.Side, Answer: answer,
		Reason: reason, Note: note}}
	var msgs []duijie.Message
	switch {
	case !accept:
		n.Stage, n.Reason, n.ReasonNote, n.Due = duijie.StageEnded, reason, note, time.Time{}
		events = append(events, duijie.Event{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventStage, From: from,
			To: duijie.StageEnded, Reason: reason, Note: v.Side.Label() + "婉拒"})
		msgs = s.messageToBroker(n, duijie.Message{Kind: duijie.MsgAnswer, Subject: v.Side.Label() + "婉拒了对接：" + n.Title(),
			Body: reason.Label() + " " + note, Link: introLink(n.ID)})
	case n.EntAnswer == duijie.AnswerAccepted && n.InstAnswer == duijie.AnswerAccepted:
		n.Stage, n.Due = duijie.StageConfirmed, s.deadlines.DueAfter(duijie.StageConfirmed, now)
		events = append(events, duijie.Event{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventStage, From: from,
			To: duijie.StageConfirmed, Note: "双方均已接受，联系方式已互通"})
		for _, org := range []string{n.EntOrgID, n.InstOrgID} {
			m, err := s.messagesTo(ctx, org, duijie.Message{Kind: duijie.MsgStage, Subject: "双方已确认对接：" + n.Title(),
				Body: "现在可以在对接详情中查看对方的联系方式。", Link: introLink(n.ID)})
			if err != nil {
				return err
			}
			msgs = append(msgs, m...)
		}
		msgs = append(msgs, s.messageToBroker(n, duijie.Message{Kind: duijie.MsgAnswer, Subject: "双方已确认对接：" + n.Title(), Link: introLink(n.ID)})...)
	default:
		msgs = s.messageToBroker(n, duijie.Message{Kind: duijie.MsgAnswer, Subject: v.Side.Label() + "接受了对接：" + n.Title(), Link: introLink(n.ID)})
	}
	if err := s.db.SaveIntroduction(ctx, n, readAt, events, msgs); err != nil {
		return err
	}
	s.audit(ctx, a, AuditIntroAnswer, "introduction:"+n.ID, string(v.Side)+" "+string(answer)+" "+string(reason))
	if n.Stage == duijie.StageConfirmed && n.ChallengeID != "" {
		// Both accepted: the institute reads the challenge in full.
		if c, err := s.db.Challenge(ctx, n.ChallengeID); err == nil && c.Visibility == duijie.VisibilitySummary {
			if err := s.db.Invite(ctx, c.ID, n.InstOrgID, "", nil); err != nil {
				return err
			}
			s.audit(ctx, a, AuditInvite, "challenge:"+c.ID, n.InstOrgID+" (双方确认 "+n.ID+")")
		}
	}
	return nil
}

// Take puts the caller in charge of an unassigned introduction.
func (s *Service) Take(ctx context.Context, a Actor, id string) error {
	n, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	if n.BrokerID != "" {
		if n.BrokerID == a.User.ID {
			return nil
		}
		return duijie.Errorf(duijie.ECONFLICT, "这条对接已由 %s 负责；如需改派请联系科室负责人", n.BrokerName)
	}
	return s.assign(ctx, a, n, a.User.ID)
}

// Assign is the bureau lead's assignment of an introduction to a broker.
func (s *Service) Assign(ctx context.Context, a Actor, id, brokerID string) error {
	n, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	scope, err := s.db.BrokerScope(ctx, a.User.ID)
	if err != nil {
		return err
	}
	if !scope.Lead {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有科室负责人可以分派对接")
	}
	if _, err := s.db.BrokerScope(ctx, brokerID); err != nil {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{"broker": "请选择一位技术经纪人"}}
	}
	if !n.Stage.Open() {
		return duijie.Errorf(duijie.ECONFLICT, "已结束的对接无需分派")
	}
	return s.assign(ctx, a, n, brokerID)
}

func (s *Service) assign(ctx context.Context, a Actor, n *duijie.Introduction, brokerID string) error {
	readAt, now := n.Updated, s.now()
	b, err := s.db.User(ctx, brokerID)
	if err != nil {
		return err
	}
	n.BrokerID, n.Updated = brokerID, now
	events := []duijie.Event{{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventAssign, Note: "负责人：" + orName(*b)}}
	var msgs []duijie.Message
	if brokerID != a.User.ID {
		msgs = []duijie.Message{{UserID: brokerID, Kind: duijie.MsgIntroduction, Subject: "分派给您的对接：" + n.Title(),
			Link: introLink(n.ID), Created: now}}
	}
	if err := s.db.SaveIntroduction(ctx, n, readAt, events, msgs); err != nil {
		return err
	}
	s.audit(ctx, a, AuditIntroAssign, "introduction:"+n.ID, brokerID)
	return nil
}

// Note records a broker's call, visit or meeting (dated) on the timeline;
// in 洽谈中 it resets the deadline.
func (s *Service) Note(ctx context.Context, a Actor, id string, channel duijie.Channel, on time.Time, note string) error {
	n, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	now := s.now()
	e := duijie.Event{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventNote, Channel: channel, On: on, Note: strings.TrimSpace(note)}
	if err := e.Validate(now); err != nil {
		return err
	}
	readAt := n.Updated
	n.Updated = now
	if n.Stage == duijie.StageNegotiating || n.Stage == duijie.StageConfirmed {
		n.Due = s.deadlines.DueAfter(n.Stage, now)
	}
	if n.BrokerID == "" {
		n.BrokerID = a.User.ID
	}
	return s.db.SaveIntroduction(ctx, n, readAt, []duijie.Event{e}, nil)
}

// IsLead reports whether the caller is the bureau lead (who assigns).
func (s *Service) IsLead(ctx context.Context, a Actor) (bool, error) {
	if !a.User.Is(duijie.RoleBroker) {
		return false, nil
	}
	scope, err := s.db.BrokerScope(ctx, a.User.ID)
	return scope.Lead, err
}

// Brokers lists the brokers, for assignment.
func (s *Service) Brokers(ctx context.Context, a Actor) ([]duijie.User, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	return s.db.Brokers(ctx)
}

// BrokerRow is a broker with the scope the system administrator set.
type BrokerRow struct {
	User     duijie.User
	Lead     bool
	Counties []string
}

// BrokerScopes lists every broker with its scope; system administrators
// only.
func (s *Service) BrokerScopes(ctx context.Context, a Actor) ([]BrokerRow, error) {
	if !a.User.Is(duijie.RoleSysAdmin) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有系统管理员可以设置经纪人的职责范围")
	}
	brokers, err := s.db.Brokers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]BrokerRow, 0, len(brokers))
	for _, b := range brokers {
		scope, err := s.db.BrokerScope(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, BrokerRow{User: b, Lead: scope.Lead, Counties: scope.Counties})
	}
	return out, nil
}

// SetScope makes a broker the bureau lead (who assigns) or not, and scopes
// the broker to counties of 六安 (none: the whole city); system
// administrators only, audited.
func (s *Service) SetScope(ctx context.Context, a Actor, brokerID string, lead bool, counties []string) error {
	if !a.User.Is(duijie.RoleSysAdmin) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有系统管理员可以设置经纪人的职责范围")
	}
	for _, c := range counties {
		if r := duijie.Region(c); !r.Valid() || r.Tier() != duijie.TierLocal {
			return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{"counties": "未知的县区：" + c}}
		}
	}
	if err := s.db.SetBrokerScope(ctx, brokerID, sqlite.BrokerScope{Lead: lead, Counties: counties}); err != nil {
		return err
	}
	s.audit(ctx, a, AuditBrokerScope, "user:"+brokerID, fmt.Sprintf("lead=%v counties=%s", lead, strings.Join(counties, ",")))
	return nil
}
