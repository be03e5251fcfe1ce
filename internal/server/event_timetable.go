package server

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/events"
)

// editFields are the timetable change form's fields: op, the meeting(s),
// the pair of an add ("enterprise party|institute party"), and where
// (1-based slot and table).
var editFields = []string{"op", "meeting", "other", "pair", "slot", "table"}

// readEdit parses a change; slot and table come 1-based.
func readEdit(form map[string]string) (events.Edit, fieldErrs) {
	errs := fieldErrs{}
	ed := events.Edit{Op: form["op"], Meeting: form["meeting"], Other: form["other"]}
	if ent, inst, ok := strings.Cut(form["pair"], "|"); ok {
		ed.Ent, ed.Inst = ent, inst
	}
	if ed.Op == events.OpMove || ed.Op == events.OpAdd {
		ed.Slot = errs.int("slot", "时段", form["slot"], 1, events.MaxSlots) - 1
		ed.Table = errs.int("table", "桌号", form["table"], 1, events.MaxTables) - 1
		if form["slot"] == "" {
			errs["slot"] = "请选择时段"
		}
		if form["table"] == "" {
			errs["table"] = "请选择桌号"
		}
	}
	return ed, errs
}

func (s *Server) boardPage(c *fiber.Ctx, b *events.Board) *EventBoardPage {
	p := &EventBoardPage{Page: s.eventPage(c, "日程："+b.Event.Theme), B: b, Form: map[string]string{}, Errors: map[string]string{}}
	for _, o := range events.Outcomes {
		p.Outcomes = append(p.Outcomes, Option{string(o), o.Label()})
	}
	for t := 1; t <= b.Event.Tables; t++ {
		p.Tables = append(p.Tables, t)
	}
	met, listed := map[string]bool{}, map[string]bool{}
	for _, m := range b.Meetings {
		met[m.EntParty+"|"+m.InstParty] = true
	}
	strong := OptionGroup{Label: "推荐但未安排（按匹配把握）"}
	for _, u := range b.Unmet {
		key := u.Ent.ID + "|" + u.Inst.ID
		listed[key] = true
		strong.Options = append(strong.Options, Option{key, u.Ent.OrgName + " ↔ " + u.Inst.OrgName + "（" + u.Level + "）"})
	}
	rest := OptionGroup{Label: "其他组合"}
	for _, e := range b.Parties {
		for _, i := range b.Parties {
			key := e.ID + "|" + i.ID
			if e.Kind != events.Challenge || i.Kind != events.Capability || met[key] || listed[key] ||
				e.Status == "declined" || i.Status == "declined" {
				continue
			}
			rest.Options = append(rest.Options, Option{key, e.OrgName + " ↔ " + i.OrgName})
		}
	}
	for _, g := range []OptionGroup{strong, rest} {
		if len(g.Options) > 0 {
			p.Pairs = append(p.Pairs, g)
		}
	}
	return p
}

// handleEventTimetable shows the timetable; with a change in the query
// (?op=…) it prices the change and asks to confirm it.
func (s *Server) handleEventTimetable(c *fiber.Ctx) error {
	ctx, a, id := c.UserContext(), actor(c), c.Params("id")
	if c.Query("op") == "" {
		b, err := s.evs().Timetable(ctx, a, id)
		if err != nil {
			return err
		}
		p := s.boardPage(c, b)
		if pick := c.Query("pick"); pick != "" { // 安排 from the pairs left out: the add form, filled in
			p.Form["op"], p.Form["pair"] = events.OpAdd, pick
		}
		return s.render(c, "event_timetable", p)
	}
	form := map[string]string{}
	for _, f := range editFields {
		form[f] = c.Query(f)
	}
	ed, perrs := readEdit(form)
	var b *events.Board
	var cost *events.Cost
	var err error
	if len(perrs) == 0 {
		b, cost, err = s.evs().Preview(ctx, a, id, ed)
	}
	errs, err := merge(perrs, err)
	if err != nil {
		return err
	}
	if b == nil {
		if b, err = s.evs().Timetable(ctx, a, id); err != nil {
			return err
		}
	}
	p := s.boardPage(c, b)
	p.Form, p.Errors, p.Cost = form, errs, cost
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return s.render(c, "event_timetable", p)
}

func (s *Server) handleEventGenerate(c *fiber.Ctx) error {
	id := c.Params("id")
	if _, err := s.evs().Generate(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect("/events/"+id+"/timetable?ok=event_generated", fiber.StatusSeeOther)
}

// handleEventChange makes a priced change; a change that breaks an
// invariant comes back on the timetable with what it breaks (409).
func (s *Server) handleEventChange(c *fiber.Ctx) error {
	ctx, a, id := c.UserContext(), actor(c), c.Params("id")
	form := introForm(c, editFields...)
	ed, perrs := readEdit(form)
	var cost *events.Cost
	var err error
	if len(perrs) == 0 {
		cost, err = s.evs().Change(ctx, a, id, ed)
	}
	refused := ""
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.ECONFLICT {
		refused, err = de.Message, nil
	}
	errs, err := merge(perrs, err)
	if err != nil {
		return err
	}
	if len(errs) == 0 && refused == "" {
		return c.Redirect("/events/"+id+"/timetable?ok=event_changed", fiber.StatusSeeOther)
	}
	b, err := s.evs().Timetable(ctx, a, id)
	if err != nil {
		return err
	}
	p := s.boardPage(c, b)
	p.Form, p.Errors, p.Refused = form, errs, refused
	if cost != nil && refused != "" {
		p.Cost = cost
	}
	if refused != "" {
		c.Status(fiber.StatusConflict)
	} else {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return s.render(c, "event_timetable", p)
}

func (s *Server) handleEventOutcome(c *fiber.Ctx) error {
	ctx, a, id, mid := c.UserContext(), actor(c), c.Params("id"), c.Params("meeting")
	outcome := events.Outcome(c.FormValue("outcome"))
	intro, err := s.evs().Record(ctx, a, id, mid, outcome, c.FormValue("note"))
	errs, err := merge(nil, conflictAsField(err))
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		b, err := s.evs().Timetable(ctx, a, id)
		if err != nil {
			return err
		}
		p := s.boardPage(c, b)
		p.Errors = errs
		p.Form["outcome_meeting"] = mid
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "event_timetable", p)
	}
	ok := "event_outcome"
	if outcome == events.OutcomeIntro && intro != "" {
		ok = "event_intro"
	}
	return c.Redirect("/events/"+id+"/timetable?ok="+ok+"#m-"+mid, fiber.StatusSeeOther)
}

func (s *Server) handleEventNotify(c *fiber.Ctx) error {
	id := c.Params("id")
	if _, err := s.evs().Notify(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect("/events/"+id+"/timetable?ok=event_notified", fiber.StatusSeeOther)
}

func (s *Server) handleEventAgenda(c *fiber.Ctx) error {
	ag, err := s.evs().PartyAgenda(c.UserContext(), actor(c), c.Params("id"), c.Params("party"))
	if err != nil {
		return err
	}
	return s.render(c, "event_agenda", &EventAgendaPage{Page: s.eventPage(c, "日程表："+ag.Heading), A: ag})
}

func (s *Server) handleEventTable(c *fiber.Ctx) error {
	n, err := strconv.Atoi(c.Params("table"))
	if err != nil {
		n = 0 // not a table: 404 below, after the event's own checks
	}
	ag, err := s.evs().TableAgenda(c.UserContext(), actor(c), c.Params("id"), n)
	if err != nil {
		return err
	}
	return s.render(c, "event_agenda", &EventAgendaPage{Page: s.eventPage(c, "日程表："+ag.Heading), A: ag})
}
