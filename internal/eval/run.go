package eval

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"

	"duijie/index"
	"duijie/internal/duijie"
	"duijie/internal/match"
	"duijie/internal/progress"
	"time"
)

// Variant names, in report order.
const (
	VariantDuijie   = "duijie"    // the product's ranking, as the portal uses it
	VariantCJK      = "bleve-cjk" // bleve's cjk analyzer, BM25, whole text as one match query
	VariantGSEPlain = "gse-plain" // stock gse words, BM25, no synonyms, no structured signals
)

// Variants lists every variant.
var Variants = []string{VariantDuijie, VariantCJK, VariantGSEPlain}

// Ranked is one ranked capability.
type Ranked struct {
	ID    string
	Score float64
}

// Report is the outcome of one run.
type Report struct {
	Queries  int             `json:"queries"`
	Variants []VariantReport `json:"variants"`
	// Runs holds every variant's top 100 by challenge, for --run.
	Runs map[string]map[string][]Ranked `json:"-"`
}

// VariantReport is one variant's mean scores.
type VariantReport struct {
	Name     string  `json:"name"`
	NDCG10   float64 `json:"ndcg@10"`
	P5       float64 `json:"p@5"`
	Recall50 float64 `json:"recall@50"`
	MRR      float64 `json:"mrr"`
}

// Options tune a run.
type Options struct {
	Variants []string      // default: all
	Weights  match.Weights // the duijie variant's weights
	Progress io.Writer     // where progress goes when it is a terminal
}

// Run indexes the capabilities once per variant, ranks every judged
// challenge and scores the rankings.
func Run(ctx context.Context, s *Set, opt Options) (*Report, error) {
	if len(opt.Variants) == 0 {
		opt.Variants = Variants
	}
	var queries []Challenge
	for _, c := range s.Challenges {
		for _, g := range s.Qrels[c.ID] {
			if g >= 1 {
				queries = append(queries, c)
				break
			}
		}
	}
	rep := &Report{Queries: len(queries), Runs: map[string]map[string][]Ranked{}}
	for _, v := range opt.Variants {
		ranked, err := runVariant(ctx, v, s, queries, opt)
		if err != nil {
			return nil, err
		}
		rep.Runs[v] = ranked
		var all []Scores
		for _, q := range queries {
			ids := make([]string, len(ranked[q.ID]))
			for i, r := range ranked[q.ID] {
				ids[i] = r.ID
			}
			all = append(all, Score(ids, s.Qrels[q.ID]))
		}
		m := Mean(all)
		rep.Variants = append(rep.Variants, VariantReport{Name: v, NDCG10: m.NDCG10, P5: m.P5, Recall50: m.Recall50, MRR: m.MRR})
	}
	return rep, nil
}

func runVariant(ctx context.Context, v string, s *Set, queries []Challenge, opt Options) (map[string][]Ranked, error) {
	analyzer := map[string]string{VariantDuijie: index.AnalyzerIndex, VariantCJK: "cjk", VariantGSEPlain: index.AnalyzerPlain}[v]
	if analyzer == "" {
		return nil, fmt.Errorf("eval: unknown variant %q (want one of %v)", v, Variants)
	}
	ix, err := memIndex(s, analyzer)
	if err != nil {
		return nil, err
	}
	defer ix.Close()

	m := match.New(ix)
	m.W = opt.Weights
	out := map[string][]Ranked{}
	bar := progress.New(opt.Progress, v+": rank", len(queries))
	for _, q := range queries {
		var ranked []Ranked
		if v == VariantDuijie {
			res, err := m.Match(ctx, q.Source(), match.Options{LocalFirst: true, Limit: 100, Now: latest(s)})
			if err != nil {
				return nil, err
			}
			for _, mt := range res.Matches {
				ranked = append(ranked, Ranked{mt.ID, mt.Score})
			}
		} else {
			res, err := ix.Search(ctx, index.Query{Type: index.DocCapability, Match: q.Text(), Size: 100})
			if err != nil {
				return nil, err
			}
			for _, h := range res.Hits {
				ranked = append(ranked, Ranked{h.ID, h.Score})
			}
		}
		// Equal scores up to float noise rank by id, so runs repeat exactly
		// (bleve sums a match query's clauses in no fixed order).
		sort.SliceStable(ranked, func(i, j int) bool {
			a, b := math.Round(ranked[i].Score*1e6), math.Round(ranked[j].Score*1e6)
			if a != b {
				return a > b
			}
			return ranked[i].ID < ranked[j].ID
		})
		out[q.ID] = ranked
		bar.Add(1)
	}
	bar.Done()
	return out, nil
}

// latest is the newest posting date of the set: freshness is measured from
// it, so a run scores the same any day.
func latest(s *Set) (t time.Time) {
	for _, c := range s.Capabilities {
		if p := duijie.ParseDate(c.Posted); p.After(t) {
			t = p
		}
	}
	for _, c := range s.Challenges {
		if p := duijie.ParseDate(c.Posted); p.After(t) {
			t = p
		}
	}
	return t
}

// WriteRun writes TREC run lines: challenge_id Q0 capability_id rank score variant.
func (r *Report) WriteRun(w io.Writer) error {
	for _, v := range r.Variants {
		run := r.Runs[v.Name]
		ids := make([]string, 0, len(run))
		for id := range run {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			for i, x := range run[id] {
				if _, err := fmt.Fprintf(w, "%s Q0 %s %d %.6f %s\n", id, x.ID, i+1, x.Score, v.Name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// memIndex indexes the set's capabilities in memory with analyzer, in one
// batch: one segment, so BM25 statistics do not depend on when background
// merges happen and every run scores the same.
func memIndex(s *Set, analyzer string) (*index.Index, error) {
	ix, err := index.OpenMem(analyzer)
	if err != nil {
		return nil, err
	}
	docs := make([]index.Doc, 0, len(s.Capabilities))
	for _, c := range s.Capabilities {
		docs = append(docs, c.Doc())
	}
	if err := ix.Upsert(docs...); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}
