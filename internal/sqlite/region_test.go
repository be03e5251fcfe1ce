package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"duijie/internal/duijie"
)

// TestRegionMigration writes free-text regions into a store as it was
// before 0007_regions.sql, applies the migration and requires every
// region to be what duijie.ParseRegion makes of it (the text kept where
// it cannot), so the SQL rules and the Go rules stay one rule. The
// postings are queued for indexing again.
func TestRegionMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "duijie.db")
	old, err := open(ctx, path, 4)
	must(t, err)
	texts := []string{
		"安徽省六安市霍山县", "安徽省六安市金安区", "安徽省六安市裕安区", "安徽省六安市叶集区", "安徽省六安市霍邱县",
		"安徽省六安市舒城县", "安徽省六安市金寨县", "安徽省六安市六安经济技术开发区", "六安经开区",
		"安徽省六安市六安高新技术产业开发区", "安徽省六安市", "六安", "安徽省合肥市蜀山区", "安徽省合肥市经济技术开发区",
		"合肥高新区", "安徽省马鞍山市", "安徽省淮南市", "黄山市", "上海市闵行区", "江苏省南京市", "无锡市",
		"浙江省宁波市", "杭州市", "北京市海淀区", "广东省深圳市", "火星", " hefei ", "la-yuan", "",
	}
	for i, text := range texts {
		id := string(rune('a'+i/26)) + string(rune('a'+i%26))
		_, err := old.w.ExecContext(ctx, `INSERT INTO organizations (id, name, kind, region, created_at) VALUES (?, ?, 'institute', ?, '')`,
			id, "机构"+id, text)
		must(t, err)
		_, err = old.w.ExecContext(ctx, `INSERT INTO capabilities (id, org_id, kind, title, description, industry, region, status, updated_at)
			VALUES (?, ?, 'expert', 't', 'd', 'nev', ?, 'published', '')`, "p"+id, id, text)
		must(t, err)
	}
	_, err = old.w.ExecContext(ctx, `INSERT INTO challenges (id, org_id, title, problem, industry, visibility, status, updated_at)
		VALUES ('c1', 'aa', 't', 'p', 'nev', 'public', 'published', '')`)
	must(t, err)
	old.Close()

	db, err := Open(ctx, path)
	must(t, err)
	defer db.Close()
	for i, text := range texts {
		id := string(rune('a'+i/26)) + string(rune('a'+i%26))
		want, ok := duijie.ParseRegion(text)
		if !ok {
			want = duijie.Region(text) // kept as written
		}
		o, err := db.Organization(ctx, id)
		must(t, err)
		c, err := db.Capability(ctx, "p"+id)
		must(t, err)
		if o.Region != want || c.Region != want {
			t.Errorf("%q: organisation %q, capability %q, want %q", text, string(o.Region), string(c.Region), string(want))
		}
	}
	ch, err := db.Challenge(ctx, "c1")
	must(t, err)
	if ch.Region != "la-huoshan" || ch.Closure != (duijie.Closure{}) {
		t.Errorf("challenge: region %q closure %+v", string(ch.Region), ch.Closure)
	}
	changes, err := db.Changes(ctx, "bleve", 1000)
	must(t, err)
	if len(changes) != len(texts)+1 {
		t.Errorf("%d postings queued for indexing, want %d", len(changes), len(texts)+1)
	}
}

// TestCloseReason: closing a challenge stores why (validated), reopening
// clears it, and a capability has none.
func TestCloseReason(t *testing.T) {
	db := portalDB(t)
	ctx := context.Background()
	wantCode(t, "close without a reason", duijie.EINVALID,
		db.SetStatus(ctx, "challenge", "c1", "e1", duijie.StatusPublished, duijie.StatusClosed, "", duijie.Closure{}))
	why := duijie.Closure{Reason: duijie.CloseMatched, Note: "与合工大签约"}
	must(t, db.SetStatus(ctx, "challenge", "c1", "e1", duijie.StatusPublished, duijie.StatusClosed, "", why))
	c, err := db.Challenge(ctx, "c1")
	must(t, err)
	if c.Status != duijie.StatusClosed || c.Closure != why {
		t.Fatalf("closed: %s %+v", c.Status, c.Closure)
	}
	// An edit keeps it.
	c.Title = "新标题"
	must(t, db.UpdateChallenge(ctx, c))
	if c, _ = db.Challenge(ctx, "c1"); c.Closure != why {
		t.Errorf("after an edit: %+v", c.Closure)
	}
	must(t, db.SetStatus(ctx, "challenge", "c1", "e1", duijie.StatusClosed, duijie.StatusPublished, "", why))
	if c, _ = db.Challenge(ctx, "c1"); c.Status != duijie.StatusPublished || c.Closure != (duijie.Closure{}) {
		t.Errorf("reopened: %s %+v", c.Status, c.Closure)
	}
	// A wrong organisation finds nothing, closure or not.
	wantCode(t, "someone else's", duijie.ENOTFOUND,
		db.SetStatus(ctx, "challenge", "c1", "i1", duijie.StatusPublished, duijie.StatusClosed, "", why))
	must(t, db.SetStatus(ctx, "capability", "p1", "i1", duijie.StatusPublished, duijie.StatusClosed, "", duijie.Closure{}))
}
