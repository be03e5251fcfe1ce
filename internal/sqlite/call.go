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

// Calls (揭榜挂帅), their proposals and attachments, panels and reviews.

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

// CreatePanel records a call's panel and moves the call from 征集中 to
// 评审中, in one transaction; a second draw is a conflict.
func (db *DB) CreatePanel(ctx context.Context, p *duijie.Panel) error {
	cands, _ := json.Marshal(nonNil(p.Candidates))
	members, _ := json.Marshal(nonNil(p.Members))
	excluded := p.Excluded
	if excluded == nil {
		excluded = []duijie.Exclusion{}
	}
	ex, _ := json.Marshal(excluded)
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := updateCall(ctx, tx, `UPDATE calls SET status = 'reviewing', updated_at = ? WHERE id = ? AND status = 'open'`,
			stampOf(p.DrawnAt), p.CallID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO panels (call_id, seed, size, candidates, excluded, members, drawn_by, drawn_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.CallID, p.Seed, p.Size, string(cands), string(ex), string(members), p.DrawnBy,
			stampOf(p.DrawnAt))
		if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return duijie.Errorf(duijie.ECONFLICT, "这份榜单的评审专家已经抽取过")
		}
		if err != nil {
			return fmt.Errorf("sqlite: panel: %w", err)
		}
		return nil
	})
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// Panel loads a call's panel (ENOTFOUND before the draw).
func (db *DB) Panel(ctx context.Context, callID string) (*duijie.Panel, error) {
	var p duijie.Panel
	var cands, ex, members, at string
	err := db.r.QueryRowContext(ctx, `SELECT call_id, seed, size, candidates, excluded, members, drawn_by, drawn_at
		FROM panels WHERE call_id = ?`, callID).Scan(&p.CallID, &p.Seed, &p.Size, &cands, &ex, &members, &p.DrawnBy, &at)
	if err == sql.ErrNoRows {
		return nil, notFound("评审专家组", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: panel %s: %w", callID, err)
	}
	p.DrawnAt = parseStamp(at)
	for _, x := range []struct {
		s string
		v any
	}{{cands, &p.Candidates}, {ex, &p.Excluded}, {members, &p.Members}} {
		if err := json.Unmarshal([]byte(x.s), x.v); err != nil {
			return nil, fmt.Errorf("sqlite: panel %s: %w", callID, err)
		}
	}
	rows, err := db.r.QueryContext(ctx, `SELECT call_id, expert_id, replacement, reason, actor_id, at FROM panel_changes
		WHERE call_id = ? ORDER BY id`, callID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: panel %s: %w", callID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c duijie.PanelChange
		var at string
		if err := rows.Scan(&c.CallID, &c.ExpertID, &c.Replacement, &c.Reason, &c.ActorID, &at); err != nil {
			return nil, err
		}
		c.At = parseStamp(at)
		p.Changes = append(p.Changes, c)
	}
	return &p, rows.Err()
}

// AddPanelChange records a recusal if the panel has exactly the changes
// it was read with (seen) and the call is under review; otherwise
// somebody changed it meanwhile (ECONFLICT).
func (db *DB) AddPanelChange(ctx context.Context, c duijie.PanelChange, seen int) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var n int
		var status string
		err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM panel_changes WHERE call_id = ?), status FROM calls WHERE id = ?`,
			c.CallID, c.CallID).Scan(&n, &status)
		if err != nil {
			return fmt.Errorf("sqlite: panel change: %w", err)
		}
		if n != seen || status != string(duijie.CallReviewing) {
			return duijie.Errorf(duijie.ECONFLICT, "评审专家组刚刚发生变化，请刷新页面后重试")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO panel_changes (call_id, expert_id, replacement, reason, actor_id, at)
			VALUES (?, ?, ?, ?, ?, ?)`, c.CallID, c.ExpertID, c.Replacement, c.Reason, c.ActorID, stampOf(c.At))
		if err != nil {
			return fmt.Errorf("sqlite: panel change: %w", err)
		}
		return nil
	})
}

// PanelCalls lists the ids of the calls on whose panel the expert sits
// (drawn or a replacement, and not stood down), newest draw first.
func (db *DB) PanelCalls(ctx context.Context, expertID string) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT p.call_id FROM panels p WHERE
		(EXISTS (SELECT 1 FROM json_each(p.members) m WHERE m.value = ?)
			OR EXISTS (SELECT 1 FROM panel_changes c WHERE c.call_id = p.call_id AND c.replacement = ?))
		AND NOT EXISTS (SELECT 1 FROM panel_changes c WHERE c.call_id = p.call_id AND c.expert_id = ?)
		ORDER BY p.drawn_at DESC`, expertID, expertID, expertID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: panels: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SaveReview stores an expert's review of a proposal, replacing an
// earlier one, if the call is still under review and the expert sits on
// its panel (drawn or a replacement, not recused), both read in the
// writing transaction: a recusal that came in between refuses the review
// (ENOTFOUND, as for anyone not on the panel).
func (db *DB) SaveReview(ctx context.Context, r *duijie.Review) error {
	scores, _ := json.Marshal(r.Scores)
	return db.write(ctx, func(tx *sql.Tx) error {
		var status, callID, members string
		err := tx.QueryRowContext(ctx, `SELECT k.status, k.id, COALESCE(pn.members, '[]') FROM proposals p JOIN calls k ON k.id = p.call_id
			LEFT JOIN panels pn ON pn.call_id = k.id WHERE p.id = ?`, r.ProposalID).Scan(&status, &callID, &members)
		if err == sql.ErrNoRows {
			return notFound("揭榜方案", "")
		}
		if err != nil {
			return fmt.Errorf("sqlite: review: %w", err)
		}
		if status != string(duijie.CallReviewing) {
			return duijie.Errorf(duijie.ECONFLICT, "评审已结束，不能再修改评分")
		}
		panel := duijie.Panel{CallID: callID}
		if err := json.Unmarshal([]byte(members), &panel.Members); err != nil {
			return fmt.Errorf("sqlite: review: panel of %s: %w", callID, err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT expert_id, replacement FROM panel_changes WHERE call_id = ? ORDER BY id`, callID)
		if err != nil {
			return fmt.Errorf("sqlite: review: %w", err)
		}
		for rows.Next() {
			var c duijie.PanelChange
			if err := rows.Scan(&c.ExpertID, &c.Replacement); err != nil {
				rows.Close()
				return fmt.Errorf("sqlite: review: %w", err)
			}
			panel.Changes = append(panel.Changes, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlite: review: %w", err)
		}
		onPanel := false
		for _, m := range panel.Effective() {
			onPanel = onPanel || m == r.ExpertID
		}
		if !onPanel {
			return duijie.Errorf(duijie.ENOTFOUND, "不是本榜单的评审专家")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO reviews (proposal_id, expert_id, scores, comment, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (proposal_id, expert_id) DO UPDATE SET scores = excluded.scores, comment = excluded.comment,
			updated_at = excluded.updated_at`, r.ProposalID, r.ExpertID, string(scores), r.Comment, stampOf(r.Updated))
		if err != nil {
			return fmt.Errorf("sqlite: review: %w", err)
		}
		return nil
	})
}

// ReviewFilter selects reviews: of one call, or of one expert.
type ReviewFilter struct {
	CallID   string
	ExpertID string
}

// Reviews lists reviews with the call of each.
func (db *DB) Reviews(ctx context.Context, f ReviewFilter) ([]duijie.Review, error) {
	where, arg := "p.call_id = ?", f.CallID
	if f.ExpertID != "" {
		where, arg = "r.expert_id = ?", f.ExpertID
	}
	rows, err := db.r.QueryContext(ctx, `SELECT p.call_id, r.proposal_id, r.expert_id, e.name, r.scores, r.comment, r.updated_at
		FROM reviews r JOIN proposals p ON p.id = r.proposal_id JOIN experts e ON e.id = r.expert_id
		WHERE `+where+` ORDER BY r.updated_at, r.proposal_id, r.expert_id`, arg)
	if err != nil {
		return nil, fmt.Errorf("sqlite: reviews: %w", err)
	}
	defer rows.Close()
	var out []duijie.Review
	for rows.Next() {
		var r duijie.Review
		var scores, updated string
		if err := rows.Scan(&r.CallID, &r.ProposalID, &r.ExpertID, &r.ExpertName, &scores, &r.Comment, &updated); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(scores), &r.Scores); err != nil {
			return nil, fmt.Errorf("sqlite: review scores: %w", err)
		}
		r.Updated = parseStamp(updated)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Cooperation is a recorded co-operation between two organisations: an
// introduction that reached 双方确认 or a technology contract.
type Cooperation struct {
	OrgA, OrgB string // as stored (either order)
	Kind       string // "introduction" or "contract"
	Ref        string // its id
	At         time.Time
}

// Cooperations lists the co-operations since the given time that involve
// any of orgs: introductions that reached 双方确认 (whatever their stage
// now) last changed since then, and contracts signed since then (the
// sides of a contract from its introduction when not stored on it).
func (db *DB) Cooperations(ctx context.Context, orgs []string, since time.Time) ([]Cooperation, error) {
	return db.CooperationsUntil(ctx, orgs, since, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
}

// CooperationsUntil is Cooperations as they stood at until: introductions
// that had reached 双方确认 by then (the first such step of their timeline,
// or their creation when they have none) and contracts signed by then, so
// that a replay of a draw does not see co-operations that began after it.
func (db *DB) CooperationsUntil(ctx context.Context, orgs []string, since, until time.Time) ([]Cooperation, error) {
	if len(orgs) == 0 {
		return nil, nil
	}
	qs := strings.TrimSuffix(strings.Repeat("?, ", len(orgs)), ", ")
	var args []any
	for _, o := range orgs {
		args = append(args, o)
	}
	var all []any
	all = append(all, stampOf(since))
	all = append(all, args...)
	all = append(all, args...)
	all = append(all, stampOf(until))
	all = append(all, day(since))
	all = append(all, args...)
	all = append(all, args...)
	all = append(all, day(until))
	rows, err := db.r.QueryContext(ctx, `
		SELECT n.ent_org_id, n.inst_org_id, 'introduction', n.id, n.updated_at FROM introductions n
		WHERE n.updated_at >= ? AND (n.ent_org_id IN (`+qs+`) OR n.inst_org_id IN (`+qs+`))
			AND (n.stage IN ('confirmed', 'negotiating', 'signed', 'registered')
				OR EXISTS (SELECT 1 FROM intro_events e WHERE e.intro_id = n.id AND e.to_stage = 'confirmed'))
			AND COALESCE((SELECT min(e.at) FROM intro_events e WHERE e.intro_id = n.id AND e.to_stage = 'confirmed'), n.created_at) <= ?
		UNION ALL
		SELECT COALESCE(c.buyer_org_id, n.ent_org_id, ''), COALESCE(c.seller_org_id, n.inst_org_id, ''), 'contract', c.id, c.signed_on
		FROM contracts c LEFT JOIN introductions n ON n.id = c.intro_id
		WHERE c.signed_on >= ? AND (COALESCE(c.buyer_org_id, n.ent_org_id) IN (`+qs+`) OR COALESCE(c.seller_org_id, n.inst_org_id) IN (`+qs+`))
			AND c.signed_on <= ?
		ORDER BY 3, 4`, all...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: cooperations: %w", err)
	}
	defer rows.Close()
	var out []Cooperation
	for rows.Next() {
		var c Cooperation
		var at string
		if err := rows.Scan(&c.OrgA, &c.OrgB, &c.Kind, &c.Ref, &at); err != nil {
			return nil, err
		}
		if c.At = parseStamp(at); c.At.IsZero() {
			c.At = duijie.ParseDate(at)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
