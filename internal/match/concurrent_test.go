package match

import (
	"context"
	"sync"
	"testing"

	"duijie/internal/demo"
)

// TestConcurrentMatches runs rankings from several goroutines while the
// index takes writes: the term-statistics and sub-word caches are shared.
// Run with -race to check them.
func TestConcurrentMatches(t *testing.T) {
	set, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	ix := MustIndex(t, set.Capabilities[:100], nil)
	m := New(ix)
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < 40; i += 4 {
				if _, err := m.Match(ctx, FromChallenge(&set.Challenges[i]), Options{LocalFirst: true, Now: now}); err != nil {
					t.Error(err)
					return
				}
			}
		}(g)
	}
	for i := 100; i < 140; i++ {
		if err := ix.Upsert(CapabilityDoc(&set.Capabilities[i])); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}
