package events

import (
	"context"
	"fmt"
	"strings"

	"duijie/internal/duijie"
	"duijie/internal/events/timetable"
	"duijie/internal/sqlite"
)

// Edit is a broker's change to the timetable. Slots and tables are
// 0-based here.
type Edit struct {
	Op      string // move, remove, add, swap
	Meeting string // move, remove, swap: the meeting's id
	Other   string // swap: the other meeting's id
	Ent     string // add: the enterprise's party id
	Inst    string // add: the institute's party id
	Slot    int    // move, add
	Table   int    // move, add
}

// Edit operations.
const (
	OpMove   = "move"
	OpRemove = "remove"
	OpAdd    = "add"
	OpSwap   = "swap"
)

// Cost is what a change does to the timetable, said before it is made.
type Cost struct {
	Edit       Edit
	What       string   // the change in words
	Delta      float64  // change of the timetable's value (timetable.Value)
	Summary    string   // 总分 −0.12；企业「甲」会谈由 3 场减为 2 场
	Lines      []string // each party whose number of meetings changes
	Violations []string // invariants the change would break: it is refused
}

// OK reports whether the change may be made.
func (c *Cost) OK() bool { return len(c.Violations) == 0 }

// edit turns a service edit into one of the timetable, adding the pair of
// an add that the ranking did not propose.
func (pl *plan) edit(ed Edit) (timetable.Edit, string, error) {
	at := func(id string) int {
		for i, m := range pl.ms {
			if m.ID == id {
				return i
			}
		}
		return -1
	}
	name := func(i int) string {
		m := pl.ms[i]
		return fmt.Sprintf("%s 第 %d 桌「%s ↔ %s」", pl.e.Slots[clamp(m.Slot, len(pl.e.Slots))], m.Table+1,
			pl.parties[pl.idx[m.EntParty]].OrgName, pl.parties[pl.idx[m.InstParty]].OrgName)
	}
	where := func(slot, table int) string {
		if slot < 0 || slot >= len(pl.e.Slots) {
			return fmt.Sprintf("第 %d 时段第 %d 桌", slot+1, table+1)
		}
		return fmt.Sprintf("%s 第 %d 桌", pl.e.Slots[slot], table+1)
	}
	missing := duijie.Errorf(duijie.ENOTFOUND, "洽谈不存在")
	choose := func(field, msg string) error {
		return &duijie.Error{Code: duijie.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
	}
	switch {
	case (ed.Op == OpMove || ed.Op == OpRemove || ed.Op == OpSwap) && ed.Meeting == "":
		return timetable.Edit{}, "", choose("meeting", "请选择要调整的洽谈")
	case ed.Op == OpSwap && ed.Other == "":
		return timetable.Edit{}, "", choose("other", "请选择与哪场洽谈对调")
	case ed.Op == OpAdd && (ed.Ent == "" || ed.Inst == ""):
		return timetable.Edit{}, "", choose("pair", "请选择一家企业和一家院所")
	}
	switch ed.Op {
	case OpMove:
		i := at(ed.Meeting)
		if i < 0 {
			return timetable.Edit{}, "", missing
		}
		return timetable.Edit{Kind: timetable.Move, Meeting: i, Slot: ed.Slot, Table: ed.Table}, "将 " + name(i) + " 移到 " + where(ed.Slot, ed.Table), nil
	case OpRemove:
		i := at(ed.Meeting)
		if i < 0 {
			return timetable.Edit{}, "", missing
		}
		return timetable.Edit{Kind: timetable.Remove, Meeting: i}, "取消 " + name(i), nil
	case OpSwap:
		i, j := at(ed.Meeting), at(ed.Other)
		if i < 0 || j < 0 {
			return timetable.Edit{}, "", missing
		}
		return timetable.Edit{Kind: timetable.Swap, Meeting: i, Other: j}, "对调 " + name(i) + " 与 " + name(j), nil
	case OpAdd:
		x, okx := pl.idx[ed.Ent]
		y, oky := pl.idx[ed.Inst]
		if !okx || !oky || pl.parties[x].Kind != sqlite.PartyChallenge || pl.parties[y].Kind != sqlite.PartyCapability {
			return timetable.Edit{}, "", &duijie.Error{Code: duijie.EINVALID, Message: "请选择一家企业和一家院所",
				Fields: map[string]string{"pair": "请选择一家企业和一家院所"}}
		}
		k := pl.pair(x, y, minScore)
		return timetable.Edit{Kind: timetable.Add, Pair: k, Slot: ed.Slot, Table: ed.Table},
			"在 " + where(ed.Slot, ed.Table) + " 安排「" + pl.parties[x].OrgName + " ↔ " + pl.parties[y].OrgName + "」", nil
	}
	return timetable.Edit{}, "", &duijie.Error{Code: duijie.EINVALID, Message: "请选择调整方式", Fields: map[string]string{"op": "请选择调整方式"}}
}

func clamp(i, n int) int { return min(max(i, 0), max(n-1, 0)) }

// cost prices an edit: the change of value and of each party's meetings,
// and what it would break.
func (pl *plan) cost(ed Edit) (*Cost, timetable.Edit, error) {
	te, what, err := pl.edit(ed)
	if err != nil {
		return nil, te, err
	}
	c := &Cost{Edit: ed, What: what}
	var vs []timetable.Violation
	c.Delta, vs = pl.p.Delta(pl.sched, te)
	for _, v := range vs {
		c.Violations = append(c.Violations, v.Message)
	}
	after, _, err := pl.p.Apply(pl.sched, te)
	if err != nil {
		return nil, te, duijie.Errorf(duijie.ENOTFOUND, "%s", err.Error())
	}
	before, now := pl.counts(pl.sched), pl.counts(after)
	for i := range pl.parties {
		if before[i] != now[i] {
			verb := "增为"
			if now[i] < before[i] {
				verb = "减为"
			}
			side := "企业"
			if pl.parties[i].Kind == sqlite.PartyCapability {
				side = "院所"
			}
			c.Lines = append(c.Lines, fmt.Sprintf("%s「%s」会谈由 %d 场%s %d 场", side, pl.parties[i].OrgName, before[i], verb, now[i]))
		}
	}
	c.Summary = "总分 " + signed(c.Delta)
	if len(c.Lines) > 0 {
		c.Summary += "；" + strings.Join(c.Lines, "；")
	} else {
		c.Summary += "；各方会谈场数不变"
	}
	return c, te, nil
}

// signed writes a change with its sign (a real minus sign).
func signed(x float64) string {
	s := fmt.Sprintf("%+.2f", x)
	if s == "-0.00" || s == "+0.00" {
		return "±0.00"
	}
	return strings.Replace(s, "-", "−", 1)
}

func (pl *plan) counts(s timetable.Schedule) []int {
	out := make([]int, len(pl.parties))
	for _, m := range s.Meetings {
		if m.Pair >= 0 && m.Pair < len(pl.p.Pairs) {
			pr := pl.p.Pairs[m.Pair]
			out[pr.A]++
			out[pr.B]++
		}
	}
	return out
}

// Preview prices a change without making it, with the timetable it
// applies to.
func (s *Service) Preview(ctx context.Context, a Actor, id string, ed Edit) (*Board, *Cost, error) {
	e, err := s.load(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	pl, err := s.plan(ctx, a, e)
	if err != nil {
		return nil, nil, err
	}
	c, _, err := pl.cost(ed)
	if err != nil {
		return nil, nil, err
	}
	return pl.board(), c, nil
}

// Change makes a broker's change to the timetable, priced as Preview
// prices it; a change that breaks an invariant is refused (ECONFLICT,
// with what it breaks). What it places becomes a manual meeting, which
// Generate leaves where it is.
func (s *Service) Change(ctx context.Context, a Actor, id string, ed Edit) (*Cost, error) {
	e, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if e.Status == sqlite.EventEnded {
		return nil, duijie.Errorf(duijie.ECONFLICT, "对接会已结束，日程不能再调整")
	}
	pl, err := s.plan(ctx, a, e)
	if err != nil {
		return nil, err
	}
	c, te, err := pl.cost(ed)
	if err != nil {
		return nil, err
	}
	if !c.OK() {
		return c, duijie.Errorf(duijie.ECONFLICT, "不能这样调整：%s", strings.Join(c.Violations, "；"))
	}
	now := s.now()
	ms := append([]Meeting(nil), pl.ms...)
	switch te.Kind {
	case timetable.Move:
		m := &ms[te.Meeting]
		m.Slot, m.Table, m.Source, m.Updated = te.Slot, te.Table, sqlite.SourceManual, now
	case timetable.Remove:
		if m := ms[te.Meeting]; m.Outcome != sqlite.OutcomeNone || m.IntroID != "" {
			return nil, duijie.Errorf(duijie.ECONFLICT, "已记录结果的洽谈不能取消")
		}
		ms = append(ms[:te.Meeting], ms[te.Meeting+1:]...)
	case timetable.Swap:
		x, y := &ms[te.Meeting], &ms[te.Other]
		x.Slot, y.Slot = y.Slot, x.Slot
		x.Table, y.Table = y.Table, x.Table
		x.Source, y.Source, x.Updated, y.Updated = sqlite.SourceManual, sqlite.SourceManual, now, now
	case timetable.Add:
		pr := pl.p.Pairs[te.Pair]
		ms = append(ms, Meeting{ID: duijie.NewID("em-"), EventID: id, Slot: te.Slot, Table: te.Table, EntParty: pl.parties[pr.A].ID,
			InstParty: pl.parties[pr.B].ID, Score: pr.Score, Source: sqlite.SourceManual, Updated: now})
	}
	if err := s.db.ReplaceEventMeetingsFrom(ctx, id, pl.ms, ms); err != nil {
		return nil, err
	}
	s.audit(ctx, a, AuditEdit, "event:"+id, c.What+"（"+c.Summary+"）")
	return c, nil
}
