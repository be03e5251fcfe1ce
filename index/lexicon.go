package index

import (
	"bufio"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"

	"duijie/data"
)

// domainFreq is the frequency given to domain-dictionary words that gse's
// dictionary does not know. It is high enough for a domain term to win the
// shortest path against its parts (锂离子电池 over 锂/离子/电池) and low
// enough not to steal characters from ordinary words around it; the icwb2
// check in segeval_test.go guards the second half.
const domainFreq = 500

// maxSubwordCache bounds the sub-word cache of a lexicon.
const maxSubwordCache = 500_000

// Sources is the text of the dictionaries a Lexicon is built from.
type Sources struct {
	Base     string // gse dictionary lines: "word freq [pos]"
	Domain   string // "word [pos]" lines, '#' comments
	Stop     string // one word a line, '#' comments
	Synonyms string // comma-separated groups, canonical first, '#' comments
}

// EmbeddedSources returns the dictionaries shipped in data/dict. With domain
// false only gse's own dictionary is used (the gse-plain variant).
func EmbeddedSources(domain bool) (Sources, error) {
	read := func(name string) (string, error) {
		b, err := fs.ReadFile(data.Dict, "dict/"+name)
		if err != nil {
			return "", fmt.Errorf("index: embedded dictionary %s: %w", name, err)
		}
		return string(b), nil
	}
	var s Sources
	var err error
	if s.Base, err = read("gse_zh_s.txt"); err != nil || !domain {
		return s, err
	}
	if s.Domain, err = read("domain.txt"); err != nil {
		return s, err
	}
	if s.Stop, err = read("stopwords.txt"); err != nil {
		return s, err
	}
	s.Synonyms, err = read("synonyms.txt")
	return s, err
}

// Lexicon is an immutable segmenter with its stop words and synonyms. It is
// never changed after NewLexicon returns: to add words, build a new Lexicon
// and swap it in with SetLexicon (gse's AddToken is not safe while other
// goroutines segment).
type Lexicon struct {
	seg      *gse.Segmenter
	stop     map[string]struct{}
	synonyms map[string][]string // member -> its whole group, canonical first
	domain   map[string]struct{} // words of the domain dictionary and synonyms
	version  string

	// subwords caches Subwords: queries ask for the same words again.
	subwords     sync.Map // string -> []string
	subwordsSize atomic.Int64
	words        int
}

// NewLexicon builds a Lexicon from dictionary text; it reads no files.
func NewLexicon(src Sources) (*Lexicon, error) {
	if strings.TrimSpace(src.Base) == "" {
		return nil, fmt.Errorf("index: lexicon needs a base dictionary")
	}
	lex := &Lexicon{
		stop:     map[string]struct{}{},
		synonyms: map[string][]string{},
		domain:   map[string]struct{}{},
	}
	for _, w := range dictLines(src.Stop) {
		lex.stop[foldString(w)] = struct{}{}
	}
	groups, version, err := parseSynonyms(src.Synonyms)
	if err != nil {
		return nil, err
	}
	lex.version = version

	// One dictionary text, one load: gse computes word distances and
	// sub-word splits (CalcToken) once for the whole vocabulary.
	var b strings.Builder
	b.Grow(len(src.Base) + len(src.Domain)*2)
	b.WriteString(src.Base)
	b.WriteByte('\n')
	addWord := func(w, pos string) {
		lex.domain[w] = struct{}{}
		fmt.Fprintf(&b, "%s %d %s\n", w, domainFreq, pos)
	}
	for _, line := range dictLines(src.Domain) {
		f := strings.Fields(line)
		pos := "nz"
		if len(f) > 1 {
			pos = f[1]
		}
		addWord(foldString(f[0]), pos)
	}
	for _, g := range groups {
		for _, w := range g {
			lex.synonyms[w] = g
			addWord(w, "nz")
		}
	}
	// Multi-character stop words (本公司, 预期目标) must come out of the
	// segmenter whole to be dropped; they are not domain words.
	for w := range lex.stop {
		if utf8.RuneCountInString(w) > 1 {
			fmt.Fprintf(&b, "%s %d x\n", w, domainFreq)
		}
	}
	seg := &gse.Segmenter{NotLoadHMM: true, SkipLog: true}
	if err := seg.LoadDictStr(b.String()); err != nil {
		return nil, fmt.Errorf("index: load dictionary: %w", err)
	}
	lex.seg = seg
	lex.words = seg.Dict.NumTokens()
	return lex, nil
}

// Version is the synonyms list version ("" when none was given).
func (l *Lexicon) Version() string { return l.version }

// Words is the number of dictionary words.
func (l *Lexicon) Words() int { return l.words }

// IsStop reports whether the normalised word carries no matching signal.
func (l *Lexicon) IsStop(word string) bool {
	_, ok := l.stop[word]
	return ok
}

// Synonyms returns the synonym group of a normalised word, canonical first,
// or nil.
func (l *Lexicon) Synonyms(word string) []string { return l.synonyms[word] }

// WordInfo is what the lexicon knows of a word.
type WordInfo struct {
	Freq   float64 // frequency in gse's dictionary (general language); 0 if unknown
	POS    string  // part of speech of the dictionary entry
	Domain bool    // in the domain dictionary or the synonyms
}

// Info looks a normalised word up.
func (l *Lexicon) Info(word string) WordInfo {
	freq, pos, _ := l.seg.Dict.Find([]byte(word))
	_, domain := l.domain[word]
	return WordInfo{Freq: freq, POS: pos, Domain: domain}
}

// Subwords returns the sub-words that the index analyzer emits for a word
// (合金材料 -> 合金, 材料), without the word itself.
func (l *Lexicon) Subwords(word string) []string {
	if v, ok := l.subwords.Load(word); ok {
		return v.([]string)
	}
	var out []string
	for _, t := range l.tokens([]byte(word), true, true) {
		if t.Start == 0 && t.End == len(word) {
			continue
		}
		out = append(out, string(t.Term))
	}
	if l.subwordsSize.Add(1) < maxSubwordCache {
		l.subwords.Store(word, out)
	}
	return out
}

// dictLines returns the non-empty, non-comment lines of a word list.
func dictLines(text string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// parseSynonyms reads comma-separated groups; the first line may carry
// "# version: X".
func parseSynonyms(text string) (groups [][]string, version string, err error) {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "# version:"); ok && version == "" {
			version = strings.TrimSpace(v)
		}
	}
	seen := map[string]int{}
	for i, line := range dictLines(text) {
		var g []string
		for _, w := range strings.Split(line, ",") {
			w = foldString(strings.TrimSpace(w))
			if w == "" || strings.ContainsFunc(w, unicode.IsSpace) {
				continue
			}
			if prev, dup := seen[w]; dup {
				return nil, "", fmt.Errorf("index: synonyms: %q is in group %d and group %d", w, prev+1, i+1)
			}
			seen[w] = i
			g = append(g, w)
		}
		if len(g) > 1 {
			groups = append(groups, g)
		}
	}
	return groups, version, nil
}

// foldString applies the analyzer's normalisation to a dictionary word.
func foldString(s string) string {
	return string(normalize([]byte(s)).text)
}

// runeCount is utf8.RuneCount for readability at call sites.
func runeCount(b []byte) int { return utf8.RuneCount(b) }
