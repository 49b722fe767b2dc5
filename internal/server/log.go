package server

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// NewLogger returns the request logger: text lines into a buffer that is
// written to w every logFlushEvery, at once for warnings and errors, and
// by the returned close function at shutdown. A request costs a copy into
// memory rather than a write to w.
func NewLogger(w io.Writer) (logger *slog.Logger, close func() error) {
	logs := newLogWriter(w, logFlushEvery)
	return slog.New(&flushingHandler{Handler: slog.NewTextHandler(logs, nil), logs: logs, plain: true}), logs.Close
}

// logFlushEvery is how often the buffered log is written out.
const logFlushEvery = 100 * time.Millisecond

// logWriter buffers log lines and writes them out every interval, when the
// buffer fills, on Flush and on Close. It is safe for concurrent use.
type logWriter struct {
	mu     sync.Mutex
	buf    *bufio.Writer
	closed bool // after Close every line is written out at once
	stop   chan struct{}
	done   chan struct{}
}

func newLogWriter(w io.Writer, every time.Duration) *logWriter {
	l := &logWriter{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				l.Flush()
			case <-l.stop:
				return
			}
		}
	}()
	return l
}

// Write adds p to the buffer.
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.buf.Write(p)
	if err == nil && l.closed {
		err = l.buf.Flush()
	}
	return n, err
}

// Flush writes out what the buffer holds.
func (l *logWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Flush()
}

// Close stops the timer and writes out what is left. Lines logged after
// Close are written out at once.
func (l *logWriter) Close() error {
	select {
	case <-l.stop:
	default:
		close(l.stop)
		<-l.done
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	return l.buf.Flush()
}

// flushingHandler writes the log out after every warning or error, so
// that they are never held back, nor lost if the process is killed.
type flushingHandler struct {
	slog.Handler
	logs *logWriter
	// plain is true for NewLogger's own handler: a text handler with no
	// attributes or groups added, whose request lines logRequest can write
	// as it would.
	plain bool
}

func (h *flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.logs.Flush()
	}
	return err
}

func (h *flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &flushingHandler{Handler: h.Handler.WithAttrs(attrs), logs: h.logs}
}

func (h *flushingHandler) WithGroup(name string) slog.Handler {
	return &flushingHandler{Handler: h.Handler.WithGroup(name), logs: h.logs}
}

// linePool holds the buffers logRequest writes into.
var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// logRequest writes a request's log line: the line slog's text handler
// writes for the record below, written here without building it, at a
// third of the cost (the request log is on every response's path).
// Handlers other than NewLogger's own get the record.
func logRequest(ctx context.Context, h slog.Handler, end time.Time, method, path string, status int, bytes int64, dur time.Duration, remote string) {
	if fh, ok := h.(*flushingHandler); ok && fh.plain {
		bp := linePool.Get().(*[]byte)
		b := (*bp)[:0]
		b = append(b, "time="...)
		b = end.AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
		b = append(b, " level=INFO msg=request method="...)
		b = appendLogValue(b, method)
		b = append(b, " path="...)
		b = appendLogValue(b, path)
		b = append(b, " status="...)
		b = strconv.AppendInt(b, int64(status), 10)
		b = append(b, " bytes="...)
		b = strconv.AppendInt(b, bytes, 10)
		b = append(b, " dur="...)
		b = appendLogValue(b, dur.String())
		b = append(b, " remote="...)
		b = appendLogValue(b, remote)
		b = append(b, '\n')
		fh.logs.Write(b)
		*bp = b
		linePool.Put(bp)
		return
	}
	rec := slog.NewRecord(end, slog.LevelInfo, "request", 0)
	rec.AddAttrs(slog.String("method", method), slog.String("path", path), slog.Int("status", status),
		slog.Int64("bytes", bytes), slog.Duration("dur", dur), slog.String("remote", remote))
	h.Handle(ctx, rec)
}

// appendLogValue appends s as slog's text handler writes a string value:
// as it is, or quoted when it is empty or holds a space, '=', '"', a
// control character or anything but printable text.
func appendLogValue(b []byte, s string) []byte {
	quote := s == ""
	for i := 0; i < len(s) && !quote; {
		c := s[i]
		if c < utf8.RuneSelf {
			quote = c <= ' ' || c == '=' || c == '"' || c == 0x7f
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		quote = r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r)
		i += size
	}
	if quote {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}
