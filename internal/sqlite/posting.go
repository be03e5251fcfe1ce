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

// PutOrganization validates and inserts or replaces an organisation.
func (db *DB) PutOrganization(ctx context.Context, o *duijie.Organization) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		return db.putOrganization(ctx, tx, o)
	})
}

func (db *DB) putOrganization(ctx context.Context, tx *sql.Tx, o *duijie.Organization) error {
	if o.Status == "" {
		o.Status = duijie.OrgApproved
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO organizations (id, name, short, kind, region, credit_code, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, short = excluded.short, kind = excluded.kind,
			region = excluded.region, credit_code = excluded.credit_code, status = excluded.status`,
		o.ID, o.Name, o.Short, string(o.Kind), string(o.Region), o.CreditCode, string(o.Status), db.stamp())
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed: organizations.name") {
		return &duijie.Error{Code: duijie.ECONFLICT, Message: "该单位已注册", Fields: map[string]string{"org_name": "该单位已注册，请联系本单位已有账号的同事或科技局"}}
	}
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed: organizations.credit_code") {
		return duijie.CreditCodeTaken()
	}
	if err != nil {
		return fmt.Errorf("sqlite: organization %s: %w", o.ID, err)
	}
	return nil
}

// PutChallenge validates and inserts or replaces a challenge, and records it
// in the outbox in the same transaction.
func (db *DB) PutChallenge(ctx context.Context, c *duijie.Challenge) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error { return db.putChallenge(ctx, tx, c) })
}

func (db *DB) putChallenge(ctx context.Context, tx *sql.Tx, c *duijie.Challenge) error {
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO challenges (id, org_id, title, problem, targets, tried, constraints,
		industry, field, keywords, budget_min, budget_max, deadline, modes, visibility, trl_expect, status, posted,
		close_reason, close_note, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrgID, c.Title, c.Problem, c.Targets, c.Tried, c.Constraints, string(c.Industry), c.Field,
		jsonList(c.Keywords), c.BudgetMin, c.BudgetMax, day(c.Deadline), jsonList(duijie.ModeNames(c.Modes)),
		string(c.Visibility), c.TRLExpect, string(c.Status), day(c.Posted), string(c.Closure.Reason), c.Closure.Note, db.stamp())
	if err != nil {
		return fmt.Errorf("sqlite: challenge %s: %w", c.ID, err)
	}
	return db.enqueue(ctx, tx, "challenge", c.ID)
}

// PutCapability validates and inserts or replaces a capability, and records
// it in the outbox in the same transaction.
func (db *DB) PutCapability(ctx context.Context, c *duijie.Capability) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error { return db.putCapability(ctx, tx, c) })
}

func (db *DB) putCapability(ctx context.Context, tx *sql.Tx, c *duijie.Capability) error {
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO capabilities (id, org_id, kind, title, description, trl, ip, fields,
		industry, modes, team, region, keywords, status, posted, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrgID, string(c.Kind), c.Title, c.Description, c.TRL, jsonList(c.IP), jsonList(c.Fields),
		string(c.Industry), jsonList(duijie.ModeNames(c.Modes)), c.Team, string(c.Region), jsonList(c.Keywords),
		string(c.Status), day(c.Posted), db.stamp())
	if err != nil {
		return fmt.Errorf("sqlite: capability %s: %w", c.ID, err)
	}
	return db.enqueue(ctx, tx, "capability", c.ID)
}

// Challenge returns a challenge with its organisation's name.
func (db *DB) Challenge(ctx context.Context, id string) (*duijie.Challenge, error) {
	row := db.queryRow(ctx, `SELECT c.id, c.org_id, o.name, o.region, c.title, c.problem, c.targets, c.tried,
		c.constraints, c.industry, c.field, c.keywords, c.budget_min, c.budget_max, c.deadline, c.modes, c.visibility,
		c.trl_expect, c.status, c.posted, c.close_reason, c.close_note
		FROM challenges c JOIN organizations o ON o.id = c.org_id WHERE c.id = ?`, id)
	var c duijie.Challenge
	var region, industry, keywords, deadline, modes, visibility, status, posted, reason string
	err := row.Scan(&c.ID, &c.OrgID, &c.OrgName, &region, &c.Title, &c.Problem, &c.Targets, &c.Tried, &c.Constraints,
		&industry, &c.Field, &keywords, &c.BudgetMin, &c.BudgetMax, &deadline, &modes, &visibility, &c.TRLExpect, &status, &posted,
		&reason, &c.Closure.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("技术需求", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: challenge %s: %w", id, err)
	}
	c.Industry, c.Visibility, c.Status = duijie.Industry(industry), duijie.Visibility(visibility), duijie.Status(status)
	c.Region, c.Closure.Reason = duijie.Region(region), duijie.CloseReason(reason)
	c.Keywords, c.Modes = fromJSON(keywords), duijie.ParseModes(fromJSON(modes))
	c.Deadline, c.Posted = duijie.ParseDate(deadline), duijie.ParseDate(posted)
	return &c, nil
}

// Capability returns a capability with its organisation's name.
func (db *DB) Capability(ctx context.Context, id string) (*duijie.Capability, error) {
	row := db.queryRow(ctx, `SELECT c.id, c.org_id, o.name, c.kind, c.title, c.description, c.trl, c.ip, c.fields,
		c.industry, c.modes, c.team, c.region, c.keywords, c.status, c.posted
		FROM capabilities c JOIN organizations o ON o.id = c.org_id WHERE c.id = ?`, id)
	var c duijie.Capability
	var kind, ip, fields, industry, modes, region, keywords, status, posted string
	err := row.Scan(&c.ID, &c.OrgID, &c.OrgName, &kind, &c.Title, &c.Description, &c.TRL, &ip, &fields, &industry,
		&modes, &c.Team, &region, &keywords, &status, &posted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("科技成果/能力", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: capability %s: %w", id, err)
	}
	c.Kind, c.Industry, c.Status, c.Region = duijie.Kind(kind), duijie.Industry(industry), duijie.Status(status), duijie.Region(region)
	c.IP, c.Fields, c.Keywords = fromJSON(ip), fromJSON(fields), fromJSON(keywords)
	c.Modes, c.Posted = duijie.ParseModes(fromJSON(modes)), duijie.ParseDate(posted)
	return &c, nil
}

func jsonList(xs []string) string {
	if xs == nil {
		xs = []string{}
	}
	b, _ := json.Marshal(xs) // a []string always marshals
	return string(b)
}

func fromJSON(s string) []string {
	var xs []string
	_ = json.Unmarshal([]byte(s), &xs) // written by jsonList; a damaged value reads as empty
	return xs
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(duijie.DateLayout)
}
