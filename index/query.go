package index

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Term is one weighted query term. Text and Alts are normalised words as the
// query analyzer emits them; Alts are synonyms searched as the same term.
type Term struct {
	Text   string
	Alts   []string
	Weight float64
}

// FieldBoost weighs a text field.
type FieldBoost struct {
	Field string
	Boost float64
}

// Filter restricts a search. Values within one list are alternatives; the
// lists combine with AND. Empty lists do not filter.
type Filter struct {
	Kinds       []string
	Industries  []string
	RegionTiers []string
	Regions     []string // region codes
	Modes       []string
	Status      []string
	Visibility  []string
	Orgs        []string
	TRLMin      int // 0: no lower bound
	TRLMax      int // 0: no upper bound
	ExcludeIDs  []string
	// OpenOn, when set, keeps challenges whose deadline is on or after it
	// (a challenge without a deadline is always open): a date, midnight UTC.
	OpenOn time.Time
	// IDs restricts the search to these postings of the query's type.
	IDs []string
}

// Query is a search built in code: user input never becomes bleve query
// syntax (热管理:方案 stays two words, AND stays a word).
type Query struct {
	Type string // DocChallenge | DocCapability (required)

	// Terms are OR-ed; a posting's text score is the sum of its matching
	// clauses times the share of clauses it matches (bleve's coordination).
	Terms []Term
	// Phrases are runs of adjacent terms that earn a bonus when they appear
	// together, in order, in the title, keywords or description.
	Phrases      [][]string
	PhraseWeight float64
	// Fields are the text fields searched and their boosts (default: all
	// TextFields, boost 1).
	Fields []FieldBoost

	// Match is raw text for one match query per field with the fields'
	// analyzer (the evaluation baselines); the product uses Terms.
	Match string

	Filter     Filter
	From, Size int
	// SortByPosted lists newest first instead of by score.
	SortByPosted bool
	// Facets asks for counts by kind, industry, region tier, region, mode
	// and TRL.
	Facets bool
	// IDsOnly returns hits without stored fields or match locations: a
	// cheap first stage.
	IDsOnly bool
	// Stored lists the stored fields to load (nil: all). Loading the text
	// of every candidate costs more than scoring it.
	Stored []string
}

// Hit is one posting found.
type Hit struct {
	Type  string
	ID    string
	Score float64
	Doc   Doc
	// Matches lists every query word found, by field, with byte spans of
	// the stored text (for explanations and highlighted snippets).
	Matches []TermMatch
}

// TermMatch is one word found in one field.
type TermMatch struct {
	Field string
	Term  string
	Spans []Span
}

// Span is a byte range [Start, End) of a stored field.
type Span struct{ Start, End int }

// FacetCount is one facet value and how many hits have it.
type FacetCount struct {
	Value string
	Count int
}

// Result is a page of hits.
type Result struct {
	Total    uint64
	MaxScore float64
	Hits     []Hit
	Facets   map[string][]FacetCount
	Took     time.Duration
}

// Search runs q.
func (x *Index) Search(ctx context.Context, q Query) (*Result, error) {
	if q.Type != DocChallenge && q.Type != DocCapability {
		return nil, fmt.Errorf("index: query type %q", q.Type)
	}
	fields := q.Fields
	if len(fields) == 0 {
		for _, f := range TextFields {
			fields = append(fields, FieldBoost{f, 1})
		}
	}
	// The type filter is only needed to list postings: text clauses search
	// fields of q.Type's own (see physical).
	typeFilter := keywordQuery(FieldType, q.Type)
	must := q.Filter.queries()
	if len(q.Filter.IDs) > 0 {
		keys := make([]string, len(q.Filter.IDs))
		for i, id := range q.Filter.IDs {
			keys[i] = docKey(q.Type, id)
		}
		must = append(must, bleve.NewDocIDQuery(keys))
	}

	var should []query.Query
	for _, t := range q.Terms {
		if t.Weight <= 0 {
			continue
		}
		for _, f := range fields {
			for _, w := range append([]string{t.Text}, t.Alts...) {
				tq := bleve.NewTermQuery(w)
				tq.SetField(physical(q.Type, f.Field))
				tq.SetBoost(t.Weight * f.Boost)
				should = append(should, tq)
			}
		}
	}
	// Phrases search only the fields searched: a caller that restricts the
	// fields (a summary reader of confidential postings) must not be
	// answered from the others.
	var phraseFields []string
	for _, f := range fields {
		if f.Field == FieldTitle || f.Field == FieldKeywords || f.Field == FieldDescription {
			phraseFields = append(phraseFields, f.Field)
		}
	}
	for _, p := range q.Phrases {
		for _, f := range phraseFields {
			pq := bleve.NewPhraseQuery(p, physical(q.Type, f))
			pq.SetBoost(q.PhraseWeight)
			should = append(should, pq)
		}
	}
	if q.Match != "" {
		for _, f := range fields {
			mq := bleve.NewMatchQuery(q.Match)
			mq.SetField(physical(q.Type, f.Field))
			mq.SetBoost(f.Boost)
			should = append(should, mq)
		}
	}

	var top query.Query
	switch {
	case len(should) > 0:
		// A conjunction leapfrogs: the text clauses lead and the filters are
		// only advanced to their hits. A boolean must+should would walk
		// every posting of the filters.
		top = bleve.NewDisjunctionQuery(should...)
		if len(must) > 0 {
			top = bleve.NewConjunctionQuery(append(must, top)...)
		}
	case q.Match != "" || len(q.Terms) > 0:
		// Terms that were all stop words: nothing can match.
		top = bleve.NewMatchNoneQuery()
	default:
		top = bleve.NewConjunctionQuery(append(must, typeFilter)...)
	}

	size := q.Size
	if size <= 0 {
		size = 10
	}
	req := bleve.NewSearchRequestOptions(top, size, q.From, false)
	if !q.IDsOnly {
		req.Fields = []string{"*"}
		if q.Stored != nil {
			req.Fields = make([]string, len(q.Stored))
			for i, f := range q.Stored {
				req.Fields[i] = physical(q.Type, f)
			}
		}
		req.IncludeLocations = len(should) > 0
	}
	if q.SortByPosted || len(should) == 0 {
		req.SortBy([]string{"-" + FieldPosted, "_id"})
	} else {
		req.SortBy([]string{"-_score", "_id"})
	}
	if q.Facets {
		for _, f := range []string{FieldKind, FieldIndustry, FieldRegionTier, FieldRegion, FieldModes} {
			req.AddFacet(f, bleve.NewFacetRequest(f, 50))
		}
		trl := bleve.NewFacetRequest(FieldTRL, 9)
		for i := 1; i <= 9; i++ {
			lo, hi := float64(i), float64(i+1)
			trl.AddNumericRange(fmt.Sprint(i), &lo, &hi)
		}
		req.AddFacet(FieldTRL, trl)
	}
	res, err := x.b.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: search: %w", err)
	}
	out := &Result{Total: res.Total, MaxScore: quantize(res.MaxScore), Took: res.Took}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, toHit(h))
	}
	if q.Facets {
		out.Facets = map[string][]FacetCount{}
		for name, fr := range res.Facets {
			var counts []FacetCount
			if fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					counts = append(counts, FacetCount{t.Term, t.Count})
				}
			}
			for _, r := range fr.NumericRanges {
				counts = append(counts, FacetCount{r.Name, r.Count})
			}
			sort.SliceStable(counts, func(i, j int) bool { return counts[i].Value < counts[j].Value })
			out.Facets[name] = counts
		}
	}
	return out, nil
}

func keywordQuery(field, value string) query.Query {
	tq := bleve.NewTermQuery(value)
	tq.SetField(field)
	tq.SetBoost(0) // filters do not score
	return tq
}

func anyOf(field string, values []string) query.Query {
	if len(values) == 1 {
		return keywordQuery(field, values[0])
	}
	qs := make([]query.Query, len(values))
	for i, v := range values {
		qs[i] = keywordQuery(field, v)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

func (f Filter) queries() []query.Query {
	var qs []query.Query
	for _, c := range []struct {
		field  string
		values []string
	}{
		{FieldKind, f.Kinds}, {FieldIndustry, f.Industries}, {FieldRegionTier, f.RegionTiers}, {FieldRegion, f.Regions},
		{FieldModes, f.Modes}, {FieldStatus, f.Status}, {FieldVisibility, f.Visibility}, {FieldOrg, f.Orgs},
	} {
		if len(c.values) > 0 {
			qs = append(qs, anyOf(c.field, c.values))
		}
	}
	if f.TRLMin > 0 || f.TRLMax > 0 {
		var lo, hi *float64
		inc := true
		if f.TRLMin > 0 {
			v := float64(f.TRLMin)
			lo = &v
		}
		if f.TRLMax > 0 {
			v := float64(f.TRLMax)
			hi = &v
		}
		rq := bleve.NewNumericRangeInclusiveQuery(lo, hi, &inc, &inc)
		rq.SetField(FieldTRL)
		rq.SetBoost(0)
		qs = append(qs, rq)
	}
	if !f.OpenOn.IsZero() {
		inc := true
		dq := bleve.NewDateRangeInclusiveQuery(f.OpenOn, time.Time{}, &inc, nil)
		dq.SetField(FieldDeadline)
		dq.SetBoost(0)
		qs = append(qs, dq)
	}
	if len(f.ExcludeIDs) > 0 {
		// expressed by the caller as store ids; both types are excluded
		var keys []string
		for _, id := range f.ExcludeIDs {
			keys = append(keys, docKey(DocChallenge, id), docKey(DocCapability, id))
		}
		bq := bleve.NewBooleanQuery()
		bq.AddMustNot(bleve.NewDocIDQuery(keys))
		bq.AddMust(bleve.NewMatchAllQuery())
		qs = append(qs, bq)
	}
	return qs
}
