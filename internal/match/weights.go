package match

import "time"

// Weights are every number that shapes the ranking, in one place. The values
// of DefaultWeights were chosen by coordinate ascent with `duijie eval
// --set` over both labelled sets at once (data/eval/demo and the CSL
// keyword set; objective nDCG@10 + MRR of the demo set plus twice those of
// CSL, which has 15 times the queries), two rounds over three values of
// each weight; see README.md, "Evaluation". A weight that did not move the
// objective kept its first, reasoned value.
type Weights struct {
	// Term selection: how much a word counts by where it appears in the
	// source posting. A word's weight is the strongest of these for the
	// fields it is in, plus Repeat per doubling of its occurrences, times
	// its BM25 idf in the index.
	SrcTitle       float64
	SrcKeywords    float64
	SrcField       float64
	SrcDescription float64
	Repeat         float64
	// SingleRune scales one-character Chinese words (钢, 茶): meaningful
	// but ambiguous.
	SingleRune float64
	// Specificity: words of the domain dictionary count DomainBonus;
	// other words are scaled by part of speech (nouns 1, verbs PosVerb,
	// the rest PosOther) and damped by their general-language frequency in
	// gse's dictionary: 1 / (1 + FreqDamp·log10(1 + freq/1000)). This is
	// what keeps 提高, 上升, 反而 from outweighing 液冷板 in a long text.
	DomainBonus float64
	PosVerb     float64
	PosOther    float64
	FreqDamp    float64
	// Subword adds the sub-words of a kept compound (调度算法 -> 调度,
	// 算法) as terms of this share of the compound's weight, so postings
	// that use the parts separately are found too; at most MaxSubwords of
	// them, the heaviest (short words have long posting lists: they are
	// what a query spends its time on).
	Subword     float64
	MaxSubwords int
	// MaxTerms is how many of the heaviest words the query keeps.
	MaxTerms int
	// GenericShare: past the KeepTop heaviest words, a word found in more
	// than this share of postings is generic (技术, 系统) and left out: it
	// tells little and its long posting list is what makes a query slow.
	GenericShare float64
	KeepTop      int

	// Target fields: BM25 boosts of the fields of the postings searched.
	BoostTitle       float64
	BoostKeywords    float64
	BoostDescription float64
	BoostOrgName     float64
	// Phrase is the boost of words found together, in order, in a target's
	// title, keywords or description: the words of one given keyword, and
	// adjacent title words. MaxPhrases caps how many phrases a query has.
	Phrase     float64
	MaxPhrases int

	// Candidates is how many postings the FirstStage heaviest words fetch
	// (at least offset+limit of the page asked for); all words then score
	// them and the structured signals re-rank them. 50 costs a sixth less
	// time than 100 at 100k postings; the evaluation asks for 100, so it
	// always re-ranks 100.
	Candidates   int
	FirstStage   int
	FirstShare   float64
	FirstMinDocs int

	// Pseudo-relevance feedback, against vocabulary mismatch (an
	// enterprise writes 胀袋, a paper 产气菌): the words that the
	// FeedbackDocs best partners of a first ranking share, weighed by tf·idf,
	// join the query as at most FeedbackTerms lighter terms (the heaviest
	// Feedback) and the ranking is made again. They score and explain like
	// any word but count in neither coverage nor confidence. 0 is off.
	Feedback      float64
	FeedbackDocs  int
	FeedbackTerms int

	// Blend, each signal in [0, 1]: the text parts add up to a base,
	//   base  = Text·text + Coverage·coverage
	// and the structured signals scale it, so they reorder postings of
	// similar relevance but cannot lift an unrelated one:
	//   score = base · (1 + Industry·industry + Mode·mode + TRL·trl
	//                     + Region·region + Freshness·freshness)
	Text      float64 // BM25 score relative to the best candidate's
	Coverage  float64 // share of the query's term weight the target matches
	Industry  float64 // same industry
	Mode      float64 // a cooperation mode in common
	TRL       float64 // capability maturity against the expected TRL
	Region    float64 // local first: 六安 1, 合肥 2/3, 长三角 1/3, elsewhere 0
	Freshness float64 // 1 for a new posting, halving every HalfLife
	HalfLife  time.Duration
}

// DefaultWeights is the product's ranking.
var DefaultWeights = Weights{
	SrcTitle:       3,
	SrcKeywords:    3,
	SrcField:       2,
	SrcDescription: 1,
	Repeat:         0.5,
	SingleRune:     0.2,
	DomainBonus:    1,
	PosVerb:        1,
	PosOther:       0.6,
	FreqDamp:       1,
	Subword:        0.6,
	MaxSubwords:    4,
	MaxTerms:       32,
	GenericShare:   0.2,
	KeepTop:        8,

	BoostTitle:       1,
	BoostKeywords:    1,
	BoostDescription: 1.5,
	BoostOrgName:     0.5,
	Phrase:           0.5,
	MaxPhrases:       8,

	Candidates:   100,
	FirstStage:   16,
	FirstShare:   0.05,
	FirstMinDocs: 5000,

	Feedback:      0,
	FeedbackDocs:  3,
	FeedbackTerms: 10,

	Text:      1,
	Coverage:  0.5,
	Industry:  0.2,
	Mode:      0.05,
	TRL:       0.05,
	Region:    0.05,
	Freshness: 0.02,
	HalfLife:  180 * 24 * time.Hour,
}
