package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// The embed tests' helpers carry an "embed" prefix so that they cannot
// clash with the reader tests' helpers in this package.

const (
	embedChromium = "/usr/bin/chromium"
	embedToken    = "e2e-embed-token"
)

// embedServer is a running `folio serve` on 127.0.0.1 with an empty
// database and writes allowed.
type embedServer struct{ *server }

func startEmbedServer(t *testing.T, extra ...string) *embedServer {
	t.Helper()
	args := append([]string{"-db", filepath.Join(t.TempDir(), "folio.db"), "-token", embedToken, "-samples=false"}, extra...)
	return &embedServer{launch(t, "", args...)}
}

// embedArticle is the JSON an embed test posts.
type embedArticle struct {
	Slug      string              `json:"slug,omitempty"`
	Title     string              `json:"title"`
	Author    string              `json:"author,omitempty"`
	Site      string              `json:"site,omitempty"`
	Excerpt   string              `json:"excerpt,omitempty"`
	Tags      []string            `json:"tags,omitempty"`
	Image     map[string]string   `json:"image,omitempty"`
	HTML      string              `json:"html"`
	Published time.Time           `json:"published,omitzero"`
	Extra     map[string]struct{} `json:"-"`
}

// create posts an article and returns the stored JSON.
func (s *embedServer) create(t *testing.T, a embedArticle) map[string]any {
	t.Helper()
	b, _ := json.Marshal(a)
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/articles", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+embedToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create %q: status %d: %s", a.Title, resp.StatusCode, body)
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// embedBrowser starts a headless Chromium with a fresh profile and returns
// a context for its first tab. It skips the test when Chromium is missing.
// Each embed test has a browser of its own, not the package's shared one,
// so that no HTTP cache hides a request from the privacy test and no
// earlier page's console reaches a later test.
// The flags are chromedp's defaults (headless, no first run, no background
// networking, no sync…) plus no sandbox, no GPU and no component updates.
func embedBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(embedChromium); err != nil {
		t.Skipf("no Chromium at %s", embedChromium)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(embedChromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		// Chromium puts sandboxed iframes in their own process, where the
		// tab's CDP session sees neither their console nor their network
		// requests. Keeping them in the tab's process lets one session
		// watch both sides; the page's behaviour is the same.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,IsolateSandboxedIframes"),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// withTimeout runs a part of a test with a deadline, leaving the browser
// open.
func withTimeout(t *testing.T, ctx context.Context, d time.Duration) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, d)
	t.Cleanup(cancel)
	return c
}

// embedConsole collects a tab's console errors and warnings, uncaught
// exceptions, failed loads the browser logs, and JavaScript dialogs (which
// it dismisses).
type embedConsole struct {
	mu   sync.Mutex
	msgs []string
}

func watchConsole(t *testing.T, ctx context.Context) *embedConsole {
	t.Helper()
	c := &embedConsole{}
	add := func(s string) {
		c.mu.Lock()
		c.msgs = append(c.msgs, s)
		c.mu.Unlock()
	}
	messages := chromedp.Console(ctx)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				add(m.String() + " (" + m.URL + ")")
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			add("dialog: " + ev.Message)
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return c
}

func (c *embedConsole) errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.msgs...)
}

// frameEval evaluates a script in the frame with the URL prefix, in an
// isolated world (the frame's DOM, not its scripts' globals), and decodes
// the result into T.
func frameEval[T any](ctx context.Context, urlPrefix, expr string) (T, error) {
	var zero T
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return zero, err
	}
	id := findFrame(tree.FrameTree, urlPrefix)
	if id == "" {
		return zero, fmt.Errorf("no frame at %s", urlPrefix)
	}
	world, err := chromedp.Call(ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: id, WorldName: "embed-test"})
	if err != nil {
		return zero, err
	}
	res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{
		Expression: expr, ContextID: world.ExecutionContextID, ReturnByValue: new(true), AwaitPromise: new(true),
	})
	if err != nil {
		return zero, err
	}
	if res.ExceptionDetails != nil {
		return zero, fmt.Errorf("%s: %s", expr, res.ExceptionDetails.Text)
	}
	var v T
	if err := json.Unmarshal(res.Result.Value, &v); err != nil {
		return zero, fmt.Errorf("decode %s: %w", res.Result.Value, err)
	}
	return v, nil
}

func findFrame(ft *page.FrameTree, prefix string) cdp.FrameID {
	if ft == nil {
		return ""
	}
	if ft.Frame != nil && strings.HasPrefix(ft.Frame.URL, prefix) {
		return ft.Frame.ID
	}
	for _, c := range ft.ChildFrames {
		if id := findFrame(c, prefix); id != "" {
			return id
		}
	}
	return ""
}

// iframeTargets lists the out-of-process iframes of the browser.
func iframeTargets(ctx context.Context) ([]*target.Info, error) {
	infos, err := chromedp.Targets(ctx)
	if err != nil {
		return nil, err
	}
	var out []*target.Info
	for _, i := range infos {
		if i.Type == "iframe" {
			out = append(out, i)
		}
	}
	return out, nil
}

// embedHost is the partner site: another origin (another port) that
// serves the pages a test sets, a test image and a favicon.
type embedHost struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]string
}

func newEmbedHost(t *testing.T) *embedHost {
	t.Helper()
	h := &embedHost{pages: map[string]string{}}
	img := testPNG()
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/favicon.ico":
			w.WriteHeader(http.StatusNoContent)
			return
		case strings.HasPrefix(r.URL.Path, "/img/"):
			w.Header().Set("Content-Type", "image/png")
			w.Write(img)
			return
		}
		h.mu.Lock()
		body, ok := h.pages[r.URL.Path]
		h.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/isolated/") { // a cross-origin isolated page
			w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
			w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		}
		ct := "text/html; charset=utf-8"
		if strings.HasSuffix(r.URL.Path, ".js") {
			ct = "text/javascript; charset=utf-8"
		}
		w.Header().Set("Content-Type", ct)
		io.WriteString(w, body)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *embedHost) set(path, body string) {
	h.mu.Lock()
	h.pages[path] = body
	h.mu.Unlock()
}

// testPNG returns a small PNG, 160×90, in two colours.
func testPNG() []byte {
	m := image.NewRGBA(image.Rect(0, 0, 160, 90))
	for y := range 90 {
		for x := range 160 {
			c := color.RGBA{40, 110, 200, 255}
			if x > y*2 {
				c = color.RGBA{240, 180, 60, 255}
			}
			m.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	png.Encode(&b, m)
	return b.Bytes()
}
