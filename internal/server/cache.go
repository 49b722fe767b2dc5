package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
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
	watch  *storeWatch
	mu     sync.Mutex
	m      map[string]cachedResponse
	builds flight
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

// get returns the JSON asset for key, building it from load's value when
// the cache has none for the store's current version. Errors are not
// cached.
func (c *responseCache) get(ctx context.Context, key string, load func() (any, error)) (*asset, error) {
	return c.getAsset(ctx, key, func() (*asset, error) {
		val, err := load()
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(val)
		if err != nil {
			return nil, err
		}
		return newAsset(append(b, '\n'), http.Header{
			"Content-Type":  {"application/json; charset=utf-8"},
			"Cache-Control": {apiCacheControl},
		}), nil
	})
}

// getAsset returns the asset for key, built by build when the cache has
// none for the store's current version; concurrent misses for one key
// share one build. Errors are not cached.
func (c *responseCache) getAsset(ctx context.Context, key string, build func() (*asset, error)) (*asset, error) {
	v := c.watch.version(ctx)
	if v < 0 {
		return build()
	}
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && e.version == v {
		return e.asset, nil
	}
	a, err := c.builds.do(key+"\x00"+strconv.FormatInt(v, 10), func() (any, error) {
		a, err := build()
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if len(c.m) >= maxCachedResponses {
			clear(c.m)
		}
		c.m[key] = cachedResponse{v, a}
		c.mu.Unlock()
		return a, nil
	})
	if err != nil {
		return nil, err
	}
	return a.(*asset), nil
}

// flight runs one call per key at a time: callers that ask for a key
// being computed wait for that computation and share its result, so a
// page asked for by a thousand clients at once is rendered once.
type flight struct {
	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	done    chan struct{}
	waiters int // callers waiting for this one's result; guarded by flight.mu
	val     any
	err     error
}

// errFlightPanic is what waiting callers get when the call panicked.
var errFlightPanic = errors.New("folio: shared computation panicked")

// do returns fn's result for key, running fn unless a call for key is
// already running, in which case it waits for that call's result.
func (f *flight) do(key string, fn func() (any, error)) (any, error) {
	f.mu.Lock()
	if c, ok := f.calls[key]; ok {
		c.waiters++
		f.mu.Unlock()
		<-c.done
		return c.val, c.err
	}
	if f.calls == nil {
		f.calls = map[string]*flightCall{}
	}
	c := &flightCall{done: make(chan struct{}), err: errFlightPanic}
	f.calls[key] = c
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.val, c.err = fn()
	return c.val, c.err
}
