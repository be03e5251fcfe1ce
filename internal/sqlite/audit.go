package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// Audit records an entry for the services: even when the request that
// made it was cancelled, and a failure to audit is logged loudly rather
// than failing what was done.
func (db *DB) Audit(ctx context.Context, log *slog.Logger, e duijie.AuditEntry) {
	if err := db.Record(context.WithoutCancel(ctx), e); err != nil {
		log.ErrorContext(ctx, "audit write failed", "action", e.Action, "object", e.Object, "err", err)
	}
}

// AuditAll records entries in one transaction, as Audit does one.
func (db *DB) AuditAll(ctx context.Context, log *slog.Logger, entries []duijie.AuditEntry) {
	ctx = context.WithoutCancel(ctx)
	err := db.write(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			if err := db.record(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.ErrorContext(ctx, "audit write failed", "entries", len(entries), "err", err)
	}
}

// Record appends an entry to the audit log, chained to the entry before it.
func (db *DB) Record(ctx context.Context, e duijie.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx) error { return db.record(ctx, tx, e) })
}

func (db *DB) record(ctx context.Context, tx *sql.Tx, e duijie.AuditEntry) error {
	if e.At.IsZero() {
		e.At = db.now()
	}
	var prev string
	err := tx.QueryRowContext(ctx, `SELECT hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&prev)
	if err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("sqlite: audit: %w", err)
	}
	at := stampOf(e.At)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (at, actor, action, object, detail, ip, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		at, e.Actor, e.Action, e.Object, e.Detail, e.IP, prev, auditHash(prev, at, e))
	if err != nil {
		return fmt.Errorf("sqlite: audit: %w", err)
	}
	return nil
}

// auditHash chains an entry to the hash of the one before it.
func auditHash(prev, at string, e duijie.AuditEntry) string {
	h := sha256.New()
	for _, s := range []string{prev, at, e.Actor, e.Action, e.Object, e.Detail, e.IP} {
		fmt.Fprintf(h, "%d:%s\n", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditLog returns the newest entries, newest first; action filters by
// prefix ("" for all).
func (db *DB) AuditLog(ctx context.Context, action string, limit int) ([]duijie.AuditEntry, error) {
	return db.auditQuery(ctx, `SELECT seq, at, actor, action, object, detail, ip, hash FROM audit
		WHERE action LIKE ? ESCAPE '\' ORDER BY seq DESC LIMIT ?`, likePrefix(action), limit)
}

func likePrefix(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// PurgeAudit removes the entries older than before, which must lie at
// least duijie.AuditRetention (184 days) in the past: a younger cutoff is
// refused (EINVALID), and the store's trigger refuses to delete a younger
// entry whatever asks. It removes the oldest entries up to the first one
// that is not older than before (a prefix of the chain), records the
// anchor the chain resumes from, and audits itself; it returns how many
// entries went.
func (db *DB) PurgeAudit(ctx context.Context, actor string, before time.Time) (int64, error) {
	if limit := db.now().Add(-duijie.AuditRetention); before.After(limit) {
		return 0, duijie.Errorf(duijie.EINVALID, "审计日志至少保留 184 天：只能清除 %s 之前的记录",
			limit.In(duijie.ChinaTime).Format("2006-01-02 15:04"))
	}
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		cut := stampOf(before)
		var upto sql.NullInt64
		// The prefix: every entry before the first one at or after the cutoff.
		err := tx.QueryRowContext(ctx, `SELECT max(seq) FROM audit WHERE seq < coalesce(
			(SELECT min(seq) FROM audit WHERE at >= ?), (SELECT max(seq) + 1 FROM audit))`, cut).Scan(&upto)
		if err != nil {
			return fmt.Errorf("sqlite: audit purge: %w", err)
		}
		if !upto.Valid {
			return nil
		}
		var hash string
		if err := tx.QueryRowContext(ctx, `SELECT hash FROM audit WHERE seq = ?`, upto.Int64).Scan(&hash); err != nil {
			return fmt.Errorf("sqlite: audit purge: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE seq <= ?`, upto.Int64).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: audit purge: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_purges (at, before, upto_seq, upto_hash, deleted) VALUES (?, ?, ?, ?, ?)`,
			db.stamp(), cut, upto.Int64, hash, n); err != nil {
			return fmt.Errorf("sqlite: audit purge: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit WHERE seq <= ?`, upto.Int64); err != nil {
			return duijie.Errorf(duijie.EINVALID, "审计日志至少保留 184 天，清除被拒绝：%v", err)
		}
		return db.record(ctx, tx, duijie.AuditEntry{Actor: actor, Action: duijie.AuditPurge, Object: "audit",
			Detail: fmt.Sprintf("removed %d entries up to seq %d, older than %s", n, upto.Int64, cut)})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// VerifyAudit walks the whole chain and returns the sequence number of the
// first entry that does not match its hash or its predecessor (0: intact).
// After a purge the chain starts from the last purge's anchor.
func (db *DB) VerifyAudit(ctx context.Context) (int64, error) {
	var from int64
	prev := ""
	err := db.r.QueryRowContext(ctx, `SELECT upto_seq, upto_hash FROM audit_purges ORDER BY seq DESC LIMIT 1`).Scan(&from, &prev)
	if err != nil && err != sql.ErrNoRows {
		return 0, fmt.Errorf("sqlite: audit: %w", err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT seq, at, actor, action, object, detail, ip, prev_hash, hash FROM audit WHERE seq > ? ORDER BY seq`, from)
	if err != nil {
		return 0, fmt.Errorf("sqlite: audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e duijie.AuditEntry
		var at, prevHash string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Object, &e.Detail, &e.IP, &prevHash, &e.Hash); err != nil {
			return 0, err
		}
		if prevHash != prev || auditHash(prev, at, e) != e.Hash {
			return e.Seq, nil
		}
		prev = e.Hash
	}
	return 0, rows.Err()
}
