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
		log.Error("audit write failed", "action", e.Action, "object", e.Object, "err", err)
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
		log.Error("audit write failed", "entries", len(entries), "err", err)
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
	rows, err := db.r.QueryContext(ctx, `SELECT seq, at, actor, action, object, detail, ip, hash FROM audit
		WHERE action LIKE ? ESCAPE '\' ORDER BY seq DESC LIMIT ?`, likePrefix(action), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit: %w", err)
	}
	defer rows.Close()
	var out []duijie.AuditEntry
	for rows.Next() {
		var e duijie.AuditEntry
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Object, &e.Detail, &e.IP, &e.Hash); err != nil {
			return nil, err
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func likePrefix(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// VerifyAudit walks the whole chain and returns the sequence number of the
// first entry that does not match its hash or its predecessor (0: intact).
func (db *DB) VerifyAudit(ctx context.Context) (int64, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT seq, at, actor, action, object, detail, ip, prev_hash, hash FROM audit ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("sqlite: audit: %w", err)
	}
	defer rows.Close()
	prev := ""
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
