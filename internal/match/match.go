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
	"strings"
	"time"
	"unicode"
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
	Region      string
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
	Offset     int
	Limit      int // default 10
	Now        time.Time
}

// Matcher ranks with one set of weights.
type Matcher struct {
	ix Searcher
	W  Weights
}

// New returns a Matcher with DefaultWeights.
func New(ix Searcher) *Matcher { return &Matcher{ix: ix, W: DefaultWeights} }

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
	terms, phrases, err := m.Terms(ctx, src)
	if err != nil {
		return nil, err
	}
	res := &Result{Terms: terms}
	if len(terms) == 0 {
		return res, nil
	}
	w := m.W
	filter := opt.Filter
	// Two stages keep a query cheap on a large index: the heaviest words
	// pick the candidates (short posting lists), then every word, phrase and
	// sub-word scores just those candidates.
	size := max(w.Candidates, opt.Offset+opt.Limit)
	first, err := m.firstStage(ctx, target, terms)
	if err != nil {
		return nil, err
	}
	cand, err := m.ix.Search(ctx, index.Query{Type: target, Terms: first, Fields: fields(w), Filter: filter, Size: size, IDsOnly: true})
	if err != nil {
		return nil, err
	}
	if len(cand.Hits) == 0 {
		return res, nil
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
		Fields:       fields(w),
		Filter:       filter,
		Size:         len(filter.IDs),
		Stored:       signalFields,
	})
	if err != nil {
		return nil, err
	}
	matches := make([]Match, 0, len(hits.Hits))
	for _, h := range hits.Hits {
		matches = append(matches, m.explain(src, terms, h, hits.MaxScore, opt))
	}
	sort.SliceStable(matches, func(i, j int) bool {
		if matches[i].Score != matches[j].Score {
			return matches[i].Score > matches[j].Score
		}
		return matches[i].ID < matches[j].ID
	})
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

// fields are the target fields with a boost above zero.
func fields(w Weights) []index.FieldBoost {
	var out []index.FieldBoost
	for _, f := range []index.FieldBoost{
		{Field: index.FieldTitle, Boost: w.BoostTitle},
		{Field: index.FieldKeywords, Boost: w.BoostKeywords},
		{Field: index.FieldDescription, Boost: w.BoostDescription},
		{Field: index.FieldOrgName, Boost: w.BoostOrgName},
	} {
		if f.Boost > 0 {
			out = append(out, f)
		}
	}
	return out
}

// Terms picks and weighs the key words of src: title and keywords count
// more than the description; words frequent in the index count little; the
// heaviest MaxTerms are kept, with their synonyms. Phrases are adjacent
// pairs of kept title words.
func (m *Matcher) Terms(ctx context.Context, src Source) ([]index.Term, [][]string, error) {
	target := targetOf(src.Type)
	w := m.W
	type acc struct{ best, count float64 }
	words := map[string]*acc{}
	var order []string
	add := func(text string, weight float64) []index.Word {
		ws := m.ix.Analyze(text)
		for _, word := range ws {
			if !useful(word.Text) {
				continue
			}
			a := words[word.Text]
			if a == nil {
				a = &acc{}
				words[word.Text] = a
				order = append(order, word.Text)
			}
			a.best = max(a.best, weight)
			a.count++
		}
		return ws
	}
	titleWords := add(src.Title, w.SrcTitle)
	var keywordWords [][]index.Word
	for _, k := range src.Keywords {
		keywordWords = append(keywordWords, add(k, w.SrcKeywords))
	}
	add(src.Field, w.SrcField)
	add(src.Description, w.SrcDescription)
	if len(order) == 0 {
		return nil, nil, nil
	}
	// A long text has hundreds of words; looking each up in the index costs
	// more than the search. Words that cannot make the cut whatever their
	// idf are left out first, by the weight they would have at equal idf.
	if limit := 3 * w.MaxTerms; len(order) > limit {
		prior := make(map[string]float64, len(order))
		for _, word := range order {
			a := words[word]
			info, _ := m.ix.Lookup(word)
			prior[word] = (a.best + w.Repeat*math.Log2(a.count)) * m.specificity(word, info)
		}
		sort.SliceStable(order, func(i, j int) bool { return prior[order[i]] > prior[order[j]] })
		order = order[:limit]
	}

	var terms []index.Term
	// Words found in no posting cannot match; a compound among them (大气环流
	// where postings say 大气 and 环流 apart) gives way to its sub-words,
	// which inherit its place in the source. One round is enough: sub-words
	// of sub-words are already among the sub-words.
	dfOf := map[string]float64{}
	var n float64
	for round := 0; round < 2 && len(order) > 0; round++ {
		alts := make([][]string, len(order))
		all := append([]string(nil), order...)
		for i, word := range order {
			alts[i] = m.ix.Synonyms(word)
			all = append(all, alts[i]...)
		}
		df, total, err := m.docFreqs(ctx, target, all)
		if err != nil {
			return nil, nil, err
		}
		n = float64(total)
		next, at := []string(nil), len(order)
		for i, word := range order {
			a := words[word]
			d := float64(df[i])
			for range alts[i] {
				d = max(d, float64(df[at]))
				at++
			}
			info, subs := m.ix.Lookup(word)
			if d == 0 {
				for _, s := range subs {
					if words[s] == nil && useful(s) {
						words[s] = &acc{best: a.best, count: a.count}
						next = append(next, s)
					}
				}
				continue
			}
			dfOf[word] = d
			idf := math.Log(1 + (n-d+0.5)/(d+0.5))
			weight := (a.best + w.Repeat*math.Log2(a.count)) * idf * m.specificity(word, info)
			if weight > 0 {
				terms = append(terms, index.Term{Text: word, Alts: alts[i], Weight: weight})
			}
		}
		order = next
	}
	sort.SliceStable(terms, func(i, j int) bool { return terms[i].Weight > terms[j].Weight })
	// Generic words are expensive to search (long posting lists) and tell
	// little: past the KeepTop heaviest, a word in more than GenericShare of
	// the postings is left out.
	specific := terms[:0]
	for i, t := range terms {
		if i < w.KeepTop || dfOf[t.Text] <= w.GenericShare*n {
			specific = append(specific, t)
		}
	}
	terms = specific
	if len(terms) > w.MaxTerms {
		terms = terms[:w.MaxTerms]
	}
	if len(terms) > 0 {
		top := terms[0].Weight
		for i := range terms {
			terms[i].Weight = round3(terms[i].Weight / top)
		}
	}
	if w.Subword > 0 {
		var err error
		if terms, err = m.addSubwords(ctx, target, terms, n); err != nil {
			return nil, nil, err
		}
	}

	// Phrases: every given keyword of several words (an unknown compound
	// that the dictionary splits, 变化探测 -> 变化 探测) and adjacent pairs
	// of kept title words must appear together to earn the bonus.
	kept := map[string]bool{}
	for _, t := range terms {
		kept[t.Text] = true
	}
	var phrases [][]string
	seen := map[string]bool{}
	addPhrase := func(p []string) {
		key := strings.Join(p, "\x00")
		if len(p) >= 2 && len(phrases) < w.MaxPhrases && !seen[key] {
			seen[key] = true
			phrases = append(phrases, p)
		}
	}
	for _, ws := range keywordWords {
		for _, run := range consecutiveRuns(ws) {
			addPhrase(run)
		}
	}
	var mainTitle []index.Word
	for _, tw := range titleWords {
		if !tw.Glued {
			mainTitle = append(mainTitle, tw)
		}
	}
	for i := 1; i < len(mainTitle); i++ {
		a, b := mainTitle[i-1], mainTitle[i]
		if b.Pos == a.Pos+1 && kept[a.Text] && kept[b.Text] && a.Text != b.Text {
			addPhrase([]string{a.Text, b.Text})
		}
	}
	return terms, phrases, nil
}

// docFreqs is the number of postings that hold each word in their title,
// keywords or description.
func (m *Matcher) docFreqs(ctx context.Context, target string, words []string) ([]uint64, uint64, error) {
	return m.ix.DocFreqs(ctx, target, []string{index.FieldDescription, index.FieldTitle, index.FieldKeywords}, words)
}

// consecutiveRuns splits analysed words where a stop word left a gap.
func consecutiveRuns(ws []index.Word) [][]string {
	var runs [][]string
	var cur []string
	last := 0
	for _, w := range ws {
		if w.Glued {
			continue
		}
		if len(cur) > 0 && w.Pos != last+1 {
			runs = append(runs, cur)
			cur = nil
		}
		cur = append(cur, w.Text)
		last = w.Pos
	}
	return append(runs, cur)
}

// specificity says how much a word can tell postings apart, whatever its
// frequency in the index: domain words most, general-language words less.
func (m *Matcher) specificity(word string, info index.WordInfo) float64 {
	w := m.W
	spec := 1.0
	if info.Domain {
		spec = w.DomainBonus
	} else {
		switch p := info.POS; {
		case p == "" || p == "x" || p == "eng" || p == "j" || strings.HasPrefix(p, "n") || p == "vn":
		case strings.HasPrefix(p, "v"):
			spec = w.PosVerb
		default:
			spec = w.PosOther
		}
		spec /= 1 + w.FreqDamp*math.Log10(1+info.Freq/1000)
	}
	if utf8.RuneCountInString(word) == 1 {
		spec *= w.SingleRune
	}
	return spec
}

// addSubwords adds the sub-words of kept compounds as lighter terms, leaving
// out those in no posting and the generic ones.
func (m *Matcher) addSubwords(ctx context.Context, target string, terms []index.Term, n float64) ([]index.Term, error) {
	have := map[string]bool{}
	for _, t := range terms {
		have[t.Text] = true
		for _, a := range t.Alts {
			have[a] = true
		}
	}
	var subs []index.Term
	for _, t := range terms {
		_, ss := m.ix.Lookup(t.Text)
		for _, s := range ss {
			if have[s] || !useful(s) {
				continue
			}
			have[s] = true
			info, _ := m.ix.Lookup(s)
			if weight := round3(t.Weight * m.W.Subword * min(1, m.specificity(s, info))); weight > 0 {
				subs = append(subs, index.Term{Text: s, Weight: weight})
			}
		}
	}
	if len(subs) == 0 {
		return terms, nil
	}
	words := make([]string, len(subs))
	for i, s := range subs {
		words[i] = s.Text
	}
	df, _, err := m.docFreqs(ctx, target, words)
	if err != nil {
		return nil, err
	}
	var kept []index.Term
	for i, s := range subs {
		if d := float64(df[i]); d > 0 && d <= m.W.GenericShare*n {
			kept = append(kept, s)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].Weight > kept[j].Weight })
	return append(terms, kept[:min(len(kept), m.W.MaxSubwords)]...), nil
}

// useful drops words that carry no matching signal whatever their
// frequency: numbers, single Latin letters, punctuation-like leftovers.
func useful(word string) bool {
	letters := 0
	for _, r := range word {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters == 0 {
		return false
	}
	if !strings.ContainsFunc(word, func(r rune) bool { return unicode.Is(unicode.Han, r) }) && len(word) < 2 {
		return false
	}
	return true
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
