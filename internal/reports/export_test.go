package reports

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"duijie/internal/duijie"
)

// export runs an export and opens what it wrote.
func export(t *testing.T, svc *Service, kind string, q Query) (*excelize.File, string, int) {
	t.Helper()
	var buf bytes.Buffer
	name, n, err := svc.Export(context.Background(), brokerActor, kind, q, &buf)
	must(t, err)
	if !bytes.HasPrefix(buf.Bytes(), []byte("PK")) {
		t.Fatalf("%s: not a zip", kind)
	}
	f, err := excelize.OpenReader(&buf)
	must(t, err)
	t.Cleanup(func() { f.Close() })
	return f, name, n
}

func cell(t *testing.T, f *excelize.File, sheet, axis string, raw bool) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, axis, excelize.Options{RawCellValue: raw})
	must(t, err)
	return v
}

// TestXlsxContracts re-reads the contracts list cell by cell: headers,
// the frozen header row, widths, a date that is a date, amounts that are
// numbers, and the export in the audit log.
func TestXlsxContracts(t *testing.T) {
	svc, db := fixture(t)
	f, name, n := export(t, svc, "contracts", Query{})
	if name != "技术合同-20260410.xlsx" || n != 5 {
		t.Errorf("name %q, %d rows", name, n)
	}
	const s = "技术合同"
	if got := f.GetSheetList(); len(got) != 1 || got[0] != s {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows(s)
	must(t, err)
	wantHead := []string{"编号", "签订日期", "合同名称", "类别", "委托方（企业）", "受托方（院所）", "合同金额（元）", "合同金额（万元）",
		"本地吸纳（元）", "登记编号", "登记日期", "产业", "企业所在地", "技术经纪人", "来源"}
	if strings.Join(rows[0], "|") != strings.Join(wantHead, "|") || len(rows) != 6 {
		t.Errorf("head %q, %d rows", rows[0], len(rows))
	}
	// Newest signing first: k5 04-01, k3 03-31, k2 03-28, k1 03-15, k4 02-20.
	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	if strings.Join(ids, " ") != "k5 k3 k2 k1 k4" {
		t.Errorf("order %v", ids)
	}
	panes, err := f.GetPanes(s)
	must(t, err)
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v", panes)
	}
	if w, err := f.GetColWidth(s, "C"); err != nil || w != 36 {
		t.Errorf("width of C %v %v", w, err)
	}
	// k1 is row 5: signed on 2026-03-15, a date (a number with a date format).
	if typ, err := f.GetCellType(s, "B5"); err != nil || typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("B5 type %v %v", typ, err)
	}
	if raw := cell(t, f, s, "B5", true); raw != "46096" { // days since 1899-12-30
		t.Errorf("B5 raw %q, want the serial of 2026-03-15", raw)
	}
	if shown := cell(t, f, s, "B5", false); shown != "2026-03-15" {
		t.Errorf("B5 shown %q", shown)
	}
	if raw := cell(t, f, s, "G5", true); raw != "1234567" {
		t.Errorf("G5 amount %q", raw)
	}
	if raw, shown := cell(t, f, s, "H5", true), cell(t, f, s, "H5", false); raw != "123.46" || shown != "123.46" {
		t.Errorf("H5 万元 %q shown %q", raw, shown)
	}
	// k3's 80,050 元 is 8.01 万元, as on the page (duijie.Yuan), not 8.00.
	if raw := cell(t, f, s, "H3", true); raw != "8.01" {
		t.Errorf("H3 %q", raw)
	}
	if v := cell(t, f, s, "K5", false); v != "2026-03-20" {
		t.Errorf("registered %q", v)
	}
	if v := cell(t, f, s, "K4", true); v != "" {
		t.Errorf("not registered: %q", v)
	}
	// k5's title starts with +: neutralised, and no formula.
	if v := cell(t, f, s, "C2", false); v != "'+咨询" {
		t.Errorf("C2 %q", v)
	}
	if fm, _ := f.GetCellFormula(s, "C2"); fm != "" {
		t.Errorf("C2 formula %q", fm)
	}
	log, err := db.AuditLog(context.Background(), AuditExport, 5)
	must(t, err)
	if len(log) != 1 || log[0].Object != "contracts" || log[0].Actor != "b1" || log[0].Detail != "导出技术合同 .xlsx，5 行" {
		t.Errorf("audit %+v", log)
	}
}

// TestXlsxListsNeutraliseAndMask: a formula-like title is neutralised,
// drafts stay out, and contacts are masked with the full ones nowhere in
// the file.
func TestXlsxListsNeutraliseAndMask(t *testing.T) {
	svc, _ := fixture(t)
	f, _, n := export(t, svc, "challenges", Query{})
	if n != 5 { // c1–c5, not the draft c6
		t.Errorf("challenges %d rows", n)
	}
	rows, err := f.GetRows("技术需求")
	must(t, err)
	found := false
	for _, r := range rows {
		if r[0] == "c6" {
			t.Error("the draft was exported")
		}
		if r[0] == "c5" {
			found = true
			if r[1] != "'=1+1 公式注入测试" {
				t.Errorf("c5 title %q", r[1])
			}
		}
	}
	if !found {
		t.Error("c5 missing")
	}

	var buf bytes.Buffer
	_, n, err = svc.Export(context.Background(), brokerActor, "organizations", Query{}, &buf)
	must(t, err)
	if n != 6 {
		t.Errorf("organisations %d rows", n)
	}
	if bytes.Contains(buf.Bytes(), []byte("13812345678")) || bytes.Contains(buf.Bytes(), []byte("zhang@example.com")) {
		t.Error("a full contact is in the file") // the sheet XML is deflated: also check the cells
	}
	o, err := excelize.OpenReader(&buf)
	must(t, err)
	defer o.Close()
	rows, err = o.GetRows("单位")
	must(t, err)
	if rows[0][8] != "电话（脱敏）" || rows[0][9] != "邮箱（脱敏）" {
		t.Errorf("head %q", rows[0])
	}
	for _, r := range rows {
		line := strings.Join(r, "|")
		if strings.Contains(line, "13812345678") || strings.Contains(line, "zhang@example.com") {
			t.Errorf("full contact in %q", line)
		}
		if r[0] == "e1" && (r[7] != "王经理" || r[8] != "138****5678" || r[9] != "z***@example.com") {
			t.Errorf("e1 contact %q", r[7:10])
		}
	}

	for _, kind := range []string{"capabilities", "introductions"} {
		_, _, n := export(t, svc, kind, Query{})
		if want := map[string]int{"capabilities": 4, "introductions": 9}[kind]; n != want {
			t.Errorf("%s: %d rows, want %d", kind, n, want)
		}
	}
}

// TestXlsxDashboard: the dashboard's tables, one sheet each, with the
// numbers of the page as numbers.
func TestXlsxDashboard(t *testing.T) {
	svc, db := fixture(t)
	f, name, _ := export(t, svc, "dashboard", query(t, map[string]string{"period": "month", "month": "2026-03"}))
	if name != "统计看板-20260410.xlsx" {
		t.Errorf("name %q", name)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 12 || sheets[0] != "概览" || sheets[1] != "转化漏斗" {
		t.Fatalf("sheets %v", sheets)
	}
	if v := cell(t, f, "转化漏斗", "B2", true); v != "4" {
		t.Errorf("posted %q", v)
	}
	if v := cell(t, f, "转化漏斗", "D7", true); v != "0.333" {
		t.Errorf("registered of contracts %q", v)
	}
	if v := cell(t, f, "合同按月", "D2", true); v != "181.46" {
		t.Errorf("March amount %q", v)
	}
	if v := cell(t, f, "概览", "B2", false); v != "2026年3月 · 全部企业" {
		t.Errorf("period %q", v)
	}
	log, err := db.AuditLog(context.Background(), AuditExport, 5)
	must(t, err)
	if len(log) != 1 || !strings.Contains(log[0].Detail, "2026年3月") {
		t.Errorf("audit %+v", log)
	}
}

// TestXlsxRefusals: brokers only, unknown lists are not found, nothing is
// audited for either.
func TestXlsxRefusals(t *testing.T) {
	svc, db := fixture(t)
	var buf bytes.Buffer
	_, _, err := svc.Export(context.Background(), Actor{User: &duijie.User{ID: "ue1", Role: duijie.RoleEnterprise}}, "contracts", Query{}, &buf)
	if duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("member: %v", err)
	}
	_, _, err = svc.Export(context.Background(), brokerActor, "users", Query{}, &buf)
	if duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("unknown: %v", err)
	}
	if log, _ := db.AuditLog(context.Background(), AuditExport, 5); len(log) != 0 || buf.Len() != 0 {
		t.Errorf("audit %v, %d bytes", log, buf.Len())
	}
	for in, want := range map[string]string{"=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0", "+1": "'+1", "-2": "'-2",
		"@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx", "普通文本": "普通文本", "": "", "a=b": "a=b"} {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q", in, got)
		}
	}
}
