package app

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"folio/article"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// Card shows an article summary: its lead image, title, excerpt, site,
// author, date, reading time and tags. The whole card is one link (the
// title's, stretched over the card by CSS), so it is a single stop for the
// keyboard and a single, short name for screen readers.
//
// Card renders on its own with app.HTMLString, which is how the embed
// serves it without WebAssembly: set Base to the site's absolute URL and
// Target to "_blank" there. Untrusted fields are escaped for attributes on
// the server (see attr).
type Card struct {
	app.Compo

	// ISummary is the article shown.
	ISummary article.Summary
	// IBase is prefixed to the link ("/a/slug"): "" on the site itself, the
	// absolute base URL ("https://example.com") when the card is shown
	// elsewhere.
	IBase string
	// ITarget is the link's target, e.g. "_blank"; "" for the same tab.
	// A target other than "" or "_self" adds rel="noopener".
	ITarget string
	// ILevel is the heading level of the title, 2 to 6 (default 2).
	ILevel int
	// IEager loads the image at once instead of lazily (for a card that is
	// the first thing on screen, as in the embed).
	IEager bool
	// IClass adds classes to the card, e.g. a theme for the embed.
	IClass string
	// ISourceName and ISourceLogo name the publisher on a card shown on
	// another site (the embed), in place of the tags: whose story it is.
	ISourceName, ISourceLogo string
	// ISizes is the image's sizes attribute, how wide its box is drawn:
	// "" for the site's lists (ListImageSizes).
	ISizes string
}

// NewCard returns a card for the summary with the defaults of the site's
// own lists.
func NewCard(s article.Summary) *Card { return &Card{ISummary: s} }

// Base sets the prefix of the card's link.
func (c *Card) Base(base string) *Card { c.IBase = strings.TrimRight(base, "/"); return c }

// Target sets the target of the card's link.
func (c *Card) Target(t string) *Card { c.ITarget = t; return c }

// Level sets the heading level of the title.
func (c *Card) Level(n int) *Card { c.ILevel = n; return c }

// Source names the publisher, with its logo's URL, in place of the tags.
func (c *Card) Source(name, logo string) *Card {
	c.ISourceName, c.ISourceLogo = name, logo
	return c
}

// Eager makes the image load at once.
func (c *Card) Eager(v bool) *Card { c.IEager = v; return c }

// Sizes sets the image's sizes attribute, for a card laid out otherwise
// than in the site's lists.
func (c *Card) Sizes(v string) *Card { c.ISizes = v; return c }

// Class adds classes to the card.
func (c *Card) Class(v string) *Card { c.IClass = v; return c }

// Href returns the card's link.
func (c *Card) Href() string { return c.IBase + "/a/" + c.ISummary.Slug }

// Render implements app.Composer.
func (c *Card) Render() app.UI {
	s := c.ISummary
	link := app.A().Class("card-link").Href(safeURL(c.Href())).Text(s.Title)
	if c.ITarget != "" && c.ITarget != "_self" {
		link = link.Target(attr(c.ITarget)).Rel("noopener")
	}
	root := app.Article().Class("card")
	if c.IClass != "" {
		root = root.Class(attr(c.IClass))
	}
	if s.Lang != "" {
		root = root.Lang(attr(s.Lang))
	}
	if s.Dir != "" {
		root = root.Dir(attr(s.Dir))
	}
	return root.Body(
		heading(c.ILevel, "card-title", link),
		c.image(),
		c.meta(),
		excerpt(s.Excerpt),
		c.footer(),
	)
}

// footer is the tags, or on another site the publisher's name and logo.
func (c *Card) footer() app.UI {
	if c.ISourceName == "" {
		return tagList(c.ISummary.Tags)
	}
	src := app.P().Class("card-source")
	if logo := safeURL(c.ISourceLogo); logo != "" {
		return src.Body(
			app.Img().Class("card-source-logo").Src(logo).Alt("").Width(16).Height(16),
			app.Span().Text(c.ISourceName),
		)
	}
	return src.Body(app.Span().Text(c.ISourceName))
}

// The intrinsic size a card declares for its image: its box's 16:9 ratio.
// cardImageWidth is also the width of the candidate given as src to the
// clients that read no srcset.
const (
	cardImageWidth  = 640
	cardImageHeight = 360
)

// ListImageSizes is how wide a card's image is drawn in the site's lists
// (site.css: .main is at most 72rem with 1rem padding, .cards a grid of
// columns at least 20rem wide with 1.25rem gaps): three columns from
// 64.5rem, two from 43.25rem, one below.
const ListImageSizes = "(min-width: 72rem) 22.5rem, (min-width: 64.5rem) calc((100vw - 4.5rem) / 3), " +
	"(min-width: 43.25rem) calc((100vw - 3.25rem) / 2), calc(100vw - 2rem)"

func (c *Card) image() app.UI {
	img := c.ISummary.Image
	if img == nil || img.Src == "" {
		return nil
	}
	src := safeURL(img.Fit(cardImageWidth))
	if src == "" {
		return nil
	}
	// The box is 16:9 (site.css, embed.css): width and height give the
	// browser that ratio before the image arrives, so nothing moves when it
	// does. The article's other widths let the browser fetch the one that
	// fits the box; src is the narrowest that fills a 640 px box.
	el := app.Img().Class("card-img").Src(src).Alt(attr(img.Alt)).
		Width(cardImageWidth).Height(cardImageHeight).Attr("decoding", "async")
	if set := srcsetAttr(img); set != "" {
		el = el.Attr("srcset", set).Attr("sizes", cmp.Or(c.ISizes, ListImageSizes))
	}
	if !c.IEager {
		el = el.Attr("loading", "lazy")
	}
	return app.Div().Class("card-media").Body(el)
}

// srcsetAttr returns the image's candidates (article.Image.Candidates) as
// a srcset attribute: those whose URL srcset keeps whole
// (article.WholeInSrcset), made safe and escaped (safeURL); "" when it has
// none.
func srcsetAttr(img *article.Image) string {
	var safe []article.ImageSource
	for _, c := range img.Candidates() {
		if u := safeURL(c.Src); u != "" && article.WholeInSrcset(c.Src) {
			safe = append(safe, article.ImageSource{Src: u, Width: c.Width})
		}
	}
	return article.SrcsetString(safe)
}

func (c *Card) meta() app.UI {
	s := c.ISummary
	var parts []app.UI
	if s.Site != "" {
		parts = append(parts, app.Span().Class("card-site").Text(s.Site))
	}
	if s.Author != "" {
		parts = append(parts, app.Span().Class("card-author").Text(s.Author))
	}
	parts = append(parts, publishedElem(s.Published))
	if s.ReadingMinutes > 0 {
		parts = append(parts, app.Span().Class("card-time").Text(minutes(s.ReadingMinutes)))
	}
	if len(parts) == 0 {
		return nil
	}
	return app.P().Class("meta card-meta").Body(joinDots(parts)...)
}

func excerpt(s string) app.UI {
	if s == "" {
		return nil
	}
	return app.P().Class("card-excerpt").Text(s)
}

// tagList shows tags as plain text: inside a card a second link would
// break the one-link rule.
func tagList(tags []string) app.UI {
	if len(tags) == 0 {
		return nil
	}
	return app.Ul().Class("tags card-tags").Aria("label", "Tags").Body(
		app.Range(tags).Slice(func(i int) app.UI {
			return app.Li().Class("tag").Text(tags[i])
		}),
	)
}

// heading returns an h2…h6 element (h2 for any other level) with the
// class and children.
func heading(level int, class string, body ...app.UI) app.UI {
	switch level {
	case 3:
		return app.H3().Class(class).Body(body...)
	case 4:
		return app.H4().Class(class).Body(body...)
	case 5:
		return app.H5().Class(class).Body(body...)
	case 6:
		return app.H6().Class(class).Body(body...)
	}
	return app.H2().Class(class).Body(body...)
}

// dateElem shows a date as "2 January 2006" (UTC, so that the server and
// the browser print the same text).
func dateElem(t time.Time) app.UI {
	t = t.UTC()
	return app.Time().DateTime(t.Format(time.RFC3339)).Text(t.Format("2 January 2006"))
}

// publishedElem shows when an article was published, or says that its
// source named no date: no date is ever made up for it.
func publishedElem(t time.Time) app.UI {
	if t.IsZero() {
		return app.Span().Class("undated").Text("Undated")
	}
	return dateElem(t)
}

func minutes(n int) string { return strconv.Itoa(n) + " min read" }

// joinDots puts a separator between the parts of a byline.
func joinDots(parts []app.UI) []app.UI {
	out := make([]app.UI, 0, 2*len(parts))
	for i, p := range parts {
		if i > 0 {
			out = append(out, app.Span().Class("sep").Aria("hidden", "true").Text(" · "))
		}
		out = append(out, p)
	}
	return out
}
