package timetable

import (
	"fmt"
	"slices"
)

// EditKind is what a broker's manual change does.
type EditKind int

// Edit kinds.
const (
	Move   EditKind = iota + 1 // Meetings[Meeting] moves to Slot, Table
	Remove                     // Meetings[Meeting] is cancelled
	Add                        // Pairs[Pair] meets in Slot at Table (appended)
	Swap                       // Meetings[Meeting] and Meetings[Other] exchange slot and table
)

// Edit is one manual change to a schedule.
type Edit struct {
	Kind    EditKind
	Meeting int // Move, Remove, Swap: index into Schedule.Meetings
	Other   int // Swap: the other meeting
	Pair    int // Add: index into Problem.Pairs
	Slot    int // Move, Add
	Table   int // Move, Add
}

// Apply returns a copy of s with e applied (s is not modified), and the
// indexes of the meetings of the result that the edit touched. It fails,
// with a Chinese message, only when e names no meeting or is of no known
// kind; a change that breaks an invariant is applied (Check says so).
func (p *Problem) Apply(s Schedule, e Edit) (Schedule, []int, error) {
	n := len(s.Meetings)
	in := func(i int) bool { return i >= 0 && i < n }
	out := Schedule{Meetings: slices.Clone(s.Meetings)}
	switch e.Kind {
	case Move:
		if !in(e.Meeting) {
			return s, nil, fmt.Errorf("要调整的第 %d 场洽谈不存在", e.Meeting+1)
		}
		out.Meetings[e.Meeting].Slot, out.Meetings[e.Meeting].Table = e.Slot, e.Table
		return out, []int{e.Meeting}, nil
	case Remove:
		if !in(e.Meeting) {
			return s, nil, fmt.Errorf("要取消的第 %d 场洽谈不存在", e.Meeting+1)
		}
		out.Meetings = slices.Delete(out.Meetings, e.Meeting, e.Meeting+1)
		return out, nil, nil
	case Add:
		out.Meetings = append(out.Meetings, Meeting{Pair: e.Pair, Slot: e.Slot, Table: e.Table})
		return out, []int{n}, nil
	case Swap:
		if !in(e.Meeting) || !in(e.Other) {
			return s, nil, fmt.Errorf("要对调的第 %d 场或第 %d 场洽谈不存在", e.Meeting+1, e.Other+1)
		}
		a, b := &out.Meetings[e.Meeting], &out.Meetings[e.Other]
		a.Slot, b.Slot = b.Slot, a.Slot
		a.Table, b.Table = b.Table, a.Table
		if e.Meeting == e.Other {
			return out, []int{e.Meeting}, nil
		}
		return out, []int{min(e.Meeting, e.Other), max(e.Meeting, e.Other)}, nil
	}
	return s, nil, fmt.Errorf("未知的调整类型（%d）", int(e.Kind))
}

// Delta is what a manual edit costs: the change of Value, exactly
// Value(after) - Value(before) (negative means the edit loses value), and
// the violations of the edited schedule that involve a meeting the edit
// touched, so a conflict already in s is not blamed on the edit. An edit
// that names no meeting gives 0 and one BadMeeting violation. Cancelling a
// meeting never breaks an invariant.
func (p *Problem) Delta(s Schedule, e Edit) (float64, []Violation) {
	after, touched, err := p.Apply(s, e)
	if err != nil {
		return 0, []Violation{{Kind: BadMeeting, Message: err.Error()}}
	}
	d := p.Value(after) - p.Value(s)
	if len(touched) == 0 {
		return d, nil
	}
	var vs []Violation
	for _, v := range p.Check(after) {
		for _, i := range v.Meetings {
			if slices.Contains(touched, i) {
				vs = append(vs, v)
				break
			}
		}
	}
	return d, vs
}
