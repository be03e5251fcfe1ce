package importer

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"duijie/internal/duijie"
	"duijie/internal/sheet"
)

var today = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

// fill writes rows into the template's data sheet from row 2 on.
func fill(t *testing.T, k Kind, rows [][]any, merge ...string) []byte {
	t.Helper()
	tpl, err := Template(k)
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
		if err := f.SetSheetRow(k.Label(), cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range merge {
		a, b, _ := strings.Cut(m, ":")
		if err := f.MergeCell(k.Label(), a, b); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	f.WriteTo(&buf)
	return buf.Bytes()
}

func parseXLSX(t *testing.T, k Kind, data []byte) (*Parsed, error) {
	t.Helper()
	tb, err := sheet.ReadXLSX(data, k.Label())
	if err != nil {
		return nil, err
	}
	return Parse(k, tb, today)
}

// TestImportTemplateXlsx: each template reads back with its headers, its
// notes sheet, and an example row that the import skips.
func TestImportTemplateXlsx(t *testing.T) {
	for _, k := range []Kind{Challenges, Capabilities} {
		tpl, err := Template(k)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(tpl))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(f.GetSheetList(), ","); got != k.Label()+","+NotesSheet {
			t.Errorf("%s: sheets %s", k, got)
		}
		head, _ := f.GetRows(k.Label())
		if head[0][0] != "单位名称*" || len(head[0]) != len(k.Columns()) {
			t.Errorf("%s: header %q", k, head[0])
		}
		notes, _ := f.GetRows(NotesSheet)
		all := ""
		for _, r := range notes {
			all += strings.Join(r, "|") + "\n"
		}
		for _, w := range []string{"新能源与新能源汽车|nev", "六安市霍山县|la-huoshan|霍山县", "技术开发", "6 级", "10000 行"} {
			if !strings.Contains(all, w) {
				t.Errorf("%s: notes lack %q", k, w)
			}
		}
		f.Close()
		p, err := parseXLSX(t, k, tpl)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Records) != 0 || len(p.Notes) != 1 || !strings.Contains(p.Notes[0].Message, "第 2 行是模板中的示例，已跳过") {
			t.Errorf("%s: the untouched template: %+v", k, p)
		}
	}
}

func TestImportParseChallengesXlsx(t *testing.T) {
	data := fill(t, Challenges, [][]any{
		{"六安甲科技有限公司", "91341500MA2N0LA0XR", "霍山县", "电池包热管理", "快充温差大。", "温差≤3℃", "", "", "新能源与新能源汽车", "电池", "液冷、快充", 50, 100, "2027-06-30", "技术开发、技术服务", "公开", 6},
		{"六安甲科技有限公司", "91341500MA2N0LA0XR", "", "茶叶农残降解", "农残超标。", "", "", "", "food", "", "", "面议", "", 46203, "技术开发", "摘要公开", ""},
		{},
		{"六安乙公司", "123", "", "", "p", "", "", "", "宇宙产业", "", "", "abc", "", "明年", "捐赠", "全世界", 12},
		{"六安丙公司", "91341500MA2N0LA0XR", "", "过期需求", "p", "", "", "", "nev", "", "", 100, 50, "2020-01-01", "技术开发", "公开", ""},
		{"六安丁公司", "91341500MA2N0LA0XR", "", "合并行", "p", "", "", "", "nev", "", "", "", "", "", "技术开发", "公开", ""},
		{"", "91341500MA2N0LA0XR", "", "合并行", "p", "", "", "", "nev", "", "", "", "", "", "技术开发", "公开", ""},
	}, "A7:A8")
	p, err := parseXLSX(t, Challenges, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) != 6 {
		t.Fatalf("%d records", len(p.Records))
	}
	c := p.Records[0].Challenge
	if c == nil || c.Industry != "nev" || c.BudgetMax != 100 || c.Deadline.Format("2006-01-02") != "2027-06-30" || c.TRLExpect != 6 ||
		strings.Join(c.Keywords, "|") != "液冷|快充" || len(c.Modes) != 2 || p.Records[0].Org.RegionText != "霍山县" {
		t.Errorf("row 2: %+v %+v", c, p.Records[0].Problems)
	}
	if c := p.Records[1].Challenge; c == nil || c.Visibility != duijie.VisibilitySummary || c.Deadline.Format("2006-01-02") != "2026-06-30" || c.BudgetMin != 0 {
		t.Errorf("row 3 (an Excel date, 面议): %+v %+v", c, p.Records[1].Problems)
	}
	if len(p.Notes) != 1 || p.Notes[0].Row != 4 || !strings.Contains(p.Notes[0].Message, "第 4 行为空行") {
		t.Errorf("notes %+v", p.Notes)
	}
	bad := p.Records[2]
	if bad.Row != 5 || bad.Challenge != nil {
		t.Fatalf("row 5: %+v", bad)
	}
	want := map[string]string{
		"统一社会信用代码":   "应为 18 位且校验位正确",
		"需求名称":       "请填写标题",
		"所属产业":       "不支持的产业「宇宙产业」",
		"预算下限（万元）":   "「abc」不是有效的金额",
		"截止日期":       "「明年」不是有效的日期，请按 2027-06-30 的格式填写",
		"合作方式":       "不支持的合作方式「捐赠」",
		"公开范围":       "不支持的公开范围「全世界」",
		"期望成熟度（TRL）": "期望成熟度应为 1–9 级",
	}
	got := map[string]string{}
	for _, pr := range bad.Problems {
		got[pr.Column] = pr.Message
		if pr.Row != 5 {
			t.Errorf("problem on row %d", pr.Row)
		}
	}
	for col, w := range want {
		if !strings.Contains(got[col], w) {
			t.Errorf("row 5, column %s: %q, want %q", col, got[col], w)
		}
	}
	msgs := func(r Record) string {
		var s []string
		for _, pr := range r.Problems {
			s = append(s, pr.Column+":"+pr.Message)
		}
		return strings.Join(s, "; ")
	}
	if m := msgs(p.Records[3]); !strings.Contains(m, "截止日期:截止日期 2020-01-01 早于今天（2026-05-01）") || !strings.Contains(m, "预算下限不能高于上限") {
		t.Errorf("row 6: %s", m)
	}
	for _, r := range p.Records[4:] {
		if m := msgs(r); !strings.Contains(m, "含有合并单元格（A7:A8）") {
			t.Errorf("row %d: %s", r.Row, m)
		}
	}
}

func TestImportParseCapabilitiesCSV(t *testing.T) {
	csv := "单位名称,类型,成果名称,简介,成熟度（TRL）,知识产权,所属产业,合作方式,实施地区,备注\n" +
		"皖西学院,科技成果,石斛多糖提取,超声辅助提取。,6,ZL1；ZL2,生物医药与大健康,技术转让,安徽省六安市霍山县,x\n" +
		"皖西学院,专家,,简介,,,新材料,技术咨询,六安,\n"
	tb, err := sheet.ReadCSV([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(Capabilities, tb, today)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Records[0].Capability
	if c == nil || c.Kind != duijie.KindAchievement || c.TRL != 6 || c.Region != "la-huoshan" || strings.Join(c.IP, "|") != "ZL1|ZL2" {
		t.Errorf("row 2: %+v %+v", c, p.Records[0].Problems)
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0].Message, "无法识别，已忽略：备注") {
		t.Errorf("notes %+v", p.Notes)
	}
	r := p.Records[1]
	if r.Capability != nil || len(r.Problems) != 2 || r.Problems[0].Column != "成果名称" || !strings.Contains(r.Problems[1].Message, "地区「六安」不明确") {
		t.Errorf("row 3: %+v", r.Problems)
	}
	// missing columns: the file is refused as a whole
	tb, _ = sheet.ReadCSV([]byte("单位名称,成果名称\n皖西学院,x\n"))
	if _, err := Parse(Capabilities, tb, today); err == nil || !strings.Contains(err.Error(), "文件缺少必填列：类型、简介、所属产业、合作方式") {
		t.Errorf("missing columns: %v", err)
	}
	tb, _ = sheet.ReadCSV([]byte("单位名称,单位名称*\n"))
	if _, err := Parse(Capabilities, tb, today); err == nil || !strings.Contains(err.Error(), "出现了两次（第 A 列和第 B 列）") {
		t.Errorf("a column twice: %v", err)
	}
}
