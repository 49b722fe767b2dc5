package httpcache

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// DefaultSize is the default bound of a Cache, in bytes.
const DefaultSize = 128 << 20

// BuildTimeout bounds one build. A build runs detached from the request
// that started it, so nothing else would stop one that hangs.
const BuildTimeout = 30 * time.Second

// A Cache keeps assets by key, each made at a version of the data it
// shows (the store's write count): an entry serves requests for its own
// version only, and a request for a newer one builds it again. The cache
// holds at most its size in bytes (Asset.Size plus the key), dropping the
// least recently used entries first; an asset larger than an eighth of the
// size is served but not kept, so that one response cannot empty it.
//
// Concurrent requests for a missing key and version share one build
// (singleflight). The build runs on its own goroutine with a context that
// keeps the first caller's values but not its cancellation, bounded by
// BuildTimeout: a client that goes away while a page is rendered neither
// fails the others waiting for it nor wastes the work. A caller whose own
// context ends stops waiting and gets its context's error.
//
// A Cache is safe for concurrent use.
type Cache struct {
	max   int64
	group singleflight.Group

	mu    sync.Mutex
	size  int64
	lru   list.List // of *entry, most recently used first
	items map[string]*list.Element

	hits, misses, builds, evictions int64
}

type entry struct {
	key     string
	version int64
	asset   *Asset
	size    int64
}

// NewCache returns a cache that holds at most maxBytes; 0 or less means
// DefaultSize.
func NewCache(maxBytes int64) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultSize
	}
	return &Cache{max: maxBytes, items: map[string]*list.Element{}}
}

// errBuildPanic is what callers get when a build panicked.
var errBuildPanic = errors.New("httpcache: the build panicked")

// Get returns the asset for key at version, building it with build when
// the cache has none for that version. A version below zero means the
// data's version is unknown: the asset is built for this request and not
// kept, although concurrent requests still share the build. Errors are
// returned to every caller that shared the build and are not kept.
func (c *Cache) Get(ctx context.Context, key string, version int64, build func(ctx context.Context) (*Asset, error)) (*Asset, error) {
	if version >= 0 {
		if a := c.lookup(key, version); a != nil {
			return a, nil
		}
	}
	detached := context.WithoutCancel(ctx)
	ch := c.group.DoChan(key+"\x00"+strconv.FormatInt(version, 10), func() (v any, err error) {
		defer func() {
			if p := recover(); p != nil {
				v, err = nil, fmt.Errorf("%w: %v", errBuildPanic, p)
			}
		}()
		bctx, cancel := context.WithTimeout(detached, BuildTimeout)
		defer cancel()
		a, err := build(bctx)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.builds++
		c.mu.Unlock()
		if version >= 0 {
			c.add(key, version, a)
		}
		return a, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*Asset), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// lookup returns the entry for key if it was made at version, marking it
// recently used.
func (c *Cache) lookup(key string, version int64) *Asset {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		if e := el.Value.(*entry); e.version == version {
			c.lru.MoveToFront(el)
			c.hits++
			return e.asset
		}
	}
	c.misses++
	return nil
}

// add keeps a for key at version, replacing an entry of another version,
// then drops least recently used entries until the cache fits its bound.
func (c *Cache) add(key string, version int64, a *Asset) {
	size := a.Size() + int64(len(key)) + 64
	if size > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		old := el.Value.(*entry)
		if old.version > version {
			return // a newer build finished first
		}
		c.size -= old.size
		c.lru.Remove(el)
		delete(c.items, key)
	}
	c.items[key] = c.lru.PushFront(&entry{key: key, version: version, asset: a, size: size})
	c.size += size
	for c.size > c.max {
		el := c.lru.Back()
		e := el.Value.(*entry)
		c.lru.Remove(el)
		delete(c.items, e.key)
		c.size -= e.size
		c.evictions++
	}
}

// Stats is what a cache holds and has done.
type Stats struct {
	Entries   int
	Bytes     int64 // held, at most Max
	Max       int64
	Hits      int64
	Misses    int64
	Builds    int64 // successful builds
	Evictions int64
}

// Stats returns the cache's figures now.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Entries: len(c.items), Bytes: c.size, Max: c.max, Hits: c.hits, Misses: c.misses, Builds: c.builds, Evictions: c.evictions}
}
