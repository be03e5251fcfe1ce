package server

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"duijie/internal/auth"
	"duijie/internal/duijie"
	"duijie/internal/envoys"
	"duijie/internal/indexer"
	"duijie/internal/reports"
)

// addEnvoy makes a 科技特派员 account in the stack's store with a known
// password (the system administrator's page issues a one-time one).
func addEnvoy(t *testing.T, st *stack, id, username, name string) envoys.Actor {
	t.Helper()
	ctx := context.Background()
	const password = "Tepai-2026-ok"
	h, err := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 1).Hash(ctx, password)
	if err != nil {
		t.Fatal(err)
	}
	u := &duijie.User{ID: id, Username: username, DisplayName: name, Role: duijie.RoleEnvoy}
	if err := st.db.CreateUser(ctx, u, h); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	st.logins[username] = password
	st.mu.Unlock()
	return envoys.Actor{User: u}
}

// TestEnvoyRoutes walks the 科技特派员 routes on a stack of its own.
func TestEnvoyRoutes(t *testing.T) {
	st := newTestStack(t)
	rec := newRecorder(st.srv.routes())
	testEnvoys(t, st, rec)
	var mine []route
	for _, r := range st.srv.routes() {
		if r.path == "/envoy" || hasPrefix(r.path, "/envoy/") || hasPrefix(r.path, "/my/envoy-drafts") || hasPrefix(r.path, "/broker/envoys") {
			mine = append(mine, r)
		}
	}
	if len(mine) != 12 {
		t.Fatalf("%d envoy routes, want 12", len(mine))
	}
	rec.routes = mine
	rec.res = newRecorder(mine).res
	rec.check(t)
}

// mustQuery is the dashboard's selection of one day.
func mustQuery(t *testing.T, day string) reports.Query {
	t.Helper()
	q, err := reports.ParseQuery(func(k string) string {
		return map[string]string{"period": "custom", "from": day, "to": day}[k]
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// testEnvoys: the brokers assign envoys; an envoy logs a visit (bad
// input, someone else's enterprise, a correction kept as a version),
// drafts a challenge for the enterprise visited, which nobody else sees
// until the enterprise confirms it; a second one is returned; an ended
// assignment takes no drafts; the dashboard shows the figures. Every
// route with success, bad input, a wrong role and a missing object.
func testEnvoys(t *testing.T, st *stack, rec *recorder) {
	ctx := context.Background()
	tepai := addEnvoy(t, st, "u-tepai", "tepai", "特派员老周")
	tepai2 := addEnvoy(t, st, "u-tepai2", "tepai2", "特派员小吴")
	broker := envoys.Actor{User: &duijie.User{ID: "u-demo-jingjiren", Role: duijie.RoleBroker}}
	ev := st.srv.ev()

	// An envoy lands on their own page; the system administrator makes
	// envoys' accounts.
	res, _ := st.anon(t).do(t, "POST", "/login", url.Values{"username": {"tepai"}, "password": {st.logins["tepai"]}}, nil)
	if res.StatusCode != 303 || res.Header.Get("Location") != "/envoy" {
		t.Errorf("an envoy signs in to %d %q, want 303 /envoy", res.StatusCode, res.Header.Get("Location"))
	}

	runScenarios(t, st, rec, []scenario{
		{name: "users page offers the envoy role", as: "xitong", method: "GET", url: "/admin/users", status: 200, want: []string{`<option value="envoy"`, "科技特派员"}},
		{name: "create an envoy account", as: "xitong", method: "POST", url: "/admin/users", form: url.Values{"username": {"tepai3"}, "display_name": {"特派员小孙"}, "role": {"envoy"}}, status: 200, want: []string{"初始密码"}},
		{name: "envoys page", as: "jingjiren", method: "GET", url: "/broker/envoys", status: 200, want: []string{"科技特派员", "特派员老周", "特派员小吴", "特派员小孙", "派驻"}},
		{name: "envoys page bad county", as: "jingjiren", method: "GET", url: "/broker/envoys?county=chaoyang", status: 422, want: []string{"请选择六安的县区"}},
		{name: "envoys page period backwards", as: "jingjiren", method: "GET", url: "/broker/envoys?from=2026-05-01&to=2026-04-01", status: 422, want: []string{"结束日期不能早于开始日期"}},
		{name: "envoys page bad input", as: "jingjiren", method: "GET", url: "/broker/envoys?from=%FF%FE&county=%E2%80%AEx&envoy=%00", status: 422, want: []string{"请按 年-月-日 填写日期", "请选择六安的县区"}},
		{name: "envoys page wrong role", as: "qiye", method: "GET", url: "/broker/envoys", status: 403},
		{name: "assign nothing", as: "jingjiren", method: "POST", url: "/broker/envoys/assignments", form: url.Values{"envoy": {"u-tepai"}}, status: 422, want: []string{"请选择企业，或填写村名和所在县区"}},
		{name: "assign a village outside 六安", as: "jingjiren", method: "POST", url: "/broker/envoys/assignments", form: url.Values{"envoy": {"u-tepai"}, "village": {"石门村"}, "region": {"hefei"}}, status: 422, want: []string{"请选择村所在的六安县区", "石门村"}},
		{name: "assign wrong role", as: "qiye", method: "POST", url: "/broker/envoys/assignments", form: url.Values{"envoy": {"u-tepai"}, "org": {"ent-a01"}}, status: 403},
		{name: "assign to an enterprise", as: "jingjiren", method: "POST", url: "/broker/envoys/assignments", form: url.Values{"envoy": {"u-tepai"}, "org": {"ent-a01"}, "since": {"2026-01-01"}}, status: 303},
		{name: "assign twice", as: "jingjiren", method: "POST", url: "/broker/envoys/assignments", form: url.Values{"envoy": {"u-tepai"}, "org": {"ent-a01"}}, status: 422, want: []string{"无需重复派驻"}},
		{name: "assign to a village", as: "jingjiren", method: "POST", url: "/broker/envoys/assignments", form: url.Values{"envoy": {"u-tepai"}, "village": {"石门村"}, "region": {"la-huoshan"}, "since": {"2026-01-01"}}, status: 303},
		{name: "assign the other envoy", as: "jingjiren", method: "POST", url: "/broker/envoys/assignments", form: url.Values{"envoy": {"u-tepai2"}, "org": {"ent-a02"}, "since": {"2026-01-01"}}, status: 303},
	})
	mine, err := ev.Assignments(ctx, tepai, envoys.AssignmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	others, err := ev.Assignments(ctx, tepai2, envoys.AssignmentFilter{})
	if err != nil || len(mine) != 2 || len(others) != 1 {
		t.Fatalf("assignments %+v %+v %v", mine, others, err)
	}
	var ent, village string
	for _, as := range mine {
		if as.OrgID == "ent-a01" {
			ent = as.ID
		} else {
			village = as.ID
		}
	}
	today := duijie.Today(time.Now()).Format(duijie.DateLayout)
	tomorrow := duijie.Today(time.Now()).AddDate(0, 0, 1).Format(duijie.DateLayout)
	visit := url.Values{"assignment": {ent}, "on": {today}, "topic": {"储能电池热失控预警"}, "findings": {"企业储能柜缺少早期热失控预警手段，希望引入气体与温度联合监测。"}, "follow_up": {"联系皖西学院"}}
	with := func(v url.Values, k, val string) url.Values {
		out := url.Values{}
		for kk, vv := range v {
			out[kk] = append([]string(nil), vv...)
		}
		out.Set(k, val)
		return out
	}

	runScenarios(t, st, rec, []scenario{
		{name: "envoy home", as: "tepai", method: "GET", url: "/envoy", status: 200, want: []string{"我服务的企业和村", "安徽淠源新能源科技有限公司", "石门村", "记录走访", `aria-current="page">我的走访`}, notWant: []string{"六安市骏驰电动车辆有限公司"}},
		{name: "envoy home wrong role", as: "qiye", method: "GET", url: "/envoy", status: 403},
		{name: "visit in the future", as: "tepai", method: "POST", url: "/envoy/visits", form: with(visit, "on", tomorrow), status: 422, want: []string{"走访日期不能晚于今天", "储能电池热失控预警"}},
		{name: "visit far back", as: "tepai", method: "POST", url: "/envoy/visits", form: with(visit, "on", "2020-01-01"), status: 422, want: []string{"走访日期不能早于"}},
		{name: "visit not a date", as: "tepai", method: "POST", url: "/envoy/visits", form: with(visit, "on", "昨天"), status: 422, want: []string{"请按 年-月-日 填写走访日期"}},
		{name: "visit without findings", as: "tepai", method: "POST", url: "/envoy/visits", form: with(visit, "findings", ""), status: 422, want: []string{"请填写发现的问题与需求"}},
		{name: "visit to someone else's enterprise", as: "tepai", method: "POST", url: "/envoy/visits", form: with(visit, "assignment", others[0].ID), status: 422, want: []string{"请选择您服务的企业或村"}},
		{name: "visit wrong role", as: "jingjiren", method: "POST", url: "/envoy/visits", form: visit, status: 403},
		{name: "visit", as: "tepai", method: "POST", url: "/envoy/visits", form: visit, status: 303},
		{name: "visit to the village", as: "tepai", method: "POST", url: "/envoy/visits", form: with(with(visit, "assignment", village), "topic", "村集体茶厂加工改造"), status: 303},
	})
	visits, n, err := ev.Visits(ctx, tepai, envoys.VisitFilter{})
	if err != nil || n != 2 {
		t.Fatalf("visits %d %v", n, err)
	}
	vid, villageVisit := visits[0].ID, visits[1].ID
	if visits[0].OrgID == "" {
		vid, villageVisit = villageVisit, vid
	}
	vu := "/envoy/visits/" + vid
	fix := url.Values{"version": {"1"}, "on": {today}, "topic": {"储能柜热失控早期预警"}, "findings": {"储能柜缺少早期预警；企业已有温度监测，缺气体监测。"}, "note": {"主题写得不准确"}}

	runScenarios(t, st, rec, []scenario{
		{name: "visit page", as: "tepai", method: "GET", url: vu, status: 200, want: []string{"储能电池热失控预警", "为安徽淠源新能源科技有限公司代拟技术需求", "更正记录"}},
		{name: "visit page for the broker", as: "jingjiren", method: "GET", url: vu, status: 200, want: []string{"特派员老周", "历史版本"}, notWant: []string{"更正记录"}},
		{name: "visit page for another envoy", as: "tepai2", method: "GET", url: vu, status: 404},
		{name: "visit page wrong role", as: "qiye", method: "GET", url: vu, status: 403},
		{name: "visit page missing", as: "tepai", method: "GET", url: "/envoy/visits/nope", status: 404},
		{name: "correct without a reason", as: "tepai", method: "POST", url: vu, form: with(fix, "note", ""), status: 422, want: []string{"请填写更正原因", "储能柜热失控早期预警"}},
		{name: "correct another envoy's", as: "tepai2", method: "POST", url: vu, form: fix, status: 404},
		{name: "correct wrong role", as: "jingjiren", method: "POST", url: vu, form: fix, status: 403},
		{name: "correct missing", as: "tepai", method: "POST", url: "/envoy/visits/nope", form: fix, status: 404},
		{name: "correct", as: "tepai", method: "POST", url: vu, form: fix, status: 303},
		{name: "correct from a stale page", as: "tepai", method: "POST", url: vu, form: fix, status: 409},
		{name: "both versions kept", as: "tepai", method: "GET", url: vu, status: 200, want: []string{"第 2 版", "储能柜热失控早期预警", "储能电池热失控预警", "主题写得不准确"}},
	})

	draft := url.Values{"title": {"储能柜热失控早期预警系统ZXQ"}, "problem": {"储能柜缺少早期热失控预警手段，需要气体与温度联合监测方案。"}, "industry": {"nev"}, "modes": {"技术开发"}, "visibility": {"public"}}
	du := vu + "/challenge"
	twoModes := with(draft, "modes", "技术开发")
	twoModes.Add("modes", "包办一切")
	runScenarios(t, st, rec, []scenario{
		{name: "draft form", as: "tepai", method: "GET", url: du, status: 200, want: []string{"为安徽淠源新能源科技有限公司代拟技术需求", "保存并通知企业确认", "储能柜缺少早期预警"}},
		{name: "draft form for a village visit", as: "tepai", method: "GET", url: "/envoy/visits/" + villageVisit + "/challenge", status: 404},
		{name: "draft form wrong role", as: "qiye", method: "GET", url: du, status: 403},
		{name: "draft form missing", as: "tepai", method: "GET", url: "/envoy/visits/nope/challenge", status: 404},
		{name: "draft without a title", as: "tepai", method: "POST", url: du, form: with(draft, "title", ""), status: 422, want: []string{"请填写标题"}},
		// A form that does not parse stores nothing and tells nobody (the
		// count of drafts below is 1): the envoy corrects it first.
		{name: "draft with a budget that is no number", as: "tepai", method: "POST", url: du, form: with(draft, "budget_max", "五十万"), status: 422, want: []string{"预算应为", "储能柜热失控早期预警系统ZXQ"}},
		{name: "draft with a deadline that is no date", as: "tepai", method: "POST", url: du, form: with(draft, "deadline", "明年年底"), status: 422, want: []string{"请按 年-月-日 填写日期"}},
		{name: "draft with an unknown mode", as: "tepai", method: "POST", url: du, form: twoModes, status: 422, want: []string{"不支持的合作方式"}},
		{name: "draft that does not parse, another envoy's visit", as: "tepai2", method: "POST", url: du, form: with(draft, "budget_max", "五十万"), status: 404},
		{name: "draft that does not parse, a village visit", as: "tepai", method: "POST", url: "/envoy/visits/" + villageVisit + "/challenge", form: with(draft, "budget_max", "五十万"), status: 404},
		{name: "draft wrong role", as: "qiye", method: "POST", url: du, form: draft, status: 403},
		{name: "draft for another envoy's visit", as: "tepai2", method: "POST", url: du, form: draft, status: 404},
		{name: "draft missing", as: "tepai", method: "POST", url: "/envoy/visits/nope/challenge", form: draft, status: 404},
		{name: "draft", as: "tepai", method: "POST", url: du, form: draft, status: 303},
	})
	drafted, err := ev.Drafted(ctx, tepai)
	if err != nil || len(drafted) != 1 {
		t.Fatalf("drafted %+v %v", drafted, err)
	}
	cid := drafted[0].ChallengeID
	cu := "/challenges/" + cid

	runScenarios(t, st, rec, []scenario{
		// Before the enterprise confirms: nobody else reads it, nothing lists it.
		{name: "unconfirmed: anonymous", method: "GET", url: cu, status: 404},
		{name: "unconfirmed: an institute", as: "yuansuo", method: "GET", url: cu, status: 404},
		{name: "unconfirmed: the envoy", as: "tepai", method: "GET", url: cu, status: 404},
		{name: "unconfirmed: not listed", method: "GET", url: "/challenges?limit=50", status: 200, notWant: []string{cid, "ZXQ"}},
		{name: "unconfirmed: not found by search", method: "GET", url: "/challenges?q=" + url.QueryEscape("热失控早期预警系统"), status: 200, notWant: []string{cid, "ZXQ"}},
		{name: "unconfirmed: not in the API", method: "GET", url: "/api/v1/challenges/" + cid, status: 404},
		{name: "unconfirmed: the enterprise reads its draft", as: "qiye", method: "GET", url: cu, status: 200, want: []string{"储能柜热失控早期预警系统ZXQ", "编辑"}},
		{name: "the enterprise's list", as: "qiye", method: "GET", url: "/my/envoy-drafts", status: 200, want: []string{"储能柜热失控早期预警系统ZXQ", "待企业确认", "特派员老周", "确认发布", "退回"}},
		{name: "the enterprise's inbox", as: "qiye", method: "GET", url: "/inbox", status: 200, want: []string{"特派员老周为贵单位代拟了技术需求"}},
		{name: "the enterprise's 我的对接 points to it", as: "qiye", method: "GET", url: "/my", status: 200, want: []string{"科技特派员为贵单位代拟了 1 条技术需求", `href="/my/envoy-drafts"`}},
		{name: "drafts wrong role", as: "yuansuo", method: "GET", url: "/my/envoy-drafts", status: 403},
		{name: "the envoy sees the state", as: "tepai", method: "GET", url: "/envoy", status: 200, want: []string{"储能柜热失控早期预警系统ZXQ", "待企业确认"}},
		{name: "the enterprise edits first", as: "qiye", method: "POST", url: cu + "/edit", form: with(draft, "title", "储能柜热失控早期预警系统ZXQ（企业修改）"), status: 303},
		{name: "still unlisted after the edit", method: "GET", url: "/challenges?limit=50", status: 200, notWant: []string{cid}},
		{name: "confirm wrong role", as: "tepai", method: "POST", url: "/my/envoy-drafts/" + cid + "/confirm", status: 403},
		{name: "confirm missing", as: "qiye", method: "POST", url: "/my/envoy-drafts/nope/confirm", status: 404},
		{name: "confirm", as: "qiye", method: "POST", url: "/my/envoy-drafts/" + cid + "/confirm", status: 303},
		{name: "confirm twice", as: "qiye", method: "POST", url: "/my/envoy-drafts/" + cid + "/confirm", status: 409},
		{name: "confirmed: public", method: "GET", url: cu, status: 200, want: []string{"储能柜热失控早期预警系统ZXQ（企业修改）"}},
		{name: "confirmed: listed", method: "GET", url: "/challenges?limit=50", status: 200, want: []string{cid}},
		{name: "confirmed: the envoy sees it", as: "tepai", method: "GET", url: "/envoy", status: 200, want: []string{"企业已确认"}},
		{name: "second draft", as: "tepai", method: "POST", url: du, form: with(draft, "title", "储能柜消防联动改造"), status: 303},
	})
	drafted, _ = ev.Drafted(ctx, tepai)
	second := ""
	for _, d := range drafted {
		if d.State == duijie.OriginAwaiting {
			second = d.ChallengeID
		}
	}
	ru := "/my/envoy-drafts/" + second + "/return"
	runScenarios(t, st, rec, []scenario{
		{name: "return without a reason", as: "qiye", method: "POST", url: ru, form: url.Values{"note": {" "}}, status: 422, want: []string{"请填写退回原因"}},
		{name: "return wrong role", as: "tepai", method: "POST", url: ru, form: url.Values{"note": {"x"}}, status: 403},
		{name: "return missing", as: "qiye", method: "POST", url: "/my/envoy-drafts/nope/return", form: url.Values{"note": {"x"}}, status: 404},
		{name: "return someone else's", as: "qiye", method: "POST", url: "/my/envoy-drafts/ch-a001/return", form: url.Values{"note": {"x"}}, status: 404},
		{name: "return", as: "qiye", method: "POST", url: ru, form: url.Values{"note": {"消防改造已另行委托"}}, status: 303},
		{name: "returned: never public", method: "GET", url: "/challenges/" + second, status: 404},
		{name: "returned: the envoy reads why", as: "tepai", method: "GET", url: "/envoy", status: 200, want: []string{"企业已退回", "消防改造已另行委托"}},
		{name: "the broker sees the drafts", as: "jingjiren", method: "GET", url: "/broker/envoys?envoy=u-tepai", status: 200, want: []string{"储能柜热失控早期预警", "企业已退回", "石门村"}, notWant: []string{"六安市骏驰电动车辆有限公司</td>"}},
		{name: "the broker filters by county", as: "jingjiren", method: "GET", url: "/broker/envoys?county=la-huoshan", status: 200, want: []string{"村集体茶厂加工改造"}, notWant: []string{"/envoy/visits/" + vid + `"`}},
		{name: "the dashboard counts visits", as: "jingjiren", method: "GET", url: "/broker/dashboard", status: 200, want: []string{"科技特派员", "走访次数", "来自走访的需求", "科技特派员成效", "特派员老周"}},
		{name: "end wrong role", as: "tepai", method: "POST", url: "/broker/envoys/assignments/" + ent + "/end", status: 403},
		{name: "end missing", as: "jingjiren", method: "POST", url: "/broker/envoys/assignments/nope/end", status: 404},
		{name: "end", as: "jingjiren", method: "POST", url: "/broker/envoys/assignments/" + ent + "/end", status: 303},
		{name: "end twice", as: "jingjiren", method: "POST", url: "/broker/envoys/assignments/" + ent + "/end", status: 409},
		{name: "no drafts for an enterprise no longer served", as: "tepai", method: "POST", url: du, form: draft, status: 403, want: []string{"未派驻在安徽淠源新能源科技有限公司"}},
	})
	d, err := st.srv.rp.Dashboard(ctx, broker, mustQuery(t, today))
	if err != nil {
		t.Fatal(err)
	}
	if d.Envoys.Visits < 2 || d.Envoys.Challenges < 1 || d.Envoys.Envoys < 1 {
		t.Errorf("dashboard envoys: %+v", d.Envoys)
	}
}

// addMember makes an enterprise member account of org with a known
// password, like addEnvoy.
func addMember(t *testing.T, st *stack, id, username, org string) {
	t.Helper()
	ctx := context.Background()
	const password = "Qiye-2026-ok"
	h, err := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 1).Hash(ctx, password)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.db.CreateUser(ctx, &duijie.User{ID: id, Username: username, Role: duijie.RoleEnterprise, OrgID: org}, h); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	st.logins[username] = password
	st.mu.Unlock()
}

// TestEnvoyDraftsNoOracle is the no-oracle test of challenges an envoy
// drafts: what anonymous readers, an institute, a member of another
// enterprise, the drafting envoy and another envoy read on the public
// pages and the API (lists with totals and facets, search, match lists
// both ways, the home page's figures), their own pages, and the brokers'
// dashboard (its demand figures and the envoys' ones), are byte-identical
// before and after an envoy drafts challenges full of marker words, one
// left waiting for the enterprise and one it returned.
func TestEnvoyDraftsNoOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("loads its own demo store")
	}
	st := newTestStack(t)
	ctx := context.Background()
	ev := st.srv.svc.Envoys()
	tepai := addEnvoy(t, st, "u-tepai", "tepai", "特派员老周")
	addEnvoy(t, st, "u-tepai2", "tepai2", "特派员小吴")
	addMember(t, st, "u-qiye2", "qiye2", "ent-a02")
	broker := envoys.Actor{User: &duijie.User{ID: "u-demo-jingjiren", Role: duijie.RoleBroker}}
	as := &duijie.Assignment{EnvoyID: "u-tepai", OrgID: "ent-a01", Since: duijie.ParseDate("2026-01-01")}
	if err := ev.Assign(ctx, broker, as); err != nil {
		t.Fatal(err)
	}
	v := &duijie.Visit{AssignmentID: as.ID, On: duijie.Today(time.Now()), Topic: "陶瓷球成型工艺", Findings: "坯体开裂。"}
	if err := ev.LogVisit(ctx, tepai, v); err != nil {
		t.Fatal(err)
	}

	public := []string{
		"/", "/challenges", "/capabilities", "/challenges?q=" + url.QueryEscape("氮化硅陶瓷球"),
		"/capabilities?q=" + url.QueryEscape("氮化硅陶瓷球 坯体"), "/challenges?q=" + url.QueryEscape("陶瓷"),
		"/challenges?region_tier=local", "/challenges?region=la-etdz", "/challenges?industry=materials",
		"/capabilities/cap-a093", "/capabilities/cap-a093?local=1", "/challenges/ch-a001",
		"/api/v1/challenges?q=" + url.QueryEscape("坯体"), "/api/v1/challenges?region=la-etdz",
		"/api/v1/capabilities/cap-a093/matches", "/api/v1/capabilities/cap-a093/matches?local=1",
	}
	readers := map[string][]string{
		"":        public,
		"yuansuo": public,
		"qiye2":   append([]string{"/my", "/my/envoy-drafts", "/inbox"}, public...),
		"tepai":   public,
		"tepai2":  append([]string{"/envoy"}, public...),
		// The brokers read the drafts; their dashboard counts neither a
		// waiting nor a returned one as a demand or an envoy's result.
		"jingjiren": {"/broker/dashboard"},
	}
	token := regexp.MustCompile(`(name="_csrf" value=|name="csrf-token" content=)"[^"]*"`)
	inbox := regexp.MustCompile(`<a class="inbox"[^>]*>.*?</a>`)
	snapshot := func(who string) map[string]string {
		out := map[string]string{}
		c := st.as(t, who)
		for _, target := range readers[who] {
			res, body := c.do(t, "GET", target, nil, nil)
			if res.StatusCode != 200 {
				t.Fatalf("%s: GET %s: %d", who, target, res.StatusCode)
			}
			// The drafting envoy is told of the return in the inbox.
			out[target] = inbox.ReplaceAllString(token.ReplaceAllString(body, "$1"), "")
		}
		return out
	}
	before := map[string]map[string]string{}
	for who := range readers {
		before[who] = snapshot(who)
	}

	markers := "氮化硅陶瓷球的坯体在烧结时开裂，素坯密度不均，热等静压后仍有气孔；钇稳定氧化锆球磨混料和凝胶注模都试过。"
	du := "/envoy/visits/" + v.ID + "/challenge"
	for _, title := range []string{"氮化硅陶瓷球坯体烧结开裂", "素坯密度不均凝胶注模"} {
		form := url.Values{"title": {title}, "problem": {markers}, "industry": {"materials"}, "field": {"氮化硅陶瓷"},
			"keywords": {"氮化硅陶瓷球、坯体、凝胶注模"}, "modes": {"技术开发"}, "visibility": {"public"}}
		if res, body := st.as(t, "tepai").do(t, "POST", du, form, nil); res.StatusCode != 303 {
			t.Fatalf("draft %s: %d %.400s", title, res.StatusCode, body)
		}
	}
	drafted, err := ev.Drafted(ctx, tepai)
	if err != nil || len(drafted) != 2 {
		t.Fatalf("drafted %+v %v", drafted, err)
	}
	if res, _ := st.as(t, "qiye").do(t, "POST", "/my/envoy-drafts/"+drafted[0].ChallengeID+"/return", url.Values{"note": {"不需要了"}}, nil); res.StatusCode != 303 {
		t.Fatalf("return: %d", res.StatusCode)
	}
	// The index has applied the drafts and the return (lists hide what it
	// has not, so an unapplied change would pass unseen).
	if pending, err := st.db.Changes(ctx, indexer.Consumer, 100); err != nil || len(pending) != 0 {
		t.Fatalf("changes the index has not applied: %+v %v", pending, err)
	}
	if _, body := st.as(t, "qiye").do(t, "GET", "/my/envoy-drafts", nil, nil); !strings.Contains(body, "素坯密度不均凝胶注模") {
		t.Fatal("the enterprise does not see the draft waiting for it")
	}

	for who := range readers {
		after := snapshot(who)
		for _, target := range readers[who] {
			if b, a := before[who][target], after[target]; b != a {
				i := 0
				for i < len(a) && i < len(b) && a[i] == b[i] {
					i++
				}
				t.Errorf("%q: GET %s changed after an envoy's drafts:\nbefore …%s\nafter  …%s", who, target, around(b, i), around(a, i))
			}
		}
	}
}
