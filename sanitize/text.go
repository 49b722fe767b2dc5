package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"folio/article"
)

// Text returns the plain text of an untrusted text field (a title, author,
// caption, excerpt): markup is stripped (with the content of elements such
// as script and style), entities are decoded ("&amp;" gives "&"), control
// characters are dropped and runs of white space become one space, trimmed
// at both ends. The result is plain text, not HTML: escape it to render it.
// Anything that looks like a tag ("<b>") counts as markup.
func Text(s string) string {
	return strings.Join(strings.FieldsFunc(textOf(s, false), unicode.IsSpace), " ")
}

// PlainText returns the visible text of a sanitised body, for word counts
// and excerpts: one line per block (paragraph, heading, list item, table
// row…), words within a line separated by single spaces, without images'
// alternative text.
func PlainText(h article.SafeHTML) string {
	lines := strings.Split(textOf(string(h), true), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.FieldsFunc(l, unicode.IsSpace), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// inline lists the elements that do not separate words.
var inline = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true, "data": true,
	"del": true, "dfn": true, "em": true, "font": true, "i": true, "ins": true, "kbd": true, "mark": true,
	"q": true, "s": true, "samp": true, "small": true, "span": true, "strike": true, "strong": true,
	"sub": true, "sup": true, "time": true, "tt": true, "u": true, "var": true, "wbr": true, "ruby": true,
	"rt": true, "rp": true, "big": true, "label": true, "acronym": true, "nobr": true,
	// MathML: a formula is part of its sentence.
	"math": true, "mi": true, "mn": true, "mo": true, "ms": true, "mtext": true, "mspace": true, "mrow": true,
	"mfrac": true, "msqrt": true, "mroot": true, "mstyle": true, "merror": true, "mpadded": true,
	"mphantom": true, "msub": true, "msup": true, "msubsup": true, "munder": true, "mover": true,
	"munderover": true, "mmultiscripts": true, "mprescripts": true, "none": true, "mtable": true,
	"mtr": true, "mtd": true, "menclose": true, "semantics": true, "annotation": true,
}

// cells lists the elements that separate words without starting a line.
var cells = map[string]bool{"td": true, "th": true, "img": true, "picture": true, "source": true}

// textOf extracts the text of s. With lines, blocks and <br> end lines
// and newlines in text outside <pre> are spaces; without, every
// separation is a space.
func textOf(s string, lines bool) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s) / 2)
	var skip dropped
	pre := 0
	z := html.NewTokenizer(strings.NewReader(s))
	sep := func(name string) {
		switch {
		case inline[name]:
		case !lines || cells[name]:
			b.WriteByte(' ')
		default:
			b.WriteByte('\n')
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.Map(func(r rune) rune {
				if isControl(r) {
					return -1
				}
				return r
			}, b.String())
		case html.TextToken:
			if skip.active() {
				continue
			}
			t := string(z.Text())
			if lines && pre == 0 {
				t = strings.ReplaceAll(t, "\n", " ")
			}
			b.WriteString(t)
		case html.StartTagToken, html.SelfClosingTagToken:
			n, _ := z.TagName()
			name := string(n)
			if opensSkip(name, tt) || name == "annotation" && tt == html.StartTagToken {
				skip.push(name) // a formula's annotation is its source, not its text
			}
			if skip.active() {
				continue
			}
			if name == "pre" && tt == html.StartTagToken {
				pre++
			}
			sep(name)
		case html.EndTagToken:
			n, _ := z.TagName()
			name := string(n)
			if skip.active() {
				skip.end(name)
				if skip.active() {
					continue
				}
			}
			if name == "pre" && pre > 0 {
				pre--
			}
			sep(name)
		}
	}
}
