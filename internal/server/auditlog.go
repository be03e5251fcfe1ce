package server

import (
	"bytes"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
	"duijie/internal/sheet"
)

// auditQuery reads the log's filters and position from the URL.
func auditQuery(c *fiber.Ctx) portal.AuditQuery {
	q := portal.AuditQuery{From: c.Query("from"), To: c.Query("to"), User: c.Query("user"), Action: c.Query("action"), Object: c.Query("object")}
	q.Before, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	q.After, _ = strconv.ParseInt(c.Query("after"), 10, 64)
	return q
}

// filterQuery is the query string of a filter, without the position.
func filterQuery(q portal.AuditQuery) string {
	v := url.Values{}
	for k, x := range map[string]string{"from": q.From, "to": q.To, "user": q.User, "action": q.Action, "object": q.Object} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

// handleAuditLog is the 审计管理员's log: filters, keyset pages by seq,
// actions and details in Chinese, times in Beijing time, the chain check.
func (s *Server) handleAuditLog(c *fiber.Ctx) error {
	q := auditQuery(c)
	p := &AuditPage{Page: s.page(c, "审计日志"), Query: q, Actions: auditActionOptions()}
	f := filterQuery(q)
	p.ExportURL = "/admin/audit/export?" + f
	p.Nav = "audit"
	v, err := s.svc.AuditSearch(c.UserContext(), actor(c), q)
	var de *duijie.Error
	switch {
	case errors.As(err, &de) && de.Code == duijie.EINVALID:
		p.Errors = de.Fields
		c.Status(fiber.StatusUnprocessableEntity)
	case err != nil:
		return err
	default:
		p.View = v
		if n := len(v.Entries); n > 0 {
			p.First, p.Last = v.Entries[0].Seq, v.Entries[n-1].Seq
			p.NewerURL = "/admin/audit?" + join(f, "after="+strconv.FormatInt(p.First, 10))
			p.OlderURL = "/admin/audit?" + join(f, "before="+strconv.FormatInt(p.Last, 10))
		}
	}
	return s.render(c, "audit", p)
}

// handleAuditExport downloads the filtered log as .xlsx (streaming
// writer); the export is itself audited.
func (s *Server) handleAuditExport(c *fiber.Ctx) error {
	w, err := sheet.NewWriter("审计日志", []sheet.Column{{Header: "序号", Width: 8}, {Header: "时间（北京时间）", Width: 20},
		{Header: "操作", Width: 16}, {Header: "操作代码", Width: 18}, {Header: "对象", Width: 28}, {Header: "操作人", Width: 14},
		{Header: "来源地址", Width: 16}, {Header: "详情", Width: 60}, {Header: "原始详情", Width: 40}, {Header: "SHA-256", Width: 20}})
	if err != nil {
		return err
	}
	defer w.Close()
	_, err = s.svc.AuditExport(c.UserContext(), actor(c), auditQuery(c), func(e duijie.AuditEntry) error {
		who := e.ActorName
		if who == "" {
			who = e.Actor
		}
		return w.Add(e.Seq, e.At, auditAction(e.Action), e.Action, auditObject(e.Object), who, e.IP, auditDetail(e.Action, e.Detail), e.Detail, e.Hash)
	})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return err
	}
	name := "审计日志-" + time.Now().In(duijie.ChinaTime).Format("20060102-150405") + ".xlsx"
	return sendXlsx(c, name, buf.Bytes())
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "&" + b
}
