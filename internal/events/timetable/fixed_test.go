package timetable

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestTimetableFixedMeetingsStay: with some meetings fixed (one of them in
// a slot its enterprise did not offer), Greedy and Solve return every fixed
// meeting at its slot and table, break no other invariant, and Solve is
// still at least as good as Greedy.
func TestTimetableFixedMeetingsStay(t *testing.T) {
	for _, cfg := range []GenConfig{
		DefaultGenConfig,
		{Enterprises: 60, Institutes: 40, Slots: 6, Tables: 8, PairsPerEnterprise: 6, Availability: 0.7},
		{Enterprises: 80, Institutes: 60, Slots: 5, Tables: 40, PairsPerEnterprise: 5, Availability: 0.4, Ties: true},
	} {
		p := Generate(4, cfg)
		// Fix the weakest meetings of a greedy schedule, at shuffled tables.
		g := Greedy(p)
		for i, m := range g.Meetings {
			if i%4 == 0 {
				m.Table = (m.Table + 1 + i) % p.Tables
				if !slices.ContainsFunc(p.Fixed, func(f Meeting) bool { return f.Slot == m.Slot && f.Table == m.Table }) {
					p.Fixed = append(p.Fixed, m)
				}
			}
		}
		// And one the broker put where the enterprise said it cannot come.
		unavailable := -1
	outer:
		for k, pr := range p.Pairs {
			for s := range p.Slots {
				if !p.Parties[pr.A].Available[s] && p.Parties[pr.B].Available[s] &&
					!slices.ContainsFunc(p.Fixed, func(f Meeting) bool {
						fp := p.Pairs[f.Pair]
						return f.Pair == k || (f.Slot == s && (f.Table == 0 || fp.A == pr.A || fp.B == pr.B))
					}) {
					p.Fixed = append(p.Fixed, Meeting{Pair: k, Slot: s, Table: 0})
					unavailable = k
					break outer
				}
			}
		}
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]Schedule{"Greedy": Greedy(p), "Solve": Solve(context.Background(), p)} {
			for _, f := range p.Fixed {
				if !slices.Contains(s.Meetings, f) {
					t.Errorf("%s: fixed meeting %+v missing", name, f)
				}
			}
			for _, v := range p.Check(s) {
				if v.Kind != Unavailable || s.Meetings[v.Meetings[0]].Pair != unavailable {
					t.Errorf("%s: %s", name, v.Message)
				}
			}
		}
		if vg, vs := p.Value(Greedy(p)), p.Value(Solve(context.Background(), p)); vs < vg-1e-9 {
			t.Errorf("Value(Solve) %v < Value(Greedy) %v", vs, vg)
		}
	}
}

// TestTimetableFixedMeetingTakesTheTable: the one table of slot 1 is fixed
// for the weak pair, so the strong pair meets in slot 2.
func TestTimetableFixedMeetingTakesTheTable(t *testing.T) {
	p := &Problem{Slots: 2, Tables: 1, Parties: []Party{
		{ID: "E1", Side: Enterprise, Available: []bool{true, true}},
		{ID: "E2", Side: Enterprise, Available: []bool{true, true}},
		{ID: "I1", Side: Institute, Available: []bool{true, true}},
	}, Pairs: []Pair{{A: 0, B: 2, Score: 0.9}, {A: 1, B: 2, Score: 0.3}},
		Fixed: []Meeting{{Pair: 1, Slot: 0, Table: 0}}}
	want := Schedule{[]Meeting{{Pair: 1, Slot: 0, Table: 0}, {Pair: 0, Slot: 1, Table: 0}}}
	for name, s := range map[string]Schedule{"Greedy": Greedy(p), "Solve": Solve(context.Background(), p)} {
		if !reflect.DeepEqual(s, want) {
			t.Errorf("%s = %v, want %v", name, s, want)
		}
	}
}

func TestTimetableValidateRejectsConflictingFixedMeetings(t *testing.T) {
	base := func() *Problem {
		return &Problem{Slots: 2, Tables: 2, Parties: []Party{
			{ID: "E1", Side: Enterprise, Available: []bool{true, true}},
			{ID: "E2", Side: Enterprise, Available: []bool{true, true}},
			{ID: "I1", Side: Institute, Available: []bool{true, true}},
		}, Pairs: []Pair{{A: 0, B: 2, Score: 0.9}, {A: 1, B: 2, Score: 0.3}}}
	}
	for _, c := range []struct {
		name  string
		fixed []Meeting
		want  string
	}{
		{"same table", []Meeting{{0, 0, 0}, {1, 0, 0}}, "同时安排了 2 场洽谈"},
		{"pair twice", []Meeting{{0, 0, 0}, {0, 1, 0}}, "每对只能会面一次"},
		{"no such table", []Meeting{{0, 0, 5}}, "桌号不存在"},
		{"no such slot", []Meeting{{0, -1, 0}}, "时段不存在"},
		{"no such pair", []Meeting{{9, 0, 0}}, "不存在的候选配对"},
	} {
		p := base()
		p.Fixed = c.fixed
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), "固定的洽谈") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate() = %v, want an error about fixed meetings containing %q", c.name, err, c.want)
		}
		// Unvalidated, nothing panics.
		p.Check(Solve(context.Background(), p))
		p.Check(Greedy(p))
	}
}
