// Package embedcard builds what a partner site pastes to show a Folio article
// card: the snippet (a readable blockquote fallback and the loader script),
// the card page's URL and options, and the card's height at a given width.
// The server uses it for the oEmbed html and the reader app uses it for its
// "Embed" dialog, so it depends on the standard library and article only
// and compiles for js/wasm.
package embedcard

import (
	"html"
	"net/url"
	"strconv"
	"strings"

	"folio/article"
)

// Card geometry. The card page's style sheet (web/embed.css) makes the
// card as high as its content (the title and excerpt clamped to a few
// lines, the byline wrapping); the card page reports that height to the
// loader. HeightWide and HeightCompact are the height of a typical card (a
// two-line title, a one-line byline): what the loader reserves before the
// card reports, and what oEmbed gives as the iframe's height.
const (
	// DefaultWidth is the card's width in CSS pixels when nothing smaller
	// is asked for. The loader never lets the iframe grow wider.
	DefaultWidth = 550
	// CompactBelow is the width under which the automatic layout turns
	// compact (the style sheet's container query breakpoint).
	CompactBelow = 400
	// HeightWide is a typical card's height in the wide layout: a 1 px
	// border, 16 px padding and the 160 px high image beside the text
	// column (title 2×22, byline 18, excerpt 3×20, tags 18, gaps 3×6).
	HeightWide = 1 + 16 + 160 + 16 + 1
	// HeightCompact is a typical card's height in the compact layout: a
	// 1 px border, 12 px padding, the 64 px thumbnail beside the title,
	// the byline (18) and the tags (18), with gaps of 6; no excerpt.
	HeightCompact = 1 + 12 + 64 + 6 + 18 + 6 + 18 + 12 + 1
	// MinHeight and MaxHeight bound the height the loader accepts from a
	// card page.
	MinHeight = 40
	MaxHeight = 1000
)

// Themes, layouts and consent modes.
const (
	ThemeAuto     = "auto"  // follows the reader's prefers-color-scheme
	ThemeLight    = "light" // always light
	ThemeDark     = "dark"  // always dark
	LayoutAuto    = "auto"  // compact below CompactBelow, image beside text above
	LayoutCompact = "compact"
	ConsentClick  = "click" // privacy mode: nothing loads from the publisher until a click
)

// Options are the choices a partner makes for an embed. The zero value is
// the default: automatic theme and layout, the publisher's accent colour,
// DefaultWidth and no consent step.
type Options struct {
	Theme   string // ThemeAuto (or ""), ThemeLight or ThemeDark
	Layout  string // LayoutAuto (or "") or LayoutCompact
	Accent  string // "" or a colour as "#rrggbb"; see ParseAccent
	Consent string // "" or ConsentClick
	Width   int    // the largest width in CSS pixels; 0 means DefaultWidth
}

// ParseOptions reads the card page's query parameters theme, layout and
// accent (width and consent belong to the host page, not the card). It
// returns an EINVALID error naming a parameter with a value it does not
// accept.
func ParseOptions(q url.Values) (Options, error) {
	var o Options
	switch t := q.Get("theme"); t {
	case "", ThemeAuto:
	case ThemeLight, ThemeDark:
		o.Theme = t
	default:
		return o, article.Errorf(article.EINVALID, "theme must be light, dark or auto, not %q", clip(t))
	}
	switch l := q.Get("layout"); l {
	case "", LayoutAuto:
	case LayoutCompact:
		o.Layout = l
	default:
		return o, article.Errorf(article.EINVALID, "layout must be auto or compact, not %q", clip(l))
	}
	if s := q.Get("accent"); s != "" {
		c, err := ParseAccent(s)
		if err != nil {
			return o, err
		}
		o.Accent = c
	}
	return o, nil
}

// ParseAccent validates an accent colour given as three or six hexadecimal
// digits, with or without a leading '#', and returns it as "#rrggbb" in
// lower case. Anything else is an EINVALID error: the value ends up in a
// style sheet, so nothing but a colour may pass.
func ParseAccent(s string) (string, error) {
	h := strings.TrimPrefix(s, "#")
	if len(h) != 3 && len(h) != 6 {
		return "", article.Errorf(article.EINVALID, "accent must be a colour like 0a7cff or #0a7cff, not %q", clip(s))
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "", article.Errorf(article.EINVALID, "accent must be a colour like 0a7cff or #0a7cff, not %q", clip(s))
		}
	}
	h = strings.ToLower(h)
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	return "#" + h, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Query returns the card page's query string for the options ("" for the
// defaults), without the leading '?'. Only valid values are written.
func (o Options) Query() string {
	q := url.Values{}
	if o.Theme == ThemeLight || o.Theme == ThemeDark {
		q.Set("theme", o.Theme)
	}
	if o.Layout == LayoutCompact {
		q.Set("layout", o.Layout)
	}
	if o.Accent != "" {
		if c, err := ParseAccent(o.Accent); err == nil {
			q.Set("accent", strings.TrimPrefix(c, "#"))
		}
	}
	return q.Encode()
}

// ReaderURL returns the article's reader page on the publisher's site.
// base is the publisher's base URL, such as "https://news.example".
func ReaderURL(base, slug string) string {
	return strings.TrimRight(base, "/") + "/a/" + url.PathEscape(slug)
}

// CardURL returns the card page for the article with the options.
func CardURL(base, slug string, o Options) string {
	u := strings.TrimRight(base, "/") + "/embed/" + url.PathEscape(slug)
	if q := o.Query(); q != "" {
		u += "?" + q
	}
	return u
}

// LoaderURL returns the address of the loader script.
func LoaderURL(base string) string {
	return strings.TrimRight(base, "/") + "/embed.js"
}

// Height returns a typical card's height in CSS pixels at the width (in
// CSS pixels) for the layout (see HeightWide and HeightCompact); the card
// page reports its real height, which follows its content.
func Height(width int, layout string) int {
	if layout == LayoutCompact || width < CompactBelow {
		return HeightCompact
	}
	return HeightWide
}

// width returns the width the card is shown at: o.Width when it is set and
// smaller than DefaultWidth, else DefaultWidth.
func (o Options) width() int {
	if o.Width > 0 && o.Width < DefaultWidth {
		return o.Width
	}
	return DefaultWidth
}

// Snippet returns the HTML a partner pastes to embed the article: a
// blockquote that reads well with no script at all (the title linked to
// the reader page, the excerpt and the byline, and no image, so it loads
// nothing from the publisher), followed by the loader script, which swaps
// the blockquote for a sandboxed iframe of the card. With o.Consent set to
// ConsentClick the loader waits for a click before it loads the card.
// Every value is escaped for its context.
func Snippet(a article.Summary, base string, o Options) string {
	base = strings.TrimRight(base, "/")
	reader := ReaderURL(base, a.Slug)
	var b strings.Builder
	b.WriteString(`<blockquote class="folio-embed" data-src="`)
	b.WriteString(html.EscapeString(CardURL(base, a.Slug, o)))
	b.WriteString(`"`)
	if o.Layout == LayoutCompact {
		b.WriteString(` data-layout="compact"`)
	}
	if o.Width > 0 {
		b.WriteString(` data-width="` + strconv.Itoa(o.width()) + `"`)
	}
	if o.Consent == ConsentClick {
		b.WriteString(` data-consent="click"`)
	}
	if a.Lang != "" {
		b.WriteString(` lang="` + html.EscapeString(a.Lang) + `"`)
	}
	if a.Dir == "rtl" || a.Dir == "ltr" {
		b.WriteString(` dir="` + a.Dir + `"`)
	}
	b.WriteString(` cite="` + html.EscapeString(reader) + `"><p><a href="`)
	b.WriteString(html.EscapeString(reader))
	b.WriteString(`">`)
	b.WriteString(html.EscapeString(a.Title))
	b.WriteString(`</a></p>`)
	if a.Excerpt != "" {
		b.WriteString(`<p>` + html.EscapeString(a.Excerpt) + `</p>`)
	}
	if line := Byline(a); line != "" {
		b.WriteString(`<p>— ` + html.EscapeString(line) + `</p>`)
	}
	b.WriteString(`</blockquote><script async src="`)
	b.WriteString(html.EscapeString(LoaderURL(base)))
	b.WriteString(`"></script>`)
	return b.String()
}

// Byline returns "Author, Site, 2 January 2006" with the parts the summary
// has, as plain text.
func Byline(a article.Summary) string {
	var parts []string
	for _, s := range []string{a.Author, a.Site} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if !a.Published.IsZero() {
		parts = append(parts, a.Published.UTC().Format("2 January 2006"))
	}
	return strings.Join(parts, ", ")
}

// ImageBox returns the size in CSS pixels at which the card shows its
// image at the width: a 64 px square in the compact layout, and in the wide
// layout a column of 34% of the card's inner width (the width less the
// border and padding), as high as the text column.
func ImageBox(width int, layout string) (w, h int) {
	if layout == LayoutCompact || width < CompactBelow {
		return 64, 64
	}
	return (34*(width-2-32) + 50) / 100, 160
}
