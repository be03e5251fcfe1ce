package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"duijie/internal/duijie"
)

// Proposals to calls and their attachments.

// SaveProposal stores an institute's proposal to a call that accepts
// proposals on today, or replaces the text of the one it sent before (one
// per institute and call); p.ID is set to the stored proposal's id.
func (db *DB) SaveProposal(ctx context.Context, p *duijie.Proposal, today time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := callOpen(ctx, tx, p.CallID, today); err != nil {
			return err
		}
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM proposals WHERE call_id = ? AND org_id = ?`, p.CallID, p.OrgID).Scan(&id)
		switch {
		case err == sql.ErrNoRows:
			_, err = tx.ExecContext(ctx, `INSERT INTO proposals (id, call_id, org_id, user_id, summary, plan, budget, team,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.CallID, p.OrgID, p.UserID, p.Summary,
				p.Plan, p.Budget, p.Team, stampOf(p.Created), stampOf(p.Updated))
		case err == nil:
			p.ID = id
			_, err = tx.ExecContext(ctx, `UPDATE proposals SET user_id = ?, summary = ?, plan = ?, budget = ?, team = ?,
				updated_at = ? WHERE id = ?`, p.UserID, p.Summary, p.Plan, p.Budget, p.Team, stampOf(p.Updated), id)
		}
		if err != nil {
			return fmt.Errorf("sqlite: proposal: %w", err)
		}
		return nil
	})
}

const proposalColumns = `p.id, p.call_id, p.org_id, o.name, p.user_id, p.summary, p.plan, p.budget, p.team, p.created_at, p.updated_at`

func scanProposal(sc interface{ Scan(...any) error }) (duijie.Proposal, error) {
	var p duijie.Proposal
	var created, updated string
	err := sc.Scan(&p.ID, &p.CallID, &p.OrgID, &p.OrgName, &p.UserID, &p.Summary, &p.Plan, &p.Budget, &p.Team, &created, &updated)
	p.Created, p.Updated = parseStamp(created), parseStamp(updated)
	return p, err
}

// Proposal loads one proposal with its attachments' descriptions.
func (db *DB) Proposal(ctx context.Context, id string) (*duijie.Proposal, error) {
	p, err := scanProposal(db.r.QueryRowContext(ctx, `SELECT `+proposalColumns+`
		FROM proposals p JOIN organizations o ON o.id = p.org_id WHERE p.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("揭榜方案", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: proposal %s: %w", id, err)
	}
	if p.Attachments, err = db.attachments(ctx, p.ID); err != nil {
		return nil, err
	}
	return &p, nil
}

// Proposals lists the proposals of a call, oldest first, with their
// attachments' descriptions.
func (db *DB) Proposals(ctx context.Context, callID string) ([]duijie.Proposal, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+proposalColumns+`
		FROM proposals p JOIN organizations o ON o.id = p.org_id WHERE p.call_id = ? ORDER BY p.created_at, p.id`, callID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: proposals: %w", err)
	}
	var out []duijie.Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Attachments, err = db.attachments(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *DB) attachments(ctx context.Context, proposalID string) ([]duijie.Attachment, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, proposal_id, name, type, size, sha256, created_at FROM proposal_files
		WHERE proposal_id = ? ORDER BY created_at, id`, proposalID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: attachments: %w", err)
	}
	defer rows.Close()
	var out []duijie.Attachment
	for rows.Next() {
		var a duijie.Attachment
		var created string
		if err := rows.Scan(&a.ID, &a.ProposalID, &a.Name, &a.Type, &a.Size, &a.SHA256, &created); err != nil {
			return nil, err
		}
		a.Created = parseStamp(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddAttachment stores a file of a proposal of a call that accepts
// proposals on today, refusing one past max files per proposal
// (ECONFLICT).
func (db *DB) AddAttachment(ctx context.Context, a *duijie.Attachment, data []byte, max int, today time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var callID string
		if err := tx.QueryRowContext(ctx, `SELECT call_id FROM proposals WHERE id = ?`, a.ProposalID).Scan(&callID); err != nil {
			return fmt.Errorf("sqlite: attachment: %w", err)
		}
		if err := callOpen(ctx, tx, callID, today); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM proposal_files WHERE proposal_id = ?`, a.ProposalID).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: attachment: %w", err)
		}
		if n >= max {
			return duijie.Errorf(duijie.ECONFLICT, "每份方案最多 %d 个附件，请先删除不需要的附件", max)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO proposal_files (id, proposal_id, name, type, size, sha256, data, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.ProposalID, a.Name, a.Type, a.Size, a.SHA256, data, stampOf(a.Created))
		if err != nil {
			return fmt.Errorf("sqlite: attachment: %w", err)
		}
		return nil
	})
}

// Attachment loads one attachment with its bytes.
func (db *DB) Attachment(ctx context.Context, id string) (*duijie.Attachment, []byte, error) {
	var a duijie.Attachment
	var created string
	var data []byte
	err := db.r.QueryRowContext(ctx, `SELECT id, proposal_id, name, type, size, sha256, created_at, data FROM proposal_files
		WHERE id = ?`, id).Scan(&a.ID, &a.ProposalID, &a.Name, &a.Type, &a.Size, &a.SHA256, &created, &data)
	if err == sql.ErrNoRows {
		return nil, nil, notFound("附件", "")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: attachment %s: %w", id, err)
	}
	a.Created = parseStamp(created)
	return &a, data, nil
}

// DeleteAttachment removes an attachment of a proposal of a call that
// still accepts proposals on today: the call is read inside the
// transaction, so that a draw in between cannot have a panel find a file
// gone; an attachment of another proposal is not found.
func (db *DB) DeleteAttachment(ctx context.Context, id, proposalID string, today time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var callID string
		err := tx.QueryRowContext(ctx, `SELECT call_id FROM proposals WHERE id = ?`, proposalID).Scan(&callID)
		if err == sql.ErrNoRows {
			return notFound("附件", "")
		}
		if err != nil {
			return fmt.Errorf("sqlite: attachment: %w", err)
		}
		if err := callOpen(ctx, tx, callID, today); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM proposal_files WHERE id = ? AND proposal_id = ?`, id, proposalID)
		if err != nil {
			return fmt.Errorf("sqlite: attachment: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("附件", "")
		}
		return nil
	})
}
