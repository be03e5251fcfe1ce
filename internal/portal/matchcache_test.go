package portal

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"duijie/index"
	"duijie/internal/duijie"
)

// TestMatchCache: a ranking is kept per audience until the audience's
// index changes: asked again it is the same, a new posting that fits shows
// at once, and a draft saved (which the public index does not hold) does
// not empty the public audience's cache.
func TestMatchCache(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	s.now = func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }
	user := func(name string) Actor {
		u, _, err := s.db.UserByUsername(ctx, name)
		must(t, err)
		return Actor{User: u}
	}
	anon, inst := Actor{}, user("yuansuo")
	ranking := func() string {
		t.Helper()
		p, err := s.Matches(ctx, anon, index.DocChallenge, publicID, false, 0, 10)
		must(t, err)
		b, err := json.Marshal(p)
		must(t, err)
		return string(b)
	}
	public := s.ix.For(duijie.AudiencePublic)
	first := ranking()
	gen := public.Generation()
	if again := ranking(); again != first {
		t.Fatal("the same ranking asked twice differs")
	}
	if n := len(s.matches.aud[duijie.AudiencePublic].entries); n != 1 {
		t.Errorf("%d rankings kept, want 1", n)
	}
	// A draft: not in the public index, nothing there changes.
	c, err := s.db.Challenge(ctx, publicID)
	must(t, err)
	draft := &duijie.Capability{Kind: duijie.KindAchievement, Title: "模组液冷板流道优化与快充温差控制", Description: c.Problem,
		TRL: 7, Industry: c.Industry, Modes: c.Modes, Keywords: c.Keywords}
	must(t, s.SaveCapability(ctx, inst, draft, false))
	if public.Generation() != gen {
		t.Error("saving a draft wrote to the public index")
	}
	if ranking() != first {
		t.Error("a draft changed the public ranking")
	}
	// Published, it fits best and shows at once.
	must(t, s.SaveCapability(ctx, inst, draft, true))
	p, err := s.Matches(ctx, anon, index.DocChallenge, publicID, false, 0, 10)
	must(t, err)
	if len(p.Items) == 0 || p.Items[0].ID != draft.ID {
		t.Errorf("the published capability is not first: %+v", p.Items)
	}
}

// TestConfidence: the same calibrated number means the same across
// postings: a challenge the demo set answers well has a partner that is
// 很可能相关; the 卤鹅 packaging challenge of the issue, which matched a
// 灵芝孢子 capability on 保质期 and 包装 at "100" when scores were relative
// to the best, is no longer called very likely; and a challenge nothing
// in the demo set answers has no strong partner at all.
func TestConfidence(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	s.now = func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }
	u, _, err := s.db.UserByUsername(ctx, "qiye")
	must(t, err)
	qiye := Actor{User: u}
	good, err := s.Matches(ctx, Actor{}, index.DocChallenge, publicID, false, 0, 10)
	must(t, err)
	if !good.Strong || len(good.Items) == 0 || good.Items[0].Level != "很可能相关" {
		t.Errorf("%s: strong %v, first %+v", publicID, good.Strong, good.Items[0].Level)
	}
	post := func(title, problem, field string, keywords ...string) *MatchPage {
		t.Helper()
		c := &duijie.Challenge{Title: title, Problem: problem, Industry: "food", Field: field, Keywords: keywords,
			Modes: []duijie.Mode{"技术开发"}, Visibility: duijie.VisibilityPublic, Deadline: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
		must(t, s.SaveChallenge(ctx, qiye, c, true))
		p, err := s.Matches(ctx, qiye, index.DocChallenge, c.ID, false, 0, 10)
		must(t, err)
		return p
	}
	goose := post("卤鹅真空包装后胀袋，保质期只有十天", "卤鹅真空包装后常温放置一周左右出现胀袋，希望延长保质期到三个月，口味不变。", "食品加工", "卤鹅", "保质期", "包装")
	for _, it := range goose.Items {
		if it.Level == "很可能相关" {
			t.Errorf("卤鹅: %s is %.3f %s", it.ID, it.Confidence, it.Level)
		}
	}
	ship := post("船用柴油机缸套穴蚀", "船用中速柴油机气缸套外壁冷却水侧出现穴蚀坑，运行两千小时后深度超过一毫米。", "船舶动力", "缸套", "穴蚀", "柴油机")
	if ship.Strong {
		for _, it := range ship.Items {
			t.Logf("%s %.3f %s", it.ID, it.Confidence, it.Level)
		}
		t.Error("a marine engine challenge has a strong partner among the demo's capabilities")
	}
}

// TestReverseOneScale is the reverse-matching case as a golden
// order: for the 香菇菌棒 capability an outsider sees the 香菇 challenges
// first, and the 摘要公开 challenges about motors and batteries (matched on
// a title word or two) far below, scored on the same scale as every
// public one.
func TestReverseOneScale(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	s.now = func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }
	p, err := s.Matches(ctx, Actor{}, index.DocCapability, "cap-b011", false, 0, 20)
	must(t, err)
	rank := map[string]int{}
	for i, it := range p.Items {
		rank[it.ID] = i + 1
		t.Logf("%2d %s %.3f %s", i+1, it.ID, it.Confidence, it.Level)
	}
	if rank["ch-b004"] != 1 { // 香菇菌棒杂菌污染率高
		t.Errorf("ch-b004 ranks %d, want 1", rank["ch-b004"])
	}
	exact := rank["ch-c020"] // 香菇出得不齐，怪菇多: colloquial, few shared words
	if exact == 0 || exact > 10 {
		t.Fatalf("ch-c020 ranks %d, want in the top 10", exact)
	}
	for _, id := range []string{"ch-a009", "ch-a002"} { // 扁线驱动电机啸叫, BMS估算: 摘要公开
		if r := rank[id]; r != 0 && r < exact {
			t.Errorf("%s ranks %d, above the 香菇 challenge at %d", id, r, exact)
		}
	}
}

// TestLocalFirstVisible: with local first, among partners of the same
// confidence level 六安 comes before 合肥, 合肥 before the rest of 长三角,
// and the ranking does change for ch-b001 (it did not before).
func TestLocalFirstVisible(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	s.now = func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }
	plain, err := s.Matches(ctx, Actor{}, index.DocChallenge, "ch-b001", false, 0, 10)
	must(t, err)
	local, err := s.Matches(ctx, Actor{}, index.DocChallenge, "ch-b001", true, 0, 10)
	must(t, err)
	ids := func(p *MatchPage) (out []string) {
		for _, it := range p.Items {
			out = append(out, it.ID)
		}
		return out
	}
	if slices.Equal(ids(plain), ids(local)) {
		t.Errorf("local first does not change the ranking of ch-b001: %v", ids(local))
	}
	rankOf := map[string]int{"很可能相关": 0, "可能相关": 1, "仅领域相近": 2}
	tierOf := func(r duijie.Region) int {
		return map[duijie.Tier]int{duijie.TierLocal: 0, duijie.TierHefei: 1, duijie.TierYRD: 2}[r.Tier()] + map[bool]int{true: 3}[r.Tier() == duijie.TierOther || r == ""]
	}
	for i := 1; i < len(local.Items); i++ {
		a, b := local.Items[i-1], local.Items[i]
		if rankOf[a.Level] == rankOf[b.Level] && tierOf(a.Region) > tierOf(b.Region) {
			t.Errorf("%s (%s, %s) before %s (%s, %s)", a.ID, a.Level, a.Region, b.ID, b.Level, b.Region)
		}
	}
}

// TestSearchWholeWords: a compound is searched whole where enough
// postings hold it: 高温合金 lists among capabilities only those that say
// 高温合金, 锂电池 none that says only 太阳电池 or 电池; where few hold it
// (电池热管理), related postings follow the whole concept.
func TestSearchWholeWords(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	text := func(typ, id string) string {
		if typ == index.DocCapability {
			c, err := s.db.Capability(ctx, id)
			must(t, err)
			return strings.ToLower(c.Title + c.Description + strings.Join(c.Keywords, " ") + strings.Join(c.Fields, " ") + strings.Join(c.IP, " "))
		}
		c, err := s.db.Challenge(ctx, id)
		must(t, err)
		return strings.ToLower(c.Title + c.Problem + c.Targets + c.Tried + c.Constraints + strings.Join(c.Keywords, " ") + c.Field)
	}
	for _, tc := range []struct{ q, typ, must string }{
		{"高温合金", index.DocCapability, "高温合金"},
		{"锂电池", index.DocCapability, "锂"},
	} {
		p, err := s.Search(ctx, Actor{}, SearchParams{Type: tc.typ, Q: tc.q, Limit: MaxLimit})
		must(t, err)
		if p.Total < minWhole {
			t.Fatalf("%s in %s: %d found", tc.q, tc.typ, p.Total)
		}
		for _, it := range p.Items {
			if !strings.Contains(text(tc.typ, it.ID), tc.must) {
				t.Errorf("%s in %s lists %s, which does not say %s", tc.q, tc.typ, it.ID, tc.must)
			}
		}
	}
	p, err := s.Search(ctx, Actor{}, SearchParams{Type: index.DocChallenge, Q: "电池热管理", Limit: MaxLimit})
	must(t, err)
	if p.Total < 3 {
		t.Fatalf("电池热管理: %d found, want related postings too", p.Total)
	}
	whole := true
	for _, it := range p.Items {
		has := strings.Contains(text(index.DocChallenge, it.ID), "电池热管理")
		if has && !whole {
			t.Errorf("%s says 电池热管理 but ranks below a posting that does not", it.ID)
		}
		whole = whole && has
	}
}

// TestListCache: a list asked twice is answered from the kept hits, and a
// posting published in between shows at once (the index's generation
// moved), for the home page's newest-first list and a query alike; a draft
// moves neither the public index nor a public list; deep pages are not
// kept.
func TestListCache(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	s.now = func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) } // after every demo posting
	u, _, err := s.db.UserByUsername(ctx, "yuansuo")
	must(t, err)
	inst, anon := Actor{User: u}, Actor{}
	list := func(p SearchParams) string {
		t.Helper()
		page, err := s.Search(ctx, anon, p)
		must(t, err)
		b, err := json.Marshal(page)
		must(t, err)
		return string(b)
	}
	home := SearchParams{Type: TypeCapability, Limit: 6, NoFacets: true}
	query := SearchParams{Type: TypeCapability, Q: "钒液流电池电堆"}
	firstHome, firstQuery := list(home), list(query)
	if list(home) != firstHome || list(query) != firstQuery {
		t.Fatal("the same list asked twice differs")
	}
	if n := len(s.lists.aud[duijie.AudiencePublic].entries); n != 2 {
		t.Errorf("%d lists kept, want 2", n)
	}
	draft := &duijie.Capability{Kind: duijie.KindAchievement, Title: "钒液流电池电堆密封与流道设计", Description: "面向储能电站的钒液流电池电堆，提出新型密封结构与流道设计。",
		TRL: 6, Industry: "nev", Modes: []duijie.Mode{"技术开发"}, Keywords: []string{"钒液流电池", "电堆"}}
	must(t, s.SaveCapability(ctx, inst, draft, false))
	if list(home) != firstHome || list(query) != firstQuery {
		t.Error("a draft changed a public list")
	}
	must(t, s.SaveCapability(ctx, inst, draft, true))
	for name, p := range map[string]SearchParams{"home": home, "query": query} {
		page, err := s.Search(ctx, anon, p)
		must(t, err)
		if len(page.Items) == 0 || page.Items[0].ID != draft.ID {
			t.Errorf("%s: the published capability is not first: %+v", name, page.Items)
		}
	}
	deep := SearchParams{Type: TypeCapability, Offset: 60, Limit: 20}
	before := len(s.lists.aud[duijie.AudiencePublic].entries)
	list(deep)
	if n := len(s.lists.aud[duijie.AudiencePublic].entries); n != before {
		t.Errorf("a page past %d hits was kept (%d lists, was %d)", maxListHits, n, before)
	}
}
