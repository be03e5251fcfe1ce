package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"duijie/internal/duijie"
)

// Invite lets an organisation read a 摘要公开 challenge in full; inviting
// twice is not an error.
func (db *DB) Invite(ctx context.Context, challengeID, orgID, by string, msgs []duijie.Message) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO invitations (challenge_id, org_id, created_at, invited_by) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, challengeID, orgID, db.stamp(), by)
		if err != nil {
			return fmt.Errorf("sqlite: invitation: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil // already invited: no second message
		}
		return insertMessages(ctx, tx, msgs)
	})
}

// Uninvite withdraws an invitation.
func (db *DB) Uninvite(ctx context.Context, challengeID, orgID string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM invitations WHERE challenge_id = ? AND org_id = ?`, challengeID, orgID)
		if err != nil {
			return fmt.Errorf("sqlite: invitation: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return notFound("邀请", "")
		}
		return nil
	})
}

// Invitation is an organisation invited to read a challenge in full.
type Invitation struct {
	ChallengeID string
	OrgID       string
	OrgName     string
	InvitedBy   string
	Created     time.Time
}

// Invitations lists who was invited to read a challenge.
func (db *DB) Invitations(ctx context.Context, challengeID string) ([]Invitation, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT i.challenge_id, i.org_id, o.name, COALESCE(NULLIF(u.display_name, ''), u.username, ''),
		i.created_at FROM invitations i JOIN organizations o ON o.id = i.org_id LEFT JOIN users u ON u.id = i.invited_by
		WHERE i.challenge_id = ? ORDER BY i.created_at`, challengeID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: invitations: %w", err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var v Invitation
		var created string
		if err := rows.Scan(&v.ChallengeID, &v.OrgID, &v.OrgName, &v.InvitedBy, &created); err != nil {
			return nil, err
		}
		v.Created = parseStamp(created)
		out = append(out, v)
	}
	return out, rows.Err()
}

// BrokerScope is what a broker handles: the lead assigns to others; a
// broker scoped to counties sees those counties' introductions in the
// shared views.
type BrokerScope struct {
	Lead     bool
	Counties []string
}

// BrokerScope loads a broker's scope; a disabled broker is not found.
func (db *DB) BrokerScope(ctx context.Context, userID string) (BrokerScope, error) {
	var s BrokerScope
	var lead int
	var counties string
	err := db.r.QueryRowContext(ctx, `SELECT lead, counties FROM users WHERE id = ? AND role = 'broker' AND disabled = 0`, userID).Scan(&lead, &counties)
	if err == sql.ErrNoRows {
		return s, notFound("技术经纪人", "")
	}
	if err != nil {
		return s, fmt.Errorf("sqlite: broker scope: %w", err)
	}
	s.Lead = lead != 0
	json.Unmarshal([]byte(counties), &s.Counties)
	return s, nil
}

// SetBrokerScope sets a broker's scope.
func (db *DB) SetBrokerScope(ctx context.Context, userID string, s BrokerScope) error {
	if s.Counties == nil {
		s.Counties = []string{}
	}
	b, _ := json.Marshal(s.Counties)
	lead := 0
	if s.Lead {
		lead = 1
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET lead = ?, counties = ? WHERE id = ? AND role = 'broker'`, lead, string(b), userID)
		if err != nil {
			return fmt.Errorf("sqlite: broker scope: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return notFound("技术经纪人", "")
		}
		return nil
	})
}

// Brokers lists the brokers who may work (not disabled), for assignment.
func (db *DB) Brokers(ctx context.Context) ([]duijie.User, error) {
	return db.queryUsers(ctx, `SELECT `+userColumns+` FROM users WHERE role = 'broker' AND disabled = 0 ORDER BY username`)
}
