package server

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"duijie/internal/auth"
	"duijie/internal/duijie"
	"duijie/internal/indexer"
	"duijie/internal/portal"
	"duijie/internal/sqlite"
)

// smallStack is a portal without the demo set, with its own hasher (real
// argon2id costs, two slots) and its own per-address allowances.
func smallStack(t *testing.T) (*stack, *auth.Hasher) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, dir+"/duijie.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ix, err := indexer.OpenIndexes(dir + "/index")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := auth.NewHasher(auth.Params{Memory: 8 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)
	svc, err := portal.New(ctx, db, ix, h, log)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Service: svc, Log: log, SignInLimit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	st := &stack{srv: srv, db: db, logins: map[string]string{}, sessions: map[string]*client{}}
	sys := portal.Actor{User: &duijie.User{ID: "u-sys", Role: duijie.RoleSysAdmin}}
	for _, name := range []string{"flooder", "other"} {
		pw, err := svc.CreateUser(ctx, sys, &duijie.User{Username: name, Role: duijie.RoleBroker})
		if err != nil {
			t.Fatal(err)
		}
		st.logins[name] = pw
	}
	return st, h
}

func auditCount(t *testing.T, st *stack, action, object string) int {
	t.Helper()
	n := 0
	err := st.db.AuditEach(context.Background(), sqlite.AuditFilter{Action: action}, func(e duijie.AuditEntry) error {
		if object == "" || e.Object == object {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPasswordChangeLockout: wrong current passwords on /account/password
// count towards the account's lockout like sign-ins, are audited, and the
// right password is refused once the account is locked; sign-in is locked
// as well.
func TestPasswordChangeLockout(t *testing.T) {
	st, _ := smallStack(t)
	c, code, where := signIn(t, st, "flooder", st.logins["flooder"])
	if code != 303 || where != "/account/password" {
		t.Fatalf("sign in: %d %s", code, where)
	}
	uid := ""
	for _, u := range mustUsers(t, st) {
		if u.Username == "flooder" {
			uid = u.ID
		}
	}
	change := func(current string) (int, string) {
		res, body := c.do(t, "POST", "/account/password", url.Values{"current": {current}, "password": {"Flood-2026-new!"}, "password2": {"Flood-2026-new!"}}, nil)
		return res.StatusCode, body
	}
	for i := range duijie.LockoutFailures {
		code, body := change("Wrong-guess-" + string(rune('a'+i)))
		if code != 422 {
			t.Fatalf("guess %d: %d", i+1, code)
		}
		if i == duijie.LockoutFailures-1 && !strings.Contains(body, "账号已锁定") {
			t.Errorf("the fifth failure does not say the account is locked: %.300s", body)
		}
	}
	if code, body := change(st.logins["flooder"]); code != 422 || !strings.Contains(body, "账号已锁定") {
		t.Errorf("the right password after %d failures: %d, want refused as locked: %.300s", duijie.LockoutFailures, code, body)
	}
	if _, code, _ := signIn(t, st, "flooder", st.logins["flooder"]); code != 401 {
		t.Errorf("sign-in of the locked account: %d", code)
	}
	if n := auditCount(t, st, duijie.AuditPasswordFail, "user:"+uid); n != duijie.LockoutFailures+1 {
		t.Errorf("%d password failures audited, want %d", n, duijie.LockoutFailures+1)
	}
	if n := auditCount(t, st, duijie.AuditLockout, "user:"+uid); n != 1 {
		t.Errorf("%d lockouts audited, want 1", n)
	}
}

func mustUsers(t *testing.T, st *stack) []duijie.User {
	t.Helper()
	us, err := st.db.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return us
}

// TestPasswordChangeAddressLimit: one address gets
// portal.PasswordChecksPerMinute password changes a minute, then the
// Chinese 429, before any hashing.
func TestPasswordChangeAddressLimit(t *testing.T) {
	st, h := smallStack(t)
	st.srv.svc.SetPasswordCheckLimit(3)
	c, _, _ := signIn(t, st, "other", st.logins["other"])
	hashes, _ := h.Stats()
	for i := range 4 {
		res, body := c.do(t, "POST", "/account/password", url.Values{"current": {"Wrong-guess-1"}, "password": {"Other-2026-new!"}, "password2": {"Other-2026-new!"}}, nil)
		want := 422
		if i == 3 {
			want = 429
		}
		if res.StatusCode != want || (want == 429 && !strings.Contains(body, "尝试过于频繁")) {
			t.Fatalf("attempt %d: %d, want %d: %.200s", i+1, res.StatusCode, want, body)
		}
	}
	if after, _ := h.Stats(); after-hashes != 3 {
		t.Errorf("%d hashes for 3 allowed attempts and one refused", after-hashes)
	}
}

// TestPasswordFloodDoesNotQueueOthers: a bounded burst of 200 password
// changes from one session at 50 concurrent takes at most one of the
// hasher's two slots at a time, refused past that before hashing; another
// user's sign-in in the middle of it never waits for a slot.
func TestPasswordFloodDoesNotQueueOthers(t *testing.T) {
	st, h := smallStack(t)
	flooder, _, _ := signIn(t, st, "flooder", st.logins["flooder"])
	hashes0, waits0 := h.Stats()
	var sent atomic.Int64
	var wg sync.WaitGroup
	jobs := make(chan int)
	statuses := make([]int, 200)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				res, _ := flooder.do(t, "POST", "/account/password", url.Values{"current": {"Wrong-guess-" + string(rune('a'+i%26))},
					"password": {"Flood-2026-new!"}, "password2": {"Flood-2026-new!"}}, nil)
				statuses[i] = res.StatusCode
				sent.Add(1)
			}
		}()
	}
	signedIn := make(chan int, 1)
	for i := range 200 {
		jobs <- i
		if i == 100 { // the other user signs in while the burst goes on
			go func() {
				_, code, _ := signIn(t, st, "other", st.logins["other"])
				signedIn <- code
			}()
		}
	}
	close(jobs)
	wg.Wait()
	if code := <-signedIn; code != 303 {
		t.Errorf("the other user's sign-in: %d", code)
	}
	hashes, waits := h.Stats()
	hashes, waits = hashes-hashes0, waits-waits0
	refused := 0
	for _, s := range statuses {
		if s == 429 {
			refused++
		}
	}
	// The burst's hashes: at most the address's allowance; the other
	// user's sign-in: one more.
	if hashes > portal.PasswordChecksPerMinute+1 {
		t.Errorf("the burst made %d hashes, want at most %d", hashes, portal.PasswordChecksPerMinute+1)
	}
	if waits != 0 {
		t.Errorf("%d hashes waited for a slot: the burst queues the others", waits)
	}
	if refused < 200-portal.PasswordChecksPerMinute {
		t.Errorf("%d of 200 refused with 429", refused)
	}
}

// TestRegistrationNoUsernameOracle: a taken username, a reserved one and
// (for comparison) the taken one with another field wrong get answers that
// neither name the user nor say it exists.
func TestRegistrationNoUsernameOracle(t *testing.T) {
	st := mustStack(t)
	register := func(username, code, phone string) (int, string) {
		c := st.anon(t)
		res, body := c.do(t, "POST", "/register", url.Values{"org_name": {"六安" + code + "测试有限公司"}, "org_kind": {"enterprise"},
			"region": {"la-jinan"}, "credit_code": {code}, "username": {username}, "display_name": {"测试"},
			"password": {"Test-2026-pass"}, "password2": {"Test-2026-pass"}, "phone": {phone}}, nil)
		return res.StatusCode, body
	}
	codeFor := func(name string) string {
		p := prefix17(name)
		for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
			if duijie.ValidCreditCode(p + string(c)) {
				return p + string(c)
			}
		}
		t.Fatal("no credit code")
		return ""
	}
	fieldError := regexp.MustCompile(`name="username"[^>]*><span class="field-error" role="alert">([^<]*)<`)
	answers := map[string]string{}
	for _, tc := range []struct{ name, username string }{{"taken", "qiye"}, {"taken admin", "xitong"}, {"reserved", "administrator"}} {
		code, body := register(tc.username, codeFor("ORACLE"+tc.name), "13900000088")
		if code != 422 {
			t.Fatalf("%s: %d", tc.name, code)
		}
		if strings.Contains(body, "已被使用") || strings.Contains(body, "用户名 "+tc.username) {
			t.Errorf("%s: the answer confirms the account: %s", tc.name, around(body, strings.Index(body, "已被使用")))
		}
		if m := fieldError.FindStringSubmatch(body); m != nil {
			answers[tc.name] = m[1]
		}
	}
	if answers["taken"] != answers["reserved"] || answers["taken"] != answers["taken admin"] || !strings.Contains(answers["taken"], "此用户名无法注册") {
		t.Errorf("answers differ or are not the generic one: %q", answers)
	}
	// With another field wrong, nothing is said about the name at all.
	if _, body := register("qiye", codeFor("ORACLEBAD"), "12"); strings.Contains(body, "此用户名无法注册") {
		t.Error("the username is checked before the rest of the form is valid")
	}
}

// TestListSnippetsAudited: a broker's list that shows the hidden body of a
// bureau-only challenge (page or API) is audited once per posting per
// answer, as the detail view is.
func TestListSnippetsAudited(t *testing.T) {
	st := mustStack(t)
	const id = "ch-a036"
	ch, err := st.db.Challenge(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Visibility == duijie.VisibilityPublic {
		t.Fatalf("%s is public", id)
	}
	q := url.QueryEscape(ch.Title)
	for _, target := range []string{"/challenges?q=" + q, "/api/v1/challenges?q=" + q} {
		before := auditCount(t, st, duijie.AuditConfidential, "challenge:"+id)
		res, body := st.as(t, "jingjiren").do(t, "GET", target, nil, nil)
		if res.StatusCode != 200 || !strings.Contains(body, id) {
			t.Fatalf("%s: %d, %s not listed", target, res.StatusCode, id)
		}
		if got := auditCount(t, st, duijie.AuditConfidential, "challenge:"+id) - before; got != 1 {
			t.Errorf("%s: %d audit entries for the listed hidden body, want 1", target, got)
		}
	}
}
