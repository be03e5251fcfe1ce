package duijie

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func validChallenge() Challenge {
	posted := time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)
	return Challenge{ID: "c1", OrgID: "e1", Title: "电池包液冷板优化", Problem: "快充时电芯温差过大。", Industry: "nev",
		Keywords: []string{"液冷板"}, BudgetMin: 80, BudgetMax: 150, Deadline: posted.AddDate(1, 0, 0),
		Modes: []Mode{"技术开发"}, Visibility: VisibilityPublic, TRLExpect: 6, Status: StatusPublished, Posted: posted}
}

func TestChallengeValidate(t *testing.T) {
	tests := []struct {
		name      string
		change    func(*Challenge)
		wantField string
		wantMsg   string
	}{
		{"valid", func(*Challenge) {}, "", ""},
		{"markup is text, not an error", func(c *Challenge) { c.Problem = "<script>alert(1)</script>温差大" }, "", ""},
		{"missing title", func(c *Challenge) { c.Title = "  " }, "title", "请填写标题"},
		{"long title", func(c *Challenge) { c.Title = strings.Repeat("长", 61) }, "title", "不能超过 60 个字"},
		{"invalid UTF-8", func(c *Challenge) { c.Problem = "温差\xff" }, "problem", "无法识别的字符"},
		{"bidi override in the title", func(c *Challenge) { c.Title = "电池包\u202e板冷液" }, "title", "不可见的排版控制字符"},
		{"bidi isolate in the problem", func(c *Challenge) { c.Problem = "温差\u2067大" }, "problem", "不可见的排版控制字符"},
		{"zero-width space in a field", func(c *Challenge) { c.Field = "储\u200b能" }, "field", "不可见的排版控制字符"},
		{"bidi mark in a keyword", func(c *Challenge) { c.Keywords = []string{"液冷\u200f板"} }, "keywords", "不可见的排版控制字符"},
		{"an emoji joiner is text", func(c *Challenge) { c.Problem = "温差大👨\u200d🔬" }, "", ""},
		{"unknown industry", func(c *Challenge) { c.Industry = "mining" }, "industry", "请选择所属产业"},
		{"too many keywords", func(c *Challenge) { c.Keywords = make([]string, 11) }, "keywords", "最多 10 项"},
		{"negative budget", func(c *Challenge) { c.BudgetMin = -1 }, "budget", "不能为负数"},
		{"budget upside down", func(c *Challenge) { c.BudgetMin, c.BudgetMax = 200, 100 }, "budget", "下限不能高于上限"},
		{"deadline before posting", func(c *Challenge) { c.Deadline = c.Posted.AddDate(0, 0, -1) }, "deadline", "截止日期"},
		{"no mode", func(c *Challenge) { c.Modes = nil }, "modes", "至少选择一种"},
		{"unknown mode", func(c *Challenge) { c.Modes = []Mode{"入股"} }, "modes", "不支持的合作方式：入股"},
		{"bad visibility", func(c *Challenge) { c.Visibility = "secret" }, "visibility", "公开范围"},
		{"TRL out of range", func(c *Challenge) { c.TRLExpect = 10 }, "trl_expect", "1–9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validChallenge()
			tt.change(&c)
			checkValidation(t, c.Validate(), tt.wantField, tt.wantMsg)
		})
	}
}

func TestCapabilityValidate(t *testing.T) {
	valid := func() Capability {
		return Capability{ID: "p1", OrgID: "i1", Kind: KindAchievement, Title: "微通道液冷板", Description: "研制了液冷板。",
			TRL: 7, Industry: "nev", Modes: []Mode{"技术转让"}}
	}
	tests := []struct {
		name      string
		change    func(*Capability)
		wantField string
		wantMsg   string
	}{
		{"valid", func(*Capability) {}, "", ""},
		{"expert without TRL", func(c *Capability) { c.Kind, c.TRL = KindExpert, 0 }, "", ""},
		{"achievement without TRL", func(c *Capability) { c.TRL = 0 }, "trl", "科技成果必填"},
		{"unknown kind", func(c *Capability) { c.Kind = "patent" }, "kind", "请选择类型"},
		{"missing description", func(c *Capability) { c.Description = "" }, "description", "请填写简介"},
		{"empty IP entry", func(c *Capability) { c.IP = []string{""} }, "ip", "1 到 200 个字"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(&c)
			checkValidation(t, c.Validate(), tt.wantField, tt.wantMsg)
		})
	}
}

func checkValidation(t *testing.T, err error, field, msg string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("want valid, got %v (%v)", err, fieldsOf(err))
		}
		return
	}
	if ErrorCode(err) != EINVALID {
		t.Fatalf("want EINVALID, got %v", err)
	}
	got := fieldsOf(err)[field]
	if !strings.Contains(got, msg) {
		t.Errorf("field %s: %q, want it to contain %q (all: %v)", field, got, msg, fieldsOf(err))
	}
}

func fieldsOf(err error) map[string]string {
	if e, ok := err.(*Error); ok {
		return e.Fields
	}
	return nil
}

func TestCreditCode(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"91341500MA2T8K3L6G", true},  // demo enterprise
		{"91341500MA2T8K3L6H", false}, // wrong check character
		{"91341500MA2T8K3L6", false},  // 17 characters
		{"91341500MA2T8K3LOG", false}, // O is not in the alphabet
		{"", false},
		{"９１３４１５００ＭＡ２Ｔ８Ｋ３Ｌ６Ｇ", false}, // full width is not decoded here
	}
	for _, tt := range tests {
		if got := ValidCreditCode(tt.code); got != tt.want {
			t.Errorf("ValidCreditCode(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
	o := Organization{Name: "某公司", Kind: OrgEnterprise, Region: "la-jinan", CreditCode: "91341500ma2t8k3l6g"}
	if err := o.Validate(); err != nil {
		t.Errorf("lower-case code of a valid enterprise: %v", err)
	}
	o.CreditCode = "123"
	checkValidation(t, o.Validate(), "credit_code", "校验位")
}

// TestStandardLibraryOnly keeps the domain package free of dependencies.
func TestStandardLibraryOnly(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if strings.Contains(strings.SplitN(path, "/", 2)[0], ".") || strings.HasPrefix(path, "duijie") {
				t.Errorf("%s imports %s: internal/duijie uses the standard library only", f, path)
			}
		}
	}
}
