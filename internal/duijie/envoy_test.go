package duijie

import (
	"strings"
	"testing"
)

func TestVisitValidate(t *testing.T) {
	today := ParseDate("2026-04-10")
	ok := func() Visit {
		return Visit{On: ParseDate("2026-04-01"), Topic: "茶园病虫害防控", Findings: "虫害重。"}
	}
	for _, c := range []struct {
		name        string
		edit        func(*Visit)
		field, text string
	}{
		{"fine", func(*Visit) {}, "", ""},
		{"today", func(v *Visit) { v.On = today }, "", ""},
		{"a year ago", func(v *Visit) { v.On = ParseDate("2025-04-10") }, "", ""},
		{"tomorrow", func(v *Visit) { v.On = ParseDate("2026-04-11") }, "on", "不能晚于今天（2026-04-10）"},
		{"over a year ago", func(v *Visit) { v.On = ParseDate("2025-04-09") }, "on", "不能早于 2025-04-10"},
		{"no day", func(v *Visit) { v.On = ParseDate("") }, "on", "请按 年-月-日"},
		{"no topic", func(v *Visit) { v.Topic = " " }, "topic", "请填写走访主题"},
		{"long topic", func(v *Visit) { v.Topic = strings.Repeat("题", 61) }, "topic", "不能超过 60 个字"},
		{"control characters", func(v *Visit) { v.Findings = "a\x1bb" }, "findings", "无法识别的字符"},
		{"long follow-up", func(v *Visit) { v.FollowUp = strings.Repeat("跟", 2001) }, "follow_up", "不能超过 2000 个字"},
		{"correction without a reason", func(v *Visit) { v.Version = 2 }, "note", "请填写更正原因"},
		{"correction with a reason", func(v *Visit) { v.Version, v.Note = 2, "日期记错" }, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := ok()
			c.edit(&v)
			err := v.Validate(today)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			de, _ := err.(*Error)
			if de == nil || de.Code != EINVALID || !strings.Contains(de.Fields[c.field], c.text) {
				t.Fatalf("error %v (%v), want %s: %s", err, de, c.field, c.text)
			}
		})
	}
}

func TestEnvoyAssignmentValidate(t *testing.T) {
	since := ParseDate("2026-01-01")
	for _, c := range []struct {
		name  string
		a     Assignment
		field string
	}{
		{"an enterprise", Assignment{EnvoyID: "v", OrgID: "e1", Since: since}, ""},
		{"a village", Assignment{EnvoyID: "v", Village: " 石门村 ", Region: "la-huoshan", Since: since}, ""},
		{"both", Assignment{EnvoyID: "v", OrgID: "e1", Village: "石门村", Region: "la-huoshan", Since: since}, "place"},
		{"neither", Assignment{EnvoyID: "v", Since: since}, "place"},
		{"a village outside 六安", Assignment{EnvoyID: "v", Village: "石门村", Region: "hefei", Since: since}, "region"},
		{"a village without a county", Assignment{EnvoyID: "v", Village: "石门村", Since: since}, "region"},
		{"no envoy", Assignment{OrgID: "e1", Since: since}, "envoy"},
		{"no start", Assignment{EnvoyID: "v", OrgID: "e1"}, "since"},
		{"ends before it starts", Assignment{EnvoyID: "v", OrgID: "e1", Since: since, Until: ParseDate("2025-12-31")}, "until"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.a.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if de, _ := err.(*Error); de == nil || de.Fields[c.field] == "" {
				t.Fatalf("error %v, want a message on %s", err, c.field)
			}
		})
	}
	a := Assignment{Since: since, Until: ParseDate("2026-03-31")}
	for day, want := range map[string]bool{"2025-12-31": false, "2026-01-01": true, "2026-03-31": true, "2026-04-01": false} {
		if got := a.ActiveOn(ParseDate(day)); got != want {
			t.Errorf("active on %s: %v", day, got)
		}
	}
}
