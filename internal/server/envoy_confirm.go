package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
)

// An enterprise's side of the challenges envoys draft for it:
// /my/envoy-drafts lists them with 确认 (publish) and 退回 (with a reason).

func (s *Server) handleEnvoyDrafts(c *fiber.Ctx) error {
	return s.envoyDrafts(c, nil, nil)
}

func (s *Server) envoyDrafts(c *fiber.Ctx, note, errs map[string]string) error {
	drafts, err := s.ev().Drafted(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	p := &EnvoyDraftsPage{Page: s.envoyPage(c, "科技特派员代拟的需求"), Drafts: drafts, Note: note, Errors: errs}
	p.Nav = "my"
	return s.render(c, "envoy_drafts", p)
}

func (s *Server) handleEnvoyDraftConfirm(c *fiber.Ctx) error {
	id := strings.Clone(c.Params("id"))
	if err := s.ev().Confirm(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect("/challenges/"+id+"?ok=published", fiber.StatusSeeOther)
}

func (s *Server) handleEnvoyDraftReturn(c *fiber.Ctx) error {
	id := strings.Clone(c.Params("id"))
	note := c.FormValue("note")
	err := s.ev().Return(c.UserContext(), actor(c), id, note)
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.EINVALID {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.envoyDrafts(c, map[string]string{id: note}, map[string]string{id: de.Fields["note"]})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/my/envoy-drafts?ok=envoy_returned", fiber.StatusSeeOther)
}
