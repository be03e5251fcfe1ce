package index

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// checkStream asserts the invariants every token stream keeps: offsets
// inside the input and on rune boundaries, the term is the normalised input
// slice, positions start at 1 and never go back, sub-words share a position.
func checkStream(t *testing.T, input []byte, stream analysis.TokenStream) {
	t.Helper()
	// Boundaries of decoding: an invalid byte is a unit of its own.
	bound := map[int]bool{len(input): true}
	for i := 0; i < len(input); {
		bound[i] = true
		_, size := utf8.DecodeRune(input[i:])
		i += size
	}
	last := 0
	for i, tok := range stream {
		if tok.Start < 0 || tok.End > len(input) || tok.Start >= tok.End {
			t.Fatalf("token %d %q: offsets [%d,%d) outside input of %d bytes", i, tok.Term, tok.Start, tok.End, len(input))
		}
		if !bound[tok.Start] || !bound[tok.End] {
			t.Fatalf("token %d %q: offsets [%d,%d) split a character", i, tok.Term, tok.Start, tok.End)
		}
		if got := normalize(input[tok.Start:tok.End]).text; !bytes.Equal(got, tok.Term) {
			t.Fatalf("token %d: term %q but input[%d:%d] normalises to %q", i, tok.Term, tok.Start, tok.End, got)
		}
		if !utf8.Valid(tok.Term) {
			t.Fatalf("token %d: term %q is not valid UTF-8", i, tok.Term)
		}
		if tok.Position < 1 || tok.Position < last {
			t.Fatalf("token %d %q: position %d after %d", i, tok.Term, tok.Position, last)
		}
		last = tok.Position
	}
}

func analyzers(t testing.TB) map[string]*Tokenizer {
	t.Helper()
	out := map[string]*Tokenizer{}
	for name, cfg := range map[string]struct {
		lex            string
		subwords, stop bool
	}{
		AnalyzerIndex: {LexiconDomain, true, true},
		AnalyzerQuery: {LexiconDomain, false, true},
		AnalyzerPlain: {LexiconPlain, false, false},
	} {
		tok, err := NewTokenizer(cfg.lex, cfg.subwords, cfg.stop)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = tok
	}
	return out
}

func TestTokenizeInvariants(t *testing.T) {
	inputs := []string{
		"",
		" \t\n",
		"高性能合金材料的研发与应用",
		"ＰＭ２．５浓度，Li-ion电池、５Ｇ基站和304不锈钢；SiC、3D打印、CO2与C++、C#、3.14、Ti-6Al-4V",
		"\xff\xfe锂离子\xc3电池\x80",
		"本公司需求内容：预期目标为提高良率。",
		strings.Repeat("钠离子电池热管理", 3) + "\u3000全角空格ＡＢＣ",
		"Ⅱ型糖尿病、β-内酰胺、Ω形、ÄÖÜ大写",
		"emoji🙂与表情😀混排",
	}
	for name, tok := range analyzers(t) {
		for _, in := range inputs {
			checkStream(t, []byte(in), tok.Tokenize([]byte(in)))
		}
		t.Run(name+"/random", func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			alphabet := []rune("锂离子电池热管理高温合金材料石斛多糖的和与。，ＡＢ１２ab12.-+# \n")
			for i := 0; i < 300; i++ {
				var b []byte
				for j := r.IntN(80); j > 0; j-- {
					if r.IntN(20) == 0 {
						b = append(b, byte(0x80+r.IntN(0x40))) // stray continuation byte
						continue
					}
					b = utf8.AppendRune(b, alphabet[r.IntN(len(alphabet))])
				}
				checkStream(t, b, tok.Tokenize(b))
			}
		})
	}
}

func TestTokenizeLargeInput(t *testing.T) {
	unit := "针对动力电池热失控预警，研制了基于多传感器融合的监测系统，PM2.5与CO2浓度同步采集。"
	input := []byte(strings.Repeat(unit, 1<<20/len(unit)+1))
	tok := analyzers(t)[AnalyzerIndex]
	stream := tok.Tokenize(input)
	if len(stream) < 1000 {
		t.Fatalf("1 MB input gave %d tokens", len(stream))
	}
	checkStream(t, input, stream)
}

func FuzzTokenize(f *testing.F) {
	f.Add([]byte("ＰＭ２．５与Li-ion电池"))
	f.Add([]byte("\xff锂\xc3"))
	f.Add([]byte("c++ c# 3.14 ti-6al-4v"))
	toks := analyzers(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, tok := range toks {
			checkStream(t, in, tok.Tokenize(in))
		}
	})
}
