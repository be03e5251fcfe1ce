package portal

import (
	"context"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Propose records an institute's interest in a challenge (揭榜/意向) with
// its proposal; the challenge must be published and readable by the
// institute.
func (s *Service) Propose(ctx context.Context, a Actor, i *duijie.Interest) error {
	org, err := s.approvedMember(ctx, a, duijie.OrgInstitute)
	if err != nil {
		return err
	}
	c, err := s.challenge(ctx, a, i.ChallengeID, false)
	if err != nil {
		return err
	}
	if c.Status != duijie.StatusPublished {
		return duijie.Errorf(duijie.ECONFLICT, "该技术需求已关闭，不再接受揭榜")
	}
	if c.Expired {
		return duijie.Errorf(duijie.ECONFLICT, "该技术需求已截止，不再接受揭榜")
	}
	i.ID, i.Kind, i.CapabilityID, i.OrgID, i.UserID = duijie.NewID("int-"), duijie.InterestProposal, "", org.ID, a.User.ID
	if err := s.db.CreateInterest(ctx, i, s.now().Add(s.wf.Deadlines().Queue)); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditInterest, "challenge:"+c.ID, i.ID)
	return nil
}

// RequestIntro records an enterprise's request for an introduction to a
// published capability.
func (s *Service) RequestIntro(ctx context.Context, a Actor, i *duijie.Interest) error {
	org, err := s.approvedMember(ctx, a, duijie.OrgEnterprise)
	if err != nil {
		return err
	}
	c, err := s.Capability(ctx, a, i.CapabilityID)
	if err != nil {
		return err
	}
	if c.Status != duijie.StatusPublished {
		return duijie.Errorf(duijie.ECONFLICT, "该成果已下架，暂不接受对接申请")
	}
	i.ID, i.Kind, i.ChallengeID, i.OrgID, i.UserID = duijie.NewID("int-"), duijie.InterestIntro, "", org.ID, a.User.ID
	if err := s.db.CreateInterest(ctx, i, s.now().Add(s.wf.Deadlines().Queue)); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditInterest, "capability:"+c.ID, i.ID)
	return nil
}

// Queue lists the interests waiting for the bureau, newest first; brokers
// only.
func (s *Service) Queue(ctx context.Context, a Actor, offset, limit int) ([]duijie.Interest, int, error) {
	if !a.User.Is(duijie.RoleBroker) {
		return nil, 0, duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以查看对接队列")
	}
	return s.db.Interests(ctx, sqlite.InterestFilter{Status: duijie.InterestQueued, Offset: offset, Limit: limit})
}

// SentInterests lists what the caller's organisation asked for.
func (s *Service) SentInterests(ctx context.Context, a Actor, offset, limit int) ([]duijie.Interest, int, error) {
	if a.User == nil || a.User.OrgID == "" {
		return nil, 0, nil
	}
	return s.db.Interests(ctx, sqlite.InterestFilter{OrgID: a.User.OrgID, Offset: offset, Limit: limit})
}

// ReceivedCount is how many interests other organisations expressed in
// the caller's organisation's postings. Who they are passes to the
// enterprise or institute through the bureau, not here.
func (s *Service) ReceivedCount(ctx context.Context, a Actor) (int, error) {
	if a.User == nil || a.User.OrgID == "" {
		return 0, nil
	}
	_, total, err := s.db.Interests(ctx, sqlite.InterestFilter{TargetOrgID: a.User.OrgID, Status: duijie.InterestQueued, Limit: 1})
	return total, err
}

// Interested reports whether the caller's organisation already has an
// open interest in a posting ("challenge" or "capability").
func (s *Service) Interested(ctx context.Context, a Actor, typ, id string) (bool, error) {
	if a.User == nil || a.User.OrgID == "" {
		return false, nil
	}
	f := sqlite.InterestFilter{OrgID: a.User.OrgID, Status: duijie.InterestQueued, Limit: 1}
	if typ == TypeChallenge {
		f.ChallengeID = id
	} else {
		f.CapabilityID = id
	}
	_, n, err := s.db.Interests(ctx, f)
	return n > 0, err
}
