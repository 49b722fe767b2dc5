package main

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
)

// apiCacheControl lets browsers and CDNs keep API reads briefly and serve
// them stale while they revalidate with the ETag.
const apiCacheControl = "public, max-age=10, stale-while-revalidate=60"

// maxCachedResponses bounds a responseCache; past it the cache starts over.
const maxCachedResponses = 2048

// responseCache keeps encoded API responses (JSON, gzip, brotli, ETag)
// keyed by request and tagged with the store's write count, so a read
// between two writes costs no query and no encoding. Any write changes the
// count and so retires every entry: at once for writes through this server
// (withInvalidate), within defaultFreshness for another process's (folio
// import).
type responseCache struct {
	watch *storeWatch
	mu    sync.Mutex
	m     map[string]cachedResponse
}

type cachedResponse struct {
	version int64
	asset   *asset
}

func newResponseCache(watch *storeWatch) *responseCache {
	return &responseCache{watch: watch, m: map[string]cachedResponse{}}
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

// get returns the asset for key, building it from load's value when the
// cache has none for the store's current version. Errors are not cached.
func (c *responseCache) get(ctx context.Context, key string, load func() (any, error)) (*asset, error) {
	v := c.watch.version(ctx)
	if v >= 0 {
		c.mu.Lock()
		e, ok := c.m[key]
		c.mu.Unlock()
		if ok && e.version == v {
			return e.asset, nil
		}
	}
	val, err := load()
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(val)
	if err != nil {
		return nil, err
	}
	a := newAsset(append(b, '\n'), http.Header{
		"Content-Type":  {"application/json; charset=utf-8"},
		"Cache-Control": {apiCacheControl},
	})
	if v >= 0 {
		c.mu.Lock()
		if len(c.m) >= maxCachedResponses {
			clear(c.m)
		}
		c.m[key] = cachedResponse{v, a}
		c.mu.Unlock()
	}
	return a, nil
}
