package server

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"testing"

	"duijie/internal/duijie"
	"duijie/internal/workflow"
)

// testWorkflow walks the broker's workflow routes: a broker's 派单, both
// sides' answers and the contact exchange, stages, notes, assignment by
// the lead, a contract with its registration, invitations, the inbox and
// the brokers' scope, each with success, bad input, a wrong role and a
// missing object.
func testWorkflow(t *testing.T, st *stack, rec *recorder) {
	ctx := context.Background()
	broker := workflow.Actor{User: &duijie.User{ID: "u-demo-jingjiren", Role: duijie.RoleBroker}}
	admin := workflow.Actor{User: &duijie.User{ID: "u-demo-xitong", Role: duijie.RoleSysAdmin}}
	wf := st.srv.wf

	runScenarios(t, st, rec, []scenario{
		{name: "dispatch wrong role", as: "qiye", method: "POST", url: "/broker/introductions", form: url.Values{"type": {"challenge"}, "id": {"ch-a001"}, "targets": {"cap-a018"}}, status: 403},
		{name: "dispatch nothing chosen", as: "jingjiren", method: "POST", url: "/broker/introductions", form: url.Values{"type": {"challenge"}, "id": {"ch-a001"}}, status: 422, want: []string{"请至少选择一项推荐对象"}},
		{name: "dispatch missing posting", as: "jingjiren", method: "POST", url: "/broker/introductions", form: url.Values{"type": {"challenge"}, "id": {"nope"}, "targets": {"cap-a018"}}, status: 404},
		{name: "dispatch", as: "jingjiren", method: "POST", url: "/broker/introductions", form: url.Values{"type": {"challenge"}, "id": {"ch-a001"}, "targets": {"cap-a018"}, "message": {"皖西学院分析测试平台可做电芯材料表征。"}}, status: 303},
		{name: "dispatch the same pair again", as: "jingjiren", method: "POST", url: "/broker/introductions", form: url.Values{"type": {"challenge"}, "id": {"ch-a001"}, "targets": {"cap-a018"}}, status: 409, want: []string{"已有进行中的对接"}},
	})
	mine, _, err := wf.Queue(ctx, broker, workflow.ViewMine, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	id := ""
	for _, n := range mine {
		if n.ChallengeID == "ch-a001" && n.CapabilityID == "cap-a018" {
			id = n.ID
		}
	}
	if id == "" {
		t.Fatalf("the dispatched introduction is not in the broker's queue: %+v", mine)
	}
	in := "/introductions/" + id
	brokers, err := wf.BrokerScopes(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	other := ""
	for _, b := range brokers {
		if b.User.Username == "broker2" {
			other = b.User.ID
		}
	}
	if other == "" {
		t.Fatal("broker2 (made by the page scenarios) not found")
	}

	runScenarios(t, st, rec, []scenario{
		{name: "inbox has the recommendation", as: "qiye", method: "GET", url: "/inbox", status: 200, want: []string{"科技局为您推荐了对接", `class="badge"`}},
		{name: "introduction for the enterprise: asked to answer, no contacts yet", as: "qiye", method: "GET", url: in, status: 200,
			want: []string{"是否愿意对接", "对方的联系方式将在双方都接受对接后显示", "皖西学院"}, notWant: []string{"13905640202"}},
		{name: "introduction for another institute", as: "lvtc", method: "GET", url: in, status: 404},
		{name: "introduction wrong role", as: "xitong", method: "GET", url: in, status: 403},
		{name: "introduction missing", as: "jingjiren", method: "GET", url: "/introductions/nope", status: 404},
		{name: "introduction for the broker: masked contacts", as: "jingjiren", method: "GET", url: in, status: 200, want: []string{"138****0101", "139****0202", "跟进记录"}, notWant: []string{"13805640101"}},
		{name: "answer without a choice", as: "qiye", method: "POST", url: in + "/answer", form: url.Values{}, status: 422, want: []string{"请选择接受或婉拒"}},
		{name: "decline without a reason", as: "qiye", method: "POST", url: in + "/answer", form: url.Values{"answer": {"decline"}}, status: 422, want: []string{"请选择原因"}},
		{name: "answer wrong role", as: "jingjiren", method: "POST", url: in + "/answer", form: url.Values{"answer": {"accept"}}, status: 403},
		{name: "answer missing", as: "qiye", method: "POST", url: "/introductions/nope/answer", form: url.Values{"answer": {"accept"}}, status: 404},
		{name: "enterprise accepts", as: "qiye", method: "POST", url: in + "/answer", form: url.Values{"answer": {"accept"}}, status: 303},
		{name: "still no contacts after one side", as: "qiye", method: "GET", url: in, status: 200, notWant: []string{"13905640202"}},
		{name: "enterprise cannot answer twice", as: "qiye", method: "POST", url: in + "/answer", form: url.Values{"answer": {"accept"}}, status: 422, want: []string{"无需您答复"}},
		{name: "institute accepts", as: "yuansuo", method: "POST", url: in + "/answer", form: url.Values{"answer": {"accept"}}, status: 303},
		{name: "the enterprise sees the institute's contacts", as: "qiye", method: "GET", url: in, status: 200, want: []string{"双方确认", "13905640202", "l" + "i.laoshi@wxc-demo.example"}},
		{name: "the institute sees the enterprise's contacts", as: "yuansuo", method: "GET", url: in, status: 200, want: []string{"13805640101", "安徽淠源新能源科技有限公司"}},
		{name: "stage without a choice", as: "jingjiren", method: "POST", url: in + "/stage", form: url.Values{}, status: 422, want: []string{"请选择阶段"}},
		{name: "stage confirmed by hand refused", as: "jingjiren", method: "POST", url: in + "/stage", form: url.Values{"to": {"signed"}}, status: 422, want: []string{"记录合同"}},
		{name: "stage wrong role", as: "qiye", method: "POST", url: in + "/stage", form: url.Values{"to": {"negotiating"}}, status: 403},
		{name: "stage missing", as: "jingjiren", method: "POST", url: "/introductions/nope/stage", form: url.Values{"to": {"negotiating"}}, status: 404},
		{name: "stage: negotiating", as: "jingjiren", method: "POST", url: in + "/stage", form: url.Values{"to": {"negotiating"}, "note": {"约定下周到企业现场"}}, status: 303},
		{name: "note without text", as: "jingjiren", method: "POST", url: in + "/notes", form: url.Values{"channel": {"visit"}, "on": {"2026-01-05"}}, status: 422, want: []string{"请填写跟进内容"}},
		{name: "note wrong role", as: "yuansuo", method: "POST", url: in + "/notes", form: url.Values{"note": {"x"}}, status: 403},
		{name: "note missing", as: "jingjiren", method: "POST", url: "/introductions/nope/notes", form: url.Values{"channel": {"visit"}, "on": {"2026-01-05"}, "note": {"x"}}, status: 404},
		{name: "note", as: "jingjiren", method: "POST", url: in + "/notes", form: url.Values{"channel": {"visit"}, "on": {"2026-01-05"}, "note": {"走访企业，双方确定先做样品测试。"}}, status: 303},
		{name: "the enterprise does not see the bureau's notes", as: "qiye", method: "GET", url: in, status: 200, want: []string{"洽谈中"}, notWant: []string{"走访企业，双方确定先做样品测试"}},
		{name: "take wrong role", as: "qiye", method: "POST", url: in + "/take", form: url.Values{}, status: 403},
		{name: "take missing", as: "jingjiren", method: "POST", url: "/introductions/nope/take", form: url.Values{}, status: 404},
		{name: "take one's own", as: "jingjiren", method: "POST", url: in + "/take", form: url.Values{}, status: 303},
		{name: "assign by a broker who is not the lead", as: "jingjiren", method: "POST", url: in + "/assign", form: url.Values{"broker": {other}}, status: 403},
		{name: "brokers page", as: "xitong", method: "GET", url: "/admin/brokers", status: 200, want: []string{"科室负责人", "霍山县", "broker2"}},
		{name: "brokers page wrong role", as: "jingjiren", method: "GET", url: "/admin/brokers", status: 403},
		{name: "scope unknown county", as: "xitong", method: "POST", url: "/admin/brokers/u-demo-jingjiren", form: url.Values{"counties": {"朝阳区"}}, status: 422, want: []string{"未知的县区"}},
		{name: "scope wrong role", as: "shenji", method: "POST", url: "/admin/brokers/u-demo-jingjiren", form: url.Values{"lead": {"1"}}, status: 403},
		{name: "scope missing", as: "xitong", method: "POST", url: "/admin/brokers/nope", form: url.Values{"lead": {"1"}}, status: 404},
		{name: "make the lead", as: "xitong", method: "POST", url: "/admin/brokers/u-demo-jingjiren", form: url.Values{"lead": {"1"}}, status: 303},
		{name: "assign nobody", as: "jingjiren", method: "POST", url: in + "/assign", form: url.Values{"broker": {""}}, status: 422, want: []string{"请选择一位技术经纪人"}},
		{name: "assign wrong role", as: "qiye", method: "POST", url: in + "/assign", form: url.Values{"broker": {other}}, status: 403},
		{name: "assign missing", as: "jingjiren", method: "POST", url: "/introductions/nope/assign", form: url.Values{"broker": {other}}, status: 404},
		{name: "assign to broker2", as: "jingjiren", method: "POST", url: in + "/assign", form: url.Values{"broker": {other}}, status: 303},
		{name: "take someone else's", as: "jingjiren", method: "POST", url: in + "/take", form: url.Values{}, status: 422, want: []string{"已由"}},
		{name: "assign back", as: "jingjiren", method: "POST", url: in + "/assign", form: url.Values{"broker": {"u-demo-jingjiren"}}, status: 303},
		{name: "workload", as: "jingjiren", method: "GET", url: "/broker/workload", status: 200, want: []string{"新经纪人", "未分派"}},
		{name: "workload wrong role", as: "qiye", method: "GET", url: "/broker/workload", status: 403},
		{name: "queue: mine", as: "jingjiren", method: "GET", url: "/broker/queue?view=mine", status: 200, want: []string{"洽谈中", "安徽淠源新能源科技有限公司"}},
		{name: "queue: unknown view", as: "jingjiren", method: "GET", url: "/broker/queue?view=everything", status: 422},
		{name: "contract with a float amount", as: "jingjiren", method: "POST", url: in + "/contract", form: url.Values{"type": {"development"}, "title": {"电芯材料表征技术开发"}, "amount": {"800000.5"}, "signed": {"2026-01-20"}}, status: 422, want: []string{"合同金额应为以元为单位的整数"}},
		{name: "contract local above amount", as: "jingjiren", method: "POST", url: in + "/contract", form: url.Values{"type": {"development"}, "title": {"电芯材料表征技术开发"}, "amount": {"800000"}, "local_amount": {"900000"}, "signed": {"2026-01-20"}}, status: 422, want: []string{"本地吸纳金额不能高于合同金额"}},
		{name: "contract wrong role", as: "qiye", method: "POST", url: in + "/contract", form: url.Values{"amount": {"1"}}, status: 403},
		{name: "contract missing", as: "jingjiren", method: "POST", url: "/introductions/nope/contract", form: url.Values{"type": {"development"}, "title": {"x"}, "amount": {"1"}, "signed": {"2026-01-20"}}, status: 404},
		{name: "contract", as: "jingjiren", method: "POST", url: in + "/contract", form: url.Values{"type": {"development"}, "title": {"电芯材料表征技术开发"}, "amount": {"800,000"}, "local_amount": {"800000"}, "signed": {"2026-01-20"}}, status: 303},
		{name: "signed, waiting for registration", as: "jingjiren", method: "GET", url: in, status: 200, want: []string{"已签约", "80.00 万元", "800,000 元", "技术合同登记"}},
		{name: "the enterprise sees the stage", as: "qiye", method: "GET", url: "/my", status: 200, want: []string{"已签约", "皖西学院"}},
		{name: "contracts", as: "jingjiren", method: "GET", url: "/broker/contracts", status: 200, want: []string{"电芯材料表征技术开发", "80.00"}},
		{name: "contracts wrong role", as: "yuansuo", method: "GET", url: "/broker/contracts", status: 403},
		{name: "contract form", as: "jingjiren", method: "GET", url: "/broker/contracts/new?challenge=ch-a024", status: 200, want: []string{"ch-a024", "技术合同登记编号"}},
		{name: "contract form wrong role", as: "qiye", method: "GET", url: "/broker/contracts/new", status: 403},
		{name: "standalone contract without a posting", as: "jingjiren", method: "POST", url: "/broker/contracts", form: url.Values{"type": {"service"}, "title": {"检测服务"}, "buyer": {"某企业"}, "seller": {"某院所"}, "amount": {"50000"}, "signed": {"2026-02-01"}}, status: 422, want: []string{"请关联一项对接、技术需求或科技成果"}},
		{name: "standalone contract wrong role", as: "qiye", method: "POST", url: "/broker/contracts", form: url.Values{"amount": {"1"}}, status: 403},
		{name: "standalone contract", as: "jingjiren", method: "POST", url: "/broker/contracts", form: url.Values{"type": {"service"}, "title": {"锂电池检测服务"}, "challenge": {"ch-a024"}, "seller": {"合肥工业大学"}, "amount": {"50000"}, "signed": {"2026-02-01"}}, status: 303},
	})
	list, _, _, err := wf.Contracts(ctx, broker, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	var fromIntro, standalone string
	for _, c := range list {
		if c.IntroID == id {
			fromIntro = c.ID
		} else if c.Title == "锂电池检测服务" {
			standalone = c.ID
		}
	}
	if fromIntro == "" || standalone == "" {
		t.Fatalf("contracts: %+v", list)
	}
	runScenarios(t, st, rec, []scenario{
		{name: "register with a bad number", as: "jingjiren", method: "POST", url: "/broker/contracts/" + fromIntro + "/register", form: url.Values{"reg_no": {"号"}, "registered": {"2026-02-10"}}, status: 422, want: []string{"登记编号应为"}},
		{name: "register wrong role", as: "qiye", method: "POST", url: "/broker/contracts/" + fromIntro + "/register", form: url.Values{"reg_no": {"2026340015000123"}}, status: 403},
		{name: "register missing", as: "jingjiren", method: "POST", url: "/broker/contracts/nope/register", form: url.Values{"reg_no": {"2026340015000123"}, "registered": {"2026-02-10"}}, status: 404},
		{name: "register", as: "jingjiren", method: "POST", url: "/broker/contracts/" + fromIntro + "/register", form: url.Values{"reg_no": {"2026340015000123"}, "registered": {"2026-02-10"}}, status: 303},
		{name: "registered", as: "qiye", method: "GET", url: in, status: 200, want: []string{"已登记", "2026340015000123"}},
		{name: "the same number twice", as: "jingjiren", method: "POST", url: "/broker/contracts/" + standalone + "/register", form: url.Values{"reg_no": {"2026340015000123"}, "registered": {"2026-02-10"}}, status: 409, want: []string{"登记编号已被另一份合同使用"}},
		{name: "invite to a public challenge", as: "jingjiren", method: "POST", url: "/challenges/ch-a001/invitations", form: url.Values{"org": {"inst-aiitla"}}, status: 409},
		{name: "invite nobody", as: "qiye", method: "POST", url: "/challenges/ch-a002/invitations", form: url.Values{"org": {""}}, status: 422, want: []string{"请选择一家已通过审核的院所"}},
		{name: "invite wrong role", as: "yuansuo", method: "POST", url: "/challenges/ch-a002/invitations", form: url.Values{"org": {"inst-aiitla"}}, status: 403},
		{name: "invite missing", as: "qiye", method: "POST", url: "/challenges/nope/invitations", form: url.Values{"org": {"inst-aiitla"}}, status: 404},
		{name: "invite someone else's challenge", as: "qiye", method: "POST", url: "/challenges/ch-a006/invitations", form: url.Values{"org": {"inst-aiitla"}}, status: 404},
		{name: "the owner invites", as: "qiye", method: "POST", url: "/challenges/ch-a002/invitations", form: url.Values{"org": {"inst-aiitla"}}, status: 303},
		{name: "the invitation is listed", as: "jingjiren", method: "GET", url: "/challenges/ch-a002", status: 200, want: []string{"邀请院所查看完整内容", "安徽省工业技术创新研究院六安院"}},
		{name: "withdraw from a public challenge", as: "jingjiren", method: "POST", url: "/challenges/ch-a001/invitations/inst-aiitla/withdraw", form: url.Values{}, status: 409},
		{name: "withdraw wrong role", as: "yuansuo", method: "POST", url: "/challenges/ch-a002/invitations/inst-aiitla/withdraw", form: url.Values{}, status: 403},
		{name: "withdraw missing", as: "jingjiren", method: "POST", url: "/challenges/nope/invitations/inst-aiitla/withdraw", form: url.Values{}, status: 404},
		{name: "withdraw", as: "jingjiren", method: "POST", url: "/challenges/ch-a002/invitations/inst-aiitla/withdraw", form: url.Values{}, status: 303},
		{name: "dispatch form under a broker's matches", as: "jingjiren", method: "GET", url: "/challenges/ch-a024", status: 200, want: []string{"派单：推荐给双方", `name="targets"`}},
		{name: "no dispatch form for others", as: "yuansuo", method: "GET", url: "/challenges/ch-a024", status: 200, notWant: []string{"派单", "退回发布方修改"}},
		{name: "return without a reason", as: "jingjiren", method: "POST", url: "/capabilities/cap-a008/return", form: url.Values{"note": {" "}}, status: 422, want: []string{"请填写退回原因"}},
		{name: "return with a direction override in its reason", as: "jingjiren", method: "POST", url: "/capabilities/cap-a008/return", form: url.Values{"note": {"请补充\u202e指标"}}, status: 422, want: []string{"不可见的排版控制字符"}},
		{name: "return wrong role", as: "yuansuo", method: "POST", url: "/capabilities/cap-a008/return", form: url.Values{"note": {"x"}}, status: 403},
		{name: "return missing", as: "jingjiren", method: "POST", url: "/capabilities/nope/return", form: url.Values{"note": {"x"}}, status: 404},
		{name: "return a capability", as: "jingjiren", method: "POST", url: "/capabilities/cap-a008/return", form: url.Values{"note": {"成果简介缺少技术指标，请补充后再发布。"}}, status: 303},
		{name: "a returned capability is out of the lists", method: "GET", url: "/capabilities/cap-a008", status: 404},
		{name: "its owner is told why", as: "yuansuo", method: "GET", url: "/inbox", status: 200, want: []string{"科技局退回了您的发布", "成果简介缺少技术指标"}},
		{name: "return a draft", as: "jingjiren", method: "POST", url: "/capabilities/cap-a008/return", form: url.Values{"note": {"x"}}, status: 409},
		{name: "return a challenge wrong role", as: "qiye", method: "POST", url: "/challenges/ch-a024/return", form: url.Values{"note": {"x"}}, status: 403},
		{name: "return a challenge missing", as: "jingjiren", method: "POST", url: "/challenges/nope/return", form: url.Values{"note": {"x"}}, status: 404},
		{name: "return a challenge without a reason", as: "jingjiren", method: "POST", url: "/challenges/ch-a024/return", form: url.Values{}, status: 422},
		{name: "return a challenge", as: "jingjiren", method: "POST", url: "/challenges/ch-a024/return", form: url.Values{"note": {"预算与期限不一致，请核对。"}}, status: 303},
	})
	msgs, _, err := wf.Inbox(ctx, workflow.Actor{User: &duijie.User{ID: "u-demo-qiye", Role: duijie.RoleEnterprise}}, 0, 1)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("qiye's inbox: %v, %d", err, len(msgs))
	}
	open := "/inbox/" + strconv.FormatInt(msgs[0].ID, 10)
	runScenarios(t, st, rec, []scenario{
		{name: "inbox message of someone else", as: "yuansuo", method: "POST", url: open, form: url.Values{}, status: 404},
		{name: "inbox message missing", as: "qiye", method: "POST", url: "/inbox/999999", form: url.Values{}, status: 404},
		{name: "inbox message anonymous", method: "POST", url: open, form: url.Values{}, status: 401},
		{name: "inbox message opens its link", as: "qiye", method: "POST", url: open, form: url.Values{}, status: 303},
		{name: "inbox read all anonymous", method: "POST", url: "/inbox/read", form: url.Values{}, status: 401},
		{name: "inbox read all", as: "qiye", method: "POST", url: "/inbox/read", form: url.Values{}, status: 303},
		{name: "nothing unread", as: "qiye", method: "GET", url: "/inbox", status: 200, notWant: []string{`class="badge"`, `class="unread"`}},
	})
}

// testWorkflowAPI walks the workflow's API routes: a 派单 on a 摘要公开
// challenge, both answers (the institute then reads the contacts and the
// challenge in full), a note, a stage, a contract, the contracts list and
// the inbox.
func testWorkflowAPI(t *testing.T, st *stack, rec *recorder) {
	ent, inst, broker := apiToken(t, st, "qiye"), apiToken(t, st, "yuansuo"), apiToken(t, st, "jingjiren")
	admin := apiToken(t, st, "xitong")
	code, body := st.anon(t).doRaw2(t, "POST", "/api/v1/introductions", `{"type":"challenge","id":"ch-a002","targets":["cap-a018"],"message":"建议先交流低温预热方案"}`, broker)
	if code != 201 {
		t.Fatalf("dispatch: %d %s", code, body)
	}
	var created struct{ IDs []string }
	if err := json.Unmarshal([]byte(body), &created); err != nil || len(created.IDs) != 1 {
		t.Fatalf("dispatch answered %s", body)
	}
	in := "/api/v1/introductions/" + created.IDs[0]
	rec.hit("POST", "/api/v1/introductions", 201)
	runAPIScenarios(t, st, rec, []apiScenario{
		{"intro dispatch wrong role", "POST", "/api/v1/introductions", ent, `{"type":"challenge","id":"ch-a002","targets":["cap-a018"]}`, 403, nil, nil},
		{"intro dispatch bad type", "POST", "/api/v1/introductions", broker, `{"type":"x","id":"ch-a002","targets":["cap-a018"]}`, 422, nil, nil},
		{"intro dispatch missing", "POST", "/api/v1/introductions", broker, `{"type":"challenge","id":"nope","targets":["cap-a018"]}`, 404, nil, nil},
		{"intros for the broker", "GET", "/api/v1/introductions?view=mine", broker, "", 200, []string{`"stage":"recommended"`, created.IDs[0]}, nil},
		{"intros bad view", "GET", "/api/v1/introductions?view=x", broker, "", 422, nil, nil},
		{"intros wrong role", "GET", "/api/v1/introductions", admin, "", 403, nil, nil},
		{"intros for the institute", "GET", "/api/v1/introductions", inst, "", 200, []string{created.IDs[0]}, nil},
		{"intro for the institute: the enterprise of a 摘要公开 challenge hidden", "GET", in, inst, "", 200, []string{`"side":"institute"`}, []string{"安徽淠源新能源科技有限公司", `"enterprise":`}},
		{"intro for the enterprise", "GET", in, ent, "", 200, []string{`"may_answer":true`, `"side":"enterprise"`}, []string{`"contacts"`}},
		{"intro wrong role", "GET", in, admin, "", 403, nil, nil},
		{"intro missing", "GET", "/api/v1/introductions/nope", broker, "", 404, nil, nil},
		{"answer bad", "POST", in + "/answer", ent, `{"answer":"maybe"}`, 422, nil, nil},
		{"answer wrong role", "POST", in + "/answer", broker, `{"answer":"accept"}`, 403, nil, nil},
		{"answer missing", "POST", "/api/v1/introductions/nope/answer", ent, `{"answer":"accept"}`, 404, nil, nil},
		{"enterprise accepts", "POST", in + "/answer", ent, `{"answer":"accept"}`, 200, []string{`"enterprise_answer":"accepted"`}, []string{`"contacts"`}},
		{"the institute cannot read the challenge yet", "GET", "/api/v1/challenges/ch-a002", inst, "", 200, []string{`"summary":true`}, []string{`"problem"`}},
		{"institute accepts: contacts pass", "POST", in + "/answer", inst, `{"answer":"accept"}`, 200, []string{`"stage":"confirmed"`, `"contacts":[`, "13805640101", "安徽淠源新能源科技有限公司"}, nil},
		{"the institute reads the challenge in full", "GET", "/api/v1/challenges/ch-a002", inst, "", 200, []string{`"problem"`}, nil},
		{"note bad", "POST", in + "/notes", broker, `{"channel":"fax","on":"2026-01-05","note":"x"}`, 422, []string{"请选择跟进方式"}, nil},
		{"note wrong role", "POST", in + "/notes", ent, `{"channel":"phone","on":"2026-01-05","note":"x"}`, 403, nil, nil},
		{"note missing", "POST", "/api/v1/introductions/nope/notes", broker, `{"channel":"phone","on":"2026-01-05","note":"x"}`, 404, nil, nil},
		{"note", "POST", in + "/notes", broker, `{"channel":"phone","on":"2026-01-05","note":"电话沟通，约定样品测试"}`, 200, []string{"电话沟通，约定样品测试"}, nil},
		{"stage bad", "POST", in + "/stage", broker, `{"to":"registered"}`, 409, nil, nil},
		{"stage wrong role", "POST", in + "/stage", inst, `{"to":"negotiating"}`, 403, nil, nil},
		{"stage missing", "POST", "/api/v1/introductions/nope/stage", broker, `{"to":"negotiating"}`, 404, nil, nil},
		{"stage", "POST", in + "/stage", broker, `{"to":"negotiating"}`, 200, []string{`"stage":"negotiating"`}, nil},
		{"contract with a fraction of a 元", "POST", in + "/contract", broker, `{"type":"development","title":"低温预热","amount_yuan":1000.5,"local_amount_yuan":0,"signed":"2026-02-01"}`, 422, nil, nil},
		{"contract wrong role", "POST", in + "/contract", ent, `{"type":"development","title":"低温预热","amount_yuan":1000,"local_amount_yuan":0,"signed":"2026-02-01"}`, 403, nil, nil},
		{"contract missing", "POST", "/api/v1/introductions/nope/contract", broker, `{"type":"development","title":"低温预热","amount_yuan":1000,"local_amount_yuan":0,"signed":"2026-02-01"}`, 404, nil, nil},
		{"contract", "POST", in + "/contract", broker, `{"type":"development","title":"电池包低温预热技术开发","amount_yuan":1200000,"local_amount_yuan":1200000,"signed":"2026-02-01","reg_no":"2026340015000456","registered":"2026-02-03"}`, 201, []string{`"amount_yuan":1200000`, `"reg_no":"2026340015000456"`}, nil},
		{"registered at once", "GET", in, ent, "", 200, []string{`"stage":"registered"`}, nil},
		{"contracts", "GET", "/api/v1/contracts", broker, "", 200, []string{"电池包低温预热技术开发", `"amount_yuan":`}, nil},
		{"contracts wrong role", "GET", "/api/v1/contracts", ent, "", 403, nil, nil},
		{"standalone contract bad", "POST", "/api/v1/contracts", broker, `{"type":"service","title":"检测","amount_yuan":0,"local_amount_yuan":0,"signed":"2026-02-01","challenge_id":"ch-a024"}`, 422, []string{"请填写合同金额"}, nil},
		{"standalone contract wrong role", "POST", "/api/v1/contracts", inst, `{}`, 403, nil, nil},
		{"standalone contract", "POST", "/api/v1/contracts", broker, `{"type":"consulting","title":"储能电站技术咨询","seller":"合肥工业大学","amount_yuan":30000,"local_amount_yuan":0,"signed":"2026-02-05","challenge_id":"ch-a024"}`, 201, nil, nil},
		{"messages", "GET", "/api/v1/messages", inst, "", 200, []string{`"unread":`, "双方已确认对接"}, nil},
		{"messages anonymous", "GET", "/api/v1/messages", "", "", 401, nil, nil},
		{"message read missing", "POST", "/api/v1/messages/read", inst, `{"id":999999}`, 404, nil, nil},
		{"message read bad", "POST", "/api/v1/messages/read", inst, `{"id":"x"}`, 422, nil, nil},
		{"messages all read", "POST", "/api/v1/messages/read", inst, `{}`, 200, []string{`"unread":0`}, nil},
	})
}
