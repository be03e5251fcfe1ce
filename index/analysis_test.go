package index

import (
	"fmt"
	"strings"
	"testing"
)

// render writes a stream as term[start:end]@position.
func renderStream(tok *Tokenizer, input string) string {
	var parts []string
	for _, t := range tok.Tokenize([]byte(input)) {
		parts = append(parts, fmt.Sprintf("%s[%d:%d]@%d", t.Term, t.Start, t.End, t.Position))
	}
	return strings.Join(parts, " ")
}

func TestAnalyzersExactTokens(t *testing.T) {
	toks := analyzers(t)
	tests := []struct {
		name, analyzer, input, want string
	}{
		{"empty", AnalyzerIndex, "", ""},
		{"only space and punctuation", AnalyzerIndex, " ，。\n", ""},
		{"sub-words at the parent's position", AnalyzerIndex, "高性能合金材料",
			"高性能[0:9]@1 性能[3:9]@1 合金[9:15]@2 材料[15:21]@3"},
		{"query analyzer: no sub-words", AnalyzerQuery, "高性能合金材料",
			"高性能[0:9]@1 合金[9:15]@2 材料[15:21]@3"},
		{"word across the split is indexed", AnalyzerIndex, "锂离子电池包",
			"锂离子[0:9]@1 离子[3:9]@1 锂离子电池[0:15]@1 电池包[9:18]@2 电池[9:15]@2"},
		{"full width folds, offsets stay on the input", AnalyzerQuery, "ＰＭ２．５与Li-ion",
			"pm2.5[0:15]@1 li-ion[18:24]@3"},
		{"digits split from a Chinese word", AnalyzerQuery, "304不锈钢和SiC",
			"304[0:3]@1 不锈钢[3:12]@2 sic[15:18]@4"},
		{"mixed dictionary word", AnalyzerQuery, "3D打印与CO2", "3d打印[0:8]@1 co2[11:14]@3"},
		{"full-width 5G", AnalyzerQuery, "５Ｇ基站", "5g[0:6]@1 基站[6:12]@2"},
		{"stop words leave a gap", AnalyzerQuery, "本公司需求内容：锂电池", "锂电池[24:33]@3"},
		{"c++ and decimals stay whole", AnalyzerQuery, "C++与3.14", "c++[0:3]@1 3.14[6:10]@3"},
		{"glue a single character to its neighbour", AnalyzerIndex, "中性盐雾与丝材",
			"中性盐雾[0:12]@1 中性[0:6]@1 盐雾[6:12]@1 丝材[15:21]@3"},
		{"invalid UTF-8 is a separator", AnalyzerQuery, "\xff锂电池\xfe", "锂电池[1:10]@1"},
		{"plain gse words: no domain words, stop words kept", AnalyzerPlain, "本公司锂离子电池",
			"本[0:3]@1 公司[3:9]@2 锂离子[9:18]@3 电池[18:24]@4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderStream(toks[tt.analyzer], tt.input); got != tt.want {
				t.Errorf("%s(%q)\n got %s\nwant %s", tt.analyzer, tt.input, got, tt.want)
			}
		})
	}
}

func TestLexiconSwapIsAtomic(t *testing.T) {
	before, err := LoadLexicon(LexiconDomain)
	if err != nil {
		t.Fatal(err)
	}
	src, err := EmbeddedSources(true)
	if err != nil {
		t.Fatal(err)
	}
	src.Domain += "\n钙钛矿叠层组件 nz\n"
	next, err := NewLexicon(src)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := NewTokenizer(LexiconDomain, false, true)
	if got := renderStream(tok, "钙钛矿叠层组件"); strings.Contains(got, "钙钛矿叠层组件[") {
		t.Fatalf("word known before the swap: %s", got)
	}
	if err := SetLexicon(LexiconDomain, next); err != nil {
		t.Fatal(err)
	}
	defer SetLexicon(LexiconDomain, before)
	if got := renderStream(tok, "钙钛矿叠层组件"); got != "钙钛矿叠层组件[0:21]@1" {
		t.Errorf("after the swap: %s", got)
	}
	if err := SetLexicon("nope", next); err == nil {
		t.Error("an unknown lexicon name must fail")
	}
}

func TestSynonymsParse(t *testing.T) {
	groups, version, err := parseSynonyms("# version: 7\n锂离子电池, 锂电池 ,Li-ion\n# c\n人工智能,ＡＩ\nsolo\n")
	if err != nil {
		t.Fatal(err)
	}
	if version != "7" || len(groups) != 2 || strings.Join(groups[0], ",") != "锂离子电池,锂电池,li-ion" || strings.Join(groups[1], ",") != "人工智能,ai" {
		t.Errorf("got %q version %q", groups, version)
	}
	if _, _, err := parseSynonyms("a,b\nb,c\n"); err == nil {
		t.Error("a word in two groups must be an error")
	}
	lex, err := LoadLexicon(LexiconDomain)
	if err != nil {
		t.Fatal(err)
	}
	if g := lex.Synonyms("锂电池"); len(g) == 0 || g[0] != "锂离子电池" {
		t.Errorf("shipped synonyms: 锂电池 -> %q", g)
	}
	if lex.Version() == "" {
		t.Error("shipped synonyms carry no version")
	}
}

func BenchmarkAnalyzeIndex(b *testing.B) {
	benchmarkAnalyzer(b, AnalyzerIndex)
}

func BenchmarkAnalyzeQuery(b *testing.B) {
	benchmarkAnalyzer(b, AnalyzerQuery)
}

// benchText is a typical posting, twenty times over (about 9 KB).
var benchText = []byte(strings.Repeat("针对动力电池热失控预警难题，研制了基于多传感器融合的锂离子电池包热管理系统，PM2.5与CO2浓度同步采集，"+
	"关键指标达到国内领先水平。霍山石斛多糖提取率提高到30%以上，高温合金单晶叶片定向凝固工艺稳定。", 20))

func benchmarkAnalyzer(b *testing.B, name string) {
	text := benchText
	tok := analyzers(b)[name]
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tok.Tokenize(text)
	}
}

// BenchmarkGSESegment is the floor under the analyzers: gse's Segment alone
// on the same text, with the same dictionary.
func BenchmarkGSESegment(b *testing.B) {
	lex, err := LoadLexicon(LexiconDomain)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(benchText)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lex.seg.Segment(benchText)
	}
}
