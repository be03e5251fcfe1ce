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

// Greedy is the baseline: the pairs by score descending (ties by index),
// each into the first slot where both parties are available and free and a
// table is free, at the lowest free table; a pair that fits nowhere does not
// meet. The schedule is valid for a valid problem.
func Greedy(p *Problem) Schedule {
	st := newState(p)
	var s Schedule
	for _, k := range p.byScore() {
		for slot := 0; slot < p.Slots; slot++ {
			if st.canPlace(k, slot) {
				st.place(k, slot)
				// Tables fill in order, so the count before placing is the lowest free table.
				s.Meetings = append(s.Meetings, Meeting{Pair: k, Slot: slot, Table: st.count[slot] - 1})
				break
			}
		}
	}
	return s
}
