package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"duijie/internal/duijie"
)

// ImportBatch is a confirmed import: the organisations it makes, the
// postings it adds and its audit entry, written in one transaction.
type ImportBatch struct {
	Orgs     []ImportOrg
	Postings []ImportPosting
	Audit    duijie.AuditEntry
}

// ImportOrg is an organisation an import makes, with the file row that
// first named it.
type ImportOrg struct {
	Row int
	Org *duijie.Organization
}

// ImportPosting is one posting of an import (a challenge or a capability)
// with its file row.
type ImportPosting struct {
	Row        int
	Challenge  *duijie.Challenge
	Capability *duijie.Capability
}

// Import writes a batch all or nothing: every organisation and posting is
// validated again, organisations must still be new (no credit code or name
// taken since the dry run), postings must be new and belong to an
// organisation that exists and was not rejected; each posting records an
// outbox row, and the audit entry is written in the same transaction. The
// first failure rolls everything back and is returned as a *duijie.Error
// naming its row.
func (db *DB) Import(ctx context.Context, b *ImportBatch) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		for _, o := range b.Orgs {
			if err := o.Org.Validate(); err != nil {
				return rowError(o.Row, err)
			}
			if o.Org.CreditCode != "" {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organizations WHERE credit_code = ? AND status <> 'rejected'`,
					o.Org.CreditCode).Scan(&n); err != nil {
					return fmt.Errorf("sqlite: import: %w", err)
				}
				if n > 0 {
					return rowError(o.Row, duijie.Errorf(duijie.ECONFLICT, "统一社会信用代码 %s 在预览之后已被注册，请重新上传预览", o.Org.CreditCode))
				}
			}
			if err := db.putOrganizationNew(ctx, tx, o.Org); err != nil {
				return rowError(o.Row, err)
			}
		}
		for _, p := range b.Postings {
			if err := db.importPosting(ctx, tx, p); err != nil {
				return rowError(p.Row, err)
			}
		}
		return db.record(ctx, tx, b.Audit)
	})
}

func (db *DB) importPosting(ctx context.Context, tx *sql.Tx, p ImportPosting) error {
	var table, id, orgID string
	var validate func() error
	switch {
	case p.Challenge != nil:
		table, id, orgID, validate = "challenges", p.Challenge.ID, p.Challenge.OrgID, p.Challenge.Validate
	case p.Capability != nil:
		table, id, orgID, validate = "capabilities", p.Capability.ID, p.Capability.OrgID, p.Capability.Validate
	default:
		return fmt.Errorf("sqlite: import: an empty posting")
	}
	if err := validate(); err != nil {
		return err
	}
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM organizations WHERE id = ?`, orgID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) || status == string(duijie.OrgRejected) {
		return duijie.Errorf(duijie.ECONFLICT, "所属单位不存在或注册未通过审核，请重新上传预览")
	}
	if err != nil {
		return fmt.Errorf("sqlite: import: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: import: %w", err)
	}
	if n > 0 {
		return duijie.Errorf(duijie.ECONFLICT, "编号 %s 已存在", id)
	}
	if p.Challenge != nil {
		return db.putChallenge(ctx, tx, p.Challenge)
	}
	return db.putCapability(ctx, tx, p.Capability)
}

// rowError names the row of a failed import; nothing was written.
func rowError(row int, err error) error {
	var e *duijie.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("sqlite: import row %d: %w", row, err)
	}
	msg := e.Message
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, e.Fields[k])
		}
		msg = strings.Join(parts, "；")
	}
	return &duijie.Error{Code: e.Code, Message: fmt.Sprintf("第 %d 行：%s。整个文件均未导入，没有写入任何数据", row, msg)}
}

// PublishPending publishes the postings of an organisation that were
// waiting for its review (imported with it), as of day, and queues them
// for indexing; it returns how many there were.
func (db *DB) PublishPending(ctx context.Context, orgID, day string) (int, error) {
	n := 0
	err := db.write(ctx, func(tx *sql.Tx) error {
		for _, t := range []struct{ table, doc string }{{"challenges", "challenge"}, {"capabilities", "capability"}} {
			rows, err := tx.QueryContext(ctx, `UPDATE `+t.table+` SET status = 'published', posted = ?, updated_at = ?
				WHERE org_id = ? AND status = 'pending' RETURNING id`, day, db.stamp(), orgID)
			if err != nil {
				return fmt.Errorf("sqlite: publish pending: %w", err)
			}
			var ids []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, id := range ids {
				if err := db.enqueue(ctx, tx, t.doc, id); err != nil {
					return err
				}
			}
			n += len(ids)
		}
		return nil
	})
	return n, err
}

// OrgByCreditCode returns the organisation holding a credit code (not a
// rejected one), ENOTFOUND when none does.
func (db *DB) OrgByCreditCode(ctx context.Context, code string) (*duijie.Organization, error) {
	o, err := scanOrg(db.r.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations
		WHERE credit_code = ? AND credit_code <> '' AND status <> 'rejected'`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("单位", code)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: organization by code: %w", err)
	}
	return o, nil
}

// OrgByName returns the organisation of that exact name (names are
// unique), ENOTFOUND when none has it.
func (db *DB) OrgByName(ctx context.Context, name string) (*duijie.Organization, error) {
	o, err := scanOrg(db.r.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("单位", name)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: organization by name: %w", err)
	}
	return o, nil
}
