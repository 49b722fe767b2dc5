package httpcache

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func plain(s string) *Asset { return NewPlain([]byte(s), http.Header{}) }

// build returns a build func that counts its calls.
func build(calls *atomic.Int64, body string) func(context.Context) (*Asset, error) {
	return func(context.Context) (*Asset, error) {
		calls.Add(1)
		return plain(body), nil
	}
}

func TestCacheVersions(t *testing.T) {
	c := NewCache(1 << 20)
	ctx := context.Background()
	var calls atomic.Int64
	for range 3 {
		a, err := c.Get(ctx, "k", 1, build(&calls, "v1"))
		if err != nil || string(a.Body()) != "v1" {
			t.Fatalf("Get=%v, %v", a, err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d builds for three gets of one version, want 1", n)
	}
	if a, _ := c.Get(ctx, "k", 2, build(&calls, "v2")); string(a.Body()) != "v2" || calls.Load() != 2 {
		t.Fatalf("a newer version gave %q after %d builds, want v2 built again", a.Body(), calls.Load())
	}
	// An unknown version (-1) is built every time and never kept.
	for range 2 {
		c.Get(ctx, "u", -1, build(&calls, "u"))
	}
	if n := calls.Load(); n != 4 {
		t.Fatalf("%d builds, want 4: an unknown version is not kept", n)
	}
	if st := c.Stats(); st.Entries != 1 {
		t.Fatalf("Entries=%d, want 1", st.Entries)
	}
	// Errors reach the caller and are not kept.
	boom := errors.New("boom")
	if _, err := c.Get(ctx, "e", 1, func(context.Context) (*Asset, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("err=%v, want boom", err)
	}
	if a, err := c.Get(ctx, "e", 1, build(&calls, "ok")); err != nil || string(a.Body()) != "ok" {
		t.Fatalf("after an error: %v, %v; want a new build", a, err)
	}
}

func TestCacheBoundInBytes(t *testing.T) {
	const max = 64 << 10
	c := NewCache(max)
	ctx := context.Background()
	body := strings.Repeat("x", 1000)
	var calls atomic.Int64
	for i := range 1000 {
		c.Get(ctx, fmt.Sprint("k", i), 1, build(&calls, body))
		// Keep k0 in use: the least recently used entries go first.
		c.Get(ctx, "k0", 1, build(&calls, body))
		if st := c.Stats(); st.Bytes > max {
			t.Fatalf("after %d entries the cache holds %d bytes, over its bound %d", i+1, st.Bytes, max)
		}
	}
	st := c.Stats()
	if st.Entries < 40 || st.Evictions == 0 {
		t.Fatalf("Stats=%+v: want the cache full, with evictions", st)
	}
	before := calls.Load()
	c.Get(ctx, "k0", 1, build(&calls, body))
	c.Get(ctx, "k999", 1, build(&calls, body))
	if calls.Load() != before {
		t.Fatal("the most recently used entries were evicted")
	}
	c.Get(ctx, "k1", 1, build(&calls, body))
	if calls.Load() != before+1 {
		t.Fatal("the least recently used entry is still there")
	}
	// One asset over an eighth of the bound is served but not kept.
	big := strings.Repeat("y", max/4)
	for range 2 {
		if a, _ := c.Get(ctx, "big", 1, build(&calls, big)); len(a.Body()) != len(big) {
			t.Fatal("the big asset was not served")
		}
	}
	if calls.Load() != before+3 {
		t.Fatalf("%d builds for two gets of a big asset, want 2: it must not be kept", calls.Load()-before-1)
	}
}

// TestCacheSharedBuild checks that concurrent misses share one build,
// that the build does not stop when the caller that started it goes away,
// and that the callers still waiting get its result.
func TestCacheSharedBuild(t *testing.T) {
	c := NewCache(1 << 20)
	started, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int64
	var buildErr atomic.Value
	slow := func(ctx context.Context) (*Asset, error) {
		calls.Add(1)
		close(started)
		<-release
		if err := ctx.Err(); err != nil {
			buildErr.Store(err)
			return nil, err
		}
		return plain("page"), nil
	}
	first, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := c.Get(first, "k", 1, slow)
		firstErr <- err
	}()
	<-started
	const waiters = 8
	var wg sync.WaitGroup
	results := make([]string, waiters)
	errs := make([]error, waiters)
	for i := range waiters {
		wg.Go(func() {
			a, err := c.Get(context.Background(), "k", 1, slow)
			errs[i] = err
			if a != nil {
				results[i] = string(a.Body())
			}
		})
	}
	// The client that started the build goes away: it stops waiting at
	// once, and the build goes on for the others.
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled caller got %v, want context.Canceled", err)
	}
	close(release)
	wg.Wait()
	for i := range waiters {
		if errs[i] != nil || results[i] != "page" {
			t.Fatalf("waiter %d got %q, %v; want the shared page", i, results[i], errs[i])
		}
	}
	if err := buildErr.Load(); err != nil {
		t.Fatalf("the build's context was cancelled with its first caller: %v", err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d builds for %d concurrent callers, want 1", n, waiters+1)
	}
}

func TestCacheBuildPanics(t *testing.T) {
	c := NewCache(1 << 20)
	_, err := c.Get(context.Background(), "p", 1, func(context.Context) (*Asset, error) { panic("boom") })
	if !errors.Is(err, errBuildPanic) || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err=%v, want errBuildPanic naming the panic", err)
	}
	var calls atomic.Int64
	if a, err := c.Get(context.Background(), "p", 1, build(&calls, "ok")); err != nil || string(a.Body()) != "ok" {
		t.Fatalf("after a panic: %v, %v; want a new build", a, err)
	}
}
