package events

import (
	"context"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// DemoID is the demo set's event.
const DemoID = "ev-demo-nev"

// LoadDemo adds the demo set's event, unless it is there: a published
// 新能源汽车 对接会 of the demo broker two weeks from the day it is loaded, with up to six challenges and six
// capabilities of the industry (one posting per organisation) registered
// for every slot and no timetable yet, so that a broker can propose one.
// The parties get no message: nobody invited them.
func (s *Service) LoadDemo(ctx context.Context, brokerID string) error {
	if _, err := s.db.Event(ctx, DemoID); err == nil {
		return nil
	} else if duijie.ErrorCode(err) != duijie.ENOTFOUND {
		return err
	}
	now := s.now()
	e := &Event{ID: DemoID, Theme: "六安市新能源汽车产业技术对接会", Industries: []duijie.Industry{"nev"},
		Day: duijie.Today(now).AddDate(0, 0, 14), Place: "六安市科技大市场二楼路演厅",
		Slots:  []string{"14:00–14:20", "14:20–14:40", "14:40–15:00", "15:00–15:20", "15:20–15:40", "15:40–16:00"},
		Tables: 6, Status: sqlite.EventPublished, CreatedBy: brokerID, Created: now, Updated: now}
	var ps []Party
	for _, kind := range []PartyKind{sqlite.PartyChallenge, sqlite.PartyCapability} {
		cands, err := s.db.EventCandidates(ctx, kind, e.Industries, "", 100)
		if err != nil {
			return err
		}
		orgs, n := map[string]bool{}, 0
		for _, c := range cands {
			if orgs[c.OrgID] || n == 6 {
				continue
			}
			orgs[c.OrgID] = true
			n++
			ps = append(ps, Party{ID: "ep-demo-" + c.ID, EventID: DemoID, Kind: kind, PostingID: c.ID, OrgID: c.OrgID,
				InvitedBy: brokerID, Available: allSlots(len(e.Slots)), Status: sqlite.PartyRegistered, Created: now, Updated: now,
				Title: c.Title})
		}
	}
	if err := s.db.CreateEvent(ctx, e); err != nil {
		return err
	}
	return s.db.AddEventParties(ctx, ps, nil)
}
