package portal

import (
	"context"
	"errors"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// ChallengeView is a challenge as the caller may read it: a summary reader
// gets it redacted.
type ChallengeView struct {
	duijie.Challenge
	Access  duijie.Access
	CanEdit bool
	// Expired: published, and its deadline has passed (decided now, from
	// the store): shown as 已截止, no longer in the default lists.
	Expired bool
}

// CapabilityView is a capability as the caller may read it.
type CapabilityView struct {
	duijie.Capability
	CanEdit bool
}

// Challenge returns a challenge as a reads it; one it may not see is not
// found. Reading a confidential challenge in full is audited: call it once
// per view.
func (s *Service) Challenge(ctx context.Context, a Actor, id string) (*ChallengeView, error) {
	return s.challenge(ctx, a, id, true)
}

func (s *Service) challenge(ctx context.Context, a Actor, id string, audit bool) (*ChallengeView, error) {
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
	if audit && !owner && c.Visibility != duijie.VisibilityPublic && acc == duijie.AccessFull {
		s.audit(ctx, a, duijie.AuditConfidential, "challenge:"+c.ID, string(c.Visibility))
	}
	if acc == duijie.AccessSummary {
		c.Redact()
	}
	if !owner && !a.User.Is(duijie.RoleBroker) {
		c.Closure = duijie.Closure{} // why it was closed: its owner and the bureau
	}
	return &ChallengeView{Challenge: *c, Access: acc, CanEdit: owner && a.User.Is(duijie.RoleEnterprise),
		Expired: c.Expired(today(s.now()))}, nil
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
// challenges. publish makes a draft public; an edit never changes the
// status otherwise (a close made meanwhile stays closed).
func (s *Service) SaveChallenge(ctx context.Context, a Actor, c *duijie.Challenge, publish bool) error {
	org, err := s.approvedMember(ctx, a, duijie.OrgEnterprise)
	if err != nil {
		return err
	}
	c.OrgID, c.Title = org.ID, strings.TrimSpace(c.Title)
	var was time.Time // the stored deadline: an unchanged one may have passed
	if c.ID != "" {
		if old, err := s.db.Challenge(ctx, c.ID); err == nil && old.OrgID == org.ID {
			was = old.Deadline
		}
	}
	if err := c.CheckDeadline(today(s.now()), was); err != nil {
		return joinInvalid(err, c.Validate())
	}
	if c.ID == "" {
		c.ID, c.Status = duijie.NewID("ch-"), duijie.StatusDraft
		if publish {
			c.Status, c.Posted = duijie.StatusPublished, today(s.now())
		}
		err = s.db.PutChallenge(ctx, c)
	} else {
		err = s.db.UpdateChallenge(ctx, c)
		if err == nil && publish {
			err = s.publish(ctx, "challenge", c.ID, org.ID)
		}
		if err == nil {
			var now *duijie.Challenge
			if now, err = s.db.Challenge(ctx, c.ID); err == nil {
				c.Status, c.Posted = now.Status, now.Posted
			}
		}
	}
	if err != nil {
		return hide(err, "技术需求")
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
	c.OrgID, c.Title = org.ID, strings.TrimSpace(c.Title)
	if strings.TrimSpace(string(c.Region)) == "" {
		c.Region = org.Region
	}
	if c.ID == "" {
		c.ID, c.Status = duijie.NewID("cap-"), duijie.StatusDraft
		if publish {
			c.Status, c.Posted = duijie.StatusPublished, today(s.now())
		}
		err = s.db.PutCapability(ctx, c)
	} else {
		err = s.db.UpdateCapability(ctx, c)
		if err == nil && publish {
			err = s.publish(ctx, "capability", c.ID, org.ID)
		}
		if err == nil {
			var now *duijie.Capability
			if now, err = s.db.Capability(ctx, c.ID); err == nil {
				c.Status, c.Posted = now.Status, now.Posted
			}
		}
	}
	if err != nil {
		return hide(err, "科技成果")
	}
	s.audit(ctx, a, duijie.AuditPostingWrite, "capability:"+c.ID, string(c.Status))
	s.Sync(ctx)
	return nil
}

// publish makes a draft public; a posting that is no draft stays as it is.
func (s *Service) publish(ctx context.Context, typ, id, orgID string) error {
	err := s.db.SetStatus(ctx, typ, id, orgID, duijie.StatusDraft, duijie.StatusPublished, today(s.now()).Format(duijie.DateLayout), duijie.Closure{})
	if duijie.ErrorCode(err) == duijie.ECONFLICT {
		return nil
	}
	return err
}

// SetStatus closes (published → closed), reopens (closed → published) or
// publishes (draft → published) one of the caller's postings. The change
// is one conditional write: a status changed meanwhile is a conflict.
// Closing a challenge takes why (a reason from the list, a note); a
// challenge whose deadline has passed is published again only after an
// edit gives it a new one. Capabilities take no reason.
func (s *Service) SetStatus(ctx context.Context, a Actor, typ, id string, to duijie.Status, why duijie.Closure) error {
	var from duijie.Status
	var orgID string
	switch typ {
	case "challenge":
		c, err := s.db.Challenge(ctx, id)
		if err != nil || !a.User.Member(c.OrgID) || !a.User.Is(duijie.RoleEnterprise) {
			return duijie.Errorf(duijie.ENOTFOUND, "技术需求不存在或未公开")
		}
		from, orgID = c.Status, c.OrgID
		if to == duijie.StatusPublished && from != duijie.StatusPublished && !c.Deadline.IsZero() && c.Deadline.Before(today(s.now())) {
			return &duijie.Error{Code: duijie.ECONFLICT, Message: "截止日期已过，请先编辑需求、修改截止日期后再发布",
				Fields: map[string]string{"deadline": "截止日期已过"}}
		}
		if to != duijie.StatusClosed {
			why = duijie.Closure{}
		} else if from == duijie.StatusPublished {
			why.Note = strings.TrimSpace(why.Note)
			if err := why.Validate(); err != nil {
				return err
			}
		}
	case "capability":
		c, err := s.db.Capability(ctx, id)
		if err != nil || !a.User.Member(c.OrgID) || !a.User.Is(duijie.RoleInstitute) {
			return duijie.Errorf(duijie.ENOTFOUND, "科技成果不存在或未公开")
		}
		from, orgID = c.Status, c.OrgID
		why = duijie.Closure{}
	default:
		return duijie.Errorf(duijie.ENOTFOUND, "不存在")
	}
	if err := transition(from, to); err != nil {
		return err
	}
	if err := s.db.SetStatus(ctx, typ, id, orgID, from, to, today(s.now()).Format(duijie.DateLayout), why); err != nil {
		return err
	}
	detail := string(from) + " → " + string(to)
	if why.Reason != "" {
		detail += "：" + why.Reason.Label()
		if why.Note != "" {
			detail += "（" + why.Note + "）"
		}
	}
	s.audit(ctx, a, duijie.AuditPostingStatus, typ+":"+id, detail)
	s.Sync(ctx)
	return nil
}

func transition(from, to duijie.Status) error {
	switch {
	case from == duijie.StatusPublished && to == duijie.StatusClosed,
		from == duijie.StatusClosed && to == duijie.StatusPublished,
		from == duijie.StatusDraft && to == duijie.StatusPublished:
		return nil
	case to.Label() == "":
		return duijie.Errorf(duijie.EINVALID, "不支持的状态：%s", to)
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

// joinInvalid merges the field messages of EINVALID errors into one (the
// form shows them all at once); any other error wins.
func joinInvalid(errs ...error) error {
	fields := map[string]string{}
	for _, err := range errs {
		var de *duijie.Error
		if err == nil {
			continue
		}
		if !errors.As(err, &de) || de.Code != duijie.EINVALID {
			return err
		}
		for k, v := range de.Fields {
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

// MaxReturnNote is the longest reason a broker gives for returning a
// posting, in characters.
const MaxReturnNote = 500

// ReturnPosting is a broker's 退回: a published posting goes back to its
// owner as a draft (out of every list and ranking), with the reason in
// the owner's inbox and in the audit log.
func (s *Service) ReturnPosting(ctx context.Context, a Actor, typ, id, note string) error {
	if !a.User.Is(duijie.RoleBroker) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以退回发布")
	}
	var orgID, title string
	var status duijie.Status
	switch typ {
	case TypeChallenge:
		c, err := s.db.Challenge(ctx, id)
		if err != nil {
			return hide(err, "技术需求")
		}
		orgID, title, status = c.OrgID, c.Title, c.Status
	case TypeCapability:
		c, err := s.db.Capability(ctx, id)
		if err != nil {
			return hide(err, "科技成果")
		}
		orgID, title, status = c.OrgID, c.Title, c.Status
	default:
		return duijie.Errorf(duijie.ENOTFOUND, "不存在")
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请填写退回原因", Fields: map[string]string{"note": "请填写退回原因，发布方会收到这条说明"}}
	}
	if err := duijie.ValidateNote("note", "退回原因", note, MaxReturnNote); err != nil {
		return err // the owner reads it, the audit log keeps it: no bidi or control characters
	}
	if status != duijie.StatusPublished {
		return duijie.Errorf(duijie.ECONFLICT, "只能退回已发布的内容（当前：%s）", status.Label())
	}
	if err := s.db.SetStatus(ctx, typ, id, orgID, duijie.StatusPublished, duijie.StatusDraft, today(s.now()).Format(duijie.DateLayout), duijie.Closure{}); err != nil {
		return err
	}
	s.audit(ctx, a, AuditPostingReturn, typ+":"+id, note)
	path := map[string]string{TypeChallenge: "/challenges/", TypeCapability: "/capabilities/"}[typ] + id
	if err := s.wf.Notify(ctx, orgID, duijie.Message{Kind: duijie.MsgReview, Subject: "科技局退回了您的发布：" + title,
		Body: note + "（修改后可重新发布）", Link: path}); err != nil {
		s.log.ErrorContext(ctx, "return message failed", "posting", id, "err", err) // the return itself stands
	}
	s.Sync(ctx)
	return nil
}

// AuditPostingReturn is a broker's 退回 of a posting.
const AuditPostingReturn = "posting.return"
