package server

import (
	"bytes"
	"context"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"duijie/internal/calls"
	"duijie/internal/duijie"
)

// uploadFile posts a file to target as a multipart form with the
// client's CSRF token.
func (c *client) uploadFile(t *testing.T, target, name string, data []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("_csrf", c.csrf)
	if name != "" {
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(data)
	}
	w.Close()
	req := httptest.NewRequest("POST", target, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, body := c.send(t, req, nil)
	return res.StatusCode, string(body)
}

var oneTimePassword = regexp.MustCompile(`一次性密码 <code>([^<]+)</code>`)

// signUpExpert signs an expert in with the one-time password, sets a new
// one, and records it for st.as.
func signUpExpert(t *testing.T, st *stack, username, onetime string) {
	t.Helper()
	c := st.anon(t)
	res, _ := c.do(t, "POST", "/login", url.Values{"username": {username}, "password": {onetime}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", username, res.StatusCode)
	}
	c.do(t, "GET", "/account/password", nil, nil)
	const next = "Pingshen-2026x!"
	res, body := c.do(t, "POST", "/account/password", url.Values{"current": {onetime}, "password": {next}, "password2": {next}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change of %s: %d %.400s", username, res.StatusCode, body)
	}
	st.mu.Lock()
	st.logins[username] = next
	st.mu.Unlock()
}

// testCalls walks 揭榜挂帅 and the expert pool through the pages: experts
// apply and are taken in, a call is published, two institutes bid with
// attachments, the panel is drawn after the deadline and replayed, the
// panel scores, the award becomes an introduction; each route with
// success, bad input, a wrong role and a missing object.
func testCalls(t *testing.T, st *stack, rec *recorder) {
	ctx := context.Background()
	broker := calls.Actor{User: &duijie.User{ID: "u-demo-jingjiren", Role: duijie.RoleBroker}}
	cs := st.srv.svc.Calls()
	apply := func(username, org string) url.Values {
		return url.Values{"username": {username}, "name": {"专家" + username[len(username)-1:]}, "industry": {"nev"}, "field": {"动力电池热管理"},
			"title": {"教授"}, "org_name": {org}, "phone": {"1390564000" + username[len(username)-1:]}, "email": {username + "@example.com"}}
	}
	runScenarios(t, st, rec, []scenario{
		{name: "apply form", as: "", method: "GET", url: "/experts/apply", status: 200, want: []string{"申请加入评审专家库", "新能源与新能源汽车"}},
		{name: "apply incomplete", as: "", method: "POST", url: "/experts/apply", form: url.Values{"name": {"张"}}, status: 422, want: []string{"请填写职称", "请选择评审领域"}},
		{name: "apply 1", as: "", method: "POST", url: "/experts/apply", form: apply("zjcall1", "合肥某电池研究院"), status: 303},
		{name: "apply 2", as: "", method: "POST", url: "/experts/apply", form: apply("zjcall2", "南京某储能研究所"), status: 303},
		{name: "apply 3", as: "", method: "POST", url: "/experts/apply", form: apply("zjcall3", "上海某汽车工程中心"), status: 303},
		{name: "apply 4, of a bidder", as: "", method: "POST", url: "/experts/apply", form: apply("zjcall4", "皖西学院"), status: 303},
		{name: "apply 6", as: "", method: "POST", url: "/experts/apply", form: apply("zjcall6", "武汉某新能源研究院"), status: 303},
		{name: "apply 5, to be returned", as: "", method: "POST", url: "/experts/apply", form: apply("zjcall5", "某公司"), status: 303},
		// No oracle of accounts: a taken name (an applicant's, the
		// broker's) is answered as any other application.
		{name: "apply with a taken username", as: "", method: "POST", url: "/experts/apply", form: apply("zjcall5", "某公司"), status: 303},
		{name: "apply with an account's username", as: "", method: "POST", url: "/experts/apply", form: func() url.Values { v := apply("zjcall7", "某公司"); v.Set("username", "jingjiren"); return v }(), status: 303},
		{name: "applied", as: "", method: "GET", url: "/experts/apply?ok=applied", status: 200, want: []string{"申请已提交"}},
		{name: "pool", as: "jingjiren", method: "GET", url: "/broker/experts", status: 200, want: []string{"专家1", "139****0001", "皖西学院"}, notWant: []string{"13905640001"}},
		{name: "pool wrong role", as: "qiye", method: "GET", url: "/broker/experts", status: 403},
	})
	applied, err := cs.Experts(ctx, broker, duijie.ExpertApplied)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, e := range applied {
		ids[e.Username] = e.ID
	}
	if len(ids) < 6 {
		t.Fatalf("applications: %+v", applied)
	}
	ex := func(u string) string { return "/broker/experts/" + ids[u] }
	runScenarios(t, st, rec, []scenario{
		{name: "expert record", as: "jingjiren", method: "GET", url: ex("zjcall1"), status: 200, want: []string{"入库并开通账号", "待审核"}},
		{name: "expert record wrong role", as: "yuansuo", method: "GET", url: ex("zjcall1"), status: 403},
		{name: "expert record missing", as: "jingjiren", method: "GET", url: "/broker/experts/nope", status: 404},
		{name: "admit wrong role", as: "qiye", method: "POST", url: ex("zjcall1") + "/admit", form: url.Values{}, status: 403},
		{name: "admit missing", as: "jingjiren", method: "POST", url: "/broker/experts/nope/admit", form: url.Values{}, status: 404},
		{name: "admit a note too long", as: "jingjiren", method: "POST", url: ex("zjcall1") + "/admit", form: url.Values{"note": {strings.Repeat("长", 501)}}, status: 422},
		{name: "return without a reason", as: "jingjiren", method: "POST", url: ex("zjcall5") + "/return", form: url.Values{}, status: 422, want: []string{"请填写原因"}},
		{name: "return wrong role", as: "qiye", method: "POST", url: ex("zjcall5") + "/return", form: url.Values{"reason": {"资料不全"}}, status: 403},
		{name: "return missing", as: "jingjiren", method: "POST", url: "/broker/experts/nope/return", form: url.Values{"reason": {"资料不全"}}, status: 404},
		{name: "return", as: "jingjiren", method: "POST", url: ex("zjcall5") + "/return", form: url.Values{"reason": {"职称证明不全"}}, status: 303},
		{name: "contact without a purpose", as: "jingjiren", method: "POST", url: ex("zjcall1") + "/contact", form: url.Values{}, status: 422, want: []string{"请说明查看联系方式的用途"}},
		{name: "contact wrong role", as: "qiye", method: "POST", url: ex("zjcall1") + "/contact", form: url.Values{"purpose": {"通知评审"}}, status: 403},
		{name: "contact missing", as: "jingjiren", method: "POST", url: "/broker/experts/nope/contact", form: url.Values{"purpose": {"通知评审"}}, status: 404},
		{name: "contact", as: "jingjiren", method: "POST", url: ex("zjcall1") + "/contact", form: url.Values{"purpose": {"通知评审"}}, status: 200, want: []string{"13905640001", "已记入审计日志"}},
	})
	for _, u := range []string{"zjcall1", "zjcall2", "zjcall3", "zjcall4", "zjcall6"} {
		c := st.as(t, "jingjiren")
		code, body := c.doJSON(t, "POST", ex(u)+"/admit", url.Values{"note": {"资质核实无误"}}, "", nil)
		rec.hit("POST", ex(u)+"/admit", code)
		m := oneTimePassword.FindStringSubmatch(body)
		if code != 200 || m == nil {
			t.Fatalf("admit %s: %d %.600s", u, code, body)
		}
		signUpExpert(t, st, u, m[1])
	}
	runScenarios(t, st, rec, []scenario{
		{name: "admit twice", as: "jingjiren", method: "POST", url: ex("zjcall1") + "/admit", form: url.Values{}, status: 409, want: []string{"不是待审核的申请"}},
		{name: "expert home", as: "zjcall1", method: "GET", url: "/expert", status: 200, want: []string{"我的评审", "尚未被抽取"}},
		{name: "expert home wrong role", as: "qiye", method: "GET", url: "/expert", status: 403},
		{name: "new call form", as: "jingjiren", method: "GET", url: "/calls/new?challenge=ch-a001", status: 200, want: []string{"动力电池模组液冷板优化", "技术方案先进性与可行性"}},
		{name: "new call form wrong role", as: "qiye", method: "GET", url: "/calls/new", status: 403},
		{name: "create wrong role", as: "yuansuo", method: "POST", url: "/calls/new", form: url.Values{"challenge": {"ch-a001"}}, status: 403},
	})
	tomorrow := duijie.Today(time.Now()).AddDate(0, 0, 1).Format(duijie.DateLayout)
	callForm := func(ch string, weight string) url.Values {
		return url.Values{"challenge": {ch}, "title": {"液冷板快充温差揭榜挂帅"}, "reward": {"120"}, "deadline": {tomorrow},
			"c_name0": {"技术方案"}, "c_weight0": {weight}, "c_name1": {"团队能力"}, "c_weight1": {"40"}}
	}
	runScenarios(t, st, rec, []scenario{
		{name: "create with weights not 100", as: "jingjiren", method: "POST", url: "/calls/new", form: callForm("ch-a001", "50"), status: 422, want: []string{"权重合计应为 100（现为 90）"}},
		{name: "create on a missing challenge", as: "jingjiren", method: "POST", url: "/calls/new", form: callForm("nope", "60"), status: 404, want: []string{"技术需求不存在"}},
		{name: "create", as: "jingjiren", method: "POST", url: "/calls/new", form: callForm("ch-a001", "60"), status: 303},
		{name: "a second live call on the challenge", as: "jingjiren", method: "POST", url: "/calls/new", form: callForm("ch-a001", "60"), status: 409, want: []string{"已有征集中或评审中"}},
		{name: "create another", as: "jingjiren", method: "POST", url: "/calls/new", form: callForm("ch-a004", "60"), status: 303},
	})
	list, err := cs.List(ctx, broker)
	if err != nil {
		t.Fatal(err)
	}
	var id, other string
	for _, k := range list {
		switch k.ChallengeID {
		case "ch-a001":
			id = k.ID
		case "ch-a004":
			other = k.ID
		}
	}
	if id == "" || other == "" {
		t.Fatalf("calls: %+v", list)
	}
	runScenarios(t, st, rec, []scenario{
		{name: "the challenge's page links its call", method: "GET", url: "/challenges/ch-a001", status: 200,
			want: []string{`href="/calls/` + id + `"`, "悬赏 120 万元"}, notWant: []string{"以此需求发布揭榜挂帅榜单"}},
		{name: "a broker may start a call from a challenge without one", as: "jingjiren", method: "GET", url: "/challenges/ch-a003", status: 200,
			want: []string{`href="/calls/new?challenge=ch-a003"`}},
		{name: "but not twice", as: "jingjiren", method: "GET", url: "/challenges/ch-a001", status: 200, notWant: []string{"以此需求发布揭榜挂帅榜单"}},
		{name: "members are not offered it", as: "qiye", method: "GET", url: "/challenges/ch-a003", status: 200, notWant: []string{"以此需求发布揭榜挂帅榜单"}},
	})
	call := "/calls/" + id
	proposal := func(summary string) url.Values {
		return url.Values{"summary": {summary}, "plan": {"第一阶段仿真优化流道，第二阶段样件台架验证。"}, "budget": {"90"}, "team": {"教授 1 名，工程师 3 名"}}
	}
	runScenarios(t, st, rec, []scenario{
		{name: "calls", as: "", method: "GET", url: "/calls", status: 200, want: []string{"液冷板快充温差揭榜挂帅", "120 万元", "征集中"}},
		{name: "call for anyone", as: "", method: "GET", url: call, status: 200, want: []string{"评审标准", "技术方案", "登录</a>后即可揭榜"}},
		{name: "call missing", as: "", method: "GET", url: "/calls/nope", status: 404},
		{name: "call for an institute", as: "yuansuo", method: "GET", url: call, status: 200, want: []string{"提交揭榜方案"}},
		{name: "propose too short", as: "yuansuo", method: "POST", url: call + "/proposals", form: proposal("太短"), status: 422, want: []string{"至少 10 个字"}},
		{name: "propose with a budget in words", as: "yuansuo", method: "POST", url: call + "/proposals", form: url.Values{"summary": {"液冷板流道拓扑优化与导热界面材料改进"}, "plan": {"x"}, "team": {"y"}, "budget": {"九十万"}}, status: 422, want: []string{"经费预算应为"}},
		{name: "nothing stored from it", as: "yuansuo", method: "GET", url: call, status: 200, notWant: []string{"更新方案"}},
		{name: "propose wrong role", as: "qiye", method: "POST", url: call + "/proposals", form: proposal("液冷板流道拓扑优化与导热界面材料改进"), status: 403},
		{name: "propose missing", as: "yuansuo", method: "POST", url: "/calls/nope/proposals", form: proposal("液冷板流道拓扑优化与导热界面材料改进"), status: 404},
		{name: "propose", as: "yuansuo", method: "POST", url: call + "/proposals", form: proposal("液冷板流道拓扑优化与导热界面材料改进"), status: 303},
		{name: "propose again replaces", as: "yuansuo", method: "POST", url: call + "/proposals", form: proposal("液冷板流道拓扑优化与相变导热界面材料改进"), status: 303},
		{name: "another institute proposes", as: "lvtc", method: "POST", url: call + "/proposals", form: proposal("浸没式冷却替代方案的可行性验证"), status: 303},
		{name: "the institute sees its proposal", as: "yuansuo", method: "GET", url: call, status: 200, want: []string{"相变导热界面材料改进", "更新方案", "上传附件"}, notWant: []string{"浸没式冷却"}},
	})
	v, err := cs.Get(ctx, broker, id)
	if err != nil {
		t.Fatal(err)
	}
	var mine, theirs string
	for _, p := range v.Proposals {
		if strings.Contains(p.Summary, "相变") {
			mine = p.ID
		} else {
			theirs = p.ID
		}
	}
	if mine == "" || theirs == "" || len(v.Proposals) != 2 {
		t.Fatalf("proposals: %+v", v.Proposals)
	}
	pr := call + "/proposals/" + mine
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	up := func(as, target, name string, data []byte, want int, wantText string) {
		t.Helper()
		c := st.as(t, as)
		code, body := c.uploadFile(t, target, name, data)
		rec.hit("POST", target, code)
		if code != want || !strings.Contains(body, wantText) {
			t.Errorf("upload %s as %s to %s: %d, want %d with %q; %.500s", name, as, target, code, want, wantText, body)
		}
	}
	up("yuansuo", pr+"/attachments", "技术方案.pdf", pdf, 303, "")
	// 2 MiB: past the 1 MiB of other routes, within the attachment's limit.
	up("yuansuo", pr+"/attachments", "草稿.pdf", append(append([]byte(nil), pdf...), make([]byte, 2<<20)...), 303, "")
	up("yuansuo", pr+"/attachments", "说明.pdf", []byte("<!DOCTYPE html><script>alert(1)</script>"), 422, "不支持的文件类型")
	up("yuansuo", pr+"/attachments", "setup.pdf", append([]byte("MZ\x90\x00"), make([]byte, 100)...), 422, "不支持的文件类型")
	up("yuansuo", pr+"/attachments", "太大.pdf", append(append([]byte(nil), pdf...), make([]byte, 10<<20)...), 422, "文件超过 10 MiB")
	up("yuansuo", call+"/proposals", "x.pdf", append(append([]byte(nil), pdf...), make([]byte, 2<<20)...), 422, "提交的内容太大")
	up("lvtc", pr+"/attachments", "x.pdf", pdf, 404, "")
	// Too big and not theirs: the rights answer first, the same 404.
	up("lvtc", pr+"/attachments", "太大.pdf", append(append([]byte(nil), pdf...), make([]byte, 10<<20)...), 404, "")
	up("qiye", pr+"/attachments", "x.pdf", pdf, 403, "")
	up("yuansuo", "/calls/nope/proposals/"+mine+"/attachments", "x.pdf", pdf, 404, "")
	up("yuansuo", pr+"/attachments", "", nil, 422, "请选择要上传的文件")
	p, err := cs.Proposal(ctx, broker, id, mine)
	if err != nil || len(p.Proposal.Attachments) != 2 {
		t.Fatalf("attachments: %v %+v", err, p)
	}
	att, draft := pr+"/attachments/"+p.Proposal.Attachments[0].ID, pr+"/attachments/"+p.Proposal.Attachments[1].ID
	if p.Proposal.Attachments[0].Name != "技术方案.pdf" {
		att, draft = draft, att
	}
	runScenarios(t, st, rec, []scenario{
		{name: "proposal for its institute", as: "yuansuo", method: "GET", url: pr, status: 200, want: []string{"相变导热界面材料改进", "技术方案.pdf", "删除"}},
		{name: "proposal for another institute", as: "lvtc", method: "GET", url: pr, status: 404},
		{name: "proposal for the enterprise before the award", as: "qiye", method: "GET", url: pr, status: 404},
		{name: "proposal wrong role", as: "xitong", method: "GET", url: pr, status: 403},
		{name: "proposal missing", as: "yuansuo", method: "GET", url: call + "/proposals/nope", status: 404},
		{name: "download for another institute", as: "lvtc", method: "GET", url: att, status: 404},
		{name: "download wrong role", as: "shenji", method: "GET", url: att, status: 403},
		{name: "download missing", as: "yuansuo", method: "GET", url: pr + "/attachments/nope", status: 404},
		{name: "delete wrong role", as: "jingjiren", method: "POST", url: draft + "/delete", form: url.Values{}, status: 403},
		{name: "delete by another institute", as: "lvtc", method: "POST", url: draft + "/delete", form: url.Values{}, status: 404},
		{name: "delete missing", as: "yuansuo", method: "POST", url: pr + "/attachments/nope/delete", form: url.Values{}, status: 404},
		{name: "delete", as: "yuansuo", method: "POST", url: draft + "/delete", form: url.Values{}, status: 303},
		{name: "deadline earlier", as: "jingjiren", method: "POST", url: call + "/deadline", form: url.Values{"deadline": {"2020-01-01"}}, status: 422, want: []string{"应晚于原截止日期"}},
		{name: "deadline wrong role", as: "qiye", method: "POST", url: call + "/deadline", form: url.Values{"deadline": {"2030-01-01"}}, status: 403},
		{name: "deadline missing", as: "jingjiren", method: "POST", url: "/calls/nope/deadline", form: url.Values{"deadline": {"2030-01-01"}}, status: 404},
		{name: "deadline later", as: "jingjiren", method: "POST", url: call + "/deadline", form: url.Values{"deadline": {duijie.Today(time.Now()).AddDate(0, 0, 3).Format(duijie.DateLayout)}}, status: 303},
		{name: "draw before the deadline", as: "jingjiren", method: "POST", url: call + "/draw", form: url.Values{"size": {"3"}}, status: 409, want: []string{"征集截止"}},
	})
	// The download itself: typed as sniffed, never rendered here.
	c := st.as(t, "yuansuo")
	res, body := c.send(t, httptest.NewRequest("GET", att, nil), nil)
	rec.hit("GET", att, res.StatusCode)
	if res.StatusCode != 200 || !bytes.Equal(body, pdf) || res.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %d %v", res.StatusCode, res.Header)
	}
	// The deadline passes.
	if err := st.db.SetCallDeadline(ctx, id, duijie.Today(time.Now()).AddDate(0, 0, -1), time.Now()); err != nil {
		t.Fatal(err)
	}
	runScenarios(t, st, rec, []scenario{
		{name: "no proposals after the deadline", as: "yuansuo", method: "POST", url: call + "/proposals", form: proposal("截止之后再改方案摘要试试看"), status: 409, want: []string{"已截止征集"}},
		{name: "no deleting after the deadline", as: "yuansuo", method: "POST", url: att + "/delete", form: url.Values{}, status: 409},
		{name: "draw a panel of one", as: "jingjiren", method: "POST", url: call + "/draw", form: url.Values{"size": {"1"}}, status: 422, want: []string{"评审专家人数应为 3 到 15 人"}},
		{name: "draw more than the pool", as: "jingjiren", method: "POST", url: call + "/draw", form: url.Values{"size": {"5"}}, status: 409, want: []string{"只有 4 位", "不足 5 位"}},
		{name: "draw wrong role", as: "qiye", method: "POST", url: call + "/draw", form: url.Values{"size": {"3"}}, status: 403},
		{name: "draw missing", as: "jingjiren", method: "POST", url: "/calls/nope/draw", form: url.Values{"size": {"3"}}, status: 404},
		{name: "draw", as: "jingjiren", method: "POST", url: call + "/draw", form: url.Values{"size": {"3"}}, status: 303},
	})
	// Who was drawn, and the one candidate left over.
	v, err = cs.Get(ctx, broker, id)
	if err != nil || v.Panel == nil {
		t.Fatalf("after the draw: %v %+v", err, v)
	}
	username := map[string]string{}
	for u, x := range ids {
		username[x] = u
	}
	var drawn []string
	for _, m := range v.Panel.Members {
		drawn = append(drawn, username[m])
	}
	spare := ""
	for _, c := range v.Panel.Candidates {
		if !slices.Contains(v.Panel.Members, c) {
			spare = username[c]
		}
	}
	if len(drawn) != 3 || spare == "" || slices.Contains(drawn, "zjcall4") {
		t.Fatalf("panel %v, spare %q", drawn, spare)
	}
	first, second := drawn[1], drawn[2] // drawn[0] stands down below
	runScenarios(t, st, rec, []scenario{
		{name: "the panel", as: "jingjiren", method: "GET", url: call, status: 200, want: []string{"评审专家组", "随机种子", "回避名单", "与揭榜单位同单位（皖西学院）", "0 / 6"}},
		{name: "replay", as: "jingjiren", method: "GET", url: call + "/replay", status: 200, want: []string{"复核一致"}},
		{name: "replay by the auditor", as: "shenji", method: "GET", url: call + "/replay", status: 200, want: []string{"复核一致"}},
		{name: "replay wrong role", as: "qiye", method: "GET", url: call + "/replay", status: 403},
		{name: "replay missing", as: "jingjiren", method: "GET", url: "/calls/nope/replay", status: 404},
		{name: "replay before a draw", as: "jingjiren", method: "GET", url: "/calls/" + other + "/replay", status: 404},
		{name: "the expert's call page", as: first, method: "GET", url: call, status: 200, want: []string{"待评方案", "待评分", "申请回避"}},
		{name: "the expert's home lists it", as: first, method: "GET", url: "/expert", status: 200, want: []string{"液冷板快充温差揭榜挂帅"}},
		{name: "a panel expert reads the proposal", as: second, method: "GET", url: pr, status: 200, want: []string{"提交评分", "技术方案.pdf"}},
		{name: "a panel expert downloads", as: second, method: "GET", url: att, status: 200},
		{name: "the spare candidate does not read it", as: spare, method: "GET", url: pr, status: 404},
		{name: "recuse without a reason", as: drawn[0], method: "POST", url: call + "/recuse", form: url.Values{}, status: 422, want: []string{"请填写回避原因"}},
		{name: "recuse wrong role", as: "yuansuo", method: "POST", url: call + "/recuse", form: url.Values{"reason": {"利益关系"}}, status: 403},
		{name: "recuse missing", as: "jingjiren", method: "POST", url: "/calls/nope/recuse", form: url.Values{"reason": {"利益关系"}}, status: 404},
		{name: "recuse by an expert not on the panel", as: "zjcall4", method: "POST", url: call + "/recuse", form: url.Values{"reason": {"利益关系"}}, status: 404},
		{name: "an expert stands down", as: drawn[0], method: "POST", url: call + "/recuse", form: url.Values{"reason": {"本人与揭榜单位负责人曾合作发表论文"}}, status: 303},
		{name: "the recused expert no longer reads", as: drawn[0], method: "GET", url: pr, status: 404},
		{name: "the spare now reads", as: spare, method: "GET", url: pr, status: 200, want: []string{"提交评分"}},
		{name: "no candidate left for another recusal", as: "jingjiren", method: "POST", url: call + "/recuse", form: url.Values{"expert": {ids[first]}, "reason": {"出差"}}, status: 409, want: []string{"候选专家已全部用完"}},
		{name: "the recusal on the panel", as: "jingjiren", method: "GET", url: call, status: 200, want: []string{"回避与递补", "本人与揭榜单位负责人曾合作发表论文"}},
		{name: "replay after the recusal", as: "jingjiren", method: "GET", url: call + "/replay", status: 200, want: []string{"复核一致", "回避递补"}},
		{name: "an excluded expert does not read it", as: "zjcall4", method: "GET", url: pr, status: 404},
		{name: "an excluded expert does not download", as: "zjcall4", method: "GET", url: att, status: 404},
		{name: "an excluded expert does not score", as: "zjcall4", method: "POST", url: pr + "/review", form: url.Values{"score0": {"80"}, "score1": {"80"}, "comment": {"方案合理，可以支持。"}}, status: 404},
		{name: "a score in words stores nothing", as: first, method: "POST", url: pr + "/review", form: url.Values{"score0": {"八十"}, "score1": {"80"}, "comment": {"方案合理，可以支持。"}}, status: 422, want: []string{"分数应为"}},
		{name: "a score in words by an outsider", as: "zjcall4", method: "POST", url: pr + "/review", form: url.Values{"score0": {"八十"}, "score1": {"80"}, "comment": {"方案合理，可以支持。"}}, status: 404},
		{name: "score out of range", as: first, method: "POST", url: pr + "/review", form: url.Values{"score0": {"101"}, "score1": {"80"}, "comment": {"方案合理，可以支持。"}}, status: 422, want: []string{"0 到 100"}},
		{name: "score wrong role", as: "jingjiren", method: "POST", url: pr + "/review", form: url.Values{"score0": {"80"}, "score1": {"80"}, "comment": {"方案合理，可以支持。"}}, status: 403},
		{name: "score missing", as: first, method: "POST", url: call + "/proposals/nope/review", form: url.Values{"score0": {"80"}, "score1": {"80"}, "comment": {"方案合理，可以支持。"}}, status: 404},
		{name: "award before the reviews", as: "jingjiren", method: "POST", url: call + "/award", form: url.Values{"proposal": {mine}}, status: 409, want: []string{"评审尚未完成"}},
	})
	for _, u := range []string{first, second, spare} {
		runScenarios(t, st, rec, []scenario{
			{name: u + " scores mine", as: u, method: "POST", url: pr + "/review", form: url.Values{"score0": {"90"}, "score1": {"85"}, "comment": {"流道优化思路清晰，团队有台架条件。"}}, status: 303},
			{name: u + " scores theirs", as: u, method: "POST", url: call + "/proposals/" + theirs + "/review", form: url.Values{"score0": {"70"}, "score1": {"75"}, "comment": {"浸没式方案成本偏高，验证周期长。"}}, status: 303},
		})
	}
	// The review sheet is named as an RFC 5987 ext-value a parser reads
	// back, and is not sniffed.
	{
		c := st.as(t, "jingjiren")
		res, _ := c.send(t, httptest.NewRequest("GET", call+"/results.xlsx", nil), nil)
		rec.hit("GET", call+"/results.xlsx", res.StatusCode)
		_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
		if res.StatusCode != 200 || err != nil || params["filename"] != "评审结果-液冷板快充温差揭榜挂帅.xlsx" ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("results download: %d %v %v %v", res.StatusCode, res.Header, params, err)
		}
	}
	runScenarios(t, st, rec, []scenario{
		{name: "an expert sees only their own scores", as: first, method: "GET", url: pr, status: 200, want: []string{"修改评分"}, notWant: []string{"专家评分", "专家" + second[len(second)-1:]}},
		{name: "the ranking", as: "jingjiren", method: "GET", url: call, status: 200, want: []string{"6 / 6", "88.00", "72.00"}},
		{name: "the broker reads every score", as: "jingjiren", method: "GET", url: pr, status: 200, want: []string{"专家评分", "专家" + first[len(first)-1:], "专家" + spare[len(spare)-1:], "88.00"}},
		{name: "results", as: "jingjiren", method: "GET", url: call + "/results.xlsx", status: 200},
		{name: "results wrong role", as: "qiye", method: "GET", url: call + "/results.xlsx", status: 403},
		{name: "results missing", as: "jingjiren", method: "GET", url: "/calls/nope/results.xlsx", status: 404},
		{name: "results before a draw", as: "jingjiren", method: "GET", url: "/calls/" + other + "/results.xlsx", status: 404},
		{name: "award without a choice", as: "jingjiren", method: "POST", url: call + "/award", form: url.Values{}, status: 422, want: []string{"请选择揭榜方案"}},
		{name: "award wrong role", as: "qiye", method: "POST", url: call + "/award", form: url.Values{"proposal": {mine}}, status: 403},
		{name: "award missing", as: "jingjiren", method: "POST", url: "/calls/nope/award", form: url.Values{"proposal": {mine}}, status: 404},
		{name: "award", as: "jingjiren", method: "POST", url: call + "/award", form: url.Values{"proposal": {mine}, "note": {"请两周内启动洽谈"}}, status: 303},
		{name: "awarded", as: "", method: "GET", url: "/calls", status: 200, want: []string{"已揭榜"}},
		{name: "the enterprise reads the winning proposal", as: "qiye", method: "GET", url: pr, status: 200, want: []string{"相变导热界面材料改进"}},
		{name: "the enterprise downloads its attachment", as: "qiye", method: "GET", url: att, status: 200},
		{name: "but not the other", as: "qiye", method: "GET", url: call + "/proposals/" + theirs, status: 404},
		{name: "the winner is told", as: "yuansuo", method: "GET", url: "/inbox", status: 200, want: []string{"方案被确定为揭榜方案"}},
		{name: "the winner's call page", as: "yuansuo", method: "GET", url: call, status: 200, want: []string{"贵单位的方案被确定为揭榜方案", "进入对接"}},
		{name: "the other bidder's call page", as: "lvtc", method: "GET", url: call, status: 200, want: []string{"本榜单已确定揭榜方"}, notWant: []string{"相变导热"}},
		{name: "the enterprise's call page", as: "qiye", method: "GET", url: call, status: 200, want: []string{"皖西学院 的揭榜方案"}, notWant: []string{"浸没式"}},
		{name: "an expert's call page after the award", as: second, method: "GET", url: call, status: 200, want: []string{"已揭榜", "已评分"}},
		{name: "no scores after the award", as: first, method: "POST", url: pr + "/review", form: url.Values{"score0": {"10"}, "score1": {"10"}, "comment": {"评审结束后再改分试试。"}}, status: 409},
		{name: "withdraw an awarded call", as: "jingjiren", method: "POST", url: call + "/withdraw", form: url.Values{"reason": {"企业取消"}}, status: 409},
		{name: "withdraw without a reason", as: "jingjiren", method: "POST", url: "/calls/" + other + "/withdraw", form: url.Values{}, status: 422, want: []string{"请填写撤销原因"}},
		{name: "withdraw wrong role", as: "qiye", method: "POST", url: "/calls/" + other + "/withdraw", form: url.Values{"reason": {"企业取消"}}, status: 403},
		{name: "withdraw missing", as: "jingjiren", method: "POST", url: "/calls/nope/withdraw", form: url.Values{"reason": {"企业取消"}}, status: 404},
		{name: "withdraw", as: "jingjiren", method: "POST", url: "/calls/" + other + "/withdraw", form: url.Values{"reason": {"企业调整研发计划"}}, status: 303},
		{name: "a withdrawn call is not public", as: "", method: "GET", url: "/calls/" + other, status: 404},
		{name: "a withdrawn call for an institute that did not bid", as: "lvtc", method: "GET", url: "/calls/" + other, status: 404},
		{name: "a withdrawn call for the bureau", as: "jingjiren", method: "GET", url: "/calls/" + other, status: 200, want: []string{"已撤销", "企业调整研发计划"}},
		{name: "remove without a reason", as: "jingjiren", method: "POST", url: ex(second) + "/remove", form: url.Values{}, status: 422, want: []string{"请填写原因"}},
		{name: "remove wrong role", as: "qiye", method: "POST", url: ex(second) + "/remove", form: url.Values{"reason": {"多次缺席"}}, status: 403},
		{name: "remove missing", as: "jingjiren", method: "POST", url: "/broker/experts/nope/remove", form: url.Values{"reason": {"多次缺席"}}, status: 404},
		{name: "remove", as: "jingjiren", method: "POST", url: ex(second) + "/remove", form: url.Values{"reason": {"评审意见敷衍，多次被投诉"}}, status: 303},
		{name: "the record keeps the history and reviews", as: "jingjiren", method: "GET", url: ex(second), status: 200, want: []string{"已淘汰", "评审意见敷衍", "液冷板快充温差揭榜挂帅"}},
	})
	v, err = cs.Get(ctx, broker, id)
	if err != nil {
		t.Fatal(err)
	}
	if v.AwardIntro == "" {
		t.Fatal("no introduction from the award")
	}
	runScenarios(t, st, rec, []scenario{
		{name: "the introduction is at 双方确认", as: "qiye", method: "GET", url: "/introductions/" + v.AwardIntro, status: 200, want: []string{"双方确认", "13905640202"}},
	})
}
