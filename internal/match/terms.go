package match

import (
	"context"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"duijie/index"
)

// Terms picks and weighs the key words of src: title and keywords count
// more than the description; words frequent in the index count little; the
// heaviest MaxTerms are kept, with their synonyms. Phrases are adjacent
// pairs of kept title words.
func (m *Matcher) Terms(ctx context.Context, src Source) ([]index.Term, [][]string, error) {
	q, err := m.query(ctx, src)
	return q.terms, q.phrases, err
}

// query is what Terms finds in a source, and the weight of the source's
// headline words (title and keywords) that no posting of the target
// collection holds: the subject of a posting nobody answers (卤鹅 among
// food capabilities) must lower the confidence in what the remaining,
// more general words match.
type query struct {
	terms   []index.Term
	phrases [][]string
	missing float64 // in the units of the terms' weights (the heaviest kept term = 1)
	// missingTop is the heaviest of those words, in the same units.
	missingTop float64
	// feedback marks the terms added by pseudo-relevance feedback.
	feedback map[string]bool
}

func (m *Matcher) query(ctx context.Context, src Source) (query, error) {
	target := targetOf(src.Type)
	w := m.W
	sw := newSourceWords()
	add := func(text string, weight float64) []index.Word {
		ws := m.ix.Analyze(text)
		sw.add(ws, weight)
		return ws
	}
	titleWords := add(src.Title, w.SrcTitle)
	var keywordWords [][]index.Word
	for _, k := range src.Keywords {
		keywordWords = append(keywordWords, add(k, w.SrcKeywords))
	}
	add(src.Field, w.SrcField)
	add(src.Description, w.SrcDescription)
	words, order := sw.at, m.keyWords(sw.order)
	if len(order) == 0 {
		return query{}, nil
	}
	// A long text has hundreds of words; looking each up in the index costs
	// more than the search. Words that cannot make the cut whatever their
	// idf are left out first, by the weight they would have at equal idf.
	if limit := 3 * w.MaxTerms; len(order) > limit {
		prior := make(map[string]float64, len(order))
		for _, word := range order {
			a := words[word]
			info, _ := m.ix.Lookup(word)
			prior[word] = a.base(w.Repeat) * m.specificity(word, info)
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
	var n, missing, missingTop float64
	for round := 0; round < 2 && len(order) > 0; round++ {
		alts := make([][]string, len(order))
		all := append([]string(nil), order...)
		for i, word := range order {
			alts[i] = m.ix.Synonyms(word)
			all = append(all, alts[i]...)
		}
		df, total, err := m.docFreqs(ctx, target, all)
		if err != nil {
			return query{}, err
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
				if round == 0 && a.best >= min(w.SrcTitle, w.SrcKeywords) && utf8.RuneCountInString(word) > 1 {
					// As heavy as the rarest word could be (df 1).
					mw := a.base(w.Repeat) * math.Log(1+(float64(total)-0.5)/1.5) * m.specificity(word, info)
					missing, missingTop = missing+mw, max(missingTop, mw)
				}
				for _, s := range subs {
					if words[s] == nil && useful(s) {
						words[s] = &wordWeight{best: a.best, count: a.count}
						next = append(next, s)
					}
				}
				continue
			}
			dfOf[word] = d
			idf := math.Log(1 + (n-d+0.5)/(d+0.5))
			weight := a.base(w.Repeat) * idf * m.specificity(word, info)
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
		missing, missingTop = round3(missing/top), round3(missingTop/top)
	}
	if w.Subword > 0 {
		var err error
		if terms, err = m.addSubwords(ctx, target, terms, n); err != nil {
			return query{}, err
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
	return query{terms: terms, phrases: phrases, missing: missing, missingTop: missingTop}, nil
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

// sourceWords gathers the useful words of a source: for each, the weight
// of the best place it stands and how often it comes back, in the order
// first seen.
type sourceWords struct {
	at    map[string]*wordWeight
	order []string
}

type wordWeight struct{ best, count float64 }

func newSourceWords() *sourceWords { return &sourceWords{at: map[string]*wordWeight{}} }

func (sw *sourceWords) add(ws []index.Word, weight float64) {
	for _, word := range ws {
		if !useful(word.Text) {
			continue
		}
		a := sw.at[word.Text]
		if a == nil {
			a = &wordWeight{}
			sw.at[word.Text] = a
			sw.order = append(sw.order, word.Text)
		}
		a.best = max(a.best, weight)
		a.count++
	}
}

// base is a word's weight before idf and specificity: its best place plus
// a bonus for repeats.
func (a *wordWeight) base(repeat float64) float64 { return a.best + repeat*math.Log2(a.count) }

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
