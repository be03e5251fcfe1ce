package bench

import (
	"context"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2/analysis"

	"duijie/index"
)

// More-like-this settings. MaxQueryTerms and MinDocFreq are the defaults of
// Elasticsearch's more_like_this query (max_query_terms 25, min_doc_freq 5).
// MinTermFreq is 1, not Elasticsearch's 2: a short challenge repeats few
// of its words, and with 2 it would keep only those few, whatever their
// weight.
const (
	MLTMaxQueryTerms = 25
	MLTMinTermFreq   = 1
	MLTMinDocFreq    = 5
)

// DocFreqer gives document frequencies; *index.Index implements it.
type DocFreqer interface {
	DocFreqs(ctx context.Context, typ string, fields, terms []string) (df []uint64, n uint64, err error)
}

// MLTTerm is one term of the source chosen for a more-like-this query.
type MLTTerm struct {
	Term  string
	TF    int     // occurrences in the source, as analysed
	DF    uint64  // postings holding it (largest over the fields searched)
	Score float64 // TF × idf
}

// MLTIdf is the idf Lucene's MoreLikeThis ranks terms with (its
// ClassicSimilarity): 1 + ln((n+1)/(df+1)).
func MLTIdf(df, n uint64) float64 {
	return 1 + math.Log(float64(n+1)/float64(df+1))
}

// MLTTerms picks the source text's terms for a more-like-this query, as
// Lucene's MoreLikeThis does: the text analysed with the analyzer of the
// fields searched, each distinct term scored tf in the text × idf in the
// index (document frequency: the largest over fields, as DocFreqs gives
// it), terms below minTF or minDF (or absent from the index) dropped, the
// best max kept, ties by term so runs repeat.
func MLTTerms(ctx context.Context, ix DocFreqer, an analysis.Analyzer, typ string, fields []string, text string, max, minTF, minDF int) ([]MLTTerm, error) {
	tf := map[string]int{}
	var order []string
	for _, tok := range an.Analyze([]byte(text)) {
		t := string(tok.Term)
		if tf[t] == 0 {
			order = append(order, t)
		}
		tf[t]++
	}
	var terms []string
	for _, t := range order {
		if tf[t] >= minTF {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return nil, nil
	}
	df, n, err := ix.DocFreqs(ctx, typ, fields, terms)
	if err != nil {
		return nil, err
	}
	out := make([]MLTTerm, 0, len(terms))
	for i, t := range terms {
		if df[i] == 0 || df[i] < uint64(minDF) {
			continue
		}
		out = append(out, MLTTerm{Term: t, TF: tf[t], DF: df[i], Score: float64(tf[t]) * MLTIdf(df[i], n)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Term < out[j].Term
	})
	return out[:min(len(out), max)], nil
}

// MLTQuery is the more-like-this query of the chosen terms: each term in
// every text field, OR-ed, scored by the index's BM25, ids and scores only.
func MLTQuery(typ string, terms []MLTTerm, size int) index.Query {
	q := index.Query{Type: typ, Size: size, IDsOnly: true}
	for _, t := range terms {
		q.Terms = append(q.Terms, index.Term{Text: t.Term, Weight: 1})
	}
	return q
}
