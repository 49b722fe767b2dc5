// Package httpcache prepares HTTP responses once and keeps them: an Asset
// is a body with its gzip and brotli forms, ETag and headers, ready to be
// copied into any number of responses; a Cache keeps assets by key and
// version, bounded in bytes, and builds each missing one once however many
// requests ask for it.
package httpcache

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
)

// An Asset is a response body prepared once: its gzip and brotli forms, its
// ETag (a hash of the bytes) and its headers, ready to be copied into a
// response without any formatting.
type Asset struct {
	body, gz, br []byte
	header       http.Header // the fixed headers
	etag         string
	etagV        []string
	lengths      [3][]string // Content-Length of body, gz, br
	status       int         // SetStatus; 0 means 200
}

var (
	varyAE   = []string{"Accept-Encoding"}
	encGzip  = []string{"gzip"}
	encBrotl = []string{"br"}
)

// New prepares a response body that is built while serving: its
// compressed forms use fast levels (brotli 5 is within 1% of level 9 on a
// card page, at a fraction of the time).
func New(body []byte, header http.Header) *Asset {
	return prepareAsset(body, header, gzip.DefaultCompression, 5)
}

// NewStatic prepares a response body built once at start-up, with
// the best compression.
func NewStatic(body []byte, header http.Header) *Asset {
	return prepareAsset(body, header, gzip.BestCompression, brotli.BestCompression)
}

// NewPlain prepares a small body served uncompressed, such as an
// error card: nothing a client sends can make the server compress it.
func NewPlain(body []byte, header http.Header) *Asset {
	a := &Asset{body: body, header: header}
	a.lengths[0] = []string{strconv.Itoa(len(body))}
	return a
}

func prepareAsset(body []byte, header http.Header, gzLevel, brLevel int) *Asset {
	sum := sha256.Sum256(body)
	a := &Asset{body: body, header: header, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
	a.etagV = []string{a.etag}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzLevel)
	zw.Write(body)
	zw.Close()
	a.gz = bytes.Clone(buf.Bytes())
	buf.Reset()
	bw := brotli.NewWriterLevel(&buf, brLevel)
	bw.Write(body)
	bw.Close()
	a.br = bytes.Clone(buf.Bytes())
	for i, b := range [][]byte{a.body, a.gz, a.br} {
		a.lengths[i] = []string{strconv.Itoa(len(b))}
	}
	return a
}

// Serve writes the asset with the status, in the best encoding the client
// accepts. A 200 answers a matching If-None-Match with 304.
func (a *Asset) Serve(w http.ResponseWriter, r *http.Request, status int) {
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	h["Vary"] = varyAE
	if status == http.StatusOK && a.etag != "" {
		h["Etag"] = a.etagV
		if inm := r.Header["If-None-Match"]; len(inm) > 0 && ETagMatch(strings.Join(inm, ","), a.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	body, n := a.body, a.lengths[0]
	if ae := r.Header["Accept-Encoding"]; len(ae) > 0 && a.gz != nil {
		switch AcceptEncoding(strings.Join(ae, ",")) {
		case "br":
			body, n = a.br, a.lengths[2]
			h["Content-Encoding"] = encBrotl
		case "gzip":
			body, n = a.gz, a.lengths[1]
			h["Content-Encoding"] = encGzip
		}
	}
	h["Content-Length"] = n
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// ETagMatch reports whether an If-None-Match header names the ETag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func ETagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// AcceptEncoding picks "br", "gzip" or "" from an Accept-Encoding header,
// honouring q=0.
func AcceptEncoding(header string) string {
	var br, gz bool
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if v, err := strconv.ParseFloat(strings.TrimSpace(q), 64); err == nil && v <= 0 {
				continue
			}
		}
		switch name {
		case "br":
			br = true
		case "gzip", "x-gzip":
			gz = true
		}
	}
	switch {
	case br:
		return "br"
	case gz:
		return "gzip"
	}
	return ""
}

// SetETag replaces the asset's ETag, for a response whose bytes are not a
// stable measure of what it shows. Call it before the asset is shared.
func (a *Asset) SetETag(etag string) {
	a.etag = etag
	a.etagV = []string{etag}
}

// ETag returns the asset's ETag, quoted; "" for a plain asset.
func (a *Asset) ETag() string { return a.etag }

// Body returns the uncompressed body. The caller must not change it.
func (a *Asset) Body() []byte { return a.body }

// Size is the memory the asset holds, in bytes: its three bodies and
// an allowance for its headers.
func (a *Asset) Size() int64 {
	n := len(a.body) + len(a.gz) + len(a.br) + 256
	for k, v := range a.header {
		n += len(k)
		for _, s := range v {
			n += len(s)
		}
	}
	return int64(n)
}

// SetStatus records the status the asset is meant to be sent with, for a
// cache that keeps pages of several statuses (a 404 page is a page too).
// Call it before the asset is shared.
func (a *Asset) SetStatus(code int) { a.status = code }

// Status is the status recorded by SetStatus; 200 when none was.
func (a *Asset) Status() int {
	if a.status == 0 {
		return http.StatusOK
	}
	return a.status
}
