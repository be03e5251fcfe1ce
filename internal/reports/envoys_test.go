package reports

import (
	"context"
	"testing"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// envoyFixture adds 科技特派员 to the dashboard's fixture (fixture_test.go):
//
// Envoys ev1 (serves e1 金安区 and 石门村 in 霍山县), ev2 (serves e2 霍山县
// and e3 合肥), all since 2026-01-01.
//
// Visits (day as last logged):
//
//	w1 ev1 e1     03-02
//	w2 ev1 e1     03-15
//	w3 ev1 石门村 03-20
//	w4 ev2 e2     02-27, corrected to 03-01 (version 2): March
//	w5 ev2 e3     03-31
//	w6 ev2 e2     04-01
//
// Challenges drafted from visits (confirmation, UTC):
//
//	x1 w1 e1 confirmed 03-05 02:00
//	x2 w4 e2 confirmed 03-31 17:00 (04-01 in China: April)
//	x3 w2 e1 returned 03-16
//	x4 w5 e3 awaiting confirmation
//	x5 w2 e1 published by e1 through its own form, posted 03-20
//	x6 w1 e1 confirmed 02-28 15:00 (02-28 23:00 in China: February)
//
// Introductions on them (created): m1 x1 e1–i1 03-06; m2 x6 e1–i2 03-10;
// m3 x2 e2–i1 04-02; m4 x4 e3–i2 03-10 (unconfirmed: never counts); m5 x3
// e1–i2 03-20 (returned: never counts).
//
// Contracts on them (signed; 元): q1 m1 500,000 03-25; q2 x5 on its own,
// buyer e1, 120,000 03-30; q3 x2 on its own, buyer e2, 80,000 04-05; q4
// x4 on its own, buyer e3, 30,000 03-15 (unconfirmed: never counts).
func envoyFixture(t *testing.T, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	for _, u := range []duijie.User{
		{ID: "ev1", Username: "tepai1", DisplayName: "特派员甲", Role: duijie.RoleEnvoy},
		{ID: "ev2", Username: "tepai2", DisplayName: "特派员乙", Role: duijie.RoleEnvoy},
	} {
		must(t, db.CreateUser(ctx, &u, "hash"))
	}
	day := duijie.ParseDate
	for _, a := range []duijie.Assignment{
		{ID: "a1", EnvoyID: "ev1", OrgID: "e1"},
		{ID: "a2", EnvoyID: "ev1", Village: "石门村", Region: "la-huoshan"},
		{ID: "a3", EnvoyID: "ev2", OrgID: "e2"},
		{ID: "a4", EnvoyID: "ev2", OrgID: "e3"},
	} {
		a.Since, a.AssignedBy, a.Created = day("2026-01-01"), "b1", fixtureNow
		must(t, db.CreateAssignment(ctx, &a))
	}
	visit := func(id, as, envoy, org, village string, region duijie.Region, on string) {
		v := duijie.Visit{ID: id, AssignmentID: as, EnvoyID: envoy, OrgID: org, Village: village, Region: region, On: day(on),
			Topic: "走访", Findings: "发现。", Created: fixtureNow, Updated: fixtureNow, UpdatedBy: envoy}
		must(t, db.CreateVisit(ctx, &v))
	}
	visit("w1", "a1", "ev1", "e1", "", "la-jinan", "2026-03-02")
	visit("w2", "a1", "ev1", "e1", "", "la-jinan", "2026-03-15")
	visit("w3", "a2", "ev1", "", "石门村", "la-huoshan", "2026-03-20")
	visit("w4", "a3", "ev2", "e2", "", "la-huoshan", "2026-02-27")
	visit("w5", "a4", "ev2", "e3", "", "hefei", "2026-03-31")
	visit("w6", "a3", "ev2", "e2", "", "la-huoshan", "2026-04-01")
	must(t, db.CorrectVisit(ctx, &duijie.Visit{ID: "w4", Version: 2, On: day("2026-03-01"), Topic: "走访", Findings: "发现。",
		Note: "日期记错", Updated: fixtureNow, UpdatedBy: "ev2"}))

	drafted := func(id, visit, org, envoy string) {
		c := duijie.Challenge{ID: id, OrgID: org, Title: "代拟需求 " + id, Problem: "问题描述。", Industry: "food",
			Modes: []duijie.Mode{"技术开发"}, Visibility: duijie.VisibilityPublic, Status: duijie.StatusDraft}
		must(t, db.CreateOnBehalf(ctx, &c, &duijie.ChallengeOrigin{EnvoyID: envoy, VisitID: visit, Created: fixtureNow}, nil))
	}
	drafted("x1", "w1", "e1", "ev1")
	drafted("x2", "w4", "e2", "ev2")
	drafted("x3", "w2", "e1", "ev1")
	drafted("x4", "w5", "e3", "ev2")
	drafted("x5", "w2", "e1", "ev1")
	drafted("x6", "w1", "e1", "ev1")
	must(t, db.ConfirmOnBehalf(ctx, "x1", "e1", "ue1", stamp("2026-03-05T02:00"), nil))
	must(t, db.ConfirmOnBehalf(ctx, "x2", "e2", "ue1", stamp("2026-03-31T17:00"), nil))
	must(t, db.ReturnOnBehalf(ctx, "x3", "e1", "ue1", "不需要", stamp("2026-03-16T02:00"), nil))
	must(t, db.SetStatus(ctx, "challenge", "x5", "e1", duijie.StatusDraft, duijie.StatusPublished, "2026-03-20", duijie.Closure{}))
	must(t, db.ConfirmOnBehalf(ctx, "x6", "e1", "ue1", stamp("2026-02-28T15:00"), nil))

	var ns []*duijie.Introduction
	for _, x := range []struct{ id, ch, ent, inst, created string }{
		{"m1", "x1", "e1", "i1", "2026-03-06T00:00"},
		{"m2", "x6", "e1", "i2", "2026-03-10T00:00"},
		{"m3", "x2", "e2", "i1", "2026-04-02T00:00"},
		{"m4", "x4", "e3", "i2", "2026-03-10T00:00"},
		{"m5", "x3", "e1", "i2", "2026-03-20T00:00"},
	} {
		ns = append(ns, &duijie.Introduction{ID: x.id, Origin: duijie.OriginBroker, ChallengeID: x.ch, EntOrgID: x.ent,
			InstOrgID: x.inst, Stage: duijie.StageRecommended, Created: stamp(x.created), Updated: stamp(x.created)})
	}
	must(t, db.CreateIntroductions(ctx, ns, nil, nil))
	for _, k := range []duijie.Contract{
		{ID: "q1", IntroID: "m1", ChallengeID: "x1", BuyerOrgID: "e1", SellerOrgID: "i1", Amount: 500000, Signed: day("2026-03-25")},
		{ID: "q2", ChallengeID: "x5", BuyerOrgID: "e1", SellerOrgID: "i2", Amount: 120000, Signed: day("2026-03-30")},
		{ID: "q3", ChallengeID: "x2", BuyerOrgID: "e2", SellerOrgID: "i1", Amount: 80000, Signed: day("2026-04-05")},
		{ID: "q4", ChallengeID: "x4", BuyerOrgID: "e3", SellerOrgID: "i2", Amount: 30000, Signed: day("2026-03-15")},
	} {
		k.Type, k.Title, k.Buyer, k.Seller, k.CreatedBy, k.Created = duijie.ContractDevelopment, "合同 "+k.ID, "委托方", "受托方", "b1", fixtureNow
		must(t, db.RecordContract(ctx, &k, nil, time.Time{}, nil, nil))
	}
}

// TestDashboardEnvoys checks the envoys' figures against the fixture,
// counted by hand, for March and April and by county.
func TestDashboardEnvoys(t *testing.T) {
	svc, db := fixture(t)
	envoyFixture(t, db)
	for _, c := range []struct {
		name   string
		fields map[string]string
		want   EnvoyFigures
		rows   [][]string // per envoy: name, visits, enterprises, villages, challenges, intros, contracts, 万元
	}{
		// March: w1–w5 (w4 by its corrected day) at e1, e2, e3 and 石门村 by
		// both envoys; x1 and x5 confirmed (x2 is April's, x6 February's,
		// x3 returned, x4 waiting); m1 and m2; q1 and q2.
		{"March", map[string]string{"period": "month", "month": "2026-03"},
			EnvoyFigures{Visits: 5, Enterprises: 3, Villages: 1, Envoys: 2, Challenges: 2, Intros: 2, Contracts: 2, Amount: 620000},
			// ev1: w1–w3 (e1, 石门村), x1 and x5, m1 and m2 (x6 is ev1's),
			// q1 and q2; ev2: w4 and w5 (e2, e3), nothing confirmed in March.
			[][]string{{"特派员甲", "3", "1", "1", "2", "2", "2", "62.00"}, {"特派员乙", "2", "2", "0", "0", "0", "0", "0.00"}}},
		// 金安区 in March: w1, w2 at e1 by ev1; x1, x5; m1, m2; q1, q2.
		{"March in 金安区", map[string]string{"period": "month", "month": "2026-03", "county": "la-jinan"},
			EnvoyFigures{Visits: 2, Enterprises: 1, Villages: 0, Envoys: 1, Challenges: 2, Intros: 2, Contracts: 2, Amount: 620000}, nil},
		// 霍山县 in March: w3 (石门村, ev1), w4 (e2, ev2); nothing else.
		{"March in 霍山县", map[string]string{"period": "month", "month": "2026-03", "county": "la-huoshan"},
			EnvoyFigures{Visits: 2, Enterprises: 1, Villages: 1, Envoys: 2},
			[][]string{{"特派员甲", "1", "0", "1", "0", "0", "0", "0.00"}, {"特派员乙", "1", "1", "0", "0", "0", "0", "0.00"}}},
		// 六安全市 in March: w1–w4 (w5 is in 合肥); the e1 figures.
		{"March in 六安", map[string]string{"period": "month", "month": "2026-03", "county": "city"},
			EnvoyFigures{Visits: 4, Enterprises: 2, Villages: 1, Envoys: 2, Challenges: 2, Intros: 2, Contracts: 2, Amount: 620000}, nil},
		// April: w6 at e2 by ev2; x2 (confirmed 04-01 China); m3; q3.
		{"April", map[string]string{"period": "month", "month": "2026-04"},
			EnvoyFigures{Visits: 1, Enterprises: 1, Villages: 0, Envoys: 1, Challenges: 1, Intros: 1, Contracts: 1, Amount: 80000},
			[][]string{{"特派员乙", "1", "1", "0", "1", "1", "1", "8.00"}}},
		// February: w4 was moved out by its correction; x6.
		{"February", map[string]string{"period": "month", "month": "2026-02"},
			EnvoyFigures{Challenges: 1}, [][]string{{"特派员甲", "0", "0", "0", "1", "0", "0", "0.00"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := svc.Dashboard(context.Background(), brokerActor, query(t, c.fields))
			must(t, err)
			if d.Envoys != c.want {
				t.Errorf("envoys %+v\n          want %+v", d.Envoys, c.want)
			}
			if c.rows != nil {
				wantRows(t, "envoys", d.EnvoyTable, c.rows)
			}
		})
	}
}

// TestDashboardEnvoysLeaveTheRestAlone: a challenge drafted by an envoy
// counts as a published challenge once its enterprise confirmed it, on
// the day it did; drafts waiting or returned never count.
func TestDashboardEnvoysLeaveTheRestAlone(t *testing.T) {
	svc, db := fixture(t)
	before, err := svc.Dashboard(context.Background(), brokerActor, query(t, map[string]string{"period": "month", "month": "2026-03"}))
	must(t, err)
	envoyFixture(t, db)
	after, err := svc.Dashboard(context.Background(), brokerActor, query(t, map[string]string{"period": "month", "month": "2026-03"}))
	must(t, err)
	// March gains x1 (confirmed, so posted, on 03-05) and x5 (posted
	// 03-20); x2 is posted on 04-01 and x6 on 02-28 (China days), x3 and
	// x4 never.
	if got := after.Challenges.Posted - before.Challenges.Posted; got != 2 {
		t.Errorf("published challenges grew by %d, want 2 (x1, x5)", got)
	}
}
