package timetable

import (
	"math"
	"slices"
)

// Decay is the default weight ratio between an enterprise's successive
// meetings in Value (Problem.Decay zero): its best meeting counts fully,
// its second 0.8, its third 0.64, ...
const Decay = 0.8

// decay is the problem's ratio: Problem.Decay, or Decay when unset.
func (p *Problem) decay() float64 {
	if p.Decay == 0 {
		return Decay
	}
	return p.Decay
}

// Value is THE objective the solver and the baseline are measured by:
//
//	Value = Σ over enterprises e of Σ_k d^k · score_k(e)
//
// where score_0(e) ≥ score_1(e) ≥ ... are the match scores of e's meetings in
// descending order and d is Problem.Decay (default Decay = 0.8). Strong
// pairs are worth more, and an enterprise's first meeting is worth more than
// another enterprise's fifth (0.8^4 ≈ 0.41), so maximising Value spreads
// meetings over enterprises: a fair share. A smaller d shares more evenly
// at some cost in raw score; d = 1 ignores fairness. Institutes
// are not discounted. Tables and slots do not change the value, only which
// pairs meet. Value counts every meeting of s as listed, even in a schedule
// that breaks an invariant (Check says so); meetings with an out-of-range
// pair index are ignored.
func (p *Problem) Value(s Schedule) float64 {
	byEnt := p.enterpriseScores(s)
	v := 0.0
	for _, sc := range byEnt {
		v += entValue(sc, p.decay())
	}
	return v
}

// enterpriseScores lists the scores of each party's meetings as enterprise
// (indexed by party; institutes' lists stay empty).
func (p *Problem) enterpriseScores(s Schedule) [][]float64 {
	byEnt := make([][]float64, len(p.Parties))
	for _, m := range s.Meetings {
		if !p.pairOK(m.Pair) {
			continue
		}
		pr := p.Pairs[m.Pair]
		byEnt[pr.A] = append(byEnt[pr.A], pr.Score)
	}
	return byEnt
}

// entValue is one enterprise's term of Value; it sorts scores in place.
func entValue(scores []float64, decay float64) float64 {
	slices.SortFunc(scores, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	v, w := 0.0, 1.0
	for _, x := range scores {
		v += float64(w * x) // the conversion forbids a fused multiply-add: same result on every platform
		w *= decay
	}
	return v
}

// Stats are the plain figures of a schedule, for reports next to Value.
type Stats struct {
	Value    float64 // the objective, see Value
	RawScore float64 // sum of the scores of all meetings, undiscounted
	Meetings int     // meetings held
	// Enterprises counts enterprises with at least one candidate pair;
	// Servable those of them with a candidate available in a slot they are
	// available in too (the most any schedule can serve); Served those with
	// at least one meeting.
	Enterprises, Servable, Served int
	// MinMeetings and MaxMeetings are the fewest and most meetings of a
	// servable enterprise (0 and 0 when there is none).
	MinMeetings, MaxMeetings int
	// InstitutesMet counts institutes with at least one meeting; SameTable
	// those of them that keep one table for all their meetings.
	InstitutesMet, SameTable int
}

// Stats computes the plain figures of s. Like Value it counts the meetings
// as listed, valid or not.
func (p *Problem) Stats(s Schedule) Stats {
	st := Stats{Value: p.Value(s), MinMeetings: math.MaxInt}
	count := make([]int, len(p.Parties))
	table := make([]int, len(p.Parties)) // institute: its table, -1 if it changes
	for _, m := range s.Meetings {
		if !p.pairOK(m.Pair) {
			continue
		}
		pr := p.Pairs[m.Pair]
		st.RawScore += pr.Score
		st.Meetings++
		count[pr.A]++
		if count[pr.B] == 0 {
			table[pr.B] = m.Table
		} else if table[pr.B] != m.Table {
			table[pr.B] = -1
		}
		count[pr.B]++
	}
	cand := make([]bool, len(p.Parties))
	servable := make([]bool, len(p.Parties))
	for k, pr := range p.Pairs {
		if !p.pairOK(k) {
			continue
		}
		cand[pr.A] = true
		for s := 0; s < p.Slots && !servable[pr.A]; s++ {
			servable[pr.A] = p.available(pr.A, s) && p.available(pr.B, s)
		}
	}
	for x, pt := range p.Parties {
		switch {
		case pt.Side == Enterprise && cand[x]:
			st.Enterprises++
			if count[x] > 0 {
				st.Served++
			}
			if servable[x] {
				st.Servable++
				st.MinMeetings = min(st.MinMeetings, count[x])
				st.MaxMeetings = max(st.MaxMeetings, count[x])
			}
		case pt.Side == Institute && count[x] > 0:
			st.InstitutesMet++
			if table[x] >= 0 {
				st.SameTable++
			}
		}
	}
	if st.Servable == 0 {
		st.MinMeetings = 0
	}
	return st
}
