package pg

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/article"
	"folio/internal/pgtest"
	"folio/store/storetest"
)

// TestMigrateConcurrently opens one fresh database from 8 goroutines at
// once: the advisory lock lets one migrate while the others wait, so every
// Open succeeds and each migration runs once.
func TestMigrateConcurrently(t *testing.T) {
	dsn := pgtest.Start(t).DB(t)
	const n = 8
	dbs := make([]*DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			dbs[i], errs[i] = Open(ctx, dsn)
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Open %d: %v", i, errs[i])
		}
		defer dbs[i].Close()
	}
	var rows, version int
	if err := dbs[0].pool.QueryRow(ctx, "SELECT count(*), max(version) FROM schema_migrations").Scan(&rows, &version); err != nil {
		t.Fatal(err)
	}
	if rows != version || version < 1 {
		t.Fatalf("schema_migrations: %d rows, version %d; want one row per migration", rows, version)
	}
	for i, db := range dbs {
		if err := db.Create(ctx, newArticle(fmt.Sprintf("a-%d", i))); err != nil {
			t.Fatalf("Create through DB %d: %v", i, err)
		}
	}
	if err := dbs[0].Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

func TestNewerSchema(t *testing.T) {
	dsn := pgtest.Start(t).DB(t)
	db := mustOpenDSN(t, dsn)
	if _, err := db.pool.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES (99)"); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(ctx, dsn)
	if err == nil {
		db2.Close()
		t.Fatalf("Open of a schema version 99 database: err=nil")
	}
	if !strings.Contains(err.Error(), "newer") || !strings.HasPrefix(err.Error(), "pg: ") {
		t.Fatalf("err=%v, want a pg: error saying the schema is newer", err)
	}
}

func TestOpenErrors(t *testing.T) {
	for _, dsn := range []string{"postgres://folio:secret@127.0.0.1:bad/x", "::"} {
		db, err := Open(ctx, dsn)
		if err == nil {
			db.Close()
			t.Fatalf("Open(%q): err=nil", dsn)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Fatalf("Open: err=%q shows the password", err)
		}
	}
	// Nothing listens on the port: a clean, quick error.
	start := time.Now()
	_, err := Open(ctx, "postgres://folio@127.0.0.1:1/x?sslmode=disable")
	if err == nil || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Open(closed port)=%v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("Open(closed port) took %v", d)
	}
}

func TestVersion(t *testing.T) {
	db := MustOpen(t)
	last := mustVersion(t, db)
	changed := func(what string, want bool) {
		t.Helper()
		v := mustVersion(t, db)
		if got := v != last; got != want {
			t.Fatalf("%s: Version %d→%d, changed=%v, want %v", what, last, v, got, want)
		}
		if v < last {
			t.Fatalf("%s: Version went down %d→%d", what, last, v)
		}
		last = v
	}
	if err := db.Create(ctx, newArticle("a")); err != nil {
		t.Fatal(err)
	}
	changed("Create", true)
	db.Create(ctx, newArticle("a"))
	changed("Create (conflict)", false)
	db.Get(ctx, "a")
	db.List(ctx, article.ListFilter{})
	db.Count(ctx)
	changed("reads", false)
	if err := db.Update(ctx, "a", newArticle("b")); err != nil {
		t.Fatal(err)
	}
	changed("Update", true)
	db.Update(ctx, "missing", newArticle("c"))
	changed("Update (not found)", false)
	if _, err := db.Import(ctx, "src", newArticle("c")); err != nil {
		t.Fatal(err)
	}
	changed("Import (create)", true)
	if _, err := db.Import(ctx, "src", newArticle("c")); err != nil {
		t.Fatal(err)
	}
	changed("Import (update)", true)
	if err := db.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	changed("Delete", true)
	db.Delete(ctx, "b")
	changed("Delete (not found)", false)
}

// TestAtomicInternalFailure makes the last step of a write fail (a
// trigger) and checks that nothing of it stays: not the row, not the
// search vector, not the version.
func TestAtomicInternalFailure(t *testing.T) {
	db := MustOpen(t)
	orig := newArticle("orig", "fine")
	if err := db.Create(ctx, orig); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF 'boom' = ANY (NEW.tag_keys) THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$;
		CREATE TRIGGER boom BEFORE INSERT OR UPDATE ON articles FOR EACH ROW EXECUTE FUNCTION boom()`); err != nil {
		t.Fatal(err)
	}
	v := mustVersion(t, db)
	bad := storetest.New("bad", "Xylophone", 1, "first", "boom")
	err := db.Create(ctx, bad)
	if got, want := article.Code(err), article.EINTERNAL; got != want {
		t.Fatalf("Create: Code=%q (%v), want %q", got, err, want)
	}
	if !strings.HasPrefix(err.Error(), "pg: ") || errors.Is(err, ErrUnavailable) {
		t.Fatalf("err=%q, want the prefix %q and not ErrUnavailable", err, "pg: ")
	}
	bad.Slug = "orig"
	if err := db.Update(ctx, "orig", bad); article.Code(err) != article.EINTERNAL {
		t.Fatalf("Update: err=%v, want an internal error", err)
	}
	if _, err := db.Import(ctx, "src", bad); article.Code(err) != article.EINTERNAL {
		t.Fatalf("Import: err=%v, want an internal error", err)
	}
	if n, err := db.Count(ctx); err != nil || n != 1 {
		t.Fatalf("Count=%d, %v; want 1", n, err)
	}
	got, err := db.Get(ctx, "orig")
	if err != nil || !reflect.DeepEqual(got, orig) {
		t.Fatalf("Get(orig)=%v, %v; want the original", got, err)
	}
	for _, q := range []string{"xylophone", "first", "boom"} {
		if got := search(t, db, q); len(got) != 0 {
			t.Fatalf("search %q=%v, want nothing", q, got)
		}
	}
	if got := mustVersion(t, db); got != v {
		t.Fatalf("Version=%d, want %d", got, v)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

func TestRoundTripNanoseconds(t *testing.T) {
	db := MustOpen(t)
	for i, tt := range []struct{ published, updated time.Time }{
		{time.Date(2001, 2, 3, 4, 5, 6, 123456789, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{time.Date(0, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(1969, 12, 31, 23, 59, 59, 999999001, time.UTC)},
	} {
		a := newArticle(fmt.Sprintf("nanos-%d", i))
		a.Published, a.Updated = tt.published, tt.updated
		if err := db.Create(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, err := db.Get(ctx, a.Slug)
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Fatalf("Get=%#v, %v; want %#v", got, err, a)
		}
	}
	// Cursors keep the nanoseconds: two articles a nanosecond apart page
	// in order.
	p, err := db.List(ctx, article.ListFilter{Limit: 1})
	if err != nil || len(p.Articles) != 1 || p.Next == "" {
		t.Fatalf("List=%v, %v", p, err)
	}
	p2, err := db.List(ctx, article.ListFilter{Limit: 1, Cursor: p.Next})
	if err != nil || len(p2.Articles) != 1 || p2.Articles[0].Slug == p.Articles[0].Slug {
		t.Fatalf("List(page 2)=%v, %v", p2, err)
	}
	b := newArticle("far")
	b.Published = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := db.Create(ctx, b); article.Code(err) != article.EINVALID {
		t.Fatalf("Create(year 10000)=%v, want EINVALID", err)
	}
}

func TestImportSource(t *testing.T) {
	db := MustOpen(t)
	for _, src := range []string{"", "  "} {
		if _, err := db.Import(ctx, src, newArticle("a")); article.Code(err) != article.EINVALID {
			t.Fatalf("Import(source %q)=%v, want EINVALID", src, err)
		}
	}
}

// TestTwoInstances writes through two DBs on one database at once, as two
// Folio instances do: no write fails, and each sees all of them.
func TestTwoInstances(t *testing.T) {
	dsn := pgtest.Start(t).DB(t)
	dbs := []*DB{mustOpenDSN(t, dsn), mustOpenDSN(t, dsn)}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := dbs[g%2]
			for i := range 25 {
				a := newArticle(fmt.Sprintf("g%d-%02d", g, i), "t")
				if i%2 == 0 {
					if err := db.Create(ctx, a); err != nil {
						errs <- err
						return
					}
				} else if _, err := db.Import(ctx, "same-slug-"+a.Slug, newArticle("shared")); err != nil {
					errs <- err
					return
				}
				if _, err := db.List(ctx, article.ListFilter{Tag: "t", Limit: 5}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, db := range dbs {
		if n, err := db.Count(ctx); err != nil || n != 200 {
			t.Fatalf("Count=%d, %v; want 200", n, err)
		}
	}
	if got := mustVersion(t, dbs[1]); got != 200 {
		t.Fatalf("Version=%d, want 200", got)
	}
	// The 96 imports of slug "shared" got "shared", "shared-2" … "shared-96".
	for _, slug := range []string{"shared", "shared-2", "shared-96"} {
		if _, err := dbs[0].Get(ctx, slug); err != nil {
			t.Fatalf("Get(%q): %v", slug, err)
		}
	}
}

func TestCheck(t *testing.T) {
	db := MustOpen(t)
	for i := range 5 {
		if err := db.Create(ctx, newArticle(fmt.Sprintf("a-%d", i), "x")); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if _, err := db.pool.Exec(ctx, "UPDATE articles SET search = ''::tsvector WHERE slug = 'a-1'"); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(ctx); err == nil || !strings.Contains(err.Error(), "empty search vector") {
		t.Fatalf("Check=%v, want an empty search vector", err)
	}
}
