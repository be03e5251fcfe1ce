package envoys

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// The clock stands at 2026-04-10 08:00 China time.
var testNow = time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		if de, ok := err.(*duijie.Error); ok {
			t.Fatalf("%v %v", err, de.Fields)
		}
		t.Fatal(err)
	}
}

// wantCode fails unless err has the code (and, for EINVALID, a message on
// field containing text).
func wantCode(t *testing.T, err error, code, field, text string) {
	t.Helper()
	if duijie.ErrorCode(err) != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	if field != "" {
		de := err.(*duijie.Error)
		if !strings.Contains(de.Fields[field], text) {
			t.Fatalf("field %s: %q, want %q (fields %v)", field, de.Fields[field], text, de.Fields)
		}
	}
}

type env struct {
	svc    *Service
	db     *sqlite.DB
	broker Actor
	envoy  Actor // 特派员甲, serves e1 and 石门村
	envoy2 Actor // 特派员乙, serves e2
	ent1   Actor // a member of e1
	ent2   Actor // a member of e2
	synced int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "duijie.db"))
	must(t, err)
	t.Cleanup(func() { db.Close() })
	for _, o := range []duijie.Organization{
		{ID: "e1", Name: "六安甲茶业有限公司", Kind: duijie.OrgEnterprise, Region: "la-huoshan"},
		{ID: "e2", Name: "金寨乙农业有限公司", Kind: duijie.OrgEnterprise, Region: "la-jinzhai"},
		{ID: "i1", Name: "皖西学院（测试）", Kind: duijie.OrgInstitute, Region: "la-yuan"},
	} {
		if o.Kind == duijie.OrgEnterprise {
			o.CreditCode = creditCode("9134150" + o.ID[1:] + "MA2N0P1QX")
		}
		must(t, db.PutOrganization(ctx, &o))
	}
	us := []duijie.User{
		{ID: "b1", Username: "zhang", DisplayName: "张经纪", Role: duijie.RoleBroker},
		{ID: "v1", Username: "tepai1", DisplayName: "特派员甲", Role: duijie.RoleEnvoy},
		{ID: "v2", Username: "tepai2", DisplayName: "特派员乙", Role: duijie.RoleEnvoy},
		{ID: "ue1", OrgID: "e1", Username: "jia", Role: duijie.RoleEnterprise},
		{ID: "ue2", OrgID: "e2", Username: "yiqiye", Role: duijie.RoleEnterprise},
	}
	for i := range us {
		must(t, db.CreateUser(ctx, &us[i], "hash"))
	}
	e := &env{db: db, broker: Actor{User: &us[0]}, envoy: Actor{User: &us[1]}, envoy2: Actor{User: &us[2]},
		ent1: Actor{User: &us[3]}, ent2: Actor{User: &us[4]}}
	e.svc = New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return testNow },
		func(context.Context) { e.synced++ })
	return e
}

// creditCode completes a 17-character prefix with its check character.
func creditCode(prefix string) string {
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if code := prefix + string(c); duijie.ValidCreditCode(code) {
			return code
		}
	}
	panic("no check character for " + prefix)
}

func day(s string) time.Time { return duijie.ParseDate(s) }

// assign is a broker's assignment, returned with its id.
func (e *env) assign(t *testing.T, envoy Actor, org, village string, region duijie.Region, since string) *duijie.Assignment {
	t.Helper()
	as := &duijie.Assignment{EnvoyID: envoy.User.ID, OrgID: org, Village: village, Region: region, Since: day(since)}
	must(t, e.svc.Assign(context.Background(), e.broker, as))
	return as
}

func (e *env) visit(t *testing.T, a Actor, assignment, on string) *duijie.Visit {
	t.Helper()
	v := &duijie.Visit{AssignmentID: assignment, On: day(on), Topic: "茶园病虫害绿色防控", Findings: "夏秋茶季茶小绿叶蝉危害重，农药残留超标风险大。",
		FollowUp: "联系皖西学院植保团队"}
	must(t, e.svc.LogVisit(context.Background(), a, v))
	return v
}

func TestEnvoyAssignments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as := e.assign(t, e.envoy, "e1", "", "", "2026-01-01")
	e.assign(t, e.envoy, "", "石门村", "la-huoshan", "2026-02-01")
	e.assign(t, e.envoy2, "e2", "", "", "2026-01-01")

	// Only brokers assign.
	err := e.svc.Assign(ctx, e.envoy, &duijie.Assignment{EnvoyID: "v1", OrgID: "e2"})
	wantCode(t, err, duijie.EFORBIDDEN, "", "")
	// Bad input, in Chinese.
	wantCode(t, e.svc.Assign(ctx, e.broker, &duijie.Assignment{EnvoyID: "v1"}), duijie.EINVALID, "place", "请选择企业")
	wantCode(t, e.svc.Assign(ctx, e.broker, &duijie.Assignment{EnvoyID: "v1", Village: "石门村", Region: "hefei"}),
		duijie.EINVALID, "region", "六安县区")
	wantCode(t, e.svc.Assign(ctx, e.broker, &duijie.Assignment{EnvoyID: "b1", OrgID: "e2"}), duijie.EINVALID, "envoy", "科技特派员")
	wantCode(t, e.svc.Assign(ctx, e.broker, &duijie.Assignment{EnvoyID: "v1", OrgID: "i1"}), duijie.EINVALID, "place", "企业")
	// Twice to the same place while the first stands.
	wantCode(t, e.svc.Assign(ctx, e.broker, &duijie.Assignment{EnvoyID: "v1", OrgID: "e1"}), duijie.ECONFLICT, "", "")

	// An envoy sees only their own assignments, whatever they ask for.
	mine, err := e.svc.Assignments(ctx, e.envoy, AssignmentFilter{EnvoyID: "v2"})
	must(t, err)
	if len(mine) != 2 || mine[0].EnvoyID != "v1" || mine[1].EnvoyID != "v1" {
		t.Errorf("envoy's assignments: %+v", mine)
	}
	all, err := e.svc.Assignments(ctx, e.broker, AssignmentFilter{})
	must(t, err)
	if len(all) != 3 {
		t.Errorf("broker sees %d assignments, want 3", len(all))
	}
	byCounty, err := e.svc.Assignments(ctx, e.broker, AssignmentFilter{Counties: []string{"la-huoshan"}})
	must(t, err)
	if len(byCounty) != 2 {
		t.Errorf("霍山县 has %d assignments, want 2 (e1 and 石门村)", len(byCounty))
	}
	if _, err := e.svc.Assignments(ctx, e.ent1, AssignmentFilter{}); duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("an enterprise member lists assignments: %v", err)
	}

	// Ending one: once, by a broker; then it can be made again.
	wantCode(t, e.svc.EndAssignment(ctx, e.envoy, as.ID), duijie.EFORBIDDEN, "", "")
	must(t, e.svc.EndAssignment(ctx, e.broker, as.ID))
	wantCode(t, e.svc.EndAssignment(ctx, e.broker, as.ID), duijie.ECONFLICT, "", "")
	wantCode(t, e.svc.EndAssignment(ctx, e.broker, "nope"), duijie.ENOTFOUND, "", "")
	got, err := e.db.Assignment(ctx, as.ID)
	must(t, err)
	if !got.Until.Equal(day("2026-04-10")) {
		t.Errorf("ended on %v, want 2026-04-10", got.Until)
	}
	e.assign(t, e.envoy, "e1", "", "", "2026-04-10")
}

func TestVisitLogValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as := e.assign(t, e.envoy, "e1", "", "", "2026-01-01")
	other := e.assign(t, e.envoy2, "e2", "", "", "2026-01-01")

	cases := []struct {
		name        string
		who         Actor
		v           duijie.Visit
		code, field string
		text        string
	}{
		{"a broker", e.broker, duijie.Visit{AssignmentID: as.ID, On: day("2026-04-01"), Topic: "x", Findings: "y"}, duijie.EFORBIDDEN, "", ""},
		{"in the future", e.envoy, duijie.Visit{AssignmentID: as.ID, On: day("2026-04-11"), Topic: "x", Findings: "y"}, duijie.EINVALID, "on", "不能晚于今天（2026-04-10）"},
		{"absurdly old", e.envoy, duijie.Visit{AssignmentID: as.ID, On: day("2025-01-01"), Topic: "x", Findings: "y"}, duijie.EINVALID, "on", "不能早于"},
		{"no day", e.envoy, duijie.Visit{AssignmentID: as.ID, Topic: "x", Findings: "y"}, duijie.EINVALID, "on", "请按 年-月-日"},
		{"no topic", e.envoy, duijie.Visit{AssignmentID: as.ID, On: day("2026-04-01"), Findings: "y"}, duijie.EINVALID, "topic", "请填写走访主题"},
		{"no findings", e.envoy, duijie.Visit{AssignmentID: as.ID, On: day("2026-04-01"), Topic: "x", Findings: "  "}, duijie.EINVALID, "findings", "请填写发现的问题与需求"},
		{"topic too long", e.envoy, duijie.Visit{AssignmentID: as.ID, On: day("2026-04-01"), Topic: strings.Repeat("长", 61), Findings: "y"}, duijie.EINVALID, "topic", "不能超过 60 个字"},
		{"another envoy's enterprise", e.envoy, duijie.Visit{AssignmentID: other.ID, On: day("2026-04-01"), Topic: "x", Findings: "y"}, duijie.EINVALID, "assignment", "请选择您服务的企业或村"},
		{"no such assignment", e.envoy, duijie.Visit{AssignmentID: "nope", On: day("2026-04-01"), Topic: "x", Findings: "y"}, duijie.EINVALID, "assignment", "请选择您服务的企业或村"},
		{"before the assignment", e.envoy, duijie.Visit{AssignmentID: as.ID, On: day("2025-12-31"), Topic: "x", Findings: "y"}, duijie.EINVALID, "on", "未派驻在六安甲茶业有限公司"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := c.v
			wantCode(t, e.svc.LogVisit(ctx, c.who, &v), c.code, c.field, c.text)
		})
	}
	v := e.visit(t, e.envoy, as.ID, "2026-04-10")
	if v.ID == "" || v.OrgID != "e1" || v.Region != "la-huoshan" || v.Version != 1 {
		t.Errorf("logged %+v", v)
	}
	// An ended assignment takes no visits after its end, but still the
	// ones before.
	must(t, e.svc.EndAssignment(ctx, e.broker, other.ID))
	e.visit(t, e.envoy2, other.ID, "2026-03-01")

	// Each envoy lists their own; the broker filters by envoy and county.
	mine, n, err := e.svc.Visits(ctx, e.envoy, VisitFilter{EnvoyID: "v2"})
	must(t, err)
	if n != 1 || mine[0].ID != v.ID {
		t.Errorf("envoy's visits: %d %+v", n, mine)
	}
	_, n, err = e.svc.Visits(ctx, e.broker, VisitFilter{Counties: []string{"la-jinzhai"}})
	must(t, err)
	if n != 1 {
		t.Errorf("金寨县 visits %d, want 1", n)
	}
	_, n, err = e.svc.Visits(ctx, e.broker, VisitFilter{From: day("2026-04-01"), To: day("2026-04-30")})
	must(t, err)
	if n != 1 {
		t.Errorf("April visits %d, want 1", n)
	}
	if _, _, err := e.svc.Visits(ctx, e.ent1, VisitFilter{}); duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("an enterprise member lists visits: %v", err)
	}
	// Another envoy does not see it, not even that it exists.
	if _, err := e.svc.Visit(ctx, e.envoy2, v.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("another envoy reads a visit: %v", err)
	}
}

func TestVisitCorrectionsKept(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as := e.assign(t, e.envoy, "e1", "", "", "2026-01-01")
	v := e.visit(t, e.envoy, as.ID, "2026-04-08")

	fix := func(who Actor, version int, note string) error {
		c := &duijie.Visit{ID: v.ID, Version: version, On: day("2026-04-09"), Topic: "茶园病虫害绿色防控（更正）",
			Findings: "茶小绿叶蝉与茶尺蠖危害均较重。", Note: note}
		return e.svc.CorrectVisit(ctx, who, c)
	}
	wantCode(t, fix(e.envoy, 1, ""), duijie.EINVALID, "note", "请填写更正原因")
	wantCode(t, fix(e.envoy2, 1, "改日期"), duijie.ENOTFOUND, "", "")
	wantCode(t, fix(e.broker, 1, "改日期"), duijie.EFORBIDDEN, "", "")
	must(t, fix(e.envoy, 1, "走访日期记错了"))
	wantCode(t, fix(e.envoy, 1, "又改"), duijie.ECONFLICT, "", "") // read before the correction

	view, err := e.svc.Visit(ctx, e.envoy, v.ID)
	must(t, err)
	if view.Version != 2 || !view.On.Equal(day("2026-04-09")) || !strings.Contains(view.Topic, "更正") {
		t.Errorf("after correction %+v", view.Visit)
	}
	if len(view.Versions) != 2 || view.Versions[1].Topic != "茶园病虫害绿色防控" || !view.Versions[1].On.Equal(day("2026-04-08")) ||
		view.Versions[0].Note != "走访日期记错了" {
		t.Errorf("versions: %+v", view.Versions)
	}
	// A broker reads it with its history; counts follow the newest day.
	bv, err := e.svc.Visit(ctx, e.broker, v.ID)
	must(t, err)
	if len(bv.Versions) != 2 || bv.MayEdit {
		t.Errorf("broker's view: %+v", bv)
	}
	_, n, err := e.svc.Visits(ctx, e.broker, VisitFilter{From: day("2026-04-08"), To: day("2026-04-08")})
	must(t, err)
	if n != 0 {
		t.Errorf("the corrected day still counts the old one: %d", n)
	}
	// The audit log has both.
	log, err := e.db.AuditLog(ctx, "visit.", 10)
	must(t, err)
	if len(log) != 2 || log[0].Action != AuditVisitCorrect || log[1].Action != AuditVisit {
		t.Errorf("audit: %+v", log)
	}
}

func draft(title string) *duijie.Challenge {
	return &duijie.Challenge{Title: title, Problem: "夏秋茶农药残留风险高，希望引入绿色防控技术，减少化学农药用量。",
		Industry: "food", Modes: []duijie.Mode{"技术开发"}, Visibility: duijie.VisibilityPublic}
}

func TestEnvoyOnBehalfChallenge(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as := e.assign(t, e.envoy, "e1", "", "", "2026-01-01")
	v := e.visit(t, e.envoy, as.ID, "2026-04-08")

	// Validated like any challenge.
	bad := draft("")
	bad.Deadline = day("2026-04-01")
	err := e.svc.DraftChallenge(ctx, e.envoy, v.ID, bad)
	wantCode(t, err, duijie.EINVALID, "title", "请填写标题")
	wantCode(t, err, duijie.EINVALID, "deadline", "截止日期不能早于今天")

	c := draft("茶园绿色防控技术需求")
	must(t, e.svc.DraftChallenge(ctx, e.envoy, v.ID, c))
	stored, err := e.db.Challenge(ctx, c.ID)
	must(t, err)
	if stored.OrgID != "e1" || stored.Status != duijie.StatusDraft || !stored.Posted.IsZero() {
		t.Fatalf("stored %+v", stored)
	}
	// Not visible to anyone but the enterprise and the bureau before it
	// is confirmed (the public index holds no drafts).
	for _, u := range []*duijie.User{nil, e.ent2.User, e.envoy.User, e.envoy2.User, {ID: "i", OrgID: "i1", Role: duijie.RoleInstitute}} {
		if acc := duijie.ChallengeAccess(u, stored, false); acc != duijie.AccessNone {
			t.Errorf("%v reads the unconfirmed draft: %v", u, acc)
		}
	}
	if stored.ForAudience(duijie.AudiencePublic) != nil {
		t.Error("the public audience reads the unconfirmed draft")
	}
	// The enterprise's members are told.
	msgs, _, err := e.db.Messages(ctx, "ue1", 0, 10)
	must(t, err)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "特派员甲为贵单位代拟了技术需求") || msgs[0].Link != ConfirmPath {
		t.Errorf("messages: %+v", msgs)
	}

	// Who may confirm: a member of that enterprise only.
	wantCode(t, e.svc.Confirm(ctx, e.ent2, c.ID), duijie.ENOTFOUND, "", "")
	wantCode(t, e.svc.Confirm(ctx, e.envoy, c.ID), duijie.EFORBIDDEN, "", "")
	wantCode(t, e.svc.Confirm(ctx, e.ent1, "nope"), duijie.ENOTFOUND, "", "")
	list, err := e.svc.Drafted(ctx, e.ent1)
	must(t, err)
	if len(list) != 1 || list[0].State != duijie.OriginAwaiting || list[0].EnvoyName != "特派员甲" {
		t.Errorf("the enterprise's list: %+v", list)
	}
	if others, _ := e.svc.Drafted(ctx, e.ent2); len(others) != 0 {
		t.Errorf("another enterprise sees %+v", others)
	}
	synced := e.synced
	must(t, e.svc.Confirm(ctx, e.ent1, c.ID))
	if e.synced == synced {
		t.Error("confirming did not sync the index")
	}
	stored, err = e.db.Challenge(ctx, c.ID)
	must(t, err)
	if stored.Status != duijie.StatusPublished || !stored.Posted.Equal(day("2026-04-10")) {
		t.Errorf("confirmed: %+v", stored)
	}
	if stored.ForAudience(duijie.AudiencePublic) == nil {
		t.Error("the confirmed challenge is not public")
	}
	wantCode(t, e.svc.Confirm(ctx, e.ent1, c.ID), duijie.ECONFLICT, "", "")
	mine, err := e.svc.Drafted(ctx, e.envoy)
	must(t, err)
	if len(mine) != 1 || mine[0].State != duijie.OriginConfirmed || mine[0].ConfirmedBy != "ue1" {
		t.Errorf("the envoy's list: %+v", mine)
	}
	view, err := e.svc.Visit(ctx, e.envoy, v.ID)
	must(t, err)
	if len(view.Drafted) != 1 || view.Drafted[0].ChallengeID != c.ID {
		t.Errorf("visit's drafts: %+v", view.Drafted)
	}

	// Returned: closed, never published, the reason for the envoy.
	c2 := draft("茶叶加工自动化改造")
	must(t, e.svc.DraftChallenge(ctx, e.envoy, v.ID, c2))
	wantCode(t, e.svc.Return(ctx, e.ent1, c2.ID, " "), duijie.EINVALID, "note", "请填写退回原因")
	must(t, e.svc.Return(ctx, e.ent1, c2.ID, "我们已与合肥工大合作，不需要了"))
	wantCode(t, e.svc.Confirm(ctx, e.ent1, c2.ID), duijie.ECONFLICT, "", "")
	stored, err = e.db.Challenge(ctx, c2.ID)
	must(t, err)
	if stored.Status != duijie.StatusClosed || !stored.Posted.IsZero() {
		t.Errorf("returned: %+v", stored)
	}
	o, err := e.db.ChallengeOrigin(ctx, c2.ID)
	must(t, err)
	if o.State != duijie.OriginReturned || o.ReturnNote != "我们已与合肥工大合作，不需要了" {
		t.Errorf("returned origin: %+v", o)
	}

	// A draft the enterprise publishes through its own form counts as
	// confirmed; confirming it afterwards is a conflict.
	c3 := draft("茶园水肥一体化")
	must(t, e.svc.DraftChallenge(ctx, e.envoy, v.ID, c3))
	must(t, e.db.SetStatus(ctx, "challenge", c3.ID, "e1", duijie.StatusDraft, duijie.StatusPublished, "2026-04-10", duijie.Closure{}))
	o, err = e.db.ChallengeOrigin(ctx, c3.ID)
	must(t, err)
	if o.State != duijie.OriginConfirmed {
		t.Errorf("published through the form: %s", o.State)
	}
	wantCode(t, e.svc.Confirm(ctx, e.ent1, c3.ID), duijie.ECONFLICT, "", "")
}

func TestEnvoyOnBehalfRefusedForUnassigned(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as := e.assign(t, e.envoy, "e1", "", "", "2026-01-01")
	village := e.assign(t, e.envoy, "", "石门村", "la-huoshan", "2026-01-01")
	other := e.assign(t, e.envoy2, "e2", "", "", "2026-01-01")
	v := e.visit(t, e.envoy, as.ID, "2026-04-08")
	vv := e.visit(t, e.envoy, village.ID, "2026-04-08")
	ov := e.visit(t, e.envoy2, other.ID, "2026-04-08")

	// Another envoy's visit (to an enterprise this envoy does not serve):
	// not even there.
	wantCode(t, e.svc.DraftChallenge(ctx, e.envoy, ov.ID, draft("代拟")), duijie.ENOTFOUND, "", "")
	// A village has no enterprise to post for.
	wantCode(t, e.svc.DraftChallenge(ctx, e.envoy, vv.ID, draft("代拟")), duijie.EFORBIDDEN, "", "")
	// Only envoys draft.
	wantCode(t, e.svc.DraftChallenge(ctx, e.broker, v.ID, draft("代拟")), duijie.EFORBIDDEN, "", "")
	// No longer assigned: refused.
	must(t, e.svc.EndAssignment(ctx, e.broker, as.ID))
	err := e.svc.DraftChallenge(ctx, e.envoy, v.ID, draft("代拟"))
	wantCode(t, err, duijie.EFORBIDDEN, "", "")
	if !strings.Contains(err.Error(), "未派驻在六安甲茶业有限公司") {
		t.Errorf("message %v", err)
	}
	if list, _ := e.db.ChallengeOrigins(ctx, sqlite.OriginFilter{}); len(list) != 0 {
		t.Errorf("refused drafts were stored: %+v", list)
	}
}
