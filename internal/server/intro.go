package server

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
	"duijie/internal/workflow"
)

func (s *Server) handleIntroShow(c *fiber.Ctx) error {
	return s.showIntro(c, c.Params("id"), nil, nil)
}

// showIntro renders an introduction; a form that failed comes back with
// what was typed and its errors.
func (s *Server) showIntro(c *fiber.Ctx, id string, form, errs map[string]string) error {
	ctx, a := c.UserContext(), actor(c)
	v, err := s.wf.Get(ctx, a, id)
	if err != nil {
		return err
	}
	p := &IntroPage{Page: s.page(c, "对接："+v.Title()), V: v, Form: form, Errors: errs,
		Today: time.Now().In(duijie.ChinaTime).Format(duijie.DateLayout)}
	for _, r := range duijie.Reasons {
		p.Reasons = append(p.Reasons, Option{string(r), r.Label()})
	}
	if v.Side == "" { // a broker
		p.Nav = "queue"
		ids := append(append([]string(nil), v.EntUsers...), v.InstUsers...)
		if v.Interest != nil {
			ids = append(ids, v.Interest.UserID)
		}
		if p.Contacts, err = s.svc.Contacts(ctx, actor(c), ids); err != nil {
			return err
		}
		for _, st := range v.Stage.Next() {
			if st == duijie.StageRecommended || st == duijie.StageNegotiating || st == duijie.StageEnded {
				p.Next = append(p.Next, Option{string(st), st.Label()})
			}
		}
		for _, ch := range duijie.Channels {
			p.Channels = append(p.Channels, Option{string(ch), ch.Label()})
		}
		for _, t := range duijie.ContractTypes {
			p.Types = append(p.Types, Option{string(t), t.Label()})
		}
		if p.Lead, err = s.wf.IsLead(ctx, a); err != nil {
			return err
		}
		if p.Lead {
			brokers, err := s.wf.Brokers(ctx, a)
			if err != nil {
				return err
			}
			for _, b := range brokers {
				p.Brokers = append(p.Brokers, Option{b.ID, nameOf(&b)})
			}
		}
	} else {
		p.Nav = "my"
	}
	return s.render(c, "intro", p)
}

func nameOf(u *duijie.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// introForm copies the posted fields a page may need to show again.
func introForm(c *fiber.Ctx, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = c.FormValue(n)
	}
	return out
}

// introDone redirects back to the introduction with a notice, or shows
// it again with the form's errors (EINVALID, and a refused step as a
// message above the forms).
func (s *Server) introDone(c *fiber.Ctx, id string, err error, form map[string]string, ok string) error {
	if code := duijie.ErrorCode(err); code == duijie.ECONFLICT {
		err = &duijie.Error{Code: duijie.EINVALID, Message: err.(*duijie.Error).Message, Fields: map[string]string{"_": err.(*duijie.Error).Message}}
	}
	errs, err := merge(nil, err)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showIntro(c, id, form, errs)
	}
	return c.Redirect("/introductions/"+id+"?ok="+ok, fiber.StatusSeeOther)
}

func (s *Server) handleIntroAnswer(c *fiber.Ctx) error {
	id := c.Params("id")
	form := introForm(c, "answer", "reason", "note")
	var err error
	switch form["answer"] {
	case "accept":
		err = s.wf.Answer(c.UserContext(), actor(c), id, true, "", form["note"])
	case "decline":
		err = s.wf.Answer(c.UserContext(), actor(c), id, false, duijie.Reason(form["reason"]), form["note"])
	default:
		if _, gerr := s.wf.Get(c.UserContext(), actor(c), id); gerr != nil {
			return gerr
		}
		err = &duijie.Error{Code: duijie.EINVALID, Message: "请选择接受或婉拒", Fields: map[string]string{"answer": "请选择接受或婉拒"}}
	}
	return s.introDone(c, id, err, form, "answered")
}

func (s *Server) handleIntroStage(c *fiber.Ctx) error {
	id := c.Params("id")
	form := introForm(c, "to", "reason", "note")
	err := s.wf.Move(c.UserContext(), actor(c), id, duijie.Stage(form["to"]), duijie.Reason(form["reason"]), form["note"])
	if duijie.ErrorCode(err) == duijie.ECONFLICT && duijie.Stage(form["to"]).Label() == "" {
		err = &duijie.Error{Code: duijie.EINVALID, Message: "请选择阶段", Fields: map[string]string{"to": "请选择阶段"}}
	}
	return s.introDone(c, id, err, form, "moved")
}

func (s *Server) handleIntroTake(c *fiber.Ctx) error {
	id := c.Params("id")
	return s.introDone(c, id, s.wf.Take(c.UserContext(), actor(c), id), nil, "taken")
}

func (s *Server) handleIntroAssign(c *fiber.Ctx) error {
	id := c.Params("id")
	form := introForm(c, "broker")
	return s.introDone(c, id, s.wf.Assign(c.UserContext(), actor(c), id, form["broker"]), form, "assigned")
}

func (s *Server) handleIntroNote(c *fiber.Ctx) error {
	id := c.Params("id")
	form := introForm(c, "channel", "on", "note")
	on, _ := time.Parse(duijie.DateLayout, strings.TrimSpace(form["on"]))
	err := s.wf.Note(c.UserContext(), actor(c), id, duijie.Channel(form["channel"]), on, form["note"])
	return s.introDone(c, id, err, form, "noted")
}

// contractFields are the contract form's fields.
var contractFields = []string{"type", "title", "buyer", "seller", "amount", "local_amount", "signed", "reg_no", "registered",
	"challenge", "capability"}

// readContract parses the contract form; amounts are whole 元.
func readContract(form map[string]string) (*duijie.Contract, fieldErrs) {
	errs := fieldErrs{}
	c := &duijie.Contract{Type: duijie.ContractType(form["type"]), Title: form["title"], Buyer: form["buyer"],
		Seller: form["seller"], RegNo: form["reg_no"], ChallengeID: strings.TrimSpace(form["challenge"]),
		CapabilityID: strings.TrimSpace(form["capability"])}
	c.Amount = yuanField(errs, "amount", "合同金额", form["amount"])
	c.LocalAmount = yuanField(errs, "local_amount", "本地吸纳金额", form["local_amount"])
	c.Signed = dateField(errs, "signed", "签订日期", form["signed"])
	c.Registered = dateField(errs, "registered", "登记日期", form["registered"])
	return c, errs
}

// yuanField parses an amount in whole 元 (digits, commas allowed); empty
// is 0.
func yuanField(errs fieldErrs, field, label, s string) int64 {
	s = strings.NewReplacer(",", "", "，", "", " ", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > duijie.MaxAmount {
		errs[field] = label + "应为以元为单位的整数"
		return 0
	}
	return n
}

// dateField parses an optional date (YYYY-MM-DD).
func dateField(errs fieldErrs, field, label, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(duijie.DateLayout, s)
	if err != nil {
		errs[field] = label + "格式应为 2026-03-01"
	}
	return t
}

func (s *Server) handleIntroContract(c *fiber.Ctx) error {
	id := c.Params("id")
	form := introForm(c, contractFields...)
	ct, errs := readContract(form)
	ct.IntroID, ct.ChallengeID, ct.CapabilityID = id, "", ""
	var err error
	if len(errs) == 0 {
		err = s.wf.RecordContract(c.UserContext(), actor(c), ct)
	} else if _, gerr := s.wf.Get(c.UserContext(), actor(c), id); gerr != nil {
		return gerr
	}
	all, err := merge(errs, err)
	if err != nil {
		return s.introDone(c, id, err, form, "")
	}
	if len(all) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showIntro(c, id, form, all)
	}
	return c.Redirect("/introductions/"+id+"?ok=contract", fiber.StatusSeeOther)
}

// handleDispatch is a broker's 派单 from a posting's match list.
func (s *Server) handleDispatch(c *fiber.Ctx) error {
	typ, id := c.FormValue("type"), c.FormValue("id")
	base := map[string]string{portal.TypeChallenge: "/challenges/", portal.TypeCapability: "/capabilities/"}[typ]
	if base == "" {
		return duijie.Errorf(duijie.EINVALID, "未知的推荐来源")
	}
	ids, err := s.wf.Recommend(c.UserContext(), actor(c), typ, id, formList(c, "targets"), c.FormValue("message"))
	if err != nil {
		return fieldMessage(err)
	}
	if len(ids) == 1 {
		return c.Redirect("/introductions/"+ids[0]+"?ok=dispatched", fiber.StatusSeeOther)
	}
	return c.Redirect("/broker/queue?view=mine&ok=dispatched", fiber.StatusSeeOther)
}

func (s *Server) handleQueue(c *fiber.Ctx) error {
	const size = 50
	offset := offsetOf(c)
	view := c.Query("view", workflow.ViewOpen)
	items, total, err := s.wf.Queue(c.UserContext(), actor(c), view, offset, size)
	if err != nil {
		return err
	}
	p := &QueuePage{Page: s.page(c, "对接队列"), View: view, Items: items, Total: total, Overdue: map[string]bool{}}
	p.Nav = "queue"
	for _, v := range workflow.QueueViews {
		p.Views = append(p.Views, Option{v.Key, v.Label})
	}
	now := time.Now()
	for _, n := range items {
		if n.Overdue(now) {
			p.Overdue[n.ID] = true
		}
	}
	p.Prev, p.Next = pageLinks("/broker/queue?view="+url.QueryEscape(view), offset, size, total)
	return s.render(c, "queue", p)
}

func (s *Server) handleWorkload(c *fiber.Ctx) error {
	rows, err := s.wf.Workload(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	p := &WorkloadPage{Page: s.page(c, "经纪人工作量"), Rows: rows}
	p.Nav = "queue"
	return s.render(c, "workload", p)
}

// handleInvite lets an institute read a 摘要公开 challenge in full.
func (s *Server) handleInvite(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := s.wf.Invite(c.UserContext(), actor(c), id, strings.TrimSpace(c.FormValue("org"))); err != nil {
		return fieldMessage(err)
	}
	return c.Redirect("/challenges/"+id+"?ok=invited#invitations", fiber.StatusSeeOther)
}

func (s *Server) handleUninvite(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := s.wf.Uninvite(c.UserContext(), actor(c), id, c.Params("org")); err != nil {
		return err
	}
	return c.Redirect("/challenges/"+id+"?ok=uninvited#invitations", fiber.StatusSeeOther)
}

// dispatchForm is the 派单 form under a broker's match list (nil for
// anyone else, or without matches).
func (s *Server) dispatchForm(c *fiber.Ctx, typ, id string, m *portal.MatchPage) *DispatchForm {
	if !user(c).Is(duijie.RoleBroker) || m == nil || len(m.Items) == 0 {
		return nil
	}
	csrf, _ := c.Locals(localCSRF).(string)
	return &DispatchForm{CSRF: csrf, Type: typ, ID: id, Days: int(s.wf.Deadlines().Answer.Hours() / 24), Items: m.Items}
}

// inviteBox lists a 摘要公开 challenge's invitations for its owner or a
// broker, with the institutes that may be invited.
func (s *Server) inviteBox(c *fiber.Ctx, id string) (*InviteBox, error) {
	ctx, a := c.UserContext(), actor(c)
	list, err := s.wf.Invitations(ctx, a, id)
	if err != nil {
		return nil, err
	}
	orgs, err := s.wf.Institutes(ctx, a)
	if err != nil {
		return nil, err
	}
	csrf, _ := c.Locals(localCSRF).(string)
	box := &InviteBox{CSRF: csrf, ChallengeID: id, List: list}
	invited := map[string]bool{}
	for _, v := range list {
		invited[v.OrgID] = true
	}
	for _, o := range orgs {
		if !invited[o.ID] {
			box.Institutes = append(box.Institutes, Option{o.ID, o.Name})
		}
	}
	return box, nil
}

func (s *Server) handleBrokerScopes(c *fiber.Ctx) error {
	rows, err := s.wf.BrokerScopes(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	p := &BrokersPage{Page: s.page(c, "经纪人职责"), Rows: rows}
	for _, r := range duijie.LocalRegions() {
		p.Counties = append(p.Counties, Option{string(r.Code), r.Short})
	}
	p.Nav = "admin"
	return s.render(c, "brokers", p)
}

func (s *Server) handleBrokerScope(c *fiber.Ctx) error {
	err := s.wf.SetScope(c.UserContext(), actor(c), c.Params("id"), c.FormValue("lead") == "1", formList(c, "counties"))
	if err != nil {
		return fieldMessage(err)
	}
	return c.Redirect("/admin/brokers?ok=saved", fiber.StatusSeeOther)
}

// fieldMessage turns a form error of a one-field action (no form to show
// again) into an error page that says what to fix.
func fieldMessage(err error) error {
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.EINVALID && len(de.Fields) > 0 {
		msgs := make([]string, 0, len(de.Fields))
		for _, v := range de.Fields {
			msgs = append(msgs, v)
		}
		sort.Strings(msgs)
		return &duijie.Error{Code: duijie.EINVALID, Message: strings.Join(msgs, "；")}
	}
	return err
}

// handleReturn is a broker's 退回 of a published posting to its owner.
func (s *Server) handleReturn(typ, base string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := c.Params("id")
		if err := s.svc.ReturnPosting(c.UserContext(), actor(c), typ, id, c.FormValue("note")); err != nil {
			return fieldMessage(err)
		}
		return c.Redirect(base+id+"?ok=returned", fiber.StatusSeeOther)
	}
}
