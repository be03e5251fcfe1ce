package events

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/events/timetable"
	"duijie/internal/match"
	"duijie/internal/sqlite"
)

// minScore is the score of a pair the ranking does not propose, which a
// broker seats by hand: it counts, a little.
const minScore = 0.01

// MinCandidate is the least confidence of a pair the solver proposes: a
// weaker pair (仅领域相近 at its weakest) would take both sides' time for
// little; a broker may still seat it by hand.
const MinCandidate = 0.1

// solveTime bounds the solver; it returns the best timetable found by then.
const solveTime = 5 * time.Second

// plan is an event's timetable problem: its parties, the candidate pairs
// scored by the match engine, and the stored meetings as a schedule of
// that problem (same order).
type plan struct {
	e       *Event
	parties []Party
	idx     map[string]int // party id -> index into p.Parties
	p       *timetable.Problem
	pairOf  map[[2]int]int // (enterprise, institute) -> index into p.Pairs
	ranked  map[int]bool   // pairs the ranking proposed
	ms      []Meeting
	sched   timetable.Schedule
}

// plan builds an event's problem as a broker sees it: the pairs' scores
// are the calibrated confidences of the broker's match lists.
func (s *Service) plan(ctx context.Context, a Actor, e *Event) (*plan, error) {
	parties, err := s.db.EventParties(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	ms, err := s.db.EventMeetings(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	pl := &plan{e: e, parties: parties, idx: map[string]int{}, pairOf: map[[2]int]int{}, ranked: map[int]bool{}, ms: ms,
		p: &timetable.Problem{Slots: len(e.Slots), Tables: e.Tables}}
	byPosting := map[string]int{} // kind:posting -> party index
	for i, p := range parties {
		side := timetable.Enterprise
		if p.Kind == sqlite.PartyCapability {
			side = timetable.Institute
		}
		av := make([]bool, len(e.Slots))
		if p.Status != sqlite.PartyDeclined {
			copy(av, p.Available)
		}
		pl.p.Parties = append(pl.p.Parties, timetable.Party{ID: p.ID, Name: p.OrgName, Side: side, Available: av})
		pl.idx[p.ID] = i
		byPosting[string(p.Kind)+":"+p.PostingID] = i
	}
	// Each challenge's ranking of capabilities as the broker sees it. The
	// other way round (a capability's ranking of challenges) is not asked:
	// it would list hidden challenges' bodies, which the portal audits as
	// shown though nothing of them is.
	scores := map[[2]int]float64{}
	for i, p := range parties {
		if p.Kind != sqlite.PartyChallenge || p.Status == sqlite.PartyDeclined {
			continue
		}
		ranked, err := s.match(ctx, a, string(p.Kind), p.PostingID)
		if duijie.ErrorCode(err) == duijie.ENOTFOUND {
			continue // closed or withdrawn since: no pairs
		}
		if err != nil {
			return nil, err
		}
		for _, r := range ranked {
			j, ok := byPosting[string(sqlite.PartyCapability)+":"+r.ID]
			if !ok || parties[j].Status == sqlite.PartyDeclined || r.Confidence < MinCandidate {
				continue
			}
			scores[[2]int{i, j}] = max(scores[[2]int{i, j}], min(r.Confidence, 1))
		}
	}
	keys := make([][2]int, 0, len(scores))
	for k := range scores {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(x, y int) bool {
		if keys[x][0] != keys[y][0] {
			return keys[x][0] < keys[y][0]
		}
		return keys[x][1] < keys[y][1]
	})
	for _, k := range keys {
		pl.ranked[len(pl.p.Pairs)] = true
		pl.pairOf[k] = len(pl.p.Pairs)
		pl.p.Pairs = append(pl.p.Pairs, timetable.Pair{A: k[0], B: k[1], Score: scores[k]})
	}
	for _, m := range ms {
		k := pl.pair(pl.idx[m.EntParty], pl.idx[m.InstParty], m.Score)
		pl.sched.Meetings = append(pl.sched.Meetings, timetable.Meeting{Pair: k, Slot: m.Slot, Table: m.Table})
	}
	return pl, nil
}

// pair is the index of the pair (a, b), added with score when the ranking
// did not propose it.
func (pl *plan) pair(a, b int, score float64) int {
	if k, ok := pl.pairOf[[2]int{a, b}]; ok {
		return k
	}
	if score <= 0 || score > 1 {
		score = minScore
	}
	k := len(pl.p.Pairs)
	pl.pairOf[[2]int{a, b}] = k
	pl.p.Pairs = append(pl.p.Pairs, timetable.Pair{A: a, B: b, Score: score})
	return k
}

// fixed reports whether the solver must leave a stored meeting where it
// is: a broker placed it, or it has an outcome.
func fixed(m Meeting) bool {
	return m.Source == sqlite.SourceManual || m.Outcome != sqlite.OutcomeNone || m.IntroID != ""
}

// Generated sums up a proposed timetable.
type Generated struct {
	Meetings, Kept int // meetings in all; of them kept where a broker placed them
	Served, Of     int // enterprises with a meeting, of those with a candidate pair
}

// Generate proposes the timetable from the match scores and stores it:
// the automatic meetings are replaced, the ones a broker placed by hand
// (or with an outcome) stay where they are and the solver plans around
// them (timetable.Problem.Fixed).
func (s *Service) Generate(ctx context.Context, a Actor, id string) (*Generated, error) {
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
	// The solver's problem: the ranking's pairs, and the fixed meetings
	// (with their pairs, ranked or not) that it keeps where they are and
	// plans around.
	gen := &timetable.Problem{Slots: pl.p.Slots, Tables: pl.p.Tables, Parties: pl.p.Parties}
	var genPair []int // gen pair -> pl pair
	at := map[int]int{}
	use := func(k int) int {
		if j, ok := at[k]; ok {
			return j
		}
		at[k] = len(gen.Pairs)
		gen.Pairs = append(gen.Pairs, pl.p.Pairs[k])
		genPair = append(genPair, k)
		return at[k]
	}
	for k := range pl.p.Pairs {
		if pl.ranked[k] {
			use(k)
		}
	}
	kept := map[int]Meeting{} // pl pair -> the stored meeting that stays
	for i, m := range pl.ms {
		if fixed(m) {
			tm := pl.sched.Meetings[i]
			gen.Fixed = append(gen.Fixed, timetable.Meeting{Pair: use(tm.Pair), Slot: tm.Slot, Table: tm.Table})
			kept[tm.Pair] = m
		}
	}
	if err := gen.Validate(); err != nil {
		return nil, duijie.Errorf(duijie.ECONFLICT, "%s", err.Error())
	}
	sctx, cancel := context.WithTimeout(ctx, solveTime)
	solved := timetable.Solve(sctx, gen)
	cancel()
	now := s.now()
	var out []Meeting
	for _, m := range solved.Meetings {
		k := genPair[m.Pair]
		if stored, ok := kept[k]; ok {
			out = append(out, stored)
			delete(kept, k)
			continue
		}
		pr := pl.p.Pairs[k]
		out = append(out, Meeting{ID: duijie.NewID("em-"), EventID: id, Slot: m.Slot, Table: m.Table,
			EntParty: pl.parties[pr.A].ID, InstParty: pl.parties[pr.B].ID, Score: pr.Score, Source: sqlite.SourceAuto, Updated: now})
	}
	for _, m := range kept { // the solver returns the fixed meetings; never lose one
		out = append(out, m)
	}
	if err := s.db.ReplaceEventMeetings(ctx, id, out); err != nil {
		return nil, err
	}
	g := &Generated{Meetings: len(out), Kept: len(gen.Fixed)}
	served := map[string]bool{}
	for _, m := range out {
		served[m.EntParty] = true
	}
	cand := map[int]bool{}
	for k := range pl.ranked {
		cand[pl.p.Pairs[k].A] = true
	}
	for x := range cand {
		g.Of++
		if served[pl.parties[x].ID] {
			g.Served++
		}
	}
	s.audit(ctx, a, AuditGenerate, "event:"+id, fmt.Sprintf("%d meetings, %d kept", g.Meetings, g.Kept))
	return g, nil
}

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
	if err := s.db.ReplaceEventMeetings(ctx, id, ms); err != nil {
		return nil, err
	}
	s.audit(ctx, a, AuditEdit, "event:"+id, c.What+"（"+c.Summary+"）")
	return c, nil
}
