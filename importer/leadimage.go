package importer

import (
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"folio/article"
)

// maxTextBeforeLead is how much text (in bytes) may come before an image
// for it to count as the top of the body.
const maxTextBeforeLead = 300

// dropLeadImage removes the lead image from the top of an untrusted body,
// where pages and feeds often repeat it: the body's first image, when no
// more than a short text comes before it and it names the same picture as
// src (the same file, whatever size variant or query). The image goes with
// what held only it (a link, a picture, a paragraph) or its figure, whose
// caption is returned in lead, with what else the <img> says of the
// picture (see leadImage). ok is false, and body untouched, when there is
// no such image.
func dropLeadImage(body, src string, base *url.URL) (out string, lead leadImage, ok bool) {
	want := imageKey(src, base)
	if want == "" || !strings.Contains(strings.ToLower(body), "<img") {
		return body, lead, false
	}
	bodyCtx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(body), bodyCtx)
	if err != nil {
		return body, lead, false
	}
	root := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	img, text := firstImage(root)
	if img == nil || text > maxTextBeforeLead {
		return body, lead, false
	}
	match := false
	for _, u := range imageURLs(img) {
		if imageKey(u, base) == want {
			match = true
		}
	}
	if !match {
		return body, lead, false
	}
	if sameURL(attr(img, "src"), src, base) {
		lead.width, lead.height = imageSize(attr(img, "width"), attr(img, "height"))
	}
	lead.srcset = imageSrcset(img, want, base)
	lead.alt = strings.Join(strings.Fields(attr(img, "alt")), " ")
	n := img
	for p := n.Parent; p != nil && p != root; p = p.Parent {
		switch p.DataAtom {
		case atom.A, atom.Picture, atom.P, atom.Span, atom.Div, atom.Figure:
		default:
			p = nil
		}
		if p == nil || !onlyChild(p, n) {
			break
		}
		n = p
		if p.DataAtom == atom.Figure {
			break
		}
	}
	if n.DataAtom == atom.Figure {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Figcaption {
				lead.caption = strings.Join(strings.Fields(textContent(c)), " ")
			}
		}
	}
	n.Parent.RemoveChild(n)
	var b strings.Builder
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return body, leadImage{}, false
		}
	}
	return b.String(), lead, true
}

// leadImage is what a body's lead <img> says of the picture: its figure's
// caption; its alt text; its width and height attributes when its src is the lead image's
// own (not another size variant) and both are sizes in pixels, otherwise 0;
// and the other widths it offers (see imageSrcset).
type leadImage struct {
	caption, alt  string
	width, height int
	srcset        []article.ImageSource
}

// imageSrcset returns the width candidates an <img> offers for the picture
// named want (see imageKey), resolved against base: its srcset, or the
// lazy-loading data-srcset, else those of the sources of its <picture> that
// any browser shows (no media query; JPEG, PNG, WebP or no type). Other
// pictures (an art-directed crop under another name) are left out.
func imageSrcset(img *html.Node, want string, base *url.URL) []article.ImageSource {
	sets := []string{attr(img, "data-srcset"), attr(img, "srcset")}
	if p := img.Parent; p != nil && p.DataAtom == atom.Picture {
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || c.DataAtom != atom.Source || attr(c, "media") != "" {
				continue
			}
			switch strings.ToLower(strings.TrimSpace(attr(c, "type"))) {
			case "", "image/jpeg", "image/png", "image/webp":
				sets = append(sets, attr(c, "data-srcset"), attr(c, "srcset"))
			}
		}
	}
	for _, set := range sets {
		var out []article.ImageSource
		for _, c := range article.ParseSrcset(set) {
			u, err := url.Parse(strings.TrimSpace(c.Src))
			if err != nil || imageKey(c.Src, base) != want {
				continue
			}
			if base != nil {
				u = base.ResolveReference(u)
			}
			out = append(out, article.ImageSource{Src: u.String(), Width: c.Width})
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// sameURL reports whether a and b, resolved against base, are the same
// absolute URL.
func sameURL(a, b string, base *url.URL) bool {
	abs := func(s string) string {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil {
			return ""
		}
		if base != nil {
			u = base.ResolveReference(u)
		}
		if !u.IsAbs() {
			return ""
		}
		return u.String()
	}
	x := abs(a)
	return x != "" && x == abs(b)
}

// imageSize parses an image's width and height as metadata gives them
// ("1200", " 630 ", "1200px"): both whole numbers of pixels from 1 to
// article.MaxImageSide, or 0, 0 when either is missing or is not.
func imageSize(w, h string) (width, height int) {
	parse := func(s string) int {
		s = strings.TrimSuffix(strings.TrimSpace(s), "px")
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > article.MaxImageSide {
			return 0
		}
		return n
	}
	width, height = parse(w), parse(h)
	if width == 0 || height == 0 {
		return 0, 0
	}
	return width, height
}

// firstImage returns the first <img> of n in document order and how many
// bytes of text (not white space) come before it.
func firstImage(n *html.Node) (*html.Node, int) {
	text := 0
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				text += len(strings.TrimSpace(c.Data))
			case html.ElementNode:
				switch c.DataAtom {
				case atom.Img:
					found = c
					return
				case atom.Script, atom.Style, atom.Template, atom.Noscript:
					continue
				}
				walk(c)
			}
		}
	}
	walk(n)
	return found, text
}

// onlyChild reports whether n is p's only content, but white space, in a
// figure its caption, and in a picture its sources.
func onlyChild(p, n *html.Node) bool {
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c == n:
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type == html.CommentNode:
		case p.DataAtom == atom.Figure && c.Type == html.ElementNode && c.DataAtom == atom.Figcaption:
		case p.DataAtom == atom.Picture && c.Type == html.ElementNode && c.DataAtom == atom.Source:
		default:
			return false
		}
	}
	return true
}

// imageURLs returns the URLs an <img> may show: src, the lazy-loading
// data-src and the srcset candidates.
func imageURLs(img *html.Node) []string {
	var out []string
	for _, a := range img.Attr {
		switch a.Key {
		case "src", "data-src", "data-lazy-src", "data-original":
			out = append(out, a.Val)
		case "srcset", "data-srcset":
			for c := range strings.SplitSeq(a.Val, ",") {
				if f := strings.Fields(c); len(f) > 0 {
					out = append(out, f[0])
				}
			}
		}
	}
	return out
}

// sizeSuffixRe matches the size a CMS adds to an image's file name
// ("photo-1024x683.jpg", "photo_800x600.jpg", "photo-scaled.jpg").
var sizeSuffixRe = regexp.MustCompile(`(?:[-_][0-9]{2,5}x[0-9]{2,5}|-scaled|-e[0-9]{10,13})+$`)

// imageKey names the picture a URL shows: its file name without the
// extension and any size suffix, or "" when that is too short to tell
// pictures apart.
func imageKey(src string, base *url.URL) string {
	u, err := url.Parse(strings.TrimSpace(src))
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	name := path.Base(u.Path)
	name = strings.TrimSuffix(name, path.Ext(name))
	name = strings.ToLower(sizeSuffixRe.ReplaceAllString(name, ""))
	if len(name) < 6 || name == "image" || name == "default" || name == "placeholder" {
		return ""
	}
	return name
}

// dropLeadImages applies dropLeadImage to the drafts of items: the lead
// image an imported page, feed item or Markdown file repeats at the top of
// its body is left out of it, and its figure's caption becomes the image's
// when the image has none, as do its alt text, the <img>'s width and height attributes
// when the image has no size and its srcset when the image has none.
// (Articles written through the API or the
// preview keep their body as written.)
func dropLeadImages(items []Item) {
	for _, it := range items {
		d := it.Draft
		if d == nil || d.Image == nil || strings.TrimSpace(d.Image.Src) == "" {
			continue
		}
		var base *url.URL
		if u, err := url.Parse(strings.TrimSpace(d.URL)); err == nil && u.IsAbs() {
			base = u
		}
		if body, lead, ok := dropLeadImage(d.Body, d.Image.Src, base); ok {
			d.Body = body
			if strings.TrimSpace(d.Image.Caption) == "" {
				d.Image.Caption = lead.caption
			}
			if strings.TrimSpace(d.Image.Alt) == "" {
				d.Image.Alt = lead.alt
			}
			if d.Image.Width == 0 && d.Image.Height == 0 {
				d.Image.Width, d.Image.Height = lead.width, lead.height
			}
			if len(d.Image.Srcset) == 0 {
				d.Image.Srcset = lead.srcset
			}
		}
	}
}
