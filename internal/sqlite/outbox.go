package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"duijie/internal/duijie"
)

// Change is an outbox row: a posting whose searchable content changed.
type Change struct {
	ID      int64
	DocType string // "challenge" | "capability"
	DocID   string
}

func (db *DB) enqueue(ctx context.Context, tx *sql.Tx, docType, docID string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (doc_type, doc_id, created_at) VALUES (?, ?, ?)`, docType, docID, db.stamp()); err != nil {
		return fmt.Errorf("sqlite: outbox: %w", err)
	}
	return nil
}

// Changes returns up to limit outbox rows after the last one the named
// consumer applied, oldest first.
func (db *DB) Changes(ctx context.Context, consumer string, limit int) ([]Change, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, doc_type, doc_id FROM outbox
		WHERE id > COALESCE((SELECT last_applied FROM index_state WHERE name = ?), 0)
		ORDER BY id LIMIT ?`, consumer, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: outbox: %w", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.ID, &c.DocType, &c.DocID); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MarkApplied records that consumer applied every outbox row up to id.
func (db *DB) MarkApplied(ctx context.Context, consumer string, id int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO index_state (name, last_applied) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET last_applied = max(last_applied, excluded.last_applied)`, consumer, id)
		return err
	})
}

// ResetApplied makes consumer start over (a full reindex).
func (db *DB) ResetApplied(ctx context.Context, consumer string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM index_state WHERE name = ?`, consumer)
		return err
	})
}

// PostingIDs returns the ids of every posting of a type, for a full reindex.
func (db *DB) PostingIDs(ctx context.Context, docType string) ([]string, error) {
	table, err := postingTable(docType)
	if err != nil {
		return nil, err
	}
	return db.queryIDs(ctx, `SELECT id FROM `+table+` ORDER BY id`)
}

// postingTable is the table of a posting type.
func postingTable(docType string) (string, error) {
	table := map[string]string{"challenge": "challenges", "capability": "capabilities"}[docType]
	if table == "" {
		return "", fmt.Errorf("sqlite: posting type %q", docType)
	}
	return table, nil
}

// queryIDs runs a query of one text column.
func (db *DB) queryIDs(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// AudienceCounts is how many postings each audience's index should hold:
// every posting for the bureau; for the public, published capabilities
// and published challenges that are public or 摘要公开 (what
// duijie.ChallengeAccess and duijie.CapabilityAccess let an anonymous
// reader read; a test holds the two together). A start compares these
// with the indexes to find one that is lost or short.
func (db *DB) AudienceCounts(ctx context.Context) (map[duijie.Audience]int, error) {
	var all, public int
	err := db.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM challenges) + (SELECT count(*) FROM capabilities),
		(SELECT count(*) FROM challenges WHERE status = 'published' AND visibility IN ('public', 'summary'))
		+ (SELECT count(*) FROM capabilities WHERE status = 'published')`).Scan(&all, &public)
	if err != nil {
		return nil, fmt.Errorf("sqlite: posting counts: %w", err)
	}
	return map[duijie.Audience]int{duijie.AudienceBureau: all, duijie.AudiencePublic: public}, nil
}
