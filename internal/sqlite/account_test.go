package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"duijie/internal/duijie"
)

// accountFixture stores the enterprise, a member and a broker's bureau,
// and gives the member a session and an API token.
func accountFixture(t *testing.T) *DB {
	t.Helper()
	db, _ := MustOpen(t)
	ctx := context.Background()
	bureau := duijie.Organization{ID: "b1", Name: "六安市科学技术局", Kind: duijie.OrgBureau, Region: "la-jinan"}
	for _, o := range []duijie.Organization{enterprise, bureau} {
		if err := db.PutOrganization(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []duijie.User{
		{ID: "u1", OrgID: "e1", Username: "piyuan", Role: duijie.RoleEnterprise},
		{ID: "u2", OrgID: "b1", Username: "broker", Role: duijie.RoleBroker},
	} {
		if err := db.CreateUser(ctx, &u, "$argon2id$old"); err != nil {
			t.Fatal(err)
		}
	}
	giveAccess(t, db, "u1")
	giveAccess(t, db, "u2")
	return db
}

func giveAccess(t *testing.T, db *DB, userID string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	if err := db.CreateSession(ctx, &duijie.Session{ID: "s-" + userID + now.Format("150405.000000000"), UserID: userID, CSRF: "c", Created: now, Seen: now}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateToken(ctx, "t-"+userID+now.Format("150405.000000000"), userID, "api"); err != nil {
		t.Fatal(err)
	}
}

// access counts a user's sessions and tokens.
func access(t *testing.T, db *DB, userID string) (sessions, tokens int) {
	t.Helper()
	ctx := context.Background()
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE user_id = ?`, userID).Scan(&sessions); err != nil {
		t.Fatal(err)
	}
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM api_tokens WHERE user_id = ?`, userID).Scan(&tokens); err != nil {
		t.Fatal(err)
	}
	return sessions, tokens
}

func TestIssuePassword(t *testing.T) {
	db := accountFixture(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for i := 0; i < duijie.LockoutFailures; i++ {
		db.SignInFailed(ctx, "u1", t0)
	}
	if u, _ := db.User(ctx, "u1"); u.LockedUntil.IsZero() {
		t.Fatal("fixture: the account is not locked")
	}
	db.SignInFailed(ctx, "u1", t0.Add(31*time.Minute)) // a failure after the lock: count 1

	if err := db.IssuePassword(ctx, "u1", "$argon2id$issued"); err != nil {
		t.Fatal(err)
	}
	u, hash, err := db.UserByUsername(ctx, "piyuan")
	if err != nil || hash != "$argon2id$issued" || !u.MustChange || !u.LockedUntil.IsZero() {
		t.Fatalf("after issuing: %+v %q %v; want the new hash, must change, no lock", u, hash, err)
	}
	var count int
	var since string
	db.r.QueryRowContext(ctx, `SELECT failed_count, failed_since FROM users WHERE id = 'u1'`).Scan(&count, &since)
	if count != 0 || since != "" {
		t.Errorf("failure count %d since %q, want cleared", count, since)
	}
	if s, tk := access(t, db, "u1"); s+tk != 0 {
		t.Errorf("%d sessions and %d tokens survive an issued password", s, tk)
	}
	if s, tk := access(t, db, "u2"); s != 1 || tk != 1 {
		t.Errorf("another user's sessions %d and tokens %d changed", s, tk)
	}
	if err := db.IssuePassword(ctx, "nope", "x"); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("missing user: %v", err)
	}
}

func TestDisableAndRole(t *testing.T) {
	db := accountFixture(t)
	ctx := context.Background()
	if err := db.SetDisabled(ctx, "u1", true); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.User(ctx, "u1"); !u.Disabled {
		t.Error("not disabled")
	}
	if s, tk := access(t, db, "u1"); s+tk != 0 {
		t.Errorf("%d sessions and %d tokens survive disabling", s, tk)
	}
	if users, _ := db.Users(ctx); len(users) != 2 {
		t.Errorf("a disabled account still lists: %d users", len(users))
	}
	if err := db.SetDisabled(ctx, "u1", false); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.User(ctx, "u1"); u.Disabled {
		t.Error("still disabled")
	}
	if err := db.SetDisabled(ctx, "nope", true); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("missing user: %v", err)
	}

	if err := db.SetRole(ctx, "u2", duijie.RoleSecAdmin, ""); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.User(ctx, "u2"); u.Role != duijie.RoleSecAdmin || u.OrgID != "" {
		t.Errorf("after the role change: %+v", u)
	}
	if s, tk := access(t, db, "u2"); s+tk != 0 {
		t.Errorf("%d sessions and %d tokens survive a role change", s, tk)
	}
	if err := db.SetRole(ctx, "u2", duijie.RoleBroker, "b1"); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.User(ctx, "u2"); u.Role != duijie.RoleBroker || u.OrgID != "b1" {
		t.Errorf("back to broker: %+v", u)
	}
	if err := db.SetRole(ctx, "u2", "root", ""); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("unknown role: %v", err)
	}
	if err := db.SetRole(ctx, "nope", duijie.RoleAuditor, ""); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("missing user: %v", err)
	}
}

// TestCreditCodeUnique: one organisation per 统一社会信用代码, held by the
// index whatever path writes; empty codes and rejected registrations do
// not count.
func TestCreditCodeUnique(t *testing.T) {
	db, _ := MustOpen(t)
	ctx := context.Background()
	if err := db.PutOrganization(ctx, &enterprise); err != nil {
		t.Fatal(err)
	}
	if taken, err := db.CreditCodeTaken(ctx, enterprise.CreditCode); err != nil || !taken {
		t.Fatalf("CreditCodeTaken = %v, %v", taken, err)
	}
	if taken, _ := db.CreditCodeTaken(ctx, ""); taken {
		t.Error("the empty code is taken")
	}
	again := enterprise
	again.ID, again.Name = "e2", "六安另一家新能源有限公司"
	err := db.PutOrganization(ctx, &again)
	de, ok := err.(*duijie.Error)
	if !ok || de.Code != duijie.ECONFLICT || de.Fields["credit_code"] == "" {
		t.Fatalf("second organisation with the code: %v, want ECONFLICT on credit_code", err)
	}
	if strings.Contains(de.Message+de.Fields["credit_code"], enterprise.Name) {
		t.Errorf("the answer names the first registrant: %v", de.Fields)
	}
	u := duijie.User{ID: "u9", OrgID: "e3", Username: "second", Role: duijie.RoleEnterprise}
	reg := again
	reg.ID = "e3"
	if err := db.Register(ctx, &reg, &u, "x"); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("registration with a taken code: %v", err)
	}
	if _, err := db.User(ctx, "u9"); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("a refused registration left its user: %v", err)
	}
	// Updating the holder itself is no conflict.
	same := enterprise
	same.Short = "淠源"
	if err := db.PutOrganization(ctx, &same); err != nil {
		t.Errorf("updating the holder: %v", err)
	}
	// Institutes without a code: any number.
	for _, id := range []string{"i1", "i2"} {
		o := duijie.Organization{ID: id, Name: "院所" + id, Kind: duijie.OrgInstitute, Region: "hefei"}
		if err := db.PutOrganization(ctx, &o); err != nil {
			t.Errorf("institute %s without a code: %v", id, err)
		}
	}
	// A rejected registration frees its code for a corrected one.
	if err := db.SetOrgStatus(ctx, "e1", duijie.OrgRejected); err != nil {
		t.Fatal(err)
	}
	if taken, _ := db.CreditCodeTaken(ctx, enterprise.CreditCode); taken {
		t.Error("a rejected registration holds its code")
	}
	if err := db.PutOrganization(ctx, &again); err != nil {
		t.Errorf("registering after a rejection: %v", err)
	}
}
