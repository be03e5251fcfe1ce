package timetable

import (
	"fmt"
	"slices"
)

// ViolationKind names the invariant a Violation breaks.
type ViolationKind int

// Violation kinds.
const (
	BadMeeting   ViolationKind = iota + 1 // pair, slot or table out of range; an edit that names no meeting
	Unavailable                           // a party meets in a slot it is not available in
	PartyBusy                             // a party has two meetings in one slot
	TableBusy                             // two meetings at one table in one slot
	PairRepeated                          // a pair meets more than once
)

// Label is the kind's short name as a user reads it.
func (k ViolationKind) Label() string {
	switch k {
	case BadMeeting:
		return "无效安排"
	case Unavailable:
		return "时段不可参会"
	case PartyBusy:
		return "同一时段重复安排"
	case TableBusy:
		return "同桌冲突"
	case PairRepeated:
		return "重复会面"
	}
	return "未知"
}

// Violation is one broken invariant.
type Violation struct {
	Kind ViolationKind
	// Meetings are the indexes into Schedule.Meetings involved, ascending.
	Meetings []int
	// Message says what is wrong in Chinese, for the broker's page, e.g.
	// 企业「甲」在第 3 时段同时安排了 2 场洽谈.
	Message string
}

func (v Violation) String() string { return v.Message }

// Check returns every invariant s breaks, in a deterministic order (by kind,
// then by first meeting involved); none means the schedule is valid. A
// conflict among several meetings is one Violation listing all of them.
// Check never panics, whatever s holds.
func (p *Problem) Check(s Schedule) []Violation {
	var out []Violation
	ok := make([]bool, len(s.Meetings))
	for i, m := range s.Meetings {
		var msg string
		switch {
		case !p.pairOK(m.Pair):
			msg = fmt.Sprintf("第 %d 场洽谈引用了不存在的候选配对", i+1)
		case m.Slot < 0 || m.Slot >= p.Slots:
			msg = fmt.Sprintf("%s的时段不存在（共 %d 个时段）", p.meetingLabel(m), p.Slots)
		case m.Table < 0 || m.Table >= p.Tables:
			msg = fmt.Sprintf("%s的桌号不存在（共 %d 张桌）", p.meetingLabel(m), p.Tables)
		default:
			ok[i] = true
			continue
		}
		out = append(out, Violation{Kind: BadMeeting, Meetings: []int{i}, Message: msg})
	}
	for i, m := range s.Meetings {
		if !ok[i] {
			continue
		}
		pr := p.Pairs[m.Pair]
		for _, x := range [][2]int{{pr.A, pr.B}, {pr.B, pr.A}} {
			if !p.available(x[0], m.Slot) {
				out = append(out, Violation{Kind: Unavailable, Meetings: []int{i},
					Message: fmt.Sprintf("%s第 %d 时段不能参会，不能在此时段与%s洽谈", p.Parties[x[0]].label(), m.Slot+1, p.Parties[x[1]].label())})
			}
		}
	}
	// Groups of meetings sharing a key, in order of first occurrence.
	group := func(key func(m Meeting) (int, bool)) [][]int {
		at := map[int]int{}
		var gs [][]int
		for i, m := range s.Meetings {
			if !ok[i] {
				continue
			}
			k, use := key(m)
			if !use {
				continue
			}
			g, seen := at[k]
			if !seen {
				g = len(gs)
				at[k] = g
				gs = append(gs, nil)
			}
			gs[g] = append(gs[g], i)
		}
		return gs
	}
	slots := max(p.Slots, 1)
	var busy []Violation
	for _, side := range []func(Pair) int{func(pr Pair) int { return pr.A }, func(pr Pair) int { return pr.B }} {
		for _, g := range group(func(m Meeting) (int, bool) { return side(p.Pairs[m.Pair])*slots + m.Slot, true }) {
			if len(g) < 2 {
				continue
			}
			m := s.Meetings[g[0]]
			x := side(p.Pairs[m.Pair])
			busy = append(busy, Violation{Kind: PartyBusy, Meetings: g,
				Message: fmt.Sprintf("%s在第 %d 时段同时安排了 %d 场洽谈", p.Parties[x].label(), m.Slot+1, len(g))})
		}
	}
	sortByFirst(busy)
	out = append(out, busy...)
	for _, g := range group(func(m Meeting) (int, bool) { return m.Table*slots + m.Slot, true }) {
		if len(g) < 2 {
			continue
		}
		m := s.Meetings[g[0]]
		out = append(out, Violation{Kind: TableBusy, Meetings: g,
			Message: fmt.Sprintf("第 %d 时段第 %d 桌同时安排了 %d 场洽谈", m.Slot+1, m.Table+1, len(g))})
	}
	for _, g := range group(func(m Meeting) (int, bool) { return m.Pair, true }) {
		if len(g) < 2 {
			continue
		}
		out = append(out, Violation{Kind: PairRepeated, Meetings: g,
			Message: fmt.Sprintf("%s与%s安排了 %d 次洽谈，每对只能会面一次",
				p.Parties[p.Pairs[s.Meetings[g[0]].Pair].A].label(), p.Parties[p.Pairs[s.Meetings[g[0]].Pair].B].label(), len(g))})
	}
	return out
}

// meetingLabel names a meeting for messages: 企业「甲」与院所「乙」的洽谈.
func (p *Problem) meetingLabel(m Meeting) string {
	if !p.pairOK(m.Pair) {
		return "该洽谈"
	}
	pr := p.Pairs[m.Pair]
	return p.Parties[pr.A].label() + "与" + p.Parties[pr.B].label() + "的洽谈"
}

// sortByFirst orders violations by their first meeting, stably (enterprise
// before institute for the same meeting).
func sortByFirst(vs []Violation) {
	slices.SortStableFunc(vs, func(a, b Violation) int { return a.Meetings[0] - b.Meetings[0] })
}
