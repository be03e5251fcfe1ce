package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// EventStatus is where an event (对接会) stands.
type EventStatus string

// Event statuses.
const (
	EventDraft     EventStatus = "draft"     // 筹备中: brokers only, and the parties invited
	EventPublished EventStatus = "published" // 已发布: anyone reads it; members may register
	EventEnded     EventStatus = "ended"     // 已结束: the timetable is fixed, outcomes are recorded
)

// EventStatuses lists the statuses in order.
var EventStatuses = []EventStatus{EventDraft, EventPublished, EventEnded}

// Label is the Chinese name of the status.
func (s EventStatus) Label() string {
	return map[EventStatus]string{EventDraft: "筹备中", EventPublished: "已发布", EventEnded: "已结束"}[s]
}

// Event is a matchmaking day: 1:1 meetings in time slots at tables.
type Event struct {
	ID         string
	Theme      string
	Industries []duijie.Industry
	Day        time.Time // the date (midnight UTC, as dates are stored)
	Place      string
	Slots      []string // labels of the time slots, in order ("09:00–09:20")
	Tables     int
	Status     EventStatus
	CreatedBy  string
	Created    time.Time
	Updated    time.Time
}

// PartyKind is the side a party takes part as.
type PartyKind string

// Party kinds: an enterprise by a challenge, an institute by a capability.
const (
	PartyChallenge  PartyKind = "challenge"
	PartyCapability PartyKind = "capability"
)

// Label is the Chinese name of the side.
func (k PartyKind) Label() string {
	return map[PartyKind]string{PartyChallenge: "企业（技术需求）", PartyCapability: "院所（科技成果）"}[k]
}

// PartyStatus is a party's answer to the event.
type PartyStatus string

// Party statuses.
const (
	PartyInvited    PartyStatus = "invited"    // 已邀请: waits for the organisation's answer
	PartyRegistered PartyStatus = "registered" // 已报名: takes part
	PartyDeclined   PartyStatus = "declined"   // 不参加
)

// Label is the Chinese name of the status.
func (s PartyStatus) Label() string {
	return map[PartyStatus]string{PartyInvited: "已邀请", PartyRegistered: "已报名", PartyDeclined: "不参加"}[s]
}

// EventParty is an organisation taking part with one posting.
type EventParty struct {
	ID        string
	EventID   string
	Kind      PartyKind
	PostingID string
	OrgID     string
	InvitedBy string // the broker who invited; "" when the organisation registered
	Available []bool // per slot of the event
	Status    PartyStatus
	Created   time.Time
	Updated   time.Time

	// Read with the party: the posting and its organisation as stored.
	Title         string
	OrgName       string
	Visibility    duijie.Visibility // challenges only
	PostingStatus duijie.Status
}

// Outcome is what came of a meeting.
type Outcome string

// Outcomes.
const (
	OutcomeNone     Outcome = ""
	OutcomeMet      Outcome = "met"       // 已会谈
	OutcomeNoShow   Outcome = "no_show"   // 未到场
	OutcomeFollowUp Outcome = "follow_up" // 待跟进
	OutcomeIntro    Outcome = "intro"     // 生成对接
)

// Outcomes lists the outcomes a broker may record, in form order.
var Outcomes = []Outcome{OutcomeMet, OutcomeNoShow, OutcomeFollowUp, OutcomeIntro}

// Label is the Chinese name of an outcome.
func (o Outcome) Label() string {
	return map[Outcome]string{OutcomeNone: "未记录", OutcomeMet: "已会谈", OutcomeNoShow: "未到场",
		OutcomeFollowUp: "待跟进", OutcomeIntro: "生成对接"}[o]
}

// Meeting sources.
const (
	SourceAuto   = "auto"   // proposed by the timetable solver
	SourceManual = "manual" // placed or moved by a broker by hand
)

// EventMeeting is one 1:1 meeting of the timetable.
type EventMeeting struct {
	ID        string
	EventID   string
	Slot      int // index into Event.Slots
	Table     int // 0-based; shown 1-based
	EntParty  string
	InstParty string
	Score     float64 // the pair's calibrated match confidence when scheduled
	Source    string
	Outcome   Outcome
	IntroID   string
	Note      string
	Updated   time.Time
}

func availString(av []bool) string {
	var b strings.Builder
	for _, a := range av {
		if a {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

func availOf(s string) []bool {
	out := make([]bool, len(s))
	for i := range s {
		out[i] = s[i] == '1'
	}
	return out
}

func industriesJSON(xs []duijie.Industry) string {
	ss := make([]string, len(xs))
	for i, x := range xs {
		ss[i] = string(x)
	}
	return jsonList(ss)
}

// CreateEvent stores a new event.
func (db *DB) CreateEvent(ctx context.Context, e *Event) error {
	slots, _ := json.Marshal(nonNil(e.Slots))
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO events (id, theme, industries, on_day, place, slots, tables, status, created_by,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.Theme, industriesJSON(e.Industries),
			e.Day.Format(duijie.DateLayout), e.Place, string(slots), e.Tables, string(e.Status), e.CreatedBy,
			stampOf(e.Created), stampOf(e.Updated))
		if err != nil {
			return fmt.Errorf("sqlite: create event: %w", err)
		}
		return nil
	})
}

// SaveEvent updates an event's fields and status. When the number of
// slots changes, every party's availability is cut or padded (new slots
// available) in the same transaction.
func (db *DB) SaveEvent(ctx context.Context, e *Event) error {
	return db.SaveEventFrom(ctx, e, time.Time{})
}

// SaveEventFrom is SaveEvent of an event read when it was last updated
// at read (zero: not checked): an event changed since (another broker's
// edit or change of status) is a conflict and nothing is written. In the
// same transaction, slots or tables that a scheduled meeting still uses
// are refused (ECONFLICT).
func (db *DB) SaveEventFrom(ctx context.Context, e *Event, read time.Time) error {
	slots, _ := json.Marshal(nonNil(e.Slots))
	return db.write(ctx, func(tx *sql.Tx) error {
		if !read.IsZero() {
			var at string
			err := tx.QueryRowContext(ctx, `SELECT updated_at FROM events WHERE id = ?`, e.ID).Scan(&at)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("对接会", "")
			}
			if err != nil {
				return fmt.Errorf("sqlite: save event: %w", err)
			}
			if at != stampOf(read) {
				return duijie.Errorf(duijie.ECONFLICT, "对接会刚被修改过（其他经纪人修改了内容或状态），请刷新后重试")
			}
		}
		var beyond int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_meetings WHERE event_id = ? AND (slot >= ? OR table_no >= ?)`,
			e.ID, len(e.Slots), e.Tables).Scan(&beyond); err != nil {
			return fmt.Errorf("sqlite: save event: %w", err)
		}
		if beyond > 0 {
			return duijie.Errorf(duijie.ECONFLICT, "已排有洽谈的时段和洽谈桌不能删去（%d 场洽谈），请先调整日程", beyond)
		}
		res, err := tx.ExecContext(ctx, `UPDATE events SET theme = ?, industries = ?, on_day = ?, place = ?, slots = ?, tables = ?,
			status = ?, updated_at = ? WHERE id = ?`, e.Theme, industriesJSON(e.Industries), e.Day.Format(duijie.DateLayout),
			e.Place, string(slots), e.Tables, string(e.Status), stampOf(e.Updated), e.ID)
		if err != nil {
			return fmt.Errorf("sqlite: save event: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("对接会", "")
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, available FROM event_parties WHERE event_id = ?`, e.ID)
		if err != nil {
			return err
		}
		fix := map[string]string{}
		for rows.Next() {
			var id, av string
			if err := rows.Scan(&id, &av); err != nil {
				rows.Close()
				return err
			}
			if len(av) != len(e.Slots) {
				if len(av) > len(e.Slots) {
					av = av[:len(e.Slots)]
				} else {
					av += strings.Repeat("1", len(e.Slots)-len(av))
				}
				fix[id] = av
			}
		}
		rows.Close()
		for id, av := range fix {
			if _, err := tx.ExecContext(ctx, `UPDATE event_parties SET available = ? WHERE id = ?`, av, id); err != nil {
				return err
			}
		}
		return nil
	})
}

const eventColumns = `id, theme, industries, on_day, place, slots, tables, status, created_by, created_at, updated_at`

func scanEvent(sc interface{ Scan(...any) error }) (Event, error) {
	var e Event
	var inds, day, slots, status, created, updated string
	err := sc.Scan(&e.ID, &e.Theme, &inds, &day, &e.Place, &slots, &e.Tables, &status, &e.CreatedBy, &created, &updated)
	if err != nil {
		return e, err
	}
	for _, s := range fromJSON(inds) {
		e.Industries = append(e.Industries, duijie.Industry(s))
	}
	e.Slots = fromJSON(slots)
	e.Day, e.Status = duijie.ParseDate(day), EventStatus(status)
	e.Created, e.Updated = parseStamp(created), parseStamp(updated)
	return e, nil
}

// Event loads one event.
func (db *DB) Event(ctx context.Context, id string) (*Event, error) {
	e, err := scanEvent(db.r.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM events WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("对接会", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: event %s: %w", id, err)
	}
	return &e, nil
}

// EventFilter selects events; zero fields do not filter.
type EventFilter struct {
	// Statuses keeps events in one of these statuses; with OrgID, an
	// event the organisation takes part in (any status) is kept too.
	Statuses []EventStatus
	OrgID    string
	Limit    int
}

// EventList lists events (对接会), the latest day first.
func (db *DB) EventList(ctx context.Context, f EventFilter) ([]Event, error) {
	var conds []string
	var args []any
	if len(f.Statuses) > 0 {
		qs := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			qs[i] = "?"
			args = append(args, string(s))
		}
		c := "status IN (" + strings.Join(qs, ", ") + ")"
		if f.OrgID != "" {
			c = "(" + c + " OR id IN (SELECT event_id FROM event_parties WHERE org_id = ?))"
			args = append(args, f.OrgID)
		}
		conds = append(conds, c)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+eventColumns+` FROM events`+where+` ORDER BY on_day DESC, created_at DESC LIMIT ?`,
		append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
