package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/envoys"
	"duijie/internal/events"
	"duijie/internal/portal"
	"duijie/internal/reports"
	"duijie/internal/workflow"
)

// pages holds one template set per page: layout.html plus the page's own
// file, so that every page may define "content" without clashing.
type pages struct {
	sets map[string]*template.Template
}

func parsePages(fsys fs.FS) (*pages, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("server: templates: %w", err)
	}
	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		set, err := template.Must(base.Clone()).ParseFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("server: template %s: %w", name, err)
		}
		p.sets[name] = set
	}
	return p, nil
}

// render executes a page into a buffer first, so that a template error
// never sends half a page.
func (s *Server) render(c *fiber.Ctx, name string, data any) error {
	set, ok := s.pages.sets[name]
	if !ok {
		return fmt.Errorf("server: no template %q", name)
	}
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("server: render %s: %w", name, err)
	}
	c.Type("html", "utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(duijie.ChinaTime).Format("2006-01-02 15:04")
	},
	"budget": func(lo, hi int) string {
		switch {
		case lo == 0 && hi == 0:
			return "面议"
		case hi == 0:
			return fmt.Sprintf("%d 万元以上", lo)
		case lo == 0:
			return fmt.Sprintf("%d 万元以内", hi)
		case lo == hi:
			return fmt.Sprintf("%d 万元", lo)
		}
		return fmt.Sprintf("%d–%d 万元", lo, hi)
	},
	"pct":        func(x float64) string { return fmt.Sprintf("%.0f", x*100) },
	"returnForm": func(path, id, csrf string) returnForm { return returnForm{Path: path, ID: id, CSRF: csrf} },
	"levelClass": func(level string) string {
		if c, ok := map[string]string{"很可能相关": "likely", "可能相关": "possible"}[level]; ok {
			return c
		}
		return "weak"
	},
	"num":  func(x float64) string { return fmt.Sprintf("%.2f", x) },
	"join": func(xs []string, sep string) string { return strings.Join(xs, sep) },
	"modes": func(ms []duijie.Mode) string {
		return strings.Join(duijie.ModeNames(ms), "、")
	},
	"has": func(xs []string, x string) bool {
		for _, y := range xs {
			if y == x {
				return true
			}
		}
		return false
	},
	"marks":  marks,
	"add":    func(a, b int) int { return a + b },
	"sub":    func(a, b int) int { return a - b },
	"stages": func() []duijie.Stage { return duijie.Stages[:len(duijie.Stages)-1] },
	"stageDone": func(s, current duijie.Stage) bool {
		return current != duijie.StageEnded && stageIndex(s) < stageIndex(current)
	},
	"wan":  duijie.Yuan,
	"yuan": func(amount int64) string { return groupDigits(amount) },
	"contactsOf": func(p *IntroPage, ids []string) contactList {
		out := contactList{CSRF: p.CSRF}
		seen := map[string]bool{}
		for _, id := range ids {
			if c, ok := p.Contacts[id]; ok && !seen[id] {
				seen[id] = true
				out.Items = append(out.Items, c)
			}
		}
		return out
	},
	"regions":      regionGroups,
	"closeReasons": closeReasonOptions,
	"action": func(a string) string {
		if l, ok := auditLabels[a]; ok {
			return l
		}
		return a
	},

	// the audit log in Chinese (audittext.go)
	"auditObject": auditObject,
	"auditDetail": auditDetail,
	"datetimeSec": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(duijie.ChinaTime).Format("2006-01-02 15:04:05")
	},
}

// auditLabels are the audit actions in Chinese.
var auditLabels = map[string]string{
	duijie.AuditSignIn:        "登录成功",
	duijie.AuditSignInFail:    "登录失败",
	duijie.AuditLockout:       "账号锁定",
	duijie.AuditSignOut:       "退出登录",
	duijie.AuditRegister:      "单位注册",
	duijie.AuditOrgReview:     "注册审核",
	duijie.AuditUserCreate:    "创建账号",
	duijie.AuditPassword:      "修改密码",
	duijie.AuditPasswordFail:  "修改密码失败",
	duijie.AuditPurge:         "清除过期审计记录",
	duijie.AuditUnlock:        "解锁账号",
	duijie.AuditTokenCreate:   "创建 API 令牌",
	duijie.AuditPostingWrite:  "保存发布",
	duijie.AuditPostingStatus: "变更发布状态",
	duijie.AuditInterest:      "提交意向",
	duijie.AuditConfidential:  "查看保密需求",
	duijie.AuditImport:        "导入演示数据",
	duijie.AuditContactReveal: "查看联系方式",
	workflow.AuditIntroCreate: "创建对接",
	portal.AuditPostingReturn: "退回发布",
	workflow.AuditIntroStage:  "对接阶段变更",
	workflow.AuditIntroAnswer: "对接答复",
	workflow.AuditIntroAssign: "分派对接",
	workflow.AuditContract:    "记录技术合同",
	workflow.AuditContractReg: "技术合同登记",
	workflow.AuditInvite:      "邀请查看需求",
	workflow.AuditUninvite:    "撤回邀请",
	// account lifecycle
	duijie.AuditPasswordIssue: "发放一次性密码",
	duijie.AuditUserDisable:   "停用账号",
	duijie.AuditUserEnable:    "启用账号",
	duijie.AuditUserRole:      "修改角色",
	// reports
	reports.AuditExport: "导出 Excel",

	// the rest of the workflow, imports and the log's own export
	workflow.AuditBrokerScope:   "设置经纪人职责",
	workflow.AuditContactsShown: "查看对接双方联系方式",
	portal.AuditImportPreview:   "导入预览",
	portal.AuditImportCommit:    "确认导入",
	portal.AuditExportAction:    "导出审计日志",

	// 科技特派员
	envoys.AuditAssign:         "指派科技特派员",
	envoys.AuditUnassign:       "结束特派员服务",
	envoys.AuditVisit:          "记录服务走访",
	envoys.AuditVisitCorrect:   "更正走访记录",
	envoys.AuditOnBehalf:       "特派员代拟需求",
	envoys.AuditOnBehalfOK:     "企业确认代拟需求",
	envoys.AuditOnBehalfReturn: "企业退回代拟需求",

	// 揭榜挂帅 calls and the expert pool
	duijie.AuditCallCreate:     "发布揭榜挂帅",
	duijie.AuditCallDeadline:   "延长揭榜截止日期",
	duijie.AuditCallWithdraw:   "撤销揭榜挂帅",
	duijie.AuditCallAward:      "确定揭榜单位",
	duijie.AuditProposalSubmit: "提交揭榜方案",
	duijie.AuditAttachmentAdd:  "上传方案附件",
	duijie.AuditAttachmentDel:  "删除方案附件",
	duijie.AuditAttachmentGet:  "下载方案附件",
	duijie.AuditPanelDraw:      "抽取评审专家",
	duijie.AuditPanelReplay:    "复核专家抽取",
	duijie.AuditPanelRecuse:    "专家回避",
	duijie.AuditCallResults:    "导出评审结果",
	duijie.AuditReview:         "专家评分",
	duijie.AuditExpertApply:    "申请入库评审专家",
	duijie.AuditExpertAdmit:    "专家入库",
	duijie.AuditExpertReturn:   "退回专家申请",
	duijie.AuditExpertRemove:   "专家淘汰",
	duijie.AuditExpertContact:  "查看专家联系方式",

	// events: 对接会
	events.AuditCreate:   "创建对接会",
	events.AuditUpdate:   "修改对接会",
	events.AuditStatus:   "变更对接会状态",
	events.AuditInvite:   "邀请参加对接会",
	events.AuditRegister: "报名参加对接会",
	events.AuditAnswer:   "确认参会时段",
	events.AuditGenerate: "生成对接会日程",
	events.AuditEdit:     "调整对接会日程",
	events.AuditOutcome:  "记录洽谈结果",
	events.AuditNotify:   "通知参会方日程",
}

// contactList is what the "contacts" block shows: masked contacts, each
// with a button to reveal it (audited).
type contactList struct {
	CSRF  string
	Items []portal.Contact
}

func stageIndex(s duijie.Stage) int {
	for i, x := range duijie.Stages {
		if x == s {
			return i
		}
	}
	return -1
}

// groupDigits writes a whole number with thousands separators.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// returnForm is what the broker's 退回 form of a posting needs.
type returnForm struct{ Path, ID, CSRF string }

// marks is a title's or a snippet's fragments as HTML, the hits in <mark>:
// one call instead of an escaped action per fragment, which is most of
// what a list or a page of ten explained matches costs html/template.
// Every fragment's text is escaped here, byte for byte as the template
// would (htmlEscaper below).
func marks(frags []portal.Fragment) template.HTML {
	var b strings.Builder
	for _, f := range frags {
		if f.Hit {
			b.WriteString("<mark>")
		}
		htmlEscaper.WriteString(&b, f.Text)
		if f.Hit {
			b.WriteString("</mark>")
		}
	}
	return template.HTML(b.String())
}

// htmlEscaper escapes text for an HTML text node with html/template's own
// table (it escapes + too, against UTF-7 sniffing).
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")
