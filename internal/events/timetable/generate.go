package timetable

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// GenConfig shapes a generated problem.
type GenConfig struct {
	Enterprises, Institutes int
	Slots, Tables           int
	// PairsPerEnterprise is the mean number of candidate pairs of an
	// enterprise; its institutes are drawn with a skew towards popular ones.
	PairsPerEnterprise float64
	// Availability is the probability that a party is available in a slot
	// (drawn per party around this mean; some parties get none).
	Availability float64
	// Ties rounds scores to two decimals, so many pairs tie.
	Ties bool
}

// DefaultGenConfig is the size the issue asks the solver to handle in well
// under a couple of seconds: 300 enterprises, 300 institutes, 12 slots, 40
// tables, about 5,000 candidate pairs.
var DefaultGenConfig = GenConfig{Enterprises: 300, Institutes: 300, Slots: 12, Tables: 40,
	PairsPerEnterprise: 18.5, Availability: 0.7}

// Generate builds a valid random problem from seed: the same seed and
// config give the same problem, on every platform (explicit float64
// conversions forbid fused multiply-adds). Scores are skewed (most pairs weak, a few
// strong; popular institutes score higher), so enterprises compete for the
// same institutes and the fair share matters. Negative sizes count as zero.
func Generate(seed int64, cfg GenConfig) *Problem {
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	ne, ni := max(cfg.Enterprises, 0), max(cfg.Institutes, 0)
	p := &Problem{Slots: max(cfg.Slots, 0), Tables: max(cfg.Tables, 0)}
	avail := func() []bool {
		a := make([]bool, p.Slots)
		q := min(max(cfg.Availability+float64(0.3*(r.Float64()-0.5)), 0), 1)
		if r.IntN(20) == 0 {
			q = 0 // now and then a party that cannot come at all
		}
		if r.IntN(3) == 0 && p.Slots > 1 {
			// Half a day: a block of consecutive slots.
			n := max(1, int(math.Round(q*float64(p.Slots))))
			start := r.IntN(p.Slots - n + 1)
			for s := start; s < start+n && q > 0; s++ {
				a[s] = true
			}
			return a
		}
		for s := range a {
			a[s] = r.Float64() < q
		}
		return a
	}
	for i := range ne {
		p.Parties = append(p.Parties, Party{ID: fmt.Sprintf("E%03d", i+1), Side: Enterprise, Available: avail()})
	}
	for i := range ni {
		p.Parties = append(p.Parties, Party{ID: fmt.Sprintf("I%03d", i+1), Side: Institute, Available: avail()})
	}
	if ni == 0 {
		return p
	}
	// Popularity: Zipf-like weights over institutes, sampled by cumulative sum.
	cum := make([]float64, ni)
	total := 0.0
	for i := range ni {
		total += 1 / math.Pow(float64(i+1), 0.7)
		cum[i] = total
	}
	pick := func() int {
		x := r.Float64() * total
		lo, hi := 0, ni-1
		for lo < hi {
			mid := (lo + hi) / 2
			if cum[mid] < x {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return lo
	}
	for e := range ne {
		// Geometric-ish number of candidates around the mean.
		n := int(math.Round(cfg.PairsPerEnterprise * (0.25 + float64(1.5*r.Float64()))))
		seen := map[int]bool{}
		for range n {
			i := pick()
			if seen[i] {
				continue
			}
			seen[i] = true
			pop := 1 - float64(i)/float64(ni) // popular institutes score higher
			sc := 0.05 + float64(0.95*math.Pow(r.Float64(), 2.5)*(0.6+float64(0.4*pop)))
			if cfg.Ties {
				sc = math.Max(0.01, math.Round(sc*100)/100)
			}
			sc = math.Min(sc, 1)
			p.Pairs = append(p.Pairs, Pair{A: e, B: ne + i, Score: sc})
		}
	}
	return p
}
