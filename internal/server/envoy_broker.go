package server

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/envoys"
)

// The brokers' side of 科技特派员: /broker/envoys lists the envoys with
// their assignments and visits (filtered by envoy, county and period),
// and assigns an envoy to an enterprise or a village.

func (s *Server) handleEnvoyList(c *fiber.Ctx) error {
	return s.envoyList(c, map[string]string{}, nil)
}

func (s *Server) envoyList(c *fiber.Ctx, form, errs map[string]string) error {
	ctx, a := c.UserContext(), actor(c)
	p := &EnvoysPage{Page: s.envoyPage(c, "科技特派员"), Form: form, Errors: errs, Filter: map[string]string{}}
	p.Nav = "envoys"
	fe := fieldErrs{}
	vf := envoys.VisitFilter{EnvoyID: c.Query("envoy"), Offset: offsetOf(c), Limit: visitsShown}
	af := envoys.AssignmentFilter{EnvoyID: vf.EnvoyID}
	q := url.Values{}
	for _, k := range []string{"envoy", "county", "from", "to"} {
		if v := strings.TrimSpace(c.Query(k)); v != "" {
			p.Filter[k] = v
			q.Set(k, v)
		}
	}
	if county := p.Filter["county"]; county != "" {
		if r := duijie.Region(county); !r.Valid() || r.Tier() != duijie.TierLocal {
			fe["county"] = "请选择六安的县区"
		} else {
			vf.Counties, af.Counties = []string{county}, []string{county}
		}
	}
	if d := p.Filter["from"]; d != "" {
		if vf.From = duijie.ParseDate(d); vf.From.IsZero() {
			fe["from"] = "请按 年-月-日 填写日期"
		}
	}
	if d := p.Filter["to"]; d != "" {
		if vf.To = duijie.ParseDate(d); vf.To.IsZero() {
			fe["to"] = "请按 年-月-日 填写日期"
		}
	}
	if !vf.From.IsZero() && !vf.To.IsZero() && vf.To.Before(vf.From) {
		fe["to"] = "结束日期不能早于开始日期"
	}
	if len(fe) > 0 {
		if p.Errors == nil {
			p.Errors = map[string]string{}
		}
		for k, v := range fe {
			p.Errors[k] = v
		}
		c.Status(fiber.StatusUnprocessableEntity)
		vf = envoys.VisitFilter{Limit: visitsShown}
	}
	var err error
	if p.Envoys, err = s.ev().Envoys(ctx, a); err != nil {
		return err
	}
	orgs, err := s.ev().Enterprises(ctx, a)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		p.Enterprises = append(p.Enterprises, Option{o.ID, o.Name})
	}
	for _, r := range duijie.LocalRegions() {
		p.Counties = append(p.Counties, Option{string(r.Code), r.Code.Short()})
	}
	if p.Assignments, err = s.ev().Assignments(ctx, a, af); err != nil {
		return err
	}
	if p.Visits, p.Total, err = s.ev().Visits(ctx, a, vf); err != nil {
		return err
	}
	base := "/broker/envoys"
	if len(q) > 0 {
		base += "?" + q.Encode()
	}
	p.Prev, p.Next = pageLinks(base, vf.Offset, visitsShown, p.Total)
	if p.Drafted, err = s.ev().Drafted(ctx, a); err != nil {
		return err
	}
	return s.render(c, "envoy_broker", p)
}

// handleEnvoyAssign assigns an envoy to an enterprise or a village.
func (s *Server) handleEnvoyAssign(c *fiber.Ctx) error {
	form := introForm(c, "envoy", "org", "village", "region", "since")
	as := &duijie.Assignment{EnvoyID: form["envoy"], OrgID: form["org"], Village: form["village"], Region: duijie.Region(form["region"])}
	parse := fieldErrs{}
	if d := strings.TrimSpace(form["since"]); d != "" {
		if as.Since = duijie.ParseDate(d); as.Since.IsZero() {
			parse["since"] = "请按 年-月-日 填写开始日期"
		}
	}
	var err error
	if len(parse) == 0 {
		err = s.ev().Assign(c.UserContext(), actor(c), as)
	}
	if duijie.ErrorCode(err) == duijie.ECONFLICT {
		err = &duijie.Error{Code: duijie.EINVALID, Message: err.(*duijie.Error).Message, Fields: map[string]string{"_": err.(*duijie.Error).Message}}
	}
	errs, err := merge(parse, err)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.envoyList(c, form, errs)
	}
	return c.Redirect("/broker/envoys?ok=envoy_assigned&envoy="+url.QueryEscape(as.EnvoyID), fiber.StatusSeeOther)
}

// handleEnvoyUnassign ends an assignment today.
func (s *Server) handleEnvoyUnassign(c *fiber.Ctx) error {
	if err := s.ev().EndAssignment(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.Redirect("/broker/envoys?ok=ended", fiber.StatusSeeOther)
}
