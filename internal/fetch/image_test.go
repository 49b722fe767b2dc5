package fetch

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestImageSize(t *testing.T) {
	var pic bytes.Buffer
	if err := gif.Encode(&pic, image.NewPaletted(image.Rect(0, 0, 33, 17), color.Palette{color.Black}), nil); err != nil {
		t.Fatal(err)
	}
	// private is a loopback host that is not allowed: nothing may reach it,
	// not even through a redirect from an allowed one.
	var privateHits atomic.Int64
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		privateHits.Add(1)
		w.Write(pic.Bytes())
	}))
	defer private.Close()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a.gif":
			w.Write(pic.Bytes())
		case "/moved":
			http.Redirect(w, r, "/a.gif", http.StatusFound)
		case "/away":
			http.Redirect(w, r, private.URL+"/a.gif", http.StatusFound)
		case "/text":
			w.Write([]byte("hello"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	c := New(HostList{strings.TrimPrefix(site.URL, "http://")})
	ctx := context.Background()
	for _, p := range []string{"/a.gif", "/moved"} {
		s, err := c.ImageSize(ctx, site.URL+p)
		if err != nil || s.Format != "gif" || s.Width != 33 || s.Height != 17 {
			t.Fatalf("%s: %+v, %v; want a 33×17 gif", p, s, err)
		}
	}
	for _, src := range []string{site.URL + "/away", private.URL + "/a.gif", site.URL + "/text", site.URL + "/missing", "/relative.png", "file:///etc/passwd"} {
		if s, err := c.ImageSize(ctx, src); err == nil {
			t.Errorf("%s: %+v, want an error", src, s)
		}
	}
	if n := privateHits.Load(); n != 0 {
		t.Fatalf("the private host got %d requests", n)
	}
}
