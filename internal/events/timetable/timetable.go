// Package timetable proposes the 1:1 meeting timetable of a matchmaking event
// (对接会): S time slots, T tables, enterprises (by their challenge) and
// institutes (by their capability), each available in some slots, and
// candidate pairs (enterprise, institute) scored by the match engine.
//
// Invariants of a schedule (Problem.Check reports every one that is broken,
// with a Chinese message for the broker's page):
//   - a party has at most one meeting per slot;
//   - a slot holds at most Tables meetings, each at a distinct table in [0, Tables);
//   - a party meets only in slots it is available in;
//   - a pair meets at most once.
//
// The objective (Problem.Value) rewards strong pairs and a fair share of
// meetings for every enterprise; Problem.Stats gives the plain figures
// beside it. Greedy is the baseline, Solve the solver; both keep the
// problem's fixed meetings where they are. Problem.Delta prices a broker's
// manual edit and names the invariants it breaks. The package is pure
// (standard library only, no I/O) and deterministic: the same Problem gives
// the same Schedule.
package timetable

import (
	"errors"
	"fmt"
	"math"
)

// Side says whether a party is an enterprise or an institute.
type Side int

// Sides.
const (
	Enterprise Side = iota // 企业（以其技术难题参会）
	Institute              // 院所（以其技术能力参会）
)

// Label is the side's name as a user reads it.
func (s Side) Label() string {
	if s == Institute {
		return "院所"
	}
	return "企业"
}

// Party is one participant of the event.
type Party struct {
	ID   string // the caller's identifier (challenge or capability id); unique
	Name string // shown in messages; ID when empty
	Side Side
	// Available[s] says whether the party can meet in slot s; len(Available)
	// must equal Problem.Slots.
	Available []bool
}

// label is how messages name the party: 企业「name」.
func (p Party) label() string {
	n := p.Name
	if n == "" {
		n = p.ID
	}
	return p.Side.Label() + "「" + n + "」"
}

// Pair is a candidate meeting between an enterprise and an institute.
type Pair struct {
	A     int     // index into Problem.Parties of the enterprise
	B     int     // index into Problem.Parties of the institute
	Score float64 // match score in (0, 1]
}

// Problem is one event to schedule. Validate it before solving: the
// functions of this package never panic on an invalid problem, but their
// results are then meaningless.
type Problem struct {
	Slots   int // number of time slots, numbered 0..Slots-1 (shown 1-based)
	Tables  int // number of tables, numbered 0..Tables-1 (shown 1-based)
	Parties []Party
	Pairs   []Pair
	// Fixed are meetings that stay where they are (a broker placed them, or
	// they were held): Greedy and Solve keep each at its slot and table,
	// plan the other pairs around them and return them in the schedule.
	// They must not conflict among themselves (Validate), except that a
	// broker may fix a meeting in a slot a party did not offer (Check still
	// reports it).
	Fixed []Meeting
	// Decay is the weight ratio between an enterprise's successive meetings
	// in Value, in (0, 1]; zero means the default Decay (0.8). Smaller
	// values share meetings more evenly among enterprises.
	Decay float64
}

// Meeting is one scheduled meeting: Pairs[Pair] meets in Slot at Table.
type Meeting struct {
	Pair  int // index into Problem.Pairs
	Slot  int
	Table int
}

// Schedule is a timetable: a list of meetings, in no particular order.
type Schedule struct {
	Meetings []Meeting
}

// Validate reports the first problem with the input as an error whose
// message is Chinese and names the offending item, or nil. It never panics.
func (p *Problem) Validate() error {
	if p == nil {
		return errors.New("对接会排期：缺少排期数据")
	}
	if p.Slots < 0 {
		return fmt.Errorf("对接会排期：时段数不能为负数（%d）", p.Slots)
	}
	if p.Tables < 0 {
		return fmt.Errorf("对接会排期：桌数不能为负数（%d）", p.Tables)
	}
	if p.Decay != 0 && !(p.Decay > 0 && p.Decay <= 1) {
		return fmt.Errorf("对接会排期：公平系数 %v 不在 (0, 1] 内", p.Decay)
	}
	seen := make(map[string]int, len(p.Parties))
	for i, pt := range p.Parties {
		if pt.Side != Enterprise && pt.Side != Institute {
			return fmt.Errorf("对接会排期：第 %d 个参会方「%s」的类别无效", i+1, pt.ID)
		}
		if len(pt.Available) != p.Slots {
			return fmt.Errorf("对接会排期：%s的可参会时段有 %d 项，应为 %d 项", pt.label(), len(pt.Available), p.Slots)
		}
		if j, dup := seen[pt.ID]; dup {
			return fmt.Errorf("对接会排期：第 %d 个与第 %d 个参会方的标识重复（「%s」）", j+1, i+1, pt.ID)
		}
		seen[pt.ID] = i
	}
	type ab struct{ a, b int }
	pairs := make(map[ab]int, len(p.Pairs))
	for k, pr := range p.Pairs {
		if pr.A < 0 || pr.A >= len(p.Parties) || pr.B < 0 || pr.B >= len(p.Parties) {
			return fmt.Errorf("对接会排期：第 %d 个候选配对引用了不存在的参会方（%d, %d）", k+1, pr.A, pr.B)
		}
		if p.Parties[pr.A].Side != Enterprise || p.Parties[pr.B].Side != Institute {
			return fmt.Errorf("对接会排期：第 %d 个候选配对须为一家企业与一家院所", k+1)
		}
		if math.IsNaN(pr.Score) || pr.Score <= 0 || pr.Score > 1 {
			return fmt.Errorf("对接会排期：第 %d 个候选配对的匹配度 %v 不在 (0, 1] 内", k+1, pr.Score)
		}
		if j, dup := pairs[ab{pr.A, pr.B}]; dup {
			return fmt.Errorf("对接会排期：第 %d 个与第 %d 个候选配对重复（%s与%s）", j+1, k+1,
				p.Parties[pr.A].label(), p.Parties[pr.B].label())
		}
		pairs[ab{pr.A, pr.B}] = k
	}
	for _, v := range p.Check(Schedule{Meetings: p.Fixed}) {
		if v.Kind != Unavailable {
			return fmt.Errorf("对接会排期：固定的洽谈有误：%s", v.Message)
		}
	}
	return nil
}

// available reports whether party x is available in slot s, false for
// anything out of range.
func (p *Problem) available(x, s int) bool {
	if x < 0 || x >= len(p.Parties) {
		return false
	}
	av := p.Parties[x].Available
	return s >= 0 && s < len(av) && av[s]
}

// pairOK reports whether k indexes a pair whose parties exist.
func (p *Problem) pairOK(k int) bool {
	if k < 0 || k >= len(p.Pairs) {
		return false
	}
	pr := p.Pairs[k]
	return pr.A >= 0 && pr.A < len(p.Parties) && pr.B >= 0 && pr.B < len(p.Parties)
}
