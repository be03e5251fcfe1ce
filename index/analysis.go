package index

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/go-ego/gse"
)

// Names of the bleve components this package registers. Every program that
// opens a Duijie index must import this package, so the names resolve.
const (
	// TokenizerName is the gse tokenizer. Config keys: "lexicon" (a lexicon
	// name below), "subwords" (bool: also emit the sub-words of long words at
	// the parent's position), "stop" (bool: drop stop words).
	TokenizerName = "duijie_gse"

	// AnalyzerIndex indexes text: domain lexicon, sub-words, stop words.
	AnalyzerIndex = "duijie_index"
	// AnalyzerQuery analyses queries: domain lexicon, no overlapping
	// sub-words (phrases and highlights stay exact), stop words.
	AnalyzerQuery = "duijie_query"
	// AnalyzerPlain is stock gse words: base dictionary only, no sub-words,
	// no stop words (the gse-plain evaluation variant).
	AnalyzerPlain = "duijie_gse_plain"

	// LexiconDomain is gse's dictionary plus data/dict's domain words, stop
	// words and synonyms; LexiconPlain is gse's dictionary alone.
	LexiconDomain = "domain"
	LexiconPlain  = "plain"
)

// Lexicons are looked up by name at every Tokenize call, because bleve builds
// analyzers from names in the persisted index mapping and cannot be handed an
// object. This is the package's one piece of shared state; swapping is atomic,
// so a running index picks up a new vocabulary without a lock.
var lexicons = map[string]*lexiconSlot{
	LexiconDomain: {domain: true},
	LexiconPlain:  {domain: false},
}

type lexiconSlot struct {
	domain bool
	once   sync.Once
	cur    atomic.Pointer[Lexicon]
	err    error
}

// SetLexicon swaps the named lexicon in for every analyzer that uses it.
// Documents indexed before the swap keep their old segmentation until they
// are reindexed.
func SetLexicon(name string, l *Lexicon) error {
	slot, ok := lexicons[name]
	if !ok {
		return fmt.Errorf("index: no lexicon named %q", name)
	}
	slot.once.Do(func() {}) // an explicit lexicon wins over the embedded one
	slot.cur.Store(l)
	return nil
}

// LoadLexicon returns the named lexicon, loading the embedded dictionaries
// the first time (about 0.3 s).
func LoadLexicon(name string) (*Lexicon, error) {
	slot, ok := lexicons[name]
	if !ok {
		return nil, fmt.Errorf("index: no lexicon named %q", name)
	}
	slot.once.Do(func() {
		src, err := EmbeddedSources(slot.domain)
		if err != nil {
			slot.err = err
			return
		}
		l, err := NewLexicon(src)
		if err != nil {
			slot.err = err
			return
		}
		slot.cur.Store(l)
	})
	if l := slot.cur.Load(); l != nil {
		return l, nil
	}
	return nil, slot.err
}

// Tokenizer is the gse tokenizer for bleve.
type Tokenizer struct {
	lexicon  string
	subwords bool
	stop     bool
}

// NewTokenizer returns a tokenizer over the named lexicon.
func NewTokenizer(lexicon string, subwords, stop bool) (*Tokenizer, error) {
	if _, ok := lexicons[lexicon]; !ok {
		return nil, fmt.Errorf("index: no lexicon named %q", lexicon)
	}
	return &Tokenizer{lexicon: lexicon, subwords: subwords, stop: stop}, nil
}

// Tokenize implements analysis.Tokenizer. Offsets are byte offsets of input;
// positions count main words (1-based), sub-words share their parent's
// position, stop words leave a gap. It never panics: invalid UTF-8 is treated
// as a separator.
func (t *Tokenizer) Tokenize(input []byte) analysis.TokenStream {
	lex, err := LoadLexicon(t.lexicon)
	if err != nil || len(input) == 0 {
		// The embedded dictionaries are part of the binary; failing to load
		// them is a build defect that Open reports before any document
		// reaches this point.
		return nil
	}
	return lex.tokens(input, t.subwords, t.stop)
}

// tokens is the stream of an analyzer: the index analyzer (subwords) also
// glues, the query analyzer does neither.
func (l *Lexicon) tokens(input []byte, subwords, stop bool) analysis.TokenStream {
	stream, _ := l.tokenize(input, subwords, stop, subwords)
	return stream
}

// word is a main word of segmented text.
type word struct {
	start, end, pos int // offsets in normalised text
	tok             *gse.Token
	stop            bool
	single          bool // one Han character
	han             bool
	runes           int
}

// tokenize emits main words, and with subwords their dictionary sub-words;
// with glue, a single Han character is also glued to an adjacent word (热 +
// 管理 -> 热管理, 盐 + 雾 -> 盐雾): where the dictionary lacks a term, its
// pieces still meet the same term indexed elsewhere. Extra tokens take the
// position of their first word, so phrases over main words stay exact.
// main[i] says whether stream[i] is a main word.
func (l *Lexicon) tokenize(input []byte, subwords, stop, glue bool) (stream analysis.TokenStream, main []bool) {
	n := normalize(input)
	ps := l.pieces(n.text)
	words := make([]word, 0, len(ps))
	pos := 0
	for _, p := range ps {
		if p.class != classWord {
			continue
		}
		pos++
		term := n.text[p.start:p.end]
		w := word{start: p.start, end: p.end, pos: pos, tok: p.tok, runes: runeCount(term), han: isHan(term)}
		w.single = w.runes == 1 && w.han
		w.stop = stop && l.IsStop(string(term))
		words = append(words, w)
	}
	var extras []span
	if subwords {
		extras = l.dictWords(n.text, words, stop)
	}
	x := 0
	e := emitter{n: &n, slab: make([]analysis.Token, 0, len(words)+len(extras)+len(words)/4)}
	glued := func(a, b word) bool {
		return a.end == b.start && a.han && b.han && !a.stop && !b.stop && a.runes+b.runes <= 4 && (a.single || b.single)
	}
	for i, w := range words {
		if glue && i > 0 && w.single && !words[i-1].single && glued(words[i-1], w) {
			e.emit(words[i-1].start, w.end, words[i-1].pos)
		}
		if w.stop {
			continue
		}
		e.emitMain(w.start, w.end, w.pos)
		if subwords && w.tok != nil && w.runes >= 3 {
			l.appendSubwords(&e, w.tok, w.start, w.pos, stop)
		}
		for ; subwords && x < len(extras) && extras[x].pos == w.pos; x++ {
			if !e.has(extras[x].start, extras[x].end) {
				e.emit(extras[x].start, extras[x].end, w.pos)
			}
		}
		if glue && i+1 < len(words) && w.single && glued(w, words[i+1]) {
			e.emit(w.start, words[i+1].end, w.pos)
		}
	}
	return e.stream, e.main
}

func isHan(b []byte) bool {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if !isHanRune(r) {
			return false
		}
		i += size
	}
	return len(b) > 0
}

// emitter builds a token stream, allocating tokens in slabs.
type emitter struct {
	n      *normalized
	slab   []analysis.Token
	stream analysis.TokenStream
	main   []bool // main[i]: stream[i] is a main word
}

// emitMain emits a main word.
func (e *emitter) emitMain(start, end, pos int) {
	e.emit(start, end, pos)
	e.main[len(e.main)-1] = true
}

func (e *emitter) emit(start, end, pos int) {
	if len(e.slab) == cap(e.slab) {
		e.slab = make([]analysis.Token, 0, max(16, cap(e.slab)))
	}
	term := e.n.text[start:end]
	e.slab = append(e.slab, analysis.Token{
		Term:     term,
		Start:    e.n.origOffset(start),
		End:      e.n.origOffset(end),
		Position: pos,
		Type:     tokenType(term),
	})
	e.stream = append(e.stream, &e.slab[len(e.slab)-1])
	e.main = append(e.main, false)
}

// has reports whether the current position's tokens (the tail of the stream)
// already hold [start, end).
func (e *emitter) has(start, end int) bool {
	os, oe := e.n.origOffset(start), e.n.origOffset(end)
	for i := len(e.stream) - 1; i >= 0 && i >= len(e.stream)-16; i-- {
		if e.stream[i].Start == os && e.stream[i].End == oe {
			return true
		}
	}
	return false
}

// appendSubwords adds the dictionary sub-words of tok (gse's search-mode
// split, recursively) at position pos. One-character sub-words are left out:
// they match too much to help.
func (l *Lexicon) appendSubwords(e *emitter, tok *gse.Token, base, pos int, stop bool) {
	for _, s := range tok.Segments() {
		start, end := base+s.Start(), base+s.End()
		term := e.n.text[start:end]
		if runeCount(term) < 2 || (stop && l.IsStop(string(term))) {
			continue
		}
		if !e.has(start, end) {
			e.emit(start, end, pos)
		}
		if runeCount(term) >= 3 {
			l.appendSubwords(e, s.Token(), start, pos, stop)
		}
	}
}

// span is an extra word at the position of the main word it starts in.
type span struct{ start, end, pos int }

// dictWords finds the dictionary words of three or more characters that
// run across the chosen split: 锂离子电池包 is split 锂离子 + 电池包, yet
// holds 锂离子电池, and a query for that must find it. It tries every
// suffix of a word joined to every prefix of the next (a trie look-up each,
// no allocation), so it costs little next to segmentation.
func (l *Lexicon) dictWords(text []byte, words []word, stop bool) []span {
	var out []span
	for i := 0; i+1 < len(words); i++ {
		a, b := words[i], words[i+1]
		if a.end != b.start || !a.han || !b.han || a.runes+b.runes < 3 {
			continue
		}
		for s := a.start; s < a.end; {
			_, size := utf8.DecodeRune(text[s:])
			if s > a.start && !l.prefix(text[s:a.end]) {
				s += size
				continue
			}
			for e := b.start; e < b.end; {
				_, size := utf8.DecodeRune(text[e:])
				e += size
				freq, ok := l.lookup(text[s:e])
				if !ok {
					break // no word starts so: longer ones cannot either
				}
				if freq > 0 && runeCount(text[s:e]) >= 3 && !(stop && l.IsStop(string(text[s:e]))) {
					out = append(out, span{s, e, a.pos})
				}
			}
			s += size
		}
	}
	return out
}

// lookup returns a word's dictionary frequency; ok is false when no
// dictionary word starts with it (freq is 0 for a mere prefix).
func (l *Lexicon) lookup(word []byte) (freq float64, ok bool) {
	freq, _, ok = l.seg.Dict.Find(word)
	return freq, ok
}

// prefix reports whether some dictionary word starts with word.
func (l *Lexicon) prefix(word []byte) bool {
	_, ok := l.lookup(word)
	return ok
}

func tokenType(term []byte) analysis.TokenType {
	digits := true
	for i := 0; i < len(term); {
		r, size := utf8.DecodeRune(term[i:])
		i += size
		if isHanRune(r) {
			return analysis.Ideographic
		}
		if !unicode.IsDigit(r) && r != '.' {
			digits = false
		}
	}
	if digits {
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}

// TokenizerConstructor builds a Tokenizer from bleve config.
func TokenizerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.Tokenizer, error) {
	name, _ := config["lexicon"].(string)
	if name == "" {
		name = LexiconDomain
	}
	subwords, _ := config["subwords"].(bool)
	stop, _ := config["stop"].(bool)
	return NewTokenizer(name, subwords, stop)
}

func analyzerConstructor(lexicon string, subwords, stop bool) registry.AnalyzerConstructor {
	return func(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
		tok, err := NewTokenizer(lexicon, subwords, stop)
		if err != nil {
			return nil, err
		}
		return &analysis.DefaultAnalyzer{Tokenizer: tok}, nil
	}
}

func init() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(registry.RegisterTokenizer(TokenizerName, TokenizerConstructor))
	must(registry.RegisterAnalyzer(AnalyzerIndex, analyzerConstructor(LexiconDomain, true, true)))
	must(registry.RegisterAnalyzer(AnalyzerQuery, analyzerConstructor(LexiconDomain, false, true)))
	must(registry.RegisterAnalyzer(AnalyzerPlain, analyzerConstructor(LexiconPlain, false, false)))
}
