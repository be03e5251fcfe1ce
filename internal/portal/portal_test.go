package portal

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"duijie/index"
	"duijie/internal/auth"
	"duijie/internal/demo"
	"duijie/internal/duijie"
	"duijie/internal/indexer"
	"duijie/internal/match"
	"duijie/internal/sqlite"
)

// newTestService opens a store and an index in a temporary directory, with
// cheap password hashing, and loads the demo set into them.
func newTestService(t *testing.T) (*Service, map[string]string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "duijie.db"))
	must(t, err)
	t.Cleanup(func() { db.Close() })
	ix, err := indexer.OpenIndexes(filepath.Join(dir, "index"))
	must(t, err)
	t.Cleanup(func() { ix.Close() })
	h := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)
	s, err := New(ctx, db, ix, h, slog.New(slog.NewTextHandler(io.Discard, nil)))
	must(t, err)
	s.now = demoNow
	logins, err := s.LoadDemo(ctx, nil)
	must(t, err)
	passwords := map[string]string{}
	for _, l := range logins {
		passwords[l.Username] = l.Password
	}
	return s, passwords
}

// demoDay is a day before every deadline of the demo set: which demo
// challenges are expired depends on the date, so tests that count them
// run on this one.
var demoDay = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// demoNow is a clock that runs from demoDay.
var demoNow = func() func() time.Time {
	shift := demoDay.Sub(time.Now())
	return func() time.Time { return time.Now().Add(shift) }
}()

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := duijie.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// searchIDs returns the ids a sees for a challenge search of q.
func searchIDs(t *testing.T, s *Service, a Actor, q string) []string {
	t.Helper()
	p, err := s.Search(context.Background(), a, SearchParams{Type: index.DocChallenge, Q: q, Limit: MaxLimit})
	must(t, err)
	var ids []string
	for _, it := range p.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

func name(a Actor) string {
	if a.User == nil {
		return "anonymous"
	}
	return a.User.Username
}

// validCreditCode completes a 17-character prefix with its check character.
func validCreditCode(prefix string) string {
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if duijie.ValidCreditCode(prefix + string(c)) {
			return prefix + string(c)
		}
	}
	panic("no check character")
}

const (
	summaryID = "ch-a002" // 摘要公开, of ent-a01 (the demo user qiye)
	bureauID  = "ch-a036" // 仅科技局可见, of ent-a16
	publicID  = "ch-a001"
)

func TestPortal(t *testing.T) {
	start := time.Now()
	s, passwords := newTestService(t)
	t.Logf("demo loaded in %v", time.Since(start))
	ctx := context.Background()
	set, err := demo.Load()
	must(t, err)
	demoCh := map[string]duijie.Challenge{}
	shown := 0 // published challenges an anonymous reader may list
	for _, c := range set.Challenges {
		demoCh[c.ID] = c
		if c.Status == duijie.StatusPublished && c.Visibility != duijie.VisibilityBureau {
			shown++
		}
	}
	for id, v := range map[string]duijie.Visibility{summaryID: duijie.VisibilitySummary, bureauID: duijie.VisibilityBureau, publicID: duijie.VisibilityPublic} {
		if demoCh[id].Visibility != v {
			t.Fatalf("demo set changed: %s is %q, want %q", id, demoCh[id].Visibility, v)
		}
	}
	user := func(name string) Actor {
		u, _, err := s.db.UserByUsername(ctx, name)
		must(t, err)
		return Actor{User: u, IP: "192.0.2.1"}
	}
	anon, inst, qiye, broker := Actor{}, user("yuansuo"), user("qiye"), user("jingjiren")
	a16 := &duijie.User{Username: "ent16", Role: duijie.RoleEnterprise, OrgID: demoCh[bureauID].OrgID}
	must(t, s.createUser(ctx, a16, "Passw0rd-ent16", false))
	ent16 := Actor{User: a16}

	t.Run("SignIn", func(t *testing.T) {
		t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		s.now = func() time.Time { return t0 }
		defer func() { s.now = demoNow }()
		if u, err := s.SignIn(ctx, anon, "yuansuo", passwords["yuansuo"]); err != nil || u.Username != "yuansuo" {
			t.Fatalf("right password: %v %v", u, err)
		}
		_, errWrong := s.SignIn(ctx, anon, "anquan", "wrong-Passw0rd")
		_, errUnknown := s.SignIn(ctx, anon, "nobody", "wrong-Passw0rd")
		wantCode(t, errWrong, duijie.EINVALID)
		wantCode(t, errUnknown, duijie.EINVALID)
		if errWrong.Error() != errUnknown.Error() {
			t.Errorf("wrong password %q and unknown user %q differ", errWrong, errUnknown)
		}
		for range duijie.LockoutFailures - 1 {
			s.SignIn(ctx, anon, "anquan", "wrong-Passw0rd")
		}
		_, err := s.SignIn(ctx, anon, "anquan", passwords["anquan"])
		// Locked: the same answer as a wrong password, so that the lock
		// does not tell which accounts exist; it states the rule.
		wantCode(t, err, duijie.EINVALID)
		if err == nil || err.Error() != errWrong.Error() || !strings.Contains(err.Error(), "锁定") {
			t.Errorf("locked account answered %q, want %q (stating the lockout rule)", err, errWrong)
		}
		entries, err := s.db.AuditLog(ctx, "signin.", 100)
		must(t, err)
		n := map[string]int{}
		for _, e := range entries {
			n[e.Action]++
		}
		// 5 wrong passwords, 1 unknown user, 1 attempt while locked
		if n[duijie.AuditSignInFail] != 7 || n[duijie.AuditLockout] != 1 || n[duijie.AuditSignIn] != 1 {
			t.Errorf("audit counts %v", n)
		}
		s.now = func() time.Time { return t0.Add(duijie.LockoutDuration + time.Minute) }
		if _, err := s.SignIn(ctx, anon, "anquan", passwords["anquan"]); err != nil {
			t.Errorf("after the lock ends: %v", err)
		}
	})

	t.Run("Sessions", func(t *testing.T) {
		t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		at := func(d time.Duration) { s.now = func() time.Time { return t0.Add(d) } }
		defer func() { s.now = demoNow }()
		at(0)
		v, _, err := s.NewSession(ctx, inst.User)
		must(t, err)
		admin := user("xitong")
		va, _, err := s.NewSession(ctx, admin.User)
		must(t, err)
		if _, u, err := s.Session(ctx, v); err != nil || u.ID != inst.User.ID {
			t.Fatalf("fresh session: %v %v", u, err)
		}
		at(16 * time.Minute) // past the admin idle limit, within the user's
		if _, _, err := s.Session(ctx, v); err != nil {
			t.Errorf("user session after 16 min: %v", err)
		}
		_, _, err = s.Session(ctx, va)
		wantCode(t, err, duijie.ENOTFOUND)
		at(16*time.Minute + duijie.SessionIdle - time.Second) // the read at 16 min counted as activity
		if _, _, err := s.Session(ctx, v); err != nil {
			t.Errorf("user session touched at 16 min: %v", err)
		}
		at(16*time.Minute + 2*duijie.SessionIdle)
		_, _, err = s.Session(ctx, v)
		wantCode(t, err, duijie.ENOTFOUND)
		_, _, err = s.Session(ctx, "")
		wantCode(t, err, duijie.ENOTFOUND)
	})

	t.Run("ChallengeVisibility", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			a    Actor
			sum  duijie.Access // of the summary challenge
			bur  duijie.Access // of the bureau-only challenge
		}{
			{"anonymous", anon, duijie.AccessSummary, duijie.AccessNone},
			{"institute", inst, duijie.AccessSummary, duijie.AccessNone},
			{"ent-a01 (owns summary)", qiye, duijie.AccessFull, duijie.AccessNone},
			{"ent-a16 (owns bureau)", ent16, duijie.AccessSummary, duijie.AccessFull},
			{"broker", broker, duijie.AccessFull, duijie.AccessFull},
		} {
			for _, x := range []struct {
				id   string
				want duijie.Access
			}{{summaryID, tc.sum}, {bureauID, tc.bur}} {
				c, err := s.Challenge(ctx, tc.a, x.id)
				if x.want == duijie.AccessNone {
					wantCode(t, err, duijie.ENOTFOUND)
					continue
				}
				if err != nil {
					t.Fatalf("%s reads %s: %v", tc.name, x.id, err)
				}
				redacted := c.Problem == "" && c.OrgName == "" && c.OrgID == ""
				if c.Access != x.want || redacted != (x.want == duijie.AccessSummary) || c.Title == "" {
					t.Errorf("%s reads %s: access %v, redacted %v", tc.name, x.id, c.Access, redacted)
				}
			}
		}
	})

	t.Run("Search", func(t *testing.T) {
		seen := map[string]Item{}
		var total, facetSum int
		for off := 0; off < 200; off += MaxLimit {
			p, err := s.Search(ctx, anon, SearchParams{Type: index.DocChallenge, Offset: off, Limit: MaxLimit})
			must(t, err)
			for _, it := range p.Items {
				seen[it.ID] = it
			}
			total = p.Total
			if off == 0 {
				for _, f := range p.Facets[index.FieldIndustry] {
					facetSum += f.Count
				}
			}
		}
		if total != shown || len(seen) != shown || facetSum != shown {
			t.Errorf("anonymous list: total %d, %d distinct items, industry facets sum to %d; want %d", total, len(seen), facetSum, shown)
		}
		for _, it := range seen {
			if it.Visibility == duijie.VisibilityBureau {
				t.Errorf("anonymous list shows bureau-only %s", it.ID)
			}
			if it.Visibility == duijie.VisibilitySummary && (!it.Summary || it.OrgName != "" || len(it.Snippet) != 0) {
				t.Errorf("summary %s listed unredacted: %+v", it.ID, it)
			}
		}
		c := demoCh[summaryID]
		const word = "趴窝" // only in the hidden problem text of the summary challenge
		if !strings.Contains(c.Problem, word) || strings.Contains(c.Title+c.Field+strings.Join(c.Keywords, " "), word) {
			t.Fatalf("%s: %q should be in the problem only", summaryID, word)
		}
		for _, x := range []struct {
			a         Actor
			q, id     string
			wantFound bool
		}{
			{anon, "氮化硅", "ch-a037", false}, {broker, "氮化硅", "ch-a037", true}, // bureau-only, in its title
			{anon, word, summaryID, false}, {inst, word, summaryID, false}, {broker, word, summaryID, true},
		} {
			if ids := searchIDs(t, s, x.a, x.q); slices.Contains(ids, x.id) != x.wantFound {
				t.Errorf("%s searches %q: found %s = %v, want %v", name(x.a), x.q, x.id, !x.wantFound, x.wantFound)
			}
		}
		// KNOWN BUGS, reported as a skip so that the suite stays green; make
		// them errors once fixed.
		var bugs []string
		if p, _ := s.Search(ctx, anon, SearchParams{Type: index.DocChallenge, Limit: 10}); len(p.Items) > 10 {
			bugs = append(bugs, fmt.Sprintf("search.go:124: %d items on an anonymous page of 10 (hits of the split query are not cut at Limit)", len(p.Items)))
		}
		// 车辆 and 趴窝 are adjacent in the problem, neither is in title, keywords or field
		if ids := searchIDs(t, s, anon, "车辆趴窝"); slices.Contains(ids, summaryID) {
			bugs = append(bugs, "index/query.go:152: phrases always search the description, so 车辆趴窝 finds "+summaryID+" by its hidden body")
		}
		if bugs != nil {
			t.Error(strings.Join(bugs, "; "))
		}
	})

	t.Run("Writes", func(t *testing.T) {
		const title = "钙钛矿叠层组件湿热老化衰减"
		draft := func() *duijie.Challenge {
			return &duijie.Challenge{Title: title, Problem: "组件在双85试验1000小时后功率衰减超过8%，封装胶膜和边缘密封需要改进。",
				Industry: "energy", Modes: []duijie.Mode{"技术开发"}, Visibility: duijie.VisibilityPublic}
		}
		c := draft()
		must(t, s.SaveChallenge(ctx, qiye, c, true))
		if c.Status != duijie.StatusPublished || c.OrgID != qiye.User.OrgID {
			t.Fatalf("saved: status %q org %q", c.Status, c.OrgID)
		}
		if ids := searchIDs(t, s, anon, "钙钛矿"); !slices.Contains(ids, c.ID) {
			t.Errorf("new challenge %s not searchable at once: %v", c.ID, ids)
		}

		reg := Registration{OrgName: "六安测试新材料有限公司", OrgKind: duijie.OrgEnterprise, Region: "la-jinan",
			CreditCode: validCreditCode("91341500MA2TN7Q8X"), Username: "pending.user", DisplayName: "测试", Password: "Pending-Passw0rd", Confirm: "Pending-Passw0rd", Phone: "13800000001"}
		pu, err := s.Register(ctx, anon, reg)
		must(t, err)
		wantCode(t, s.SaveChallenge(ctx, Actor{User: pu}, draft(), true), duijie.EFORBIDDEN)
		wantCode(t, s.SaveChallenge(ctx, inst, draft(), true), duijie.EFORBIDDEN)
		wantCode(t, s.SaveChallenge(ctx, anon, draft(), true), duijie.EFORBIDDEN)

		other := draft()
		other.ID = bureauID
		wantCode(t, s.SaveChallenge(ctx, qiye, other, true), duijie.ENOTFOUND)
		if got, _ := s.db.Challenge(ctx, bureauID); got.Title != demoCh[bureauID].Title || got.OrgID != demoCh[bureauID].OrgID {
			t.Errorf("another org's challenge changed: %+v", got)
		}

		before, _ := s.db.PostingsOf(ctx, index.DocChallenge, qiye.User.OrgID)
		bad := draft()
		bad.Title, bad.Modes, bad.BudgetMin, bad.BudgetMax = "  ", nil, 50, 10
		err = s.SaveChallenge(ctx, qiye, bad, true)
		wantCode(t, err, duijie.EINVALID)
		for _, f := range []string{"title", "modes", "budget"} {
			if err.(*duijie.Error).Fields[f] == "" {
				t.Errorf("no message for field %s: %v", f, err.(*duijie.Error).Fields)
			}
		}
		edit := *c
		edit.Title = ""
		wantCode(t, s.SaveChallenge(ctx, qiye, &edit, true), duijie.EINVALID)
		after, _ := s.db.PostingsOf(ctx, index.DocChallenge, qiye.User.OrgID)
		if got, _ := s.db.Challenge(ctx, c.ID); len(after) != len(before) || got.Title != title {
			t.Errorf("invalid saves changed the store: %d -> %d postings, title %q", len(before), len(after), got.Title)
		}

		why := duijie.Closure{Reason: duijie.CloseMatched, Note: "已签约"}
		wantCode(t, s.SetStatus(ctx, ent16, index.DocChallenge, c.ID, duijie.StatusClosed, why), duijie.ENOTFOUND)
		wantCode(t, s.SetStatus(ctx, qiye, index.DocChallenge, c.ID, duijie.StatusClosed, duijie.Closure{}), duijie.EINVALID)
		must(t, s.SetStatus(ctx, qiye, index.DocChallenge, c.ID, duijie.StatusClosed, why))
		if ids := searchIDs(t, s, anon, "钙钛矿"); slices.Contains(ids, c.ID) {
			t.Errorf("closed challenge still listed: %v", ids)
		}
		_, err = s.Challenge(ctx, anon, c.ID)
		wantCode(t, err, duijie.ENOTFOUND)
		if v, err := s.Challenge(ctx, qiye, c.ID); err != nil || v.Status != duijie.StatusClosed || !v.CanEdit {
			t.Errorf("owner reads closed challenge: %+v %v", v, err)
		}
		wantCode(t, s.SetStatus(ctx, qiye, index.DocChallenge, c.ID, duijie.StatusClosed, why), duijie.ECONFLICT)
		must(t, s.SetStatus(ctx, qiye, index.DocChallenge, c.ID, duijie.StatusPublished, duijie.Closure{}))
		if ids := searchIDs(t, s, anon, "钙钛矿"); !slices.Contains(ids, c.ID) {
			t.Errorf("reopened challenge not listed: %v", ids)
		}
	})

	t.Run("Matches", func(t *testing.T) {
		p, err := s.Matches(ctx, anon, index.DocChallenge, publicID, false, 0, 10)
		must(t, err)
		if len(p.Items) == 0 || len(p.Terms) == 0 {
			t.Fatalf("no matches for %s", publicID)
		}
		for _, it := range p.Items {
			if it.Type != index.DocCapability || len(it.Terms) == 0 && len(it.Reasons) == 0 {
				t.Errorf("match %s %s unexplained", it.Type, it.ID)
			}
		}
		_, err = s.Matches(ctx, anon, index.DocChallenge, summaryID, false, 0, 10)
		wantCode(t, err, duijie.ENOTFOUND) // the source must be readable in full
		_, err = s.Matches(ctx, inst, index.DocChallenge, bureauID, false, 0, 10)
		wantCode(t, err, duijie.ENOTFOUND)

		summaries, bodyLeaks := 0, 0
		for _, capb := range set.Capabilities[:60] {
			p, err := s.Matches(ctx, inst, index.DocCapability, capb.ID, false, 0, MaxLimit)
			must(t, err)
			for _, it := range p.Items {
				switch it.Visibility {
				case duijie.VisibilityBureau:
					t.Errorf("%s matches bureau-only %s for an institute", capb.ID, it.ID)
				case duijie.VisibilitySummary:
					summaries++
					for _, mt := range it.Terms {
						if slices.Contains(mt.Fields, match.FieldLabels[index.FieldDescription]) {
							bodyLeaks++
						}
					}
					if !it.Summary || len(it.Snippet) != 0 || it.OrgName != "" {
						t.Errorf("%s matches summary %s unredacted: %+v", capb.ID, it.ID, it.Item)
					}
				}
			}
		}
		if summaries == 0 {
			t.Error("no summary challenge matched any capability")
		}
		if bodyLeaks > 0 { // KNOWN BUG, see Search: make this an error once fixed
			t.Errorf("%d matched terms of summary challenges found in their hidden body (正文)", bodyLeaks)
		}
	})

	t.Run("Interests", func(t *testing.T) {
		proposal := func(id string) *duijie.Interest {
			return &duijie.Interest{ChallengeID: id, Approach: "采用等效电路模型与扩展卡尔曼滤波联合估计。", Team: "皖西学院电气学院", Months: 12}
		}
		i := proposal(publicID)
		must(t, s.Propose(ctx, inst, i))
		q, n, err := s.Queue(ctx, broker, 0, 50)
		if err != nil || n == 0 || !slices.ContainsFunc(q, func(x duijie.Interest) bool { return x.ID == i.ID }) {
			t.Errorf("proposal %s not in the broker's queue (%d): %v", i.ID, n, err)
		}
		for _, a := range []Actor{anon, inst, qiye, user("xitong")} {
			_, _, err := s.Queue(ctx, a, 0, 50)
			wantCode(t, err, duijie.EFORBIDDEN)
		}
		wantCode(t, s.Propose(ctx, inst, proposal(publicID)), duijie.ECONFLICT)
		wantCode(t, s.Propose(ctx, inst, proposal(bureauID)), duijie.ENOTFOUND)
		wantCode(t, s.Propose(ctx, qiye, proposal(publicID)), duijie.EFORBIDDEN)

		intro := &duijie.Interest{CapabilityID: set.Capabilities[0].ID, Approach: "希望了解该成果在储能温控中的应用。"}
		must(t, s.RequestIntro(ctx, qiye, intro))
		if intro.Kind != duijie.InterestIntro || intro.OrgID != qiye.User.OrgID {
			t.Errorf("intro stored as %+v", intro)
		}
		wantCode(t, s.RequestIntro(ctx, inst, &duijie.Interest{CapabilityID: set.Capabilities[0].ID, Approach: "x"}), duijie.EFORBIDDEN)
	})

	t.Run("RegisterValidation", func(t *testing.T) {
		pending, _ := s.db.Organizations(ctx, duijie.OrgPending)
		_, err := s.Register(ctx, anon, Registration{OrgName: "六安某某科技有限公司", OrgKind: duijie.OrgEnterprise,
			Region: "六安市", CreditCode: "91341500MA2TEST001", Username: "1bad name", Password: "password"})
		wantCode(t, err, duijie.EINVALID)
		f := err.(*duijie.Error).Fields
		for _, k := range []string{"credit_code", "username", "password", "region"} {
			if f[k] == "" {
				t.Errorf("no message for %s: %v", k, f)
			}
		}
		if orgs, _ := s.db.Organizations(ctx, duijie.OrgPending); len(orgs) != len(pending) {
			t.Errorf("a rejected registration stored an organisation: %d -> %d pending", len(pending), len(orgs))
		}
	})
}

// TestTRLFacetMatchesFilter: the count next to "TRL n 及以上" is the number
// of postings the link lists.
func TestTRLFacetMatchesFilter(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	all, err := s.Search(ctx, Actor{}, SearchParams{Type: TypeCapability, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Facets[FacetTRL]) == 0 {
		t.Fatal("no TRL facet")
	}
	for _, f := range all.Facets[FacetTRL] {
		level, _ := strconv.Atoi(f.Value)
		got, err := s.Search(ctx, Actor{}, SearchParams{Type: TypeCapability, TRLMin: level, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != f.Count {
			t.Errorf("TRL %d: facet says %d, the filter lists %d", level, f.Count, got.Total)
		}
	}
}

func TestQuiet(t *testing.T) {
	in := []Fragment{{Text: "良"}, {Text: "率", Hit: true}, {Text: "低于"}, {Text: "液冷板", Hit: true}, {Text: "。"}}
	got := quiet(in)
	want := []Fragment{{Text: "良率低于"}, {Text: "液冷板", Hit: true}, {Text: "。"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("quiet = %v, want %v", got, want)
	}
}
