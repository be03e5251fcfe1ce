// Package sqlite is Duijie's store: database/sql over the pure-Go SQLite
// driver (modernc.org/sqlite, no cgo), with numbered migrations embedded in
// the binary, one writer, and every acknowledged write committed with
// synchronous=FULL.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"duijie/internal/duijie"
)

//go:embed migration/*.sql
var migrations embed.FS

// DB is an open store.
type DB struct {
	w   *sql.DB // the one writer
	r   *sql.DB // readers
	now func() time.Time

	// Statements of the hottest reads (a posting by id, for every hit of
	// every list and ranking), prepared once: SQLite's parser costs more
	// than the lookup.
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
}

// queryRow runs one of the hot reads through its prepared statement.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	db.stmtMu.Lock()
	st, ok := db.stmts[query]
	if !ok {
		var err error
		if st, err = db.r.PrepareContext(ctx, query); err != nil {
			db.stmtMu.Unlock()
			return db.r.QueryRowContext(ctx, query, args...) // the same error, from the query itself
		}
		if db.stmts == nil {
			db.stmts = map[string]*sql.Stmt{}
		}
		db.stmts[query] = st
	}
	db.stmtMu.Unlock()
	return st.QueryRowContext(ctx, args...)
}

// Open opens (creating if needed) the database file at path and applies
// pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, 0)
}

// open is Open applying migrations up to number upTo (0: all), for tests
// of a migration over data written before it.
func open(ctx context.Context, path string, upTo int) (*DB, error) {
	// Pragmas, per connection:
	//   busy_timeout  wait for a lock instead of failing at once;
	//   journal_mode  WAL: readers do not block the writer;
	//   synchronous   FULL: a commit is on disk before it returns, so an
	//                 acknowledged write survives a power cut;
	//   foreign_keys  enforce REFERENCES.
	q := url.Values{}
	for _, p := range []string{"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate") // a write transaction takes the lock up front
	dsn := "file:" + path + "?" + q.Encode()
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1) // one writer: SQLite serialises writes anyway
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	db := &DB{w: w, r: r, now: func() time.Time { return time.Now().UTC() }}
	if err := db.migrate(ctx, upTo); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.stmtMu.Lock()
	var errs []error
	for _, st := range db.stmts {
		errs = append(errs, st.Close())
	}
	db.stmts = nil
	db.stmtMu.Unlock()
	return errors.Join(append(errs, db.r.Close(), db.w.Close())...)
}

// migrate applies every migration file not yet applied (up to number
// upTo, 0: all), each in its own transaction, in the order of its number.
func (db *DB) migrate(ctx context.Context, upTo int) error {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migration/*.sql")
	if err != nil {
		return err
	}
	sort.Slice(names, func(i, j int) bool { return migrationNumber(names[i]) < migrationNumber(names[j]) })
	for _, name := range names {
		if upTo > 0 && migrationNumber(name) > upTo {
			break
		}
		if err := db.apply(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func migrationNumber(name string) int {
	base := strings.TrimPrefix(name, "migration/")
	n, _ := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
	return n
}

// fkOff is the first line of a migration that rebuilds a table others
// refer to: it runs with foreign keys off (they cannot be switched inside
// a transaction, so the runner does it around it) and must leave
// PRAGMA foreign_key_check empty before it commits.
const fkOff = "-- duijie:foreign-keys-off\n"

func (db *DB) apply(ctx context.Context, name string) error {
	body, err := fs.ReadFile(migrations, name)
	if err != nil {
		return err
	}
	conn, err := db.w.Conn(ctx) // the one writer connection, held throughout
	if err != nil {
		return err
	}
	defer conn.Close()
	rebuild := strings.HasPrefix(string(body), fkOff)
	if rebuild {
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", name, err)
	}
	if rebuild {
		if err := foreignKeyCheck(ctx, tx); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, db.stamp()); err != nil {
		return err
	}
	return tx.Commit()
}

// foreignKeyCheck fails when any row refers to a row that is not there.
func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		return fmt.Errorf("foreign_key_check: %s row %d refers to a missing %s", table, rowid.Int64, parent)
	}
	return rows.Err()
}

// stampLayout is how times are stored: fixed width in UTC, so that text
// comparison in SQL (ORDER BY, <) is time order. RFC 3339 with trimmed
// fractions is not ("…00.5Z" < "…00Z"). time.RFC3339Nano parses it.
const stampLayout = "2006-01-02T15:04:05.000000000Z"

// stamp is the current time as stored.
func (db *DB) stamp() string { return stampOf(db.now()) }

// write runs fn in a write transaction and commits; fn's error rolls it back.
func (db *DB) write(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// notFound is the domain error for a missing object.
func notFound(what, id string) error {
	if id == "" {
		return duijie.Errorf(duijie.ENOTFOUND, "%s不存在", what)
	}
	return duijie.Errorf(duijie.ENOTFOUND, "%s %s 不存在", what, id)
}
