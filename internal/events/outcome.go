package events

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"duijie/internal/duijie"
	"duijie/internal/match"
	"duijie/internal/sqlite"
)

// Record is a broker's outcome of a meeting once the event is under way:
// 已会谈, 未到场, 待跟进 or 生成对接. 生成对接 recommends the pair to both
// sides through the workflow (an introduction at 已推荐, assigned to the
// caller, in their queue) and links it to the meeting; when the pair has
// an open introduction already, the meeting is linked to that one. It
// returns the introduction's id, if any.
func (s *Service) Record(ctx context.Context, a Actor, id, meetingID string, o Outcome, note string) (string, error) {
	e, err := s.load(ctx, a, id)
	if err != nil {
		return "", err
	}
	ms, err := s.db.EventMeetings(ctx, id)
	if err != nil {
		return "", err
	}
	var m *Meeting
	for i := range ms {
		if ms[i].ID == meetingID {
			m = &ms[i]
		}
	}
	if m == nil {
		return "", duijie.Errorf(duijie.ENOTFOUND, "洽谈不存在")
	}
	note = strings.TrimSpace(note)
	f := map[string]string{}
	if o == sqlite.OutcomeNone || o.Label() == "" {
		f["outcome"] = "请选择洽谈结果"
	}
	if bad := duijie.BadText(note, true); bad != "" {
		f["note"] = "备注" + bad
	} else if utf8.RuneCountInString(note) > MaxNote {
		f["note"] = fmt.Sprintf("备注不能超过 %d 个字", MaxNote)
	}
	if len(f) > 0 {
		return "", &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: f}
	}
	if e.Status == sqlite.EventDraft {
		return "", duijie.Errorf(duijie.ECONFLICT, "对接会尚在筹备中，发布后才能记录洽谈结果")
	}
	if o == sqlite.OutcomeIntro && m.IntroID == "" {
		parties, err := s.db.EventParties(ctx, id)
		if err != nil {
			return "", err
		}
		var ch, cp string
		for _, p := range parties {
			switch p.ID {
			case m.EntParty:
				ch = p.PostingID
			case m.InstParty:
				cp = p.PostingID
			}
		}
		msg := "在对接会“" + e.Theme + "”上洽谈后，科技局推荐双方继续对接。" + note
		ids, err := s.wf.Recommend(ctx, a, "challenge", ch, []string{cp}, msg)
		switch {
		case err == nil:
			m.IntroID = ids[0]
		case duijie.ErrorCode(err) == duijie.ECONFLICT:
			open, oerr := s.db.OpenIntroductionOf(ctx, ch, cp)
			if oerr != nil {
				return "", oerr
			}
			if open == "" {
				return "", err // not published, expired, ...: say why
			}
			m.IntroID = open
		default:
			return "", err
		}
	}
	m.Outcome, m.Note, m.Updated = o, note, s.now()
	if err := s.db.SaveMeetingOutcome(ctx, m); err != nil {
		return "", err
	}
	s.audit(ctx, a, AuditOutcome, "event:"+id, m.ID+" "+string(o)+" "+m.IntroID)
	return m.IntroID, nil
}

// AgendaRow is one meeting of an agenda.
type AgendaRow struct {
	Slot     string
	Table    int // 1-based
	Title    string
	OrgName  string // "" when the caller may not know it
	Note     string // why a name is withheld
	Level    string // brokers only
	Outcome  Outcome
	IntroID  string // brokers only
	Conflict bool
}

// Agenda is the printable timetable of one party or one table.
type Agenda struct {
	Event   Event
	Party   *Party // a party's agenda
	Table   int    // a table's agenda (1-based)
	Heading string
	Rows    []AgendaRow
	Broker  bool
}

// PartyAgenda is one party's agenda: brokers any party's, a member only
// their organisation's. The other side of each meeting is named as the
// caller may read its posting: a 摘要公开 challenge by its title only, a
// challenge for the bureau only (or no longer published) not at all.
func (s *Service) PartyAgenda(ctx context.Context, a Actor, id, partyID string) (*Agenda, error) {
	v, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	p, err := s.party(ctx, a, &v.Event, partyID)
	if err != nil {
		return nil, err
	}
	parties, err := s.db.EventParties(ctx, id)
	if err != nil {
		return nil, err
	}
	byID := map[string]*Party{}
	for i := range parties {
		byID[parties[i].ID] = &parties[i]
	}
	ms, err := s.db.EventMeetings(ctx, id)
	if err != nil {
		return nil, err
	}
	ag := &Agenda{Event: v.Event, Party: p, Broker: v.Broker, Heading: p.OrgName + " · " + p.Title}
	for _, m := range ms {
		var other *Party
		switch p.ID {
		case m.EntParty:
			other = byID[m.InstParty]
		case m.InstParty:
			other = byID[m.EntParty]
		default:
			continue
		}
		row := AgendaRow{Slot: slotLabel(&v.Event, m.Slot), Table: m.Table + 1, Title: other.Title, OrgName: other.OrgName}
		if v.Broker {
			row.Level, row.Outcome, row.IntroID = match.Level(m.Score), m.Outcome, m.IntroID
		} else if err := s.redact(ctx, a, other, &row); err != nil {
			return nil, err
		}
		// A slot the party no longer has: the broker must move the meeting.
		row.Conflict = m.Slot >= len(p.Available) || !p.Available[m.Slot] || p.Status == sqlite.PartyDeclined
		ag.Rows = append(ag.Rows, row)
	}
	return ag, nil
}

// redact names the other side of a member's meeting as the member may
// read its posting.
func (s *Service) redact(ctx context.Context, a Actor, other *Party, row *AgendaRow) error {
	if other.Kind == sqlite.PartyCapability {
		c := &duijie.Capability{OrgID: other.OrgID, Status: other.PostingStatus}
		if duijie.CapabilityAccess(a.User, c) == duijie.AccessNone {
			row.Title, row.OrgName, row.Note = "科技局安排的院所", "", "详情请联系科技局"
		}
		return nil
	}
	invited, err := s.db.Invited(ctx, other.PostingID, a.User.OrgID)
	if err != nil {
		return err
	}
	c := &duijie.Challenge{OrgID: other.OrgID, Status: other.PostingStatus, Visibility: other.Visibility}
	switch duijie.ChallengeAccess(a.User, c, invited) {
	case duijie.AccessSummary:
		row.OrgName, row.Note = "", "摘要公开 · 企业名称经科技局引荐后提供"
	case duijie.AccessNone:
		row.Title, row.OrgName, row.Note = "科技局安排的企业需求", "", "详情请联系科技局"
	}
	return nil
}

func slotLabel(e *Event, i int) string {
	if i >= 0 && i < len(e.Slots) {
		return e.Slots[i]
	}
	return fmt.Sprintf("第 %d 时段", i+1)
}

// TableAgenda is one table's agenda, for the bureau's staff at the
// table: brokers only.
func (s *Service) TableAgenda(ctx context.Context, a Actor, id string, table int) (*Agenda, error) {
	e, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if table < 1 || table > e.Tables {
		return nil, duijie.Errorf(duijie.ENOTFOUND, "第 %d 桌不存在", table)
	}
	parties, err := s.db.EventParties(ctx, id)
	if err != nil {
		return nil, err
	}
	byID := map[string]*Party{}
	for i := range parties {
		byID[parties[i].ID] = &parties[i]
	}
	ms, err := s.db.EventMeetings(ctx, id)
	if err != nil {
		return nil, err
	}
	ag := &Agenda{Event: *e, Table: table, Broker: true, Heading: fmt.Sprintf("第 %d 桌", table)}
	for _, m := range ms {
		if m.Table != table-1 {
			continue
		}
		ent, inst := byID[m.EntParty], byID[m.InstParty]
		ag.Rows = append(ag.Rows, AgendaRow{Slot: slotLabel(e, m.Slot), Table: table,
			Title: ent.OrgName + "「" + ent.Title + "」", OrgName: inst.OrgName + "「" + inst.Title + "」",
			Level: match.Level(m.Score), Outcome: m.Outcome, IntroID: m.IntroID})
	}
	return ag, nil
}

// Notify tells every party with meetings (and not declined) its agenda:
// a message to each of its organisation's users, linking the printable
// agenda. The event must be published and have a timetable; a broker
// notifies again after changing it. It returns how many parties were
// told.
func (s *Service) Notify(ctx context.Context, a Actor, id string) (int, error) {
	e, err := s.load(ctx, a, id)
	if err != nil {
		return 0, err
	}
	if e.Status == sqlite.EventDraft {
		return 0, duijie.Errorf(duijie.ECONFLICT, "请先发布对接会，再通知参会方日程")
	}
	ms, err := s.db.EventMeetings(ctx, id)
	if err != nil {
		return 0, err
	}
	if len(ms) == 0 {
		return 0, duijie.Errorf(duijie.ECONFLICT, "还没有安排洽谈")
	}
	parties, err := s.db.EventParties(ctx, id)
	if err != nil {
		return 0, err
	}
	count := map[string]int{}
	for _, m := range ms {
		count[m.EntParty]++
		count[m.InstParty]++
	}
	now := s.now()
	var msgs []duijie.Message
	told := 0
	for _, p := range parties {
		if count[p.ID] == 0 || p.Status == sqlite.PartyDeclined {
			continue
		}
		users, err := s.db.UsersOf(ctx, p.OrgID)
		if err != nil {
			return 0, err
		}
		told++
		for _, u := range users {
			msgs = append(msgs, duijie.Message{UserID: u.ID, Kind: duijie.MsgInvitation, Created: now,
				Link:    eventLink(id) + "/agenda/" + p.ID,
				Subject: "对接会日程：" + e.Theme,
				Body:    fmt.Sprintf("%s · %s。您以“%s”参会，共有 %d 场洽谈，请查看并打印日程表。", e.Day.Format(duijie.DateLayout), e.Place, p.Title, count[p.ID])})
		}
	}
	if err := s.db.SendMessages(ctx, msgs); err != nil {
		return 0, err
	}
	s.audit(ctx, a, AuditNotify, "event:"+id, fmt.Sprintf("%d parties", told))
	return told, nil
}
