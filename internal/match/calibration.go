package match

import (
	"math"

	"duijie/index"
)

// Evidence is what a match rests on, in terms that mean the same whatever
// the source: unlike the text score, which is relative to the best
// candidate of one ranking, these can be compared across postings.
type Evidence struct {
	Coverage float64 // share of the source's key-term weight found in the target
	Strong   float64 // share found in the target's title or keywords
	Top      float64 // weight of the heaviest key term found, in (0, 1], relative to the heaviest headline word whether any posting holds it or not
	Matched  int     // key terms found
	Industry bool    // same industry
}

// Calibration turns Evidence into the probability that a pair is at
// least closely related (grade ≥ 2 of the judged sets): a logistic model
// fitted by `duijie eval --calibrate` on the judged sets (see README).
type Calibration struct {
	Bias, Coverage, Strong, Top, Matched, Industry float64
}

// DefaultCalibration was fitted on the demo judged set: the top 20 of
// every one of its 108 challenges, 2,012 pairs, with a ridge of 1 on the
// coefficients (`duijie eval --data data/eval/demo --calibrate`, which
// also prints the reliability tables, in sample and across halves).
var DefaultCalibration = Calibration{Bias: -6.3971, Coverage: 3.6182, Strong: 3.3193, Top: 1.1233, Matched: 1.5826, Industry: 0.9657}

// Features are the model's inputs, in the order of Coef.
func (e Evidence) Features() []float64 {
	ind := 0.0
	if e.Industry {
		ind = 1
	}
	return []float64{e.Coverage, e.Strong, e.Top, math.Log1p(float64(e.Matched)), ind}
}

// Coef are the model's coefficients in the order of Evidence.Features.
func (c Calibration) Coef() []float64 {
	return []float64{c.Coverage, c.Strong, c.Top, c.Matched, c.Industry}
}

// CalibrationOf builds a calibration from a bias and coefficients.
func CalibrationOf(bias float64, coef []float64) Calibration {
	return Calibration{Bias: bias, Coverage: coef[0], Strong: coef[1], Top: coef[2], Matched: coef[3], Industry: coef[4]}
}

// Prob is the calibrated probability that the pair is at least closely
// related.
func (c Calibration) Prob(e Evidence) float64 {
	z := c.Bias
	for i, x := range e.Features() {
		z += c.Coef()[i] * x
	}
	return 1 / (1 + math.Exp(-z))
}

// Confidence levels of a match, in words, by calibrated probability.
const (
	Likely   = 0.6 // 很可能相关 at or above
	Possible = 0.3 // 可能相关 at or above; 仅领域相近 below
)

// Level says a probability in words.
func Level(p float64) string {
	switch {
	case p >= Likely:
		return "很可能相关"
	case p >= Possible:
		return "可能相关"
	}
	return "仅领域相近"
}

// strongField reports whether a word was found in the target's title or
// keywords (labels as in MatchedTerm.Fields).
func strongField(labels []string) bool {
	for _, l := range labels {
		if l == FieldLabels[index.FieldTitle] || l == FieldLabels[index.FieldKeywords] {
			return true
		}
	}
	return false
}
