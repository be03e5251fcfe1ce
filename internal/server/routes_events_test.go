package server

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"duijie/internal/duijie"
	"duijie/internal/events"
	"duijie/internal/workflow"
)

// testEvents walks the events' routes (对接会): a broker creates an event,
// invites challenges and a capability, an institute registers, the
// enterprise gives its slots, the broker places a meeting by hand, sees
// what changes cost, has a change refused, proposes the timetable around
// the manual meeting, records an outcome that becomes an introduction in
// the queue, prints agendas and ends the event; each route with success,
// bad input, a wrong role and a missing object.
func testEvents(t *testing.T, st *stack, rec *recorder) {
	ctx := context.Background()
	broker := events.Actor{User: &duijie.User{ID: "u-demo-jingjiren", Role: duijie.RoleBroker}}
	const theme = "动力电池热管理专场对接会"
	signInAgain(t, st, "gongyanyuan", "Gong-2026-new!") // the page scenarios changed its password
	form := url.Values{"theme": {theme}, "day": {"2026-12-20"}, "place": {"六安市科技大市场三楼"}, "industries": {"nev"},
		"slots": {"09:00–09:20\n09:20–09:40\n09:40–10:00"}, "tables": {"3"}}
	runScenarios(t, st, rec, []scenario{
		{name: "events list with the demo event", method: "GET", url: "/events", status: 200, want: []string{"对接会", "六安市新能源汽车产业技术对接会"}},
		{name: "event form", as: "jingjiren", method: "GET", url: "/events/new", status: 200, want: []string{"新建对接会", "09:00–09:20"}},
		{name: "event form wrong role", as: "qiye", method: "GET", url: "/events/new", status: 403},
		{name: "event create wrong role", as: "qiye", method: "POST", url: "/events", form: form, status: 403},
		{name: "event create bad input", as: "jingjiren", method: "POST", url: "/events", form: url.Values{"theme": {""}, "day": {"明天"}, "tables": {"0"}, "slots": {""}}, status: 422,
			want: []string{"请填写对接会主题", "请按 年-月-日", "桌数应为", "请至少填写一个时段"}},
		// Review: hostile text is refused in Chinese, nothing stored.
		{name: "event create with U+202E in the theme", as: "jingjiren", method: "POST", url: "/events", form: url.Values{"theme": {"对接会\u202e反向"}, "day": {"2026-12-20"}, "place": {"三楼"}, "slots": {"09:00"}, "tables": {"3"}}, status: 422,
			want: []string{"主题含有不可见的排版控制字符"}},
		{name: "event create with NUL in the place", as: "jingjiren", method: "POST", url: "/events", form: url.Values{"theme": {"对接会"}, "day": {"2026-12-20"}, "place": {"三楼\x00"}, "slots": {"09:00"}, "tables": {"3"}}, status: 422,
			want: []string{"地点含有无法识别的字符"}},
		{name: "event create with invalid UTF-8 in a slot", as: "jingjiren", method: "POST", url: "/events", form: url.Values{"theme": {"对接会"}, "day": {"2026-12-20"}, "place": {"三楼"}, "slots": {"09:00\n\xff\xfe"}, "tables": {"3"}}, status: 422,
			want: []string{"时段含有无法识别的字符"}},
		{name: "event create with 10,000 slots and tables", as: "jingjiren", method: "POST", url: "/events", form: url.Values{"theme": {"对接会"}, "day": {"2026-12-20"}, "place": {"三楼"}, "slots": {manySlots(10000)}, "tables": {"10000"}}, status: 422,
			want: []string{"时段不能超过 24 个", "桌数应为"}},
		{name: "event create with negative tables", as: "jingjiren", method: "POST", url: "/events", form: url.Values{"theme": {"对接会"}, "day": {"2026-12-20"}, "place": {"三楼"}, "slots": {"09:00"}, "tables": {"-1"}}, status: 422,
			want: []string{"桌数应为"}},
		{name: "event create", as: "jingjiren", method: "POST", url: "/events", form: form, status: 303},
	})
	list, err := st.srv.evs().List(ctx, broker)
	if err != nil {
		t.Fatal(err)
	}
	id := ""
	for _, e := range list {
		if e.Theme == theme {
			id = e.ID
		}
	}
	if id == "" {
		t.Fatalf("the event is not listed: %+v", list)
	}
	ev := "/events/" + id
	edit := url.Values{"theme": {theme}, "day": {"2026-12-21"}, "place": {"六安市科技大市场三楼"}, "industries": {"nev"},
		"slots": {"09:00–09:20\n09:20–09:40\n09:40–10:00"}, "tables": {"3"}}
	runScenarios(t, st, rec, []scenario{
		{name: "event draft anonymous", method: "GET", url: ev, status: 404},
		{name: "event draft for the broker", as: "jingjiren", method: "GET", url: ev, status: 200, want: []string{theme, "邀请参会", "筹备中"}},
		{name: "event missing", as: "jingjiren", method: "GET", url: "/events/nope", status: 404},
		{name: "event edit form", as: "jingjiren", method: "GET", url: ev + "/edit", status: 200, want: []string{"保存修改", "六安市科技大市场三楼"}},
		{name: "event edit form wrong role", as: "yuansuo", method: "GET", url: ev + "/edit", status: 403},
		{name: "event edit form missing", as: "jingjiren", method: "GET", url: "/events/nope/edit", status: 404},
		{name: "event update bad input", as: "jingjiren", method: "POST", url: ev + "/edit", form: url.Values{"theme": {theme}, "day": {"2026-12-21"}, "place": {"x"}, "slots": {"a"}, "tables": {"0"}}, status: 422, want: []string{"桌数应为"}},
		{name: "event update wrong role", as: "qiye", method: "POST", url: ev + "/edit", form: edit, status: 403},
		{name: "event update missing", as: "jingjiren", method: "POST", url: "/events/nope/edit", form: edit, status: 404},
		{name: "event update", as: "jingjiren", method: "POST", url: ev + "/edit", form: edit, status: 303},
		{name: "candidates filtered", as: "jingjiren", method: "GET", url: ev + "?q=" + url.QueryEscape("液冷板"), status: 200, want: []string{`value="ch-a001"`}, notWant: []string{`value="ch-a004"`}},
		{name: "notify before the event is published", as: "jingjiren", method: "POST", url: ev + "/timetable/notify", form: url.Values{}, status: 409, want: []string{"请先发布对接会"}},
		{name: "invite wrong role", as: "qiye", method: "POST", url: ev + "/invitations", form: url.Values{"kind": {"challenge"}, "postings": {"ch-a004"}}, status: 403},
		{name: "invite nothing", as: "jingjiren", method: "POST", url: ev + "/invitations", form: url.Values{"kind": {"challenge"}, "postings": {""}}, status: 422, want: []string{"请至少选择一项"}},
		{name: "invite to a missing event", as: "jingjiren", method: "POST", url: "/events/nope/invitations", form: url.Values{"kind": {"challenge"}, "postings": {"ch-a004"}}, status: 404},
		{name: "invite challenges", as: "jingjiren", method: "POST", url: ev + "/invitations", form: url.Values{"kind": {"challenge"}, "postings": {"ch-a001", "ch-a004", "ch-a036"}}, status: 303},
		{name: "invite a capability", as: "jingjiren", method: "POST", url: ev + "/invitations", form: url.Values{"kind": {"capability"}, "postings": {"cap-a018"}}, status: 303},
		{name: "invite a second posting of one organisation", as: "jingjiren", method: "POST", url: ev + "/invitations", form: url.Values{"kind": {"challenge"}, "postings": {"ch-a002"}}, status: 422, want: []string{"已参加本次对接会"}},
		{name: "the invited enterprise sees its own party only", as: "qiye", method: "GET", url: ev, status: 200, want: []string{"贵单位的参会", "/challenges/ch-a001"}, notWant: []string{"ch-a004", "ch-a036"}},
		{name: "the inbox tells the invited", as: "yuansuo", method: "GET", url: "/inbox", status: 200, want: []string{"科技局邀请您参加对接会"}},
		{name: "a draft for someone not invited", as: "gongyanyuan", method: "GET", url: ev, status: 404},
		{name: "status wrong role", as: "qiye", method: "POST", url: ev + "/status", form: url.Values{"status": {"published"}}, status: 403},
		{name: "status missing", as: "jingjiren", method: "POST", url: "/events/nope/status", form: url.Values{"status": {"published"}}, status: 404},
		{name: "publish", as: "jingjiren", method: "POST", url: ev + "/status", form: url.Values{"status": {"published"}}, status: 303},
		{name: "published, anonymous: no parties", method: "GET", url: ev, status: 200, want: []string{theme, "登录"}, notWant: []string{"ch-a001", "ch-a036", "cap-a018"}},
		{name: "listed for anyone", method: "GET", url: "/events", status: 200, want: []string{theme}},
		{name: "register wrong role", as: "jingjiren", method: "POST", url: ev + "/register", form: url.Values{"posting": {"cap-a009"}, "slots": {"0"}}, status: 403},
		{name: "register missing event", as: "gongyanyuan", method: "POST", url: "/events/nope/register", form: url.Values{"posting": {"cap-a009"}, "slots": {"0"}}, status: 404},
		{name: "register without a posting", as: "gongyanyuan", method: "POST", url: ev + "/register", form: url.Values{"slots": {"0"}}, status: 422, want: []string{"请选择以哪项发布参会"}},
		{name: "register form", as: "gongyanyuan", method: "GET", url: ev, status: 200, want: []string{"报名参会", `value="cap-a009"`}},
		{name: "register", as: "gongyanyuan", method: "POST", url: ev + "/register", form: url.Values{"posting": {"cap-a009"}, "slots": {"0", "1", "2"}}, status: 303},
		{name: "register twice", as: "gongyanyuan", method: "POST", url: ev + "/register", form: url.Values{"posting": {"cap-a009"}, "slots": {"0"}}, status: 422, want: []string{"已参加本次对接会"}},
	})
	v, err := st.srv.evs().Get(ctx, broker, id)
	if err != nil {
		t.Fatal(err)
	}
	party := map[string]string{}
	for _, p := range v.Parties {
		party[p.PostingID] = p.ID
	}
	if len(party) != 5 {
		t.Fatalf("parties: %+v", v.Parties)
	}
	qiye, wxc, other, bureau := party["ch-a001"], party["cap-a018"], party["ch-a004"], party["ch-a036"]
	tt := ev + "/timetable"
	runScenarios(t, st, rec, []scenario{
		{name: "answer wrong role", as: "xitong", method: "POST", url: ev + "/parties/" + qiye, form: url.Values{"answer": {"attend"}, "slots": {"0"}}, status: 403},
		{name: "answer missing event", as: "qiye", method: "POST", url: "/events/nope/parties/" + qiye, form: url.Values{"answer": {"attend"}, "slots": {"0"}}, status: 404},
		{name: "answer for another organisation", as: "qiye", method: "POST", url: ev + "/parties/" + other, form: url.Values{"answer": {"attend"}, "slots": {"0"}}, status: 404},
		{name: "answer without a choice", as: "qiye", method: "POST", url: ev + "/parties/" + qiye, form: url.Values{"slots": {"0"}}, status: 422, want: []string{"请选择参加或不参加"}},
		{name: "answer in no slot", as: "qiye", method: "POST", url: ev + "/parties/" + qiye, form: url.Values{"answer": {"attend"}}, status: 422, want: []string{"请至少选择一个可参会的时段"}},
		{name: "the enterprise comes in the first two slots", as: "qiye", method: "POST", url: ev + "/parties/" + qiye, form: url.Values{"answer": {"attend"}, "slots": {"0", "1"}}, status: 303},
		{name: "the broker confirms for the institute", as: "jingjiren", method: "POST", url: ev + "/parties/" + wxc, form: url.Values{"answer": {"attend"}, "slots": {"0", "1", "2"}}, status: 303},
		{name: "timetable wrong role", as: "qiye", method: "GET", url: tt, status: 403},
		{name: "timetable missing", as: "jingjiren", method: "GET", url: "/events/nope/timetable", status: 404},
		{name: "timetable empty", as: "jingjiren", method: "GET", url: tt, status: 200, want: []string{"生成日程", "还没有安排洽谈"}},
		{name: "add a meeting by hand", as: "jingjiren", method: "POST", url: tt + "/edit", form: url.Values{"op": {"add"}, "pair": {qiye + "|" + wxc}, "slot": {"2"}, "table": {"1"}}, status: 303},
		{name: "change bad input", as: "jingjiren", method: "POST", url: tt + "/edit", form: url.Values{"op": {"move"}, "meeting": {"x"}}, status: 422, want: []string{"请选择时段"}},
		{name: "change wrong role", as: "qiye", method: "POST", url: tt + "/edit", form: url.Values{"op": {"remove"}, "meeting": {"x"}}, status: 403},
		{name: "change missing event", as: "jingjiren", method: "POST", url: "/events/nope/timetable/edit", form: url.Values{"op": {"remove"}, "meeting": {"x"}}, status: 404},
		{name: "swap without the other meeting", as: "jingjiren", method: "POST", url: tt + "/edit", form: url.Values{"op": {"swap"}, "meeting": {"x"}}, status: 422, want: []string{"请选择与哪场洽谈对调"}},
		{name: "change a missing meeting", as: "jingjiren", method: "POST", url: tt + "/edit", form: url.Values{"op": {"remove"}, "meeting": {"x"}}, status: 404},
	})
	b, err := st.srv.evs().Timetable(ctx, broker, id)
	if err != nil || len(b.Meetings) != 1 {
		t.Fatalf("timetable: %+v, %v", b, err)
	}
	m := b.Meetings[0].ID
	runScenarios(t, st, rec, []scenario{
		{name: "preview a move: priced", as: "jingjiren", method: "GET", url: tt + "?op=move&meeting=" + m + "&slot=1&table=2", status: 200,
			want: []string{"调整预览", "总分 ±0.00", "各方会谈场数不变", "确认调整"}},
		{name: "preview a removal: what it costs", as: "jingjiren", method: "GET", url: tt + "?op=remove&meeting=" + m, status: 200,
			want: []string{"总分 −", "会谈由 1 场减为 0 场"}},
		{name: "preview without a place", as: "jingjiren", method: "GET", url: tt + "?op=add&pair=" + url.QueryEscape(qiye+"|"+wxc), status: 422, want: []string{"请选择时段"}},
		{name: "a move into a slot the enterprise does not have is refused", as: "jingjiren", method: "POST", url: tt + "/edit", form: url.Values{"op": {"move"}, "meeting": {m}, "slot": {"3"}, "table": {"1"}}, status: 409,
			want: []string{"第 3 时段不能参会"}},
		{name: "move", as: "jingjiren", method: "POST", url: tt + "/edit", form: url.Values{"op": {"move"}, "meeting": {m}, "slot": {"1"}, "table": {"2"}}, status: 303},
		{name: "seat the bureau-only challenge with the institute", as: "jingjiren", method: "POST", url: tt + "/edit", form: url.Values{"op": {"add"}, "pair": {bureau + "|" + wxc}, "slot": {"3"}, "table": {"3"}}, status: 303},
		{name: "the institute's agenda does not name a bureau-only challenge", as: "yuansuo", method: "GET", url: ev + "/agenda/" + wxc, status: 200,
			want: []string{"科技局安排的企业需求", "09:40–10:00"}, notWant: []string{"IGBT", "安徽皋芯微电子有限公司", "ch-a036"}},
		{name: "generate wrong role", as: "yuansuo", method: "POST", url: tt, form: url.Values{}, status: 403},
		{name: "generate missing", as: "jingjiren", method: "POST", url: "/events/nope/timetable", form: url.Values{}, status: 404},
		{name: "generate", as: "jingjiren", method: "POST", url: tt, form: url.Values{}, status: 303},
		{name: "the manual meeting stays", as: "jingjiren", method: "GET", url: tt, status: 200, want: []string{`id="m-` + m + `"`, "手动", "洽谈结果"}, notWant: []string{"当前日程有"}},
		{name: "outcome wrong role", as: "qiye", method: "POST", url: ev + "/meetings/" + m + "/outcome", form: url.Values{"outcome": {"met"}}, status: 403},
		{name: "outcome missing meeting", as: "jingjiren", method: "POST", url: ev + "/meetings/nope/outcome", form: url.Values{"outcome": {"met"}}, status: 404},
		{name: "outcome without a choice", as: "jingjiren", method: "POST", url: ev + "/meetings/" + m + "/outcome", form: url.Values{"outcome": {""}}, status: 422, want: []string{"请选择洽谈结果"}},
		{name: "outcome: an introduction", as: "jingjiren", method: "POST", url: ev + "/meetings/" + m + "/outcome", form: url.Values{"outcome": {"intro"}, "note": {"双方约定到企业现场看模组台架"}}, status: 303},
		{name: "the outcome links the introduction", as: "jingjiren", method: "GET", url: tt, status: 200, want: []string{"生成对接", "查看对接", "双方约定到企业现场看模组台架"}},
		{name: "the event sums up the outcomes", as: "jingjiren", method: "GET", url: ev, status: 200, want: []string{"洽谈结果：生成对接 1 场"}},
		{name: "agenda of one's own party", as: "qiye", method: "GET", url: ev + "/agenda/" + qiye, status: 200, want: []string{"参会日程", "皖西学院", "09:00–09:20", "第 2 桌"}, notWant: []string{"很可能相关", "可能相关"}},
		{name: "agenda of another's party", as: "qiye", method: "GET", url: ev + "/agenda/" + wxc, status: 404},
		{name: "agenda wrong role", as: "xitong", method: "GET", url: ev + "/agenda/" + qiye, status: 403},
		{name: "agenda missing", as: "jingjiren", method: "GET", url: "/events/nope/agenda/" + qiye, status: 404},
		{name: "agenda for the broker", as: "jingjiren", method: "GET", url: ev + "/agenda/" + wxc, status: 200, want: []string{"参会日程", "生成对接"}},
		{name: "table agenda", as: "jingjiren", method: "GET", url: ev + "/tables/2", status: 200, want: []string{"第 2 桌", "安徽淠源新能源科技有限公司"}},
		{name: "table agenda wrong role", as: "qiye", method: "GET", url: ev + "/tables/2", status: 403},
		{name: "table agenda missing", as: "jingjiren", method: "GET", url: ev + "/tables/9", status: 404},
		{name: "notify wrong role", as: "qiye", method: "POST", url: tt + "/notify", form: url.Values{}, status: 403},
		{name: "notify missing", as: "jingjiren", method: "POST", url: "/events/nope/timetable/notify", form: url.Values{}, status: 404},
		{name: "notify the parties", as: "jingjiren", method: "POST", url: tt + "/notify", form: url.Values{}, status: 303},
		{name: "the enterprise is told its agenda", as: "qiye", method: "GET", url: "/inbox", status: 200, want: []string{"对接会日程：" + theme, "场洽谈，请查看并打印日程表"}},
		{name: "the add form filled in from a pair left out", as: "jingjiren", method: "GET", url: tt + "?pick=" + url.QueryEscape(other+"|"+wxc), status: 200, want: []string{`<option value="add" selected>`}},
		{name: "end", as: "jingjiren", method: "POST", url: ev + "/status", form: url.Values{"status": {"ended"}}, status: 303},
		{name: "generate after the event", as: "jingjiren", method: "POST", url: tt, form: url.Values{}, status: 409, want: []string{"日程不能再调整"}},
	})
	// The demo event: its timetable proposed from the real match lists.
	runScenarios(t, st, rec, []scenario{
		{name: "generate the demo event's timetable", as: "jingjiren", method: "POST", url: "/events/ev-demo-nev/timetable", form: url.Values{}, status: 303},
		{name: "the demo timetable", as: "jingjiren", method: "GET", url: "/events/ev-demo-nev/timetable", status: 200, want: []string{`class="meet`, "很可能相关"}, notWant: []string{"当前日程有"}},
	})
	// The API: the events list, the timetable, an outcome.
	bt, et := apiToken(t, st, "jingjiren"), apiToken(t, st, "qiye")
	api := "/api/v1/events/" + id
	runAPIScenarios(t, st, rec, []apiScenario{
		{"api events", "GET", "/api/v1/events", "", "", 200, []string{theme, `"status":"ended"`}, []string{"ch-a001"}},
		{"api timetable", "GET", api + "/timetable", bt, "", 200, []string{`"meetings":[`, `"id":"` + m + `"`, `"outcome":"intro"`, `"introduction_id":"in-`, `"slot":1`, `"table":2`}, nil},
		{"api timetable wrong role", "GET", api + "/timetable", et, "", 403, nil, nil},
		{"api timetable missing", "GET", "/api/v1/events/nope/timetable", bt, "", 404, nil, nil},
		{"api outcome bad", "POST", api + "/meetings/" + m + "/outcome", bt, `{"outcome":"maybe"}`, 422, []string{"请选择洽谈结果"}, nil},
		{"api outcome wrong role", "POST", api + "/meetings/" + m + "/outcome", et, `{"outcome":"met"}`, 403, nil, nil},
		{"api outcome missing", "POST", api + "/meetings/nope/outcome", bt, `{"outcome":"met"}`, 404, nil, nil},
		{"api outcome with U+202E in the note", "POST", api + "/meetings/" + m + "/outcome", bt, `{"outcome":"met","note":"\u202e复核"}`, 422, []string{"备注含有不可见的排版控制字符"}, nil},
		{"api outcome", "POST", api + "/meetings/" + m + "/outcome", bt, `{"outcome":"intro","note":"复核"}`, 200, []string{`"introduction_id":"in-`}, nil},
	})
	queue, _, err := st.srv.wf.Queue(ctx, workflow.Actor(broker), workflow.ViewMine, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range queue {
		if n.ChallengeID == "ch-a001" && n.CapabilityID == "cap-a018" && n.Stage == duijie.StageRecommended && strings.Contains(n.Message, theme) {
			return
		}
	}
	t.Fatalf("the outcome's introduction is not in the broker's queue: %+v", queue)
}

// signInAgain drops a demo user's session and signs in with the password
// of the demo set or, failing that, with changed (a scenario may have
// changed it, which ends its sessions).
func signInAgain(t *testing.T, st *stack, username, changed string) {
	t.Helper()
	st.mu.Lock()
	delete(st.sessions, username)
	first := st.logins[username]
	st.mu.Unlock()
	for _, pw := range []string{first, changed} {
		c := st.anon(t)
		res, _ := c.do(t, "POST", "/login", url.Values{"username": {username}, "password": {pw}}, nil)
		if res.StatusCode == 303 {
			st.mu.Lock()
			st.logins[username] = pw
			st.mu.Unlock()
			return
		}
	}
	t.Fatalf("%s cannot sign in", username)
}

// manySlots is n different slot labels, one a line.
func manySlots(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "第%d场\n", i+1)
	}
	return b.String()
}
