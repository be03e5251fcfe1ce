package workflow

import (
	"context"
	"fmt"
	"strings"

	"duijie/internal/duijie"
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
