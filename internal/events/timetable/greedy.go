package timetable

import (
	"cmp"
	"slices"
)

// byScore returns the indexes of the valid pairs by score descending, ties
// by index ascending.
func (p *Problem) byScore() []int {
	order := make([]int, 0, len(p.Pairs))
	for k := range p.Pairs {
		if p.pairOK(k) {
			order = append(order, k)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p.Pairs[b].Score, p.Pairs[a].Score) })
	return order
}

// Greedy is the baseline: the fixed meetings where they are, then the
// pairs by score descending (ties by index), each into the first slot where
// both parties are available and free and a table is free, at the lowest
// free table; a pair that fits nowhere does not meet. The schedule is valid
// for a valid problem (but for fixed meetings in a slot a party did not
// offer).
func Greedy(p *Problem) Schedule {
	st := newState(p)
	var s Schedule
	taken := make([]bool, max(p.Slots, 0)*max(p.Tables, 0)) // taken[slot*Tables+table]
	for _, m := range p.Fixed {
		if st.isFixed(m.Pair) && st.slotOf[m.Pair] == m.Slot && st.fixedTable[m.Pair] == m.Table && !taken[m.Slot*p.Tables+m.Table] {
			taken[m.Slot*p.Tables+m.Table] = true
			s.Meetings = append(s.Meetings, m)
		}
	}
	for _, k := range p.byScore() {
		for slot := 0; slot < p.Slots; slot++ {
			if st.canPlace(k, slot) {
				st.place(k, slot)
				t := slices.Index(taken[slot*p.Tables:(slot+1)*p.Tables], false)
				taken[slot*p.Tables+t] = true
				s.Meetings = append(s.Meetings, Meeting{Pair: k, Slot: slot, Table: t})
				break
			}
		}
	}
	return s
}
