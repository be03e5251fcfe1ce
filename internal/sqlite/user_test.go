package sqlite

import (
	"context"
	"testing"
	"time"

	"duijie/internal/duijie"
)

func TestUsersAndLockout(t *testing.T) {
	db, _ := MustOpen(t)
	ctx := context.Background()
	if err := db.PutOrganization(ctx, &enterprise); err != nil {
		t.Fatal(err)
	}
	u := duijie.User{ID: "u1", OrgID: "e1", Username: "piyuan", DisplayName: "王工", Role: duijie.RoleEnterprise}
	if err := db.CreateUser(ctx, &u, "$argon2id$stub"); err != nil {
		t.Fatal(err)
	}
	admin := duijie.User{ID: "u2", Username: "sysadmin", Role: duijie.RoleSysAdmin}
	if err := db.CreateUser(ctx, &admin, "$argon2id$stub"); err != nil {
		t.Fatalf("an administrator belongs to no organisation: %v", err)
	}
	dup := u
	dup.ID = "u3"
	if err := db.CreateUser(ctx, &dup, "x"); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("duplicate username: %v, want ECONFLICT", err)
	}
	bad := duijie.User{ID: "u4", Username: "x", Role: "root"}
	if err := db.CreateUser(ctx, &bad, "x"); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("unknown role: %v, want EINVALID", err)
	}
	got, hash, err := db.UserByUsername(ctx, "piyuan")
	if err != nil || got.ID != "u1" || got.OrgID != "e1" || got.Role != duijie.RoleEnterprise || hash != "$argon2id$stub" {
		t.Fatalf("UserByUsername = %+v, %q, %v", got, hash, err)
	}
	if _, _, err := db.UserByUsername(ctx, "nobody"); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("unknown user: %v", err)
	}

	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	// Four failures, then a gap longer than the window: the count starts over.
	for i := 0; i < 4; i++ {
		if until, err := db.SignInFailed(ctx, "u1", t0.Add(time.Duration(i)*time.Minute)); err != nil || !until.IsZero() {
			t.Fatalf("failure %d: locked until %v, %v", i+1, until, err)
		}
	}
	later := t0.Add(20 * time.Minute)
	for i := 0; i < 4; i++ {
		if until, _ := db.SignInFailed(ctx, "u1", later.Add(time.Duration(i)*time.Minute)); !until.IsZero() {
			t.Fatalf("a failure outside the window counted: locked at %d", i+1)
		}
	}
	until, err := db.SignInFailed(ctx, "u1", later.Add(5*time.Minute))
	if err != nil || !until.Equal(later.Add(5*time.Minute+duijie.LockoutDuration)) {
		t.Fatalf("fifth failure in the window: locked until %v, %v", until, err)
	}
	got, _, _ = db.UserByUsername(ctx, "piyuan")
	if !got.LockedUntil.Equal(until) {
		t.Errorf("stored lock %v, want %v", got.LockedUntil, until)
	}
	// A success clears the count, not the lock.
	if err := db.SignInSucceeded(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	if got, _, _ = db.UserByUsername(ctx, "piyuan"); !got.LockedUntil.Equal(until) {
		t.Errorf("a success lifted the lock: %v", got.LockedUntil)
	}
	if _, err := db.SignInFailed(ctx, "nobody", t0); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("failure of an unknown user: %v", err)
	}
}
