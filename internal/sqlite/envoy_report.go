package sqlite

import (
	"context"
	"fmt"
)

// EnvoyCounts are the dashboard's figures of 科技特派员 for a scope.
type EnvoyCounts struct {
	Visits      int // visits whose (newest) day is in the period, where the visit was
	Enterprises int // distinct enterprises among them
	Villages    int // distinct villages among them
	Envoys      int // distinct envoys among them
	Challenges  int // challenges from visits confirmed by their enterprise in the period
	Intros      int // introductions made in the period on challenges from visits
	Contracts   int // contracts signed in the period on challenges from visits
	Amount      int64
}

// confirmedOrigins selects the ids of challenges from visits that their
// enterprise confirmed (or published through its own form), not returned.
const confirmedOrigins = `SELECT o.challenge_id FROM challenge_origins o JOIN challenges ch ON ch.id = o.challenge_id
	WHERE o.returned_at = '' AND (o.confirmed_at != '' OR ch.posted != '')`

// ReportEnvoys counts what envoys did in the scope. Visits count where
// they were (the enterprise's or village's county); challenges,
// introductions and contracts by the enterprise's region, like the rest
// of the dashboard. A challenge counts on the day its enterprise
// confirmed it (or first published it through its own form).
func (db *DB) ReportEnvoys(ctx context.Context, sc ReportScope) (EnvoyCounts, error) {
	var c EnvoyCounts
	days0, days1 := sc.days()
	st0, st1 := sc.stamps()
	cond, cargs := sc.county("v.region")
	err := db.r.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT v.org_id),
			count(DISTINCT CASE WHEN v.org_id IS NULL THEN v.region || '/' || v.village END), count(DISTINCT v.envoy_id)`+
		visitFrom+`WHERE vv.on_day BETWEEN ? AND ?`+cond, append([]any{days0, days1}, cargs...)...).
		Scan(&c.Visits, &c.Enterprises, &c.Villages, &c.Envoys)
	if err != nil {
		return c, fmt.Errorf("sqlite: report envoys: %w", err)
	}
	cond, cargs = sc.county("eo.region")
	err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM challenge_origins o JOIN challenges ch ON ch.id = o.challenge_id
		JOIN organizations eo ON eo.id = ch.org_id
		WHERE o.returned_at = '' AND ((o.confirmed_at != '' AND o.confirmed_at >= ? AND o.confirmed_at < ?)
			OR (o.confirmed_at = '' AND ch.posted != '' AND ch.posted BETWEEN ? AND ?))`+cond,
		append([]any{st0, st1, days0, days1}, cargs...)...).Scan(&c.Challenges)
	if err != nil {
		return c, fmt.Errorf("sqlite: report envoys: %w", err)
	}
	err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM introductions n JOIN organizations eo ON eo.id = n.ent_org_id
		WHERE n.challenge_id IN (`+confirmedOrigins+`) AND n.created_at >= ? AND n.created_at < ?`+cond,
		append([]any{st0, st1}, cargs...)...).Scan(&c.Intros)
	if err != nil {
		return c, fmt.Errorf("sqlite: report envoys: %w", err)
	}
	cond, cargs = sc.county("bo.region")
	err = db.r.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(k.amount), 0)`+contractFrom+`
		WHERE ch.id IN (`+confirmedOrigins+`) AND k.signed_on BETWEEN ? AND ?`+cond,
		append([]any{days0, days1}, cargs...)...).Scan(&c.Contracts, &c.Amount)
	if err != nil {
		return c, fmt.Errorf("sqlite: report envoys: %w", err)
	}
	return c, nil
}

// EnvoyRow is one envoy's figures for a scope (counted as EnvoyCounts).
type EnvoyRow struct {
	EnvoyID, Name                             string
	Visits, Enterprises, Villages, Challenges int
	Intros, Contracts                         int
	Amount                                    int64
}

// ReportEnvoyRows counts EnvoyCounts per envoy, for the envoys with
// anything in the scope, by username.
func (db *DB) ReportEnvoyRows(ctx context.Context, sc ReportScope) ([]EnvoyRow, error) {
	days0, days1 := sc.days()
	st0, st1 := sc.stamps()
	by := map[string]*EnvoyRow{}
	row := func(id string) *EnvoyRow {
		if by[id] == nil {
			by[id] = &EnvoyRow{EnvoyID: id}
		}
		return by[id]
	}
	each := func(q string, args []any, scan func(id string, r *EnvoyRow, vals []int64)) error {
		rows, err := db.r.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("sqlite: report envoys: %w", err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			var id string
			vals := make([]int64, len(cols)-1)
			dest := []any{&id}
			for i := range vals {
				dest = append(dest, &vals[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			scan(id, row(id), vals)
		}
		return rows.Err()
	}
	cond, cargs := sc.county("v.region")
	if err := each(`SELECT v.envoy_id, count(*), count(DISTINCT v.org_id),
			count(DISTINCT CASE WHEN v.org_id IS NULL THEN v.region || '/' || v.village END)`+visitFrom+`
		WHERE vv.on_day BETWEEN ? AND ?`+cond+` GROUP BY 1`, append([]any{days0, days1}, cargs...),
		func(_ string, r *EnvoyRow, x []int64) {
			r.Visits, r.Enterprises, r.Villages = int(x[0]), int(x[1]), int(x[2])
		}); err != nil {
		return nil, err
	}
	cond, cargs = sc.county("eo.region")
	if err := each(`SELECT o.envoy_id, count(*) FROM challenge_origins o JOIN challenges ch ON ch.id = o.challenge_id
		JOIN organizations eo ON eo.id = ch.org_id
		WHERE o.returned_at = '' AND ((o.confirmed_at != '' AND o.confirmed_at >= ? AND o.confirmed_at < ?)
			OR (o.confirmed_at = '' AND ch.posted != '' AND ch.posted BETWEEN ? AND ?))`+cond+` GROUP BY 1`,
		append([]any{st0, st1, days0, days1}, cargs...),
		func(_ string, r *EnvoyRow, x []int64) { r.Challenges = int(x[0]) }); err != nil {
		return nil, err
	}
	if err := each(`SELECT o.envoy_id, count(*) FROM introductions n JOIN organizations eo ON eo.id = n.ent_org_id
		JOIN challenge_origins o ON o.challenge_id = n.challenge_id
		WHERE n.challenge_id IN (`+confirmedOrigins+`) AND n.created_at >= ? AND n.created_at < ?`+cond+` GROUP BY 1`,
		append([]any{st0, st1}, cargs...),
		func(_ string, r *EnvoyRow, x []int64) { r.Intros = int(x[0]) }); err != nil {
		return nil, err
	}
	cond, cargs = sc.county("bo.region")
	if err := each(`SELECT o.envoy_id, count(*), COALESCE(sum(k.amount), 0)`+contractFrom+`
		JOIN challenge_origins o ON o.challenge_id = ch.id
		WHERE ch.id IN (`+confirmedOrigins+`) AND k.signed_on BETWEEN ? AND ?`+cond+` GROUP BY 1`,
		append([]any{days0, days1}, cargs...),
		func(_ string, r *EnvoyRow, x []int64) { r.Contracts, r.Amount = int(x[0]), x[1] }); err != nil {
		return nil, err
	}
	users, err := db.Envoys(ctx)
	if err != nil {
		return nil, err
	}
	var out []EnvoyRow
	for _, u := range users { // by username
		if r := by[u.ID]; r != nil {
			r.Name = u.DisplayName
			if r.Name == "" {
				r.Name = u.Username
			}
			out = append(out, *r)
			delete(by, u.ID)
		}
	}
	for _, r := range by { // an envoy whose role was changed since
		r.Name = r.EnvoyID
		out = append(out, *r)
	}
	return out, nil
}
