package calls

import (
	"testing"
	"time"

	"duijie/internal/duijie"
)

// TestPanelReplayAfterLaterChanges: the replay rebuilds the pool and the
// co-operations as they stood at the draw, from the experts' status
// history and the introductions' timelines: an expert admitted or removed
// after the draw, and a co-operation begun after it, leave an honest
// draw matching (so that a MISMATCH still means something), while a
// record that claims to predate the draw is caught (TestPanelDrawReplay).
func TestPanelReplayAfterLaterChanges(t *testing.T) {
	e := newEnv(t)
	c := e.callWithBids()
	p, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3)
	must(t, err)
	e.clock.Add(time.Hour)
	// A new expert in the call's field, admitted after the draw.
	x := &duijie.Expert{Username: "houlai", Name: "后来者", Industry: "nev", Title: "研究员", OrgName: "某新研究所", Phone: "13912345678"}
	must(t, e.s.Apply(e.ctx, Actor{IP: "192.0.2.50"}, x))
	_, _, err = e.s.Admit(e.ctx, e.as("broker"), x.ID, "")
	must(t, err)
	// A candidate who was not drawn, removed after the draw.
	var spare string
	for _, id := range p.Candidates {
		if !has(p.Members, id) {
			spare = id
		}
	}
	if spare == "" {
		t.Fatal("no spare candidate")
	}
	must(t, e.s.Remove(e.ctx, e.as("broker"), spare, "长期未参加评审"))
	// A co-operation between the enterprise and a candidate's unit,
	// confirmed after the draw.
	e.intro("in-late", "ent", "inst-f", e.clock.Now())
	r, err := e.s.Replay(e.ctx, e.as("shenji"), c.ID)
	must(t, err)
	if !r.Matches() || len(r.Added) != 0 || len(r.Removed) != 0 {
		t.Errorf("an honest draw replayed after later changes: seed %t pool %t audit %t added %v removed %v",
			r.SeedMatches, r.PoolMatches, r.AuditMatches, r.Added, r.Removed)
	}
	// A new draw now (another call) sees the pool as it is now.
	cands, _, err := e.s.snapshot(e.ctx, c, e.clock.Now())
	must(t, err)
	if !has(cands, x.ID) || has(cands, spare) {
		t.Errorf("the pool now: %v", cands)
	}
}

// TestPanelReplayOfWithdrawnCall: the audit administrator replays the
// draw of a call withdrawn under review; the replay carries the call, as
// the public call (Call) is hidden from them once withdrawn and the replay
// page used to answer 404 after auditing the replay.
func TestPanelReplayOfWithdrawnCall(t *testing.T) {
	e := newEnv(t)
	c := e.callWithBids()
	_, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3)
	must(t, err)
	must(t, e.s.Withdraw(e.ctx, e.as("broker"), c.ID, "企业调整研发计划"))
	if _, err := e.s.Call(e.ctx, e.as("shenji"), c.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("the withdrawn call for the auditor: %v", err)
	}
	r, err := e.s.Replay(e.ctx, e.as("shenji"), c.ID)
	must(t, err)
	if r.Call == nil || r.Call.ID != c.ID || r.Call.Status != duijie.CallWithdrawn || !r.Matches() {
		t.Errorf("replay of a withdrawn call: %+v", r)
	}
}
