package server

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// NewLogger returns the request logger: text lines into a buffer that is
// written to w every logFlushEvery, at once for warnings and errors, and
// by the returned close function at shutdown. A request costs a copy into
// memory rather than a write to w.
func NewLogger(w io.Writer) (logger *slog.Logger, close func() error) {
	logs := newLogWriter(w, logFlushEvery)
	return slog.New(&flushingHandler{slog.NewTextHandler(logs, nil), logs}), logs.Close
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
}

func (h *flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.logs.Flush()
	}
	return err
}

func (h *flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &flushingHandler{h.Handler.WithAttrs(attrs), h.logs}
}

func (h *flushingHandler) WithGroup(name string) slog.Handler {
	return &flushingHandler{h.Handler.WithGroup(name), h.logs}
}
