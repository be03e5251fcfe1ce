package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"duijie/internal/auth"
	"duijie/internal/duijie"
)

// errSignIn is the one answer for an unknown user, a wrong password, a
// locked and a disabled account, so that none of them tells which accounts exist; it
// states the lockout rule instead.
var errSignIn = duijie.Errorf(duijie.EINVALID, "用户名或密码不正确。连续失败 %d 次，账号将锁定 %d 分钟。",
	duijie.LockoutFailures, int(duijie.LockoutDuration.Minutes()))

// SignIn checks a username and password. Unknown users, wrong passwords,
// locked and disabled accounts get the same message and take as long; failures count towards
// the lockout kept in the store.
func (s *Service) SignIn(ctx context.Context, a Actor, username, password string) (*duijie.User, error) {
	// One check at a time per name typed, refused before hashing (the
	// server limits sign-ins per address).
	release, err := s.throttle.enter("", accountKey(username))
	if err != nil {
		return nil, err
	}
	defer release()
	now := s.now()
	u, hash, err := s.db.UserByUsername(ctx, strings.TrimSpace(username))
	if duijie.ErrorCode(err) == duijie.ENOTFOUND {
		s.hasher.Verify(ctx, password, s.dummyHash) // same cost as a real check
		s.audit(ctx, a, duijie.AuditSignInFail, "user:"+username, "unknown user")
		return nil, errSignIn
	}
	if err != nil {
		return nil, err
	}
	if now.Before(u.LockedUntil) {
		s.hasher.Verify(ctx, password, s.dummyHash) // same cost as a real check
		s.audit(ctx, a, duijie.AuditSignInFail, "user:"+u.ID, "locked until "+u.LockedUntil.Format(time.RFC3339))
		return nil, errSignIn
	}
	if u.Disabled {
		s.hasher.Verify(ctx, password, s.dummyHash) // same cost as a real check
		s.audit(ctx, a, duijie.AuditSignInFail, "user:"+u.ID, "disabled")
		return nil, errSignIn
	}
	ok, err := s.hasher.Verify(ctx, password, hash)
	if err != nil {
		return nil, err
	}
	if !ok {
		until, err := s.db.SignInFailed(ctx, u.ID, now)
		if err != nil {
			return nil, err
		}
		s.audit(ctx, a, duijie.AuditSignInFail, "user:"+u.ID, "wrong password")
		if !until.IsZero() {
			s.audit(ctx, a, duijie.AuditLockout, "user:"+u.ID, "locked until "+until.Format("2006-01-02 15:04"))
		}
		return nil, errSignIn
	}
	if err := s.db.SignInSucceeded(ctx, u.ID); err != nil {
		return nil, err
	}
	s.audit(ctx, Actor{User: u, IP: a.IP}, duijie.AuditSignIn, "user:"+u.ID, "")
	return u, nil
}

// NewSession starts a session for u and returns the cookie value (the
// store keeps only its SHA-256).
func (s *Service) NewSession(ctx context.Context, u *duijie.User) (string, *duijie.Session, error) {
	value := randomToken()
	now := s.now()
	sess := &duijie.Session{ID: hashToken(value), UserID: u.ID, CSRF: randomToken(), Created: now, Seen: now}
	if err := s.db.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return value, sess, nil
}

// Session resolves a cookie value to its live session and user; an
// expired session is deleted and reads as not found. Activity is
// recorded at most once a minute.
func (s *Service) Session(ctx context.Context, value string) (*duijie.Session, *duijie.User, error) {
	if value == "" {
		return nil, nil, duijie.Errorf(duijie.ENOTFOUND, "未登录")
	}
	id := hashToken(value)
	sess, u, err := s.db.Session(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	// Disabling an account deletes its sessions; a session made by a
	// sign-in that raced with the disabling ends here.
	if sess.Expired(u.Role, now) || u.Disabled {
		s.db.DeleteSession(ctx, id)
		return nil, nil, duijie.Errorf(duijie.ENOTFOUND, "登录已过期")
	}
	if now.Sub(sess.Seen) > duijie.SessionTouch {
		if err := s.db.TouchSession(ctx, id, now); err != nil {
			return nil, nil, err
		}
	}
	return sess, u, nil
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, a Actor, sessionID string) error {
	s.audit(ctx, a, duijie.AuditSignOut, "session", "")
	return s.db.DeleteSession(ctx, sessionID)
}

// CreateToken signs in with a password and returns a new API bearer token.
func (s *Service) CreateToken(ctx context.Context, a Actor, username, password, name string) (string, *duijie.User, error) {
	u, err := s.SignIn(ctx, a, username, password)
	if err != nil {
		return "", nil, err
	}
	if u.MustChange {
		return "", nil, duijie.Errorf(duijie.EFORBIDDEN, "请先在网页上修改初始密码")
	}
	value := "dj_" + randomToken()
	if name == "" {
		name = "api"
	}
	if err := s.db.CreateToken(ctx, hashToken(value), u.ID, name); err != nil {
		return "", nil, err
	}
	s.audit(ctx, Actor{User: u, IP: a.IP}, duijie.AuditTokenCreate, "user:"+u.ID, name)
	return value, u, nil
}

// TokenUser resolves a bearer token.
func (s *Service) TokenUser(ctx context.Context, value string) (*duijie.User, error) {
	if !strings.HasPrefix(value, "dj_") {
		return nil, duijie.Errorf(duijie.ENOTFOUND, "令牌无效")
	}
	u, err := s.db.TokenUser(ctx, hashToken(value))
	if err == nil && u.Disabled {
		return nil, duijie.Errorf(duijie.ENOTFOUND, "令牌无效")
	}
	return u, err
}

// ChangePassword replaces the caller's password after checking the
// current one; every session and token of the user ends. The check is a
// password guess like a sign-in: one at a time per account and per
// address, PasswordChecksPerMinute a minute per address, refused before
// hashing; a wrong current password counts towards the account's lockout
// (kept in the store) and is audited, and a locked account cannot change
// its password until the lockout ends.
func (s *Service) ChangePassword(ctx context.Context, a Actor, current, next string) error {
	u := a.User
	if u == nil {
		return duijie.Errorf(duijie.EFORBIDDEN, "请先登录")
	}
	release, err := s.throttle.enter(a.IP, "user:"+u.ID, addressKey(a.IP))
	if err != nil {
		return err
	}
	defer release()
	now := s.now()
	fresh, hash, err := s.db.UserByUsername(ctx, u.Username)
	if err != nil {
		return err
	}
	if now.Before(fresh.LockedUntil) {
		s.audit(ctx, a, duijie.AuditPasswordFail, "user:"+u.ID, "locked until "+fresh.LockedUntil.Format(time.RFC3339))
		return errPasswordLocked(fresh.LockedUntil)
	}
	if ok, err := s.hasher.Verify(ctx, current, hash); err != nil {
		return err
	} else if !ok {
		until, err := s.db.SignInFailed(ctx, u.ID, now)
		if err != nil {
			return err
		}
		s.audit(ctx, a, duijie.AuditPasswordFail, "user:"+u.ID, "wrong current password")
		if !until.IsZero() {
			s.audit(ctx, a, duijie.AuditLockout, "user:"+u.ID, "locked until "+until.Format("2006-01-02 15:04"))
			return errPasswordLocked(until)
		}
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{"current": fmt.Sprintf(
			"当前密码不正确。连续失败 %d 次，账号将锁定 %d 分钟。", duijie.LockoutFailures, int(duijie.LockoutDuration.Minutes()))}}
	}
	if err := auth.CheckPassword(next, u.Role.Staff()); err != nil {
		return err // EINVALID with the message for "password"
	}
	if next == current {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{"password": "新密码不能与当前密码相同"}}
	}
	h, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	if err := s.db.SetPassword(ctx, u.ID, h, false); err != nil {
		return err
	}
	if err := s.db.SignInSucceeded(ctx, u.ID); err != nil { // the right password: the failures start again
		return err
	}
	s.audit(ctx, a, duijie.AuditPassword, "user:"+u.ID, "changed")
	return nil
}

// errPasswordLocked answers a password change of a locked account.
func errPasswordLocked(until time.Time) error {
	return &duijie.Error{Code: duijie.EINVALID, Message: "账号已锁定", Fields: map[string]string{"current": fmt.Sprintf(
		"当前密码连续输错 %d 次，账号已锁定至 %s，期间无法登录或修改密码；如非本人操作，请联系安全管理员。",
		duijie.LockoutFailures, until.In(duijie.ChinaTime).Format("15:04"))}}
}

// CreateUser makes an account with an issued password that must be
// changed at first sign-in; only a system administrator may.
func (s *Service) CreateUser(ctx context.Context, a Actor, u *duijie.User) (string, error) {
	if !a.User.Is(duijie.RoleSysAdmin) {
		return "", duijie.Errorf(duijie.EFORBIDDEN, "只有系统管理员可以创建账号")
	}
	if n := utf8.RuneCountInString(u.DisplayName); n > 40 || !utf8.ValidString(u.DisplayName) {
		return "", &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: map[string]string{"display_name": "姓名不能超过 40 个字"}}
	}
	if u.Role == duijie.RoleBroker && u.OrgID == "" {
		bureau, err := s.bureau(ctx)
		if err != nil {
			return "", err
		}
		u.OrgID = bureau.ID
	}
	password := IssuePassword()
	if err := s.createUser(ctx, u, password, true); err != nil {
		return "", err
	}
	s.audit(ctx, a, duijie.AuditUserCreate, "user:"+u.ID, string(u.Role))
	return password, nil
}

func (s *Service) createUser(ctx context.Context, u *duijie.User, password string, mustChange bool) error {
	if u.ID == "" {
		u.ID = duijie.NewID("u-")
	}
	h, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	u.MustChange = mustChange
	return s.db.CreateUser(ctx, u, h)
}

// IssuePassword returns a random password that meets the staff policy.
func IssuePassword() string {
	return "Dj-" + randomToken()[:16] + "-7a"
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:])
}

// bureau is the bureau's organisation, made on first use.
func (s *Service) bureau(ctx context.Context) (*duijie.Organization, error) {
	orgs, err := s.db.Organizations(ctx, duijie.OrgApproved)
	if err != nil {
		return nil, err
	}
	for i := range orgs {
		if orgs[i].Kind == duijie.OrgBureau {
			return &orgs[i], nil
		}
	}
	o := &duijie.Organization{ID: "bureau", Name: "科学技术局", Kind: duijie.OrgBureau, Region: "安徽省六安市", Status: duijie.OrgApproved}
	return o, s.db.PutOrganization(ctx, o)
}
