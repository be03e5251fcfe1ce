package calls

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"duijie/internal/duijie"
)

// Submit stores the caller's institute's proposal to an open call, or
// replaces the text it sent before, until the deadline.
func (s *Service) Submit(ctx context.Context, a Actor, callID string, p *duijie.Proposal) error {
	org, err := s.institute(ctx, a)
	if err != nil {
		return err
	}
	c, err := s.readable(ctx, a, callID)
	if err != nil {
		return err
	}
	if !c.Open(s.today()) {
		return duijie.Errorf(duijie.ECONFLICT, "榜单已截止征集，不能再提交或修改方案")
	}
	if err := p.Validate(); err != nil {
		return err
	}
	now := s.now()
	p.ID, p.CallID, p.OrgID, p.UserID, p.Created, p.Updated = duijie.NewID("pr-"), c.ID, org.ID, a.User.ID, now, now
	if err := s.db.SaveProposal(ctx, p, s.today()); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditProposalSubmit, "proposal:"+p.ID, "call "+c.ID)
	return nil
}

// institute is the caller's approved institute.
func (s *Service) institute(ctx context.Context, a Actor) (*duijie.Organization, error) {
	if !a.User.Is(duijie.RoleInstitute) || a.User.OrgID == "" {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "请使用院所账号登录后揭榜")
	}
	o, err := s.db.Organization(ctx, a.User.OrgID)
	if err != nil {
		return nil, err
	}
	if o.Kind != duijie.OrgInstitute || o.Status != duijie.OrgApproved {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "贵单位的注册尚未通过科技局审核，审核通过后即可揭榜")
	}
	return o, nil
}

// readable loads a call the caller may see: a withdrawn one only for
// brokers, the enterprise and the institutes that bid (who were told why).
func (s *Service) readable(ctx context.Context, a Actor, id string) (*duijie.Call, error) {
	c, err := s.db.Call(ctx, id)
	if err != nil {
		return nil, hide(err, "揭榜挂帅榜单")
	}
	if c.Status != duijie.CallWithdrawn || a.User.Is(duijie.RoleBroker) ||
		(a.User.Is(duijie.RoleEnterprise) && a.User.OrgID == c.EntOrgID) {
		return c, nil
	}
	if a.User.Is(duijie.RoleInstitute) && a.User.OrgID != "" {
		proposals, err := s.db.Proposals(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range proposals {
			if p.OrgID == a.User.OrgID {
				return c, nil
			}
		}
	}
	return nil, duijie.Errorf(duijie.ENOTFOUND, "揭榜挂帅榜单不存在或无权查看")
}

// ProposalView is a proposal as its reader sees it.
type ProposalView struct {
	Call     *duijie.Call
	Proposal *duijie.Proposal
	Own      bool            // the caller's institute's
	Expert   *duijie.Expert  // the caller, when a panel expert
	Review   *duijie.Review  // the caller's review, if any
	Reviews  []duijie.Review // brokers: the panel's reviews
	MayEdit  bool            // the owner, while the call accepts proposals
	MayScore bool            // a panel expert, while under review
}

// Proposal loads a proposal of a call for its readers: the proposing
// institute, brokers, the experts on the call's panel, and the call's
// enterprise for the winning proposal once awarded. Anyone else: ENOTFOUND.
func (s *Service) Proposal(ctx context.Context, a Actor, callID, id string) (*ProposalView, error) {
	c, p, e, err := s.proposalFor(ctx, a, callID, id)
	if err != nil {
		return nil, err
	}
	v := &ProposalView{Call: c, Proposal: p, Expert: e}
	v.Own = a.User.Is(duijie.RoleInstitute) && a.User.OrgID == p.OrgID
	v.MayEdit = v.Own && c.Open(s.today())
	if e != nil {
		v.MayScore = c.Status == duijie.CallReviewing
		reviews, err := s.db.Reviews(ctx, reviewsOf(e.ID))
		if err != nil {
			return nil, err
		}
		for _, r := range reviews {
			if r.ProposalID == p.ID {
				v.Review = &r
			}
		}
	}
	if a.User.Is(duijie.RoleBroker) {
		all, err := s.db.Reviews(ctx, reviewsOfCall(c.ID))
		if err != nil {
			return nil, err
		}
		for _, r := range all {
			if r.ProposalID == p.ID {
				v.Reviews = append(v.Reviews, r)
			}
		}
	}
	return v, nil
}

// proposalFor decides whether a may read proposal id of call callID; the
// expert is returned when a reads it as a panel member.
func (s *Service) proposalFor(ctx context.Context, a Actor, callID, id string) (*duijie.Call, *duijie.Proposal, *duijie.Expert, error) {
	missing := duijie.Errorf(duijie.ENOTFOUND, "揭榜方案不存在或无权查看")
	c, err := s.readable(ctx, a, callID)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := s.db.Proposal(ctx, id)
	if duijie.ErrorCode(err) == duijie.ENOTFOUND || (err == nil && p.CallID != c.ID) {
		return nil, nil, nil, missing
	}
	if err != nil {
		return nil, nil, nil, err
	}
	switch {
	case a.User.Is(duijie.RoleBroker):
		return c, p, nil, nil
	case a.User.Is(duijie.RoleInstitute) && a.User.OrgID != "" && a.User.OrgID == p.OrgID:
		return c, p, nil, nil
	case a.User.Is(duijie.RoleEnterprise) && a.User.OrgID == c.EntOrgID && c.Status == duijie.CallAwarded && c.AwardProposal == p.ID:
		return c, p, nil, nil
	case a.User.Is(duijie.RoleExpert):
		e, err := s.panelExpert(ctx, a, c)
		if err != nil {
			return nil, nil, nil, missing
		}
		return c, p, e, nil
	}
	return nil, nil, nil, missing
}

// panelExpert is the caller as an expert on c's panel (ENOTFOUND if not).
func (s *Service) panelExpert(ctx context.Context, a Actor, c *duijie.Call) (*duijie.Expert, error) {
	if !a.User.Is(duijie.RoleExpert) {
		return nil, duijie.Errorf(duijie.ENOTFOUND, "不是本榜单的评审专家")
	}
	e, err := s.db.ExpertOfUser(ctx, a.User.ID)
	if err != nil {
		return nil, hide(err, "专家")
	}
	panel, err := s.db.Panel(ctx, c.ID)
	if err != nil {
		return nil, hide(err, "评审专家组")
	}
	if !has(panel.Effective(), e.ID) {
		return nil, duijie.Errorf(duijie.ENOTFOUND, "不是本榜单的评审专家")
	}
	return e, nil
}

// AddAttachment adds a file to the caller's institute's proposal while
// the call accepts proposals. Its type is decided from its content
// (Sniff); its name is cleaned and given the extension of that type.
func (s *Service) AddAttachment(ctx context.Context, a Actor, callID, proposalID, name string, data []byte) (*duijie.Attachment, error) {
	c, p, err := s.ownProposal(ctx, a, callID, proposalID)
	if err != nil {
		return nil, err
	}
	if !c.Open(s.today()) {
		return nil, duijie.Errorf(duijie.ECONFLICT, "榜单已截止征集，不能再修改附件")
	}
	typ, ext, err := Sniff(data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	at := &duijie.Attachment{ID: duijie.NewID("att-"), ProposalID: p.ID, Name: cleanName(name, ext), Type: typ,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Created: s.now()}
	if err := s.db.AddAttachment(ctx, at, data, duijie.MaxAttachments, s.today()); err != nil {
		return nil, err
	}
	s.audit(ctx, a, duijie.AuditAttachmentAdd, "attachment:"+at.ID,
		fmt.Sprintf("proposal %s, %s, %s, %d bytes, sha256 %s", p.ID, at.Name, at.Type, at.Size, at.SHA256))
	return at, nil
}

// DeleteAttachment removes a file of the caller's institute's proposal
// while the call accepts proposals.
func (s *Service) DeleteAttachment(ctx context.Context, a Actor, callID, proposalID, id string) error {
	c, p, err := s.ownProposal(ctx, a, callID, proposalID)
	if err != nil {
		return err
	}
	at, _, err := s.db.Attachment(ctx, id)
	if duijie.ErrorCode(err) == duijie.ENOTFOUND || (err == nil && at.ProposalID != p.ID) {
		return duijie.Errorf(duijie.ENOTFOUND, "附件不存在或无权查看")
	}
	if err != nil {
		return err
	}
	if !c.Open(s.today()) {
		return duijie.Errorf(duijie.ECONFLICT, "榜单已截止征集，不能再修改附件")
	}
	if err := s.db.DeleteAttachment(ctx, id, p.ID, s.today()); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditAttachmentDel, "attachment:"+id, "proposal "+p.ID+", "+at.Name+", sha256 "+at.SHA256)
	return nil
}

// ownProposal loads a proposal of the caller's institute.
func (s *Service) ownProposal(ctx context.Context, a Actor, callID, id string) (*duijie.Call, *duijie.Proposal, error) {
	c, p, _, err := s.proposalFor(ctx, a, callID, id)
	if err != nil {
		return nil, nil, err
	}
	if !a.User.Is(duijie.RoleInstitute) || a.User.OrgID != p.OrgID {
		return nil, nil, duijie.Errorf(duijie.EFORBIDDEN, "只有提交方案的院所可以修改附件")
	}
	return c, p, nil
}

// Download returns an attachment to the proposal's readers (see
// Proposal); every download is audited.
func (s *Service) Download(ctx context.Context, a Actor, callID, proposalID, id string) (*duijie.Attachment, []byte, error) {
	_, p, _, err := s.proposalFor(ctx, a, callID, proposalID)
	if err != nil {
		return nil, nil, err
	}
	at, data, err := s.db.Attachment(ctx, id)
	if duijie.ErrorCode(err) == duijie.ENOTFOUND || (err == nil && at.ProposalID != p.ID) {
		return nil, nil, duijie.Errorf(duijie.ENOTFOUND, "附件不存在或无权查看")
	}
	if err != nil {
		return nil, nil, err
	}
	s.audit(ctx, a, duijie.AuditAttachmentGet, "attachment:"+at.ID, "proposal "+p.ID+", "+at.Name)
	return at, data, nil
}

// cleanName keeps the last element of an uploaded name, without control
// characters or quotes, at most 80 characters, ending in ext.
func cleanName(name, ext string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.ToValidUTF8(name, ""))
	name = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0): // C0 and C1 controls, NUL
			return -1
		case unicode.Is(unicode.Cf, r): // bidi overrides (U+202E), isolates, zero-width, BOM
			return -1
		case r == 0x2028 || r == 0x2029 || r == utf8.RuneError: // line breaks, what was not UTF-8
			return -1
		case r == '"' || r == '/' || r == ';' || r == '\\' || r == '<' || r == '>' || r == '*' || r == '?' || r == '|' || r == ':':
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	name = strings.TrimLeft(name, ".")
	if name == "" {
		name = "附件"
	}
	if !strings.EqualFold(path.Ext(name), ext) && !(ext == ".jpg" && strings.EqualFold(path.Ext(name), ".jpeg")) &&
		!(ext == ".doc" && isLegacyOffice(path.Ext(name))) {
		name += ext
	}
	if r := []rune(name); len(r) > 80 {
		e := path.Ext(name)
		name = string(r[:80-utf8.RuneCountInString(e)]) + e
	}
	return name
}

func isLegacyOffice(ext string) bool {
	switch strings.ToLower(ext) {
	case ".doc", ".xls", ".ppt":
		return true
	}
	return false
}
