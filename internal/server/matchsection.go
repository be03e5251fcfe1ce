package server

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

// matchSection is a posting page's list of explained matches, rendered,
// with the page of matches it shows (nil when it came from the cache).
// For anonymous readers, who all read alike, the rendered list is kept
// until the public index changes or the day turns (a deadline passes at
// midnight): the ranking, the store's reads behind every partner and the
// escaping of ten cards are most of such a page's cost. Signed-in readers
// may read more (their own postings, invitations, the bureau's view), so
// theirs is made afresh; the ranking itself is still cached per audience
// by portal.
func (s *Server) matchSection(c *fiber.Ctx, typ, id string) (template.HTML, *portal.MatchPage, error) {
	ctx, a := c.UserContext(), actor(c)
	local := c.Query("local") == "1"
	offset, _ := strconv.Atoi(c.Query("moffset"))
	var key string
	var gen uint64
	if a.User == nil {
		// The generation is read before ranking: a write meanwhile makes
		// the kept list older than the index and it is not used again.
		gen = s.svc.IndexGeneration(a)
		key = fmt.Sprintf("%s|%s|%t|%d|%s", typ, id, local, offset, duijie.Today(time.Now()).Format(duijie.DateLayout))
		if h, ok := s.sections.get(gen, key); ok {
			return h, nil, nil
		}
	}
	m, err := s.timedMatches(ctx, a, typ, id, local, offset, 10)
	if err != nil {
		return "", nil, err
	}
	var buf bytes.Buffer
	if err := s.pages.sets["challenge"].ExecuteTemplate(&buf, "matches", m); err != nil {
		return "", nil, fmt.Errorf("server: render matches: %w", err)
	}
	h := template.HTML(buf.String()) // rendered by html/template, escaped there
	if key != "" {
		s.sections.put(gen, key, h)
	}
	return h, m, nil
}

// sectionCache keeps rendered match lists for anonymous readers, for one
// generation of the public index: a newer generation starts it over, so
// no stale list stays in memory; keys name the day, and the cache starts
// over when full.
type sectionCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[string]template.HTML
}

// maxSections bounds the kept lists (a list is some 10–20 KB).
const maxSections = 2048

func (c *sectionCache) get(gen uint64, key string) (template.HTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return "", false
	}
	h, ok := c.m[key]
	return h, ok
}

// put keeps a list made at generation gen; one older than the kept
// generation is dropped.
func (c *sectionCache) put(gen uint64, key string, h template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case gen < c.gen:
		return
	case gen > c.gen || c.m == nil || len(c.m) >= maxSections:
		c.gen, c.m = gen, map[string]template.HTML{}
	}
	c.m[key] = h
}
