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

// Excerpt returns the start of a sanitised body's prose, for an article
// that has no summary of its own: the text of its paragraphs from the
// first real one on (a <p> outside figures, quotes, tables, asides and
// page furniture, with at least a sentence in it: not a byline, a date or a
// caption), each paragraph whole and separated from the next by a space,
// never a heading run into the text; cut at n characters at a word
// boundary, with an ellipsis when cut. It returns "" when the body has no
// paragraph at all.
func Excerpt(h article.SafeHTML, n int) string {
	paras := paragraphs(string(h))
	first := -1
	for i, p := range paras {
		if realParagraph(p) {
			first = i
			break
		}
	}
	if first < 0 {
		if len(paras) == 0 {
			return ""
		}
		first = 0
	}
	var b strings.Builder
	for _, p := range paras[first:] {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
		if utf8.RuneCountInString(b.String()) > n {
			break
		}
	}
	return article.Truncate(b.String(), n)
}

// realParagraph reports whether a paragraph's text reads as prose: at
// least 80 characters, or at least four words ending a sentence.
func realParagraph(p string) bool {
	if utf8.RuneCountInString(p) >= 80 {
		return true
	}
	words := strings.Fields(p)
	if len(words) < 4 {
		return false
	}
	last := strings.TrimRight(p, `"”’»)]*`)
	return strings.HasSuffix(last, ".") || strings.HasSuffix(last, "!") || strings.HasSuffix(last, "?") || strings.HasSuffix(last, "…") || strings.HasSuffix(last, "。")
}

// notProse lists the elements whose paragraphs are not the article's
// running text.
var notProse = map[string]bool{
	"figure": true, "figcaption": true, "blockquote": true, "table": true, "aside": true, "header": true,
	"footer": true, "pre": true, "details": true, "li": true, "dl": true,
}

// paragraphs returns the text of each <p> of clean HTML that is not
// inside a notProse element, white space collapsed, empty ones left out.
func paragraphs(s string) []string {
	var out []string
	var cur *strings.Builder
	depth := 0 // open notProse elements
	var skip dropped
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.TextToken:
			if cur != nil && !skip.active() {
				cur.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			n, _ := z.TagName()
			name := string(n)
			if name == "annotation" && tt == html.StartTagToken {
				skip.push(name)
			}
			switch {
			case notProse[name] && tt == html.StartTagToken:
				depth++
			case name == "p" && depth == 0:
				cur = &strings.Builder{}
			case name == "br" && cur != nil:
				cur.WriteByte(' ')
			}
		case html.EndTagToken:
			n, _ := z.TagName()
			name := string(n)
			skip.end(name)
			switch {
			case notProse[name] && depth > 0:
				depth--
			case name == "p" && cur != nil:
				if t := strings.Join(strings.Fields(cur.String()), " "); t != "" {
					out = append(out, t)
				}
				cur = nil
			}
		}
	}
}
