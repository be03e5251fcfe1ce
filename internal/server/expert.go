package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
)

func (s *Server) handleExpertApplyForm(c *fiber.Ctx) error {
	return s.render(c, "expert_apply", &ExpertApplyPage{Page: s.callPage(c, "申请加入评审专家库"), Industries: industryOptions(),
		Form: map[string]string{}, Done: c.Query("ok") == "applied"})
}

func (s *Server) handleExpertApply(c *fiber.Ctx) error {
	form := introForm(c, "username", "name", "industry", "field", "title", "org_name", "phone", "email")
	e := &duijie.Expert{Username: form["username"], Name: form["name"], Industry: duijie.Industry(form["industry"]),
		Field: form["field"], Title: form["title"], OrgName: form["org_name"], Phone: form["phone"], Email: form["email"]}
	err := s.svc.Calls().Apply(c.UserContext(), actor(c), e)
	var de *duijie.Error
	if errors.As(err, &de) && (de.Code == duijie.EINVALID || de.Code == duijie.ECONFLICT) {
		errs := map[string]string{}
		for k, v := range de.Fields {
			errs[k] = v
		}
		if len(errs) == 0 {
			errs["_"] = de.Message
		}
		c.Status(status(de.Code))
		return s.render(c, "expert_apply", &ExpertApplyPage{Page: s.callPage(c, "申请加入评审专家库"), Industries: industryOptions(),
			Form: form, Errors: errs})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/experts/apply?ok=applied", fiber.StatusSeeOther)
}

func (s *Server) handleExpertHome(c *fiber.Ctx) error {
	r, err := s.svc.Calls().Home(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	p := &ExpertPage{Page: s.callPage(c, "我的评审"), R: r, Calls: map[string]duijie.Call{}}
	p.Nav = "expert"
	for _, k := range r.Panels {
		p.Calls[k.ID] = k
	}
	return s.render(c, "expert_home", p)
}

func (s *Server) handleExpertList(c *fiber.Ctx) error {
	st := c.Query("status", string(duijie.ExpertApplied))
	if st == "all" {
		st = ""
	}
	list, err := s.svc.Calls().Experts(c.UserContext(), actor(c), duijie.ExpertStatus(st))
	if err != nil {
		return err
	}
	p := &ExpertsPage{Page: s.callPage(c, "评审专家库"), Status: st}
	p.Nav = "experts"
	for _, x := range duijie.ExpertStatuses {
		p.Statuses = append(p.Statuses, Option{string(x), x.Label()})
	}
	for _, e := range list {
		p.Experts = append(p.Experts, ExpertRow{Expert: e, MaskedPhone: duijie.MaskPhone(e.Phone)})
	}
	return s.render(c, "experts", p)
}

func (s *Server) handleExpertShow(c *fiber.Ctx) error {
	return s.showExpert(c, "", nil, "", nil)
}

// showExpert renders an expert's record for a broker: with the one-time
// password just issued, the revealed contact, or a form's errors.
func (s *Server) showExpert(c *fiber.Ctx, password string, revealed *duijie.Expert, problem string, errs map[string]string) error {
	r, err := s.svc.Calls().Expert(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	p := &ExpertPage{Page: s.callPage(c, "专家："+r.Expert.Name), R: r, Calls: map[string]duijie.Call{}, Password: password,
		MaskedPhone: duijie.MaskPhone(r.Expert.Phone), MaskedEmail: duijie.MaskEmail(r.Expert.Email), Problem: problem, Errors: errs}
	p.Nav = "experts"
	if revealed != nil {
		p.Revealed, p.MaskedPhone, p.MaskedEmail = true, revealed.Phone, revealed.Email
	}
	for _, k := range r.Panels {
		p.Calls[k.ID] = k
	}
	return s.render(c, "expert", p)
}

// expertDone shows the record again after a refused or invalid step, or
// redirects with a notice.
func (s *Server) expertDone(c *fiber.Ctx, err error, ok string) error {
	var de *duijie.Error
	if errors.As(err, &de) && (de.Code == duijie.EINVALID || de.Code == duijie.ECONFLICT) {
		c.Status(status(de.Code))
		return s.showExpert(c, "", nil, de.Message, de.Fields)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/broker/experts/"+c.Params("id")+"?ok="+ok, fiber.StatusSeeOther)
}

// handleExpertAdmit takes an applicant in (入库) and shows the one-time
// password once, for the broker to pass on; it is not stored anywhere.
func (s *Server) handleExpertAdmit(c *fiber.Ctx) error {
	_, password, err := s.svc.Calls().Admit(c.UserContext(), actor(c), c.Params("id"), c.FormValue("note"))
	if err != nil {
		return s.expertDone(c, err, "")
	}
	return s.showExpert(c, password, nil, "", nil)
}

func (s *Server) handleExpertReturn(c *fiber.Ctx) error {
	return s.expertDone(c, s.svc.Calls().Return(c.UserContext(), actor(c), c.Params("id"), c.FormValue("reason")), "returned_x")
}

func (s *Server) handleExpertRemove(c *fiber.Ctx) error {
	return s.expertDone(c, s.svc.Calls().Remove(c.UserContext(), actor(c), c.Params("id"), c.FormValue("reason")), "removed")
}

// handleExpertContact shows an expert's full contact to a broker who
// states the purpose (audited).
func (s *Server) handleExpertContact(c *fiber.Ctx) error {
	e, err := s.svc.Calls().RevealContact(c.UserContext(), actor(c), c.Params("id"), c.FormValue("purpose"))
	if err != nil {
		return s.expertDone(c, err, "")
	}
	return s.showExpert(c, "", e, "", nil)
}
