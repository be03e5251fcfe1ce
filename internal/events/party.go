package events

import (
	"context"
	"strings"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// MaxInvite is how many postings one invitation may name.
const MaxInvite = 50

// MaxParties is how many parties one event may have: the timetable page
// lists every pair of them, and the timetable asks the ranking of every
// challenge on each showing.
const MaxParties = 200

// roomFor refuses n more parties of an event that would then have more
// than MaxParties.
func (s *Service) roomFor(ctx context.Context, id string, n int) error {
	ps, err := s.db.EventParties(ctx, id)
	if err != nil {
		return err
	}
	if len(ps)+n > MaxParties {
		return duijie.Errorf(duijie.ECONFLICT, "每场对接会最多 %d 个参会方（现有 %d 个）", MaxParties, len(ps))
	}
	return nil
}

// Candidates lists the published postings of a kind a broker may invite
// to an event: in its industries (all when it names none), not yet
// taking part, with q (if any) in the title or the organisation's name.
func (s *Service) Candidates(ctx context.Context, a Actor, id string, kind PartyKind, q string) ([]Candidate, error) {
	e, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	limit := 100
	if strings.TrimSpace(q) != "" {
		limit = 1000 // filtered below
	}
	all, err := s.db.EventCandidates(ctx, kind, e.Industries, "", limit)
	if err != nil {
		return nil, err
	}
	parties, err := s.db.EventParties(ctx, id)
	if err != nil {
		return nil, err
	}
	in := map[string]bool{}
	for _, p := range parties {
		in[p.OrgID] = true
	}
	q = strings.ToLower(strings.TrimSpace(q))
	var out []Candidate
	for _, c := range all {
		if !in[c.OrgID] && (q == "" || strings.Contains(strings.ToLower(c.Title+" "+c.OrgName), q)) {
			out = append(out, c)
		}
	}
	return out, nil
}

// posting reads a posting of a kind: its title, organisation and status.
func (s *Service) posting(ctx context.Context, kind PartyKind, id string) (title, orgID string, status duijie.Status, err error) {
	switch kind {
	case sqlite.PartyChallenge:
		c, err := s.db.Challenge(ctx, id)
		if err != nil {
			return "", "", "", hide(err, "技术需求")
		}
		return c.Title, c.OrgID, c.Status, nil
	case sqlite.PartyCapability:
		c, err := s.db.Capability(ctx, id)
		if err != nil {
			return "", "", "", hide(err, "科技成果")
		}
		return c.Title, c.OrgID, c.Status, nil
	}
	return "", "", "", &duijie.Error{Code: duijie.EINVALID, Message: "请选择邀请技术需求还是科技成果", Fields: map[string]string{"kind": "请选择邀请技术需求还是科技成果"}}
}

// hide turns a missing posting into the one not-found answer.
func hide(err error, what string) error {
	if duijie.ErrorCode(err) == duijie.ENOTFOUND {
		return duijie.Errorf(duijie.ENOTFOUND, "%s不存在", what)
	}
	return err
}

// Invite asks the organisations of published postings to an event: each
// becomes a party at 已邀请, available in every slot, and its users get
// a message. An organisation already taking part is a conflict and
// nothing is written.
func (s *Service) Invite(ctx context.Context, a Actor, id string, kind PartyKind, postingIDs []string) (int, error) {
	e, err := s.load(ctx, a, id)
	if err != nil {
		return 0, err
	}
	if e.Status == sqlite.EventEnded {
		return 0, duijie.Errorf(duijie.ECONFLICT, "对接会已结束，不能再邀请")
	}
	var ids []string
	seen := map[string]bool{}
	for _, p := range postingIDs {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			ids = append(ids, p)
		}
	}
	switch {
	case len(ids) == 0:
		return 0, &duijie.Error{Code: duijie.EINVALID, Message: "请至少选择一项", Fields: map[string]string{"postings": "请至少选择一项技术需求或科技成果"}}
	case len(ids) > MaxInvite:
		return 0, &duijie.Error{Code: duijie.EINVALID, Message: "一次最多邀请 50 项", Fields: map[string]string{"postings": "一次最多邀请 50 项"}}
	}
	if err := s.roomFor(ctx, id, len(ids)); err != nil {
		return 0, err
	}
	now := s.now()
	var ps []Party
	var msgs []duijie.Message
	orgs := map[string]bool{}
	for _, pid := range ids {
		title, org, status, err := s.posting(ctx, kind, pid)
		if err != nil {
			return 0, err
		}
		if status != duijie.StatusPublished {
			return 0, duijie.Errorf(duijie.ECONFLICT, "只能邀请已发布的技术需求和科技成果（%s）", title)
		}
		if orgs[org] {
			return 0, duijie.Errorf(duijie.ECONFLICT, "“%s”所属单位已在本次邀请中（每家单位以一项发布参会）", title)
		}
		orgs[org] = true
		ps = append(ps, Party{ID: duijie.NewID("ep-"), EventID: id, Kind: kind, PostingID: pid, OrgID: org, InvitedBy: a.User.ID,
			Available: allSlots(len(e.Slots)), Status: sqlite.PartyInvited, Created: now, Updated: now, Title: title})
		users, err := s.db.UsersOf(ctx, org)
		if err != nil {
			return 0, err
		}
		for _, u := range users {
			msgs = append(msgs, duijie.Message{UserID: u.ID, Kind: duijie.MsgInvitation, Created: now, Link: eventLink(id),
				Subject: "科技局邀请您参加对接会：" + e.Theme,
				Body:    e.Day.Format(duijie.DateLayout) + " · " + e.Place + "。您以“" + title + "”参会，请确认是否参加并选择可参会的时段。"})
		}
	}
	if err := s.db.AddEventParties(ctx, ps, msgs); err != nil {
		return 0, err
	}
	for _, p := range ps {
		s.audit(ctx, a, AuditInvite, "event:"+id, string(p.Kind)+":"+p.PostingID)
	}
	return len(ps), nil
}

func allSlots(n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = true
	}
	return out
}

// checkSlots validates a party's availability against the event.
func checkSlots(e *Event, avail []bool) error {
	some := false
	for _, a := range avail {
		some = some || a
	}
	if len(avail) != len(e.Slots) || !some {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请至少选择一个可参会的时段",
			Fields: map[string]string{"slots": "请至少选择一个可参会的时段"}}
	}
	return nil
}

// Register is a member's own registration for a published event with a
// published posting of their organisation, available in the slots given.
func (s *Service) Register(ctx context.Context, a Actor, id, postingID string, avail []bool) error {
	if !a.User.Is(duijie.RoleEnterprise, duijie.RoleInstitute) || a.User.OrgID == "" {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有企业和院所可以报名参加对接会")
	}
	v, err := s.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if len(v.Parties) > 0 {
		return duijie.Errorf(duijie.ECONFLICT, "贵单位已参加本次对接会")
	}
	if v.Status != sqlite.EventPublished {
		return duijie.Errorf(duijie.ECONFLICT, "对接会%s，不能报名", v.Status.Label())
	}
	kind := sideOf(a.User)
	postingID = strings.TrimSpace(postingID)
	if postingID == "" {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请选择参会的发布", Fields: map[string]string{"posting": "请选择以哪项发布参会"}}
	}
	title, org, status, err := s.posting(ctx, kind, postingID)
	if (err == nil && org != a.User.OrgID) || duijie.ErrorCode(err) == duijie.ENOTFOUND {
		// One answer for a posting of another organisation and one that
		// does not exist: no oracle of others' (hidden, draft) ids.
		return duijie.Errorf(duijie.ENOTFOUND, "发布不存在")
	}
	if err != nil {
		return err
	}
	if status != duijie.StatusPublished {
		return duijie.Errorf(duijie.ECONFLICT, "请先发布“%s”再报名", title)
	}
	if err := checkSlots(&v.Event, avail); err != nil {
		return err
	}
	if err := s.roomFor(ctx, id, 1); err != nil {
		return err
	}
	now := s.now()
	p := Party{ID: duijie.NewID("ep-"), EventID: id, Kind: kind, PostingID: postingID, OrgID: org, Available: avail,
		Status: sqlite.PartyRegistered, Created: now, Updated: now, Title: title}
	msgs := []duijie.Message{{UserID: v.CreatedBy, Kind: duijie.MsgInvitation, Created: now, Link: eventLink(id),
		Subject: "新的对接会报名：" + v.Theme, Body: "“" + title + "”报名参加。"}}
	if err := s.db.AddEventParties(ctx, []Party{p}, msgs); err != nil {
		return err
	}
	s.audit(ctx, a, AuditRegister, "event:"+id, string(kind)+":"+postingID)
	return nil
}

// party loads a party of an event for a: brokers any; a member only one
// of their organisation; anyone else ENOTFOUND.
func (s *Service) party(ctx context.Context, a Actor, e *Event, partyID string) (*Party, error) {
	ps, err := s.db.EventParties(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.ID == partyID && (a.User.Is(duijie.RoleBroker) || (a.User.Is(duijie.RoleEnterprise, duijie.RoleInstitute) && a.User.Member(p.OrgID))) {
			return &p, nil
		}
	}
	return nil, duijie.Errorf(duijie.ENOTFOUND, "参会方不存在或无权查看")
}

// Answer is a party's answer to an event, by its organisation or by a
// broker on its behalf: it takes part in the slots given, or declines.
// Meetings already scheduled in slots it no longer has stay, and the
// timetable shows them as conflicts for the broker to move.
func (s *Service) Answer(ctx context.Context, a Actor, id, partyID string, attend bool, avail []bool) error {
	e, err := s.db.Event(ctx, id)
	if duijie.ErrorCode(err) == duijie.ENOTFOUND {
		return notFound()
	}
	if err != nil {
		return err
	}
	p, err := s.party(ctx, a, e, partyID)
	if err != nil {
		return err
	}
	if e.Status == sqlite.EventEnded {
		return duijie.Errorf(duijie.ECONFLICT, "对接会已结束")
	}
	if attend {
		if err := checkSlots(e, avail); err != nil {
			return err
		}
		p.Available, p.Status = avail, sqlite.PartyRegistered
	} else {
		p.Status = sqlite.PartyDeclined
	}
	p.Updated = s.now()
	if err := s.db.SaveEventParty(ctx, p); err != nil {
		return err
	}
	s.audit(ctx, a, AuditAnswer, "event:"+id, p.ID+" "+string(p.Status)+" "+availText(p.Available))
	return nil
}

func availText(av []bool) string {
	var b strings.Builder
	for _, a := range av {
		if a {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}
