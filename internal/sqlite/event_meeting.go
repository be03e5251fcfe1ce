package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"duijie/internal/duijie"
)

const meetingColumns = `id, event_id, slot, table_no, ent_party, inst_party, score, source, outcome, COALESCE(intro_id, ''), note, updated_at`

// EventMeetings lists an event's timetable by slot and table.
func (db *DB) EventMeetings(ctx context.Context, eventID string) ([]EventMeeting, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+meetingColumns+` FROM event_meetings WHERE event_id = ? ORDER BY slot, table_no`, eventID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: event meetings: %w", err)
	}
	defer rows.Close()
	var out []EventMeeting
	for rows.Next() {
		var m EventMeeting
		var outcome, updated string
		if err := rows.Scan(&m.ID, &m.EventID, &m.Slot, &m.Table, &m.EntParty, &m.InstParty, &m.Score, &m.Source, &outcome,
			&m.IntroID, &m.Note, &updated); err != nil {
			return nil, err
		}
		m.Outcome, m.Updated = Outcome(outcome), parseStamp(updated)
		out = append(out, m)
	}
	return out, rows.Err()
}

// ReplaceEventMeetings stores an event's whole timetable in one
// transaction (a swap of two meetings passes through a state the unique
// indexes refuse, so the timetable is written as a whole). The indexes
// refuse a timetable that breaks an invariant: ECONFLICT.
func (db *DB) ReplaceEventMeetings(ctx context.Context, eventID string, ms []EventMeeting) error {
	return db.replaceEventMeetings(ctx, eventID, nil, false, ms)
}

// ReplaceEventMeetingsFrom stores an event's whole timetable computed
// from prev, the timetable as the caller read it: in the same
// transaction, a timetable changed since (another broker's change, an
// outcome recorded, a timetable generated) or an event ended since is a
// conflict and nothing is written, so no concurrent change or outcome is
// lost. A meeting at a slot or table the event does not have is refused
// too.
func (db *DB) ReplaceEventMeetingsFrom(ctx context.Context, eventID string, prev, ms []EventMeeting) error {
	return db.replaceEventMeetings(ctx, eventID, prev, true, ms)
}

// meetingKey is what a concurrent change of a meeting changes.
func meetingKey(m EventMeeting) string {
	return fmt.Sprintf("%s|%d|%d|%s|%s|%s|%s|%s|%s", m.ID, m.Slot, m.Table, m.EntParty, m.InstParty, m.Source, m.Outcome, m.IntroID, m.Note)
}

func (db *DB) replaceEventMeetings(ctx context.Context, eventID string, prev []EventMeeting, check bool, ms []EventMeeting) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var tables, nslots int
		var status string
		err := tx.QueryRowContext(ctx, `SELECT tables, json_array_length(slots), status FROM events WHERE id = ?`, eventID).
			Scan(&tables, &nslots, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("对接会", "")
		}
		if err != nil {
			return fmt.Errorf("sqlite: event meetings: %w", err)
		}
		for _, m := range ms {
			if m.Slot < 0 || m.Slot >= nslots || m.Table < 0 || m.Table >= tables {
				return duijie.Errorf(duijie.ECONFLICT, "日程冲突：对接会共 %d 个时段、%d 张桌，请刷新后重试", nslots, tables)
			}
		}
		if check {
			if EventStatus(status) == EventEnded {
				return duijie.Errorf(duijie.ECONFLICT, "对接会已结束，日程不能再调整")
			}
			rows, err := tx.QueryContext(ctx, `SELECT `+meetingColumns+` FROM event_meetings WHERE event_id = ?`, eventID)
			if err != nil {
				return fmt.Errorf("sqlite: event meetings: %w", err)
			}
			now := map[string]int{}
			for rows.Next() {
				var m EventMeeting
				var outcome, updated string
				if err := rows.Scan(&m.ID, &m.EventID, &m.Slot, &m.Table, &m.EntParty, &m.InstParty, &m.Score, &m.Source, &outcome,
					&m.IntroID, &m.Note, &updated); err != nil {
					rows.Close()
					return err
				}
				m.Outcome = Outcome(outcome)
				now[meetingKey(m)]++
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, m := range prev {
				now[meetingKey(m)]--
			}
			for _, n := range now {
				if n != 0 {
					return duijie.Errorf(duijie.ECONFLICT, "日程刚被修改过（其他经纪人调整或记录了结果），请刷新后重试")
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_meetings WHERE event_id = ?`, eventID); err != nil {
			return fmt.Errorf("sqlite: event meetings: %w", err)
		}
		for _, m := range ms {
			_, err := tx.ExecContext(ctx, `INSERT INTO event_meetings (id, event_id, slot, table_no, ent_party, inst_party, score, source,
				outcome, intro_id, note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, eventID, m.Slot, m.Table,
				m.EntParty, m.InstParty, m.Score, m.Source, string(m.Outcome), nullable(m.IntroID), m.Note, stampOf(m.Updated))
			if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
				return duijie.Errorf(duijie.ECONFLICT, "日程冲突：同一时段同一桌或同一参会方只能安排一场洽谈")
			}
			if err != nil {
				return fmt.Errorf("sqlite: event meeting: %w", err)
			}
		}
		return nil
	})
}

// SaveMeetingOutcome stores a meeting's outcome, note and introduction.
func (db *DB) SaveMeetingOutcome(ctx context.Context, m *EventMeeting) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE event_meetings SET outcome = ?, intro_id = ?, note = ?, updated_at = ?
			WHERE id = ? AND event_id = ?`, string(m.Outcome), nullable(m.IntroID), m.Note, stampOf(m.Updated), m.ID, m.EventID)
		if err != nil {
			return fmt.Errorf("sqlite: meeting outcome: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("洽谈", "")
		}
		return nil
	})
}

// EventCandidate is a published posting a broker may invite.
type EventCandidate struct {
	ID, Title, OrgID, OrgName string
	Industry                  duijie.Industry
	Visibility                duijie.Visibility // challenges only
}

// EventCandidates lists published postings of a kind, in the given
// industries (none: any), of one organisation (orgID; "": any), newest
// first, at most limit.
func (db *DB) EventCandidates(ctx context.Context, kind PartyKind, industries []duijie.Industry, orgID string, limit int) ([]EventCandidate, error) {
	table, vis := "capabilities", "''"
	if kind == PartyChallenge {
		table, vis = "challenges", "c.visibility"
	}
	q := `SELECT c.id, c.title, c.org_id, o.name, c.industry, ` + vis + ` FROM ` + table + ` c JOIN organizations o ON o.id = c.org_id
		WHERE c.status = 'published'`
	var args []any
	if len(industries) > 0 {
		qs := make([]string, len(industries))
		for i, in := range industries {
			qs[i], args = "?", append(args, string(in))
		}
		q += ` AND c.industry IN (` + strings.Join(qs, ", ") + `)`
	}
	if orgID != "" {
		q, args = q+` AND c.org_id = ?`, append(args, orgID)
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY c.posted DESC, c.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: event candidates: %w", err)
	}
	defer rows.Close()
	var out []EventCandidate
	for rows.Next() {
		var c EventCandidate
		var ind, v string
		if err := rows.Scan(&c.ID, &c.Title, &c.OrgID, &c.OrgName, &ind, &v); err != nil {
			return nil, err
		}
		c.Industry, c.Visibility = duijie.Industry(ind), duijie.Visibility(v)
		out = append(out, c)
	}
	return out, rows.Err()
}

// OpenIntroductionOf returns the id of the open introduction of a pair
// of postings, or "".
func (db *DB) OpenIntroductionOf(ctx context.Context, challengeID, capabilityID string) (string, error) {
	var id string
	err := db.r.QueryRowContext(ctx, `SELECT id FROM introductions WHERE challenge_id = ? AND capability_id = ?
		AND stage IN ('queued', 'recommended', 'confirmed', 'negotiating') ORDER BY created_at DESC LIMIT 1`,
		challengeID, capabilityID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: open introduction: %w", err)
	}
	return id, nil
}
