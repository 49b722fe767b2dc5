// Package storage picks Folio's article store from a -db value and copies
// articles between stores.
//
// A postgres:// or postgresql:// URL opens the PostgreSQL store (store/pg),
// for several instances on one database; anything else is a file path and
// opens the embedded SQLite store (store), the default for one machine.
package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"folio/article"
	"folio/store"
	"folio/store/pg"
)

// Store is what the server and the CLI use of a store: the article.Store
// interface plus the write counter, a consistency check and the two
// methods that copy articles between stores.
type Store interface {
	article.Store
	// Version returns the store version, which every successful write
	// increases; caches key on it.
	Version(ctx context.Context) (int64, error)
	// Check verifies the database and describes the first problem.
	Check(ctx context.Context) error
	// Export calls fn with every article and its import source ("" for
	// none), oldest first, stopping at fn's first error.
	Export(ctx context.Context, fn func(source string, a *article.Article) error) error
	// Put stores a exactly as given, replacing the article with the same
	// source (or, without one, the same slug) in place; equal articles are
	// not rewritten. ECONFLICT if a.Slug belongs to another article.
	Put(ctx context.Context, source string, a *article.Article) (created, changed bool, err error)
}

// Notifier is implemented by stores that learn of writes by other
// processes as they commit (the PostgreSQL store, through LISTEN/NOTIFY).
// The channel receives a value after writes (several may give one value)
// and whenever writes may have been missed; a receiver re-reads Version.
// It is closed when ctx ends or the store is closed. Stores without it
// (SQLite) are polled through Version.
type Notifier interface {
	Changes(ctx context.Context) <-chan struct{}
}

// ErrUnavailable matches errors caused by the database being unreachable
// or not accepting queries (PostgreSQL stopped or restarting). They are
// internal errors (article.Code gives EINTERNAL) that the server should
// answer with 503 Service Unavailable and a Retry-After.
var ErrUnavailable = pg.ErrUnavailable

var (
	_ Store    = (*store.DB)(nil)
	_ Store    = (*pg.DB)(nil)
	_ Notifier = (*pg.DB)(nil)
)

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the store that dsn names: PostgreSQL for a postgres:// or
// postgresql:// URL, SQLite for a file path (or ":memory:"). Either way the
// schema is brought up to date.
func Open(ctx context.Context, dsn string) (Store, error) {
	if IsPostgres(dsn) {
		db, err := pg.Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		return db, nil
	}
	if dsn == "" {
		return nil, errors.New("storage: open: no database given")
	}
	db, err := store.Open(dsn)
	if err != nil {
		return nil, err
	}
	return db, nil
}

// Redact returns dsn with any password replaced by "xxxxx", for logs and
// error messages.
func Redact(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	scheme, rest, _ := strings.Cut(dsn, "://")
	at := strings.LastIndex(rest, "@")
	slash := strings.Index(rest, "/")
	if at < 0 || (slash >= 0 && slash < at) {
		return dsn
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		return dsn
	}
	return fmt.Sprintf("%s://%s:xxxxx%s", scheme, user, rest[at:])
}
