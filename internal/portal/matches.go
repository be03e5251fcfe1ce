package portal

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"duijie/index"
	"duijie/internal/duijie"
	"duijie/internal/match"
)

// MatchItem is one likely partner, explained.
type MatchItem struct {
	Item
	Score   float64 // the ranking's score (relative to this ranking)
	Parts   []match.Part
	Terms   []match.MatchedTerm
	Reasons []string
	// Confidence is the calibrated probability that the pair is at least
	// closely related: the same number means the same across postings.
	Confidence float64
	Level      string // 很可能相关, 可能相关 or 仅领域相近
	// Chips and Rows are Terms and Parts as a page prints them, made once
	// here rather than by template functions for every card.
	Chips []Chip
	Rows  []PartRow
}

// Chip is a matched word as a page shows it.
type Chip struct {
	Term, Found string
	Where       string // the fields it was found in: 标题、正文
	Short       string // the same, short: 标题·正文
}

// PartRow is one part of a score as a page shows it.
type PartRow struct{ Label, Value string }

// presentation fills the chips and rows of a match item.
func (mi *MatchItem) presentation() {
	for _, t := range mi.Terms {
		if len(t.Fields) > 0 {
			mi.Chips = append(mi.Chips, Chip{Term: t.Term, Found: t.Found, Where: strings.Join(t.Fields, "、"), Short: strings.Join(t.Fields, "·")})
		}
	}
	for _, p := range mi.Parts {
		mi.Rows = append(mi.Rows, PartRow{Label: p.Label, Value: strconv.FormatFloat(p.Value, 'f', 2, 64)})
	}
}

// MatchPage is the ranked partners of one posting.
type MatchPage struct {
	Type       string // the source's type
	ID         string
	Title      string
	LocalFirst bool
	Offset     int
	Limit      int
	Total      int
	Top        float64      // the best score of the ranking
	Terms      []index.Term // the key words the engine searched with
	Items      []MatchItem
	// Strong reports whether any partner of the ranking is at least
	// possibly related (match.Possible); without one the page says so and
	// suggests what helps instead of listing weak hits.
	Strong bool
}

// Matches ranks the partners of a posting the caller may read in full:
// capabilities for a challenge, challenges for a capability. Every
// partner is checked against the store; a 摘要公开 challenge is matched
// on title and keywords only for anyone but brokers, and shown redacted.
func (s *Service) Matches(ctx context.Context, a Actor, typ, id string, localFirst bool, offset, limit int) (*MatchPage, error) {
	if limit <= 0 || limit > MaxLimit {
		limit = 10
	}
	offset = min(max(offset, 0), MaxOffset)
	page := &MatchPage{Type: typ, ID: id, LocalFirst: localFirst, Offset: offset, Limit: limit}
	var src match.Source
	// Freshness counts whole days (postings carry a date): a ranking stays
	// the same all day long, whenever it is asked for.
	opt := match.Options{LocalFirst: localFirst, Offset: 0, Limit: offset + limit, Now: today(s.now()),
		Filter: index.Filter{Status: []string{string(duijie.StatusPublished)}}}
	if localFirst {
		// Local first reorders a wider list: a 六安 partner from further
		// down may move up among the comparable ones.
		opt.Limit = max(opt.Limit, localWindow)
	}
	if typ == index.DocCapability {
		// Challenges past their deadline rank for nobody.
		opt.Filter.OpenOn = opt.Now
	}
	switch typ {
	case index.DocChallenge:
		c, err := s.challenge(ctx, a, id, false) // the page that shows it audits the view
		if err != nil {
			return nil, err
		}
		if c.Access != duijie.AccessFull {
			return nil, duijie.Errorf(duijie.ENOTFOUND, "技术需求不存在或未公开")
		}
		src, page.Title = match.FromChallenge(&c.Challenge), c.Title
	case index.DocCapability:
		c, err := s.Capability(ctx, a, id)
		if err != nil {
			return nil, err
		}
		src, page.Title = match.FromCapability(&c.Capability), c.Title
	default:
		return nil, duijie.Errorf(duijie.ENOTFOUND, "不存在")
	}
	target := index.DocCapability
	if typ == index.DocCapability {
		target = index.DocChallenge
	}
	pending, err := s.listFilter(ctx, SearchParams{Type: target})
	if err != nil {
		return nil, err
	}
	opt.Filter.ExcludeIDs = pending.ExcludeIDs
	// One ranking over the reader's audience's index: for anyone but
	// brokers it holds published postings as an outsider reads them (a
	// 摘要公开 challenge by title, keywords and field, without body,
	// enterprise or region), so every candidate is scored on one scale and
	// nothing hidden counts in a score, a statistic or the order.
	ix, m := s.view(a)
	aud := duijie.AudienceOf(a.User)
	// The generation is read before ranking: a write during the ranking
	// makes the result older than the cache's generation, and it is not kept.
	gen, key := ix.Generation(), matchKey(src, opt)
	r, ok := s.matches.get(aud, gen, key)
	if !ok || len(opt.Filter.ExcludeIDs) > 0 {
		if r, err = m.Match(ctx, src, opt); err != nil {
			return nil, err
		}
		if len(opt.Filter.ExcludeIDs) == 0 { // the index is behind the store: rank afresh until it caught up
			s.matches.put(aud, gen, key, r)
		}
	}
	page.Total = r.Total
	for _, t := range r.Terms {
		if utf8.RuneCountInString(t.Text) > 1 {
			page.Terms = append(page.Terms, t)
		}
	}
	all := r.Matches
	if localFirst {
		all = localOrder(all)
	}
	if len(all) > 0 {
		page.Top = all[0].Score
	}
	for _, m := range all {
		page.Strong = page.Strong || m.Confidence >= match.Possible
	}
	var shown disclosures
	defer func() { s.auditDisclosures(ctx, a, shown) }()
	for i := offset; i < len(all) && len(page.Items) < limit; i++ {
		m := all[i]
		it, err := s.item(ctx, a, target, m.ID, nil)
		if err != nil {
			return nil, err
		}
		if it == nil {
			page.Total--
			continue
		}
		shown.add(it)
		mi := MatchItem{Item: *it, Score: m.Score, Parts: m.Parts, Terms: found(m.Terms, MaxChips), Reasons: m.Reasons,
			Confidence: m.Confidence, Level: match.Level(m.Confidence)}
		if it.Summary {
			mi.Parts, mi.Reasons = withoutRegion(m.Parts, m.Reasons)
		} else {
			mi.Title, mi.Snippet = quiet(m.Title), quiet(m.Snippet)
		}
		mi.presentation()
		page.Items = append(page.Items, mi)
	}
	return page, nil
}

// today is the date in China of t, as stored (midnight UTC).
func today(t time.Time) time.Time { return duijie.Today(t) }

// MaxChips is how many matched words a match shows.
const MaxChips = 8

// found keeps the query words found in the target, heaviest first, at
// most n.
func found(terms []match.MatchedTerm, n int) []match.MatchedTerm {
	var out []match.MatchedTerm
	for _, t := range terms {
		// A single character found somewhere explains nothing to a reader.
		if len(t.Fields) > 0 && utf8.RuneCountInString(t.Term) > 1 {
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Weight > out[j].Weight })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// withoutRegion drops what would tell a summary reader where a 摘要公开
// challenge's enterprise is.
func withoutRegion(parts []match.Part, reasons []string) ([]match.Part, []string) {
	var ps []match.Part
	for _, p := range parts {
		if p.Key != "region" {
			ps = append(ps, p)
		}
	}
	var rs []string
	for _, r := range reasons {
		if !strings.HasPrefix(r, "地域") {
			rs = append(rs, r)
		}
	}
	return ps, rs
}

// localWindow is how many ranked partners local first reorders.
const localWindow = 50

// localOrder puts, among partners of the same confidence level (很可能相关,
// 可能相关, 仅领域相近: comparable hits), those of 六安 first, then 合肥, then
// the rest of 长三角, keeping the ranking's order otherwise. A partner
// whose region the reader may not know (a 摘要公开 challenge) keeps its
// place among the others. The ranking's own slice is not touched (it may
// be cached).
func localOrder(ms []match.Match) []match.Match {
	out := append([]match.Match(nil), ms...)
	level := func(m match.Match) int {
		switch {
		case m.Confidence >= match.Likely:
			return 0
		case m.Confidence >= match.Possible:
			return 1
		}
		return 2
	}
	tier := func(m match.Match) int {
		switch duijie.Tier(m.Doc.RegionTier) {
		case duijie.TierLocal:
			return 0
		case duijie.TierHefei:
			return 1
		case duijie.TierYRD:
			return 2
		}
		return 3
	}
	sort.SliceStable(out, func(i, j int) bool {
		if li, lj := level(out[i]), level(out[j]); li != lj {
			return li < lj
		}
		return tier(out[i]) < tier(out[j])
	})
	return out
}
