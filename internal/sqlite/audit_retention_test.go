package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"duijie/internal/duijie"
)

// TestAuditRetention: a purge removes only entries older than 184 days, as
// a prefix of the chain, and the chain verifies from its anchor; a younger
// cutoff is refused, and the trigger refuses to delete a young entry or an
// entry no purge covers, whatever asks.
func TestAuditRetention(t *testing.T) {
	db, _ := MustOpen(t)
	ctx := context.Background()
	now := time.Now().UTC()
	for i, age := range []int{300, 200, 190, 100, 0} {
		must(t, db.Record(ctx, duijie.AuditEntry{At: now.AddDate(0, 0, -age), Action: "signin.ok", Object: "user:u-" + string(rune('a'+i))}))
	}
	// Below the retention: refused before anything is touched.
	_, err := db.PurgeAudit(ctx, "", now.AddDate(0, 0, -183))
	wantCode(t, "purge at 183 days", duijie.EINVALID, err)
	if err != nil && !strings.Contains(err.Error(), "184 天") {
		t.Errorf("refusal does not state the rule: %v", err)
	}
	// Past the store's methods: a young entry, or an old one without a
	// purge's anchor, cannot be deleted; no entry can be updated.
	for _, q := range []string{
		`DELETE FROM audit WHERE object = 'user:u-d'`, // 100 days old
		`DELETE FROM audit WHERE object = 'user:u-a'`, // 300 days old, but no anchor
		`UPDATE audit SET detail = 'x' WHERE object = 'user:u-a'`,
	} {
		if _, err := db.w.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
	// An anchor does not make a young entry deletable.
	rawExec(t, db, `INSERT INTO audit_purges (at, before, upto_seq, upto_hash, deleted) VALUES ('x', 'x', 1000, 'x', 0)`)
	if _, err := db.w.ExecContext(ctx, `DELETE FROM audit WHERE object = 'user:u-d'`); err == nil {
		t.Error("a 100-day-old entry was deleted under an anchor")
	}
	db2, _ := MustOpen(t) // the forged anchor cannot be removed either: start afresh
	if _, err := db.w.ExecContext(ctx, `DELETE FROM audit_purges`); err == nil {
		t.Error("an anchor was deleted")
	}
	db = db2
	for i, age := range []int{300, 200, 190, 100, 0} {
		must(t, db.Record(ctx, duijie.AuditEntry{At: now.AddDate(0, 0, -age), Action: "signin.ok", Object: "user:u-" + string(rune('a'+i))}))
	}
	n, err := db.PurgeAudit(ctx, "u-sys", now.AddDate(0, 0, -185))
	must(t, err)
	if n != 3 {
		t.Fatalf("purged %d entries, want the 3 older than 185 days", n)
	}
	left, err := db.AuditLog(ctx, "", 100)
	must(t, err)
	var objects []string
	for _, e := range left {
		objects = append(objects, e.Object)
	}
	if got := strings.Join(objects, " "); got != "audit user:u-e user:u-d" {
		t.Errorf("left %q", got)
	}
	if bad, err := db.VerifyAudit(ctx); err != nil || bad != 0 {
		t.Errorf("chain after the purge: first bad %d, %v", bad, err)
	}
	if n, err := db.PurgeAudit(ctx, "", now.AddDate(0, 0, -185)); err != nil || n != 0 {
		t.Errorf("second purge: %d, %v", n, err)
	}
}

// TestAuditPagingReachesEverything: however many entries are written after
// one, keyset paging from the newest reaches it.
func TestAuditPagingReachesEverything(t *testing.T) {
	db, _ := MustOpen(t)
	ctx := context.Background()
	must(t, db.Record(ctx, duijie.AuditEntry{Action: duijie.AuditContactReveal, Object: "user:u-target"}))
	for range 205 {
		must(t, db.Record(ctx, duijie.AuditEntry{Action: duijie.AuditPostingWrite, Object: "challenge:ch-x"}))
	}
	var before int64
	for pages := 0; ; pages++ {
		p, err := db.AuditPage(ctx, AuditFilter{}, before, 0, 50)
		must(t, err)
		for _, e := range p.Entries {
			if e.Object == "user:u-target" {
				if pages != 4 {
					t.Errorf("found on page %d, want 5", pages+1)
				}
				return
			}
		}
		if !p.Older || pages > 10 {
			t.Fatal("the first entry is out of reach")
		}
		before = p.Entries[len(p.Entries)-1].Seq
	}
}
