package timetable

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTimetableSlotMatchingIsOptimal checks the per-slot min-cost flow
// against brute force on small random bipartite graphs.
func TestTimetableSlotMatchingIsOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for trial := range 300 {
		ne, ni := 1+r.IntN(7), 1+r.IntN(7)
		p := &Problem{}
		for range ne {
			p.Parties = append(p.Parties, Party{Side: Enterprise})
		}
		for range ni {
			p.Parties = append(p.Parties, Party{Side: Institute})
		}
		var edges []int
		var weight []float64
		for a := range ne {
			for b := range ni {
				if r.IntN(3) > 0 {
					edges = append(edges, len(p.Pairs))
					p.Pairs = append(p.Pairs, Pair{A: a, B: ne + b})
					w := math.Round(r.Float64()*10) / 10 // ties
					if w == 0 {
						w = 0.05
					}
					weight = append(weight, w)
				}
			}
		}
		limit := r.IntN(6)
		got := 0.0
		used := map[int]bool{}
		chosen := matchSlot(p, edges, weight, limit)
		if len(chosen) > limit {
			t.Fatalf("trial %d: %d edges chosen, limit %d", trial, len(chosen), limit)
		}
		for _, k := range chosen {
			pr := p.Pairs[k]
			if used[pr.A] || used[pr.B] {
				t.Fatalf("trial %d: not a matching: %v", trial, chosen)
			}
			used[pr.A], used[pr.B] = true, true
			got += weight[k]
		}
		// Brute force: each enterprise meets one free institute or none.
		byEnt := make([][]int, ne)
		for j, k := range edges {
			byEnt[p.Pairs[k].A] = append(byEnt[p.Pairs[k].A], j)
		}
		best := 0.0
		taken := make([]bool, len(p.Parties))
		var walk func(a, n int, w float64)
		walk = func(a, n int, w float64) {
			if a == ne || n == limit {
				best = max(best, w)
				return
			}
			walk(a+1, n, w)
			for _, j := range byEnt[a] {
				if b := p.Pairs[edges[j]].B; !taken[b] {
					taken[b] = true
					walk(a+1, n+1, w+weight[j])
					taken[b] = false
				}
			}
		}
		walk(0, 0, 0)
		if math.Abs(got-best) > 1e-9 {
			t.Errorf("trial %d: matching weight %v, optimum %v (limit %d, %d edges)", trial, got, best, limit, len(edges))
		}
	}
}
