package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/store"
)

// folioBinary returns the folio command to run as a child process: the
// one `make` built (FOLIO_BIN) or a fresh build into a temporary folder.
func folioBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("FOLIO_BIN"); bin != "" {
		if _, err := os.Stat(bin); err == nil {
			return bin
		}
	}
	bin := filepath.Join(t.TempDir(), "folio")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startChild starts `folio serve` as a child process on a free port (or
// the -addr among the extra flags) and returns its base URL once it
// listens.
func startChild(t *testing.T, bin, db, token string, extra ...string) (*exec.Cmd, string) {
	t.Helper()
	args := append([]string{"serve", "-addr", "127.0.0.1:0", "-db", db, "-token", token, "-rate-limit", "0", "-samples=false", "-image-sizes=false"}, extra...)
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("server did not start: %v", err)
	}
	go io.Copy(io.Discard, stdout)
	return cmd, strings.TrimSpace(strings.TrimPrefix(line, "folio: listening on "))
}

// TestCrashSafety creates articles through the API from several clients
// while the server is killed with SIGKILL at random moments, then checks
// after each restart that every acknowledged write is there and intact and
// that SQLite's integrity check passes.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the server several times")
	}
	bin := folioBinary(t)
	db := filepath.Join(t.TempDir(), "crash.db")
	const token = "crash-token"
	rng := rand.New(rand.NewPCG(1, 2))
	acked := map[string]string{} // slug → html it was acknowledged with
	client := &http.Client{Timeout: 5 * time.Second}

	// verify checks that every write acknowledged so far is served intact.
	verify := func(base string) {
		t.Helper()
		for slug, html := range acked {
			res, err := client.Get(base + "/api/articles/" + slug)
			if err != nil {
				t.Fatal(err)
			}
			var a struct {
				Title string `json:"title"`
				HTML  string `json:"html"`
			}
			json.NewDecoder(res.Body).Decode(&a)
			res.Body.Close()
			if res.StatusCode != 200 || a.Title != "Crash "+slug || a.HTML != html {
				t.Fatalf("acknowledged %s: status %d title %q html %q, want %q", slug, res.StatusCode, a.Title, a.HTML, html)
			}
		}
	}

	for round := range 5 {
		cmd, base := startChild(t, bin, db, token)
		verify(base) // what the previous rounds acknowledged survived their kill
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					slug := fmt.Sprintf("r%d-w%d-n%d", round, w, i)
					body := fmt.Sprintf(`{"slug":%q,"title":"Crash %s","tags":["crash"],"html":"<p>Body of %s with <em>markup</em>.</p>"}`, slug, slug, slug)
					req, _ := http.NewRequest("POST", base+"/api/articles", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					res, err := client.Do(req)
					if err != nil {
						return // the server is gone
					}
					var a struct {
						HTML string `json:"html"`
					}
					ok := res.StatusCode == http.StatusCreated && json.NewDecoder(res.Body).Decode(&a) == nil
					res.Body.Close()
					if ok {
						mu.Lock()
						acked[slug] = a.HTML
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(150+rng.IntN(600)) * time.Millisecond)
		cmd.Process.Kill() // SIGKILL
		cmd.Wait()
		close(stop)
		wg.Wait()
		t.Logf("round %d: killed after %d acknowledged writes in all", round, len(acked))
	}
	if len(acked) < 20 {
		t.Fatalf("only %d writes acknowledged: the test did not exercise the server", len(acked))
	}

	// Restart after the last kill: every acknowledged article is served intact.
	cmd, base := startChild(t, bin, db, token)
	verify(base)
	cmd.Process.Kill()
	cmd.Wait()

	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(context.Background()); err != nil {
		t.Fatalf("integrity check after crashes: %v", err)
	}
	n, _ := st.Count(context.Background())
	if n < len(acked) {
		t.Fatalf("count=%d, fewer than the %d acknowledged writes", n, len(acked))
	}
}
