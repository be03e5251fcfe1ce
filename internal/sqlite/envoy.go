package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// The store's side of 科技特派员 (internal/envoys): assignments and the
// challenges envoys draft on behalf of enterprises. Visits are in visit.go.

// Envoys lists the users of the envoy role, by username.
func (db *DB) Envoys(ctx context.Context) ([]duijie.User, error) {
	return db.queryUsers(ctx, `SELECT `+userColumns+` FROM users WHERE role = 'envoy' ORDER BY username`)
}

const assignmentColumns = `a.id, a.envoy_id, COALESCE(NULLIF(u.display_name, ''), u.username), COALESCE(a.org_id, ''),
	COALESCE(o.name, ''), a.village, COALESCE(NULLIF(a.region, ''), o.region, ''), a.since, a.until, a.assigned_by, a.created_at`

const assignmentFrom = ` FROM envoy_assignments a JOIN users u ON u.id = a.envoy_id
	LEFT JOIN organizations o ON o.id = a.org_id `

func scanAssignment(sc interface{ Scan(...any) error }) (duijie.Assignment, error) {
	var a duijie.Assignment
	var region, since, until, created string
	err := sc.Scan(&a.ID, &a.EnvoyID, &a.EnvoyName, &a.OrgID, &a.OrgName, &a.Village, &region, &since, &until,
		&a.AssignedBy, &created)
	a.Region, a.Since, a.Until, a.Created = duijie.Region(region), duijie.ParseDate(since), duijie.ParseDate(until), parseStamp(created)
	return a, err
}

// CreateAssignment stores a new assignment; a second open assignment of
// the same envoy to the same place is a conflict.
func (db *DB) CreateAssignment(ctx context.Context, a *duijie.Assignment) error {
	region := ""
	if a.OrgID == "" {
		region = string(a.Region)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO envoy_assignments (id, envoy_id, org_id, village, region, since, until,
			assigned_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.EnvoyID, nullable(a.OrgID), a.Village, region,
			day(a.Since), day(a.Until), a.AssignedBy, stampOf(a.Created))
		if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return duijie.Errorf(duijie.ECONFLICT, "这位科技特派员已在服务该企业或村，无需重复派驻")
		}
		if err != nil {
			return fmt.Errorf("sqlite: assignment: %w", err)
		}
		return nil
	})
}

// EndAssignment ends an open assignment on until (a date), recording who
// ended it; an assignment already ended is a conflict.
func (db *DB) EndAssignment(ctx context.Context, id, until, by string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE envoy_assignments SET until = max(?, since), ended_by = ? WHERE id = ? AND until = ''`,
			until, by, id)
		if err != nil {
			return fmt.Errorf("sqlite: assignment %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM envoy_assignments WHERE id = ?`, id).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return notFound("派驻", "")
			}
			return duijie.Errorf(duijie.ECONFLICT, "该派驻已经结束")
		}
		return nil
	})
}

// Assignment loads one assignment.
func (db *DB) Assignment(ctx context.Context, id string) (*duijie.Assignment, error) {
	a, err := scanAssignment(db.r.QueryRowContext(ctx, `SELECT `+assignmentColumns+assignmentFrom+`WHERE a.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("派驻", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: assignment %s: %w", id, err)
	}
	return &a, nil
}

// AssignmentFilter selects assignments; zero fields do not filter.
type AssignmentFilter struct {
	EnvoyID  string
	OrgID    string
	Open     bool     // not ended
	Counties []string // the place's region
}

// Assignments lists assignments, open ones first, then by envoy and
// newest start.
func (db *DB) Assignments(ctx context.Context, f AssignmentFilter) ([]duijie.Assignment, error) {
	var conds []string
	var args []any
	if f.EnvoyID != "" {
		conds, args = append(conds, "a.envoy_id = ?"), append(args, f.EnvoyID)
	}
	if f.OrgID != "" {
		conds, args = append(conds, "a.org_id = ?"), append(args, f.OrgID)
	}
	if f.Open {
		conds = append(conds, "a.until = ''")
	}
	where := "WHERE 1"
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	cond, cargs := ReportScope{Counties: f.Counties}.county("COALESCE(NULLIF(a.region, ''), o.region, '')")
	rows, err := db.r.QueryContext(ctx, `SELECT `+assignmentColumns+assignmentFrom+where+cond+`
		ORDER BY a.until != '', u.username, a.since DESC, a.id LIMIT 2000`, append(args, cargs...)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: assignments: %w", err)
	}
	defer rows.Close()
	var out []duijie.Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// originState is the state of a challenge_origins row o of challenge ch:
// a draft the enterprise published through its own form counts as
// confirmed by it.
const originState = `CASE WHEN o.returned_at != '' THEN 'returned'
	WHEN o.confirmed_at != '' OR ch.posted != '' THEN 'confirmed' ELSE 'awaiting' END`

const originColumns = `o.challenge_id, ch.title, ch.status, ch.org_id, eo.name, o.envoy_id,
	COALESCE(NULLIF(u.display_name, ''), u.username), o.visit_id, o.created_at, ` + originState + `,
	o.confirmed_at, o.confirmed_by, o.returned_at, o.return_note`

const originFrom = ` FROM challenge_origins o JOIN challenges ch ON ch.id = o.challenge_id
	JOIN organizations eo ON eo.id = ch.org_id JOIN users u ON u.id = o.envoy_id `

func scanOrigin(sc interface{ Scan(...any) error }) (duijie.ChallengeOrigin, error) {
	var o duijie.ChallengeOrigin
	var status, created, state, confirmed, returned string
	err := sc.Scan(&o.ChallengeID, &o.Title, &status, &o.OrgID, &o.OrgName, &o.EnvoyID, &o.EnvoyName, &o.VisitID, &created,
		&state, &confirmed, &o.ConfirmedBy, &returned, &o.ReturnNote)
	o.Status, o.State, o.Created = duijie.Status(status), duijie.OriginState(state), parseStamp(created)
	o.Confirmed, o.Returned = parseStamp(confirmed), parseStamp(returned)
	return o, err
}

// CreateOnBehalf stores a challenge an envoy drafted (a draft of the
// enterprise, in the outbox like any write), where it came from and the
// messages to the enterprise, in one transaction. The visit must be the
// envoy's at that enterprise, and the envoy must still serve it (an open
// assignment begun by the day of o.Created, China): checked in the same
// transaction, so that an assignment ended meanwhile refuses the draft.
func (db *DB) CreateOnBehalf(ctx context.Context, c *duijie.Challenge, o *duijie.ChallengeOrigin, msgs []duijie.Message) error {
	if err := c.Validate(); err != nil {
		return err
	}
	today := duijie.Today(o.Created).Format(duijie.DateLayout)
	return db.write(ctx, func(tx *sql.Tx) error {
		var serving bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM visits WHERE id = ? AND envoy_id = ? AND org_id = ?)
			AND EXISTS (SELECT 1 FROM envoy_assignments WHERE envoy_id = ? AND org_id = ? AND until = '' AND since <= ?)`,
			o.VisitID, o.EnvoyID, c.OrgID, o.EnvoyID, c.OrgID, today).Scan(&serving); err != nil {
			return fmt.Errorf("sqlite: challenge origin %s: %w", c.ID, err)
		}
		if !serving {
			return duijie.Errorf(duijie.EFORBIDDEN, "您目前未派驻在该企业，不能为其代拟技术需求")
		}
		if err := db.putChallenge(ctx, tx, c); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO challenge_origins (challenge_id, envoy_id, visit_id, created_at) VALUES (?, ?, ?, ?)`,
			c.ID, o.EnvoyID, o.VisitID, stampOf(o.Created))
		if err != nil {
			return fmt.Errorf("sqlite: challenge origin %s: %w", c.ID, err)
		}
		return insertMessages(ctx, tx, msgs)
	})
}

// ChallengeOrigin loads where a challenge came from; a challenge no envoy
// drafted is not found.
func (db *DB) ChallengeOrigin(ctx context.Context, challengeID string) (*duijie.ChallengeOrigin, error) {
	o, err := scanOrigin(db.r.QueryRowContext(ctx, `SELECT `+originColumns+originFrom+`WHERE o.challenge_id = ?`, challengeID))
	if err == sql.ErrNoRows {
		return nil, notFound("特派员代拟的需求", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: challenge origin %s: %w", challengeID, err)
	}
	return &o, nil
}

// OriginFilter selects challenges drafted by envoys; zero fields do not
// filter.
type OriginFilter struct {
	EnvoyID string
	OrgID   string // the enterprise's
	VisitID string
	State   duijie.OriginState
}

// ChallengeOrigins lists challenges drafted by envoys, newest first.
func (db *DB) ChallengeOrigins(ctx context.Context, f OriginFilter) ([]duijie.ChallengeOrigin, error) {
	conds, args := []string{"1"}, []any{}
	if f.EnvoyID != "" {
		conds, args = append(conds, "o.envoy_id = ?"), append(args, f.EnvoyID)
	}
	if f.OrgID != "" {
		conds, args = append(conds, "ch.org_id = ?"), append(args, f.OrgID)
	}
	if f.VisitID != "" {
		conds, args = append(conds, "o.visit_id = ?"), append(args, f.VisitID)
	}
	if f.State != "" {
		conds, args = append(conds, "("+originState+") = ?"), append(args, string(f.State))
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+originColumns+originFrom+`WHERE `+strings.Join(conds, " AND ")+`
		ORDER BY o.created_at DESC, o.challenge_id LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: challenge origins: %w", err)
	}
	defer rows.Close()
	var out []duijie.ChallengeOrigin
	for rows.Next() {
		o, err := scanOrigin(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ConfirmOnBehalf is the enterprise's confirmation of a challenge an envoy
// drafted: the origin is marked confirmed by userID at at and the draft is
// published on that day (China), with the outbox row and the messages, in
// one transaction. A challenge already confirmed, returned or no longer a
// draft is a conflict, and so is a deadline before that day; an
// enterprise whose registration is not approved is refused. Both are
// checked in the transaction, so that a registration suspended or a
// deadline edited meanwhile cannot slip through.
func (db *DB) ConfirmOnBehalf(ctx context.Context, challengeID, orgID, userID string, at time.Time, msgs []duijie.Message) error {
	posted := duijie.Today(at).Format(duijie.DateLayout)
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := decideOrigin(ctx, tx, challengeID, `confirmed_at = ?, confirmed_by = ?`, stampOf(at), userID); err != nil {
			return err
		}
		var orgStatus, deadline string
		err := tx.QueryRowContext(ctx, `SELECT o.status, ch.deadline FROM challenges ch JOIN organizations o ON o.id = ch.org_id
			WHERE ch.id = ? AND ch.org_id = ?`, challengeID, orgID).Scan(&orgStatus, &deadline)
		if err == sql.ErrNoRows {
			return notFound("特派员代拟的需求", "")
		}
		if err != nil {
			return fmt.Errorf("sqlite: challenge %s: %w", challengeID, err)
		}
		if orgStatus != string(duijie.OrgApproved) {
			return duijie.Errorf(duijie.EFORBIDDEN, "贵单位的注册尚未通过科技局审核，审核通过后才能发布")
		}
		if deadline != "" && deadline < posted {
			return duijie.Errorf(duijie.ECONFLICT, "截止日期已过，请先编辑需求、修改截止日期后再确认")
		}
		if err := fromDraft(ctx, tx, challengeID, orgID, `status = 'published', posted = CASE WHEN posted = '' THEN ? ELSE posted END,
			close_reason = '', close_note = '', updated_at = ?`, posted, db.stamp()); err != nil {
			return err
		}
		if err := db.enqueue(ctx, tx, "challenge", challengeID); err != nil {
			return err
		}
		return insertMessages(ctx, tx, msgs)
	})
}

// ReturnOnBehalf is the enterprise's 退回 of a challenge an envoy drafted:
// the origin is marked returned with the note and the draft is closed
// (reason 其他, the note kept), in one transaction.
func (db *DB) ReturnOnBehalf(ctx context.Context, challengeID, orgID, userID, note string, at time.Time, msgs []duijie.Message) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := decideOrigin(ctx, tx, challengeID, `returned_at = ?, returned_by = ?, return_note = ?`, stampOf(at), userID, note); err != nil {
			return err
		}
		if err := fromDraft(ctx, tx, challengeID, orgID, `status = 'closed', close_reason = ?, close_note = ?, updated_at = ?`,
			string(duijie.CloseOther), "企业退回特派员代拟的需求："+note, db.stamp()); err != nil {
			return err
		}
		if err := db.enqueue(ctx, tx, "challenge", challengeID); err != nil {
			return err
		}
		return insertMessages(ctx, tx, msgs)
	})
}

func decideOrigin(ctx context.Context, tx *sql.Tx, challengeID, set string, args ...any) error {
	res, err := tx.ExecContext(ctx, `UPDATE challenge_origins SET `+set+` WHERE challenge_id = ? AND confirmed_at = '' AND returned_at = ''`,
		append(args, challengeID)...)
	if err != nil {
		return fmt.Errorf("sqlite: challenge origin %s: %w", challengeID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return duijie.Errorf(duijie.ECONFLICT, "这条需求已经确认或退回过了")
	}
	return nil
}

func fromDraft(ctx context.Context, tx *sql.Tx, challengeID, orgID, set string, args ...any) error {
	res, err := tx.ExecContext(ctx, `UPDATE challenges SET `+set+` WHERE id = ? AND org_id = ? AND status = 'draft'`,
		append(args, challengeID, orgID)...)
	if err != nil {
		return fmt.Errorf("sqlite: challenge %s: %w", challengeID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return duijie.Errorf(duijie.ECONFLICT, "这条需求已不是草稿（可能已由贵单位直接发布），无需再确认")
	}
	return nil
}
