package server

import (
	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/events"
)

// meetupJSON is an event in the API.
type meetupJSON struct {
	ID         string   `json:"id"`
	Theme      string   `json:"theme"`
	Industries []string `json:"industries"`
	Day        string   `json:"day"`
	Place      string   `json:"place"`
	Slots      []string `json:"slots"`
	Tables     int      `json:"tables"`
	Status     string   `json:"status"`
}

func toMeetupJSON(e *events.Event) meetupJSON {
	out := meetupJSON{ID: e.ID, Theme: e.Theme, Industries: []string{}, Day: e.Day.Format(duijie.DateLayout), Place: e.Place,
		Slots: nonNilStrings(e.Slots), Tables: e.Tables, Status: string(e.Status)}
	for _, i := range e.Industries {
		out.Industries = append(out.Industries, string(i))
	}
	return out
}

func nonNilStrings(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// partyJSON is a party of a meeting in the API.
type partyJSON struct {
	ID           string `json:"id"`
	PostingID    string `json:"posting_id"`
	Title        string `json:"title"`
	Organization string `json:"organization"`
	Status       string `json:"status"`
}

// meetingJSON is a meeting of the timetable; slot and table are 1-based.
type meetingJSON struct {
	ID             string    `json:"id"`
	Slot           int       `json:"slot"`
	SlotLabel      string    `json:"slot_label"`
	Table          int       `json:"table"`
	Enterprise     partyJSON `json:"enterprise"`
	Institute      partyJSON `json:"institute"`
	Confidence     float64   `json:"confidence"`
	Level          string    `json:"level"`
	Source         string    `json:"source"`
	Outcome        string    `json:"outcome"`
	IntroductionID string    `json:"introduction_id,omitempty"`
	Note           string    `json:"note"`
	Conflict       bool      `json:"conflict"`
}

func toPartyJSON(p *events.Party) partyJSON {
	return partyJSON{ID: p.ID, PostingID: p.PostingID, Title: p.Title, Organization: p.OrgName, Status: string(p.Status)}
}

func (s *Server) apiEventList(c *fiber.Ctx) error {
	list, err := s.evs().List(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	out := struct {
		Items []meetupJSON `json:"items"`
	}{Items: []meetupJSON{}}
	for i := range list {
		out.Items = append(out.Items, toMeetupJSON(&list[i]))
	}
	return c.JSON(out)
}

func (s *Server) apiEventTimetable(c *fiber.Ctx) error {
	b, err := s.evs().Timetable(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	out := struct {
		Event      meetupJSON    `json:"event"`
		Meetings   []meetingJSON `json:"meetings"`
		Violations []string      `json:"violations"`
		Value      float64       `json:"value"`
		Served     int           `json:"enterprises_served"`
		Of         int           `json:"enterprises_with_pairs"`
	}{Event: toMeetupJSON(&b.Event), Meetings: []meetingJSON{}, Violations: nonNilStrings(b.Violations), Value: b.Stats.Value,
		Served: b.Stats.Served, Of: b.Stats.Enterprises}
	for _, m := range b.Meetings {
		label := ""
		if m.Slot >= 0 && m.Slot < len(b.Event.Slots) {
			label = b.Event.Slots[m.Slot]
		}
		out.Meetings = append(out.Meetings, meetingJSON{ID: m.ID, Slot: m.Slot + 1, SlotLabel: label, Table: m.Table + 1,
			Enterprise: toPartyJSON(m.Ent), Institute: toPartyJSON(m.Inst), Confidence: m.Score, Level: m.Level,
			Source: m.Source, Outcome: string(m.Outcome), IntroductionID: m.IntroID, Note: m.Note, Conflict: m.Conflict})
	}
	return c.JSON(out)
}

func (s *Server) apiEventOutcome(c *fiber.Ctx) error {
	var in struct {
		Outcome string `json:"outcome"`
		Note    string `json:"note"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	intro, err := s.evs().Record(c.UserContext(), actor(c), c.Params("id"), c.Params("meeting"), events.Outcome(in.Outcome), in.Note)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"outcome": in.Outcome, "introduction_id": intro})
}
