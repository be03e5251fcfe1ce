package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// CreateUser stores a new user with a password hash (see internal/auth).
// mustChange asks the user to replace an issued password at sign-in.
func (db *DB) CreateUser(ctx context.Context, u *duijie.User, passwordHash string) error {
	return db.write(ctx, func(tx *sql.Tx) error { return db.insertUser(ctx, tx, u, passwordHash, u.MustChange) })
}

func (db *DB) insertUser(ctx context.Context, tx *sql.Tx, u *duijie.User, passwordHash string, mustChange bool) error {
	if u.Role.Label() == "" {
		return duijie.Errorf(duijie.EINVALID, "未知的角色：%s", u.Role)
	}
	if !duijie.ValidUsername(u.Username) {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容",
			Fields: map[string]string{"username": "用户名应为 3–32 位字母、数字或 . _ -，以字母开头"}}
	}
	var org any
	if u.OrgID != "" {
		org = u.OrgID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO users (id, org_id, username, display_name, role, password_hash, must_change, phone, email, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, org, u.Username, u.DisplayName, string(u.Role), passwordHash, mustChange,
		u.Phone, u.Email, db.stamp())
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed: users.username") {
		return &duijie.Error{Code: duijie.ECONFLICT, Message: "用户名已被使用",
			Fields: map[string]string{"username": "用户名 " + u.Username + " 已被使用"}}
	}
	if err != nil {
		return fmt.Errorf("sqlite: user %s: %w", u.Username, err)
	}
	return nil
}

const userColumns = `id, org_id, username, display_name, role, password_hash, locked_until, must_change, phone, email, disabled`

func scanUser(row interface{ Scan(...any) error }) (*duijie.User, string, error) {
	var u duijie.User
	var org sql.NullString
	var role, hash, locked string
	if err := row.Scan(&u.ID, &org, &u.Username, &u.DisplayName, &role, &hash, &locked, &u.MustChange, &u.Phone, &u.Email, &u.Disabled); err != nil {
		return nil, "", err
	}
	u.OrgID, u.Role = org.String, duijie.Role(role)
	u.LockedUntil, _ = time.Parse(time.RFC3339Nano, locked)
	return &u, hash, nil
}

// UserByUsername returns a user and the password hash to check.
func (db *DB) UserByUsername(ctx context.Context, username string) (*duijie.User, string, error) {
	u, hash, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", notFound("用户", username)
	}
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: user %s: %w", username, err)
	}
	return u, hash, nil
}

// User returns a user by id.
func (db *DB) User(ctx context.Context, id string) (*duijie.User, error) {
	u, _, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("用户", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: user %s: %w", id, err)
	}
	return u, nil
}

// Users lists every user by username.
func (db *DB) Users(ctx context.Context) ([]duijie.User, error) {
	return db.queryUsers(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
}

func (db *DB) queryUsers(ctx context.Context, query string, args ...any) ([]duijie.User, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: users: %w", err)
	}
	defer rows.Close()
	var out []duijie.User
	for rows.Next() {
		u, _, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// SetPassword replaces a user's password hash and ends every session and
// token of the user, in one transaction.
func (db *DB) SetPassword(ctx context.Context, userID, passwordHash string, mustChange bool) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, must_change = ? WHERE id = ?`, passwordHash, mustChange, userID)
		if err != nil {
			return fmt.Errorf("sqlite: user %s: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("用户", userID)
		}
		for _, q := range []string{`DELETE FROM sessions WHERE user_id = ?`, `DELETE FROM api_tokens WHERE user_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return err
			}
		}
		return nil
	})
}

// SignInFailed records a failed sign-in at now and returns the time until
// which the account is locked (zero if it is not): LockoutFailures failures
// within LockoutWindow lock it for LockoutDuration.
func (db *DB) SignInFailed(ctx context.Context, userID string, now time.Time) (time.Time, error) {
	var until time.Time
	err := db.write(ctx, func(tx *sql.Tx) error {
		var count int
		var since string
		err := tx.QueryRowContext(ctx, `SELECT failed_count, failed_since FROM users WHERE id = ?`, userID).Scan(&count, &since)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("用户", userID)
		}
		if err != nil {
			return err
		}
		start, _ := time.Parse(time.RFC3339Nano, since)
		if start.IsZero() || now.Sub(start) > duijie.LockoutWindow {
			count, start = 0, now
		}
		count++
		locked := ""
		if count >= duijie.LockoutFailures {
			until = now.Add(duijie.LockoutDuration)
			locked, count, start = stampOf(until), 0, time.Time{}
		}
		sinceText := ""
		if !start.IsZero() {
			sinceText = stampOf(start)
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET failed_count = ?, failed_since = ?,
			locked_until = CASE WHEN ? = '' THEN locked_until ELSE ? END WHERE id = ?`,
			count, sinceText, locked, locked, userID)
		return err
	})
	return until, err
}

// SignInSucceeded clears the failure count of a user.
func (db *DB) SignInSucceeded(ctx context.Context, userID string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET failed_count = 0, failed_since = '' WHERE id = ?`, userID)
		return err
	})
}

// Unlock lifts a sign-in lockout and clears the failure count.
func (db *DB) Unlock(ctx context.Context, userID string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = '', failed_count = 0, failed_since = '' WHERE id = ?`, userID)
		if err != nil {
			return fmt.Errorf("sqlite: user %s: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("用户", userID)
		}
		return nil
	})
}

// UsersOf lists the users of an organisation, oldest first.
func (db *DB) UsersOf(ctx context.Context, orgID string) ([]duijie.User, error) {
	return db.queryUsers(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = ? ORDER BY created_at, id`, orgID)
}
