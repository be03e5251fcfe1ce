package reports

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// The fixture: a small store whose every figure is counted by hand in
// the tests. The clock stands at 2026-04-10 08:00 China time; March 2026
// is the period most tests ask about.
//
// Organisations: e1 (金安区), e2 (霍山县), e3 (合肥) enterprises; i1 (裕安区),
// i2 (合肥), i3 (上海) institutes. Brokers b1 张经纪, b2 李经纪.
//
// Challenges (posted): c1 e1 nev 03-02 published; c2 e1 food 03-10 closed;
// c3 e2 materials 03-20 published; c4 e3 ai 03-25 published; c5 e2 nev
// 02-15 published, titled like a formula; c6 e1 draft.
// Capabilities (posted): p1 i1 03-05; p2 i1 03-06; p3 i2 03-07; p4 i3 01-10.
// Match views: c1 (twice), c3, c5.
//
// Introductions (created, UTC; stage; broker; due):
//
//	n1 c1×p1 e1–i1 03-03 02:00 registered b1; recommended 02:00, first answer 06:00 (4 h)
//	n2 c1×p3 e1–i2 03-05 00:00 confirmed  b1 due 05-01; recommended 00:00, answer 10:00 (10 h)
//	n3 c2×p3 e1–i2 03-12 00:00 signed     b2; recommended 00:00, answer 03-13 00:00 (24 h)
//	n4 c3    e2–i3 03-21 00:00 queued     —  due 03-28 (overdue)
//	n5 c3×p1 e2–i1 03-22 00:00 recommended b2 due 03-29 (overdue); recommended 04:00, no answer
//	n6 c4×p3 e3–i2 03-26 00:00 ended      b1; recommended 00:00, answer 08:00 (8 h)
//	n7 c5×p4 e2–i3 02-16 00:00 negotiating b1 due 03-01 (overdue)
//	n8 p2    e1–i1 03-31 17:00 queued     —  due 04-08 (overdue): 04-01 in China, out of March
//	n9 c2×p2 e1–i1 02-28 16:30 queued     —  due 12-01: 03-01 in China, in March
//
// Contracts (signed; 元):
//
//	k1 n1 development 1,234,567 (local 1,000,000) 03-15, registered 03-20, b1
//	k2 n3 transfer      500,000 03-28, b2
//	k3 c4 service        80,050 03-31 on its own: buyer e3, seller i3, b2
//	k4 n7 license       300,000 02-20, b1
//	k5 p2 consulting     20,000 04-01 on its own
var fixtureNow = time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		if de, ok := err.(*duijie.Error); ok {
			t.Fatalf("%v %v", err, de.Fields)
		}
		t.Fatal(err)
	}
}

// creditCode completes a 17-character prefix with its check character.
func creditCode(prefix string) string {
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if code := prefix + string(c); duijie.ValidCreditCode(code) {
			return code
		}
	}
	panic("no check character for " + prefix)
}

func stamp(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture builds the store above in t.TempDir() and returns the service.
func fixture(t *testing.T) (*Service, *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "duijie.db"))
	must(t, err)
	t.Cleanup(func() { db.Close() })

	for i, o := range []duijie.Organization{
		{ID: "e1", Name: "六安甲新能源有限公司", Kind: duijie.OrgEnterprise, Region: "la-jinan"},
		{ID: "e2", Name: "霍山乙石斛有限公司", Kind: duijie.OrgEnterprise, Region: "la-huoshan"},
		{ID: "e3", Name: "合肥丙智能有限公司", Kind: duijie.OrgEnterprise, Region: "hefei"},
		{ID: "i1", Name: "皖西学院（测试）", Kind: duijie.OrgInstitute, Region: "la-yuan"},
		{ID: "i2", Name: "中国科学技术大学（测试）", Kind: duijie.OrgInstitute, Region: "hefei"},
		{ID: "i3", Name: "上海研究院（测试）", Kind: duijie.OrgInstitute, Region: "shanghai"},
	} {
		if o.Kind == duijie.OrgEnterprise {
			o.CreditCode = creditCode("9134150" + string(rune('1'+i)) + "MA2N0P1QX")
		}
		must(t, db.PutOrganization(ctx, &o))
	}
	for _, u := range []duijie.User{
		{ID: "ue1", OrgID: "e1", Username: "jia", DisplayName: "王经理", Role: duijie.RoleEnterprise, Phone: "13812345678", Email: "zhang@example.com"},
		{ID: "b1", Username: "zhang", DisplayName: "张经纪", Role: duijie.RoleBroker},
		{ID: "b2", Username: "lijj", DisplayName: "李经纪", Role: duijie.RoleBroker},
	} {
		must(t, db.CreateUser(ctx, &u, "hash"))
	}

	ch := func(id, org, title string, ind duijie.Industry, posted string, st duijie.Status) {
		c := duijie.Challenge{ID: id, OrgID: org, Title: title, Problem: "问题描述。", Industry: ind,
			Modes: []duijie.Mode{"技术开发"}, Visibility: duijie.VisibilityPublic, Status: st, Posted: duijie.ParseDate(posted)}
		if st == duijie.StatusClosed {
			c.Closure = duijie.Closure{Reason: "matched"}
		}
		must(t, db.PutChallenge(ctx, &c))
	}
	ch("c1", "e1", "电池包液冷板优化", "nev", "2026-03-02", duijie.StatusPublished)
	ch("c2", "e1", "茶叶加工废水处理", "food", "2026-03-10", duijie.StatusClosed)
	ch("c3", "e2", "石斛多糖提取纯化", "materials", "2026-03-20", duijie.StatusPublished)
	ch("c4", "e3", "产线视觉检测算法", "ai", "2026-03-25", duijie.StatusPublished)
	ch("c5", "e2", "=1+1 公式注入测试", "nev", "2026-02-15", duijie.StatusPublished)
	ch("c6", "e1", "草稿需求", "nev", "", duijie.StatusDraft)

	cp := func(id, org string, kind duijie.Kind, ind duijie.Industry, posted string) {
		c := duijie.Capability{ID: id, OrgID: org, Kind: kind, Title: "成果 " + id, Description: "简介。", TRL: 6, Industry: ind,
			Modes: []duijie.Mode{"技术转让"}, Status: duijie.StatusPublished, Posted: duijie.ParseDate(posted)}
		must(t, db.PutCapability(ctx, &c))
	}
	cp("p1", "i1", duijie.KindAchievement, "nev", "2026-03-05")
	cp("p2", "i1", duijie.KindDirection, "food", "2026-03-06")
	cp("p3", "i2", duijie.KindExpert, "ai", "2026-03-07")
	cp("p4", "i3", duijie.KindAchievement, "nev", "2026-01-10")

	day := duijie.ParseDate
	must(t, db.RecordMatchView(ctx, "challenge", "c1", day("2026-03-03")))
	must(t, db.RecordMatchView(ctx, "challenge", "c1", day("2026-03-03")))
	must(t, db.RecordMatchView(ctx, "challenge", "c3", day("2026-03-21")))
	must(t, db.RecordMatchView(ctx, "challenge", "c5", day("2026-02-16")))

	type in struct {
		id, challenge, capability, ent, inst string
		stage                                duijie.Stage
		broker, created, due                 string
		recommended, answered                string // event times ("" none)
	}
	var ns []*duijie.Introduction
	var events []duijie.Event
	for _, x := range []in{
		{"n1", "c1", "p1", "e1", "i1", duijie.StageRegistered, "b1", "2026-03-03T02:00", "", "2026-03-03T02:00", "2026-03-03T06:00"},
		{"n2", "c1", "p3", "e1", "i2", duijie.StageConfirmed, "b1", "2026-03-05T00:00", "2026-05-01T00:00", "2026-03-05T00:00", "2026-03-05T10:00"},
		{"n3", "c2", "p3", "e1", "i2", duijie.StageSigned, "b2", "2026-03-12T00:00", "", "2026-03-12T00:00", "2026-03-13T00:00"},
		{"n4", "c3", "", "e2", "i3", duijie.StageQueued, "", "2026-03-21T00:00", "2026-03-28T00:00", "", ""},
		{"n5", "c3", "p1", "e2", "i1", duijie.StageRecommended, "b2", "2026-03-22T00:00", "2026-03-29T00:00", "2026-03-22T04:00", ""},
		{"n6", "c4", "p3", "e3", "i2", duijie.StageEnded, "b1", "2026-03-26T00:00", "", "2026-03-26T00:00", "2026-03-26T08:00"},
		{"n7", "c5", "p4", "e2", "i3", duijie.StageNegotiating, "b1", "2026-02-16T00:00", "2026-03-01T00:00", "", ""},
		{"n8", "", "p2", "e1", "i1", duijie.StageQueued, "", "2026-03-31T17:00", "2026-04-08T00:00", "", ""},
		{"n9", "c2", "p2", "e1", "i1", duijie.StageQueued, "", "2026-02-28T16:30", "2026-12-01T00:00", "", ""},
	} {
		n := &duijie.Introduction{ID: x.id, Origin: duijie.OriginBroker, ChallengeID: x.challenge, CapabilityID: x.capability,
			EntOrgID: x.ent, InstOrgID: x.inst, Stage: x.stage, BrokerID: x.broker, Created: stamp(x.created), Updated: stamp(x.created)}
		if x.due != "" {
			n.Due = stamp(x.due)
		}
		ns = append(ns, n)
		if x.recommended == x.created {
			events = append(events, duijie.Event{IntroID: x.id, At: stamp(x.created), Kind: duijie.EventCreated, To: duijie.StageRecommended})
		} else {
			events = append(events, duijie.Event{IntroID: x.id, At: stamp(x.created), Kind: duijie.EventCreated, To: duijie.StageQueued})
			if x.recommended != "" {
				events = append(events, duijie.Event{IntroID: x.id, At: stamp(x.recommended), Kind: duijie.EventStage,
					From: duijie.StageQueued, To: duijie.StageRecommended})
			}
		}
		if x.answered != "" {
			events = append(events, duijie.Event{IntroID: x.id, At: stamp(x.answered), Kind: duijie.EventAnswer,
				Side: duijie.SideEnterprise, Answer: duijie.AnswerAccepted})
		}
	}
	// A later answer of the other side does not move the first reply.
	events = append(events, duijie.Event{IntroID: "n1", At: stamp("2026-03-04T02:00"), Kind: duijie.EventAnswer,
		Side: duijie.SideInstitute, Answer: duijie.AnswerAccepted})
	must(t, db.CreateIntroductions(ctx, ns, events, nil))

	for _, k := range []duijie.Contract{
		{ID: "k1", IntroID: "n1", ChallengeID: "c1", CapabilityID: "p1", BuyerOrgID: "e1", SellerOrgID: "i1", Type: duijie.ContractDevelopment,
			Title: "液冷板技术开发", Buyer: "六安甲新能源有限公司", Seller: "皖西学院（测试）", Amount: 1234567, LocalAmount: 1000000,
			Signed: day("2026-03-15"), RegNo: "2026340015000001", Registered: day("2026-03-20"), BrokerID: "b1"},
		{ID: "k2", IntroID: "n3", ChallengeID: "c2", CapabilityID: "p3", BuyerOrgID: "e1", SellerOrgID: "i2", Type: duijie.ContractTransfer,
			Title: "废水处理技术转让", Buyer: "六安甲新能源有限公司", Seller: "中国科学技术大学（测试）", Amount: 500000,
			Signed: day("2026-03-28"), BrokerID: "b2"},
		{ID: "k3", ChallengeID: "c4", BuyerOrgID: "e3", SellerOrgID: "i3", Type: duijie.ContractService, Title: "视觉检测技术服务",
			Buyer: "合肥丙智能有限公司", Seller: "上海研究院（测试）", Amount: 80050, Signed: day("2026-03-31"), BrokerID: "b2"},
		{ID: "k4", IntroID: "n7", ChallengeID: "c5", CapabilityID: "p4", BuyerOrgID: "e2", SellerOrgID: "i3", Type: duijie.ContractLicense,
			Title: "专利许可", Buyer: "霍山乙石斛有限公司", Seller: "上海研究院（测试）", Amount: 300000, Signed: day("2026-02-20"), BrokerID: "b1"},
		{ID: "k5", CapabilityID: "p2", Type: duijie.ContractConsulting, Title: "+咨询", Buyer: "某企业", Seller: "皖西学院（测试）",
			Amount: 20000, Signed: day("2026-04-01")},
	} {
		k.CreatedBy, k.Created = "b1", fixtureNow
		must(t, db.RecordContract(ctx, &k, nil, time.Time{}, nil, nil))
	}
	svc := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return fixtureNow })
	svc.views.every = 0
	return svc, db
}

var brokerActor = Actor{User: &duijie.User{ID: "b1", Role: duijie.RoleBroker}, IP: "127.0.0.1"}

// query resolves a query from form fields.
func query(t *testing.T, fields map[string]string) Query {
	t.Helper()
	q, err := ParseQuery(func(k string) string { return fields[k] }, fixtureNow)
	must(t, err)
	return q
}
