package index

// Word is one word of analysed query text.
type Word struct {
	Text string
	Pos  int // 1-based position; stop words leave gaps
	// Glued marks a single character glued to its neighbour (热 + 管理 ->
	// 热管理), an extra word at the position of its first part.
	Glued bool
}

// Analyze splits text into query words with the query analyzer (domain
// lexicon, stop words dropped, no sub-words), plus the glued words that
// the index analyzer also emits.
func (x *Index) Analyze(text string) []Word {
	lex, err := LoadLexicon(LexiconDomain)
	if err != nil {
		return nil
	}
	stream, main := lex.tokenize([]byte(text), false, true, true)
	out := make([]Word, len(stream))
	for i, t := range stream {
		out[i] = Word{Text: string(t.Term), Pos: t.Position, Glued: !main[i]}
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

// Lookup returns what the domain lexicon knows of a word, and its sub-words.
func (x *Index) Lookup(word string) (WordInfo, []string) {
	lex, err := LoadLexicon(LexiconDomain)
	if err != nil {
		return WordInfo{}, nil
	}
	return lex.Info(word), lex.Subwords(word)
}
