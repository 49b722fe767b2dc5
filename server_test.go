package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/internal/wire"
)

// testServer is a real `folio serve` started through run() on 127.0.0.1:0.
type testServer struct {
	URL   string
	Token string
	DB    string
	stop  func()
}

// startServer runs the server with a fresh database and the samples loaded.
func startServer(t *testing.T, extra ...string) *testServer {
	t.Helper()
	db := filepath.Join(t.TempDir(), "folio.db")
	ts := &testServer{Token: "test-token", DB: db}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	args := append([]string{"serve", "-addr", "127.0.0.1:0", "-db", db, "-token", ts.Token, "-image-sizes=false"}, extra...)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, func(string) string { return "" }, nil, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("server did not start: %v (run: %v)", err, <-done)
	}
	go io.Copy(io.Discard, pr)
	ts.URL = strings.TrimSpace(strings.TrimPrefix(line, "folio: listening on "))
	ts.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}
	t.Cleanup(ts.stop)
	return ts
}

// do sends a request and returns the status and the body.
func (ts *testServer) do(t *testing.T, method, path, contentType, body string, auth bool) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+ts.Token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func (ts *testServer) count(t *testing.T) int {
	t.Helper()
	code, b := ts.do(t, "GET", "/healthz", "", "", false)
	var h struct{ Articles int }
	if code != 200 || json.Unmarshal(b, &h) != nil {
		t.Fatalf("healthz: %d %s", code, b)
	}
	return h.Articles
}

type listResponse struct {
	Articles []struct {
		Slug  string   `json:"slug"`
		Title string   `json:"title"`
		Tags  []string `json:"tags"`
		HTML  *string  `json:"html"`
	} `json:"articles"`
	Next string `json:"next"`
}

func TestEndToEnd(t *testing.T) {
	ts := startServer(t)
	samples := ts.count(t)
	if samples < 2 {
		t.Fatalf("sample articles=%d, want the seed and the introductions", samples)
	}

	// The seed article is there, by its title's slug.
	code, b := ts.do(t, "GET", "/api/articles/trump-and-putin-unironically-discussed-forming-a-cyber-security-unit", "", "", false)
	if code != 200 || !bytes.Contains(b, []byte(`"title":"Trump and Putin unironically discussed forming a ‘cyber security unit’"`)) {
		t.Fatalf("seed article: %d %s", code, b)
	}

	// Create.
	in := `{"title":"Hello, Folio","author":"Ada","tags":["News","Go"],"html":"<p>First <b>post</b><script>alert(1)</script></p>","url":"https://example.com/posts/hello"}`
	code, b = ts.do(t, "POST", "/api/articles", "application/json", in, true)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, b)
	}
	var a map[string]any
	json.Unmarshal(b, &a)
	if a["slug"] != "hello-folio" || strings.Contains(a["html"].(string), "script") {
		t.Fatalf("created: %s", b)
	}
	if got, want := ts.count(t), samples+1; got != want {
		t.Fatalf("count=%d, want %d", got, want)
	}
	// Creating it again is a conflict.
	if code, b = ts.do(t, "POST", "/api/articles", "application/json", in, true); code != http.StatusConflict {
		t.Fatalf("second create: %d %s, want 409", code, b)
	}

	// Update.
	code, b = ts.do(t, "PUT", "/api/articles/hello-folio", "application/json", `{"title":"Hello again","html":"<p>Changed words here</p>","tags":["Go"]}`, true)
	if code != 200 || !strings.Contains(string(b), `"title":"Hello again"`) || !strings.Contains(string(b), `"slug":"hello-folio"`) {
		t.Fatalf("update: %d %s", code, b)
	}

	// List, filter by tag, search.
	var list listResponse
	code, b = ts.do(t, "GET", "/api/articles?limit=1", "", "", false)
	if json.Unmarshal(b, &list); code != 200 || len(list.Articles) != 1 || list.Next == "" || list.Articles[0].HTML != nil {
		t.Fatalf("list limit=1: %d %s", code, b)
	}
	seen := map[string]bool{}
	for cursor, pages := "", 0; pages < 50; pages++ {
		code, b = ts.do(t, "GET", "/api/articles?limit=2&cursor="+cursor, "", "", false)
		list = listResponse{}
		if json.Unmarshal(b, &list); code != 200 {
			t.Fatalf("page: %d %s", code, b)
		}
		for _, s := range list.Articles {
			if seen[s.Slug] {
				t.Fatalf("slug %s listed twice", s.Slug)
			}
			seen[s.Slug] = true
		}
		if cursor = list.Next; cursor == "" {
			break
		}
	}
	if len(seen) != samples+1 {
		t.Fatalf("paged through %d articles, want %d", len(seen), samples+1)
	}
	code, b = ts.do(t, "GET", "/api/articles?tag=go", "", "", false)
	list = listResponse{}
	if json.Unmarshal(b, &list); code != 200 || len(list.Articles) != 1 || list.Articles[0].Slug != "hello-folio" {
		t.Fatalf("tag=go: %d %s", code, b)
	}
	code, b = ts.do(t, "GET", "/api/articles?q=changed", "", "", false)
	list = listResponse{}
	if json.Unmarshal(b, &list); code != 200 || len(list.Articles) != 1 || list.Articles[0].Slug != "hello-folio" {
		t.Fatalf("q=changed: %d %s", code, b)
	}

	// Sanitize.
	code, b = ts.do(t, "POST", "/api/sanitize", "application/json", `{"html":"<p onclick=\"x()\">Hi<script>alert(1)</script></p>"}`, false)
	if code != 200 || strings.Contains(string(b), "script>") || !strings.Contains(string(b), `"removed":[`) {
		t.Fatalf("sanitize: %d %s", code, b)
	}

	// Delete.
	if code, b = ts.do(t, "DELETE", "/api/articles/hello-folio", "", "", true); code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", code, b)
	}
	if code, _ = ts.do(t, "GET", "/api/articles/hello-folio", "", "", false); code != 404 {
		t.Fatalf("get after delete: %d, want 404", code)
	}
	if got := ts.count(t); got != samples {
		t.Fatalf("count after delete=%d, want %d", got, samples)
	}
}

func TestBadInput(t *testing.T) {
	ts := startServer(t)
	before := ts.count(t)
	big := `{"title":"Big","html":"` + strings.Repeat("a", 3<<20) + `"}`
	for _, tt := range []struct {
		name, method, path, ctype, body string
		auth                            bool
		status                          int
		msg                             string
	}{
		{"NoToken", "POST", "/api/articles", "application/json", `{"title":"x"}`, false, 401, "API token"},
		{"MalformedJSON", "POST", "/api/articles", "application/json", `{"title":`, true, 400, "not valid JSON at line 1"},
		{"WrongContentType", "POST", "/api/articles", "text/plain", `{"title":"x"}`, true, 415, "application/json"},
		{"Oversized", "POST", "/api/articles", "application/json", big, true, 413, "larger than"},
		{"InvalidUTF8", "POST", "/api/articles", "application/json", "{\"title\":\"\xff\xfe\"}", true, 400, "UTF-8"},
		{"BadSlug", "POST", "/api/articles", "application/json", `{"title":"x","slug":"Not A Slug"}`, true, 400, "slug"},
		{"MissingTitle", "POST", "/api/articles", "application/json", `{"html":"<p>x</p>"}`, true, 400, "title is required"},
		{"UnknownField", "POST", "/api/articles", "application/json", `{"title":"x","colour":"red"}`, true, 400, "colour"},
		{"BadURL", "POST", "/api/articles", "application/json", `{"title":"x","url":"javascript:alert(1)"}`, true, 400, "url"},
		{"LongTitle", "POST", "/api/articles", "application/json", `{"title":"` + strings.Repeat("t", 301) + `"}`, true, 400, "300"},
		{"TwoValues", "POST", "/api/articles", "application/json", `{"title":"x"}{"title":"y"}`, true, 400, "after top-level value"},
		{"WrongType", "POST", "/api/articles", "application/json", `{"title":5}`, true, 400, "title"},
		{"UpdateMissing", "PUT", "/api/articles/nope", "application/json", `{"title":"x"}`, true, 404, "not"},
		{"GetBadSlug", "GET", "/api/articles/..%2Fetc", "", "", false, 400, "slug"},
		{"DeleteMissing", "DELETE", "/api/articles/nope", "", "", true, 404, ""},
		{"BadLimit", "GET", "/api/articles?limit=1000", "", "", false, 400, "limit"},
		{"BadCursor", "GET", "/api/articles?cursor=not-a-cursor!", "", "", false, 400, "cursor"},
		{"UnknownEndpoint", "GET", "/api/nothing", "", "", false, 404, "no such API endpoint"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, b := ts.do(t, tt.method, tt.path, tt.ctype, tt.body, tt.auth)
			var e wire.Error
			if err := json.Unmarshal(b, &e); err != nil || e.Error == "" {
				t.Fatalf("body=%q, want a JSON error", b)
			}
			if code != tt.status {
				t.Fatalf("status=%d, want %d (%s)", code, tt.status, e.Error)
			}
			if !strings.Contains(strings.ToLower(e.Error), strings.ToLower(tt.msg)) {
				t.Fatalf("error=%q, want it to mention %q", e.Error, tt.msg)
			}
		})
	}
	if got := ts.count(t); got != before {
		t.Fatalf("article count=%d after bad input, want %d", got, before)
	}
}

func TestFlagsFromEnvironment(t *testing.T) {
	env := map[string]string{"FOLIO_ADDR": "127.0.0.1:9999", "FOLIO_TOKEN": "s3cret", "FOLIO_BASE_URL": "https://news.example/"}
	cfg, err := parseServeFlags([]string{"-addr", "127.0.0.1:1"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:1" || cfg.Token != "s3cret" || cfg.BaseURL != "https://news.example" {
		t.Fatalf("cfg=%+v: flags must win over the environment, which fills the rest", cfg)
	}
	if _, err := parseServeFlags([]string{"-base-url", "ftp://x"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Fatal("a non-http base URL was accepted")
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "folio.db")
	good := filepath.Join(dir, "good.md")
	os.WriteFile(good, []byte("---\ntitle: Good one\ntags: [a]\n---\nSome *text*.\n"), 0o644)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"title": `), 0o644)
	var out bytes.Buffer
	err := run(context.Background(), []string{"import", "-db", db, "-image-sizes=false", good, bad}, func(string) string { return "" }, nil, &out, io.Discard)
	if err == nil {
		t.Fatalf("import with a bad file succeeded; output:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "imported "+good) || !strings.Contains(out.String(), "failed "+bad) {
		t.Fatalf("output:\n%s", out.String())
	}
	// Re-import updates in place.
	out.Reset()
	if err := run(context.Background(), []string{"import", "-db", db, "-image-sizes=false", good}, func(string) string { return "" }, nil, &out, io.Discard); err != nil {
		t.Fatalf("re-import: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "updated "+good) {
		t.Fatalf("re-import output:\n%s", out.String())
	}
	fmt.Fprint(io.Discard, out.String())
}

func TestPprofFlag(t *testing.T) {
	for _, tc := range []struct {
		arg, want string
	}{
		{"", ""},
		{"127.0.0.1:6060", "127.0.0.1:6060"},
		{"localhost:0", "127.0.0.1:0"},
		{"[::1]:6060", "[::1]:6060"},
		{"0.0.0.0:6060", "error"},
		{":6060", "error"},
		{"192.0.2.1:6060", "error"},
		{"example.com:6060", "error"},
		{"127.0.0.1", "error"},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			cfg, err := parseServeFlags([]string{"-pprof", tc.arg}, func(string) string { return "" }, io.Discard)
			got := "error"
			if err == nil {
				got = cfg.Pprof
			}
			if got != tc.want {
				t.Fatalf("-pprof %q: Pprof=%q (err %v), want %q", tc.arg, got, err, tc.want)
			}
		})
	}
	if cfg, err := parseServeFlags(nil, func(string) string { return "" }, io.Discard); err != nil || cfg.Pprof != "" {
		t.Fatalf("default Pprof=%q, %v; want off", cfg.Pprof, err)
	}

	addr, stop, err := servePprof("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	res, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /debug/pprof/cmdline: status=%d, want 200", res.StatusCode)
	}
}

func TestExtractFlag(t *testing.T) {
	env := map[string]string{"FOLIO_EXTRACT_ALLOW": "wiki.intranet,10.0.0.5:8080"}
	cfg, err := parseServeFlags(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.ExtractAllow.String(); got != "wiki.intranet,10.0.0.5:8080" {
		t.Fatalf("ExtractAllow=%q from the environment", got)
	}
	cfg, err = parseServeFlags([]string{"-extract-allow", "docs.intranet"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil || cfg.ExtractAllow.String() != "docs.intranet" {
		t.Fatalf("ExtractAllow=%q, %v; want the flag to win over the environment", cfg.ExtractAllow.String(), err)
	}
	if _, err := parseServeFlags([]string{"-extract-allow", "http://wiki"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Fatal("a URL was accepted as -extract-allow")
	}
}

// TestCopyCommand copies a SQLite database into another through `folio
// copy`, twice: the second run changes nothing.
func TestCopyCommand(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import", "-db", from, "-image-sizes=false", "samples/001_what-is-folio.md"}, func(string) string { return "" }, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 created", "1 unchanged"} {
		out.Reset()
		if err := run(context.Background(), []string{"copy", "-from", from, "-to", to}, func(string) string { return "" }, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), want) {
			t.Fatalf("copy: %v %q, want %q", err, out.String(), want)
		}
	}
	if err := run(context.Background(), []string{"copy", "-from", from}, func(string) string { return "" }, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("copy without -to succeeded")
	}
}
