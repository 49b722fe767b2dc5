package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"folio/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// instances starts n `folio serve` processes on the database dsn, each on
// a port chosen now, with the extra flags; they are killed when the test
// ends. It returns their commands and addresses.
func instances(t *testing.T, n int, dsn string, extra ...string) ([]*exec.Cmd, []string) {
	t.Helper()
	bin := folioBinary(t)
	var cmds []*exec.Cmd
	var addrs []string
	for range n {
		addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
		cmd, _ := startChild(t, bin, dsn, "tok", append([]string{"-addr", addr}, extra...)...)
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		cmds = append(cmds, cmd)
		addrs = append(addrs, addr)
	}
	return cmds, addrs
}

// TestInstancesBehindVarnish runs three instances on one PostgreSQL
// database behind Varnish: a write through one instance shows through the
// two others and through Varnish, and no response through Varnish is
// stale after the purge.
func TestInstancesBehindVarnish(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL, Varnish and three servers")
	}
	t.Parallel()
	dsn := pgtest.Start(t).DB(t)
	vport := freePort(t)
	edgeBase := "http://127.0.0.1:" + strconv.Itoa(vport)
	_, addrs := instances(t, 3, dsn, "-base-url", edgeBase, "-purge", "varnish="+edgeBase+"/")
	edge := startVarnish(t, vport, addrs)

	writeArticle(t, "http://"+addrs[0], "POST", "/api/articles", "tok", map[string]any{"slug": "story", "title": "First version", "html": "<p>One.</p>"})
	waitEdge(t, edge, edgeBase, "First version", 2*time.Second)
	for _, u := range edgeURLs[:3] { // cached at the edge now (once the write's purge, sent in the background, is done)
		deadline := time.Now().Add(2 * time.Second)
		for {
			_, xc, _ := getBody(t, edge+strings.ReplaceAll(u, "%s", edgeBase))
			if xc == "HIT" {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("%s: X-Cache=%s for 2 s, want a HIT", u, xc)
				break
			}
		}
	}
	// Every instance has the article in its own cache: read it from B and C.
	for _, a := range addrs[1:] {
		if code, _, body := getBody(t, "http://"+a+"/api/articles/story"); code != 200 || !strings.Contains(body, "First version") {
			t.Fatalf("instance %s: %d %s", a, code, body)
		}
	}

	// Edit through instance A, directly: B and C must drop their caches
	// (LISTEN/NOTIFY), and Varnish its copies (the purge).
	start := time.Now()
	writeArticle(t, "http://"+addrs[0], "PUT", "/api/articles/story", "tok", map[string]any{"title": "Second version", "html": "<p>Two.</p>"})
	for _, a := range addrs[1:] {
		for {
			_, _, body := getBody(t, "http://"+a+"/api/articles/story")
			if strings.Contains(body, "Second version") {
				t.Logf("instance %s showed the edit %v after the write", a, time.Since(start).Round(time.Millisecond))
				break
			}
			if time.Since(start) > time.Second {
				t.Fatalf("instance %s still shows the old article 1 s after the write", a)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	took := waitEdge(t, edge, edgeBase, "Second version", time.Second)
	t.Logf("every response through Varnish showed the edit %v after the write", took.Round(time.Millisecond))
}

// TestInstanceKilledMidWrite kills one of three instances with SIGKILL
// while clients write through it: every acknowledged write is served by
// the others, which go on serving.
func TestInstanceKilledMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and three servers")
	}
	t.Parallel()
	dsn := pgtest.Start(t).DB(t)
	cmds, addrs := instances(t, 3, dsn)
	var mu sync.Mutex
	acked := map[string]string{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	client := &http.Client{Timeout: 5 * time.Second}
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				slug := fmt.Sprintf("w%d-n%d", w, i)
				body := fmt.Sprintf(`{"slug":%q,"title":"Kill %s","tags":["kill"],"html":"<p>Body of %s.</p>"}`, slug, slug, slug)
				req, _ := http.NewRequest("POST", "http://"+addrs[0]+"/api/articles", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer tok")
				res, err := client.Do(req)
				if err != nil {
					return // the instance is gone
				}
				var a struct{ HTML string }
				ok := res.StatusCode == http.StatusCreated && json.NewDecoder(res.Body).Decode(&a) == nil
				res.Body.Close()
				if ok {
					mu.Lock()
					acked[slug] = a.HTML
					mu.Unlock()
				}
			}
		})
	}
	// Kill A once it has acknowledged some writes: a positive signal, not a sleep.
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 50 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cmds[0].Process.Kill()
	cmds[0].Wait()
	close(stop)
	wg.Wait()
	t.Logf("%d writes acknowledged before the kill", len(acked))
	for slug, html := range acked {
		other := addrs[1+len(slug)%2]
		code, _, body := getBody(t, "http://"+other+"/api/articles/"+slug)
		var a struct{ Title, HTML string }
		json.Unmarshal([]byte(body), &a)
		if code != 200 || a.Title != "Kill "+slug || a.HTML != html {
			t.Fatalf("acknowledged %s through %s: %d %q", slug, other, code, body)
		}
	}
	for _, a := range addrs[1:] {
		if code, _, _ := getBody(t, "http://"+a+"/healthz"); code != 200 {
			t.Fatalf("instance %s: /healthz %d after another was killed", a, code)
		}
	}
}

// TestPostgresRestartUnderLoad restarts PostgreSQL under reads and writes:
// meanwhile the instance answers 503 with Retry-After (never a 500, never
// a hang), and it recovers by itself once the database is back.
func TestPostgresRestartUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and restarts PostgreSQL")
	}
	t.Parallel()
	cluster := pgtest.New(t)
	dsn := cluster.DB(t)
	_, addrs := instances(t, 2, dsn)
	base := "http://" + addrs[0]
	writeArticle(t, base, "POST", "/api/articles", "tok", map[string]any{"slug": "steady", "title": "Steady", "html": "<p>x</p>"})

	var ok, unavailable, retryAfter atomic.Int64
	var bad atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var res *http.Response
				var err error
				if i%3 == 0 {
					body := fmt.Sprintf(`{"slug":"r%d-%d","title":"During the restart","html":"<p>x</p>"}`, w, i)
					req, _ := http.NewRequest("POST", "http://"+addrs[i%2]+"/api/articles", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer tok")
					res, err = client.Do(req)
				} else {
					// ?n= makes every read a miss of Folio's cache: a reader
					// whose page is cached may still be served from memory.
					res, err = client.Get("http://" + addrs[i%2] + "/api/articles?q=steady&limit=" + strconv.Itoa(1+i%50))
				}
				if err != nil {
					bad.Store(err.Error())
					return
				}
				res.Body.Close()
				switch res.StatusCode {
				case 200, 201:
					ok.Add(1)
				case 503:
					unavailable.Add(1)
					if res.Header.Get("Retry-After") != "" {
						retryAfter.Add(1)
					}
				default:
					bad.Store(fmt.Sprintf("status %d", res.StatusCode))
				}
			}
		})
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 30 s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor("load running", func() bool { return ok.Load() > 20 })
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	waitFor("503s while PostgreSQL is down", func() bool { return unavailable.Load() > 10 })
	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	before := ok.Load()
	waitFor("recovery without restarting Folio", func() bool { return ok.Load() > before+50 })
	close(stop)
	wg.Wait()
	if v := bad.Load(); v != nil {
		t.Fatalf("during the restart: %v (want only 2xx and 503)", v)
	}
	if retryAfter.Load() != unavailable.Load() {
		t.Fatalf("%d of %d 503s had Retry-After", retryAfter.Load(), unavailable.Load())
	}
	for _, a := range addrs {
		if code, _, _ := getBody(t, "http://"+a+"/healthz"); code != 200 {
			t.Fatalf("%s /healthz: %d after the restart", a, code)
		}
	}
	t.Logf("%d answers, %d of them 503 while PostgreSQL was down", ok.Load()+unavailable.Load(), unavailable.Load())
}

// TestInstancesStartTogether starts three instances at once on an empty
// PostgreSQL database: the migrations run once (advisory lock), the
// sample articles are loaded once, and every instance serves them.
func TestInstancesStartTogether(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and three servers")
	}
	t.Parallel()
	dsn := pgtest.Start(t).DB(t)
	bin := folioBinary(t)
	addrs := make([]string, 3)
	var wg sync.WaitGroup
	for i := range addrs {
		addrs[i] = "127.0.0.1:" + strconv.Itoa(freePort(t))
		wg.Go(func() {
			cmd, _ := startChild(t, bin, dsn, "tok", "-addr", addrs[i], "-samples=true")
			t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		})
	}
	wg.Wait()
	for _, a := range addrs {
		code, _, body := getBody(t, "http://"+a+"/healthz")
		var h struct{ Articles int }
		json.Unmarshal([]byte(body), &h)
		if code != 200 || h.Articles != 4 {
			t.Fatalf("%s: /healthz %d %s, want the 4 samples once", a, code, body)
		}
	}
}
