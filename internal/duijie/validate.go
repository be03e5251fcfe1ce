package duijie

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of postings, in characters.
const (
	MaxTitle       = 60
	MaxText        = 5000 // problem, description
	MaxShortText   = 2000 // targets, tried, constraints
	MaxKeywords    = 10
	MaxKeyword     = 30        // Latin names run long: Dendrobium huoshanense
	MaxBudget      = 1_000_000 // 万元
	MaxListEntries = 20        // IP, application fields
)

// hasControl reports control characters other than line breaks and tabs
// (NUL, escape sequences …), which no field needs.
func hasControl(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// hasFormatControl reports invisible format characters (Unicode
// category Cf): bidi overrides and isolates (U+202A–U+202E,
// U+2066–U+2069, U+200E/U+200F, U+061C) that make a title read
// differently from how it is stored, zero-width spaces and joiners
// used to dodge search and review, and the BOM. The zero-width joiner
// (U+200D) stays allowed: emoji sequences need it.
func hasFormatControl(s string) bool {
	for _, r := range s {
		if r != 0x200d && unicode.Is(unicode.Cf, r) {
			return true
		}
	}
	return false
}

// fieldErrors collects Chinese messages by field name, first one wins.
type fieldErrors map[string]string

func (f fieldErrors) add(field, format string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = fmt.Sprintf(format, args...)
	}
}

// err returns an EINVALID *Error carrying the field messages, or nil.
func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "请检查填写的内容", Fields: f}
}

// text checks a required or optional text's length; text is stored as
// written and always escaped on output, so markup is allowed but inert.
func (f fieldErrors) text(field, label, s string, required bool, max int) {
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	switch {
	case BadText(s, true) != "":
		f.add(field, "%s%s", label, BadText(s, true))
	case required && n == 0:
		f.add(field, "请填写%s", label)
	case n > max:
		f.add(field, "%s不能超过 %d 个字（现在 %d 个）", label, max, n)
	}
}

// BadText says what a text holds that no field needs, after the field's
// label (主题含有…); "" when it is clean: invalid UTF-8, control
// characters such as NUL (line breaks and tabs are fine in a multiline
// field only), invisible format characters such as U+202E. Every text
// field is checked with it.
func BadText(s string, multiline bool) string {
	switch {
	case !utf8.ValidString(s) || hasControl(s) || !multiline && strings.ContainsAny(s, "\n\r\t"):
		return "含有无法识别的字符"
	case hasFormatControl(s):
		return "含有不可见的排版控制字符（如文字方向控制符），请删除后重试"
	}
	return ""
}

// ValidateNote checks a required free-text note (a reason, a message)
// the way every text field is checked: valid UTF-8, no control or
// invisible formatting characters (U+202E), not empty, at most max
// characters.
func ValidateNote(field, label, s string, max int) error {
	f := fieldErrors{}
	f.text(field, label, s, true, max)
	return f.err()
}

func (f fieldErrors) list(field, label string, xs []string, maxN, maxLen int) {
	if len(xs) > maxN {
		f.add(field, "%s最多 %d 项", label, maxN)
	}
	for _, x := range xs {
		if !utf8.ValidString(x) || hasControl(x) {
			f.add(field, "%s含有无法识别的字符", label)
		}
		if hasFormatControl(x) {
			f.add(field, "%s含有不可见的排版控制字符（如文字方向控制符），请删除后重试", label)
		}
		if n := utf8.RuneCountInString(x); n == 0 || n > maxLen {
			f.add(field, "每项%s应为 1 到 %d 个字", label, maxLen)
		}
	}
}

// region refuses a region that is not on the list.
func (f fieldErrors) region(field string, r Region) {
	if !r.Valid() {
		f.add(field, "不支持的地区：%s，请从列表中选择", clip(string(r), 20))
	}
}

// clip shortens s to n characters for a message.
func clip(s string, n int) string {
	if !utf8.ValidString(s) || hasControl(s) || hasFormatControl(s) {
		return "（无法识别）"
	}
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func (f fieldErrors) modes(ms []Mode) {
	if len(ms) == 0 {
		f.add("modes", "请至少选择一种合作方式")
	}
	for _, m := range ms {
		if !m.Valid() {
			f.add("modes", "不支持的合作方式：%s", m)
		}
	}
}

// Validate checks a challenge before it is stored.
func (c *Challenge) Validate() error {
	f := fieldErrors{}
	f.text("title", "标题", c.Title, true, MaxTitle)
	f.text("problem", "问题描述", c.Problem, true, MaxText)
	f.text("targets", "指标", c.Targets, false, MaxShortText)
	f.text("tried", "已尝试的方案", c.Tried, false, MaxShortText)
	f.text("constraints", "约束条件", c.Constraints, false, MaxShortText)
	f.text("field", "技术领域", c.Field, false, 40)
	if !c.Industry.Valid() {
		f.add("industry", "请选择所属产业")
	}
	f.list("keywords", "关键词", c.Keywords, MaxKeywords, MaxKeyword)
	switch {
	case c.BudgetMin < 0 || c.BudgetMax < 0:
		f.add("budget", "预算不能为负数")
	case c.BudgetMin > MaxBudget || c.BudgetMax > MaxBudget:
		f.add("budget", "预算超出范围（单位：万元）")
	case c.BudgetMax > 0 && c.BudgetMin > c.BudgetMax:
		f.add("budget", "预算下限不能高于上限")
	}
	if !c.Deadline.IsZero() && !c.Posted.IsZero() && c.Deadline.Before(c.Posted) {
		f.add("deadline", "截止日期不能早于发布日期")
	}
	f.modes(c.Modes)
	switch c.Visibility {
	case VisibilityPublic, VisibilitySummary, VisibilityBureau:
	default:
		f.add("visibility", "请选择公开范围")
	}
	if c.TRLExpect < 0 || c.TRLExpect > 9 {
		f.add("trl_expect", "期望成熟度应为 1–9 级，不确定可不填")
	}
	return f.err()
}

// Validate checks a capability before it is stored.
func (c *Capability) Validate() error {
	f := fieldErrors{}
	if c.Kind.Label() == "" {
		f.add("kind", "请选择类型（科技成果、研究方向、专家、平台/设备）")
	}
	f.text("title", "标题", c.Title, true, MaxTitle)
	f.text("description", "简介", c.Description, true, MaxText)
	f.text("team", "团队或专家", c.Team, false, 200)
	if c.Region != "" {
		f.region("region", c.Region)
	}
	if !c.Industry.Valid() {
		f.add("industry", "请选择所属产业")
	}
	if c.TRL < 0 || c.TRL > 9 || (c.Kind == KindAchievement && c.TRL == 0) {
		f.add("trl", "成熟度应为 1–9 级（科技成果必填）")
	}
	f.list("ip", "知识产权", c.IP, MaxListEntries, 200)
	f.list("fields", "应用领域", c.Fields, MaxListEntries, MaxKeyword)
	f.list("keywords", "关键词", c.Keywords, MaxKeywords, MaxKeyword)
	f.modes(c.Modes)
	return f.err()
}

// creditChars is the alphabet of the 统一社会信用代码 (GB 32100-2015):
// digits and capital letters without I, O, Z, S, V.
const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidCreditCode reports whether code is an 18-character 统一社会信用代码
// with a correct check character.
func ValidCreditCode(code string) bool {
	if len(code) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditChars, code[i])
		if v < 0 {
			return false
		}
		sum += v * creditWeights[i]
	}
	check := (31 - sum%31) % 31
	return code[17] == creditChars[check]
}

// Validate checks an organisation before it is stored.
func (o *Organization) Validate() error {
	f := fieldErrors{}
	f.text("name", "单位名称", o.Name, true, 60)
	switch {
	case o.Region == "":
		f.add("region", "请选择所在地区")
	case o.Kind == OrgBureau:
		// The bureau is made by the system, not registered, and takes part
		// in no list or ranking: its region may be text (安徽省六安市).
		f.text("region", "所在地区", string(o.Region), true, 60)
	default:
		f.region("region", o.Region)
	}
	f.text("short", "简称", o.Short, false, 20)
	switch o.Kind {
	case OrgEnterprise:
		if !ValidCreditCode(strings.ToUpper(strings.TrimSpace(o.CreditCode))) {
			f.add("credit_code", "统一社会信用代码应为 18 位且校验位正确")
		}
	case OrgInstitute, OrgBureau:
	default:
		f.add("kind", "请选择单位类型")
	}
	return f.err()
}
