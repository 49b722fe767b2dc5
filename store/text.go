package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"folio/article"
	"folio/store/searchtext"
)

// maxQueryTerms bounds the words of a search; the rest are ignored.
const maxQueryTerms = 32

// ftsQuery turns free text into an FTS5 query that cannot be a syntax
// error: each whitespace-separated word becomes a quoted string (FTS5
// splits it into tokens with the table's tokenizer, so "don't" is the
// phrase "don t"), the words are ANDed, and the last is a prefix. Words with
// no letter or digit are dropped; "" means nothing is left to search for.
// FTS5 operators typed by the user (AND, NEAR, *, ^, column:) are matched
// as plain words.
func ftsQuery(q string) string {
	// Invalid UTF-8 and control characters (NUL above all) separate words.
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(q, " "))
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(q) {
		if !strings.ContainsFunc(w, isWordRune) {
			continue
		}
		if n == maxQueryTerms {
			break
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(w, `"`, `""`))
		b.WriteByte('"')
		n++
	}
	if n == 0 {
		return ""
	}
	b.WriteByte('*')
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// plainText returns the visible text of a sanitised body for the
// full-text index (see searchtext.Plain).
func plainText(h article.SafeHTML) string { return searchtext.Plain(h) }
