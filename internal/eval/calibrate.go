package eval

import (
	"context"
	"fmt"
	"io"
	"math"

	"duijie/index"
	"duijie/internal/match"
)

// Sample is one candidate as the product's ranking showed it: what the
// match rests on, and whether the judgments call the pair at least
// closely related (grade ≥ 2; unjudged pairs are not).
type Sample struct {
	Query    string
	ID       string
	Evidence match.Evidence
	Related  bool

	model *match.Calibration // CrossFit: the model that did not see this challenge
}

// prob is the sample's probability under c, or under its own held-out
// model after CrossFit.
func (s Sample) prob(c match.Calibration) float64 {
	if s.model != nil {
		return s.model.Prob(s.Evidence)
	}
	return c.Prob(s.Evidence)
}

// Samples ranks every judged challenge of s with the product's ranking and
// keeps the top k candidates of each: the pairs a reader would see.
func Samples(ctx context.Context, s *Set, w match.Weights, k int) ([]Sample, error) {
	ix, err := memIndex(s, index.AnalyzerIndex)
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	m := match.New(ix)
	m.W = w
	var out []Sample
	for _, q := range s.Challenges {
		grades := s.Qrels[q.ID]
		if len(grades) == 0 {
			continue
		}
		res, err := m.Match(ctx, q.Source(), match.Options{Limit: k, Now: latest(s)})
		if err != nil {
			return nil, err
		}
		for _, mt := range res.Matches {
			out = append(out, Sample{Query: q.ID, ID: mt.ID, Evidence: mt.Evidence, Related: grades[mt.ID] >= 2})
		}
	}
	return out, nil
}

// Fit fits the calibration's logistic model to samples by Newton's method
// with a small ridge (λ) on the coefficients, not the bias.
func Fit(samples []Sample, lambda float64) match.Calibration {
	n := len(match.Evidence{}.Features()) + 1 // bias first
	beta := make([]float64, n)
	for range 50 {
		grad := make([]float64, n)
		hess := make([][]float64, n)
		for i := range hess {
			hess[i] = make([]float64, n)
		}
		for _, s := range samples {
			x := append([]float64{1}, s.Evidence.Features()...)
			z := 0.0
			for i := range x {
				z += beta[i] * x[i]
			}
			p := 1 / (1 + math.Exp(-z))
			y := 0.0
			if s.Related {
				y = 1
			}
			for i := range x {
				grad[i] += (y - p) * x[i]
				for j := range x {
					hess[i][j] += p * (1 - p) * x[i] * x[j]
				}
			}
		}
		for i := 1; i < n; i++ {
			grad[i] -= lambda * beta[i]
			hess[i][i] += lambda
		}
		step := solve(hess, grad)
		change := 0.0
		for i := range beta {
			beta[i] += step[i]
			change = max(change, math.Abs(step[i]))
		}
		if change < 1e-9 {
			break
		}
	}
	return match.CalibrationOf(round4(beta[0]), []float64{round4(beta[1]), round4(beta[2]), round4(beta[3]), round4(beta[4]), round4(beta[5])})
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// solve solves a·x = b by Gaussian elimination with partial pivoting (a
// small, positive definite system).
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(append([]float64(nil), a[i]...), b[i])
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		if m[c][c] == 0 {
			continue
		}
		for r := 0; r < n; r++ {
			if r == c {
				continue
			}
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for i := range x {
		if m[i][i] != 0 {
			x[i] = m[i][n] / m[i][i]
		}
	}
	return x
}

// Bin is one row of a reliability table: pairs whose calibrated
// probability falls in [Lo, Hi), how many, the mean probability and the
// share actually related.
type Bin struct {
	Lo, Hi              float64
	N                   int
	Predicted, Observed float64
}

// Reliability bins samples by c's probability at edges.
func Reliability(c match.Calibration, samples []Sample, edges []float64) []Bin {
	bins := make([]Bin, len(edges)-1)
	for i := range bins {
		bins[i].Lo, bins[i].Hi = edges[i], edges[i+1]
	}
	for _, s := range samples {
		p := s.prob(c)
		for i := range bins {
			if p >= bins[i].Lo && (p < bins[i].Hi || i == len(bins)-1) {
				bins[i].N++
				bins[i].Predicted += p
				if s.Related {
					bins[i].Observed++
				}
				break
			}
		}
	}
	for i := range bins {
		if bins[i].N > 0 {
			bins[i].Predicted /= float64(bins[i].N)
			bins[i].Observed /= float64(bins[i].N)
		}
	}
	return bins
}

// Brier is the mean squared error of c's probabilities; the base rate's
// Brier score (always predicting the share related) is the baseline.
func Brier(c match.Calibration, samples []Sample) (model, base float64) {
	rate := 0.0
	for _, s := range samples {
		if s.Related {
			rate++
		}
	}
	rate /= float64(max(1, len(samples)))
	for _, s := range samples {
		y := 0.0
		if s.Related {
			y = 1
		}
		p := s.prob(c)
		model += (p - y) * (p - y)
		base += (rate - y) * (rate - y)
	}
	n := float64(max(1, len(samples)))
	return model / n, base / n
}

// ReliabilityEdges are the bins the README and the closing notes report.
var ReliabilityEdges = []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1}

// WriteReliability prints a reliability table and the Brier scores.
func WriteReliability(w io.Writer, name string, c match.Calibration, samples []Sample) {
	model, base := Brier(c, samples)
	fmt.Fprintf(w, "%s: %d pairs, Brier %.4f (base rate %.4f, %.3f×)\n", name, len(samples), model, base, model/base)
	fmt.Fprintf(w, "%-12s %6s %10s %10s\n", "probability", "pairs", "predicted", "observed")
	for _, b := range Reliability(c, samples, ReliabilityEdges) {
		if b.N == 0 {
			continue
		}
		fmt.Fprintf(w, "%4.1f–%-7.1f %6d %10.3f %10.3f\n", b.Lo, b.Hi, b.N, b.Predicted, b.Observed)
	}
}

// CrossFit fits on every other challenge and scores the rest, and the
// other way round: the probabilities of each half come from a model that
// never saw its challenges, so the table is an honest estimate.
func CrossFit(samples []Sample, lambda float64) []Sample {
	order := map[string]int{}
	for _, s := range samples {
		if _, ok := order[s.Query]; !ok {
			order[s.Query] = len(order)
		}
	}
	var folds [2][]Sample
	for _, s := range samples {
		folds[order[s.Query]%2] = append(folds[order[s.Query]%2], s)
	}
	var out []Sample
	for f := range folds {
		c := Fit(folds[1-f], lambda)
		for _, s := range folds[f] {
			out = append(out, Sample{Query: s.Query, ID: s.ID, Evidence: s.Evidence, Related: s.Related, model: &c})
		}
	}
	return out
}
