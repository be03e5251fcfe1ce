package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// dumpTables reads every table of the database at path, rows ordered by
// rowid, every column as SQLite holds it.
func dumpTables(t *testing.T, path string) map[string][][]any {
	t.Helper()
	ctx := context.Background()
	c, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	names, err := tableNames(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]any{}
	for _, name := range names {
		rows, err := c.QueryContext(ctx, fmt.Sprintf(`SELECT * FROM %q ORDER BY rowid`, name))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var all [][]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			all = append(all, vals)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		out[name] = all
	}
	return out
}

// TestBackup copies a store held open by another handle (the running
// portal), through a read-only second opening, and compares every table.
func TestBackup(t *testing.T) {
	db, path := MustOpen(t)
	ctx := context.Background()
	e, i := enterprise, institute
	must(t, db.PutOrganization(ctx, &e))
	must(t, db.PutOrganization(ctx, &i))
	c := sampleChallenge()
	must(t, db.PutChallenge(ctx, &c))

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.PutOrganization(ctx, &e); err == nil {
		t.Error("the read-only opening wrote")
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	info, err := ro.Backup(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(out)
	if err != nil || st.Size() != info.Size || info.Size == 0 {
		t.Fatalf("copy %v, size %d, reported %d", err, st.Size(), info.Size)
	}
	want := dumpTables(t, path)
	got := dumpTables(t, out)
	if len(want) < 5 || !reflect.DeepEqual(got, want) {
		t.Fatalf("copy differs: %d tables, want %d", len(got), len(want))
	}
	counts := map[string]int64{}
	for _, tc := range info.Tables {
		counts[tc.Name] = tc.Rows
	}
	if len(counts) != len(want) || counts["organizations"] != 2 || counts["challenges"] != 1 {
		t.Errorf("counts %v", info.Tables)
	}
	ents, _ := os.ReadDir(filepath.Dir(out))
	if len(ents) != 1 {
		t.Errorf("left beside the copy: %v", ents)
	}

	// The copy opens as a store and holds the same challenge.
	back, err := Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if got, err := back.Challenge(ctx, "c1"); err != nil || got.Title != c.Title {
		t.Fatalf("restored challenge %v %v", got, err)
	}

	// A later write is in the next backup, which replaces the file.
	c.Title = "电池包液冷板优化（二期）"
	must(t, db.PutChallenge(ctx, &c))
	if _, err := db.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(dumpTables(t, out), dumpTables(t, path)) {
		t.Error("second copy differs")
	}

	// A stopped portal: the store is closed (no -wal, no -shm left).
	db.Close()
	ro.Close()
	if ro, err = OpenReadOnly(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Backup(ctx, out); err != nil {
		t.Fatalf("backup of a closed store: %v", err)
	}
	if !reflect.DeepEqual(dumpTables(t, out), dumpTables(t, path)) {
		t.Error("copy of the closed store differs")
	}

	// A folder that does not exist: an error, nothing written.
	if _, err := ro.Backup(ctx, filepath.Join(t.TempDir(), "no", "copy.db")); err == nil {
		t.Error("backup into a missing folder succeeded")
	}
	if _, err := OpenReadOnly(ctx, filepath.Join(t.TempDir(), "none.db")); err == nil {
		t.Error("read-only opening of a missing store succeeded")
	}
}
