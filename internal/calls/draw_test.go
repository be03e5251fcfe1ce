package calls

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"duijie/internal/duijie"
)

// TestPanelDrawExclusions: the draw leaves out experts of the enterprise
// (by id and by name), of a bidder, and of organisations that co-operated
// with either in the last three years through an introduction or a
// contract; an introduction four years old does not exclude; other fields
// and applicants are not in the pool.
func TestPanelDrawExclusions(t *testing.T) {
	e := newEnv(t)
	c := e.callWithBids()
	p, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3)
	must(t, err)
	if want := []string{"ex-05", "ex-06", "ex-07", "ex-08", "ex-09"}; !slices.Equal(p.Candidates, want) {
		t.Errorf("candidates %v, want %v", p.Candidates, want)
	}
	reasons := map[string]string{}
	for _, x := range p.Excluded {
		reasons[x.ExpertID] = x.Reason
	}
	for id, want := range map[string]string{
		"ex-01": "与出题企业同单位（安徽测试电池有限公司）",
		"ex-02": "与揭榜单位同单位（皖西学院）",
		"ex-03": "近3年与安徽测试电池有限公司有合作（对接 in-c）",
		"ex-04": "近3年与皖西学院有合作（技术合同 ct-d）",
		"ex-10": "与出题企业同单位",
	} {
		if !strings.Contains(reasons[id], want) {
			t.Errorf("%s excluded for %q, want %q", id, reasons[id], want)
		}
	}
	if len(p.Excluded) != 5 {
		t.Errorf("excluded %+v, want 5", p.Excluded)
	}
	if _, ok := reasons["ex-05"]; ok {
		t.Error("a co-operation four years ago excluded ex-05")
	}
	if len(p.Members) != 3 {
		t.Fatalf("members %v", p.Members)
	}
	seen := map[string]bool{}
	for _, m := range p.Members {
		if !slices.Contains(p.Candidates, m) || seen[m] {
			t.Errorf("member %s not a candidate or twice: %v", m, p.Members)
		}
		seen[m] = true
	}
	got, err := e.s.Get(e.ctx, e.as("broker"), c.ID)
	must(t, err)
	if got.Status != duijie.CallReviewing || got.Panel == nil || got.Panel.Seed != p.Seed {
		t.Errorf("after the draw: status %s, panel %+v", got.Status, got.Panel)
	}
	if _, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a second draw: %v", err)
	}
}

// TestPanelDrawReproducibleFromSeed: the recorded seed and candidates give
// the recorded panel, whatever order the candidates are listed in; the
// same seed over the same pool draws the same panel again; other seeds
// draw other panels.
func TestPanelDrawReproducibleFromSeed(t *testing.T) {
	e := newEnv(t)
	e.s.seed = func() string { return "0123456789abcdef fedcba987654321"[:16] + "fedcba9876543210" }
	c := e.callWithBids()
	p, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3)
	must(t, err)
	again, err := duijie.DrawPanel(p.Seed, p.Candidates, p.Size)
	must(t, err)
	if !slices.Equal(again, p.Members) {
		t.Errorf("replayed %v, drawn %v", again, p.Members)
	}
	shuffled := append([]string(nil), p.Candidates...)
	slices.Reverse(shuffled)
	if again, _ := duijie.DrawPanel(p.Seed, shuffled, p.Size); !slices.Equal(again, p.Members) {
		t.Errorf("candidates in another order drew %v, want %v", again, p.Members)
	}
	// The same seed over a second store with the same pool.
	e2 := newEnv(t)
	e2.s.seed = e.s.seed
	c2 := e2.callWithBids()
	p2, err := e2.s.Draw(e2.ctx, e2.as("broker"), c2.ID, 3)
	must(t, err)
	if !slices.Equal(p2.Members, p.Members) || !slices.Equal(p2.Candidates, p.Candidates) {
		t.Errorf("same seed, same pool: %v vs %v", p2.Members, p.Members)
	}
	differ := false
	for i := 0; i < 20 && !differ; i++ {
		m, err := duijie.DrawPanel(newSeed(), p.Candidates, p.Size)
		must(t, err)
		differ = !slices.Equal(m, p.Members)
	}
	if !differ {
		t.Error("twenty fresh seeds all drew the same panel")
	}
	if _, err := duijie.DrawPanel("not a seed", p.Candidates, 3); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("bad seed: %v", err)
	}
}

// TestPanelDrawAuditEntry: the draw's audit entry carries the seed, the
// candidates, the exclusions with reasons and the panel, enough to replay
// it without the database.
func TestPanelDrawAuditEntry(t *testing.T) {
	e := newEnv(t)
	c := e.callWithBids()
	p, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 4)
	must(t, err)
	entries, err := e.db.AuditLog(e.ctx, duijie.AuditPanelDraw, 10)
	must(t, err)
	if len(entries) != 1 || entries[0].Object != "call:"+c.ID || entries[0].Actor != "u-broker" {
		t.Fatalf("audit entries %+v", entries)
	}
	var rec drawRecord
	must(t, json.Unmarshal([]byte(entries[0].Detail), &rec))
	if rec.Seed != p.Seed || len(rec.Seed) != 32 || rec.Size != 4 || !slices.Equal(rec.Candidates, p.Candidates) ||
		!slices.Equal(rec.Members, p.Members) || len(rec.Excluded) != len(p.Excluded) {
		t.Errorf("audit record %+v, panel %+v", rec, p)
	}
	if !strings.Contains(entries[0].Detail, "与揭榜单位同单位") {
		t.Errorf("audit detail lacks the reasons: %s", entries[0].Detail)
	}
	replayed, err := duijie.DrawPanel(rec.Seed, rec.Candidates, rec.Size)
	must(t, err)
	if !slices.Equal(replayed, rec.Members) {
		t.Errorf("the audit entry replays to %v, records %v", replayed, rec.Members)
	}
}

// TestPanelDrawReplay: 复核抽取 matches right after the draw; an expert
// added to the field afterwards shows as a changed pool, while the seed
// still reproduces the recorded panel; replays are audited; only brokers
// and the audit administrator may replay.
func TestPanelDrawReplay(t *testing.T) {
	e := newEnv(t)
	c := e.callWithBids()
	_, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3)
	must(t, err)
	r, err := e.s.Replay(e.ctx, e.as("shenji"), c.ID)
	must(t, err)
	if !r.Matches() || !r.AuditFound {
		t.Fatalf("replay right after the draw: %+v", r)
	}
	e.expert("ex-12", "inst-f", "安徽理工大学", "nev")
	r, err = e.s.Replay(e.ctx, e.as("broker"), c.ID)
	must(t, err)
	if r.Matches() || r.PoolMatches || !r.SeedMatches || !slices.Equal(r.Added, []string{"ex-12"}) || len(r.Removed) != 0 {
		t.Errorf("replay after a change of the pool: %+v", r)
	}
	entries, err := e.db.AuditLog(e.ctx, duijie.AuditPanelReplay, 10)
	must(t, err)
	if len(entries) != 2 || entries[1].Detail != "match" || !strings.Contains(entries[0].Detail, "MISMATCH") {
		t.Errorf("replay audit %+v", entries)
	}
	if _, err := e.s.Replay(e.ctx, e.as("yuansuo"), c.ID); duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("replay by an institute: %v", err)
	}
}

// TestPanelDrawRefusals: not before the deadline, not more than the
// candidates (no partial panel, the call stays open), not without
// proposals, not by anyone but a broker.
func TestPanelDrawRefusals(t *testing.T) {
	e := newEnv(t)
	c, err := e.s.Create(e.ctx, e.as("broker"), "ch-1", CallInput{Reward: 50, Deadline: duijie.Today(t0).AddDate(0, 0, 5), Criteria: criteria})
	must(t, err)
	if _, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3); duijie.ErrorCode(err) != duijie.ECONFLICT || !strings.Contains(err.Error(), "征集截止") {
		t.Errorf("before the deadline: %v", err)
	}
	e.clock.Add(6 * 24 * 3600e9)
	if _, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3); duijie.ErrorCode(err) != duijie.ECONFLICT || !strings.Contains(err.Error(), "没有院所揭榜") {
		t.Errorf("without proposals: %v", err)
	}
	e2 := newEnv(t)
	c2 := e2.callWithBids()
	_, err = e2.s.Draw(e2.ctx, e2.as("broker"), c2.ID, 6)
	if duijie.ErrorCode(err) != duijie.ECONFLICT || !strings.Contains(err.Error(), "只有 5 位") {
		t.Errorf("six of five: %v", err)
	}
	if _, err := e2.db.Panel(e2.ctx, c2.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("a panel after a refused draw: %v", err)
	}
	if v, _ := e2.s.Get(e2.ctx, e2.as("broker"), c2.ID); v.Status != duijie.CallOpen {
		t.Errorf("status after a refused draw: %s", v.Status)
	}
	if _, err := e2.s.Draw(e2.ctx, e2.as("broker"), c2.ID, 1); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("a panel of one: %v", err)
	}
	if _, err := e2.s.Draw(e2.ctx, e2.as("qiye"), c2.ID, 3); duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("drawn by the enterprise: %v", err)
	}
}

// TestPanelRecusal: a member who stands down (回避) is replaced by the next
// candidate in the seed's order, loses access to the proposals and their
// reviews stop counting; the replay checks the replacement; when the
// candidates run out nothing changes.
func TestPanelRecusal(t *testing.T) {
	e := newEnv(t)
	c := e.callWithBids()
	p, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3)
	must(t, err)
	order, err := duijie.DrawPanel(p.Seed, p.Candidates, len(p.Candidates))
	must(t, err)
	first := "zj" + p.Members[0][3:]
	v, err := e.s.Get(e.ctx, e.as("broker"), c.ID)
	must(t, err)
	prop := v.Proposals[0].ID
	must(t, e.s.Score(e.ctx, e.as(first), c.ID, prop, []int{100, 100, 100}, "与本人单位有合作，评分作废测试。"))
	if _, err := e.s.Recuse(e.ctx, e.as(first), c.ID, "", ""); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("without a reason: %v", err)
	}
	in, err := e.s.Recuse(e.ctx, e.as(first), c.ID, "ignored", "本人曾指导揭榜单位的项目负责人")
	must(t, err)
	if in != order[3] {
		t.Errorf("replacement %s, want %s (the fourth in the seed's order %v)", in, order[3], order)
	}
	if _, err := e.s.Proposal(e.ctx, e.as(first), c.ID, prop); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("the recused expert still reads: %v", err)
	}
	if _, err := e.s.Proposal(e.ctx, e.as("zj"+in[3:]), c.ID, prop); err != nil {
		t.Errorf("the replacement cannot read: %v", err)
	}
	v, err = e.s.Get(e.ctx, e.as("broker"), c.ID)
	must(t, err)
	if v.Reviewed != 0 || v.Ranking[0].Reviews != 0 {
		t.Errorf("the recused expert's review still counts: %d, %+v", v.Reviewed, v.Ranking)
	}
	r, err := e.s.Replay(e.ctx, e.as("broker"), c.ID)
	must(t, err)
	if !r.Matches() || len(r.Replacements) != 1 {
		t.Errorf("replay after a recusal: %+v", r)
	}
	second, err := e.s.Recuse(e.ctx, e.as("broker"), c.ID, p.Members[1], "与出题企业负责人为近亲属")
	must(t, err)
	if second != order[4] {
		t.Errorf("second replacement %s, want %s", second, order[4])
	}
	if _, err := e.s.Recuse(e.ctx, e.as("broker"), c.ID, p.Members[2], "出差无法参加"); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("no candidate left: %v", err)
	}
	if _, err := e.s.Recuse(e.ctx, e.as("broker"), c.ID, "ex-01", "不在组内"); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("recusing a non-member: %v", err)
	}
	if _, err := e.s.Recuse(e.ctx, e.as("yuansuo"), c.ID, p.Members[2], "x"); duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("recusal by an institute: %v", err)
	}
	entries, err := e.db.AuditLog(e.ctx, duijie.AuditPanelRecuse, 10)
	must(t, err)
	if len(entries) != 2 || !strings.Contains(entries[1].Detail, `"in":"`+in+`"`) {
		t.Errorf("recusal audit %+v", entries)
	}
}
