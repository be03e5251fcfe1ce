package calls

import (
	"testing"

	"duijie/internal/duijie"
)

// hostile are texts no field of a call, a proposal, a review or the
// expert pool takes: a bidi override, NUL, an escape sequence, invalid
// UTF-8, a C1 control and a zero-width space, each inside otherwise
// good text of a fitting length.
var hostile = map[string]string{
	"U+202E":  "\u202E",
	"NUL":     "\x00",
	"ESC":     "\x1b[31m",
	"invalid": "\xff\xfe",
	"C1":      "\u0085",
	"ZWSP":    "\u200b",
}

func wantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("%s: %v, want EINVALID", what, err)
		return
	}
	de := err.(*duijie.Error)
	if de.Message == "" {
		t.Errorf("%s: no message", what)
	}
}

// TestHostileText: every free-text field of 揭榜挂帅 and the expert pool is
// checked like the portal's other text fields, and nothing is stored.
func TestHostileText(t *testing.T) {
	e := newEnv(t)
	deadline := duijie.Today(t0).AddDate(0, 0, 10)
	for k, x := range hostile {
		bad, short := "评审意见"+x+"正常的文字内容足够长", "评审"+x+"标准"
		// The call's title, summary, criterion names and descriptions.
		for _, in := range []CallInput{
			{Title: bad, Reward: 10, Deadline: deadline, Criteria: criteria},
			{Summary: bad, Reward: 10, Deadline: deadline, Criteria: criteria},
			{Reward: 10, Deadline: deadline, Criteria: []duijie.Criterion{{Name: short, Weight: 100}}},
			{Reward: 10, Deadline: deadline, Criteria: []duijie.Criterion{{Name: "创新", Weight: 100, Description: bad}}},
		} {
			_, err := e.s.Create(e.ctx, e.as("broker"), "ch-1", in)
			wantInvalid(t, k+" call", err)
		}
		// An application to the pool, field by field.
		for _, f := range []func(ap *duijie.Expert){
			func(ap *duijie.Expert) { ap.Name = short },
			func(ap *duijie.Expert) { ap.Title = short },
			func(ap *duijie.Expert) { ap.OrgName = bad },
			func(ap *duijie.Expert) { ap.Field = bad },
			func(ap *duijie.Expert) { ap.Email = "a" + short + "@example.cn" },
		} {
			ap := &duijie.Expert{Username: "zhangsan", Name: "张三", Industry: "nev", Title: "教授", OrgName: "某研究院", Phone: "13912345678"}
			f(ap)
			wantInvalid(t, k+" application", e.s.Apply(e.ctx, Actor{IP: "192.0.2." + k}, ap))
		}
	}
	calls, err := e.db.Calls(e.ctx)
	must(t, err)
	if len(calls) != 0 {
		t.Fatalf("%d calls stored", len(calls))
	}

	c := e.callWithBids()
	for k, x := range hostile {
		bad := "评审意见" + x + "正常的文字内容足够长"
		for _, p := range []*duijie.Proposal{
			{Summary: bad, Plan: "一年。", Team: "教授"},
			{Summary: "正常的方案摘要内容足够长", Plan: bad, Team: "教授"},
			{Summary: "正常的方案摘要内容足够长", Plan: "一年。", Team: bad},
		} {
			e.clock.Add(-11 * 24 * 3600e9)
			wantInvalid(t, k+" proposal", e.s.Submit(e.ctx, e.as("hfut"), c.ID, p))
			e.clock.Add(11 * 24 * 3600e9)
		}
	}
	panel, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3)
	must(t, err)
	v, err := e.s.Get(e.ctx, e.as("broker"), c.ID)
	must(t, err)
	member := e.as("zj" + panel.Members[0][3:])
	for k, x := range hostile {
		bad := "评审意见" + x + "正常的文字内容足够长"
		wantInvalid(t, k+" review", e.s.Score(e.ctx, member, c.ID, v.Proposals[0].ID, []int{80, 80, 80}, bad))
		_, err := e.s.Recuse(e.ctx, member, c.ID, "", bad)
		wantInvalid(t, k+" recusal", err)
		_, err = e.s.Award(e.ctx, e.as("broker"), c.ID, v.Proposals[0].ID, bad)
		if duijie.ErrorCode(err) != duijie.EINVALID && duijie.ErrorCode(err) != duijie.ECONFLICT {
			t.Errorf("%s award note: %v", k, err)
		}
		wantInvalid(t, k+" withdrawal", e.s.Withdraw(e.ctx, e.as("broker"), c.ID, bad))
		_, err = e.s.RevealContact(e.ctx, e.as("broker"), "ex-06", bad)
		wantInvalid(t, k+" contact purpose", err)
		wantInvalid(t, k+" removal", e.s.Remove(e.ctx, e.as("broker"), "ex-11", bad))
	}
	reviews, err := e.db.Reviews(e.ctx, reviewsOfCall(c.ID))
	must(t, err)
	if len(reviews) != 0 {
		t.Errorf("%d reviews stored", len(reviews))
	}
	p, err := e.db.Panel(e.ctx, c.ID)
	must(t, err)
	if len(p.Changes) != 0 {
		t.Errorf("recusals stored: %+v", p.Changes)
	}
	if got, _ := e.db.Call(e.ctx, c.ID); got.Status != duijie.CallReviewing {
		t.Errorf("call %s", got.Status)
	}
}
