// Package events is the bureau's matchmaking events (对接会, 路演), a
// sibling service of portal and workflow: a broker creates an event with
// its time slots and tables, invites challenges and capabilities (or
// their organisations register through the portal), each party gives the
// slots it can come; the service proposes the 1:1 timetable from the
// match scores (package timetable), prices every manual change before it
// is made, prints agendas, and turns a meeting's outcome into an
// introduction of the broker's workflow. Rights are decided here against
// the store; nothing here knows about HTTP.
package events

import (
	"context"
	"log/slog"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
	"duijie/internal/workflow"
)

// Actor is who calls (duijie.Actor, shared by every service).
type Actor = duijie.Actor

// The store's rows, as this service hands them out.
type (
	Event       = sqlite.Event
	EventStatus = sqlite.EventStatus
	Party       = sqlite.EventParty
	PartyKind   = sqlite.PartyKind
	PartyStatus = sqlite.PartyStatus
	Meeting     = sqlite.EventMeeting
	Outcome     = sqlite.Outcome
	Candidate   = sqlite.EventCandidate
)

// Statuses, kinds and outcomes, as the store names them.
const (
	Draft        = sqlite.EventDraft
	Published    = sqlite.EventPublished
	Ended        = sqlite.EventEnded
	Challenge    = sqlite.PartyChallenge
	Capability   = sqlite.PartyCapability
	OutcomeIntro = sqlite.OutcomeIntro
)

// Statuses lists the event statuses in order; Outcomes the outcomes a
// broker may record.
var (
	Statuses = sqlite.EventStatuses
	Outcomes = sqlite.Outcomes
)

// Scored is one ranked partner of a posting: its id and the calibrated
// confidence that the pair is at least closely related.
type Scored struct {
	ID         string
	Confidence float64
}

// Matcher ranks, as the caller's audience sees them, the partners of a
// posting: capabilities for a "challenge", challenges for a
// "capability". A posting the caller may not rank is ENOTFOUND. The
// portal passes its Matches; tests pass a table.
type Matcher func(ctx context.Context, a Actor, typ, id string) ([]Scored, error)

// Service is the events service.
type Service struct {
	db    *sqlite.DB
	wf    *workflow.Service
	match Matcher
	log   *slog.Logger
	now   func() time.Time
}

// New returns the service over an open store, the workflow (introductions
// from outcomes), the match ranking and the clock shared with the portal.
func New(db *sqlite.DB, wf *workflow.Service, match Matcher, log *slog.Logger, now func() time.Time) *Service {
	return &Service{db: db, wf: wf, match: match, log: log, now: now}
}

// Audit actions of events.
const (
	AuditCreate   = "event.create"
	AuditUpdate   = "event.update"
	AuditStatus   = "event.status"
	AuditInvite   = "event.invite"
	AuditRegister = "event.register"
	AuditAnswer   = "event.party"
	AuditGenerate = "event.generate"
	AuditEdit     = "event.edit"
	AuditOutcome  = "event.outcome"
	AuditNotify   = "event.notify"
)

// Limits of an event.
const (
	MaxSlots     = 24
	MaxTables    = 200
	MaxSlotLabel = 20
	MaxTheme     = 60
	MaxPlace     = 100
	MaxNote      = 500
)

func (s *Service) audit(ctx context.Context, a Actor, action, object, detail string) {
	s.db.Audit(ctx, s.log, a.Entry(action, object, detail))
}

func brokerOnly(a Actor) error {
	if !a.User.Is(duijie.RoleBroker) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以组织对接会")
	}
	return nil
}

// notFound is the one answer for an event the caller may not see.
func notFound() error { return duijie.Errorf(duijie.ENOTFOUND, "对接会不存在或无权查看") }

func eventLink(id string) string { return "/events/" + id }

// Create stores a new event at 筹备中 and returns its id.
func (s *Service) Create(ctx context.Context, a Actor, in Input) (string, error) {
	if err := brokerOnly(a); err != nil {
		return "", err
	}
	if err := in.check(); err != nil {
		return "", err
	}
	now := s.now()
	e := &Event{ID: duijie.NewID("ev-"), Theme: in.Theme, Industries: in.Industries, Day: in.Day, Place: in.Place,
		Slots: in.Slots, Tables: in.Tables, Status: sqlite.EventDraft, CreatedBy: a.User.ID, Created: now, Updated: now}
	if err := s.db.CreateEvent(ctx, e); err != nil {
		return "", err
	}
	s.audit(ctx, a, AuditCreate, "event:"+e.ID, e.Theme)
	return e.ID, nil
}

// load reads an event for a broker's action.
func (s *Service) load(ctx context.Context, a Actor, id string) (*Event, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	e, err := s.db.Event(ctx, id)
	if duijie.ErrorCode(err) == duijie.ENOTFOUND {
		return nil, notFound()
	}
	return e, err
}

// Update changes an event's fields. The number of slots may change only
// while no meeting is scheduled.
func (s *Service) Update(ctx context.Context, a Actor, id string, in Input) error {
	e, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	ms, err := s.db.EventMeetings(ctx, id)
	if err != nil {
		return err
	}
	if len(ms) > 0 && len(in.Slots) != len(e.Slots) {
		return duijie.Errorf(duijie.ECONFLICT, "已排有洽谈，不能再增减时段（可修改时段的文字）")
	}
	for _, m := range ms {
		if m.Table >= in.Tables {
			return duijie.Errorf(duijie.ECONFLICT, "第 %d 桌已排有洽谈，桌数不能少于 %d", m.Table+1, m.Table+1)
		}
	}
	read := e.Updated
	e.Theme, e.Industries, e.Day, e.Place, e.Slots, e.Tables = in.Theme, in.Industries, in.Day, in.Place, in.Slots, in.Tables
	e.Updated = s.now()
	if !e.Updated.After(read) {
		e.Updated = read.Add(time.Microsecond)
	}
	if err := s.db.SaveEventFrom(ctx, e, read); err != nil {
		return err
	}
	s.audit(ctx, a, AuditUpdate, "event:"+e.ID, e.Theme)
	return nil
}

// SetStatus publishes an event (members see it and may register), ends
// it (the timetable is fixed) or takes it back to 筹备中.
func (s *Service) SetStatus(ctx context.Context, a Actor, id string, to EventStatus) error {
	e, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	if to.Label() == "" {
		return duijie.Errorf(duijie.EINVALID, "请选择状态")
	}
	if to == e.Status {
		return duijie.Errorf(duijie.ECONFLICT, "对接会已是“%s”", to.Label())
	}
	from, read := e.Status, e.Updated
	e.Status, e.Updated = to, s.now()
	if !e.Updated.After(read) {
		e.Updated = read.Add(time.Microsecond)
	}
	if err := s.db.SaveEventFrom(ctx, e, read); err != nil {
		return err
	}
	s.audit(ctx, a, AuditStatus, "event:"+e.ID, string(from)+" → "+string(to))
	return nil
}

// List is the events a may see: brokers every one; members the
// published ones and those their organisation takes part in; anyone else
// the published ones.
func (s *Service) List(ctx context.Context, a Actor) ([]Event, error) {
	f := sqlite.EventFilter{Statuses: []EventStatus{sqlite.EventPublished, sqlite.EventEnded}}
	switch {
	case a.User.Is(duijie.RoleBroker):
		f.Statuses = nil
	case a.User.Is(duijie.RoleEnterprise, duijie.RoleInstitute) && a.User.OrgID != "":
		f.OrgID = a.User.OrgID
	}
	return s.db.EventList(ctx, f)
}

// View is an event as the caller may see it.
type View struct {
	Event
	Broker bool
	// Parties: brokers, all of them; a member, their organisation's.
	Parties []Party
	// Meetings: brokers, the number scheduled; Tally the number of each
	// outcome recorded, in form order (none when nothing is recorded).
	Meetings int
	Tally    []Count
	// MayRegister: a member whose organisation does not take part yet,
	// of a published event; Postings are their published postings of
	// their side to register with.
	MayRegister bool
	Postings    []Candidate
}

// Count is how many meetings have one outcome.
type Count struct {
	Outcome Outcome
	N       int
}

// Get loads an event as a may see it: brokers every one, with its
// parties; members a published one, or one their organisation takes part
// in, with their own parties only; anyone else a published one without
// parties. Others get ENOTFOUND.
func (s *Service) Get(ctx context.Context, a Actor, id string) (*View, error) {
	e, err := s.db.Event(ctx, id)
	if duijie.ErrorCode(err) == duijie.ENOTFOUND {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	v := &View{Event: *e, Broker: a.User.Is(duijie.RoleBroker)}
	public := e.Status != sqlite.EventDraft
	if v.Broker {
		if v.Parties, err = s.db.EventParties(ctx, id); err != nil {
			return nil, err
		}
		ms, err := s.db.EventMeetings(ctx, id)
		if err != nil {
			return nil, err
		}
		v.Meetings = len(ms)
		for _, o := range sqlite.Outcomes {
			n := 0
			for _, m := range ms {
				if m.Outcome == o {
					n++
				}
			}
			if n > 0 {
				v.Tally = append(v.Tally, Count{Outcome: o, N: n})
			}
		}
		return v, nil
	}
	member := a.User.Is(duijie.RoleEnterprise, duijie.RoleInstitute) && a.User.OrgID != ""
	if member {
		all, err := s.db.EventParties(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, p := range all {
			if p.OrgID == a.User.OrgID {
				v.Parties = append(v.Parties, p)
			}
		}
	}
	if !public && len(v.Parties) == 0 {
		return nil, notFound()
	}
	if member && len(v.Parties) == 0 && e.Status == sqlite.EventPublished {
		if v.Postings, err = s.ownPostings(ctx, a); err != nil {
			return nil, err
		}
		v.MayRegister = true
	}
	return v, nil
}

// sideOf is the kind of party a member's role takes part as.
func sideOf(u *duijie.User) PartyKind {
	if u.Is(duijie.RoleInstitute) {
		return sqlite.PartyCapability
	}
	return sqlite.PartyChallenge
}

// ownPostings lists the caller's organisation's published postings of
// its side.
func (s *Service) ownPostings(ctx context.Context, a Actor) ([]Candidate, error) {
	return s.db.EventCandidates(ctx, sideOf(a.User), nil, a.User.OrgID, 200)
}
