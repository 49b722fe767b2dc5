package importer

import (
	"bytes"
	"errors"
	"html"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	jsonfeed "github.com/mmcdole/gofeed/json"

	"folio/article"
	"folio/draft"
	"folio/sanitize"
)

// newFeedParser returns a gofeed parser that takes an item's image only
// from the feed's explicit image fields (enclosures, media:content,
// itunes:image, JSON Feed image), not from the first <img> of its content,
// which the body already shows.
func newFeedParser() *gofeed.Parser {
	p := gofeed.NewParser()
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	p.KeepOriginalFeed = true // to tell a JSON Feed's content_text from its content_html
	return p
}

// Feed reads an RSS, Atom or JSON Feed document: one draft per item, each
// with the source key "feed:" + its GUID, else "feed:" + its link, else ""
// (ParseFile then keys it by file and position). An item's body is its
// content, else its description; its URL is its link, resolved against the
// feed's; its categories are tags; its image is an image enclosure or media
// image; its site is the feed's title. An item with no title takes the
// start of its text as one, as microblog feeds leave titles out.
func Feed(data []byte) ([]Item, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, article.Errorf(article.EINVALID, "feed: input is empty")
	}
	if !utf8.Valid(data) && !bytes.Contains(data[:min(len(data), 200)], []byte("encoding=")) {
		return nil, article.Errorf(article.EINVALID, "feed: input is not valid UTF-8 and declares no other encoding")
	}
	f, err := newFeedParser().Parse(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, article.Errorf(article.EINVALID, "feed: not an RSS, Atom or JSON Feed document")
		}
		return nil, article.Errorf(article.EINVALID, "feed: not a valid feed: %s", err)
	}
	if len(f.Items) == 0 {
		return nil, article.Errorf(article.EINVALID, "feed: the feed has no items")
	}
	base, _ := url.Parse(strings.TrimSpace(f.Link))
	jf, _ := f.OriginalFeed().(*jsonfeed.Feed)
	items := make([]Item, 0, len(f.Items))
	for i, it := range f.Items {
		if it == nil {
			continue
		}
		if jf != nil && i < len(jf.Items) && jf.Items[i] != nil && jf.Items[i].ContentHTML == "" {
			it.Content = textHTML(jf.Items[i].ContentText) // plain text, not markup
		}
		d := &draft.Draft{
			Title: strings.TrimSpace(it.Title),
			Site:  strings.TrimSpace(f.Title),
			Body:  it.Content,
			Tags:  it.Categories,
			Lang:  f.Language,
		}
		if strings.TrimSpace(d.Body) == "" {
			d.Body = it.Description
		} else if desc := strings.TrimSpace(it.Description); desc != "" && utf8.RuneCountInString(desc) <= article.MaxTextLen {
			d.Excerpt = desc
		}
		if d.Title == "" {
			d.Title = article.Truncate(sanitize.PlainText(sanitizedForTitle(d.Body)), 80)
		}
		d.URL = resolve(base, it.Link)
		d.Author = people(it.Authors)
		if d.Author == "" {
			d.Author = people(f.Authors)
		}
		if it.PublishedParsed != nil {
			d.Published = *it.PublishedParsed
		} else if it.UpdatedParsed != nil {
			d.Published = *it.UpdatedParsed
		}
		if it.UpdatedParsed != nil {
			d.Updated = *it.UpdatedParsed
		}
		if src := itemImage(it); src != "" {
			d.Image = &article.Image{Src: resolve(base, src)}
			d.Image.Width, d.Image.Height = mediaSize(it, src)
		}
		source := ""
		if g := strings.TrimSpace(it.GUID); g != "" {
			source = "feed:" + g
		} else if d.URL != "" {
			source = "feed:" + d.URL
		}
		items = append(items, Item{Source: source, Draft: d})
	}
	return items, nil
}

// textHTML renders plain text as HTML paragraphs: blank lines separate
// paragraphs and other line breaks are kept.
func textHTML(s string) string {
	var b strings.Builder
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(p), "\n", "<br>\n") + "</p>\n")
		}
	}
	return b.String()
}

// sanitizedForTitle cleans a body only to take words from it for a title.
func sanitizedForTitle(body string) article.SafeHTML {
	h, _ := sanitize.HTML(body, nil)
	return h
}

// resolve makes ref absolute against base when it can, and otherwise
// returns it as it is (the pipeline then reports it).
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || base == nil || !base.IsAbs() {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil || u.IsAbs() {
		return ref
	}
	return base.ResolveReference(u).String()
}

func people(ps []*gofeed.Person) string {
	var names []string
	for _, p := range ps {
		if p == nil {
			continue
		}
		if n := strings.TrimSpace(p.Name); n != "" {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// itemImage returns an item's explicit image: gofeed's item image (RSS
// itunes:image, media:content, image enclosure; JSON Feed image), else an
// image enclosure (Atom), else a media:thumbnail or media:content image.
func itemImage(it *gofeed.Item) string {
	if it.Image != nil && strings.TrimSpace(it.Image.URL) != "" {
		return it.Image.URL
	}
	for _, e := range it.Enclosures {
		if e != nil && strings.HasPrefix(e.Type, "image/") && e.URL != "" {
			return e.URL
		}
	}
	media := it.Extensions["media"]
	for _, name := range []string{"content", "thumbnail"} {
		for _, e := range media[name] {
			if src := mediaImage(e); src != "" {
				return src
			}
		}
	}
	if groups := media["group"]; len(groups) > 0 {
		for _, e := range groups[0].Children["content"] {
			if src := mediaImage(e); src != "" {
				return src
			}
		}
	}
	return ""
}

// mediaSize returns the width and height the item's media:content or
// media:thumbnail elements give the image at src, or 0, 0. (Enclosures and
// JSON Feed images carry no size.)
func mediaSize(it *gofeed.Item, src string) (width, height int) {
	media := it.Extensions["media"]
	var elems []ext.Extension
	for _, name := range []string{"content", "thumbnail"} {
		elems = append(elems, media[name]...)
	}
	for _, g := range media["group"] {
		for _, name := range []string{"content", "thumbnail"} {
			elems = append(elems, g.Children[name]...)
		}
	}
	for _, e := range elems {
		if strings.TrimSpace(e.Attrs["url"]) == strings.TrimSpace(src) {
			if w, h := imageSize(e.Attrs["width"], e.Attrs["height"]); w != 0 {
				return w, h
			}
		}
	}
	return 0, 0
}

func mediaImage(e ext.Extension) string {
	if e.Attrs["url"] == "" {
		return ""
	}
	typ, medium := e.Attrs["type"], e.Attrs["medium"]
	if e.Name == "thumbnail" || strings.HasPrefix(typ, "image/") || medium == "image" {
		return e.Attrs["url"]
	}
	return ""
}
