package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"folio/article"
	"folio/internal/httpcache"
	"folio/internal/purge"
)

// apiCacheControl lets browsers and CDNs keep API reads briefly and serve
// them stale while they revalidate with the ETag.
const apiCacheControl = "public, max-age=10, stale-while-revalidate=60"

// responses is the server's one cache of prepared responses (API, pages,
// cards, oEmbed, feeds), keyed by route and the parameters the route
// reads, and tagged with the store's write count: any write retires every
// entry, at once for writes through this server (withInvalidate), within
// the watch's interval for another process's (folio import). The bound in
// bytes, the LRU eviction and the shared, detached builds are
// httpcache.Cache's.
//
// With a purger configured (edge), every cached response names what it
// shows for edge caches (purge.Keys in Surrogate-Key and Cache-Tag), a
// write purges what it touched, and so shared caches may keep responses
// for a day and serve them stale while Folio is unreachable. Without one
// nothing purges by key, so the keys are not sent: two headers fewer on
// every response, the hottest paths' included.
type responses struct {
	watch *storeWatch
	cache *httpcache.Cache
	edge  bool // a purger is configured
}

// Shared-cache lifetimes when writes purge the edge.
const (
	edgeMaxAge      = 86400  // s-maxage: a day
	edgeStaleRevive = 86400  // stale-while-revalidate
	edgeStaleError  = 604800 // stale-if-error: a week
)

// header completes a response's header: its Cache-Control from cc, the
// browser's policy, which with a purger configured lets shared caches keep
// the response for a day (s-maxage) and serve it stale on origin errors;
// and then the keys of what it shows, plus purge.All.
func (c *responses) header(h http.Header, cc string, keys ...string) http.Header {
	if c.edge && !strings.Contains(cc, "no-cache") && !strings.Contains(cc, "no-store") {
		var parts []string
		for _, d := range strings.Split(cc, ",") {
			d = strings.TrimSpace(d)
			if name, _, _ := strings.Cut(d, "="); name != "s-maxage" && name != "stale-while-revalidate" && name != "stale-if-error" {
				parts = append(parts, d)
			}
		}
		cc = strings.Join(parts, ", ") + fmt.Sprintf(", s-maxage=%d, stale-while-revalidate=%d, stale-if-error=%d", edgeMaxAge, edgeStaleRevive, edgeStaleError)
	}
	h.Set("Cache-Control", cc)
	if c.edge {
		keys = append(keys, purge.All)
		h.Set("Surrogate-Key", purge.SurrogateKey(keys...))
		h.Set("Cache-Tag", purge.CacheTag(keys...))
	}
	return h
}

// get returns the asset for key, built by build when the cache has none
// for the store's current write count.
func (c *responses) get(ctx context.Context, key string, build func(ctx context.Context) (*httpcache.Asset, error)) (*httpcache.Asset, error) {
	return c.cache.Get(ctx, key, c.watch.version(ctx), build)
}

// getJSON is get for an API response: load's value as JSON, showing what
// the keys name.
func (c *responses) getJSON(ctx context.Context, key string, keys []string, load func(ctx context.Context) (any, error)) (*httpcache.Asset, error) {
	return c.get(ctx, key, func(ctx context.Context) (*httpcache.Asset, error) {
		val, err := load(ctx)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(val)
		if err != nil {
			return nil, err
		}
		return httpcache.New(append(b, '\n'), c.header(http.Header{
			"Content-Type": {"application/json; charset=utf-8"},
		}, apiCacheControl, keys...)), nil
	})
}

// withInvalidate makes the watch read the store's count again once h (a
// write) starts its response, which it does after the store has the write:
// a client that reads right after its write sees it.
func withInvalidate(watch *storeWatch, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&invalidatingWriter{ResponseWriter: w, watch: watch}, r)
		watch.invalidate()
	})
}

type invalidatingWriter struct {
	http.ResponseWriter
	watch *storeWatch
}

func (w *invalidatingWriter) WriteHeader(code int) {
	w.watch.invalidate()
	w.ResponseWriter.WriteHeader(code)
}

func (w *invalidatingWriter) Write(b []byte) (int, error) {
	w.watch.invalidate()
	return w.ResponseWriter.Write(b)
}

// defaultFreshness bounds how stale a cached response can be on the
// server after a write by another process (folio import); writes through
// this server show at once. Browsers and CDNs keep responses for longer
// anyway (Cache-Control), and reading the write count once per interval
// instead of once per request is what lets a cached response be served at
// static-file speed.
const defaultFreshness = 100 * time.Millisecond

// versioner is implemented by stores that count their writes (store.DB):
// a cache entry made at a count is fresh while the count stays the same,
// so a hit needs no read of the article. The count lives in the database,
// so writes by another process (folio import) are seen too.
type versioner interface {
	Version(ctx context.Context) (int64, error)
}

// storeVersion returns the store's write count, read now, or -1 when the
// store does not count its writes or the count cannot be read.
func storeVersion(ctx context.Context, st article.Store) int64 {
	if v, ok := st.(versioner); ok {
		if n, err := v.Version(ctx); err == nil {
			return n
		}
	}
	return -1
}

// storeWatch reads the store's write count at most once per interval
// and shares the reading between requests.
type storeWatch struct {
	store article.Store
	every time.Duration // < 0: read on every request

	mu   sync.Mutex   // one reader at a time
	last atomic.Int64 // the count last read
	at   atomic.Int64 // when, in Unix nanoseconds; 0 before the first read
	gen  atomic.Int64 // invalidations so far
}

// invalidate makes the next version call read the count again. Writes
// through this server call it, so their effect shows at once; only writes
// by another process wait up to w.every.
func (w *storeWatch) invalidate() {
	w.gen.Add(1)
	w.at.Store(0)
}

// version returns the store's write count, at most w.every old, or -1
// when the store does not count its writes or the count cannot be read.
func (w *storeWatch) version(ctx context.Context) int64 {
	if _, ok := w.store.(versioner); !ok {
		return -1
	}
	if w.every > 0 {
		if at := w.at.Load(); at != 0 && time.Now().UnixNano()-at < int64(w.every) {
			return w.last.Load()
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		if at := w.at.Load(); at != 0 && time.Now().UnixNano()-at < int64(w.every) {
			return w.last.Load() // another request just read it
		}
	}
	start, gen := time.Now().UnixNano(), w.gen.Load()
	n := storeVersion(ctx, w.store)
	if n < 0 {
		return -1
	}
	w.last.Store(n)
	if w.gen.Load() == gen {
		// Trusted for w.every, unless a write was acknowledged while the
		// count was read: the reading may predate it, so the next call
		// reads again.
		w.at.Store(start)
	}
	return n
}
