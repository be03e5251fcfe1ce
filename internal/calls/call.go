package calls

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// CallInput is what a broker fills in to publish a call.
type CallInput struct {
	Title    string
	Summary  string
	Reward   int // whole 万元
	Deadline time.Time
	Criteria []duijie.Criterion
}

// Create publishes a call on a published, public challenge (a broker's
// act: the enterprise asks the bureau, which publishes it). A challenge
// has at most one live call.
func (s *Service) Create(ctx context.Context, a Actor, challengeID string, in CallInput) (*duijie.Call, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	ch, err := s.db.Challenge(ctx, challengeID)
	if err != nil {
		return nil, hide(err, "技术需求")
	}
	switch {
	case ch.Status != duijie.StatusPublished:
		return nil, duijie.Errorf(duijie.ECONFLICT, "只有已发布的技术需求可以发布揭榜挂帅榜单")
	case ch.Visibility != duijie.VisibilityPublic:
		return nil, duijie.Errorf(duijie.ECONFLICT, "揭榜挂帅榜单公开发布，只能用于公开的技术需求；请先与企业确认将需求改为公开")
	case ch.Expired(s.today()):
		return nil, duijie.Errorf(duijie.ECONFLICT, "技术需求“%s”已截止", ch.Title)
	}
	now := s.now()
	c := &duijie.Call{ID: duijie.NewID("call-"), ChallengeID: ch.ID, ChallengeTitle: ch.Title, EntOrgID: ch.OrgID,
		EntOrgName: ch.OrgName, Industry: ch.Industry, Title: in.Title, Summary: in.Summary, Reward: in.Reward,
		Deadline: in.Deadline, Criteria: in.Criteria, Status: duijie.CallOpen, BrokerID: a.User.ID, Created: now, Updated: now}
	if c.Title == "" {
		c.Title = ch.Title
	}
	for i := range c.Criteria {
		c.Criteria[i].Name = strings.TrimSpace(c.Criteria[i].Name)
		c.Criteria[i].Description = strings.TrimSpace(c.Criteria[i].Description)
	}
	if err := c.Validate(s.today()); err != nil {
		return nil, err
	}
	if err := s.db.CreateCall(ctx, c); err != nil {
		return nil, err
	}
	s.audit(ctx, a, duijie.AuditCallCreate, "call:"+c.ID, fmt.Sprintf("challenge %s, reward %d 万元, deadline %s",
		ch.ID, c.Reward, c.Deadline.Format(duijie.DateLayout)))
	return c, nil
}

// List is the calls a may see: everyone sees those 征集中, 评审中 and 已揭榜;
// brokers also the withdrawn ones.
func (s *Service) List(ctx context.Context, a Actor) ([]duijie.Call, error) {
	if a.User.Is(duijie.RoleBroker) {
		return s.db.Calls(ctx)
	}
	return s.db.Calls(ctx, duijie.CallOpen, duijie.CallReviewing, duijie.CallAwarded)
}

// LiveOf is the call 征集中 or 评审中 on a challenge, for its page: the
// caller read the challenge, and a live call is public. Empty when there
// is none.
func (s *Service) LiveOf(ctx context.Context, challengeID string) ([]duijie.Call, error) {
	return s.db.LiveCalls(ctx, challengeID)
}

// View is a call as the caller may see it.
type View struct {
	duijie.Call
	Today     time.Time
	Accepting bool // proposals are accepted today
	// Proposals the caller may read: brokers all; the panel's experts all
	// once drawn; an institute its own; the enterprise the winning one
	// after the award.
	Proposals []duijie.Proposal
	Mine      *duijie.Proposal // the caller's institute's proposal
	Bidders   int              // brokers: how many proposals
	Panel     *duijie.Panel    // brokers: the panel record
	Experts   map[string]duijie.Expert
	Ranking   []RankRow // brokers, once under review
	Reviewed  int       // reviews received
	Expected  int       // panel members × proposals
	OnPanel   bool      // the caller is an expert on its panel
	MyReviews map[string]duijie.Review
	MayAward  bool
}

// RankRow is one proposal's place in the ranking: the mean of the panel's
// weighted scores, in hundredths.
type RankRow struct {
	Proposal duijie.Proposal
	Mean     int // hundredths of a point
	Reviews  int
	Scores   []duijie.Review
}

// Get loads a call as a may see it. A withdrawn call is seen by the
// bureau, its enterprise and its bidders only.
func (s *Service) Get(ctx context.Context, a Actor, id string) (*View, error) {
	c, err := s.readable(ctx, a, id)
	if err != nil {
		return nil, err
	}
	broker := a.User.Is(duijie.RoleBroker)
	v := &View{Call: *c, Today: s.today()}
	v.Accepting = c.Open(v.Today)
	proposals, err := s.db.Proposals(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var panel *duijie.Panel
	if c.Status != duijie.CallOpen {
		if panel, err = s.db.Panel(ctx, c.ID); err != nil && duijie.ErrorCode(err) != duijie.ENOTFOUND {
			return nil, err
		}
	}
	switch {
	case broker:
		v.Proposals, v.Bidders, v.Panel = proposals, len(proposals), panel
		if panel != nil {
			ids := append(append([]string(nil), panel.Candidates...), panel.Members...)
			for _, x := range panel.Excluded {
				ids = append(ids, x.ExpertID)
			}
			experts, err := s.db.Experts(ctx, sqlite.ExpertFilter{IDs: ids})
			if err != nil {
				return nil, err
			}
			v.Experts = map[string]duijie.Expert{}
			for _, e := range experts {
				v.Experts[e.ID] = e
			}
			reviews, err := s.db.Reviews(ctx, sqlite.ReviewFilter{CallID: c.ID})
			if err != nil {
				return nil, err
			}
			v.Ranking = rank(c, proposals, panel, reviews)
			v.Expected = len(panel.Effective()) * len(proposals)
			for _, r := range reviews {
				if has(panel.Effective(), r.ExpertID) {
					v.Reviewed++
				}
			}
			v.MayAward = c.Status == duijie.CallReviewing && v.Reviewed == v.Expected && v.Expected > 0
		}
	case a.User.Is(duijie.RoleInstitute):
		for i := range proposals {
			if proposals[i].OrgID == a.User.OrgID {
				v.Mine = &proposals[i]
				v.Proposals = []duijie.Proposal{proposals[i]}
			}
		}
	case a.User.Is(duijie.RoleExpert):
		e, err := s.db.ExpertOfUser(ctx, a.User.ID)
		if err != nil && duijie.ErrorCode(err) != duijie.ENOTFOUND {
			return nil, err
		}
		if e != nil && panel != nil && has(panel.Effective(), e.ID) {
			v.OnPanel, v.Proposals = true, proposals
			reviews, err := s.db.Reviews(ctx, sqlite.ReviewFilter{ExpertID: e.ID})
			if err != nil {
				return nil, err
			}
			v.MyReviews = map[string]duijie.Review{}
			for _, r := range reviews {
				if r.CallID == c.ID {
					v.MyReviews[r.ProposalID] = r
				}
			}
		}
	case a.User.Is(duijie.RoleEnterprise) && a.User.OrgID == c.EntOrgID && c.Status == duijie.CallAwarded:
		for i := range proposals {
			if proposals[i].ID == c.AwardProposal {
				v.Proposals = []duijie.Proposal{proposals[i]}
			}
		}
	}
	return v, nil
}

func has(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// rank orders the proposals by the mean of the panel members' weighted
// scores (missing reviews do not count), best first; ties keep the order
// of submission.
func rank(c *duijie.Call, proposals []duijie.Proposal, panel *duijie.Panel, reviews []duijie.Review) []RankRow {
	rows := make([]RankRow, len(proposals))
	for i, p := range proposals {
		rows[i].Proposal = p
		total := 0
		for _, r := range reviews {
			if r.ProposalID == p.ID && has(panel.Effective(), r.ExpertID) {
				total += r.Weighted(c.Criteria)
				rows[i].Reviews++
				rows[i].Scores = append(rows[i].Scores, r)
			}
		}
		if rows[i].Reviews > 0 {
			rows[i].Mean = (total + rows[i].Reviews/2) / rows[i].Reviews
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Mean > rows[j].Mean })
	return rows
}

// Extend moves the deadline of an open call later (延期); moving it
// earlier would shut out institutes working to the published date.
func (s *Service) Extend(ctx context.Context, a Actor, id string, deadline time.Time) error {
	if err := brokerOnly(a); err != nil {
		return err
	}
	c, err := s.db.Call(ctx, id)
	if err != nil {
		return hide(err, "揭榜挂帅榜单")
	}
	switch {
	case c.Status != duijie.CallOpen:
		return duijie.Errorf(duijie.ECONFLICT, "榜单%s，不能再延期", c.Status.Label())
	case deadline.IsZero():
		return invalid("deadline", "请按 年-月-日 填写新的截止日期")
	case !deadline.After(c.Deadline):
		return invalid("deadline", "新的截止日期应晚于原截止日期（"+c.Deadline.Format(duijie.DateLayout)+"）")
	}
	if err := s.db.SetCallDeadline(ctx, id, deadline, s.now()); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditCallDeadline, "call:"+id, c.Deadline.Format(duijie.DateLayout)+" → "+deadline.Format(duijie.DateLayout))
	return nil
}

// Withdraw withdraws a call that is open or under review (撤销), with a
// reason the bidders are told.
func (s *Service) Withdraw(ctx context.Context, a Actor, id, reason string) error {
	if err := brokerOnly(a); err != nil {
		return err
	}
	c, err := s.db.Call(ctx, id)
	if err != nil {
		return hide(err, "揭榜挂帅榜单")
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case c.Status != duijie.CallOpen && c.Status != duijie.CallReviewing:
		return duijie.Errorf(duijie.ECONFLICT, "榜单%s，不能撤销", c.Status.Label())
	case checkText("reason", "撤销原因", reason) != nil:
		return checkText("reason", "撤销原因", reason)
	case n < 2 || n > 500:
		return invalid("reason", "请填写撤销原因（不超过 500 个字）")
	}
	if err := s.db.WithdrawCall(ctx, id, c.Status, reason, s.now()); err != nil {
		return err
	}
	s.audit(ctx, a, duijie.AuditCallWithdraw, "call:"+id, reason)
	s.tellBidders(ctx, c, "揭榜挂帅“"+c.Title+"”已撤销", "撤销原因："+reason)
	return nil
}

// tellBidders sends every member of each bidding institute a message; a
// failure is logged (the change stands, and the call page shows it).
func (s *Service) tellBidders(ctx context.Context, c *duijie.Call, subject, body string) {
	proposals, err := s.db.Proposals(ctx, c.ID)
	if err != nil {
		s.log.ErrorContext(ctx, "bidder messages failed", "call", c.ID, "err", err)
		return
	}
	var msgs []duijie.Message
	for _, p := range proposals {
		users, err := s.db.UsersOf(ctx, p.OrgID)
		if err != nil {
			s.log.ErrorContext(ctx, "bidder messages failed", "call", c.ID, "err", err)
			return
		}
		for _, u := range users {
			msgs = append(msgs, duijie.Message{UserID: u.ID, Kind: duijie.MsgReview, Subject: subject, Body: body, Link: "/calls/" + c.ID, Created: s.now()})
		}
	}
	if err := s.db.SendMessages(ctx, msgs); err != nil {
		s.log.ErrorContext(ctx, "bidder messages failed", "call", c.ID, "err", err)
	}
}
