package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"duijie/internal/duijie"
)

// TestRolesMigration rebuilds the users table of a store written before
// 0010_roles.sql: every user keeps every column, the rows that refer to
// users (sessions, an introduction's broker) still do and still cascade,
// foreign keys are on again afterwards, and the two new roles can be
// stored while an unknown one still cannot.
func TestRolesMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "duijie.db")
	old, err := open(ctx, path, 9)
	must(t, err)
	for _, q := range []string{
		`INSERT INTO organizations (id, name, kind, region, created_at) VALUES ('o1', '皖西学院', 'institute', 'la-jinan', '')`,
		`INSERT INTO users (id, org_id, username, display_name, role, password_hash, failed_count, failed_since, locked_until,
			created_at, must_change, phone, email, lead, counties, disabled)
		 VALUES ('u1', 'o1', 'wxxy', '张老师', 'institute', 'h1', 2, 's1', 'l1', 'c1', 1, '13800000000', 'a@b.cn', 0, '[]', 1),
		        ('u2', NULL, 'jjr', '李经纪', 'broker', 'h2', 0, '', '', 'c2', 0, '', '', 1, '["la-jinan"]', 0)`,
		`INSERT INTO sessions (id_hash, user_id, csrf, created_at, seen_at) VALUES ('s1', 'u1', 'x', '', ''), ('s2', 'u2', 'y', '', '')`,
	} {
		_, err := old.w.ExecContext(ctx, q)
		must(t, err)
	}
	old.Close()

	db, err := Open(ctx, path)
	must(t, err)
	defer db.Close()
	type row struct {
		ID, Org, Name, Display, Role, Hash, Since, Locked, Created, Phone, Email, Counties string
		Failed, Must, Lead, Disabled                                                       int
	}
	var got []row
	rows, err := db.w.QueryContext(ctx, `SELECT id, coalesce(org_id, ''), username, display_name, role, password_hash, failed_since,
		locked_until, created_at, phone, email, counties, failed_count, must_change, lead, disabled FROM users ORDER BY id`)
	must(t, err)
	for rows.Next() {
		var r row
		must(t, rows.Scan(&r.ID, &r.Org, &r.Name, &r.Display, &r.Role, &r.Hash, &r.Since, &r.Locked, &r.Created, &r.Phone,
			&r.Email, &r.Counties, &r.Failed, &r.Must, &r.Lead, &r.Disabled))
		got = append(got, r)
	}
	must(t, rows.Err())
	want := []row{
		{"u1", "o1", "wxxy", "张老师", "institute", "h1", "s1", "l1", "c1", "13800000000", "a@b.cn", "[]", 2, 1, 0, 1},
		{"u2", "", "jjr", "李经纪", "broker", "h2", "", "", "c2", "", "", `["la-jinan"]`, 0, 0, 1, 0},
	}
	if len(got) != len(want) {
		t.Fatalf("users after migration: %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("user %d: %+v, want %+v", i, got[i], want[i])
		}
	}

	var fk int
	must(t, db.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk))
	if fk != 1 {
		t.Errorf("foreign_keys = %d after the migration, want 1", fk)
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, seen_at) VALUES ('s3', 'nobody', '', '', '')`); err == nil {
		t.Error("a session of a missing user was stored: foreign keys are off")
	}
	_, err = db.w.ExecContext(ctx, `DELETE FROM users WHERE id = 'u1'`)
	must(t, err)
	var n int
	must(t, db.w.QueryRowContext(ctx, `SELECT count(*) FROM sessions`).Scan(&n))
	if n != 1 {
		t.Errorf("%d sessions after deleting u1, want 1 (the cascade refers to the rebuilt table)", n)
	}

	for _, r := range []duijie.Role{duijie.RoleExpert, duijie.RoleEnvoy} {
		u := &duijie.User{ID: "n-" + string(r), Username: "new-" + string(r), DisplayName: r.Label(), Role: r}
		if err := db.CreateUser(ctx, u, "hash"); err != nil {
			t.Errorf("create a %s: %v", r, err)
		}
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO users (id, username, role, password_hash, created_at) VALUES ('u9', 'x', 'king', 'h', '')`); err == nil {
		t.Error("a user of an unknown role was stored")
	}
}
