package sqlite

import (
	"context"
	"reflect"
	"testing"

	"duijie/internal/duijie"
)

// TestEventStore: an event, its parties (one posting per organisation),
// a timetable whose invariants the unique indexes hold, availability
// resized with the slots, an outcome, and the list filters.
func TestEventStore(t *testing.T) {
	db := introDB(t)
	ctx := context.Background()
	e := &Event{ID: "ev1", Theme: "新能源汽车产业对接会", Industries: []duijie.Industry{"nev"}, Day: duijie.ParseDate("2026-12-20"),
		Place: "六安市科技大市场", Slots: []string{"09:00", "09:20", "09:40"}, Tables: 2, Status: EventDraft, CreatedBy: "ub",
		Created: clock0, Updated: clock0}
	must(t, db.CreateEvent(ctx, e))
	got, err := db.Event(ctx, "ev1")
	if err != nil || got.Theme != e.Theme || !reflect.DeepEqual(got.Slots, e.Slots) || got.Tables != 2 || got.Industries[0] != "nev" ||
		got.Day.Format(duijie.DateLayout) != "2026-12-20" {
		t.Fatalf("event = %+v, %v", got, err)
	}
	if _, err := db.Event(ctx, "nope"); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Fatalf("missing event: %v", err)
	}
	ps := []EventParty{
		{ID: "pe1", EventID: "ev1", Kind: PartyChallenge, PostingID: "c1", OrgID: "e1", InvitedBy: "ub", Available: []bool{true, true, false}, Status: PartyInvited, Created: clock0, Updated: clock0},
		{ID: "pe2", EventID: "ev1", Kind: PartyChallenge, PostingID: "c2", OrgID: "e2", Available: []bool{true, true, true}, Status: PartyRegistered, Created: clock0, Updated: clock0},
		{ID: "pi1", EventID: "ev1", Kind: PartyCapability, PostingID: "p1", OrgID: "i1", InvitedBy: "ub", Available: []bool{true, true, true}, Status: PartyInvited, Created: clock0, Updated: clock0},
	}
	must(t, db.AddEventParties(ctx, ps, []duijie.Message{{UserID: "ue", Kind: duijie.MsgInvitation, Subject: "邀请参加对接会", Created: clock0}}))
	if n, err := db.Unread(ctx, "ue"); err != nil || n != 1 {
		t.Fatalf("invitation message: %d, %v", n, err)
	}
	again := ps[0]
	again.ID, again.PostingID = "pe9", "c9"
	if err := db.AddEventParties(ctx, []EventParty{again}, nil); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Fatalf("a second posting of one organisation: %v", err)
	}
	parties, err := db.EventParties(ctx, "ev1")
	if err != nil || len(parties) != 3 || parties[2].Kind != PartyCapability || parties[0].Title == "" || parties[0].OrgName == "" ||
		parties[2].Title != "微通道液冷板" || !reflect.DeepEqual(parties[0].Available, []bool{true, true, false}) {
		t.Fatalf("parties = %+v, %v", parties, err)
	}

	ms := []EventMeeting{
		{ID: "m1", Slot: 0, Table: 0, EntParty: "pe1", InstParty: "pi1", Score: 0.8, Source: SourceAuto, Updated: clock0},
		{ID: "m2", Slot: 1, Table: 0, EntParty: "pe2", InstParty: "pi1", Score: 0.5, Source: SourceManual, Updated: clock0},
	}
	must(t, db.ReplaceEventMeetings(ctx, "ev1", ms))
	for name, bad := range map[string]EventMeeting{
		"one table twice":        {ID: "m3", Slot: 0, Table: 0, EntParty: "pe2", InstParty: "pi1", Source: SourceManual, Updated: clock0},
		"one party twice":        {ID: "m3", Slot: 0, Table: 1, EntParty: "pe2", InstParty: "pi1", Source: SourceManual, Updated: clock0},
		"one pair meeting twice": {ID: "m3", Slot: 2, Table: 1, EntParty: "pe1", InstParty: "pi1", Source: SourceManual, Updated: clock0},
	} {
		if err := db.ReplaceEventMeetings(ctx, "ev1", append(append([]EventMeeting(nil), ms...), bad)); duijie.ErrorCode(err) != duijie.ECONFLICT {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Review: the store refuses a meeting at a slot or table the event
	// does not have, a timetable computed from a stale read, and cutting
	// the tables or slots a meeting uses.
	for name, bad := range map[string]EventMeeting{
		"table beyond the event's": {ID: "m3", Slot: 2, Table: 2, EntParty: "pe2", InstParty: "pi1", Source: SourceManual, Updated: clock0},
		"slot beyond the event's":  {ID: "m3", Slot: 3, Table: 1, EntParty: "pe2", InstParty: "pi1", Source: SourceManual, Updated: clock0},
	} {
		if err := db.ReplaceEventMeetings(ctx, "ev1", append(append([]EventMeeting(nil), ms...), bad)); duijie.ErrorCode(err) != duijie.ECONFLICT {
			t.Errorf("%s: %v", name, err)
		}
	}
	stale := []EventMeeting{ms[0]}
	if err := db.ReplaceEventMeetingsFrom(ctx, "ev1", stale, ms); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a timetable from a stale read: %v", err)
	}
	if err := db.ReplaceEventMeetingsFrom(ctx, "ev1", ms, ms); err != nil {
		t.Errorf("a timetable from a fresh read: %v", err)
	}
	cut := *e
	cut.Tables = 0
	cut.Slots = []string{"09:00"}
	if err := db.SaveEvent(ctx, &cut); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("slots cut below a meeting: %v", err)
	}
	if err := db.SaveEventFrom(ctx, e, clock0.Add(1)); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a save of a stale read: %v", err)
	}
	if got, err := db.EventMeetings(ctx, "ev1"); err != nil || len(got) != 2 || got[1].Source != SourceManual {
		t.Fatalf("a refused timetable changed the stored one: %+v, %v", got, err)
	}
	m := ms[0]
	m.EventID, m.Outcome, m.Note = "ev1", OutcomeMet, "双方约定样品测试"
	must(t, db.SaveMeetingOutcome(ctx, &m))
	m.ID = "nope"
	if err := db.SaveMeetingOutcome(ctx, &m); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Fatalf("outcome of a missing meeting: %v", err)
	}
	if got, _ := db.EventMeetings(ctx, "ev1"); got[0].Outcome != OutcomeMet || got[0].Note != "双方约定样品测试" {
		t.Fatalf("outcome not stored: %+v", got[0])
	}

	p := parties[0]
	// Review: an availability read against another number of slots is
	// refused (a page showing it would index past its end).
	p.Available = []bool{true, true}
	if err := db.SaveEventParty(ctx, &p); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("availability of 2 slots for an event of 3: %v", err)
	}
	short := ps[0]
	short.ID, short.OrgID, short.PostingID, short.Available = "pe9", "e9", "c9", []bool{true}
	if err := db.AddEventParties(ctx, []EventParty{short}, nil); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a new party with availability of 1 slot: %v", err)
	}
	p.Available, p.Status = []bool{false, true, true}, PartyRegistered
	must(t, db.SaveEventParty(ctx, &p))
	e.Slots, e.Status = []string{"09:00", "09:20", "09:40", "10:00"}, EventPublished
	must(t, db.SaveEvent(ctx, e))
	parties, _ = db.EventParties(ctx, "ev1")
	if !reflect.DeepEqual(parties[0].Available, []bool{false, true, true, true}) || parties[0].Status != PartyRegistered {
		t.Fatalf("availability after adding a slot: %+v", parties[0])
	}

	must(t, db.CreateEvent(ctx, &Event{ID: "ev2", Theme: "草稿", Day: duijie.ParseDate("2027-01-05"), Place: "x", Slots: []string{"a"},
		Tables: 1, Status: EventDraft, CreatedBy: "ub", Created: clock0, Updated: clock0}))
	ids := func(f EventFilter) []string {
		es, err := db.EventList(ctx, f)
		must(t, err)
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	if got := ids(EventFilter{}); !reflect.DeepEqual(got, []string{"ev2", "ev1"}) {
		t.Errorf("all events: %v", got)
	}
	if got := ids(EventFilter{Statuses: []EventStatus{EventPublished}}); !reflect.DeepEqual(got, []string{"ev1"}) {
		t.Errorf("published: %v", got)
	}
	if got := ids(EventFilter{Statuses: []EventStatus{EventPublished}, OrgID: "i2"}); !reflect.DeepEqual(got, []string{"ev1"}) {
		t.Errorf("for an organisation not taking part: %v", got)
	}
	cands, err := db.EventCandidates(ctx, PartyChallenge, nil, "", 10)
	if err != nil || len(cands) == 0 {
		t.Fatalf("candidates: %+v, %v", cands, err)
	}
}
