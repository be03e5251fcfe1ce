package portal

import (
	"context"
	"strings"

	"duijie/internal/duijie"
)

// ChallengeView is a challenge as the caller may read it: a summary reader
// gets it redacted.
type ChallengeView struct {
	duijie.Challenge
	Access  duijie.Access
	CanEdit bool
}

// CapabilityView is a capability as the caller may read it.
type CapabilityView struct {
	duijie.Capability
	CanEdit bool
}

// Challenge returns a challenge as a reads it; one it may not see is not
// found.
func (s *Service) Challenge(ctx context.Context, a Actor, id string) (*ChallengeView, error) {
	c, err := s.db.Challenge(ctx, id)
	if err != nil {
		return nil, hide(err, "技术需求")
	}
	acc, err := s.challengeAccess(ctx, a, c)
	if err != nil {
		return nil, err
	}
	if acc == duijie.AccessNone {
		return nil, duijie.Errorf(duijie.ENOTFOUND, "技术需求不存在或未公开")
	}
	owner := a.User.Member(c.OrgID)
	if !owner && c.Visibility != duijie.VisibilityPublic && acc == duijie.AccessFull {
		s.audit(ctx, a, duijie.AuditConfidential, "challenge:"+c.ID, string(c.Visibility))
	}
	if acc == duijie.AccessSummary {
		c.Redact()
	}
	return &ChallengeView{Challenge: *c, Access: acc, CanEdit: owner && a.User.Is(duijie.RoleEnterprise)}, nil
}

func (s *Service) challengeAccess(ctx context.Context, a Actor, c *duijie.Challenge) (duijie.Access, error) {
	invited := false
	if c.Visibility == duijie.VisibilitySummary && a.User != nil && a.User.OrgID != "" {
		var err error
		if invited, err = s.db.Invited(ctx, c.ID, a.User.OrgID); err != nil {
			return duijie.AccessNone, err
		}
	}
	return duijie.ChallengeAccess(a.User, c, invited), nil
}

// Capability returns a capability as a reads it.
func (s *Service) Capability(ctx context.Context, a Actor, id string) (*CapabilityView, error) {
	c, err := s.db.Capability(ctx, id)
	if err != nil {
		return nil, hide(err, "科技成果")
	}
	if duijie.CapabilityAccess(a.User, c) == duijie.AccessNone {
		return nil, duijie.Errorf(duijie.ENOTFOUND, "科技成果不存在或未公开")
	}
	return &CapabilityView{Capability: *c, CanEdit: a.User.Member(c.OrgID) && a.User.Is(duijie.RoleInstitute)}, nil
}

// hide turns a store's not-found into one message that names no id.
func hide(err error, what string) error {
	if duijie.ErrorCode(err) == duijie.ENOTFOUND {
		return duijie.Errorf(duijie.ENOTFOUND, "%s不存在或未公开", what)
	}
	return err
}

// SaveChallenge creates (c.ID == "") or updates one of the caller's
// challenges. publish makes a draft public; saving a published challenge
// keeps it published.
func (s *Service) SaveChallenge(ctx context.Context, a Actor, c *duijie.Challenge, publish bool) error {
	org, err := s.approvedMember(ctx, a, duijie.OrgEnterprise)
	if err != nil {
		return err
	}
	if c.ID == "" {
		c.ID, c.Status = newID("ch-"), duijie.StatusDraft
	} else {
		old, err := s.db.Challenge(ctx, c.ID)
		if err != nil || old.OrgID != org.ID {
			return duijie.Errorf(duijie.ENOTFOUND, "技术需求不存在或未公开")
		}
		c.Status, c.Posted = old.Status, old.Posted
	}
	c.OrgID = org.ID
	c.Title = strings.TrimSpace(c.Title)
	if publish && c.Status == duijie.StatusDraft {
		c.Status = duijie.StatusPublished
	}
	if c.Status == duijie.StatusPublished && c.Posted.IsZero() {
		c.Posted = today(s.now())
	}
	if err := s.db.PutChallenge(ctx, c); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditPostingWrite, "challenge:"+c.ID, string(c.Status))
	s.Sync(ctx)
	return nil
}

// SaveCapability creates or updates one of the caller's capabilities.
func (s *Service) SaveCapability(ctx context.Context, a Actor, c *duijie.Capability, publish bool) error {
	org, err := s.approvedMember(ctx, a, duijie.OrgInstitute)
	if err != nil {
		return err
	}
	if c.ID == "" {
		c.ID, c.Status = newID("cap-"), duijie.StatusDraft
	} else {
		old, err := s.db.Capability(ctx, c.ID)
		if err != nil || old.OrgID != org.ID {
			return duijie.Errorf(duijie.ENOTFOUND, "科技成果不存在或未公开")
		}
		c.Status, c.Posted = old.Status, old.Posted
	}
	c.OrgID = org.ID
	c.Title = strings.TrimSpace(c.Title)
	if strings.TrimSpace(c.Region) == "" {
		c.Region = org.Region
	}
	if publish && c.Status == duijie.StatusDraft {
		c.Status = duijie.StatusPublished
	}
	if c.Status == duijie.StatusPublished && c.Posted.IsZero() {
		c.Posted = today(s.now())
	}
	if err := s.db.PutCapability(ctx, c); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditPostingWrite, "capability:"+c.ID, string(c.Status))
	s.Sync(ctx)
	return nil
}

// SetStatus closes (published → closed), reopens (closed → published) or
// publishes (draft → published) one of the caller's postings.
func (s *Service) SetStatus(ctx context.Context, a Actor, typ, id string, to duijie.Status) error {
	switch typ {
	case "challenge":
		c, err := s.db.Challenge(ctx, id)
		if err != nil || !a.User.Member(c.OrgID) || !a.User.Is(duijie.RoleEnterprise) {
			return duijie.Errorf(duijie.ENOTFOUND, "技术需求不存在或未公开")
		}
		if err := transition(c.Status, to); err != nil {
			return err
		}
		c.Status = to
		if to == duijie.StatusPublished && c.Posted.IsZero() {
			c.Posted = today(s.now())
		}
		if err := s.db.PutChallenge(ctx, c); err != nil {
			return err
		}
	case "capability":
		c, err := s.db.Capability(ctx, id)
		if err != nil || !a.User.Member(c.OrgID) || !a.User.Is(duijie.RoleInstitute) {
			return duijie.Errorf(duijie.ENOTFOUND, "科技成果不存在或未公开")
		}
		if err := transition(c.Status, to); err != nil {
			return err
		}
		c.Status = to
		if to == duijie.StatusPublished && c.Posted.IsZero() {
			c.Posted = today(s.now())
		}
		if err := s.db.PutCapability(ctx, c); err != nil {
			return err
		}
	default:
		return duijie.Errorf(duijie.ENOTFOUND, "不存在")
	}
	s.audit(ctx, a, duijie.AuditPostingStatus, typ+":"+id, string(to))
	s.Sync(ctx)
	return nil
}

func transition(from, to duijie.Status) error {
	switch {
	case from == duijie.StatusPublished && to == duijie.StatusClosed,
		from == duijie.StatusClosed && to == duijie.StatusPublished,
		from == duijie.StatusDraft && to == duijie.StatusPublished:
		return nil
	}
	return duijie.Errorf(duijie.ECONFLICT, "当前状态（%s）不能改为%s", from.Label(), to.Label())
}

// Mine lists the caller's organisation's postings of a type, every
// status, newest change first.
func (s *Service) Mine(ctx context.Context, a Actor, typ string) ([]Item, error) {
	if a.User == nil || a.User.OrgID == "" {
		return nil, nil
	}
	ids, err := s.db.PostingsOf(ctx, typ, a.User.OrgID)
	if err != nil {
		return nil, err
	}
	var out []Item
	for _, id := range ids {
		it, err := s.item(ctx, a, typ, id, nil)
		if err != nil {
			return nil, err
		}
		if it != nil {
			out = append(out, *it)
		}
	}
	return out, nil
}
