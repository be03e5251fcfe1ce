package timetable

import (
	"context"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// step is one logged change of a state, for undo: pair moved from slot
// from to slot to (-1: not meeting).
type step struct{ pair, from, to int }

// search is the local search over a state. Its move seats an unmet pair in
// a slot both parties are available in: the meetings in its way (either
// party's meeting in that slot, or one meeting when the slot's tables are
// full) move to another slot where they fit, or are dropped.
type search struct {
	st      *state
	log     []step // the move being tried
	trail   []step // the moves committed since the last mark, for revert
	removed []int
	ents    []int
	buf     []float64
	val     []float64 // val[e]: enterprise e's committed term of Value
	total   float64   // Σ val, the committed Value
	loss    []float64 // loss[k]: cached loss of dropping pair k's meeting
	lossVer []int     // the enterprise version loss[k] was computed at, +1
	pairsOf [][]int   // the valid pairs of each party
	queue   []int     // pairs to look at again (repair)
	queued  []bool
	// victim[s] is the meeting to free a table of the full slot s, chosen
	// at epoch victimAt[s]-1; epoch counts the committed changes.
	victim, victimAt []int
	epoch            int
}

func newSearch(st *state) *search {
	p := st.p
	sr := &search{st: st, val: make([]float64, len(p.Parties)),
		loss: make([]float64, len(p.Pairs)), lossVer: make([]int, len(p.Pairs)),
		pairsOf: make([][]int, len(p.Parties)), queued: make([]bool, len(p.Pairs)),
		victim: make([]int, max(p.Slots, 0)), victimAt: make([]int, max(p.Slots, 0))}
	for e := range p.Parties {
		sr.val[e] = st.entValue(e)
		sr.total += sr.val[e]
	}
	for k := range p.Pairs {
		if p.pairOK(k) {
			sr.pairsOf[p.Pairs[k].A] = append(sr.pairsOf[p.Pairs[k].A], k)
			sr.pairsOf[p.Pairs[k].B] = append(sr.pairsOf[p.Pairs[k].B], k)
		}
	}
	return sr
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

// rewind undoes steps, last first.
func (sr *search) rewind(steps []step) {
	st := sr.st
	for i := len(steps) - 1; i >= 0; i-- {
		c := steps[i]
		if c.to >= 0 {
			st.unplace(c.pair)
		}
		if c.from >= 0 {
			st.place(c.pair, c.from)
		}
	}
}

func (sr *search) undo() {
	sr.rewind(sr.log)
	sr.log = sr.log[:0]
}

// relocatable returns a slot other than s where pair k fits as things
// stand, or -1.
func (sr *search) relocatable(k, s int) int {
	st := sr.st
	pr := st.p.Pairs[k]
	if st.masks {
		m := st.avail[pr.A] & st.avail[pr.B] &^ (st.busy[pr.A] | st.busy[pr.B] | st.full | 1<<s)
		if m == 0 {
			return -1
		}
		return bits.TrailingZeros64(m)
	}
	for s2 := range st.p.Slots {
		if s2 != s && st.count[s2] < st.p.Tables && st.free(pr.A, s2) && st.free(pr.B, s2) {
			return s2
		}
	}
	return -1
}

// dropLoss is what enterprise e's term loses without pair k's meeting, as
// things stand (cached per version of e's meetings).
func (sr *search) dropLoss(e, k int) float64 {
	if v := sr.st.ver[e] + 1; sr.lossVer[k] != v {
		buf := sr.buf[:0]
		for _, j := range sr.st.entPairs[e] {
			if j != k {
				buf = append(buf, sr.st.p.Pairs[j].Score)
			}
		}
		sr.buf = buf
		sr.loss[k] = sr.st.entValue(e) - entValue(buf, sr.st.p.decay())
		sr.lossVer[k] = v
	}
	return sr.loss[k]
}

// impossible is the gain of a move that a fixed meeting blocks.
var impossible = math.Inf(-1)

// try seats the unmet pair k in slot s (both parties available there),
// moving or dropping the meetings in its way, and returns the gain in
// Value, or impossible when a fixed meeting is in the way. The changes stay
// applied and logged: the caller commits or undoes.
func (sr *search) try(k, s int) float64 {
	st, p := sr.st, sr.st.p
	pr := p.Pairs[k]
	S := p.Slots
	sr.log, sr.removed = sr.log[:0], sr.removed[:0]
	if st.fixed != nil {
		for _, x := range []int{pr.A, pr.B} {
			if b := st.at[x*S+s]; b >= 0 && st.fixed[b] {
				return impossible
			}
		}
	}
	for _, x := range []int{pr.A, pr.B} {
		if b := st.at[x*S+s]; b >= 0 {
			sr.do(b, -1)
			sr.removed = append(sr.removed, b)
		}
	}
	if st.count[s] >= p.Tables {
		// The slot is full and no blocker was removed, so the state is the
		// committed one: free the table the slot's victim holds.
		victim := sr.victimOf(s)
		if victim < 0 {
			return impossible // every table holds a fixed meeting
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
		gain += st.entValue(e) - sr.val[e]
	}
	return gain
}

// victimOf returns the meeting to free a table of the full slot s in the
// committed state: preferably one that fits elsewhere, else the one whose
// loss is least; never a fixed one (-1 if all are).
func (sr *search) victimOf(s int) int {
	if sr.victimAt[s] == sr.epoch+1 {
		return sr.victim[s]
	}
	st, p := sr.st, sr.st.p
	victim, least := -1, 0.0
	for _, c := range st.bySlot[s] {
		if !st.isFixed(c) && sr.relocatable(c, s) >= 0 {
			victim = c
			break
		}
	}
	if victim < 0 {
		for _, c := range st.bySlot[s] {
			if st.isFixed(c) {
				continue
			}
			if loss := sr.dropLoss(p.Pairs[c].A, c); victim < 0 || loss < least {
				victim, least = c, loss
			}
		}
	}
	sr.victim[s], sr.victimAt[s] = victim, sr.epoch+1
	return victim
}

// commit keeps the move just tried, refreshes the enterprise terms it
// touched, and queues the pairs of the parties it freed in some slot.
func (sr *search) commit(queue bool) {
	p := sr.st.p
	for _, c := range sr.log {
		pr := p.Pairs[c.pair]
		v := sr.st.entValue(pr.A)
		sr.total += v - sr.val[pr.A]
		sr.val[pr.A] = v
		if queue && c.from >= 0 {
			for _, x := range []int{pr.A, pr.B} {
				for _, j := range sr.pairsOf[x] {
					if !sr.queued[j] && sr.st.slotOf[j] < 0 {
						sr.queued[j] = true
						sr.queue = append(sr.queue, j)
					}
				}
			}
		}
	}
	sr.trail = append(sr.trail, sr.log...)
	sr.log = sr.log[:0]
	sr.epoch++
}

// seat makes the best gaining move for the unmet pair k, if any, and
// reports whether it made one.
func (sr *search) seat(k int, queue bool) bool {
	st, p := sr.st, sr.st.p
	pr := p.Pairs[k]
	// Value only grows when a meeting is added, so the gain of seating k is
	// at most its marginal value.
	bound := st.marginal(pr.A, k) - sr.val[pr.A]
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
	if bestSlot < 0 {
		return false
	}
	sr.try(k, bestSlot)
	sr.commit(queue)
	return true
}

// improve runs full passes over the unmet pairs (order: by score
// descending) until one gains nothing, maxPasses, or ctx is done.
func (sr *search) improve(ctx context.Context, order []int) {
	for range maxPasses {
		improved := false
		for n, k := range order {
			if n%256 == 0 && ctx.Err() != nil {
				return
			}
			if sr.st.slotOf[k] < 0 && sr.seat(k, false) {
				improved = true
			}
		}
		sr.trail = sr.trail[:0]
		if !improved {
			return
		}
	}
}

// repair seats the queued pairs where that gains, queueing further pairs
// as meetings move.
func (sr *search) repair() {
	for len(sr.queue) > 0 {
		k := sr.queue[0]
		sr.queue = sr.queue[1:]
		sr.queued[k] = false
		if sr.st.slotOf[k] < 0 {
			sr.seat(k, true)
		}
	}
}

// perturb runs at most iters rounds of iterated local search: seat a
// random unmet pair in a random slot whatever it costs, repair around it,
// and keep the result only if Value gained. It stops early after stall
// rounds in a row without gain. rng makes it deterministic. It returns the
// rounds run and the rounds that gained.
func (sr *search) perturb(ctx context.Context, iters, stall int, rng *rand.Rand) (rounds, gains int) {
	st, p := sr.st, sr.st.p
	var slots []int
	last := 0
	for it := range iters {
		if it%32 == 0 && ctx.Err() != nil {
			return it, gains
		}
		if it-last >= stall {
			return it, gains
		}
		// Of two random pairs, the unmet one whose seating could gain more.
		k, kb := -1, 0.0
		for range 2 {
			j := rng.IntN(len(p.Pairs))
			if !p.pairOK(j) || st.slotOf[j] >= 0 {
				continue
			}
			if b := st.marginal(p.Pairs[j].A, j) - sr.val[p.Pairs[j].A]; k < 0 || b > kb {
				k, kb = j, b
			}
		}
		if k < 0 {
			continue
		}
		pr := p.Pairs[k]
		slots = slots[:0]
		for s := range p.Slots {
			if p.available(pr.A, s) && p.available(pr.B, s) {
				slots = append(slots, s)
			}
		}
		if len(slots) == 0 {
			continue
		}
		before := sr.total
		sr.trail = sr.trail[:0]
		if sr.try(k, slots[rng.IntN(len(slots))]) == impossible {
			sr.undo()
			continue
		}
		sr.commit(true)
		sr.repair()
		if sr.total > before+eps {
			gains++
			last = it + 1
			continue
		}
		// No gain: put everything back.
		sr.rewind(sr.trail)
		for _, c := range sr.trail {
			e := p.Pairs[c.pair].A
			sr.val[e] = st.entValue(e)
		}
		sr.total = before
		sr.trail = sr.trail[:0]
		sr.epoch++
	}
	return iters, gains
}
