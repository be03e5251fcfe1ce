package server

import (
	"errors"
	"io"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/importer"
	"duijie/internal/portal"
	"duijie/internal/sheet"
)

// importPath is the upload route: the only one whose body may be larger
// than maxBody (see limitBody).
const importPath = "/broker/import"

// handleImportForm shows the upload form and the templates.
func (s *Server) handleImportForm(c *fiber.Ctx) error {
	return s.importForm(c, c.Query("kind"), nil)
}

func (s *Server) importForm(c *fiber.Ctx, kind string, err error) error {
	p := &ImportFormPage{Page: s.page(c, "批量导入"), Kind: kind}
	p.Nav = "import"
	if kind == "" {
		p.Kind = string(importer.Challenges)
	}
	if c.Query("ok") == "imported" {
		p.Imported, _ = strconv.Atoi(c.Query("n"))
	}
	if err != nil {
		var de *duijie.Error
		if !errors.As(err, &de) || de.Code != duijie.EINVALID {
			return err
		}
		p.Error = de.Message
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return s.render(c, "import", p)
}

// handleImportTemplate downloads the .xlsx template of a kind.
func (s *Server) handleImportTemplate(c *fiber.Ctx) error {
	k, ok := importer.ParseKind(c.Params("kind"))
	if !ok {
		return errNotFound
	}
	data, err := s.svc.ImportTemplate(actor(c), k)
	if err != nil {
		return err
	}
	return sendXlsx(c, k.FileName(), data)
}

// handleImportUpload reads the uploaded file and shows the dry run:
// nothing is written until the broker confirms it.
func (s *Server) handleImportUpload(c *fiber.Ctx) error {
	kind := c.FormValue("kind")
	fh, err := c.FormFile("file")
	if err != nil {
		return s.importForm(c, kind, duijie.Errorf(duijie.EINVALID, "请选择要上传的 .xlsx 或 .csv 文件"))
	}
	if fh.Size > sheet.MaxFileSize {
		return s.importForm(c, kind, duijie.Errorf(duijie.EINVALID, "文件超过 %d MiB，请拆分后分批导入", sheet.MaxFileSize>>20))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, sheet.MaxFileSize+1))
	if err != nil {
		return err
	}
	plan, err := s.svc.ImportDryRun(c.UserContext(), actor(c), sessionID(c),
		portal.ImportUpload{Kind: importer.Kind(kind), FileName: fh.Filename, Data: data})
	if err != nil {
		return s.importForm(c, kind, err)
	}
	return s.renderPlan(c, plan)
}

// handleImportShow shows a dry run again (after a failed confirmation).
func (s *Server) handleImportShow(c *fiber.Ctx) error {
	plan, err := s.svc.ImportPlanOf(actor(c), sessionID(c), c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderPlan(c, plan)
}

// handleImportConfirm writes a dry run, all or nothing; a second
// confirmation of the same dry run finds nothing (404).
func (s *Server) handleImportConfirm(c *fiber.Ctx) error {
	plan, err := s.svc.ConfirmImport(c.UserContext(), actor(c), sessionID(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.Redirect(importPath+"?ok=imported&n="+strconv.Itoa(plan.Creates)+"&kind="+string(plan.Kind), fiber.StatusSeeOther)
}

func (s *Server) renderPlan(c *fiber.Ctx, plan *portal.ImportPlan) error {
	p := &ImportPlanPage{Page: s.page(c, "导入预览"), Plan: plan}
	p.Nav = "import"
	for _, r := range plan.Rows {
		switch r.Status {
		case portal.ImportError:
			p.Errors = append(p.Errors, r)
		case portal.ImportDuplicate:
			p.Duplicates = append(p.Duplicates, r)
		default:
			p.Creates = append(p.Creates, r)
		}
	}
	return s.render(c, "import_plan", p)
}

// sessionID is the caller's session (dry runs are bound to it).
func sessionID(c *fiber.Ctx) string {
	if sess := session(c); sess != nil {
		return sess.ID
	}
	return ""
}

// sendXlsx sends a workbook as a download.
func sendXlsx(c *fiber.Ctx, name string, data []byte) error {
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="download.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(data)
}
