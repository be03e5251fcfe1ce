package server

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

// scenario is one request and what must come back.
type scenario struct {
	name    string
	as      string // demo username; "" anonymous
	method  string
	url     string
	form    url.Values // sent as a form with the CSRF token
	json    string     // sent as JSON (API)
	status  int
	want    []string
	notWant []string
}

func runScenarios(t *testing.T, st *stack, rec *recorder, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			c := st.as(t, sc.as)
			var header map[string]string
			form := sc.form
			if sc.json != "" {
				header = map[string]string{"Content-Type": "application/json", "X-CSRF-Token": c.csrf}
			}
			res, body := c.doJSON(t, sc.method, sc.url, form, sc.json, header)
			rec.hit(sc.method, sc.url, res)
			if res != sc.status {
				t.Fatalf("status %d, want %d; body: %.600s", res, sc.status, body)
			}
			for _, w := range sc.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q; body: %.800s", w, body)
				}
			}
			for _, w := range sc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("body has %q", w)
				}
			}
		})
	}
}

func (c *client) doJSON(t *testing.T, method, target string, form url.Values, body string, header map[string]string) (int, string) {
	t.Helper()
	if body == "" {
		if form == nil && method == "POST" {
			form = url.Values{}
		}
		res, b := c.do(t, method, target, cloneValues(form), header)
		return res.StatusCode, b
	}
	res, b := c.doRaw(t, method, target, body, header)
	return res.StatusCode, b
}

const validChallenge = `{"title":"低温等离子体处理茶叶农残的中试验证","problem":"六安瓜片鲜叶加工前需降低农药残留，希望验证低温等离子体处理的效果与茶叶品质影响。","industry":"food","modes":["技术开发"],"visibility":"public","publish":true}`

// TestRoutes walks every route of the table through app.Test, pages and
// API, then checks that each route was called with success, and, where
// they apply, with bad input, by a wrong role and for a missing object.
func TestRoutes(t *testing.T) {
	st := mustStack(t)
	rec := newRecorder(st.srv.routes())
	t.Run("accounts", func(t *testing.T) { testAccounts(t, st, rec) }) // before pages, which sign demo users out
	t.Run("pages", func(t *testing.T) { testPages(t, st, rec) })
	t.Run("workflow", func(t *testing.T) { testWorkflow(t, st, rec) })
	t.Run("workflow api", func(t *testing.T) { testWorkflowAPI(t, st, rec) })
	t.Run("reports", func(t *testing.T) { testReports(t, st, rec) })
	t.Run("api", func(t *testing.T) { testAPI(t, st, rec) })
	t.Run("import and audit log", func(t *testing.T) { testImport(t, st, rec) })
	t.Run("calls", func(t *testing.T) { testCalls(t, st, rec) })
	t.Run("operations", func(t *testing.T) { testOperations(t, st, rec) })
	t.Run("metrics", func(t *testing.T) { testMetrics(t, st, rec) })
	t.Run("envoys", func(t *testing.T) { testEnvoys(t, st, rec) }) // 科技特派员 (routes_envoys_test.go)
	t.Run("events", func(t *testing.T) { testEvents(t, st, rec) })
	rec.check(t)
}

func testPages(t *testing.T, st *stack, rec *recorder) {
	st.mu.Lock()
	st.logins["lvtc"] = "Lvtc-2026-ok" // registers below
	st.mu.Unlock()
	scenarios := []scenario{
		{name: "home", method: "GET", url: "/", status: 200, want: []string{"企业出题", "最新技术需求"}},
		{name: "home lists no bureau-only challenge", method: "GET", url: "/challenges?limit=50&offset=0", status: 200, notWant: []string{"/challenges/ch-a015\"", "/challenges/ch-a036\""}},
		{name: "login form", method: "GET", url: "/login", status: 200, want: []string{"用户名", `name="_csrf"`}},
		{name: "login wrong password", method: "POST", url: "/login", form: url.Values{"username": {"qiye"}, "password": {"wrong-Passw0rd"}}, status: 401, want: []string{"用户名或密码不正确"}},
		{name: "login unknown user same message", method: "POST", url: "/login", form: url.Values{"username": {"nobody"}, "password": {"x"}}, status: 401, want: []string{"用户名或密码不正确"}},
		{name: "login without csrf", method: "POST", url: "/login", form: url.Values{"_csrf": {"forged"}, "username": {"qiye"}, "password": {"x"}}, status: 403, want: []string{"页面已过期"}},
		{name: "register form", method: "GET", url: "/register", status: 200, want: []string{"统一社会信用代码", `<option value="la-huoshan">六安市霍山县</option>`, `<optgroup label="合肥">`}},
		{name: "register with a region not on the list", method: "POST", url: "/register", form: url.Values{"org_kind": {"institute"}, "org_name": {"六安某研究所"}, "region": {"安徽省六安市"}, "username": {"lvtc3"}, "password": {"Lvtc-2026-ok"}, "password2": {"Lvtc-2026-ok"}, "phone": {"13900000003"}}, status: 422,
			want: []string{"不支持的地区：安徽省六安市，请从列表中选择"}},
		{name: "register bad input keeps values", method: "POST", url: "/register", form: url.Values{"org_kind": {"enterprise"}, "org_name": {"六安测试<script>科技有限公司"}, "region": {"安徽省六安市"}, "credit_code": {"123"}, "username": {"9bad"}, "password": {"short"}, "password2": {"short"}, "phone": {"12345"}, "email": {"a@b"}}, status: 422,
			want: []string{"统一社会信用代码应为 18 位且校验位正确", "用户名应为", "六安测试&lt;script&gt;科技有限公司", "请填写手机号", "邮箱格式不正确"}, notWant: []string{"<script>科技"}},
		{name: "register reports every error with a mismatched password", method: "POST", url: "/register", form: url.Values{"org_kind": {"enterprise"}, "org_name": {""}, "region": {""}, "credit_code": {"1"}, "username": {"x"}, "password": {"Abcdefgh-1"}, "password2": {"other"}}, status: 422,
			want: []string{"两次输入的密码不一致", "统一社会信用代码应为", "用户名应为", "请填写单位名称"}},
		{name: "password form needs sign-in", method: "GET", url: "/account/password", status: 303},
		{name: "password form", as: "qiye", method: "GET", url: "/account/password", status: 200, want: []string{"当前密码"}},
		{name: "password wrong current", as: "qiye", method: "POST", url: "/account/password", form: url.Values{"current": {"nope"}, "password": {"Abcdefg-12345"}, "password2": {"Abcdefg-12345"}}, status: 422, want: []string{"当前密码不正确"}},
		{name: "my page", as: "qiye", method: "GET", url: "/my", status: 200, want: []string{"安徽淠源新能源科技有限公司", "我发布的技术需求", "ch-a002"}},
		{name: "my page anonymous", method: "GET", url: "/my", status: 303},
		{name: "my page wrong role", as: "jingjiren", method: "GET", url: "/my", status: 403, want: []string{"无权访问"}},

		{name: "challenge list search", method: "GET", url: "/challenges?q=" + url.QueryEscape("电池热管理"), status: 200, want: []string{"<mark>", "共"}},
		{name: "challenge list facet", method: "GET", url: "/challenges?industry=food", status: 200, want: []string{"绿色食品"}},
		{name: "challenge list county facet", method: "GET", url: "/challenges", status: 200, want: []string{"六安区县", "金安区", "region=la-jinan", "显示已截止"}},
		{name: "challenge list county filter", method: "GET", url: "/challenges?region=la-huoshan&limit=50", status: 200, want: []string{"霍山县", "/challenges?expired=1&amp;limit=50&amp;region=la-huoshan"}, notWant: []string{"合肥市</span>", "摘要公开 · 详情经科技局引荐"}},
		{name: "capability list county filter", method: "GET", url: "/capabilities?region=hefei", status: 200, want: []string{"合肥市"}, notWant: []string{"六安市金安区</span>", "显示已截止"}},
		{name: "challenge list query too long", method: "GET", url: "/challenges?q=" + strings.Repeat("电", 101), status: 422, want: []string{"搜索词不能超过"}},
		{name: "challenge list odd paging", method: "GET", url: "/challenges?offset=-5&limit=9999&trl=99", status: 200},
		{name: "challenge list paged too far", method: "GET", url: "/challenges?offset=5000", status: 422, want: []string{"最多浏览前 1000 条"}},
		{name: "summary challenges do not answer a region filter", method: "GET", url: "/challenges?region_tier=local&limit=50", status: 200, notWant: []string{"摘要公开 · 详情经科技局引荐"}},
		{name: "summary challenges do answer a plain list", method: "GET", url: "/challenges?limit=50", status: 200, want: []string{"摘要公开 · 详情经科技局引荐"}},
		{name: "challenge public", method: "GET", url: "/challenges/ch-a001", status: 200, want: []string{"问题描述", "推荐的科技成果与院所", "class=\"chip hit\""}},
		{name: "challenge summary redacted", method: "GET", url: "/challenges/ch-a002", status: 200, want: []string{"仅对科技局和获邀机构开放"}, notWant: []string{"问题描述", "安徽淠源新能源"}},
		{name: "challenge summary for its owner", as: "qiye", method: "GET", url: "/challenges/ch-a002", status: 200, want: []string{"问题描述", "编辑"}},
		{name: "challenge summary for the broker", as: "jingjiren", method: "GET", url: "/challenges/ch-a002", status: 200, want: []string{"问题描述"}},
		{name: "challenge bureau-only is 404", as: "yuansuo", method: "GET", url: "/challenges/ch-a015", status: 404, want: []string{"请求编号"}},
		{name: "challenge bureau-only for the broker", as: "jingjiren", method: "GET", url: "/challenges/ch-a015", status: 200},
		{name: "challenge missing", method: "GET", url: "/challenges/ch-nope", status: 404, want: []string{"不存在"}},
		{name: "challenge local first", method: "GET", url: "/challenges/ch-a001?local=1", status: 200, want: []string{"取消本地优先"}},
		{name: "challenge new form", as: "qiye", method: "GET", url: "/challenges/new", status: 200, want: []string{"发布需求", "需求完整度"}},
		{name: "challenge new wrong role", as: "yuansuo", method: "GET", url: "/challenges/new", status: 403},
		{name: "challenge new anonymous", method: "GET", url: "/challenges/new", status: 303},
		{name: "challenge create bad input", as: "qiye", method: "POST", url: "/challenges/new", form: url.Values{"title": {""}, "problem": {"<b>x</b>"}, "budget_min": {"abc"}, "deadline": {"明天"}}, status: 422,
			want: []string{"请填写标题", "预算应为", "请按 年-月-日", "请选择所属产业", "请至少选择一种合作方式", "&lt;b&gt;x&lt;/b&gt;"}},
		{name: "challenge create", as: "qiye", method: "POST", url: "/challenges/new", form: url.Values{"title": {"茶园无人机植保的精准施药算法"}, "problem": {"希望提高茶园无人机施药的均匀度，减少农药用量。"}, "industry": {"food"}, "modes": {"技术开发", "技术服务"}, "visibility": {"public"}, "action": {"publish"}}, status: 303},
		{name: "challenge edit form", as: "qiye", method: "GET", url: "/challenges/ch-a001/edit", status: 200, want: []string{"保存修改"}},
		{name: "challenge edit someone else's", as: "qiye", method: "GET", url: "/challenges/ch-a015/edit", status: 404},
		{name: "challenge update bad input", as: "qiye", method: "POST", url: "/challenges/ch-a001/edit", form: url.Values{"title": {strings.Repeat("长", 61)}, "industry": {"nev"}, "modes": {"技术开发"}, "visibility": {"public"}, "problem": {"x"}}, status: 422, want: []string{"标题不能超过 60 个字"}},
		{name: "challenge update someone else's", as: "qiye", method: "POST", url: "/challenges/ch-a015/edit", form: url.Values{"title": {"x"}}, status: 404},
		{name: "challenge status bad transition", as: "qiye", method: "POST", url: "/challenges/ch-a001/status", form: url.Values{"status": {"draft"}}, status: 409},
		{name: "challenge status wrong role", as: "yuansuo", method: "POST", url: "/challenges/ch-a001/status", form: url.Values{"status": {"closed"}}, status: 403},
		{name: "challenge interest bad input", as: "yuansuo", method: "POST", url: "/challenges/ch-a001/interest", form: url.Values{"approach": {""}, "months": {"0"}}, status: 422, want: []string{"请填写技术路线", "预计周期"}},
		{name: "challenge interest", as: "yuansuo", method: "POST", url: "/challenges/ch-a001/interest", form: url.Values{"approach": {"采用微通道液冷板与分区流量控制"}, "team": {"李老师团队 6 人"}, "months": {"8"}, "cost_min": {"30"}, "cost_max": {"50"}}, status: 303},
		{name: "challenge interest twice", as: "yuansuo", method: "POST", url: "/challenges/ch-a001/interest", form: url.Values{"approach": {"再次提交"}, "team": {"同上"}, "months": {"8"}}, status: 422, want: []string{"已提交揭榜意向"}},
		{name: "challenge interest on bureau-only", as: "yuansuo", method: "POST", url: "/challenges/ch-a015/interest", form: url.Values{"approach": {"x"}, "team": {"y"}, "months": {"3"}}, status: 404},
		{name: "challenge interest wrong role", as: "qiye", method: "POST", url: "/challenges/ch-a001/interest", form: url.Values{"approach": {"x"}}, status: 403},

		{name: "capability list", method: "GET", url: "/capabilities?kind=equipment", status: 200, want: []string{"平台"}},
		{name: "capability show", method: "GET", url: "/capabilities/cap-a001", status: 200, want: []string{"简介", "可能的企业需求"}},
		{name: "capability missing", method: "GET", url: "/capabilities/nope", status: 404},
		{name: "capability new form", as: "yuansuo", method: "GET", url: "/capabilities/new", status: 200, want: []string{"成熟度", `<option value="">与单位所在地相同</option>`, `<option value="la-etdz">六安经济技术开发区</option>`}},
		{name: "capability new wrong role", as: "qiye", method: "GET", url: "/capabilities/new", status: 403},
		{name: "capability create bad input", as: "yuansuo", method: "POST", url: "/capabilities/new", form: url.Values{"kind": {"achievement"}, "trl": {"12"}, "region": {"六安"}}, status: 422, want: []string{"成熟度应为", "请填写标题", "不支持的地区：六安"}},
		{name: "capability create", as: "yuansuo", method: "POST", url: "/capabilities/new", form: url.Values{"kind": {"achievement"}, "title": {"茶叶加工废水生物处理工艺"}, "description": {"针对茶叶加工废水有机物浓度高的特点，开发了厌氧-好氧组合生物处理工艺。"}, "trl": {"6"}, "industry": {"green"}, "modes": {"技术转让"}, "action": {"publish"}}, status: 303},
		{name: "capability edit form", as: "yuansuo", method: "GET", url: "/capabilities/cap-a008/edit", status: 200, want: []string{`<option value="la-jinan" selected>`}},
		{name: "capability edit someone else's", as: "yuansuo", method: "GET", url: "/capabilities/cap-a001/edit", status: 404},
		{name: "capability update", as: "yuansuo", method: "POST", url: "/capabilities/cap-a018/edit", form: url.Values{"kind": {"equipment"}, "title": {"皖西学院分析测试平台（更新）"}, "description": {"提供材料成分与结构分析服务。"}, "trl": {"9"}, "industry": {"materials"}, "modes": {"技术服务"}}, status: 303},
		{name: "capability update someone else's", as: "yuansuo", method: "POST", url: "/capabilities/cap-a001/edit", form: url.Values{"title": {"x"}}, status: 404},
		{name: "capability close", as: "yuansuo", method: "POST", url: "/capabilities/cap-a008/status", form: url.Values{"status": {"closed"}}, status: 303},
		{name: "capability closed hidden", method: "GET", url: "/capabilities/cap-a008", status: 404},
		{name: "capability reopen", as: "yuansuo", method: "POST", url: "/capabilities/cap-a008/status", form: url.Values{"status": {"published"}}, status: 303},
		{name: "capability interest", as: "qiye", method: "POST", url: "/capabilities/cap-a001/interest", form: url.Values{"approach": {"希望应用于电池包热管理"}}, status: 303},
		{name: "capability interest bad input", as: "qiye", method: "POST", url: "/capabilities/cap-a018/interest", form: url.Values{"approach": {""}}, status: 422, want: []string{"请填写对接需求"}},
		{name: "capability interest wrong role", as: "yuansuo", method: "POST", url: "/capabilities/cap-a001/interest", form: url.Values{"approach": {"x"}}, status: 403},

		{name: "queue", as: "jingjiren", method: "GET", url: "/broker/queue", status: 200, want: []string{"院所揭榜", "待受理", "皖西学院"}},
		{name: "my page: a proposal waits for the bureau, the proposer not named yet", as: "qiye", method: "GET", url: "/my", status: 200, want: []string{"待受理", "科技局审核中"}, notWant: []string{"采用微通道液冷板", "皖西学院"}},
		{name: "queue wrong role", as: "qiye", method: "GET", url: "/broker/queue", status: 403},
		{name: "contact reveal", as: "jingjiren", method: "POST", url: "/broker/contacts/u-demo-yuansuo", form: url.Values{}, status: 200, want: []string{"13905640202", "皖西学院", "记入审计日志"}},
		{name: "contact reveal missing", as: "jingjiren", method: "POST", url: "/broker/contacts/nope", form: url.Values{}, status: 404},
		{name: "contact reveal wrong role", as: "qiye", method: "POST", url: "/broker/contacts/u-demo-yuansuo", form: url.Values{}, status: 403},
		{name: "org review list", as: "jingjiren", method: "GET", url: "/broker/orgs", status: 200, want: []string{"注册审核"}},
		{name: "org review wrong role", as: "yuansuo", method: "GET", url: "/broker/orgs", status: 403},
		{name: "org review bad decision", as: "jingjiren", method: "POST", url: "/broker/orgs/ent-a01", form: url.Values{"decision": {"maybe"}}, status: 422},
		{name: "org review already reviewed", as: "jingjiren", method: "POST", url: "/broker/orgs/ent-a01", form: url.Values{"decision": {"approve"}}, status: 409},
		{name: "org review missing", as: "jingjiren", method: "POST", url: "/broker/orgs/nope", form: url.Values{"decision": {"approve"}}, status: 404},
		{name: "users", as: "xitong", method: "GET", url: "/admin/users", status: 200, want: []string{"jingjiren"}},
		{name: "users wrong role", as: "shenji", method: "GET", url: "/admin/users", status: 403},
		{name: "user create bad input", as: "xitong", method: "POST", url: "/admin/users", form: url.Values{"username": {"x"}, "role": {"enterprise"}}, status: 422, want: []string{"请选择角色"}},
		{name: "user create", as: "xitong", method: "POST", url: "/admin/users", form: url.Values{"username": {"broker2"}, "display_name": {"新经纪人"}, "role": {"broker"}}, status: 200, want: []string{"初始密码"}},
		{name: "user create duplicate", as: "xitong", method: "POST", url: "/admin/users", form: url.Values{"username": {"broker2"}, "role": {"broker"}}, status: 422, want: []string{"已被使用"}},
		{name: "audit", as: "shenji", method: "GET", url: "/admin/audit", status: 200, want: []string{"校验通过", "登录成功", "查看联系方式"}},
		{name: "audit wrong role", as: "xitong", method: "GET", url: "/admin/audit", status: 403},
		{name: "locks", as: "anquan", method: "GET", url: "/security/users", status: 200, want: []string{"账号安全", "qiye"}},
		{name: "locks wrong role", as: "xitong", method: "GET", url: "/security/users", status: 403},
		{name: "unlock", as: "anquan", method: "POST", url: "/security/users/u-demo-shenji/unlock", form: url.Values{}, status: 303},
		{name: "unlock missing", as: "anquan", method: "POST", url: "/security/users/nope/unlock", form: url.Values{}, status: 404},
		{name: "unlock wrong role", as: "xitong", method: "POST", url: "/security/users/u-demo-shenji/unlock", form: url.Values{}, status: 403},
		{name: "logout", as: "anquan", method: "POST", url: "/logout", status: 303},
		{name: "unknown page", method: "GET", url: "/nope", status: 404, want: []string{"页面不存在", "请求编号"}},
		{name: "login", method: "POST", url: "/login", form: url.Values{"username": {"gongyanyuan"}, "password": {st.logins["gongyanyuan"]}, "next": {"//evil.example/x"}}, status: 303},
		{name: "register", method: "POST", url: "/register", form: url.Values{"org_kind": {"institute"}, "org_name": {"六安职业技术学院（测试）"}, "region": {"la-yuan"}, "username": {"lvtc"}, "password": {"Lvtc-2026-ok"}, "password2": {"Lvtc-2026-ok"}, "phone": {"0564 3399001"}}, status: 303},
		{name: "pending organisation: no post button", as: "lvtc", method: "GET", url: "/my", status: 200, want: []string{"等待科技局审核"}, notWant: []string{"/capabilities/new"}},
		{name: "pending organisation: the form comes back with what was typed", as: "lvtc", method: "POST", url: "/capabilities/new", form: url.Values{"kind": {"direction"}, "title": {"茶园土壤改良研究"}, "description": {"研究方向简介"}, "industry": {"food"}, "modes": {"技术咨询"}, "action": {"publish"}}, status: 422, want: []string{"待审核", "茶园土壤改良研究"}},
		{name: "register the same name again", method: "POST", url: "/register", form: url.Values{"org_kind": {"institute"}, "org_name": {"六安职业技术学院（测试）"}, "region": {"la-yuan"}, "username": {"lvtc2"}, "password": {"Lvtc-2026-ok"}, "password2": {"Lvtc-2026-ok"}, "phone": {"13900000002"}}, status: 422, want: []string{"该单位已注册"}},
		{name: "challenge edit form wrong role", as: "yuansuo", method: "GET", url: "/challenges/ch-a001/edit", status: 403},
		{name: "capability edit form wrong role", as: "qiye", method: "GET", url: "/capabilities/cap-a018/edit", status: 403},
		{name: "challenge create wrong role", as: "yuansuo", method: "POST", url: "/challenges/new", form: url.Values{"title": {"x"}}, status: 403},
		{name: "challenge update", as: "qiye", method: "POST", url: "/challenges/ch-a002/edit", form: url.Values{"title": {"物流车电池包低温预热方案"}, "problem": {"冬季低温下电池包充电慢，需要预热方案。"}, "industry": {"nev"}, "modes": {"技术开发"}, "visibility": {"summary"}}, status: 303},
		{name: "challenge update wrong role", as: "yuansuo", method: "POST", url: "/challenges/ch-a002/edit", form: url.Values{"title": {"x"}}, status: 403},
		{name: "challenge close without a reason", as: "qiye", method: "POST", url: "/challenges/ch-a002/status", form: url.Values{"status": {"closed"}, "note": {"<b>备注</b>"}}, status: 422, want: []string{"请选择关闭原因", "&lt;b&gt;备注&lt;/b&gt;", "确认关闭"}},
		{name: "challenge close other without a note", as: "qiye", method: "POST", url: "/challenges/ch-a002/status", form: url.Values{"status": {"closed"}, "reason": {"other"}}, status: 422, want: []string{"请填写说明", `<option value="other" selected>`}},
		{name: "challenge close", as: "qiye", method: "POST", url: "/challenges/ch-a002/status", form: url.Values{"status": {"closed"}, "reason": {"postponed"}, "note": {"明年再议"}}, status: 303},
		{name: "challenge closed: the owner reads why", as: "qiye", method: "GET", url: "/challenges/ch-a002", status: 200, want: []string{"关闭原因：项目暂缓或取消（明年再议）", "重新发布"}},
		{name: "challenge closed: the broker reads why", as: "jingjiren", method: "GET", url: "/challenges/ch-a002", status: 200, want: []string{"关闭原因：项目暂缓或取消（明年再议）"}},
		{name: "challenge closed: others do not find it", as: "yuansuo", method: "GET", url: "/challenges/ch-a002", status: 404, notWant: []string{"明年再议"}},
		{name: "challenge reopen", as: "qiye", method: "POST", url: "/challenges/ch-a002/status", form: url.Values{"status": {"published"}}, status: 303},
		{name: "challenge status missing", as: "qiye", method: "POST", url: "/challenges/nope/status", form: url.Values{"status": {"closed"}}, status: 404},
		{name: "capability create wrong role", as: "qiye", method: "POST", url: "/capabilities/new", form: url.Values{"title": {"x"}}, status: 403},
		{name: "capability update bad input", as: "yuansuo", method: "POST", url: "/capabilities/cap-a018/edit", form: url.Values{"kind": {"robot"}, "title": {""}}, status: 422, want: []string{"请选择类型"}},
		{name: "capability update wrong role", as: "qiye", method: "POST", url: "/capabilities/cap-a018/edit", form: url.Values{"title": {"x"}}, status: 403},
		{name: "capability status missing", as: "yuansuo", method: "POST", url: "/capabilities/nope/status", form: url.Values{"status": {"closed"}}, status: 404},
		{name: "capability status wrong role", as: "qiye", method: "POST", url: "/capabilities/cap-a018/status", form: url.Values{"status": {"closed"}}, status: 403},
		{name: "capability interest missing", as: "qiye", method: "POST", url: "/capabilities/nope/interest", form: url.Values{"approach": {"x"}}, status: 404},
		{name: "org review wrong role", as: "qiye", method: "POST", url: "/broker/orgs/ent-a01", form: url.Values{"decision": {"approve"}}, status: 403},
		{name: "user create wrong role", as: "shenji", method: "POST", url: "/admin/users", form: url.Values{"username": {"x"}}, status: 403},
		{name: "password change", as: "gongyanyuan", method: "POST", url: "/account/password", form: url.Values{"current": {st.logins["gongyanyuan"]}, "password": {"Gong-2026-new!"}, "password2": {"Gong-2026-new!"}}, status: 303},
	}
	runScenarios(t, st, rec, scenarios)
	// The registration above waits for review: approve it.
	pending, err := st.srv.svc.PendingOrgs(context.Background(), portal.Actor{User: &duijie.User{Role: duijie.RoleBroker}})
	if err != nil || len(pending) == 0 {
		t.Fatalf("pending registrations: %v, %d", err, len(pending))
	}
	runScenarios(t, st, rec, []scenario{
		{name: "org approve", as: "jingjiren", method: "POST", url: "/broker/orgs/" + pending[0].ID, form: url.Values{"decision": {"approve"}}, status: 303},
	})
	t.Run("cross-site post refused", func(t *testing.T) {
		c := st.as(t, "yuansuo")
		res, body := c.do(t, "POST", "/capabilities/cap-a008/status", url.Values{"status": {"closed"}}, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
		if res.StatusCode != 403 || !strings.Contains(body, "其他网站") {
			t.Fatalf("status %d: %.300s", res.StatusCode, body)
		}
	})
}

func testAPI(t *testing.T, st *stack, rec *recorder) {
	anon := st.anon(t)
	code, body := anon.doRaw2(t, "POST", "/api/v1/tokens", `{"username":"qiye","password":"`+st.logins["qiye"]+`"}`, "")
	if code != 201 {
		t.Fatalf("token: %d %s", code, body)
	}
	var tok struct{ Token string }
	json.Unmarshal([]byte(body), &tok)
	institute := apiToken(t, st, "yuansuo")
	broker := apiToken(t, st, "jingjiren")
	admin := apiToken(t, st, "xitong")

	runAPIScenarios(t, st, rec, []apiScenario{
		{"list", "GET", "/api/v1/challenges?limit=2", "", "", 200, []string{`"items":[`, `"total":`}, nil},
		{"list search", "GET", "/api/v1/capabilities?q=" + url.QueryEscape("石斛"), "", "", 200, []string{"石斛"}, nil},
		{"get public", "GET", "/api/v1/challenges/ch-a001", "", "", 200, []string{`"problem":`}, nil},
		{"get summary redacted", "GET", "/api/v1/challenges/ch-a002", "", "", 200, []string{`"summary":true`}, []string{`"problem"`, `"org_name"`}},
		{"get bureau-only", "GET", "/api/v1/challenges/ch-a015", institute, "", 404, []string{`"code":"not_found"`}, nil},
		{"get bureau-only as broker", "GET", "/api/v1/challenges/ch-a015", broker, "", 200, nil, nil},
		{"get missing", "GET", "/api/v1/capabilities/nope", "", "", 404, nil, nil},
		{"matches", "GET", "/api/v1/challenges/ch-a001/matches?limit=3", "", "", 200, []string{`"reasons":`, `"parts":`}, nil},
		{"capability matches", "GET", "/api/v1/capabilities/cap-a001/matches?local=1", institute, "", 200, []string{`"items":[`}, nil},
		{"create anonymous", "POST", "/api/v1/challenges", "", validChallenge, 401, []string{"请先登录"}, nil},
		{"create wrong role", "POST", "/api/v1/challenges", institute, validChallenge, 403, nil, nil},
		{"create bad json", "POST", "/api/v1/challenges", tok.Token, `{"title":`, 422, []string{"JSON"}, nil},
		{"create unknown field", "POST", "/api/v1/challenges", tok.Token, `{"titel":"x"}`, 422, nil, nil},
		{"create invalid", "POST", "/api/v1/challenges", tok.Token, `{"title":"","industry":"x","modes":["捐赠"],"visibility":"public","problem":"p"}`, 422, []string{`"fields":`, "请填写标题", "不支持的合作方式"}, nil},
		{"create", "POST", "/api/v1/challenges", tok.Token, validChallenge, 201, []string{`"status":"published"`}, nil},
		{"update someone else's", "PUT", "/api/v1/challenges/ch-a015", tok.Token, validChallenge, 404, nil, nil},
		{"status bad", "POST", "/api/v1/challenges/ch-a001/status", tok.Token, `{"status":"draft"}`, 409, nil, nil},
		{"capability create", "POST", "/api/v1/capabilities", institute, `{"kind":"direction","title":"茶树病虫害智能识别","description":"基于深度学习的茶树病虫害图像识别研究。","trl":0,"industry":"ai","modes":["技术开发"],"publish":true}`, 201, []string{`"region":"la-jinan"`}, nil},
		{"capability create with a region of the list", "POST", "/api/v1/capabilities", institute, `{"kind":"expert","title":"茶叶加工专家","description":"长期从事茶叶加工研究。","trl":0,"industry":"food","modes":["技术咨询"],"region":"la-huoshan"}`, 201, []string{`"region":"la-huoshan"`}, nil},
		{"capability create with free-text region", "POST", "/api/v1/capabilities", institute, `{"kind":"expert","title":"茶叶加工专家","description":"长期从事茶叶加工研究。","trl":0,"industry":"food","modes":["技术咨询"],"region":"安徽省六安市霍山县"}`, 422, []string{"不支持的地区"}, nil},
		{"list by county", "GET", "/api/v1/capabilities?region=la-jinan&limit=50", "", "", 200, []string{`"region":"la-jinan"`}, []string{`"region":"hefei"`}},
		{"create with a past deadline", "POST", "/api/v1/challenges", tok.Token, `{"title":"过期需求","problem":"p","industry":"nev","modes":["技术开发"],"visibility":"public","deadline":"2020-01-01"}`, 422, []string{"截止日期不能早于今天"}, nil},
		{"interest", "POST", "/api/v1/challenges/ch-a003/interests", institute, `{"approach":"方案","team":"团队","months":6}`, 201, []string{`"kind":"proposal"`}, nil},
		{"interest invalid", "POST", "/api/v1/challenges/ch-a004/interests", institute, `{"approach":"","months":0}`, 422, []string{"months"}, nil},
		{"intro", "POST", "/api/v1/capabilities/cap-a002/interests", tok.Token, `{"approach":"希望对接"}`, 201, nil, nil},
		{"queue", "GET", "/api/v1/interests", broker, "", 200, []string{`"total":`, "proposal"}, nil},
		{"keywords", "POST", "/api/v1/keywords", tok.Token, `{"type":"challenge","title":"动力电池液冷板","text":"快充工况下电芯温差过大"}`, 200, []string{"keywords"}, nil},
		{"keywords bad type", "POST", "/api/v1/keywords", tok.Token, `{"type":"x"}`, 422, nil, nil},
		{"bad token", "GET", "/api/v1/interests", "dj_forged", "", 401, nil, nil},
		{"openapi", "GET", "/api/v1/openapi.json", "", "", 200, []string{`"openapi":"3.1.0"`}, nil},
		{"token", "POST", "/api/v1/tokens", "", `{"username":"anquan","password":"` + st.logins["anquan"] + `"}`, 201, []string{"dj_"}, nil},
		{"token wrong password", "POST", "/api/v1/tokens", "", `{"username":"anquan","password":"nope"}`, 422, []string{"用户名或密码不正确"}, nil},
		{"capability get", "GET", "/api/v1/capabilities/cap-a001", "", "", 200, []string{`"description":`}, nil},
		{"matches missing", "GET", "/api/v1/challenges/nope/matches", "", "", 404, nil, nil},
		{"capability matches missing", "GET", "/api/v1/capabilities/nope/matches", "", "", 404, nil, nil},
		{"interests wrong role", "GET", "/api/v1/interests", admin, "", 403, nil, nil},
		{"intro invalid", "POST", "/api/v1/capabilities/cap-a003/interests", tok.Token, `{"approach":""}`, 422, []string{"approach"}, nil},
		{"intro with negative numbers", "POST", "/api/v1/capabilities/cap-a003/interests", tok.Token, `{"approach":"x","months":-5,"cost_min":-3}`, 422, []string{"months", "cost"}, nil},
		{"create with a control character", "POST", "/api/v1/challenges", tok.Token, `{"title":"标题\u0000","problem":"p","industry":"nev","modes":["技术开发"],"visibility":"public"}`, 422, []string{"无法识别的字符"}, nil},
		{"list limit above the maximum", "GET", "/api/v1/capabilities?limit=51", "", "", 200, []string{`"total":`}, nil},
		{"intro missing", "POST", "/api/v1/capabilities/nope/interests", tok.Token, `{"approach":"x"}`, 404, nil, nil},
		{"intro wrong role", "POST", "/api/v1/capabilities/cap-a003/interests", institute, `{"approach":"x"}`, 403, nil, nil},
		{"proposal missing", "POST", "/api/v1/challenges/nope/interests", institute, `{"approach":"x","team":"y","months":3}`, 404, nil, nil},
		{"proposal wrong role", "POST", "/api/v1/challenges/ch-a003/interests", tok.Token, `{"approach":"x"}`, 403, nil, nil},
		{"capability create invalid", "POST", "/api/v1/capabilities", institute, `{"kind":"achievement","title":"x","description":"y","trl":0,"industry":"ai","modes":["技术开发"]}`, 422, []string{"成熟度"}, nil},
		{"capability create wrong role", "POST", "/api/v1/capabilities", tok.Token, `{}`, 403, nil, nil},
		{"capability update", "PUT", "/api/v1/capabilities/cap-a018", institute, `{"kind":"equipment","title":"皖西学院分析测试中心","description":"材料成分与结构分析。","trl":9,"industry":"materials","modes":["技术服务"]}`, 200, []string{"分析测试中心"}, nil},
		{"capability update invalid", "PUT", "/api/v1/capabilities/cap-a018", institute, `{"kind":"equipment","title":"","description":"","industry":"materials","modes":[]}`, 422, nil, nil},
		{"capability update missing", "PUT", "/api/v1/capabilities/nope", institute, `{"kind":"equipment","title":"x","description":"y","trl":9,"industry":"materials","modes":["技术服务"]}`, 404, nil, nil},
		{"capability update wrong role", "PUT", "/api/v1/capabilities/cap-a018", tok.Token, `{}`, 403, nil, nil},
		{"capability close", "POST", "/api/v1/capabilities/cap-a018/status", institute, `{"status":"closed"}`, 200, nil, nil},
		{"capability reopen", "POST", "/api/v1/capabilities/cap-a018/status", institute, `{"status":"published"}`, 200, nil, nil},
		{"capability status missing", "POST", "/api/v1/capabilities/nope/status", institute, `{"status":"closed"}`, 404, nil, nil},
		{"capability status wrong role", "POST", "/api/v1/capabilities/cap-a018/status", tok.Token, `{"status":"closed"}`, 403, nil, nil},
		{"update", "PUT", "/api/v1/challenges/ch-a002", tok.Token, `{"title":"物流车电池包低温预热","problem":"冬季充电慢。","industry":"nev","modes":["技术开发"],"visibility":"summary"}`, 200, []string{"低温预热"}, nil},
		{"update invalid", "PUT", "/api/v1/challenges/ch-a002", tok.Token, `{"title":"","problem":"","industry":"nev","modes":["技术开发"],"visibility":"everyone"}`, 422, []string{"公开范围"}, nil},
		{"update wrong role", "PUT", "/api/v1/challenges/ch-a002", institute, `{}`, 403, nil, nil},
		{"close without a reason", "POST", "/api/v1/challenges/ch-a002/status", tok.Token, `{"status":"closed"}`, 422, []string{`"reason":"请选择关闭原因"`}, nil},
		{"close with an unknown field", "POST", "/api/v1/challenges/ch-a002/status", tok.Token, `{"status":"closed","why":"x"}`, 422, nil, nil},
		{"close", "POST", "/api/v1/challenges/ch-a002/status", tok.Token, `{"status":"closed","reason":"matched","note":"已与中国科大签约"}`, 200, nil, nil},
		{"closed: the owner reads why", "GET", "/api/v1/challenges/ch-a002", tok.Token, "", 200, []string{`"close_reason":"matched"`, `"close_note":"已与中国科大签约"`, `"region":"la-etdz"`}, nil},
		{"closed: the broker reads why", "GET", "/api/v1/challenges/ch-a002", broker, "", 200, []string{`"close_reason":"matched"`}, nil},
		{"reopen", "POST", "/api/v1/challenges/ch-a002/status", tok.Token, `{"status":"published"}`, 200, nil, nil},
		{"status missing", "POST", "/api/v1/challenges/nope/status", tok.Token, `{"status":"closed"}`, 404, nil, nil},
		{"status wrong role", "POST", "/api/v1/challenges/ch-a002/status", institute, `{"status":"closed"}`, 403, nil, nil},
		{"keywords wrong role", "POST", "/api/v1/keywords", broker, `{"type":"challenge"}`, 403, nil, nil},
	})
}

// apiScenario is one API call and what it must answer.
type apiScenario struct {
	name, method, url, token, body string
	status                         int
	want, notWant                  []string
}

func runAPIScenarios(t *testing.T, st *stack, rec *recorder, scenarios []apiScenario) {
	t.Helper()
	anon := st.anon(t)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			code, body := anon.doRaw2(t, sc.method, sc.url, sc.body, sc.token)
			rec.hit(sc.method, sc.url, code)
			if code != sc.status {
				t.Fatalf("status %d, want %d: %.500s", code, sc.status, body)
			}
			for _, w := range sc.want {
				if !strings.Contains(strings.ReplaceAll(body, ` `, ``), strings.ReplaceAll(w, ` `, ``)) {
					t.Errorf("body lacks %q: %.500s", w, body)
				}
			}
			for _, w := range sc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("body has %q", w)
				}
			}
		})
	}
}

func apiToken(t *testing.T, st *stack, username string) string {
	t.Helper()
	code, body := st.anon(t).doRaw2(t, "POST", "/api/v1/tokens", `{"username":"`+username+`","password":"`+st.logins[username]+`"}`, "")
	if code != 201 {
		t.Fatalf("token for %s: %d %s", username, code, body)
	}
	var tok struct{ Token string }
	json.Unmarshal([]byte(body), &tok)
	return tok.Token
}

// TestPolicyTable holds every route to its policy: anonymous callers of a
// route that is not public are sent to sign in (pages) or answered 401
// (API), and every route appears in the scenario tables.
func TestPolicyTable(t *testing.T) {
	st := mustStack(t)
	param := regexp.MustCompile(`:id`)
	for _, r := range st.srv.routes() {
		if r.allow.public {
			continue
		}
		path := param.ReplaceAllString(r.path, "ch-a001")
		c := st.anon(t)
		var code int
		if strings.HasPrefix(path, "/api/") {
			code, _ = c.doRaw2(t, r.method, path, "{}", "")
		} else {
			code, _ = c.doJSON(t, r.method, path, url.Values{}, "", nil)
		}
		want := 401
		if r.method == "GET" && !strings.HasPrefix(path, "/api/") {
			want = 303
		}
		if code != want {
			t.Errorf("%s %s anonymous: %d, want %d", r.method, r.path, code, want)
		}
	}
}
