// Command folio serves a publisher's articles as embeddable cards, an
// installable reader app and a live preview, from one Go binary.
//
//	folio serve  [-addr 127.0.0.1:8080] [-db folio.db] [-token T] [-base-url URL] [-frame-ancestors LIST]
//	folio import [-db folio.db] FILE|DIR ...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/dustin/go-humanize"

	"folio/importer"
	"folio/internal/coalesce"
	"folio/internal/fetch"
	"folio/internal/purge"
	"folio/internal/server"
	"folio/internal/storage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "folio:", err)
		}
		os.Exit(1)
	}
}

// errReported is returned when the failure was already written out.
var errReported = errors.New("failed")

const usage = `folio shows a publisher's articles anywhere: embeds, a reader app, a preview.

Usage:
  folio serve  [flags]             serve the reader app, the API and the embeds
  folio import [-db PATH] FILE|DIR ... import articles (Markdown, HTML, text, JSON, RSS/Atom/JSON Feed)
  folio copy -from DB -to DB         copy every article between stores (SQLite file or PostgreSQL URL)

Run "folio serve -h" or "folio import -h" for the flags. Every flag can also be
set through its FOLIO_* environment variable (-base-url is FOLIO_BASE_URL).
`

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], getenv, stdout, stderr)
	case "copy":
		return runCopy(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

// config is what `folio serve` is told by flags and environment: the HTTP
// layer's part, and what the process itself needs.
type config struct {
	server.Config
	Purge    []purge.Endpoint // edge caches to purge after each write (-purge)
	Addr     string
	DB       string
	Samples  bool
	Pprof    string // loopback address for net/http/pprof; "" (the default) serves none
	SiteLogo string // -site-logo: a file, read at start
}

// envFlag sets a flag's default from its FOLIO_* environment variable.
func envName(flagName string) string {
	return "FOLIO_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// applyEnv gives every flag not set on the command line the value of its
// FOLIO_* environment variable, if any.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %v", envName(f.Name), v, e)
			}
		}
	})
	return err
}

func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.StringVar(&cfg.DB, "db", "folio.db", "the database: a SQLite file, or a PostgreSQL URL (postgres://user:pass@host/db) that any number of instances share")
	fs.StringVar(&cfg.Token, "token", "", "API token for writes (Authorization: Bearer TOKEN); without one, writes are refused")
	fs.StringVar(&cfg.BaseURL, "base-url", "", "public base URL for absolute links (og, oEmbed, feeds, snippets); default http://ADDR")
	fs.StringVar(&cfg.FrameAncestors, "frame-ancestors", "*", "sites allowed to frame embeds (CSP frame-ancestors source list)")
	fs.Int64Var(&cfg.MaxBody, "max-body", 2<<20, "largest request body in bytes")
	fs.Float64Var(&cfg.RateLimit, "rate-limit", 120, "writes, /api/sanitize and /api/extract requests a minute per client address (bursts of a sixth of it), counted by each instance on its own; 0 turns the limit off")
	fs.BoolVar(&cfg.Samples, "samples", true, "load the bundled sample articles into an empty database")
	fs.Var(&cfg.ExtractAllow, "extract-allow", "private hosts /api/extract (and -image-sizes) may fetch: comma-separated host names or host:port pairs, matched exactly (every other host must be public)")
	fs.BoolVar(&cfg.ImageSizes, "image-sizes", true, "when an article is written with a lead image of unknown size, read the size from the image's header (at most 256 KiB, 2 s; stored as unknown if that fails)")
	fs.Func("cache-size", "bound of the in-memory response cache, e.g. 128MiB, 1GB or bytes (default 128MiB)", func(v string) error {
		n, err := humanize.ParseBytes(v)
		if err != nil || n == 0 || n > 1<<40 {
			return fmt.Errorf("%q is not a size such as 64MiB or 1GB", v)
		}
		cfg.CacheSize = int64(n)
		return nil
	})
	fs.Func("purge", "after each write, tell an edge cache which responses to drop: varnish=URL (PURGE with xkey) or webhook=URL (JSON POST); repeatable, or several separated by spaces in FOLIO_PURGE", func(v string) error {
		for _, spec := range strings.Fields(v) {
			e, err := purge.Parse(spec)
			if err != nil {
				return err
			}
			cfg.Purge = append(cfg.Purge, e)
		}
		return nil
	})
	fs.StringVar(&cfg.Site.Name, "site-name", server.DefaultSiteName, "the publication's name: page titles, og:site_name, JSON-LD publisher, oEmbed provider_name, feeds, the manifest and every embed card")
	fs.StringVar(&cfg.Site.Description, "site-description", "", "one sentence about the publication (feeds, manifest)")
	fs.StringVar(&cfg.Site.Lang, "site-lang", "en", "the publication's language (BCP 47), for pages and feeds")
	fs.StringVar(&cfg.Site.Accent, "site-accent", "#1f3a5f", "the publication's colour, #rrggbb (manifest theme, share images)")
	fs.StringVar(&cfg.SiteLogo, "site-logo", "", "the publication's logo, a PNG, JPEG, GIF, WebP or SVG file served by Folio (default: the bundled icon)")
	fs.Func("share-font", "a TrueType or OpenType font file for share images, for scripts the embedded Go fonts lack (they cover Latin, Greek and Cyrillic); repeatable", func(v string) error {
		if _, err := os.Stat(v); err != nil {
			return err
		}
		cfg.ShareFonts = append(cfg.ShareFonts, v)
		return nil
	})
	fs.StringVar(&cfg.Pprof, "pprof", "", "serve the Go profiler (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060; off when empty")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: folio serve [flags]\n\nFlags (each also read from FOLIO_<NAME>, e.g. FOLIO_BASE_URL):")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := applyEnv(fs, getenv); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("-base-url %q must be an absolute http(s) URL", cfg.BaseURL)
		}
		cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	if err := server.CheckFrameAncestors(cfg.FrameAncestors); err != nil {
		return nil, fmt.Errorf("-frame-ancestors: %v", err)
	}
	if cfg.SiteLogo != "" {
		logo, err := server.LoadLogo(cfg.SiteLogo)
		if err != nil {
			return nil, err
		}
		cfg.Site.Logo = logo
	}
	if err := server.CheckSite(&cfg.Site); err != nil {
		return nil, err
	}
	if cfg.MaxBody <= 0 {
		return nil, fmt.Errorf("-max-body must be positive")
	}
	if cfg.Pprof != "" {
		addr, err := loopbackAddr(cfg.Pprof)
		if err != nil {
			return nil, fmt.Errorf("-pprof: %v", err)
		}
		cfg.Pprof = addr
	}
	return cfg, nil
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServeFlags(args, getenv, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	// One log line per request, buffered (server.NewLogger).
	logger, closeLog := server.NewLogger(stderr)
	defer closeLog()

	st, err := storage.Open(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("open database %s: %w", storage.Redact(cfg.DB), err)
	}
	defer st.Close()
	if c, ok := st.(storage.Notifier); ok {
		cfg.Changes = c.Changes(ctx) // other instances' writes show at once
	}

	if cfg.Samples {
		n, err := importer.LoadSamples(ctx, st, time.Now)
		for try := 1; err != nil && try < 3 && storage.IsPostgres(cfg.DB); try++ {
			// Instances started together on an empty database race to
			// load the samples; the loser finds them there on a retry.
			time.Sleep(time.Duration(try) * 200 * time.Millisecond)
			n, err = importer.LoadSamples(ctx, st, time.Now)
		}
		if err != nil {
			return fmt.Errorf("load sample articles: %w", err)
		}
		if n > 0 {
			logger.Info("loaded sample articles into the empty database", "count", n, "db", storage.Redact(cfg.DB))
		}
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	if cfg.Token == "" {
		logger.Warn("no API token: writes are refused; set -token or FOLIO_TOKEN to allow them")
	}
	cfg.Config.Purge = purge.NewQueue(cfg.Purge, logger)
	defer cfg.Config.Purge.Close()
	h, err := server.New(&cfg.Config, st, logger, time.Now)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ConnState:         coalesce.Hook, // with coalesce.Listener below: a response in one write
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(coalesce.Listener{Listener: ln}) }()
	if cfg.Pprof != "" {
		_, stopPprof, err := servePprof(cfg.Pprof, logger)
		if err != nil {
			srv.Close()
			return fmt.Errorf("-pprof: %w", err)
		}
		defer stopPprof()
	}
	fmt.Fprintf(stdout, "folio: listening on http://%s\n", ln.Addr())
	logger.Info("serving", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "db", storage.Redact(cfg.DB))

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	cfg.Config.Purge.Wait() // the purges of the last writes
	return nil
}

// loopbackAddr checks that addr is host:port on a loopback address
// (127.0.0.1, ::1 or localhost, which is taken as 127.0.0.1) and returns it
// with the host as an IP.
func loopbackAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("%q is not a loopback address: the profiler is for this machine only", addr)
	}
	return net.JoinHostPort(host, port), nil
}

// servePprof serves net/http/pprof on addr, a loopback address, until
// stop is called. It returns the address it listens on.
func servePprof(addr string, logger *slog.Logger) (bound string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	logger.Info("profiler listening", "addr", "http://"+ln.Addr().String()+"/debug/pprof/")
	return ln.Addr().String(), func() { srv.Close() }, nil
}

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", stderr)
	db := fs.String("db", "folio.db", "the database: a SQLite file or a PostgreSQL URL")
	imageSizes := fs.Bool("image-sizes", true, "read the size of a lead image the file does not give from the image's header (public hosts only, at most 256 KiB, 2 s each; imported as unknown if that fails)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: folio import [-db PATH] FILE|DIR ...\n\nImports Markdown (.md, front matter), HTML pages or fragments, scraped plain text (.txt),\nJSON (.json, the API's shape) and RSS/Atom/JSON Feed files; directories recursively.\nRe-importing a file updates its article in place.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if err := applyEnv(fs, getenv); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("import: no files given")
	}
	st, err := storage.Open(ctx, *db)
	if err != nil {
		return fmt.Errorf("open database %s: %w", storage.Redact(*db), err)
	}
	defer st.Close()
	var sizer importer.ImageSizer
	if *imageSizes {
		client := fetch.New(nil)
		sizer = func(ctx context.Context, src string) (int, int, error) {
			ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			s, err := client.ImageSize(ctx, src)
			return s.Width, s.Height, err
		}
	}
	failed, err := importer.ImportSized(ctx, st, fs.Args(), stdout, time.Now, sizer)
	if err != nil {
		return err
	}
	if failed > 0 {
		return errReported
	}
	return nil
}

// runCopy copies every article, with its slug, source and dates, from one
// store to another (a SQLite file or a PostgreSQL URL each). Running it
// again updates changed articles in place and never duplicates them.
func runCopy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("copy", stderr)
	from := fs.String("from", "", "the store to copy from: a SQLite file or a PostgreSQL URL")
	to := fs.String("to", "", "the store to copy to: a SQLite file or a PostgreSQL URL")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("copy: give -from and -to")
	}
	st, err := storage.CopyDSN(ctx, *from, *to)
	fmt.Fprintf(stdout, "copy %s → %s: %s\n", storage.Redact(*from), storage.Redact(*to), st)
	return err
}
