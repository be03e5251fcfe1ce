package server

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

func (s *Server) handleHome(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), actor(c)
	ch, err := s.svc.Search(ctx, a, portal.SearchParams{Type: portal.TypeChallenge, Limit: 6, NoFacets: true})
	if err != nil {
		return err
	}
	cp, err := s.svc.Search(ctx, a, portal.SearchParams{Type: portal.TypeCapability, Limit: 6, NoFacets: true})
	if err != nil {
		return err
	}
	return s.render(c, "home", &HomePage{Page: s.page(c, "首页"), Challenges: ch.Items, Capabilities: cp.Items,
		ChallengeN: ch.Total, CapabilityN: cp.Total, Industries: industryOptions()})
}

func (s *Server) handleChallengeList(c *fiber.Ctx) error {
	return s.list(c, portal.TypeChallenge, "/challenges", "技术需求")
}

func (s *Server) handleCapabilityList(c *fiber.Ctx) error {
	return s.list(c, portal.TypeCapability, "/capabilities", "科技成果与能力")
}

// listParams reads a list's query string; out-of-range numbers fall back
// to defaults rather than failing.
func listParams(c *fiber.Ctx, typ string) portal.SearchParams {
	p := portal.SearchParams{Type: typ, Q: c.Query("q"), Industry: c.Query("industry"), RegionTier: c.Query("region_tier"),
		Region: c.Query("region"), Kind: c.Query("kind"), Mode: c.Query("modes"), Sort: c.Query("sort"),
		Expired: c.Query("expired") == "1"}
	p.TRLMin, _ = strconv.Atoi(c.Query("trl"))
	p.Offset, _ = strconv.Atoi(c.Query("offset"))
	p.Limit, _ = strconv.Atoi(c.Query("limit"))
	if p.Sort != "newest" {
		p.Sort = ""
	}
	return p
}

func (s *Server) list(c *fiber.Ctx, typ, base, title string) error {
	p := listParams(c, typ)
	res, err := s.svc.Search(c.UserContext(), actor(c), p)
	page := &ListPage{Page: s.page(c, title), Type: typ, Base: base, Sort: p.Sort, Expired: p.Expired}
	page.Nav = typ
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.EINVALID {
		page.Errors = de.Fields
		page.Result = &portal.SearchPage{Params: p}
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "list", page)
	}
	if err != nil {
		return err
	}
	page.Result = res
	q := c.Request().URI().QueryArgs()
	values := url.Values{}
	q.VisitAll(func(k, v []byte) { values.Add(string(k), string(v)) })
	values.Del("offset")
	link := func(v url.Values) string {
		if e := v.Encode(); e != "" {
			return base + "?" + e
		}
		return base
	}
	groups := []struct{ name, param, label string }{
		{portal.FacetIndustry, "industry", "产业"}, {portal.FacetRegionTier, "region_tier", "地区"},
		{portal.FacetRegion, "region", "六安区县"},
		{portal.FacetKind, "kind", "类型"}, {portal.FacetModes, "modes", "合作方式"}, {portal.FacetTRL, "trl", "成熟度"},
	}
	for _, g := range groups {
		if g.name == portal.FacetKind && typ == portal.TypeChallenge {
			continue
		}
		fg := FacetGroup{Name: g.param, Label: g.label}
		for _, f := range res.Facets[g.name] {
			v := cloneValues(values)
			selected := values.Get(g.param) == f.Value
			if selected {
				v.Del(g.param)
			} else {
				v.Set(g.param, f.Value)
			}
			fg.Values = append(fg.Values, FacetLink{Label: f.Label, Count: f.Count, Selected: selected, Href: link(v)})
		}
		if len(fg.Values) > 0 {
			page.Groups = append(page.Groups, fg)
		}
	}
	if typ == portal.TypeChallenge {
		v := cloneValues(values)
		if p.Expired {
			v.Del("expired")
		} else {
			v.Set("expired", "1")
		}
		page.ExpiredHref = link(v)
	}
	lim := res.Params.Limit
	page.From, page.To = res.Params.Offset+1, res.Params.Offset+len(res.Items)
	if res.Params.Offset > 0 {
		v := cloneValues(values)
		if prev := res.Params.Offset - lim; prev > 0 {
			v.Set("offset", strconv.Itoa(prev))
		}
		page.Prev = link(v)
	}
	if next := res.Params.Offset + lim; next < res.Total && next <= portal.MaxOffset {
		v := cloneValues(values)
		v.Set("offset", strconv.Itoa(next))
		page.Next = link(v)
	}
	return s.render(c, "list", page)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, xs := range v {
		out[k] = append([]string(nil), xs...)
	}
	return out
}
