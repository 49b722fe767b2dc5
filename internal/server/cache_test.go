package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"folio/article"
	"folio/store"
)

// lockedBuffer is a bytes.Buffer safe for the log writer's timer.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogWriter(t *testing.T) {
	out := &lockedBuffer{}
	logs := newLogWriter(out, time.Hour) // the timer never fires in the test
	logger := slog.New(&flushingHandler{Handler: slog.NewTextHandler(logs, nil), logs: logs}).With("app", "folio")

	logger.Info("request", "path", "/a/x")
	if got := out.String(); got != "" {
		t.Fatalf("an info line was written out at once: %q", got)
	}
	logger.Warn("slow")
	if got := out.String(); !strings.Contains(got, "path=/a/x") || !strings.Contains(got, "msg=slow app=folio") {
		t.Fatalf("after a warning the log holds %q, want both lines", got)
	}
	logger.Info("request", "path", "/a/y")
	if err := logs.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "path=/a/y") {
		t.Fatalf("Close did not write out the buffer: %q", got)
	}
	logger.Info("late")
	if got := out.String(); !strings.Contains(got, "msg=late") {
		t.Fatalf("a line after Close was held back: %q", got)
	}
	if err := logs.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestLogWriterTimer(t *testing.T) {
	out := &lockedBuffer{}
	logs := newLogWriter(out, time.Millisecond)
	defer logs.Close()
	io.WriteString(logs, "line\n")
	// The timer writes the line out without a Flush: wait for it, up to
	// a bound far beyond the 1 ms interval.
	deadline := time.Now().Add(10 * time.Second)
	for out.String() == "" {
		if time.Now().After(deadline) {
			t.Fatal("the timer did not write the buffered line out within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
	if got := out.String(); got != "line\n" {
		t.Fatalf("wrote %q, want the line", got)
	}
}

// countingDB counts the articles read from the store.
type countingDB struct {
	*store.DB
	gets atomic.Int64
}

func (c *countingDB) Get(ctx context.Context, slug string) (*article.Article, error) {
	c.gets.Add(1)
	return c.DB.Get(ctx, slug)
}

func TestPagesRenderedOncePerVersion(t *testing.T) {
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs := &countingDB{DB: st}
	h := newPagesHandler(t, cs)
	putArticle(t, st, testArticle(t, "once", "First title", "<p>Body.</p>"))

	first := get(t, h, "/a/once", "Accept-Encoding", "gzip")
	etag := first.Header.Get("ETag")
	if first.StatusCode != http.StatusOK || first.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("StatusCode=%d Content-Encoding=%q, want 200 and gzip", first.StatusCode, first.Header.Get("Content-Encoding"))
	}
	for _, hdr := range [][]string{nil, {"Accept-Encoding", "br"}, {"If-None-Match", etag}} {
		res := get(t, h, "/a/once", hdr...)
		if res.Header.Get("ETag") != etag {
			t.Fatalf("ETag=%q, want %q", res.Header.Get("ETag"), etag)
		}
	}
	if n := cs.gets.Load(); n != 1 {
		t.Fatalf("%d store reads for four requests between writes, want 1", n)
	}
	if res := get(t, h, "/a/once", "Accept-Encoding", "br"); res.Header.Get("Content-Encoding") != "br" {
		t.Fatalf("Content-Encoding=%q, want br", res.Header.Get("Content-Encoding"))
	} else if page, err := io.ReadAll(brotli.NewReader(res.Body)); err != nil || !strings.Contains(string(page), "First title") {
		t.Fatalf("the brotli copy is not the page (%v)", err)
	}
	if cc := first.Header.Get("Cache-Control"); !strings.Contains(cc, "stale-while-revalidate") || !strings.Contains(cc, "max-age=0") {
		t.Fatalf("Cache-Control=%q, want max-age=0 with stale-while-revalidate", cc)
	}

	b := testArticle(t, "once", "Second title", "<p>Body.</p>")
	if err := st.Update(context.Background(), "once", b); err != nil {
		t.Fatal(err)
	}
	res := get(t, h, "/a/once", "If-None-Match", etag)
	if res.StatusCode != http.StatusOK || !strings.Contains(body(t, res), "Second title") || cs.gets.Load() != 2 {
		t.Fatalf("after a write: StatusCode=%d, %d store reads; want 200 with the new title, rendered again", res.StatusCode, cs.gets.Load())
	}
	if res := get(t, h, "/a/missing"); res.StatusCode != http.StatusNotFound || res.Header.Get("ETag") != "" {
		t.Fatalf("missing article: StatusCode=%d ETag=%q, want 404 and none", res.StatusCode, res.Header.Get("ETag"))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/a/once", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("ETag") == "" {
		t.Fatalf("HEAD: status=%d, %d bytes, ETag %q; want 200, no body and the ETag", rec.Code, rec.Body.Len(), rec.Header().Get("ETag"))
	}
}

// failingDB fails the next article read when fail is set.
type failingDB struct {
	*store.DB
	fail atomic.Bool
}

func (f *failingDB) Get(ctx context.Context, slug string) (*article.Article, error) {
	if f.fail.Swap(false) {
		return nil, article.Errorf(article.EINTERNAL, "disk on fire")
	}
	return f.DB.Get(ctx, slug)
}

func TestPagesFailureNotCached(t *testing.T) {
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fs := &failingDB{DB: st}
	h := newPagesHandler(t, fs)
	putArticle(t, st, testArticle(t, "flaky", "Flaky title", "<p>Body.</p>"))
	fs.fail.Store(true)
	if res := get(t, h, "/a/flaky"); res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("StatusCode=%d while the store fails, want 500", res.StatusCode)
	}
	// No write since: a cached failure would be served again.
	if res := get(t, h, "/a/flaky"); res.StatusCode != http.StatusOK || !strings.Contains(body(t, res), "Flaky title") {
		t.Fatalf("StatusCode=%d once the store works again, want 200 with the article", res.StatusCode)
	}
}
