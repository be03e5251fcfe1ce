package calls

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"duijie/internal/auth"
	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// clock is a test clock that moves only when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a store of its own with an enterprise, bidders, organisations
// with a past, the expert pool and a call, and the service over it with
// a test clock.
type env struct {
	t     *testing.T
	ctx   context.Context
	db    *sqlite.DB
	s     *Service
	clock *clock
	users map[string]*duijie.User
}

var t0 = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // 10:00 in 六安

func must(t testing.TB, err error) {
	t.Helper()
	if de, ok := err.(*duijie.Error); ok && len(de.Fields) > 0 {
		t.Fatalf("%v %v", err, de.Fields)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// Organisations of the test world.
var testOrgs = []duijie.Organization{
	{ID: "ent", Name: "安徽测试电池有限公司", Kind: duijie.OrgEnterprise, Region: "la-jinan"},
	{ID: "inst-a", Name: "皖西学院", Kind: duijie.OrgInstitute, Region: "hefei"},     // bidder
	{ID: "inst-b", Name: "合肥工业大学", Kind: duijie.OrgInstitute, Region: "hefei"},   // bidder
	{ID: "inst-c", Name: "中国科学技术大学", Kind: duijie.OrgInstitute, Region: "hefei"}, // an introduction with ent last year
	{ID: "inst-d", Name: "安徽大学", Kind: duijie.OrgInstitute, Region: "hefei"},     // a contract with inst-a two years ago
	{ID: "inst-e", Name: "安徽农业大学", Kind: duijie.OrgInstitute, Region: "hefei"},   // an introduction with ent four years ago
	{ID: "inst-f", Name: "安徽理工大学", Kind: duijie.OrgInstitute, Region: "hefei"},   // nothing
	{ID: "inst-g", Name: "六安职业技术学院", Kind: duijie.OrgInstitute, Region: "hefei"}, // not a bidder, for rights
	{ID: "bureau", Name: "六安市科学技术局", Kind: duijie.OrgBureau, Region: "安徽省六安市"},
}

// The pool: id, organisation id, organisation name, industry.
var testExperts = []struct{ id, org, orgName, industry string }{
	{"ex-01", "ent", "安徽测试电池有限公司", "nev"},
	{"ex-02", "inst-a", "皖西学院", "nev"},
	{"ex-03", "inst-c", "中国科学技术大学", "nev"},
	{"ex-04", "inst-d", "安徽大学", "nev"},
	{"ex-05", "inst-e", "安徽农业大学", "nev"},
	{"ex-06", "inst-f", "安徽理工大学", "nev"},
	{"ex-07", "", "某新能源研究院", "nev"},
	{"ex-08", "", "另一研究所", "nev"},
	{"ex-09", "inst-f", "安徽理工大学", "nev"},
	{"ex-10", "", "安徽测试电池 有限公司", "nev"}, // the enterprise by name only
	{"ex-11", "inst-f", "安徽理工大学", "ai"}, // another field
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "duijie.db"))
	must(t, err)
	t.Cleanup(func() { db.Close() })
	clk := &clock{t: t0}
	h := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)
	e := &env{t: t, ctx: ctx, db: db, clock: clk, users: map[string]*duijie.User{},
		s: New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), clk.Now, h)}
	for i := range testOrgs {
		o := testOrgs[i]
		o.Status = duijie.OrgApproved
		if o.Kind == duijie.OrgEnterprise {
			o.CreditCode = creditCode("91341500MA2TU9K4X")
		}
		must(t, db.PutOrganization(ctx, &o))
	}
	for _, u := range []duijie.User{
		{ID: "u-broker", Username: "broker", Role: duijie.RoleBroker, OrgID: "bureau"},
		{ID: "u-ent", Username: "qiye", Role: duijie.RoleEnterprise, OrgID: "ent"},
		{ID: "u-a", Username: "yuansuo", Role: duijie.RoleInstitute, OrgID: "inst-a"},
		{ID: "u-b", Username: "hfut", Role: duijie.RoleInstitute, OrgID: "inst-b"},
		{ID: "u-g", Username: "lvtc", Role: duijie.RoleInstitute, OrgID: "inst-g"},
		{ID: "u-c", Username: "ustc", Role: duijie.RoleInstitute, OrgID: "inst-c"},
		{ID: "u-d", Username: "ahu", Role: duijie.RoleInstitute, OrgID: "inst-d"},
		{ID: "u-auditor", Username: "shenji", Role: duijie.RoleAuditor},
	} {
		u := u
		must(t, db.CreateUser(ctx, &u, "x"))
		e.users[u.Username] = &u
	}
	ch := &duijie.Challenge{ID: "ch-1", OrgID: "ent", Title: "磷酸铁锂电芯低温容量衰减的改善方案", Problem: "零下二十度放电容量只有常温的六成，希望找到电解液或材料层面的改善方案。",
		Industry: "nev", Visibility: duijie.VisibilityPublic, Status: duijie.StatusPublished, Modes: []duijie.Mode{"技术开发"}, Posted: t0}
	must(t, db.PutChallenge(ctx, ch))
	// The past: co-operations recorded in introductions and contracts.
	year := 365 * 24 * time.Hour
	e.intro("in-c", "ent", "inst-c", t0.Add(-year))
	e.intro("in-e", "ent", "inst-e", t0.Add(-4*year))
	must(t, db.RecordContract(ctx, &duijie.Contract{ID: "ct-d", ChallengeID: "ch-1", Type: duijie.ContractType("development"), Title: "正极材料委托开发",
		Buyer: "皖西学院", Seller: "安徽大学", BuyerOrgID: "inst-a", SellerOrgID: "inst-d", Amount: 300000,
		Signed: duijie.Today(t0.Add(-2 * year)), CreatedBy: "u-broker", Created: t0.Add(-2 * year)}, nil, time.Time{}, nil, nil))
	for _, x := range testExperts {
		e.expert(x.id, x.org, x.orgName, x.industry)
	}
	return e
}

// intro records an introduction between two organisations that reached
// 双方确认, last changed at.
func (e *env) intro(id, ent, inst string, at time.Time) {
	e.t.Helper()
	n := &duijie.Introduction{ID: id, Origin: duijie.OriginBroker, Stage: duijie.StageNegotiating, EntOrgID: ent, InstOrgID: inst,
		ChallengeID: "ch-1", EntAnswer: duijie.AnswerAccepted, InstAnswer: duijie.AnswerAccepted, Created: at, Updated: at}
	must(e.t, e.db.CreateIntroductions(e.ctx, []*duijie.Introduction{n}, nil, nil))
}

// expert puts an expert into the pool (applied, then admitted with an
// account named after the id).
func (e *env) expert(id, org, orgName, industry string) {
	e.t.Helper()
	x := &duijie.Expert{ID: id, Username: "zj" + id[3:], Name: "专家" + id[3:], Industry: duijie.Industry(industry), Title: "教授",
		OrgID: org, OrgName: orgName, Phone: "13900000000", Status: duijie.ExpertApplied, Created: t0, Updated: t0}
	must(e.t, e.db.CreateExpert(e.ctx, x))
	u := &duijie.User{ID: "u-" + id, Username: x.Username, DisplayName: x.Name, Role: duijie.RoleExpert}
	must(e.t, e.db.AdmitExpert(e.ctx, duijie.ExpertEvent{ExpertID: id, At: t0, ActorID: "u-broker", From: duijie.ExpertApplied, To: duijie.ExpertActive}, u, "x"))
	e.users[u.Username] = u
}

func (e *env) as(username string) Actor {
	e.t.Helper()
	u, ok := e.users[username]
	if !ok {
		e.t.Fatalf("no user %s", username)
	}
	return Actor{User: u, IP: "192.0.2.1"}
}

// criteria are the published criteria of the test call.
var criteria = []duijie.Criterion{
	{Name: "技术先进性", Weight: 40, Description: "方案的创新性与可行性"},
	{Name: "团队能力", Weight: 30},
	{Name: "经费合理性", Weight: 30},
}

// callWithBids publishes a call on ch-1 with proposals by inst-a and
// inst-b, and moves the clock past its deadline.
func (e *env) callWithBids() *duijie.Call {
	e.t.Helper()
	c, err := e.s.Create(e.ctx, e.as("broker"), "ch-1", CallInput{Title: "低温电芯揭榜挂帅", Reward: 200,
		Deadline: duijie.Today(t0).AddDate(0, 0, 10), Criteria: append([]duijie.Criterion(nil), criteria...)})
	must(e.t, err)
	for _, u := range []string{"yuansuo", "hfut"} {
		must(e.t, e.s.Submit(e.ctx, e.as(u), c.ID, &duijie.Proposal{Summary: "采用新型低温电解液添加剂体系改善低温性能", Plan: "三个月配方筛选，三个月中试验证。",
			Budget: 150, Team: "教授 1 名，博士 2 名"}))
	}
	e.clock.Add(11 * 24 * time.Hour)
	return c
}

func creditCode(prefix string) string {
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if duijie.ValidCreditCode(prefix + string(c)) {
			return prefix + string(c)
		}
	}
	panic("no check character")
}
