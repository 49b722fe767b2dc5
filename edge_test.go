package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// engineMissing skips the test when an engine it needs is not installed,
// except in CI (CI=true), where a missing engine is a failure: .ci/run
// installs them.
func engineMissing(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing: .ci/run installs it (apt-get install varnish varnish-modules postgresql)", what)
	}
	t.Skipf("%s is missing (apt-get install varnish varnish-modules postgresql); CI fails instead of skipping", what)
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startVarnish runs varnishd with deploy/varnish.vcl on port, in front of
// the backends (host:port addresses), until the test ends.
func startVarnish(t *testing.T, port int, backends []string) string {
	t.Helper()
	varnishd, err := exec.LookPath("varnishd")
	if err != nil {
		if _, e := os.Stat("/usr/sbin/varnishd"); e != nil {
			engineMissing(t, "varnishd")
		}
		varnishd = "/usr/sbin/varnishd"
	}
	dir := t.TempDir()
	vcl, err := os.ReadFile("deploy/varnish.vcl")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("probe healthz { .url = \"/healthz\"; .interval = 200ms; .timeout = 1s; .window = 3; .threshold = 2; }\n")
	for i, addr := range backends {
		host, p, _ := net.SplitHostPort(addr)
		fmt.Fprintf(&b, "backend folio%d { .host = %q; .port = %q; .probe = healthz; }\n", i+1, host, p)
	}
	b.WriteString("sub vcl_init {\n\tnew folio = directors.round_robin();\n")
	for i := range backends {
		fmt.Fprintf(&b, "\tfolio.add_backend(folio%d);\n", i+1)
	}
	b.WriteString("}\n")
	for name, data := range map[string][]byte{"varnish.vcl": vcl, "backends.vcl": []byte(b.String())} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pid := filepath.Join(dir, "varnishd.pid")
	cmd := exec.Command(varnishd, "-j", "none", "-n", filepath.Join(dir, "n"), "-a", "127.0.0.1:"+strconv.Itoa(port),
		"-f", filepath.Join(dir, "varnish.vcl"), "-s", "malloc,64m", "-P", pid, "-p", "default_grace=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(out), "xkey") {
			engineMissing(t, "varnish-modules (the xkey vmod)")
		}
		t.Fatalf("varnishd: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if b, err := os.ReadFile(pid); err == nil {
			if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				syscall.Kill(n, syscall.SIGTERM)
			}
		}
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	// Ready when every backend is healthy and Varnish answers through them.
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("Varnish on %s did not answer /healthz through its backends: %v", base, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// getBody GETs url and returns the status, the X-Cache header and the body.
func getBody(t *testing.T, url string) (int, string, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("X-Cache"), string(b)
}

// writeArticle sends an article through base with the method.
func writeArticle(t *testing.T, base, method, path, token string, body map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, out)
	}
}

// edgeURLs are the responses that show the article "story", through
// Varnish, with the text each must show.
var edgeURLs = []string{"/api/articles/story", "/a/story", "/embed/story", "/oembed?url=%s/a/story", "/api/articles", "/", "/feed.atom", "/feed.json"}

// waitEdge polls every edge URL until each shows want, for at most d: the
// purge after a write must reach Varnish that soon.
func waitEdge(t *testing.T, edge, origin, want string, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for _, u := range edgeURLs {
		if strings.Contains(u, "%s") {
			u = fmt.Sprintf(u, origin)
		}
		for {
			_, _, body := getBody(t, edge+u)
			if strings.Contains(body, want) {
				break
			}
			if time.Since(start) > d {
				t.Fatalf("%s still does not show %q %v after the write: a stale response", u, want, d)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return time.Since(start)
}

// TestEdgeCachePurgedOnWrite runs Folio behind a real Varnish with
// deploy/varnish.vcl: reads are served from Varnish (junk query strings
// included), and a write through Varnish purges every response that showed
// the article, so that none is stale afterwards.
func TestEdgeCachePurgedOnWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Varnish")
	}
	t.Parallel()
	bin := folioBinary(t)
	vport := freePort(t)
	edgeBase := "http://127.0.0.1:" + strconv.Itoa(vport)
	db := filepath.Join(t.TempDir(), "folio.db")
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	cmd, origin := startChild(t, bin, db, "tok", "-addr", addr, "-base-url", edgeBase, "-purge", "varnish="+edgeBase+"/")
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	edge := startVarnish(t, vport, []string{addr})
	_ = origin

	writeArticle(t, edge, "POST", "/api/articles", "tok", map[string]any{"slug": "story", "title": "First version", "html": "<p>One.</p>"})
	waitEdge(t, edge, edgeBase, "First version", 2*time.Second)
	// The purge that follows the write is sent in the background, so it
	// may land after waitEdge cached a page and drop it once. Each try
	// reads the canonical URL and then the URL with a junk value not seen
	// before: only a canonical cache key can make that a HIT.
	for _, u := range []string{"/a/story", "/a/story?utm_source=%d", "/embed/story?junk=%d", "/api/articles/story?x=%d"} {
		canonical, _, _ := strings.Cut(u, "?")
		var xc string
		for try := 0; try < 50; try++ {
			getBody(t, edge+canonical)
			junk := u
			if strings.Contains(u, "%d") {
				junk = fmt.Sprintf(u, try)
			}
			if _, xc, _ = getBody(t, edge+junk); xc == "HIT" {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if xc != "HIT" {
			t.Errorf("%s: X-Cache=%s after 50 tries, want a HIT (canonical URL)", u, xc)
		}
	}
	writeArticle(t, edge, "PUT", "/api/articles/story", "tok", map[string]any{"title": "Second version", "html": "<p>Two.</p>"})
	took := waitEdge(t, edge, edgeBase, "Second version", time.Second)
	t.Logf("every edge response showed the edit %v after the write", took.Round(time.Millisecond))
}
