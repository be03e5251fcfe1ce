package calls

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// The draw (抽取评审专家): the pool is the experts 在库 whose field is the
// call's industry, sorted by id; conflicts are left out with their
// reasons; the panel is duijie.DrawPanel over the remaining candidates
// with a seed from crypto/rand. The seed, the candidates, the exclusions
// and the panel are stored with the panel and written to the audit log,
// so that a 双随机 check can replay the draw (Replay).

func newSeed() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return duijie.FormatSeed(binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]))
}

// party is the enterprise or a bidder of a call.
type party struct {
	orgID, name, role string
}

// snapshot is the pool of a call at a time: eligible candidates and the
// excluded with reasons, both by expert id.
func (s *Service) snapshot(ctx context.Context, c *duijie.Call, at time.Time) ([]string, []duijie.Exclusion, error) {
	proposals, err := s.db.Proposals(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	parties := []party{{c.EntOrgID, c.EntOrgName, "出题企业"}}
	orgs := []string{c.EntOrgID}
	for _, p := range proposals {
		parties = append(parties, party{p.OrgID, p.OrgName, "揭榜单位"})
		orgs = append(orgs, p.OrgID)
	}
	names := map[string]string{}
	for _, p := range parties {
		names[p.orgID] = p.name
	}
	// The pool and the co-operations as they stood at the time, by their
	// histories, so that a replay long after sees what the draw saw.
	experts, err := s.db.Experts(ctx, sqlite.ExpertFilter{ActiveAt: at, Industry: c.Industry})
	if err != nil {
		return nil, nil, err
	}
	coops, err := s.db.CooperationsUntil(ctx, orgs, at.AddDate(-duijie.ConflictYears, 0, 0), at)
	if err != nil {
		return nil, nil, err
	}
	var cands []string
	var excluded []duijie.Exclusion
	for _, e := range experts {
		var reasons []string
		for _, p := range parties {
			if duijie.SameOrg(e.OrgID, e.OrgName, p.orgID, p.name) {
				reasons = append(reasons, fmt.Sprintf("与%s同单位（%s）", p.role, p.name))
			}
		}
		if e.OrgID != "" {
			for _, co := range coops {
				other := ""
				switch e.OrgID {
				case co.OrgA:
					other = co.OrgB
				case co.OrgB:
					other = co.OrgA
				}
				if name, ok := names[other]; ok && other != e.OrgID {
					what := "对接"
					if co.Kind == "contract" {
						what = "技术合同"
					}
					reasons = append(reasons, fmt.Sprintf("近%d年与%s有合作（%s %s）", duijie.ConflictYears, name, what, co.Ref))
				}
			}
		}
		if len(reasons) > 0 {
			excluded = append(excluded, duijie.Exclusion{ExpertID: e.ID, Reason: strings.Join(dedup(reasons), "；")})
		} else {
			cands = append(cands, e.ID)
		}
	}
	slices.Sort(cands)
	slices.SortFunc(excluded, func(a, b duijie.Exclusion) int { return strings.Compare(a.ExpertID, b.ExpertID) })
	return cands, excluded, nil
}

func dedup(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !has(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// drawRecord is what the audit entry of a draw carries, as JSON: enough
// to replay the draw without the database.
type drawRecord struct {
	Call       string             `json:"call"`
	Seed       string             `json:"seed"`
	Size       int                `json:"size"`
	Candidates []string           `json:"candidates"`
	Excluded   []duijie.Exclusion `json:"excluded"`
	Members    []string           `json:"members"`
	At         string             `json:"at"`
}

func recordOf(p *duijie.Panel) drawRecord {
	r := drawRecord{Call: p.CallID, Seed: p.Seed, Size: p.Size, Candidates: nonNil(p.Candidates), Excluded: p.Excluded,
		Members: nonNil(p.Members), At: p.DrawnAt.UTC().Format(time.RFC3339Nano)}
	if r.Excluded == nil {
		r.Excluded = []duijie.Exclusion{}
	}
	return r
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// Draw draws the panel of n experts for a call whose deadline has passed,
// and moves the call to 评审中. Not enough candidates is a conflict and
// nothing is written.
func (s *Service) Draw(ctx context.Context, a Actor, callID string, n int) (*duijie.Panel, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	c, err := s.db.Call(ctx, callID)
	if err != nil {
		return nil, hide(err, "揭榜挂帅榜单")
	}
	switch {
	case c.Status != duijie.CallOpen:
		return nil, duijie.Errorf(duijie.ECONFLICT, "榜单%s，不能再抽取评审专家", c.Status.Label())
	case c.Open(s.today()):
		return nil, duijie.Errorf(duijie.ECONFLICT, "征集截止（%s）后才能抽取评审专家", c.Deadline.Format(duijie.DateLayout))
	case n < duijie.MinPanel || n > duijie.MaxPanel:
		return nil, invalid("size", fmt.Sprintf("评审专家人数应为 %d 到 %d 人", duijie.MinPanel, duijie.MaxPanel))
	}
	proposals, err := s.db.Proposals(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if len(proposals) == 0 {
		return nil, duijie.Errorf(duijie.ECONFLICT, "没有院所揭榜，无需抽取评审专家；可以延期或撤销榜单")
	}
	now := s.now()
	cands, excluded, err := s.snapshot(ctx, c, now)
	if err != nil {
		return nil, err
	}
	if len(cands) < n {
		return nil, duijie.Errorf(duijie.ECONFLICT, "“%s”领域可抽取的在库专家只有 %d 位（另有 %d 位因回避排除），不足 %d 位；请先补充该领域的专家，或减少抽取人数",
			c.Industry.Label(), len(cands), len(excluded), n)
	}
	p := &duijie.Panel{CallID: c.ID, Seed: s.seed(), Size: n, Candidates: cands, Excluded: excluded, DrawnBy: a.User.ID, DrawnAt: now}
	if p.Members, err = duijie.DrawPanel(p.Seed, cands, n); err != nil {
		return nil, err
	}
	if err := s.db.CreatePanel(ctx, p); err != nil {
		return nil, err
	}
	rec, _ := json.Marshal(recordOf(p))
	s.audit(ctx, a, duijie.AuditPanelDraw, "call:"+c.ID, string(rec))
	s.tellExperts(ctx, c, p.Members)
	return p, nil
}

// tellExperts sends each drawn expert a message; a failure is logged (the
// panel stands, and the expert's page lists it).
func (s *Service) tellExperts(ctx context.Context, c *duijie.Call, ids []string) {
	experts, err := s.db.Experts(ctx, sqlite.ExpertFilter{IDs: ids})
	if err != nil {
		s.log.ErrorContext(ctx, "panel messages failed", "call", c.ID, "err", err)
		return
	}
	var msgs []duijie.Message
	for _, e := range experts {
		if e.UserID == "" {
			continue
		}
		msgs = append(msgs, duijie.Message{UserID: e.UserID, Kind: duijie.MsgReview, Created: s.now(),
			Subject: "您被抽取为揭榜挂帅“" + c.Title + "”的评审专家",
			Body:    "请登录后查看揭榜方案，按公布的评审标准逐项评分并填写评审意见。如与揭榜单位或出题企业存在利益关系，请联系科技局回避。",
			Link:    "/calls/" + c.ID})
	}
	if err := s.db.SendMessages(ctx, msgs); err != nil {
		s.log.ErrorContext(ctx, "panel messages failed", "call", c.ID, "err", err)
	}
}

// Replay is the result of replaying a call's draw (复核抽取).
type Replay struct {
	Call  *duijie.Call // as stored, whatever its status
	Panel *duijie.Panel
	// Drawn is the panel DrawPanel gives for the recorded seed and
	// candidates; SeedMatches: it is the recorded panel.
	Drawn       []string
	SeedMatches bool
	// Replacements are the experts who replaced members who stood down
	// (回避), each checked to be the next in the seed's order.
	Replacements []string
	// Candidates is the pool as the store gives it now for the draw's
	// time (the same three-year window); PoolMatches: the same as
	// recorded. Added and Removed are the differences.
	Candidates     []string
	PoolMatches    bool
	Added, Removed []string
	// AuditFound: the draw's audit entry was found; AuditMatches: it
	// records the same seed, candidates, exclusions and panel.
	AuditFound   bool
	AuditMatches bool
}

// Matches reports whether every check of the replay passed.
func (r *Replay) Matches() bool { return r.SeedMatches && r.PoolMatches && r.AuditMatches }

// Replay re-runs a call's draw from its recorded seed and checks it
// against the panel record, the current store and the audit log. Brokers
// and the audit administrator may; each replay is audited.
func (s *Service) Replay(ctx context.Context, a Actor, callID string) (*Replay, error) {
	if !a.User.Is(duijie.RoleBroker, duijie.RoleAuditor) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有技术经纪人和审计管理员可以复核抽取")
	}
	c, err := s.db.Call(ctx, callID)
	if err != nil {
		return nil, hide(err, "揭榜挂帅榜单")
	}
	p, err := s.db.Panel(ctx, c.ID)
	if err != nil {
		return nil, hide(err, "评审专家组")
	}
	r := &Replay{Call: c, Panel: p}
	if r.Drawn, err = duijie.DrawPanel(p.Seed, p.Candidates, p.Size); err == nil {
		r.SeedMatches = slices.Equal(r.Drawn, p.Members)
	}
	// Each recusal's replacement is the next candidate in the seed's order.
	if order, err := duijie.DrawPanel(p.Seed, p.Candidates, len(p.Candidates)); err == nil {
		for i, c := range p.Changes {
			if k := p.Size + i; k >= len(order) || order[k] != c.Replacement {
				r.SeedMatches = false
			}
			r.Replacements = append(r.Replacements, c.Replacement)
		}
	}
	cands, _, err := s.snapshot(ctx, c, p.DrawnAt)
	if err != nil {
		return nil, err
	}
	r.Candidates = cands
	r.PoolMatches = slices.Equal(nonNil(cands), nonNil(p.Candidates))
	for _, id := range cands {
		if !has(p.Candidates, id) {
			r.Added = append(r.Added, id)
		}
	}
	for _, id := range p.Candidates {
		if !has(cands, id) {
			r.Removed = append(r.Removed, id)
		}
	}
	entries, err := s.db.AuditLog(ctx, duijie.AuditPanelDraw, 10000)
	if err != nil {
		return nil, err
	}
	want, _ := json.Marshal(recordOf(p))
	for _, e := range entries {
		if e.Action == duijie.AuditPanelDraw && e.Object == "call:"+c.ID {
			r.AuditFound = true
			var got drawRecord
			if json.Unmarshal([]byte(e.Detail), &got) == nil {
				again, _ := json.Marshal(got)
				r.AuditMatches = string(again) == string(want)
			}
			break
		}
	}
	verdict := "match"
	if !r.Matches() {
		verdict = fmt.Sprintf("MISMATCH seed=%t pool=%t audit=%t added=%v removed=%v", r.SeedMatches, r.PoolMatches, r.AuditMatches, r.Added, r.Removed)
	}
	s.audit(ctx, a, duijie.AuditPanelReplay, "call:"+c.ID, verdict)
	return r, nil
}

// Recuse stands a member down from a call's panel (回避) with a reason:
// the expert themself, or a broker for any member, while the call is
// under review. The next candidate in the seed's order takes the place;
// when none is left it is a conflict and nothing changes. The member's
// reviews no longer count.
func (s *Service) Recuse(ctx context.Context, a Actor, callID, expertID, reason string) (string, error) {
	if !a.User.Is(duijie.RoleBroker, duijie.RoleExpert) {
		return "", duijie.Errorf(duijie.EFORBIDDEN, "只有技术经纪人和本榜单的评审专家可以办理回避")
	}
	c, err := s.readable(ctx, a, callID)
	if err != nil {
		return "", err
	}
	if a.User.Is(duijie.RoleExpert) {
		e, err := s.panelExpert(ctx, a, c)
		if err != nil {
			return "", err
		}
		expertID = e.ID
	}
	p, err := s.db.Panel(ctx, c.ID)
	if err != nil {
		return "", hide(err, "评审专家组")
	}
	reason = strings.TrimSpace(reason)
	switch n := len([]rune(reason)); {
	case c.Status != duijie.CallReviewing:
		return "", duijie.Errorf(duijie.ECONFLICT, "榜单%s，不能再办理回避", c.Status.Label())
	case !has(p.Effective(), expertID):
		return "", invalid("expert", "请选择评审专家组中的一位专家")
	case checkText("reason", "回避原因", reason) != nil:
		return "", checkText("reason", "回避原因", reason)
	case n < 2 || n > 500:
		return "", invalid("reason", "请填写回避原因（不超过 500 个字）")
	}
	next, err := p.Next()
	if err != nil {
		return "", err
	}
	if next == "" {
		return "", duijie.Errorf(duijie.ECONFLICT, "候选专家已全部用完，无法递补；可撤销榜单后重新发布")
	}
	ch := duijie.PanelChange{CallID: c.ID, ExpertID: expertID, Replacement: next, Reason: reason, ActorID: a.User.ID, At: s.now()}
	if err := s.db.AddPanelChange(ctx, ch, len(p.Changes)); err != nil {
		return "", err
	}
	rec, _ := json.Marshal(map[string]any{"call": c.ID, "seed": p.Seed, "out": expertID, "in": next, "position": p.Size + len(p.Changes), "reason": reason})
	s.audit(ctx, a, duijie.AuditPanelRecuse, "call:"+c.ID, string(rec))
	s.tellExperts(ctx, c, []string{next})
	return next, nil
}
