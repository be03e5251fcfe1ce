package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// Calls (揭榜挂帅): call_proposal.go holds their proposals and attachments,
// call_panel.go their panels and reviews.

const callColumns = `k.id, k.challenge_id, ch.title, ch.org_id, o.name, ch.industry, k.title, k.summary, k.reward, k.deadline,
	k.criteria, k.status, k.broker_id, k.reason, k.award_proposal, COALESCE(k.award_intro, ''), k.created_at, k.updated_at`

const callFrom = ` FROM calls k JOIN challenges ch ON ch.id = k.challenge_id JOIN organizations o ON o.id = ch.org_id `

func scanCall(sc interface{ Scan(...any) error }) (duijie.Call, error) {
	var c duijie.Call
	var industry, deadline, criteria, status, created, updated string
	err := sc.Scan(&c.ID, &c.ChallengeID, &c.ChallengeTitle, &c.EntOrgID, &c.EntOrgName, &industry, &c.Title, &c.Summary,
		&c.Reward, &deadline, &criteria, &status, &c.BrokerID, &c.Reason, &c.AwardProposal, &c.AwardIntro, &created, &updated)
	if err != nil {
		return c, err
	}
	c.Industry, c.Deadline, c.Status = duijie.Industry(industry), duijie.ParseDate(deadline), duijie.CallStatus(status)
	c.Created, c.Updated = parseStamp(created), parseStamp(updated)
	if err := json.Unmarshal([]byte(criteria), &c.Criteria); err != nil {
		return c, fmt.Errorf("sqlite: call %s criteria: %w", c.ID, err)
	}
	return c, nil
}

// CreateCall stores a new call. A challenge with a live call (征集中 or
// 评审中) is a conflict.
func (db *DB) CreateCall(ctx context.Context, c *duijie.Call) error {
	criteria, err := json.Marshal(c.Criteria)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO calls (id, challenge_id, title, summary, reward, deadline, criteria, status,
			broker_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.ChallengeID, c.Title, c.Summary, c.Reward, day(c.Deadline), string(criteria), string(c.Status), c.BrokerID,
			stampOf(c.Created), stampOf(c.Updated))
		if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return duijie.Errorf(duijie.ECONFLICT, "这项技术需求已有征集中或评审中的揭榜挂帅榜单")
		}
		if err != nil {
			return fmt.Errorf("sqlite: call: %w", err)
		}
		return nil
	})
}

// Call loads one call.
func (db *DB) Call(ctx context.Context, id string) (*duijie.Call, error) {
	c, err := scanCall(db.r.QueryRowContext(ctx, `SELECT `+callColumns+callFrom+`WHERE k.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("揭榜挂帅榜单", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: call %s: %w", id, err)
	}
	return &c, nil
}

// LiveCalls are a challenge's calls 征集中 or 评审中 (at most one; the
// calls_live index answers it).
func (db *DB) LiveCalls(ctx context.Context, challengeID string) ([]duijie.Call, error) {
	return db.queryCalls(ctx, `WHERE k.challenge_id = ? AND k.status IN ('open', 'reviewing')`, challengeID)
}

// Calls lists calls with one of the statuses (all when none), open ones
// by deadline first, then the newest.
func (db *DB) Calls(ctx context.Context, statuses ...duijie.CallStatus) ([]duijie.Call, error) {
	where, args := "", []any{}
	if len(statuses) > 0 {
		var qs []string
		for _, s := range statuses {
			qs, args = append(qs, "?"), append(args, string(s))
		}
		where = "WHERE k.status IN (" + strings.Join(qs, ", ") + ") "
	}
	return db.queryCalls(ctx, where+`ORDER BY k.status != 'open', k.status != 'reviewing', k.deadline, k.created_at DESC LIMIT 500`, args...)
}

// queryCalls runs the calls query with its rest (WHERE, ORDER BY).
func (db *DB) queryCalls(ctx context.Context, rest string, args ...any) ([]duijie.Call, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+callColumns+callFrom+rest, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: calls: %w", err)
	}
	defer rows.Close()
	var out []duijie.Call
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// updateCall runs a conditional UPDATE of a call; no row changed means
// somebody changed the call meanwhile (ECONFLICT).
func updateCall(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: call: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return duijie.Errorf(duijie.ECONFLICT, "榜单状态刚刚发生变化，请刷新页面后重试")
	}
	return nil
}

// SetCallDeadline changes the deadline of a call that is still open.
func (db *DB) SetCallDeadline(ctx context.Context, id string, deadline, now time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		return updateCall(ctx, tx, `UPDATE calls SET deadline = ?, updated_at = ? WHERE id = ? AND status = 'open'`,
			day(deadline), stampOf(now), id)
	})
}

// WithdrawCall moves a call from the status it was read in to 已撤销.
func (db *DB) WithdrawCall(ctx context.Context, id string, from duijie.CallStatus, reason string, now time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		return updateCall(ctx, tx, `UPDATE calls SET status = 'withdrawn', reason = ?, updated_at = ? WHERE id = ? AND status = ?`,
			reason, stampOf(now), id, string(from))
	})
}

// AwardCall records the award of a call under review: the introduction
// it becomes (with its timeline and messages) and the call at 已揭榜, in
// one transaction. A zero readAt inserts n; otherwise n is an open
// introduction of the same pair read at readAt, moved on (conditional on
// nobody having changed it since).
func (db *DB) AwardCall(ctx context.Context, callID, proposalID string, n *duijie.Introduction, readAt time.Time, events []duijie.Event, msgs []duijie.Message) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if readAt.IsZero() {
			if err := insertIntro(ctx, tx, n); err != nil {
				return err
			}
		} else if err := updateIntro(ctx, tx, n, readAt); err != nil {
			return err
		}
		if err := updateCall(ctx, tx, `UPDATE calls SET status = 'awarded', award_proposal = ?, award_intro = ?, updated_at = ?
			WHERE id = ? AND status = 'reviewing'`, proposalID, n.ID, stampOf(n.Updated), callID); err != nil {
			return err
		}
		return db.recordTimeline(ctx, tx, events, msgs)
	})
}

// callOpen fails with ECONFLICT unless the call accepts proposals on
// today (征集中, deadline not passed), read inside tx so that a draw or a
// withdrawal in between cannot let a late proposal or file in.
func callOpen(ctx context.Context, tx *sql.Tx, callID string, today time.Time) error {
	var status, deadline string
	err := tx.QueryRowContext(ctx, `SELECT status, deadline FROM calls WHERE id = ?`, callID).Scan(&status, &deadline)
	if err == sql.ErrNoRows {
		return notFound("揭榜挂帅榜单", "")
	}
	if err != nil {
		return fmt.Errorf("sqlite: call %s: %w", callID, err)
	}
	if status != string(duijie.CallOpen) || deadline < day(today) {
		return duijie.Errorf(duijie.ECONFLICT, "榜单已截止征集，不能再提交或修改方案和附件")
	}
	return nil
}
