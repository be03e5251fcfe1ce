package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
)

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
