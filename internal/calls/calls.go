// Package calls is 揭榜挂帅: calls on published challenges with a reward,
// a deadline and published criteria; institutes' proposals with their
// attachments; the expert pool (评审专家库); each call's panel drawn at
// random from the pool, reproducibly from a recorded seed and without
// conflicts of interest; the panel's reviews, the ranking and the award,
// which becomes an introduction at 双方确认. A sibling service of portal
// and workflow: rights are decided here against the store; nothing here
// knows about HTTP.
package calls

import (
	"context"
	"log/slog"
	"time"

	"duijie/internal/auth"
	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Actor is who calls (duijie.Actor, shared by every service).
type Actor = duijie.Actor

// Service is the calls service.
type Service struct {
	db     *sqlite.DB
	log    *slog.Logger
	now    func() time.Time
	hasher *auth.Hasher
	// seed makes a draw's seed; crypto/rand unless a test sets it.
	seed func() string
	// applies limits applications to the expert pool per address.
	applies *throttle
}

// New returns the service over an open store; now is the clock (shared
// with the portal), hasher hashes the one-time passwords of experts'
// accounts.
func New(db *sqlite.DB, log *slog.Logger, now func() time.Time, hasher *auth.Hasher) *Service {
	return &Service{db: db, log: log, now: now, hasher: hasher, seed: newSeed, applies: newThrottle(ApplicationsPerHour, time.Hour)}
}

func (s *Service) audit(ctx context.Context, a Actor, action, object, detail string) {
	s.db.Audit(ctx, s.log, a.Entry(action, object, detail))
}

func (s *Service) today() time.Time { return duijie.Today(s.now()) }

func brokerOnly(a Actor) error {
	if !a.User.Is(duijie.RoleBroker) {
		return duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以办理揭榜挂帅")
	}
	return nil
}

// hide turns a missing object into the one not-found answer.
func hide(err error, what string) error {
	if duijie.ErrorCode(err) == duijie.ENOTFOUND {
		return duijie.Errorf(duijie.ENOTFOUND, "%s不存在或无权查看", what)
	}
	return err
}

// checkText refuses text a field never needs, as every text field of the
// portal: invalid UTF-8, NUL and other control characters, invisible
// format characters (U+202E and the other bidi controls); nil if clean.
func checkText(field, label, s string) error {
	if bad := duijie.BadText(s, true); bad != "" {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{field: label + bad}}
	}
	return nil
}

func invalid(field, msg string) error {
	return &duijie.Error{Code: duijie.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}
