package server

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/events"
)

// evs is the events service (对接会), reached through the portal.
func (s *Server) evs() *events.Service { return s.svc.Events() }

// eventPage is the common page of the events' handlers, with their own
// notices after a redirect.
func (s *Server) eventPage(c *fiber.Ctx, title string) Page {
	p := s.page(c, title)
	p.Nav = "events"
	if p.Flash == "" {
		p.Flash = eventFlashes[c.Query("ok")]
	}
	return p
}

func (s *Server) handleEventList(c *fiber.Ctx) error {
	list, err := s.evs().List(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return s.render(c, "events", &EventListPage{Page: s.eventPage(c, "对接会"), Events: list, Broker: user(c).Is(duijie.RoleBroker)})
}

// eventFields are the event form's fields besides industries.
var eventFields = []string{"theme", "day", "place", "slots", "tables"}

// defaultSlots is what a new event's slots start as: six meetings of
// twenty minutes from nine.
const defaultSlots = "09:00–09:20\n09:20–09:40\n09:40–10:00\n10:00–10:20\n10:20–10:40\n10:40–11:00"

func (s *Server) eventForm(c *fiber.Ctx, id string, form map[string]string, inds []string, errs map[string]string) error {
	title := "新建对接会"
	if id != "" {
		title = "修改对接会"
	}
	return s.render(c, "event_form", &EventFormPage{Page: s.eventPage(c, title), ID: id, Form: form, Industries: inds,
		Options: industryOptions(), Errors: errs})
}

func (s *Server) handleEventNew(c *fiber.Ctx) error {
	return s.eventForm(c, "", map[string]string{"slots": defaultSlots, "tables": "10"}, nil, nil)
}

// readEventInput parses the event form.
func readEventInput(form map[string]string, inds []string) (events.Input, fieldErrs) {
	errs := fieldErrs{}
	in := events.Input{Theme: form["theme"], Place: form["place"], Slots: strings.Split(form["slots"], "\n")}
	for _, i := range inds {
		in.Industries = append(in.Industries, duijie.Industry(i))
	}
	if d := strings.TrimSpace(form["day"]); d != "" {
		if in.Day = duijie.ParseDate(d); in.Day.IsZero() {
			errs["day"] = "请按 年-月-日 填写日期，例如 2026-12-20"
		}
	}
	in.Tables = errs.int("tables", "桌数", form["tables"], 1, events.MaxTables)
	return in, errs
}

func (s *Server) handleEventCreate(c *fiber.Ctx) error {
	form, inds := introForm(c, eventFields...), formList(c, "industries")
	in, perrs := readEventInput(form, inds)
	id, err := s.evs().Create(c.UserContext(), actor(c), in)
	errs, err := merge(perrs, err)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.eventForm(c, "", form, inds, errs)
	}
	return c.Redirect("/events/"+id+"?ok=event_created", fiber.StatusSeeOther)
}

func (s *Server) handleEventEdit(c *fiber.Ctx) error {
	v, err := s.evs().Get(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	form := map[string]string{"theme": v.Theme, "day": v.Day.Format(duijie.DateLayout), "place": v.Place,
		"slots": strings.Join(v.Slots, "\n"), "tables": strconv.Itoa(v.Tables)}
	var inds []string
	for _, i := range v.Industries {
		inds = append(inds, string(i))
	}
	return s.eventForm(c, v.ID, form, inds, nil)
}

func (s *Server) handleEventUpdate(c *fiber.Ctx) error {
	id := c.Params("id")
	form, inds := introForm(c, eventFields...), formList(c, "industries")
	in, perrs := readEventInput(form, inds)
	err := conflictAsField(s.evs().Update(c.UserContext(), actor(c), id, in))
	errs, err := merge(perrs, err)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.eventForm(c, id, form, inds, errs)
	}
	return c.Redirect("/events/"+id+"?ok=event_saved", fiber.StatusSeeOther)
}

// conflictAsField shows a refused step as a message above the form.
func conflictAsField(err error) error {
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.ECONFLICT {
		return &duijie.Error{Code: duijie.EINVALID, Message: de.Message, Fields: map[string]string{"_": de.Message}}
	}
	return err
}

func (s *Server) handleEventShow(c *fiber.Ctx) error {
	return s.showEvent(c, c.Params("id"), nil, nil)
}

// showEvent renders an event; a form that failed comes back with its
// errors.
func (s *Server) showEvent(c *fiber.Ctx, id string, form, errs map[string]string) error {
	ctx, a := c.UserContext(), actor(c)
	v, err := s.evs().Get(ctx, a, id)
	if err != nil {
		return err
	}
	p := &EventPage{Page: s.eventPage(c, "对接会："+v.Theme), V: v, Form: form, Errors: errs, Q: c.Query("q")}
	if v.Broker {
		if p.Challenges, err = s.evs().Candidates(ctx, a, id, events.Challenge, c.Query("q")); err != nil {
			return err
		}
		if p.Abilities, err = s.evs().Candidates(ctx, a, id, events.Capability, c.Query("q")); err != nil {
			return err
		}
		for _, st := range events.Statuses {
			if st != v.Status {
				p.Statuses = append(p.Statuses, Option{string(st), st.Label()})
			}
		}
	}
	return s.render(c, "event", p)
}

// eventDone redirects to the event with a notice, or shows it again with
// the form's errors (EINVALID, and a refused step as a message).
func (s *Server) eventDone(c *fiber.Ctx, id string, err error, form map[string]string, ok string) error {
	errs, err := merge(nil, conflictAsField(err))
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showEvent(c, id, form, errs)
	}
	return c.Redirect("/events/"+id+"?ok="+ok, fiber.StatusSeeOther)
}

func (s *Server) handleEventStatus(c *fiber.Ctx) error {
	id := c.Params("id")
	err := s.evs().SetStatus(c.UserContext(), actor(c), id, events.EventStatus(c.FormValue("status")))
	if err != nil {
		return err
	}
	return c.Redirect("/events/"+id+"?ok=event_status", fiber.StatusSeeOther)
}

func (s *Server) handleEventInvite(c *fiber.Ctx) error {
	id := c.Params("id")
	_, err := s.evs().Invite(c.UserContext(), actor(c), id, events.PartyKind(c.FormValue("kind")), formList(c, "postings"))
	if duijie.ErrorCode(err) == duijie.EINVALID {
		if _, gerr := s.evs().Get(c.UserContext(), actor(c), id); gerr != nil {
			return gerr // a missing event is 404 before a bad form
		}
	}
	return s.eventDone(c, id, err, nil, "event_invited")
}

// availability reads the slot checkboxes (values 0..n-1) of an event
// with n slots.
func availability(c *fiber.Ctx, n int) []bool {
	out := make([]bool, n)
	for _, v := range formList(c, "slots") {
		if i, err := strconv.Atoi(v); err == nil && i >= 0 && i < n {
			out[i] = true
		}
	}
	return out
}

func (s *Server) handleEventRegister(c *fiber.Ctx) error {
	id := c.Params("id")
	v, err := s.evs().Get(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	form := introForm(c, "posting")
	err = s.evs().Register(c.UserContext(), actor(c), id, form["posting"], availability(c, len(v.Slots)))
	return s.eventDone(c, id, err, form, "event_registered")
}

func (s *Server) handleEventAnswer(c *fiber.Ctx) error {
	id := c.Params("id")
	v, err := s.evs().Get(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	var attend bool
	switch c.FormValue("answer") {
	case "attend":
		attend = true
	case "decline":
	default:
		return s.eventDone(c, id, &duijie.Error{Code: duijie.EINVALID, Message: "请选择参加或不参加",
			Fields: map[string]string{"answer": "请选择参加或不参加"}}, nil, "")
	}
	err = s.evs().Answer(c.UserContext(), actor(c), id, c.Params("party"), attend, availability(c, len(v.Slots)))
	return s.eventDone(c, id, err, nil, "event_answered")
}

// SlotText writes a party's available slots as 1-based numbers (for the
// templates).
func (p *EventPage) SlotText(av []bool) string {
	var out []string
	for i, a := range av {
		if a {
			out = append(out, strconv.Itoa(i+1))
		}
	}
	if len(out) == 0 {
		return "无"
	}
	if len(out) == len(av) {
		return "全部时段"
	}
	return fmt.Sprintf("第 %s 时段", strings.Join(out, "、"))
}
