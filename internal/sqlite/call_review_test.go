package sqlite

import (
	"context"
	"testing"

	"duijie/internal/duijie"
)

// TestCallDeleteAttachmentInTransaction: a file is deleted only while the
// call accepts proposals, decided in the deleting transaction (a draw that
// came in between keeps the file the panel will read), and only through
// its own proposal.
func TestCallDeleteAttachmentInTransaction(t *testing.T) {
	db, c, p := callDB(t)
	ctx := context.Background()
	today := duijie.Today(clock0)
	for _, id := range []string{"att-1", "att-2"} {
		must(t, db.AddAttachment(ctx, &duijie.Attachment{ID: id, ProposalID: p.ID, Name: "a.pdf", Type: "application/pdf", Size: 5,
			SHA256: "x", Created: clock0}, []byte("%PDF-"), duijie.MaxAttachments, today))
	}
	if err := db.DeleteAttachment(ctx, "att-1", "pr-other", today); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("through another proposal: %v", err)
	}
	must(t, db.DeleteAttachment(ctx, "att-1", p.ID, today))
	// The deadline passes and the panel is drawn while the owner's page
	// still offers 删除.
	must(t, db.CreatePanel(ctx, &duijie.Panel{CallID: c.ID, Seed: "0123456789abcdef0123456789abcdef", Size: 1,
		Candidates: []string{"ex-1"}, Members: []string{"ex-1"}, DrawnBy: "ub", DrawnAt: clock0}))
	if err := db.DeleteAttachment(ctx, "att-2", p.ID, today); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a delete under review: %v", err)
	}
	if _, _, err := db.Attachment(ctx, "att-2"); err != nil {
		t.Errorf("the file is gone: %v", err)
	}
	if err := db.DeleteAttachment(ctx, "att-2", p.ID, today.AddDate(0, 0, 30)); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a delete after the deadline: %v", err)
	}
}

// TestCallSaveReviewOnlyByThePanel: the store takes a review only from an
// expert sitting on the call's panel when it writes: not from one never
// drawn, nor from a member recused in between (the replacement may).
func TestCallSaveReviewOnlyByThePanel(t *testing.T) {
	db, c, p := callDB(t)
	ctx := context.Background()
	must(t, db.CreateExpert(ctx, &duijie.Expert{ID: "ex-2", Username: "zj2", Name: "专家二", Industry: "nev", Title: "教授",
		OrgName: "某研究院", Status: duijie.ExpertApplied, Created: clock0, Updated: clock0}))
	must(t, db.CreatePanel(ctx, &duijie.Panel{CallID: c.ID, Seed: "0123456789abcdef0123456789abcdef", Size: 1,
		Candidates: []string{"ex-1", "ex-2"}, Members: []string{"ex-1"}, DrawnBy: "ub", DrawnAt: clock0}))
	review := func(expert string) error {
		return db.SaveReview(ctx, &duijie.Review{CallID: c.ID, ProposalID: p.ID, ExpertID: expert, Scores: []int{80},
			Comment: "方案可行，建议补充中试数据。", Updated: clock0})
	}
	if err := review("ex-2"); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("a candidate not drawn: %v", err)
	}
	must(t, review("ex-1"))
	must(t, db.AddPanelChange(ctx, duijie.PanelChange{CallID: c.ID, ExpertID: "ex-1", Replacement: "ex-2", Reason: "回避",
		ActorID: "ub", At: clock0}, 0))
	if err := review("ex-1"); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("a recused member: %v", err)
	}
	must(t, review("ex-2"))
}
