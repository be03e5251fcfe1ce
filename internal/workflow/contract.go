package workflow

import (
	"context"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// RecordContract records a signed technology contract. Against an
// introduction (c.IntroID) it must be at 双方确认 or 洽谈中 and moves to
// 已签约 (已登记 at once when the registration number is given); the
// parties, postings and broker are taken from the introduction, so that
// the contract counts for the funnel. On its own it names a challenge or a
// capability.
func (s *Service) RecordContract(ctx context.Context, a Actor, c *duijie.Contract) error {
	if err := brokerOnly(a); err != nil {
		return err
	}
	now := s.now()
	c.ID, c.CreatedBy, c.Created = duijie.NewID("ct-"), a.User.ID, now
	c.Title, c.Buyer, c.Seller = strings.TrimSpace(c.Title), strings.TrimSpace(c.Buyer), strings.TrimSpace(c.Seller)
	var n *duijie.Introduction
	var readAt time.Time
	if c.IntroID != "" {
		var err error
		if n, err = s.load(ctx, a, c.IntroID); err != nil {
			return err
		}
		if n.Stage != duijie.StageConfirmed && n.Stage != duijie.StageNegotiating {
			return duijie.Errorf(duijie.ECONFLICT, "对接处于“%s”，双方确认或洽谈中才能记录合同", n.Stage.Label())
		}
		c.ChallengeID, c.CapabilityID, c.BuyerOrgID, c.SellerOrgID = n.ChallengeID, n.CapabilityID, n.EntOrgID, n.InstOrgID
		if c.Buyer == "" {
			c.Buyer = n.EntOrgName
		}
		if c.Seller == "" {
			c.Seller = n.InstOrgName
		}
		c.BrokerID = n.BrokerID
		if c.BrokerID == "" {
			c.BrokerID = a.User.ID
		}
		readAt = n.Updated
	} else {
		c.BrokerID = a.User.ID
		if err := s.checkPostings(ctx, c); err != nil {
			return err
		}
	}
	if err := c.Validate(now); err != nil {
		return err
	}
	var events []duijie.Event
	var msgs []duijie.Message
	if n != nil {
		from := n.Stage
		to := duijie.StageSigned
		if c.RegNo != "" {
			to = duijie.StageRegistered
		}
		n.Stage, n.Updated, n.Due = to, now, time.Time{}
		if n.BrokerID == "" {
			n.BrokerID = a.User.ID
		}
		note := c.Type.Label() + "合同“" + c.Title + "”，金额 " + duijie.Yuan(c.Amount) + " 万元"
		if c.RegNo != "" {
			note += "，登记编号 " + c.RegNo
		}
		events = []duijie.Event{
			{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventContract, Note: note},
			{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventStage, From: from, To: to},
		}
		for _, org := range []string{n.EntOrgID, n.InstOrgID} {
			m, err := s.messagesTo(ctx, org, duijie.Message{Kind: duijie.MsgStage, Subject: "对接“" + n.Title() + "”" + to.Label(),
				Body: note, Link: introLink(n.ID)})
			if err != nil {
				return err
			}
			msgs = append(msgs, m...)
		}
	}
	if err := s.db.RecordContract(ctx, c, n, readAt, events, msgs); err != nil {
		return err
	}
	s.audit(ctx, a, AuditContract, "contract:"+c.ID, c.IntroID+" "+duijie.Yuan(c.Amount)+"万元")
	return nil
}

// checkPostings makes sure a standalone contract names postings that
// exist, and takes their organisations as the parties where known.
func (s *Service) checkPostings(ctx context.Context, c *duijie.Contract) error {
	f := map[string]string{}
	if c.ChallengeID != "" {
		if ch, err := s.db.Challenge(ctx, c.ChallengeID); err != nil {
			f["challenge"] = "找不到这项技术需求"
		} else {
			c.BuyerOrgID = ch.OrgID
			if c.Buyer == "" {
				c.Buyer = ch.OrgName
			}
		}
	}
	if c.CapabilityID != "" {
		if cp, err := s.db.Capability(ctx, c.CapabilityID); err != nil {
			f["capability"] = "找不到这项科技成果"
		} else {
			c.SellerOrgID = cp.OrgID
			if c.Seller == "" {
				c.Seller = cp.OrgName
			}
		}
	}
	if len(f) > 0 {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: f}
	}
	return nil
}

// RegisterContract records a contract's 技术合同登记编号 and date; the
// introduction it came from moves to 已登记.
func (s *Service) RegisterContract(ctx context.Context, a Actor, id, regNo string, registered time.Time) error {
	if err := brokerOnly(a); err != nil {
		return err
	}
	c, err := s.db.Contract(ctx, id)
	if err != nil {
		return err
	}
	if c.RegNo != "" {
		return duijie.Errorf(duijie.ECONFLICT, "这份合同已经登记过（%s）", c.RegNo)
	}
	now := s.now()
	c.RegNo, c.Registered = strings.TrimSpace(regNo), registered
	if c.RegNo == "" {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{"reg_no": "请填写登记编号"}}
	}
	if err := c.Validate(now); err != nil {
		return err
	}
	var n *duijie.Introduction
	var readAt time.Time
	var events []duijie.Event
	var msgs []duijie.Message
	if c.IntroID != "" {
		if n, err = s.db.Introduction(ctx, c.IntroID); err != nil {
			return err
		}
		if n.Stage == duijie.StageSigned {
			readAt = n.Updated
			n.Stage, n.Updated = duijie.StageRegistered, now
			events = []duijie.Event{
				{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventContract, Note: "技术合同登记编号 " + c.RegNo},
				{IntroID: n.ID, At: now, ActorID: a.User.ID, Kind: duijie.EventStage, From: duijie.StageSigned, To: duijie.StageRegistered},
			}
			for _, org := range []string{n.EntOrgID, n.InstOrgID} {
				m, err := s.messagesTo(ctx, org, duijie.Message{Kind: duijie.MsgStage, Subject: "对接“" + n.Title() + "”的合同已登记",
					Body: "技术合同登记编号 " + c.RegNo, Link: introLink(n.ID)})
				if err != nil {
					return err
				}
				msgs = append(msgs, m...)
			}
		} else {
			n = nil
		}
	}
	if err := s.db.RegisterContract(ctx, c, n, readAt, events, msgs); err != nil {
		return err
	}
	s.audit(ctx, a, AuditContractReg, "contract:"+c.ID, c.RegNo)
	return nil
}

// Contracts lists contracts for brokers, with the count and total amount.
func (s *Service) Contracts(ctx context.Context, a Actor, offset, limit int) ([]duijie.Contract, int, int64, error) {
	if err := brokerOnly(a); err != nil {
		return nil, 0, 0, err
	}
	return s.db.Contracts(ctx, max(offset, 0), limit)
}

// Contract loads one contract for a broker.
func (s *Service) Contract(ctx context.Context, a Actor, id string) (*duijie.Contract, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	return s.db.Contract(ctx, id)
}
