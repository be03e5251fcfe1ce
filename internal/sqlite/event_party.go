package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"duijie/internal/duijie"
)

// partyFrom reads a party with its posting, whichever kind it is.
const partyFrom = ` FROM event_parties p JOIN organizations o ON o.id = p.org_id
	LEFT JOIN challenges ch ON p.kind = 'challenge' AND ch.id = p.posting_id
	LEFT JOIN capabilities cp ON p.kind = 'capability' AND cp.id = p.posting_id `

const partyColumns = `p.id, p.event_id, p.kind, p.posting_id, p.org_id, p.invited_by, p.available, p.status, p.created_at,
	p.updated_at, COALESCE(ch.title, cp.title, ''), o.name, COALESCE(ch.visibility, ''), COALESCE(ch.status, cp.status, '')`

func scanParty(sc interface{ Scan(...any) error }) (EventParty, error) {
	var p EventParty
	var kind, av, status, created, updated, vis, pst string
	err := sc.Scan(&p.ID, &p.EventID, &kind, &p.PostingID, &p.OrgID, &p.InvitedBy, &av, &status, &created, &updated,
		&p.Title, &p.OrgName, &vis, &pst)
	p.Kind, p.Available, p.Status = PartyKind(kind), availOf(av), PartyStatus(status)
	p.Visibility, p.PostingStatus = duijie.Visibility(vis), duijie.Status(pst)
	p.Created, p.Updated = parseStamp(created), parseStamp(updated)
	return p, err
}

// EventParties lists an event's parties: challenges first, then by when
// they joined.
func (db *DB) EventParties(ctx context.Context, eventID string) ([]EventParty, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+partyColumns+partyFrom+`WHERE p.event_id = ?
		ORDER BY p.kind = 'capability', p.created_at, p.id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: event parties: %w", err)
	}
	defer rows.Close()
	var out []EventParty
	for rows.Next() {
		p, err := scanParty(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddEventParties stores new parties with the messages that tell them, in
// one transaction. An organisation already taking part, or a posting
// already there, is a conflict and nothing is written.
func (db *DB) AddEventParties(ctx context.Context, ps []EventParty, msgs []duijie.Message) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		for _, p := range ps {
			if err := slotsMatch(ctx, tx, p.EventID, p.Available); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO event_parties (id, event_id, kind, posting_id, org_id, invited_by, available,
				status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.EventID, string(p.Kind), p.PostingID,
				p.OrgID, p.InvitedBy, availString(p.Available), string(p.Status), stampOf(p.Created), stampOf(p.Updated))
			if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
				return duijie.Errorf(duijie.ECONFLICT, "“%s”所属单位已参加本次对接会（每家单位以一项发布参会）", p.Title)
			}
			if err != nil {
				return fmt.Errorf("sqlite: event party: %w", err)
			}
		}
		return insertMessages(ctx, tx, msgs)
	})
}

// SaveEventParty stores a party's availability and status.
func (db *DB) SaveEventParty(ctx context.Context, p *EventParty) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := slotsMatch(ctx, tx, p.EventID, p.Available); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE event_parties SET available = ?, status = ?, updated_at = ? WHERE id = ? AND event_id = ?`,
			availString(p.Available), string(p.Status), stampOf(p.Updated), p.ID, p.EventID)
		if err != nil {
			return fmt.Errorf("sqlite: save event party: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("参会方", "")
		}
		return nil
	})
}

// slotsMatch refuses, in the writing transaction, an availability read
// against another number of slots than the event has now (a broker
// changed the slots meanwhile): stored, it would not line up with the
// slots and the event's pages could not be shown.
func slotsMatch(ctx context.Context, tx *sql.Tx, eventID string, av []bool) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT json_array_length(slots) FROM events WHERE id = ?`, eventID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("对接会", "")
	}
	if err != nil {
		return fmt.Errorf("sqlite: event slots: %w", err)
	}
	if n != len(av) {
		return duijie.Errorf(duijie.ECONFLICT, "对接会的时段刚被修改过，请刷新页面后重新选择可参会的时段")
	}
	return nil
}
