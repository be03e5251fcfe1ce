package portal

import (
	"context"
	"slices"
	"testing"
	"time"

	"duijie/index"
	"duijie/internal/demo"
	"duijie/internal/duijie"
)

// TestExpiry: a published challenge past its deadline (a date in China
// time) leaves the default lists, searches and match rankings of every
// reader without a write, stays readable as 已截止 (its owner and brokers
// included), comes back with the 显示已截止 switch, takes no new past
// deadline, and is published again only with a new one.
func TestExpiry(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	user := func(name string) Actor {
		u, _, err := s.db.UserByUsername(ctx, name)
		must(t, err)
		return Actor{User: u, IP: "192.0.2.1"}
	}
	anon, qiye, yuansuo, broker := Actor{}, user("qiye"), user("yuansuo"), user("jingjiren")
	set, err := demo.Load()
	must(t, err)
	const target, source = "ch-a001", "cap-a001" // the demo's liquid-cooling pair; ch-a001 belongs to qiye
	var deadline time.Time
	for _, c := range set.Challenges {
		if c.ID == target {
			deadline = c.Deadline
		}
	}
	if deadline.IsZero() || !slices.Contains(searchIDs(t, s, anon, "液冷板"), target) {
		t.Fatalf("demo set changed: %s has no deadline or is not found", target)
	}
	at := func(t0 time.Time) { s.now = func() time.Time { return t0 } }
	defer func() { s.now = demoNow }()
	// The last minute of the deadline in China (UTC+8), then the first of the next day.
	lastMinute := deadline.Add(16*time.Hour - time.Minute)
	nextDay := deadline.Add(16 * time.Hour)

	matched := func(a Actor, typ, id string) []string {
		t.Helper()
		p, err := s.Matches(ctx, a, typ, id, false, 0, MaxLimit)
		must(t, err)
		var ids []string
		for _, it := range p.Items {
			ids = append(ids, it.ID)
		}
		return ids
	}
	list := func(a Actor, expired bool) (*SearchPage, []string) {
		t.Helper()
		var ids []string
		var first *SearchPage
		for off := 0; off < 200; off += MaxLimit {
			p, err := s.Search(ctx, a, SearchParams{Type: index.DocChallenge, Offset: off, Limit: MaxLimit, Expired: expired})
			must(t, err)
			if first == nil {
				first = p
			}
			for _, it := range p.Items {
				ids = append(ids, it.ID)
				if it.Expired != it.Deadline.Before(duijie.Today(s.now())) {
					t.Errorf("%s: Expired %v with deadline %v", it.ID, it.Expired, it.Deadline)
				}
			}
		}
		return first, ids
	}

	at(lastMinute)
	for _, a := range []Actor{anon, yuansuo, broker} {
		if ids := matched(a, index.DocCapability, source); !slices.Contains(ids, target) {
			t.Fatalf("%s: %s not matched on its last day: %v", name(a), target, ids)
		}
	}
	if v, err := s.Challenge(ctx, anon, target); err != nil || v.Expired {
		t.Fatalf("last day: %+v %v", v, err)
	}

	at(nextDay)
	// Counted against the store: the open published challenges each reader may list.
	want := map[string]int{}
	for _, c := range set.Challenges {
		if c.Deadline.IsZero() || !c.Deadline.Before(duijie.Today(nextDay)) {
			want["broker"]++
			if c.Visibility != duijie.VisibilityBureau {
				want["public"]++
			}
		}
	}
	for _, a := range []Actor{anon, qiye, yuansuo, broker} {
		aud := "public"
		if a.User.Is(duijie.RoleBroker) {
			aud = "broker"
		}
		p, ids := list(a, false)
		if p.Total != want[aud] || len(ids) != want[aud] || slices.Contains(ids, target) {
			t.Errorf("%s: default list total %d, %d items (want %d), has %s: %v", name(a), p.Total, len(ids), want[aud], target, slices.Contains(ids, target))
		}
		all, ids := list(a, true)
		if all.Total <= p.Total || !slices.Contains(ids, target) {
			t.Errorf("%s: with 显示已截止 total %d (default %d), has %s: %v", name(a), all.Total, p.Total, target, slices.Contains(ids, target))
		}
		if slices.Contains(searchIDs(t, s, a, "液冷板"), target) {
			t.Errorf("%s: the search still finds %s", name(a), target)
		}
		if ids := matched(a, index.DocCapability, source); slices.Contains(ids, target) {
			t.Errorf("%s: %s still ranks for %s", name(a), target, source)
		}
		var sum int
		for _, f := range p.Facets[FacetIndustry] {
			sum += f.Count
		}
		if sum != p.Total {
			t.Errorf("%s: industry facets count %d, total %d", name(a), sum, p.Total)
		}
	}
	// Kept for the record: readable and marked, its own matches still work.
	for _, a := range []Actor{anon, qiye, yuansuo, broker} {
		v, err := s.Challenge(ctx, a, target)
		if err != nil || !v.Expired || v.Status != duijie.StatusPublished {
			t.Errorf("%s reads the expired %s: %+v %v", name(a), target, v, err)
		}
	}
	if ids := matched(qiye, index.DocChallenge, target); len(ids) == 0 {
		t.Error("the owner gets no matches for an expired challenge")
	}

	// A past deadline is refused; an unchanged one may stay on an edit.
	c, err := s.db.Challenge(ctx, target)
	must(t, err)
	c.Title = "液冷板优化（更正）"
	must(t, s.SaveChallenge(ctx, qiye, c, false))
	c.Deadline = deadline.AddDate(0, 0, -1)
	err = s.SaveChallenge(ctx, qiye, c, false)
	wantCode(t, err, duijie.EINVALID)
	if msg := err.(*duijie.Error).Fields["deadline"]; msg != "截止日期不能早于今天（"+duijie.Today(nextDay).Format(duijie.DateLayout)+"）" {
		t.Errorf("deadline message %q", msg)
	}
	fresh := &duijie.Challenge{Title: "茶叶速溶粉喷雾干腔粘壁", Problem: "喷雾干燥时粉体粘壁。", Industry: "food",
		Modes: []duijie.Mode{"技术开发"}, Visibility: duijie.VisibilityPublic, Deadline: deadline}
	err = s.SaveChallenge(ctx, qiye, fresh, true)
	wantCode(t, err, duijie.EINVALID)
	fresh.Title = ""
	if err := s.SaveChallenge(ctx, qiye, fresh, true); err == nil || len(err.(*duijie.Error).Fields) < 2 {
		t.Errorf("every message at once: %v", err)
	}

	// Closed, it is published again only with a new deadline.
	must(t, s.SetStatus(ctx, qiye, index.DocChallenge, target, duijie.StatusClosed, duijie.Closure{Reason: duijie.CloseRevised}))
	wantCode(t, s.SetStatus(ctx, qiye, index.DocChallenge, target, duijie.StatusPublished, duijie.Closure{}), duijie.ECONFLICT)
	if v, _ := s.Challenge(ctx, broker, target); v.Expired || v.Closure.Reason != duijie.CloseRevised {
		t.Errorf("closed: expired %v, closure %+v (the broker reads why)", v.Expired, v.Closure)
	}
	c, err = s.db.Challenge(ctx, target)
	must(t, err)
	c.Deadline = duijie.Today(nextDay).AddDate(0, 3, 0)
	must(t, s.SaveChallenge(ctx, qiye, c, false))
	must(t, s.SetStatus(ctx, qiye, index.DocChallenge, target, duijie.StatusPublished, duijie.Closure{}))
	if !slices.Contains(searchIDs(t, s, anon, "液冷板"), target) {
		t.Error("published again with a new deadline, but not found")
	}
}

// TestCountyFacet: the county facet counts 六安's districts, counties and
// zones of what the reader may list, and filters by them; a 摘要公开
// challenge's region is neither counted nor filtered for outsiders.
func TestCountyFacet(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	u, _, err := s.db.UserByUsername(ctx, "jingjiren")
	must(t, err)
	anon, broker := Actor{}, Actor{User: u}
	for _, a := range []Actor{anon, broker} {
		p, err := s.Search(ctx, a, SearchParams{Type: index.DocChallenge, Limit: MaxLimit})
		must(t, err)
		facet := p.Facets[FacetRegion]
		if len(facet) == 0 {
			t.Fatalf("%s: no county facet", name(a))
		}
		for _, f := range facet {
			r := duijie.Region(f.Value)
			if !r.County() || f.Label != r.Short() {
				t.Errorf("%s: county facet has %+v", name(a), f)
			}
			q, err := s.Search(ctx, a, SearchParams{Type: index.DocChallenge, Region: f.Value, Limit: MaxLimit})
			must(t, err)
			if q.Total != f.Count {
				t.Errorf("%s: %s counts %d, its filter lists %d", name(a), f.Label, f.Count, q.Total)
			}
			for _, it := range q.Items {
				if it.Region != r || it.Summary {
					t.Errorf("%s: filter %s lists %s of %q (summary %v)", name(a), f.Value, it.ID, string(it.Region), it.Summary)
				}
			}
		}
	}
	// ch-a002 is 摘要公开, of an enterprise in 六安经开区.
	ids := func(a Actor) []string {
		p, err := s.Search(ctx, a, SearchParams{Type: index.DocChallenge, Region: "la-etdz", Limit: MaxLimit})
		must(t, err)
		var out []string
		for _, it := range p.Items {
			out = append(out, it.ID)
		}
		return out
	}
	if got := ids(anon); slices.Contains(got, summaryID) {
		t.Errorf("an outsider's county filter finds the 摘要公开 %s: %v", summaryID, got)
	}
	if got := ids(broker); !slices.Contains(got, summaryID) {
		t.Errorf("the broker's county filter misses %s: %v", summaryID, got)
	}
}

// TestPagingTies: pages of every size list each posting once, also where
// postings of the same day straddle a page boundary (the ties of the
// index's cut and of the page's order must go the same way).
func TestPagingTies(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	for _, typ := range []string{index.DocChallenge, index.DocCapability} {
		for _, q := range []string{"", "电池"} {
			for _, limit := range []int{3, 7, 10, 20} {
				seen := map[string]bool{}
				total := 0
				for off := 0; off <= MaxOffset; off += limit {
					p, err := s.Search(ctx, Actor{}, SearchParams{Type: typ, Q: q, Offset: off, Limit: limit})
					must(t, err)
					total = p.Total
					for _, it := range p.Items {
						if seen[it.ID] {
							t.Fatalf("%s q=%q limit %d: %s on two pages", typ, q, limit, it.ID)
						}
						seen[it.ID] = true
					}
					if len(p.Items) < limit {
						break
					}
				}
				if len(seen) != total {
					t.Errorf("%s q=%q limit %d: %d listed of %d", typ, q, limit, len(seen), total)
				}
			}
		}
	}
}
