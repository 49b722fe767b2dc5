package server

import (
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"folio/article"
)

// clientLimiter keeps one token bucket per client address. Buckets idle
// for longer than it takes to refill are forgotten, so memory stays bounded
// by the number of recently active clients.
type clientLimiter struct {
	rate  rate.Limit
	burst int

	mu      sync.Mutex
	clients map[string]*clientBucket
	swept   time.Time
}

type clientBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newClientLimiter allows each client perMinute requests a minute on
// average, with bursts of burst.
func newClientLimiter(perMinute float64, burst int) *clientLimiter {
	return &clientLimiter{rate: rate.Limit(perMinute / 60), burst: burst, clients: map[string]*clientBucket{}}
}

// reserve takes a token for the client and returns 0, or how long the
// client must wait before its next request is allowed.
func (l *clientLimiter) reserve(client string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		idle := time.Duration(float64(l.burst)/float64(l.rate)) * time.Second
		for k, b := range l.clients {
			if now.Sub(b.seen) > idle {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	b := l.clients[client]
	if b == nil {
		b = &clientBucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.clients[client] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// clientKey is the client's IP address (the port dropped).
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// withRateLimit answers 429 with Retry-After when the client has used up
// its budget; nil l lets everything through.
func withRateLimit(l *clientLimiter, logger *slog.Logger, next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := l.reserve(clientKey(r), time.Now()); d > 0 {
			secs := int(math.Ceil(d.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeError(w, r, logger, article.Errorf(article.ETOOMANY, "too many requests: try again in %d s", secs))
			return
		}
		next.ServeHTTP(w, r)
	})
}
