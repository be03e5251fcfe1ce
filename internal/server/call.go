package server

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/calls"
	"duijie/internal/duijie"
)

// Policies of the calls' routes (the table is in routes.go).
var (
	// proposalReaders may ask for a proposal; the service decides which.
	proposalReaders = roles(duijie.RoleInstitute, duijie.RoleBroker, duijie.RoleExpert, duijie.RoleEnterprise)
	// drawCheckers replay a draw: brokers and the audit administrator.
	drawCheckers = roles(duijie.RoleBroker, duijie.RoleAuditor)
	expertOnly   = roles(duijie.RoleExpert)
	// recusers: an expert for themself, a broker for any member.
	recusers = roles(duijie.RoleBroker, duijie.RoleExpert)
)

// callFlashes are the notices of the calls' redirects.
var callFlashes = map[string]string{
	"created":    "揭榜挂帅榜单已发布。",
	"submitted":  "揭榜方案已提交，截止前可以修改。",
	"uploaded":   "附件已上传。",
	"deleted":    "附件已删除。",
	"extended":   "截止日期已延后。",
	"withdrawn":  "榜单已撤销。",
	"drawn":      "评审专家已抽取，抽取记录已存档，可随时复核。",
	"recused":    "已回避，由下一位候选专家递补，回避记录已存档。",
	"scored":     "评分已保存，评审结束前可以修改。",
	"awarded":    "已确定揭榜方，对接已进入“双方确认”。",
	"applied":    "申请已提交，科技局审核后将与您联系。",
	"returned_x": "申请已退回。",
	"removed":    "专家已淘汰，其账号已停用。",
}

func (s *Server) callPage(c *fiber.Ctx, title string) Page {
	p := s.page(c, title)
	if p.Flash == "" {
		p.Flash = callFlashes[c.Query("ok")]
	}
	p.Nav = "calls"
	return p
}

func (s *Server) handleCallList(c *fiber.Ctx) error {
	list, err := s.svc.Calls().List(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return s.render(c, "calls", &CallsPage{Page: s.callPage(c, "揭榜挂帅"), Calls: list,
		Today: duijie.Today(time.Now()).Format(duijie.DateLayout)})
}

// defaultCriteria prefill a new call's form.
var defaultCriteria = []duijie.Criterion{
	{Name: "技术方案先进性与可行性", Weight: 40, Description: "技术路线是否先进、可行，关键指标能否达到榜单要求"},
	{Name: "团队能力与前期基础", Weight: 30, Description: "团队的专业背景、已有成果和相关项目经验"},
	{Name: "经费与进度合理性", Weight: 20, Description: "预算和进度安排是否合理"},
	{Name: "成果转化与本地带动", Weight: 10, Description: "成果在六安落地转化的前景"},
}

const criteriaRows = 6

func (s *Server) handleCallNew(c *fiber.Ctx) error {
	form := map[string]string{"challenge": c.Query("challenge")}
	var rows []CriterionRow
	for i := 0; i < criteriaRows; i++ {
		r := CriterionRow{Index: i}
		if i < len(defaultCriteria) {
			r.Name, r.Weight, r.Description = defaultCriteria[i].Name, strconv.Itoa(defaultCriteria[i].Weight), defaultCriteria[i].Description
		}
		rows = append(rows, r)
	}
	return s.callForm(c, form, rows, nil)
}

func (s *Server) callForm(c *fiber.Ctx, form map[string]string, rows []CriterionRow, errs map[string]string) error {
	p := &CallFormPage{Page: s.callPage(c, "发布揭榜挂帅榜单"), Form: form, Criteria: rows, Errors: errs,
		Today: duijie.Today(time.Now()).Format(duijie.DateLayout)}
	if id := form["challenge"]; id != "" {
		if ch, err := s.svc.Challenge(c.UserContext(), actor(c), id); err == nil {
			p.Challenge = &ch.Challenge
		}
	}
	return s.render(c, "call_form", p)
}

func (s *Server) handleCallCreate(c *fiber.Ctx) error {
	form := introForm(c, "challenge", "title", "summary", "reward", "deadline")
	errs := fieldErrs{}
	in := calls.CallInput{Title: form["title"], Summary: form["summary"]}
	in.Reward = errs.int("reward", "揭榜奖励", strings.ReplaceAll(form["reward"], ",", ""), 0, duijie.MaxReward)
	if d := strings.TrimSpace(form["deadline"]); d != "" {
		if in.Deadline = duijie.ParseDate(d); in.Deadline.IsZero() {
			errs["deadline"] = "请按 年-月-日 填写日期，例如 2027-06-30"
		}
	}
	var rows []CriterionRow
	for i := 0; i < criteriaRows; i++ {
		n := strconv.Itoa(i)
		r := CriterionRow{Index: i, Name: c.FormValue("c_name" + n), Weight: c.FormValue("c_weight" + n), Description: c.FormValue("c_desc" + n)}
		rows = append(rows, r)
		if strings.TrimSpace(r.Name) == "" && strings.TrimSpace(r.Weight) == "" {
			continue
		}
		w := errs.int("criteria", "权重", r.Weight, 0, 100)
		in.Criteria = append(in.Criteria, duijie.Criterion{Name: r.Name, Weight: w, Description: r.Description})
	}
	if strings.TrimSpace(form["challenge"]) == "" {
		errs["challenge"] = "请填写技术需求编号"
	}
	var err error
	var call *duijie.Call
	if len(errs) == 0 {
		call, err = s.svc.Calls().Create(c.UserContext(), actor(c), strings.TrimSpace(form["challenge"]), in)
	}
	if duijie.ErrorCode(err) == duijie.ECONFLICT || duijie.ErrorCode(err) == duijie.ENOTFOUND {
		c.Status(status(duijie.ErrorCode(err)))
		return s.callForm(c, form, rows, map[string]string{"_": err.(*duijie.Error).Message})
	}
	out, err := merge(errs, err)
	if err != nil {
		return err
	}
	if len(out) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.callForm(c, form, rows, out)
	}
	return c.Redirect("/calls/"+call.ID+"?ok=created", fiber.StatusSeeOther)
}

func (s *Server) handleCallShow(c *fiber.Ctx) error {
	return s.showCall(c, c.Params("id"), nil, nil, "")
}

// showCall renders a call; a form that failed comes back with what was
// typed and its errors, a refused step as a problem above the forms.
func (s *Server) showCall(c *fiber.Ctx, id string, form, errs map[string]string, problem string) error {
	v, err := s.svc.Calls().Get(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{}
		if v.Mine != nil {
			form["summary"], form["plan"], form["team"] = v.Mine.Summary, v.Mine.Plan, v.Mine.Team
			form["budget"] = strconv.Itoa(v.Mine.Budget)
		}
	}
	p := &CallPage{Page: s.callPage(c, "揭榜挂帅："+v.Title), V: v, Form: form, Errors: errs, Problem: problem,
		MaxFiles: duijie.MaxAttachments, MaxMiB: duijie.MaxAttachment >> 20}
	return s.render(c, "call", p)
}

// callDone redirects back to the call with a notice, or shows it again
// with the form's errors (EINVALID, 422) or the refusal (ECONFLICT, 409).
func (s *Server) callDone(c *fiber.Ctx, id string, err error, form map[string]string, ok string) error {
	var de *duijie.Error
	if errors.As(err, &de) && (de.Code == duijie.EINVALID || de.Code == duijie.ECONFLICT) {
		c.Status(status(de.Code))
		errs := map[string]string{}
		for k, v := range de.Fields {
			errs[k] = v
		}
		return s.showCall(c, id, form, errs, de.Message)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/calls/"+id+"?ok="+ok, fiber.StatusSeeOther)
}

func (s *Server) handleCallDeadline(c *fiber.Ctx) error {
	id, form := c.Params("id"), introForm(c, "deadline")
	return s.callDone(c, id, s.svc.Calls().Extend(c.UserContext(), actor(c), id, duijie.ParseDate(strings.TrimSpace(form["deadline"]))), form, "extended")
}

func (s *Server) handleCallWithdraw(c *fiber.Ctx) error {
	id, form := c.Params("id"), introForm(c, "reason")
	return s.callDone(c, id, s.svc.Calls().Withdraw(c.UserContext(), actor(c), id, form["reason"]), form, "withdrawn")
}

func (s *Server) handleCallDraw(c *fiber.Ctx) error {
	id, form := c.Params("id"), introForm(c, "size")
	n, err := strconv.Atoi(strings.TrimSpace(form["size"]))
	if err != nil {
		n = 0 // the service says what the size should be
	}
	_, err = s.svc.Calls().Draw(c.UserContext(), actor(c), id, n)
	return s.callDone(c, id, err, form, "drawn")
}

// handleCallResults downloads the review sheet of a call.
func (s *Server) handleCallResults(c *fiber.Ctx) error {
	data, name, err := s.svc.Calls().Results(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	// Named as an attachment is (contentDisposition): the call's title
	// is free text, which url.PathEscape would leave ' ( ) , in.
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="results.xlsx"; filename*=UTF-8''`+rfc5987(name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(data)
}

func (s *Server) handleCallRecuse(c *fiber.Ctx) error {
	id, form := c.Params("id"), introForm(c, "expert", "reason")
	_, err := s.svc.Calls().Recuse(c.UserContext(), actor(c), id, form["expert"], form["reason"])
	return s.callDone(c, id, err, form, "recused")
}

func (s *Server) handleCallAward(c *fiber.Ctx) error {
	id, form := c.Params("id"), introForm(c, "proposal", "note")
	_, err := s.svc.Calls().Award(c.UserContext(), actor(c), id, form["proposal"], form["note"])
	return s.callDone(c, id, err, form, "awarded")
}

func (s *Server) handleCallReplay(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), actor(c)
	r, err := s.svc.Calls().Replay(ctx, a, c.Params("id"))
	if err != nil {
		return err
	}
	// The call as the replay read it: an auditor replays a withdrawn
	// call's draw too, which the public call page does not show them.
	call := r.Call
	names, err := s.svc.Calls().ExpertNames(ctx, a, append(append(append([]string(nil), r.Panel.Candidates...), r.Candidates...), r.Drawn...))
	if err != nil {
		return err
	}
	p := &ReplayPage{Page: s.callPage(c, "复核抽取："+call.Title), Call: call, R: r, Names: names, Matches: r.Matches()}
	return s.render(c, "call_replay", p)
}
