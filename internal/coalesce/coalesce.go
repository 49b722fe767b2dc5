// Package coalesce sends an HTTP response of a few kilobytes in one write
// instead of two.
//
// net/http buffers each connection's output in 4 KiB. A response larger
// than that (a reader page is its headers, about 1.5 KB, and a gzip body of
// 3 to 10 KB) leaves in two or more write calls: the full buffer, then the
// rest when the response is finished. On a busy server the extra system
// call, and the extra segment the client wakes for, is a large part of
// the cost of a small response (profiled: half of the server's CPU was in
// write). A Listener's connections hold a write of exactly one full buffer
// and send it together with the next write, in one writev; the end of the
// response (http.Server.ConnState reporting the connection idle, hijacked
// or closed: see Hook) sends what is held. Writes of any other size go out
// at once, after what is held.
package coalesce

import (
	"net"
	"net/http"
	"sync"
)

// bufferSize is net/http's per-connection write buffer.
const bufferSize = 4 << 10

// Listener wraps a listener so that its connections coalesce writes.
type Listener struct{ net.Listener }

// Accept waits for and returns the next connection, wrapped.
func (l Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &Conn{Conn: c}, nil
}

// Conn holds a full buffer's write until the next write or Flush.
type Conn struct {
	net.Conn
	mu   sync.Mutex
	held []byte
	// pair and bufs send what is held and the next write in one writev
	// without allocating: WriteTo consumes bufs, so it is set from pair
	// each time.
	pair [2][]byte
	bufs net.Buffers
}

// Write sends p, after anything held, in one call; a write of exactly
// one full buffer with nothing held is held instead.
func (c *Conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.held) == 0 {
		if len(p) == bufferSize {
			c.held = append(c.held, p...) // the caller reuses p
			return len(p), nil
		}
		return c.Conn.Write(p)
	}
	c.pair = [2][]byte{c.held, p}
	c.bufs = c.pair[:]
	n, err := c.bufs.WriteTo(c.Conn)
	sent := int(n) - len(c.held)
	c.held = c.held[:0]
	c.pair, c.bufs = [2][]byte{}, nil // p is the caller's
	if sent < 0 {
		sent = 0
	}
	return sent, err
}

// Flush sends what is held.
func (c *Conn) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.held) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.held)
	c.held = c.held[:0]
	return err
}

// Close sends what is held, then closes the connection.
func (c *Conn) Close() error {
	c.Flush()
	return c.Conn.Close()
}

// Hook is an http.Server.ConnState that sends what a connection holds
// once its response is finished: net/http reports the connection idle
// (after its last flush), hijacked or closed.
func Hook(c net.Conn, state http.ConnState) {
	if cc, ok := c.(*Conn); ok && state != http.StateNew && state != http.StateActive {
		cc.Flush()
	}
}
