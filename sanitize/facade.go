package sanitize

import (
	"bytes"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// The cleaner's handling of embeds (embed.go has the provider table): it
// recognises an embed where it starts (an iframe, embed, object or gist
// script; a provider's blockquote or CodePen paragraph; a paragraph or div
// holding nothing but a provider URL; a facade written by an earlier pass)
// and writes the facade in its place, reporting what it replaced.

// maxTitle bounds the text a facade takes from its source, in characters.
const maxTitle = 300

// peeker reads the tokens after the cleaner's current one without moving
// the cleaner, and knows the input offset it has reached.
type peeker struct {
	z   *html.Tokenizer
	pos int
}

func (c *cleaner) peek() *peeker {
	return &peeker{z: html.NewTokenizer(strings.NewReader(c.raw[c.pos:])), pos: c.pos}
}

func (p *peeker) next() (html.TokenType, html.Token) {
	tt := p.z.Next()
	if tt == html.ErrorToken {
		return tt, html.Token{}
	}
	p.pos += len(p.z.Raw())
	return tt, p.z.Token()
}

// nextNonSpace skips text tokens that are only white space.
func (p *peeker) nextNonSpace() (html.TokenType, html.Token) {
	for {
		tt, tok := p.next()
		if tt != html.TextToken || strings.TrimSpace(tok.Data) != "" {
			return tt, tok
		}
	}
}

func attrVal(attrs []html.Attribute, key string) (string, bool) {
	for _, a := range attrs {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// embed recognises an embed that starts at this tag, writes its facade
// (or, for an unknown iframe, a link to it) and reports it. It returns
// false, changing nothing, when the tag starts no embed.
func (c *cleaner) embed(raw string, tok html.Token, tt html.TokenType) bool {
	switch tok.Data {
	case "iframe", "embed", "object", "script":
		return c.embedElement(raw, tok, tt)
	case "blockquote", "p", "div":
		if tt == html.SelfClosingTagToken {
			return false
		}
		return c.embedBlock(raw, tok)
	}
	return false
}

// sources lists the attributes that may hold an embedded element's URL,
// lazy-loading ones included.
var sources = map[string][]string{
	"iframe": {"src", "data-src", "data-lazy-src", "data-url"},
	"embed":  {"src"},
	"object": {"data"},
	"script": {"src"},
}

func (c *cleaner) embedElement(raw string, tok html.Token, tt html.TokenType) bool {
	if c.math != nil {
		return false
	}
	var fallback string
	for _, key := range sources[tok.Data] {
		v, ok := attrVal(tok.Attr, key)
		if !ok {
			continue
		}
		u, ok := cleanURL(v, attrHref, c.base)
		if !ok || !strings.HasPrefix(u, "http") {
			continue
		}
		if e, ok := MatchEmbed(u); ok {
			title, _ := attrVal(tok.Attr, "title")
			c.rep.addAs(KindEmbed, tok.Data, "", e.Provider.Name+" facade", raw)
			c.writeFacade(e, title)
			c.skipElement(tok.Data, tt)
			return true
		}
		if fallback == "" {
			fallback = u
		}
	}
	if tok.Data != "iframe" || fallback == "" {
		return false
	}
	title, _ := attrVal(tok.Attr, "title")
	c.rep.addAs(KindEmbed, tok.Data, "", "link", raw)
	c.writeLinkFigure(fallback, embeddedText(title, fallback))
	c.skipElement(tok.Data, tt)
	return true
}

// skipElement drops the content of an embedded element just replaced.
func (c *cleaner) skipElement(name string, tt html.TokenType) {
	if tt != html.SelfClosingTagToken && !voidElements[name] {
		c.skip.push(name)
	}
}

// embedBlock recognises a provider's blockquote (a tweet, an Instagram or
// TikTok post…), CodePen's paragraph, or a paragraph or div that holds
// only a provider's URL, as bare text or as a link whose text is the URL.
func (c *cleaner) embedBlock(raw string, tok html.Token) bool {
	if c.math != nil {
		return false
	}
	if !c.bareURLs {
		class, _ := attrVal(tok.Attr, "class")
		if p := providerByClass(class); p != nil && (tok.Data == "blockquote" || p.Name == "codepen") {
			return c.providerSnippet(raw, tok, p)
		}
		return false
	}
	if tok.Data == "blockquote" {
		return false
	}
	pk := c.peek()
	tt, t := pk.nextNonSpace()
	var u, name string
	switch {
	case tt == html.TextToken:
		u, name = strings.TrimSpace(t.Data), "url"
	case tt == html.StartTagToken && t.Data == "a":
		href, _ := attrVal(t.Attr, "href")
		tt2, text := pk.next()
		if tt2 != html.TextToken || !sameURL(text.Data, href) {
			return false
		}
		if tt3, end := pk.next(); tt3 != html.EndTagToken || end.Data != "a" {
			return false
		}
		u, name = strings.TrimSpace(href), "link"
	default:
		return false
	}
	if strings.ContainsFunc(u, unicode.IsSpace) {
		return false
	}
	switch tt, end := pk.nextNonSpace(); {
	case tt == html.EndTagToken && end.Data == tok.Data:
	case tt == html.ErrorToken:
	default:
		return false
	}
	clean, ok := cleanURL(u, attrHref, c.base)
	if !ok {
		return false
	}
	e, ok := MatchEmbed(clean)
	if !ok {
		return false
	}
	c.rep.addAs(KindEmbed, name, "", e.Provider.Name+" facade", raw+u)
	c.writeFacade(e, "")
	c.skipTo = pk.pos
	return true
}

// sameURL reports whether a link's text is its URL, as a bare URL that
// Markdown or a CMS turned into a link is.
func sameURL(text, href string) bool {
	text, href = strings.TrimSpace(text), strings.TrimSpace(href)
	if text == href {
		return true
	}
	for _, s := range []string{"https://", "http://"} {
		if h, ok := strings.CutPrefix(href, s); ok && (text == h || text == strings.TrimSuffix(h, "/")) {
			return true
		}
	}
	return false
}

// providerSnippet replaces a provider's embed snippet: the blockquote or
// paragraph their script turns into a frame. The post's URL comes from the
// snippet's own attribute (Instagram's data-instgrm-permalink, TikTok's
// cite, Bluesky's data-bluesky-uri, CodePen's data-user and
// data-slug-hash), else from its last link to the provider; its text is
// the facade's title. A snippet with no such URL is left to the usual rules.
func (c *cleaner) providerSnippet(raw string, tok html.Token, p *Provider) bool {
	var cands []string
	for _, key := range []string{"data-instgrm-permalink", "cite", "data-bluesky-uri"} {
		if v, ok := attrVal(tok.Attr, key); ok {
			if rest, ok := strings.CutPrefix(v, "at://"); ok {
				// at://did:plc:x/app.bsky.feed.post/rkey
				if did, rkey, ok := strings.Cut(rest, "/app.bsky.feed.post/"); ok {
					v = "https://bsky.app/profile/" + did + "/post/" + rkey
				}
			}
			cands = append(cands, v)
		}
	}
	if user, ok := attrVal(tok.Attr, "data-user"); ok {
		if hash, ok := attrVal(tok.Attr, "data-slug-hash"); ok {
			cands = append(cands, "https://codepen.io/"+user+"/pen/"+hash)
		}
	}
	// Read to the end of the snippet, collecting its text and links.
	pk := c.peek()
	var text strings.Builder
	var links []string
	depth := 1
	var skip dropped
	for depth > 0 {
		tt, t := pk.next()
		if tt == html.ErrorToken {
			break
		}
		if skip.active() {
			if tt == html.EndTagToken {
				skip.end(t.Data)
			} else if tt == html.StartTagToken && opensSkip(t.Data, tt) {
				skip.push(t.Data)
			}
			continue
		}
		switch tt {
		case html.TextToken:
			text.WriteString(t.Data)
		case html.StartTagToken, html.SelfClosingTagToken:
			if opensSkip(t.Data, tt) {
				skip.push(t.Data)
				continue
			}
			if t.Data == tok.Data && tt == html.StartTagToken {
				depth++
			}
			if t.Data == "a" {
				if h, ok := attrVal(t.Attr, "href"); ok {
					links = append(links, h)
				}
			}
			if !inline[t.Data] {
				text.WriteByte(' ')
			}
		case html.EndTagToken:
			if t.Data == tok.Data {
				depth--
			}
			if !inline[t.Data] {
				text.WriteByte(' ')
			}
		}
	}
	for i := len(links) - 1; i >= 0; i-- {
		cands = append(cands, links[i])
	}
	for _, v := range cands {
		u, ok := cleanURL(v, attrHref, c.base)
		if !ok {
			continue
		}
		if e, ok := MatchEmbed(u); ok && e.Provider == p {
			c.rep.addAs(KindEmbed, tok.Data, "", p.Name+" facade", raw)
			c.writeFacade(e, text.String())
			c.skipTo = pk.pos
			return true
		}
	}
	return false
}

// facadeLabel is the text of a facade's link: the provider and the title,
// or the link itself when there is no title.
func facadeLabel(e Embed, title string) string {
	title = clip(cleanControls(title), maxTitle)
	if title == "" {
		title = displayURL(e.Link)
	}
	return e.Provider.Label + ": " + title
}

// embeddedText is the text of the link that replaces an unknown iframe.
func embeddedText(title, u string) string {
	title = clip(cleanControls(title), maxTitle)
	if title == "" {
		return "Embedded content: " + displayURL(u)
	}
	return "Embedded content: " + title
}

// displayURL is a URL as a reader reads it: without the scheme, clipped.
func displayURL(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	return clip(u, 80)
}

// dropEmptyParagraph forgets the innermost open element when it is a <p>
// with nothing written in it yet, so that a facade replacing the only
// content of a paragraph does not leave an empty one before it.
func (c *cleaner) dropEmptyParagraph() {
	if len(c.stack) == 0 {
		return
	}
	e := &c.stack[len(c.stack)-1]
	if !e.kept || e.name != "p" || e.at < 0 {
		return
	}
	if end := bytes.IndexByte(c.out.Bytes()[e.at:], '>'); end < 0 || e.at+end+1 != c.out.Len() {
		return
	}
	c.out.Truncate(e.at)
	e.kept, e.at = false, -1
	c.kept--
}

// writeFacade writes the facade of an embed through the usual start and
// end handling, so that it closes and nests exactly as the same markup in
// the input would.
func (c *cleaner) writeFacade(e Embed, title string) {
	c.facade = &e
	defer func() { c.facade = nil }()
	c.writeLinkFigure(e.Link, facadeLabel(e, title))
}

// writeLinkFigure writes <figure class="embed"><a href=u>text</a></figure>
// (with the facade's attributes when c.facade is set). Too deep for a
// figure, it writes the link alone, or the text.
func (c *cleaner) writeLinkFigure(u, text string) {
	c.closeImplied("a")
	c.dropEmptyParagraph()
	if c.kept >= maxDepth-1 {
		c.text([]byte(text))
		return
	}
	if c.facade == nil {
		c.facade = &Embed{Link: u}
		defer func() { c.facade = nil }()
	}
	c.start("", html.Token{Type: html.StartTagToken, Data: "figure"}, html.StartTagToken)
	c.start("", html.Token{Type: html.StartTagToken, Data: "a", Attr: []html.Attribute{{Key: "href", Val: u}}}, html.StartTagToken)
	c.text([]byte(text))
	c.end("a")
	c.end("figure")
}

// facadeAttrs splits a figure's facade attributes (class, data-provider,
// data-embed-src) from its others. It returns the facade attributes the
// table gives for the figure's link, and reports those of the input that
// differ: a facade is recognised by its link, never by what it claims.
func (c *cleaner) facadeAttrs(in []html.Attribute) (facade, rest []html.Attribute) {
	e := c.facade
	if e == nil {
		class, _ := attrVal(in, "class")
		e = c.figureLink(class == "embed")
	}
	if e != nil {
		facade = append(facade, html.Attribute{Key: "class", Val: "embed"})
		if e.Provider != nil {
			facade = append(facade, html.Attribute{Key: "data-provider", Val: e.Provider.Name})
			if e.Src != "" {
				facade = append(facade, html.Attribute{Key: "data-embed-src", Val: e.Src})
			}
		}
	}
	for _, a := range in {
		switch a.Key {
		case "class", "data-provider", "data-embed-src":
			if v, ok := attrVal(facade, a.Key); !ok || v != a.Val {
				c.rep.add(KindAttribute, a.Key, "figure", attrSample(a))
			}
		default:
			rest = append(rest, a)
		}
	}
	return facade, rest
}

// figureLink looks at an input figure that says it is an embed
// (class="embed", as facades are written) and whose first child is a link:
// when the link is a provider's, it returns the embed the link names, else
// an embed of no provider (the link that replaced an unknown iframe). A
// figure that is not an embed gives nil.
func (c *cleaner) figureLink(classEmbed bool) *Embed {
	if !classEmbed {
		return nil
	}
	pk := c.peek()
	tt, t := pk.nextNonSpace()
	if tt != html.StartTagToken || t.Data != "a" {
		return nil
	}
	href, _ := attrVal(t.Attr, "href")
	u, ok := cleanURL(href, attrHref, c.base)
	if !ok {
		return nil
	}
	if e, ok := MatchEmbed(u); ok {
		return &e
	}
	if strings.HasPrefix(u, "http") {
		return &Embed{Link: u}
	}
	return nil
}
