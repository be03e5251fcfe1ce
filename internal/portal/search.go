package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"duijie/index"
	"duijie/internal/duijie"
	"duijie/internal/indexer"
	"duijie/internal/match"
)

// Fragment is a piece of highlighted text; Hit marks a matched word.
type Fragment = index.Fragment

// Item is a posting in a list, as the caller may read it.
type Item struct {
	Type       string // "challenge" | "capability"
	ID         string
	Title      []Fragment
	Snippet    []Fragment
	OrgName    string // "" when hidden
	Industry   duijie.Industry
	Kind       duijie.Kind
	Field      string
	Region     duijie.Region
	Modes      []duijie.Mode
	TRL        int
	Status     duijie.Status
	Visibility duijie.Visibility
	Summary    bool // a summary reader: no body, no enterprise
	BudgetMin  int
	BudgetMax  int
	Deadline   time.Time
	Posted     time.Time
	Expired    bool // a published challenge past its deadline (已截止)

	// hidden is set when the item carries the hidden body of a
	// challenge (摘要公开 or 仅科技局可见) to someone outside its
	// enterprise: the list that shows it audits the disclosure.
	hidden duijie.Visibility
}

// SearchParams are a list page's query, filters and paging.
type SearchParams struct {
	Type       string // "challenge" | "capability"
	Q          string
	Industry   string
	RegionTier string
	Region     string // a region code; the county facet offers 六安's
	Kind       string
	Mode       string
	TRLMin     int
	Sort       string // "" (relevance, or newest without Q) | "newest"
	// Expired lists challenges past their deadline too (显示已截止);
	// by default they are left out.
	Expired bool
	Offset  int
	Limit   int
	// NoFacets leaves the facet counts out (the home page shows none):
	// counting them visits every hit's values, the dearest part of a list
	// at 10k postings and more.
	NoFacets bool
}

// Facet is one value of a facet with its count.
type Facet struct {
	Value string
	Label string
	Count int
}

// SearchPage is one page of a list.
type SearchPage struct {
	Params SearchParams
	Total  int
	Items  []Item
	Facets map[string][]Facet // industry, region_tier, region (六安's counties), kind, modes, trl
}

// Limits of a list page.
const (
	DefaultLimit = 20
	MaxLimit     = 50
	MaxOffset    = 1000
	MaxQuery     = 100 // characters
)

// Search lists published postings of one type, searched with p.Q when
// given, newest first otherwise. Hits are checked against the store before
// anything of them is shown; the confidential body of a 摘要公开 challenge
// is searched for brokers only.
func (s *Service) Search(ctx context.Context, a Actor, p SearchParams) (*SearchPage, error) {
	if p.Type != index.DocChallenge && p.Type != index.DocCapability {
		return nil, duijie.Errorf(duijie.ENOTFOUND, "列表不存在")
	}
	p.Q = strings.TrimSpace(p.Q)
	if n := utf8.RuneCountInString(p.Q); n > MaxQuery {
		return nil, &duijie.Error{Code: duijie.EINVALID, Message: "搜索词太长", Fields: map[string]string{"q": "搜索词不能超过 100 个字"}}
	}
	switch {
	case p.Limit <= 0:
		p.Limit = DefaultLimit
	case p.Limit > MaxLimit:
		p.Limit = MaxLimit
	}
	if p.Offset > MaxOffset {
		return nil, &duijie.Error{Code: duijie.EINVALID, Message: "翻页太远",
			Fields: map[string]string{"offset": "最多浏览前 1000 条结果，请用搜索词或筛选条件缩小范围"}}
	}
	p.Offset = max(p.Offset, 0)
	filter, err := s.listFilter(ctx, p)
	if err != nil {
		return nil, err
	}
	if p.Type == index.DocChallenge && !p.Expired {
		// Decided at read time against the date: nothing is written when
		// a deadline passes.
		filter.OpenOn = today(s.now())
	}
	// The reader's audience's index: for anyone but brokers it holds only
	// published postings as an outsider reads them, so a 摘要公开 challenge
	// is found by its title, keywords and field only, answers no region
	// filter and counts in no region facet, and nothing hidden shapes the
	// statistics behind the scores, totals and facets.
	ix, m := s.view(a)
	q := index.Query{Type: p.Type, Filter: filter, Size: p.Offset + p.Limit, Facets: !p.NoFacets, SortByPosted: p.Sort == "newest"}
	var all []index.Term // the query's terms with the sub-words of its compounds
	if p.Q != "" {
		other := index.DocChallenge
		if p.Type == index.DocChallenge {
			other = index.DocCapability
		}
		terms, phrases, err := m.Terms(ctx, match.Source{Type: other, Title: p.Q})
		if err != nil {
			return nil, err
		}
		if len(terms) == 0 {
			return &SearchPage{Params: p}, nil
		}
		all = terms
		q.Terms, q.Phrases, q.PhraseWeight = wholeWords(terms), phrases, 0.5
		q.Fields = []index.FieldBoost{{Field: index.FieldTitle, Boost: 2}, {Field: index.FieldKeywords, Boost: 1.5},
			{Field: index.FieldDescription, Boost: 1}, {Field: index.FieldOrgName, Boost: 0.5}}
	}
	res, err := s.searchIndex(ctx, duijie.AudienceOf(a.User), ix, q, all, p.Sort == "newest" || p.Q == "")
	if err != nil {
		return nil, err
	}
	page := &SearchPage{Params: p, Total: int(res.Total), Facets: facets(res.Facets)}
	var shown disclosures
	defer func() { s.auditDisclosures(ctx, a, shown) }()
	for i := p.Offset; i < len(res.Hits) && len(page.Items) < p.Limit; i++ {
		h := res.Hits[i]
		it, err := s.item(ctx, a, p.Type, h.ID, &h)
		if err != nil {
			return nil, err
		}
		if it == nil { // the store says no: the index was behind
			page.Total--
			continue
		}
		shown.add(it)
		page.Items = append(page.Items, *it)
	}
	return page, nil
}

// listFilter is what every list shows: published postings, not those
// whose change the index has not applied yet (the store decides those).
func (s *Service) listFilter(ctx context.Context, p SearchParams) (index.Filter, error) {
	f := index.Filter{Status: []string{string(duijie.StatusPublished)}}
	for _, x := range []struct {
		v    string
		into *[]string
	}{{p.Industry, &f.Industries}, {p.RegionTier, &f.RegionTiers}, {p.Region, &f.Regions}, {p.Kind, &f.Kinds}, {p.Mode, &f.Modes}} {
		if x.v != "" {
			*x.into = []string{x.v}
		}
	}
	if p.TRLMin > 0 && p.TRLMin <= 9 {
		f.TRLMin = p.TRLMin
	}
	pending, err := s.db.Changes(ctx, indexer.Consumer, 10_000)
	if err != nil {
		return f, err
	}
	for _, c := range pending {
		if c.DocType == p.Type {
			f.ExcludeIDs = append(f.ExcludeIDs, c.DocID)
		}
	}
	return f, nil
}

// sortHits orders hits by score (or newest first), ties by id ascending,
// so that equal scores list the same way every time. The ties go the way
// the index breaks them (by its _id, ascending): a page is cut from the
// index's first offset+limit hits, and any other order would move a tie
// that straddles a page boundary onto both pages.
// searchIndex runs q on an audience's index, widened to all (the query's
// terms with the sub-words of its compounds) when too few postings hold
// the whole concept, with the hits in list order. Results are kept per
// audience until the index changes (see genCache): a list asked again,
// the home page above all, costs the store's reads only. Deep pages and
// a filter that excludes postings the index has not caught up with are
// not kept. The
// result is shared: read it, never modify it.
func (s *Service) searchIndex(ctx context.Context, aud duijie.Audience, ix *index.Index, q index.Query, all []index.Term, newest bool) (*index.Result, error) {
	keep := len(q.Filter.ExcludeIDs) == 0 && q.Size <= maxListHits
	// The generation is read before searching: a write during the search
	// makes the result older than the cache's generation, and it is not
	// kept.
	gen, key := ix.Generation(), searchKey(q, all, newest)
	if keep {
		if res, ok := s.lists.get(aud, gen, key); ok {
			return res, nil
		}
	}
	res, err := ix.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(q.Terms) < len(all) && res.Total < minWhole {
		// Too few postings hold the whole concept: related ones too, the
		// whole concept first (it matches more of the query).
		q.Terms = all
		if res, err = ix.Search(ctx, q); err != nil {
			return nil, err
		}
	}
	sortHits(res.Hits, newest)
	if keep {
		s.lists.put(aud, gen, key, res)
	}
	return res, nil
}

// searchKey identifies a list's index work: the query (type, filter with
// its date, terms, phrases, fields, page size, facets, order) and the
// terms it may widen to.
func searchKey(q index.Query, all []index.Term, newest bool) string {
	b, _ := json.Marshal(struct {
		Q      index.Query
		All    []index.Term
		Newest bool
	}{q, all, newest})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func sortHits(hits []index.Hit, newest bool) {
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if newest && !a.Doc.Posted.Equal(b.Doc.Posted) {
			return a.Doc.Posted.After(b.Doc.Posted)
		}
		if !newest && a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.ID < b.ID
	})
}

// item loads a posting from the store and shapes it for a list as a may
// read it; nil when a may not see it. hit, when given, carries the
// matched spans to highlight.
func (s *Service) item(ctx context.Context, a Actor, typ, id string, hit *index.Hit) (*Item, error) {
	switch typ {
	case index.DocChallenge:
		c, err := s.db.Challenge(ctx, id)
		if duijie.ErrorCode(err) == duijie.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		acc, err := s.challengeAccess(ctx, a, c)
		if err != nil || acc == duijie.AccessNone {
			return nil, err
		}
		it := &Item{Type: typ, ID: c.ID, OrgName: c.OrgName, Industry: c.Industry, Field: c.Field, Region: c.Region,
			Modes: c.Modes, TRL: c.TRLExpect, Status: c.Status, Visibility: c.Visibility, BudgetMin: c.BudgetMin,
			BudgetMax: c.BudgetMax, Deadline: c.Deadline, Posted: c.Posted, Expired: c.Expired(today(s.now()))}
		body := match.ChallengeText(c)
		if acc == duijie.AccessSummary {
			it.Summary, it.OrgName, it.Region, body = true, "", "", ""
		}
		if acc == duijie.AccessFull && c.Visibility != duijie.VisibilityPublic && !a.User.Member(c.OrgID) {
			it.hidden = c.Visibility
		}
		it.Title, it.Snippet = highlight(c.Title, body, hit)
		return it, nil
	case index.DocCapability:
		c, err := s.db.Capability(ctx, id)
		if duijie.ErrorCode(err) == duijie.ENOTFOUND {
			return nil, nil
		}
		if err != nil || duijie.CapabilityAccess(a.User, c) == duijie.AccessNone {
			return nil, err
		}
		it := &Item{Type: typ, ID: c.ID, OrgName: c.OrgName, Industry: c.Industry, Kind: c.Kind, Region: c.Region,
			Modes: c.Modes, TRL: c.TRL, Status: c.Status, Visibility: duijie.VisibilityPublic, Posted: c.Posted,
			Field: strings.Join(c.Fields, "、")}
		it.Title, it.Snippet = highlight(c.Title, match.CapabilityText(c), hit)
		return it, nil
	}
	return nil, nil
}

// highlight marks the hit's spans in title and body, taken from the store;
// spans of an index copy that differs from the store are not used.
func highlight(title, body string, hit *index.Hit) (t, snippet []Fragment) {
	var ts, bs []index.Span
	if hit != nil {
		for _, m := range hit.Matches {
			switch {
			case m.Field == index.FieldTitle && hit.Doc.Title == title:
				ts = append(ts, m.Spans...)
			case m.Field == index.FieldDescription && hit.Doc.Description == body:
				bs = append(bs, m.Spans...)
			}
		}
	}
	return quiet(index.Snippet(title, ts, 1000)), quiet(index.Snippet(body, bs, 120))
}

// quiet unmarks hits of a single character (率, 道: pieces of longer
// query words) and joins the fragments around them: a reader sees the
// words that matched, not the glue.
func quiet(fs []Fragment) []Fragment {
	var out []Fragment
	for _, f := range fs {
		if f.Hit && utf8.RuneCountInString(f.Text) == 1 {
			f.Hit = false
		}
		if n := len(out); n > 0 && !f.Hit && !out[n-1].Hit {
			out[n-1].Text += f.Text
			continue
		}
		out = append(out, f)
	}
	return out
}

// Posting types, as the service's callers name them.
const (
	TypeChallenge  = index.DocChallenge
	TypeCapability = index.DocCapability
)

// Facet names of SearchPage.Facets.
const (
	FacetIndustry   = index.FieldIndustry
	FacetRegionTier = index.FieldRegionTier
	FacetRegion     = index.FieldRegion // 六安's counties
	FacetKind       = index.FieldKind
	FacetModes      = index.FieldModes
	FacetTRL        = index.FieldTRL
)
