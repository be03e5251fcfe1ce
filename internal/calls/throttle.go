package calls

import (
	"sync"
	"time"
)

// ApplicationsPerHour is how many applications to the expert pool one
// address may send an hour: the form is public, and each application is
// work for a broker.
const ApplicationsPerHour = 10

// throttle counts events per key in fixed windows.
type throttle struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	start  time.Time
	counts map[string]int
}

func newThrottle(max int, window time.Duration) *throttle {
	return &throttle{max: max, window: window, counts: map[string]int{}}
}

// allow counts one event of key at now and reports whether it is within
// the limit.
func (t *throttle) allow(key string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.start) >= t.window || now.Before(t.start) {
		t.start, t.counts = now, map[string]int{}
	}
	t.counts[key]++
	return t.counts[key] <= t.max
}
