package sqlite

import (
	"context"
	"fmt"
	"time"

	"duijie/internal/duijie"
)

// the posting).
type ChallengeRow struct {
	ID, Title, OrgName string
	Region             duijie.Region
	Industry           duijie.Industry
	Field              string
	Keywords           []string
	BudgetMin          int // 万元
	BudgetMax          int
	Deadline           time.Time
	Visibility         duijie.Visibility
	Status             duijie.Status
	Posted             time.Time
	Intros             int
}

// ExportChallenges calls fn for every challenge that is not a draft,
// newest first.
func (db *DB) ExportChallenges(ctx context.Context, fn func(ChallengeRow) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT c.id, c.title, o.name, o.region, c.industry, c.field, c.keywords, c.budget_min,
		c.budget_max, c.deadline, c.visibility, c.status, c.posted,
		(SELECT count(*) FROM introductions n WHERE n.challenge_id = c.id)
		FROM challenges c JOIN organizations o ON o.id = c.org_id WHERE c.status != 'draft' ORDER BY c.posted DESC, c.id`)
	if err != nil {
		return fmt.Errorf("sqlite: export challenges: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ChallengeRow
		var region, industry, keywords, deadline, visibility, status, posted string
		if err := rows.Scan(&r.ID, &r.Title, &r.OrgName, &region, &industry, &r.Field, &keywords, &r.BudgetMin, &r.BudgetMax,
			&deadline, &visibility, &status, &posted, &r.Intros); err != nil {
			return err
		}
		r.Region, r.Industry, r.Keywords = duijie.Region(region), duijie.Industry(industry), fromJSON(keywords)
		r.Deadline, r.Visibility, r.Status, r.Posted = duijie.ParseDate(deadline), duijie.Visibility(visibility), duijie.Status(status), duijie.ParseDate(posted)
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CapabilityRow is a capability as exported.
type CapabilityRow struct {
	ID, Title, OrgName string
	Kind               duijie.Kind
	Region             duijie.Region
	Industry           duijie.Industry
	TRL                int
	Modes              []string
	Status             duijie.Status
	Posted             time.Time
	Intros             int
}

// ExportCapabilities calls fn for every capability that is not a draft,
// newest first; a capability without a region of its own has its
// institute's.
func (db *DB) ExportCapabilities(ctx context.Context, fn func(CapabilityRow) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT c.id, c.title, o.name, c.kind, COALESCE(NULLIF(c.region, ''), o.region), c.industry,
		c.trl, c.modes, c.status, c.posted, (SELECT count(*) FROM introductions n WHERE n.capability_id = c.id)
		FROM capabilities c JOIN organizations o ON o.id = c.org_id WHERE c.status != 'draft' ORDER BY c.posted DESC, c.id`)
	if err != nil {
		return fmt.Errorf("sqlite: export capabilities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r CapabilityRow
		var kind, region, industry, modes, status, posted string
		if err := rows.Scan(&r.ID, &r.Title, &r.OrgName, &kind, &region, &industry, &r.TRL, &modes, &status, &posted, &r.Intros); err != nil {
			return err
		}
		r.Kind, r.Region, r.Industry, r.Modes = duijie.Kind(kind), duijie.Region(region), duijie.Industry(industry), fromJSON(modes)
		r.Status, r.Posted = duijie.Status(status), duijie.ParseDate(posted)
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// OrgRow is an organisation as exported, with its first member as the
// contact (phone and e-mail as stored: the caller masks them).
type OrgRow struct {
	duijie.Organization
	Created                  time.Time
	Contact, Phone, Email    string
	Challenges, Capabilities int
}

// ExportOrganizations calls fn for every organisation but the bureau,
// newest registration first.
func (db *DB) ExportOrganizations(ctx context.Context, fn func(OrgRow) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT o.id, o.name, o.short, o.kind, o.region, o.credit_code, o.status, o.created_at,
		COALESCE(NULLIF(u.display_name, ''), u.username, ''), COALESCE(u.phone, ''), COALESCE(u.email, ''),
		(SELECT count(*) FROM challenges c WHERE c.org_id = o.id AND c.status != 'draft'),
		(SELECT count(*) FROM capabilities c WHERE c.org_id = o.id AND c.status != 'draft')
		FROM organizations o LEFT JOIN users u ON u.id = (SELECT id FROM users WHERE org_id = o.id ORDER BY created_at, id LIMIT 1)
		WHERE o.kind != 'bureau' ORDER BY o.created_at DESC, o.id`)
	if err != nil {
		return fmt.Errorf("sqlite: export organizations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r OrgRow
		var kind, region, status, created string
		if err := rows.Scan(&r.ID, &r.Name, &r.Short, &kind, &region, &r.CreditCode, &status, &created, &r.Contact, &r.Phone,
			&r.Email, &r.Challenges, &r.Capabilities); err != nil {
			return err
		}
		r.Kind, r.Region, r.Status, r.Created = duijie.OrgKind(kind), duijie.Region(region), duijie.OrgStatus(status), parseStamp(created)
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ExportIntroductions calls fn for every introduction of the enterprises
// of the given counties (none: all), newest first.
func (db *DB) ExportIntroductions(ctx context.Context, counties []string, fn func(duijie.Introduction) error) error {
	where, args := IntroFilter{Counties: counties}.where()
	rows, err := db.r.QueryContext(ctx, `SELECT `+introColumns+introFrom+where+` ORDER BY n.created_at DESC, n.id`, args...)
	if err != nil {
		return fmt.Errorf("sqlite: export introductions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		n, err := scanIntro(rows)
		if err != nil {
			return err
		}
		if err := fn(n); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ContractRow is a contract as exported, with the industry of its
// posting, the enterprise side's region and its broker.
type ContractRow struct {
	duijie.Contract
	Industry   duijie.Industry
	County     duijie.Region
	BrokerName string
}

// ExportContracts calls fn for every contract, newest signing first.
func (db *DB) ExportContracts(ctx context.Context, fn func(ContractRow) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT k.id, COALESCE(k.intro_id, ''), k.type, k.title, k.buyer, k.seller, k.amount,
		k.local_amount, k.signed_on, k.reg_no, k.registered_on, COALESCE(ch.industry, cp.industry, ''), COALESCE(bo.region, ''),
		COALESCE(NULLIF(b.display_name, ''), b.username, '')`+contractFrom+`ORDER BY k.signed_on DESC, k.id`)
	if err != nil {
		return fmt.Errorf("sqlite: export contracts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ContractRow
		var typ, signed, registered, industry, county string
		if err := rows.Scan(&r.ID, &r.IntroID, &typ, &r.Title, &r.Buyer, &r.Seller, &r.Amount, &r.LocalAmount, &signed, &r.RegNo,
			&registered, &industry, &county, &r.BrokerName); err != nil {
			return err
		}
		r.Type, r.Signed, r.Registered = duijie.ContractType(typ), duijie.ParseDate(signed), duijie.ParseDate(registered)
		r.Industry, r.County = duijie.Industry(industry), duijie.Region(county)
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
