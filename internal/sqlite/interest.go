package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// CreateInterest validates and stores an interest and the introduction it
// starts (待受理, due for a broker to take up at due), with its first
// timeline entry, in one transaction. A second open interest of the same
// organisation in the same posting is a conflict.
func (db *DB) CreateInterest(ctx context.Context, i *duijie.Interest, due time.Time) error {
	if err := i.Validate(); err != nil {
		return err
	}
	if i.Status == "" {
		i.Status = duijie.InterestQueued
	}
	created := db.now()
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO interests (id, kind, challenge_id, capability_id, org_id, user_id,
			approach, team, months, cost_min, cost_max, message, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			i.ID, string(i.Kind), nullable(i.ChallengeID), nullable(i.CapabilityID), i.OrgID, i.UserID,
			i.Approach, i.Team, i.Months, i.CostMin, i.CostMax, i.Message, string(i.Status), stampOf(created))
		if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return duijie.Errorf(duijie.ECONFLICT, "贵单位已提交过%s，科技局正在处理", i.Kind.Label())
		}
		if err != nil {
			return fmt.Errorf("sqlite: interest: %w", err)
		}
		i.Created = created
		if i.Status != duijie.InterestQueued {
			return nil // only a waiting interest starts an introduction
		}
		n := &duijie.Introduction{ID: introID(i.ID), InterestID: i.ID, ChallengeID: i.ChallengeID, CapabilityID: i.CapabilityID,
			Stage: duijie.StageQueued, Due: due, Created: created, Updated: created}
		var owner string
		if i.Kind == duijie.InterestProposal {
			n.Origin, n.InstOrgID = duijie.OriginProposal, i.OrgID
			err = tx.QueryRowContext(ctx, `SELECT org_id FROM challenges WHERE id = ?`, i.ChallengeID).Scan(&owner)
			n.EntOrgID = owner
		} else {
			n.Origin, n.EntOrgID = duijie.OriginRequest, i.OrgID
			err = tx.QueryRowContext(ctx, `SELECT org_id FROM capabilities WHERE id = ?`, i.CapabilityID).Scan(&owner)
			n.InstOrgID = owner
		}
		if err == sql.ErrNoRows {
			return notFound("对接对象", "")
		}
		if err != nil {
			return fmt.Errorf("sqlite: interest: %w", err)
		}
		if owner == i.OrgID {
			return duijie.Errorf(duijie.ECONFLICT, "不能对本单位发布的内容提交%s", i.Kind.Label())
		}
		if err := insertIntro(ctx, tx, n); err != nil {
			return err
		}
		return db.recordTimeline(ctx, tx, []duijie.Event{{IntroID: n.ID, At: created, ActorID: i.UserID, Kind: duijie.EventCreated,
			To: duijie.StageQueued}}, nil)
	})
}

// InterestFilter selects interests; empty fields do not filter.
type InterestFilter struct {
	OrgID        string // the asking organisation
	TargetOrgID  string // the organisation whose posting was asked about
	ChallengeID  string
	CapabilityID string
	Status       duijie.InterestStatus
	Limit        int
	Offset       int
}

// Interests lists interests, newest first, and how many match in all.
func (db *DB) Interests(ctx context.Context, f InterestFilter) ([]duijie.Interest, int, error) {
	where := `WHERE (?1 = '' OR i.org_id = ?1) AND (?2 = '' OR COALESCE(ch.org_id, cp.org_id) = ?2)
		AND (?3 = '' OR i.challenge_id = ?3) AND (?4 = '' OR i.capability_id = ?4) AND (?5 = '' OR i.status = ?5)`
	from := ` FROM interests i JOIN organizations o ON o.id = i.org_id
		LEFT JOIN challenges ch ON ch.id = i.challenge_id LEFT JOIN capabilities cp ON cp.id = i.capability_id `
	args := []any{f.OrgID, f.TargetOrgID, f.ChallengeID, f.CapabilityID, string(f.Status)}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+from+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqlite: interests: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := db.r.QueryContext(ctx, `SELECT i.id, i.kind, COALESCE(i.challenge_id, ''), COALESCE(i.capability_id, ''),
		COALESCE(ch.title, cp.title, ''), i.org_id, o.name, i.user_id, i.approach, i.team, i.months, i.cost_min, i.cost_max,
		i.message, i.status, i.created_at`+from+where+` ORDER BY i.created_at DESC, i.id LIMIT ?6 OFFSET ?7`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: interests: %w", err)
	}
	defer rows.Close()
	var out []duijie.Interest
	for rows.Next() {
		var i duijie.Interest
		var kind, status, created string
		if err := rows.Scan(&i.ID, &kind, &i.ChallengeID, &i.CapabilityID, &i.TargetTitle, &i.OrgID, &i.OrgName, &i.UserID,
			&i.Approach, &i.Team, &i.Months, &i.CostMin, &i.CostMax, &i.Message, &status, &created); err != nil {
			return nil, 0, err
		}
		i.Kind, i.Status = duijie.InterestKind(kind), duijie.InterestStatus(status)
		i.Created, _ = time.Parse(time.RFC3339Nano, created)
		out = append(out, i)
	}
	return out, total, rows.Err()
}

// Invited reports whether the bureau invited org to read a challenge in full.
func (db *DB) Invited(ctx context.Context, challengeID, orgID string) (bool, error) {
	if orgID == "" {
		return false, nil
	}
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM invitations WHERE challenge_id = ? AND org_id = ?`, challengeID, orgID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sqlite: invitations: %w", err)
	}
	return n > 0, nil
}

// PostingsOf lists the ids of an organisation's postings of a type,
// newest first.
func (db *DB) PostingsOf(ctx context.Context, docType, orgID string) ([]string, error) {
	table, err := postingTable(docType)
	if err != nil {
		return nil, err
	}
	return db.queryIDs(ctx, `SELECT id FROM `+table+` WHERE org_id = ? ORDER BY updated_at DESC, id`, orgID)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
