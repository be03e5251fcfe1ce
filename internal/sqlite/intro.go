package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// introID is the id of the introduction an interest starts.
func introID(interestID string) string { return "in-" + strings.TrimPrefix(interestID, "int-") }

// IntroOf is the id of the introduction that the interest with this id
// started.
func IntroOf(interestID string) string { return introID(interestID) }

const introColumns = `n.id, n.origin, COALESCE(n.interest_id, ''), COALESCE(n.challenge_id, ''), COALESCE(n.capability_id, ''),
	n.ent_org_id, n.inst_org_id, n.stage, n.ent_answer, n.inst_answer, COALESCE(n.broker_id, ''), n.message, n.reason,
	n.reason_note, n.due_at, n.created_at, n.updated_at, COALESCE(ch.title, ''), COALESCE(cp.title, ''), eo.name, io.name,
	eo.region, COALESCE(b.display_name, b.username, '')`

const introFrom = ` FROM introductions n
	JOIN organizations eo ON eo.id = n.ent_org_id JOIN organizations io ON io.id = n.inst_org_id
	LEFT JOIN challenges ch ON ch.id = n.challenge_id LEFT JOIN capabilities cp ON cp.id = n.capability_id
	LEFT JOIN users b ON b.id = n.broker_id `

func scanIntro(sc interface{ Scan(...any) error }) (duijie.Introduction, error) {
	var n duijie.Introduction
	var origin, stage, ea, ia, reason, due, created, updated, region string
	err := sc.Scan(&n.ID, &origin, &n.InterestID, &n.ChallengeID, &n.CapabilityID, &n.EntOrgID, &n.InstOrgID, &stage, &ea, &ia,
		&n.BrokerID, &n.Message, &reason, &n.ReasonNote, &due, &created, &updated, &n.ChallengeTitle, &n.CapabilityTitle,
		&n.EntOrgName, &n.InstOrgName, &region, &n.BrokerName)
	n.EntRegion = duijie.Region(region)
	n.Origin, n.Stage, n.EntAnswer, n.InstAnswer, n.Reason = duijie.Origin(origin), duijie.Stage(stage), duijie.Answer(ea), duijie.Answer(ia), duijie.Reason(reason)
	n.Due, n.Created, n.Updated = parseStamp(due), parseStamp(created), parseStamp(updated)
	return n, err
}

func parseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// stampOrEmpty stores a zero time as ”.
func stampOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return stampOf(t)
}

// Introduction loads one introduction.
func (db *DB) Introduction(ctx context.Context, id string) (*duijie.Introduction, error) {
	n, err := scanIntro(db.r.QueryRowContext(ctx, `SELECT `+introColumns+introFrom+`WHERE n.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("对接", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: introduction %s: %w", id, err)
	}
	return &n, nil
}

// IntroFilter selects introductions; zero fields do not filter.
type IntroFilter struct {
	Stages     []duijie.Stage
	Open       bool   // open stages only
	BrokerID   string // assigned to this broker
	Unassigned bool
	OverdueAt  time.Time // due before this time (and open)
	OrgID      string    // either side
	// Counties keeps introductions whose enterprise is in one of these
	// regions (codes of 六安's counties and zones); empty: anywhere.
	Counties     []string
	ChallengeID  string
	CapabilityID string
	Offset       int
	Limit        int
}

func (f IntroFilter) where() (string, []any) {
	var conds []string
	var args []any
	if len(f.Stages) > 0 {
		var qs []string
		for _, s := range f.Stages {
			qs = append(qs, "?")
			args = append(args, string(s))
		}
		conds = append(conds, "n.stage IN ("+strings.Join(qs, ", ")+")")
	}
	if f.Open || !f.OverdueAt.IsZero() {
		conds = append(conds, "n.stage IN ('queued', 'recommended', 'confirmed', 'negotiating')")
	}
	if f.BrokerID != "" {
		conds, args = append(conds, "n.broker_id = ?"), append(args, f.BrokerID)
	}
	if f.Unassigned {
		conds = append(conds, "n.broker_id IS NULL")
	}
	if !f.OverdueAt.IsZero() {
		conds, args = append(conds, "n.due_at != '' AND n.due_at < ?"), append(args, stampOf(f.OverdueAt))
	}
	if f.OrgID != "" {
		conds, args = append(conds, "(n.ent_org_id = ? OR n.inst_org_id = ?)"), append(args, f.OrgID, f.OrgID)
	}
	if len(f.Counties) > 0 {
		var qs []string
		for _, c := range f.Counties {
			qs, args = append(qs, "?"), append(args, c)
		}
		conds = append(conds, "eo.region IN ("+strings.Join(qs, ", ")+")")
	}
	if f.ChallengeID != "" {
		conds, args = append(conds, "n.challenge_id = ?"), append(args, f.ChallengeID)
	}
	if f.CapabilityID != "" {
		conds, args = append(conds, "n.capability_id = ?"), append(args, f.CapabilityID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return "WHERE " + strings.Join(conds, " AND "), args
}

// Introductions lists introductions, the most urgent first (due soonest,
// then newest change), and how many match in all.
func (db *DB) Introductions(ctx context.Context, f IntroFilter) ([]duijie.Introduction, int, error) {
	where, args := f.where()
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+introFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqlite: introductions: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+introColumns+introFrom+where+`
		ORDER BY n.due_at = '', n.due_at, n.updated_at DESC, n.id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: introductions: %w", err)
	}
	defer rows.Close()
	var out []duijie.Introduction
	for rows.Next() {
		n, err := scanIntro(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, n)
	}
	return out, total, rows.Err()
}

// Workload is one broker's open and overdue introductions.
type Workload struct {
	BrokerID string
	Name     string
	Open     int
	Overdue  int
}

// Workloads counts open and overdue introductions per broker at now,
// every broker listed (unassigned ones under BrokerID "").
func (db *DB) Workloads(ctx context.Context, now time.Time) ([]Workload, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT u.id, COALESCE(NULLIF(u.display_name, ''), u.username),
			count(n.id), COALESCE(sum(n.due_at != '' AND n.due_at < ?), 0)
		FROM users u LEFT JOIN introductions n ON n.broker_id = u.id
			AND n.stage IN ('queued', 'recommended', 'confirmed', 'negotiating')
		WHERE u.role = 'broker' GROUP BY u.id ORDER BY u.username
		`, stampOf(now))
	if err != nil {
		return nil, fmt.Errorf("sqlite: workloads: %w", err)
	}
	defer rows.Close()
	var out []Workload
	for rows.Next() {
		var w Workload
		if err := rows.Scan(&w.BrokerID, &w.Name, &w.Open, &w.Overdue); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	w := Workload{Name: "未分派"}
	err = db.r.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(due_at != '' AND due_at < ?), 0) FROM introductions
		WHERE broker_id IS NULL AND stage IN ('queued', 'recommended', 'confirmed', 'negotiating')`, stampOf(now)).Scan(&w.Open, &w.Overdue)
	if err != nil {
		return nil, fmt.Errorf("sqlite: workloads: %w", err)
	}
	return append(out, w), nil
}

// CreateIntroductions stores new introductions (a broker's 派单), with
// their first timeline entries and messages, in one transaction. A pair
// that already has an open introduction about the same postings is a
// conflict.
func (db *DB) CreateIntroductions(ctx context.Context, ns []*duijie.Introduction, events []duijie.Event, msgs []duijie.Message) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		for _, n := range ns {
			if err := insertIntro(ctx, tx, n); err != nil {
				return err
			}
		}
		return db.recordTimeline(ctx, tx, events, msgs)
	})
}

func insertIntro(ctx context.Context, tx *sql.Tx, n *duijie.Introduction) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO introductions (id, origin, interest_id, challenge_id, capability_id,
		ent_org_id, inst_org_id, stage, ent_answer, inst_answer, broker_id, message, due_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.ID, string(n.Origin), nullable(n.InterestID), nullable(n.ChallengeID), nullable(n.CapabilityID), n.EntOrgID,
		n.InstOrgID, string(n.Stage), string(n.EntAnswer), string(n.InstAnswer), nullable(n.BrokerID), n.Message,
		stampOrEmpty(n.Due), stampOf(n.Created), stampOf(n.Updated))
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return duijie.Errorf(duijie.ECONFLICT, "这两家单位之间已有进行中的对接（%s ↔ %s）", orEmpty(n.ChallengeTitle, n.ChallengeID), orEmpty(n.CapabilityTitle, n.CapabilityID))
	}
	if err != nil {
		return fmt.Errorf("sqlite: introduction: %w", err)
	}
	return nil
}

func orEmpty(a, b string) string {
	if a != "" {
		return a
	}
	if b != "" {
		return b
	}
	return "—"
}

// SaveIntroduction writes an introduction's new state if nobody changed it
// since it was read (its Updated time then), with timeline entries and
// messages, in one transaction; a change made meanwhile is a conflict.
func (db *DB) SaveIntroduction(ctx context.Context, n *duijie.Introduction, readAt time.Time, events []duijie.Event, msgs []duijie.Message) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := updateIntro(ctx, tx, n, readAt); err != nil {
			return err
		}
		return db.recordTimeline(ctx, tx, events, msgs)
	})
}

func updateIntro(ctx context.Context, tx *sql.Tx, n *duijie.Introduction, readAt time.Time) error {
	// The stored stamp must change with every write, or another writer that
	// read the same stamp would pass the check below: a write stamped at or
	// before the time it read (a clock that did not move, a coarse or
	// stepped clock) moves on by a nanosecond.
	if !n.Updated.After(readAt) {
		n.Updated = readAt.Add(time.Nanosecond)
	}
	res, err := tx.ExecContext(ctx, `UPDATE introductions SET stage = ?, ent_answer = ?, inst_answer = ?, broker_id = ?,
		message = ?, reason = ?, reason_note = ?, due_at = ?, updated_at = ? WHERE id = ? AND updated_at = ?`,
		string(n.Stage), string(n.EntAnswer), string(n.InstAnswer), nullable(n.BrokerID), n.Message, string(n.Reason),
		n.ReasonNote, stampOrEmpty(n.Due), stampOf(n.Updated), n.ID, stampOf(readAt))
	if err != nil {
		return fmt.Errorf("sqlite: introduction %s: %w", n.ID, err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return duijie.Errorf(duijie.ECONFLICT, "这条对接刚被他人更新，请刷新页面后重试")
	}
	return nil
}

// recordTimeline appends timeline entries and messages inside tx.
func (db *DB) recordTimeline(ctx context.Context, tx *sql.Tx, events []duijie.Event, msgs []duijie.Message) error {
	for _, e := range events {
		on := ""
		if !e.On.IsZero() {
			on = e.On.Format(duijie.DateLayout)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO intro_events (intro_id, at, actor_id, kind, from_stage, to_stage, side,
			answer, reason, channel, on_day, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.IntroID, stampOf(e.At), e.ActorID, string(e.Kind), string(e.From), string(e.To), string(e.Side),
			string(e.Answer), string(e.Reason), string(e.Channel), on, e.Note)
		if err != nil {
			return fmt.Errorf("sqlite: timeline: %w", err)
		}
	}
	return insertMessages(ctx, tx, msgs)
}

// Events is an introduction's timeline, oldest first.
func (db *DB) Events(ctx context.Context, introID string) ([]duijie.Event, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT e.id, e.intro_id, e.at, e.actor_id,
			COALESCE(NULLIF(u.display_name, ''), u.username, ''), e.kind, e.from_stage, e.to_stage, e.side, e.answer,
			e.reason, e.channel, e.on_day, e.note
		FROM intro_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.intro_id = ? ORDER BY e.id`, introID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: timeline: %w", err)
	}
	defer rows.Close()
	var out []duijie.Event
	for rows.Next() {
		var e duijie.Event
		var at, kind, from, to, side, answer, reason, channel, on string
		if err := rows.Scan(&e.ID, &e.IntroID, &at, &e.ActorID, &e.Actor, &kind, &from, &to, &side, &answer, &reason,
			&channel, &on, &e.Note); err != nil {
			return nil, err
		}
		e.At, e.Kind, e.From, e.To, e.Side = parseStamp(at), duijie.EventKind(kind), duijie.Stage(from), duijie.Stage(to), duijie.Side(side)
		e.Answer, e.Reason, e.Channel, e.On = duijie.Answer(answer), duijie.Reason(reason), duijie.Channel(channel), duijie.ParseDate(on)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Interest loads one interest.
func (db *DB) Interest(ctx context.Context, id string) (*duijie.Interest, error) {
	row := db.r.QueryRowContext(ctx, `SELECT i.id, i.kind, COALESCE(i.challenge_id, ''), COALESCE(i.capability_id, ''),
		COALESCE(ch.title, cp.title, ''), i.org_id, o.name, i.user_id, i.approach, i.team, i.months, i.cost_min, i.cost_max,
		i.message, i.status, i.created_at FROM interests i JOIN organizations o ON o.id = i.org_id
		LEFT JOIN challenges ch ON ch.id = i.challenge_id LEFT JOIN capabilities cp ON cp.id = i.capability_id WHERE i.id = ?`, id)
	var i duijie.Interest
	var kind, status, created string
	err := row.Scan(&i.ID, &kind, &i.ChallengeID, &i.CapabilityID, &i.TargetTitle, &i.OrgID, &i.OrgName, &i.UserID,
		&i.Approach, &i.Team, &i.Months, &i.CostMin, &i.CostMax, &i.Message, &status, &created)
	if err == sql.ErrNoRows {
		return nil, notFound("意向", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: interest %s: %w", id, err)
	}
	i.Kind, i.Status, i.Created = duijie.InterestKind(kind), duijie.InterestStatus(status), parseStamp(created)
	return &i, nil
}
