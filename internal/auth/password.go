// Package auth holds the sign-in primitives of Duijie's security baseline
// (../shared/docs/SECURITY.md): argon2id password hashes in PHC strings with
// bounded hashing concurrency, and the password policy.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"duijie/internal/duijie"
)

// Params are argon2id costs. The baseline asks for m ≥ 19 MiB, t ≥ 2, p = 1.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
	SaltLen int
}

// DefaultParams meet the baseline: 19 MiB, 2 passes, 1 lane.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// Hasher hashes and verifies passwords, at most a fixed number at a time:
// each hash takes 19 MiB and tens of milliseconds, and a burst of sign-ins
// must not exhaust memory.
type Hasher struct {
	p   Params
	sem chan struct{}
	// hashes counts the hashes asked for, waits those that found every
	// slot taken and had to queue (see Stats).
	hashes, waits atomic.Int64
}

// Stats reports how many hashes were computed and how many of them had to
// wait for a slot: a caller's limits in front of the Hasher are tested by
// these, not by the clock.
func (h *Hasher) Stats() (hashes, waits int64) { return h.hashes.Load(), h.waits.Load() }

// NewHasher returns a Hasher that runs at most concurrent hashes at once.
func NewHasher(p Params, concurrent int) *Hasher {
	return &Hasher{p: p, sem: make(chan struct{}, max(1, concurrent))}
}

func (h *Hasher) acquire(ctx context.Context) error {
	h.hashes.Add(1)
	select {
	case h.sem <- struct{}{}:
		return nil
	default:
	}
	h.waits.Add(1)
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns the PHC string of password:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, h.p.Time, h.p.Memory, h.p.Threads, h.p.KeyLen)
	h.release()
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.p.Memory, h.p.Time, h.p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Verify reports whether password matches the PHC string, in constant time
// for the comparison. The costs come from the string, so hashes made with
// older parameters still verify.
func (h *Hasher) Verify(ctx context.Context, password, phc string) (bool, error) {
	p, salt, key, err := parsePHC(phc)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	h.release()
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func parsePHC(phc string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("auth: not an argon2id hash")
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || threads == 0 || threads > 255 {
		return p, nil, nil, fmt.Errorf("auth: bad argon2id parameters %q", parts[3])
	}
	p.Threads = uint8(threads)
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, fmt.Errorf("auth: bad salt")
	}
	key, err := enc.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return p, nil, nil, fmt.Errorf("auth: bad hash")
	}
	return p, salt, key, nil
}

// CheckPassword applies the password policy: at least 8 characters (12 for
// bureau staff and administrators) from at least three of four classes
// (lower case, upper case, digits, other characters).
func CheckPassword(password string, staff bool) error {
	minLen := 8
	if staff {
		minLen = 12
	}
	n := utf8.RuneCountInString(password)
	if n < minLen {
		return &duijie.Error{Code: duijie.EINVALID, Message: "密码不符合要求",
			Fields: map[string]string{"password": fmt.Sprintf("密码至少 %d 位", minLen)}}
	}
	if n > 128 {
		return &duijie.Error{Code: duijie.EINVALID, Message: "密码不符合要求",
			Fields: map[string]string{"password": "密码不能超过 128 位"}}
	}
	var lower, upper, digit, other int
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	if lower+upper+digit+other < 3 {
		return &duijie.Error{Code: duijie.EINVALID, Message: "密码不符合要求",
			Fields: map[string]string{"password": "密码须包含大写字母、小写字母、数字、符号中的至少三类"}}
	}
	return nil
}
