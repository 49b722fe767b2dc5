// Package purge tells edge caches (Varnish, a CDN) which responses to drop
// after a write. Every cacheable response names what it shows with keys
// (Surrogate-Key for Fastly and Varnish xkey, Cache-Tag for Cloudflare-style
// CDNs): the article's key on everything that shows one article, the
// listing key on lists, the home page and the feeds. After a committed
// write the server hands the keys it touched to a Queue, which sends them
// to every configured endpoint in the background, retrying failures; a
// purge never blocks or fails the write.
package purge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Keys.
const (
	// All is on every response Folio names keys for: purging it drops
	// everything.
	All = "folio"
	// List is on every response that lists articles: /, /api/articles,
	// the feeds.
	List = "list"
)

// Article returns the key of the responses that show the article with the
// slug (its JSON, reader page, card and oEmbed answers), also those that
// said it did not exist.
func Article(slug string) string { return "a:" + slug }

// SurrogateKey is the Surrogate-Key header value for the keys (space
// separated, as Fastly and Varnish xkey read it).
func SurrogateKey(keys ...string) string { return strings.Join(keys, " ") }

// CacheTag is the Cache-Tag header value for the keys (comma separated,
// as Cloudflare-style CDNs read it).
func CacheTag(keys ...string) string { return strings.Join(keys, ",") }

// An Endpoint drops the responses tagged with any of the keys.
type Endpoint interface {
	Purge(ctx context.Context, keys []string) error
	String() string
}

// Varnish purges through Varnish's xkey module: an HTTP PURGE request to
// the Varnish address with the keys in the xkey header (deploy/varnish.vcl
// answers it).
type Varnish struct {
	URL    string
	Client *http.Client
}

// Purge implements Endpoint.
func (v *Varnish) Purge(ctx context.Context, keys []string) error {
	req, err := http.NewRequestWithContext(ctx, "PURGE", v.URL, nil)
	if err != nil {
		return err
	}
	req.Header.Set("xkey", strings.Join(keys, " "))
	return send(v.Client, req)
}

func (v *Varnish) String() string { return "varnish=" + v.URL }

// Webhook purges through a generic JSON webhook, which a CDN's purge API
// can sit behind: POST {"keys": [...]} to the URL, with a bearer token
// when one is given.
type Webhook struct {
	URL    string
	Token  string
	Client *http.Client
}

// Purge implements Endpoint.
func (h *Webhook) Purge(ctx context.Context, keys []string) error {
	body, _ := json.Marshal(struct {
		Keys []string `json:"keys"`
	}{keys})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if h.Token != "" {
		req.Header.Set("Authorization", "Bearer "+h.Token)
	}
	return send(h.Client, req)
}

func (h *Webhook) String() string { return "webhook=" + h.URL }

func send(c *http.Client, req *http.Request) error {
	if c == nil {
		c = defaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("purge: %s %s answered %s: %s", req.Method, req.URL.Redacted(), res.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}

var defaultClient = &http.Client{Timeout: 5 * time.Second}

// Parse reads one -purge value: "varnish=URL" (an HTTP PURGE with the
// xkey header) or "webhook=URL" (a JSON POST). A webhook URL's userinfo
// password, if any, is sent as a bearer token instead
// (webhook=https://:TOKEN@cdn-purger.example/purge).
func Parse(spec string) (Endpoint, error) {
	kind, raw, ok := strings.Cut(spec, "=")
	if !ok {
		return nil, fmt.Errorf("%q: write varnish=URL or webhook=URL", spec)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q: %q is not an absolute http(s) URL", spec, raw)
	}
	switch kind {
	case "varnish":
		if u.User != nil {
			return nil, fmt.Errorf("%q: a Varnish URL takes no user name or password", spec)
		}
		return &Varnish{URL: u.String()}, nil
	case "webhook":
		h := &Webhook{}
		if u.User != nil {
			h.Token, _ = u.User.Password()
			u.User = nil
		}
		h.URL = u.String()
		return h, nil
	}
	return nil, fmt.Errorf("%q: the kind must be varnish or webhook, not %q", spec, kind)
}

// Queue sends purges to its endpoints in the background, in order,
// merging the keys of writes that come while a purge is under way. A
// failed purge is retried with a growing delay (Backoff, doubled each
// time, up to Attempts tries) and logged; it is never the writer's
// problem.
type Queue struct {
	endpoints []Endpoint
	logger    *slog.Logger
	Attempts  int           // tries per purge; 5 by default
	Backoff   time.Duration // the first retry's delay; 100 ms by default

	mu      sync.Mutex
	pending map[Endpoint][]string
	wake    chan struct{}
	idle    *sync.Cond
	busy    int
	stop    chan struct{}
	done    chan struct{}
}

// NewQueue starts a queue for the endpoints. Close stops it.
func NewQueue(endpoints []Endpoint, logger *slog.Logger) *Queue {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	q := &Queue{endpoints: endpoints, logger: logger, Attempts: 5, Backoff: 100 * time.Millisecond,
		pending: map[Endpoint][]string{}, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	q.idle = sync.NewCond(&q.mu)
	go q.run()
	return q
}

// Enabled reports whether the queue has any endpoint: shared caches may
// then keep responses for long, since writes purge them.
func (q *Queue) Enabled() bool { return q != nil && len(q.endpoints) > 0 }

// Purge asks every endpoint to drop the keys, soon. It never blocks.
func (q *Queue) Purge(keys ...string) {
	if !q.Enabled() || len(keys) == 0 {
		return
	}
	q.mu.Lock()
	for _, e := range q.endpoints {
		for _, k := range keys {
			if !slices.Contains(q.pending[e], k) {
				q.pending[e] = append(q.pending[e], k)
			}
		}
	}
	q.busy++
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Wait returns once every purge asked for so far has been sent or has
// given up. Tests and shutdown use it.
func (q *Queue) Wait() {
	if !q.Enabled() {
		return
	}
	q.mu.Lock()
	for q.busy > 0 {
		q.idle.Wait()
	}
	q.mu.Unlock()
}

// Close stops the queue after the purges under way.
func (q *Queue) Close() {
	if !q.Enabled() {
		return
	}
	close(q.stop)
	<-q.done
}

func (q *Queue) run() {
	defer close(q.done)
	for {
		select {
		case <-q.stop:
			return
		case <-q.wake:
		}
		q.mu.Lock()
		batch, n := q.pending, q.busy
		q.pending = map[Endpoint][]string{}
		q.mu.Unlock()
		var wg sync.WaitGroup
		for e, keys := range batch {
			wg.Go(func() { q.send(e, keys) })
		}
		wg.Wait()
		q.mu.Lock()
		q.busy -= n
		if q.busy == 0 {
			q.idle.Broadcast()
		}
		q.mu.Unlock()
	}
}

// send purges keys at e, retrying.
func (q *Queue) send(e Endpoint, keys []string) {
	delay := q.Backoff
	var err error
	for attempt := 1; attempt <= q.Attempts; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = e.Purge(ctx, keys)
		cancel()
		if err == nil {
			if attempt > 1 {
				q.logger.Info("purge: sent after retrying", "endpoint", e.String(), "keys", keys, "attempts", attempt)
			}
			return
		}
		q.logger.Warn("purge: failed, will retry", "endpoint", e.String(), "keys", keys, "attempt", attempt, "err", err)
		select {
		case <-time.After(delay):
		case <-q.stop:
			return
		}
		delay *= 2
	}
	q.logger.Error("purge: gave up; the edge may serve stale copies until they expire", "endpoint", e.String(), "keys", keys, "err", errors.Unwrap(err))
}
