package server

import (
	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

func (s *Server) handleCapabilityShow(c *fiber.Ctx) error {
	return s.showCapability(c, c.Params("id"), interestForm{}, nil)
}

func (s *Server) showCapability(c *fiber.Ctx, id string, f interestForm, errs map[string]string) error {
	ctx, a := c.UserContext(), actor(c)
	cp, err := s.svc.Capability(ctx, a, id)
	if err != nil {
		return err
	}
	p := &CapabilityPage{Page: s.page(c, cp.Title), C: cp, Intro: f, Errors: errs}
	p.Nav = portal.TypeCapability
	p.CanAsk = a.User.Is(duijie.RoleEnterprise) && cp.Status == duijie.StatusPublished && s.svc.MayPost(ctx, a)
	if p.CanAsk {
		if p.Asked, err = s.svc.Interested(ctx, a, portal.TypeCapability, id); err != nil {
			return err
		}
	}
	if p.MatchesHTML, p.Matches, err = s.matchSection(c, portal.TypeCapability, id); err != nil {
		return err
	}
	p.Dispatch = s.dispatchForm(c, portal.TypeCapability, id, p.Matches)
	return s.render(c, "capability", p)
}

func (s *Server) handleCapabilityNew(c *fiber.Ctx) error {
	return s.capabilityForm(c, "/capabilities/new", false, false, capabilityForm{Kind: string(duijie.KindAchievement)}, nil)
}

func (s *Server) capabilityForm(c *fiber.Ctx, action string, editing, published bool, f capabilityForm, errs map[string]string) error {
	title := "发布科技成果与能力"
	if editing {
		title = "编辑科技成果与能力"
	}
	return s.render(c, "capability_form", &CapabilityFormPage{Page: s.page(c, title), Action: action, Editing: editing,
		Published: published, Form: f, Errors: errs, Industries: industryOptions(), Kinds: kindOptions(), Modes: modeNames(),
		CanPost: s.svc.MayPost(c.UserContext(), actor(c))})
}

func (s *Server) handleCapabilityCreate(c *fiber.Ctx) error { return s.saveCapability(c, "") }

func (s *Server) handleCapabilityEdit(c *fiber.Ctx) error {
	cp, err := s.svc.Capability(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	if !cp.CanEdit {
		return duijie.Errorf(duijie.ENOTFOUND, "科技成果不存在或未公开")
	}
	return s.capabilityForm(c, "/capabilities/"+cp.ID+"/edit", true, cp.Status != duijie.StatusDraft, capabilityFormOf(&cp.Capability), nil)
}

func (s *Server) handleCapabilityUpdate(c *fiber.Ctx) error {
	cp, err := s.svc.Capability(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	if !cp.CanEdit {
		return duijie.Errorf(duijie.ENOTFOUND, "科技成果不存在或未公开")
	}
	return s.saveCapability(c, cp.ID)
}

func (s *Server) saveCapability(c *fiber.Ctx, id string) error {
	f := readCapabilityForm(c)
	cp, parseErrs := f.capability()
	cp.ID = id
	err := cp.Validate() // every message at once, parse errors or not
	if len(parseErrs) == 0 {
		err = s.svc.SaveCapability(c.UserContext(), actor(c), cp, c.FormValue("action") == "publish")
	}
	errs, err := merge(parseErrs, forbiddenAsField(err))
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		action, editing := "/capabilities/new", id != ""
		if editing {
			action = "/capabilities/" + id + "/edit"
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return s.capabilityForm(c, action, editing, false, f, errs)
	}
	ok := "saved"
	if cp.Status == duijie.StatusPublished {
		ok = "published"
	}
	return c.Redirect("/capabilities/"+cp.ID+"?ok="+ok, fiber.StatusSeeOther)
}

func (s *Server) handleCapabilityStatus(c *fiber.Ctx) error {
	return s.setStatus(c, portal.TypeCapability, "/capabilities/", duijie.Closure{})
}

func (s *Server) handleCapabilityInterest(c *fiber.Ctx) error {
	id := c.Params("id")
	f := readInterestForm(c)
	i := &duijie.Interest{CapabilityID: id, Approach: f.Approach, Message: f.Message}
	err := s.svc.RequestIntro(c.UserContext(), actor(c), i)
	errs := map[string]string{}
	if code := duijie.ErrorCode(err); code == duijie.ECONFLICT || code == duijie.EFORBIDDEN {
		errs["_"], err = err.(*duijie.Error).Message, nil
	}
	more, err := merge(nil, err)
	if err != nil {
		return err
	}
	for k, v := range more {
		errs[k] = v
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showCapability(c, id, f, errs)
	}
	return c.Redirect("/capabilities/"+id+"?ok=interest", fiber.StatusSeeOther)
}
