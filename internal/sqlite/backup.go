package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// TableCount is one table of a backup and how many rows it holds.
type TableCount struct {
	Name string
	Rows int64
}

// BackupInfo describes a finished backup.
type BackupInfo struct {
	Path   string
	Size   int64        // bytes
	Tables []TableCount // every table of the copy, by name
}

// OpenReadOnly opens an existing store without applying migrations and
// read-only (mode=ro), for tools that read a store another process (the
// running portal) holds open: SQLite lets a second process read a WAL
// database while the first writes.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(5000)")
	dsn := "file:" + path + "?" + q.Encode()
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(2)
	db := &DB{w: w, r: r, now: func() time.Time { return time.Now().UTC() }}
	var n int
	if err := r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'migrations'`).Scan(&n); err != nil || n != 1 {
		db.Close()
		if err == nil {
			err = errors.New("no migrations table")
		}
		return nil, fmt.Errorf("sqlite: %s is not a Duijie store: %w", path, err)
	}
	return db, nil
}

// Backup writes a consistent copy of the store to path while the store
// stays in use: VACUUM INTO a temporary file next to path (one read
// transaction, so the copy is one snapshot of the committed data), PRAGMA
// integrity_check on the copy, fsync, then rename into place and fsync the
// folder. An existing file at path is replaced; refusing it is the
// caller's choice. On error nothing is left at path or beside it.
func (db *DB) Backup(ctx context.Context, path string) (*BackupInfo, error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("sqlite: backup: %w", err)
	}
	tmpPath := tmp.Name()
	tmp.Close() // VACUUM INTO accepts an empty file
	done := false
	defer func() {
		if !done {
			os.Remove(tmpPath)
			os.Remove(tmpPath + "-journal")
		}
	}()
	if _, err := db.r.ExecContext(ctx, `VACUUM INTO ?`, tmpPath); err != nil {
		return nil, fmt.Errorf("sqlite: backup: vacuum into: %w", err)
	}
	tables, err := checkCopy(ctx, tmpPath)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(tmpPath)
	if err != nil {
		return nil, fmt.Errorf("sqlite: backup: %w", err)
	}
	err = f.Sync()
	st, serr := f.Stat()
	f.Close()
	if err = errors.Join(err, serr); err != nil {
		return nil, fmt.Errorf("sqlite: backup: sync: %w", err)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return nil, fmt.Errorf("sqlite: backup: %w", err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return nil, fmt.Errorf("sqlite: backup: sync %s: %w", dir, err)
		}
	}
	return &BackupInfo{Path: path, Size: st.Size(), Tables: tables}, nil
}

// checkCopy runs PRAGMA integrity_check on the database file at path and
// counts every table's rows.
func checkCopy(ctx context.Context, path string) ([]TableCount, error) {
	c, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("sqlite: backup: open the copy: %w", err)
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	rows, err := c.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: backup: integrity_check: %w", err)
	}
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return nil, err
		}
		msgs = append(msgs, m)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("sqlite: backup: integrity_check: %w", err)
	}
	if len(msgs) != 1 || msgs[0] != "ok" {
		return nil, fmt.Errorf("sqlite: backup: integrity_check on the copy: %s", strings.Join(msgs, "; "))
	}
	names, err := tableNames(ctx, c)
	if err != nil {
		return nil, err
	}
	tables := make([]TableCount, 0, len(names))
	for _, name := range names {
		tc := TableCount{Name: name}
		if err := c.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(name, `"`, `""`)+`"`).Scan(&tc.Rows); err != nil {
			return nil, fmt.Errorf("sqlite: backup: count %s: %w", name, err)
		}
		tables = append(tables, tc)
	}
	return tables, nil
}

// tableNames lists the ordinary tables of a database (no sqlite_ internals,
// no virtual tables' shadow quirks), by name.
func tableNames(ctx context.Context, c *sql.DB) ([]string, error) {
	rows, err := c.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list tables: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}
