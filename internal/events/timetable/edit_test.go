package timetable

import (
	"context"
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
