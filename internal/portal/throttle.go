package portal

import (
	"strings"
	"sync"
	"time"

	"duijie/internal/duijie"
)

// PasswordChecksPerMinute is how many password changes one address may
// try a minute, as many as it may try sign-ins (the server's limiter).
const PasswordChecksPerMinute = 20

// errBusy refuses a password check while another one of the same account
// or address is still hashing; errTooMany an address past its minute's
// allowance. Both answer 429 before any hashing.
var (
	errBusy    = duijie.Errorf(duijie.ETOOMANY, "上一次请求仍在处理，请稍后再试")
	errTooMany = duijie.Errorf(duijie.ETOOMANY, "尝试过于频繁，请一分钟后再试")
)

// throttle stands in front of the Hasher, whose few slots everybody
// shares: at most one password hash in flight per key (an account, an
// address), so that a flood from one session or one address takes at most
// one slot and everybody else's sign-in finds the other free, and a
// per-address allowance of password changes a minute. It refuses, never
// queues: a refused request costs no hash.
type throttle struct {
	mu      sync.Mutex
	busy    map[string]bool
	window  map[string]*allowance // per address
	perMin  int
	nowFunc func() time.Time
}

type allowance struct {
	start time.Time
	n     int
}

func newThrottle(perMin int, now func() time.Time) *throttle {
	return &throttle{busy: map[string]bool{}, window: map[string]*allowance{}, perMin: perMin, nowFunc: now}
}

// enter takes every key (all or none) and counts one attempt against
// address when it is not empty; release gives the keys back.
func (t *throttle) enter(address string, keys ...string) (release func(), err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		if t.busy[k] {
			return nil, errBusy
		}
	}
	if address != "" {
		now := t.nowFunc()
		w := t.window[address]
		if w == nil || now.Sub(w.start) >= time.Minute {
			if len(t.window) > 100_000 { // forget the old windows now and then
				for a, w := range t.window {
					if now.Sub(w.start) >= time.Minute {
						delete(t.window, a)
					}
				}
			}
			w = &allowance{start: now}
			t.window[address] = w
		}
		if w.n >= t.perMin {
			return nil, errTooMany
		}
		w.n++
	}
	for _, k := range keys {
		t.busy[k] = true
	}
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		for _, k := range keys {
			delete(t.busy, k)
		}
	}, nil
}

// accountKey and addressKey name the throttle's keys; a sign-in's account
// is the username as typed (lower case), so that an unknown and a known
// name are treated alike.
func accountKey(username string) string {
	return "account:" + strings.ToLower(strings.TrimSpace(username))
}
func addressKey(ip string) string { return "address:" + ip }

// SetPasswordCheckLimit sets how many password changes one address may
// try a minute (PasswordChecksPerMinute by default).
func (s *Service) SetPasswordCheckLimit(perMinute int) {
	s.throttle.mu.Lock()
	s.throttle.perMin = max(1, perMinute)
	s.throttle.mu.Unlock()
}
