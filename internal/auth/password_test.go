package auth

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"duijie/internal/duijie"
)

// cheap keeps the tests fast; DefaultParams is checked separately.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestHashVerify(t *testing.T) {
	h := NewHasher(cheap, 2)
	ctx := context.Background()
	phc, err := h.Hash(ctx, "Duijie@2026")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("PHC string %q", phc)
	}
	again, _ := h.Hash(ctx, "Duijie@2026")
	if again == phc {
		t.Error("two hashes of one password must differ (random salt)")
	}
	for _, tt := range []struct {
		password string
		want     bool
	}{{"Duijie@2026", true}, {"duijie@2026", false}, {"", false}} {
		ok, err := h.Verify(ctx, tt.password, phc)
		if err != nil || ok != tt.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tt.password, ok, err, tt.want)
		}
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=x$c2FsdA$aGFzaA", "$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaA"} {
		if _, err := h.Verify(ctx, "x", bad); err == nil {
			t.Errorf("Verify against %q must fail", bad)
		}
	}
}

func TestDefaultParamsMeetTheBaseline(t *testing.T) {
	p := DefaultParams
	if p.Memory < 19*1024 || p.Time < 2 || p.Threads != 1 {
		t.Errorf("DefaultParams %+v below m=19MiB, t=2, p=1", p)
	}
	phc, err := NewHasher(p, 1).Hash(context.Background(), "Duijie@2026")
	if err != nil || !strings.Contains(phc, "m=19456,t=2,p=1") {
		t.Errorf("%q, %v", phc, err)
	}
}

func TestHashingConcurrencyIsBounded(t *testing.T) {
	h := NewHasher(cheap, 2)
	var now, peak atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := now.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(5 * time.Millisecond)
			now.Add(-1)
			h.release()
		}()
	}
	wg.Wait()
	if peak.Load() > 2 {
		t.Errorf("%d hashes ran at once, limit 2", peak.Load())
	}
	// a caller that gives up while waiting gets its context's error
	full := NewHasher(cheap, 1)
	full.acquire(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := full.Hash(ctx, "Duijie@2026"); err == nil {
		t.Error("Hash must give up when its context is done")
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		password string
		staff    bool
		wantMsg  string
	}{
		{"Duijie@2026", false, ""},
		{"Duijie@2026", true, "至少 12 位"},
		{"Duijie@2026-lu", true, ""},
		{"Dj@26", false, "至少 8 位"},
		{"duijiedj2026", false, "至少三类"},
		{"对接平台Dj2026", false, ""}, // Chinese characters count as "other"
		{strings.Repeat("Aa1!", 33), false, "不能超过 128 位"},
	}
	for _, tt := range tests {
		err := CheckPassword(tt.password, tt.staff)
		if tt.wantMsg == "" {
			if err != nil {
				t.Errorf("CheckPassword(%q, %v) = %v", tt.password, tt.staff, err)
			}
			continue
		}
		e, ok := err.(*duijie.Error)
		if !ok || e.Code != duijie.EINVALID || !strings.Contains(e.Fields["password"], tt.wantMsg) {
			t.Errorf("CheckPassword(%q, %v) = %v, want a message with %q", tt.password, tt.staff, err, tt.wantMsg)
		}
	}
}
