// Package importer reads articles from files on the server: plain text as
// scrapers save it, Markdown, HTML fragments and whole saved pages, JSON in
// the API's shape, and RSS, Atom and JSON Feed files. Each input becomes one
// or more drafts, each paired with a source key, and every draft goes
// through draft's one pipeline, (*draft.Draft).Article, before it reaches
// the store. It is server-only: it uses go-readability and gofeed, which the
// browser preview does not need.
package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"folio/article"
	"folio/draft"
	"folio/sanitize"
)

// MaxFileSize is the largest file Import reads.
const MaxFileSize = 10 << 20

// Format is an input format.
type Format string

// The formats Detect recognises.
const (
	FormatText     Format = "text"     // plain text as scrapers save it
	FormatMarkdown Format = "markdown" // Markdown with optional YAML front matter
	FormatHTML     Format = "html"     // an HTML fragment or a whole saved page
	FormatJSON     Format = "json"     // one article, a list, or {"articles": [...]}, in the API's shape
	FormatFeed     Format = "feed"     // RSS, Atom or JSON Feed
)

// ErrFormatNotDetected is returned by Detect for input it cannot place. It
// is an EUNSUPPORTED article error.
var ErrFormatNotDetected = &article.Error{
	Code:    article.EUNSUPPORTED,
	Message: "format not recognised: use .txt, .md, .html, .json, or an RSS, Atom or JSON Feed file",
}

// extFormats maps file extensions to formats. A .json file may still be a
// JSON Feed; Detect looks inside.
var extFormats = map[string]Format{
	".txt": FormatText, ".text": FormatText,
	".md": FormatMarkdown, ".markdown": FormatMarkdown,
	".html": FormatHTML, ".htm": FormatHTML, ".xhtml": FormatHTML,
	".json": FormatJSON,
	".xml":  FormatFeed, ".rss": FormatFeed, ".atom": FormatFeed, ".feed": FormatFeed,
}

// Detect returns the format of a file from its name and content. The
// extension decides, except that a .json file holding a JSON Feed is a
// feed; without a known extension the content decides: a JSON Feed (an
// object whose "version" is a jsonfeed.org URL, or any version with a list
// of items), other JSON, an RSS, Atom or
// RDF document, an HTML page (<!doctype or <html), or Markdown front matter.
// Anything else is ErrFormatNotDetected.
func Detect(name string, data []byte) (Format, error) {
	f, known := extFormats[strings.ToLower(filepath.Ext(name))]
	if known && f != FormatJSON {
		return f, nil
	}
	head := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(head) > 0 && (head[0] == '{' || head[0] == '[') {
		if isJSONFeed(head) {
			return FormatFeed, nil
		}
		return FormatJSON, nil
	}
	if known {
		return f, nil // a .json file that is not JSON: the parser says why
	}
	lower := bytes.ToLower(head[:min(len(head), 1024)])
	switch {
	case bytes.Contains(lower, []byte("<rss")) || bytes.Contains(lower, []byte("<feed")) || bytes.Contains(lower, []byte("<rdf:rdf")):
		return FormatFeed, nil
	case bytes.HasPrefix(lower, []byte("<!doctype")) || bytes.Contains(lower, []byte("<html")):
		return FormatHTML, nil
	case bytes.HasPrefix(head, []byte("---\n")) || bytes.HasPrefix(head, []byte("---\r\n")):
		return FormatMarkdown, nil
	}
	return "", ErrFormatNotDetected
}

// jsonFeedVersion matches the "version" member of a JSON Feed.
var jsonFeedVersion = regexp.MustCompile(`"version"\s*:\s*"https?:(?:\\?/){2}jsonfeed\.org(?:\\?/)version(?:\\?/)`)

// isJSONFeed reports whether data is a JSON object whose "version" names
// the JSON Feed specification. It looks at the text rather than decoding
// it, so that a broken feed is still a feed and gets the feed parser's
// error. A feed whose version is written another way ("1.0", "1", as some
// generators of JSON Feed 1.0 write it) is one too when it decodes to an
// object with a version and a list of items, which no article has.
func isJSONFeed(data []byte) bool {
	if data[0] != '{' {
		return false
	}
	if jsonFeedVersion.Match(data) {
		return true
	}
	var probe struct {
		Version json.RawMessage   `json:"version"`
		Items   []json.RawMessage `json:"items"`
	}
	return json.Unmarshal(data, &probe) == nil && len(probe.Version) > 0 && string(probe.Version) != "null" && probe.Items != nil
}

// Item is one article read from a file, with its source key. The key
// decides re-import identity: importing an item whose source the store has
// seen updates that article in place. Keys are:
//
//   - "file:" + the absolute path, for a file holding one article (text,
//     Markdown, HTML, and JSON holding one object without a url);
//   - "url:" + the article's url, for JSON articles that have one, so the
//     same article updates in place from whichever file it comes;
//   - "file:" + the absolute path + "#" + the position (from 1), for a JSON
//     list entry without a url;
//   - "feed:" + the item's GUID, else its link, for feed items (and the
//     file key with "#" and the position if an item has neither);
//   - "sample:" + the file name, for the bundled samples (LoadSamples).
type Item struct {
	Source string
	Draft  *draft.Draft
}

// ParseFile reads the articles in a file. The name gives the format (see
// Detect) and, made absolute, the source keys.
func ParseFile(name string, data []byte) ([]Item, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		abs = name
	}
	items, _, err := parse(name, data, "file:"+filepath.ToSlash(abs))
	return items, err
}

// parse reads the articles in a file whose own source key is fileKey. It
// reports whether the file is a collection (a feed or a JSON list), whose
// items Import lists one by one.
func parse(name string, data []byte, fileKey string) (items []Item, multi bool, err error) {
	format, err := Detect(name, data)
	if err != nil {
		return nil, false, err
	}
	defer func() { dropLeadImages(items) }()
	one := func(d *draft.Draft, err error) ([]Item, bool, error) {
		if err != nil {
			return nil, false, err
		}
		return []Item{{Source: fileKey, Draft: d}}, false, nil
	}
	switch format {
	case FormatText:
		return one(draft.Text(data))
	case FormatMarkdown:
		return one(draft.Markdown(data))
	case FormatHTML:
		return one(HTMLPage(data, ""))
	case FormatJSON:
		drafts, list, err := jsonDrafts(data)
		if err != nil {
			return nil, false, err
		}
		items := make([]Item, len(drafts))
		for i, d := range drafts {
			switch {
			case d.URL != "":
				items[i] = Item{Source: "url:" + strings.TrimSpace(d.URL), Draft: d}
			case list:
				items[i] = Item{Source: fmt.Sprintf("%s#%d", fileKey, i+1), Draft: d}
			default:
				items[i] = Item{Source: fileKey, Draft: d}
			}
		}
		return items, list, nil
	case FormatFeed:
		items, err := Feed(data)
		if err != nil {
			return nil, false, err
		}
		for i := range items {
			if items[i].Source == "" {
				items[i].Source = fmt.Sprintf("%s#%d", fileKey, i+1)
			}
		}
		return items, true, nil
	}
	return nil, false, ErrFormatNotDetected
}

// Import reads the files and directories in paths into the store. It walks
// directories recursively, skipping hidden entries and files whose
// extension names no format; a file named explicitly with an unknown format
// fails. It writes one line per file to out ("imported PATH (slug)",
// "updated PATH (slug)" or "failed PATH: reason"; a feed or JSON list gets
// one line per item, PATH#N), then a summary line ("3 imported, 1 updated,
// 1 failed"). A failure never stops the others. It returns how many files
// or items failed; err is only for a failure to write to out or a canceled
// ctx.
func Import(ctx context.Context, st article.Store, paths []string, out io.Writer, now func() time.Time) (failed int, err error) {
	return ImportSized(ctx, st, paths, out, now, nil)
}

// An ImageSizer returns the width and height of the image at src, read
// from the image itself. It bounds its own time.
type ImageSizer func(ctx context.Context, src string) (width, height int, err error)

// ImportSized is Import, with size, when not nil, giving the size of each
// lead image whose source names none. It is best effort: an image whose
// size cannot be read is imported with its size unknown, and the reason
// ends the file's line ("… (slug); image size not read: …").
func ImportSized(ctx context.Context, st article.Store, paths []string, out io.Writer, now func() time.Time, size ImageSizer) (failed int, err error) {
	im := &run{ctx: ctx, st: st, out: out, now: now, size: size}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return im.failed, err
		}
		info, err := os.Stat(p)
		if err != nil {
			im.fail(p, reason(err))
			continue
		}
		if !info.IsDir() {
			im.file(p, info)
			continue
		}
		walkErr := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			if err != nil {
				im.fail(path, reason(err))
				return nil
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			if _, ok := extFormats[strings.ToLower(filepath.Ext(path))]; !ok {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				im.fail(path, reason(err))
				return nil
			}
			im.file(path, info)
			return nil
		})
		if walkErr != nil {
			return im.failed, walkErr
		}
	}
	_, err = fmt.Fprintf(out, "%d imported, %d updated, %d failed\n", im.imported, im.updated, im.failed)
	if err == nil {
		err = im.writeErr
	}
	return im.failed, err
}

// run is one Import call's state.
type run struct {
	ctx                       context.Context
	st                        article.Store
	out                       io.Writer
	now                       func() time.Time
	size                      ImageSizer // nil: sizes only from the sources
	imported, updated, failed int
	writeErr                  error
}

// imageSize fills in the size of a's lead image through im.size when the
// source named none, and returns what to add to the file's line when that
// failed.
func (im *run) imageSize(a *article.Article) string {
	if im.size == nil || a.Image == nil || a.Image.Src == "" || a.Image.HasSize() {
		return ""
	}
	w, h, err := im.size(im.ctx, a.Image.Src)
	if err == nil && (w < 1 || h < 1 || w > article.MaxImageSide || h > article.MaxImageSide) {
		err = fmt.Errorf("%d×%d is not a size Folio keeps", w, h)
	}
	if err != nil {
		return "; image size not read: " + reason(err)
	}
	a.Image.Width, a.Image.Height = w, h
	return ""
}

func (im *run) printf(format string, args ...any) {
	if _, err := fmt.Fprintf(im.out, format, args...); err != nil && im.writeErr == nil {
		im.writeErr = err
	}
}

func (im *run) fail(path, why string) {
	im.failed++
	im.printf("failed %s: %s\n", path, why)
}

// file imports one file.
func (im *run) file(path string, info fs.FileInfo) {
	if info.Size() > MaxFileSize {
		im.fail(path, fmt.Sprintf("the file is %d bytes; the limit is %s", info.Size(), size(MaxFileSize)))
		return
	}
	data, err := readFile(path)
	if err != nil {
		im.fail(path, reason(err))
		return
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		im.fail(path, reason(err))
		return
	}
	items, multi, err := parse(path, data, "file:"+filepath.ToSlash(abs))
	if err != nil {
		im.fail(path, reason(err))
		return
	}
	if len(items) == 0 {
		im.fail(path, "no articles in the file")
		return
	}
	for i, it := range items {
		name := path
		if multi {
			name = fmt.Sprintf("%s#%d", path, i+1)
		}
		a, report, err := it.Draft.Article(im.now())
		if err != nil {
			im.fail(name, reason(err))
			continue
		}
		note := im.imageSize(a)
		created, err := im.st.Import(im.ctx, it.Source, a)
		if err != nil {
			im.fail(name, reason(err))
			continue
		}
		verb := "updated"
		if created {
			verb = "imported"
			im.imported++
		} else {
			im.updated++
		}
		im.printf("%s %s (%s)%s%s\n", verb, name, a.Slug, removed(report), note)
	}
}

// readFile reads at most MaxFileSize bytes, in case the file grew since
// it was listed.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, article.Errorf(article.ETOOLARGE, "the file is larger than %s", size(MaxFileSize))
	}
	return data, nil
}

// removed summarises a sanitiser report for an import line: ", removed
// script ×2, onerror on img".
func removed(r sanitize.Report) string {
	if len(r) == 0 {
		return ""
	}
	parts := make([]string, 0, len(r))
	for _, rm := range r {
		s := rm.Name
		if rm.On != "" {
			s += " on " + rm.On
		}
		if rm.As != "" {
			s += " → " + rm.As
		}
		if rm.Count > 1 {
			s += fmt.Sprintf(" ×%d", rm.Count)
		}
		parts = append(parts, s)
	}
	return "; sanitiser removed " + strings.Join(parts, ", ")
}

// reason is the message for a failure: an article error's message as is,
// an OS error without the path the line already shows, and other errors
// as they are.
func reason(err error) string {
	var ae *article.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

func size(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
