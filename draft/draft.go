// Package draft turns untrusted input (plain text as scrapers save it,
// Markdown with front matter, HTML fragments) into a Draft, and a Draft into
// a valid article through one pipeline, (*Draft).Article. The server's
// importers and the browser preview both use it, so it compiles for
// js/wasm and depends only on article, sanitize, goldmark and yaml.v3.
//
// Nothing in a Draft is trusted. Its text fields may hold markup and
// character references, which Article strips and decodes with
// sanitize.Text; its Body is raw HTML, which Article cleans with
// sanitize.HTML. The sanitiser is the single safety gate: the parsers here
// pass raw HTML through (goldmark runs with html.WithUnsafe) rather than
// filtering it a second, different way.
package draft

import (
	"bytes"
	"time"
	"unicode/utf8"

	"folio/article"
)

// Draft is an article as read from some input, before sanitising and
// validation. Body is untrusted HTML; the other strings are untrusted text
// that may hold markup. Image may carry a caption and credit without a
// source when the input names no image URL (see Article).
type Draft struct {
	Slug      string
	Title     string
	Subtitle  string
	Author    string
	Site      string
	URL       string
	Published time.Time
	Updated   time.Time
	Tags      []string
	Image     *article.Image
	Excerpt   string
	Body      string // untrusted HTML
	Lang      string
	Dir       string
	// PublishNow dates the article now when Published is zero: set for
	// an article written and published through Folio (the API, the
	// preview), where now is its publication; an imported article without
	// a date stays undated.
	PublishNow bool
}

// checkInput rejects input that no parser should see: empty or blank input
// and bytes that are not UTF-8. A leading byte order mark is dropped.
func checkInput(src []byte) ([]byte, error) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(src) {
		return nil, article.Errorf(article.EINVALID, "input is not valid UTF-8 (first bad byte at offset %d)", invalidOffset(src))
	}
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, article.Errorf(article.EINVALID, "input is empty")
	}
	return src, nil
}

func invalidOffset(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}
