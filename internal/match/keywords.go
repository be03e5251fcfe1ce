package match

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// Keywords suggests up to n keywords for a draft posting from its own text
// and the lexicon alone: where a word stands (title first), how often it
// comes back, and how specific the dictionary says it is. Unlike Terms it
// never asks the index, so that suggestions cannot reveal which words
// other postings (drafts, confidential bodies) contain.
func (m *Matcher) Keywords(src Source, n int) []string {
	w := m.W
	type acc struct{ best, count float64 }
	words := map[string]*acc{}
	var order []string
	add := func(text string, weight float64) {
		for _, word := range m.ix.Analyze(text) {
			if !useful(word.Text) || utf8.RuneCountInString(word.Text) < 2 {
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
	}
	add(src.Title, w.SrcTitle)
	add(src.Field, w.SrcField)
	add(src.Description, w.SrcDescription)
	score := map[string]float64{}
	kept := order[:0]
	for _, word := range order {
		a := words[word]
		info, _ := m.ix.Lookup(word)
		if !info.Domain && !nounLike(info.POS) {
			continue // 保持, 波动大, 降低: words, not keywords
		}
		score[word] = (a.best + w.Repeat*math.Log2(a.count)) * m.specificity(word, info)
		kept = append(kept, word)
	}
	order = kept
	sort.SliceStable(order, func(i, j int) bool { return score[order[i]] > score[order[j]] })
	if len(order) > n {
		order = order[:n]
	}
	return order
}

// nounLike reports a part of speech a keyword can have: nouns, names,
// Latin terms, or none known (a word gse's dictionary lacks).
func nounLike(pos string) bool {
	return pos == "" || pos == "x" || pos == "eng" || pos == "j" || pos == "vn" || strings.HasPrefix(pos, "n")
}
