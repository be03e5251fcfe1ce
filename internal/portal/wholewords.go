package portal

import (
	"strings"

	"duijie/index"
)

// wholeWords keeps a searched compound whole: the sub-words of a word
// postings hold (高温 and 合金 of 高温合金, 电池 of 锂电池) are dropped, so
// that a search for 高温合金 does not list what says only 高温, nor 锂电池
// 太阳电池. Where no posting holds the compound the engine has already
// put its sub-words in its place, and they stay; where fewer than
// minWhole postings hold it, Search asks again with them.
func wholeWords(terms []index.Term) []index.Term {
	var out []index.Term
	for i, t := range terms {
		part := false
		for j, u := range terms {
			if i != j && len(u.Text) > len(t.Text) && strings.Contains(u.Text, t.Text) {
				part = true
				break
			}
		}
		if !part {
			out = append(out, t)
		}
	}
	return out
}

// minWhole is how many postings must hold the whole concept for a search
// to list only them.
const minWhole = 5
