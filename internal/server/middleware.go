package server

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"folio/article"
	"folio/internal/wire"
)

// statusWriter records the status and size of a response for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes flushes through (server-sent responses, streaming).
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack passes hijacking through.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("hijack not supported")
}

// withLogging writes one log line per request. It never logs headers, so
// the API token cannot reach the log. The record is handed to the
// logger's handler directly: Logger.Info would also capture the caller's
// program counter, a stack walk per request for a source the handler
// does not print.
func withLogging(logger *slog.Logger, next http.Handler) http.Handler {
	h := logger.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if !h.Enabled(r.Context(), slog.LevelInfo) {
			return
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		end := time.Now()
		logRequest(r.Context(), h, end, r.Method, r.URL.Path, sw.status, sw.bytes, end.Sub(start).Round(time.Microsecond), r.RemoteAddr)
	})
}

// withRecover turns a panic in a handler into a logged 500 with a JSON body.
func withRecover(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				writeJSON(w, http.StatusInternalServerError, wire.Error{Error: "Internal error."})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// The security headers' values, shared by every response: header maps
// are cloned when a response is written, so they are never changed in
// place.
var (
	hdrNosniff = []string{"nosniff"}
	hdrAPICSP  = []string{"default-src 'none'; frame-ancestors 'none'"}
)

// withSecurityHeaders sets the headers every response carries. Pages and
// embeds add their own Content-Security-Policy and referrer policy (pages
// in their head: pageReferrer).
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = hdrNosniff
		if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz" {
			// No X-Frame-Options: frame-ancestors obsoletes it in every
			// browser that runs the app, and it is one header fewer on
			// every API response.
			h["Content-Security-Policy"] = hdrAPICSP
		}
		next.ServeHTTP(w, r)
	})
}

// requireToken guards writes. With no token configured every write is
// refused with 403 saying how to configure one; otherwise the request must
// carry "Authorization: Bearer TOKEN", compared in constant time.
func requireToken(token string, logger *slog.Logger, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token == "" {
			writeError(w, r, logger, article.Errorf(article.EFORBIDDEN,
				"writes are disabled: start the server with -token TOKEN (or FOLIO_TOKEN) and send Authorization: Bearer TOKEN"))
			return
		}
		auth := r.Header.Get("Authorization")
		scheme, got, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || got == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="folio"`)
			writeError(w, r, logger, article.Errorf(article.EUNAUTH, "missing API token: send Authorization: Bearer TOKEN"))
			return
		}
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="folio", error="invalid_token"`)
			writeError(w, r, logger, article.Errorf(article.EUNAUTH, "wrong API token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
