package match

import (
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
	sw := newSourceWords()
	for _, part := range []struct {
		text   string
		weight float64
	}{{src.Title, w.SrcTitle}, {src.Field, w.SrcField}, {src.Description, w.SrcDescription}} {
		sw.add(m.ix.Analyze(part.text), part.weight)
	}
	score := map[string]float64{}
	var order []string
	for _, word := range sw.order {
		info, _ := m.ix.Lookup(word)
		if utf8.RuneCountInString(word) < 2 || !info.Domain && !nounLike(info.POS) {
			continue // 率, 保持, 波动大, 降低: not keywords
		}
		score[word] = sw.at[word].base(w.Repeat) * m.specificity(word, info)
		order = append(order, word)
	}
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
