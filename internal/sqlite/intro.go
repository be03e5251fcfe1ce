package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
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

// RecordContract stores a contract; when it belongs to an introduction,
// the introduction's new state (已签约, or 已登记 with a registration
// number) is written in the same transaction, conditional on nobody having
// changed it since readAt.
func (db *DB) RecordContract(ctx context.Context, c *duijie.Contract, n *duijie.Introduction, readAt time.Time, events []duijie.Event, msgs []duijie.Message) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if n != nil {
			if err := updateIntro(ctx, tx, n, readAt); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO contracts (id, intro_id, challenge_id, capability_id, type, title, buyer,
			seller, buyer_org_id, seller_org_id, amount, local_amount, signed_on, reg_no, registered_on, broker_id, created_by,
			created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, nullable(c.IntroID), nullable(c.ChallengeID), nullable(c.CapabilityID), string(c.Type), c.Title, c.Buyer,
			c.Seller, nullable(c.BuyerOrgID), nullable(c.SellerOrgID), c.Amount, c.LocalAmount, day(c.Signed), c.RegNo,
			day(c.Registered), nullable(c.BrokerID), c.CreatedBy, stampOf(c.Created))
		if err != nil {
			return contractErr(err)
		}
		return db.recordTimeline(ctx, tx, events, msgs)
	})
}

func contractErr(err error) error {
	switch msg := err.Error(); {
	case strings.Contains(msg, "contracts.reg_no"):
		return &duijie.Error{Code: duijie.ECONFLICT, Message: "登记编号已被另一份合同使用",
			Fields: map[string]string{"reg_no": "该登记编号已登记过，请核对"}}
	case strings.Contains(msg, "contracts.intro_id"):
		return duijie.Errorf(duijie.ECONFLICT, "这条对接已记录过合同")
	}
	return fmt.Errorf("sqlite: contract: %w", err)
}

// RegisterContract records a contract's registration (登记编号 and date)
// and, when it belongs to an introduction, moves that to 已登记, in one
// transaction.
func (db *DB) RegisterContract(ctx context.Context, c *duijie.Contract, n *duijie.Introduction, readAt time.Time, events []duijie.Event, msgs []duijie.Message) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE contracts SET reg_no = ?, registered_on = ? WHERE id = ? AND reg_no = ''`,
			c.RegNo, day(c.Registered), c.ID)
		if err != nil {
			return contractErr(err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return duijie.Errorf(duijie.ECONFLICT, "这份合同已经登记过")
		}
		if n != nil {
			if err := updateIntro(ctx, tx, n, readAt); err != nil {
				return err
			}
		}
		return db.recordTimeline(ctx, tx, events, msgs)
	})
}

const contractColumns = `c.id, COALESCE(c.intro_id, ''), COALESCE(c.challenge_id, ''), COALESCE(c.capability_id, ''), c.type,
	c.title, c.buyer, c.seller, COALESCE(c.buyer_org_id, ''), COALESCE(c.seller_org_id, ''), c.amount, c.local_amount,
	c.signed_on, c.reg_no, c.registered_on, COALESCE(c.broker_id, ''), c.created_by, c.created_at`

func scanContract(sc interface{ Scan(...any) error }) (duijie.Contract, error) {
	var c duijie.Contract
	var typ, signed, registered, created string
	err := sc.Scan(&c.ID, &c.IntroID, &c.ChallengeID, &c.CapabilityID, &typ, &c.Title, &c.Buyer, &c.Seller, &c.BuyerOrgID,
		&c.SellerOrgID, &c.Amount, &c.LocalAmount, &signed, &c.RegNo, &registered, &c.BrokerID, &c.CreatedBy, &created)
	c.Type, c.Signed, c.Registered, c.Created = duijie.ContractType(typ), duijie.ParseDate(signed), duijie.ParseDate(registered), parseStamp(created)
	return c, err
}

// Contract loads one contract.
func (db *DB) Contract(ctx context.Context, id string) (*duijie.Contract, error) {
	c, err := scanContract(db.r.QueryRowContext(ctx, `SELECT `+contractColumns+` FROM contracts c WHERE c.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("合同", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: contract %s: %w", id, err)
	}
	return &c, nil
}

// ContractOf is the contract of an introduction (ENOTFOUND when none).
func (db *DB) ContractOf(ctx context.Context, introID string) (*duijie.Contract, error) {
	c, err := scanContract(db.r.QueryRowContext(ctx, `SELECT `+contractColumns+` FROM contracts c WHERE c.intro_id = ?`, introID))
	if err == sql.ErrNoRows {
		return nil, notFound("合同", "")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: contract: %w", err)
	}
	return &c, nil
}

// Contracts lists contracts, newest signing first, with their total
// amount, and how many there are.
func (db *DB) Contracts(ctx context.Context, offset, limit int) ([]duijie.Contract, int, int64, error) {
	var total int
	var sum int64
	if err := db.r.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(amount), 0) FROM contracts`).Scan(&total, &sum); err != nil {
		return nil, 0, 0, fmt.Errorf("sqlite: contracts: %w", err)
	}
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+contractColumns+` FROM contracts c ORDER BY c.signed_on DESC, c.id LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("sqlite: contracts: %w", err)
	}
	defer rows.Close()
	var out []duijie.Contract
	for rows.Next() {
		c, err := scanContract(rows)
		if err != nil {
			return nil, 0, 0, err
		}
		out = append(out, c)
	}
	return out, total, sum, rows.Err()
}

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

// Invite lets an organisation read a 摘要公开 challenge in full; inviting
// twice is not an error.
func (db *DB) Invite(ctx context.Context, challengeID, orgID, by string, msgs []duijie.Message) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO invitations (challenge_id, org_id, created_at, invited_by) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, challengeID, orgID, db.stamp(), by)
		if err != nil {
			return fmt.Errorf("sqlite: invitation: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil // already invited: no second message
		}
		return insertMessages(ctx, tx, msgs)
	})
}

// Uninvite withdraws an invitation.
func (db *DB) Uninvite(ctx context.Context, challengeID, orgID string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM invitations WHERE challenge_id = ? AND org_id = ?`, challengeID, orgID)
		if err != nil {
			return fmt.Errorf("sqlite: invitation: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return notFound("邀请", "")
		}
		return nil
	})
}

// Invitation is an organisation invited to read a challenge in full.
type Invitation struct {
	ChallengeID string
	OrgID       string
	OrgName     string
	InvitedBy   string
	Created     time.Time
}

// Invitations lists who was invited to read a challenge.
func (db *DB) Invitations(ctx context.Context, challengeID string) ([]Invitation, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT i.challenge_id, i.org_id, o.name, COALESCE(NULLIF(u.display_name, ''), u.username, ''),
		i.created_at FROM invitations i JOIN organizations o ON o.id = i.org_id LEFT JOIN users u ON u.id = i.invited_by
		WHERE i.challenge_id = ? ORDER BY i.created_at`, challengeID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: invitations: %w", err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var v Invitation
		var created string
		if err := rows.Scan(&v.ChallengeID, &v.OrgID, &v.OrgName, &v.InvitedBy, &created); err != nil {
			return nil, err
		}
		v.Created = parseStamp(created)
		out = append(out, v)
	}
	return out, rows.Err()
}

// BrokerScope is what a broker handles: the lead assigns to others; a
// broker scoped to counties sees those counties' introductions in the
// shared views.
type BrokerScope struct {
	Lead     bool
	Counties []string
}

// BrokerScope loads a broker's scope; a disabled broker is not found.
func (db *DB) BrokerScope(ctx context.Context, userID string) (BrokerScope, error) {
	var s BrokerScope
	var lead int
	var counties string
	err := db.r.QueryRowContext(ctx, `SELECT lead, counties FROM users WHERE id = ? AND role = 'broker' AND disabled = 0`, userID).Scan(&lead, &counties)
	if err == sql.ErrNoRows {
		return s, notFound("技术经纪人", "")
	}
	if err != nil {
		return s, fmt.Errorf("sqlite: broker scope: %w", err)
	}
	s.Lead = lead != 0
	json.Unmarshal([]byte(counties), &s.Counties)
	return s, nil
}

// SetBrokerScope sets a broker's scope.
func (db *DB) SetBrokerScope(ctx context.Context, userID string, s BrokerScope) error {
	if s.Counties == nil {
		s.Counties = []string{}
	}
	b, _ := json.Marshal(s.Counties)
	lead := 0
	if s.Lead {
		lead = 1
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET lead = ?, counties = ? WHERE id = ? AND role = 'broker'`, lead, string(b), userID)
		if err != nil {
			return fmt.Errorf("sqlite: broker scope: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return notFound("技术经纪人", "")
		}
		return nil
	})
}

// Brokers lists the brokers who may work (not disabled), for assignment.
func (db *DB) Brokers(ctx context.Context) ([]duijie.User, error) {
	return db.queryUsers(ctx, `SELECT `+userColumns+` FROM users WHERE role = 'broker' AND disabled = 0 ORDER BY username`)
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
