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
func (db *DB) CreateUser(ctx context.Context, u *duijie.User, passwordHash string) error {
	if u.Role.Label() == "" {
		return duijie.Errorf(duijie.EINVALID, "未知的角色：%s", u.Role)
	}
	var org any
	if u.OrgID != "" {
		org = u.OrgID
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, org_id, username, display_name, role, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ID, org, u.Username, u.DisplayName, string(u.Role), passwordHash, db.stamp())
		if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed: users.username") {
			return duijie.Errorf(duijie.ECONFLICT, "用户名 %s 已被使用", u.Username)
		}
		if err != nil {
			return fmt.Errorf("sqlite: user %s: %w", u.Username, err)
		}
		return nil
	})
}

// UserByUsername returns a user and the password hash to check.
func (db *DB) UserByUsername(ctx context.Context, username string) (*duijie.User, string, error) {
	var u duijie.User
	var org sql.NullString
	var role, hash, locked string
	err := db.r.QueryRowContext(ctx, `SELECT id, org_id, username, display_name, role, password_hash, locked_until
		FROM users WHERE username = ?`, username).Scan(&u.ID, &org, &u.Username, &u.DisplayName, &role, &hash, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", notFound("用户", username)
	}
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: user %s: %w", username, err)
	}
	u.OrgID, u.Role = org.String, duijie.Role(role)
	u.LockedUntil, _ = time.Parse(time.RFC3339Nano, locked)
	return &u, hash, nil
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
			locked, count, start = until.UTC().Format(time.RFC3339Nano), 0, time.Time{}
		}
		sinceText := ""
		if !start.IsZero() {
			sinceText = start.UTC().Format(time.RFC3339Nano)
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
