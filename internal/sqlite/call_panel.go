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

// Panels drawn for calls, their reviews, and the co-operations the draw
// excludes on.

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
