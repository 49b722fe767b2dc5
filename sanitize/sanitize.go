// Package sanitize turns untrusted article HTML into article.SafeHTML, with
// a report of what it removed, and untrusted text fields into plain text.
// It is the only producer of article.SafeHTML from input, and it compiles
// for js/wasm so that the preview sanitises exactly as the server does.
//
// HTML works in two steps. A pass over the tokens (golang.org/x/net/html)
// applies the allowlist in policy.go: it drops what is not allowed and
// writes the report, resolves URLs against the base, prefixes ids, adds
// loading="lazy" decoding="async" to images and rel="noopener noreferrer
// nofollow" target="_blank" to links that leave the site, and balances the
// tags. Then the one bluemonday policy, built from the same table, cleans
// that output again and is what the caller gets. Tests check that the
// second step changes nothing, so the report is complete.
//
// Policy, in short (policy.go has the table):
//   - Text structure is kept: paragraphs, headings, lists, quotes, code,
//     tables, figures, images, picture/source, links, phrasing elements
//     (tt is written as code), details/summary and plain
//     div/span/section-like wrappers, and MathML presentation markup
//     inside <math> when it parses back as written (math.go; else the
//     formula's text). Other elements lose their tags but keep their
//     text; script, style, template, noscript, object, svg, forms,
//     media, head and the like are dropped with their content.
//   - Embeds become facades (embed.go, facade.go): a provider's iframe,
//     embed, object, gist script, blockquote snippet, or its URL alone in
//     a paragraph, becomes <figure class="embed" data-provider
//     data-embed-src><a href=original>Provider: title</a></figure>, its
//     attributes recomputed from the provider table; any other iframe
//     becomes a link to its source. The report lists each (kind "embed").
//   - No style, no event handlers, no data-* attributes but the facade's;
//     class only as one language-* on pre and code and "embed" on a
//     facade; ids and #fragments normalised alike and prefixed with
//     "user-content-", so that in-page links keep working and an article
//     cannot clobber the page's ids or globals; <a name> stays as a
//     <span id>.
//   - URLs: http and https, plus mailto for links; relative URLs are
//     resolved against the base (kept relative without one); a
//     protocol-relative URL gets the base's scheme, or https. Every other
//     scheme, data: included, is refused.
//   - Links with a host get rel="noopener noreferrer nofollow" and
//     target="_blank" (the reader and the embed are not the article's
//     site); images get loading="lazy" decoding="async". These replace
//     any value in the input and are never reported as removals.
//   - Tags come out balanced and closed the way a browser would close them,
//     nested at most 256 deep; comments are dropped and reported.
package sanitize

import (
	"bytes"
	"cmp"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"folio/article"
)

// Removal is one kind of thing the sanitiser removed, with how often.
type Removal struct {
	Kind   string `json:"kind"`             // "element", "attribute", "url" or "embed"
	Name   string `json:"name"`             // "script", "onerror", "javascript:", "iframe"
	On     string `json:"on,omitempty"`     // element the attribute or URL was on, e.g. "img"
	As     string `json:"as,omitempty"`     // for an embed, what replaced it: "youtube facade", "link"
	Count  int    `json:"count"`            // how many times
	Sample string `json:"sample,omitempty"` // first offending fragment, plain text, at most 80 characters
}

// Report lists what the sanitiser removed: elements first, then
// attributes, then URLs, then embeds (what became a facade or a link); within a kind by count, most frequent first, then
// by name and element. An empty report means nothing was removed.
type Report []Removal

// Kinds of Removal.
const (
	KindElement   = "element"
	KindAttribute = "attribute"
	KindURL       = "url"
	KindEmbed     = "embed" // an iframe, provider snippet or bare link replaced by a facade or a link
)

// Names of removals that are not an element, attribute or scheme name.
const (
	NameComment    = "#comment" // an HTML comment, with what it held
	NameInvalidURL = "invalid"  // a URL that does not parse or points nowhere
)

// MaxSample is the length limit of Removal.Sample, in characters.
const MaxSample = 80

// maxDepth bounds the nesting of elements kept in the output; deeper
// elements lose their tags (not their text), as browsers stop nesting too.
const maxDepth = 256

// HTML sanitises an untrusted HTML fragment and reports what it removed.
// base, when not nil, is the address the fragment came from: relative URLs
// are resolved against it. Without a base, relative URLs stay relative.
// Sanitising the result again returns it unchanged with an empty report.
func HTML(raw string, base *url.URL) (article.SafeHTML, Report) {
	out, rep := clean(raw, base)
	return article.SafeHTML(policy.Sanitize(out)), rep
}

// openElement is an element on the stack of open elements.
type openElement struct {
	name string
	kept bool   // its start tag was written
	out  string // the name written, when it differs from name (tt is written as code)
	at   int    // for a kept element, the output's length before its start tag
}

// cleaner is the state of one tokenizer pass.
type cleaner struct {
	base   *url.URL
	raw    string // the input
	pos    int    // the offset in raw after the current token
	skipTo int    // tokens ending at or before this offset were consumed by a look ahead
	facade *Embed // the embed whose facade figure is being written
	// bareURLs is set on the second pass, over clean HTML: it turns a
	// provider URL alone in a paragraph or div into a facade.
	bareURLs bool
	math     *mathState
	out      bytes.Buffer
	rep      reporter
	stack    []openElement
	open     map[string]int // count of each name on stack
	kept     int            // count of kept elements on stack
	skip     dropped        // open elements whose content is dropped
	sample   *strings.Builder
}

// bareURLRe finds what may be a URL alone in a paragraph or div of the
// tokenizer pass's output: text that starts with a URL after a tag.
var bareURLRe = regexp.MustCompile(`>\s*(?:<a [^>]*>)?https?://`)

// clean is the tokenizer pass, and a second one over its output when that
// holds a URL that may be alone in a paragraph: a bare URL is recognised
// in clean HTML, so that what the first pass removes around it (a script,
// a comment) decides the same way on every pass.
func clean(raw string, base *url.URL) (string, Report) {
	out, rep := cleanPass(raw, base, false)
	if !bareURLRe.MatchString(out) {
		return out, rep
	}
	out, more := cleanPass(out, base, true)
	if len(more) == 0 {
		return out, rep
	}
	rep = append(rep, more...)
	sortReport(rep)
	return out, rep
}

// cleanPass is one tokenizer pass; bareURLs makes it the second.
func cleanPass(raw string, base *url.URL, bareURLs bool) (string, Report) {
	if !utf8.ValidString(raw) {
		raw = strings.ToValidUTF8(raw, "\uFFFD")
	}
	c := &cleaner{base: usableBase(base), raw: raw, bareURLs: bareURLs, open: map[string]int{}}
	c.out.Grow(len(raw))
	z := html.NewTokenizer(strings.NewReader(raw))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			c.partial(z.Raw())
			break
		}
		c.pos += len(z.Raw())
		if c.pos <= c.skipTo {
			continue
		}
		if c.skip.active() {
			c.skipping(z, tt)
			continue
		}
		switch tt {
		case html.TextToken:
			c.text(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			c.start(string(z.Raw()), z.Token(), tt)
		case html.EndTagToken:
			name, _ := z.TagName()
			c.end(string(name))
		case html.CommentToken:
			c.rep.add(KindElement, NameComment, "", string(z.Raw()))
		}
	}
	c.endSample()
	for len(c.stack) > 0 {
		c.pop()
	}
	return c.out.String(), c.rep.report()
}

// partial reports a start tag cut off by the end of the input, which is
// dropped (as a browser drops it).
func (c *cleaner) partial(raw []byte) {
	if len(raw) < 2 || raw[0] != '<' || !('a' <= raw[1]|0x20 && raw[1]|0x20 <= 'z') || c.skip.active() {
		return
	}
	name := strings.ToLower(strings.FieldsFunc(string(raw[1:]), func(r rune) bool {
		return r == '/' || r == '>' || unicode.IsSpace(r)
	})[0])
	c.rep.add(KindElement, name, "", string(raw))
}

// skipping handles a token inside an element whose content is dropped.
func (c *cleaner) skipping(z *html.Tokenizer, tt html.TokenType) {
	if c.sample != nil && c.sample.Len() < 4*MaxSample {
		c.sample.Write(z.Raw())
	}
	switch tt {
	case html.StartTagToken, html.SelfClosingTagToken:
		name, _ := z.TagName()
		if opensSkip(string(name), tt) {
			c.skip.push(string(name))
		}
	case html.EndTagToken:
		name, _ := z.TagName()
		c.skip.end(string(name))
		if !c.skip.active() {
			c.endSample()
		}
	}
}

// dropped tracks the open elements whose content is dropped.
type dropped struct {
	names []string
	open  map[string]int
}

func (d *dropped) active() bool { return len(d.names) > 0 }

func (d *dropped) push(name string) {
	if d.open == nil {
		d.open = map[string]int{}
	}
	d.names = append(d.names, name)
	d.open[name]++
}

// end closes the innermost open element of that name and all inside it;
// it ignores an end tag with no open element of its name.
func (d *dropped) end(name string) {
	if d.open[name] == 0 {
		return
	}
	for {
		n := d.names[len(d.names)-1]
		d.names = d.names[:len(d.names)-1]
		d.open[n]--
		if n == name {
			return
		}
	}
}

// opensSkip reports whether a start tag opens an element whose content is
// dropped. A self-closing <svg/> is empty, as in a browser; a
// self-closing <script/> is not.
func opensSkip(name string, tt html.TokenType) bool {
	if !skipContent[name] {
		return false
	}
	return tt != html.SelfClosingTagToken || name != "svg"
}

func (c *cleaner) endSample() {
	if c.sample != nil {
		c.rep.setSample(c.sample.String())
		c.sample = nil
	}
}

// start handles a start tag outside dropped content.
func (c *cleaner) start(raw string, tok html.Token, tt html.TokenType) {
	name := tok.Data
	if c.embed(raw, tok, tt) {
		return
	}
	rule, ok := elements[name]
	switch {
	case c.math != nil:
		// Inside a formula only MathML of the table, and no second <math>.
		rule, ok = mathElements[name]
		ok = ok && name != "math"
	case name == "math":
		rule, ok = mathElements[name]
	case name == "tt":
		rule, ok = elements["code"], true
	}
	if !ok {
		first := c.rep.add(KindElement, name, "", raw)
		switch {
		case opensSkip(name, tt):
			c.skip.push(name)
			if first {
				c.sample = &strings.Builder{}
				c.sample.WriteString(raw)
			}
		case !voidElements[name] && len(c.stack) < maxDepth:
			c.push(name, false)
		}
		return
	}
	if !rule.void && c.kept >= maxDepth {
		c.rep.add(KindElement, name, "", raw)
		return
	}
	before := c.rep.n
	var facade []html.Attribute
	if name == "figure" {
		facade, tok.Attr = c.facadeAttrs(tok.Attr)
	}
	if name == "a" && !slices.ContainsFunc(tok.Attr, func(a html.Attribute) bool { return a.Key == "href" }) {
		// A named anchor (<a name=x>, <a id=x>) is a link target: it
		// stays as a span with the id, so that #x links keep working.
		if id := anchorID(tok.Attr); id != "" && c.kept < maxDepth {
			c.closeImplied("a")
			c.out.WriteString(html.Token{Type: html.StartTagToken, Data: "span", Attr: []html.Attribute{{Key: "id", Val: id}}}.String())
			c.push(name, true)
			c.stack[len(c.stack)-1].out = "span"
			return
		}
	}
	attrs := c.attrs(name, rule, tok.Attr)
	if rule.needs != nil && !slices.ContainsFunc(attrs, func(a html.Attribute) bool { return slices.Contains(rule.needs, a.Key) }) {
		if c.rep.n == before {
			// Nothing else explains why the element went: <a> without href.
			c.rep.add(KindElement, name, "", raw)
		}
		if !rule.void {
			c.push(name, false)
		}
		return
	}
	c.closeImplied(name)
	switch name {
	case "a":
		if external(attrs) {
			attrs = append(attrs, html.Attribute{Key: "rel", Val: relExternal}, html.Attribute{Key: "target", Val: targetBlank})
		}
	case "img":
		attrs = append(attrs, html.Attribute{Key: "loading", Val: loadingLazy}, html.Attribute{Key: "decoding", Val: decodeAsync})
	case "figure":
		attrs = append(facade, attrs...)
	case "math":
		c.beginMath(attrs)
	default:
		if c.math != nil {
			c.mathChild()
		}
	}
	out := name
	if name == "tt" {
		out = "code" // teletype text: code keeps its monospace meaning
	}
	at := c.out.Len()
	c.out.WriteString(html.Token{Type: html.StartTagToken, Data: out, Attr: attrs}.String())
	if !rule.void {
		c.push(name, true)
		c.stack[len(c.stack)-1].at = at
		if out != name {
			c.stack[len(c.stack)-1].out = out
		}
		if tt == html.SelfClosingTagToken && c.math != nil {
			c.pop() // in foreign content <mi/> is an empty element
		}
	}
}

// Implied end tags, as a browser's parser closes them: a start tag of the
// key closes the innermost open element named in closes, unless one of
// stops is open inside it.
var implied = map[string]struct{ closes, stops []string }{
	"li":    {[]string{"li"}, []string{"ul", "ol", "dl", "table", "td", "th", "caption", "blockquote", "figure", "details"}},
	"dt":    {[]string{"dt", "dd"}, []string{"dl", "ul", "ol", "table", "td", "th", "caption", "blockquote", "figure", "details"}},
	"dd":    {[]string{"dt", "dd"}, []string{"dl", "ul", "ol", "table", "td", "th", "caption", "blockquote", "figure", "details"}},
	"td":    {[]string{"td", "th"}, []string{"tr", "table"}},
	"th":    {[]string{"td", "th"}, []string{"tr", "table"}},
	"tr":    {[]string{"tr"}, []string{"table", "thead", "tbody", "tfoot"}},
	"thead": {[]string{"thead", "tbody", "tfoot"}, []string{"table"}},
	"tbody": {[]string{"thead", "tbody", "tfoot"}, []string{"table"}},
	"tfoot": {[]string{"thead", "tbody", "tfoot"}, []string{"table"}},
	"a":     {[]string{"a"}, []string{"table", "td", "th", "caption"}},
}

// closesP lists the allowed elements whose start tag closes an open <p>.
var closesP = map[string]bool{
	"article": true, "aside": true, "blockquote": true, "details": true, "div": true, "dl": true,
	"figcaption": true, "figure": true, "footer": true, "header": true, "ol": true, "p": true,
	"section": true, "summary": true, "ul": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "pre": true, "li": true, "dd": true, "dt": true, "table": true, "hr": true,
}

var headings = []string{"h1", "h2", "h3", "h4", "h5", "h6"}

// closeImplied closes what a browser closes before an element starts, so
// that the output parses into the tree it describes.
func (c *cleaner) closeImplied(name string) {
	if closesP[name] {
		c.closeIn([]string{"p"}, []string{"table", "td", "th", "caption"})
	}
	if r, ok := implied[name]; ok {
		c.closeIn(r.closes, r.stops)
	}
	if slices.Contains(headings, name) {
		for i := len(c.stack) - 1; i >= 0; i-- {
			if c.stack[i].kept {
				if slices.Contains(headings, c.stack[i].name) {
					c.closeTo(i)
				}
				break
			}
		}
	}
}

// closeIn closes the innermost kept element named in names and everything
// inside it, unless an element named in stops is open inside it.
func (c *cleaner) closeIn(names, stops []string) {
	for i := len(c.stack) - 1; i >= 0; i-- {
		e := c.stack[i]
		switch {
		case !e.kept:
		case slices.Contains(names, e.name):
			c.closeTo(i)
			return
		case slices.Contains(stops, e.name):
			return
		}
	}
}

// closeTo pops the stack down to, and including, index i.
func (c *cleaner) closeTo(i int) {
	for len(c.stack) > i {
		c.pop()
	}
}

// external reports whether a link's href leaves the site: it has a host.
func external(attrs []html.Attribute) bool {
	for _, a := range attrs {
		if a.Key == "href" {
			u, err := url.Parse(a.Val)
			return err == nil && u.Host != ""
		}
	}
	return false
}

func (c *cleaner) push(name string, kept bool) {
	c.stack = append(c.stack, openElement{name: name, kept: kept, at: -1})
	c.open[name]++
	if kept {
		c.kept++
	}
}

// pop closes the innermost open element.
func (c *cleaner) pop() {
	e := c.stack[len(c.stack)-1]
	c.stack = c.stack[:len(c.stack)-1]
	c.open[e.name]--
	if e.kept {
		c.kept--
		name := e.name
		if e.out != "" {
			name = e.out
		}
		c.out.WriteString("</" + name + ">")
		if e.name == "math" && c.math != nil {
			c.endMath()
		}
	}
}

// end handles an end tag outside dropped content. An end tag with no open
// element of its name is dropped. Closing a kept element closes every
// element opened inside it; closing a removed one only forgets it.
func (c *cleaner) end(name string) {
	if c.open[name] == 0 {
		return
	}
	i := len(c.stack) - 1
	for c.stack[i].name != name {
		i--
	}
	if !c.stack[i].kept {
		c.stack = slices.Delete(c.stack, i, i+1)
		c.open[name]--
		return
	}
	c.closeTo(i)
}

// attrs returns the allowed attributes of an allowed element, cleaned, and
// reports the others.
func (c *cleaner) attrs(el string, rule elemRule, in []html.Attribute) []html.Attribute {
	out := make([]html.Attribute, 0, len(in)+2)
	for _, a := range in {
		if el == "math" && (a.Key == "xmlns" || strings.HasPrefix(a.Key, "xmlns:")) {
			continue // a namespace declaration means nothing in HTML
		}
		r, ok := rule.attrs[a.Key]
		if !ok {
			r, ok = globalAttrs[a.Key]
		}
		if !ok {
			c.rep.add(KindAttribute, a.Key, el, attrSample(a))
			continue
		}
		v, keep := c.value(el, a, r)
		if keep {
			out = append(out, html.Attribute{Key: a.Key, Val: v})
		}
	}
	return out
}

// value checks one allowed attribute's value and returns it as written,
// or keep=false (and reports it) when it goes.
func (c *cleaner) value(el string, a html.Attribute, r attrRule) (v string, keep bool) {
	switch r.kind {
	case attrPolicy:
		return "", false // replaced by the policy's own value, not reported
	case attrText:
		return cleanControls(a.Val), true
	case attrMatch:
		v = r.norm(a.Val)
		if r.re.MatchString(v) {
			return v, true
		}
	case attrID:
		if v, ok := cleanID(a.Val); ok {
			return v, true
		}
	case attrClass:
		for f := range strings.FieldsSeq(a.Val) {
			if classRe.MatchString(f) {
				return f, true
			}
		}
	case attrHref, attrSrc, attrCite:
		if v, ok := cleanURL(a.Val, r.kind, c.base); ok {
			return v, true
		}
		c.rep.add(KindURL, urlSchemeName(a.Val), el, attrSample(a))
		return "", false
	case attrSrcset:
		return c.srcset(el, a)
	}
	c.rep.add(KindAttribute, a.Key, el, attrSample(a))
	return "", false
}

// srcset cleans each image candidate of a srcset, dropping and reporting
// the bad ones.
func (c *cleaner) srcset(el string, a html.Attribute) (string, bool) {
	var b strings.Builder
	cands := article.SplitSrcset(a.Val)
	if len(cands) == 0 {
		c.rep.add(KindAttribute, a.Key, el, attrSample(a))
		return "", false
	}
	for _, cand := range cands {
		u, ok := cleanURL(cand.URL, attrSrc, c.base)
		if !ok || strings.HasSuffix(u, ",") {
			c.rep.add(KindURL, urlSchemeName(cand.URL), el, a.Key+"="+cand.URL)
			continue
		}
		desc := strings.ToLower(cand.Desc)
		if desc != "" && !descRe.MatchString(desc) {
			c.rep.add(KindURL, NameInvalidURL, el, a.Key+"="+cand.URL+" "+cand.Desc)
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(u)
		if desc != "" {
			b.WriteString(" " + desc)
		}
	}
	return b.String(), b.Len() > 0
}

func attrSample(a html.Attribute) string {
	return a.Key + `="` + a.Val + `"`
}

// writeText writes text escaped, without control characters.
func writeText(b *bytes.Buffer, text []byte) {
	b.WriteString(html.EscapeString(cleanControls(string(text))))
}

// isControl reports whether r is a control character other than tab and
// newline, or a noncharacter.
func isControl(r rune) bool {
	return (r < ' ' && r != '\t' && r != '\n') || (r >= 0x7f && r <= 0x9f) || r == 0xfffe || r == 0xffff
}

// cleanControls drops control characters (but tab and newline) and turns a
// carriage return into a newline.
func cleanControls(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case isControl(r):
			return -1
		}
		return r
	}, s)
}

// reporter collects removals.
type reporter struct {
	byKey map[[4]string]*Removal
	list  []*Removal
	last  *Removal // the removal whose sample is being collected
	n     int      // removals counted so far
}

// add counts one removal and reports whether it is the first of its kind.
func (r *reporter) add(kind, name, on, sample string) bool {
	return r.addAs(kind, name, on, "", sample)
}

// addAs counts one removal that was replaced by as (an embed that became
// a facade or a link).
func (r *reporter) addAs(kind, name, on, as, sample string) bool {
	r.n++
	name = clip(strings.Map(visible, name), 40)
	key := [4]string{kind, name, on, as}
	if rm, ok := r.byKey[key]; ok {
		rm.Count++
		r.last = nil
		return false
	}
	if r.byKey == nil {
		r.byKey = map[[4]string]*Removal{}
	}
	rm := &Removal{Kind: kind, Name: name, On: on, As: as, Count: 1, Sample: clip(sample, MaxSample)}
	r.byKey[key] = rm
	r.list = append(r.list, rm)
	r.last = rm
	return true
}

// setSample replaces the sample of the removal just added.
func (r *reporter) setSample(s string) {
	if r.last != nil {
		r.last.Sample = clip(s, MaxSample)
	}
}

var kindOrder = map[string]int{KindElement: 0, KindAttribute: 1, KindURL: 2, KindEmbed: 3}

func (r *reporter) report() Report {
	if len(r.list) == 0 {
		return nil
	}
	rep := make(Report, len(r.list))
	for i, rm := range r.list {
		rep[i] = *rm
	}
	sortReport(rep)
	return rep
}

// sortReport puts a report in its order: by kind, most frequent first,
// then by name, element and replacement.
func sortReport(rep Report) {
	slices.SortFunc(rep, func(a, b Removal) int {
		return cmp.Or(
			cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]),
			cmp.Compare(b.Count, a.Count),
			strings.Compare(a.Name, b.Name),
			strings.Compare(a.On, b.On),
			strings.Compare(a.As, b.As),
		)
	})
}

// visible replaces control characters and white space in a name with
// U+FFFD, so that the name stays visible and on one line.
func visible(r rune) rune {
	if isControl(r) || unicode.IsSpace(r) {
		return '\uFFFD'
	}
	return r
}

// clip makes s one line of plain text of at most n characters.
func clip(s string, n int) string {
	s = strings.Join(strings.FieldsFunc(cleanControls(s), unicode.IsSpace), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}
