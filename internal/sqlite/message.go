package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"duijie/internal/duijie"
)

// insertMessages stores messages inside tx; a message whose dedup key its
// recipient already has is skipped.
func insertMessages(ctx context.Context, tx *sql.Tx, msgs []duijie.Message) error {
	for _, m := range msgs {
		_, err := tx.ExecContext(ctx, `INSERT INTO messages (user_id, kind, subject, body, link, created_at, dedup)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, m.UserID, string(m.Kind), m.Subject, m.Body, m.Link,
			stampOf(m.Created), m.Dedup)
		if err != nil {
			return fmt.Errorf("sqlite: message: %w", err)
		}
	}
	return nil
}

// SendMessages stores messages on their own.
func (db *DB) SendMessages(ctx context.Context, msgs []duijie.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	return db.write(ctx, func(tx *sql.Tx) error { return insertMessages(ctx, tx, msgs) })
}

// Messages lists a user's messages, newest first, with the total and the
// number unread.
func (db *DB) Messages(ctx context.Context, userID string, offset, limit int) ([]duijie.Message, int, error) {
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE user_id = ?`, userID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqlite: messages: %w", err)
	}
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, user_id, kind, subject, body, link, created_at, read_at FROM messages
		WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`, userID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: messages: %w", err)
	}
	defer rows.Close()
	var out []duijie.Message
	for rows.Next() {
		var m duijie.Message
		var kind, created, read string
		if err := rows.Scan(&m.ID, &m.UserID, &kind, &m.Subject, &m.Body, &m.Link, &created, &read); err != nil {
			return nil, 0, err
		}
		m.Kind, m.Created, m.Read = duijie.MessageKind(kind), parseStamp(created), parseStamp(read)
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// Unread is how many unread messages a user has.
func (db *DB) Unread(ctx context.Context, userID string) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM messages WHERE user_id = ? AND read_at = ''`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlite: messages: %w", err)
	}
	return n, nil
}

// MarkRead marks a user's message read (id > 0) or all of them (id 0),
// and returns the message's link (for id > 0). Another user's message is
// not found.
func (db *DB) MarkRead(ctx context.Context, userID string, id int64) (string, error) {
	var link string
	err := db.write(ctx, func(tx *sql.Tx) error {
		if id == 0 {
			_, err := tx.ExecContext(ctx, `UPDATE messages SET read_at = ? WHERE user_id = ? AND read_at = ''`, db.stamp(), userID)
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT link FROM messages WHERE id = ? AND user_id = ?`, id, userID).Scan(&link)
		if err == sql.ErrNoRows {
			return notFound("消息", "")
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE messages SET read_at = ? WHERE id = ? AND read_at = ''`, db.stamp(), id)
		return err
	})
	return link, err
}
