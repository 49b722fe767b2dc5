// Package pg keeps articles in PostgreSQL through a pgx connection pool,
// for deployments with several Folio instances on one database. DB
// implements article.Store and passes the same conformance suite
// (store/storetest) as the SQLite store, and it has the same extras:
// Version (the write counter that the server's caches key on), Check,
// Export and Put.
//
// Schema. Embedded, numbered migrations (migrations/NNN_name.sql) run at
// Open, each in its own transaction, under a session advisory lock: any
// number of instances may start at once, the first migrates and the others
// wait and then find nothing to do. A database migrated by a newer Folio is
// refused.
//
// Writes. Every write is one transaction that first increments the store
// version (one row, so writes are serialised, as on SQLite), then changes
// the article's row, and sends NOTIFY folio_articles with the new version;
// PostgreSQL delivers the notification only when the transaction commits.
// Changes turns those notifications into a channel for the server's caches.
//
// Faults. Errors other than article errors are internal (article.Code gives
// EINTERNAL), except those caused by the database being unreachable,
// shutting down or starting: they match ErrUnavailable (article's), whose
// code is EUNAVAILABLE, and the server answers 503. The
// pool replaces broken connections by itself, so the store works again as
// soon as PostgreSQL is back, without being reopened; a read that fails on
// a connection broken by a restart is retried once.
//
// Search. See List: language-aware stemming where the article's lang maps
// to a text search configuration, plus every word as written.
package pg

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"folio/article"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Channel is the LISTEN/NOTIFY channel that every committed write notifies,
// with the new store version as the payload.
const Channel = "folio_articles"

// migrationLock is the advisory lock key that serialises migrations
// ("folio" in ASCII).
const migrationLock = 0x666f6c696f

// ErrUnavailable matches errors caused by the database being unreachable
// or not accepting queries (stopped, restarting, out of connections). It is
// article.ErrUnavailable: article.Code gives EUNAVAILABLE, which the server
// answers with 503 Service Unavailable, since retrying later can succeed.
var ErrUnavailable = article.ErrUnavailable

// DB is an article store in one PostgreSQL database. It is safe for
// concurrent use.
type DB struct {
	pool    *pgxpool.Pool
	configs map[string]bool // text search configurations the server has
	tsquery string          // SQL of the search condition on $n (see List)

	ctx    context.Context // canceled by Close; ends the listeners
	cancel context.CancelFunc
}

var _ article.Store = (*DB)(nil)

// Open connects to the database at dsn (a postgres:// URL or a key=value
// string), brings its schema up to date and returns the store. Pool
// settings may be given in the DSN (pool_max_conns and the others of
// pgxpool.ParseConfig); without connect_timeout, connecting gives up after
// 5 seconds.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The error may quote the DSN, password included: leave it out.
		return nil, errors.New("pg: open: malformed connection string")
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pg: open: %w", wrapErr(err))
	}
	db := &DB{pool: pool}
	db.ctx, db.cancel = context.WithCancel(context.Background())
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("pg: open: %w", wrapErr(err))
	}
	if err := db.loadConfigs(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("pg: open: %w", wrapErr(err))
	}
	return db, nil
}

// Close ends the listeners started by Changes and closes the pool.
func (db *DB) Close() error {
	db.cancel()
	db.pool.Close()
	return nil
}

// migrate applies the embedded migrations that the database lacks, in
// order, under an advisory lock held on one connection.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for i, name := range names {
		n, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil || n != i+1 {
			return fmt.Errorf("migrate: %s: migrations must be numbered 001, 002, … without gaps", path.Base(name))
		}
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(migrationLock)); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", int64(migrationLock))
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer     PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var version int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&version); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if version > len(names) {
		return fmt.Errorf("migrate: database schema version %d is newer than this program's %d", version, len(names))
	}
	for i := version; i < len(names); i++ {
		src, err := migrations.ReadFile(names[i])
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// No arguments: the simple protocol, which runs every
			// statement of the file.
			if _, err := tx.Exec(ctx, string(src)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", i+1)
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate: %s: %w", path.Base(names[i]), err)
		}
	}
	return nil
}

// Version returns the store version: a number that every successful write
// (Create, Update, Delete, Import, a changing Put) increases and nothing
// else changes. It lives in the database, so every instance reads the same.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	err := db.read(ctx, func() error {
		return db.pool.QueryRow(ctx, "SELECT version FROM meta WHERE id = 1").Scan(&v)
	})
	if err != nil {
		return 0, fmt.Errorf("pg: version: %w", err)
	}
	return v, nil
}

// Check verifies the database: the schema is this program's, and every
// row keeps the store's invariants (a revision no newer than the version,
// a non-empty search vector, tag keys matching the tags). It returns nil
// for a sound database and an error describing the first problem
// otherwise.
func (db *DB) Check(ctx context.Context) error {
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	var version int
	if err := db.pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&version); err != nil {
		return fmt.Errorf("pg: check: %w", wrapErr(err))
	}
	if version != len(names) {
		return fmt.Errorf("pg: check: schema version %d, want %d", version, len(names))
	}
	for _, c := range []struct{ what, query string }{
		{"articles newer than the store version", "SELECT count(*) FROM articles WHERE rev > (SELECT version FROM meta WHERE id = 1)"},
		{"articles with an empty search vector", "SELECT count(*) FROM articles WHERE length(search) = 0"},
		{"articles whose tag keys do not match their tags", `SELECT count(*) FROM articles a WHERE cardinality(tag_keys) >
			(SELECT count(DISTINCT lower(t)) FROM unnest(a.tags) t)`},
	} {
		var n int
		if err := db.pool.QueryRow(ctx, c.query).Scan(&n); err != nil {
			return fmt.Errorf("pg: check: %w", wrapErr(err))
		}
		if n > 0 {
			return fmt.Errorf("pg: check: %d %s", n, c.what)
		}
	}
	return nil
}

// Changes returns a channel that receives a value soon after a write to
// the database commits, through this DB or any other process on the same
// database: a dedicated connection LISTENs on Channel. It also receives a
// value once the connection listens, and again after each reconnection
// (PostgreSQL restarted, the connection was cut), because writes may have
// been missed meanwhile; a receiver should treat every value as "re-read
// the store version". Values do not queue: several writes may give one
// value. The channel is closed when ctx ends or the DB is closed. Each call
// holds one connection outside the pool.
//
// Losing the connection is retried with a backoff of up to 2 seconds; the
// store version remains the fallback that catches anything missed.
func (db *DB) Changes(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(db.ctx, cancel)
	go func() {
		defer close(ch)
		defer stop()
		defer cancel()
		db.listen(ctx, ch)
	}()
	return ch
}

// listen LISTENs on Channel until ctx ends, reconnecting after errors.
func (db *DB) listen(ctx context.Context, ch chan struct{}) {
	signal := func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	const minBackoff, maxBackoff = 50 * time.Millisecond, 2 * time.Second
	backoff := minBackoff
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
		if err == nil {
			if _, err = conn.Exec(ctx, "LISTEN "+Channel); err == nil {
				backoff = minBackoff
				signal()
				for {
					if _, err = conn.WaitForNotification(ctx); err != nil {
						break
					}
					signal()
				}
			}
			conn.Close(context.Background())
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// read runs a read, once more if it failed because its connection was
// broken (PostgreSQL restarted since the connection was pooled). Errors
// come back wrapped by wrapErr.
func (db *DB) read(ctx context.Context, fn func() error) error {
	err := fn()
	if err != nil && ctx.Err() == nil && unavailable(err) {
		err = fn()
	}
	return wrapErr(err)
}

// wrapErr marks the errors of an unavailable database with ErrUnavailable.
// Application errors and nil pass unchanged.
func wrapErr(err error) error {
	var ae *article.Error
	if err == nil || errors.As(err, &ae) || errors.Is(err, ErrUnavailable) {
		return err
	}
	if unavailable(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// unavailable reports whether err comes from the database being
// unreachable or not accepting work, rather than from the query.
func unavailable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			pe.Code == "57P01", // admin_shutdown
			pe.Code == "57P02", // crash_shutdown
			pe.Code == "57P03", // cannot_connect_now (starting up, shutting down)
			pe.Code == "53300": // too_many_connections
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) || isClosed(err)
}

// isClosed reports whether err says the connection was closed under the
// query; pgx reports that as a plain error.
func isClosed(err error) bool {
	s := err.Error()
	return strings.Contains(s, "conn closed") || strings.Contains(s, "closed pool") ||
		strings.Contains(s, "unexpected EOF") || strings.Contains(s, "connection reset")
}
