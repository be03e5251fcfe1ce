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
