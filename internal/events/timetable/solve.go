package timetable

import (
	"cmp"
	"context"
	"slices"
)

// eps is the least gain a local-search move must bring; it keeps rounding
// noise from cycling.
const eps = 1e-9

// maxPasses bounds the local search; it converges far earlier in practice.
const maxPasses = 50

// Solve proposes the timetable. It builds two starting schedules, Greedy's
// and one by a maximum-weight matching per slot (a min-cost flow, each
// pair weighted by the marginal Value of the enterprise's next meeting,
// at most Tables meetings per slot), improves each by local search, and
// keeps the best by Value. The local search tries, for every pair that does
// not meet and every slot both parties are available in, to seat the pair
// there: the meetings in its way (either party's meeting in that slot, or
// one meeting when the slot's tables are full) move to another slot where
// they fit, or are dropped; the move is made when Value gains. Tables are
// then given out so that institutes keep one table where they can.
//
// The result is valid for a valid problem, never worse than Greedy by
// Value (Greedy's schedule is one of the candidates), and the same for the
// same problem. When ctx is done early, Solve returns the best schedule
// found so far, which is still valid but may then depend on timing.
func Solve(ctx context.Context, p *Problem) Schedule {
	base := Greedy(p)
	if p.Slots <= 0 || p.Tables <= 0 || len(p.Pairs) == 0 {
		return base
	}
	best, bestV := base, p.Value(base)
	order := p.byScore()
	starts := []*state{stateOf(p, base), p.matchSlots()}
	for _, st := range starts {
		if ctx.Err() != nil {
			break
		}
		st.improve(ctx, order)
		s := st.schedule()
		if v := p.Value(s); v > bestV+eps {
			best, bestV = s, v
		}
	}
	return best
}

// stateOf loads a schedule into a state (tables dropped).
func stateOf(p *Problem, s Schedule) *state {
	st := newState(p)
	for _, m := range s.Meetings {
		st.place(m.Pair, m.Slot)
	}
	return st
}

// matchSlots fills the slots one after another, each with a maximum-weight
// matching of the pairs free in it, weighted by the marginal Value they add
// to what earlier slots gave.
func (p *Problem) matchSlots() *state {
	st := newState(p)
	var buf []float64
	byEnt := make([][]int, len(p.Parties))
	for k := range p.Pairs {
		if p.pairOK(k) {
			byEnt[p.Pairs[k].A] = append(byEnt[p.Pairs[k].A], k)
		}
	}
	var edges []int
	var weight []float64
	for s := range p.Slots {
		edges, weight = edges[:0], weight[:0]
		for e, ks := range byEnt {
			if len(ks) == 0 || !st.free(e, s) {
				continue
			}
			cur := st.entValue(e, buf)
			for _, k := range ks {
				if st.slotOf[k] >= 0 || !st.free(p.Pairs[k].B, s) {
					continue
				}
				edges = append(edges, k)
				weight = append(weight, st.marginal(e, k, buf)-cur)
			}
		}
		for _, k := range matchSlot(p, edges, weight, p.Tables) {
			st.place(k, s)
		}
	}
	return st
}

// marginal is enterprise e's term of Value with pair k added.
func (st *state) marginal(e, k int, buf []float64) float64 {
	buf = buf[:0]
	for _, j := range st.entPairs[e] {
		buf = append(buf, st.p.Pairs[j].Score)
	}
	return entValue(append(buf, st.p.Pairs[k].Score))
}

// step is one logged change of a state, for undo: pair moved from slot
// From to slot To (-1: not meeting).
type step struct{ pair, from, to int }

// search holds the scratch of the local search.
type search struct {
	st      *state
	log     []step
	removed []int
	ents    []int
	buf     []float64
	val     []float64 // val[e]: enterprise e's committed term of Value
}

func (sr *search) do(k, to int) {
	st := sr.st
	from := st.slotOf[k]
	if from >= 0 {
		st.unplace(k)
	}
	if to >= 0 {
		st.place(k, to)
	}
	sr.log = append(sr.log, step{k, from, to})
}

func (sr *search) undo() {
	st := sr.st
	for i := len(sr.log) - 1; i >= 0; i-- {
		c := sr.log[i]
		if c.to >= 0 {
			st.unplace(c.pair)
		}
		if c.from >= 0 {
			st.place(c.pair, c.from)
		}
	}
	sr.log = sr.log[:0]
}

// relocatable returns a slot other than s where pair k fits as things
// stand, or -1.
func (sr *search) relocatable(k, s int) int {
	st := sr.st
	for s2 := range st.p.Slots {
		if s2 != s && st.count[s2] < st.p.Tables && st.free(st.p.Pairs[k].A, s2) && st.free(st.p.Pairs[k].B, s2) {
			return s2
		}
	}
	return -1
}

// try seats the unmet pair k in slot s (both parties available there),
// moving or dropping the meetings in its way, and returns the gain in
// Value. The changes stay applied and logged: the caller commits or undoes.
func (sr *search) try(k, s int) float64 {
	st, p := sr.st, sr.st.p
	pr := p.Pairs[k]
	S := p.Slots
	sr.log, sr.removed = sr.log[:0], sr.removed[:0]
	for _, x := range []int{pr.A, pr.B} {
		if b := st.at[x*S+s]; b >= 0 {
			sr.do(b, -1)
			sr.removed = append(sr.removed, b)
		}
	}
	if st.count[s] >= p.Tables {
		// The slot is full: free a table, preferably by a meeting that fits
		// elsewhere, else by the one whose loss is least.
		victim, least := -1, 0.0
		for _, c := range st.bySlot[s] {
			if sr.relocatable(c, s) >= 0 {
				victim = c
				break
			}
			e := p.Pairs[c].A
			loss := sr.val[e] - sr.without(e, c)
			if victim < 0 || loss < least {
				victim, least = c, loss
			}
		}
		sr.do(victim, -1)
		sr.removed = append(sr.removed, victim)
	}
	sr.do(k, s)
	for _, r := range sr.removed {
		if s2 := sr.relocatable(r, s); s2 >= 0 {
			sr.do(r, s2)
		}
	}
	// The enterprises whose terms changed: the seated pair's and the
	// removed meetings'; each counted once.
	ents := append(sr.ents[:0], pr.A)
	for _, r := range sr.removed {
		if e := p.Pairs[r].A; !slices.Contains(ents, e) {
			ents = append(ents, e)
		}
	}
	sr.ents = ents
	gain := 0.0
	for _, e := range ents {
		gain += sr.st.entValue(e, sr.buf) - sr.val[e]
	}
	return gain
}

// without is enterprise e's term of Value without its meeting c.
func (sr *search) without(e, c int) float64 {
	buf := sr.buf[:0]
	for _, j := range sr.st.entPairs[e] {
		if j != c {
			buf = append(buf, sr.st.p.Pairs[j].Score)
		}
	}
	return entValue(buf)
}

// commit keeps the current try and refreshes the enterprise terms it touched.
func (sr *search) commit() {
	for _, c := range sr.log {
		e := sr.st.p.Pairs[c.pair].A
		sr.val[e] = sr.st.entValue(e, sr.buf)
	}
	sr.log = sr.log[:0]
}

// improve runs the local search until a pass gains nothing, maxPasses, or
// ctx is done. order lists the pairs by score descending.
func (st *state) improve(ctx context.Context, order []int) {
	p := st.p
	sr := &search{st: st, val: make([]float64, len(p.Parties))}
	for e := range p.Parties {
		sr.val[e] = st.entValue(e, sr.buf)
	}
	for range maxPasses {
		improved := false
		for n, k := range order {
			if n%256 == 0 && ctx.Err() != nil {
				return
			}
			if st.slotOf[k] >= 0 {
				continue
			}
			pr := p.Pairs[k]
			// Value only grows when a meeting is added, so the gain of
			// seating k is at most its marginal value.
			bound := st.marginal(pr.A, k, sr.buf) - sr.val[pr.A]
			best, bestSlot := eps, -1
			for s := range p.Slots {
				if bound <= best {
					break
				}
				if !p.available(pr.A, s) || !p.available(pr.B, s) {
					continue
				}
				g := sr.try(k, s)
				sr.undo()
				if g > best {
					best, bestSlot = g, s
				}
			}
			if bestSlot >= 0 {
				sr.try(k, bestSlot)
				sr.commit()
				improved = true
			}
		}
		if !improved {
			return
		}
	}
}

// schedule gives out tables and returns the meetings by slot and table.
// Institutes with more meetings choose first; each takes the table that is
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
		if s >= 0 {
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
