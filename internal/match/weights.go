package match

import "time"

// Weights are every number that shapes the ranking, in one place. The values
// of DefaultWeights were chosen by sweeping them with `duijie eval` on the
// two labelled sets (data/eval/demo and the CSL keyword set) and keeping the
// values that did best on both; see README.md, "Evaluation", for the sweep.
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
	// MaxTerms is how many of the heaviest words the query keeps.
	MaxTerms int
	// GenericShare: a description word found in more than this share of
	// postings is generic (技术, 提高) and dropped.
	GenericShare float64

	// Target fields: BM25 boosts of the fields of the postings searched.
	BoostTitle       float64
	BoostKeywords    float64
	BoostDescription float64
	BoostOrgName     float64
	// Phrase is the boost of two adjacent title words found together in
	// order in a target's title or keywords; MaxPhrases caps how many pairs.
	Phrase     float64
	MaxPhrases int

	// Candidates is how many text hits are re-ranked with the structured
	// signals.
	Candidates int

	// Blend: final score = sum of weight × signal, each signal in [0, 1].
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
	SingleRune:     0.4,
	MaxTerms:       24,
	GenericShare:   0.2,

	BoostTitle:       2,
	BoostKeywords:    1.5,
	BoostDescription: 1,
	BoostOrgName:     0.5,
	Phrase:           1,
	MaxPhrases:       3,

	Candidates: 100,

	Text:      1,
	Coverage:  0.5,
	Industry:  0.15,
	Mode:      0.05,
	TRL:       0.05,
	Region:    0.05,
	Freshness: 0.02,
	HalfLife:  180 * 24 * time.Hour,
}
