package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"duijie/internal/duijie"
)

const orgColumns = `id, name, short, kind, region, credit_code, status`

func scanOrg(row interface{ Scan(...any) error }) (*duijie.Organization, error) {
	var o duijie.Organization
	var kind, region, status string
	if err := row.Scan(&o.ID, &o.Name, &o.Short, &kind, &region, &o.CreditCode, &status); err != nil {
		return nil, err
	}
	o.Kind, o.Region, o.Status = duijie.OrgKind(kind), duijie.Region(region), duijie.OrgStatus(status)
	return &o, nil
}

// Organization returns one organisation.
func (db *DB) Organization(ctx context.Context, id string) (*duijie.Organization, error) {
	o, err := scanOrg(db.r.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("单位", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: organization %s: %w", id, err)
	}
	return o, nil
}

// Organizations lists organisations with the given status ("" for all),
// newest registrations first.
func (db *DB) Organizations(ctx context.Context, status duijie.OrgStatus) ([]duijie.Organization, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+orgColumns+` FROM organizations
		WHERE ? = '' OR status = ? ORDER BY created_at DESC, id`, string(status), string(status))
	if err != nil {
		return nil, fmt.Errorf("sqlite: organizations: %w", err)
	}
	defer rows.Close()
	var out []duijie.Organization
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// Register stores a new organisation (pending review) and its first user
// in one transaction: either both exist afterwards or neither.
func (db *DB) Register(ctx context.Context, o *duijie.Organization, u *duijie.User, passwordHash string) error {
	if err := o.Validate(); err != nil {
		return err
	}
	o.Status = duijie.OrgPending
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := db.putOrganizationNew(ctx, tx, o); err != nil {
			return err
		}
		return db.insertUser(ctx, tx, u, passwordHash, false)
	})
}

func (db *DB) putOrganizationNew(ctx context.Context, tx *sql.Tx, o *duijie.Organization) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organizations WHERE id = ?`, o.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return duijie.Errorf(duijie.ECONFLICT, "单位编号 %s 已存在", o.ID)
	}
	return db.putOrganization(ctx, tx, o)
}

// SetOrgStatus records the bureau's review of an organisation.
func (db *DB) SetOrgStatus(ctx context.Context, id string, status duijie.OrgStatus) error {
	if status.Label() == "" {
		return duijie.Errorf(duijie.EINVALID, "未知的审核结果：%s", status)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE organizations SET status = ? WHERE id = ?`, string(status), id)
		if err != nil {
			return fmt.Errorf("sqlite: organization %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("单位", id)
		}
		return nil
	})
}
