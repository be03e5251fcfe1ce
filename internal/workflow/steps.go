package workflow

import (
	"context"
	"strings"
	"time"

	"duijie/internal/duijie"
)

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
