package reports

import (
	"context"
	"sort"

	"duijie/internal/sqlite"
)

// person is one row of the per-broker or per-institute results.
type person struct {
	label                     string
	intros, confirmed, signed int
	contracts                 int
	amount                    int64
}

func merge(is, cs []sqlite.Group, empty string) []*person {
	by := map[string]*person{}
	var order []string
	get := func(key, label string) *person {
		p, ok := by[key]
		if !ok {
			p = &person{label: orDash(label, empty)}
			by[key] = p
			order = append(order, key)
		}
		return p
	}
	for _, g := range is {
		p := get(g.Key, g.Label)
		p.intros, p.confirmed, p.signed = g.Count, g.Count2, g.Count3
	}
	for _, g := range cs {
		p := get(g.Key, g.Label)
		p.contracts, p.amount = g.Count, g.Amount
	}
	out := make([]*person, 0, len(order))
	for _, k := range order {
		out = append(out, by[k])
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].amount != out[j].amount {
			return out[i].amount > out[j].amount
		}
		return out[i].intros > out[j].intros
	})
	return out
}

func peopleTable(name, head string, ps []*person) Table {
	t := Table{Name: name, Columns: []Column{{head, 30}, {"新增对接", 10}, {"双方确认", 10}, {"已签约", 10},
		{"合同份数", 10}, {"合同金额（万元）", 16}}}
	for _, p := range ps {
		t.Rows = append(t.Rows, []Cell{Text(p.label), Int(p.intros), Int(p.confirmed), Int(p.signed), Int(p.contracts), Wan(p.amount)})
	}
	return t
}

func (s *Service) people(ctx context.Context, sc sqlite.ReportScope, d *Dashboard) error {
	ib, err := s.db.ReportIntros(ctx, sc, sqlite.IntrosByBroker)
	if err != nil {
		return err
	}
	cb, err := s.db.ReportContracts(ctx, sc, sqlite.ContractsByBroker)
	if err != nil {
		return err
	}
	d.Brokers = peopleTable("经纪人成效", "技术经纪人", merge(ib, cb, "未分派"))
	ii, err := s.db.ReportIntros(ctx, sc, sqlite.IntrosByInstitute)
	if err != nil {
		return err
	}
	ci, err := s.db.ReportContracts(ctx, sc, sqlite.ContractsBySeller)
	if err != nil {
		return err
	}
	d.Institutes = peopleTable("院所成效", "院所（受托方）", merge(ii, ci, "—"))
	return nil
}
