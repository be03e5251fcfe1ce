package importer

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"duijie/internal/duijie"
	"duijie/internal/sheet"
)

// Problem is one thing wrong with a row (or a note about the file: Row 0
// or an empty Column), in Chinese.
type Problem struct {
	Row     int
	Column  string // the header of the column, "" for the row as a whole
	Message string
}

// OrgRef is the organisation a row names; the portal finds or makes it.
type OrgRef struct {
	Name       string
	CreditCode string // upper case, "" when not given
	RegionText string // as written
}

// Record is one data row: the posting it becomes (ID, organisation and
// status still to be set) or its problems.
type Record struct {
	Row        int
	Org        OrgRef
	Challenge  *duijie.Challenge
	Capability *duijie.Capability
	Problems   []Problem
}

// Title is the posting's title, as written.
func (r *Record) Title() string {
	if r.Challenge != nil {
		return r.Challenge.Title
	}
	if r.Capability != nil {
		return r.Capability.Title
	}
	return ""
}

// Parsed is a file read row by row.
type Parsed struct {
	Kind    Kind
	Records []Record
	// Notes are about the file: empty rows skipped, the template's example
	// row skipped, columns not recognised.
	Notes []Problem
}

// Parse reads every data row of t as a posting of kind k. A file without
// the required columns, or with a column twice, is refused as a whole
// (*duijie.Error, EINVALID); any other problem is its row's. today is
// the date in China, against which deadlines are checked.
func Parse(k Kind, t *sheet.Table, today time.Time) (*Parsed, error) {
	cols := k.Columns()
	byHeader := map[string]int{} // normalised header -> index in cols
	for i, c := range cols {
		byHeader[headerKey(c.Header)] = i
	}
	at := make([]int, len(cols)) // column index in the file, -1 when absent
	for i := range at {
		at[i] = -1
	}
	p := &Parsed{Kind: k}
	var unknown []string
	for j, h := range t.Header {
		key := headerKey(h)
		if key == "" {
			continue
		}
		i, ok := byHeader[key]
		if !ok {
			unknown = append(unknown, h)
			continue
		}
		if at[i] >= 0 {
			return nil, duijie.Errorf(duijie.EINVALID, "表头「%s」出现了两次（第 %s 列和第 %s 列）", cols[i].Header, colName(at[i]), colName(j))
		}
		at[i] = j
	}
	var missing []string
	for i, c := range cols {
		if c.Required && at[i] < 0 {
			missing = append(missing, c.Header)
		}
	}
	if len(missing) > 0 {
		where := "文件"
		if t.Sheet != "" {
			where = "工作表「" + t.Sheet + "」"
		}
		return nil, duijie.Errorf(duijie.EINVALID, "%s缺少必填列：%s。请使用下载的%s导入模板，表头在第 1 行", where, strings.Join(missing, "、"), k.Label())
	}
	if len(unknown) > 0 {
		p.Notes = append(p.Notes, Problem{Message: "以下列无法识别，已忽略：" + clip(strings.Join(unknown, "、"), 200)})
	}
	for _, n := range t.Empty {
		p.Notes = append(p.Notes, Problem{Row: n, Message: fmt.Sprintf("第 %d 行为空行，已跳过", n)})
	}
	for _, row := range t.Rows {
		cell := func(key string) string {
			for i, c := range cols {
				if c.Key == key {
					return row.Cell(at[i])
				}
			}
			return ""
		}
		if isExample(cols, cell) {
			p.Notes = append(p.Notes, Problem{Row: row.Num, Message: fmt.Sprintf("第 %d 行是模板中的示例，已跳过", row.Num)})
			continue
		}
		r := parseRow(k, cols, row.Num, cell, t, today)
		if ref, ok := t.Merged[row.Num]; ok {
			r.Problems = append([]Problem{{Row: row.Num, Message: "含有合并单元格（" + ref + "）：请取消合并，每行填写完整"}}, r.Problems...)
		}
		p.Records = append(p.Records, r)
	}
	return p, nil
}

// isExample reports whether a row is the template's example row, left in.
func isExample(cols []Column, cell func(string) string) bool {
	for _, c := range cols {
		if cell(c.Key) != c.Example {
			return false
		}
	}
	return true
}

// rowParser collects a row's problems by column.
type rowParser struct {
	row      int
	cols     []Column
	problems []Problem
	seen     map[string]bool
}

func (p *rowParser) header(key string) string {
	for _, c := range p.cols {
		if c.Key == key {
			return c.Header
		}
	}
	return ""
}

func (p *rowParser) add(key, format string, args ...any) {
	if p.seen[key] {
		return
	}
	p.seen[key] = true
	p.problems = append(p.problems, Problem{Row: p.row, Column: p.header(key), Message: fmt.Sprintf(format, args...)})
}

func parseRow(k Kind, cols []Column, num int, cell func(string) string, t *sheet.Table, today time.Time) Record {
	p := &rowParser{row: num, cols: cols, seen: map[string]bool{}}
	r := Record{Row: num, Org: OrgRef{Name: cell("org_name"), CreditCode: strings.ToUpper(cell("credit_code")), RegionText: cell("org_region")}}
	switch {
	case r.Org.Name == "":
		p.add("org_name", "请填写单位名称")
	case utf8.RuneCountInString(r.Org.Name) > 60:
		p.add("org_name", "单位名称不能超过 60 个字")
	}
	switch {
	case r.Org.CreditCode != "" && !duijie.ValidCreditCode(r.Org.CreditCode):
		p.add("credit_code", "统一社会信用代码「%s」应为 18 位且校验位正确", clip(r.Org.CreditCode, 20))
	case r.Org.CreditCode == "" && k == Challenges:
		p.add("credit_code", "企业须填写统一社会信用代码")
	}
	if k == Challenges {
		c := &duijie.Challenge{Title: cell("title"), Problem: cell("problem"), Targets: cell("targets"), Tried: cell("tried"),
			Constraints: cell("constraints"), Field: cell("field"), Keywords: list(cell("keywords"))}
		c.Industry = industry(p, cell("industry"))
		c.Modes = modes(p, cell("modes"))
		c.BudgetMin = whole(p, "budget_min", cell("budget_min"), "预算", true)
		c.BudgetMax = whole(p, "budget_max", cell("budget_max"), "预算", true)
		c.TRLExpect = whole(p, "trl_expect", cell("trl_expect"), "期望成熟度", false)
		if s := cell("visibility"); s != "" {
			if v, ok := visibilities[s]; ok {
				c.Visibility = v
			} else {
				p.add("visibility", "不支持的公开范围「%s」，请填写 公开、摘要公开 或 仅科技局可见", clip(s, 20))
			}
		} else {
			p.add("visibility", "请填写公开范围")
		}
		if s := cell("deadline"); s != "" {
			d, ok := t.Date(s)
			switch {
			case !ok:
				p.add("deadline", "「%s」不是有效的日期，请按 2027-06-30 的格式填写", clip(s, 20))
			case d.Before(today):
				p.add("deadline", "截止日期 %s 早于今天（%s）", d.Format(duijie.DateLayout), today.Format(duijie.DateLayout))
			default:
				c.Deadline = d
			}
		}
		if c.BudgetMax > 0 && c.BudgetMin > c.BudgetMax {
			p.add("budget_min", "预算下限不能高于上限")
		}
		validate(p, c.Validate(), map[string]string{"budget": "budget_min"})
		if len(p.problems) == 0 {
			r.Challenge = c
		}
	} else {
		c := &duijie.Capability{Title: cell("title"), Description: cell("description"), Team: cell("team"),
			IP: splitOn(cell("ip"), ";；\n"), Fields: list(cell("fields")), Keywords: list(cell("keywords"))}
		if s := cell("kind"); s != "" {
			if kd, ok := kinds[s]; ok {
				c.Kind = kd
			} else {
				p.add("kind", "不支持的类型「%s」，请填写 科技成果、研究方向、专家 或 平台/设备", clip(s, 20))
			}
		} else {
			p.add("kind", "请填写类型")
		}
		c.Industry = industry(p, cell("industry"))
		c.Modes = modes(p, cell("modes"))
		c.TRL = whole(p, "trl", cell("trl"), "成熟度", false)
		if s := cell("region"); s != "" {
			if reg, ok := duijie.ParseRegion(s); ok {
				c.Region = reg
			} else {
				p.add("region", "地区「%s」不明确：六安市内请写到区县，如 六安市霍山县", clip(s, 20))
			}
		}
		validate(p, c.Validate(), nil)
		if len(p.problems) == 0 {
			r.Capability = c
		}
	}
	// Left to right, as the broker reads the row.
	order := map[string]int{}
	for i, c := range cols {
		order[c.Header] = i + 1
	}
	sort.SliceStable(p.problems, func(i, j int) bool { return order[p.problems[i].Column] < order[p.problems[j].Column] })
	r.Problems = p.problems
	return r
}

// validate adds the posting's own validation messages, each under its
// column; rename maps a field Validate names to a column key.
func validate(p *rowParser, err error, rename map[string]string) {
	var e *duijie.Error
	if !errors.As(err, &e) {
		return
	}
	for _, c := range p.cols { // in column order, so that messages read left to right
		for field, msg := range e.Fields {
			key := field
			if r, ok := rename[field]; ok {
				key = r
			}
			if key == c.Key {
				p.add(key, "%s", msg)
			}
		}
	}
}

var (
	visibilities = map[string]duijie.Visibility{"公开": duijie.VisibilityPublic, "摘要公开": duijie.VisibilitySummary,
		"仅科技局可见": duijie.VisibilityBureau, "public": duijie.VisibilityPublic, "summary": duijie.VisibilitySummary, "bureau": duijie.VisibilityBureau}
	kinds = map[string]duijie.Kind{"科技成果": duijie.KindAchievement, "研究方向": duijie.KindDirection, "专家": duijie.KindExpert,
		"平台/设备": duijie.KindEquipment, "平台": duijie.KindEquipment, "设备": duijie.KindEquipment, "平台设备": duijie.KindEquipment,
		"achievement": duijie.KindAchievement, "direction": duijie.KindDirection, "expert": duijie.KindExpert, "equipment": duijie.KindEquipment}
	paren = regexp.MustCompile(`[（(].*[）)]$`)
)

// industry reads an industry by code, label, or label without its
// parenthesis (新材料 for 新材料（含高温合金）).
func industry(p *rowParser, s string) duijie.Industry {
	if s == "" {
		p.add("industry", "请填写所属产业")
		return ""
	}
	for _, i := range duijie.Industries {
		if s == string(i.Code) || s == i.Label || s == paren.ReplaceAllString(i.Label, "") {
			return i.Code
		}
	}
	p.add("industry", "不支持的产业「%s」，请从填写说明的产业列表中选择", clip(s, 20))
	return ""
}

func modes(p *rowParser, s string) []duijie.Mode {
	var out []duijie.Mode
	for _, m := range list(s) {
		if !duijie.Mode(m).Valid() {
			p.add("modes", "不支持的合作方式「%s」，可填：%s", clip(m, 20), strings.Join(duijie.ModeNames(duijie.Modes), "、"))
			return nil
		}
		out = append(out, duijie.Mode(m))
	}
	if len(out) == 0 {
		p.add("modes", "请填写至少一种合作方式")
	}
	return out
}

// whole reads a whole number ≥ 0 ("" is 0); 面议 is 0 where money allows it.
func whole(p *rowParser, key, s, label string, money bool) int {
	if s == "" || (money && s == "面议") {
		return 0
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil || f < 0 || f != float64(int64(f)) || f > 1e9 {
		if money {
			p.add(key, "「%s」不是有效的金额，请填写不小于 0 的整数（万元）或「面议」", clip(s, 20))
		} else {
			p.add(key, "「%s」不是有效的%s，请填写 1–9 的整数", clip(s, 20), label)
		}
		return 0
	}
	return int(f)
}

// list splits a list cell on 、，,;；/ and line breaks.
func list(s string) []string { return splitOn(s, "、，,;；\n") }

func splitOn(s, seps string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// colName is the spreadsheet name of the j-th column (0 → A).
func colName(j int) string {
	s := ""
	for j++; j > 0; j = (j - 1) / 26 {
		s = string(rune('A'+(j-1)%26)) + s
	}
	return s
}

// clip shortens text quoted in a message.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
