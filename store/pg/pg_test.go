package pg

import (
	"context"
	"os"
	"testing"

	"folio/article"
	"folio/internal/pgtest"
	"folio/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var ctx = context.Background()

// MustOpen opens a store on a fresh database of the shared test cluster and
// closes it when the test ends.
func MustOpen(tb testing.TB) *DB {
	tb.Helper()
	return mustOpenDSN(tb, pgtest.Start(tb).DB(tb))
}

func mustOpenDSN(tb testing.TB, dsn string) *DB {
	tb.Helper()
	db, err := Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) article.Store { return MustOpen(tb) })
}

func newArticle(slug string, tags ...string) *article.Article {
	return storetest.New(slug, "Title of "+slug, 0, tags...)
}

func mustVersion(tb testing.TB, db *DB) int64 {
	tb.Helper()
	v, err := db.Version(ctx)
	if err != nil {
		tb.Fatalf("Version: %v", err)
	}
	return v
}

// search returns the slugs that the query finds.
func search(tb testing.TB, db *DB, q string) []string {
	tb.Helper()
	p, err := db.List(ctx, article.ListFilter{Query: q, Limit: 100})
	if err != nil {
		tb.Fatalf("List(q %q): %v", q, err)
	}
	var out []string
	for _, s := range p.Articles {
		out = append(out, s.Slug)
	}
	return out
}
