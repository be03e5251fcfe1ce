package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// AuditFilter selects audit entries; zero fields select everything.
type AuditFilter struct {
	From, To time.Time // From ≤ at < To
	Actor    string    // user id
	Action   string    // an action, or a group of them ending in "." (signin.)
	Object   string    // the object (user:u-1), its prefix (challenge:), or an id (ch-a001)
}

func (f AuditFilter) where() (string, []any) {
	var conds []string
	var args []any
	if !f.From.IsZero() {
		conds, args = append(conds, "at >= ?"), append(args, stampOf(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "at < ?"), append(args, stampOf(f.To))
	}
	if f.Actor != "" {
		conds, args = append(conds, "actor = ?"), append(args, f.Actor)
	}
	if a := f.Action; a != "" {
		if strings.HasSuffix(a, ".") {
			conds, args = append(conds, `action LIKE ? ESCAPE '\'`), append(args, likePrefix(a))
		} else {
			conds, args = append(conds, "action = ?"), append(args, a)
		}
	}
	if o := f.Object; o != "" {
		conds = append(conds, `(object LIKE ? ESCAPE '\' OR object LIKE ? ESCAPE '\')`)
		args = append(args, likePrefix(o), "%:"+strings.TrimSuffix(likePrefix(o), "%"))
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// AuditPage is one page of the audit log, newest first, by keyset on seq:
// entries older than before (before > 0), or else newer than after (after
// > 0), or else the newest. Every entry can be reached, however many are
// written meanwhile. Older and Newer say whether there is more either way.
type AuditPage struct {
	Entries      []duijie.AuditEntry
	Older, Newer bool
}

// AuditPage returns up to limit entries matching f (see AuditPage).
func (db *DB) AuditPage(ctx context.Context, f AuditFilter, before, after int64, limit int) (*AuditPage, error) {
	where, args := f.where()
	q := `SELECT seq, at, actor, action, object, detail, ip, hash FROM audit WHERE ` + where
	forward := before <= 0 && after > 0
	switch {
	case before > 0:
		q, args = q+` AND seq < ? ORDER BY seq DESC`, append(args, before)
	case forward:
		q, args = q+` AND seq > ? ORDER BY seq ASC`, append(args, after)
	default:
		q += ` ORDER BY seq DESC`
	}
	entries, err := db.auditQuery(ctx, q+` LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, err
	}
	more := len(entries) > limit
	if more {
		entries = entries[:limit]
	}
	p := &AuditPage{Entries: entries}
	if forward {
		for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
			entries[i], entries[j] = entries[j], entries[i]
		}
		p.Newer, p.Older = more, true
	} else {
		p.Older, p.Newer = more, before > 0
	}
	// A page reached from the other side may border on nothing.
	if len(entries) > 0 && p.Older && forward {
		p.Older = db.auditExists(ctx, f, "seq < ?", entries[len(entries)-1].Seq)
	}
	if len(entries) > 0 && p.Newer && !forward {
		p.Newer = db.auditExists(ctx, f, "seq > ?", entries[0].Seq)
	}
	return p, nil
}

func (db *DB) auditExists(ctx context.Context, f AuditFilter, cond string, seq int64) bool {
	where, args := f.where()
	var one int
	err := db.r.QueryRowContext(ctx, `SELECT 1 FROM audit WHERE `+where+` AND `+cond+` LIMIT 1`, append(args, seq)...).Scan(&one)
	return err == nil
}

// AuditEach calls fn for every entry matching f, newest first, reading in
// batches so that no read transaction stays open for the whole walk; fn's
// error stops it.
func (db *DB) AuditEach(ctx context.Context, f AuditFilter, fn func(duijie.AuditEntry) error) error {
	where, args := f.where()
	before := int64(1) << 62
	for {
		batch, err := db.auditQuery(ctx, `SELECT seq, at, actor, action, object, detail, ip, hash FROM audit WHERE `+where+
			` AND seq < ? ORDER BY seq DESC LIMIT 1000`, append(append([]any{}, args...), before)...)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < 1000 {
			return nil
		}
		before = batch[len(batch)-1].Seq
	}
}

func (db *DB) auditQuery(ctx context.Context, q string, args ...any) ([]duijie.AuditEntry, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
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
