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
	slots, _ := json.Marshal(nonNil(e.Slots))
	return db.write(ctx, func(tx *sql.Tx) error {
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

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
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
	return db.write(ctx, func(tx *sql.Tx) error {
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
