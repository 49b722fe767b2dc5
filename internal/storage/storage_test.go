package storage

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"folio/article"
	"folio/internal/pgtest"
	"folio/store"
	"folio/store/pg"
	"folio/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var ctx = context.Background()

func mustOpen(tb testing.TB, dsn string) Store {
	tb.Helper()
	s, err := Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("Open(%q): %v", Redact(dsn), err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func sqlitePath(tb testing.TB) string { return filepath.Join(tb.TempDir(), "folio.db") }

func TestOpen(t *testing.T) {
	if _, ok := mustOpen(t, sqlitePath(t)).(*store.DB); !ok {
		t.Fatalf("Open(file) is not the SQLite store")
	}
	dsn := pgtest.Start(t).DB(t)
	for _, d := range []string{dsn, "postgresql://" + strings.TrimPrefix(dsn, "postgres://")} {
		s := mustOpen(t, d)
		if _, ok := s.(*pg.DB); !ok {
			t.Fatalf("Open(%q) is not the PostgreSQL store", d)
		}
		if _, ok := s.(Notifier); !ok {
			t.Fatalf("the PostgreSQL store is not a Notifier")
		}
	}
	if _, err := Open(ctx, ""); err == nil {
		t.Fatalf("Open(\"\"): err=nil")
	}
}

func TestRedact(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"folio.db", "folio.db"},
		{"postgres://u:secret@h:5432/db?x=1", "postgres://u:xxxxx@h:5432/db?x=1"},
		{"postgresql://u@h/db", "postgresql://u@h/db"},
		{"postgres://h/db", "postgres://h/db"},
		{"postgres://u:p@ss@h/db", "postgres://u:xxxxx@h/db"},
	} {
		if got := Redact(tt.in); got != tt.want {
			t.Fatalf("Redact(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
}

// record is an exported article with its source.
type record struct {
	Source  string
	Article *article.Article
}

func export(tb testing.TB, s Store) []record {
	tb.Helper()
	var out []record
	err := s.Export(ctx, func(source string, a *article.Article) error {
		out = append(out, record{source, a})
		return nil
	})
	if err != nil {
		tb.Fatalf("Export: %v", err)
	}
	return out
}

func mustCopy(tb testing.TB, from, to Store, want CopyStats) {
	tb.Helper()
	got, err := Copy(ctx, from, to)
	if err != nil {
		tb.Fatalf("Copy: %v (%v)", err, got)
	}
	if got != want {
		tb.Fatalf("Copy=%v, want %v", got, want)
	}
}

func equalStores(tb testing.TB, a, b Store) {
	tb.Helper()
	ra, rb := export(tb, a), export(tb, b)
	if !reflect.DeepEqual(ra, rb) {
		tb.Fatalf("stores differ:\n%v\n%v", ra, rb)
	}
	for _, f := range []article.ListFilter{{Limit: 100}, {Tag: "shared", Limit: 100}, {Query: "fixture", Limit: 100}} {
		pa, err := a.List(ctx, f)
		if err != nil {
			tb.Fatal(err)
		}
		pb, err := b.List(ctx, f)
		if err != nil {
			tb.Fatal(err)
		}
		if !reflect.DeepEqual(pa.Articles, pb.Articles) {
			tb.Fatalf("List(%+v) differs", f)
		}
	}
}

// fixture fills s with articles of every kind: created without a source,
// imported (with a suffixed slug), imported then renamed, nanosecond
// times, every field set.
func fixture(tb testing.TB, s Store) {
	tb.Helper()
	mk := func(slug string, hours int) *article.Article {
		a := storetest.New(slug, "Fixture "+slug, hours, "Shared", "Tag "+slug)
		return a
	}
	full := mk("full", 0)
	full.Subtitle, full.Author, full.Site, full.URL = "Sub", "Ada", "Site", "https://example.com/full"
	full.Image = &article.Image{Src: "https://example.com/i.jpg", Alt: "alt", Caption: "cap", Credit: "cred"}
	full.Lang, full.Dir = "fr", "ltr"
	full.Published = time.Date(2020, 1, 2, 3, 4, 5, 123456789, time.UTC)
	full.Updated = full.Published.Add(time.Hour + 7)
	for _, a := range []*article.Article{full, mk("created", 1), mk("same-time", 1)} {
		if err := s.Create(ctx, a); err != nil {
			tb.Fatal(err)
		}
	}
	for i, src := range []string{"/a.md", "/b.md", "feed:item-1"} {
		a := mk("imported", 2+i) // imported, imported-2, imported-3
		if _, err := s.Import(ctx, src, a); err != nil {
			tb.Fatal(err)
		}
	}
	if err := s.Update(ctx, "imported-2", mk("renamed", 9)); err != nil {
		tb.Fatal(err)
	}
}

// TestCopyRoundTrip copies SQLite → PostgreSQL → SQLite and checks that
// every article, source, slug and date survives, that re-running changes
// nothing, and that a later re-run carries edits and renames in place.
func TestCopyRoundTrip(t *testing.T) {
	src := mustOpen(t, sqlitePath(t))
	fixture(t, src)
	mid := mustOpen(t, pgtest.Start(t).DB(t))
	dst := mustOpen(t, sqlitePath(t))

	mustCopy(t, src, mid, CopyStats{Read: 6, Created: 6})
	equalStores(t, src, mid)
	mustCopy(t, mid, dst, CopyStats{Read: 6, Created: 6})
	equalStores(t, src, dst)

	// Again: nothing changes, not even the version.
	v, _ := mid.Version(ctx)
	mustCopy(t, src, mid, CopyStats{Read: 6, Unchanged: 6})
	if v2, _ := mid.Version(ctx); v2 != v {
		t.Fatalf("Version %d→%d after a copy that changed nothing", v, v2)
	}

	// An edit and a rename in the source are carried over in place.
	edited := storetest.New("created", "Edited title", 1)
	if err := src.Update(ctx, "created", edited); err != nil {
		t.Fatal(err)
	}
	if err := src.Update(ctx, "renamed", storetest.New("renamed-again", "Renamed again", 9)); err != nil {
		t.Fatal(err)
	}
	mustCopy(t, src, mid, CopyStats{Read: 6, Updated: 2, Unchanged: 4})
	equalStores(t, src, mid)
	if n, _ := mid.Count(ctx); n != 6 {
		t.Fatalf("Count=%d after the re-run, want 6", n)
	}
	// The sources came along: importing the same source again updates
	// the copied article, not a new one.
	a := storetest.New("whatever", "Reimported", 3)
	if created, err := mid.Import(ctx, "/b.md", a); err != nil || created || a.Slug != "renamed-again" {
		t.Fatalf("Import(/b.md)=%v, %v, slug %q; want false, nil, renamed-again", created, err, a.Slug)
	}
	if err := mid.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

// TestCopyConflict copies into a store where a slug already belongs to an
// unrelated article: that article is reported and kept, the rest copied.
func TestCopyConflict(t *testing.T) {
	for name, dsn := range map[string]func(testing.TB) string{
		"SQLite":     sqlitePath,
		"PostgreSQL": func(tb testing.TB) string { return pgtest.Start(tb).DB(tb) },
	} {
		t.Run(name, func(t *testing.T) {
			src := mustOpen(t, sqlitePath(t))
			fixture(t, src)
			dst := mustOpen(t, dsn(t))
			mine := storetest.New("imported", "Mine", 0)
			if err := dst.Create(ctx, mine); err != nil {
				t.Fatal(err)
			}
			st, err := Copy(ctx, src, dst)
			if err == nil || !strings.Contains(err.Error(), `"imported"`) {
				t.Fatalf("Copy: err=%v, want the conflict on imported", err)
			}
			if want := (CopyStats{Read: 6, Created: 5, Failed: 1}); st != want {
				t.Fatalf("Copy=%v, want %v", st, want)
			}
			got, err := dst.Get(ctx, "imported")
			if err != nil || got.Title != "Mine" {
				t.Fatalf("Get(imported)=%v, %v; want it kept", got, err)
			}
		})
	}
}

func TestCopyCanceled(t *testing.T) {
	src := mustOpen(t, sqlitePath(t))
	fixture(t, src)
	dst := mustOpen(t, sqlitePath(t))
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Copy(c, src, dst); err == nil {
		t.Fatalf("Copy with a canceled context: err=nil")
	}
}
