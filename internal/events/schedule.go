package events

import (
	"context"
	"fmt"
	"sort"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/events/timetable"
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
	if err := s.db.ReplaceEventMeetingsFrom(ctx, id, pl.ms, out); err != nil {
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
