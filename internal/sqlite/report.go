package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// The store's side of the bureau's figures (internal/reports): counts
// and sums by SQL over the store, never over the search index.

// ReportScope selects what a figure counts: a period of China dates (both
// ends included) and the counties of 六安 whose enterprises count (region
// codes; empty: the whole city and everyone else).
type ReportScope struct {
	From, To time.Time // dates (midnight, any zone: only the date counts)
	Counties []string
}

// days are the scope's dates as stored (YYYY-MM-DD).
func (s ReportScope) days() (string, string) {
	return s.From.Format(duijie.DateLayout), s.To.Format(duijie.DateLayout)
}

// stamps are the scope as stored times: from 00:00 of the first day in
// China to 00:00 of the day after the last, in UTC.
func (s ReportScope) stamps() (string, string) {
	y, m, d := s.From.Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, duijie.ChinaTime)
	y, m, d = s.To.Date()
	to := time.Date(y, m, d+1, 0, 0, 0, 0, duijie.ChinaTime)
	return stampOf(from), stampOf(to)
}

// county is " AND col IN (?, …)" for the scope's counties, "" for all.
func (s ReportScope) county(col string) (string, []any) {
	if len(s.Counties) == 0 {
		return "", nil
	}
	qs := make([]string, len(s.Counties))
	args := make([]any, len(s.Counties))
	for i, c := range s.Counties {
		qs[i], args[i] = "?", c
	}
	return " AND " + col + " IN (" + strings.Join(qs, ", ") + ")", args
}

// MatchView is how often a posting's match list was opened on a day.
type MatchView struct {
	DocType, DocID string
	Day            time.Time
	Views          int
}

// RecordMatchViews adds counts of match-list openings, in one
// transaction.
func (db *DB) RecordMatchViews(ctx context.Context, vs []MatchView) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		for _, v := range vs {
			_, err := tx.ExecContext(ctx, `INSERT INTO match_views (doc_type, doc_id, day, views) VALUES (?, ?, ?, ?)
				ON CONFLICT (doc_type, doc_id, day) DO UPDATE SET views = views + excluded.views`,
				v.DocType, v.DocID, v.Day.Format(duijie.DateLayout), v.Views)
			if err != nil {
				return fmt.Errorf("sqlite: match view: %w", err)
			}
		}
		return nil
	})
}

// RecordMatchView counts one opening of a posting's match list on a day.
func (db *DB) RecordMatchView(ctx context.Context, docType, docID string, day time.Time) error {
	return db.RecordMatchViews(ctx, []MatchView{{DocType: docType, DocID: docID, Day: day, Views: 1}})
}

// ChallengeCounts are the challenges published in a scope and how far
// they got up to now, each counted once however many introductions it
// has. The At… counts are a funnel: a challenge counts at every step up
// to the furthest it reached (a contract recorded on a challenge on its
// own counts as introduced and accepted too), so each is at most the one
// before.
type ChallengeCounts struct {
	Posted     int // published (first published on a day of the period)
	Open       int // of these, still published (not closed)
	Closed     int
	Viewed     int // whose match list was opened by the owner or a broker
	Introduced int // with at least one introduction

	AtIntro      int // with an introduction or a contract
	AtConfirmed  int // with one that both sides accepted (双方确认 or later), or a contract
	AtContract   int // with a contract (an introduction signed, or a contract recorded on the challenge)
	AtRegistered int // with a registered contract
}

// ReportChallenges counts the challenges first published in the scope,
// by their enterprise's region.
func (db *DB) ReportChallenges(ctx context.Context, sc ReportScope) (ChallengeCounts, error) {
	from, to := sc.days()
	cond, cargs := sc.county("o.region")
	const (
		intro     = `SELECT 1 FROM introductions n WHERE n.challenge_id = c.id`
		contracts = `SELECT 1 FROM contracts k WHERE (k.challenge_id = c.id
			OR k.intro_id IN (SELECT n.id FROM introductions n WHERE n.challenge_id = c.id))`
	)
	q := `SELECT count(*), COALESCE(sum(status = 'published'), 0), COALESCE(sum(status = 'closed'), 0),
		COALESCE(sum(viewed), 0), COALESCE(sum(introduced), 0), COALESCE(sum(level >= 1), 0), COALESCE(sum(level >= 2), 0),
		COALESCE(sum(level >= 3), 0), COALESCE(sum(level >= 4), 0)
		FROM (SELECT c.status,
			EXISTS (SELECT 1 FROM match_views v WHERE v.doc_type = 'challenge' AND v.doc_id = c.id) AS viewed,
			EXISTS (` + intro + `) AS introduced,
			CASE WHEN EXISTS (` + intro + ` AND n.stage = 'registered') OR EXISTS (` + contracts + ` AND k.reg_no != '') THEN 4
				WHEN EXISTS (` + intro + ` AND n.stage IN ('signed', 'registered')) OR EXISTS (` + contracts + `) THEN 3
				WHEN EXISTS (` + intro + ` AND n.stage IN ('confirmed', 'negotiating')) THEN 2
				WHEN EXISTS (` + intro + `) THEN 1 ELSE 0 END AS level
			FROM challenges c JOIN organizations o ON o.id = c.org_id
			WHERE c.posted != '' AND c.posted BETWEEN ? AND ? AND c.status IN ('published', 'closed')` + cond + `)`
	var n ChallengeCounts
	err := db.r.QueryRowContext(ctx, q, append([]any{from, to}, cargs...)...).Scan(&n.Posted, &n.Open, &n.Closed, &n.Viewed,
		&n.Introduced, &n.AtIntro, &n.AtConfirmed, &n.AtContract, &n.AtRegistered)
	if err != nil {
		return n, fmt.Errorf("sqlite: report challenges: %w", err)
	}
	return n, nil
}

// Group is one row of a grouped figure: a key (a code or an id), its
// label, how many, and a second count or a sum where the figure has one.
type Group struct {
	Key    string
	Label  string
	Count  int
	Count2 int   // capabilities: with an introduction; introductions: 双方确认 or later
	Count3 int   // introductions: signed or registered
	Amount int64 // contracts: 元
}

// ReportCapabilities counts the capabilities first published in the
// scope by institute (a capability's region, else its institute's,
// decides its county), with how many of them have an introduction.
func (db *DB) ReportCapabilities(ctx context.Context, sc ReportScope) ([]Group, error) {
	from, to := sc.days()
	cond, cargs := sc.county("COALESCE(NULLIF(c.region, ''), o.region)")
	return db.groups(ctx, `SELECT o.id, o.name, count(*),
		COALESCE(sum(EXISTS (SELECT 1 FROM introductions n WHERE n.capability_id = c.id)), 0), 0, 0
		FROM capabilities c JOIN organizations o ON o.id = c.org_id
		WHERE c.posted != '' AND c.posted BETWEEN ? AND ? AND c.status IN ('published', 'closed')`+cond+`
		GROUP BY o.id ORDER BY count(*) DESC, o.name`, append([]any{from, to}, cargs...)...)
}

// IntroKey is what ReportIntros groups by.
type IntroKey int

// Groupings of introductions.
const (
	IntrosByStage IntroKey = iota
	IntrosByBroker
	IntrosByInstitute
	IntrosByInstituteRegion // the institute side's region code
)

var introKeys = map[IntroKey][2]string{
	IntrosByStage:           {"n.stage", "n.stage"},
	IntrosByBroker:          {"COALESCE(n.broker_id, '')", "COALESCE(NULLIF(b.display_name, ''), b.username, '')"},
	IntrosByInstitute:       {"n.inst_org_id", "io.name"},
	IntrosByInstituteRegion: {"io.region", "io.region"},
}

// ReportIntros counts the introductions made in the scope (by the
// enterprise side's region), grouped: how many, how many both sides
// accepted (双方确认 or later) and how many were signed.
func (db *DB) ReportIntros(ctx context.Context, sc ReportScope, by IntroKey) ([]Group, error) {
	k, ok := introKeys[by]
	if !ok {
		return nil, fmt.Errorf("sqlite: report introductions: unknown grouping %d", by)
	}
	from, to := sc.stamps()
	cond, cargs := sc.county("eo.region")
	return db.groups(ctx, `SELECT `+k[0]+`, min(`+k[1]+`), count(*),
		COALESCE(sum(n.stage IN ('confirmed', 'negotiating', 'signed', 'registered')), 0),
		COALESCE(sum(n.stage IN ('signed', 'registered')), 0), 0
		FROM introductions n JOIN organizations eo ON eo.id = n.ent_org_id JOIN organizations io ON io.id = n.inst_org_id
		LEFT JOIN users b ON b.id = n.broker_id
		WHERE n.created_at >= ? AND n.created_at < ?`+cond+`
		GROUP BY 1 ORDER BY count(*) DESC, 1`, append([]any{from, to}, cargs...)...)
}

// ContractKey is what ReportContracts groups by.
type ContractKey int

// Groupings of contracts.
const (
	ContractsByMonth ContractKey = iota
	ContractsByIndustry
	ContractsByCounty // the enterprise side's region code
	ContractsByType
	ContractsByBroker
	ContractsBySeller       // the institute side
	ContractsBySellerRegion // the institute side's region code
)

var contractKeys = map[ContractKey][2]string{
	ContractsByMonth:        {"substr(k.signed_on, 1, 7)", "substr(k.signed_on, 1, 7)"},
	ContractsByIndustry:     {"COALESCE(ch.industry, cp.industry, '')", "COALESCE(ch.industry, cp.industry, '')"},
	ContractsByCounty:       {"COALESCE(bo.region, '')", "COALESCE(bo.region, '')"},
	ContractsByType:         {"k.type", "k.type"},
	ContractsByBroker:       {"COALESCE(k.broker_id, n.broker_id, '')", "COALESCE(NULLIF(b.display_name, ''), b.username, '')"},
	ContractsBySeller:       {"COALESCE(so.id, k.seller)", "COALESCE(so.name, k.seller)"},
	ContractsBySellerRegion: {"COALESCE(so.region, '')", "COALESCE(so.region, '')"},
}

// contractFrom joins a contract to its introduction, postings and both
// parties: a contract recorded on its own names its postings and maybe
// its parties; one of an introduction takes them from there.
const contractFrom = ` FROM contracts k
	LEFT JOIN introductions n ON n.id = k.intro_id
	LEFT JOIN challenges ch ON ch.id = COALESCE(k.challenge_id, n.challenge_id)
	LEFT JOIN capabilities cp ON cp.id = COALESCE(k.capability_id, n.capability_id)
	LEFT JOIN organizations bo ON bo.id = COALESCE(k.buyer_org_id, n.ent_org_id, ch.org_id)
	LEFT JOIN organizations so ON so.id = COALESCE(k.seller_org_id, n.inst_org_id, cp.org_id)
	LEFT JOIN users b ON b.id = COALESCE(k.broker_id, n.broker_id) `

// ReportContracts counts and sums the contracts signed in the scope (by
// the enterprise side's region), grouped.
func (db *DB) ReportContracts(ctx context.Context, sc ReportScope, by ContractKey) ([]Group, error) {
	k, ok := contractKeys[by]
	if !ok {
		return nil, fmt.Errorf("sqlite: report contracts: unknown grouping %d", by)
	}
	from, to := sc.days()
	cond, cargs := sc.county("bo.region")
	order := "count(*) DESC, sum(k.amount) DESC, 1"
	if by == ContractsByMonth {
		order = "1"
	}
	return db.groups(ctx, `SELECT `+k[0]+`, min(`+k[1]+`), count(*), COALESCE(sum(k.registered_on != ''), 0), 0, COALESCE(sum(k.amount), 0)`+
		contractFrom+`WHERE k.signed_on BETWEEN ? AND ?`+cond+` GROUP BY 1 ORDER BY `+order, append([]any{from, to}, cargs...)...)
}

func (db *DB) groups(ctx context.Context, q string, args ...any) ([]Group, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: report: %w", err)
	}
	defer rows.Close()
	var out []Group
	for rows.Next() {
		var g Group
		var label sql.NullString
		if err := rows.Scan(&g.Key, &label, &g.Count, &g.Count2, &g.Count3, &g.Amount); err != nil {
			return nil, fmt.Errorf("sqlite: report: %w", err)
		}
		g.Label = label.String
		out = append(out, g)
	}
	return out, rows.Err()
}

// ReportReplies are the introductions made in the scope that were
// recommended to both sides: for each, the time from the (first)
// recommendation to the first answer of either side; Waiting counts those
// with no answer yet.
func (db *DB) ReportReplies(ctx context.Context, sc ReportScope) (replies []time.Duration, waiting int, err error) {
	from, to := sc.stamps()
	cond, cargs := sc.county("eo.region")
	rows, err := db.r.QueryContext(ctx, `SELECT r.rec, (SELECT min(e.at) FROM intro_events e
			WHERE e.intro_id = r.id AND e.kind = 'answer' AND e.at >= r.rec)
		FROM (SELECT n.id, (SELECT min(e.at) FROM intro_events e WHERE e.intro_id = n.id AND e.to_stage = 'recommended') AS rec
			FROM introductions n JOIN organizations eo ON eo.id = n.ent_org_id
			WHERE n.created_at >= ? AND n.created_at < ?`+cond+`) r
		WHERE r.rec IS NOT NULL ORDER BY r.id`, append([]any{from, to}, cargs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: report replies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rec string
		var first sql.NullString
		if err := rows.Scan(&rec, &first); err != nil {
			return nil, 0, err
		}
		if !first.Valid {
			waiting++
			continue
		}
		replies = append(replies, parseStamp(first.String).Sub(parseStamp(rec)))
	}
	return replies, waiting, rows.Err()
}

// ReportContractDays are, for the contracts signed in the scope that came
// from an introduction, the days from the introduction (its China date)
// to the signing.
func (db *DB) ReportContractDays(ctx context.Context, sc ReportScope) ([]int, error) {
	from, to := sc.days()
	cond, cargs := sc.county("bo.region")
	rows, err := db.r.QueryContext(ctx, `SELECT n.created_at, k.signed_on`+contractFrom+`
		WHERE n.id IS NOT NULL AND k.signed_on BETWEEN ? AND ?`+cond+` ORDER BY k.id`, append([]any{from, to}, cargs...)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: report contract days: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var created, signed string
		if err := rows.Scan(&created, &signed); err != nil {
			return nil, err
		}
		start := duijie.Today(parseStamp(created))
		days := int(duijie.ParseDate(signed).Sub(start).Hours() / 24)
		out = append(out, max(days, 0))
	}
	return out, rows.Err()
}

// Overdue lists the open introductions past their due time at now, of
// the enterprises of the given counties (none: all), most overdue first,
// and how many there are.
func (db *DB) Overdue(ctx context.Context, now time.Time, counties []string, limit int) ([]duijie.Introduction, int, error) {
	return db.Introductions(ctx, IntroFilter{OverdueAt: now, Counties: counties, Limit: limit})
}

// Exports: every list a broker sees, row by row in the order of its page,
// so that a large list streams into a spreadsheet without being held in
// memory. Drafts are their authors' work and are not exported.

// ChallengeRow is a challenge as exported (no body text: the list, not
