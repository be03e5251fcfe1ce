package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
)

func (s *Server) handleInbox(c *fiber.Ctx) error {
	const size = 30
	offset := offsetOf(c)
	msgs, total, err := s.wf.Inbox(c.UserContext(), actor(c), offset, size)
	if err != nil {
		return err
	}
	p := &InboxPage{Page: s.page(c, "站内消息"), Messages: msgs, Total: total}
	p.Nav = "inbox"
	p.Prev, p.Next = pageLinks("/inbox", offset, size, total)
	return s.render(c, "inbox", p)
}

// handleInboxOpen marks a message read and goes where it points.
func (s *Server) handleInboxOpen(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return duijie.Errorf(duijie.ENOTFOUND, "消息不存在")
	}
	link, err := s.wf.Open(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.Redirect(link, fiber.StatusSeeOther)
}

func (s *Server) handleInboxReadAll(c *fiber.Ctx) error {
	if err := s.wf.ReadAll(c.UserContext(), actor(c)); err != nil {
		return err
	}
	return c.Redirect("/inbox?ok=read", fiber.StatusSeeOther)
}
