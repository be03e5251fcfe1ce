package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"duijie/internal/duijie"
)

// counts is how many organisations, challenges, capabilities, outbox rows
// and audit entries the store holds.
func counts(t *testing.T, db *DB) string {
	t.Helper()
	var o, c, p, x, a int
	err := db.r.QueryRow(`SELECT (SELECT count(*) FROM organizations), (SELECT count(*) FROM challenges),
		(SELECT count(*) FROM capabilities), (SELECT count(*) FROM outbox), (SELECT count(*) FROM audit)`).Scan(&o, &c, &p, &x, &a)
	must(t, err)
	return fmt.Sprintf("orgs %d, challenges %d, capabilities %d, outbox %d, audit %d", o, c, p, x, a)
}

func importBatch() *ImportBatch {
	newOrg := &duijie.Organization{ID: "org-new", Name: "六安新建科技有限公司", Kind: duijie.OrgEnterprise, Region: "la-huoshan",
		CreditCode: "91341500MA2N0LA0XR", Status: duijie.OrgPending}
	ch := func(id, org, title string, st duijie.Status) ImportPosting {
		return ImportPosting{Row: len(id), Challenge: &duijie.Challenge{ID: id, OrgID: org, Title: title, Problem: "问题。", Industry: "nev",
			Modes: []duijie.Mode{"技术开发"}, Visibility: duijie.VisibilityPublic, Status: st, Posted: duijie.ParseDate("2026-05-01")}}
	}
	return &ImportBatch{
		Orgs: []ImportOrg{{Row: 2, Org: newOrg}},
		Postings: []ImportPosting{
			ch("ch-im1", "e1", "已有企业的需求", duijie.StatusPublished),
			ch("ch-im22", "org-new", "新企业的需求", duijie.StatusPending),
			{Row: 4, Capability: &duijie.Capability{ID: "cap-im1", OrgID: "i1", Kind: duijie.KindExpert, Title: "专家", Description: "简介。",
				Industry: "ai", Modes: []duijie.Mode{"技术咨询"}, Status: duijie.StatusPublished}},
		},
		Audit: duijie.AuditEntry{Actor: "ub", Action: "import.commit", Object: "import:x", Detail: "3 rows"},
	}
}

// TestImportAllOrNothing: a batch is written whole, with its outbox rows
// and audit entry; a batch with one bad row at commit time writes nothing.
func TestImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		spoil func(b *ImportBatch, db *DB)
		want  string
	}{
		{"an invalid posting", func(b *ImportBatch, _ *DB) { b.Postings[2].Capability.Title = "" }, "第 4 行：请填写标题。整个文件均未导入"},
		{"a credit code registered since the dry run", func(_ *ImportBatch, db *DB) {
			o := &duijie.Organization{ID: "org-race", Name: "抢先注册公司", Kind: duijie.OrgEnterprise, Region: "hefei", CreditCode: "91341500MA2N0LA0XR"}
			must(t, db.PutOrganization(ctx, o))
		}, "第 2 行：统一社会信用代码 91341500MA2N0LA0XR 在预览之后已被注册"},
		{"a posting id taken", func(b *ImportBatch, _ *DB) { b.Postings[1].Challenge.ID = "c1" }, "第 7 行：编号 c1 已存在"},
		{"an organisation rejected since", func(_ *ImportBatch, db *DB) { must(t, db.SetOrgStatus(ctx, "i1", duijie.OrgRejected)) }, "第 4 行：所属单位不存在或注册未通过审核"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := portalDB(t)
			b := importBatch()
			tc.spoil(b, db)
			before := counts(t, db)
			err := db.Import(ctx, b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if after := counts(t, db); after != before {
				t.Errorf("a failed import wrote: %s, before %s", after, before)
			}
		})
	}

	db := portalDB(t)
	before := counts(t, db)
	must(t, db.Import(ctx, importBatch()))
	if got, want := counts(t, db), "orgs 4, challenges 3, capabilities 2, outbox 5, audit 1"; got != want || before == got {
		t.Errorf("after the import: %s, want %s", got, want)
	}
	o, err := db.OrgByCreditCode(ctx, "91341500MA2N0LA0XR")
	if err != nil || o.ID != "org-new" || o.Status != duijie.OrgPending {
		t.Errorf("new organisation %+v %v", o, err)
	}
	if _, err := db.OrgByName(ctx, "合肥工业大学"); err != nil {
		t.Error(err)
	}
	wantCode(t, "unknown name", duijie.ENOTFOUND, errOf(db.OrgByName(ctx, "没有的单位")))
	if broken, err := db.VerifyAudit(ctx); broken != 0 || err != nil {
		t.Errorf("audit chain %d %v", broken, err)
	}
	// Approving the organisation publishes what waited for it.
	n, err := db.PublishPending(ctx, "org-new", "2026-05-02")
	if err != nil || n != 1 {
		t.Fatalf("published %d: %v", n, err)
	}
	c, _ := db.Challenge(ctx, "ch-im22")
	if c.Status != duijie.StatusPublished || c.Posted.Format(duijie.DateLayout) != "2026-05-02" {
		t.Errorf("pending challenge after approval: %s %v", c.Status, c.Posted)
	}
	changes, _ := db.Changes(ctx, "test", 100)
	if last := changes[len(changes)-1]; last.DocID != "ch-im22" {
		t.Errorf("not queued for the index: %+v", last)
	}
}

// TestAuditPaging: keyset pages reach every entry both ways, however many
// are written meanwhile; filters by time, user, action and object.
func TestAuditPaging(t *testing.T) {
	ctx := context.Background()
	db, _ := MustOpen(t)
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 25; i++ {
		e := duijie.AuditEntry{At: t0.Add(time.Duration(i) * time.Hour), Actor: []string{"u1", "u2"}[i%2],
			Action: []string{"signin.ok", "signin.fail", "posting.write"}[i%3], Object: fmt.Sprintf("challenge:ch-%02d", i), Detail: "d"}
		must(t, db.Record(ctx, e))
	}
	seqs := func(p *AuditPage) string {
		var s []string
		for _, e := range p.Entries {
			s = append(s, fmt.Sprint(e.Seq))
		}
		return strings.Join(s, ",")
	}
	p1, err := db.AuditPage(ctx, AuditFilter{}, 0, 0, 10)
	must(t, err)
	if seqs(p1) != "25,24,23,22,21,20,19,18,17,16" || !p1.Older || p1.Newer {
		t.Fatalf("first page %s older %v newer %v", seqs(p1), p1.Older, p1.Newer)
	}
	// New entries do not push anything out of reach of the next page.
	for i := 0; i < 5; i++ {
		must(t, db.Record(ctx, duijie.AuditEntry{Action: "signin.ok", Object: "user:x"}))
	}
	p2, _ := db.AuditPage(ctx, AuditFilter{}, 16, 0, 10)
	p3, _ := db.AuditPage(ctx, AuditFilter{}, 6, 0, 10)
	if seqs(p2) != "15,14,13,12,11,10,9,8,7,6" || !p2.Older || !p2.Newer || seqs(p3) != "5,4,3,2,1" || p3.Older {
		t.Errorf("pages %s / %s", seqs(p2), seqs(p3))
	}
	back, _ := db.AuditPage(ctx, AuditFilter{}, 0, 15, 10)
	if seqs(back) != "25,24,23,22,21,20,19,18,17,16" || !back.Newer || !back.Older {
		t.Errorf("back from page 2: %s newer %v", seqs(back), back.Newer)
	}
	for _, tc := range []struct {
		f    AuditFilter
		want string
	}{
		{AuditFilter{Actor: "u1", Action: "signin.ok"}, "24,18,12,6"},
		{AuditFilter{Action: "signin."}, "30,29,28,27,26,25,24,22,21,19"},
		{AuditFilter{From: t0.Add(10 * time.Hour), To: t0.Add(13 * time.Hour)}, "12,11,10"},
		{AuditFilter{Object: "ch-07"}, "7"},
		{AuditFilter{Object: "challenge:ch-1"}, "19,18,17,16,15,14,13,12,11,10"},
		{AuditFilter{Object: "%"}, ""},
	} {
		p, err := db.AuditPage(ctx, tc.f, 0, 0, 10)
		must(t, err)
		if seqs(p) != tc.want {
			t.Errorf("%+v: %s, want %s", tc.f, seqs(p), tc.want)
		}
	}
	n := 0
	must(t, db.AuditEach(ctx, AuditFilter{Action: "signin."}, func(duijie.AuditEntry) error { n++; return nil }))
	if n != 22 {
		t.Errorf("AuditEach: %d entries, want 22", n)
	}
}
