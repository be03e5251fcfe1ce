package server

import (
	"archive/zip"
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"duijie/internal/importer"
)

// upload sends a file to the import as a multipart form, with the
// client's CSRF token.
func (c *client) upload(t *testing.T, kind, name string, data []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("_csrf", c.csrf)
	w.WriteField("kind", kind)
	if name != "" {
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(data)
	}
	w.Close()
	req := httptest.NewRequest("POST", "/broker/import", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, body := c.send(t, req, nil)
	return res.StatusCode, string(body)
}

// download fetches a file and returns its status, content type and bytes.
func (c *client) download(t *testing.T, target string) (int, string, []byte) {
	t.Helper()
	res, body := c.send(t, httptest.NewRequest("GET", target, nil), nil)
	return res.StatusCode, res.Header.Get("Content-Type"), body
}

// templateWith fills the template of k with rows from row 2 on.
func templateWith(t *testing.T, k importer.Kind, rows [][]any) []byte {
	t.Helper()
	tpl, err := importer.Template(k)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		f.SetSheetRow(k.Label(), cell, &r)
	}
	var buf bytes.Buffer
	f.WriteTo(&buf)
	return buf.Bytes()
}

var planLink = regexp.MustCompile(`action="/broker/import/([A-Za-z0-9_-]+)"`)

// testImport walks the import and audit-log routes: the form and the
// templates, dry runs of a good file, a zip bomb and a file with nothing
// to import, the one-time confirmation, the audit log's filters, pages and
// export; each with success, bad input, a wrong role and a missing object.
func testImport(t *testing.T, st *stack, rec *recorder) {
	broker, ent := st.as(t, "jingjiren"), st.as(t, "qiye")
	hit := func(method, target string, code int) { rec.hit(method, target, code) }

	runScenarios(t, st, rec, []scenario{
		{name: "import form", as: "jingjiren", method: "GET", url: "/broker/import", status: 200, want: []string{"批量导入", "/broker/import/template/challenge", `enctype="multipart/form-data"`}},
		{name: "import form wrong role", as: "qiye", method: "GET", url: "/broker/import", status: 403},
		{name: "import template wrong role", as: "shenji", method: "GET", url: "/broker/import/template/challenge", status: 403},
		{name: "import template unknown kind", as: "jingjiren", method: "GET", url: "/broker/import/template/robots", status: 404},
		{name: "import without a file", as: "jingjiren", method: "POST", url: "/broker/import", form: url.Values{"kind": {"challenge"}}, status: 422, want: []string{"请选择要上传的 .xlsx 或 .csv 文件"}},
		{name: "import plan missing", as: "jingjiren", method: "GET", url: "/broker/import/nope", status: 404, want: []string{"导入预览不存在、已确认或已过期"}},
		{name: "import confirm missing", as: "jingjiren", method: "POST", url: "/broker/import/nope", status: 404},
		{name: "import confirm wrong role", as: "qiye", method: "POST", url: "/broker/import/nope", status: 403},
		{name: "import plan wrong role", as: "qiye", method: "GET", url: "/broker/import/nope", status: 403},
		{name: "audit export wrong role", as: "jingjiren", method: "GET", url: "/admin/audit/export", status: 403},
		{name: "audit bad filters", as: "shenji", method: "GET", url: "/admin/audit?from=2026-13-40&user=nobody", status: 422, want: []string{"日期格式应为 2026-05-01", "没有用户名为「nobody」的账号"}},
		{name: "a large body elsewhere is refused", as: "qiye", method: "POST", url: "/challenges/new", form: url.Values{"title": {strings.Repeat("长", 400_000)}}, status: 422, want: []string{"提交的内容太大"}},
	})

	for _, k := range []importer.Kind{importer.Challenges, importer.Capabilities} {
		target := "/broker/import/template/" + string(k)
		code, ctype, body := broker.download(t, target)
		hit("GET", target, code)
		if code != 200 || ctype != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("template %s: %d %s", k, code, ctype)
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(f.GetSheetList(), ","); got != k.Label()+",填写说明" {
			t.Errorf("template %s: sheets %s", k, got)
		}
		f.Close()
	}

	// A zip bomb, then a file refused for its sheet, by a wrong role.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		fw, _ := zw.Create(n)
		fw.Write([]byte("<x/>"))
	}
	fw, _ := zw.Create("xl/worksheets/sheet1.xml")
	fw.Write(bytes.Repeat([]byte("0"), 40<<20))
	zw.Close()
	code, body := broker.upload(t, "challenge", "bomb.xlsx", bomb.Bytes())
	hit("POST", "/broker/import", code)
	if code != 422 || !strings.Contains(body, "疑似压缩炸弹，已拒绝") {
		t.Errorf("bomb: %d %.300s", code, body)
	}
	code, _ = ent.upload(t, "challenge", "a.csv", []byte("x"))
	hit("POST", "/broker/import", code)
	if code != 403 {
		t.Errorf("an enterprise uploads: %d", code)
	}

	// A good file: one row to create (a new enterprise, pending review), one
	// duplicate of ch-a001, one error.
	data := templateWith(t, importer.Challenges, [][]any{
		{"六安导入测试科技有限公司", "91341500MA2N0LA0XR", "六安市叶集区", "竹木加工粉尘在线监测", "车间粉尘浓度需要实时监测。", "", "", "", "节能环保", "", "", "", "", "", "技术服务", "仅科技局可见", ""},
		{"安徽淠源新能源科技有限公司", "91341500MA2T8K3L6G", "", "动力电池模组液冷板优化，快充工况电芯温差控制在3℃以内", "同一个需求。", "", "", "", "nev", "", "", "", "", "", "技术开发", "公开", ""},
		{"安徽淠源新能源科技有限公司", "91341500MA2T8K3L6G", "", "日期错误", "x", "", "", "", "nev", "", "", "", "", "2027-02-30", "技术开发", "公开", ""},
	})
	code, body = broker.upload(t, "challenge", "征集表<1>.xlsx", data)
	hit("POST", "/broker/import", code)
	if code != 200 {
		t.Fatalf("upload: %d %.500s", code, body)
	}
	for _, w := range []string{"将新建 1 行", "新建单位 1 个", "疑似重复 1 行、错误 1 行", "第 4 行", "截止日期", "「2027-02-30」不是有效的日期",
		"本单位已有标题相近的技术需求", `href="/challenges/ch-a001"`, "新建单位，待审核", "征集表&lt;1&gt;.xlsx", "确认导入 1 行"} {
		if !strings.Contains(body, w) {
			t.Errorf("dry run lacks %q", w)
		}
	}
	m := planLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no confirmation form: %.500s", body)
	}
	plan := "/broker/import/" + m[1]
	runScenarios(t, st, rec, []scenario{
		{name: "import plan again", as: "jingjiren", method: "GET", url: plan, status: 200, want: []string{"竹木加工粉尘在线监测"}},
		{name: "import plan of another session", as: "", method: "GET", url: plan, status: 303},
		{name: "import confirm", as: "jingjiren", method: "POST", url: plan, status: 303},
		{name: "import confirm twice", as: "jingjiren", method: "POST", url: plan, status: 404, want: []string{"导入预览不存在、已确认或已过期"}},
		{name: "import done", as: "jingjiren", method: "GET", url: "/broker/import?ok=imported&n=1&kind=challenge", status: 200, want: []string{"导入完成：已写入 1 条"}},
		{name: "the new organisation waits for review", as: "jingjiren", method: "GET", url: "/broker/orgs", status: 200, want: []string{"六安导入测试科技有限公司"}},
	})

	// A file with nothing to create cannot be confirmed.
	code, body = broker.upload(t, "challenge", "again.xlsx", data)
	hit("POST", "/broker/import", code)
	m = planLink.FindStringSubmatch(body)
	if code != 200 || !strings.Contains(body, "没有可导入的行") {
		t.Fatalf("the same file again: %d %.400s", code, body)
	}
	if m != nil {
		t.Fatal("a confirmation form for nothing")
	}
	empty := regexp.MustCompile(`预览编号 ([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if empty == nil {
		t.Fatal("no plan id on the page")
	}
	runScenarios(t, st, rec, []scenario{
		{name: "import confirm with nothing to create", as: "jingjiren", method: "POST", url: "/broker/import/" + empty[1], status: 422, want: []string{"没有可导入的行"}},
		{name: "audit log filtered", as: "shenji", method: "GET", url: "/admin/audit?action=import.", status: 200,
			want: []string{"确认导入", "导入预览", "技术需求 文件「征集表&lt;1&gt;.xlsx」", "拒绝：文件内的部件", "导入 1 行，新建单位 1 个"}, notWant: []string{`title="signin.ok"`}},
		{name: "audit log in Chinese", as: "shenji", method: "GET", url: "/admin/audit?user=jingjiren", status: 200,
			want: []string{"登录成功", "用户 u-demo", "北京时间（UTC+8）"}},
		{name: "audit log by object", as: "shenji", method: "GET", url: "/admin/audit?object=ch-a002", status: 200, want: []string{"技术需求 ch-a002"}},
	})

	// Keyset pages reach the oldest entry.
	auditor := st.as(t, "shenji")
	next, seen, pages := "/admin/audit", map[string]bool{}, 0
	older := regexp.MustCompile(`href="(/admin/audit\?before=\d+)">较早`)
	seq := regexp.MustCompile(`<tr><td>(\d+)</td>`)
	for next != "" && pages < 200 {
		res, body := auditor.do(t, "GET", next, nil, nil)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", next, res.StatusCode)
		}
		for _, m := range seq.FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Fatalf("entry %s on two pages", m[1])
			}
			seen[m[1]] = true
		}
		next = ""
		if m := older.FindStringSubmatch(body); m != nil {
			next = m[1]
		}
		pages++
	}
	if !seen["1"] || pages < 2 {
		t.Errorf("paged %d pages, reached entry 1: %v", pages, seen["1"])
	}

	// The export, re-read.
	code, ctype, xlsx := auditor.download(t, "/admin/audit/export?action=import.commit")
	hit("GET", "/admin/audit/export", code)
	if code != 200 || !strings.Contains(ctype, "spreadsheetml") {
		t.Fatalf("export: %d %s", code, ctype)
	}
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("审计日志")
	f.Close()
	if len(rows) != 2 || rows[0][1] != "时间（北京时间）" || rows[1][2] != "确认导入" || rows[1][5] != "jingjiren" || !strings.Contains(rows[1][7], "导入 1 行") {
		t.Errorf("export rows %q", rows)
	}
	runScenarios(t, st, rec, []scenario{
		{name: "the export is audited", as: "shenji", method: "GET", url: "/admin/audit?action=audit.export", status: 200, want: []string{"导出审计日志", "导出 1 条；筛选：操作=import.commit"}},
	})
}
