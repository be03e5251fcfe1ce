package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"duijie/index"
	"duijie/internal/duijie"
)

// keyWords keeps the words that may become key terms: not places (a
// region is a structured signal, not a text one), not organisation or
// posting boilerplate, and not segmentation fragments. A Chinese word that
// no dictionary knows is a single character glued to its neighbour: often
// a real compound the dictionary lacks (流道, 压降), but a fragment when
// the glued character is a suffix, a measure word or a function word
// torn from the words around it (出菇率|高 → 率高, 菇多, 效浓缩, 率低于, 个月).
func (m *Matcher) keyWords(order []string) []string {
	out := order[:0:0]
	for _, w := range order {
		info, _ := m.ix.Lookup(w)
		if !notKeyTerm(w, info) {
			out = append(out, w)
		}
	}
	return out
}

// notKeyTerm reports a word that carries no matching signal whatever its
// frequency in the index.
func notKeyTerm(word string, info index.WordInfo) bool {
	han := utf8.RuneCountInString(word) >= 2 && strings.ContainsFunc(word, func(r rune) bool { return unicode.Is(unicode.Han, r) })
	switch {
	case han && info.Freq == 0 && !info.Domain && fragmentEdge(word):
		return true // a fragment
	case info.POS == "ns" || info.POS == "nt":
		return true // a place or an organisation
	case boilerplate[word] || placeWord(word):
		return true
	}
	return false
}

// fragmentEdge reports a glued word that begins with a character that
// ends words (a suffix such as 率, 性, 效, a measure word, a function word)
// or ends with one that starts or modifies them (高, 低, 多, 于, 个 …):
// 率高, 效浓缩, 率低于, 菇多, 个月. A suffix at the end of a longer word
// makes a real derived word (连续化, 均匀性) and is kept; glued to one
// character it is torn from its word (漏检率 → 检率).
func fragmentEdge(word string) bool {
	first, _ := utf8.DecodeRuneInString(word)
	last, _ := utf8.DecodeLastRuneInString(word)
	two := utf8.RuneCountInString(word) == 2 // two single characters glued: 检+率
	return strings.ContainsRune(suffixes+badFirst, first) || strings.ContainsRune(badLast, last) ||
		two && strings.ContainsRune(suffixes, last)
}

const (
	suffixes = "率性度量效化型类式"
	badFirst = "于的地得了着过在是和与及或等个只次"
	badLast  = "高低多少大小快慢好差强弱于的地得了着过在是有为和与及或等个只次年月日天元"
)

// boilerplate are words every posting may use about itself rather than
// its technology: organisation types, the form's own vocabulary, the
// prefix of standards (GB/T …).
var boilerplate = map[string]bool{
	"公司": true, "有限公司": true, "股份有限公司": true, "企业": true, "单位": true, "集团": true, "厂家": true,
	"大学": true, "学院": true, "研究院": true, "研究所": true, "实验室": true, "中心": true, "团队": true,
	"评分": true, "指标": true, "要求": true, "需求": true, "希望": true, "需要": true, "合作": true, "项目": true,
	"客户": true, "我们": true, "本公司": true, "目前": true, "现有": true, "预算": true, "万元": true,
	"低于": true, "高于": true, "大于": true, "小于": true, "不低于": true, "不高于": true, "不超过": true,
	"以上": true, "以下": true, "左右": true,
	"gb": true, "gb/t": true, "t": true,
}

// placeWord reports the name of a region of the list (or its county or
// city without 区/县/市): 六安, 裕安, 金寨县, 合肥, 长三角 …
func placeWord(word string) bool {
	for _, r := range duijie.Regions {
		for _, name := range []string{r.Label, r.Short} {
			if word == name || strings.TrimRight(name, "区县市省") == word {
				return true
			}
		}
	}
	switch word {
	case "六安", "六安市", "皖西", "安徽", "安徽省", "长三角", "沪苏浙", "大别山区":
		return true
	}
	return false
}
