package portal

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"

	"duijie/internal/duijie"
	"duijie/internal/match"
)

// matchCache keeps rankings, per audience, for as long as the audience's
// index does not change: a ranking depends only on the source posting,
// the options and the index, so the key holds the source's content and
// the options, and a write to the index (its generation) empties the
// audience's entries. Rights are still checked for every reader on every
// request: only the engine's work is kept.
type matchCache struct {
	mu  sync.Mutex
	aud map[duijie.Audience]*cacheGen
}

type cacheGen struct {
	gen     uint64
	entries map[string]*match.Result
}

// maxMatchCache bounds the entries of one audience; past it the audience
// starts over (a posting's page is asked again and again, most others
// rarely).
const maxMatchCache = 4096

func newMatchCache() *matchCache { return &matchCache{aud: map[duijie.Audience]*cacheGen{}} }

// matchKey identifies a ranking: the source as ranked (its text may
// change without its id changing) and every option that shapes it.
func matchKey(src match.Source, opt match.Options) string {
	b, _ := json.Marshal(struct {
		Src match.Source
		Opt match.Options
	}{src, opt})
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%x", sum)
}

// get returns the ranking kept for key at generation gen of aud's index.
func (c *matchCache) get(aud duijie.Audience, gen uint64, key string) (*match.Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.aud[aud]
	if g == nil || g.gen != gen {
		return nil, false
	}
	r, ok := g.entries[key]
	return r, ok
}

// put keeps a ranking made at generation gen; a ranking of an older
// generation than the one kept is dropped.
func (c *matchCache) put(aud duijie.Audience, gen uint64, key string, r *match.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.aud[aud]
	switch {
	case g == nil || gen > g.gen || len(g.entries) >= maxMatchCache:
		g = &cacheGen{gen: max(gen, genOf(g)), entries: map[string]*match.Result{}}
		c.aud[aud] = g
	case gen < g.gen:
		return
	}
	if gen == g.gen {
		g.entries[key] = r
	}
}

func genOf(g *cacheGen) uint64 {
	if g == nil {
		return 0
	}
	return g.gen
}
