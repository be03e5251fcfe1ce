package server

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/workflow"
)

// The audit log in Chinese: actions (auditLabels in render.go), objects
// and details. What is stored stays as it was written (the chain hashes
// it); these only read it.

// auditAction is an action's Chinese name (the code when unknown).
func auditAction(a string) string {
	if l, ok := auditLabels[a]; ok {
		return l
	}
	return a
}

// auditObjectTypes name the kinds of object the log records.
var auditObjectTypes = map[string]string{
	"user": "用户", "org": "单位", "challenge": "技术需求", "capability": "科技成果", "introduction": "对接",
	"contract": "技术合同", "import": "导入", "session": "会话", "demo": "演示数据", "audit": "审计日志",
	"event": "对接会", // events
}

// auditObject writes challenge:ch-a001 as 技术需求 ch-a001.
func auditObject(o string) string {
	typ, id, ok := strings.Cut(o, ":")
	if l, known := auditObjectTypes[typ]; known {
		if !ok {
			return l
		}
		return l + " " + id
	}
	return o
}

var (
	auditPhrases = []struct {
		re   *regexp.Regexp
		repl string
	}{
		{regexp.MustCompile(`^one-time password for (\S+) \((\w+)\), identity verified by the issuer; lockout cleared, sessions and tokens ended$`),
			"为 $1（$2）发放一次性密码，发放人已核实身份；已解除锁定，已结束其全部会话和 API 令牌"},
		{regexp.MustCompile(`^disabled (\S+) \((\w+)\); sessions and tokens ended$`), "停用账号 $1（$2）；已结束其全部会话和 API 令牌"},
		{regexp.MustCompile(`^enabled (\S+) \((\w+)\)$`), "启用账号 $1（$2）"},
		{regexp.MustCompile(`^role of (\S+): (\w+) -> (\w+); sessions and tokens ended$`), "$1 的角色：$2 → $3；已结束其全部会话和 API 令牌"},
		{regexp.MustCompile(`^(\d+) organisations, (\d+) challenges, (\d+) capabilities, (\d+) users$`), "$1 个单位、$2 条技术需求、$3 条科技成果、$4 个账号"},
		{regexp.MustCompile(`^lead=true counties=(.*)$`), "牵头经纪人；负责区县：$1"},
		{regexp.MustCompile(`^lead=false counties=(.*)$`), "负责区县：$1"},
		{regexp.MustCompile(`^unknown user$`), "用户名不存在"},
		{regexp.MustCompile(`^wrong password$`), "密码错误"},
		{regexp.MustCompile(`^disabled$`), "账号已停用"},
		{regexp.MustCompile(`^changed$`), "已修改"},
		{regexp.MustCompile(`^first administrator$`), "首个系统管理员"},
		{regexp.MustCompile(`^locked until `), "锁定至 "},
	}
	auditStamp = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})`)
	auditWord  = regexp.MustCompile(`\b[a-z][a-z_]*\b`)
	auditWords = func() map[string]string {
		m := map[string]string{}
		for _, r := range duijie.Roles {
			m[string(r)] = r.Label()
		}
		for _, s := range []duijie.Status{duijie.StatusDraft, duijie.StatusPending, duijie.StatusPublished, duijie.StatusClosed} {
			m[string(s)] = s.Label()
		}
		for _, s := range []duijie.OrgStatus{duijie.OrgApproved, duijie.OrgRejected} {
			m[string(s)] = s.Label()
		}
		for _, s := range duijie.Stages {
			m[string(s)] = s.Label()
		}
		for _, r := range duijie.Reasons {
			m[string(r)] = r.Label()
		}
		m["accepted"], m["declined"] = duijie.AnswerAccepted.Label(), duijie.AnswerDeclined.Label()
		m["public"], m["summary"], m["bureau"] = "公开", "摘要公开", "仅科技局可见"
		return m
	}()
)

// auditDetail reads a stored detail in Chinese: the English phrases the
// code writes, status, role, stage and reason codes, and times in Beijing
// time. Text it does not know stays as written.
func auditDetail(action, d string) string {
	for _, p := range auditPhrases {
		d = p.re.ReplaceAllString(d, p.repl)
	}
	d = auditStamp.ReplaceAllStringFunc(d, func(s string) string {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return t.In(duijie.ChinaTime).Format("2006-01-02 15:04:05") + "（北京时间）"
	})
	if !auditCoded[action] {
		return d // free text (names, notes) is never rewritten
	}
	coded, note, hasNote := strings.Cut(d, "：") // a close reason's note follows "："
	coded = auditWord.ReplaceAllStringFunc(coded, func(w string) string {
		if l, ok := auditWords[w]; ok && l != "" {
			return l
		}
		return w
	})
	if hasNote {
		return coded + "：" + note
	}
	return coded
}

// auditCoded are the actions whose details the code writes from codes
// (statuses, roles, stages, answers, reasons).
var auditCoded = map[string]bool{
	duijie.AuditPostingWrite: true, duijie.AuditPostingStatus: true, duijie.AuditOrgReview: true, duijie.AuditUserCreate: true,
	duijie.AuditUserRole: true, duijie.AuditPasswordIssue: true, duijie.AuditUserEnable: true, duijie.AuditUserDisable: true,
	duijie.AuditConfidential: true, workflow.AuditIntroStage: true, workflow.AuditIntroAnswer: true,
}

// auditActionOptions are the action filter's choices: groups, then every
// action by its Chinese name.
func auditActionOptions() []Option {
	out := []Option{{"signin.", "登录（全部）"}, {"user.", "账号（全部）"}, {"org.", "单位注册与审核（全部）"},
		{"posting.", "发布（全部）"}, {"intro.", "对接（全部）"}, {"contract.", "技术合同（全部）"},
		{"invitation.", "邀请（全部）"}, {"import.", "批量导入（全部）"}}
	var each []Option
	for code, label := range auditLabels {
		each = append(each, Option{code, label})
	}
	sort.Slice(each, func(i, j int) bool { return each[i].Value < each[j].Value })
	return append(out, each...)
}
