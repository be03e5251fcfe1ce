package index

import (
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// pieceClass says what a segmented piece is.
type pieceClass uint8

const (
	classWord  pieceClass = iota // indexable: Chinese word, Latin word, number, technical token
	classSpace                   // white space: not a token
	classPunct                   // punctuation, symbols, U+FFFD: not indexed, but a word in segmentation scores
)

// piece is one main token of normalised text (offsets into it).
type piece struct {
	start, end int
	tok        *gse.Token // dictionary token, source of sub-words; nil for merged runs
	class      pieceClass
}

// pieces segments normalised text with gse's shortest-path Segment (byte
// offsets, no HMM) and then glues technical tokens that gse splits at
// punctuation back together: pm2 . 5 -> pm2.5, li - ion -> li-ion,
// c + + -> c++, 3 . 14 -> 3.14. Runs of Latin letters and digits are already
// whole in gse's output (5g, sic, co2, 304 before 不锈钢).
func (l *Lexicon) pieces(text []byte) []piece {
	segs := l.seg.Segment(text)
	out := make([]piece, 0, len(segs))
	for i := 0; i < len(segs); i++ {
		s, e := segs[i].Start(), segs[i].End()
		if !isASCIIAlnum(text[s:e]) {
			out = append(out, piece{start: s, end: e, tok: segs[i].Token(), class: classify(text[s:e])})
			continue
		}
		j := i
		for j+2 < len(segs) {
			js, je := segs[j+1].Start(), segs[j+1].End()
			ns, ne := segs[j+2].Start(), segs[j+2].End()
			if je-js == 1 && isJoiner(text[js]) && isASCIIAlnum(text[ns:ne]) {
				j += 2
				continue
			}
			break
		}
		e = segs[j].End()
		// c++ and c#: a suffix of '+' or '#' right after letters, ended by a
		// non-alphanumeric character.
		if isASCIILetters(text[segs[j].Start():e]) {
			k := j
			for k+1 < len(segs) && segs[k+1].End()-segs[k+1].Start() == 1 &&
				(text[segs[k+1].Start()] == '+' || text[segs[k+1].Start()] == '#') && k-j < 2 {
				k++
			}
			if k > j && (k+1 == len(segs) || !isASCIIAlnum(text[segs[k+1].Start():segs[k+1].End()])) {
				j = k
				e = segs[k].End()
			}
		}
		p := piece{start: s, end: e, class: classWord}
		if j == i {
			p.tok = segs[i].Token()
		}
		out = append(out, p)
		i = j
	}
	return out
}

func isJoiner(c byte) bool { return c == '.' || c == '-' || c == '_' }

func isASCIIAlnum(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func isASCIILetters(b []byte) bool {
	for _, c := range b {
		if !(c >= 'a' && c <= 'z') {
			return false
		}
	}
	return len(b) > 0
}

// classify tells words from white space and punctuation.
func classify(b []byte) pieceClass {
	space := true
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		i += size
		switch {
		case isHanRune(r) || r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			return classWord // the common cases, without table look-ups
		case unicode.IsSpace(r):
		case r == utf8.RuneError || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsControl(r):
			space = false
		default:
			return classWord
		}
	}
	if space {
		return classSpace
	}
	return classPunct
}

// isHanRune is unicode.Is(unicode.Han, r) with the common blocks first.
func isHanRune(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF:
		return true
	case r < 0x2E80:
		return false
	}
	return unicode.Is(unicode.Han, r)
}

// Cut segments text into words the way the analyzers do, before stop words
// and sub-words: every word and punctuation mark, white space dropped. The
// words are slices of text (original offsets), so Cut is what segmentation
// scores are measured on.
func (l *Lexicon) Cut(text string) []string {
	n := normalize([]byte(text))
	var out []string
	for _, p := range l.pieces(n.text) {
		if p.class == classSpace {
			continue
		}
		out = append(out, text[n.origOffset(p.start):n.origOffset(p.end)])
	}
	return out
}
