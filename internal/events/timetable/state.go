package timetable

// state is a schedule under construction without tables: which pair meets in
// which slot, with the indexes needed to test and apply changes in O(1).
// Tables are given out at the end (schedule); only their count per slot
// matters until then. The problem's fixed meetings are placed from the
// start and never move.
type state struct {
	p        *Problem
	at       []int   // at[party*Slots+slot]: the pair the party meets there, -1 if free
	count    []int   // meetings per slot
	slotOf   []int   // slotOf[pair]: the slot the pair meets in, -1 if it does not
	bySlot   [][]int // the pairs meeting in each slot, in no particular order
	pos      []int   // pos[pair]: its index in bySlot[slotOf[pair]]
	entPairs [][]int // entPairs[party]: the pairs an enterprise meets
	ver      []int   // ver[party]: bumped whenever entPairs[party] changes
	// With at most 64 slots, slot sets as bit masks: avail and busy per
	// party, and the full slots.
	masks       bool
	avail, busy []uint64
	full        uint64
	scratch     []float64
	fixed       []bool // fixed[pair]: the pair is one of Problem.Fixed
	fixedTable  []int  // fixedTable[pair]: its table, for a fixed pair
}

func newState(p *Problem) *state {
	st := &state{
		p:        p,
		at:       make([]int, len(p.Parties)*max(p.Slots, 0)),
		count:    make([]int, max(p.Slots, 0)),
		slotOf:   make([]int, len(p.Pairs)),
		pos:      make([]int, len(p.Pairs)),
		bySlot:   make([][]int, max(p.Slots, 0)),
		entPairs: make([][]int, len(p.Parties)),
		ver:      make([]int, len(p.Parties)),
	}
	if p.Slots >= 0 && p.Slots <= 64 {
		st.masks = true
		st.avail = make([]uint64, len(p.Parties))
		st.busy = make([]uint64, len(p.Parties))
		for x := range p.Parties {
			for s := range p.Slots {
				if p.available(x, s) {
					st.avail[x] |= 1 << s
				}
			}
		}
		if p.Tables <= 0 {
			st.full = 1<<p.Slots - 1
		}
	}
	for i := range st.at {
		st.at[i] = -1
	}
	for i := range st.slotOf {
		st.slotOf[i] = -1
	}
	if len(p.Fixed) > 0 {
		st.fixed = make([]bool, len(p.Pairs))
		st.fixedTable = make([]int, len(p.Pairs))
		for _, m := range p.Fixed {
			// Validate rejects what is skipped here; an unvalidated problem
			// must not panic.
			if !p.pairOK(m.Pair) || m.Slot < 0 || m.Slot >= p.Slots || m.Table < 0 || m.Table >= p.Tables ||
				st.slotOf[m.Pair] >= 0 {
				continue
			}
			st.place(m.Pair, m.Slot)
			st.fixed[m.Pair], st.fixedTable[m.Pair] = true, m.Table
		}
	}
	return st
}

// isFixed reports whether pair k is a fixed meeting.
func (st *state) isFixed(k int) bool {
	return st.fixed != nil && k >= 0 && k < len(st.fixed) && st.fixed[k]
}

// free reports whether party x can meet in slot s: available and not busy.
func (st *state) free(x, s int) bool {
	return st.p.available(x, s) && st.at[x*st.p.Slots+s] < 0
}

// canPlace reports whether pair k can meet in slot s as things stand.
func (st *state) canPlace(k, s int) bool {
	pr := st.p.Pairs[k]
	return st.slotOf[k] < 0 && st.count[s] < st.p.Tables && st.free(pr.A, s) && st.free(pr.B, s)
}

func (st *state) place(k, s int) {
	pr := st.p.Pairs[k]
	S := st.p.Slots
	st.at[pr.A*S+s] = k
	st.at[pr.B*S+s] = k
	st.count[s]++
	st.slotOf[k] = s
	st.pos[k] = len(st.bySlot[s])
	st.bySlot[s] = append(st.bySlot[s], k)
	st.entPairs[pr.A] = append(st.entPairs[pr.A], k)
	st.ver[pr.A]++
	if st.masks {
		st.busy[pr.A] |= 1 << s
		st.busy[pr.B] |= 1 << s
		if st.count[s] >= st.p.Tables {
			st.full |= 1 << s
		}
	}
}

func (st *state) unplace(k int) {
	pr := st.p.Pairs[k]
	S := st.p.Slots
	s := st.slotOf[k]
	st.at[pr.A*S+s] = -1
	st.at[pr.B*S+s] = -1
	st.count[s]--
	st.slotOf[k] = -1
	// Swap-remove from the slot's list.
	in, last := st.bySlot[s], len(st.bySlot[s])-1
	in[st.pos[k]] = in[last]
	st.pos[in[last]] = st.pos[k]
	st.bySlot[s] = in[:last]
	st.entPairs[pr.A] = remove(st.entPairs[pr.A], k)
	st.ver[pr.A]++
	if st.masks {
		st.busy[pr.A] &^= 1 << s
		st.busy[pr.B] &^= 1 << s
		if st.count[s] < st.p.Tables {
			st.full &^= 1 << s
		}
	}
}

// remove deletes the first k from xs, keeping the order.
func remove(xs []int, k int) []int {
	for i, x := range xs {
		if x == k {
			return append(xs[:i], xs[i+1:]...)
		}
	}
	return xs
}

// entValue is enterprise e's term of Value as things stand.
func (st *state) entValue(e int) float64 {
	return st.termWith(e, -1)
}

// marginal is enterprise e's term of Value with the unmet pair k added.
func (st *state) marginal(e, k int) float64 {
	return st.termWith(e, k)
}

// termWith is enterprise e's term of Value with pair k added (k < 0: none).
func (st *state) termWith(e, k int) float64 {
	buf := st.scratch[:0]
	for _, j := range st.entPairs[e] {
		buf = append(buf, st.p.Pairs[j].Score)
	}
	if k >= 0 {
		buf = append(buf, st.p.Pairs[k].Score)
	}
	st.scratch = buf
	return entValue(buf, st.p.decay())
}
