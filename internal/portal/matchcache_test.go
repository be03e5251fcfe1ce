package portal

import (
	"context"
	"encoding/json"
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
