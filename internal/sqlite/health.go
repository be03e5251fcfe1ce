package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// OutboxLag is how far consumer trails the outbox: the number of rows it
// has not applied and the time the oldest of them was written (zero when
// none). It is one read, answered from the readers' pool: it also shows
// that the store answers.
func (db *DB) OutboxLag(ctx context.Context, consumer string) (pending int, oldest time.Time, err error) {
	var first sql.NullString
	err = db.r.QueryRowContext(ctx, `SELECT count(*), min(created_at) FROM outbox
		WHERE id > COALESCE((SELECT last_applied FROM index_state WHERE name = ?), 0)`, consumer).Scan(&pending, &first)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("sqlite: outbox lag: %w", err)
	}
	if first.Valid {
		if oldest, err = time.Parse(stampLayout, first.String); err != nil {
			return 0, time.Time{}, fmt.Errorf("sqlite: outbox lag: %w", err)
		}
	}
	return pending, oldest, nil
}
