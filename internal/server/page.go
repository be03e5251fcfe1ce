package server

import (
	"github.com/gofiber/fiber/v2"
	"html/template"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

// Page is what every page shows: title, the signed-in user, the CSRF
// token for its forms, a notice after a redirect, and the request id.
type Page struct {
	Title     string
	User      *duijie.User
	CSRF      string
	Flash     string
	RequestID string
	Nav       string // the current section, for the menu
	Unread    int    // unread messages in the inbox
}

// flashes are the notices a redirect may ask for with ?ok=; the page
// never echoes text from the URL.
var flashes = map[string]string{
	"saved":      "已保存。",
	"published":  "已发布，系统已为您推荐可能的合作方。",
	"closed":     "已关闭，不再出现在列表中。",
	"listed":     "已发布，出现在列表中。",
	"interest":   "已提交，科技局技术经纪人将尽快与您联系。",
	"registered": "注册成功！",
	"password":   "密码已修改，请重新登录。",
	"reviewed":   "审核结果已保存。",
	"unlocked":   "账号已解锁。",
	"signedout":  "您已退出登录。",
	// the broker's workflow
	"answered":            "您的答复已提交。",
	"moved":               "阶段已更新，双方已收到站内消息。",
	"taken":               "已由您负责跟进。",
	"assigned":            "已分派。",
	"noted":               "跟进记录已保存。",
	"contract":            "合同已记录。",
	"registered_contract": "合同登记信息已保存。",
	"dispatched":          "已推荐给双方，等待双方答复。",
	"invited":             "已邀请，对方可查看该需求的完整内容。",
	"uninvited":           "邀请已撤回。",
	"read":                "已全部标为已读。",
	"returned":            "已退回，发布方已收到站内消息。",

	// account lifecycle
	"disabled": "账号已停用，其全部登录会话和 API 令牌已失效。",
	"enabled":  "账号已启用。",
	"role":     "角色已修改；该账号的登录会话和 API 令牌已失效，须重新登录。",
}

func (s *Server) page(c *fiber.Ctx, title string) Page {
	rid, _ := c.Locals(localRequestID).(string)
	csrf, _ := c.Locals(localCSRF).(string)
	p := Page{Title: title, User: user(c), CSRF: csrf, Flash: flashes[c.Query("ok")], RequestID: rid}
	if p.User != nil {
		if n, err := s.wf.Unread(c.UserContext(), actor(c)); err == nil {
			p.Unread = n
		} else {
			s.log.ErrorContext(c.UserContext(), "unread count failed", "err", err) // the page is still worth showing
		}
	}
	return p
}

// Option is one choice of a select or a group of checkboxes.
type Option struct {
	Value, Label string
}

func industryOptions() []Option {
	var out []Option
	for _, i := range duijie.Industries {
		out = append(out, Option{string(i.Code), i.Label})
	}
	return out
}

func kindOptions() []Option {
	var out []Option
	for _, k := range []duijie.Kind{duijie.KindAchievement, duijie.KindDirection, duijie.KindExpert, duijie.KindEquipment} {
		out = append(out, Option{string(k), k.Label()})
	}
	return out
}

func visibilityOptions() []Option {
	var out []Option
	for _, v := range []duijie.Visibility{duijie.VisibilityPublic, duijie.VisibilitySummary, duijie.VisibilityBureau} {
		out = append(out, Option{string(v), v.Label()})
	}
	return out
}

func modeNames() []string { return duijie.ModeNames(duijie.Modes) }

// OptionGroup is an <optgroup> of a select.
type OptionGroup struct {
	Label   string
	Options []Option
}

// regionGroups is the region picker's list, grouped by tier.
func regionGroups() []OptionGroup {
	var out []OptionGroup
	for _, r := range duijie.Regions {
		label := r.Tier.Label()
		if r.Tier == duijie.TierOther {
			label = "其他"
		}
		if n := len(out); n == 0 || out[n-1].Label != label {
			out = append(out, OptionGroup{Label: label})
		}
		g := &out[len(out)-1]
		g.Options = append(g.Options, Option{string(r.Code), r.Label})
	}
	return out
}

func closeReasonOptions() []Option {
	var out []Option
	for _, r := range duijie.CloseReasons {
		out = append(out, Option{string(r), r.Label()})
	}
	return out
}

// HomePage is /.
type HomePage struct {
	Page
	Challenges   []portal.Item
	Capabilities []portal.Item
	ChallengeN   int
	CapabilityN  int
	Industries   []Option
}

// ListPage is /challenges and /capabilities.
type ListPage struct {
	Page
	Type     string // challenge | capability
	Base     string // /challenges | /capabilities
	Result   *portal.SearchPage
	Groups   []FacetGroup
	Sort     string
	Prev     string // link to the previous page, "" on the first
	Next     string
	From, To int
	Errors   map[string]string
	// Expired: challenges past their deadline are listed too (显示已截止);
	// ExpiredHref toggles it.
	Expired     bool
	ExpiredHref string
}

// FacetGroup is one facet with links that toggle its values.
type FacetGroup struct {
	Name   string
	Label  string
	Values []FacetLink
}

// FacetLink toggles one facet value.
type FacetLink struct {
	Label    string
	Count    int
	Selected bool
	Href     string
}

// ChallengePage is /challenges/:id.
type ChallengePage struct {
	Page
	C            *portal.ChallengeView
	Matches      *portal.MatchPage // nil when MatchesHTML came from the cache
	MatchesHTML  template.HTML     // the list of explained matches, rendered (matchsection.go)
	MatchError   string
	Missing      []string
	Completeness int // percent
	CanPropose   bool
	Proposed     bool // our organisation's proposal is in the queue
	Proposal     interestForm
	Closing      duijie.Closure // the close form as sent, when it failed
	Errors       map[string]string
	Dispatch     *DispatchForm // brokers: 派单 from the matches
	Invites      *InviteBox    // 摘要公开: owner and brokers
	Calls        []duijie.Call // the 揭榜挂帅 call open or under review on it
	MayCall      bool          // brokers: a call may be published on it
}

// CapabilityPage is /capabilities/:id.
type CapabilityPage struct {
	Page
	C           *portal.CapabilityView
	Matches     *portal.MatchPage // nil when MatchesHTML came from the cache
	MatchesHTML template.HTML     // the list of explained matches, rendered (matchsection.go)
	MatchError  string
	CanAsk      bool
	Asked       bool // our request is in the queue
	Intro       interestForm
	Errors      map[string]string
	Dispatch    *DispatchForm // brokers: 派单 from the matches
}

// ChallengeFormPage is the form to post or edit a challenge.
type ChallengeFormPage struct {
	Page
	Action       string
	Editing      bool
	Published    bool
	Form         challengeForm
	Errors       map[string]string
	Industries   []Option
	Modes        []string
	Visibility   []Option
	Missing      []string
	Completeness int
	CanPost      bool // the organisation is approved
}

// CapabilityFormPage is the form to post or edit a capability.
type CapabilityFormPage struct {
	Page
	Action     string
	Editing    bool
	Published  bool
	Form       capabilityForm
	Errors     map[string]string
	Industries []Option
	Kinds      []Option
	Modes      []string
	CanPost    bool
}

// LoginPage is /login.
type LoginPage struct {
	Page
	Username string
	Next     string
	Error    string
}

// RegisterPage is /register.
type RegisterPage struct {
	Page
	Form   registerForm
	Errors map[string]string
}

// PasswordPage is /account/password.
type PasswordPage struct {
	Page
	Forced bool
	Errors map[string]string
}

// MinePage is /my: the caller's postings and requests.
type MinePage struct {
	Page
	Org          *duijie.Organization
	Challenges   []portal.Item
	Capabilities []portal.Item
	Groups       []MineIntro // our postings, each with its introductions
	Asked        []MineRow   // introductions we asked for about others' postings
	Answer       int         // introductions waiting for our answer
	EnvoyDrafts  int         // challenges 科技特派员 drafted for us, awaiting our confirmation
	CanPost      bool
}

// OrgReviewPage is /broker/orgs.
type OrgReviewPage struct {
	Page
	Orgs     []duijie.Organization
	Contacts map[string]portal.Contact // by organisation id, masked
}

// ContactPage shows one revealed contact.
type ContactPage struct {
	Page
	Contact portal.Contact
	Org     *duijie.Organization
}

// UsersPage is /admin/users.
type UsersPage struct {
	Page
	Users  []duijie.User
	Issued *UserIssued
	Form   userForm
	Roles  []Option
	Errors map[string]string
}

// UserIssued is an account just made, with its one-time password.
type UserIssued struct {
	Username, Password string
}

// LocksPage is /security/users: accounts and their lockouts.
type LocksPage struct {
	Page
	Users []LockRow
}

// LockRow is one account on LocksPage.
type LockRow struct {
	duijie.User
	Locked bool
}

// AuditPage is /admin/audit: the filters, a page of the log (nil when the
// filters are wrong) and the seq bounds of the page for keyset links.
type AuditPage struct {
	Page
	Query   portal.AuditQuery
	Actions []Option
	// links that keep the filters: the export, and the pages either side
	ExportURL, NewerURL, OlderURL string
	View                          *portal.AuditView
	First, Last                   int64
	Errors                        map[string]string
}

// ErrorPage is every error.
type ErrorPage struct {
	Page
	Status    int
	Message   string
	RequestID string
}

// account lifecycle

// ForgotPage is /forgot-password: whom to ask for a one-time password.
type ForgotPage struct {
	Page
	Bureau       string // the bureau's name as stored
	LockFailures int    // the lockout rule, stated on the page
	LockMinutes  int
}

// AccountsPage is /accounts: the accounts the caller may issue a one-time
// password for, and the password just issued (shown once).
type AccountsPage struct {
	Page
	Accounts []portal.Account
	Q        string
	Issued   *UserIssued
	Error    string
}
