package portal

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"duijie/index"
	"duijie/internal/duijie"
	"duijie/internal/importer"
	"duijie/internal/match"
	"duijie/internal/sqlite"
)

// Duplicates. A row duplicates a posting of the same type (found through
// the bureau's index, which holds every posting, drafts and closed ones
// too) or an earlier row of the same file when
//
//   - it belongs to the same organisation and its title is similar: a Dice
//     coefficient of the titles' character bigrams ≥ DupSameOrgTitle; or
//   - whoever it belongs to, title and text are near-identical: both ≥
//     DupTitle and DupText.
//
// Titles and texts are compared case-folded, full-width folded, without
// spaces and punctuation. Candidates are the ten best title matches in
// the index, and the five best among the organisation's own postings.
// Within a file the second rule compares rows of equal normalised titles
// (the index covers the rest).
const (
	DupSameOrgTitle = 0.8
	DupTitle        = 0.9
	DupText         = 0.9
)

// orgChoice is how a row's organisation was resolved.
type orgChoice struct {
	org     *duijie.Organization
	isNew   bool
	row     int    // the first row naming a new organisation
	written string // the name as the row wrote it, when it differs
	problem *importer.Problem
	added   bool // a new organisation already in the batch
}

// plan decides every record of parsed and prepares the batch: first each
// row's organisation and posting (in file order: a new organisation is
// made by the first row that names it), then the duplicate searches in
// the index (in parallel: the slow part), then duplicates within the file
// and the batch, in file order again.
func (s *Service) plan(ctx context.Context, p *ImportPlan, parsed *importer.Parsed, today time.Time) error {
	type planned struct {
		row   ImportRow
		oc    *orgChoice
		post  sqlite.ImportPosting
		typ   string
		entry fileEntry
		dup   *ImportDup
	}
	orgs := map[string]*orgChoice{}
	rows := make([]planned, len(parsed.Records))
	for i, rec := range parsed.Records {
		pl := &rows[i]
		pl.row = ImportRow{Row: rec.Row, Title: rec.Title(), OrgName: rec.Org.Name, Problems: rec.Problems}
		if len(pl.row.Problems) == 0 {
			oc, err := s.resolveOrg(ctx, p.Kind, rec, orgs)
			if err != nil {
				return err
			}
			if oc.problem != nil {
				pr := *oc.problem
				pr.Row = rec.Row
				pl.row.Problems = append(pl.row.Problems, pr)
			}
			pl.oc = oc
		}
		if len(pl.row.Problems) > 0 {
			continue
		}
		org := pl.oc.org
		status, posted := duijie.StatusPending, time.Time{}
		if org.Status == duijie.OrgApproved {
			status, posted = duijie.StatusPublished, today
		}
		pl.row.Posting = status
		var text string
		if c := rec.Challenge; c != nil {
			c.ID, c.OrgID, c.OrgName, c.Region, c.Status, c.Posted = duijie.NewID("ch-"), org.ID, org.Name, org.Region, status, posted
			pl.post, pl.typ, text = sqlite.ImportPosting{Row: rec.Row, Challenge: c}, index.DocChallenge, match.ChallengeText(c)
		} else {
			c := rec.Capability
			c.ID, c.OrgID, c.OrgName, c.Status, c.Posted = duijie.NewID("cap-"), org.ID, org.Name, status, posted
			if c.Region == "" && org.Region.Valid() {
				c.Region = org.Region
			}
			pl.post, pl.typ, text = sqlite.ImportPosting{Row: rec.Row, Capability: c}, index.DocCapability, match.CapabilityText(c)
		}
		pl.entry = newFileEntry(rec.Row, pl.row.Title, text)
	}

	// The index, in parallel: a new organisation has no postings there
	// but may still repeat another's.
	var (
		wg      sync.WaitGroup
		next    atomic.Int64
		errOnce sync.Once
		failed  error
	)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(rows) || ctx.Err() != nil {
					return
				}
				pl := &rows[i]
				if len(pl.row.Problems) > 0 {
					continue
				}
				dup, err := s.storeDup(ctx, pl.typ, pl.oc.org.ID, pl.entry)
				if err != nil {
					errOnce.Do(func() { failed = err })
					return
				}
				pl.dup = dup
			}
		}()
	}
	wg.Wait()
	if failed != nil {
		return failed
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	b := &sqlite.ImportBatch{}
	file := &fileDups{byOrg: map[string][]fileEntry{}, byTitle: map[string][]fileEntry{}}
	for i := range rows {
		pl := &rows[i]
		row := pl.row
		if len(row.Problems) > 0 {
			row.Status = ImportError
			p.Errors++
			p.Rows = append(p.Rows, row)
			continue
		}
		oc := pl.oc
		row.OrgName, row.OrgNote = oc.org.Name, orgNote(oc)
		dup := file.find(oc.org.ID, pl.entry)
		if dup == nil {
			dup = pl.dup
		}
		if dup != nil {
			row.Status, row.Dup = ImportDuplicate, dup
			p.Duplicates++
			p.Rows = append(p.Rows, row)
			continue
		}
		file.add(oc.org.ID, pl.entry)
		row.Status = ImportCreate
		p.Creates++
		if oc.isNew && !oc.added {
			oc.added, oc.row = true, row.Row
			b.Orgs = append(b.Orgs, sqlite.ImportOrg{Row: row.Row, Org: oc.org})
			p.NewOrgs++
		}
		b.Postings = append(b.Postings, pl.post)
		p.Rows = append(p.Rows, row)
	}
	p.batch = b
	return nil
}

func orgNote(oc *orgChoice) string {
	var note string
	switch {
	case oc.isNew && oc.added:
		note = fmt.Sprintf("新建单位（同第 %d 行），待审核", oc.row)
	case oc.isNew:
		note = "新建单位，待审核；通过审核后发布"
	case oc.org.Status == duijie.OrgPending:
		note = "已注册，待审核；通过审核后发布"
	default:
		note = "已注册单位"
	}
	if oc.written != "" {
		note += "；按统一社会信用代码归属，表中写作「" + oc.written + "」"
	}
	return note
}

// resolveOrg finds the organisation a row names: by credit code, or by
// name and kind when no code is given (institutes); one the store does not
// have is made new, pending review, once per file.
func (s *Service) resolveOrg(ctx context.Context, k importer.Kind, rec importer.Record, cache map[string]*orgChoice) (*orgChoice, error) {
	ref := rec.Org
	cols := map[string]string{}
	for _, c := range k.Columns() {
		cols[c.Key] = c.Header
	}
	bad := func(col, format string, args ...any) *orgChoice {
		return &orgChoice{problem: &importer.Problem{Column: cols[col], Message: fmt.Sprintf(format, args...)}}
	}
	key := "name:" + ref.Name
	if ref.CreditCode != "" {
		key = "code:" + ref.CreditCode
	}
	c, ok := cache[key]
	if !ok {
		var err error
		if c, err = s.lookupOrg(ctx, k, rec, cache, bad); err != nil {
			return nil, err
		}
		cache[key] = c
		if c.isNew {
			cache["name:"+ref.Name] = c
		}
	}
	switch {
	case c.problem != nil:
		return c, nil
	case c.isNew && c.org.Name != ref.Name:
		return bad("org_name", "与第 %d 行的统一社会信用代码相同，但单位名称不同（「%s」）", c.row, c.org.Name), nil
	case !c.isNew && c.org.Name != ref.Name:
		cc := *c
		cc.written = ref.Name
		return &cc, nil
	}
	return c, nil
}

// lookupOrg resolves an organisation the file has not named before.
func (s *Service) lookupOrg(ctx context.Context, k importer.Kind, rec importer.Record, cache map[string]*orgChoice,
	bad func(col, format string, args ...any) *orgChoice) (*orgChoice, error) {
	ref := rec.Org
	kindLabel := map[duijie.OrgKind]string{duijie.OrgEnterprise: "企业", duijie.OrgInstitute: "院所", duijie.OrgBureau: "科技局"}
	existing := func(o *duijie.Organization, col string) *orgChoice {
		switch {
		case o.Kind != k.OrgKind():
			return bad(col, "「%s」在系统中是%s，%s只能属于%s", o.Name, kindLabel[o.Kind], k.Label(), kindLabel[k.OrgKind()])
		case o.Status == duijie.OrgRejected:
			return bad(col, "「%s」的注册未通过审核，不能导入", o.Name)
		}
		return &orgChoice{org: o}
	}
	if ref.CreditCode != "" {
		o, err := s.db.OrgByCreditCode(ctx, ref.CreditCode)
		switch duijie.ErrorCode(err) {
		case "":
			return existing(o, "credit_code"), nil
		case duijie.ENOTFOUND:
		default:
			return nil, err
		}
	}
	o, err := s.db.OrgByName(ctx, ref.Name)
	switch {
	case err == nil && ref.CreditCode != "" && o.CreditCode != "":
		return bad("org_name", "单位名称「%s」已注册，但统一社会信用代码不同，请核对", ref.Name), nil
	case err == nil:
		return existing(o, "org_name"), nil
	case duijie.ErrorCode(err) != duijie.ENOTFOUND:
		return nil, err
	}
	if other, ok := cache["name:"+ref.Name]; ok && other.isNew {
		return bad("org_name", "与第 %d 行的单位名称相同，但统一社会信用代码不同", other.row), nil
	}
	return s.newOrg(k, rec, bad), nil
}

// newOrg makes the organisation of a row the store does not know, pending
// review as a registration is.
func (s *Service) newOrg(k importer.Kind, rec importer.Record, bad func(col, format string, args ...any) *orgChoice) *orgChoice {
	ref := rec.Org
	region, ok := duijie.ParseRegion(ref.RegionText)
	if !ok {
		if ref.RegionText == "" {
			return bad("org_region", "「%s」尚未注册，将新建单位：请填写单位所在地区", ref.Name)
		}
		return bad("org_region", "地区「%s」不明确：六安市内请写到区县，如 六安市霍山县", ref.RegionText)
	}
	o := &duijie.Organization{ID: duijie.NewID("org-"), Name: ref.Name, Kind: k.OrgKind(), Region: region, CreditCode: ref.CreditCode,
		Status: duijie.OrgPending}
	if err := o.Validate(); err != nil {
		col := map[string]string{"name": "org_name", "region": "org_region", "credit_code": "credit_code"}
		for f, msg := range err.(*duijie.Error).Fields {
			return bad(col[f], "%s", msg)
		}
	}
	return &orgChoice{org: o, isNew: true, row: rec.Row}
}
