package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"duijie/internal/duijie"
)

// Account lifecycle: issued passwords, disabling and role changes. Each
// write that changes what an account may do ends every session and API
// token of the account in the same transaction.

// endAccess deletes every session and API token of a user.
func endAccess(ctx context.Context, tx *sql.Tx, userID string) error {
	for _, q := range []string{`DELETE FROM sessions WHERE user_id = ?`, `DELETE FROM api_tokens WHERE user_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, userID); err != nil {
			return fmt.Errorf("sqlite: user %s: %w", userID, err)
		}
	}
	return nil
}

// updateUser runs an UPDATE of one user and ends the user's sessions and
// tokens, in one transaction; a missing user is ENOTFOUND.
func (db *DB) updateUser(ctx context.Context, userID, query string, args ...any) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("sqlite: user %s: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("用户", userID)
		}
		return endAccess(ctx, tx, userID)
	})
}

// IssuePassword replaces a user's password with an issued one that must be
// changed at the next sign-in, clears the lockout and the failure count,
// and ends every session and token of the user.
func (db *DB) IssuePassword(ctx context.Context, userID, passwordHash string) error {
	return db.updateUser(ctx, userID, `UPDATE users SET password_hash = ?, must_change = 1,
		locked_until = '', failed_count = 0, failed_since = '' WHERE id = ?`, passwordHash, userID)
}

// SetDisabled disables or re-enables an account. Both end the account's
// sessions and tokens (a disabled account has none; re-enabling starts
// from a fresh sign-in).
func (db *DB) SetDisabled(ctx context.Context, userID string, disabled bool) error {
	return db.updateUser(ctx, userID, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, userID)
}

// SetRole gives a user a new role and organisation (the bureau for a
// broker, none for an administrator) and ends the user's sessions and
// tokens, so that the next sign-in starts a new session with the new role.
func (db *DB) SetRole(ctx context.Context, userID string, role duijie.Role, orgID string) error {
	if role.Label() == "" {
		return duijie.Errorf(duijie.EINVALID, "未知的角色：%s", role)
	}
	var org any
	if orgID != "" {
		org = orgID
	}
	return db.updateUser(ctx, userID, `UPDATE users SET role = ?, org_id = ? WHERE id = ?`, string(role), org, userID)
}

// CreditCodeTaken reports whether an organisation that is not rejected
// holds the 统一社会信用代码 code (the unique index's rule).
func (db *DB) CreditCodeTaken(ctx context.Context, code string) (bool, error) {
	if code == "" {
		return false, nil
	}
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM organizations WHERE credit_code = ? AND status <> 'rejected'`, code).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sqlite: credit code: %w", err)
	}
	return n > 0, nil
}
