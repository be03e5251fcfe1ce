package timetable

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// testCase is a generated problem with its Greedy and Solve schedules.
type testCase struct {
	name          string
	p             *Problem
	greedy, solve Schedule
}

var (
	solvedOnce  sync.Once
	solvedCases []testCase
)

// solved returns cases() with their schedules, computed once for all tests.
func solved() []testCase {
	solvedOnce.Do(func() {
		for _, c := range cases() {
			solvedCases = append(solvedCases, testCase{c.name, c.p, Greedy(c.p), Solve(context.Background(), c.p)})
		}
	})
	return solvedCases
}

// cases are the generated problems of the invariant tests: sizes up to
// hundreds of parties, tight tables, sparse availability, ties, and the
// degenerate ones.
func cases() []struct {
	name string
	p    *Problem
} {
	cfgs := []struct {
		name string
		cfg  GenConfig
	}{
		{"default", DefaultGenConfig},
		{"small", GenConfig{Enterprises: 8, Institutes: 6, Slots: 4, Tables: 3, PairsPerEnterprise: 3, Availability: 0.6}},
		{"tight-tables", GenConfig{Enterprises: 120, Institutes: 80, Slots: 8, Tables: 5, PairsPerEnterprise: 6, Availability: 0.7}},
		{"sparse-availability", GenConfig{Enterprises: 200, Institutes: 150, Slots: 10, Tables: 60, PairsPerEnterprise: 8, Availability: 0.2}},
		{"ties", GenConfig{Enterprises: 150, Institutes: 100, Slots: 6, Tables: 30, PairsPerEnterprise: 10, Availability: 0.8, Ties: true}},
		{"one-slot", GenConfig{Enterprises: 50, Institutes: 40, Slots: 1, Tables: 10, PairsPerEnterprise: 5, Availability: 0.9}},
		{"no-pairs", GenConfig{Enterprises: 20, Institutes: 20, Slots: 4, Tables: 4}},
		{"no-tables", GenConfig{Enterprises: 20, Institutes: 20, Slots: 4, Tables: 0, PairsPerEnterprise: 3, Availability: 0.8}},
		{"no-slots", GenConfig{Enterprises: 20, Institutes: 20, Slots: 0, Tables: 4, PairsPerEnterprise: 3, Availability: 0.8}},
		{"empty", GenConfig{}},
		{"plenty-of-tables", GenConfig{Enterprises: 100, Institutes: 100, Slots: 6, Tables: 200, PairsPerEnterprise: 5, Availability: 0.6}},
		{"many-slots", GenConfig{Enterprises: 40, Institutes: 30, Slots: 70, Tables: 4, PairsPerEnterprise: 6, Availability: 0.3}},
		{"large", GenConfig{Enterprises: 400, Institutes: 350, Slots: 12, Tables: 50, PairsPerEnterprise: 15, Availability: 0.6, Ties: true}},
	}
	var out []struct {
		name string
		p    *Problem
	}
	for _, c := range cfgs {
		for seed := int64(1); seed <= 3; seed++ {
			out = append(out, struct {
				name string
				p    *Problem
			}{fmt.Sprintf("%s/%d", c.name, seed), Generate(seed, c.cfg)})
		}
	}
	// A party with no available slot, and one whose only pair is with it.
	p := Generate(7, GenConfig{Enterprises: 10, Institutes: 10, Slots: 3, Tables: 2, PairsPerEnterprise: 4, Availability: 0.7})
	p.Parties[0].Available = make([]bool, p.Slots)
	p.Parties[10].Available = make([]bool, p.Slots)
	out = append(out, struct {
		name string
		p    *Problem
	}{"unavailable-parties", p})
	return out
}

func TestTimetableInvariantsGreedyAndSolve(t *testing.T) {
	for _, c := range solved() {
		if err := c.p.Validate(); err != nil {
			t.Fatalf("%s: generated problem invalid: %v", c.name, err)
		}
		for name, s := range map[string]Schedule{"Greedy": c.greedy, "Solve": c.solve} {
			if vs := c.p.Check(s); len(vs) > 0 {
				t.Errorf("%s: %s breaks %d invariants, first: %s", c.name, name, len(vs), vs[0].Message)
			}
			// Check's own view, restated: no double booking, availability, tables in range.
			party, table, pair := map[[2]int]bool{}, map[[2]int]bool{}, map[int]bool{}
			for _, m := range s.Meetings {
				pr := c.p.Pairs[m.Pair]
				for _, x := range []int{pr.A, pr.B} {
					if party[[2]int{x, m.Slot}] || !c.p.Parties[x].Available[m.Slot] {
						t.Errorf("%s: %s: party %d double booked or unavailable in slot %d", c.name, name, x, m.Slot)
					}
					party[[2]int{x, m.Slot}] = true
				}
				if table[[2]int{m.Table, m.Slot}] || m.Table < 0 || m.Table >= c.p.Tables {
					t.Errorf("%s: %s: table %d in slot %d taken twice or out of range", c.name, name, m.Table, m.Slot)
				}
				table[[2]int{m.Table, m.Slot}] = true
				if pair[m.Pair] {
					t.Errorf("%s: %s: pair %d meets twice", c.name, name, m.Pair)
				}
				pair[m.Pair] = true
			}
		}
	}
}

func TestTimetableCheckReportsEachViolation(t *testing.T) {
	p := &Problem{Slots: 2, Tables: 1, Parties: []Party{
		{ID: "e1", Name: "甲公司", Side: Enterprise, Available: []bool{true, false}},
		{ID: "e2", Side: Enterprise, Available: []bool{true, true}},
		{ID: "i1", Name: "乙研究所", Side: Institute, Available: []bool{true, true}},
	}, Pairs: []Pair{{A: 0, B: 2, Score: 0.9}, {A: 1, B: 2, Score: 0.5}}}
	for _, c := range []struct {
		name string
		s    Schedule
		want []ViolationKind
		msg  string
	}{
		{"valid", Schedule{[]Meeting{{0, 0, 0}, {1, 1, 0}}}, nil, ""},
		{"unavailable", Schedule{[]Meeting{{0, 1, 0}}}, []ViolationKind{Unavailable}, "企业「甲公司」第 2 时段不能参会"},
		{"party busy and table busy", Schedule{[]Meeting{{0, 0, 0}, {1, 0, 0}}}, []ViolationKind{PartyBusy, TableBusy}, "院所「乙研究所」在第 1 时段同时安排了 2 场洽谈"},
		{"repeated", Schedule{[]Meeting{{1, 0, 0}, {1, 1, 0}}}, []ViolationKind{PairRepeated}, "每对只能会面一次"},
		{"bad table", Schedule{[]Meeting{{1, 0, 1}}}, []ViolationKind{BadMeeting}, "桌号不存在"},
		{"bad slot", Schedule{[]Meeting{{1, 5, 0}}}, []ViolationKind{BadMeeting}, "时段不存在"},
		{"bad pair", Schedule{[]Meeting{{7, 0, 0}}}, []ViolationKind{BadMeeting}, "不存在的候选配对"},
	} {
		vs := p.Check(c.s)
		var got []ViolationKind
		for _, v := range vs {
			got = append(got, v.Kind)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: kinds %v, want %v (%v)", c.name, got, c.want, vs)
			continue
		}
		if c.msg != "" && !strings.Contains(vs[len(vs)-1].Message+vs[0].Message, c.msg) {
			t.Errorf("%s: messages %v, want one containing %q", c.name, vs, c.msg)
		}
	}
}

// TestTimetableBeatsGreedyOnGeneratedCases checks Value(Solve) >= Value(Greedy)
// everywhere and logs the aggregate over 20 cases of the size.
func TestTimetableBeatsGreedyOnGeneratedCases(t *testing.T) {
	for _, c := range solved() {
		g, s := c.greedy, c.solve
		if vg, vs := c.p.Value(g), c.p.Value(s); vs < vg-1e-9 {
			t.Errorf("%s: Value(Solve) = %.4f < Value(Greedy) = %.4f", c.name, vs, vg)
		}
	}
	n, nb := 20, 5 // cases, and how many of them get the (slow) upper bound
	if testing.Short() {
		n, nb = 3, 1
	}
	sum, minRatio, rawSum, gapSum, gapGreedy := 0.0, math.Inf(1), 0.0, 0.0, 0.0
	for seed := int64(1); seed <= int64(n); seed++ {
		p := Generate(seed, DefaultGenConfig)
		g, s := p.Stats(Greedy(p)), p.Stats(Solve(context.Background(), p))
		if s.Value < g.Value-1e-9 {
			t.Errorf("seed %d: Value(Solve) = %.4f < Value(Greedy) = %.4f", seed, s.Value, g.Value)
		}
		r := s.Value / g.Value
		sum += r
		minRatio = min(minRatio, r)
		rawSum += s.RawScore / g.RawScore
		bound := ""
		if seed <= int64(nb) {
			b := flowBound(p)
			if s.Value > b+1e-9 {
				t.Errorf("seed %d: Value(Solve) = %.4f above the upper bound %.4f", seed, s.Value, b)
			}
			gapSum += s.Value / b
			gapGreedy += g.Value / b
			bound = fmt.Sprintf("; of the upper bound %.2f: Greedy %.2f%%, Solve %.2f%%", b, 100*g.Value/b, 100*s.Value/b)
		}
		t.Logf("seed %2d: %d pairs; Value %.2f -> %.2f (x%.4f), raw %.2f -> %.2f, meetings %d -> %d, served %d -> %d of %d (%d can be), min/max meetings %d/%d -> %d/%d, institutes on one table %d/%d -> %d/%d%s",
			seed, len(p.Pairs), g.Value, s.Value, r, g.RawScore, s.RawScore, g.Meetings, s.Meetings,
			g.Served, s.Served, g.Enterprises, g.Servable, g.MinMeetings, g.MaxMeetings, s.MinMeetings, s.MaxMeetings,
			g.SameTable, g.InstitutesMet, s.SameTable, s.InstitutesMet, bound)
	}
	t.Logf("over %d cases of 300+300 parties, 12 slots, 40 tables: Value(Solve)/Value(Greedy) mean %.4f, min %.4f; raw score ratio mean %.4f; share of the upper bound over %d cases: Greedy %.2f%%, Solve %.2f%%",
		n, sum/float64(n), minRatio, rawSum/float64(n), nb, 100*gapGreedy/float64(nb), 100*gapSum/float64(nb))
}

// TestTimetableSolveFindsOptimumWhereGreedyFails is the hand-checked case.
// One table, two slots; E1 can only come in slot 1. Greedy seats the
// strongest pair (E2, I1) first, in slot 1, and then (E1, I1) fits nowhere:
// Value 0.9. The optimum moves (E2, I1) to slot 2 and seats (E1, I1) in
// slot 1: Value 0.9 + 0.8 = 1.7, and both enterprises are served.
func TestTimetableSolveFindsOptimumWhereGreedyFails(t *testing.T) {
	p := &Problem{Slots: 2, Tables: 1, Parties: []Party{
		{ID: "E1", Side: Enterprise, Available: []bool{true, false}},
		{ID: "E2", Side: Enterprise, Available: []bool{true, true}},
		{ID: "I1", Side: Institute, Available: []bool{true, true}},
	}, Pairs: []Pair{{A: 1, B: 2, Score: 0.9}, {A: 0, B: 2, Score: 0.8}}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	g := Greedy(p)
	if want := (Schedule{[]Meeting{{Pair: 0, Slot: 0, Table: 0}}}); !reflect.DeepEqual(g, want) {
		t.Fatalf("Greedy = %v, want %v", g, want)
	}
	s := Solve(context.Background(), p)
	if vs := p.Check(s); len(vs) > 0 {
		t.Fatal(vs)
	}
	if v := p.Value(s); math.Abs(v-1.7) > 1e-12 {
		t.Errorf("Value(Solve) = %v, want 1.7 (%v)", v, s)
	}
	want := Schedule{[]Meeting{{Pair: 1, Slot: 0, Table: 0}, {Pair: 0, Slot: 1, Table: 0}}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("Solve = %v, want %v", s, want)
	}
}

// TestTimetableSolveSharesFairly: greedy gives the strong enterprise both
// meetings (E1 meets I1 and I2), the weaker enterprise none; the fair share
// gives E2 its meeting with I1 instead: 0.9 + 0.7 = 1.6 > 0.9 + 0.8*0.85 = 1.58.
func TestTimetableSolveSharesFairly(t *testing.T) {
	p := &Problem{Slots: 2, Tables: 1, Parties: []Party{
		{ID: "E1", Side: Enterprise, Available: []bool{true, true}},
		{ID: "E2", Side: Enterprise, Available: []bool{true, true}},
		{ID: "I1", Side: Institute, Available: []bool{true, true}},
		{ID: "I2", Side: Institute, Available: []bool{true, true}},
	}, Pairs: []Pair{{A: 0, B: 2, Score: 0.9}, {A: 0, B: 3, Score: 0.85}, {A: 1, B: 2, Score: 0.7}}}
	g, s := p.Stats(Greedy(p)), p.Stats(Solve(context.Background(), p))
	if g.Served != 1 || s.Served != 2 {
		t.Errorf("served: Greedy %d, Solve %d; want 1 and 2", g.Served, s.Served)
	}
	if math.Abs(s.Value-1.6) > 1e-12 || math.Abs(g.Value-(0.9+0.8*0.85)) > 1e-12 {
		t.Errorf("Value: Greedy %v, Solve %v", g.Value, s.Value)
	}
}

func TestTimetableValueIsDiminishing(t *testing.T) {
	p := &Problem{Slots: 3, Tables: 3, Parties: []Party{
		{ID: "E", Side: Enterprise, Available: []bool{true, true, true}},
		{ID: "I1", Side: Institute, Available: []bool{true, true, true}},
		{ID: "I2", Side: Institute, Available: []bool{true, true, true}},
		{ID: "I3", Side: Institute, Available: []bool{true, true, true}},
	}, Pairs: []Pair{{0, 1, 0.5}, {0, 2, 1}, {0, 3, 0.25}}}
	s := Schedule{[]Meeting{{0, 0, 0}, {1, 1, 0}, {2, 2, 0}}}
	if v, want := p.Value(s), 1+0.8*0.5+0.64*0.25; math.Abs(v-want) > 1e-12 {
		t.Errorf("Value = %v, want %v", v, want)
	}
	st := p.Stats(s)
	if st.RawScore != 1.75 || st.Meetings != 3 || st.Served != 1 || st.MinMeetings != 3 || st.SameTable != 3 {
		t.Errorf("Stats = %+v", st)
	}
}

// TestTimetableDecayTradesScoreForShare: a smaller Decay serves more
// enterprises for some raw score; Decay 1 is the plain sum of scores.
func TestTimetableDecayTradesScoreForShare(t *testing.T) {
	p := Generate(2, GenConfig{Enterprises: 120, Institutes: 100, Slots: 8, Tables: 15, PairsPerEnterprise: 10, Availability: 0.7})
	var served []int
	var raw []float64
	for _, d := range []float64{1, 0.8, 0.5} {
		p.Decay = d
		st := p.Stats(Solve(context.Background(), p))
		served, raw = append(served, st.Served), append(raw, st.RawScore)
		if d == 1 && math.Abs(st.Value-st.RawScore) > 1e-9 {
			t.Errorf("Decay 1: Value %v, want the raw score %v", st.Value, st.RawScore)
		}
		t.Logf("Decay %.1f: served %d of %d (%d can be), raw score %.2f, Value %.2f", d, st.Served, st.Enterprises, st.Servable, st.RawScore, st.Value)
	}
	if !(served[0] <= served[1] && served[1] <= served[2] && served[0] < served[2]) {
		t.Errorf("served by Decay 1, 0.8, 0.5: %v, want increasing", served)
	}
	if !(raw[0] >= raw[2]) {
		t.Errorf("raw score by Decay 1, 0.8, 0.5: %v, want Decay 1 highest", raw)
	}
}

func TestTimetableDeterministic(t *testing.T) {
	for i, c := range solved() {
		if i%3 != 0 || len(c.p.Pairs) > 2000 { // one seed of each shape, the big ones below
			continue
		}
		if !reflect.DeepEqual(c.solve, Solve(context.Background(), c.p)) {
			t.Errorf("%s: two runs of Solve differ", c.name)
		}
	}
	// Equal problems built apart give the same schedule (the size).
	a, b := Generate(2, DefaultGenConfig), Generate(2, DefaultGenConfig)
	if !reflect.DeepEqual(Solve(context.Background(), a), Solve(context.Background(), b)) {
		t.Errorf("Solve differs on equal problems of the issue's size")
	}
	cfg := GenConfig{Enterprises: 100, Institutes: 80, Slots: 8, Tables: 12, PairsPerEnterprise: 8, Availability: 0.6, Ties: true}
	if !reflect.DeepEqual(Solve(context.Background(), Generate(5, cfg)), Solve(context.Background(), Generate(5, cfg))) {
		t.Errorf("Solve differs on equal problems")
	}
}

func TestTimetableSolveHonoursCancelledContext(t *testing.T) {
	p := Generate(3, DefaultGenConfig)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, d := range []time.Duration{-1, time.Millisecond, 50 * time.Millisecond} {
		ctx := cancelled
		if d > 0 {
			var stop context.CancelFunc
			ctx, stop = context.WithTimeout(context.Background(), d)
			defer stop()
		}
		start := time.Now()
		s := Solve(ctx, p)
		t.Logf("deadline %v: returned after %v", d, time.Since(start))
		if vs := p.Check(s); len(vs) > 0 {
			t.Fatal(vs[0].Message)
		}
		if p.Value(s) < p.Value(Greedy(p))-1e-9 {
			t.Errorf("deadline %v: Solve is worse than Greedy", d)
		}
	}
}

func TestTimetableValidateRejectsBadInput(t *testing.T) {
	good := func() *Problem {
		return &Problem{Slots: 2, Tables: 1, Parties: []Party{
			{ID: "e", Side: Enterprise, Available: []bool{true, true}},
			{ID: "i", Side: Institute, Available: []bool{true, false}},
		}, Pairs: []Pair{{A: 0, B: 1, Score: 0.5}}}
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("good problem: %v", err)
	}
	for _, c := range []struct {
		name   string
		break_ func(p *Problem)
		want   string
	}{
		{"negative slots", func(p *Problem) { p.Slots = -1 }, "时段数不能为负数"},
		{"negative tables", func(p *Problem) { p.Tables = -3 }, "桌数不能为负数"},
		{"pair out of range", func(p *Problem) { p.Pairs[0].B = 9 }, "不存在的参会方"},
		{"negative pair index", func(p *Problem) { p.Pairs[0].A = -1 }, "不存在的参会方"},
		{"availability length", func(p *Problem) { p.Parties[1].Available = []bool{true} }, "应为 2 项"},
		{"NaN score", func(p *Problem) { p.Pairs[0].Score = math.NaN() }, "匹配度"},
		{"zero score", func(p *Problem) { p.Pairs[0].Score = 0 }, "匹配度"},
		{"score above one", func(p *Problem) { p.Pairs[0].Score = 1.5 }, "匹配度"},
		{"infinite score", func(p *Problem) { p.Pairs[0].Score = math.Inf(1) }, "匹配度"},
		{"NaN decay", func(p *Problem) { p.Decay = math.NaN() }, "公平系数"},
		{"negative decay", func(p *Problem) { p.Decay = -0.5 }, "公平系数"},
		{"decay above one", func(p *Problem) { p.Decay = 1.2 }, "公平系数"},
		{"sides swapped", func(p *Problem) { p.Pairs[0] = Pair{A: 1, B: 0, Score: 0.5} }, "一家企业与一家院所"},
		{"unknown side", func(p *Problem) { p.Parties[0].Side = 7 }, "类别无效"},
		{"duplicate id", func(p *Problem) { p.Parties[1].ID = "e" }, "标识重复"},
		{"duplicate pair", func(p *Problem) { p.Pairs = append(p.Pairs, Pair{A: 0, B: 1, Score: 0.4}) }, "候选配对重复"},
	} {
		p := good()
		c.break_(p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", c.name, err, c.want)
		}
		// The rest of the package must not panic on it either.
		s := Solve(context.Background(), p)
		p.Check(s)
		p.Value(s)
		p.Stats(s)
		p.Delta(s, Edit{Kind: Add, Pair: 0})
	}
	var nilProblem *Problem
	if nilProblem.Validate() == nil {
		t.Error("nil problem validates")
	}
}
