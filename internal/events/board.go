package events

import (
	"context"
	"sort"

	"duijie/internal/events/timetable"
	"duijie/internal/match"
	"duijie/internal/sqlite"
)

// MeetingView is a meeting with its parties as a broker sees them.
type MeetingView struct {
	Meeting
	Ent, Inst *Party
	Level     string // the confidence in words
	Ranked    bool   // the ranking proposed the pair
	Conflict  bool   // part of a broken invariant
}

// SlotRow is one row of the grid: a slot and its tables.
type SlotRow struct {
	Index int
	Label string
	Cells []*MeetingView // by table
}

// PairView is a candidate pair that does not meet.
type PairView struct {
	Ent, Inst *Party
	Score     float64
	Level     string
}

// PartyLoad is how many meetings a party has.
type PartyLoad struct {
	Party    *Party
	Meetings int
}

// Board is the timetable page: the grid, the figures, what is wrong, the
// strong pairs left out and, when asked, the cost of a change.
type Board struct {
	Event      Event
	Parties    []Party
	Rows       []SlotRow
	Meetings   []*MeetingView
	Stats      timetable.Stats
	Violations []string
	Unmet      []PairView  // strongest first, at most maxUnmet
	Loads      []PartyLoad // enterprises, then institutes
}

const maxUnmet = 30

// Timetable is the event's timetable as a broker works on it.
func (s *Service) Timetable(ctx context.Context, a Actor, id string) (*Board, error) {
	e, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	pl, err := s.plan(ctx, a, e)
	if err != nil {
		return nil, err
	}
	return pl.board(), nil
}

func (pl *plan) board() *Board {
	b := &Board{Event: *pl.e, Parties: pl.parties, Stats: pl.p.Stats(pl.sched)}
	conflict := map[int]bool{}
	for _, v := range pl.p.Check(pl.sched) {
		b.Violations = append(b.Violations, v.Message)
		for _, i := range v.Meetings {
			conflict[i] = true
		}
	}
	for i, label := range pl.e.Slots {
		b.Rows = append(b.Rows, SlotRow{Index: i, Label: label, Cells: make([]*MeetingView, pl.e.Tables)})
	}
	count := make([]int, len(pl.parties))
	meets := map[int]bool{}
	for i, m := range pl.ms {
		k := pl.sched.Meetings[i].Pair
		pr := pl.p.Pairs[k]
		mv := &MeetingView{Meeting: m, Ent: &pl.parties[pr.A], Inst: &pl.parties[pr.B], Level: match.Level(pr.Score),
			Ranked: pl.ranked[k], Conflict: conflict[i]}
		b.Meetings = append(b.Meetings, mv)
		if m.Slot >= 0 && m.Slot < len(b.Rows) && m.Table >= 0 && m.Table < pl.e.Tables && b.Rows[m.Slot].Cells[m.Table] == nil {
			b.Rows[m.Slot].Cells[m.Table] = mv
		}
		count[pr.A]++
		count[pr.B]++
		meets[k] = true
	}
	for k, pr := range pl.p.Pairs {
		if pl.ranked[k] && !meets[k] {
			b.Unmet = append(b.Unmet, PairView{Ent: &pl.parties[pr.A], Inst: &pl.parties[pr.B], Score: pr.Score, Level: match.Level(pr.Score)})
		}
	}
	sort.SliceStable(b.Unmet, func(x, y int) bool { return b.Unmet[x].Score > b.Unmet[y].Score })
	if len(b.Unmet) > maxUnmet {
		b.Unmet = b.Unmet[:maxUnmet]
	}
	for i := range pl.parties {
		if pl.parties[i].Status != sqlite.PartyDeclined || count[i] > 0 {
			b.Loads = append(b.Loads, PartyLoad{Party: &pl.parties[i], Meetings: count[i]})
		}
	}
	return b
}
