// Package match ranks likely partners both ways (challenge → capabilities,
// capability → challenges): it picks and weighs the key words of a posting,
// searches the index with them, blends the text score with structured
// signals and explains every match in Chinese.
package match

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"
	"unicode/utf8"

	"duijie/index"
	"duijie/internal/duijie"
)

// Searcher is what ranking needs of the index; *index.Index implements it.
type Searcher interface {
	Analyze(text string) []index.Word
	Synonyms(word string) []string
	Lookup(word string) (index.WordInfo, []string)
	DocFreqs(ctx context.Context, typ string, fields, terms []string) (df []uint64, n uint64, err error)
	Search(ctx context.Context, q index.Query) (*index.Result, error)
	Docs(ctx context.Context, typ string, ids []string) (map[string]index.Doc, error)
}

// signalFields are the stored fields the blend reads of every candidate;
// the texts are loaded for the page shown only.
var signalFields = []string{index.FieldKind, index.FieldOrg, index.FieldIndustry, index.FieldRegion,
	index.FieldRegionTier, index.FieldModes, index.FieldTRL, index.FieldStatus, index.FieldVisibility, index.FieldPosted}

// Source is the posting a match starts from, reduced to what ranking reads.
type Source struct {
	Type        string // index.DocChallenge or index.DocCapability
	ID          string
	Title       string
	Keywords    []string
	Field       string
	Description string
	Industry    duijie.Industry
	Modes       []duijie.Mode
	TRL         int // a capability's TRL, or the TRL a challenge expects (0 = unknown)
	Region      duijie.Region
}

// FromChallenge is the source for challenge → capabilities.
func FromChallenge(c *duijie.Challenge) Source {
	return Source{Type: index.DocChallenge, ID: c.ID, Title: c.Title, Keywords: c.Keywords, Field: c.Field,
		Description: ChallengeText(c), Industry: c.Industry, Modes: c.Modes, TRL: c.TRLExpect, Region: c.Region}
}

// FromCapability is the source for capability → challenges.
func FromCapability(c *duijie.Capability) Source {
	return Source{Type: index.DocCapability, ID: c.ID, Title: c.Title,
		Keywords:    append(append([]string(nil), c.Keywords...), c.Fields...),
		Description: CapabilityText(c), Industry: c.Industry, Modes: c.Modes, TRL: c.TRL, Region: c.Region}
}

// Options shape one ranking.
type Options struct {
	LocalFirst bool         // region preference: 六安, then 合肥, then 长三角
	Filter     index.Filter // kind, industry, region, mode, TRL ...
	// Fields restricts the target's text fields searched (nil: all). A
	// summary reader of confidential challenges matches on title and
	// keywords only, so that a hidden body cannot move a ranking.
	Fields []string
	Offset int
	Limit  int // default 10
	Now    time.Time
}

// Matcher ranks with one set of weights and says how confident each match
// is with one calibration.
type Matcher struct {
	ix Searcher
	W  Weights
	C  Calibration
}

// New returns a Matcher with DefaultWeights and DefaultCalibration.
func New(ix Searcher) *Matcher { return &Matcher{ix: ix, W: DefaultWeights, C: DefaultCalibration} }

// Result is a ranked page of matches.
type Result struct {
	Total   int // candidates ranked (at most Weights.Candidates)
	Terms   []index.Term
	Matches []Match
}

// Match is one likely partner with its explanation.
type Match struct {
	Type  string
	ID    string
	Doc   index.Doc
	Score float64
	Parts []Part // the score broken into its parts
	Terms []MatchedTerm
	// Reasons are the structured reasons, in Chinese.
	Reasons []string
	// Title and Snippet are highlighted fragments of the target's text.
	Title   []index.Fragment
	Snippet []index.Fragment

	// Evidence is what the match rests on, comparable across sources;
	// Confidence its calibrated probability of being at least closely
	// related (Matcher.C).
	Evidence   Evidence
	Confidence float64

	hit index.Hit
}

// Part is one signal's contribution to a score.
type Part struct {
	Key    string  // text, coverage, industry, mode, trl, region, freshness
	Label  string  // Chinese
	Signal float64 // in [0, 1]
	Value  float64 // weight × signal
}

// MatchedTerm is a query word found in the target.
type MatchedTerm struct {
	Term   string   // the query word
	Found  string   // the word found, when it was a synonym
	Fields []string // Chinese field names where it was found
	Weight float64  // the word's weight in the query, in (0, 1]
	// Feedback marks a word the source does not say, added because the
	// best partners share it (pseudo-relevance feedback).
	Feedback bool
}

// Match ranks the postings of the other type for src.
func (m *Matcher) Match(ctx context.Context, src Source, opt Options) (*Result, error) {
	target := targetOf(src.Type)
	if target == "" {
		return nil, fmt.Errorf("match: source type %q", src.Type)
	}
	if opt.Limit <= 0 {
		opt.Limit = 10
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	q, err := m.query(ctx, src)
	if err != nil {
		return nil, err
	}
	terms := q.terms
	res := &Result{Terms: terms}
	if len(terms) == 0 {
		return res, nil
	}
	w := m.W
	matches, err := m.rank(ctx, src, target, q, opt)
	if err != nil {
		return nil, err
	}
	if w.Feedback > 0 && len(matches) > 0 {
		fb, err := m.feedback(ctx, target, q, matches)
		if err != nil {
			return nil, err
		}
		if len(fb.terms) > len(q.terms) {
			if matches, err = m.rank(ctx, src, target, fb, opt); err != nil {
				return nil, err
			}
		}
	}
	res.Total = len(matches)
	if opt.Offset >= len(matches) {
		return res, nil
	}
	res.Matches = matches[opt.Offset:min(len(matches), opt.Offset+opt.Limit)]
	ids := make([]string, len(res.Matches))
	for i, mt := range res.Matches {
		ids[i] = mt.ID
	}
	docs, err := m.ix.Docs(ctx, target, ids)
	if err != nil {
		return nil, err
	}
	for i := range res.Matches {
		if d, ok := docs[res.Matches[i].ID]; ok {
			res.Matches[i].Doc = d
		}
		decorate(&res.Matches[i])
	}
	return res, nil
}

// rank finds and scores the candidates of a query, best first.
func (m *Matcher) rank(ctx context.Context, src Source, target string, q query, opt Options) ([]Match, error) {
	w, terms, phrases := m.W, q.terms, q.phrases
	filter := opt.Filter
	// Two stages keep a query cheap on a large index: the heaviest words
	// pick the candidates (short posting lists), then every word, phrase and
	// sub-word scores just those candidates.
	size := max(w.Candidates, opt.Offset+opt.Limit)
	first, err := m.firstStage(ctx, target, terms)
	if err != nil {
		return nil, err
	}
	fs := fields(w, opt.Fields)
	cand, err := m.ix.Search(ctx, index.Query{Type: target, Terms: first, Fields: fs, Filter: filter, Size: size, IDsOnly: true})
	if err != nil || len(cand.Hits) == 0 {
		return nil, err
	}
	filter.IDs = make([]string, len(cand.Hits))
	for i, h := range cand.Hits {
		filter.IDs[i] = h.ID
	}
	hits, err := m.ix.Search(ctx, index.Query{
		Type:         target,
		Terms:        terms,
		Phrases:      phrases,
		PhraseWeight: w.Phrase,
		Fields:       fs,
		Filter:       filter,
		Size:         len(filter.IDs),
		Stored:       signalFields,
	})
	if err != nil {
		return nil, err
	}
	matches := make([]Match, 0, len(hits.Hits))
	for _, h := range hits.Hits {
		matches = append(matches, m.explain(src, q, h, hits.MaxScore, opt))
	}
	sort.SliceStable(matches, func(i, j int) bool {
		if matches[i].Score != matches[j].Score {
			return matches[i].Score > matches[j].Score
		}
		return matches[i].ID < matches[j].ID
	})
	return matches, nil
}

// feedback is q with the words the best partners of a first ranking share
// added as lighter terms.
func (m *Matcher) feedback(ctx context.Context, target string, q query, ranked []Match) (query, error) {
	w := m.W
	top := ranked[:min(len(ranked), w.FeedbackDocs)]
	ids := make([]string, len(top))
	for i, mt := range top {
		ids[i] = mt.ID
	}
	docs, err := m.ix.Docs(ctx, target, ids)
	if err != nil {
		return q, err
	}
	have := map[string]bool{}
	for _, t := range q.terms {
		have[t.Text] = true
		for _, a := range t.Alts {
			have[a] = true
		}
	}
	tf := map[string]float64{}
	var order []string
	for _, id := range ids {
		d := docs[id]
		seen := map[string]bool{}
		for _, word := range m.ix.Analyze(d.Title + "\n" + d.Keywords + "\n" + d.Description) {
			t := word.Text
			if have[t] || word.Glued || utf8.RuneCountInString(t) < 2 || !useful(t) {
				continue
			}
			if _, ok := tf[t]; !ok {
				order = append(order, t)
			}
			tf[t]++
			seen[t] = true
		}
	}
	order = m.keyWords(order)
	if len(order) == 0 {
		return q, nil
	}
	df, n, err := m.docFreqs(ctx, target, order)
	if err != nil {
		return q, err
	}
	type cand struct {
		word  string
		score float64
	}
	var cands []cand
	for i, word := range order {
		d := float64(df[i])
		// Words of one feedback posting only say nothing shared.
		if d < 2 || d > w.GenericShare*float64(n) {
			continue
		}
		info, _ := m.ix.Lookup(word)
		idf := math.Log(1 + (float64(n)-d+0.5)/(d+0.5))
		cands = append(cands, cand{word, math.Log1p(tf[word]) * idf * m.specificity(word, info)})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	cands = cands[:min(len(cands), w.FeedbackTerms)]
	out := q
	out.terms = append([]index.Term(nil), q.terms...)
	out.feedback = map[string]bool{}
	for _, c := range cands {
		out.terms = append(out.terms, index.Term{Text: c.word, Weight: round3(w.Feedback * c.score / cands[0].score)})
		out.feedback[c.word] = true
	}
	return out, nil
}

// targetOf is the type of posting that matches a source of type typ.
func targetOf(typ string) string {
	switch typ {
	case index.DocChallenge:
		return index.DocCapability
	case index.DocCapability:
		return index.DocChallenge
	}
	return ""
}

// firstStage picks the words that fetch candidates: the heaviest
// FirstStage, skipping, in a collection of FirstMinDocs postings or more,
// those in more than FirstShare of them (their posting lists are long) as
// long as FirstStage/4 words remain.
func (m *Matcher) firstStage(ctx context.Context, target string, terms []index.Term) ([]index.Term, error) {
	words := make([]string, len(terms))
	for i, t := range terms {
		words[i] = t.Text
	}
	df, n, err := m.docFreqs(ctx, target, words) // cached by the index
	if err != nil {
		return nil, err
	}
	var first, common []index.Term
	for i, t := range terms {
		// In a small collection every posting list is short: no need to skip.
		if n >= uint64(m.W.FirstMinDocs) && float64(df[i]) > m.W.FirstShare*float64(n) {
			common = append(common, t)
		} else if len(first) < m.W.FirstStage {
			first = append(first, t)
		}
	}
	for _, t := range common {
		if len(first) >= max(1, m.W.FirstStage/4) {
			break
		}
		first = append(first, t)
	}
	return first, nil
}

// fields are the target fields with a boost above zero, of only (all when
// only is nil).
func fields(w Weights, only []string) []index.FieldBoost {
	var out []index.FieldBoost
	for _, f := range []index.FieldBoost{
		{Field: index.FieldTitle, Boost: w.BoostTitle},
		{Field: index.FieldKeywords, Boost: w.BoostKeywords},
		{Field: index.FieldDescription, Boost: w.BoostDescription},
		{Field: index.FieldOrgName, Boost: w.BoostOrgName},
	} {
		if f.Boost > 0 && (only == nil || contains(only, f.Field)) {
			out = append(out, f)
		}
	}
	return out
}
