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
	d.Envoys, err = s.db.ReportEnvoys(ctx, sc)
	return err
}
