package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"

	"folio/internal/httpcache"
	"folio/web"
)

// Static files. Each public file of web.FS is served under two names:
// /web/{name}, revalidated on every use (no-cache and an ETag), for
// whoever knows only the name, and /web/{base}.{hash}.{ext}, whose name
// changes with its content and which browsers and CDNs keep for a year
// without asking again. Pages, the manifest, the service worker and the app
// name the hashed forms (pages.asset). Text files are compressed once, when
// the server starts, with brotli 11 and gzip 9; the WebAssembly bundles are
// compressed by the build (make wasm) and embedded with their .br and .gz.

// immutable is the Cache-Control of a content-hashed name.
const immutable = "public, max-age=31536000, immutable"

// staticFile is a file of web.FS, ready to serve.
type staticFile struct {
	data   []byte
	etag   string
	ctype  string
	hashed string           // base.hash.ext; "" for the bundles' .br and .gz
	asset  *httpcache.Asset // nil for the bundles and their compressed forms (serveBundle)
}

// hashedRE matches a content-hashed name: base, the hash, extension.
var hashedRE = regexp.MustCompile(`^(.+)\.[0-9a-f]{10}(\.[a-z0-9]+)$`)

// hashName returns name with the first ten hex digits of the SHA-256 of
// its content before its extension: site.css → site.0123456789.css.
func hashName(name string, data []byte) string {
	sum := sha256.Sum256(data)
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
}

// loadStatic reads the public files of web.FS and prepares them.
func loadStatic(fsys fs.FS) (map[string]staticFile, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	files := map[string]staticFile{}
	for _, e := range entries {
		if e.IsDir() || !web.Public(e.Name()) {
			continue
		}
		name := e.Name()
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		f := staticFile{data: data, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: contentType(name)}
		switch {
		case strings.HasSuffix(name, ".br"), strings.HasSuffix(name, ".gz"):
		case strings.HasSuffix(name, ".wasm"):
			f.hashed = hashName(name, data)
		case compressible(f.ctype):
			f.hashed = hashName(name, data)
			f.asset = httpcache.NewStatic(data, http.Header{"Content-Type": {f.ctype}})
		default:
			f.hashed = hashName(name, data)
			f.asset = httpcache.NewPlain(data, http.Header{"Content-Type": {f.ctype}})
			f.asset.SetETag(f.etag)
		}
		files[name] = f
	}
	return files, nil
}

// compressible reports whether a content type is text, worth compressing.
func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "json") ||
		strings.Contains(ctype, "javascript") || ctype == "image/svg+xml"
}

func contentType(name string) string {
	switch {
	case strings.HasSuffix(name, ".wasm"):
		return "application/wasm"
	case strings.HasSuffix(name, ".br"), strings.HasSuffix(name, ".gz"):
		return "application/octet-stream"
	}
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".webmanifest":
		return "application/manifest+json"
	case ".woff2":
		return "font/woff2"
	}
	return "application/octet-stream"
}

// asset returns the path under which pages name the static file: its
// content-hashed form, or /web/{name} for a file web.FS lacks.
func (p *pages) asset(name string) string {
	if f, ok := p.files[name]; ok && f.hashed != "" {
		return "/web/" + f.hashed
	}
	return "/web/" + name
}

// resolve maps a name under /web/ to its file: a hashed name of today's
// content is immutable; a hashed name of another content (an old page,
// such as one saved for offline reading before an update, naming the
// previous version) gets today's file, revalidated.
func (p *pages) resolve(name string) (file string, isImmutable bool) {
	if n, ok := p.hashed[name]; ok {
		return n, true
	}
	if m := hashedRE.FindStringSubmatch(name); m != nil {
		if _, ok := p.files[m[1]+m[2]]; ok {
			return m[1] + m[2], false
		}
	}
	return name, false
}

// serveWebFile serves /web/{file} and /robots.txt from web.FS, under its
// name or its content-hashed name; the bundles go to serveBundle.
func (p *pages) serveWebFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if r.URL.Path == "/robots.txt" {
		name = "robots.txt"
	}
	name, imm := p.resolve(name)
	f, ok := p.files[name]
	if ok && strings.HasSuffix(name, ".wasm") {
		p.serveBundle(w, r, name, imm)
		return
	}
	if !ok || f.asset == nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	if imm {
		w.Header().Set("Cache-Control", immutable)
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	f.asset.Serve(w, r, http.StatusOK)
}

// inlineScript is a script of web.FS put inline in a page's head, with
// the CSP source that allows it.
type inlineScript struct {
	tag, source string
}

func newInlineScript(name string) (inlineScript, error) {
	b, err := fs.ReadFile(web.FS, name)
	if err != nil {
		return inlineScript{}, err
	}
	sum := sha256.Sum256(b)
	return inlineScript{
		tag:    "<script>" + string(b) + "</script>\n",
		source: "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'",
	}, nil
}
