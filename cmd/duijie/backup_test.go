package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"duijie/internal/duijie"
	"duijie/internal/indexer"
	"duijie/internal/sqlite"
)

// dumpStore reads every table of the database at path: rows ordered by
// rowid, all columns as stored.
func dumpStore(t *testing.T, path string) map[string][][]any {
	t.Helper()
	ctx := context.Background()
	c, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
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

// TestBackupAndRestore backs up a demo store while it is held open with its
// indexes (a running portal), compares every table of the copy with the
// original, then restores the copy into a new data folder and lets the
// start's healIndex rebuild the indexes from it.
func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	if code, stdout, stderr := runCmd(t, "import-demo", "--data", dir); code != 0 {
		t.Fatalf("import-demo: exit %d, %q, %q", code, stdout, stderr)
	}
	ctx := context.Background()
	dbPath, idxPath := storePaths(dir)
	// The portal: the store open in WAL mode, the indexes open (locked).
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ix, err := indexer.OpenIndexes(idxPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	want, err := db.AudienceCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "duijie-backup.db")
	code, stdout, stderr := runCmd(t, "backup", "--data", dir, "--out", out)
	if code != 0 || !strings.Contains(stdout, "integrity_check ok") || !strings.Contains(stdout, "challenges") {
		t.Fatalf("backup: exit %d, %q, %q", code, stdout, stderr)
	}
	orig, copied := dumpStore(t, dbPath), dumpStore(t, out)
	if len(orig) < 10 || !reflect.DeepEqual(copied, orig) {
		t.Fatalf("the copy differs from the store (%d tables, want %d)", len(copied), len(orig))
	}
	for name, rows := range orig {
		if !strings.Contains(stdout, fmt.Sprintf(" %d rows", len(rows))) {
			t.Errorf("no count for %s (%d rows) in %q", name, len(rows), stdout)
		}
	}
	if len(orig["challenges"]) != 108 || len(orig["capabilities"]) != 220 {
		t.Fatalf("demo store: %d challenges, %d capabilities", len(orig["challenges"]), len(orig["capabilities"]))
	}

	// An existing file is refused unless --force.
	if code, _, stderr := runCmd(t, "backup", "--data", dir, "--out", out); code != 1 || !strings.Contains(stderr, "--force") {
		t.Errorf("existing file: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "backup", "--data", dir, "--out", out, "--force"); code != 0 {
		t.Errorf("--force: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "backup", "--data", dir); code != 2 || !strings.Contains(stderr, "needs --out") {
		t.Errorf("no --out: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "backup", "--data", filepath.Join(dir, "nothing"), "--out", out+"2"); code != 1 || !strings.Contains(stderr, "no store at") {
		t.Errorf("no store: exit %d, %q", code, stderr)
	}

	// Restore: the file as duijie.db of a new data folder; the start
	// (healIndex) finds no index and rebuilds it from the store.
	restored := t.TempDir()
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rdb, ridx := storePaths(restored)
	if err := os.WriteFile(rdb, data, 0o600); err != nil {
		t.Fatal(err)
	}
	db2, err := sqlite.Open(ctx, rdb)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	ix2, err := indexer.OpenIndexes(ridx)
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	ix2, err = healIndex(ctx, db2, ix2, ridx, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	have, err := ix2.Count()
	if err != nil {
		t.Fatal(err)
	}
	for _, aud := range duijie.Audiences {
		if have[aud] != uint64(want[aud]) || want[aud] == 0 {
			t.Errorf("restored %s index holds %d documents, want %d", aud, have[aud], want[aud])
		}
	}
	if have[duijie.AudienceBureau] != 328 {
		t.Errorf("restored bureau index holds %d, want 328", have[duijie.AudienceBureau])
	}
}
