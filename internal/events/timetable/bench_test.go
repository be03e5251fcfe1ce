package timetable

import (
	"context"
	"testing"
)

// The size: 300 enterprises, 300 institutes, 12 slots, 40 tables,
// about 5,000 candidate pairs.
func BenchmarkSolve(b *testing.B) {
	p := Generate(1, DefaultGenConfig)
	b.ReportMetric(float64(len(p.Pairs)), "pairs")
	for b.Loop() {
		Solve(context.Background(), p)
	}
}

func BenchmarkGreedy(b *testing.B) {
	p := Generate(1, DefaultGenConfig)
	for b.Loop() {
		Greedy(p)
	}
}

func BenchmarkDelta(b *testing.B) {
	p := Generate(1, DefaultGenConfig)
	s := Solve(context.Background(), p)
	e := Edit{Kind: Move, Meeting: 3, Slot: 5, Table: 7}
	for b.Loop() {
		p.Delta(s, e)
	}
}
