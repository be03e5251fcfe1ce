package calls

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

func reviewsOf(expertID string) sqlite.ReviewFilter   { return sqlite.ReviewFilter{ExpertID: expertID} }
func reviewsOfCall(callID string) sqlite.ReviewFilter { return sqlite.ReviewFilter{CallID: callID} }

// Score stores the caller's review of a proposal: a score of 0–100 for
// each published criterion, in the call's order, and a comment. Only an
// expert on the call's panel, while the call is under review; a second
// review replaces the first.
func (s *Service) Score(ctx context.Context, a Actor, callID, proposalID string, scores []int, comment string) error {
	c, p, e, err := s.proposalFor(ctx, a, callID, proposalID)
	if err != nil {
		return err
	}
	if e == nil {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有本榜单的评审专家可以评分")
	}
	if c.Status != duijie.CallReviewing {
		return duijie.Errorf(duijie.ECONFLICT, "榜单%s，不能再评分", c.Status.Label())
	}
	fields := map[string]string{}
	if len(scores) != len(c.Criteria) {
		fields["scores"] = "请为每一项评审标准打分"
	}
	for i, v := range scores {
		if v < 0 || v > duijie.MaxScore {
			fields[fmt.Sprintf("score%d", i)] = fmt.Sprintf("分数应为 0 到 %d 之间的整数", duijie.MaxScore)
		}
	}
	comment = strings.TrimSpace(comment)
	if err := checkText("comment", "评审意见", comment); err != nil {
		fields["comment"] = err.(*duijie.Error).Fields["comment"]
	} else if n := utf8.RuneCountInString(comment); n < 10 || n > 2000 {
		fields["comment"] = "请填写评审意见（10 到 2000 个字）"
	}
	if len(fields) > 0 {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查评分", Fields: fields}
	}
	r := &duijie.Review{CallID: c.ID, ProposalID: p.ID, ExpertID: e.ID, Scores: scores, Comment: comment, Updated: s.now()}
	if err := s.db.SaveReview(ctx, r); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditReview, "proposal:"+p.ID, fmt.Sprintf("expert %s, scores %v, weighted %.2f", e.ID, scores, float64(r.Weighted(c.Criteria))/100))
	return nil
}

// Award records the winning proposal of a call whose panel has scored
// every proposal: an introduction between the call's challenge and the
// institute at 双方确认 (both sides took part in the call: the enterprise
// by publishing it, the institute by its proposal), assigned to the
// caller, and the call at 已揭榜.
func (s *Service) Award(ctx context.Context, a Actor, callID, proposalID, note string) (string, error) {
	if err := brokerOnly(a); err != nil {
		return "", err
	}
	v, err := s.Get(ctx, a, callID)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(proposalID) == "" {
		return "", invalid("proposal", "请选择揭榜方案")
	}
	var win *duijie.Proposal
	for i := range v.Proposals {
		if v.Proposals[i].ID == proposalID {
			win = &v.Proposals[i]
		}
	}
	switch {
	case v.Status != duijie.CallReviewing:
		return "", duijie.Errorf(duijie.ECONFLICT, "榜单%s，不能确定揭榜方", v.Status.Label())
	case win == nil:
		return "", invalid("proposal", "所选方案不属于这份榜单")
	case v.Reviewed < v.Expected:
		return "", duijie.Errorf(duijie.ECONFLICT, "评审尚未完成：已收到 %d / %d 份评分", v.Reviewed, v.Expected)
	}
	note = strings.TrimSpace(note)
	if err := checkText("note", "说明", note); err != nil {
		return "", err
	}
	if utf8.RuneCountInString(note) > duijie.MaxMessage {
		return "", invalid("note", fmt.Sprintf("说明不能超过 %d 个字", duijie.MaxMessage))
	}
	now := s.now()
	msg := "揭榜挂帅“" + v.Title + "”揭榜方：" + win.OrgName
	if note != "" {
		msg += "。" + note
	}
	n := &duijie.Introduction{ID: duijie.NewID("in-"), Origin: duijie.OriginBroker, Stage: duijie.StageConfirmed,
		ChallengeID: v.ChallengeID, EntOrgID: v.EntOrgID, InstOrgID: win.OrgID, ChallengeTitle: v.ChallengeTitle,
		EntAnswer: duijie.AnswerAccepted, InstAnswer: duijie.AnswerAccepted, BrokerID: a.User.ID, Message: msg,
		Due: duijie.DefaultDeadlines.DueAfter(duijie.StageConfirmed, now), Created: now, Updated: now}
	events := []duijie.Event{{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventCreated, To: duijie.StageConfirmed, Note: msg}}
	// An open introduction of the same pair about the challenge (the
	// institute's earlier 揭榜 interest, a broker's recommendation) is moved
	// on to 双方确认 rather than doubled.
	var readAt time.Time
	open, _, err := s.db.Introductions(ctx, sqlite.IntroFilter{ChallengeID: v.ChallengeID, OrgID: win.OrgID, Open: true})
	if err != nil {
		return "", err
	}
	for i := range open {
		o := &open[i]
		if o.EntOrgID != v.EntOrgID || o.InstOrgID != win.OrgID || o.CapabilityID != "" {
			continue
		}
		if o.Stage != duijie.StageQueued && o.Stage != duijie.StageRecommended {
			return "", duijie.Errorf(duijie.ECONFLICT, "双方已有%s的对接，请在对接中继续办理", o.Stage.Label())
		}
		readAt = o.Updated
		from := o.Stage
		o.Stage, o.EntAnswer, o.InstAnswer, o.Due, o.Updated = duijie.StageConfirmed, duijie.AnswerAccepted, duijie.AnswerAccepted, n.Due, now
		if o.BrokerID == "" {
			o.BrokerID = a.User.ID
		}
		n = o
		events = []duijie.Event{{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventStage, From: from, To: duijie.StageConfirmed, Note: msg}}
		break
	}
	var msgs []duijie.Message
	for _, side := range []struct{ org, subject string }{
		{v.EntOrgID, "揭榜挂帅“" + v.Title + "”已揭榜：" + win.OrgName},
		{win.OrgID, "祝贺！贵单位揭榜挂帅“" + v.Title + "”的方案被确定为揭榜方案"},
	} {
		users, err := s.db.UsersOf(ctx, side.org)
		if err != nil {
			return "", err
		}
		for _, u := range users {
			msgs = append(msgs, duijie.Message{UserID: u.ID, Kind: duijie.MsgIntroduction, Subject: side.subject,
				Body: "对接已进入“双方确认”，双方可在对接页面查看对方联系方式，由科技局技术经纪人跟进洽谈与签约。", Link: "/introductions/" + n.ID, Created: now})
		}
	}
	// The losing bidders hear the outcome too.
	for _, p := range v.Proposals {
		if p.ID == win.ID {
			continue
		}
		users, err := s.db.UsersOf(ctx, p.OrgID)
		if err != nil {
			return "", err
		}
		for _, u := range users {
			msgs = append(msgs, duijie.Message{UserID: u.ID, Kind: duijie.MsgReview, Subject: "揭榜挂帅“" + v.Title + "”评审结果",
				Body: "感谢贵单位揭榜。经专家评审，本榜单已确定揭榜方。", Link: "/calls/" + v.ID, Created: now})
		}
	}
	if err := s.db.AwardCall(ctx, v.ID, win.ID, n, readAt, events, msgs); err != nil {
		return "", err
	}
	s.audit(ctx, a, duijie.AuditCallAward, "call:"+v.ID, "proposal "+win.ID+" ("+win.OrgID+"), introduction "+n.ID)
	return n.ID, nil
}
