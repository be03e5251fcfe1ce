package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// The expert pool (评审专家库) and its status history.

const expertColumns = `e.id, COALESCE(e.user_id, ''), e.username, e.name, e.industry, e.field, e.title, COALESCE(e.org_id, ''),
	e.org_name, e.phone, e.email, e.status, e.reason, e.created_at, e.updated_at`

func scanExpert(sc interface{ Scan(...any) error }) (duijie.Expert, error) {
	var e duijie.Expert
	var industry, status, created, updated string
	err := sc.Scan(&e.ID, &e.UserID, &e.Username, &e.Name, &industry, &e.Field, &e.Title, &e.OrgID, &e.OrgName, &e.Phone,
		&e.Email, &status, &e.Reason, &created, &updated)
	e.Industry, e.Status, e.Created, e.Updated = duijie.Industry(industry), duijie.ExpertStatus(status), parseStamp(created), parseStamp(updated)
	return e, err
}

func insertExpertEvent(ctx context.Context, tx *sql.Tx, ev duijie.ExpertEvent) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO expert_events (expert_id, at, actor_id, from_st, to_st, note) VALUES (?, ?, ?, ?, ?, ?)`,
		ev.ExpertID, stampOf(ev.At), ev.ActorID, string(ev.From), string(ev.To), ev.Note)
	if err != nil {
		return fmt.Errorf("sqlite: expert history: %w", err)
	}
	return nil
}

// CreateExpert stores an application to the pool with its first history
// entry. A username already taken by an account or by another live
// application is a conflict.
func (db *DB) CreateExpert(ctx context.Context, e *duijie.Expert) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM users WHERE username = ?) +
			(SELECT count(*) FROM experts WHERE username = ? AND status IN ('applied', 'active'))`, e.Username, e.Username).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: expert: %w", err)
		}
		if n > 0 {
			return &duijie.Error{Code: duijie.ECONFLICT, Message: "用户名已被使用",
				Fields: map[string]string{"username": "用户名 " + e.Username + " 已被使用，请换一个"}}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO experts (id, username, name, industry, field, title, org_id, org_name, phone,
			email, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.Username, e.Name, string(e.Industry), e.Field, e.Title, nullable(e.OrgID), e.OrgName, e.Phone, e.Email,
			string(e.Status), stampOf(e.Created), stampOf(e.Updated))
		if err != nil {
			return fmt.Errorf("sqlite: expert: %w", err)
		}
		return insertExpertEvent(ctx, tx, duijie.ExpertEvent{ExpertID: e.ID, At: e.Created, To: e.Status})
	})
}

// Expert loads one expert.
func (db *DB) Expert(ctx context.Context, id string) (*duijie.Expert, error) {
	e, err := scanExpert(db.r.QueryRowContext(ctx, `SELECT `+expertColumns+` FROM experts e WHERE e.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("专家", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: expert %s: %w", id, err)
	}
	return &e, nil
}

// ExpertOfUser loads the expert whose account is userID.
func (db *DB) ExpertOfUser(ctx context.Context, userID string) (*duijie.Expert, error) {
	e, err := scanExpert(db.r.QueryRowContext(ctx, `SELECT `+expertColumns+` FROM experts e WHERE e.user_id = ?`, userID))
	if err == sql.ErrNoRows {
		return nil, notFound("专家", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: expert of %s: %w", userID, err)
	}
	return &e, nil
}

// ExpertFilter selects experts; zero fields do not filter.
type ExpertFilter struct {
	Status   duijie.ExpertStatus
	Industry duijie.Industry
	IDs      []string
	// ActiveAt: the experts 在库 at that time by their status history
	// (the last step at or before it), whatever they are now: the pool a
	// draw at that time saw.
	ActiveAt time.Time
}

// Experts lists experts by id (the order the draw starts from).
func (db *DB) Experts(ctx context.Context, f ExpertFilter) ([]duijie.Expert, error) {
	var conds []string
	var args []any
	if f.Status != "" {
		conds, args = append(conds, "e.status = ?"), append(args, string(f.Status))
	}
	if !f.ActiveAt.IsZero() {
		conds = append(conds, `(SELECT ev.to_st FROM expert_events ev WHERE ev.expert_id = e.id AND ev.at <= ?
			ORDER BY ev.at DESC, ev.id DESC LIMIT 1) = 'active'`)
		args = append(args, stampOf(f.ActiveAt))
	}
	if f.Industry != "" {
		conds, args = append(conds, "e.industry = ?"), append(args, string(f.Industry))
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		conds = append(conds, "e.id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.IDs)), ", ")+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+expertColumns+` FROM experts e`+where+` ORDER BY e.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: experts: %w", err)
	}
	defer rows.Close()
	var out []duijie.Expert
	for rows.Next() {
		e, err := scanExpert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ExpertEvents is an expert's status history, oldest first.
func (db *DB) ExpertEvents(ctx context.Context, id string) ([]duijie.ExpertEvent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT ev.expert_id, ev.at, ev.actor_id, COALESCE(NULLIF(u.display_name, ''), u.username, ''),
		ev.from_st, ev.to_st, ev.note FROM expert_events ev LEFT JOIN users u ON u.id = ev.actor_id
		WHERE ev.expert_id = ? ORDER BY ev.id`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: expert history: %w", err)
	}
	defer rows.Close()
	var out []duijie.ExpertEvent
	for rows.Next() {
		var ev duijie.ExpertEvent
		var at, from, to string
		if err := rows.Scan(&ev.ExpertID, &at, &ev.ActorID, &ev.Actor, &from, &to, &ev.Note); err != nil {
			return nil, err
		}
		ev.At, ev.From, ev.To = parseStamp(at), duijie.ExpertStatus(from), duijie.ExpertStatus(to)
		out = append(out, ev)
	}
	return out, rows.Err()
}

func moveExpert(ctx context.Context, tx *sql.Tx, ev duijie.ExpertEvent, userID string) error {
	res, err := tx.ExecContext(ctx, `UPDATE experts SET status = ?, reason = ?, user_id = COALESCE(?, user_id), updated_at = ?
		WHERE id = ? AND status = ?`, string(ev.To), ev.Note, nullable(userID), stampOf(ev.At), ev.ExpertID, string(ev.From))
	if err != nil {
		return fmt.Errorf("sqlite: expert %s: %w", ev.ExpertID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return duijie.Errorf(duijie.ECONFLICT, "该专家的状态刚刚发生变化，请刷新页面后重试")
	}
	return insertExpertEvent(ctx, tx, ev)
}

// AdmitExpert takes an applicant into the pool (入库): the account u with
// an issued password that must be changed, the expert at 在库, and the
// history entry, in one transaction.
func (db *DB) AdmitExpert(ctx context.Context, ev duijie.ExpertEvent, u *duijie.User, passwordHash string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := db.insertUser(ctx, tx, u, passwordHash, true); err != nil {
			return err
		}
		return moveExpert(ctx, tx, ev, u.ID)
	})
}

// MoveExpert changes an expert's status (退回, 淘汰) with the history
// entry; when userID is not empty that account is disabled and its
// sessions and tokens end, in the same transaction.
func (db *DB) MoveExpert(ctx context.Context, ev duijie.ExpertEvent, disableUser string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := moveExpert(ctx, tx, ev, ""); err != nil {
			return err
		}
		if disableUser == "" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = 1 WHERE id = ?`, disableUser); err != nil {
			return fmt.Errorf("sqlite: user %s: %w", disableUser, err)
		}
		return endAccess(ctx, tx, disableUser)
	})
}
