package envoys

import (
	"context"
	"strings"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// MaxReturnNote is the longest reason an enterprise gives for returning a
// challenge an envoy drafted, in characters.
const MaxReturnNote = duijie.MaxReturnNote

// onBehalfNotFound is the one answer for a drafted challenge the caller
// may not act on.
func onBehalfNotFound() error {
	return duijie.Errorf(duijie.ENOTFOUND, "待确认的需求不存在或无权查看")
}

// DraftChallenge is an envoy's challenge on behalf of the enterprise of
// one of their visits: validated like any challenge, stored as a draft of
// the enterprise (待企业确认: not published, not in the public index) and
// announced to the enterprise's members in their inbox. The envoy must
// still serve the enterprise today. Audited.
func (s *Service) DraftChallenge(ctx context.Context, a Actor, visitID string, c *duijie.Challenge) error {
	if err := envoyOnly(a); err != nil {
		return err
	}
	v, err := s.db.Visit(ctx, visitID)
	if err := internal(err); err != nil {
		return err
	}
	if err != nil || v.EnvoyID != a.User.ID {
		return visitNotFound()
	}
	if v.OrgID == "" {
		return duijie.Errorf(duijie.EFORBIDDEN, "只能为您服务的企业代拟技术需求（村的走访不能代拟需求）")
	}
	serving, err := s.db.Assignments(ctx, sqlite.AssignmentFilter{EnvoyID: a.User.ID, OrgID: v.OrgID, Open: true})
	if err != nil {
		return err
	}
	active := false
	for _, as := range serving {
		if as.ActiveOn(s.today()) {
			active = true
		}
	}
	if !active {
		return duijie.Errorf(duijie.EFORBIDDEN, "您目前未派驻在%s，不能为其代拟技术需求", v.OrgName)
	}
	c.Title = strings.TrimSpace(c.Title)
	if err := joinInvalid(c.CheckDeadline(s.today(), time.Time{}), c.Validate()); err != nil {
		return err
	}
	now := s.now()
	c.ID, c.OrgID, c.Status, c.Posted, c.Closure = duijie.NewID("ch-"), v.OrgID, duijie.StatusDraft, time.Time{}, duijie.Closure{}
	o := &duijie.ChallengeOrigin{ChallengeID: c.ID, EnvoyID: a.User.ID, VisitID: v.ID, Created: now}
	users, err := s.db.UsersOf(ctx, v.OrgID)
	if err != nil {
		return err
	}
	var msgs []duijie.Message
	for _, u := range users {
		msgs = append(msgs, duijie.Message{UserID: u.ID, Kind: duijie.MsgReview, Created: now,
			Subject: "科技特派员" + nameOf(a.User) + "为贵单位代拟了技术需求：" + c.Title,
			Body:    "请核对内容：确认后发布，或退回并说明原因。确认前该需求不会公开。", Link: ConfirmPath})
	}
	if err := s.db.CreateOnBehalf(ctx, c, o, msgs); err != nil {
		return err
	}
	s.audit(ctx, a, AuditOnBehalf, "challenge:"+c.ID, "visit:"+v.ID+" org:"+v.OrgID)
	s.sync(ctx)
	return nil
}

// ConfirmPath is where an enterprise's members confirm or return the
// challenges envoys drafted for them.
const ConfirmPath = "/my/envoy-drafts"

// Drafted lists the challenges envoys drafted: an envoy's own; an
// enterprise member's organisation's (every state); brokers' all.
func (s *Service) Drafted(ctx context.Context, a Actor) ([]duijie.ChallengeOrigin, error) {
	switch {
	case a.User.Is(duijie.RoleEnvoy):
		return s.db.ChallengeOrigins(ctx, sqlite.OriginFilter{EnvoyID: a.User.ID})
	case a.User.Is(duijie.RoleEnterprise) && a.User.OrgID != "":
		return s.db.ChallengeOrigins(ctx, sqlite.OriginFilter{OrgID: a.User.OrgID})
	case a.User.Is(duijie.RoleBroker):
		return s.db.ChallengeOrigins(ctx, sqlite.OriginFilter{})
	}
	return nil, duijie.Errorf(duijie.EFORBIDDEN, "无权查看特派员代拟的需求")
}

// awaiting loads a drafted challenge of the caller's enterprise.
func (s *Service) awaiting(ctx context.Context, a Actor, challengeID string) (*duijie.ChallengeOrigin, error) {
	if !a.User.Is(duijie.RoleEnterprise) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有企业用户可以确认代拟的需求")
	}
	o, err := s.db.ChallengeOrigin(ctx, challengeID)
	if err := internal(err); err != nil {
		return nil, err
	}
	if err != nil || !a.User.Member(o.OrgID) {
		return nil, onBehalfNotFound()
	}
	return o, nil
}

// Confirm is a member's confirmation of a challenge an envoy drafted for
// their enterprise: it is published (the portal's own publish path: no
// bureau review of postings), indexed, and the envoy told. The
// enterprise's registration must be approved, and a passed deadline must
// be changed first (the member may edit the draft before confirming).
// Audited.
func (s *Service) Confirm(ctx context.Context, a Actor, challengeID string) error {
	o, err := s.awaiting(ctx, a, challengeID)
	if err != nil {
		return err
	}
	// The registration's approval and the deadline are checked by the
	// store in the transaction that publishes.
	msgs := []duijie.Message{{UserID: o.EnvoyID, Kind: duijie.MsgReview, Created: s.now(),
		Subject: o.OrgName + "确认并发布了您代拟的需求：" + o.Title, Link: "/challenges/" + o.ChallengeID}}
	if err := s.db.ConfirmOnBehalf(ctx, challengeID, o.OrgID, a.User.ID, s.now(), msgs); err != nil {
		return err
	}
	s.audit(ctx, a, AuditOnBehalfOK, "challenge:"+challengeID, "envoy:"+o.EnvoyID)
	s.sync(ctx)
	return nil
}

// Return is a member's 退回 of a challenge an envoy drafted, with the
// reason, which the envoy reads; the draft is closed and never published.
// Audited.
func (s *Service) Return(ctx context.Context, a Actor, challengeID, note string) error {
	o, err := s.awaiting(ctx, a, challengeID)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if err := duijie.ValidateReturnNote(note); err != nil {
		return err
	}
	msgs := []duijie.Message{{UserID: o.EnvoyID, Kind: duijie.MsgReview, Created: s.now(),
		Subject: o.OrgName + "退回了您代拟的需求：" + o.Title, Body: note, Link: "/envoy"}}
	if err := s.db.ReturnOnBehalf(ctx, challengeID, o.OrgID, a.User.ID, note, s.now(), msgs); err != nil {
		return err
	}
	s.audit(ctx, a, AuditOnBehalfReturn, "challenge:"+challengeID, note)
	s.sync(ctx)
	return nil
}

func nameOf(u *duijie.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// joinInvalid merges the field messages of EINVALID errors into one; any
// other error wins.
func joinInvalid(errs ...error) error {
	fields := map[string]string{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		f := fieldsOf(err)
		if f == nil {
			return err
		}
		for k, v := range f {
			if _, ok := fields[k]; !ok {
				fields[k] = v
			}
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: fields}
}
