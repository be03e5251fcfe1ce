package server

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/reports"
)

// dashboardQuery reads the dashboard's selection from the URL.
func (s *Server) dashboardQuery(c *fiber.Ctx) (reports.Query, error) {
	return s.rp.Query(func(k string) string { return c.Query(k) })
}

// handleDashboard shows the bureau's figures; a bad selection comes back
// with its message next to the field (422).
func (s *Server) handleDashboard(c *fiber.Ctx) error {
	q, err := s.dashboardQuery(c)
	p := &DashboardPage{Page: s.page(c, "统计看板"), Q: q, Kind: string(q.Kind), Quarters: s.rp.Quarters()}
	p.Nav = "dashboard"
	for _, k := range reports.PeriodKinds {
		p.Periods = append(p.Periods, Option{string(k), k.Label()})
	}
	p.Counties = []Option{{reports.CountyAll, "全部企业（含市外）"}, {reports.CountyCity, "六安全市"}}
	for _, r := range duijie.LocalRegions() {
		p.Counties = append(p.Counties, Option{string(r.Code), r.Label})
	}
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.EINVALID {
		p.Errors = de.Fields
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "dashboard", p)
	}
	if err != nil {
		return err
	}
	if p.D, err = s.rp.Dashboard(c.UserContext(), actor(c), q); err != nil {
		return err
	}
	v := url.Values{}
	for k, x := range q.Values() {
		if x != "" {
			v.Set(k, x)
		}
	}
	for _, e := range reports.Exports {
		href := "/broker/export/" + e.Kind + ".xlsx"
		if e.Kind == "dashboard" {
			href += "?" + v.Encode()
		}
		p.Exports = append(p.Exports, Option{href, e.Label})
	}
	return s.render(c, "dashboard", p)
}
