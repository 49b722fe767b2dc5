package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

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

var (
	ctx  = context.Background()
	base = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
)

func newArticle(slug string, tags ...string) *article.Article {
	a := storetest.New(slug, "Title of "+slug, 0, tags...)
	return a
}

func mustVersion(tb testing.TB, db *DB) int64 {
	tb.Helper()
	v, err := db.Version(ctx)
	if err != nil {
		tb.Fatalf("Version: %v", err)
	}
	return v
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "dir", "folio.db")
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	a := newArticle("kept", "Go")
	if err := db.Create(ctx, a); err != nil {
		t.Fatalf("Create: %v", err)
	}
	if _, err := db.Import(ctx, "/src/b.md", newArticle("kept")); err != nil {
		t.Fatalf("Import: %v", err)
	}
	v := mustVersion(t, db)
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db = MustOpen(t, path)
	got, err := db.Get(ctx, "kept")
	if err != nil {
		t.Fatalf("Get after reopen: %v", err)
	}
	if !reflect.DeepEqual(got, a) {
		t.Fatalf("Get=%#v, want %#v", got, a)
	}
	if got, want := mustVersion(t, db), v; got != want {
		t.Fatalf("Version=%d after reopen, want %d", got, want)
	}
	// The import source survived too: the same source updates kept-2.
	b := newArticle("other")
	if created, err := db.Import(ctx, "/src/b.md", b); err != nil || created || b.Slug != "kept-2" {
		t.Fatalf("Import=%v, %v, Slug %q; want false, nil, kept-2", created, err, b.Slug)
	}
	for _, tt := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "1"}, // NORMAL
		{"foreign_keys", "1"},
		{"user_version", "3"},
		{"busy_timeout", "5000"},
	} {
		for name, conn := range map[string]*sql.DB{"writer": db.w, "reader": db.r} {
			if tt.pragma == "synchronous" && name == "reader" {
				continue
			}
			var got string
			if err := conn.QueryRow("PRAGMA " + tt.pragma).Scan(&got); err != nil {
				t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
			}
			if got != tt.want {
				t.Fatalf("%s: PRAGMA %s=%q, want %q", name, tt.pragma, got, tt.want)
			}
		}
	}
	if _, err := db.r.Exec("DELETE FROM articles"); err == nil {
		t.Fatalf("a write through the read pool succeeded, want query_only to refuse it")
	}
	if err := db.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("Path", func(t *testing.T) {
		for _, p := range []string{"", filepath.Join(t.TempDir(), "a?b.db"), filepath.Join(t.TempDir(), "a#b.db")} {
			if db, err := Open(p); err == nil {
				db.Close()
				t.Fatalf("Open(%q): err=nil", p)
			}
		}
	})
	t.Run("NewerSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "folio.db")
		db := MustOpen(t, path)
		if _, err := db.w.Exec("PRAGMA user_version = 99"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		db2, err := Open(path)
		if err == nil {
			db2.Close()
			t.Fatalf("Open of a schema version 99 database: err=nil")
		}
		if !strings.Contains(err.Error(), "newer") {
			t.Fatalf("err=%v, want it to say the schema is newer", err)
		}
	})
}

func TestVersion(t *testing.T) {
	db := MustOpen(t, ":memory:")
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

// TestAtomicInternalFailure makes the last step of a write fail (a trigger
// on the tag table) and checks that nothing of it stays: not the row, not
// the index entry, not the version.
func TestAtomicInternalFailure(t *testing.T) {
	db := MustOpen(t, ":memory:")
	orig := newArticle("orig", "fine")
	if err := db.Create(ctx, orig); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec(`CREATE TRIGGER boom BEFORE INSERT ON article_tags WHEN NEW.tag = 'boom'
		BEGIN SELECT RAISE(ABORT, 'boom'); END`); err != nil {
		t.Fatal(err)
	}
	v := mustVersion(t, db)
	bad := storetest.New("bad", "Xylophone", 1, "first", "boom")

	err := db.Create(ctx, bad)
	if got, want := article.Code(err), article.EINTERNAL; got != want {
		t.Fatalf("Create: Code=%q (%v), want %q", got, err, want)
	}
	if !strings.HasPrefix(err.Error(), "store: ") {
		t.Fatalf("err=%q, want the prefix %q", err, "store: ")
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
	for _, f := range []article.ListFilter{{Query: "xylophone"}, {Tag: "first"}, {Tag: "boom"}} {
		p, err := db.List(ctx, f)
		if err != nil || len(p.Articles) != 0 {
			t.Fatalf("List(%+v)=%v, %v; want nothing", f, p, err)
		}
	}
	p, err := db.List(ctx, article.ListFilter{Tag: "fine", Query: "title"})
	if err != nil || len(p.Articles) != 1 {
		t.Fatalf("List(tag fine, q title)=%v, %v; want the original", p, err)
	}
	var fts int
	if err := db.r.QueryRow("SELECT count(*) FROM articles_fts").Scan(&fts); err != nil || fts != 1 {
		t.Fatalf("full-text rows=%d, %v; want 1", fts, err)
	}
	if got := mustVersion(t, db); got != v {
		t.Fatalf("Version=%d, want %d", got, v)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

func TestCheck(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpen(t, ":memory:")
		for i := 0; i < 5; i++ {
			if err := db.Create(ctx, newArticle(fmt.Sprintf("a-%d", i), "x")); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Check(ctx); err != nil {
			t.Fatalf("Check: %v", err)
		}
	})
	t.Run("MissingIndexRow", func(t *testing.T) {
		db := MustOpen(t, ":memory:")
		if err := db.Create(ctx, newArticle("a")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.w.Exec("DELETE FROM articles_fts"); err != nil {
			t.Fatal(err)
		}
		if err := db.Check(ctx); err == nil || !strings.Contains(err.Error(), "missing from the full-text index") {
			t.Fatalf("Check=%v, want a missing index row", err)
		}
	})
	t.Run("CorruptFile", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "folio.db")
		db, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 200; i++ {
			a := newArticle(fmt.Sprintf("article-%03d", i), "tag")
			a.HTML = "<p>" + article.SafeHTML(strings.Repeat(fmt.Sprintf("word%d ", i), 200)) + "</p>"
			if err := db.Create(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		// Overwrite the middle of the file (not the header page) with noise.
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		noise := bytes.Repeat([]byte{0xA5, 0x5A, 0x00, 0xFF}, 2048)
		if _, err := f.WriteAt(noise, fi.Size()/2); err != nil {
			t.Fatal(err)
		}
		f.Close()
		db, err = Open(path)
		if err != nil {
			t.Logf("Open refused: %v", err)
			return // refusing to open is a fine way to report it
		}
		defer db.Close()
		err = db.Check(ctx)
		if err == nil {
			t.Fatalf("Check of a corrupted file: err=nil")
		}
		t.Logf("Check: %v", err)
	})
}

// TestTwoHandles writes to one file through two DBs at once, as "folio
// import" does next to "folio serve": busy_timeout and BEGIN IMMEDIATE mean
// no write fails with SQLITE_BUSY.
func TestTwoHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "folio.db")
	dbs := []*DB{MustOpen(t, path), MustOpen(t, path)}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := dbs[g%2]
			for i := 0; i < 25; i++ {
				a := newArticle(fmt.Sprintf("g%d-%02d", g, i), "t")
				if i%2 == 0 {
					if err := db.Create(ctx, a); err != nil {
						errs <- err
						return
					}
				} else if _, err := db.Import(ctx, a.Slug, a); err != nil {
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
	if got := mustVersion(t, dbs[0]); got != 200 {
		t.Fatalf("Version=%d, want 200", got)
	}
}

func TestRoundTripNanoseconds(t *testing.T) {
	db := MustOpen(t, ":memory:")
	a := newArticle("nanos")
	a.Published = time.Date(2001, 2, 3, 4, 5, 6, 123456789, time.UTC)
	a.Updated = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	if err := db.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := db.Get(ctx, "nanos")
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("Get=%#v, %v; want %#v", got, err, a)
	}
	b := newArticle("far")
	b.Published = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := db.Create(ctx, b); article.Code(err) != article.EINVALID {
		t.Fatalf("Create(year 10000)=%v, want EINVALID", err)
	}
}

func TestImportSource(t *testing.T) {
	db := MustOpen(t, ":memory:")
	for _, src := range []string{"", "  "} {
		if _, err := db.Import(ctx, src, newArticle("a")); article.Code(err) != article.EINVALID {
			t.Fatalf("Import(source %q)=%v, want EINVALID", src, err)
		}
	}
}

func TestSearchDiacritics(t *testing.T) {
	db := MustOpen(t, ":memory:")
	a := newArticle("cafe")
	a.Title = "Le café de Flore"
	if err := db.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"cafe", "CAFÉ", "café flore", "flor"} {
		p, err := db.List(ctx, article.ListFilter{Query: q})
		if err != nil || len(p.Articles) != 1 {
			t.Fatalf("List(q %q)=%v, %v; want the article", q, p, err)
		}
	}
}

func TestFTSQuery(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"go", `"go"*`},
		{"go web", `"go" "web"*`},
		{`say "hi"`, `"say" """hi"""*`},
		{"AND( OR NEAR", `"AND(" "OR" "NEAR"*`},
		{"( ) * ^ - :", ""},
		{"a\x00b", `"a" "b"*`},
		{"a\xffb", `"a" "b"*`},
		{"title:x", `"title:x"*`},
		{strings.Repeat("w ", 40), strings.TrimSuffix(strings.Repeat(`"w" `, maxQueryTerms), " ") + "*"},
	} {
		if got := ftsQuery(tt.in); got != tt.want {
			t.Fatalf("ftsQuery(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlainText(t *testing.T) {
	for _, tt := range []struct {
		in   article.SafeHTML
		want string
	}{
		{"", ""},
		{"<p>one</p><p>two</p>", "one two"},
		{"<p>wo<b>rd</b> and <a href=\"https://x.example/zebra\">link</a></p>", "word and link"},
		{"<p>a &amp; b &lt;c&gt; &eacute;</p>", "a & b <c> é"},
		{"<p>x</p><script>var hidden = 1</script><style>p{}</style><p>y</p>", "x y"},
		{"<ul><li>a</li><li>b</li></ul>line<br>break", "a b line break"},
		{"<img src=\"https://x.example/i.png\" alt=\"alt text\">", ""},
	} {
		if got := plainText(tt.in); got != tt.want {
			t.Fatalf("plainText(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCursor(t *testing.T) {
	p := formatTime(base)
	c := encodeCursor(p, 42)
	gp, gid, err := decodeCursor(c)
	if err != nil || gp != p || gid != 42 {
		t.Fatalf("decodeCursor(encodeCursor)=%q, %d, %v; want %q, 42, nil", gp, gid, err, p)
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, c := range []string{
		"", "!", enc("x,1"), enc(p), enc(p + ",0"), enc(p + ",-1"), enc(p + ",01"), enc(p + ",1,2"),
		enc(p + ",99999999999999999999"), enc("2024-03-01T12:00:00Z,1"), c + "=", c[:len(c)-1] + "!",
	} {
		if _, _, err := decodeCursor(c); article.Code(err) != article.EINVALID {
			t.Fatalf("decodeCursor(%q)=%v, want EINVALID", c, err)
		}
	}
}

// TestCrash kills a process that is writing (SIGKILL, in the middle of its
// writes) and checks that every write it had acknowledged is there and
// that the database is sound. The test binary itself is the writer: with
// FOLIO_STORE_CRASH_DB set, TestCrash writes until it is killed.
func TestCrash(t *testing.T) {
	if path := os.Getenv("FOLIO_STORE_CRASH_DB"); path != "" {
		crashWriter(path)
		return
	}
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	path := filepath.Join(t.TempDir(), "folio.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), "FOLIO_STORE_CRASH_DB="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(acked) < 300 {
		if slug, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, slug)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if len(acked) < 300 {
		t.Fatalf("the writer acknowledged %d writes before it stopped, want 300", len(acked))
	}
	db := MustOpen(t, path)
	if err := db.Check(ctx); err != nil {
		t.Fatalf("Check after SIGKILL: %v", err)
	}
	for _, slug := range acked {
		if _, err := db.Get(ctx, slug); err != nil {
			t.Fatalf("acknowledged %q lost after SIGKILL: %v", slug, err)
		}
	}
	n, err := db.Count(ctx)
	if err != nil || n < len(acked) {
		t.Fatalf("Count=%d, %v; want at least %d", n, err, len(acked))
	}
}

// crashWriter creates and updates articles at path until it is killed,
// printing "ack SLUG" after each acknowledged create.
func crashWriter(path string) {
	db, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		a := benchArticle(i)
		if err := db.Create(ctx, a); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Printf("ack %s\n", a.Slug)
		if i > 0 {
			b := benchArticle(i + 1000000)
			b.Slug = a.Slug
			if _, err := db.Import(ctx, "src", b); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
		}
	}
}

func TestMigrateImageSize(t *testing.T) {
	// A database of schema 1 gains the image size columns, its articles'
	// sizes unknown (0×0), and can then store sizes.
	path := filepath.Join(t.TempDir(), "folio.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := migrations.ReadFile("migrations/001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{string(v1), "PRAGMA user_version = 1",
		`INSERT INTO articles (slug, title, published, updated, rev, image_src, image_alt)
		 VALUES ('old', 'Old', '2024-01-01T00:00:00.000000000Z', '2024-01-01T00:00:00.000000000Z', 1, 'https://img.example/old.png', 'Old')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	raw.Close()
	db := MustOpen(t, path)
	a, err := db.Get(context.Background(), "old")
	if err != nil {
		t.Fatal(err)
	}
	if want := (article.Image{Src: "https://img.example/old.png", Alt: "Old"}); a.Image == nil || !reflect.DeepEqual(*a.Image, want) {
		t.Fatalf("Image=%+v, want %+v", a.Image, want)
	}
	a.Image.Width, a.Image.Height = 800, 600
	if err := db.Update(context.Background(), "old", a); err != nil {
		t.Fatal(err)
	}
	if b, err := db.Get(context.Background(), "old"); err != nil || b.Image.Width != 800 || b.Image.Height != 600 {
		t.Fatalf("after the update: %+v, %v", b.Image, err)
	}
}
