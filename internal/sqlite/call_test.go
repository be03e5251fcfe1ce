package sqlite

import (
	"context"
	"slices"
	"testing"
	"time"

	"duijie/internal/duijie"
)

// callDB is introDB with a broker's call on c1 (e1's), a proposal of i1
// and an expert of i2 in the pool.
func callDB(t *testing.T) (*DB, *duijie.Call, *duijie.Proposal) {
	t.Helper()
	db := introDB(t)
	ctx := context.Background()
	now := clock0
	c := &duijie.Call{ID: "call-1", ChallengeID: "c1", Title: "液冷板揭榜", Reward: 100, Deadline: duijie.Today(now).AddDate(0, 0, 7),
		Criteria: []duijie.Criterion{{Name: "技术", Weight: 100}}, Status: duijie.CallOpen, BrokerID: "ub", Created: now, Updated: now}
	must(t, db.CreateCall(ctx, c))
	p := &duijie.Proposal{ID: "pr-1", CallID: c.ID, OrgID: "i1", UserID: "ui", Summary: "方案", Plan: "计划", Team: "团队", Created: now, Updated: now}
	must(t, db.SaveProposal(ctx, p, duijie.Today(now)))
	e := &duijie.Expert{ID: "ex-1", Username: "zj1", Name: "专家", Industry: "nev", Title: "教授", OrgID: "i2", OrgName: "中国科学技术大学",
		Status: duijie.ExpertApplied, Created: now, Updated: now}
	must(t, db.CreateExpert(ctx, e))
	return db, c, p
}

// TestPanelRecordIsFinal: a panel is stored once with its draw, moves the
// call to 评审中, and can be neither drawn again, changed nor deleted;
// proposals and files are refused once the call is under review.
func TestPanelRecordIsFinal(t *testing.T) {
	db, c, p := callDB(t)
	ctx := context.Background()
	panel := &duijie.Panel{CallID: c.ID, Seed: "0123456789abcdef0123456789abcdef", Size: 1, Candidates: []string{"ex-1"},
		Excluded: []duijie.Exclusion{{ExpertID: "ex-9", Reason: "与出题企业同单位"}}, Members: []string{"ex-1"}, DrawnBy: "ub", DrawnAt: clock0}
	must(t, db.CreatePanel(ctx, panel))
	got, err := db.Panel(ctx, c.ID)
	must(t, err)
	if got.Seed != panel.Seed || !slices.Equal(got.Members, panel.Members) || len(got.Excluded) != 1 || got.Excluded[0].Reason != "与出题企业同单位" {
		t.Errorf("panel %+v", got)
	}
	if k, _ := db.Call(ctx, c.ID); k.Status != duijie.CallReviewing {
		t.Errorf("status %s", k.Status)
	}
	if err := db.CreatePanel(ctx, panel); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a second draw: %v", err)
	}
	for _, q := range []string{`UPDATE panels SET seed = 'x'`, `DELETE FROM panels`} {
		if _, err := db.w.ExecContext(ctx, q); err == nil {
			t.Errorf("%s went through", q)
		}
	}
	if ids, err := db.PanelCalls(ctx, "ex-1"); err != nil || !slices.Equal(ids, []string{c.ID}) {
		t.Errorf("panel calls %v %v", ids, err)
	}
	if err := db.SaveProposal(ctx, &duijie.Proposal{ID: "pr-2", CallID: c.ID, OrgID: "i2", UserID: "ui2", Summary: "晚到", Plan: "x", Team: "y"}, duijie.Today(clock0)); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a proposal under review: %v", err)
	}
	at := &duijie.Attachment{ID: "att-1", ProposalID: p.ID, Name: "a.pdf", Type: "application/pdf", Size: 5, SHA256: "x", Created: clock0}
	if err := db.AddAttachment(ctx, at, []byte("%PDF-"), 5, duijie.Today(clock0)); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a file under review: %v", err)
	}
}

// TestExpertHistoryAppendOnly: 入库 makes the account and the history
// entry; a stale move is a conflict; the history cannot be rewritten.
func TestExpertHistoryAppendOnly(t *testing.T) {
	db, _, _ := callDB(t)
	ctx := context.Background()
	u := &duijie.User{ID: "u-ex1", Username: "zj1", Role: duijie.RoleExpert}
	must(t, db.AdmitExpert(ctx, duijie.ExpertEvent{ExpertID: "ex-1", At: clock0, ActorID: "ub", From: duijie.ExpertApplied, To: duijie.ExpertActive}, u, "hash"))
	if e, _ := db.ExpertOfUser(ctx, "u-ex1"); e == nil || e.Status != duijie.ExpertActive {
		t.Errorf("expert of the account: %+v", e)
	}
	err := db.MoveExpert(ctx, duijie.ExpertEvent{ExpertID: "ex-1", At: clock0, From: duijie.ExpertApplied, To: duijie.ExpertReturned, Note: "x"}, "")
	if duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a stale move: %v", err)
	}
	must(t, db.MoveExpert(ctx, duijie.ExpertEvent{ExpertID: "ex-1", At: clock0, ActorID: "ub", From: duijie.ExpertActive, To: duijie.ExpertRemoved, Note: "缺席"}, "u-ex1"))
	if got, _ := db.User(ctx, "u-ex1"); !got.Disabled {
		t.Error("the removed expert's account is enabled")
	}
	events, err := db.ExpertEvents(ctx, "ex-1")
	must(t, err)
	if len(events) != 3 || events[2].Note != "缺席" || events[2].Actor != "张经纪人" {
		t.Errorf("history %+v", events)
	}
	for _, q := range []string{`UPDATE expert_events SET note = ''`, `DELETE FROM expert_events`} {
		if _, err := db.w.ExecContext(ctx, q); err == nil {
			t.Errorf("%s went through", q)
		}
	}
}

// TestCallCooperationsWindow: introductions that reached 双方确认 and
// contracts count as co-operation within the window; a recommendation no
// side accepted and anything older do not.
func TestCallCooperationsWindow(t *testing.T) {
	db, _, _ := callDB(t)
	ctx := context.Background()
	year := 365 * 24 * time.Hour
	old := newIntro("in-old", "e1", "i2", "c1", "", duijie.StageNegotiating, time.Time{})
	old.Created, old.Updated = clock0.Add(-4*year), clock0.Add(-4*year)
	fresh := newIntro("in-new", "e2", "i2", "c2", "", duijie.StageConfirmed, time.Time{})
	fresh.Created, fresh.Updated = clock0.Add(-year), clock0.Add(-year)
	asked := newIntro("in-ask", "e1", "i1", "c1", "", duijie.StageRecommended, time.Time{})
	asked.Created, asked.Updated = clock0, clock0
	must(t, db.CreateIntroductions(ctx, []*duijie.Introduction{old, fresh, asked}, nil, nil))
	must(t, db.RecordContract(ctx, &duijie.Contract{ID: "ct-1", ChallengeID: "c1", Type: "development", Title: "委托开发", Buyer: "甲", Seller: "乙",
		BuyerOrgID: "e1", SellerOrgID: "i1", Amount: 1000, Signed: duijie.Today(clock0.Add(-2 * year)), CreatedBy: "ub", Created: clock0}, nil, time.Time{}, nil, nil))
	got, err := db.Cooperations(ctx, []string{"e1", "e2"}, clock0.Add(-3*year))
	must(t, err)
	var refs []string
	for _, c := range got {
		refs = append(refs, c.Ref)
	}
	if !slices.Equal(refs, []string{"ct-1", "in-new"}) {
		t.Errorf("co-operations %v, want [ct-1 in-new]", refs)
	}
}
