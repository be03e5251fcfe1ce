package server

import (
	"bytes"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/reports"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// handleExport sends one of the brokers' lists, or the dashboard's tables
// for the selection in the URL, as an .xlsx file (audited by the
// service). The workbook is built whole before the first byte is sent, so
// that a failure is still an error page.
func (s *Server) handleExport(c *fiber.Ctx) error {
	kind := c.Params("kind")
	var q reports.Query
	if kind == "dashboard" {
		var err error
		if q, err = s.dashboardQuery(c); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	name, _, err := s.rp.Export(c.UserContext(), actor(c), kind, q, &buf)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="duijie-`+kind+`.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
