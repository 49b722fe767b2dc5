// Package store keeps articles in SQLite through modernc.org/sqlite (pure
// Go, no cgo). DB implements article.Store; the conformance suite in
// store/storetest checks it.
//
// A file database runs in WAL mode with synchronous=NORMAL: a committed
// write is in the WAL, in the operating system's cache, before the call
// returns, so it survives the process being killed (SIGKILL, OOM); only a
// power loss or kernel crash can drop the last commits, and never leaves the
// file inconsistent. FULL would add an fsync to every commit, which costs
// bulk imports more than it buys a single-node reader. Writes go through
// one connection with BEGIN IMMEDIATE, so writers queue in the process
// instead of failing with SQLITE_BUSY, and busy_timeout covers other
// processes (a "folio import" next to "folio serve"). Reads use a pool of
// read-only connections and run concurrently with the writer.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"folio/article"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an article store in one SQLite database. It is safe for concurrent
// use.
type DB struct {
	w *sql.DB // the single writer connection
	r *sql.DB // read-only connections; the writer itself for ":memory:"
}

var _ article.Store = (*DB)(nil)

// Connection settings. busy_timeout comes first (the driver sorts it so):
// the others may need a lock.
const (
	writerParams = "?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)" +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	readerParams = "?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=query_only(1)"
	memoryParams = "?_pragma=foreign_keys(1)&_txlock=immediate"
)

// Open opens the database at path, creating it and its parent directory if
// needed, and brings its schema up to date. The path ":memory:" gives a
// private in-memory database on one connection, for tests.
func Open(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: open: empty path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store: open %q: path must not contain '?' or '#'", path)
	}
	db := &DB{}
	if path == ":memory:" {
		w, err := sql.Open("sqlite", path+memoryParams)
		if err != nil {
			return nil, fmt.Errorf("store: open %q: %w", path, err)
		}
		// Every connection to ":memory:" is a new database: keep exactly
		// one, forever.
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		w.SetConnMaxIdleTime(0)
		db.w, db.r = w, w
	} else {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("store: open %q: %w", path, err)
		}
		w, err := sql.Open("sqlite", path+writerParams)
		if err != nil {
			return nil, fmt.Errorf("store: open %q: %w", path, err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		db.w = w
	}
	if err := db.migrate(context.Background()); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	if db.r == nil {
		r, err := sql.Open("sqlite", path+readerParams)
		if err != nil {
			db.w.Close()
			return nil, fmt.Errorf("store: open %q: %w", path, err)
		}
		n := max(4, runtime.GOMAXPROCS(0))
		r.SetMaxOpenConns(n)
		r.SetMaxIdleConns(n)
		db.r = r
	}
	return db, nil
}

// Close closes the database. In WAL mode the last connection to close
// checkpoints the WAL into the main file.
func (db *DB) Close() error {
	var err error
	if db.r != db.w {
		err = db.r.Close()
	}
	if err2 := db.w.Close(); err == nil {
		err = err2
	}
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// migrate applies the embedded migrations newer than PRAGMA user_version,
// in order, each in its own transaction together with the new user_version.
// A database newer than this binary is an error.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for i, name := range names {
		base := filepath.Base(name)
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil || n != i+1 {
			return fmt.Errorf("migrate: %s: migrations must be numbered 001, 002, … without gaps", base)
		}
	}
	var version int
	if err := db.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("migrate: read user_version: %w", err)
	}
	if version > len(names) {
		return fmt.Errorf("migrate: database schema version %d is newer than this program's %d", version, len(names))
	}
	for i := version; i < len(names); i++ {
		src, err := migrations.ReadFile(names[i])
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if err := db.migrateOne(ctx, i+1, string(src)); err != nil {
			return fmt.Errorf("migrate: %s: %w", filepath.Base(names[i]), err)
		}
	}
	return nil
}

func (db *DB) migrateOne(ctx context.Context, n int, src string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Another process may have migrated since user_version was read:
	// BEGIN IMMEDIATE holds the write lock now, so read it again.
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version >= n {
		return nil
	}
	if _, err := tx.ExecContext(ctx, src); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(n)); err != nil {
		return err
	}
	return tx.Commit()
}

// Version returns the store version: a number that every successful write
// (Create, Update, Delete, Import) increases and nothing else changes. It
// persists across restarts, so it suits the ETag of a listing or a feed.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	if err := db.r.QueryRowContext(ctx, "SELECT version FROM meta WHERE id = 1").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: version: %w", err)
	}
	return v, nil
}

// Check verifies the database: PRAGMA integrity_check (which also checks
// the full-text index), PRAGMA foreign_key_check, and that every article
// has exactly its rows in the full-text index. It returns nil for a sound
// database and an error describing the first problems otherwise.
func (db *DB) Check(ctx context.Context) error {
	var problems []string
	rows, err := db.r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return fmt.Errorf("store: check: %w", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return fmt.Errorf("store: check: %w", err)
	}
	rows.Close()
	if len(problems) > 0 {
		return fmt.Errorf("store: check: integrity_check: %s", strings.Join(problems[:min(len(problems), 10)], "; "))
	}
	for _, c := range []struct{ what, query string }{
		{"foreign key violations", "SELECT count(*) FROM pragma_foreign_key_check"},
		{"articles missing from the full-text index", "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM articles_fts f WHERE f.rowid = a.id)"},
		{"full-text rows without an article", "SELECT count(*) FROM articles_fts f WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = f.rowid)"},
	} {
		var n int
		if err := db.r.QueryRowContext(ctx, c.query).Scan(&n); err != nil {
			return fmt.Errorf("store: check: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("store: check: %d %s", n, c.what)
		}
	}
	return nil
}
