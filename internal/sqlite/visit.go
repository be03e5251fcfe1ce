package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// Visits: one row per visit in visits, what was logged in
// visit_versions (append-only: a correction adds a version).

const visitColumns = `v.id, v.assignment_id, v.envoy_id, COALESCE(NULLIF(u.display_name, ''), u.username),
	COALESCE(v.org_id, ''), COALESCE(o.name, ''), v.village, v.region, vv.version, vv.on_day, vv.topic, vv.findings,
	vv.follow_up, vv.note, v.created_at, vv.created_at, vv.created_by`

// visitFrom joins a visit to its newest version.
const visitFrom = ` FROM visits v JOIN users u ON u.id = v.envoy_id LEFT JOIN organizations o ON o.id = v.org_id
	JOIN visit_versions vv ON vv.visit_id = v.id
		AND vv.version = (SELECT max(version) FROM visit_versions WHERE visit_id = v.id) `

func scanVisit(sc interface{ Scan(...any) error }) (duijie.Visit, error) {
	var v duijie.Visit
	var region, on, created, updated string
	err := sc.Scan(&v.ID, &v.AssignmentID, &v.EnvoyID, &v.EnvoyName, &v.OrgID, &v.OrgName, &v.Village, &region, &v.Version,
		&on, &v.Topic, &v.Findings, &v.FollowUp, &v.Note, &created, &updated, &v.UpdatedBy)
	v.Region, v.On, v.Created, v.Updated = duijie.Region(region), duijie.ParseDate(on), parseStamp(created), parseStamp(updated)
	return v, err
}

// CreateVisit stores a new visit and its first version.
func (db *DB) CreateVisit(ctx context.Context, v *duijie.Visit) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO visits (id, assignment_id, envoy_id, org_id, village, region, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, v.ID, v.AssignmentID, v.EnvoyID, nullable(v.OrgID), v.Village, string(v.Region),
			stampOf(v.Created))
		if err != nil {
			return fmt.Errorf("sqlite: visit: %w", err)
		}
		v.Version = 1
		return insertVisitVersion(ctx, tx, v)
	})
}

// CorrectVisit appends v as the next version of a visit whose newest
// version was read (v.Version - 1); a correction made meanwhile is a
// conflict.
func (db *DB) CorrectVisit(ctx context.Context, v *duijie.Visit) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var newest int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(version), 0) FROM visit_versions WHERE visit_id = ?`, v.ID).Scan(&newest); err != nil {
			return err
		}
		if newest == 0 {
			return notFound("走访记录", "")
		}
		if newest != v.Version-1 {
			return duijie.Errorf(duijie.ECONFLICT, "这条走访记录刚被更正过，请刷新页面后重试")
		}
		return insertVisitVersion(ctx, tx, v)
	})
}

func insertVisitVersion(ctx context.Context, tx *sql.Tx, v *duijie.Visit) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO visit_versions (visit_id, version, on_day, topic, findings, follow_up, note,
		created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, v.Version, day(v.On), v.Topic, v.Findings, v.FollowUp,
		v.Note, v.UpdatedBy, stampOf(v.Updated))
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return duijie.Errorf(duijie.ECONFLICT, "这条走访记录刚被更正过，请刷新页面后重试")
	}
	if err != nil {
		return fmt.Errorf("sqlite: visit %s: %w", v.ID, err)
	}
	return nil
}

// Visit loads a visit as last logged.
func (db *DB) Visit(ctx context.Context, id string) (*duijie.Visit, error) {
	v, err := scanVisit(db.r.QueryRowContext(ctx, `SELECT `+visitColumns+visitFrom+`WHERE v.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("走访记录", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: visit %s: %w", id, err)
	}
	return &v, nil
}

// VisitVersions lists every version of a visit, the newest first.
func (db *DB) VisitVersions(ctx context.Context, id string) ([]duijie.Visit, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT v.id, v.assignment_id, v.envoy_id, COALESCE(NULLIF(u.display_name, ''), u.username),
		COALESCE(v.org_id, ''), COALESCE(o.name, ''), v.village, v.region, vv.version, vv.on_day, vv.topic, vv.findings,
		vv.follow_up, vv.note, v.created_at, vv.created_at, vv.created_by
		FROM visits v JOIN users u ON u.id = v.envoy_id LEFT JOIN organizations o ON o.id = v.org_id
		JOIN visit_versions vv ON vv.visit_id = v.id WHERE v.id = ? ORDER BY vv.version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: visit %s: %w", id, err)
	}
	defer rows.Close()
	var out []duijie.Visit
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// VisitFilter selects visits by their newest version; zero fields do not
// filter.
type VisitFilter struct {
	EnvoyID  string
	OrgID    string
	From, To time.Time // days of the visit, both included
	Counties []string  // where the visit was
	Offset   int
	Limit    int
}

// Visits lists visits, the latest day first, and how many match in all.
func (db *DB) Visits(ctx context.Context, f VisitFilter) ([]duijie.Visit, int, error) {
	conds, args := []string{"1"}, []any{}
	if f.EnvoyID != "" {
		conds, args = append(conds, "v.envoy_id = ?"), append(args, f.EnvoyID)
	}
	if f.OrgID != "" {
		conds, args = append(conds, "v.org_id = ?"), append(args, f.OrgID)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "vv.on_day >= ?"), append(args, day(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "vv.on_day <= ?"), append(args, day(f.To))
	}
	where := "WHERE " + strings.Join(conds, " AND ")
	cond, cargs := ReportScope{Counties: f.Counties}.county("v.region")
	args = append(args, cargs...)
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+visitFrom+where+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqlite: visits: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+visitColumns+visitFrom+where+cond+`
		ORDER BY vv.on_day DESC, v.created_at DESC, v.id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: visits: %w", err)
	}
	defer rows.Close()
	var out []duijie.Visit
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, rows.Err()
}
