package timetable

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestTimetableSearchKeepsItsBooks runs the local search phases and checks
// that the search's running total is the Value of its schedule and its
// indexes agree with the schedule, after every phase.
func TestTimetableSearchKeepsItsBooks(t *testing.T) {
	for _, cfg := range []GenConfig{
		{Enterprises: 60, Institutes: 40, Slots: 6, Tables: 8, PairsPerEnterprise: 6, Availability: 0.7},
		{Enterprises: 80, Institutes: 60, Slots: 5, Tables: 40, PairsPerEnterprise: 5, Availability: 0.4, Ties: true},
	} {
		p := Generate(3, cfg)
		order := p.byScore()
		sr := newSearch(p.matchSlots(context.Background()))
		check := func(phase string) {
			t.Helper()
			s := sr.st.schedule()
			if vs := p.Check(s); len(vs) > 0 {
				t.Fatalf("%s: %s", phase, vs[0].Message)
			}
			if v := p.Value(s); math.Abs(v-sr.total) > 1e-6 {
				t.Errorf("%s: running total %v, Value %v", phase, sr.total, v)
			}
			for s, ks := range sr.st.bySlot {
				if len(ks) != sr.st.count[s] {
					t.Errorf("%s: slot %d lists %d meetings, counts %d", phase, s, len(ks), sr.st.count[s])
				}
				for i, k := range ks {
					if sr.st.slotOf[k] != s || sr.st.pos[k] != i {
						t.Errorf("%s: pair %d listed in slot %d at %d, but slotOf %d pos %d", phase, k, s, i, sr.st.slotOf[k], sr.st.pos[k])
					}
				}
			}
		}
		check("matching")
		sr.improve(context.Background(), order)
		check("local search")
		sr.perturb(context.Background(), 500, 500, rand.New(rand.NewPCG(1, 1)))
		check("iterated local search")
	}
}
