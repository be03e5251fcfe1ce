package events_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"duijie/internal/demo"
	"duijie/internal/duijie"
	"duijie/internal/events"
	"duijie/internal/events/timetable"
	"duijie/internal/sqlite"
	"duijie/internal/workflow"
)

// Postings of the demo set the tests lean on.
const (
	chPublic  = "ch-a001"  // 公开, of ent-a01 (qiye)
	chSummary = "ch-a002"  // 摘要公开, of ent-a01
	chBureau  = "ch-a036"  // 仅科技局可见, of ent-a16
	chOther   = "ch-a004"  // 公开, of ent-a02
	chOther2  = "ch-a006"  // 摘要公开, of ent-a03
	capWXC    = "cap-a008" // 皖西学院 (yuansuo)
	capAIITLA = "cap-a009" // 安徽工研院六安院 (gongyanyuan)
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if duijie.ErrorCode(err) != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

// env is the demo set in a store of its own, the workflow and the events
// service over it, with a match table instead of the search index.
type env struct {
	ctx                                        context.Context
	db                                         *sqlite.DB
	wf                                         *workflow.Service
	ev                                         *events.Service
	scores                                     map[string][]events.Scored // "challenge:id" -> partners
	hook                                       func()                     // run once in the next ranking asked (a concurrent write)
	broker, qiye, yuansuo, gongyan, ent2, ent3 events.Actor
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "duijie.db"))
	must(t, err)
	t.Cleanup(func() { db.Close() })
	set, err := demo.Load()
	must(t, err)
	seed := &sqlite.Seed{Orgs: set.Orgs, Challenges: set.Challenges, Capabilities: set.Capabilities}
	for _, u := range set.Users {
		seed.Users = append(seed.Users, sqlite.SeedUser{User: u, Hash: "unused"})
	}
	must(t, db.Seed(ctx, seed, nil))
	for _, u := range []duijie.User{
		{ID: "u-ent2", OrgID: "ent-a02", Username: "yuan", Role: duijie.RoleEnterprise},
		{ID: "u-ent3", OrgID: "ent-a03", Username: "jinan", Role: duijie.RoleEnterprise},
	} {
		must(t, db.CreateUser(ctx, &u, "unused"))
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := func() time.Time { return time.Now().UTC() }
	e := &env{ctx: ctx, db: db, scores: map[string][]events.Scored{}}
	e.wf = workflow.New(db, log, now, duijie.DefaultDeadlines)
	e.ev = events.New(db, e.wf, func(_ context.Context, _ events.Actor, typ, id string) ([]events.Scored, error) {
		if h := e.hook; h != nil {
			e.hook = nil
			h()
		}
		return e.scores[typ+":"+id], nil
	}, log, now)
	actor := func(id string, role duijie.Role, org string) events.Actor {
		return events.Actor{User: &duijie.User{ID: id, Role: role, OrgID: org}}
	}
	e.broker = actor("u-demo-jingjiren", duijie.RoleBroker, "bureau-la")
	e.qiye = actor("u-demo-qiye", duijie.RoleEnterprise, "ent-a01")
	e.yuansuo = actor("u-demo-yuansuo", duijie.RoleInstitute, "inst-wxc")
	e.gongyan = actor("u-demo-gongyanyuan", duijie.RoleInstitute, "inst-aiitla")
	e.ent2 = actor("u-ent2", duijie.RoleEnterprise, "ent-a02")
	e.ent3 = actor("u-ent3", duijie.RoleEnterprise, "ent-a03")
	e.scores["challenge:"+chPublic] = []events.Scored{{capWXC, 0.9}, {capAIITLA, 0.5}}
	e.scores["challenge:"+chOther] = []events.Scored{{capWXC, 0.7}, {capAIITLA, 0.4}}
	e.scores["challenge:"+chBureau] = []events.Scored{{capWXC, 0.35}, {capAIITLA, 0.45}, {"cap-a001", 0.99}} // cap-a001 is not invited
	e.scores["capability:"+capAIITLA] = []events.Scored{{chBureau, 0.95}}                                    // never asked
	return e
}

var input = events.Input{Theme: "新能源汽车与动力电池产业对接会", Industries: []duijie.Industry{"nev"},
	Day: duijie.ParseDate("2026-12-20"), Place: "六安市科技大市场三楼", Slots: []string{"09:00–09:20", "09:20–09:40", "09:40–10:00"}, Tables: 2}

// event creates the event and invites three challenges and two
// capabilities.
func (e *env) event(t *testing.T) string {
	t.Helper()
	id, err := e.ev.Create(e.ctx, e.broker, input)
	must(t, err)
	n, err := e.ev.Invite(e.ctx, e.broker, id, "challenge", []string{chPublic, chOther, chBureau})
	must(t, err)
	m, err := e.ev.Invite(e.ctx, e.broker, id, "capability", []string{capWXC, capAIITLA})
	must(t, err)
	if n != 3 || m != 2 {
		t.Fatalf("invited %d and %d", n, m)
	}
	return id
}

func (e *env) partyOf(t *testing.T, id, posting string) events.Party {
	t.Helper()
	v, err := e.ev.Get(e.ctx, e.broker, id)
	must(t, err)
	for _, p := range v.Parties {
		if p.PostingID == posting {
			return p
		}
	}
	t.Fatalf("no party for %s", posting)
	return events.Party{}
}

func TestEventRights(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	_, err := e.ev.Create(ctx, e.qiye, input)
	wantCode(t, "a member creates an event", err, duijie.EFORBIDDEN)
	bad := input
	bad.Theme, bad.Slots, bad.Tables, bad.Day = "", []string{" "}, 0, time.Time{}
	_, err = e.ev.Create(ctx, e.broker, bad)
	wantCode(t, "bad input", err, duijie.EINVALID)
	for _, f := range []string{"theme", "slots", "tables", "day"} {
		if err.(*duijie.Error).Fields[f] == "" {
			t.Errorf("no message for %s: %v", f, err.(*duijie.Error).Fields)
		}
	}
	id := e.event(t)
	if _, err := e.ev.Invite(ctx, e.broker, id, "challenge", []string{chSummary}); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Fatalf("a second posting of one organisation: %v", err)
	}
	_, err = e.ev.Invite(ctx, e.qiye, id, "challenge", []string{chOther2})
	wantCode(t, "a member invites", err, duijie.EFORBIDDEN)
	_, err = e.ev.Invite(ctx, e.broker, id, "challenge", []string{"nope"})
	wantCode(t, "invite a missing posting", err, duijie.ENOTFOUND)

	// 筹备中: the invited see it, with their own party only; others do not.
	v, err := e.ev.Get(ctx, e.qiye, id)
	must(t, err)
	if len(v.Parties) != 1 || v.Parties[0].PostingID != chPublic || v.MayRegister {
		t.Fatalf("qiye sees %+v", v.Parties)
	}
	_, err = e.ev.Get(ctx, e.ent3, id)
	wantCode(t, "a draft for someone not invited", err, duijie.ENOTFOUND)
	_, err = e.ev.Get(ctx, events.Actor{}, id)
	wantCode(t, "a draft for anyone", err, duijie.ENOTFOUND)
	list, err := e.ev.List(ctx, e.ent3)
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("ent3 lists %+v", list)
	}
	// The inbox tells the invited.
	msgs, _, err := e.wf.Inbox(ctx, workflow.Actor(e.qiye), 0, 5)
	must(t, err)
	if len(msgs) == 0 || !strings.Contains(msgs[0].Subject, "邀请您参加对接会") {
		t.Fatalf("qiye's inbox: %+v", msgs)
	}

	other := e.partyOf(t, id, chOther)
	err = e.ev.Answer(ctx, e.qiye, id, other.ID, true, []bool{true, true, true})
	wantCode(t, "answer for another organisation", err, duijie.ENOTFOUND)
	err = e.ev.Answer(ctx, e.ent2, id, other.ID, true, []bool{false, false, false})
	wantCode(t, "attend in no slot", err, duijie.EINVALID)
	must(t, e.ev.Answer(ctx, e.ent2, id, other.ID, true, []bool{true, false, true}))

	err = e.ev.Register(ctx, e.ent3, id, chOther2, []bool{true, true, true})
	wantCode(t, "register for a draft", err, duijie.ENOTFOUND)
	must(t, e.ev.SetStatus(ctx, e.broker, id, "published"))
	wantCode(t, "publish twice", e.ev.SetStatus(ctx, e.broker, id, "published"), duijie.ECONFLICT)
	wantCode(t, "a member publishes", e.ev.SetStatus(ctx, e.qiye, id, "ended"), duijie.EFORBIDDEN)

	// Published: anyone reads it, without parties; a member registers.
	v, err = e.ev.Get(ctx, events.Actor{}, id)
	must(t, err)
	if len(v.Parties) != 0 || v.MayRegister {
		t.Fatalf("anonymous sees parties: %+v", v)
	}
	v, err = e.ev.Get(ctx, e.ent3, id)
	must(t, err)
	if !v.MayRegister || len(v.Postings) == 0 || len(v.Parties) != 0 {
		t.Fatalf("ent3 may register with %+v", v.Postings)
	}
	wantCode(t, "register someone else's posting", e.ev.Register(ctx, e.ent3, id, chOther, []bool{true, true, true}), duijie.ENOTFOUND)
	wantCode(t, "register in no slot", e.ev.Register(ctx, e.ent3, id, chOther2, []bool{false, false, false}), duijie.EINVALID)
	must(t, e.ev.Register(ctx, e.ent3, id, chOther2, []bool{true, true, false}))
	wantCode(t, "register twice", e.ev.Register(ctx, e.ent3, id, chOther2, []bool{true, true, true}), duijie.ECONFLICT)
	wantCode(t, "a broker registers", e.ev.Register(ctx, e.broker, id, chOther2, []bool{true, true, true}), duijie.EFORBIDDEN)

	// Agendas: one's own only; the other side as one may read it.
	_, err = e.ev.Generate(ctx, e.broker, id)
	must(t, err)
	bureau := e.partyOf(t, id, chBureau)
	_, err = e.ev.PartyAgenda(ctx, e.yuansuo, id, bureau.ID)
	wantCode(t, "someone else's agenda", err, duijie.ENOTFOUND)
	wxc := e.partyOf(t, id, capWXC)
	ag, err := e.ev.PartyAgenda(ctx, e.yuansuo, id, wxc.ID)
	must(t, err)
	if len(ag.Rows) == 0 {
		t.Fatal("皖西学院 has no meeting")
	}
	for _, r := range ag.Rows {
		if r.Level != "" || r.IntroID != "" {
			t.Errorf("a member sees the bureau's figures: %+v", r)
		}
		if strings.Contains(r.Title, "ch-a036") || r.OrgName == bureau.OrgName || r.Title == bureau.Title {
			t.Errorf("a bureau-only challenge is named to an institute: %+v", r)
		}
	}
	_, err = e.ev.Timetable(ctx, e.yuansuo, id)
	wantCode(t, "a member opens the timetable", err, duijie.EFORBIDDEN)
	_, err = e.ev.TableAgenda(ctx, e.broker, id, 3)
	wantCode(t, "a table that is not there", err, duijie.ENOTFOUND)
}

// TestTimetable: the proposal keeps every invariant and the parties'
// slots, puts the strongest pairs first and every enterprise at a table;
// manual changes are priced, refused when they break an invariant, and
// stay where the broker put them when the timetable is proposed again.
func TestTimetable(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	id := e.event(t)
	pub := e.partyOf(t, id, chPublic)
	must(t, e.ev.Answer(ctx, e.qiye, id, pub.ID, true, []bool{false, true, true}))
	g, err := e.ev.Generate(ctx, e.broker, id)
	must(t, err)
	if g.Of != 3 || g.Served != 3 {
		t.Fatalf("generated %+v: every enterprise with a candidate should meet", g)
	}
	b, err := e.ev.Timetable(ctx, e.broker, id)
	must(t, err)
	if len(b.Violations) != 0 {
		t.Fatalf("the proposal breaks invariants: %v", b.Violations)
	}
	byParty := map[string]events.Party{}
	for _, p := range b.Parties {
		byParty[p.ID] = p
	}
	var strongest *events.MeetingView
	for _, m := range b.Meetings {
		if !byParty[m.EntParty].Available[m.Slot] || !byParty[m.InstParty].Available[m.Slot] {
			t.Errorf("meeting in a slot a party does not have: %+v", m.Meeting)
		}
		if byParty[m.EntParty].PostingID == chPublic && byParty[m.InstParty].PostingID == capWXC {
			strongest = m
		}
	}
	if strongest == nil {
		t.Fatal("the strongest pair (0.90) does not meet")
	}
	if strongest.Level != "很可能相关" {
		t.Errorf("level of 0.90: %q", strongest.Level)
	}

	// qiye cannot come in slot 0: a move there is refused, with why.
	_, err = e.ev.Change(ctx, e.broker, id, events.Edit{Op: events.OpMove, Meeting: strongest.ID, Slot: 0, Table: strongest.Table})
	wantCode(t, "move into a slot a party does not have", err, duijie.ECONFLICT)
	if !strings.Contains(err.Error(), "第 1 时段不能参会") {
		t.Errorf("refusal says %q", err)
	}
	// Onto a table taken in the same slot.
	var other *events.MeetingView
	for _, m := range b.Meetings {
		if m.Slot == strongest.Slot && m.ID != strongest.ID {
			other = m
		}
	}
	if other != nil {
		_, err = e.ev.Change(ctx, e.broker, id, events.Edit{Op: events.OpMove, Meeting: strongest.ID, Slot: other.Slot, Table: other.Table})
		wantCode(t, "move onto a taken table", err, duijie.ECONFLICT)
	}
	_, err = e.ev.Change(ctx, e.broker, id, events.Edit{Op: events.OpMove, Meeting: "nope", Slot: 0, Table: 0})
	wantCode(t, "move a missing meeting", err, duijie.ENOTFOUND)
	_, err = e.ev.Change(ctx, e.qiye, id, events.Edit{Op: events.OpRemove, Meeting: strongest.ID})
	wantCode(t, "a member edits", err, duijie.EFORBIDDEN)

	// Removing is priced: the value drops and qiye's count with it.
	_, c, err := e.ev.Preview(ctx, e.broker, id, events.Edit{Op: events.OpRemove, Meeting: strongest.ID})
	must(t, err)
	if !c.OK() || c.Delta >= 0 || !strings.Contains(c.Summary, "总分 −0.") || !strings.Contains(c.Summary, "减为") {
		t.Fatalf("the price of a removal: %+v", c)
	}
	if _, err := e.ev.Change(ctx, e.broker, id, events.Edit{Op: events.OpRemove, Meeting: strongest.ID}); err != nil {
		t.Fatal(err)
	}
	// Added back by hand at a free place; it stays when proposed again.
	b, err = e.ev.Timetable(ctx, e.broker, id)
	must(t, err)
	slot, table := -1, -1
	for _, r := range b.Rows {
		if !byParty[pub.ID].Available[r.Index] || !byParty[strongest.InstParty].Available[r.Index] {
			continue
		}
		busy := false
		for _, m := range b.Meetings {
			if m.Slot == r.Index && (m.EntParty == pub.ID || m.InstParty == strongest.InstParty) {
				busy = true
			}
		}
		for tb, cell := range r.Cells {
			if cell == nil && !busy && slot < 0 {
				slot, table = r.Index, tb
			}
		}
	}
	if slot < 0 {
		t.Fatalf("no free place for the pair: %+v", b.Rows)
	}
	added, err := e.ev.Change(ctx, e.broker, id, events.Edit{Op: events.OpAdd, Ent: pub.ID, Inst: strongest.InstParty, Slot: slot, Table: table})
	must(t, err)
	if added.Delta <= 0 {
		t.Errorf("adding the strongest pair back gains nothing: %+v", added)
	}
	_, err = e.ev.Change(ctx, e.broker, id, events.Edit{Op: events.OpAdd, Ent: pub.ID, Inst: strongest.InstParty, Slot: slot, Table: table})
	wantCode(t, "the same pair twice", err, duijie.ECONFLICT)
	_, err = e.ev.Change(ctx, e.broker, id, events.Edit{Op: events.OpAdd, Ent: strongest.InstParty, Inst: pub.ID, Slot: slot, Table: table})
	wantCode(t, "a pair of the wrong sides", err, duijie.EINVALID)
	manual := func() events.Meeting {
		ms, err := e.db.EventMeetings(ctx, id)
		must(t, err)
		for _, m := range ms {
			if m.Source == sqlite.SourceManual {
				return m
			}
		}
		t.Fatal("no manual meeting")
		return events.Meeting{}
	}
	before := manual()
	_, err = e.ev.Generate(ctx, e.broker, id)
	must(t, err)
	after := manual()
	if before.ID != after.ID || before.Slot != after.Slot || before.Table != after.Table {
		t.Fatalf("the manual meeting moved: %+v → %+v", before, after)
	}
	b, err = e.ev.Timetable(ctx, e.broker, id)
	must(t, err)
	if len(b.Violations) != 0 {
		t.Fatalf("proposed again around a manual meeting: %v", b.Violations)
	}

	// A swap of two meetings in different slots, priced at ±0.
	if len(b.Meetings) >= 2 {
		x, y := b.Meetings[0], b.Meetings[len(b.Meetings)-1]
		_, c, err := e.ev.Preview(ctx, e.broker, id, events.Edit{Op: events.OpSwap, Meeting: x.ID, Other: y.ID})
		must(t, err)
		if c.Delta != 0 || !strings.Contains(c.Summary, "±0.00") {
			t.Errorf("a swap changes the value: %+v", c)
		}
	}
	// A party that declines leaves its meetings as conflicts to move.
	must(t, e.ev.Answer(ctx, e.qiye, id, pub.ID, false, nil))
	b, err = e.ev.Timetable(ctx, e.broker, id)
	must(t, err)
	if len(b.Violations) == 0 {
		t.Error("a declined party's meetings are not shown as conflicts")
	}
}

// TestOutcomeBecomesIntroduction: 生成对接 recommends the pair through the
// workflow, in the broker's queue, linked to the meeting; a pair with an
// open introduction is linked to it.
func TestOutcomeBecomesIntroduction(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	id := e.event(t)
	_, err := e.ev.Generate(ctx, e.broker, id)
	must(t, err)
	ms, err := e.db.EventMeetings(ctx, id)
	must(t, err)
	if len(ms) < 2 {
		t.Fatalf("meetings: %+v", ms)
	}
	m := ms[0]
	_, err = e.ev.Record(ctx, e.broker, id, m.ID, "intro", "")
	wantCode(t, "an outcome before the event is published", err, duijie.ECONFLICT)
	must(t, e.ev.SetStatus(ctx, e.broker, id, "published"))
	_, err = e.ev.Record(ctx, e.broker, id, m.ID, "maybe", "")
	wantCode(t, "an unknown outcome", err, duijie.EINVALID)
	_, err = e.ev.Record(ctx, e.qiye, id, m.ID, "met", "")
	wantCode(t, "a member records", err, duijie.EFORBIDDEN)
	_, err = e.ev.Record(ctx, e.broker, id, "nope", "met", "")
	wantCode(t, "a missing meeting", err, duijie.ENOTFOUND)

	intro, err := e.ev.Record(ctx, e.broker, id, m.ID, "intro", "双方约定下周到企业现场")
	must(t, err)
	if intro == "" {
		t.Fatal("no introduction")
	}
	queue, _, err := e.wf.Queue(ctx, workflow.Actor(e.broker), workflow.ViewMine, 0, 50)
	must(t, err)
	found := false
	for _, n := range queue {
		if n.ID == intro {
			found = n.Stage == duijie.StageRecommended && n.Origin == duijie.OriginBroker && strings.Contains(n.Message, input.Theme)
		}
	}
	if !found {
		t.Fatalf("introduction %s not in the broker's queue at 已推荐: %+v", intro, queue)
	}
	again, err := e.ev.Record(ctx, e.broker, id, m.ID, "intro", "")
	must(t, err)
	if again != intro {
		t.Fatalf("recorded twice: %s, then %s", intro, again)
	}
	// An open introduction of the pair already: the meeting links to it.
	n := ms[1]
	ch, cp := e.posting(t, id, n.EntParty), e.posting(t, id, n.InstParty)
	ids, err := e.wf.Recommend(ctx, workflow.Actor(e.broker), "challenge", ch, []string{cp}, "")
	must(t, err)
	got, err := e.ev.Record(ctx, e.broker, id, n.ID, "intro", "")
	must(t, err)
	if got != ids[0] {
		t.Fatalf("linked %s, want the open %s", got, ids[0])
	}
	// Outcomes keep a meeting where it is; an ended event is fixed.
	_, err = e.ev.Change(ctx, e.broker, id, events.Edit{Op: events.OpRemove, Meeting: m.ID})
	wantCode(t, "cancel a meeting with an outcome", err, duijie.ECONFLICT)
	must(t, e.ev.SetStatus(ctx, e.broker, id, "ended"))
	_, err = e.ev.Generate(ctx, e.broker, id)
	wantCode(t, "generate after the event", err, duijie.ECONFLICT)
	if _, err := e.ev.Record(ctx, e.broker, id, n.ID, "follow_up", "下月回访"); err != nil {
		t.Fatal(err)
	}
	entries, err := e.db.AuditLog(ctx, "event.", 50)
	must(t, err)
	if len(entries) < 6 {
		t.Fatalf("audited %d event actions", len(entries))
	}
}

func (e *env) posting(t *testing.T, id, partyID string) string {
	t.Helper()
	v, err := e.ev.Get(e.ctx, e.broker, id)
	must(t, err)
	for _, p := range v.Parties {
		if p.ID == partyID {
			return p.PostingID
		}
	}
	t.Fatalf("no party %s", partyID)
	return ""
}

// The timetable package's invariants hold for what Generate stores, at a
// size where tables are scarce.
func TestGenerateScarceTables(t *testing.T) {
	e := newEnv(t)
	in := input
	in.Tables = 1
	id, err := e.ev.Create(e.ctx, e.broker, in)
	must(t, err)
	_, err = e.ev.Invite(e.ctx, e.broker, id, "challenge", []string{chPublic, chOther, chBureau})
	must(t, err)
	_, err = e.ev.Invite(e.ctx, e.broker, id, "capability", []string{capWXC, capAIITLA})
	must(t, err)
	g, err := e.ev.Generate(e.ctx, e.broker, id)
	must(t, err)
	if g.Meetings != 3 {
		t.Fatalf("one table, three slots: %d meetings", g.Meetings)
	}
	b, err := e.ev.Timetable(e.ctx, e.broker, id)
	must(t, err)
	if len(b.Violations) != 0 || b.Stats.Meetings != 3 {
		t.Fatalf("violations %v, stats %+v", b.Violations, b.Stats)
	}
	_ = timetable.Decay
}

// TestLoadDemo: the demo event is published with registered parties, one
// posting per organisation, and a second load changes nothing.
func TestLoadDemo(t *testing.T) {
	e := newEnv(t)
	must(t, e.ev.LoadDemo(e.ctx, "u-demo-jingjiren"))
	must(t, e.ev.LoadDemo(e.ctx, "u-demo-jingjiren"))
	v, err := e.ev.Get(e.ctx, e.broker, events.DemoID)
	must(t, err)
	orgs := map[string]bool{}
	kinds := map[events.PartyKind]int{}
	for _, p := range v.Parties {
		if orgs[p.OrgID] || p.Status != "registered" {
			t.Errorf("party %+v", p)
		}
		orgs[p.OrgID] = true
		kinds[p.Kind]++
	}
	if v.Status != events.Published || kinds[events.Challenge] == 0 || kinds[events.Capability] == 0 {
		t.Fatalf("demo event %s with %v", v.Status, kinds)
	}
	g, err := e.ev.Generate(e.ctx, e.broker, events.DemoID)
	must(t, err)
	if g.Meetings != 0 {
		t.Logf("the match table knows few demo pairs: %d meetings", g.Meetings)
	}
}

// TestNotify: once published with a timetable, every party with meetings
// is told its agenda; before, the broker is told why not.
func TestNotify(t *testing.T) {
	e := newEnv(t)
	id := e.event(t)
	_, err := e.ev.Notify(e.ctx, e.broker, id)
	wantCode(t, "notify a draft", err, duijie.ECONFLICT)
	must(t, e.ev.SetStatus(e.ctx, e.broker, id, events.Published))
	_, err = e.ev.Notify(e.ctx, e.broker, id)
	wantCode(t, "notify without a timetable", err, duijie.ECONFLICT)
	_, err = e.ev.Notify(e.ctx, e.qiye, id)
	wantCode(t, "a member notifies", err, duijie.EFORBIDDEN)
	_, err = e.ev.Generate(e.ctx, e.broker, id)
	must(t, err)
	n, err := e.ev.Notify(e.ctx, e.broker, id)
	must(t, err)
	if n < 2 {
		t.Fatalf("told %d parties", n)
	}
	msgs, _, err := e.wf.Inbox(e.ctx, workflow.Actor(e.qiye), 0, 1)
	must(t, err)
	if len(msgs) == 0 || !strings.HasPrefix(msgs[0].Subject, "对接会日程：") || !strings.Contains(msgs[0].Link, "/agenda/") {
		t.Fatalf("qiye's inbox: %+v", msgs)
	}
}

// Review: every text of an event, and an outcome's note (which goes into
// the introduction's message to both sides), is checked like every text
// field: invalid UTF-8, NUL, U+202E are refused with a Chinese message;
// a pasted list of thousands of slots is refused without reading it all.
func TestEventTextChecks(t *testing.T) {
	e := newEnv(t)
	bad := []string{"主题\u202e倒写", "主题\x00", "主题\xff\xfe", "主题\u200b"}
	for _, s := range bad {
		for _, field := range []string{"theme", "place", "slots"} {
			in := input
			in.Slots = append([]string(nil), input.Slots...)
			switch field {
			case "theme":
				in.Theme = s
			case "place":
				in.Place = s
			case "slots":
				in.Slots[1] = s
			}
			_, err := e.ev.Create(e.ctx, e.broker, in)
			wantCode(t, field+" "+s, err, duijie.EINVALID)
			de := err.(*duijie.Error)
			if msg := de.Fields[field]; msg == "" || !utf8.ValidString(msg) || strings.ContainsAny(msg, "\x00\u202e") {
				t.Errorf("%s %q: field message %q", field, s, msg)
			}
		}
	}
	in := input
	in.Industries = []duijie.Industry{"\u202eevil\x00"}
	_, err := e.ev.Create(e.ctx, e.broker, in)
	wantCode(t, "industry", err, duijie.EINVALID)
	if msg := err.(*duijie.Error).Fields["industries"]; strings.ContainsAny(msg, "\x00\u202e") {
		t.Errorf("industry message echoes the input: %q", msg)
	}
	in = input
	in.Industries = make([]duijie.Industry, 5000)
	for i := range in.Industries {
		in.Industries[i] = "nev"
	}
	sid, err := e.ev.Create(e.ctx, e.broker, in)
	must(t, err)
	if got, _ := e.db.Event(e.ctx, sid); len(got.Industries) != 1 {
		t.Errorf("5000 copies of one industry stored as %d", len(got.Industries))
	}
	in = input
	in.Slots = []string{"09:00", "09:20", "09:00"}
	_, err = e.ev.Create(e.ctx, e.broker, in)
	wantCode(t, "a slot twice", err, duijie.EINVALID)
	for _, d := range []string{"0001-01-01", "9999-12-31"} {
		in = input
		in.Day = duijie.ParseDate(d)
		_, err = e.ev.Create(e.ctx, e.broker, in)
		wantCode(t, "day "+d, err, duijie.EINVALID)
	}
	in = input
	in.Slots = make([]string, 10000)
	for i := range in.Slots {
		in.Slots[i] = "09:00"
	}
	_, err = e.ev.Create(e.ctx, e.broker, in)
	wantCode(t, "10000 slots", err, duijie.EINVALID)

	id := e.event(t)
	must(t, e.ev.SetStatus(e.ctx, e.broker, id, events.Published))
	_, err = e.ev.Generate(e.ctx, e.broker, id)
	must(t, err)
	b, err := e.ev.Timetable(e.ctx, e.broker, id)
	must(t, err)
	if len(b.Meetings) == 0 {
		t.Fatal("no meetings")
	}
	mid := b.Meetings[0].ID
	for _, note := range []string{"备注\u202e", "备注\x00", "备注\xff"} {
		_, err := e.ev.Record(e.ctx, e.broker, id, mid, sqlite.OutcomeIntro, note)
		wantCode(t, "note "+note, err, duijie.EINVALID)
	}
	_, err = e.ev.Record(e.ctx, e.broker, id, mid, sqlite.OutcomeMet, "第一行\n第二行\t好")
	must(t, err)
}

// Review: a change of the timetable, or a new proposal, is computed from
// the timetable as read; a write in between (an outcome recorded, the
// tables cut, the event ended) makes it a conflict instead of being
// overwritten, and no meeting is left at a table the event does not
// have.
func TestTimetableConcurrentWrites(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	id := e.event(t)
	must(t, e.ev.SetStatus(ctx, e.broker, id, events.Published))
	_, err := e.ev.Generate(ctx, e.broker, id)
	must(t, err)
	b, err := e.ev.Timetable(ctx, e.broker, id)
	must(t, err)
	if len(b.Meetings) < 2 {
		t.Fatalf("%d meetings", len(b.Meetings))
	}
	m0, m1 := b.Meetings[0], b.Meetings[1]
	outcome := func(mid string) events.Outcome {
		t.Helper()
		ms, err := e.db.EventMeetings(ctx, id)
		must(t, err)
		for _, m := range ms {
			if m.ID == mid {
				return m.Outcome
			}
		}
		t.Fatalf("meeting %s is gone", mid)
		return ""
	}

	// An outcome recorded while a change is priced is not lost.
	e.hook = func() {
		_, err := e.ev.Record(ctx, e.broker, id, m0.ID, sqlite.OutcomeMet, "")
		must(t, err)
	}
	_, err = e.ev.Change(ctx, e.broker, id, events.Edit{Op: events.OpRemove, Meeting: m1.ID})
	wantCode(t, "a change over an outcome recorded meanwhile", err, duijie.ECONFLICT)
	if outcome(m0.ID) != sqlite.OutcomeMet {
		t.Fatal("a concurrent change wiped the recorded outcome")
	}
	// And while a timetable is proposed.
	e.hook = func() {
		_, err := e.ev.Record(ctx, e.broker, id, m1.ID, sqlite.OutcomeFollowUp, "")
		must(t, err)
	}
	_, err = e.ev.Generate(ctx, e.broker, id)
	wantCode(t, "a proposal over an outcome recorded meanwhile", err, duijie.ECONFLICT)
	if outcome(m1.ID) != sqlite.OutcomeFollowUp {
		t.Fatal("a concurrent proposal wiped the recorded outcome")
	}

	// Tables cut to those in use while a meeting is added at another.
	in := input
	in.Tables = 3
	must(t, e.ev.Update(ctx, e.broker, id, in))
	b, err = e.ev.Timetable(ctx, e.broker, id)
	must(t, err)
	mv := b.Meetings[len(b.Meetings)-1]
	add := &events.Edit{Op: events.OpMove, Meeting: mv.ID, Slot: mv.Slot, Table: 2}
	e.hook = func() {
		in := input
		in.Tables = 2
		must(t, e.ev.Update(ctx, e.broker, id, in))
	}
	_, err = e.ev.Change(ctx, e.broker, id, *add)
	wantCode(t, "a meeting moved to a table cut meanwhile", err, duijie.ECONFLICT)
	ms, _ := e.db.EventMeetings(ctx, id)
	ev, _ := e.db.Event(ctx, id)
	for _, m := range ms {
		if m.Table >= ev.Tables {
			t.Fatalf("meeting %s at table %d of an event of %d tables", m.ID, m.Table+1, ev.Tables)
		}
	}

	// The event ended while a proposal is computed: nothing is written.
	before, _ := e.db.EventMeetings(ctx, id)
	e.hook = func() { must(t, e.ev.SetStatus(ctx, e.broker, id, events.Ended)) }
	_, err = e.ev.Generate(ctx, e.broker, id)
	wantCode(t, "a proposal of an event ended meanwhile", err, duijie.ECONFLICT)
	if after, _ := e.db.EventMeetings(ctx, id); len(after) != len(before) {
		t.Fatalf("timetable of an ended event rewritten: %d → %d meetings", len(before), len(after))
	}
}

// Review: an edit of the event and a change of its status read at the
// same time do not overwrite each other: the later save is a conflict
// (an ended event is not reopened by a stale edit).
func TestEventStaleSave(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	id := e.event(t)
	stale, err := e.db.Event(ctx, id)
	must(t, err)
	must(t, e.ev.SetStatus(ctx, e.broker, id, events.Ended))
	read := stale.Updated
	stale.Theme, stale.Updated = "改过的主题", read.Add(time.Second)
	err = e.db.SaveEventFrom(ctx, stale, read)
	wantCode(t, "a save of a stale read", err, duijie.ECONFLICT)
	now, err := e.db.Event(ctx, id)
	must(t, err)
	if now.Status != events.Ended || now.Theme != input.Theme {
		t.Fatalf("stale save went through: %+v", now)
	}
}

// Review: registering with another organisation's posting (here one for
// the bureau only) answers exactly as registering with one that does
// not exist: no oracle of hidden ids.
func TestRegisterNoOracle(t *testing.T) {
	e := newEnv(t)
	id, err := e.ev.Create(e.ctx, e.broker, input)
	must(t, err)
	must(t, e.ev.SetStatus(e.ctx, e.broker, id, events.Published))
	hidden := e.ev.Register(e.ctx, e.ent3, id, chBureau, []bool{true, true, true})
	missing := e.ev.Register(e.ctx, e.ent3, id, "ch-nope", []bool{true, true, true})
	wantCode(t, "another's hidden posting", hidden, duijie.ENOTFOUND)
	wantCode(t, "a missing posting", missing, duijie.ENOTFOUND)
	if hidden.Error() != missing.Error() {
		t.Fatalf("answers differ: %q, %q", hidden, missing)
	}
}

// Review: an event has at most MaxParties parties (the timetable page
// lists every pair, and every showing asks each challenge's ranking).
func TestMaxParties(t *testing.T) {
	e := newEnv(t)
	id, err := e.ev.Create(e.ctx, e.broker, input)
	must(t, err)
	wxc, err := e.db.Organization(e.ctx, "inst-wxc")
	must(t, err)
	var orgs []duijie.Organization
	var ps []events.Party
	now := time.Now().UTC()
	for i := range events.MaxParties {
		org := fmt.Sprintf("org-many-%03d", i)
		orgs = append(orgs, duijie.Organization{ID: org, Name: "单位" + org, Short: org, Kind: duijie.OrgInstitute, Region: wxc.Region, Status: duijie.OrgApproved})
		ps = append(ps, events.Party{ID: "ep-many-" + org, EventID: id, Kind: events.Capability, PostingID: "cap-many-" + org, OrgID: org,
			Available: []bool{true, true, true}, Status: sqlite.PartyInvited, Created: now, Updated: now})
	}
	must(t, e.db.Seed(e.ctx, &sqlite.Seed{Orgs: orgs}, nil))
	must(t, e.db.AddEventParties(e.ctx, ps, nil))
	_, err = e.ev.Invite(e.ctx, e.broker, id, "challenge", []string{chPublic})
	wantCode(t, "a party beyond MaxParties", err, duijie.ECONFLICT)
	must(t, e.ev.SetStatus(e.ctx, e.broker, id, events.Published))
	wantCode(t, "a registration beyond MaxParties", e.ev.Register(e.ctx, e.ent2, id, chOther, []bool{true, true, true}), duijie.ECONFLICT)
}

// Review: an institute seated with a 摘要公开 challenge reads its title
// only, in its agenda and in the message 通知参会方日程 sends: neither the
// enterprise's name nor the match score.
func TestSummaryChallengeAgenda(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	id, err := e.ev.Create(ctx, e.broker, input)
	must(t, err)
	_, err = e.ev.Invite(ctx, e.broker, id, "challenge", []string{chSummary})
	must(t, err)
	_, err = e.ev.Invite(ctx, e.broker, id, "capability", []string{capWXC})
	must(t, err)
	must(t, e.ev.SetStatus(ctx, e.broker, id, events.Published))
	ch, cp := e.partyOf(t, id, chSummary), e.partyOf(t, id, capWXC)
	_, err = e.ev.Change(ctx, e.broker, id, events.Edit{Op: events.OpAdd, Ent: ch.ID, Inst: cp.ID, Slot: 0, Table: 0})
	must(t, err)
	ag, err := e.ev.PartyAgenda(ctx, e.yuansuo, id, cp.ID)
	must(t, err)
	if len(ag.Rows) != 1 {
		t.Fatalf("rows: %+v", ag.Rows)
	}
	r := ag.Rows[0]
	if r.OrgName != "" || r.Level != "" || strings.Contains(r.Title+r.Note, ch.OrgName) || r.Title != ch.Title {
		t.Fatalf("the summary challenge as the institute reads it: %+v (enterprise %q)", r, ch.OrgName)
	}
	_, err = e.ev.PartyAgenda(ctx, e.yuansuo, id, ch.ID)
	wantCode(t, "the enterprise's agenda read by the institute", err, duijie.ENOTFOUND)
	_, err = e.ev.Notify(ctx, e.broker, id)
	must(t, err)
	msgs, _, err := e.db.Messages(ctx, e.yuansuo.User.ID, 0, 50)
	must(t, err)
	for _, m := range msgs {
		if strings.Contains(m.Subject+m.Body, ch.OrgName) || strings.Contains(m.Subject+m.Body, ch.Title) {
			t.Errorf("a message to the institute names the summary challenge: %+v", m)
		}
	}
}
