package store

import (
	"testing"

	"folio/article"
	"folio/store/storetest"
)

// MustOpen opens a store at path (":memory:" or a file) and closes it when
// the test ends.
func MustOpen(tb testing.TB, path string) *DB {
	tb.Helper()
	db, err := Open(path)
	if err != nil {
		tb.Fatalf("Open(%q): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestMemory(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) article.Store { return MustOpen(tb, ":memory:") })
}

func TestFile(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) article.Store { return MustOpen(tb, tb.TempDir()+"/data/folio.db") })
}
