package portal

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"duijie/internal/auth"
	"duijie/internal/duijie"
)

// TestMayIssuePassword states the rule in full: brokers for members and
// experts, the security administrator for everyone but the three
// administrator roles, nobody for those.
func TestMayIssuePassword(t *testing.T) {
	all := duijie.Roles
	want := map[duijie.Role][]duijie.Role{
		duijie.RoleBroker:     {duijie.RoleEnterprise, duijie.RoleInstitute, duijie.RoleExpert},
		duijie.RoleSecAdmin:   {duijie.RoleEnterprise, duijie.RoleInstitute, duijie.RoleBroker, duijie.RoleEnvoy, duijie.RoleExpert},
		duijie.RoleSysAdmin:   nil,
		duijie.RoleAuditor:    nil,
		duijie.RoleEnterprise: nil,
		duijie.RoleInstitute:  nil,
	}
	for _, issuer := range all {
		for _, target := range all {
			if got, w := duijie.MayIssuePassword(issuer, target), slices.Contains(want[issuer], target); got != w {
				t.Errorf("MayIssuePassword(%s, %s) = %v, want %v", issuer, target, got, w)
			}
		}
	}
}

func TestAccountLifecycle(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	user := func(name string) Actor {
		t.Helper()
		u, _, err := s.db.UserByUsername(ctx, name)
		must(t, err)
		return Actor{User: u, IP: "192.0.2.9"}
	}
	broker, sec, sys, aud, qiye := user("jingjiren"), user("anquan"), user("xitong"), user("shenji"), user("qiye")
	// staff makes a fresh staff account, so that the demo accounts stay as they are.
	staff := func(name string, role duijie.Role) (Actor, string) {
		t.Helper()
		u := &duijie.User{Username: name, Role: role}
		pw, err := s.CreateUser(ctx, sys, u)
		must(t, err)
		return Actor{User: u}, pw
	}
	member := func(name string) (Actor, string) {
		t.Helper()
		pw := "Member-Passw0rd"
		u := &duijie.User{Username: name, Role: duijie.RoleEnterprise, OrgID: qiye.User.OrgID}
		must(t, s.createUser(ctx, u, pw, false))
		return Actor{User: u}, pw
	}
	signIn := func(name, pw string) (*duijie.User, error) { return s.SignIn(ctx, Actor{IP: "192.0.2.1"}, name, pw) }
	// live says whether a session and a token made before still work.
	type access struct{ session, token string }
	grant := func(u *duijie.User) access {
		t.Helper()
		v, _, err := s.NewSession(ctx, u)
		must(t, err)
		tok := "dj_" + randomToken()
		must(t, s.db.CreateToken(ctx, hashToken(tok), u.ID, "test"))
		return access{v, tok}
	}
	live := func(a access) (session, token bool) {
		_, _, errS := s.Session(ctx, a.session)
		_, errT := s.TokenUser(ctx, a.token)
		return errS == nil, errT == nil
	}

	t.Run("IssueOneTimePassword", func(t *testing.T) {
		m, old := member("forgetful")
		before := grant(m.User)
		// Lock the account first: issuing lifts the lock.
		for range duijie.LockoutFailures {
			signIn("forgetful", "wrong-Passw0rd")
		}
		if u, _ := s.db.User(ctx, m.User.ID); !s.Locked(*u) {
			t.Fatal("fixture: not locked")
		}
		_, _, err := s.IssueOneTimePassword(ctx, broker, m.User.ID, false)
		wantCode(t, err, duijie.EINVALID) // identity not confirmed
		u, pw, err := s.IssueOneTimePassword(ctx, broker, m.User.ID, true)
		must(t, err)
		if u.Username != "forgetful" || !u.MustChange || pw == "" || auth.CheckPassword(pw, true) != nil {
			t.Fatalf("issued %+v %q: want must change and a password meeting the staff policy", u, pw)
		}
		if s, tk := live(before); s || tk {
			t.Errorf("after issuing: session alive %v, token alive %v", s, tk)
		}
		if _, err := signIn("forgetful", old); err == nil {
			t.Error("the old password still signs in")
		}
		got, err := signIn("forgetful", pw)
		if err != nil || !got.MustChange {
			t.Fatalf("the issued password: %+v %v; want a sign-in that must change it", got, err)
		}
		_, _, err = s.CreateToken(ctx, Actor{}, "forgetful", pw, "x")
		wantCode(t, err, duijie.EFORBIDDEN) // not before the change
		must(t, s.ChangePassword(ctx, Actor{User: got}, pw, "Forgetful-2026-new"))
		if got, err := signIn("forgetful", "Forgetful-2026-new"); err != nil || got.MustChange {
			t.Errorf("after the change: %+v %v", got, err)
		}
		entries, err := s.db.AuditLog(ctx, duijie.AuditPasswordIssue, 10)
		must(t, err)
		if len(entries) != 1 || entries[0].Actor != broker.User.ID || entries[0].Object != "user:"+m.User.ID {
			t.Fatalf("audit: %+v", entries)
		}
		all, err := s.db.AuditLog(ctx, "", 1000)
		must(t, err)
		for _, e := range all {
			if strings.Contains(e.Detail, pw) || strings.Contains(e.Object, pw) {
				t.Errorf("the issued password is in the audit log: %+v", e)
			}
		}
	})

	t.Run("IssueRule", func(t *testing.T) {
		b2, _ := staff("broker.two", duijie.RoleBroker)
		m, _ := member("member.two")
		for _, tc := range []struct {
			name   string
			issuer Actor
			target string
			code   string
		}{
			{"broker for a member", broker, m.User.ID, ""},
			{"broker for an institute member", broker, user("yuansuo").User.ID, ""},
			{"broker for a broker", broker, b2.User.ID, duijie.ENOTFOUND},
			{"broker for itself", broker, broker.User.ID, duijie.ENOTFOUND},
			{"broker for the system administrator", broker, sys.User.ID, duijie.ENOTFOUND},
			{"security administrator for a member", sec, m.User.ID, ""},
			{"security administrator for a broker", sec, b2.User.ID, ""},
			{"security administrator for the system administrator", sec, sys.User.ID, duijie.EFORBIDDEN},
			{"security administrator for the auditor", sec, aud.User.ID, duijie.EFORBIDDEN},
			{"security administrator for itself", sec, sec.User.ID, duijie.EFORBIDDEN},
			{"system administrator", sys, m.User.ID, duijie.EFORBIDDEN},
			{"auditor", aud, m.User.ID, duijie.EFORBIDDEN},
			{"member", qiye, m.User.ID, duijie.EFORBIDDEN},
			{"anonymous", Actor{}, m.User.ID, duijie.EFORBIDDEN},
			{"missing account", sec, "u-nope", duijie.ENOTFOUND},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, pw, err := s.IssueOneTimePassword(ctx, tc.issuer, tc.target, true)
				wantCode(t, err, tc.code)
				if (pw != "") != (tc.code == "") {
					t.Errorf("password %q with error %v", pw, err)
				}
			})
		}
		// The lists show exactly the accounts each issuer may reset.
		for _, a := range []Actor{broker, sec} {
			rows, err := s.IssuableAccounts(ctx, a, "")
			must(t, err)
			names := []string{}
			for _, r := range rows {
				if !duijie.MayIssuePassword(a.User.Role, r.Role) {
					t.Errorf("%s's list has %s (%s)", a.User.Username, r.Username, r.Role)
				}
				names = append(names, r.Username)
			}
			if !sort.StringsAreSorted(names) || !slices.Contains(names, "qiye") || slices.Contains(names, "xitong") {
				t.Errorf("%s's list: %v", a.User.Username, names)
			}
			if slices.Contains(names, "broker.two") != (a.User.Role == duijie.RoleSecAdmin) {
				t.Errorf("%s's list and broker.two: %v", a.User.Username, names)
			}
		}
		rows, err := s.IssuableAccounts(ctx, broker, "淠源")
		must(t, err)
		if len(rows) == 0 || rows[0].OrgName != "安徽淠源新能源科技有限公司" {
			t.Errorf("search by organisation: %+v", rows)
		}
		_, err = s.IssuableAccounts(ctx, broker, strings.Repeat("长", MaxAccountQuery+1))
		wantCode(t, err, duijie.EINVALID)
		_, err = s.IssuableAccounts(ctx, sys, "")
		wantCode(t, err, duijie.EFORBIDDEN)
	})

	t.Run("Disable", func(t *testing.T) {
		m, pw := member("leaving")
		before := grant(m.User)
		wantCode(t, s.SetDisabled(ctx, sec, m.User.ID, true), duijie.EFORBIDDEN)
		wantCode(t, s.SetDisabled(ctx, sys, sys.User.ID, true), duijie.EFORBIDDEN) // not oneself
		wantCode(t, s.SetDisabled(ctx, sys, "u-nope", true), duijie.ENOTFOUND)
		must(t, s.SetDisabled(ctx, sys, m.User.ID, true))
		wantCode(t, s.SetDisabled(ctx, sys, m.User.ID, true), duijie.ECONFLICT)
		if sess, tok := live(before); sess || tok {
			t.Errorf("after disabling: session alive %v, token alive %v", sess, tok)
		}
		_, errDisabled := signIn("leaving", pw)
		_, errUnknown := signIn("nobody.at.all", pw)
		wantCode(t, errDisabled, duijie.EINVALID)
		if errDisabled.Error() != errUnknown.Error() {
			t.Errorf("disabled %q and unknown %q answer differently", errDisabled, errUnknown)
		}
		_, _, err := s.CreateToken(ctx, Actor{}, "leaving", pw, "x")
		wantCode(t, err, duijie.EINVALID)
		_, _, err = s.IssueOneTimePassword(ctx, broker, m.User.ID, true)
		wantCode(t, err, duijie.ECONFLICT)
		// A session or token made by a sign-in that raced with the
		// disabling does not work either.
		d, _ := s.db.User(ctx, m.User.ID)
		late := grant(d)
		if sess, tok := live(late); sess || tok {
			t.Errorf("a disabled account's new session alive %v, token alive %v", sess, tok)
		}
		must(t, s.SetDisabled(ctx, sys, m.User.ID, false))
		if _, err := signIn("leaving", pw); err != nil {
			t.Errorf("re-enabled: %v", err)
		}
		for _, action := range []string{duijie.AuditUserDisable, duijie.AuditUserEnable} {
			entries, _ := s.db.AuditLog(ctx, action, 10)
			if len(entries) != 1 || entries[0].Actor != sys.User.ID || entries[0].Object != "user:"+m.User.ID {
				t.Errorf("audit %s: %+v", action, entries)
			}
		}
	})

	t.Run("ChangeRole", func(t *testing.T) {
		b, _ := staff("promoted", duijie.RoleBroker)
		before := grant(b.User)
		wantCode(t, s.ChangeRole(ctx, sec, b.User.ID, duijie.RoleSecAdmin), duijie.EFORBIDDEN)
		wantCode(t, s.ChangeRole(ctx, sys, b.User.ID, duijie.RoleEnterprise), duijie.EINVALID)
		wantCode(t, s.ChangeRole(ctx, sys, b.User.ID, "root"), duijie.EINVALID)
		wantCode(t, s.ChangeRole(ctx, sys, sys.User.ID, duijie.RoleAuditor), duijie.EFORBIDDEN) // not oneself
		wantCode(t, s.ChangeRole(ctx, sys, qiye.User.ID, duijie.RoleBroker), duijie.ECONFLICT)  // members follow their organisation
		wantCode(t, s.ChangeRole(ctx, sys, b.User.ID, duijie.RoleBroker), duijie.ECONFLICT)     // no change
		wantCode(t, s.ChangeRole(ctx, sys, "u-nope", duijie.RoleBroker), duijie.ENOTFOUND)
		must(t, s.ChangeRole(ctx, sys, b.User.ID, duijie.RoleSecAdmin))
		u, _ := s.db.User(ctx, b.User.ID)
		if u.Role != duijie.RoleSecAdmin || u.OrgID != "" {
			t.Errorf("after the change: role %s org %q", u.Role, u.OrgID)
		}
		if sess, tok := live(before); sess || tok {
			t.Errorf("after a role change: session alive %v, token alive %v", sess, tok)
		}
		must(t, s.ChangeRole(ctx, sys, b.User.ID, duijie.RoleBroker))
		if u, _ := s.db.User(ctx, b.User.ID); u.OrgID != broker.User.OrgID {
			t.Errorf("a broker again belongs to %q, want the bureau %q", u.OrgID, broker.User.OrgID)
		}
		entries, _ := s.db.AuditLog(ctx, duijie.AuditUserRole, 10)
		if len(entries) != 2 || entries[0].Actor != sys.User.ID || !strings.Contains(entries[0].Detail+entries[1].Detail, "broker -> secadmin") {
			t.Errorf("audit: %+v", entries)
		}
	})

	t.Run("CreditCode", func(t *testing.T) {
		reg := func(name, user string) Registration {
			return Registration{OrgName: name, OrgKind: duijie.OrgEnterprise, Region: "la-jinan",
				CreditCode: strings.ToLower(validCreditCode("91341500MA2TU9K4X")), Username: user, Password: "Unique-Passw0rd",
				Confirm: "Unique-Passw0rd", Phone: "13800000009"}
		}
		_, err := s.Register(ctx, Actor{}, reg("六安首家注册有限公司", "first.reg"))
		must(t, err)
		_, err = s.Register(ctx, Actor{}, reg("六安第二家有限公司", "second.reg"))
		wantCode(t, err, duijie.EINVALID)
		de := err.(*duijie.Error)
		if de.Fields["credit_code"] == "" || strings.Contains(de.Fields["credit_code"]+de.Message, "首家") {
			t.Errorf("second registration: %+v", de)
		}
		// A demo enterprise's code is taken too.
		r := reg("六安第三家有限公司", "third.reg")
		r.CreditCode = "91341500MA2T8K3L6G" // ent-a01
		_, err = s.Register(ctx, Actor{}, r)
		wantCode(t, err, duijie.EINVALID)
		if f := err.(*duijie.Error).Fields["credit_code"]; f == "" || strings.Contains(f, "淠源") {
			t.Errorf("demo code: %q", f)
		}
	})

	t.Run("BureauName", func(t *testing.T) {
		if name, err := s.BureauName(ctx); err != nil || name != "六安市科学技术局" {
			t.Errorf("BureauName = %q, %v", name, err)
		}
	})
}

// TestDisabledSignInTakesAsLong: a disabled account's sign-in costs a
// password check like an unknown user's, so that timing does not tell
// the two apart.
func TestDisabledSignInTakesAsLong(t *testing.T) {
	s, passwords := newTestService(t)
	ctx := context.Background()
	// The same store with a hasher whose dummy check costs something.
	slow, err := New(ctx, s.db, s.ix, auth.NewHasher(auth.Params{Memory: 8 << 10, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}, 2),
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	must(t, err)
	sys, _, err := s.db.UserByUsername(ctx, "xitong")
	must(t, err)
	target, _, err := s.db.UserByUsername(ctx, "gongyanyuan")
	must(t, err)
	must(t, s.SetDisabled(ctx, Actor{User: sys}, target.ID, true))
	median := func(name string) time.Duration {
		var ds []time.Duration
		for range 5 {
			start := time.Now()
			if _, err := slow.SignIn(ctx, Actor{}, name, passwords["gongyanyuan"]); err == nil {
				t.Fatalf("%s signed in", name)
			}
			ds = append(ds, time.Since(start))
		}
		slices.Sort(ds)
		return ds[2]
	}
	unknown, disabled := median("nobody.here"), median("gongyanyuan")
	t.Logf("unknown user %v, disabled account %v", unknown, disabled)
	if disabled < unknown/3 {
		t.Errorf("a disabled account answers in %v, an unknown user in %v: timing tells them apart", disabled, unknown)
	}
}
