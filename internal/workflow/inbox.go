package workflow

import (
	"context"
	"strings"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Inbox lists the caller's messages, newest first.
func (s *Service) Inbox(ctx context.Context, a Actor, offset, limit int) ([]duijie.Message, int, error) {
	if a.User == nil {
		return nil, 0, duijie.Errorf(duijie.EFORBIDDEN, "请先登录")
	}
	return s.db.Messages(ctx, a.User.ID, max(offset, 0), limit)
}

// Unread is how many unread messages the caller has (0 when anonymous).
func (s *Service) Unread(ctx context.Context, a Actor) (int, error) {
	if a.User == nil {
		return 0, nil
	}
	return s.db.Unread(ctx, a.User.ID)
}

// Open marks one of the caller's messages read and returns where it
// points; another user's message is not found.
func (s *Service) Open(ctx context.Context, a Actor, id int64) (string, error) {
	if a.User == nil || id <= 0 {
		return "", duijie.Errorf(duijie.ENOTFOUND, "消息不存在")
	}
	link, err := s.db.MarkRead(ctx, a.User.ID, id)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") {
		link = "/inbox"
	}
	return link, nil
}

// ReadAll marks all the caller's messages read.
func (s *Service) ReadAll(ctx context.Context, a Actor) error {
	if a.User == nil {
		return duijie.Errorf(duijie.EFORBIDDEN, "请先登录")
	}
	_, err := s.db.MarkRead(ctx, a.User.ID, 0)
	return err
}

// Notify sends a message to every user of an organisation (the review
// result of a registration, for one).
func (s *Service) Notify(ctx context.Context, orgID string, m duijie.Message) error {
	msgs, err := s.messagesTo(ctx, orgID, m)
	if err != nil {
		return err
	}
	return s.db.SendMessages(ctx, msgs)
}

// Invite lets an institute read a 摘要公开 challenge in full: a broker
// invites, or the challenge's owner does through the bureau (recorded and
// visible to brokers). Audited; withdrawn with Uninvite.
func (s *Service) Invite(ctx context.Context, a Actor, challengeID, orgID string) error {
	c, err := s.inviter(ctx, a, challengeID)
	if err != nil {
		return err
	}
	o, err := s.db.Organization(ctx, orgID)
	if err != nil || o.Kind != duijie.OrgInstitute || o.Status != duijie.OrgApproved {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{"org": "请选择一家已通过审核的院所"}}
	}
	msgs, err := s.messagesTo(ctx, orgID, duijie.Message{Kind: duijie.MsgInvitation, Subject: "邀请查看技术需求详情：" + c.Title,
		Body: "科技局邀请贵单位查看这项摘要公开技术需求的完整内容。", Link: "/challenges/" + c.ID})
	if err != nil {
		return err
	}
	if err := s.db.Invite(ctx, c.ID, orgID, a.User.ID, msgs); err != nil {
		return err
	}
	s.audit(ctx, a, AuditInvite, "challenge:"+c.ID, orgID)
	return nil
}

// Uninvite withdraws an invitation.
func (s *Service) Uninvite(ctx context.Context, a Actor, challengeID, orgID string) error {
	c, err := s.inviter(ctx, a, challengeID)
	if err != nil {
		return err
	}
	if err := s.db.Uninvite(ctx, c.ID, orgID); err != nil {
		return err
	}
	s.audit(ctx, a, AuditUninvite, "challenge:"+c.ID, orgID)
	return nil
}

// Invitations lists who may read a challenge in full by invitation.
func (s *Service) Invitations(ctx context.Context, a Actor, challengeID string) ([]Invitation, error) {
	if _, err := s.inviter(ctx, a, challengeID); err != nil {
		return nil, err
	}
	return s.db.Invitations(ctx, challengeID)
}

// inviter loads a 摘要公开 challenge for a broker or a member of its owner.
func (s *Service) inviter(ctx context.Context, a Actor, challengeID string) (*duijie.Challenge, error) {
	c, err := s.db.Challenge(ctx, challengeID)
	if err != nil || !(a.User.Is(duijie.RoleBroker) || a.User.Is(duijie.RoleEnterprise) && a.User.Member(c.OrgID)) {
		return nil, duijie.Errorf(duijie.ENOTFOUND, "技术需求不存在或未公开")
	}
	if c.Visibility != duijie.VisibilitySummary {
		return nil, duijie.Errorf(duijie.ECONFLICT, "只有“摘要公开”的技术需求需要邀请查看")
	}
	return c, nil
}

// Remind sends, once per introduction and step, a reminder to the broker
// in charge (to the leads when nobody is) and to the sides asked to answer, for every open introduction
// due within soon. It returns how many messages it stored.
func (s *Service) Remind(ctx context.Context, soon time.Duration) (int, error) {
	ns, _, err := s.db.Introductions(ctx, sqlite.IntroFilter{OverdueAt: s.now().Add(soon), Limit: 1000})
	if err != nil {
		return 0, err
	}
	// Nobody is in charge of an unassigned item: the leads, who assign,
	// are reminded of it.
	var leads []string
	brokers, err := s.db.Brokers(ctx)
	if err != nil {
		return 0, err
	}
	for _, b := range brokers {
		if scope, err := s.db.BrokerScope(ctx, b.ID); err == nil && scope.Lead {
			leads = append(leads, b.ID)
		}
	}
	var msgs []duijie.Message
	for i := range ns {
		n := &ns[i]
		key := "due:" + n.ID + ":" + stampKey(n.Due)
		subject := "对接“" + n.Title() + "”（" + n.Stage.Label() + "）将于 " + n.Due.In(duijie.ChinaTime).Format("01月02日") + " 到期"
		if n.Due.Before(s.now()) {
			subject = "对接“" + n.Title() + "”（" + n.Stage.Label() + "）已逾期"
		}
		m := duijie.Message{Kind: duijie.MsgDeadline, Subject: subject, Link: introLink(n.ID), Dedup: key}
		msgs = append(msgs, s.messageToBroker(n, m)...)
		if n.BrokerID == "" {
			for _, id := range leads {
				lm := m
				lm.UserID, lm.Created, lm.Subject = id, s.now(), "（未分派）"+m.Subject
				msgs = append(msgs, lm)
			}
		}
		if n.Stage == duijie.StageRecommended {
			for _, side := range []struct {
				org string
				a   duijie.Answer
			}{{n.EntOrgID, n.EntAnswer}, {n.InstOrgID, n.InstAnswer}} {
				if side.a != duijie.AnswerNone {
					continue
				}
				mm, err := s.messagesTo(ctx, side.org, duijie.Message{Kind: duijie.MsgDeadline,
					Subject: "请答复对接：" + n.Title(), Link: introLink(n.ID), Dedup: key})
				if err != nil {
					return 0, err
				}
				msgs = append(msgs, mm...)
			}
		}
	}
	before, err := s.countAll(ctx, msgs)
	if err != nil {
		return 0, err
	}
	if err := s.db.SendMessages(ctx, msgs); err != nil {
		return 0, err
	}
	after, err := s.countAll(ctx, msgs)
	return after - before, err
}

// countAll adds up the messages of the recipients of msgs.
func (s *Service) countAll(ctx context.Context, msgs []duijie.Message) (int, error) {
	seen, total := map[string]bool{}, 0
	for _, m := range msgs {
		if seen[m.UserID] {
			continue
		}
		seen[m.UserID] = true
		_, n, err := s.db.Messages(ctx, m.UserID, 0, 1)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

func stampKey(t time.Time) string { return t.UTC().Format("20060102T150405") }

// Institutes lists the approved institutes a challenge's owner or a
// broker may invite.
func (s *Service) Institutes(ctx context.Context, a Actor) ([]duijie.Organization, error) {
	if !a.User.Is(duijie.RoleBroker, duijie.RoleEnterprise) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "无权邀请")
	}
	orgs, err := s.db.Organizations(ctx, duijie.OrgApproved)
	if err != nil {
		return nil, err
	}
	var out []duijie.Organization
	for _, o := range orgs {
		if o.Kind == duijie.OrgInstitute {
			out = append(out, o)
		}
	}
	return out, nil
}
