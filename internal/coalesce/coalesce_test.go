package coalesce

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// recorder is a net.Conn that records each write.
type recorder struct {
	net.Conn
	writes [][]byte
}

func (r *recorder) Write(p []byte) (int, error) {
	r.writes = append(r.writes, bytes.Clone(p))
	return len(p), nil
}
func (r *recorder) Close() error { return nil }

func TestConnHoldsAFullBuffer(t *testing.T) {
	rec := &recorder{}
	c := &Conn{Conn: rec}
	full := bytes.Repeat([]byte("a"), bufferSize)
	if n, err := c.Write(full); n != bufferSize || err != nil || len(rec.writes) != 0 {
		t.Fatalf("a full buffer: n=%d err=%v, %d writes, want it held", n, err, len(rec.writes))
	}
	full[0] = 'b' // net/http reuses its buffer
	if n, err := c.Write([]byte("tail")); n != 4 || err != nil {
		t.Fatalf("the next write: n=%d err=%v", n, err)
	}
	got := bytes.Join(rec.writes, nil)
	if want := append(bytes.Repeat([]byte("a"), bufferSize), "tail"...); !bytes.Equal(got, want) {
		t.Fatalf("sent %d bytes starting %q, want the held buffer, then the tail", len(got), got[:4])
	}

	rec.writes = nil
	c.Write(bytes.Repeat([]byte("c"), bufferSize))
	c.Close()
	if len(rec.writes) != 1 || len(rec.writes[0]) != bufferSize {
		t.Fatalf("Close sent %d writes, want the held buffer", len(rec.writes))
	}
	rec.writes = nil
	c.Write([]byte("small"))
	if len(rec.writes) != 1 {
		t.Fatalf("a small write with nothing held: %d writes, want 1 at once", len(rec.writes))
	}
}

// TestServer serves responses of every size around one and two buffers on
// one keep-alive connection: each arrives whole, none waits for another
// request (a response that ends on a buffer's boundary is sent by Hook).
func TestServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		ConnState: Hook,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			w.Header().Set("Content-Length", strconv.Itoa(n))
			w.Write(bytes.Repeat([]byte{byte('a' + n%26)}, n))
		}),
	}
	go srv.Serve(Listener{ln})
	defer srv.Close()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 1}}
	for _, span := range [][2]int{{0, 64}, {3700, 4200}, {7900, 8300}, {100000, 100010}} {
		for n := span[0]; n < span[1]; n++ {
			res, err := client.Get("http://" + ln.Addr().String() + "/?n=" + strconv.Itoa(n))
			if err != nil {
				t.Fatalf("n=%d: %v", n, err)
			}
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil || len(b) != n || (n > 0 && (b[0] != byte('a'+n%26) || b[n-1] != byte('a'+n%26))) {
				t.Fatalf("n=%d: read %d bytes, err %v", n, len(b), err)
			}
		}
	}
}

// TestHeldWriteDoesNotAllocate: sending what is held with the next write
// (one writev on a TCP connection) allocates nothing: it is on every
// response larger than net/http's buffer.
func TestHeldWriteDoesNotAllocate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		s, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(io.Discard, s)
		s.Close()
	}()
	tcp, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := &Conn{Conn: tcp}
	defer c.Close()
	full, tail := bytes.Repeat([]byte("a"), bufferSize), []byte("tail")
	c.Write(full) // the held buffer's first allocation
	c.Write(tail)
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := c.Write(full); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(tail); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations a held write and the next, want 0", allocs)
	}
}
