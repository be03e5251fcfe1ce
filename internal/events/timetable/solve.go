package timetable

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
)

// eps is the least gain a local-search move must bring; it keeps rounding
// noise from cycling.
const eps = 1e-9

// maxPasses bounds the local search; it converges far earlier in practice.
const maxPasses = 50

// Solve proposes the timetable, maximising Value. It builds two starting
// schedules, Greedy's and one by a maximum-weight matching per slot (a
// min-cost flow, each pair weighted by the marginal Value of the
// enterprise's next meeting, at most Tables meetings per slot), improves
// each by local search, and goes on from the better one. The local search
// tries, for every pair that does not meet and every slot both parties are
// available in, to seat the pair there: the meetings in its way (either
// party's meeting in that slot, or one meeting when the slot's tables are
// full) move to another slot where they fit, or are dropped; the move is
// made when Value gains. Then rounds of iterated local search force a
// random unmet pair in, repair around it, and keep the result only if Value
// gained (at most 3000 rounds, or 1000 in a row without gain; the random
// source is seeded). Tables are given out last, so that institutes keep one
// table where they can.
//
// The result is valid for a valid problem, never worse than Greedy by
// Value (Greedy's schedule is kept when nothing beats it), and the same
// for the same problem. At the size (300 enterprises, 300
// institutes, 12 slots, 40 tables, 5,000 pairs) it takes about half a
// second on one core. When ctx is done early, Solve returns the best
// schedule found so far, still valid and never worse than Greedy, but then
// dependent on timing.
func Solve(ctx context.Context, p *Problem) Schedule {
	s, _ := solve(ctx, p, perturbRounds, perturbStall)
	return s
}

// Solve runs at most perturbRounds rounds of iterated local search, and
// stops after perturbStall rounds in a row without gain.
const (
	perturbRounds = 3000
	perturbStall  = 1000
)

// solveInfo says what solve did, for tests and benchmarks.
type solveInfo struct {
	rounds, gains int
}

func solve(ctx context.Context, p *Problem, rounds, stall int) (Schedule, solveInfo) {
	var info solveInfo
	base := Greedy(p)
	if p.Slots <= 0 || p.Tables <= 0 || len(p.Pairs) == 0 {
		return base, info
	}
	order := p.byScore()
	var best *search
	starts := []func() *state{
		func() *state { return stateOf(p, base) },
		func() *state { return p.matchSlots(ctx) },
	}
	for _, start := range starts {
		if ctx.Err() != nil {
			break
		}
		sr := newSearch(start())
		sr.improve(ctx, order)
		if best == nil || sr.total > best.total+eps {
			best = sr
		}
	}
	if best == nil {
		return base, info
	}
	info.rounds, info.gains = best.perturb(ctx, rounds, stall, rand.New(rand.NewPCG(1, uint64(len(p.Pairs)))))
	best.improve(ctx, order)
	s := best.st.schedule()
	if p.Value(s) > p.Value(base)+eps {
		return s, info
	}
	return base, info
}

// stateOf loads a valid schedule into a state (tables dropped).
func stateOf(p *Problem, s Schedule) *state {
	st := newState(p)
	for _, m := range s.Meetings {
		if st.slotOf[m.Pair] < 0 { // not a fixed one, placed already
			st.place(m.Pair, m.Slot)
		}
	}
	return st
}

// matchSlots fills the slots one after another, each with a maximum-weight
// matching of the pairs free in it, weighted by the marginal Value they add
// to what earlier slots gave. When ctx is done it leaves the other slots
// empty.
func (p *Problem) matchSlots(ctx context.Context) *state {
	st := newState(p)
	byEnt := make([][]int, len(p.Parties))
	for k := range p.Pairs {
		if p.pairOK(k) {
			byEnt[p.Pairs[k].A] = append(byEnt[p.Pairs[k].A], k)
		}
	}
	var edges []int
	var weight []float64
	for s := range p.Slots {
		if ctx.Err() != nil {
			break
		}
		edges, weight = edges[:0], weight[:0]
		for e, ks := range byEnt {
			if len(ks) == 0 || !st.free(e, s) {
				continue
			}
			cur := st.entValue(e)
			for _, k := range ks {
				if st.slotOf[k] >= 0 || !st.free(p.Pairs[k].B, s) {
					continue
				}
				edges = append(edges, k)
				weight = append(weight, st.marginal(e, k)-cur)
			}
		}
		for _, k := range matchSlot(p, edges, weight, p.Tables-st.count[s]) {
			st.place(k, s)
		}
	}
	return st
}

// schedule gives out tables and returns the meetings by slot and table.
// Fixed meetings keep theirs; then institutes with more meetings choose first; each takes the table that is
// free in most of its slots and keeps it where free; the rest take the
// lowest free table of their slot.
func (st *state) schedule() Schedule {
	p := st.p
	S, T := p.Slots, p.Tables
	used := make([]bool, S*T)
	table := make([]int, len(p.Pairs))
	var inst []int
	meets := make([][]int, len(p.Parties))
	for k, s := range st.slotOf {
		if s >= 0 && st.isFixed(k) {
			table[k] = st.fixedTable[k]
			used[s*T+table[k]] = true
		}
	}
	for k, s := range st.slotOf {
		if s >= 0 && !st.isFixed(k) {
			table[k] = -1
			b := p.Pairs[k].B
			if len(meets[b]) == 0 {
				inst = append(inst, b)
			}
			meets[b] = append(meets[b], k)
		}
	}
	slices.SortStableFunc(inst, func(a, b int) int {
		if c := cmp.Compare(len(meets[b]), len(meets[a])); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for _, b := range inst {
		home, most := -1, 0
		for t := range T {
			n := 0
			for _, k := range meets[b] {
				if !used[st.slotOf[k]*T+t] {
					n++
				}
			}
			if n > most {
				home, most = t, n
			}
		}
		if home < 0 {
			continue
		}
		for _, k := range meets[b] {
			if i := st.slotOf[k]*T + home; !used[i] {
				used[i] = true
				table[k] = home
			}
		}
	}
	var s Schedule
	for k, slot := range st.slotOf {
		if slot < 0 {
			continue
		}
		if table[k] < 0 {
			for t := range T {
				if !used[slot*T+t] {
					used[slot*T+t] = true
					table[k] = t
					break
				}
			}
		}
		s.Meetings = append(s.Meetings, Meeting{Pair: k, Slot: slot, Table: table[k]})
	}
	slices.SortFunc(s.Meetings, func(a, b Meeting) int {
		if c := cmp.Compare(a.Slot, b.Slot); c != 0 {
			return c
		}
		return cmp.Compare(a.Table, b.Table)
	})
	return s
}
