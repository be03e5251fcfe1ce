package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"duijie/internal/auth"
	"duijie/internal/demo"
	"duijie/internal/duijie"
	"duijie/internal/indexer"
	"duijie/internal/portal"
	"duijie/internal/sqlite"
	"duijie/internal/workflow"
)

// Postings of the demo set the tests lean on (checked in newEnv).
const (
	chPublic  = "ch-a001"  // 公开, of ent-a01 (qiye)
	chSummary = "ch-a002"  // 摘要公开, of ent-a01
	chBureau  = "ch-a036"  // 仅科技局可见, of ent-a16
	chOther   = "ch-a004"  // 公开, of ent-a02 (裕安区)
	chOther2  = "ch-a006"  // 摘要公开, of ent-a03 (金安区)
	capWXC    = "cap-a008" // 皖西学院 (yuansuo)
	capWXC2   = "cap-a018" // 皖西学院
	capAIITLA = "cap-a009" // 安徽工研院六安院 (gongyanyuan)
	capAIITL2 = "cap-a015" // 安徽工研院六安院
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

// Add moves the clock on.
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is the demo set in a store of its own (without the search index
// built: nothing here searches), the portal service over it, and a
// workflow service with a test clock over the same store. The portal's
// own workflow (portal.Workflow) runs on the wall clock and writes to the
// same store.
type env struct {
	t      *testing.T
	ctx    context.Context
	db     *sqlite.DB
	portal *portal.Service
	wf     *workflow.Service
	clock  *clock
	users  map[string]*duijie.User
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "duijie.db"))
	must(t, err)
	t.Cleanup(func() { db.Close() })
	set, err := demo.Load()
	must(t, err)
	seed := &sqlite.Seed{Orgs: set.Orgs, Challenges: set.Challenges, Capabilities: set.Capabilities}
	for _, u := range set.Users {
		seed.Users = append(seed.Users, sqlite.SeedUser{User: u, Hash: "unused"})
	}
	must(t, db.Seed(ctx, seed, nil))
	ix, err := indexer.OpenIndexes(filepath.Join(dir, "index"))
	must(t, err)
	t.Cleanup(func() { ix.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)
	p, err := portal.New(ctx, db, ix, h, log)
	must(t, err)
	// The wall clock to the second, so that what the store stamps itself
	// (interests) and what the workflow stamps stay in order.
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	e := &env{t: t, ctx: ctx, db: db, portal: p, wf: workflow.New(db, log, c.Now, duijie.DefaultDeadlines), clock: c,
		users: map[string]*duijie.User{}}
	want := map[string]struct {
		org string
		vis duijie.Visibility
	}{
		chPublic: {"ent-a01", duijie.VisibilityPublic}, chSummary: {"ent-a01", duijie.VisibilitySummary},
		chBureau: {"ent-a16", duijie.VisibilityBureau}, chOther: {"ent-a02", duijie.VisibilityPublic},
		chOther2: {"ent-a03", duijie.VisibilitySummary},
	}
	for id, w := range want {
		c, err := db.Challenge(ctx, id)
		must(t, err)
		if c.OrgID != w.org || c.Visibility != w.vis || c.Status != duijie.StatusPublished {
			t.Fatalf("demo set changed: %s is %s %s %s", id, c.OrgID, c.Visibility, c.Status)
		}
	}
	for id, org := range map[string]string{capWXC: "inst-wxc", capWXC2: "inst-wxc", capAIITLA: "inst-aiitla", capAIITL2: "inst-aiitla"} {
		c, err := db.Capability(ctx, id)
		must(t, err)
		if c.OrgID != org || c.Status != duijie.StatusPublished {
			t.Fatalf("demo set changed: %s is %s %s", id, c.OrgID, c.Status)
		}
	}
	// More people than the demo has: a colleague of qiye, enterprise users
	// of other enterprises, an institute-role account inside the enterprise
	// (a wrong role for its side) and two more brokers.
	for _, u := range []duijie.User{
		{ID: "u-qiye2", Username: "qiye2", DisplayName: "赵工（淠源新能源）", Role: duijie.RoleEnterprise, OrgID: "ent-a01", Phone: "13805640111"},
		{ID: "u-junchi", Username: "junchi", DisplayName: "骏驰 刘总", Role: duijie.RoleEnterprise, OrgID: "ent-a02", Phone: "13805640222"},
		{ID: "u-gaocheng", Username: "gaocheng", DisplayName: "皋城 孙工", Role: duijie.RoleEnterprise, OrgID: "ent-a03", Phone: "13805640333"},
		{ID: "u-wrongrole", Username: "wrongrole", Role: duijie.RoleInstitute, OrgID: "ent-a01"},
		{ID: "u-lead", Username: "kezhang", DisplayName: "周科长", Role: duijie.RoleBroker, OrgID: "bureau-la"},
		{ID: "u-broker2", Username: "jingjiren2", DisplayName: "吴经纪人", Role: duijie.RoleBroker, OrgID: "bureau-la"},
	} {
		must(t, db.CreateUser(ctx, &u, "unused"))
	}
	return e
}

// user is the actor signed in as username.
func (e *env) user(username string) workflow.Actor {
	e.t.Helper()
	u, ok := e.users[username]
	if !ok {
		var err error
		if u, _, err = e.db.UserByUsername(e.ctx, username); err != nil {
			e.t.Fatalf("user %s: %v", username, err)
		}
		e.users[username] = u
	}
	return workflow.Actor{User: u, IP: "192.0.2.7"}
}

// pactor is the same user as the portal's actor.
func (e *env) pactor(username string) portal.Actor {
	a := e.user(username)
	return portal.Actor{User: a.User, IP: a.IP}
}

// recommend has broker recommend one capability for a challenge and
// returns the new introduction's id.
func (e *env) recommend(broker, challenge, capability string) string {
	e.t.Helper()
	ids, err := e.wf.Recommend(e.ctx, e.user(broker), "challenge", challenge, []string{capability}, "请双方尽快联系")
	must(e.t, err)
	if len(ids) != 1 {
		e.t.Fatalf("Recommend returned %v", ids)
	}
	return ids[0]
}

// intro loads an introduction as stored.
func (e *env) intro(id string) *duijie.Introduction {
	e.t.Helper()
	n, err := e.db.Introduction(e.ctx, id)
	must(e.t, err)
	return n
}

// get is the introduction as username sees it.
func (e *env) get(username, id string) *workflow.View {
	e.t.Helper()
	v, err := e.wf.Get(e.ctx, e.user(username), id)
	must(e.t, err)
	return v
}

// inbox is username's messages, newest first.
func (e *env) inbox(username string) []duijie.Message {
	e.t.Helper()
	ms, _, err := e.wf.Inbox(e.ctx, e.user(username), 0, 500)
	must(e.t, err)
	return ms
}

// subjects are the subjects of ms of kind (any kind when "").
func subjects(ms []duijie.Message, kind duijie.MessageKind) []string {
	var out []string
	for _, m := range ms {
		if kind == "" || m.Kind == kind {
			out = append(out, m.Subject)
		}
	}
	return out
}

// audited reports whether the audit log has an entry of action on object.
func (e *env) audited(action, object string) bool {
	e.t.Helper()
	entries, err := e.db.AuditLog(e.ctx, action, 1000)
	must(e.t, err)
	return slices.ContainsFunc(entries, func(x duijie.AuditEntry) bool { return x.Action == action && x.Object == object })
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	if got := duijie.ErrorCode(err); got != code {
		t.Errorf("%s: %v (code %q), want %q", what, err, got, code)
	}
}

// wantField expects EINVALID with a message for field.
func wantField(t testing.TB, what string, err error, field string) {
	t.Helper()
	var e *duijie.Error
	if !errors.As(err, &e) || e.Code != duijie.EINVALID || e.Fields[field] == "" {
		t.Errorf("%s: %v, want EINVALID with a message for %q", what, err, field)
	}
}

// kinds lists the timeline as "kind:from>to:side:answer:reason".
func kinds(evs []duijie.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, strings.Join([]string{string(e.Kind), string(e.From) + ">" + string(e.To), string(e.Side), string(e.Answer), string(e.Reason)}, ":"))
	}
	return out
}

// stager hands out fresh introductions between ent-a01 (qiye) and 皖西学院
// (yuansuo) at any stage, each about a pair of postings of its own, made
// through the service the way people would.
type stager struct {
	e     *env
	chs   []string // ent-a01's published challenges
	caps  []string // 皖西学院's published capabilities
	next  int      // next (challenge, capability) pair
	asked int      // next capability for a request (待受理)
	regNo int
}

func (e *env) stager() *stager {
	e.t.Helper()
	s := &stager{e: e}
	for _, p := range []struct {
		typ, org string
		into     *[]string
	}{{"challenge", "ent-a01", &s.chs}, {"capability", "inst-wxc", &s.caps}} {
		ids, err := e.db.PostingsOf(e.ctx, p.typ, p.org)
		must(e.t, err)
		for _, id := range ids {
			if p.typ == "challenge" {
				c, err := e.db.Challenge(e.ctx, id)
				must(e.t, err)
				if c.Status != duijie.StatusPublished || c.Visibility == duijie.VisibilityBureau {
					continue
				}
			}
			*p.into = append(*p.into, id)
		}
	}
	slices.Sort(s.chs)
	slices.Sort(s.caps)
	return s
}

// at returns a new introduction at stage.
func (s *stager) at(stage duijie.Stage) string {
	e := s.e
	e.t.Helper()
	ctx, broker := e.ctx, e.user("jingjiren")
	if stage == duijie.StageQueued {
		i := &duijie.Interest{CapabilityID: s.caps[s.asked%len(s.caps)], Approach: "希望了解该成果的应用条件。"}
		s.asked++
		must(e.t, e.portal.RequestIntro(ctx, e.pactor("qiye"), i))
		return sqlite.IntroOf(i.ID)
	}
	if s.next >= len(s.chs)*len(s.caps) {
		e.t.Fatal("stager: out of postings")
	}
	id := e.recommend("jingjiren", s.chs[s.next%len(s.chs)], s.caps[s.next/len(s.chs)])
	s.next++
	switch stage {
	case duijie.StageRecommended:
		return id
	case duijie.StageEnded:
		must(e.t, e.wf.Move(ctx, broker, id, duijie.StageEnded, duijie.ReasonNoResponse, ""))
		return id
	}
	must(e.t, e.wf.Answer(ctx, e.user("qiye"), id, true, "", ""))
	must(e.t, e.wf.Answer(ctx, e.user("yuansuo"), id, true, "", ""))
	if stage == duijie.StageConfirmed {
		return id
	}
	must(e.t, e.wf.Move(ctx, broker, id, duijie.StageNegotiating, "", "双方约定下周走访"))
	if stage == duijie.StageNegotiating {
		return id
	}
	c := s.contract(id)
	must(e.t, e.wf.RecordContract(ctx, broker, c))
	if stage == duijie.StageSigned {
		return id
	}
	must(e.t, e.wf.RegisterContract(ctx, broker, c.ID, s.reg(), e.clock.Now()))
	if stage != duijie.StageRegistered {
		e.t.Fatalf("stager: unknown stage %q", stage)
	}
	return id
}

// contract is a valid contract for introduction id, signed today.
func (s *stager) contract(id string) *duijie.Contract {
	return &duijie.Contract{IntroID: id, Type: duijie.ContractDevelopment, Title: "技术开发合同 " + id,
		Amount: 1_234_567, LocalAmount: 1_000_000, Signed: s.e.clock.Now()}
}

// reg is a new registration number.
func (s *stager) reg() string {
	s.regNo++
	return fmt.Sprintf("ST-2026-%06d", s.regNo)
}
