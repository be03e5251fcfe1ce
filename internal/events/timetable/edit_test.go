package timetable

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTimetableDeltaEqualsValueDifference applies many random edits, legal
// or not, to solved schedules: Delta is exactly Value(after) - Value(before)
// and reports only violations that involve the edited meetings.
func TestTimetableDeltaEqualsValueDifference(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		p := Generate(seed, GenConfig{Enterprises: 60, Institutes: 40, Slots: 6, Tables: 8, PairsPerEnterprise: 5, Availability: 0.7})
		s := Solve(context.Background(), p)
		r := rand.New(rand.NewPCG(uint64(seed), 1))
		for range 500 {
			n := len(s.Meetings)
			e := Edit{Kind: EditKind(1 + r.IntN(4)), Meeting: r.IntN(n), Other: r.IntN(n),
				Pair: r.IntN(len(p.Pairs)), Slot: r.IntN(p.Slots), Table: r.IntN(p.Tables)}
			d, vs := p.Delta(s, e)
			after, touched, err := p.Apply(s, e)
			if err != nil {
				t.Fatalf("%+v: %v", e, err)
			}
			if want := p.Value(after) - p.Value(s); d != want {
				t.Errorf("%+v: Delta %v, want %v", e, d, want)
			}
			for _, v := range vs {
				if !slices.ContainsFunc(v.Meetings, func(i int) bool { return slices.Contains(touched, i) }) {
					t.Errorf("%+v: violation %q does not involve the edit", e, v.Message)
				}
			}
			if len(p.Check(after)) != len(vs) {
				// s is valid, so every violation of after is the edit's.
				t.Errorf("%+v: Delta reports %d violations, Check %d", e, len(vs), len(p.Check(after)))
			}
			if e.Kind == Remove && len(vs) > 0 {
				t.Errorf("removing a meeting breaks %v", vs)
			}
		}
	}
}

func TestTimetableDeltaReportsTheRightViolation(t *testing.T) {
	p := &Problem{Slots: 3, Tables: 2, Parties: []Party{
		{ID: "E1", Side: Enterprise, Available: []bool{true, true, false}},
		{ID: "E2", Side: Enterprise, Available: []bool{true, true, true}},
		{ID: "I1", Side: Institute, Available: []bool{true, true, true}},
		{ID: "I2", Side: Institute, Available: []bool{true, true, true}},
	}, Pairs: []Pair{{0, 2, 0.9}, {1, 3, 0.6}, {1, 2, 0.5}, {0, 3, 0.4}}}
	s := Schedule{[]Meeting{{Pair: 0, Slot: 0, Table: 0}, {Pair: 1, Slot: 0, Table: 1}, {Pair: 2, Slot: 1, Table: 0}}}
	if vs := p.Check(s); len(vs) > 0 {
		t.Fatal(vs)
	}
	for _, c := range []struct {
		name  string
		e     Edit
		delta float64
		want  []ViolationKind
	}{
		{"move to a free slot", Edit{Kind: Move, Meeting: 1, Slot: 2, Table: 1}, 0, nil},
		{"move where the enterprise cannot come", Edit{Kind: Move, Meeting: 0, Slot: 2, Table: 0}, 0, []ViolationKind{Unavailable}},
		{"move onto a taken table", Edit{Kind: Move, Meeting: 1, Slot: 1, Table: 0}, 0, []ViolationKind{PartyBusy, TableBusy}},
		{"move to a table that does not exist", Edit{Kind: Move, Meeting: 1, Slot: 2, Table: 2}, 0, []ViolationKind{BadMeeting}},
		{"remove", Edit{Kind: Remove, Meeting: 2}, -0.8 * 0.5, nil},
		{"add a new pair", Edit{Kind: Add, Pair: 3, Slot: 1, Table: 1}, 0.8 * 0.4, nil},
		{"add a pair that already meets", Edit{Kind: Add, Pair: 2, Slot: 2, Table: 0}, 0.64 * 0.5, []ViolationKind{PairRepeated}},
		{"add into a busy slot", Edit{Kind: Add, Pair: 3, Slot: 0, Table: 1}, 0.8 * 0.4, []ViolationKind{PartyBusy, PartyBusy, TableBusy}},
		{"swap within a slot", Edit{Kind: Swap, Meeting: 0, Other: 1}, 0, nil},
		{"swap across slots", Edit{Kind: Swap, Meeting: 0, Other: 2}, 0, []ViolationKind{PartyBusy}},
		{"no such meeting", Edit{Kind: Remove, Meeting: 9}, 0, []ViolationKind{BadMeeting}},
		{"no such kind", Edit{Kind: 42}, 0, []ViolationKind{BadMeeting}},
	} {
		d, vs := p.Delta(s, c.e)
		if diff := d - c.delta; diff > 1e-12 || diff < -1e-12 {
			t.Errorf("%s: Delta %v, want %v", c.name, d, c.delta)
		}
		var got []ViolationKind
		for _, v := range vs {
			got = append(got, v.Kind)
			if v.Message == "" {
				t.Errorf("%s: violation without a message", c.name)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: violations %v, want kinds %v", c.name, vs, c.want)
		}
	}
}

// TestTimetableScheduleGarbageNeverPanics feeds Check, Value, Stats, Apply
// and Delta schedules and edits with indexes out of every range.
func TestTimetableScheduleGarbageNeverPanics(t *testing.T) {
	p := Generate(9, GenConfig{Enterprises: 10, Institutes: 8, Slots: 3, Tables: 2, PairsPerEnterprise: 3, Availability: 0.6})
	r := rand.New(rand.NewPCG(9, 9))
	in := func(n int) int { return r.IntN(n+4) - 2 }
	for range 2000 {
		var s Schedule
		for range r.IntN(8) {
			s.Meetings = append(s.Meetings, Meeting{Pair: in(len(p.Pairs)), Slot: in(p.Slots), Table: in(p.Tables)})
		}
		p.Check(s)
		p.Value(s)
		p.Stats(s)
		e := Edit{Kind: EditKind(in(4)), Meeting: in(len(s.Meetings)), Other: in(len(s.Meetings)),
			Pair: in(len(p.Pairs)), Slot: in(p.Slots), Table: in(p.Tables)}
		d, vs := p.Delta(s, e)
		if after, _, err := p.Apply(s, e); err == nil {
			if want := p.Value(after) - p.Value(s); d != want {
				t.Fatalf("%+v on %v: Delta %v, want %v", e, s, d, want)
			}
		} else if len(vs) != 1 || vs[0].Kind != BadMeeting {
			t.Fatalf("%+v: Apply fails (%v) but Delta reports %v", e, err, vs)
		}
	}
}

// TestTimetableGarbageProblemsNeverPanic: Greedy, Solve and Validate on
// problems nobody validated, broken in every way at once.
func TestTimetableGarbageProblemsNeverPanic(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	in := func(n int) int { return r.IntN(n+4) - 2 }
	scores := []float64{0.5, 1, 0, -1, 2, math.NaN(), math.Inf(1), 0.01}
	for i := range 2000 {
		p := &Problem{Slots: r.IntN(5) - 1, Tables: r.IntN(4) - 1}
		if i%10 == 0 {
			p.Slots = 66 // beyond the bit masks
		}
		for i := range r.IntN(8) {
			av := make([]bool, max(0, p.Slots+r.IntN(3)-1))
			for s := range av {
				av[s] = r.IntN(3) > 0
			}
			p.Parties = append(p.Parties, Party{ID: fmt.Sprint(i % 5), Side: Side(r.IntN(3)), Available: av})
		}
		for range r.IntN(12) {
			p.Pairs = append(p.Pairs, Pair{A: in(len(p.Parties)), B: in(len(p.Parties)), Score: scores[r.IntN(len(scores))]})
		}
		for range r.IntN(3) {
			p.Fixed = append(p.Fixed, Meeting{Pair: in(len(p.Pairs)), Slot: in(p.Slots), Table: in(p.Tables)})
		}
		_ = p.Validate()
		p.Check(Greedy(p))
		p.Check(Solve(context.Background(), p))
	}
}
