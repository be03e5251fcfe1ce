package indexer

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"duijie/index"
	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

func setup(t *testing.T) (*sqlite.DB, *index.Index, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "duijie.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ix, err := index.OpenMem(index.AnalyzerIndex)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	for _, o := range []duijie.Organization{
		{ID: "e1", Name: "六安某新能源公司", Kind: duijie.OrgEnterprise, Region: "安徽省六安市", CreditCode: "91341500MA2T8K3L6G"},
		{ID: "i1", Name: "合肥工业大学", Kind: duijie.OrgInstitute, Region: "安徽省合肥市"},
	} {
		if err := db.PutOrganization(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	return db, ix, dir
}

func titles(t *testing.T, ix *index.Index, typ, word string) []string {
	t.Helper()
	res, err := ix.Search(context.Background(), index.Query{Type: typ, Terms: []index.Term{{Text: word, Weight: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Doc.Title)
	}
	return out
}

func TestApplyFollowsTheStore(t *testing.T) {
	db, ix, _ := setup(t)
	ctx := context.Background()
	c := duijie.Challenge{ID: "c1", OrgID: "e1", Title: "电池包热管理", Problem: "快充温差大。", Industry: "nev",
		Modes: []duijie.Mode{"技术开发"}, Visibility: duijie.VisibilityPublic, Status: duijie.StatusPublished, Posted: time.Now()}
	p := duijie.Capability{ID: "p1", OrgID: "i1", Kind: duijie.KindAchievement, Title: "液冷板热管理技术",
		Description: "电池包液冷。", TRL: 6, Industry: "nev", Modes: []duijie.Mode{"技术转让"}, Status: duijie.StatusPublished}
	if err := db.PutChallenge(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := db.PutCapability(ctx, &p); err != nil {
		t.Fatal(err)
	}
	x := New(db, ix)
	if n, err := x.Apply(ctx); err != nil || n != 2 {
		t.Fatalf("Apply = %d, %v; want 2", n, err)
	}
	if got := titles(t, ix, index.DocCapability, "热管理"); len(got) != 1 || got[0] != "液冷板热管理技术" {
		t.Errorf("capabilities found: %v", got)
	}
	// An edit reaches the index on the next run; a run with nothing new is a no-op.
	c.Title = "储能柜热失控预警"
	if err := db.PutChallenge(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if n, err := x.Apply(ctx); err != nil || n != 1 {
		t.Fatalf("Apply after edit = %d, %v; want 1", n, err)
	}
	if n, _ := x.Apply(ctx); n != 0 {
		t.Errorf("Apply with nothing new = %d", n)
	}
	if got := titles(t, ix, index.DocChallenge, "热失控"); len(got) != 1 {
		t.Errorf("edited challenge not found: %v", got)
	}
	if got := titles(t, ix, index.DocChallenge, "电池包"); len(got) != 0 {
		t.Errorf("old text still found: %v", got)
	}
}

// TestRebuildHealsALostIndex: a new, empty index (a crash that lost it, or
// a deleted folder) is rebuilt from the store alone.
func TestRebuildHealsALostIndex(t *testing.T) {
	db, ix, _ := setup(t)
	ctx := context.Background()
	for _, id := range []string{"p1", "p2", "p3"} {
		p := duijie.Capability{ID: id, OrgID: "i1", Kind: duijie.KindExpert, Title: "高温合金专家 " + id,
			Description: "定向凝固。", Industry: "materials", Modes: []duijie.Mode{"技术咨询"}, Status: duijie.StatusPublished}
		if err := db.PutCapability(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	x := New(db, ix)
	if _, err := x.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	fresh, err := index.OpenMem(index.AnalyzerIndex)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	var seen []int
	if err := New(db, fresh).Rebuild(ctx, func(done int) { seen = append(seen, done) }); err != nil {
		t.Fatal(err)
	}
	if n, _ := fresh.Count(); n != 3 {
		t.Errorf("rebuilt index holds %d postings, want 3", n)
	}
	if len(seen) == 0 || seen[len(seen)-1] != 3 {
		t.Errorf("progress %v", seen)
	}
	if n, _ := New(db, fresh).Apply(ctx); n != 0 {
		t.Errorf("after a rebuild the outbox is applied, yet Apply did %d", n)
	}
}
