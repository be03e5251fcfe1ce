package workflow_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/portal"
	"duijie/internal/sqlite"
	"duijie/internal/workflow"
)

func TestInbox(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	unread := func(who string) int {
		t.Helper()
		n, err := e.wf.Unread(ctx, e.user(who))
		must(t, err)
		return n
	}
	id := e.recommend("jingjiren", chPublic, capWXC)
	for who, want := range map[string]int{"qiye": 1, "qiye2": 1, "yuansuo": 1, "gongyanyuan": 0, "jingjiren": 0, "xitong": 0} {
		if got := unread(who); got != want {
			t.Errorf("%s: %d unread, want %d", who, got, want)
		}
	}
	must(t, e.wf.Answer(ctx, e.user("qiye"), id, true, "", ""))
	if got := unread("jingjiren"); got != 1 {
		t.Errorf("the broker: %d unread after an answer", got)
	}
	must(t, e.wf.Answer(ctx, e.user("yuansuo"), id, true, "", ""))
	must(t, e.wf.Move(ctx, e.user("jingjiren"), id, duijie.StageNegotiating, "", "请双方准备技术方案"))
	ms := e.inbox("qiye")
	want := []duijie.MessageKind{duijie.MsgStage, duijie.MsgStage, duijie.MsgIntroduction} // newest first
	var got []duijie.MessageKind
	for _, m := range ms {
		got = append(got, m.Kind)
		if m.Link != "/introductions/"+id || m.Created.IsZero() || !m.Read.IsZero() || m.UserID != e.user("qiye").User.ID {
			t.Errorf("message %+v", m)
		}
	}
	if !slices.Equal(got, want) || !strings.Contains(ms[0].Subject, "进入洽谈中") || ms[0].Body != "请双方准备技术方案" {
		t.Errorf("qiye's inbox %v %q, want %v", got, subjects(ms, ""), want)
	}
	if got := unread("qiye"); got != 3 {
		t.Errorf("qiye: %d unread", got)
	}

	// Open marks one read and answers its link; another's message is not found.
	link, err := e.wf.Open(ctx, e.user("qiye"), ms[1].ID)
	must(t, err)
	if link != "/introductions/"+id || unread("qiye") != 2 {
		t.Errorf("opened: %q, %d unread", link, unread("qiye"))
	}
	if ms := e.inbox("qiye"); ms[1].Read.IsZero() || !ms[0].Read.IsZero() {
		t.Error("Open marked the wrong message")
	}
	must(t, ignore(e.wf.Open(ctx, e.user("qiye"), ms[1].ID))) // opening again is fine
	for _, tc := range []struct {
		name string
		a    workflow.Actor
		id   int64
	}{
		{"a colleague", e.user("qiye2"), ms[0].ID},
		{"the other side", e.user("yuansuo"), ms[0].ID},
		{"a broker", e.user("jingjiren"), ms[0].ID},
		{"anonymous", workflow.Actor{}, ms[0].ID},
		{"id 0", e.user("qiye"), 0},
		{"negative", e.user("qiye"), -1},
		{"unknown", e.user("qiye"), 1 << 40},
	} {
		_, err := e.wf.Open(ctx, tc.a, tc.id)
		wantCode(t, tc.name, err, duijie.ENOTFOUND)
	}
	if got := unread("qiye"); got != 2 {
		t.Errorf("others' opens changed qiye's unread: %d", got)
	}
	// ReadAll reads only the caller's.
	must(t, e.wf.ReadAll(ctx, e.user("qiye")))
	if unread("qiye") != 0 || unread("qiye2") != 3 {
		t.Errorf("after ReadAll: qiye %d, qiye2 %d unread", unread("qiye"), unread("qiye2"))
	}
	// Paging.
	page, total, err := e.wf.Inbox(ctx, e.user("qiye2"), 1, 1)
	must(t, err)
	if total != 3 || len(page) != 1 || page[0].ID != e.inbox("qiye2")[1].ID {
		t.Errorf("page 2 of 1: %d %+v", total, page)
	}
	// Anonymous.
	_, _, err = e.wf.Inbox(ctx, workflow.Actor{}, 0, 10)
	wantCode(t, "anonymous inbox", err, duijie.EFORBIDDEN)
	wantCode(t, "anonymous ReadAll", e.wf.ReadAll(ctx, workflow.Actor{}), duijie.EFORBIDDEN)
	if n, err := e.wf.Unread(ctx, workflow.Actor{}); n != 0 || err != nil {
		t.Errorf("anonymous unread %d, %v", n, err)
	}
	// A link that leaves the portal is not followed.
	must(t, e.wf.Notify(ctx, "inst-aiitla", duijie.Message{Kind: duijie.MsgStage, Subject: "x", Link: "//evil.example/"}))
	ms = e.inbox("gongyanyuan")
	if link, err := e.wf.Open(ctx, e.user("gongyanyuan"), ms[0].ID); err != nil || link != "/inbox" {
		t.Errorf("an outside link opened as %q, %v", link, err)
	}
}

func ignore(_ string, err error) error { return err }

// TestReviewMessages: the result of a registration's review reaches the
// organisation's user through the portal's own workflow.
func TestReviewMessages(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	register := func(name, username string) *duijie.User {
		t.Helper()
		u, err := e.portal.Register(ctx, portal.Actor{}, portal.Registration{OrgName: name, OrgKind: duijie.OrgInstitute,
			Region: "la-yuan", Username: username, Password: "Passw0rd-2026", Confirm: "Passw0rd-2026", Phone: "13812345678"})
		must(t, err)
		return u
	}
	yes, no := register("大别山测试技术研究所", "dbscs"), register("皖西某某研究所", "mmyjs")
	broker := e.pactor("jingjiren")
	wantCode(t, "an institute reviews", e.portal.ReviewOrg(ctx, e.pactor("yuansuo"), yes.OrgID, true), duijie.EFORBIDDEN)
	must(t, e.portal.ReviewOrg(ctx, broker, yes.OrgID, true))
	must(t, e.portal.ReviewOrg(ctx, broker, no.OrgID, false))
	for _, tc := range []struct {
		u    *duijie.User
		want string
	}{{yes, "贵单位的注册已通过科技局审核"}, {no, "贵单位的注册未通过科技局审核"}} {
		ms, _, err := e.wf.Inbox(ctx, workflow.Actor{User: tc.u}, 0, 10)
		must(t, err)
		if len(ms) != 1 || ms[0].Kind != duijie.MsgReview || ms[0].Subject != tc.want {
			t.Errorf("%s's inbox: %+v", tc.u.Username, ms)
		}
	}
	if n, _ := e.wf.Unread(ctx, e.user("jingjiren")); n != 0 {
		t.Errorf("the broker got %d messages from reviewing", n)
	}
}

// TestInvitations: only a 摘要公开 challenge, by a broker or its owner,
// audited, withdrawable; the invited institute reads it in full until the
// invitation is withdrawn.
func TestInvitations(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	access := func(who, ch string) duijie.Access {
		t.Helper()
		v, err := e.portal.Challenge(ctx, e.pactor(who), ch)
		must(t, err)
		if v.Access == duijie.AccessSummary && (v.Problem != "" || v.OrgName != "") {
			t.Errorf("%s reads the summary of %s with its body or enterprise", who, ch)
		}
		return v.Access
	}
	if a := access("gongyanyuan", chSummary); a != duijie.AccessSummary {
		t.Fatalf("before any invitation: %v", a)
	}
	for _, tc := range []struct {
		name, who, ch, org, code string
	}{
		{"a public challenge", "jingjiren", chPublic, "inst-aiitla", duijie.ECONFLICT},
		{"a bureau-only challenge, by the bureau", "jingjiren", chBureau, "inst-aiitla", duijie.ECONFLICT},
		{"a bureau-only challenge, by another enterprise", "qiye", chBureau, "inst-aiitla", duijie.ENOTFOUND},
		{"another enterprise's challenge", "junchi", chSummary, "inst-aiitla", duijie.ENOTFOUND},
		{"an institute invites", "yuansuo", chSummary, "inst-aiitla", duijie.ENOTFOUND},
		{"the wrong role inside the owner", "wrongrole", chSummary, "inst-aiitla", duijie.ENOTFOUND},
		{"an administrator", "xitong", chSummary, "inst-aiitla", duijie.ENOTFOUND},
		{"an unknown challenge", "jingjiren", "ch-nosuch", "inst-aiitla", duijie.ENOTFOUND},
		{"an enterprise invited", "jingjiren", chSummary, "ent-a02", duijie.EINVALID},
		{"the bureau invited", "jingjiren", chSummary, "bureau-la", duijie.EINVALID},
		{"an unknown organisation", "jingjiren", chSummary, "org-nosuch", duijie.EINVALID},
	} {
		wantCode(t, tc.name, e.wf.Invite(ctx, e.user(tc.who), tc.ch, tc.org), tc.code)
	}
	wantCode(t, "anonymous", e.wf.Invite(ctx, workflow.Actor{}, chSummary, "inst-aiitla"), duijie.ENOTFOUND)
	if invs, err := e.wf.Invitations(ctx, e.user("jingjiren"), chSummary); err != nil || len(invs) != 0 {
		t.Fatalf("refused invitations stored: %+v, %v", invs, err)
	}

	// The owner invites; the institute is told and reads in full.
	must(t, e.wf.Invite(ctx, e.user("qiye"), chSummary, "inst-aiitla"))
	if !e.audited(workflow.AuditInvite, "challenge:"+chSummary) {
		t.Error("the invitation is not audited")
	}
	if ss := subjects(e.inbox("gongyanyuan"), duijie.MsgInvitation); len(ss) != 1 || !strings.HasPrefix(ss[0], "邀请查看技术需求详情") {
		t.Errorf("the institute told %q", ss)
	}
	if ms := e.inbox("gongyanyuan"); ms[0].Link != "/challenges/"+chSummary {
		t.Errorf("invitation links to %q", ms[0].Link)
	}
	if a := access("gongyanyuan", chSummary); a != duijie.AccessFull {
		t.Errorf("invited: %v", a)
	}
	if a := access("yuansuo", chSummary); a != duijie.AccessSummary {
		t.Errorf("another institute: %v", a)
	}
	// Inviting again stores nothing new and sends nothing.
	must(t, e.wf.Invite(ctx, e.user("jingjiren"), chSummary, "inst-aiitla"))
	if ss := subjects(e.inbox("gongyanyuan"), duijie.MsgInvitation); len(ss) != 1 {
		t.Errorf("invited twice: %q", ss)
	}
	for _, who := range []string{"jingjiren", "qiye", "qiye2"} {
		invs, err := e.wf.Invitations(ctx, e.user(who), chSummary)
		must(t, err)
		if len(invs) != 1 || invs[0].OrgID != "inst-aiitla" || invs[0].OrgName != "安徽省工业技术创新研究院六安院" || invs[0].InvitedBy != "王经理（淠源新能源）" ||
			invs[0].Created.IsZero() {
			t.Errorf("%s lists %+v", who, invs)
		}
	}
	for _, who := range []string{"junchi", "gongyanyuan", "yuansuo"} {
		_, err := e.wf.Invitations(ctx, e.user(who), chSummary)
		wantCode(t, who+" lists invitations", err, duijie.ENOTFOUND)
	}

	// Withdrawn: the summary again.
	wantCode(t, "another enterprise withdraws", e.wf.Uninvite(ctx, e.user("junchi"), chSummary, "inst-aiitla"), duijie.ENOTFOUND)
	wantCode(t, "the institute withdraws", e.wf.Uninvite(ctx, e.user("gongyanyuan"), chSummary, "inst-aiitla"), duijie.ENOTFOUND)
	must(t, e.wf.Uninvite(ctx, e.user("jingjiren"), chSummary, "inst-aiitla"))
	if !e.audited(workflow.AuditUninvite, "challenge:"+chSummary) {
		t.Error("the withdrawal is not audited")
	}
	if a := access("gongyanyuan", chSummary); a != duijie.AccessSummary {
		t.Errorf("after the withdrawal: %v", a)
	}
	wantCode(t, "withdrawn twice", e.wf.Uninvite(ctx, e.user("qiye"), chSummary, "inst-aiitla"), duijie.ENOTFOUND)
	// The owner withdraws a broker's invitation too.
	must(t, e.wf.Invite(ctx, e.user("jingjiren"), chSummary, "inst-wxc"))
	if a := access("yuansuo", chSummary); a != duijie.AccessFull {
		t.Errorf("invited by the broker: %v", a)
	}
	must(t, e.wf.Uninvite(ctx, e.user("qiye2"), chSummary, "inst-wxc"))
	if a := access("yuansuo", chSummary); a != duijie.AccessSummary {
		t.Errorf("withdrawn by the owner: %v", a)
	}
}

// TestRemindLeadsOfUnassigned: a proposal nobody took up reminds the
// bureau's leads, once, when it falls due.
func TestRemindLeadsOfUnassigned(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	lead := e.user("jingjiren")
	must(t, e.db.SetBrokerScope(ctx, lead.User.ID, sqlite.BrokerScope{Lead: true}))
	i := &duijie.Interest{ChallengeID: chPublic, Approach: "分区流量控制。", Team: "皖西学院", Months: 6}
	must(t, e.portal.Propose(ctx, e.pactor("yuansuo"), i))
	if n, err := e.wf.Remind(ctx, 48*time.Hour); err != nil || n != 0 {
		t.Fatalf("a week before it is due: %d reminders, %v", n, err)
	}
	e.clock.Add(6 * 24 * time.Hour)
	if n, err := e.wf.Remind(ctx, 48*time.Hour); err != nil || n != 1 {
		t.Fatalf("a day before it is due: %d reminders, %v; want one, to the lead", n, err)
	}
	if ss := subjects(e.inbox("jingjiren"), duijie.MsgDeadline); len(ss) != 1 || !strings.HasPrefix(ss[0], "（未分派）") {
		t.Errorf("the lead's reminders: %q", ss)
	}
	if n, err := e.wf.Remind(ctx, 48*time.Hour); err != nil || n != 0 {
		t.Errorf("reminded again: %d, %v", n, err)
	}
}
