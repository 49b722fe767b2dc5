package importer

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"folio/article"
	"folio/sanitize"
)

// newReadability returns the extractor HTMLPage uses: readability, told to
// keep every iframe, embed and object that has a URL (the sanitiser makes a
// facade or a link of each, where readability would drop all but a few
// video sites) and the class names of the providers' embed snippets (a
// tweet's blockquote), which the sanitiser recognises them by.
func newReadability() *readability.Parser {
	p := readability.NewParser()
	p.AllowedVideoRegex = embedURLRe
	for _, pr := range sanitize.Providers {
		p.ClassesToPreserve = append(p.ClassesToPreserve, pr.Classes...)
	}
	return &p
}

// embedURLRe matches an attribute value that is a URL.
var embedURLRe = regexp.MustCompile(`(?i)^\s*(?:https?:)?//`)

// keepGists replaces each script that embeds a provider's content (a
// GitHub gist) with a paragraph holding a link to it: readability drops
// scripts, and the sanitiser makes a facade of a link alone in a paragraph.
func keepGists(doc *html.Node) {
	var scripts []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Script {
			scripts = append(scripts, n)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, s := range scripts {
		e, ok := sanitize.MatchEmbed(attr(s, "src"))
		if !ok || s.Parent == nil {
			continue
		}
		a := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A, Attr: []html.Attribute{{Key: "href", Val: e.Link}}}
		a.AppendChild(&html.Node{Type: html.TextNode, Data: e.Link})
		p := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
		p.AppendChild(a)
		s.Parent.InsertBefore(p, s)
		s.Parent.RemoveChild(s)
	}
}

// ldMeta is what a page's JSON-LD says about its article.
type ldMeta struct {
	author, headline, publisher, description string
	published, modified                      string    // datePublished (or dateCreated), dateModified
	images                                   []ldImage // the article's image values
}

// ldImage is an image the JSON-LD names: its URL, and its width and height
// as written (an ImageObject's), if any.
type ldImage struct {
	url, width, height string
}

// articleTypes are the schema.org types whose author is the article's.
var articleTypes = map[string]bool{
	"article": true, "newsarticle": true, "blogposting": true, "reportagenewsarticle": true,
	"analysisnewsarticle": true, "opinionnewsarticle": true, "reviewnewsarticle": true,
	"backgroundnewsarticle": true, "techarticle": true, "scholarlyarticle": true, "socialmediaposting": true,
	"liveblogposting": true, "webpage": true, "report": true, "creativework": true, "posting": true,
}

// jsonLD reads the page's JSON-LD scripts: the author names, headline and
// publisher of the first article-like object (in @graph lists too).
func jsonLD(doc *html.Node) ldMeta {
	var out ldMeta
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if out.author != "" && out.headline != "" {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Script {
			if strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json") && n.FirstChild != nil {
				var v any
				text := strings.TrimSpace(n.FirstChild.Data)
				for _, w := range [][2]string{{"<![CDATA[", "]]>"}, {"<!--", "-->"}} {
					if t, ok := strings.CutPrefix(text, w[0]); ok {
						text = strings.TrimSuffix(strings.TrimSpace(t), w[1])
					}
				}
				if json.Unmarshal([]byte(text), &v) == nil {
					ldWalk(v, &out, 0)
				}
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func ldWalk(v any, out *ldMeta, depth int) {
	if depth > 6 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			ldWalk(e, out, depth+1)
		}
	case map[string]any:
		if g, ok := x["@graph"]; ok {
			ldWalk(g, out, depth+1)
		}
		if !ldIsArticle(x["@type"]) {
			return
		}
		if out.author == "" {
			out.author = ldNames(x["author"], 0)
		}
		if out.headline == "" {
			if h, ok := x["headline"].(string); ok {
				out.headline = strings.TrimSpace(h)
			}
		}
		if out.published == "" {
			out.published = firstOf(ldString(x["datePublished"]), ldString(x["dateCreated"]))
		}
		if out.modified == "" {
			out.modified = ldString(x["dateModified"])
		}
		if out.description == "" {
			if d, ok := x["description"].(string); ok {
				out.description = strings.TrimSpace(d)
			}
		}
		if out.images == nil {
			out.images = ldImages(x["image"], 0)
		}
		if out.publisher == "" {
			if p, ok := x["publisher"].(map[string]any); ok {
				if n, ok := p["name"].(string); ok {
					out.publisher = strings.TrimSpace(n)
				}
			}
		}
	}
}

// ldString is a JSON-LD string value, trimmed, or "".
func ldString(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

// ldImages returns the images of a JSON-LD image value: a URL, an
// ImageObject (url or contentUrl, width, height) or a list of them.
func ldImages(v any, depth int) []ldImage {
	if depth > 2 {
		return nil
	}
	switch x := v.(type) {
	case string:
		return []ldImage{{url: x}}
	case []any:
		var out []ldImage
		for _, e := range x {
			out = append(out, ldImages(e, depth+1)...)
		}
		return out
	case map[string]any:
		u, _ := x["url"].(string)
		if u == "" {
			u, _ = x["contentUrl"].(string)
		}
		if u == "" {
			return nil
		}
		return []ldImage{{url: u, width: ldDimension(x["width"]), height: ldDimension(x["height"])}}
	}
	return nil
}

// ldDimension returns a JSON-LD width or height as text: a number, a
// string, or a QuantitativeValue's value.
func ldDimension(v any) string {
	switch x := v.(type) {
	case float64:
		if x != float64(int(x)) {
			return ""
		}
		return strconv.Itoa(int(x))
	case string:
		return x
	case map[string]any:
		return ldDimension(x["value"])
	}
	return ""
}

func ldIsArticle(t any) bool {
	switch x := t.(type) {
	case string:
		return articleTypes[strings.ToLower(x)]
	case []any:
		for _, e := range x {
			if ldIsArticle(e) {
				return true
			}
		}
	}
	return false
}

// ldNames returns the names of a JSON-LD author value (a name, a Person or
// Organization, or a list of them), joined with ", ".
func ldNames(v any, depth int) string {
	if depth > 3 {
		return ""
	}
	switch x := v.(type) {
	case string:
		if strings.Contains(x, "://") {
			return ""
		}
		return strings.TrimSpace(x)
	case map[string]any:
		return ldNames(x["name"], depth+1)
	case []any:
		var out []string
		for _, e := range x {
			if n := ldNames(e, depth+1); n != "" && !containsFold(out, n) {
				out = append(out, n)
			}
		}
		return strings.Join(out, ", ")
	}
	return ""
}

func containsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(l, s) {
			return true
		}
	}
	return false
}

// names joins the values of article:author that are names, not URLs.
func names(vals []string) string {
	var out []string
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if v != "" && !strings.Contains(v, "://") && !containsFold(out, v) {
			out = append(out, v)
		}
	}
	return strings.Join(out, ", ")
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// bylineRe matches the class or id of a page's byline element, as
// readability's does.
var bylineRe = regexp.MustCompile(`(?i)\bbyline\b|\bauthor\b|\bwritten-?by\b|\bp-author\b`)

// bylineElement returns the author named by the page's byline: the first
// link with rel=author, else the first element whose itemprop names the
// author, else the first short element whose class or id says byline or
// author; without a leading "By".
func bylineElement(doc *html.Node) string {
	var rel, prop, class string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Head, atom.Nav, atom.Footer, atom.Aside, atom.Svg, atom.Math, atom.Noscript:
			return
		}
		text := func() string { return strings.Join(strings.Fields(textContent(n)), " ") }
		if rel == "" && n.DataAtom == atom.A && hasToken(attr(n, "rel"), "author") {
			rel = text()
		}
		if prop == "" && hasToken(attr(n, "itemprop"), "author") {
			if v := itempropName(n); v != "" {
				prop = v
			} else {
				prop = text()
			}
		}
		if class == "" && bylineRe.MatchString(attr(n, "class")+" "+attr(n, "id")) {
			if t := text(); t != "" && len([]rune(t)) < 100 {
				class = t
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, v := range []string{prop, rel, class} {
		if v = cleanByline(v); v != "" {
			return v
		}
	}
	return ""
}

// itempropName returns the text of an itemprop="name" inside n, or "".
func itempropName(n *html.Node) string {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if hasToken(attr(c, "itemprop"), "name") {
			if v := attr(c, "content"); v != "" {
				return strings.TrimSpace(v)
			}
			return strings.Join(strings.Fields(textContent(c)), " ")
		}
		if v := itempropName(c); v != "" {
			return v
		}
	}
	return ""
}

func hasToken(list, tok string) bool {
	for f := range strings.FieldsSeq(strings.ToLower(list)) {
		if f == tok {
			return true
		}
	}
	return false
}

// byPrefixRe matches the "By " (or "Written by ", "Author: ") of a byline.
var byPrefixRe = regexp.MustCompile(`(?i)^(?:(?:written|posted|words)\s+)?(?:by|author:?|von|par|por|di)\s+`)

// cleanByline turns a byline's text into names: "By Jane Doe" gives
// "Jane Doe". Text that does not read as a name or two (too long, or with
// sentence punctuation) gives "".
func cleanByline(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = byPrefixRe.ReplaceAllString(s, "")
	s = strings.Trim(s, " ,|·-–—:")
	if s == "" || len([]rune(s)) > 100 || strings.ContainsAny(s, ".!?") && len(strings.Fields(s)) > 6 {
		return ""
	}
	return s
}

// langDir returns the lang and dir of the article's text: those of the
// nearest element around it in the page that declares them. The text is
// found by the longest paragraph of readability's content.
func langDir(doc, content *html.Node) (lang, dir string) {
	key := longestParagraph(content)
	var at *html.Node
	if key != "" {
		at = findText(doc, key)
	}
	if at == nil {
		at = findElement(doc, atom.Body)
	}
	for n := at; n != nil; n = n.Parent {
		if n.Type != html.ElementNode {
			continue
		}
		if lang == "" {
			if v := strings.TrimSpace(attr(n, "lang")); validLang(v) {
				lang = v
			}
		}
		if dir == "" {
			switch v := strings.ToLower(strings.TrimSpace(attr(n, "dir"))); v {
			case "ltr", "rtl":
				dir = v
			}
		}
	}
	return lang, dir
}

// longestParagraph returns the first 80 characters of the longest <p>
// text of n, white space collapsed.
func longestParagraph(n *html.Node) string {
	best := ""
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.P {
			if t := strings.Join(strings.Fields(textContent(n)), " "); len(t) > len(best) {
				best = t
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	if r := []rune(best); len(r) > 80 {
		best = string(r[:80])
	}
	return best
}

// findText returns the innermost element of doc whose text, white space
// collapsed, starts with key, or nil.
func findText(doc *html.Node, key string) *html.Node {
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != nil || n.Type != html.ElementNode && n.Type != html.DocumentNode {
			return
		}
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Head, atom.Template:
			return
		}
		if n.DataAtom == atom.P || n.DataAtom == atom.Div || n.DataAtom == atom.Td || n.DataAtom == atom.Li {
			if strings.HasPrefix(strings.Join(strings.Fields(textContent(n)), " "), key) {
				found = n
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if f := findText(c, key); f != nil {
						found = f
					}
				}
				return
			}
		}
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}

func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findElement(c, a); f != nil {
			return f
		}
	}
	return nil
}

// titleSeps are the separators between a title and the site's name.
var titleSeps = []string{" | ", " - ", " – ", " — ", " · ", " :: ", " » ", " / ", " : "}

// withoutSite removes the site's name from a title that carries it, as a
// suffix ("Title - Site") or a prefix ("Site | Title"). The name is the
// site's (og:site_name…) or the distinctive part of its host name. A title
// that would be left shorter than two words is kept whole.
func withoutSite(title, site, pageURL string) string {
	title = strings.Join(strings.Fields(title), " ")
	names := []string{site}
	if host := hostName(pageURL); host != "" {
		names = append(names, host)
	}
	if i := strings.Index(title, ": "); i > 0 && siteLike(title[:i], names) && enoughTitle(title[i+2:]) {
		return title[i+2:] // "Site: Title"
	}
	for _, sep := range titleSeps {
		i := strings.LastIndex(title, sep)
		if i > 0 {
			head, tail := title[:i], title[i+len(sep):]
			if siteLike(tail, names) && enoughTitle(head) {
				return head
			}
		}
		if i := strings.Index(title, sep); i > 0 {
			head, tail := title[:i], title[i+len(sep):]
			if siteLike(head, names) && enoughTitle(tail) {
				return tail
			}
		}
	}
	return title
}

func enoughTitle(s string) bool { return len(strings.Fields(s)) >= 2 }

// siteLike reports whether s names the site: it equals one of the names,
// ignoring case, spaces and punctuation, or one contains the other.
func siteLike(s string, names []string) bool {
	k := letters(s)
	if k == "" || len(strings.Fields(s)) > 6 {
		return false
	}
	for _, n := range names {
		nk := letters(n)
		if nk == "" {
			continue
		}
		if k == nk || len(k) >= 4 && strings.Contains(nk, k) || len(nk) >= 4 && strings.Contains(k, nk) {
			return true
		}
	}
	return false
}

func letters(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// hostName returns the distinctive part of a URL's host: "nytimes" for
// https://www.nytimes.com/…, or "".
func hostName(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	host, _, _ := strings.Cut(u, "/")
	host, _, _ = strings.Cut(host, ":")
	parts := strings.Split(strings.ToLower(host), ".")
	if len(parts) < 2 {
		return ""
	}
	name := parts[len(parts)-2]
	switch name {
	case "co", "com", "org", "net", "ac", "gov", "edu", "ne", "or":
		if len(parts) >= 3 && len(parts[len(parts)-1]) == 2 { // example.co.uk
			name = parts[len(parts)-3]
		}
	}
	return name
}

// urlRe matches a URL in a name, with the brackets around it.
var urlRe = regexp.MustCompile(`[(<\[]?\s*(?:https?:)?//\S+\s*[)>\]]?|\bwww\.\S+`)

// withoutURLs removes the URLs from an author's name ("Bradley M. Kuhn
// (http://ebb.org/bkuhn/)"); a name that is only a URL gives "".
func withoutURLs(s string) string {
	if !strings.Contains(s, "//") && !strings.Contains(s, "www.") {
		return s
	}
	return strings.Trim(strings.Join(strings.Fields(urlRe.ReplaceAllString(s, " ")), " "), " ,;|")
}

// contentTitle makes a title for a page that names none: the text of the
// content's first heading, else the start of its text.
func contentTitle(content *html.Node) string {
	var heading, text string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && heading == ""; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.H1, atom.H2, atom.H3:
				heading = strings.Join(strings.Fields(textContent(c)), " ")
				continue
			case atom.Script, atom.Style:
				continue
			}
			walk(c)
		}
	}
	walk(content)
	if heading != "" {
		return heading
	}
	text = strings.Join(strings.Fields(textContent(content)), " ")
	return article.Truncate(text, 80)
}
