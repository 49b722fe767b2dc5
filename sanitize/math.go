package sanitize

import (
	"bytes"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MathML presentation markup is kept, from the table below, inside a
// <math> element. A browser parses what is inside <math> as foreign
// content, where the rules differ from HTML's (an HTML start tag such as
// <p> or <img> leaves the formula, <style> holds markup instead of text,
// and a start tag inside <mtext> is HTML again): that difference is how
// sanitisers have been fooled (namespace confusion, mXSS). So inside
// <math> only the table's elements are written, never an HTML element, and
// each formula is checked when it closes: the HTML parser must read the
// formula the cleaner wrote back as MathML elements of the table only,
// and serialise it to the same bytes. A formula that fails is replaced by
// its text (its alttext, else a TeX annotation, else its text content),
// never by nothing, and reported as the element "math" replaced by "text".

// mathElements is the allowlist inside <math>, math included.
var mathElements = map[string]elemRule{
	"math": {attrs: map[string]attrRule{"display": match(mathDisplayRe, lower), "alttext": textRule}},
	"mi":   {attrs: tokenAttrs}, "mn": {attrs: tokenAttrs}, "ms": {attrs: tokenAttrs}, "mtext": {attrs: tokenAttrs},
	"mo": {attrs: map[string]attrRule{
		"mathvariant": match(mathVariantRe, lower), "form": match(mathFormRe, lower),
		"fence": mathBool, "separator": mathBool, "stretchy": mathBool, "symmetric": mathBool,
		"largeop": mathBool, "movablelimits": mathBool, "lspace": mathLength, "rspace": mathLength,
		"minsize": mathLength, "maxsize": mathLength,
	}},
	"mspace":        {attrs: map[string]attrRule{"width": mathLength, "height": mathLength, "depth": mathLength}},
	"mrow":          {},
	"mfrac":         {attrs: map[string]attrRule{"linethickness": mathLength}},
	"msqrt":         {},
	"mroot":         {},
	"mstyle":        {attrs: map[string]attrRule{"displaystyle": mathBool, "scriptlevel": match(mathLevelRe, trim), "mathvariant": match(mathVariantRe, lower)}},
	"merror":        {},
	"mpadded":       {attrs: map[string]attrRule{"width": mathLength, "height": mathLength, "depth": mathLength, "lspace": mathLength, "voffset": mathLength}},
	"mphantom":      {},
	"msub":          {},
	"msup":          {},
	"msubsup":       {},
	"munder":        {attrs: map[string]attrRule{"accentunder": mathBool}},
	"mover":         {attrs: map[string]attrRule{"accent": mathBool}},
	"munderover":    {attrs: map[string]attrRule{"accent": mathBool, "accentunder": mathBool}},
	"mmultiscripts": {},
	"mprescripts":   {},
	"none":          {},
	"mtable":        {attrs: map[string]attrRule{"columnalign": match(mathAlignsRe, lower), "rowalign": match(mathAlignsRe, lower), "columnlines": match(mathLinesRe, lower), "rowlines": match(mathLinesRe, lower)}},
	"mtr":           {attrs: map[string]attrRule{"columnalign": match(mathAlignsRe, lower), "rowalign": match(mathAlignsRe, lower)}},
	"mtd":           {attrs: map[string]attrRule{"columnspan": spanRule, "rowspan": spanRule, "columnalign": match(mathAlignsRe, lower), "rowalign": match(mathAlignsRe, lower)}},
	"menclose":      {attrs: map[string]attrRule{"notation": match(mathNotationRe, lower)}},
	"semantics":     {},
	"annotation":    {attrs: map[string]attrRule{"encoding": match(mathEncodingRe, trim)}},
}

var (
	mathDisplayRe  = regexp.MustCompile(`^(?:block|inline)$`)
	mathVariantRe  = regexp.MustCompile(`^(?:normal|bold|italic|bold-italic|double-struck|bold-fraktur|script|bold-script|fraktur|sans-serif|bold-sans-serif|sans-serif-italic|sans-serif-bold-italic|monospace|initial|tailed|looped|stretched)$`)
	mathFormRe     = regexp.MustCompile(`^(?:prefix|infix|postfix)$`)
	mathBoolRe     = regexp.MustCompile(`^(?:true|false)$`)
	mathLengthRe   = regexp.MustCompile(`^(?:[+-]?(?:[0-9]{1,4}(?:\.[0-9]{1,4})?|\.[0-9]{1,4})(?:em|ex|px|pt|pc|in|cm|mm|%|mu)?|thin|medium|thick|infinity|(?:negative)?(?:very){0,2}(?:thin|thick)mathspace|(?:negative)?mediummathspace)$`)
	mathLevelRe    = regexp.MustCompile(`^[+-]?[0-9]$`)
	mathAlignsRe   = regexp.MustCompile(`^(?:left|center|right|top|bottom|baseline|axis)(?: (?:left|center|right|top|bottom|baseline|axis)){0,31}$`)
	mathLinesRe    = regexp.MustCompile(`^(?:none|solid|dashed)(?: (?:none|solid|dashed)){0,31}$`)
	mathNotationRe = regexp.MustCompile(`^[a-z]{1,24}(?: [a-z]{1,24}){0,11}$`)
	mathEncodingRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9./+-]{0,63}$`)

	mathBool   = match(mathBoolRe, lower)
	mathLength = match(mathLengthRe, lower)
	tokenAttrs = map[string]attrRule{"mathvariant": match(mathVariantRe, lower)}
)

// mathState is the formula being written.
type mathState struct {
	start int    // offset in the output of its <math> tag
	alt   string // its alttext
	tex   strings.Builder
	text  strings.Builder
}

// beginMath records a <math> about to be written at the output's end.
func (c *cleaner) beginMath(attrs []html.Attribute) {
	alt, _ := attrVal(attrs, "alttext")
	c.math = &mathState{start: c.out.Len(), alt: alt}
}

// inAnnotation reports whether the innermost kept element is a TeX
// annotation (whose text is the formula's source, not its rendering).
func (c *cleaner) inAnnotation() bool {
	for i := len(c.stack) - 1; i >= 0; i-- {
		if c.stack[i].kept {
			return c.stack[i].name == "annotation"
		}
	}
	return false
}

// text writes a text token, noting it for the formula being written.
func (c *cleaner) text(t []byte) {
	if c.math != nil {
		if c.inAnnotation() {
			c.math.tex.Write(t)
		} else {
			c.math.text.Write(t)
		}
	}
	writeText(&c.out, t)
}

// endMath checks the formula just closed and, when the HTML parser would
// not read it back as written, replaces it with its text.
func (c *cleaner) endMath() {
	m := c.math
	c.math = nil
	written := c.out.String()[m.start:]
	if mathSurvives(written) {
		return
	}
	c.out.Truncate(m.start)
	text := m.alt
	if strings.TrimSpace(text) == "" {
		text = m.tex.String()
	}
	if strings.TrimSpace(text) == "" {
		text = m.text.String()
	}
	text = strings.Join(strings.Fields(cleanControls(text)), " ")
	c.rep.addAs(KindElement, "math", "", "text", written)
	writeText(&c.out, []byte(text))
}

var divContext = &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}

// mathSurvives reports whether s, one <math> element as the cleaner wrote
// it, parses as one MathML element whose descendants are all MathML
// elements of the table and text, and renders back to s.
func mathSurvives(s string) bool {
	nodes, err := html.ParseFragment(strings.NewReader(s), divContext)
	if err != nil || len(nodes) != 1 {
		return false
	}
	n := nodes[0]
	if n.Type != html.ElementNode || n.Namespace != "math" || n.Data != "math" {
		return false
	}
	ok := true
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			if _, known := mathElements[n.Data]; n.Namespace != "math" || !known {
				ok = false
				return
			}
			for _, a := range n.Attr {
				if a.Namespace != "" {
					ok = false
				}
			}
		case html.TextNode:
		default:
			ok = false
			return
		}
		for k := n.FirstChild; k != nil && ok; k = k.NextSibling {
			walk(k)
		}
	}
	walk(n)
	if !ok {
		return false
	}
	var b bytes.Buffer
	if err := html.Render(&b, n); err != nil {
		return false
	}
	return b.String() == s
}
