package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"duijie/internal/duijie"
)

// UpdateChallenge replaces the content of one of org's challenges (not its
// status or posting date, which SetStatus changes) and records it in the
// outbox, in one transaction. A challenge of another organisation is not
// found.
func (db *DB) UpdateChallenge(ctx context.Context, c *duijie.Challenge) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE challenges SET title = ?, problem = ?, targets = ?, tried = ?, constraints = ?,
			industry = ?, field = ?, keywords = ?, budget_min = ?, budget_max = ?, deadline = ?, modes = ?, visibility = ?,
			trl_expect = ?, updated_at = ? WHERE id = ? AND org_id = ?`,
			c.Title, c.Problem, c.Targets, c.Tried, c.Constraints, string(c.Industry), c.Field, jsonList(c.Keywords),
			c.BudgetMin, c.BudgetMax, day(c.Deadline), jsonList(duijie.ModeNames(c.Modes)), string(c.Visibility),
			c.TRLExpect, db.stamp(), c.ID, c.OrgID)
		if err != nil {
			return fmt.Errorf("sqlite: challenge %s: %w", c.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("技术需求", c.ID)
		}
		return db.enqueue(ctx, tx, "challenge", c.ID)
	})
}

// UpdateCapability replaces the content of one of org's capabilities.
func (db *DB) UpdateCapability(ctx context.Context, c *duijie.Capability) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE capabilities SET kind = ?, title = ?, description = ?, trl = ?, ip = ?,
			fields = ?, industry = ?, modes = ?, team = ?, region = ?, keywords = ?, updated_at = ? WHERE id = ? AND org_id = ?`,
			string(c.Kind), c.Title, c.Description, c.TRL, jsonList(c.IP), jsonList(c.Fields), string(c.Industry),
			jsonList(duijie.ModeNames(c.Modes)), c.Team, string(c.Region), jsonList(c.Keywords), db.stamp(), c.ID, c.OrgID)
		if err != nil {
			return fmt.Errorf("sqlite: capability %s: %w", c.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("科技成果", c.ID)
		}
		return db.enqueue(ctx, tx, "capability", c.ID)
	})
}

// SetStatus moves one of org's postings from one status to another, in one
// statement: if the posting changed status meanwhile, nothing is written
// and the answer is ECONFLICT. posted is set as the posting date when it
// has none (a first publication). A challenge keeps why it was closed:
// closure is stored with the change (validated when closing) and cleared
// by any other change.
func (db *DB) SetStatus(ctx context.Context, docType, id, orgID string, from, to duijie.Status, posted string, closure duijie.Closure) error {
	table, err := postingTable(docType)
	if err != nil {
		return err
	}
	set := ""
	var args []any
	if docType == "challenge" {
		if to != duijie.StatusClosed {
			closure = duijie.Closure{}
		} else if err := closure.Validate(); err != nil {
			return err
		}
		set, args = "close_reason = ?, close_note = ?, ", []any{string(closure.Reason), closure.Note}
	}
	args = append(args, string(to), posted, db.stamp(), id, orgID, string(from))
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+set+`status = ?, posted = CASE WHEN posted = '' THEN ? ELSE posted END,
			updated_at = ? WHERE id = ? AND org_id = ? AND status = ?`, args...)
		if err != nil {
			return fmt.Errorf("sqlite: %s %s: %w", docType, id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ? AND org_id = ?`, id, orgID).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return notFound("发布", id)
			}
			return duijie.Errorf(duijie.ECONFLICT, "状态已被修改，请刷新页面后重试")
		}
		return db.enqueue(ctx, tx, docType, id)
	})
}
