package server

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
)

// isAttachmentUpload reports whether path is a proposal's attachment
// upload, which may carry a file of up to duijie.MaxAttachment (see
// limitBody): /calls/:id/proposals/:pid/attachments.
func isAttachmentUpload(path string) bool {
	parts := strings.Split(path, "/")
	return len(parts) == 6 && parts[1] == "calls" && parts[3] == "proposals" && parts[5] == "attachments"
}

func (s *Server) handleProposalSubmit(c *fiber.Ctx) error {
	id := c.Params("id")
	form := introForm(c, "summary", "plan", "budget", "team")
	errs := fieldErrs{}
	p := &duijie.Proposal{Summary: form["summary"], Plan: form["plan"], Team: form["team"]}
	p.Budget = errs.int("budget", "经费预算", form["budget"], 0, duijie.MaxReward)
	if len(errs) > 0 {
		// Nothing is stored with a number that did not parse: the form
		// comes back with it and whatever else the domain has to say.
		fields := map[string]string{}
		if de, ok := p.Validate().(*duijie.Error); ok {
			for k, v := range de.Fields {
				fields[k] = v
			}
		}
		for k, v := range errs {
			fields[k] = v
		}
		return s.callDone(c, id, &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: fields}, form, "")
	}
	return s.callDone(c, id, s.svc.Calls().Submit(c.UserContext(), actor(c), id, p), form, "submitted")
}

func (s *Server) handleProposalShow(c *fiber.Ctx) error {
	return s.showProposal(c, nil, nil)
}

func (s *Server) showProposal(c *fiber.Ctx, form, errs map[string]string) error {
	v, err := s.svc.Calls().Proposal(c.UserContext(), actor(c), c.Params("id"), c.Params("pid"))
	if err != nil {
		return err
	}
	p := &ProposalPage{Page: s.callPage(c, "揭榜方案："+v.Proposal.OrgName), V: v, Form: form, Errors: errs}
	if form == nil {
		p.Form = map[string]string{}
		if v.Review != nil {
			p.Form["comment"] = v.Review.Comment
		}
	}
	for i, cr := range v.Call.Criteria {
		row := ScoreRow{Index: i, Criterion: cr}
		if form != nil {
			row.Score = form["score"+strconv.Itoa(i)]
		} else if v.Review != nil && i < len(v.Review.Scores) {
			row.Score = strconv.Itoa(v.Review.Scores[i])
		}
		p.Scores = append(p.Scores, row)
	}
	return s.render(c, "call_proposal", p)
}

func (s *Server) handleProposalScore(c *fiber.Ctx) error {
	form := map[string]string{"comment": c.FormValue("comment")}
	call, err := s.svc.Calls().Call(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	errs := fieldErrs{}
	scores := make([]int, len(call.Criteria))
	for i := range call.Criteria {
		k := "score" + strconv.Itoa(i)
		form[k] = c.FormValue(k)
		if strings.TrimSpace(form[k]) == "" {
			errs[k] = "请打分"
			continue
		}
		scores[i] = errs.int(k, "分数", form[k], 0, duijie.MaxScore)
	}
	if len(errs) > 0 {
		// Nothing is stored with a score that did not parse; the reader
		// must still be a panel expert to hear about it.
		if _, err := s.svc.Calls().Proposal(c.UserContext(), actor(c), c.Params("id"), c.Params("pid")); err != nil {
			return err
		}
		err = &duijie.Error{Code: duijie.EINVALID, Message: "请检查评分", Fields: errs}
	} else {
		err = s.svc.Calls().Score(c.UserContext(), actor(c), c.Params("id"), c.Params("pid"), scores, form["comment"])
	}
	var de *duijie.Error
	if errors.As(err, &de) && (de.Code == duijie.EINVALID || de.Code == duijie.ECONFLICT) {
		out := map[string]string{"_": de.Message}
		for k, v := range de.Fields {
			out[k] = v
		}
		for k, v := range errs {
			out[k] = v
		}
		c.Status(status(de.Code))
		return s.showProposal(c, form, out)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/calls/"+c.Params("id")+"/proposals/"+c.Params("pid")+"?ok=scored", fiber.StatusSeeOther)
}

func (s *Server) handleAttachmentUpload(c *fiber.Ctx) error {
	id, pid := c.Params("id"), c.Params("pid")
	fh, err := c.FormFile("file")
	if err != nil {
		// Who may upload is the service's to say before what was sent.
		if _, err := s.svc.Calls().Proposal(c.UserContext(), actor(c), id, pid); err != nil {
			return err
		}
		return s.callDone(c, id, duijie.Errorf(duijie.EINVALID, "请选择要上传的文件"), nil, "")
	}
	if fh.Size > duijie.MaxAttachment {
		// Refused for its size, after the rights, without reading the
		// file (nor making a buffer of the limit to say so).
		if _, err := s.svc.Calls().Proposal(c.UserContext(), actor(c), id, pid); err != nil {
			return err
		}
		return s.callDone(c, id, duijie.Errorf(duijie.EINVALID, "文件超过 %d MiB，请压缩或拆分后再上传", duijie.MaxAttachment>>20), nil, "")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, duijie.MaxAttachment+1))
	if err != nil {
		return err
	}
	_, err = s.svc.Calls().AddAttachment(c.UserContext(), actor(c), id, pid, fh.Filename, data)
	return s.callDone(c, id, err, nil, "uploaded")
}

func (s *Server) handleAttachmentDelete(c *fiber.Ctx) error {
	id := c.Params("id")
	return s.callDone(c, id, s.svc.Calls().DeleteAttachment(c.UserContext(), actor(c), id, c.Params("pid"), c.Params("aid")), nil, "deleted")
}

// handleAttachmentDownload sends an attachment as a download, typed as
// sniffed at upload, never rendered in the portal's origin.
func (s *Server) handleAttachmentDownload(c *fiber.Ctx) error {
	at, data, err := s.svc.Calls().Download(c.UserContext(), actor(c), c.Params("id"), c.Params("pid"), c.Params("aid"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, at.Type)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(at.Name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Send(data)
}

// contentDisposition is an attachment's Content-Disposition: an ASCII
// fallback name and the real one as an RFC 5987 ext-value, every byte
// outside attr-char percent-encoded (url.PathEscape leaves ' ( ) * , : = @
// which end or confuse the parameter in some browsers).
func contentDisposition(name string) string {
	return `attachment; filename="attachment` + extOf(name) + `"; filename*=UTF-8''` + rfc5987(name)
}

// rfc5987 percent-encodes s as RFC 5987's value-chars.
func rfc5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// extOf is the extension of a stored (cleaned) name, ASCII only.
func extOf(name string) string {
	i := strings.LastIndex(name, ".")
	if i < 0 {
		return ""
	}
	ext := name[i:]
	for _, r := range ext[1:] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return ext
}
