package portal

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"duijie/index"
	"duijie/internal/duijie"
	"duijie/internal/importer"
)

var (
	importBroker  = Actor{User: &duijie.User{ID: "u-demo-jingjiren", Username: "jingjiren", Role: duijie.RoleBroker}, IP: "10.0.0.8"}
	importBroker2 = Actor{User: &duijie.User{ID: "u-other-broker", Username: "broker2", Role: duijie.RoleBroker}}
	importAuditor = Actor{User: &duijie.User{ID: "u-demo-shenji", Role: duijie.RoleAuditor}}
)

// ImportWorkbook fills the template of k with rows from row 2 on.
func importWorkbook(t *testing.T, k importer.Kind, rows [][]any) []byte {
	t.Helper()
	tpl, err := importer.Template(k)
	must(t, err)
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	must(t, err)
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		must(t, f.SetSheetRow(k.Label(), cell, &r))
	}
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf)
	must(t, err)
	return buf.Bytes()
}

// challengeRow is a row of the 技术需求 template.
func challengeRow(org, code, region, title, problem string, more ...string) []any {
	targets, tried, constraints, deadline := "", "", "", "2027-06-30"
	if len(more) == 4 {
		targets, tried, constraints, deadline = more[0], more[1], more[2], more[3]
	}
	return []any{org, code, region, title, problem, targets, tried, constraints, "新能源与新能源汽车", "", "", "", "", deadline, "技术开发", "公开", ""}
}

func statuses(p *ImportPlan) string {
	var s []string
	for _, r := range p.Rows {
		s = append(s, fmt.Sprintf("%d:%s", r.Row, r.Status))
	}
	return strings.Join(s, " ")
}

func rowOf(p *ImportPlan, n int) ImportRow {
	for _, r := range p.Rows {
		if r.Row == n {
			return r
		}
	}
	return ImportRow{}
}

func postingCounts(t *testing.T, s *Service) string {
	t.Helper()
	var c, p, o int
	ctx := context.Background()
	ids, err := s.db.PostingIDs(ctx, "challenge")
	must(t, err)
	c = len(ids)
	ids, err = s.db.PostingIDs(ctx, "capability")
	must(t, err)
	p = len(ids)
	orgs, err := s.db.Organizations(ctx, "")
	must(t, err)
	o = len(orgs)
	return fmt.Sprintf("challenges %d, capabilities %d, organisations %d", c, p, o)
}

// TestImportDryRunXlsx: a workbook of demands is checked row by row
// (created, duplicates of the store and of the file, errors), nothing is
// written before the confirmation, then everything at once, indexed; a
// second confirmation finds nothing.
func TestImportDryRunXlsx(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	ch1, err := s.db.Challenge(ctx, "ch-a001")
	must(t, err)
	const piyuan, junchi = "91341500MA2T8K3L6G", "91341503MA2NQ6W11A" // ent-a01, ent-a02
	const newCode = "91341500MA2N0LA0XR"
	data := importWorkbook(t, importer.Challenges, [][]any{
		challengeRow("安徽淠源新能源科技有限公司", piyuan, "", "电池包低温预热与快充协同控制", "冬季快充前需要预热。"),                                                // 2 create
		challengeRow("淠源新能源", piyuan, "", ch1.Title+"！", "换了一种说法的同一个需求。"),                                                        // 3 same org, similar title
		challengeRow("六安新建储能科技有限公司", newCode, "安徽省六安市霍山县", "储能电站消防预警", "需要早期预警。"),                                                // 4 create, new org
		challengeRow("六安新建储能科技有限公司", newCode, "", "储能电池簇均衡", "簇间不均衡。"),                                                           // 5 create, same new org
		challengeRow("六安新建储能科技有限公司", validCode("91341500MA2N0LB0X"), "金安区", "另一个代码", "x"),                                        // 6 error: same name, other code
		challengeRow("六安市骏驰电动车辆有限公司", junchi, "", ch1.Title, ch1.Problem, ch1.Targets, ch1.Tried, ch1.Constraints, "2027-06-30"), // 7 near-identical to ch-a001, other org
		challengeRow("六安新建储能科技有限公司", newCode, "", "储能电池簇均衡控制", "簇间不均衡。"),                                                         // 8 duplicate of row 5
		challengeRow("安徽淠源新能源科技有限公司", piyuan, "", "截止日期写错", "p", "", "", "", "明年六月"),                                             // 9 bad date
		challengeRow("合肥工业大学", "", "", "院所不能发需求", "p"),                                                                           // 10 error: no code
	})
	before := postingCounts(t, s)
	p, err := s.ImportDryRun(ctx, importBroker, "sess-1", ImportUpload{Kind: importer.Challenges, FileName: `C:\fakepath\征集表.xlsx`, Data: data})
	must(t, err)
	if got, want := statuses(p), "2:create 3:duplicate 4:create 5:create 6:error 7:duplicate 8:duplicate 9:error 10:error"; got != want {
		t.Fatalf("rows %s, want %s", got, want)
	}
	for n, want := range map[int]string{
		3:  "本单位已有标题相近的技术需求",
		7:  "已有标题和内容几乎相同的技术需求",
		8:  "与第 5 行属同一单位，标题相近",
		6:  "与第 4 行的单位名称相同，但统一社会信用代码不同",
		9:  "「明年六月」不是有效的日期",
		10: "企业须填写统一社会信用代码",
	} {
		r := rowOf(p, n)
		got := ""
		if r.Dup != nil {
			got = r.Dup.Reason + " " + r.Dup.ID
		}
		for _, pr := range r.Problems {
			got += " " + pr.Column + "：" + pr.Message
		}
		if !strings.Contains(got, want) {
			t.Errorf("row %d: %q, want %q", n, got, want)
		}
	}
	if r := rowOf(p, 3); r.Dup.ID != "ch-a001" || !strings.Contains(r.OrgNote, "表中写作「淠源新能源」") {
		t.Errorf("row 3: %+v %q", r.Dup, r.OrgNote)
	}
	if r := rowOf(p, 4); r.Posting != duijie.StatusPending || !strings.Contains(r.OrgNote, "新建单位") {
		t.Errorf("row 4: %s %q", r.Posting, r.OrgNote)
	}
	if rowOf(p, 2).Posting != duijie.StatusPublished || p.Creates != 3 || p.NewOrgs != 1 || p.Duplicates != 3 || p.Errors != 3 {
		t.Errorf("plan %+v", p)
	}
	if p.FileName != "征集表.xlsx" || len(p.SHA256) != 64 {
		t.Errorf("file %q %q", p.FileName, p.SHA256)
	}
	if after := postingCounts(t, s); after != before {
		t.Fatalf("a dry run wrote: %s, before %s", after, before)
	}

	// The plan is the broker's session's only.
	if _, err := s.ConfirmImport(ctx, importBroker, "sess-other", p.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("another session confirmed: %v", err)
	}
	if _, err := s.ConfirmImport(ctx, importBroker2, "sess-1", p.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("another broker confirmed: %v", err)
	}
	if _, err := s.ConfirmImport(ctx, Actor{User: &duijie.User{ID: importBroker.User.ID, Role: duijie.RoleEnterprise}}, "sess-1", p.ID); duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("an enterprise confirmed: %v", err)
	}
	if _, err := s.ConfirmImport(ctx, importBroker, "sess-1", p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmImport(ctx, importBroker, "sess-1", p.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("confirmed twice: %v", err)
	}
	var c0, p0, o0 int
	fmt.Sscanf(before, "challenges %d, capabilities %d, organisations %d", &c0, &p0, &o0)
	if after, want := postingCounts(t, s), fmt.Sprintf("challenges %d, capabilities %d, organisations %d", c0+3, p0, o0+1); after != want {
		t.Errorf("after the import: %s, want %s (before %s)", after, want, before)
	}
	// The published one is in the public index; the pending ones only in the bureau's.
	for _, tc := range []struct {
		aud  duijie.Audience
		q    string
		want int
	}{{duijie.AudiencePublic, "电池包低温预热与快充协同控制", 1}, {duijie.AudiencePublic, "储能电站消防预警", 0}, {duijie.AudienceBureau, "储能电站消防预警", 1}} {
		res, err := s.ix.For(tc.aud).Search(ctx, index.Query{Type: index.DocChallenge, Match: tc.q, Fields: []index.FieldBoost{{Field: index.FieldTitle, Boost: 1}}, Size: 50})
		must(t, err)
		n := 0
		for _, h := range res.Hits {
			if h.Doc.Title == tc.q {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%s index: %d hits of %s, want %d", tc.aud, n, tc.q, tc.want)
		}
	}
	// Approving the new organisation publishes its postings.
	o, err := s.db.OrgByCreditCode(ctx, newCode)
	must(t, err)
	if o.Status != duijie.OrgPending || o.Region != "la-huoshan" {
		t.Errorf("new organisation %+v", o)
	}
	must(t, s.ReviewOrg(ctx, importBroker, o.ID, true))
	res, err := s.ix.For(duijie.AudiencePublic).Search(ctx, index.Query{Type: index.DocChallenge, Filter: index.Filter{Orgs: []string{o.ID}}, Size: 10})
	must(t, err)
	if res.Total != 2 {
		t.Errorf("after approval the public index holds %d of the organisation's challenges, want 2", res.Total)
	}
	// Both steps are audited with the file's name and hash.
	v, err := s.AuditSearch(ctx, importAuditor, AuditQuery{Action: "import."})
	must(t, err)
	if len(v.Entries) != 2 || v.Entries[0].Action != AuditImportCommit || !strings.Contains(v.Entries[0].Detail, p.SHA256) ||
		!strings.Contains(v.Entries[0].Detail, "导入 3 行，新建单位 1 个，跳过疑似重复 3 行、错误 3 行") || !strings.Contains(v.Entries[1].Detail, "征集表.xlsx") {
		t.Errorf("audit %+v", v.Entries)
	}
	// The same file again: everything it created is now a duplicate.
	p2, err := s.ImportDryRun(ctx, importBroker, "sess-1", ImportUpload{Kind: importer.Challenges, FileName: "征集表.xlsx", Data: data})
	must(t, err)
	if p2.Creates != 0 {
		t.Errorf("the same file twice: %s", statuses(p2))
	}
	if _, err := s.ConfirmImport(ctx, importBroker, "sess-1", p2.ID); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("a plan with nothing to create: %v", err)
	}
}

// TestImportDryRunCSV: capabilities from CSV: an institute matched by name
// without a code, a new institute made pending.
func TestImportDryRunCSV(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	csv := "单位名称,统一社会信用代码,单位所在地区,类型,成果名称,简介,成熟度（TRL）,所属产业,合作方式\n" +
		"合肥工业大学,,,科技成果,车用电机控制器散热新结构,采用针翅式散热结构。,6,新能源与新能源汽车,技术转让\n" +
		"六安职业技术学院（测试）,,六安市裕安区,专家,茶叶加工专家,长期从事茶叶加工研究。,,绿色食品与农产品精深加工,技术咨询\n" +
		"安徽淠源新能源科技有限公司,91341500MA2T8K3L6G,,专家,企业不能发成果,x,,nev,技术咨询\n"
	p, err := s.ImportDryRun(ctx, importBroker, "s", ImportUpload{Kind: importer.Capabilities, FileName: "成果.csv", Data: []byte(csv)})
	must(t, err)
	if got := statuses(p); got != "2:create 3:create 4:error" {
		t.Fatalf("rows %s", got)
	}
	if r := rowOf(p, 4); !strings.Contains(r.Problems[0].Message, "在系统中是企业，科技成果只能属于院所") {
		t.Errorf("row 4: %+v", r.Problems)
	}
	if rowOf(p, 2).OrgNote != "已注册单位" || rowOf(p, 3).Posting != duijie.StatusPending {
		t.Errorf("rows: %+v", p.Rows)
	}
	_, err = s.ConfirmImport(ctx, importBroker, "s", p.ID)
	must(t, err)
	o, err := s.db.OrgByName(ctx, "六安职业技术学院（测试）")
	if err != nil || o.Kind != duijie.OrgInstitute || o.Status != duijie.OrgPending || o.Region != "la-yuan" {
		t.Errorf("new institute %+v %v", o, err)
	}
}

// TestImportRefusedFiles: files refused as a whole, each audited as such.
func TestImportRefusedFiles(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	capBook, err := importer.Template(importer.Capabilities)
	must(t, err)
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"wrong sheet", "成果.xlsx", capBook, "未找到工作表「技术需求」（文件中的工作表：科技成果、填写说明）"},
		{"missing columns", "a.csv", []byte("单位名称,需求名称\nx,y\n"), "文件缺少必填列：统一社会信用代码、问题描述、所属产业、合作方式、公开范围"},
		{"old format", "a.xls", []byte("x"), "只支持 .xlsx 和 .csv"},
		{"empty", "a.csv", nil, "请选择要上传的文件"},
		{"too large", "a.csv", make([]byte, 10<<20+1), "文件超过 10 MiB"},
	} {
		_, err := s.ImportDryRun(ctx, importBroker, "s", ImportUpload{Kind: importer.Challenges, FileName: tc.file, Data: tc.data})
		if duijie.ErrorCode(err) != duijie.EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	v, err := s.AuditSearch(ctx, importAuditor, AuditQuery{Action: AuditImportPreview})
	must(t, err)
	if len(v.Entries) != 5 || !strings.Contains(v.Entries[4].Detail, "拒绝：未找到工作表") {
		t.Errorf("refusals audited: %+v", v.Entries)
	}
	if _, err := s.ImportDryRun(ctx, Actor{User: &duijie.User{Role: duijie.RoleEnterprise}}, "s", ImportUpload{Kind: importer.Challenges}); duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("an enterprise imported: %v", err)
	}
}

// TestImportCommitAllOrNothing: a row that fails at commit time (its
// credit code registered between the dry run and the confirmation) leaves
// nothing written, and the plan is spent.
func TestImportCommitAllOrNothing(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	const code = "91341500MA2N0LA0XR"
	data := importWorkbook(t, importer.Challenges, [][]any{
		challengeRow("安徽淠源新能源科技有限公司", "91341500MA2T8K3L6G", "", "电池包低温预热", "冬季快充前需要预热。"),
		challengeRow("六安抢注测试有限公司", code, "叶集区", "储能电站消防预警", "需要早期预警。"),
	})
	p, err := s.ImportDryRun(ctx, importBroker, "s", ImportUpload{Kind: importer.Challenges, FileName: "a.xlsx", Data: data})
	must(t, err)
	if p.Creates != 2 {
		t.Fatalf("rows %s", statuses(p))
	}
	must(t, s.db.PutOrganization(ctx, &duijie.Organization{ID: "org-race", Name: "先注册的公司", Kind: duijie.OrgEnterprise, Region: "hefei", CreditCode: code}))
	before := postingCounts(t, s)
	changes, err := s.db.Changes(ctx, "probe", 1<<20)
	must(t, err)
	_, err = s.ConfirmImport(ctx, importBroker, "s", p.ID)
	if err == nil || !strings.Contains(err.Error(), "第 3 行：统一社会信用代码 "+code+" 在预览之后已被注册") || !strings.Contains(err.Error(), "没有写入任何数据") {
		t.Fatalf("confirm: %v", err)
	}
	if after := postingCounts(t, s); after != before {
		t.Errorf("a failed import wrote: %s, before %s", after, before)
	}
	if again, _ := s.db.Changes(ctx, "probe", 1<<20); len(again) != len(changes) {
		t.Errorf("a failed import queued %d outbox rows", len(again)-len(changes))
	}
	v, _ := s.AuditSearch(ctx, importAuditor, AuditQuery{Action: AuditImportCommit})
	if len(v.Entries) != 0 {
		t.Errorf("a failed import audited as written: %+v", v.Entries)
	}
	if _, err := s.ConfirmImport(ctx, importBroker, "s", p.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("a spent plan: %v", err)
	}
}

// TestImportTenThousandRows: the largest file allowed goes through the dry
// run (every row searched in the index) in reasonable time.
func TestImportTenThousandRows(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	s, _ := newTestService(t)
	var b strings.Builder
	b.WriteString("单位名称,统一社会信用代码,需求名称,问题描述,所属产业,合作方式,公开范围\n")
	for i := 0; i < 10_000; i++ {
		fmt.Fprintf(&b, "安徽淠源新能源科技有限公司,91341500MA2T8K3L6G,第%d号电池模组测试需求%d,问题%d。,nev,技术开发,公开\n", i, i*7919%10007, i)
	}
	start := time.Now()
	p, err := s.ImportDryRun(context.Background(), importBroker, "s", ImportUpload{Kind: importer.Challenges, FileName: "big.csv", Data: []byte(b.String())})
	must(t, err)
	d := time.Since(start)
	t.Logf("10,000 rows (%d KiB): dry run in %v: %d create, %d duplicate, %d error", b.Len()>>10, d, p.Creates, p.Duplicates, p.Errors)
	if len(p.Rows) != 10_000 {
		t.Errorf("%d rows", len(p.Rows))
	}
	start = time.Now()
	_, err = s.ConfirmImport(context.Background(), importBroker, "s", p.ID)
	must(t, err)
	t.Logf("committed and indexed in %v", time.Since(start))
}

// TestAuditSearchAndExport: the audit administrator's filters through the
// service, bad filters refused, and an export that audits itself.
func TestAuditSearchAndExport(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	if _, err := s.AuditSearch(ctx, importBroker, AuditQuery{}); duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("a broker read the audit log: %v", err)
	}
	_, err := s.AuditSearch(ctx, importAuditor, AuditQuery{From: "2026-13-01", To: "x", User: "nobody"})
	var e *duijie.Error
	if !asError(err, &e) || e.Fields["from"] == "" || e.Fields["to"] == "" || !strings.Contains(e.Fields["user"], "没有用户名为「nobody」的账号") {
		t.Errorf("bad filters: %v", err)
	}
	s.audit(ctx, importBroker, duijie.AuditContactReveal, "user:u-demo-qiye", "")
	day := time.Now().In(duijie.ChinaTime).Format(duijie.DateLayout) // the store stamps with the real clock
	v, err := s.AuditSearch(ctx, importAuditor, AuditQuery{User: "jingjiren", From: day, To: day, Object: "u-demo-qiye"})
	must(t, err)
	if len(v.Entries) != 1 || v.Entries[0].Action != duijie.AuditContactReveal || v.Entries[0].ActorName != "jingjiren" || v.Broken != 0 {
		t.Errorf("filtered %+v", v.Entries)
	}
	n, err := s.AuditExport(ctx, importAuditor, AuditQuery{Action: "demo."}, func(duijie.AuditEntry) error { return nil })
	must(t, err)
	v, _ = s.AuditSearch(ctx, importAuditor, AuditQuery{Action: AuditExportAction})
	if n != 1 || len(v.Entries) != 1 || v.Entries[0].Detail != "导出 1 条；筛选：操作=demo." {
		t.Errorf("export %d, audited %+v", n, v.Entries)
	}
}

func asError(err error, e **duijie.Error) bool {
	de, ok := err.(*duijie.Error)
	*e = de
	return ok
}

// validCode completes a 17-character prefix with its check character.
func validCode(prefix string) string {
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if duijie.ValidCreditCode(prefix + string(c)) {
			return prefix + string(c)
		}
	}
	panic("no check character")
}
