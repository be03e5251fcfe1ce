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

func setup(t *testing.T) (*sqlite.DB, *Indexes, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "duijie.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ix, err := OpenMemIndexes()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	for _, o := range []duijie.Organization{
		{ID: "e1", Name: "六安某新能源公司", Kind: duijie.OrgEnterprise, Region: "la-jinan", CreditCode: "91341500MA2T8K3L6G"},
		{ID: "i1", Name: "合肥工业大学", Kind: duijie.OrgInstitute, Region: "hefei"},
	} {
		if err := db.PutOrganization(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	return db, ix, dir
}

// titles are the titles of the bureau's index that hold word.
func titles(t *testing.T, ix *Indexes, typ, word string) []string {
	t.Helper()
	return titlesIn(t, ix.For(duijie.AudienceBureau), typ, word)
}

func titlesIn(t *testing.T, ix *index.Index, typ, word string) []string {
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
	fresh, err := OpenMemIndexes()
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	var seen []int
	if err := New(db, fresh).Rebuild(ctx, func(done int) { seen = append(seen, done) }); err != nil {
		t.Fatal(err)
	}
	if n, _ := fresh.Count(); n[duijie.AudienceBureau] != 3 || n[duijie.AudiencePublic] != 3 {
		t.Errorf("rebuilt index holds %d postings, want 3", n)
	}
	if len(seen) == 0 || seen[len(seen)-1] != 3 {
		t.Errorf("progress %v", seen)
	}
	if n, _ := New(db, fresh).Apply(ctx); n != 0 {
		t.Errorf("after a rebuild the outbox is applied, yet Apply did %d", n)
	}
}

// TestAudiences: each audience's index holds the postings as that audience
// may read them: the public one holds no draft, closed or bureau-only
// posting and no hidden part of a 摘要公开 challenge (body, enterprise,
// region), and follows a posting in and out as its status and visibility
// change; its size is what the store counts for the public.
func TestAudiences(t *testing.T) {
	db, ix, _ := setup(t)
	ctx := context.Background()
	pub := ix.For(duijie.AudiencePublic)
	ch := func(id, title, problem string, vis duijie.Visibility, st duijie.Status) duijie.Challenge {
		return duijie.Challenge{ID: id, OrgID: "e1", Title: title, Problem: problem, Industry: "nev",
			Keywords: []string{"电机"}, Field: "电气工程", Region: "la-jinan", Modes: []duijie.Mode{"技术开发"},
			Visibility: vis, Status: st, Posted: time.Now()}
	}
	for _, c := range []duijie.Challenge{
		ch("c-pub", "扁线电机啸叫", "公开正文铁芯。", duijie.VisibilityPublic, duijie.StatusPublished),
		ch("c-sum", "驱动电机降噪", "隐藏正文氮化硅陶瓷球。", duijie.VisibilitySummary, duijie.StatusPublished),
		ch("c-bur", "坯体开裂", "仅科技局坯体。", duijie.VisibilityBureau, duijie.StatusPublished),
		ch("c-draft", "草稿石墨烯", "草稿正文石墨烯。", duijie.VisibilityPublic, duijie.StatusDraft),
		ch("c-closed", "已关闭钙钛矿", "关闭正文钙钛矿。", duijie.VisibilityPublic, duijie.StatusClosed),
	} {
		if err := db.PutChallenge(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	draftCap := duijie.Capability{ID: "p-draft", OrgID: "i1", Kind: duijie.KindAchievement, Title: "钛合金粉末",
		Description: "草稿。", Industry: "materials", TRL: 5, Modes: []duijie.Mode{"技术转让"}, Status: duijie.StatusDraft}
	if err := db.PutCapability(ctx, &draftCap); err != nil {
		t.Fatalf("%+v", err.(*duijie.Error).Fields)
	}
	x := New(db, ix)
	if _, err := x.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"氮化硅", "坯体", "石墨烯", "钙钛矿"} {
		if got := titlesIn(t, pub, index.DocChallenge, word); len(got) != 0 {
			t.Errorf("public index finds %s: %v", word, got)
		}
		if got := titles(t, ix, index.DocChallenge, word); len(got) != 1 {
			t.Errorf("bureau index finds %s: %v, want one", word, got)
		}
	}
	if got := titlesIn(t, pub, index.DocCapability, "钛合金"); len(got) != 0 {
		t.Errorf("public index finds a draft capability: %v", got)
	}
	if got := titlesIn(t, pub, index.DocChallenge, "电机"); len(got) != 2 {
		t.Errorf("public index: %v, want the public and the 摘要公开 challenge", got)
	}
	docs, err := pub.Docs(ctx, index.DocChallenge, []string{"c-sum"})
	if err != nil {
		t.Fatal(err)
	}
	if d := docs["c-sum"]; d.Title != "驱动电机降噪" || d.Description != "" || d.OrgName != "" || d.Org != "" ||
		d.Region != "" || d.RegionTier != "" || d.Keywords != "电机、电气工程" {
		t.Errorf("the public copy of a 摘要公开 challenge: %+v", d)
	}
	checkCounts := func(when string) {
		t.Helper()
		want, err := db.AudienceCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		have, err := ix.Count()
		if err != nil {
			t.Fatal(err)
		}
		for _, aud := range duijie.Audiences {
			if have[aud] != uint64(want[aud]) {
				t.Errorf("%s: %s index holds %d, the store counts %d", when, aud, have[aud], want[aud])
			}
		}
	}
	checkCounts("after the first run")
	// Published, then made bureau-only: in, then out of the public index.
	c := ch("c-draft", "草稿石墨烯", "草稿正文石墨烯。", duijie.VisibilityPublic, duijie.StatusPublished)
	if err := db.PutChallenge(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	if got := titlesIn(t, pub, index.DocChallenge, "石墨烯"); len(got) != 1 {
		t.Errorf("published challenge not in the public index: %v", got)
	}
	checkCounts("after publishing")
	c.Visibility = duijie.VisibilityBureau
	if err := db.PutChallenge(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	if got := titlesIn(t, pub, index.DocChallenge, "石墨烯"); len(got) != 0 {
		t.Errorf("a challenge made bureau-only stays in the public index: %v", got)
	}
	checkCounts("after hiding")
}
