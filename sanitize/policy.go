package sanitize

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// This file holds the one table of what the sanitiser allows. The table
// drives both the tokenizer pass in sanitize.go (which shapes the output and
// writes the report) and the bluemonday policy below (which every byte of
// output passes through), so the two cannot drift apart. TestPolicyAgrees
// and FuzzHTML check that bluemonday changes nothing in the tokenizer pass's
// output: whatever was removed, the report says so.

// idPrefix is put before every id kept in a body, so that an article cannot
// clobber the page's own ids or globals (window.foo for id="foo").
const idPrefix = "user-content-"

// idChars are the characters an id keeps (as a regexp class); normID
// turns every other character into "-".
const idChars = `\p{L}\p{M}\p{N}_.:'?!(),-`

// attrKind says how an attribute's value is checked.
type attrKind int

const (
	attrText   attrKind = iota // free text (alt, title): control characters removed
	attrMatch                  // normalised by norm, then must match re
	attrHref                   // a link URL: http, https, mailto, relative, #fragment
	attrSrc                    // a resource URL: http, https, relative
	attrCite                   // a citation URL: http, https, relative
	attrSrcset                 // a list of image candidates
	attrID                     // an id: prefixed with idPrefix
	attrClass                  // only a language-* class is kept
	attrPolicy                 // set by the policy itself; an input value is replaced silently
)

// attrRule is how one attribute is allowed on an element.
type attrRule struct {
	kind attrKind
	re   *regexp.Regexp      // what bluemonday lets through; nil for free text
	norm func(string) string // for attrMatch: the value is normalised first
}

// elemRule is one allowed element.
type elemRule struct {
	attrs map[string]attrRule
	// needs lists attributes of which at least one must survive, or the
	// element is dropped (its content kept): <a> without href, <img>
	// without src or srcset.
	needs []string
	void  bool
}

// URL shapes as the tokenizer pass writes them, for bluemonday's second
// check. bluemonday also parses href, cite and img src itself.
const (
	relURL  = `(?:[^\s:/?#]+(?:[/?#]\S*)?|[/?#]\S*)`
	absURL  = `https?://\S+`
	srcDesc = `(?: [0-9]+(?:\.[0-9]+)?[wxh])?`
	srcCand = `(?:` + absURL + `|` + relURL + `)` + srcDesc
)

var (
	hrefRe   = regexp.MustCompile(`^(?:` + absURL + `|mailto:\S+|` + relURL + `)$`)
	srcRe    = regexp.MustCompile(`^(?:` + absURL + `|` + relURL + `)$`)
	srcsetRe = regexp.MustCompile(`^` + srcCand + `(?:, ` + srcCand + `)*$`)
	idRe     = regexp.MustCompile(`^` + idPrefix + `[` + idChars + `]{1,128}$`)
	classRe  = regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]{1,32}$`)
	emptyRe  = regexp.MustCompile(`^$`)
	intRe    = regexp.MustCompile(`^[0-9]{1,4}$`)
	sizeRe   = regexp.MustCompile(`^[0-9]{1,5}$`)
	ordRe    = regexp.MustCompile(`^-?[0-9]{1,9}$`)
	langRe   = regexp.MustCompile(`^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$`)
	dirRe    = regexp.MustCompile(`^(?:ltr|rtl|auto)$`)
	scopeRe  = regexp.MustCompile(`^(?:row|col|rowgroup|colgroup)$`)
	olTypeRe = regexp.MustCompile(`^[1aAiI]$`)
	timeRe   = regexp.MustCompile(`^[0-9A-Za-z:+. -]{1,64}$`)
	mimeRe   = regexp.MustCompile(`^image/[a-z0-9.+-]{1,40}$`)
	mediaRe  = regexp.MustCompile(`^[A-Za-z0-9 ().,:/%-]{1,256}$`)
	sizesRe  = regexp.MustCompile(`^[A-Za-z0-9 ().,:%+*/-]{1,256}$`)
)

// The values the policy adds itself: rel and target on links that leave the
// site, loading and decoding on every image.
const (
	relExternal = "noopener noreferrer nofollow"
	targetBlank = "_blank"
	loadingLazy = "lazy"
	decodeAsync = "async"
)

var (
	relRule      = attrRule{kind: attrPolicy, re: regexp.MustCompile(`^` + relExternal + `$`)}
	targetRule   = attrRule{kind: attrPolicy, re: regexp.MustCompile(`^` + targetBlank + `$`)}
	loadingRule  = attrRule{kind: attrPolicy, re: regexp.MustCompile(`^` + loadingLazy + `$`)}
	decodingRule = attrRule{kind: attrPolicy, re: regexp.MustCompile(`^` + decodeAsync + `$`)}
)

func trim(s string) string { return strings.TrimSpace(s) }

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// pixels accepts "640" and "640px", as browsers do.
func pixels(s string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "px")
}

func boolean(s string) string { return "" }

func match(re *regexp.Regexp, norm func(string) string) attrRule {
	return attrRule{kind: attrMatch, re: re, norm: norm}
}

var (
	textRule   = attrRule{kind: attrText}
	hrefRule   = attrRule{kind: attrHref, re: hrefRe}
	srcRule    = attrRule{kind: attrSrc, re: srcRe}
	citeRule   = attrRule{kind: attrCite, re: srcRe}
	srcsetRule = attrRule{kind: attrSrcset, re: srcsetRe}
	classRule  = attrRule{kind: attrClass, re: classRe}
	spanRule   = match(intRe, trim)
	sizeRule   = match(sizeRe, pixels)
	timeRule   = match(timeRe, trim)
)

// globalAttrs are allowed on every allowed element.
var globalAttrs = map[string]attrRule{
	"id":    {kind: attrID, re: idRe},
	"title": textRule,
	"lang":  match(langRe, trim),
	"dir":   match(dirRe, lower),
}

// elements is the allowlist. An element not listed is removed; its content
// is kept unless skipContent lists it.
var elements = map[string]elemRule{
	"p": {}, "h1": {}, "h2": {}, "h3": {}, "h4": {}, "h5": {}, "h6": {},
	"ul": {}, "li": {attrs: map[string]attrRule{"value": match(ordRe, trim)}},
	"ol": {attrs: map[string]attrRule{"start": match(ordRe, trim), "reversed": match(emptyRe, boolean), "type": match(olTypeRe, trim)}},
	"dl": {}, "dt": {}, "dd": {},
	"blockquote": {attrs: map[string]attrRule{"cite": citeRule}},
	"pre":        {attrs: map[string]attrRule{"class": classRule}},
	"code":       {attrs: map[string]attrRule{"class": classRule}},
	"table":      {}, "caption": {}, "thead": {}, "tbody": {}, "tfoot": {}, "tr": {},
	"th":       {attrs: map[string]attrRule{"colspan": spanRule, "rowspan": spanRule, "scope": match(scopeRe, lower)}},
	"td":       {attrs: map[string]attrRule{"colspan": spanRule, "rowspan": spanRule}},
	"colgroup": {attrs: map[string]attrRule{"span": spanRule}},
	"col":      {attrs: map[string]attrRule{"span": spanRule}, void: true},
	// A figure's class, data-provider and data-embed-src are the embed
	// facade's, set by facadeAttrs from the table (embed.go), never
	// copied from input.
	"figure": {attrs: map[string]attrRule{
		"class":          {kind: attrPolicy, re: embedClassRe},
		"data-provider":  {kind: attrPolicy, re: providerNameRe},
		"data-embed-src": {kind: attrPolicy, re: embedSrcRe},
	}},
	"figcaption": {},
	"picture":    {},
	"source": {
		attrs: map[string]attrRule{"srcset": srcsetRule, "sizes": match(sizesRe, trim), "media": match(mediaRe, trim),
			"type": match(mimeRe, lower), "width": sizeRule, "height": sizeRule},
		needs: []string{"srcset"},
		void:  true,
	},
	"img": {
		attrs: map[string]attrRule{"src": srcRule, "srcset": srcsetRule, "sizes": match(sizesRe, trim), "alt": textRule,
			"width": sizeRule, "height": sizeRule, "loading": loadingRule, "decoding": decodingRule},
		needs: []string{"src", "srcset"},
		void:  true,
	},
	"a": {
		attrs: map[string]attrRule{"href": hrefRule, "rel": relRule, "target": targetRule},
		needs: []string{"href"},
	},
	"em": {}, "strong": {}, "b": {}, "i": {}, "u": {}, "s": {}, "sub": {}, "sup": {}, "mark": {}, "small": {},
	"abbr": {}, "cite": {}, "dfn": {}, "kbd": {}, "samp": {}, "var": {}, "bdi": {}, "bdo": {},
	"q":       {attrs: map[string]attrRule{"cite": citeRule}},
	"del":     {attrs: map[string]attrRule{"cite": citeRule, "datetime": timeRule}},
	"ins":     {attrs: map[string]attrRule{"cite": citeRule, "datetime": timeRule}},
	"time":    {attrs: map[string]attrRule{"datetime": timeRule}},
	"details": {attrs: map[string]attrRule{"open": match(emptyRe, boolean)}},
	"summary": {},
	"ruby":    {}, "rt": {}, "rp": {},
	"br": {void: true}, "hr": {void: true}, "wbr": {void: true},
	"div": {}, "span": {}, "section": {}, "article": {}, "aside": {}, "header": {}, "footer": {},
}

// skipContent lists the elements removed together with everything inside
// them: their content is code, styling, embedded documents, form controls or
// SVG markup, never article text. (Embedded documents a provider table
// entry recognises become facades first: facade.go. MathML is kept:
// math.go.)
var skipContent = map[string]bool{
	"script": true, "style": true, "template": true, "noscript": true, "noembed": true, "noframes": true,
	"nostyle": true, "iframe": true, "frame": true, "frameset": true, "object": true, "applet": true,
	"svg": true, "textarea": true, "select": true, "option": true, "optgroup": true,
	"datalist": true, "button": true, "form": true, "title": true, "xmp": true, "plaintext": true,
	"head": true, "canvas": true, "audio": true, "video": true, "map": true, "dialog": true,
	"portal": true, "fencedframe": true, "selectedcontent": true,
}

// voidElements have no end tag, allowed or not.
var voidElements = map[string]bool{
	"area": true, "base": true, "basefont": true, "bgsound": true, "br": true, "col": true, "embed": true,
	"frame": true, "hr": true, "image": true, "img": true, "input": true, "keygen": true, "link": true,
	"meta": true, "param": true, "source": true, "track": true, "wbr": true,
}

// policy is the one bluemonday policy, built once from the table. A policy
// is safe for concurrent use once built.
var policy = newPolicy()

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.RequireNoReferrerOnFullyQualifiedLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	for name := range skipContent {
		p.SkipElementsContent(name)
	}
	for _, table := range []map[string]elemRule{elements, mathElements} {
		for name, el := range table {
			p.AllowElements(name)
			if el.needs == nil {
				p.AllowNoAttrs().OnElements(name)
			}
			for attr, r := range el.attrs {
				if r.re == nil { // free text
					p.AllowAttrs(attr).OnElements(name)
					continue
				}
				p.AllowAttrs(attr).Matching(r.re).OnElements(name)
			}
		}
	}
	for attr, r := range globalAttrs {
		p.AllowAttrs(attr).Matching(r.re).Globally()
	}
	return p
}
