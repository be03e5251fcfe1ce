package portal

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"

	"duijie/internal/duijie"
	"duijie/internal/match"
)

// genCache keeps what the engine derived from an audience's index (a
// ranking, a list's hits) for as long as that index does not change: the
// key holds everything the result depends on besides the index, and a
// write to the index (its generation) empties the audience's entries.
// Rights are still checked for every reader on every request: only the
// engine's work is kept. Kept values are shared: never modify one.
type genCache[V any] struct {
	mu  sync.Mutex
	max int
	aud map[duijie.Audience]*cacheGen[V]
}

type cacheGen[V any] struct {
	gen     uint64
	entries map[string]V
}

// matchCache keeps rankings: a ranking depends only on the source posting
// (its content: the text may change without the id changing), the options
// and the index.
type matchCache = genCache[*match.Result]

// maxMatchCache bounds the entries of one audience; past it the audience
// starts over (a posting's page is asked again and again, most others
// rarely).
const maxMatchCache = 4096

// maxListCache bounds the lists kept for one audience, and maxListHits
// the hits of a list that is kept: the first pages are asked again and
// again, deep pages rarely, and each hit holds a document's stored
// fields (at most 256 × 60 of them an audience, some tens of MB).
const (
	maxListCache = 256
	maxListHits  = 60
)

// IndexGeneration is the generation of the index a's audience reads:
// anything derived from it for a (and anyone of a's audience with a's
// rights) stays true until it moves.
func (s *Service) IndexGeneration(a Actor) uint64 {
	ix, _ := s.view(a)
	return ix.Generation()
}

func newMatchCache() *matchCache { return newGenCache[*match.Result](maxMatchCache) }

func newGenCache[V any](max int) *genCache[V] {
	return &genCache[V]{max: max, aud: map[duijie.Audience]*cacheGen[V]{}}
}

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

// get returns the value kept for key at generation gen of aud's index.
func (c *genCache[V]) get(aud duijie.Audience, gen uint64, key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.aud[aud]
	if g == nil || g.gen != gen {
		var zero V
		return zero, false
	}
	r, ok := g.entries[key]
	return r, ok
}

// put keeps a value made at generation gen; one of an older generation
// than the one kept is dropped.
func (c *genCache[V]) put(aud duijie.Audience, gen uint64, key string, r V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.aud[aud]
	switch {
	case g == nil || gen > g.gen || len(g.entries) >= c.max:
		g = &cacheGen[V]{gen: max(gen, genOf(g)), entries: map[string]V{}}
		c.aud[aud] = g
	case gen < g.gen:
		return
	}
	if gen == g.gen {
		g.entries[key] = r
	}
}

func genOf[V any](g *cacheGen[V]) uint64 {
	if g == nil {
		return 0
	}
	return g.gen
}
