package server

import (
	"github.com/gofiber/fiber/v2"

	"duijie/web"
)

func (s *Server) handleOpenAPI(c *fiber.Ctx) error {
	c.Type("json", "utf-8")
	return c.Send(web.OpenAPI)
}
