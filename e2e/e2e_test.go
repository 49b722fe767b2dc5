// Package e2e tests Folio as a person uses it: the real server binary runs
// as a child process on 127.0.0.1 and a real headless Chromium, driven
// through chromedp, loads its pages. One browser is shared by every test;
// each test opens its tabs in a fresh browser context (its own cache,
// storage and service workers).
//
//	go test ./e2e/                          # builds web/app.wasm and the server if needed
//	FOLIO_BIN=bin/folio go test ./e2e/      # uses a server built by make
//	go test ./e2e/ -run TestMeasure -measure -v
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

var (
	repoRoot   string          // the repository, the parent of this directory
	folioBin   string          // the server binary under test
	browserCtx context.Context // the shared browser
)

// testToken is the API token of every test server.
const testToken = "e2e-token"

func TestMain(m *testing.M) {
	flag.Parse()
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	root, err := filepath.Abs("..")
	if err != nil {
		return 0, err
	}
	repoRoot = root
	tmp, err := os.MkdirTemp("", "folio-e2e-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)

	if bin := os.Getenv("FOLIO_BIN"); bin != "" {
		folioBin = bin
	} else {
		if err := ensureWasm(); err != nil {
			return 0, err
		}
		folioBin = filepath.Join(tmp, "folio")
		if err := goCmd(nil, "build", "-o", folioBin, "."); err != nil {
			return 0, fmt.Errorf("build the server: %w", err)
		}
	}

	opts := append(append(chromedp.DefaultExecAllocatorOptions[:], sideBySide...),
		chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(filepath.Join(tmp, "profile")),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		return 0, fmt.Errorf("start chromium: %w", err)
	}
	browserCtx = ctx
	return m.Run(), nil
}

// sideBySide are the Chromium flags of every test browser: tests run side
// by side, each in a window of its own, and none may be throttled as a
// background window would be.
var sideBySide = []chromedp.ExecAllocatorOption{
	chromedp.Flag("disable-background-timer-throttling", true),
	chromedp.Flag("disable-renderer-backgrounding", true),
	chromedp.Flag("disable-backgrounding-occluded-windows", true),
}

// goCmd runs the go command in the repository root.
func goCmd(env []string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	return nil
}

// ensureWasm builds web/app.wasm and its brotli and gzip copies when they
// are missing or older than the sources of the bundle, so that a clean
// clone passes `go test ./e2e/`. make wasm builds the same files. Each file
// is written under a temporary name and renamed, so that a server build
// running at the same time never embeds half a file.
func ensureWasm() error {
	for _, b := range []struct{ file, pkg, gcflags string }{{"app.wasm", "./wasm/reader", "-gcflags=all=-l"}, {"preview.wasm", "./wasm/preview", "-gcflags="}} {
		if err := ensureBundle(b.file, b.pkg, b.gcflags); err != nil {
			return err
		}
	}
	return nil
}

// ensureBundle builds one bundle (file in web/, from the package pkg) as
// ensureWasm says.
func ensureBundle(file, pkg, gcflags string) error {
	wasm := filepath.Join(repoRoot, "web", file)
	st, err := os.Stat(wasm)
	stale := err != nil
	if !stale {
		for _, dir := range []string{"app", "wasm", "article", "sanitize", "draft", "embedcard", "internal", "go.mod"} {
			filepath.WalkDir(filepath.Join(repoRoot, dir), func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "go.mod")) && !strings.HasSuffix(p, "_test.go") {
					if fi, err := d.Info(); err == nil && fi.ModTime().After(st.ModTime()) {
						stale = true
					}
				}
				return nil
			})
		}
	}
	compressed := true
	for _, c := range []string{".br", ".gz"} {
		// brotli and gzip give the copy the source's time, in whole seconds.
		if cst, err := os.Stat(wasm + c); err != nil || cst.Size() == 0 || st == nil || cst.ModTime().Before(st.ModTime().Truncate(time.Second)) {
			compressed = false
		}
	}
	if !stale && compressed {
		return nil
	}
	tmp := fmt.Sprintf("%s.tmp%d", wasm, os.Getpid())
	defer os.Remove(tmp)
	if stale {
		if err := goCmd([]string{"GOOS=js", "GOARCH=wasm"}, "build", "-trimpath", "-ldflags=-s -w", "-o", tmp, gcflags, pkg); err != nil {
			return err
		}
		if err := os.Rename(tmp, wasm); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		ext  string
		args []string
	}{{".br", []string{"brotli", "-q", "11", "-c", wasm}}, {".gz", []string{"gzip", "-9", "-n", "-c", wasm}}} {
		out, err := os.Create(tmp)
		if err != nil {
			return err
		}
		cmd := exec.Command(c.args[0], c.args[1:]...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = out, &stderr
		err = cmd.Run()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", c.args[0], err, stderr.String())
		}
		if err := os.Rename(tmp, wasm+c.ext); err != nil {
			return err
		}
	}
	return nil
}

// server is a running `folio serve`.
type server struct {
	URL    string
	cmd    *exec.Cmd
	stderr *syncBuffer
	once   sync.Once
}

// startServer starts the server on a free port of 127.0.0.1 with a fresh
// database, which it fills with the sample articles, and stops it when the
// test ends.
func startServer(t *testing.T) *server {
	t.Helper()
	dir := t.TempDir()
	return launch(t, dir, "-db", filepath.Join(dir, "folio.db"), "-token", testToken)
}

// launch runs `folio serve -addr 127.0.0.1:0 ARGS…` in dir (the test's
// working directory when empty), without the caller's FOLIO_* variables, and
// returns once it listens. The server is killed when the test ends, and
// its log shown if the test failed.
func launch(t *testing.T, dir string, args ...string) *server {
	t.Helper()
	if folioBin == "" {
		t.Fatal("no folio binary: TestMain did not run")
	}
	// -image-sizes=false: the tests' image URLs are not to be fetched.
	cmd := exec.Command(folioBin, append([]string{"serve", "-addr", "127.0.0.1:0", "-image-sizes=false"}, args...)...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FOLIO_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: &syncBuffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", folioBin, err)
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("server log (last 4000 bytes):\n%s", tail(s.stderr.String(), 4000))
		}
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		io.Copy(io.Discard, stdout)
	}()
	select {
	case l, ok := <-line:
		u, found := strings.CutPrefix(l, "folio: listening on ")
		if !ok || !found {
			t.Fatalf("server said %q, want %q\n%s", l, "folio: listening on http://…", s.stderr.String())
		}
		s.URL = u
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not start in 30s\n%s", s.stderr.String())
	}
	return s
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// stop kills the server (as a crash or a pulled plug would) and waits for
// it to exit.
func (s *server) stop() {
	s.once.Do(func() {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	})
}

// post sends a JSON body to the server's API with the token.
func (s *server) post(t *testing.T, path, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %s\n%s", path, res.Status, b)
	}
	return b
}

// get fetches a path without a browser.
func (s *server) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tab is a browser tab in a browser context of its own, which records the
// console errors and the dialogs (alert, confirm, prompt) of its pages.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	errs    []string
	dialogs []string
}

// newTab opens a tab in a fresh browser context, closed at the end of the
// test.
func newTab(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx}
	console := chromedp.Console(ctx) // creates the target and subscribes
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				tb.mu.Lock()
				tb.errs = append(tb.errs, m.String()+" ("+m.URL+")")
				tb.mu.Unlock()
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.dialogs = append(tb.dialogs, string(ev.Type)+": "+ev.Message)
			tb.mu.Unlock()
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return tb
}

// consoleErrors returns the console errors so far, minus those matching
// one of the allowed substrings, and forgets them all.
func (tb *tab) consoleErrors(allowed ...string) []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
next:
	for _, e := range tb.errs {
		for _, a := range allowed {
			if strings.Contains(e, a) {
				continue next
			}
		}
		out = append(out, e)
	}
	tb.errs = nil
	return out
}

// noConsoleErrors fails the test if a page logged an error.
func (tb *tab) noConsoleErrors(allowed ...string) {
	tb.t.Helper()
	if errs := tb.consoleErrors(allowed...); len(errs) > 0 {
		tb.t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

func (tb *tab) dialogsSeen() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.dialogs...)
}

// do runs actions with a deadline.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// nav loads a URL and waits for its load event.
func (tb *tab) nav(url string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(url))
}

// waitMounted waits until the WebAssembly app has rendered the page.
// appMounted is a JavaScript expression that starts the app, as a reader's
// first use of a control would, and is true once it has mounted.
const appMounted = `(window.folioApp && window.folioApp.start(), document.querySelector(".page[data-side=client]") !== null)`

// On the home list and an article the app starts only when it is needed
// (internal/server/appstart.js): waitMounted starts it as a reader's first
// use of a control would.
func (tb *tab) waitMounted() {
	tb.t.Helper()
	tb.waitFor(appMounted)
}

// waitFor polls a JavaScript expression until it is truthy. It keeps
// polling across page loads.
func (tb *tab) waitFor(expr string) {
	tb.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithDeadline(tb.ctx, deadline)
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err == nil {
			return
		}
		msg := err.Error()
		if time.Now().Before(deadline) && (strings.Contains(msg, "navigated") || strings.Contains(msg, "context") && (strings.Contains(msg, "destroyed") || strings.Contains(msg, "Cannot find"))) {
			time.Sleep(50 * time.Millisecond)
			continue // the page navigated while polling
		}
		tb.t.Fatalf("waiting for %s: %v\nconsole: %v", expr, err, tb.consoleErrors())
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) and decodes
// its value.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// call runs a DevTools command on the tab.
func call[P, R any](tb *tab, cmd cdp.Command[P, R], params P) R {
	tb.t.Helper()
	r, err := chromedp.Call(tb.ctx, cmd, params)
	if err != nil {
		tb.t.Fatalf("%T: %v", cmd, err)
	}
	return r
}

// recordRequests records the URL of every request the browser context
// sends from now on; the func returns those recorded so far.
func recordRequests(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var urls []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			urls = append(urls, ev.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(urls)
	}
}

// axeResult is what axe-core found on a page: violations by impact, and how
// many rules passed (a run that passed few rules did not really run).
type axeResult struct {
	Serious, Minor []string // serious and critical; moderate and minor
	Passes         int
}

// runAxe runs axe-core (testdata/axe.min.js) over the tab's document with
// the options (a JavaScript object literal, such as "{iframes: false}").
func runAxe(tb *tab, options string) axeResult {
	tb.t.Helper()
	axe, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		tb.t.Fatal(err)
	}
	eval[bool](tb, string(axe)+";true")
	res := eval[axeResult](tb, `axe.run(document, Object.assign({resultTypes: ["violations"]}, `+options+`)).then(r => {
		const say = (v) => v.id + " (" + v.impact + "): " + v.help + " at " + v.nodes.map(n => n.target.join(" ")).join(", ");
		const serious = (v) => v.impact === "serious" || v.impact === "critical";
		return {Serious: r.violations.filter(serious).map(say), Minor: r.violations.filter(v => !serious(v)).map(say), Passes: r.passes.length};
	})`)
	if res.Passes < 8 {
		tb.t.Fatalf("axe passed only %d rules: did it run?", res.Passes)
	}
	return res
}
