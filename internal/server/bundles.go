package server

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"folio/app"
	"folio/app/preview"
	"folio/internal/httpcache"
)

// Two WebAssembly bundles serve the app (issue 12): web/app.wasm, the
// reader app (home, reader, saved, 404), which every page loads, and
// web/preview.wasm, the same pages plus the preview workbench with the
// draft pipeline and the sanitiser, which only /preview loads. go-app v9
// has one wasm path per Handler, written into its /app.js; rather than a
// second Handler (a second app.js, manifest and service worker, which
// would not control the same pages), the one app.js is rewritten to pick
// the bundle from the page's path.

// previewWasmPath is the preview bundle's unhashed path, as the service
// worker's template names it.
const previewWasmPath = "/web/preview.wasm"

// routeBundles registers the pages of both bundles for prerendering: the
// reader app's and the preview's.
func routeBundles() {
	app.Routes()
	preview.Routes()
}

// appStart replaces app.js's immediate start of the service worker and
// the WebAssembly app: the worker starts after the first paint, the app
// when the page needs it (see the script).
//
//go:embed appstart.js
var appStart string

// prepareGoapp makes go-app's own files once, as go-app serves them for
// this Handler, compressed: /app.js rewritten so that the page at
// app.PreviewPath loads the preview's bundle and every other page the
// reader's, and so that the app starts when it is needed (appStart);
// /wasm_exec.js, /app-worker.js, /manifest.webmanifest and /app.css as they
// are. go-app names them itself (in every page and in its service worker),
// so they keep their names and are revalidated (no-cache, an ETag of their
// content).
func (p *pages) prepareGoapp() error {
	p.goapp = map[string]*httpcache.Asset{}
	for _, pth := range append([]string{"/app.js"}, goappFiles...) {
		rec := p.prerender(context.Background(), &url.URL{Path: pth})
		if rec.status != 0 && rec.status != http.StatusOK {
			continue // go-app answers these itself (a redirect, a 404)
		}
		body := bytes.Clone(rec.buf.Bytes())
		if pth == "/app.js" {
			reader, preview := p.asset("app.wasm"), p.asset("preview.wasm")
			old := []byte(`fetchWithProgress("` + reader + `"`)
			if !bytes.Contains(body, old) {
				return errors.New("pages: go-app's app.js does not fetch " + reader + ": the bundle cannot be chosen by page")
			}
			body = bytes.Replace(body, old,
				[]byte(`fetchWithProgress(location.pathname === "`+app.PreviewPath+`" ? "`+preview+`" : "`+reader+`"`), 1)
			body = bytes.Replace(body, []byte("goappInitServiceWorker();\n"), nil, 1)
			body = bytes.Replace(body, []byte("goappInitWebAssembly();\n"), []byte(appStart), 1)
		}
		p.goapp[pth] = httpcache.NewStatic(body, http.Header{"Content-Type": {cmp.Or(rec.header.Get("Content-Type"), contentType(pth))}})
	}
	return nil
}

// serveGoapp serves go-app's files (prepareGoapp), or lets go-app answer
// a path it did not serve.
func (p *pages) serveGoapp(w http.ResponseWriter, r *http.Request) {
	a, ok := p.goapp[r.URL.Path]
	if !ok {
		p.app.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	a.Serve(w, r, http.StatusOK)
}

// serveBundle serves a WebAssembly bundle of web.FS pre-compressed
// (brotli, else gzip, as the build made them), with its uncompressed size
// in X-Uncompressed-Length for go-app's progress label; immutable under
// its content-hashed name.
func (p *pages) serveBundle(w http.ResponseWriter, r *http.Request, name string, isImmutable bool) {
	raw, ok := p.files[name]
	if !ok || len(raw.data) == 0 {
		http.NotFound(w, r)
		return
	}
	f, enc := raw, httpcache.AcceptEncoding(r.Header.Get("Accept-Encoding"))
	if enc != "" {
		if cf, ok := p.files[name+map[string]string{"br": ".br", "gzip": ".gz"}[enc]]; ok && len(cf.data) > 0 {
			f = cf
		} else {
			enc = ""
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/wasm")
	if isImmutable {
		h.Set("Cache-Control", immutable)
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Vary", "Accept-Encoding")
	h.Set("X-Uncompressed-Length", strconv.Itoa(len(raw.data)))
	h.Set("ETag", strings.TrimSuffix(raw.etag, `"`)+"-"+enc+`"`)
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
}
