package sanitize

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// MathML presentation markup is kept, from the table below, inside a
// <math> element. A browser parses what is inside <math> as foreign
// content, where the rules differ from HTML's (an HTML start tag such as
// <p> or <img> leaves the formula, <style> holds markup instead of text,
// and a start tag inside <mtext> is HTML again): that difference is how
// sanitisers have been fooled (namespace confusion, mXSS). So inside
// <math> only the table's elements are written, never an HTML element, and
// a formula is kept only if a browser's parser reads it back as written:
// MathML elements of the table, with the text in them. The one way the
// table's elements parse otherwise is an element inside a token element
// (mi, mn, mo, ms, mtext, which are text integration points: a start tag
// there is HTML again), so a formula with one is not kept. Tests check,
// with the HTML parser itself, that every formula the cleaner keeps parses
// back to the same elements and renders to the same bytes (mathSurvives
// in the tests). A formula that is not kept is replaced by its text (its
// alttext, else a TeX annotation, else its text content), never by
// nothing, and reported as the element "math" replaced by "text".

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
	start  int    // offset in the output of its <math> tag
	alt    string // its alttext
	broken bool   // an element was written inside a token element
	tex    strings.Builder
	text   strings.Builder
}

// beginMath records a <math> about to be written at the output's end.
func (c *cleaner) beginMath(attrs []html.Attribute) {
	alt, _ := attrVal(attrs, "alttext")
	c.math = &mathState{start: c.out.Len(), alt: alt}
}

// tokenElements are MathML's text integration points.
var tokenElements = map[string]bool{"mi": true, "mn": true, "mo": true, "ms": true, "mtext": true}

// mathChild notes a MathML element about to be written inside the
// formula: inside a token element it would parse as HTML.
func (c *cleaner) mathChild() {
	for i := len(c.stack) - 1; i >= 0; i-- {
		if c.stack[i].kept {
			if tokenElements[c.stack[i].name] {
				c.math.broken = true
			}
			return
		}
	}
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
	if !m.broken {
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
