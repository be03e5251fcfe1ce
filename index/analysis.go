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

func (l *Lexicon) tokens(input []byte, subwords, stop bool) analysis.TokenStream {
	n := normalize(input)
	ps := l.pieces(n.text)
	e := emitter{n: &n, slab: make([]analysis.Token, 0, len(ps)+len(ps)/2)}
	pos := 0
	for _, p := range ps {
		if p.class != classWord {
			continue
		}
		pos++
		if stop && l.IsStop(string(n.text[p.start:p.end])) {
			continue
		}
		e.emit(p.start, p.end, pos)
		if subwords && p.tok != nil && runeCount(n.text[p.start:p.end]) >= 3 {
			l.appendSubwords(&e, p.tok, p.start, pos, stop)
		}
	}
	return e.stream
}

// emitter builds a token stream, allocating tokens in slabs.
type emitter struct {
	n      *normalized
	slab   []analysis.Token
	stream analysis.TokenStream
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

func tokenType(term []byte) analysis.TokenType {
	digits := true
	for i := 0; i < len(term); {
		r, size := utf8.DecodeRune(term[i:])
		i += size
		if unicode.Is(unicode.Han, r) {
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
