package eval

import (
	"context"
	"math"
	"testing"

	"duijie/internal/match"
)

// TestCalibration holds the shipped confidence to the demo judgments: its
// probabilities must beat the base rate by far (Brier score) and, in every
// bin with enough pairs, stay close to the share actually related, both
// in sample and for challenges a model fitted on the other half never saw.
func TestCalibration(t *testing.T) {
	set, err := Load("../../data/eval/demo")
	if err != nil {
		t.Fatal(err)
	}
	samples, err := Samples(context.Background(), set, match.DefaultWeights, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) < 1500 {
		t.Fatalf("%d samples", len(samples))
	}
	for _, tc := range []struct {
		name    string
		samples []Sample
	}{
		{"shipped", samples},
		{"across halves", CrossFit(samples, 1)},
	} {
		model, base := Brier(match.DefaultCalibration, tc.samples)
		if model > 0.6*base {
			t.Errorf("%s: Brier %.4f, not well below the base rate's %.4f", tc.name, model, base)
		}
		for _, b := range Reliability(match.DefaultCalibration, tc.samples, ReliabilityEdges) {
			if b.N >= 40 && math.Abs(b.Predicted-b.Observed) > 0.12 {
				t.Errorf("%s: %.1f–%.1f: predicted %.3f, observed %.3f over %d pairs", tc.name, b.Lo, b.Hi, b.Predicted, b.Observed, b.N)
			}
		}
	}
	// The fit finds the shipped coefficients again: nobody changed the
	// ranking without refitting.
	if got := Fit(samples, 1); got != match.DefaultCalibration {
		t.Errorf("refit %+v, shipped %+v: run duijie eval --data data/eval/demo --calibrate and ship the fit", got, match.DefaultCalibration)
	}
}

// TestFitRecovers: on samples drawn from a known model, the fit finds it.
func TestFitRecovers(t *testing.T) {
	want := match.Calibration{Bias: -2, Coverage: 3, Strong: 0, Top: 0, Matched: 0, Industry: 1}
	var samples []Sample
	for i := range 4000 {
		ev := match.Evidence{Coverage: float64(i%100) / 100, Industry: i%3 == 0}
		p := want.Prob(ev)
		// Deterministic "draws": the share related at each point equals p.
		related := float64((i*7919)%1000)/1000 < p
		samples = append(samples, Sample{Query: "q", Evidence: ev, Related: related})
	}
	got := Fit(samples, 0)
	if math.Abs(got.Bias-want.Bias) > 0.3 || math.Abs(got.Coverage-want.Coverage) > 0.4 || math.Abs(got.Industry-want.Industry) > 0.3 {
		t.Errorf("fit %+v, want about %+v", got, want)
	}
}
