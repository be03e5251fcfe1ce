package workflow_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"duijie/internal/duijie"
)

// TestCanMove checks every pair of stages against the workflow's rules:
// 待受理 → 已推荐 → 双方确认 → 洽谈中 → 已签约 → 已登记, 双方确认 may sign at
// once, every open stage may end, and nothing leaves 已登记 or 终止.
func TestCanMove(t *testing.T) {
	Q, R, C, N, S, G, E := duijie.StageQueued, duijie.StageRecommended, duijie.StageConfirmed, duijie.StageNegotiating,
		duijie.StageSigned, duijie.StageRegistered, duijie.StageEnded
	allowed := map[[2]duijie.Stage]bool{
		{Q, R}: true, {Q, E}: true,
		{R, C}: true, {R, E}: true,
		{C, N}: true, {C, S}: true, {C, E}: true,
		{N, S}: true, {N, E}: true,
		{S, G}: true,
	}
	if len(duijie.Stages) != 7 {
		t.Fatalf("%d stages, the table knows 7", len(duijie.Stages))
	}
	for _, from := range append(duijie.Stages, "", "bogus") {
		for _, to := range append(duijie.Stages, "", "bogus") {
			want := allowed[[2]duijie.Stage{from, to}]
			if got := duijie.CanMove(from, to); got != want {
				t.Errorf("CanMove(%q, %q) = %v, want %v", from, to, got, want)
			}
		}
		for _, to := range from.Next() {
			if !allowed[[2]duijie.Stage{from, to}] {
				t.Errorf("%s.Next() lists %s", from, to)
			}
		}
	}
	for _, s := range duijie.Stages {
		if s.Label() == "" {
			t.Errorf("stage %s has no label", s)
		}
		// Open stages may end; closed ones do not move except 已签约 → 已登记.
		if s.Open() != duijie.CanMove(s, E) {
			t.Errorf("%s: Open %v but CanMove to ended %v", s, s.Open(), duijie.CanMove(s, E))
		}
	}
	for s, want := range map[duijie.Stage][2]bool{ // Open, Contacted
		Q: {true, false}, R: {true, false}, C: {true, true}, N: {true, true}, S: {false, true}, G: {false, true}, E: {false, false},
	} {
		if s.Open() != want[0] || s.Contacted() != want[1] {
			t.Errorf("%s: Open %v Contacted %v, want %v", s, s.Open(), s.Contacted(), want)
		}
	}
}

func TestCheckReason(t *testing.T) {
	long := strings.Repeat("字", duijie.MaxNote+1)
	for _, tc := range []struct {
		reason duijie.Reason
		note   string
		field  string // "" = valid
	}{
		{duijie.ReasonMismatch, "", ""},
		{duijie.ReasonBudget, "预算只有一半", ""},
		{duijie.ReasonMaturity, "", ""},
		{duijie.ReasonIP, "", ""},
		{duijie.ReasonNoResponse, "", ""},
		{duijie.ReasonSolved, "", ""},
		{duijie.ReasonOther, "企业搬迁", ""},
		{duijie.ReasonOther, "", "note"},
		{duijie.ReasonOther, "  \n ", "note"},
		{"", "", "reason"},
		{"bogus", "说明", "reason"},
		{duijie.ReasonMismatch, long, "note"},
		{duijie.ReasonMismatch, strings.Repeat("字", duijie.MaxNote), ""},
	} {
		err := duijie.CheckReason(tc.reason, tc.note)
		what := fmt.Sprintf("CheckReason(%q, %d chars)", tc.reason, len([]rune(tc.note)))
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", what, err)
			}
			continue
		}
		wantField(t, what, err, tc.field)
	}
	for _, r := range duijie.Reasons {
		if r.Label() == "" {
			t.Errorf("reason %s has no label", r)
		}
	}
}

func TestDueAfter(t *testing.T) {
	d := duijie.DefaultDeadlines
	if d.Queue != 7*24*time.Hour || d.Answer != 7*24*time.Hour || d.Negotiate != 30*24*time.Hour {
		t.Fatalf("default deadlines %+v", d)
	}
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		s    duijie.Stage
		want time.Time
	}{
		{duijie.StageQueued, t0.AddDate(0, 0, 7)},
		{duijie.StageRecommended, t0.AddDate(0, 0, 7)},
		{duijie.StageConfirmed, t0.AddDate(0, 0, 30)},
		{duijie.StageNegotiating, t0.AddDate(0, 0, 30)},
		{duijie.StageSigned, time.Time{}},
		{duijie.StageRegistered, time.Time{}},
		{duijie.StageEnded, time.Time{}},
	} {
		if got := d.DueAfter(tc.s, t0); !got.Equal(tc.want) {
			t.Errorf("DueAfter(%s) = %v, want %v", tc.s, got, tc.want)
		}
	}
	due := t0.AddDate(0, 0, 7)
	for _, tc := range []struct {
		stage duijie.Stage
		due   time.Time
		now   time.Time
		want  bool
	}{
		{duijie.StageQueued, due, due.Add(-time.Second), false},
		{duijie.StageQueued, due, due, false},
		{duijie.StageQueued, due, due.Add(time.Second), true},
		{duijie.StageNegotiating, due, due.Add(time.Hour), true},
		{duijie.StageSigned, due, due.Add(time.Hour), false},
		{duijie.StageEnded, due, due.Add(time.Hour), false},
		{duijie.StageQueued, time.Time{}, due, false},
	} {
		n := duijie.Introduction{Stage: tc.stage, Due: tc.due}
		if got := n.Overdue(tc.now); got != tc.want {
			t.Errorf("%s due %v at %v: Overdue %v, want %v", tc.stage, tc.due, tc.now, got, tc.want)
		}
	}
}

func TestEventValidate(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	today := duijie.ParseDate("2026-11-26")
	for _, tc := range []struct {
		name  string
		e     duijie.Event
		field string
	}{
		{"phone call today", duijie.Event{Kind: duijie.EventNote, Channel: duijie.ChannelPhone, On: today, Note: "电话沟通"}, ""},
		{"visit last week", duijie.Event{Kind: duijie.EventNote, Channel: duijie.ChannelVisit, On: today.AddDate(0, 0, -7), Note: "走访"}, ""},
		{"no channel", duijie.Event{Kind: duijie.EventNote, On: today, Note: "x"}, "channel"},
		{"unknown channel", duijie.Event{Kind: duijie.EventNote, Channel: "fax", On: today, Note: "x"}, "channel"},
		{"no day", duijie.Event{Kind: duijie.EventNote, Channel: duijie.ChannelPhone, Note: "x"}, "on"},
		{"in two days", duijie.Event{Kind: duijie.EventNote, Channel: duijie.ChannelPhone, On: today.AddDate(0, 0, 2), Note: "x"}, "on"},
		{"no note", duijie.Event{Kind: duijie.EventNote, Channel: duijie.ChannelPhone, On: today, Note: " "}, "note"},
		{"note too long", duijie.Event{Kind: duijie.EventNote, Channel: duijie.ChannelPhone, On: today, Note: strings.Repeat("长", duijie.MaxNote+1)}, "note"},
		{"not a note", duijie.Event{Kind: duijie.EventStage}, ""},
	} {
		err := tc.e.Validate(now)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		wantField(t, tc.name, err, tc.field)
	}
}

func TestContractValidate(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	signed := duijie.ParseDate("2026-11-20")
	valid := func() duijie.Contract {
		return duijie.Contract{IntroID: "in-1", Type: duijie.ContractDevelopment, Title: "液冷板流道优化技术开发合同",
			Buyer: "安徽淠源新能源科技有限公司", Seller: "皖西学院", Amount: 1_200_000, LocalAmount: 800_000, Signed: signed}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*duijie.Contract)
		field string
	}{
		{"valid", func(*duijie.Contract) {}, ""},
		{"registered", func(c *duijie.Contract) { c.RegNo, c.Registered = "2026340015000123", signed.AddDate(0, 0, 3) }, ""},
		{"registered the day it was signed", func(c *duijie.Contract) { c.RegNo, c.Registered = "HT-2026-001", signed }, ""},
		{"reg no trimmed", func(c *duijie.Contract) { c.RegNo, c.Registered = "  2026340015000123 ", signed }, ""},
		{"standalone on a challenge", func(c *duijie.Contract) { c.IntroID, c.ChallengeID = "", "ch-1" }, ""},
		{"standalone on a capability", func(c *duijie.Contract) { c.IntroID, c.CapabilityID = "", "cap-1" }, ""},
		{"local amount equal", func(c *duijie.Contract) { c.LocalAmount = c.Amount }, ""},
		{"local amount zero", func(c *duijie.Contract) { c.LocalAmount = 0 }, ""},
		{"amount 1 元", func(c *duijie.Contract) { c.Amount, c.LocalAmount = 1, 1 }, ""},
		{"amount at the bound", func(c *duijie.Contract) { c.Amount = duijie.MaxAmount }, ""},
		{"signed tomorrow (time zones)", func(c *duijie.Contract) { c.Signed = now.Add(23 * time.Hour) }, ""},
		{"no type", func(c *duijie.Contract) { c.Type = "" }, "type"},
		{"unknown type", func(c *duijie.Contract) { c.Type = "purchase" }, "type"},
		{"no title", func(c *duijie.Contract) { c.Title = " " }, "title"},
		{"title too long", func(c *duijie.Contract) { c.Title = strings.Repeat("合", 201) }, "title"},
		{"no buyer", func(c *duijie.Contract) { c.Buyer = "" }, "buyer"},
		{"no seller", func(c *duijie.Contract) { c.Seller = "" }, "seller"},
		{"amount zero", func(c *duijie.Contract) { c.Amount, c.LocalAmount = 0, 0 }, "amount"},
		{"amount negative", func(c *duijie.Contract) { c.Amount, c.LocalAmount = -5, 0 }, "amount"},
		{"amount over 100 亿", func(c *duijie.Contract) { c.Amount = duijie.MaxAmount + 1 }, "amount"},
		{"local amount negative", func(c *duijie.Contract) { c.LocalAmount = -1 }, "local_amount"},
		{"local amount over amount", func(c *duijie.Contract) { c.LocalAmount = c.Amount + 1 }, "local_amount"},
		{"not signed", func(c *duijie.Contract) { c.Signed = time.Time{} }, "signed"},
		{"signed in two days", func(c *duijie.Contract) { c.Signed = now.AddDate(0, 0, 2) }, "signed"},
		{"reg no without date", func(c *duijie.Contract) { c.RegNo = "2026340015000123" }, "registered"},
		{"date without reg no", func(c *duijie.Contract) { c.Registered = signed }, "reg_no"},
		{"reg no too short", func(c *duijie.Contract) { c.RegNo, c.Registered = "12345", signed }, "reg_no"},
		{"reg no too long", func(c *duijie.Contract) { c.RegNo, c.Registered = strings.Repeat("1", 41), signed }, "reg_no"},
		{"reg no with Chinese", func(c *duijie.Contract) { c.RegNo, c.Registered = "皖2026000123", signed }, "reg_no"},
		{"reg no with a space", func(c *duijie.Contract) { c.RegNo, c.Registered = "2026 000123", signed }, "reg_no"},
		{"registered before signed", func(c *duijie.Contract) { c.RegNo, c.Registered = "2026340015000123", signed.AddDate(0, 0, -1) }, "registered"},
		{"registered in two days", func(c *duijie.Contract) {
			c.Signed, c.RegNo, c.Registered = now, "2026340015000123", now.AddDate(0, 0, 2)
		}, "registered"},
		{"attached to nothing", func(c *duijie.Contract) { c.IntroID = "" }, "posting"},
	} {
		c := valid()
		tc.edit(&c)
		err := c.Validate(now)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		wantField(t, tc.name, err, tc.field)
	}
	for _, ty := range duijie.ContractTypes {
		if ty.Label() == "" {
			t.Errorf("contract type %s has no label", ty)
		}
	}
}

// TestYuan: amounts in 元 shown in 万元 with two decimals, rounded half up,
// computed on integers.
func TestYuan(t *testing.T) {
	for _, tc := range []struct {
		amount int64
		want   string
	}{
		{0, "0.00"},
		{1, "0.00"},
		{49, "0.00"},
		{50, "0.01"},
		{99, "0.01"},
		{100, "0.01"},
		{149, "0.01"},
		{150, "0.02"},
		{9_949, "0.99"},
		{9_950, "1.00"},
		{10_000, "1.00"},
		{10_050, "1.01"},
		{123_456, "12.35"},
		{1_234_567, "123.46"},
		{1_200_000, "120.00"},
		{99_999_950, "10000.00"},
		{duijie.MaxAmount, "1000000.00"},
		{-10_000, "-1.00"},
		{-1_234_567, "-123.46"},
		{-49, "0.00"}, // rounds to nothing: no minus sign
		{-50, "-0.01"},
		{math.MaxInt64, "922337203685477.58"},
		{math.MinInt64, "-922337203685477.58"},
	} {
		if got := duijie.Yuan(tc.amount); got != tc.want {
			t.Errorf("Yuan(%d) = %q, want %q", tc.amount, got, tc.want)
		}
	}
}
