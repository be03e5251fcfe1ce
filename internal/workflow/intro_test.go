package workflow_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
	"duijie/internal/workflow"
)

// TestMoveEveryPair moves an introduction at every stage to every stage
// through the service: a broker makes only 推荐, 开始洽谈 and 终止 by hand;
// everything else, 双方确认, 已签约 and 已登记 included, is refused and
// leaves the introduction and its timeline as they were.
func TestMoveEveryPair(t *testing.T) {
	e := newEnv(t)
	st := e.stager()
	broker := e.user("jingjiren")
	Q, R, C, N, E := duijie.StageQueued, duijie.StageRecommended, duijie.StageConfirmed, duijie.StageNegotiating, duijie.StageEnded
	byHand := map[[2]duijie.Stage]bool{{Q, R}: true, {Q, E}: true, {R, E}: true, {C, N}: true, {C, E}: true, {N, E}: true}
	for _, from := range duijie.Stages {
		id := st.at(from)
		before := e.intro(id)
		if before.Stage != from {
			t.Fatalf("stager made %s at %s, want %s", id, before.Stage, from)
		}
		evs, err := e.db.Events(e.ctx, id)
		must(t, err)
		for _, to := range duijie.Stages {
			if byHand[[2]duijie.Stage{from, to}] {
				continue
			}
			wantCode(t, string(from)+" → "+string(to), e.wf.Move(e.ctx, broker, id, to, duijie.ReasonMismatch, "说明"), duijie.ECONFLICT)
		}
		after := e.intro(id)
		evs2, err := e.db.Events(e.ctx, id)
		must(t, err)
		if *after != *before || len(evs2) != len(evs) {
			t.Errorf("%s: refused moves changed it:\n%+v\n%+v\n%d → %d events", from, before, after, len(evs), len(evs2))
		}
		for _, to := range duijie.Stages {
			if !byHand[[2]duijie.Stage{from, to}] {
				continue
			}
			id := st.at(from)
			e.clock.Add(time.Minute)
			must(t, e.wf.Move(e.ctx, broker, id, to, duijie.ReasonMismatch, "说明"))
			n := e.intro(id)
			now := e.clock.Now()
			if n.Stage != to || !n.Due.Equal(duijie.DefaultDeadlines.DueAfter(to, now)) || !n.Updated.Equal(now) || n.BrokerID != broker.User.ID {
				t.Errorf("%s → %s: stored %+v", from, to, n)
			}
			if to == E && (n.Reason != duijie.ReasonMismatch || n.ReasonNote != "说明") {
				t.Errorf("%s → ended: reason %q %q", from, n.Reason, n.ReasonNote)
			}
			evs, err := e.db.Events(e.ctx, id)
			must(t, err)
			last := evs[len(evs)-1]
			if last.Kind != duijie.EventStage || last.From != from || last.To != to || last.ActorID != broker.User.ID || !last.At.Equal(now) {
				t.Errorf("%s → %s: last event %+v", from, to, last)
			}
			if !e.audited(workflow.AuditIntroStage, "introduction:"+id) {
				t.Errorf("%s → %s not audited", from, to)
			}
		}
	}
}

func TestMoveRules(t *testing.T) {
	e := newEnv(t)
	st := e.stager()
	ctx, broker := e.ctx, e.user("jingjiren")

	t.Run("who", func(t *testing.T) {
		id := st.at(duijie.StageQueued)
		for _, who := range []string{"qiye", "yuansuo", "xitong", "anquan"} {
			wantCode(t, who, e.wf.Move(ctx, e.user(who), id, duijie.StageRecommended, "", ""), duijie.EFORBIDDEN)
		}
		wantCode(t, "anonymous", e.wf.Move(ctx, workflow.Actor{}, id, duijie.StageRecommended, "", ""), duijie.EFORBIDDEN)
		wantCode(t, "unknown id", e.wf.Move(ctx, broker, "in-nosuch", duijie.StageRecommended, "", ""), duijie.ENOTFOUND)
		if n := e.intro(id); n.Stage != duijie.StageQueued || n.BrokerID != "" {
			t.Errorf("refused moves changed %+v", n)
		}
	})

	t.Run("ending needs a reason", func(t *testing.T) {
		id := st.at(duijie.StageRecommended)
		for _, tc := range []struct {
			reason duijie.Reason
			note   string
			field  string
		}{
			{"", "", "reason"},
			{"", "企业不再需要", "reason"},
			{"whatever", "x", "reason"},
			{duijie.ReasonOther, "", "note"},
			{duijie.ReasonOther, "   ", "note"},
			{duijie.ReasonBudget, strings.Repeat("长", duijie.MaxNote+1), "note"},
		} {
			wantField(t, "end with "+string(tc.reason)+" "+tc.note, e.wf.Move(ctx, broker, id, duijie.StageEnded, tc.reason, tc.note), tc.field)
		}
		if n := e.intro(id); n.Stage != duijie.StageRecommended {
			t.Fatalf("an invalid end moved it to %s", n.Stage)
		}
		must(t, e.wf.Move(ctx, broker, id, duijie.StageEnded, duijie.ReasonOther, "  企业搬迁至外省 "))
		n := e.intro(id)
		if n.Stage != duijie.StageEnded || n.Reason != duijie.ReasonOther || n.ReasonNote != "企业搬迁至外省" || !n.Due.IsZero() {
			t.Errorf("ended as %+v", n)
		}
		for _, who := range []string{"qiye", "yuansuo"} {
			if ss := subjects(e.inbox(who), duijie.MsgStage); len(ss) == 0 || !strings.Contains(ss[0], "已终止：其他") {
				t.Errorf("%s's stage messages: %q", who, ss)
			}
		}
		wantCode(t, "ended twice", e.wf.Move(ctx, broker, id, duijie.StageEnded, duijie.ReasonOther, "x"), duijie.ECONFLICT)
	})

	t.Run("recommending a request", func(t *testing.T) {
		id := st.at(duijie.StageQueued)
		n := e.intro(id)
		if n.Origin != duijie.OriginRequest || n.EntAnswer != duijie.AnswerNone || n.InstAnswer != duijie.AnswerNone || n.BrokerID != "" {
			t.Fatalf("request stored as %+v", n)
		}
		for _, who := range []string{"qiye", "yuansuo"} {
			must(t, e.wf.ReadAll(ctx, e.user(who)))
		}
		e.clock.Add(time.Hour)
		must(t, e.wf.Move(ctx, broker, id, duijie.StageRecommended, "", " 该团队有中试线，建议面谈 "))
		n = e.intro(id)
		if n.Message != "该团队有中试线，建议面谈" || n.BrokerID != broker.User.ID || !n.Due.Equal(e.clock.Now().Add(7*24*time.Hour)) {
			t.Errorf("recommended as %+v", n)
		}
		// Both sides are asked to confirm, the side that asked too.
		ent, inst := e.inbox("qiye"), e.inbox("yuansuo")
		if len(ent) == 0 || !strings.HasPrefix(ent[0].Subject, "科技局已受理您的企业申请对接，请确认对接") || ent[0].Link != "/introductions/"+id {
			t.Errorf("enterprise told %+v", ent)
		}
		if len(inst) == 0 || !strings.HasPrefix(inst[0].Subject, "科技局为您推荐了对接") || !strings.Contains(inst[0].Body, "7 天内") {
			t.Errorf("institute told %+v", inst)
		}
		for _, who := range []string{"qiye", "yuansuo"} {
			if v := e.get(who, id); !v.MayAnswer {
				t.Errorf("%s may not answer", who)
			}
		}
		// One side's acceptance is not enough; both confirm it.
		must(t, e.wf.Answer(ctx, e.user("yuansuo"), id, true, "", ""))
		if n := e.intro(id); n.Stage != duijie.StageRecommended {
			t.Errorf("request accepted by one side: %s", n.Stage)
		}
		must(t, e.wf.Answer(ctx, e.user("qiye"), id, true, "", ""))
		if n := e.intro(id); n.Stage != duijie.StageConfirmed {
			t.Errorf("request accepted by both: %s", n.Stage)
		}
	})
}

// TestAnswer: each side answers only when asked, only its own members do,
// contacts pass only once both accepted, and the institute then reads a
// 摘要公开 challenge in full.
func TestAnswer(t *testing.T) {
	e := newEnv(t)
	ctx, broker := e.ctx, e.user("jingjiren")
	id := e.recommend("jingjiren", chSummary, capWXC)
	n := e.intro(id)
	if n.Stage != duijie.StageRecommended || n.Origin != duijie.OriginBroker || n.BrokerID != broker.User.ID ||
		n.EntOrgID != "ent-a01" || n.InstOrgID != "inst-wxc" || n.ChallengeID != chSummary || n.CapabilityID != capWXC ||
		n.Message != "请双方尽快联系" || !n.Due.Equal(e.clock.Now().Add(7*24*time.Hour)) {
		t.Fatalf("recommendation stored as %+v", n)
	}
	if !e.audited(workflow.AuditIntroCreate, "introduction:"+id) {
		t.Error("recommendation not audited")
	}
	// Everyone of both sides is told, nobody else.
	for who, want := range map[string]int{"qiye": 1, "qiye2": 1, "yuansuo": 1, "gongyanyuan": 0, "junchi": 0, "jingjiren": 0} {
		if got := len(subjects(e.inbox(who), duijie.MsgIntroduction)); got != want {
			t.Errorf("%s has %d recommendation messages, want %d", who, got, want)
		}
	}
	summaryAccess := func(who string) duijie.Access {
		t.Helper()
		v, err := e.portal.Challenge(ctx, e.pactor(who), chSummary)
		must(t, err)
		return v.Access
	}
	if a := summaryAccess("yuansuo"); a != duijie.AccessSummary {
		t.Fatalf("the institute reads the summary challenge with %v before anything happened", a)
	}

	t.Run("before", func(t *testing.T) {
		for _, tc := range []struct {
			who  string
			side duijie.Side
		}{{"qiye", duijie.SideEnterprise}, {"qiye2", duijie.SideEnterprise}, {"yuansuo", duijie.SideInstitute}} {
			v := e.get(tc.who, id)
			if v.Side != tc.side || !v.MayAnswer || len(v.Contacts) != 0 || v.EntUsers != nil || v.InstUsers != nil {
				t.Errorf("%s sees side %q, may answer %v, contacts %v, users %v %v", tc.who, v.Side, v.MayAnswer, v.Contacts, v.EntUsers, v.InstUsers)
			}
		}
		v := e.get("yuansuo", id)
		if !v.EntHidden || v.EntOrgName != "" || v.EntRegion != "" {
			t.Errorf("the enterprise of a summary challenge shows to the institute: %q %q", v.EntOrgName, v.EntRegion)
		}
		if v := e.get("qiye", id); v.EntHidden || v.InstOrgName != "皖西学院" {
			t.Errorf("the enterprise sees %+v", v.Introduction)
		}
		mine, total, err := e.wf.Mine(ctx, e.user("yuansuo"), 0, 50)
		must(t, err)
		if total != 1 || len(mine) != 1 || mine[0].ID != id || mine[0].EntOrgName != "" || mine[0].EntRegion != "" {
			t.Errorf("the institute's list: %d %+v", total, mine)
		}
		bv := e.get("jingjiren", id)
		if bv.Side != "" || bv.MayAnswer || bv.EntOrgName == "" || !slices.Contains(bv.EntUsers, e.user("qiye").User.ID) ||
			!slices.Contains(bv.InstUsers, e.user("yuansuo").User.ID) {
			t.Errorf("the broker sees %+v", bv)
		}
	})

	t.Run("strangers", func(t *testing.T) {
		// Other organisations, a wrong role inside the enterprise, staff of
		// other roles and anonymous readers do not see it at all.
		for _, who := range []string{"gongyanyuan", "junchi", "wrongrole", "xitong", "anquan", "shenji"} {
			_, err := e.wf.Get(ctx, e.user(who), id)
			wantCode(t, who+" Get", err, duijie.ENOTFOUND)
			wantCode(t, who+" Answer", e.wf.Answer(ctx, e.user(who), id, true, "", ""), duijie.ENOTFOUND)
			wantCode(t, who+" decline", e.wf.Answer(ctx, e.user(who), id, false, duijie.ReasonBudget, ""), duijie.ENOTFOUND)
		}
		_, err := e.wf.Get(ctx, workflow.Actor{}, id)
		wantCode(t, "anonymous Get", err, duijie.ENOTFOUND)
		wantCode(t, "anonymous Answer", e.wf.Answer(ctx, workflow.Actor{}, id, true, "", ""), duijie.ENOTFOUND)
		// A broker answers for nobody.
		wantCode(t, "broker Answer", e.wf.Answer(ctx, broker, id, true, "", ""), duijie.EFORBIDDEN)
		_, err = e.wf.Get(ctx, broker, "in-nosuch")
		wantCode(t, "unknown id", err, duijie.ENOTFOUND)
		if n := e.intro(id); n.EntAnswer != "" || n.InstAnswer != "" {
			t.Errorf("a stranger's answer counted: %+v", n)
		}
	})

	t.Run("one accepts", func(t *testing.T) {
		e.clock.Add(time.Hour)
		must(t, e.wf.Answer(ctx, e.user("qiye"), id, true, duijie.ReasonBudget, "ignored"))
		n := e.intro(id)
		if n.Stage != duijie.StageRecommended || n.EntAnswer != duijie.AnswerAccepted || n.InstAnswer != "" || n.Reason != "" {
			t.Fatalf("after the enterprise accepted: %+v", n)
		}
		// Not asked any more: neither the same user nor a colleague.
		wantCode(t, "qiye again", e.wf.Answer(ctx, e.user("qiye"), id, true, "", ""), duijie.ECONFLICT)
		wantCode(t, "qiye2 declines", e.wf.Answer(ctx, e.user("qiye2"), id, false, duijie.ReasonBudget, ""), duijie.ECONFLICT)
		if v := e.get("qiye2", id); v.MayAnswer {
			t.Error("the enterprise may still answer")
		}
		for _, who := range []string{"qiye", "yuansuo"} {
			if v := e.get(who, id); len(v.Contacts) != 0 {
				t.Errorf("%s sees contacts after one side accepted: %v", who, v.Contacts)
			}
		}
		v := e.get("yuansuo", id)
		if !v.EntHidden || v.EntOrgName != "" {
			t.Error("the enterprise shows to the institute after accepting alone")
		}
		// Nor do the enterprise's people show on the institute's timeline.
		entUsers, err := e.db.UsersOf(ctx, "ent-a01")
		must(t, err)
		for _, ev := range v.Events {
			for _, u := range entUsers {
				if ev.ActorID == u.ID || ev.Actor != "" && (ev.Actor == u.DisplayName || ev.Actor == u.Username) {
					t.Errorf("the institute's timeline names %s of the hidden enterprise: %+v", u.Username, ev)
				}
			}
		}
		if ss := subjects(e.inbox("jingjiren"), duijie.MsgAnswer); len(ss) != 1 || !strings.Contains(ss[0], "企业（需求方）接受了对接") {
			t.Errorf("the broker was told %q", ss)
		}
		if a := summaryAccess("yuansuo"); a != duijie.AccessSummary {
			t.Errorf("the institute reads the challenge with %v after one side accepted", a)
		}
	})

	t.Run("both accept", func(t *testing.T) {
		e.clock.Add(time.Hour)
		must(t, e.wf.Answer(ctx, e.user("yuansuo"), id, true, "", ""))
		now := e.clock.Now()
		n := e.intro(id)
		if n.Stage != duijie.StageConfirmed || n.InstAnswer != duijie.AnswerAccepted || !n.Due.Equal(now.Add(30*24*time.Hour)) {
			t.Fatalf("after both accepted: %+v", n)
		}
		wantCode(t, "yuansuo again", e.wf.Answer(ctx, e.user("yuansuo"), id, false, duijie.ReasonIP, ""), duijie.ECONFLICT)
		// Each side sees the other's people with a phone or e-mail.
		ev := e.get("qiye", id)
		if len(ev.Contacts) != 1 || ev.Contacts[0] != (workflow.Contact{Name: "李老师（皖西学院）", Phone: "13905640202", Email: "li.laoshi@wxc-demo.example"}) {
			t.Errorf("the enterprise sees contacts %+v", ev.Contacts)
		}
		iv := e.get("yuansuo", id)
		want := []workflow.Contact{
			{Name: "王经理（淠源新能源）", Phone: "13805640101", Email: "wang.jingli@piyuan-demo.example"},
			{Name: "赵工（淠源新能源）", Phone: "13805640111"},
		}
		if !slices.Equal(iv.Contacts, want) {
			t.Errorf("the institute sees contacts %+v, want %+v", iv.Contacts, want)
		}
		if iv.EntHidden || iv.EntOrgName != "安徽淠源新能源科技有限公司" || iv.MayAnswer {
			t.Errorf("the institute's view after both accepted: hidden %v, %q, may answer %v", iv.EntHidden, iv.EntOrgName, iv.MayAnswer)
		}
		// The timeline: created, the two answers, the confirmation.
		got := kinds(iv.Events)
		wantEv := []string{"created:>recommended:::", "answer:>:enterprise:accepted:", "answer:>:institute:accepted:", "stage:recommended>confirmed:::"}
		if !slices.Equal(got, wantEv) {
			t.Errorf("timeline %q, want %q", got, wantEv)
		}
		for _, who := range []string{"qiye", "qiye2", "yuansuo"} {
			if ss := subjects(e.inbox(who), duijie.MsgStage); len(ss) != 1 || !strings.HasPrefix(ss[0], "双方已确认对接") {
				t.Errorf("%s told %q", who, ss)
			}
		}
		if ss := subjects(e.inbox("jingjiren"), duijie.MsgAnswer); len(ss) != 2 || !strings.HasPrefix(ss[0], "双方已确认对接") {
			t.Errorf("the broker told %q", ss)
		}
		// The institute now reads the 摘要公开 challenge in full; others do not.
		if a := summaryAccess("yuansuo"); a != duijie.AccessFull {
			t.Errorf("the institute reads the challenge with %v after both accepted", a)
		}
		if a := summaryAccess("gongyanyuan"); a != duijie.AccessSummary {
			t.Errorf("another institute reads it with %v", a)
		}
		if !e.audited(workflow.AuditInvite, "challenge:"+chSummary) {
			t.Error("the invitation that came with the confirmation is not audited")
		}
		if invs, err := e.wf.Invitations(ctx, broker, chSummary); err != nil || len(invs) != 1 || invs[0].OrgID != "inst-wxc" {
			t.Errorf("invitations %+v, %v", invs, err)
		}
	})
}

// TestAnswerOnlyWhenAsked: a proposal waits for the broker, the enterprise
// not yet told who proposed or what; once the broker recommends it both
// sides confirm, the proposing institute too.
func TestAnswerOnlyWhenAsked(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	i := &duijie.Interest{ChallengeID: chPublic, Approach: "微通道液冷板与分区流量控制。", Team: "皖西学院机电学院", Months: 10}
	must(t, e.portal.Propose(ctx, e.pactor("yuansuo"), i))
	id := sqlite.IntroOf(i.ID)
	n := e.intro(id)
	if n.Stage != duijie.StageQueued || n.Origin != duijie.OriginProposal || n.InterestID != i.ID || n.InstAnswer != "" ||
		n.EntAnswer != "" || n.BrokerID != "" {
		t.Fatalf("proposal's introduction: %+v", n)
	}
	if v := e.get("yuansuo", id); v.MayAnswer || v.Screening || v.Interest == nil || v.Interest.ID != i.ID {
		t.Errorf("the proposer at 待受理: may answer %v, screening %v, interest %+v", v.MayAnswer, v.Screening, v.Interest)
	}
	if v := e.get("qiye", id); v.MayAnswer || !v.Screening || v.Interest != nil || v.InstOrgName != "" || len(v.Events) != 0 {
		t.Errorf("the enterprise at 待受理 learns who proposed or what: %+v", v)
	}
	for _, who := range []string{"qiye", "yuansuo"} {
		wantCode(t, who+" answers at 待受理", e.wf.Answer(ctx, e.user(who), id, true, "", ""), duijie.ECONFLICT)
	}
	must(t, e.wf.Move(ctx, e.user("jingjiren"), id, duijie.StageRecommended, "", ""))
	if v := e.get("qiye", id); v.Screening || v.Interest == nil || v.InstOrgName == "" {
		t.Errorf("the enterprise once recommended: %+v", v)
	}
	must(t, e.wf.Answer(ctx, e.user("yuansuo"), id, true, "", ""))
	// The enterprise of a public challenge is not hidden.
	if v := e.get("yuansuo", id); v.EntHidden || v.EntOrgName == "" {
		t.Errorf("public challenge: hidden %v, %q", v.EntHidden, v.EntOrgName)
	}
	must(t, e.wf.Answer(ctx, e.user("qiye2"), id, true, "", ""))
	if n := e.intro(id); n.Stage != duijie.StageConfirmed {
		t.Errorf("after the enterprise accepted the proposal: %s", n.Stage)
	}
	// A public challenge needs no invitation.
	if invs, err := e.db.Invitations(ctx, chPublic); err != nil || len(invs) != 0 {
		t.Errorf("invitations to a public challenge: %+v, %v", invs, err)
	}
}

// TestDecline: a decline needs a reason (and a note for 其他), ends the
// introduction and keeps the reason on the timeline; contacts never pass.
func TestDecline(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	id := e.recommend("jingjiren", chOther2, capAIITLA) // 摘要公开 of ent-a03 ↔ 安徽工研院六安院
	must(t, e.wf.Answer(ctx, e.user("gaocheng"), id, true, "", ""))
	inst := e.user("gongyanyuan")
	wantField(t, "no reason", e.wf.Answer(ctx, inst, id, false, "", ""), "reason")
	wantField(t, "unknown reason", e.wf.Answer(ctx, inst, id, false, "rude", ""), "reason")
	wantField(t, "其他 without a note", e.wf.Answer(ctx, inst, id, false, duijie.ReasonOther, " "), "note")
	if n := e.intro(id); n.Stage != duijie.StageRecommended || n.InstAnswer != "" {
		t.Fatalf("an invalid decline counted: %+v", n)
	}
	e.clock.Add(time.Hour)
	must(t, e.wf.Answer(ctx, inst, id, false, duijie.ReasonMaturity, " 目前仅完成小试 "))
	n := e.intro(id)
	if n.Stage != duijie.StageEnded || n.InstAnswer != duijie.AnswerDeclined || n.Reason != duijie.ReasonMaturity ||
		n.ReasonNote != "目前仅完成小试" || !n.Due.IsZero() {
		t.Fatalf("declined: %+v", n)
	}
	wantCode(t, "the enterprise answers an ended one", e.wf.Answer(ctx, e.user("gaocheng"), id, false, duijie.ReasonBudget, ""), duijie.ECONFLICT)
	wantCode(t, "the institute answers twice", e.wf.Answer(ctx, inst, id, true, "", ""), duijie.ECONFLICT)
	for _, who := range []string{"gaocheng", "gongyanyuan", "jingjiren"} {
		v := e.get(who, id)
		if len(v.Contacts) != 0 {
			t.Errorf("%s sees contacts of a declined introduction: %v", who, v.Contacts)
		}
		got := kinds(v.Events)
		want := []string{"created:>recommended:::", "answer:>:enterprise:accepted:", "answer:>:institute:declined:maturity",
			"stage:recommended>ended:::maturity"}
		if !slices.Equal(got, want) {
			t.Errorf("%s's timeline %q, want %q", who, got, want)
		}
		if ev := v.Events[2]; ev.Note != "目前仅完成小试" {
			t.Errorf("the decline's note on the timeline: %q", ev.Note)
		}
	}
	if v := e.get("gongyanyuan", id); !v.EntHidden || v.EntOrgName != "" {
		t.Error("a decline revealed the enterprise of a summary challenge")
	}
	if ss := subjects(e.inbox("jingjiren"), duijie.MsgAnswer); len(ss) == 0 || !strings.HasPrefix(ss[0], "院所（成果方）婉拒了对接") {
		t.Errorf("the broker was told %q", ss)
	}
	if v, err := e.portal.Challenge(ctx, e.pactor("gongyanyuan"), chOther2); err != nil || v.Access != duijie.AccessSummary {
		t.Errorf("after a decline the institute reads the challenge: %v", err)
	}
	// The pair may be recommended again once the first one ended.
	e.recommend("jingjiren", chOther2, capAIITLA)
}

// TestDeadlines: a week to take a proposal up, a week to answer, 30 days
// of 洽谈 without a note; the overdue view and reminders follow the clock.
func TestDeadlines(t *testing.T) {
	e := newEnv(t)
	ctx, broker := e.ctx, e.user("jingjiren")
	overdue := func() []string {
		t.Helper()
		ns, total, err := e.wf.Queue(ctx, broker, workflow.ViewOverdue, 0, 100)
		must(t, err)
		if total != len(ns) {
			t.Errorf("overdue total %d, listed %d", total, len(ns))
		}
		var ids []string
		for _, n := range ns {
			ids = append(ids, n.ID)
			if !n.Overdue(e.clock.Now()) {
				t.Errorf("%s listed overdue but due %v at %v", n.ID, n.Due, e.clock.Now())
			}
		}
		return ids
	}
	remind := func(want int) {
		t.Helper()
		got, err := e.wf.Remind(ctx, 48*time.Hour)
		must(t, err)
		if got != want {
			t.Errorf("Remind stored %d messages, want %d", got, want)
		}
	}

	// 待受理: due a week after it was asked.
	i := &duijie.Interest{ChallengeID: chOther, Approach: "车架拓扑优化与焊接工艺改进。", Team: "皖西学院", Months: 6}
	must(t, e.portal.Propose(ctx, e.pactor("yuansuo"), i))
	queued := sqlite.IntroOf(i.ID)
	n := e.intro(queued)
	if d := n.Due.Sub(n.Created) - 7*24*time.Hour; d < -5*time.Second || d > 5*time.Second {
		t.Errorf("queued at %v due %v", n.Created, n.Due)
	}
	// 已推荐: due a week after the recommendation.
	rec := e.recommend("jingjiren", chPublic, capWXC)
	t0 := e.clock.Now()
	if n := e.intro(rec); !n.Due.Equal(t0.Add(7 * 24 * time.Hour)) {
		t.Errorf("recommended at %v due %v", t0, n.Due)
	}
	if ids := overdue(); len(ids) != 0 {
		t.Errorf("overdue at once: %v", ids)
	}
	// Nobody is in charge of the queued one; the broker and everyone of
	// both sides of the recommendation (qiye, qiye2, wrongrole; yuansuo)
	// are reminded a day before, once.
	e.clock.Add(6 * 24 * time.Hour)
	remind(5)
	remind(0)
	if ss := subjects(e.inbox("qiye"), duijie.MsgDeadline); len(ss) != 1 || !strings.HasPrefix(ss[0], "请答复对接") {
		t.Errorf("qiye reminded %q", ss)
	}
	if ss := subjects(e.inbox("jingjiren"), duijie.MsgDeadline); len(ss) != 1 || !strings.Contains(ss[0], "到期") {
		t.Errorf("the broker reminded %q", ss)
	}
	// (The queued one fell due a week after the wall clock at Propose,
	// which runs a little ahead of the test clock: a minute covers it.)
	e.clock.Add(24*time.Hour + time.Minute)
	if ids := overdue(); !slices.Equal(ids, []string{queued, rec}) && !slices.Equal(ids, []string{rec, queued}) {
		t.Errorf("overdue after a week: %v", ids)
	}
	if v := e.get("jingjiren", rec); !v.Overdue {
		t.Error("the view does not say overdue")
	}
	// Still the same step: no second reminder.
	remind(0)
	// The enterprise accepts; the institute still owes an answer.
	must(t, e.wf.Answer(ctx, e.user("qiye"), rec, true, "", ""))
	remind(0)
	// Both accept: 双方确认 falls due in 30 days; it leaves the overdue view.
	e.clock.Add(time.Hour)
	must(t, e.wf.Answer(ctx, e.user("yuansuo"), rec, true, "", ""))
	if n := e.intro(rec); !n.Due.Equal(e.clock.Now().Add(30 * 24 * time.Hour)) {
		t.Errorf("confirmed due %v", n.Due)
	}
	if ids := overdue(); !slices.Equal(ids, []string{queued}) {
		t.Errorf("overdue after the confirmation: %v", ids)
	}
	must(t, e.wf.Move(ctx, broker, rec, duijie.StageNegotiating, "", ""))
	start := e.clock.Now()
	if n := e.intro(rec); !n.Due.Equal(start.Add(30 * 24 * time.Hour)) {
		t.Errorf("negotiating due %v", n.Due)
	}
	// A note on day 29 resets the month.
	e.clock.Add(29 * 24 * time.Hour)
	remind(1) // the broker, once for this step
	remind(0)
	must(t, e.wf.Note(ctx, broker, rec, duijie.ChannelVisit, e.clock.Now(), "走访企业，确认技术指标"))
	if n := e.intro(rec); !n.Due.Equal(e.clock.Now().Add(30 * 24 * time.Hour)) {
		t.Errorf("after a note due %v", n.Due)
	}
	e.clock.Add(29 * 24 * time.Hour) // 58 days after the start
	if ids := overdue(); slices.Contains(ids, rec) {
		t.Error("overdue although a note came 29 days ago")
	}
	remind(1) // a new step: a new reminder
	e.clock.Add(2 * 24 * time.Hour)
	if ids := overdue(); !slices.Contains(ids, rec) {
		t.Error("not overdue 31 days after the last note")
	}
	// Notes in other stages do not move a deadline.
	must(t, e.wf.Note(ctx, broker, queued, duijie.ChannelPhone, e.clock.Now(), "电话联系企业"))
	if n2 := e.intro(queued); !n2.Due.Equal(n.Due) || n2.BrokerID != broker.User.ID {
		t.Errorf("a note at 待受理 moved the deadline to %v or left it unassigned (%q)", n2.Due, n2.BrokerID)
	}
	// A signed introduction is never overdue.
	c := &duijie.Contract{IntroID: rec, Type: duijie.ContractService, Title: "技术服务合同", Amount: 50_000, Signed: e.clock.Now()}
	must(t, e.wf.RecordContract(ctx, broker, c))
	if ids := overdue(); slices.Contains(ids, rec) {
		t.Error("a signed introduction is overdue")
	}
}

func TestNote(t *testing.T) {
	e := newEnv(t)
	ctx, broker := e.ctx, e.user("jingjiren")
	id := e.recommend("jingjiren", chPublic, capWXC)
	today := e.clock.Now()
	wantField(t, "no channel", e.wf.Note(ctx, broker, id, "", today, "x"), "channel")
	wantField(t, "no day", e.wf.Note(ctx, broker, id, duijie.ChannelPhone, time.Time{}, "x"), "on")
	wantField(t, "a day to come", e.wf.Note(ctx, broker, id, duijie.ChannelPhone, today.AddDate(0, 0, 3), "x"), "on")
	wantField(t, "no text", e.wf.Note(ctx, broker, id, duijie.ChannelPhone, today, "  "), "note")
	wantCode(t, "the enterprise", e.wf.Note(ctx, e.user("qiye"), id, duijie.ChannelPhone, today, "x"), duijie.EFORBIDDEN)
	wantCode(t, "unknown", e.wf.Note(ctx, broker, "in-nosuch", duijie.ChannelPhone, today, "x"), duijie.ENOTFOUND)
	day := duijie.ParseDate(today.AddDate(0, 0, -1).Format(duijie.DateLayout))
	must(t, e.wf.Note(ctx, broker, id, duijie.ChannelMeeting, day, " 三方会议 "))
	bv := e.get("jingjiren", id)
	last := bv.Events[len(bv.Events)-1]
	if last.Kind != duijie.EventNote || last.Channel != duijie.ChannelMeeting || !last.On.Equal(day) || last.Note != "三方会议" ||
		last.Actor != "张经纪人（六安市科技局）" {
		t.Errorf("note stored as %+v", last)
	}
	// The sides do not read the bureau's notes.
	for _, who := range []string{"qiye", "yuansuo"} {
		for _, ev := range e.get(who, id).Events {
			if ev.Kind == duijie.EventNote || ev.Kind == duijie.EventAssign {
				t.Errorf("%s reads %+v", who, ev)
			}
		}
	}
}

// TestAssignment: brokers take unassigned introductions, never someone
// else's; only the lead assigns; workloads count; county scopes filter
// the shared views.
func TestAssignment(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	b1, b2, lead := e.user("jingjiren"), e.user("jingjiren2"), e.user("kezhang")
	propose := func(who, ch string) string {
		t.Helper()
		i := &duijie.Interest{ChallengeID: ch, Approach: "联合攻关。", Team: "课题组", Months: 12}
		must(t, e.portal.Propose(ctx, e.pactor(who), i))
		return sqlite.IntroOf(i.ID)
	}
	nA := propose("yuansuo", chPublic)      // ent-a01, 六安经济技术开发区
	nB := propose("yuansuo", chOther)       // ent-a02, 裕安区
	nC := propose("gongyanyuan", chOther2)  // ent-a03, 金安区
	nD := propose("gongyanyuan", chSummary) // ent-a01
	queue := func(a workflow.Actor, view string) []string {
		t.Helper()
		ns, total, err := e.wf.Queue(ctx, a, view, 0, 100)
		must(t, err)
		if total != len(ns) {
			t.Errorf("%s: total %d, listed %d", view, total, len(ns))
		}
		var ids []string
		for _, n := range ns {
			ids = append(ids, n.ID)
		}
		slices.Sort(ids)
		return ids
	}
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	if got := queue(b1, workflow.ViewUnassigned); !slices.Equal(got, sorted(nA, nB, nC, nD)) {
		t.Errorf("unassigned %v", got)
	}

	// Take.
	must(t, e.wf.Take(ctx, b1, nA))
	must(t, e.wf.Take(ctx, b1, nA)) // taking one's own again is fine
	wantCode(t, "taking someone else's", e.wf.Take(ctx, b2, nA), duijie.ECONFLICT)
	wantCode(t, "an enterprise takes", e.wf.Take(ctx, e.user("qiye"), nB), duijie.EFORBIDDEN)
	wantCode(t, "unknown", e.wf.Take(ctx, b1, "in-nosuch"), duijie.ENOTFOUND)
	if n := e.intro(nA); n.BrokerID != b1.User.ID || n.BrokerName != "张经纪人（六安市科技局）" {
		t.Errorf("taken: %+v", n)
	}
	if !e.audited(workflow.AuditIntroAssign, "introduction:"+nA) {
		t.Error("taking not audited")
	}
	evs, err := e.db.Events(ctx, nA)
	must(t, err)
	if assigns := slices.DeleteFunc(evs, func(ev duijie.Event) bool { return ev.Kind != duijie.EventAssign }); len(assigns) != 1 {
		t.Errorf("%d assignment entries after taking twice", len(assigns))
	}

	// Assign: the lead only.
	wantCode(t, "a broker assigns", e.wf.Assign(ctx, b1, nB, b2.User.ID), duijie.EFORBIDDEN)
	wantCode(t, "an enterprise assigns", e.wf.Assign(ctx, e.user("qiye"), nB, b2.User.ID), duijie.EFORBIDDEN)
	must(t, e.db.SetBrokerScope(ctx, lead.User.ID, sqlite.BrokerScope{Lead: true}))
	wantField(t, "to an enterprise user", e.wf.Assign(ctx, lead, nB, e.user("qiye").User.ID), "broker")
	wantField(t, "to nobody", e.wf.Assign(ctx, lead, nB, ""), "broker")
	wantCode(t, "unknown introduction", e.wf.Assign(ctx, lead, "in-nosuch", b2.User.ID), duijie.ENOTFOUND)
	must(t, e.wf.Assign(ctx, lead, nC, b2.User.ID))
	must(t, e.wf.Assign(ctx, lead, nA, b2.User.ID)) // the lead may reassign
	if n := e.intro(nA); n.BrokerID != b2.User.ID {
		t.Errorf("reassigned to %q", n.BrokerID)
	}
	if ss := subjects(e.inbox("jingjiren2"), duijie.MsgIntroduction); len(ss) != 2 || !strings.HasPrefix(ss[0], "分派给您的对接") {
		t.Errorf("the assigned broker was told %q", ss)
	}
	// Assigned here: the sides do not see it on their timeline.
	for _, ev := range e.get("gaocheng", nC).Events {
		if ev.Kind == duijie.EventAssign {
			t.Errorf("the enterprise reads the assignment %+v", ev)
		}
	}
	must(t, e.wf.Take(ctx, b1, nD))
	must(t, e.wf.Move(ctx, b1, nD, duijie.StageEnded, duijie.ReasonSolved, ""))
	wantCode(t, "assigning an ended one", e.wf.Assign(ctx, lead, nD, b2.User.ID), duijie.ECONFLICT)

	// Views and workloads.
	if got := queue(b1, workflow.ViewMine); len(got) != 0 {
		t.Errorf("b1's open ones: %v", got) // nA went to b2, nD ended
	}
	if got := queue(b2, workflow.ViewMine); !slices.Equal(got, sorted(nA, nC)) {
		t.Errorf("b2's: %v", got)
	}
	if got := queue(b1, ""); len(got) != 0 {
		t.Errorf("the default view: %v", got)
	}
	if got := queue(b1, workflow.ViewUnassigned); !slices.Equal(got, []string{nB}) {
		t.Errorf("unassigned: %v", got)
	}
	if got := queue(b1, workflow.ViewOpen); !slices.Equal(got, sorted(nA, nB, nC)) {
		t.Errorf("open: %v", got)
	}
	if got := queue(b1, workflow.ViewClosed); !slices.Equal(got, []string{nD}) {
		t.Errorf("closed: %v", got)
	}
	workload := func() map[string][2]int {
		t.Helper()
		ws, err := e.wf.Workload(ctx, b1)
		must(t, err)
		out := map[string][2]int{}
		for _, w := range ws {
			out[w.BrokerID] = [2]int{w.Open, w.Overdue}
		}
		return out
	}
	want := map[string][2]int{b1.User.ID: {0, 0}, b2.User.ID: {2, 0}, lead.User.ID: {0, 0}, "": {1, 0}}
	if got := workload(); !mapsEqual(got, want) {
		t.Errorf("workload %v, want %v", got, want)
	}
	e.clock.Add(8 * 24 * time.Hour)
	must(t, e.wf.Move(ctx, b2, nC, duijie.StageRecommended, "", "")) // due again in a week
	want = map[string][2]int{b1.User.ID: {0, 0}, b2.User.ID: {2, 1}, lead.User.ID: {0, 0}, "": {1, 1}}
	if got := workload(); !mapsEqual(got, want) {
		t.Errorf("workload a week later %v, want %v", got, want)
	}
	_, err = e.wf.Workload(ctx, e.user("qiye"))
	wantCode(t, "an enterprise's workload", err, duijie.EFORBIDDEN)

	// A broker scoped to 裕安区 sees that county in the shared views, and
	// whatever is assigned to it under 我的.
	must(t, e.db.SetBrokerScope(ctx, b2.User.ID, sqlite.BrokerScope{Counties: []string{"la-yuan"}}))
	if got := queue(b2, workflow.ViewOpen); !slices.Equal(got, []string{nB}) {
		t.Errorf("裕安区 open: %v", got)
	}
	if got := queue(b2, workflow.ViewUnassigned); !slices.Equal(got, []string{nB}) {
		t.Errorf("裕安区 unassigned: %v", got)
	}
	if got := queue(b2, workflow.ViewOverdue); !slices.Equal(got, []string{nB}) {
		t.Errorf("裕安区 overdue: %v", got)
	}
	if got := queue(b2, workflow.ViewClosed); len(got) != 0 {
		t.Errorf("裕安区 closed: %v", got)
	}
	if got := queue(b2, workflow.ViewMine); !slices.Equal(got, sorted(nA, nC)) {
		t.Errorf("b2's own outside its counties: %v", got)
	}
	must(t, e.db.SetBrokerScope(ctx, b2.User.ID, sqlite.BrokerScope{Counties: []string{"la-jinan", "la-etdz"}}))
	if got := queue(b2, workflow.ViewOpen); !slices.Equal(got, sorted(nA, nC)) {
		t.Errorf("金安区 + 开发区 open: %v", got)
	}
	if got := queue(b2, workflow.ViewClosed); !slices.Equal(got, []string{nD}) {
		t.Errorf("金安区 + 开发区 closed: %v", got)
	}
	// An unscoped broker still sees everything.
	if got := queue(b1, workflow.ViewOpen); !slices.Equal(got, sorted(nA, nB, nC)) {
		t.Errorf("unscoped open: %v", got)
	}
	_, _, err = e.wf.Queue(ctx, b1, "everything", 0, 10)
	wantCode(t, "unknown view", err, duijie.EINVALID)
	for _, who := range []string{"qiye", "yuansuo", "xitong"} {
		_, _, err := e.wf.Queue(ctx, e.user(who), workflow.ViewOpen, 0, 10)
		wantCode(t, who+"'s queue", err, duijie.EFORBIDDEN)
	}
}

func mapsEqual(a, b map[string][2]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestRecommend: a broker's 派单 checks its targets and writes all or
// nothing.
func TestRecommend(t *testing.T) {
	e := newEnv(t)
	ctx, broker := e.ctx, e.user("jingjiren")
	count := func() int {
		t.Helper()
		_, total, err := e.wf.Queue(ctx, broker, workflow.ViewOpen, 0, 1)
		must(t, err)
		return total
	}
	// From a capability to two challenges, a target given twice.
	ids, err := e.wf.Recommend(ctx, broker, "capability", capAIITLA, []string{chPublic, chOther, chPublic}, "")
	must(t, err)
	if len(ids) != 2 || count() != 2 {
		t.Fatalf("recommended %v, %d open", ids, count())
	}
	for _, id := range ids {
		if n := e.intro(id); n.CapabilityID != capAIITLA || n.InstOrgID != "inst-aiitla" || n.BrokerID != broker.User.ID {
			t.Errorf("stored %+v", n)
		}
	}
	for _, tc := range []struct {
		name    string
		a       workflow.Actor
		typ, id string
		targets []string
		message string
		code    string
	}{
		{"an enterprise", e.user("qiye"), "challenge", chPublic, []string{capWXC}, "", duijie.EFORBIDDEN},
		{"an institute", e.user("yuansuo"), "capability", capWXC, []string{chPublic}, "", duijie.EFORBIDDEN},
		{"no targets", broker, "challenge", chPublic, nil, "", duijie.EINVALID},
		{"21 targets", broker, "challenge", chPublic, make([]string, 21), "", duijie.EINVALID},
		{"message too long", broker, "challenge", chPublic, []string{capWXC}, strings.Repeat("长", duijie.MaxMessage+1), duijie.EINVALID},
		{"unknown type", broker, "expert", chPublic, []string{capWXC}, "", duijie.ENOTFOUND},
		{"unknown challenge", broker, "challenge", "ch-nosuch", []string{capWXC}, "", duijie.ENOTFOUND},
		{"unknown capability", broker, "challenge", chPublic, []string{capWXC, "cap-nosuch"}, "", duijie.ENOTFOUND},
		{"a pair already open, with a new one", broker, "challenge", chOther, []string{capWXC, capAIITLA}, "", duijie.ECONFLICT},
	} {
		_, err := e.wf.Recommend(ctx, tc.a, tc.typ, tc.id, tc.targets, tc.message)
		wantCode(t, tc.name, err, tc.code)
	}
	if count() != 2 {
		t.Errorf("refused recommendations wrote: %d open", count())
	}
	// Closed postings are not recommended.
	c, err := e.db.Challenge(ctx, chOther2)
	must(t, err)
	c.Status = duijie.StatusClosed
	must(t, e.db.PutChallenge(ctx, c))
	_, err = e.wf.Recommend(ctx, broker, "challenge", chOther2, []string{capWXC}, "")
	wantCode(t, "a closed challenge", err, duijie.ECONFLICT)
	// A bureau-only challenge may be recommended by the bureau.
	ids, err = e.wf.Recommend(ctx, broker, "challenge", chBureau, []string{capWXC}, "")
	must(t, err)
	if n := e.intro(ids[0]); n.EntOrgID != "ent-a16" {
		t.Errorf("bureau-only challenge recommended as %+v", n)
	}
}

// TestConcurrentTake: many brokers take one introduction at once; exactly
// one succeeds, the others are told it changed, one assignment is kept.
func TestConcurrentTake(t *testing.T) {
	e := newEnv(t)
	i := &duijie.Interest{ChallengeID: chPublic, Approach: "联合攻关。", Team: "课题组", Months: 12}
	must(t, e.portal.Propose(e.ctx, e.pactor("yuansuo"), i))
	id := sqlite.IntroOf(i.ID)
	e.clock.Add(time.Minute)
	brokers := []workflow.Actor{e.user("jingjiren"), e.user("jingjiren2"), e.user("kezhang")}
	const n = 12
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = e.wf.Take(e.ctx, brokers[k%len(brokers)], id)
		}()
	}
	wg.Wait()
	winner := e.intro(id).BrokerID
	ok := 0
	for k, err := range errs {
		switch {
		case err == nil:
			ok++
			if brokers[k%len(brokers)].User.ID != winner {
				t.Errorf("take %d by %s succeeded, but %s is in charge", k, brokers[k%len(brokers)].User.Username, winner)
			}
		case duijie.ErrorCode(err) != duijie.ECONFLICT:
			t.Errorf("take %d: %v", k, err)
		}
	}
	if ok == 0 || winner == "" {
		t.Fatalf("nobody took it: %v", errs)
	}
	evs, err := e.db.Events(e.ctx, id)
	must(t, err)
	if assigns := slices.DeleteFunc(evs, func(ev duijie.Event) bool { return ev.Kind != duijie.EventAssign }); len(assigns) != 1 {
		t.Errorf("%d assignment entries after concurrent takes", len(assigns))
	}
}

// TestConcurrentAnswers: two people of one side answer at once, one
// accepting, one declining; exactly one answer counts, and an introduction
// never ends up confirmed with a decline on it.
func TestConcurrentAnswers(t *testing.T) {
	e := newEnv(t)
	st := e.stager()
	for round := range 10 {
		id := st.at(duijie.StageRecommended)
		must(t, e.wf.Answer(e.ctx, e.user("yuansuo"), id, true, "", ""))
		e.clock.Add(time.Minute)
		var wg sync.WaitGroup
		var errAccept, errDecline error
		wg.Add(2)
		go func() {
			defer wg.Done()
			errDecline = e.wf.Answer(e.ctx, e.user("qiye"), id, false, duijie.ReasonBudget, "")
		}()
		go func() {
			defer wg.Done()
			errAccept = e.wf.Answer(e.ctx, e.user("qiye2"), id, true, "", "")
		}()
		wg.Wait()
		n := e.intro(id)
		switch {
		case errAccept == nil && errDecline == nil:
			t.Errorf("round %d: both answers counted, ended at %s (%s)", round, n.Stage, n.EntAnswer)
		case errAccept == nil:
			wantCode(t, "the decline", errDecline, duijie.ECONFLICT)
			if n.Stage != duijie.StageConfirmed || n.EntAnswer != duijie.AnswerAccepted {
				t.Errorf("round %d: accepted, stored %s %s", round, n.Stage, n.EntAnswer)
			}
		case errDecline == nil:
			wantCode(t, "the accept", errAccept, duijie.ECONFLICT)
			if n.Stage != duijie.StageEnded || n.EntAnswer != duijie.AnswerDeclined {
				t.Errorf("round %d: declined, stored %s %s", round, n.Stage, n.EntAnswer)
			}
		default:
			t.Errorf("round %d: neither answer counted: %v / %v", round, errAccept, errDecline)
		}
	}
}
