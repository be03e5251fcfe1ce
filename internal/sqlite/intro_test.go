package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"duijie/internal/duijie"
)

// introDB is portalDB with a second enterprise (e2, 霍山县) and its
// challenge c2, and a broker.
func introDB(t *testing.T) *DB {
	t.Helper()
	db := portalDB(t)
	ctx := context.Background()
	e2 := duijie.Organization{ID: "e2", Name: "霍山县某某药业有限公司", Kind: duijie.OrgEnterprise, Region: "la-huoshan",
		CreditCode: "91341525MA2N0A1B2X"}
	e2.CreditCode = creditCode(e2.CreditCode[:17])
	must(t, db.PutOrganization(ctx, &e2))
	c2 := sampleChallenge()
	c2.ID, c2.OrgID, c2.Title, c2.Visibility = "c2", "e2", "石斛多糖提取工艺优化", duijie.VisibilityPublic
	must(t, db.PutChallenge(ctx, &c2))
	for _, u := range []duijie.User{
		{ID: "ue2", OrgID: "e2", Username: "huoshan", Role: duijie.RoleEnterprise},
		{ID: "ub", Username: "broker", DisplayName: "张经纪人", Role: duijie.RoleBroker},
	} {
		must(t, db.CreateUser(ctx, &u, "hash"))
	}
	return db
}

// creditCode completes a 17-character prefix with its check character.
func creditCode(prefix string) string {
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if duijie.ValidCreditCode(prefix + string(c)) {
			return prefix + string(c)
		}
	}
	panic("no check character")
}

func newIntro(id, ent, inst, challenge, capability string, stage duijie.Stage, due time.Time) *duijie.Introduction {
	return &duijie.Introduction{ID: id, Origin: duijie.OriginBroker, ChallengeID: challenge, CapabilityID: capability,
		EntOrgID: ent, InstOrgID: inst, Stage: stage, Due: due, Created: clock0, Updated: clock0}
}

func created(id string) duijie.Event {
	return duijie.Event{IntroID: id, At: clock0, ActorID: "ub", Kind: duijie.EventCreated, To: duijie.StageRecommended}
}

func TestCreateInterestStartsIntroduction(t *testing.T) {
	db := introDB(t)
	ctx := context.Background()
	due := clock0.Add(7 * 24 * time.Hour)
	p := proposal("int-p1", "i1", "ui")
	must(t, db.CreateInterest(ctx, &p, due))
	r := duijie.Interest{ID: "int-r1", Kind: duijie.InterestIntro, CapabilityID: "p1", OrgID: "e1", UserID: "ue", Approach: "想了解液冷板"}
	must(t, db.CreateInterest(ctx, &r, due))
	w := proposal("int-w1", "i2", "ui2")
	w.Status = duijie.InterestWithdrawn
	must(t, db.CreateInterest(ctx, &w, due))

	for _, tc := range []struct {
		interest *duijie.Interest
		want     duijie.Introduction
	}{
		{&p, duijie.Introduction{ID: "in-p1", Origin: duijie.OriginProposal, InterestID: "int-p1", ChallengeID: "c1", EntOrgID: "e1",
			InstOrgID: "i1", Stage: duijie.StageQueued, Due: due, ChallengeTitle: "电池包液冷板优化",
			EntOrgName: enterprise.Name, InstOrgName: institute.Name, EntRegion: enterprise.Region}},
		{&r, duijie.Introduction{ID: "in-r1", Origin: duijie.OriginRequest, InterestID: "int-r1", CapabilityID: "p1", EntOrgID: "e1",
			InstOrgID: "i1", Stage: duijie.StageQueued, Due: due, CapabilityTitle: "微通道液冷板",
			EntOrgName: enterprise.Name, InstOrgName: institute.Name, EntRegion: enterprise.Region}},
	} {
		if IntroOf(tc.interest.ID) != tc.want.ID {
			t.Errorf("IntroOf(%s) = %s", tc.interest.ID, IntroOf(tc.interest.ID))
		}
		n, err := db.Introduction(ctx, tc.want.ID)
		must(t, err)
		tc.want.Created, tc.want.Updated = tc.interest.Created, tc.interest.Created
		if tc.interest.Created.IsZero() || !reflect.DeepEqual(*n, tc.want) {
			t.Errorf("introduction of %s:\n got %+v\nwant %+v", tc.interest.ID, *n, tc.want)
		}
		evs, err := db.Events(ctx, tc.want.ID)
		must(t, err)
		if len(evs) != 1 || evs[0].Kind != duijie.EventCreated || evs[0].To != duijie.StageQueued || evs[0].ActorID != tc.interest.UserID ||
			!evs[0].At.Equal(tc.interest.Created) {
			t.Errorf("timeline of %s: %+v", tc.want.ID, evs)
		}
	}
	// A withdrawn interest starts nothing.
	_, err := db.Introduction(ctx, "in-w1")
	wantCode(t, "withdrawn", duijie.ENOTFOUND, err)
	// An interest in one's own posting is refused, and not kept either.
	own := duijie.Interest{ID: "int-own", Kind: duijie.InterestIntro, CapabilityID: "p1", OrgID: "i1", UserID: "ui", Approach: "x"}
	wantCode(t, "own posting", duijie.ECONFLICT, db.CreateInterest(ctx, &own, due))
	if _, err := db.Interest(ctx, "int-own"); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("the refused interest was kept: %v", err)
	}
	// The same organisation again on the same posting: a conflict, whatever
	// the introduction's state.
	again := proposal("int-p2", "i1", "ui")
	wantCode(t, "again", duijie.ECONFLICT, db.CreateInterest(ctx, &again, due))
	ns, total, err := db.Introductions(ctx, IntroFilter{})
	must(t, err)
	if total != 2 || len(ns) != 2 {
		t.Errorf("%d introductions, want 2", total)
	}
}

// TestTimelineAppendOnly: entries are added, never changed or removed.
func TestTimelineAppendOnly(t *testing.T) {
	db := introDB(t)
	ctx := context.Background()
	p := proposal("int-p1", "i1", "ui")
	must(t, db.CreateInterest(ctx, &p, clock0.Add(time.Hour)))
	for _, q := range []string{
		`UPDATE intro_events SET note = 'changed'`,
		`UPDATE intro_events SET kind = 'note' WHERE intro_id = 'in-p1'`,
		`DELETE FROM intro_events`,
		`DELETE FROM intro_events WHERE intro_id = 'in-p1'`,
	} {
		_, err := db.w.ExecContext(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only refusal", q, err)
		}
	}
	evs, err := db.Events(ctx, "in-p1")
	must(t, err)
	if len(evs) != 1 || evs[0].Note != "" {
		t.Errorf("timeline after the attempts: %+v", evs)
	}
	// Nor may an event be stored against no introduction.
	err = db.SendMessages(ctx, nil)
	must(t, err)
	err = db.write(ctx, func(tx *sql.Tx) error { return db.recordTimeline(ctx, tx, []duijie.Event{created("in-nosuch")}, nil) })
	if err == nil {
		t.Error("an event of no introduction was stored")
	}
}

// TestSaveIntroductionConflict: a write based on a stale read is refused,
// with its timeline entries and messages.
func TestSaveIntroductionConflict(t *testing.T) {
	db := introDB(t)
	ctx := context.Background()
	n := newIntro("in-1", "e1", "i1", "c1", "p1", duijie.StageRecommended, clock0.Add(time.Hour))
	must(t, db.CreateIntroductions(ctx, []*duijie.Introduction{n}, []duijie.Event{created("in-1")}, nil))
	a, err := db.Introduction(ctx, "in-1") // two brokers read it
	must(t, err)
	b, err := db.Introduction(ctx, "in-1")
	must(t, err)

	readA := a.Updated
	a.Stage, a.Updated = duijie.StageEnded, clock0.Add(time.Minute)
	a.Reason = duijie.ReasonBudget
	must(t, db.SaveIntroduction(ctx, a, readA, []duijie.Event{{IntroID: "in-1", At: a.Updated, Kind: duijie.EventStage,
		From: duijie.StageRecommended, To: duijie.StageEnded}}, nil))

	readB := b.Updated
	b.BrokerID, b.Updated = "ub", clock0.Add(2*time.Minute)
	err = db.SaveIntroduction(ctx, b, readB, []duijie.Event{{IntroID: "in-1", At: b.Updated, Kind: duijie.EventAssign, Note: "ub"}},
		[]duijie.Message{{UserID: "ub", Kind: duijie.MsgIntroduction, Subject: "分派给您的对接", Created: b.Updated}})
	wantCode(t, "stale write", duijie.ECONFLICT, err)
	got, err := db.Introduction(ctx, "in-1")
	must(t, err)
	if got.Stage != duijie.StageEnded || got.BrokerID != "" || got.Reason != duijie.ReasonBudget {
		t.Errorf("after the refused write: %+v", got)
	}
	evs, err := db.Events(ctx, "in-1")
	must(t, err)
	if len(evs) != 2 {
		t.Errorf("the refused write's entries were kept: %d entries", len(evs))
	}
	if _, total, _ := db.Messages(ctx, "ub", 0, 10); total != 0 {
		t.Errorf("the refused write's messages were kept: %d", total)
	}
	// An unknown introduction is a conflict too (nothing to update).
	ghost := newIntro("in-ghost", "e1", "i1", "c1", "p1", duijie.StageQueued, time.Time{})
	wantCode(t, "unknown", duijie.ECONFLICT, db.SaveIntroduction(ctx, ghost, clock0, nil, nil))
}

// TestSaveIntroductionSameInstant: a write stamped with the very time it
// read (a clock that did not move, as in tests, or a coarse or stepped
// clock) must still make the other reader's write stale.
func TestSaveIntroductionSameInstant(t *testing.T) {
	db := introDB(t)
	ctx := context.Background()
	n := newIntro("in-1", "e1", "i1", "c1", "p1", duijie.StageRecommended, clock0.Add(time.Hour))
	must(t, db.CreateIntroductions(ctx, []*duijie.Introduction{n}, nil, nil))
	a, err := db.Introduction(ctx, "in-1")
	must(t, err)
	b, err := db.Introduction(ctx, "in-1")
	must(t, err)
	// Both sides answer "at once"; the clock reads the same as at creation.
	readA := a.Updated
	a.EntAnswer = duijie.AnswerAccepted
	must(t, db.SaveIntroduction(ctx, a, readA, nil, nil))
	readB := b.Updated
	b.InstAnswer = duijie.AnswerAccepted
	wantCode(t, "the second answer, read before the first was written", duijie.ECONFLICT, db.SaveIntroduction(ctx, b, readB, nil, nil))
	got, err := db.Introduction(ctx, "in-1")
	must(t, err)
	if got.EntAnswer != duijie.AnswerAccepted {
		t.Errorf("the first answer was lost: %+v", got)
	}
	// Re-read, the second writer succeeds.
	c, err := db.Introduction(ctx, "in-1")
	must(t, err)
	readC := c.Updated
	c.InstAnswer = duijie.AnswerAccepted
	must(t, db.SaveIntroduction(ctx, c, readC, nil, nil))
	if got, _ := db.Introduction(ctx, "in-1"); got.EntAnswer != duijie.AnswerAccepted || got.InstAnswer != duijie.AnswerAccepted {
		t.Errorf("after the re-read write: %+v", got)
	}
}

// TestOneOpenIntroductionPerPair: a pair and its postings have one open
// introduction at a time; a batch with a duplicate writes nothing.
func TestOneOpenIntroductionPerPair(t *testing.T) {
	db := introDB(t)
	ctx := context.Background()
	first := newIntro("in-1", "e1", "i1", "c1", "p1", duijie.StageRecommended, time.Time{})
	must(t, db.CreateIntroductions(ctx, []*duijie.Introduction{first}, []duijie.Event{created("in-1")}, nil))
	other := newIntro("in-2", "e2", "i1", "c2", "p1", duijie.StageRecommended, time.Time{})
	dup := newIntro("in-3", "e1", "i1", "c1", "p1", duijie.StageRecommended, time.Time{})
	err := db.CreateIntroductions(ctx, []*duijie.Introduction{other, dup}, []duijie.Event{created("in-2"), created("in-3")},
		[]duijie.Message{{UserID: "ue2", Kind: duijie.MsgIntroduction, Subject: "x", Created: clock0}})
	wantCode(t, "duplicate open pair", duijie.ECONFLICT, err)
	if _, total, _ := db.Introductions(ctx, IntroFilter{}); total != 1 {
		t.Errorf("a refused batch wrote: %d introductions", total)
	}
	if _, total, _ := db.Messages(ctx, "ue2", 0, 10); total != 0 {
		t.Errorf("a refused batch sent %d messages", total)
	}
	// The same pair about other postings, or once the first ended, is fine.
	about := newIntro("in-4", "e1", "i1", "c1", "", duijie.StageQueued, time.Time{})
	must(t, db.CreateIntroductions(ctx, []*duijie.Introduction{about}, nil, nil))
	first.Stage, first.Updated = duijie.StageEnded, clock0.Add(time.Second)
	must(t, db.SaveIntroduction(ctx, first, clock0, nil, nil))
	must(t, db.CreateIntroductions(ctx, []*duijie.Introduction{dup}, nil, nil))
	// The table's own checks: two sides, at least one posting.
	for _, n := range []*duijie.Introduction{
		newIntro("in-5", "e1", "e1", "c1", "p1", duijie.StageQueued, time.Time{}),
		newIntro("in-6", "e1", "i1", "", "", duijie.StageQueued, time.Time{}),
		newIntro("in-7", "e1", "i1", "c1", "p1", "lost", time.Time{}),
	} {
		if err := db.CreateIntroductions(ctx, []*duijie.Introduction{n}, nil, nil); err == nil {
			t.Errorf("%s stored: %+v", n.ID, n)
		}
	}
}

func TestIntroFilter(t *testing.T) {
	db := introDB(t)
	ctx := context.Background()
	h := func(n int) time.Time { return clock0.Add(time.Duration(n) * time.Hour) }
	ns := []*duijie.Introduction{
		newIntro("in-a", "e1", "i1", "c1", "p1", duijie.StageQueued, h(5)),
		newIntro("in-b", "e1", "i2", "c1", "", duijie.StageRecommended, h(1)),
		newIntro("in-c", "e2", "i1", "c2", "p1", duijie.StageNegotiating, h(30)),
		newIntro("in-d", "e2", "i2", "c2", "", duijie.StageSigned, time.Time{}),
		newIntro("in-e", "e1", "i1", "", "p1", duijie.StageEnded, time.Time{}),
	}
	ns[1].BrokerID, ns[2].BrokerID, ns[3].BrokerID = "ub", "ub", "ub"
	ns[4].Updated = clock0.Add(time.Minute) // newer than in-d
	must(t, db.CreateIntroductions(ctx, ns, nil, nil))
	for _, tc := range []struct {
		name string
		f    IntroFilter
		want []string
	}{
		{"all, due soonest first, then the newest change", IntroFilter{}, []string{"in-b", "in-a", "in-c", "in-e", "in-d"}},
		{"open", IntroFilter{Open: true}, []string{"in-b", "in-a", "in-c"}},
		{"stages", IntroFilter{Stages: []duijie.Stage{duijie.StageSigned, duijie.StageEnded}}, []string{"in-e", "in-d"}},
		{"broker", IntroFilter{BrokerID: "ub"}, []string{"in-b", "in-c", "in-d"}},
		{"broker, open", IntroFilter{BrokerID: "ub", Open: true}, []string{"in-b", "in-c"}},
		{"unassigned", IntroFilter{Unassigned: true}, []string{"in-a", "in-e"}},
		{"unassigned, open", IntroFilter{Unassigned: true, Open: true}, []string{"in-a"}},
		{"overdue at 5h", IntroFilter{OverdueAt: h(5)}, []string{"in-b"}},
		{"overdue at 6h", IntroFilter{OverdueAt: h(6)}, []string{"in-b", "in-a"}},
		{"overdue much later: never the closed ones", IntroFilter{OverdueAt: h(1000)}, []string{"in-b", "in-a", "in-c"}},
		{"organisation, either side", IntroFilter{OrgID: "i2"}, []string{"in-b", "in-d"}},
		{"la-huoshan", IntroFilter{Counties: []string{"la-huoshan"}}, []string{"in-c", "in-d"}},
		{"金安区 or 霍山县", IntroFilter{Counties: []string{"la-jinan", "la-huoshan"}}, []string{"in-b", "in-a", "in-c", "in-e", "in-d"}},
		{"舒城县", IntroFilter{Counties: []string{"舒城县"}}, nil},
		{"challenge", IntroFilter{ChallengeID: "c2"}, []string{"in-c", "in-d"}},
		{"capability", IntroFilter{CapabilityID: "p1", Open: true}, []string{"in-a", "in-c"}},
		{"a page", IntroFilter{Limit: 2, Offset: 1}, []string{"in-a", "in-c"}},
	} {
		got, total, err := db.Introductions(ctx, tc.f)
		must(t, err)
		ids := idsOf(got, func(n duijie.Introduction) string { return n.ID })
		wantTotal := len(tc.want)
		if tc.f.Limit > 0 {
			wantTotal = 5
		}
		if !slices.Equal(ids, tc.want) || total != wantTotal {
			t.Errorf("%s: %v (%d), want %v (%d)", tc.name, ids, total, tc.want, wantTotal)
		}
	}
	ws, err := db.Workloads(ctx, h(6))
	must(t, err)
	want := []Workload{{BrokerID: "ub", Name: "张经纪人", Open: 2, Overdue: 1}, {Name: "未分派", Open: 1, Overdue: 1}}
	if !reflect.DeepEqual(ws, want) {
		t.Errorf("workloads %+v, want %+v", ws, want)
	}
}

func TestContractStore(t *testing.T) {
	db := introDB(t)
	ctx := context.Background()
	n := newIntro("in-1", "e1", "i1", "c1", "p1", duijie.StageNegotiating, clock0.Add(time.Hour))
	n2 := newIntro("in-2", "e2", "i1", "c2", "p1", duijie.StageNegotiating, clock0.Add(time.Hour))
	must(t, db.CreateIntroductions(ctx, []*duijie.Introduction{n, n2}, nil, nil))
	signed := duijie.ParseDate("2026-11-20")
	contract := func(id, intro, regNo string) *duijie.Contract {
		c := &duijie.Contract{ID: id, IntroID: intro, ChallengeID: "c1", Type: duijie.ContractDevelopment, Title: "合同 " + id,
			Buyer: "甲", Seller: "乙", Amount: 100_000, LocalAmount: 50_000, Signed: signed, RegNo: regNo, CreatedBy: "ub", Created: clock0}
		if regNo != "" {
			c.Registered = signed
		}
		return c
	}
	signedIntro := func(n *duijie.Introduction) (*duijie.Introduction, time.Time) {
		m := *n
		m.Stage, m.Updated = duijie.StageSigned, clock0.Add(time.Minute)
		return &m, n.Updated
	}
	m, readAt := signedIntro(n)
	must(t, db.RecordContract(ctx, contract("ct-1", "in-1", "REG-000001"), m, readAt, nil, nil))
	// The same registration number: refused, and the introduction not moved.
	m2, readAt2 := signedIntro(n2)
	err := db.RecordContract(ctx, contract("ct-2", "in-2", "REG-000001"), m2, readAt2, nil, nil)
	var de *duijie.Error
	if !errors.As(err, &de) || de.Code != duijie.ECONFLICT || de.Fields["reg_no"] == "" {
		t.Errorf("duplicate registration number: %v", err)
	}
	if got, _ := db.Introduction(ctx, "in-2"); got.Stage != duijie.StageNegotiating {
		t.Errorf("a refused contract moved in-2 to %s", got.Stage)
	}
	// A second contract on one introduction.
	wantCode(t, "second contract", duijie.ECONFLICT, db.RecordContract(ctx, contract("ct-3", "in-1", ""), nil, time.Time{}, nil, nil))
	// Registering: once, with a number nobody else has.
	must(t, db.RecordContract(ctx, contract("ct-4", "", ""), nil, time.Time{}, nil, nil))
	c4 := contract("ct-4", "", "REG-000001")
	wantCode(t, "registered with a number in use", duijie.ECONFLICT, db.RegisterContract(ctx, c4, nil, time.Time{}, nil, nil))
	c4.RegNo = "REG-000004"
	must(t, db.RegisterContract(ctx, c4, nil, time.Time{}, nil, nil))
	c4.RegNo = "REG-000005"
	wantCode(t, "registered twice", duijie.ECONFLICT, db.RegisterContract(ctx, c4, nil, time.Time{}, nil, nil))
	got, err := db.Contract(ctx, "ct-4")
	must(t, err)
	if got.RegNo != "REG-000004" || !got.Registered.Equal(signed) {
		t.Errorf("ct-4 registered as %q %v", got.RegNo, got.Registered)
	}
	if c, err := db.ContractOf(ctx, "in-1"); err != nil || c.ID != "ct-1" || c.Amount != 100_000 || c.LocalAmount != 50_000 {
		t.Errorf("ContractOf(in-1) = %+v, %v", c, err)
	}
	_, err = db.ContractOf(ctx, "in-2")
	wantCode(t, "no contract", duijie.ENOTFOUND, err)
	cs, total, sum, err := db.Contracts(ctx, 0, 10)
	must(t, err)
	if len(cs) != 2 || total != 2 || sum != 200_000 {
		t.Errorf("contracts %d, total %d, sum %d", len(cs), total, sum)
	}
}

func TestMessagesStore(t *testing.T) {
	db := introDB(t)
	ctx := context.Background()
	msg := func(user, dedup string) duijie.Message {
		return duijie.Message{UserID: user, Kind: duijie.MsgDeadline, Subject: "期限提醒", Link: "/introductions/in-1", Created: clock0, Dedup: dedup}
	}
	must(t, db.SendMessages(ctx, []duijie.Message{msg("ue", "due:in-1:x"), msg("ui", "due:in-1:x"), msg("ue", "")}))
	must(t, db.SendMessages(ctx, []duijie.Message{msg("ue", "due:in-1:x"), msg("ue", "due:in-1:y"), msg("ue", "")}))
	for user, want := range map[string]int{"ue": 4, "ui": 1, "ui2": 0} {
		if _, total, _ := db.Messages(ctx, user, 0, 10); total != want {
			t.Errorf("%s: %d messages, want %d", user, total, want)
		}
	}
	ms, _, err := db.Messages(ctx, "ue", 0, 10)
	must(t, err)
	_, err = db.MarkRead(ctx, "ui", ms[0].ID)
	wantCode(t, "another's message", duijie.ENOTFOUND, err)
	if n, _ := db.Unread(ctx, "ue"); n != 4 {
		t.Errorf("ue: %d unread", n)
	}
	link, err := db.MarkRead(ctx, "ue", ms[0].ID)
	if err != nil || link != "/introductions/in-1" {
		t.Errorf("MarkRead = %q, %v", link, err)
	}
	if n, _ := db.Unread(ctx, "ue"); n != 3 {
		t.Errorf("ue: %d unread after one", n)
	}
	_, err = db.MarkRead(ctx, "ue", 0)
	must(t, err)
	if n, _ := db.Unread(ctx, "ue"); n != 0 {
		t.Errorf("ue: %d unread after all", n)
	}
	if n, _ := db.Unread(ctx, "ui"); n != 1 {
		t.Errorf("ui: %d unread after ue read all", n)
	}
}

func TestBrokerScope(t *testing.T) {
	db := introDB(t)
	ctx := context.Background()
	s, err := db.BrokerScope(ctx, "ub")
	if err != nil || s.Lead || len(s.Counties) != 0 {
		t.Errorf("default scope %+v, %v", s, err)
	}
	want := BrokerScope{Lead: true, Counties: []string{"la-jinan", "la-huoshan"}}
	must(t, db.SetBrokerScope(ctx, "ub", want))
	if s, err := db.BrokerScope(ctx, "ub"); err != nil || !reflect.DeepEqual(s, want) {
		t.Errorf("scope %+v, %v", s, err)
	}
	must(t, db.SetBrokerScope(ctx, "ub", BrokerScope{}))
	if s, _ := db.BrokerScope(ctx, "ub"); s.Lead || len(s.Counties) != 0 {
		t.Errorf("cleared scope %+v", s)
	}
	wantCode(t, "not a broker", duijie.ENOTFOUND, db.SetBrokerScope(ctx, "ue", want))
	_, err = db.BrokerScope(ctx, "ue")
	wantCode(t, "not a broker's scope", duijie.ENOTFOUND, err)
}

// TestMigrationQueuedInterests: 0005 turns the interests still waiting
// into introductions at 待受理, due a week after they were asked, with a
// first timeline entry; withdrawn ones and interests in one's own posting
// stay behind.
func TestMigrationQueuedInterests(t *testing.T) {
	ctx := context.Background()
	db := openBefore(t, 5)
	setClock(db)
	// Rows as a store before 0005 holds them (raw: today's writes know
	// columns of later migrations).
	for _, q := range []string{
		`INSERT INTO organizations (id, name, kind, region, created_at) VALUES ('e1', '安徽淠源新能源科技有限公司', 'enterprise', '安徽省六安市', ''),
			('i1', '合肥工业大学', 'institute', '安徽省合肥市', ''), ('i2', '中国科学技术大学', 'institute', '安徽省合肥市', '')`,
		`INSERT INTO users (id, org_id, username, role, password_hash, created_at) VALUES ('ue', 'e1', 'piyuan', 'enterprise', 'hash', ''),
			('ui', 'i1', 'hfut', 'institute', 'hash', ''), ('ui2', 'i2', 'ustc', 'institute', 'hash', '')`,
		`INSERT INTO challenges (id, org_id, title, problem, industry, visibility, status, updated_at)
			VALUES ('c1', 'e1', '电池包液冷', '快充温差大。', 'nev', 'public', 'published', '')`,
		`INSERT INTO capabilities (id, org_id, kind, title, description, industry, region, status, updated_at)
			VALUES ('p1', 'i1', 'achievement', '微通道液冷板', '研制了液冷板。', 'nev', '安徽省合肥市', 'published', '')`,
	} {
		rawExec(t, db, q)
	}
	for _, r := range []struct{ id, kind, challenge, capability, org, user, status, at string }{
		{"int-aaaa", "proposal", "c1", "", "i1", "ui", "queued", "2026-11-20T08:30:00.123456789Z"},
		{"int-bbbb", "intro", "", "p1", "e1", "ue", "queued", "2026-11-21T23:59:59.000000000Z"},
		{"int-cccc", "proposal", "c1", "", "i2", "ui2", "withdrawn", "2026-11-22T10:00:00.000000000Z"},
		{"int-dddd", "intro", "", "p1", "i1", "ui", "queued", "2026-11-23T10:00:00.000000000Z"}, // its own capability
	} {
		rawExec(t, db, `INSERT INTO interests (id, kind, challenge_id, capability_id, org_id, user_id, approach, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, '方案', ?, ?)`, r.id, r.kind, nullable(r.challenge), nullable(r.capability), r.org, r.user, r.status, r.at)
	}
	must(t, db.migrate(ctx, 0))

	ns, total, err := db.Introductions(ctx, IntroFilter{})
	must(t, err)
	if total != 2 {
		t.Fatalf("%d introductions: %+v", total, ns)
	}
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339Nano, s); return v }
	for _, want := range []duijie.Introduction{
		{ID: "in-aaaa", Origin: duijie.OriginProposal, InterestID: "int-aaaa", ChallengeID: "c1", EntOrgID: "e1", InstOrgID: "i1",
			Stage: duijie.StageQueued, Due: at("2026-11-27T08:30:00.123456789Z"),
			Created: at("2026-11-20T08:30:00.123456789Z"), Updated: at("2026-11-20T08:30:00.123456789Z")},
		{ID: "in-bbbb", Origin: duijie.OriginRequest, InterestID: "int-bbbb", CapabilityID: "p1", EntOrgID: "e1", InstOrgID: "i1",
			Stage: duijie.StageQueued, Due: at("2026-11-28T23:59:59Z"),
			Created: at("2026-11-21T23:59:59Z"), Updated: at("2026-11-21T23:59:59Z")},
	} {
		if IntroOf(want.InterestID) != want.ID {
			t.Errorf("IntroOf(%s) = %s, want %s", want.InterestID, IntroOf(want.InterestID), want.ID)
		}
		got, err := db.Introduction(ctx, want.ID)
		must(t, err)
		got.ChallengeTitle, got.CapabilityTitle, got.EntOrgName, got.InstOrgName, got.EntRegion = "", "", "", "", ""
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("migrated\n got %+v\nwant %+v", *got, want)
		}
		evs, err := db.Events(ctx, want.ID)
		must(t, err)
		if len(evs) != 1 || evs[0].Kind != duijie.EventCreated || evs[0].To != duijie.StageQueued || !evs[0].At.Equal(want.Created) {
			t.Errorf("timeline of %s: %+v", want.ID, evs)
		}
	}
	// Stored times keep their fixed width, so that they compare as text.
	var due string
	must(t, db.r.QueryRowContext(ctx, `SELECT due_at FROM introductions WHERE id = 'in-bbbb'`).Scan(&due))
	if due != "2026-11-28T23:59:59.000000000Z" {
		t.Errorf("due_at stored as %q", due)
	}
	// The overdue view works on migrated rows.
	late, _, err := db.Introductions(ctx, IntroFilter{OverdueAt: at("2026-11-28T00:00:00Z")})
	must(t, err)
	if ids := idsOf(late, func(n duijie.Introduction) string { return n.ID }); !slices.Equal(ids, []string{"in-aaaa"}) {
		t.Errorf("overdue after migration: %v", ids)
	}
}

// openBefore opens a new store with the migrations before number upTo
// applied, as a store of an older release would be.
func openBefore(t *testing.T, upTo int) *DB {
	t.Helper()
	db, err := open(context.Background(), filepath.Join(t.TempDir(), "old.db"), upTo-1)
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}
