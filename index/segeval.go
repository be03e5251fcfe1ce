package index

import (
	"bufio"
	"io"
	"strings"
	"unicode/utf8"
)

// SegScores are word-segmentation scores as the SIGHAN bakeoff counts them:
// a word is right when both its boundaries are.
type SegScores struct {
	Sentences int
	Gold      int     // gold words
	Found     int     // words segmented
	Precision float64 //
	Recall    float64
	F1        float64
	OOVRecall float64 // recall of gold words not in the training word list
}

// ScoreSegmentation segments every line of a gold file (words separated by
// white space) with cut and scores it. train holds the training word list
// for OOV recall (nil: no OOV recall).
func ScoreSegmentation(gold io.Reader, train map[string]bool, cut func(string) []string) (SegScores, error) {
	var s SegScores
	var right, oov, oovRight int
	sc := bufio.NewScanner(gold)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		words := strings.Fields(sc.Text())
		if len(words) == 0 {
			continue
		}
		s.Sentences++
		got := map[[2]int]bool{}
		at := 0
		for _, w := range cut(strings.Join(words, "")) {
			n := utf8.RuneCountInString(w)
			got[[2]int{at, at + n}] = true
			at += n
			s.Found++
		}
		at = 0
		for _, w := range words {
			n := utf8.RuneCountInString(w)
			hit := got[[2]int{at, at + n}]
			if hit {
				right++
			}
			if train != nil && !train[w] {
				oov++
				if hit {
					oovRight++
				}
			}
			at += n
			s.Gold++
		}
	}
	if err := sc.Err(); err != nil {
		return s, err
	}
	if s.Found > 0 {
		s.Precision = float64(right) / float64(s.Found)
	}
	if s.Gold > 0 {
		s.Recall = float64(right) / float64(s.Gold)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	if oov > 0 {
		s.OOVRecall = float64(oovRight) / float64(oov)
	}
	return s, nil
}

// ReadWordList reads a word list, one word a line.
func ReadWordList(r io.Reader) (map[string]bool, error) {
	m := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			m[w] = true
		}
	}
	return m, sc.Err()
}
