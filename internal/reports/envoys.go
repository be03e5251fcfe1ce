package reports

import (
	"context"

	"duijie/internal/sqlite"
)

// EnvoyFigures are the dashboard's figures of 科技特派员 for its period
// and county:
//
//   - Visits, Enterprises, Villages, Envoys: the visits whose day (as last
//     corrected) is in the period, where the visit was (the enterprise's
//     or the village's county), and the distinct enterprises, villages
//     and envoys among them.
//   - Challenges: challenges envoys drafted from visits that their
//     enterprise confirmed in the period (a draft the enterprise
//     published through its own form counts on its posting day); returned
//     ones never count.
//   - Intros: introductions made in the period on such challenges;
//     Contracts and Amount (元): contracts signed in the period on them.
//     Both by the enterprise's region, like the rest of the dashboard.
type EnvoyFigures = sqlite.EnvoyCounts

func (s *Service) envoys(ctx context.Context, sc sqlite.ReportScope, d *Dashboard) error {
	var err error
	if d.Envoys, err = s.db.ReportEnvoys(ctx, sc); err != nil {
		return err
	}
	rows, err := s.db.ReportEnvoyRows(ctx, sc)
	if err != nil {
		return err
	}
	t := Table{Name: "科技特派员成效", Columns: []Column{{"科技特派员", 20}, {"走访次数", 10}, {"服务企业", 10}, {"服务村", 10},
		{"来自走访的需求", 14}, {"由此对接", 10}, {"由此合同", 10}, {"成交额（万元）", 16}}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []Cell{Text(r.Name), Int(r.Visits), Int(r.Enterprises), Int(r.Villages), Int(r.Challenges),
			Int(r.Intros), Int(r.Contracts), Wan(r.Amount)})
	}
	d.EnvoyTable = t
	return nil
}
