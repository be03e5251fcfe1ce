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
	if a.User == nil {
		// The generation is read before ranking: a write meanwhile makes
		// the kept list older than the index and it is not used again.
		key = fmt.Sprintf("%s|%s|%t|%d|%s|%d", typ, id, local, offset,
			duijie.Today(time.Now()).Format(duijie.DateLayout), s.svc.IndexGeneration(a))
		if h, ok := s.sections.get(key); ok {
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
		s.sections.put(key, h)
	}
	return h, m, nil
}

// sectionCache keeps rendered match lists for anonymous readers; keys
// name the index generation and the day, so that a stale entry is never
// asked for again, and the cache starts over when full.
type sectionCache struct {
	mu sync.Mutex
	m  map[string]template.HTML
}

// maxSections bounds the kept lists (a list is some 10–20 KB).
const maxSections = 2048

func (c *sectionCache) get(key string) (template.HTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[key]
	return h, ok
}

func (c *sectionCache) put(key string, h template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxSections {
		c.m = map[string]template.HTML{}
	}
	c.m[key] = h
}
