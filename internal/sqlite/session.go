package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"duijie/internal/duijie"
)

// CreateSession stores a new session. The caller generates the random
// cookie value and passes its SHA-256 as s.ID.
func (db *DB) CreateSession(ctx context.Context, s *duijie.Session) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, seen_at) VALUES (?, ?, ?, ?, ?)`,
			s.ID, s.UserID, s.CSRF, stampOf(s.Created), stampOf(s.Seen))
		if err != nil {
			return fmt.Errorf("sqlite: session: %w", err)
		}
		return nil
	})
}

// Session returns a session and its user.
func (db *DB) Session(ctx context.Context, idHash string) (*duijie.Session, *duijie.User, error) {
	var s duijie.Session
	var created, seen string
	err := db.queryRow(ctx, `SELECT id_hash, user_id, csrf, created_at, seen_at FROM sessions WHERE id_hash = ?`, idHash).
		Scan(&s.ID, &s.UserID, &s.CSRF, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound("会话", "")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: session: %w", err)
	}
	s.Created, _ = time.Parse(time.RFC3339Nano, created)
	s.Seen, _ = time.Parse(time.RFC3339Nano, seen)
	u, err := db.User(ctx, s.UserID)
	if err != nil {
		return nil, nil, err
	}
	return &s, u, nil
}

// TouchSession records activity on a session.
func (db *DB) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET seen_at = ? WHERE id_hash = ?`, stampOf(at), idHash)
		return err
	})
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, idHash string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
		return err
	})
}

// DeleteExpiredSessions removes sessions last seen before cutoff.
func (db *DB) DeleteExpiredSessions(ctx context.Context, cutoff time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE seen_at < ?`, stampOf(cutoff))
		return err
	})
}

// CreateToken stores an API token's SHA-256 for a user.
func (db *DB) CreateToken(ctx context.Context, idHash, userID, name string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id_hash, user_id, name, created_at) VALUES (?, ?, ?, ?)`,
			idHash, userID, name, db.stamp())
		if err != nil {
			return fmt.Errorf("sqlite: token: %w", err)
		}
		return nil
	})
}

// TokenUser returns the user an API token belongs to.
func (db *DB) TokenUser(ctx context.Context, idHash string) (*duijie.User, error) {
	var userID string
	err := db.r.QueryRowContext(ctx, `SELECT user_id FROM api_tokens WHERE id_hash = ?`, idHash).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("令牌", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: token: %w", err)
	}
	return db.User(ctx, userID)
}

func stampOf(t time.Time) string { return t.UTC().Format(stampLayout) }
