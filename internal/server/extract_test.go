package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"folio/internal/fetch"
)

// articlePage is a whole web page with navigation and a footer around an
// article, as sites serve them.
func articlePage(title string) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>` + title + ` | Coast News</title>
<meta property="og:title" content="` + title + `">
<meta property="og:site_name" content="Coast News">
<meta name="author" content="Ada Keeper">
<meta property="og:image" content="https://img.example/lamp.jpg">
<meta property="og:description" content="A night at the last manned lighthouse.">
<meta property="article:published_time" content="2024-03-01T10:00:00Z">
<meta property="article:tag" content="Sea">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><main><article><h1>` + title + `</h1>`)
	for i := range 8 {
		fmt.Fprintf(&b, `<p>Paragraph %d. The lamp turns every ten seconds, and the keeper writes the weather in a log that nobody has read since the light was automated, but the habit stays with him through the long winter nights.</p>`, i+1)
	}
	b.WriteString(`<p><a href="/more">More from the coast</a></p></article></main><footer>© Coast News</footer></body></html>`)
	return b.String()
}

// pageServer is a test site that counts the requests it gets.
type pageServer struct {
	*httptest.Server
	hits atomic.Int64
}

func newPageServer(t *testing.T, h http.Handler) *pageServer {
	t.Helper()
	ps := &pageServer{}
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ps.hits.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	return ps
}

// host returns the server's host:port.
func (ps *pageServer) host() string { return strings.TrimPrefix(ps.URL, "http://") }

// postExtract sends {"url": u} to h and returns the status and the decoded
// body.
func postExtract(t *testing.T, h http.Handler, u string) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"url": u})
	rec := serve(h, "POST", "/api/extract", string(b), map[string]string{"Content-Type": "application/json"})
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("POST /api/extract %s: %d, body %q is not JSON", u, rec.Code, rec.Body)
	}
	return rec.Code, out
}

func TestExtractAllowedHost(t *testing.T) {
	site := newPageServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/story":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, articlePage("The Lighthouse Keeper"))
		case "/moved":
			http.Redirect(w, r, "/story", http.StatusFound)
		case "/latin1":
			w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
			io.WriteString(w, strings.ReplaceAll(articlePage("Caf\xe9 at the Harbour"), `<meta charset="utf-8">`, ""))
		case "/untyped":
			io.WriteString(w, articlePage("No Content Type"))
		default:
			http.NotFound(w, r)
		}
	}))
	h, st := newTestHandler(t, &Config{MaxBody: 1 << 20, BaseURL: "http://example.test", ExtractAllow: fetch.HostList{site.host()}})
	defer st.Close()

	code, out := postExtract(t, h, site.URL+"/moved")
	if code != http.StatusOK {
		t.Fatalf("status=%d (%v), want 200", code, out)
	}
	for k, want := range map[string]string{
		"url": site.URL + "/story", "title": "The Lighthouse Keeper", "author": "Ada Keeper", "site": "Coast News",
		"image": "https://img.example/lamp.jpg", "excerpt": "A night at the last manned lighthouse.", "lang": "en",
		"published": "2024-03-01T10:00:00Z",
	} {
		if got := out[k]; got != want {
			t.Errorf("%s=%v, want %q", k, got, want)
		}
	}
	body, _ := out["html"].(string)
	if !strings.Contains(body, "Paragraph 8. The lamp turns") || strings.Contains(body, "Coast News</footer>") || strings.Contains(body, `href="/news"`) {
		t.Errorf("html is not the article alone:\n%s", body)
	}
	if tags, _ := out["tags"].([]any); len(tags) != 1 || tags[0] != "Sea" {
		t.Errorf("tags=%v, want [Sea]", out["tags"])
	}

	code, out = postExtract(t, h, site.URL+"/latin1")
	if code != http.StatusOK || out["title"] != "Café at the Harbour" {
		t.Errorf("latin1 page: status=%d title=%v, want 200 and the decoded title", code, out["title"])
	}
	code, out = postExtract(t, h, site.URL+"/untyped")
	if code != http.StatusOK || out["title"] != "No Content Type" {
		t.Errorf("page without Content-Type: status=%d %v, want 200 (sniffed as HTML)", code, out)
	}
}

func TestExtractRefusesPrivateAddresses(t *testing.T) {
	// The site listens on loopback but is not allowed: nothing may reach it.
	site := newPageServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, articlePage("Internal"))
	}))
	_, port, _ := net.SplitHostPort(site.host())
	h, st := newTestHandler(t, &Config{MaxBody: 1 << 20, BaseURL: "http://example.test"})
	defer st.Close()
	for _, tc := range []struct {
		url    string
		status int
		msg    string
	}{
		{"http://127.0.0.1:" + port + "/", 422, "127.0.0.1 is a loopback address"},
		{"http://127.8.9.10:" + port + "/", 422, "loopback"},
		{"http://10.0.0.1/", 422, "10.0.0.1 is a private address (RFC 1918)"},
		{"http://192.168.1.1/", 422, "private"},
		{"http://172.20.0.1/", 422, "private"},
		{"http://169.254.169.254/latest/meta-data/", 422, "169.254.169.254 is a link-local address"},
		{"http://100.64.0.1/", 422, "carrier-grade NAT"},
		{"http://0.0.0.0:" + port + "/", 422, "this network"},
		{"http://224.0.0.1/", 422, "multicast"},
		{"http://255.255.255.255/", 422, "broadcast"},
		{"http://[::1]:" + port + "/", 422, "::1 is a loopback address"},
		{"http://[::]:" + port + "/", 422, "unspecified"},
		{"http://[::ffff:127.0.0.1]:" + port + "/", 422, "::ffff:127.0.0.1 (127.0.0.1) is a loopback address"},
		{"http://[::ffff:a9fe:a9fe]/", 422, "(169.254.169.254) is a link-local address"},
		{"http://[64:ff9b::a00:1]/", 422, "behind NAT64"},
		{"http://[2002:a00:1::]/", 422, "inside 6to4"},
		{"http://[fd12:3456::1]/", 422, "unique local"},
		{"http://[fe80::1%25eth0]/", 422, "link-local"},
		{"http://localhost:" + port + "/", 422, "localhost resolves to"},
		{"http://LOCALHOST:" + port + "/", 422, "resolves to"},
		{"ftp://example.com/file", 400, `not "ftp:"`},
		{"file:///etc/passwd", 400, `not "file:"`},
		{"javascript:alert(1)", 400, `not "javascript:"`},
		{"http://user:pw@example.com/", 400, "user name or password"},
		{"/relative", 400, "not an absolute"},
		{"", 400, `{"url"`},
	} {
		t.Run(tc.url, func(t *testing.T) {
			code, out := postExtract(t, h, tc.url)
			msg, _ := out["error"].(string)
			if code != tc.status || !strings.Contains(msg, tc.msg) {
				t.Fatalf("status=%d error=%q, want %d and an error containing %q", code, msg, tc.status, tc.msg)
			}
		})
	}
	if n := site.hits.Load(); n != 0 {
		t.Fatalf("the loopback site got %d requests, want 0", n)
	}
}

func TestExtractRedirects(t *testing.T) {
	inside := newPageServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, articlePage("Internal"))
	}))
	var site *pageServer
	site = newPageServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/story":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, articlePage("After Redirects"))
		case r.URL.Path == "/to-loopback":
			http.Redirect(w, r, inside.URL+"/", http.StatusFound)
		case r.URL.Path == "/to-localhost":
			_, port, _ := net.SplitHostPort(site.host())
			http.Redirect(w, r, "http://localhost:"+port+"/story", http.StatusMovedPermanently)
		case r.URL.Path == "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusTemporaryRedirect)
		case r.URL.Path == "/to-file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/hop/"):
			var n int
			fmt.Sscanf(r.URL.Path, "/hop/%d", &n)
			if n == 0 {
				http.Redirect(w, r, "/story", http.StatusFound)
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	h, st := newTestHandler(t, &Config{MaxBody: 1 << 20, BaseURL: "http://example.test", ExtractAllow: fetch.HostList{site.host()}})
	defer st.Close()
	for _, tc := range []struct {
		path   string
		status int
		msg    string
	}{
		{"/hop/4", 200, ""}, // five redirects: to /hop/3, /hop/2, /hop/1, /hop/0 and /story
		{"/hop/5", 422, "redirects more than 5 times"},
		{"/to-loopback", 422, "127.0.0.1 is a loopback address"},
		{"/to-localhost", 422, "localhost resolves to"},
		{"/to-metadata", 422, "169.254.169.254 is a link-local address"},
		{"/to-file", 400, `not "file:"`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			code, out := postExtract(t, h, site.URL+tc.path)
			msg, _ := out["error"].(string)
			if code != tc.status || !strings.Contains(msg, tc.msg) {
				t.Fatalf("status=%d error=%q, want %d and an error containing %q", code, msg, tc.status, tc.msg)
			}
			if code == 200 && out["title"] != "After Redirects" {
				t.Fatalf("title=%v, want %q", out["title"], "After Redirects")
			}
		})
	}
	if n := inside.hits.Load(); n != 0 {
		t.Fatalf("the loopback site behind the redirect got %d requests, want 0", n)
	}
}

func TestExtractRefusesBadResponses(t *testing.T) {
	big := strings.Repeat("<p>filler text for a page that is far too large</p>\n", fetch.DefaultMaxBody/50+1)
	site := newPageServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			page := "<html><body>" + big + "</body></html>"
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Length", fmt.Sprint(len(page)))
			io.WriteString(w, page)
		case "/big-chunked":
			w.Header().Set("Content-Type", "text/html")
			for i := 0; i < len(big); i += 64 << 10 {
				io.WriteString(w, big[i:min(i+64<<10, len(big))])
				w.(http.Flusher).Flush()
			}
		case "/json":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"title":"not a page"}`)
		case "/image":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("\x89PNG\r\n\x1a\n"))
		case "/empty":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html><body></body></html>")
		case "/gone":
			http.Error(w, "gone", http.StatusGone)
		default:
			http.NotFound(w, r)
		}
	}))
	h, st := newTestHandler(t, &Config{MaxBody: 1 << 20, BaseURL: "http://example.test", ExtractAllow: fetch.HostList{site.host()}})
	defer st.Close()
	for _, tc := range []struct {
		path   string
		status int
		msg    string
	}{
		{"/big", 422, "the limit is 5242880 (5 MiB)"},
		{"/big-chunked", 422, "larger than 5242880 bytes"},
		{"/json", 422, "not an HTML page (Content-Type: application/json)"},
		{"/image", 422, "not an HTML page"},
		{"/empty", 422, "no article could be extracted"},
		{"/gone", 502, "the page answered 410 Gone"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			code, out := postExtract(t, h, site.URL+tc.path)
			msg, _ := out["error"].(string)
			if code != tc.status || !strings.Contains(msg, tc.msg) {
				t.Fatalf("status=%d error=%q, want %d and an error containing %q", code, msg, tc.status, tc.msg)
			}
		})
	}
}

func TestExtractTimeout(t *testing.T) {
	release := make(chan struct{})
	site := newPageServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer close(release)
	e := newExtractor(fetch.HostList{site.host()}, nil)
	e.client.Timeout = 50 * time.Millisecond
	code, out := postExtract(t, e.handler(1<<20), site.URL+"/slow")
	if msg, _ := out["error"].(string); code != http.StatusGatewayTimeout || !strings.Contains(msg, "did not load within") {
		t.Fatalf("status=%d error=%q, want 504 and a timeout message", code, msg)
	}
}

// TestExtractDNSRebinding gives the host a public address when the URL is
// checked and a loopback address when the dialer resolves it: the dialer's
// Control refuses to connect.
func TestExtractDNSRebinding(t *testing.T) {
	site := newPageServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, articlePage("Internal"))
	}))
	_, port, _ := net.SplitHostPort(site.host())
	e := newExtractor(nil, nil)
	var lookups atomic.Int64
	e.client.LookupIP = func(ctx context.Context, host string) ([]netip.Addr, error) {
		if host != "rebind.example" {
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		if lookups.Add(1) == 1 {
			return []netip.Addr{netip.MustParseAddr("93.184.215.14")}, nil
		}
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	code, out := postExtract(t, e.handler(1<<20), "http://rebind.example:"+port+"/")
	msg, _ := out["error"].(string)
	if code != http.StatusUnprocessableEntity || !strings.Contains(msg, "rebind.example resolves to 127.0.0.1, a loopback address") {
		t.Fatalf("status=%d error=%q, want 422 naming the loopback address", code, msg)
	}
	if n := lookups.Load(); n != 2 {
		t.Fatalf("%d lookups, want 2 (the check and the dial)", n)
	}
	if n := site.hits.Load(); n != 0 {
		t.Fatalf("the loopback site got %d requests, want 0", n)
	}

	code, out = postExtract(t, e.handler(1<<20), "http://nowhere.example/")
	if msg, _ := out["error"].(string); code != http.StatusBadGateway || !strings.Contains(msg, "nowhere.example could not be found") {
		t.Fatalf("status=%d error=%q, want 502 for an unknown host", code, msg)
	}
}

func TestExtractRateLimitAndMethod(t *testing.T) {
	h, st := newTestHandler(t, &Config{MaxBody: 1 << 20, BaseURL: "http://example.test", RateLimit: 6})
	defer st.Close()
	if code, _ := postExtract(t, h, "http://10.0.0.1/"); code != http.StatusUnprocessableEntity {
		t.Fatalf("first request: %d, want 422", code)
	}
	code, out := postExtract(t, h, "http://10.0.0.1/")
	if msg, _ := out["error"].(string); code != http.StatusTooManyRequests || !strings.Contains(msg, "too many requests") {
		t.Fatalf("second request: %d %q, want 429", code, msg)
	}
	h, st2 := newTestHandler(t, &Config{MaxBody: 1 << 20, BaseURL: "http://example.test"})
	defer st2.Close()
	rec := serve(h, "GET", "/api/extract?url="+url.QueryEscape("http://example.com/"), "", nil)
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "no such API endpoint: GET /api/extract") {
		t.Fatalf("GET /api/extract: %d %s, want the API's 404", rec.Code, rec.Body)
	}
	rec = serve(h, "POST", "/api/extract", `url=http://example.com/`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if rec.Code != http.StatusUnsupportedMediaType {
		t.Fatalf("form-encoded POST: %d, want 415", rec.Code)
	}
}
