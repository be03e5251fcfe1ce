package reports

import (
	"context"
	"fmt"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// The dashboard's contract figures: by month, industry, county and type.

// contractChart draws contracts grouped one way: bars of 万元, a table
// of count, registered and 万元.
func contractChart(id, title, head, sheet string, gs []sqlite.Group, label func(sqlite.Group) string) Chart {
	c := Chart{ID: id, Title: title, Unit: "万元",
		Table: Table{Name: sheet, Columns: []Column{{head, 24}, {"合同份数", 10}, {"其中已登记", 12}, {"合同金额（万元）", 16}}}}
	var labels, shown []string
	var values []int64
	for _, g := range gs {
		l := label(g)
		labels, values = append(labels, l), append(values, g.Amount)
		shown = append(shown, fmt.Sprintf("%s（%d 份）", duijie.Yuan(g.Amount), g.Count))
		c.Table.Rows = append(c.Table.Rows, []Cell{Text(l), Int(g.Count), Int(g.Count2), Wan(g.Amount)})
	}
	c.Bars = bars(labels, values, shown)
	return c
}

func (s *Service) contracts(ctx context.Context, sc sqlite.ReportScope, d *Dashboard) error {
	months, err := s.db.ReportContracts(ctx, sc, sqlite.ContractsByMonth)
	if err != nil {
		return err
	}
	for _, g := range months {
		d.Contracts, d.Registered, d.Amount = d.Contracts+g.Count, d.Registered+g.Count2, d.Amount+g.Amount
	}
	d.ByMonth = contractChart("months", "技术合同：按月", "签订月份", "合同按月", fillMonths(sc.From, sc.To, months),
		func(g sqlite.Group) string { return g.Key })
	d.ByMonth.Note = "按签订日期。"
	gs, err := s.db.ReportContracts(ctx, sc, sqlite.ContractsByIndustry)
	if err != nil {
		return err
	}
	d.ByIndustry = contractChart("industries", "技术合同：按产业", "产业", "合同按产业", gs, func(g sqlite.Group) string {
		return orDash(duijie.Industry(g.Key).Label(), "未关联需求或成果")
	})
	d.ByIndustry.Note = "产业取合同所关联的技术需求，其次科技成果（“5+1”产业链及战略性新兴产业）。"
	if gs, err = s.db.ReportContracts(ctx, sc, sqlite.ContractsByCounty); err != nil {
		return err
	}
	d.ByCounty = contractChart("counties", "技术合同：按企业所在县区", "县区", "合同按县区", gs, func(g sqlite.Group) string {
		return orDash(duijie.Region(g.Key).Short(), "未关联单位")
	})
	d.ByCounty.Note = "按委托方（企业）所在地区。"
	if gs, err = s.db.ReportContracts(ctx, sc, sqlite.ContractsByType); err != nil {
		return err
	}
	d.ByType = contractChart("types", "技术合同：按类别", "合同类别", "合同按类别", gs, func(g sqlite.Group) string {
		return orDash(duijie.ContractType(g.Key).Label(), g.Key)
	})
	return nil
}

func orDash(s, empty string) string {
	if s == "" {
		return empty
	}
	return s
}

// fillMonths lists every month of the period (up to three years; longer
// periods list the months that have contracts), with zeros where there
// are none.
func fillMonths(from, to time.Time, gs []sqlite.Group) []sqlite.Group {
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	n := (to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month()) + 1
	if n > 36 {
		return gs
	}
	by := map[string]sqlite.Group{}
	for _, g := range gs {
		by[g.Key] = g
	}
	out := make([]sqlite.Group, 0, n)
	for i := 0; i < n; i++ {
		key := first.AddDate(0, i, 0).Format("2006-01")
		g, ok := by[key]
		if !ok {
			g = sqlite.Group{Key: key}
		}
		out = append(out, g)
	}
	return out
}

// tiers are the partner tiers in display order, with their names.
var tiers = []struct {
	Tier  duijie.Tier
	Label string
}{
	{duijie.TierLocal, "六安本地"}, {duijie.TierHefei, "合肥"}, {duijie.TierYRD, "长三角其他"},
	{duijie.TierOther, "其他地区"}, {"", "未关联单位"},
}
