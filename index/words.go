package index

// Word is one word of analysed query text.
type Word struct {
	Text string
	Pos  int // 1-based position; stop words leave gaps
}

// Analyze splits text into query words with the query analyzer: domain
// lexicon, stop words dropped, no overlapping sub-words.
func (x *Index) Analyze(text string) []Word {
	lex, err := LoadLexicon(LexiconDomain)
	if err != nil {
		return nil
	}
	stream := lex.tokens([]byte(text), false, true)
	out := make([]Word, len(stream))
	for i, t := range stream {
		out[i] = Word{Text: string(t.Term), Pos: t.Position}
	}
	return out
}

// Synonyms returns the other members of word's synonym group.
func (x *Index) Synonyms(word string) []string {
	lex, err := LoadLexicon(LexiconDomain)
	if err != nil {
		return nil
	}
	g := lex.Synonyms(word)
	if len(g) == 0 {
		return nil
	}
	out := make([]string, 0, len(g)-1)
	for _, w := range g {
		if w != word {
			out = append(out, w)
		}
	}
	return out
}
